import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canaryForms, captureConsole, findLeaks, makeCanaryKey, makeSecretId, makeVaultToken } from './canary';
import { DEFAULT_REPLY_TEXT, hashKey, startFakeAnthropic, type FakeAnthropic } from './fake-anthropic';

const MODEL = 'claude-sonnet-5-5';
const USER_MESSAGES: Anthropic.MessageParam[] = [{ role: 'user', content: 'Say hello.' }];

let fake: FakeAnthropic;
/** A fresh canary key per test. */
let apiKey = makeCanaryKey();

function makeClient(maxRetries = 0, extra: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic {
  return new Anthropic({ baseURL: fake.url, apiKey, maxRetries, ...extra });
}

beforeAll(async () => {
  fake = await startFakeAnthropic();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  apiKey = makeCanaryKey();
});

afterEach(() => {
  fake.reset();
});

describe('fake Anthropic through the real SDK', () => {
  it('answers a non-stream create with a full Message echoing the model', async () => {
    const message = await makeClient().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: USER_MESSAGES,
    });

    expect(message.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: DEFAULT_REPLY_TEXT }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.usage.input_tokens).toBe(Math.ceil('Say hello.'.length / 4));
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      stream: false,
      retryCount: 0,
    });
    expect(fake.requests[0]!.requestId).toMatch(/^req_/);
  });

  it('streams the exact event sequence with the scripted text splits', async () => {
    fake.reply({ text: 'Hello, world!', splits: [5, 7] });
    const stream = await makeClient().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: USER_MESSAGES,
      stream: true,
    });

    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const deltas = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? [event.delta.text] : [],
    );
    expect(deltas).toEqual(['Hello', ', ', 'world!']);
    const start = events[0] as Anthropic.RawMessageStartEvent;
    expect(start.message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [],
      stop_reason: null,
    });
    expect(start.message.usage.output_tokens).toBe(1);
    expect(events[6]).toMatchObject({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
    });
    expect(fake.requests[0]!.stream).toBe(true);
  });

  it('writes the raw SSE wire format with a ping and the Bearer or x-api-key credential', async () => {
    fake.reply({ text: 'abcd', splits: [2] });
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({
        model: MODEL,
        max_tokens: 8,
        messages: USER_MESSAGES,
        stream: true,
      }),
    });

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const body = await response.text();
    const eventNames = [...body.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(eventNames).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(body).toContain(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ab"}}\n\n',
    );
    expect(fake.requests[0]!.keyHash).toBe(hashKey(apiKey));
    expect(fake.requests[0]!.headers['x-api-key']).toBe(hashKey(apiKey));
  });

  it('reassembles text and tool_use input with messages.stream() and finalMessage()', async () => {
    const toolInput = { city: 'Paris', units: 'celsius', days: [1, 2, 3] };
    fake.reply({
      content: [
        { type: 'text', text: 'Let me check the weather.' },
        {
          type: 'tool_use',
          id: 'toolu_01TestWeather',
          name: 'get_weather',
          input: toolInput,
        },
      ],
      splits: [3, 10],
      jsonSplits: [1, 9, 20],
    });

    const stream = makeClient().messages.stream({
      model: MODEL,
      max_tokens: 64,
      messages: USER_MESSAGES,
    });
    const finalMessage = await stream.finalMessage();

    expect(finalMessage.stop_reason).toBe('tool_use');
    expect(finalMessage.content).toEqual([
      expect.objectContaining({
        type: 'text',
        text: 'Let me check the weather.',
      }),
      expect.objectContaining({
        type: 'tool_use',
        id: 'toolu_01TestWeather',
        name: 'get_weather',
        input: toolInput,
      }),
    ]);
  });

  it('answers a json script with the serialized object as text', async () => {
    fake.reply({
      json: { verdict: 'safe', score: 0.1 },
      stop_reason: 'max_tokens',
      model: 'claude-haiku-4-5',
    });
    const message = await makeClient().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: USER_MESSAGES,
    });

    expect(message.content).toEqual([{ type: 'text', text: '{"verdict":"safe","score":0.1}' }]);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.model).toBe('claude-haiku-4-5');
  });

  it('counts tokens as text length / 4', async () => {
    const text = 'x'.repeat(403);
    const result = await makeClient().messages.countTokens({
      model: MODEL,
      messages: [{ role: 'user', content: text }],
    });

    expect(result).toEqual({ input_tokens: Math.ceil(403 / 4) });
    expect(fake.requests[0]!.path).toBe('/v1/messages/count_tokens');
  });

  it('creates a message batch', async () => {
    const batch = await makeClient().messages.batches.create({
      requests: [
        {
          custom_id: 'first',
          params: { model: MODEL, max_tokens: 16, messages: USER_MESSAGES },
        },
        {
          custom_id: 'second',
          params: { model: MODEL, max_tokens: 16, messages: USER_MESSAGES },
        },
      ],
    });

    expect(batch.id).toMatch(/^msgbatch_/);
    expect(batch.type).toBe('message_batch');
    expect(batch.processing_status).toBe('in_progress');
    expect(batch.request_counts).toEqual({
      processing: 2,
      succeeded: 0,
      errored: 0,
      canceled: 0,
      expired: 0,
    });
    expect(Date.parse(batch.expires_at) - Date.parse(batch.created_at)).toBe(24 * 60 * 60 * 1000);
  });

  it('lists models', async () => {
    const page = await makeClient().models.list();
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data[0]).toMatchObject({
      type: 'model',
      id: expect.stringMatching(/^claude-/),
    });
  });

  it('rejects a revoked or not-allowed key with 401 AuthenticationError in the API error shape', async () => {
    fake.revokeKey(apiKey);
    const error = await makeClient()
      .messages.create({ model: MODEL, max_tokens: 8, messages: USER_MESSAGES })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const authenticationError = error as InstanceType<typeof Anthropic.AuthenticationError>;
    expect(authenticationError.status).toBe(401);
    expect(authenticationError.requestID).toMatch(/^req_/);
    expect(authenticationError.error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
      request_id: authenticationError.requestID,
    });

    const otherKey = makeCanaryKey();
    fake.allowKeys([otherKey]);
    await expect(
      makeClient().messages.create({
        model: MODEL,
        max_tokens: 8,
        messages: USER_MESSAGES,
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const allowed = await new Anthropic({
      baseURL: fake.url,
      apiKey: otherKey,
      maxRetries: 0,
    }).messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: USER_MESSAGES,
    });
    expect(allowed.content[0]).toMatchObject({ type: 'text' });
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await fetch(`${fake.url}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as {
      type: string;
      error: { type: string };
      request_id: string;
    };
    expect(body).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
    expect(body.request_id).toBe(response.headers.get('request-id'));
  });

  it('lets the SDK retry a 429 with retry-after 0 (retry count recorded)', async () => {
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const message = await makeClient(2).messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: USER_MESSAGES,
    });

    expect(message.type).toBe('message');
    expect(fake.requests.map((request) => request.retryCount)).toEqual([0, 1]);
  });

  it('sends the retry-after header on 429 and overloaded_error on 529', async () => {
    fake.failNext(1, { status: 429, retryAfter: 7 });
    const rateLimited = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        model: MODEL,
        max_tokens: 8,
        messages: USER_MESSAGES,
      }),
    });
    expect(rateLimited.status).toBe(429);
    expect(rateLimited.headers.get('retry-after')).toBe('7');
    expect(await rateLimited.json()).toMatchObject({
      error: { type: 'rate_limit_error' },
    });

    fake.failNext(1, { status: 529 });
    const error = await makeClient(0)
      .messages.create({ model: MODEL, max_tokens: 8, messages: USER_MESSAGES })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'overloaded_error' },
    });
  });

  it('recovers from a 529 followed by success with maxRetries 1', async () => {
    fake.failNext(1, { status: 529 });
    fake.reply({ text: 'after overload' });
    const message = await makeClient(1).messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: USER_MESSAGES,
    });

    expect(message.content).toEqual([{ type: 'text', text: 'after overload' }]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.map((request) => request.retryCount)).toEqual([0, 1]);
    expect(fake.pendingReplies()).toBe(0);
  });

  it('makes SDK stream iteration throw when the socket is cut after N events', async () => {
    fake.reply({
      text: 'a fairly long answer that will never finish',
      cutAfterEvents: 4,
    });
    const stream = await makeClient().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: USER_MESSAGES,
      stream: true,
    });

    const received: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) received.push(event.type);
      })(),
    ).rejects.toThrow();
    // message_start, content_block_start, ping (filtered by the SDK), first delta
    expect(received).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  it('surfaces a mid-stream SSE error event as an APIError', async () => {
    fake.reply({
      sseError: { type: 'overloaded_error', message: 'Overloaded' },
      afterEvents: 2,
    });
    const stream = await makeClient().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: USER_MESSAGES,
      stream: true,
    });

    const error = await (async () => {
      for await (const event of stream) void event;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'overloaded_error' },
    });
  });

  it('stalls before headers (client timeout) and after events until close', async () => {
    fake.reply({ stallMs: 5_000 });
    await expect(
      makeClient(0, { timeout: 150 }).messages.create({
        model: MODEL,
        max_tokens: 8,
        messages: USER_MESSAGES,
      }),
    ).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);

    fake.reply({ stallAfterEvents: 2 });
    const controller = new AbortController();
    const stream = await makeClient().messages.create(
      { model: MODEL, max_tokens: 8, messages: USER_MESSAGES, stream: true },
      { signal: controller.signal },
    );
    const received: string[] = [];
    const iteration = (async () => {
      for await (const event of stream) received.push(event.type);
    })();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(received).toEqual(['message_start', 'content_block_start']);
    controller.abort();
    await iteration.catch(() => undefined);
  });

  it('records the key only as a hash and never the raw key', async () => {
    await makeClient().messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: USER_MESSAGES,
    });
    await makeClient().messages.countTokens({
      model: MODEL,
      messages: USER_MESSAGES,
    });

    for (const request of fake.requests) {
      expect(request.keyHash).toBe(hashKey(apiKey));
      expect(request.keyHash).toMatch(/^[0-9a-f]{16}$/);
      expect(request.headers['authorization']).toBe(`Bearer ${hashKey(apiKey)}`);
    }
    expect(findLeaks([fake.requests], [apiKey])).toEqual([]);
  });
});

describe('canary kit', () => {
  it('makes credential-shaped canaries', () => {
    expect(makeCanaryKey()).toMatch(/^sk-ant-api03-[A-Za-z0-9_-]{93}AA$/);
    expect(makeCanaryKey()).not.toBe(makeCanaryKey());
    expect(makeVaultToken()).toMatch(/^hvs\.[0-9A-Za-z]{24}$/);
    expect(makeSecretId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('lists the whole value, the 8-char windows of the random part and the encoded forms', () => {
    const key = makeCanaryKey();
    const forms = canaryForms(key);

    expect(forms).toContain(key);
    expect(forms).toContain(key.slice(13, 21));
    expect(forms).toContain(key.slice(-8));
    expect(forms).not.toContain(key.slice(0, 8)); // the public prefix is not a window
    expect(forms).toContain(Buffer.from(key).toString('base64'));
    expect(forms).toContain(Buffer.from(key).toString('hex'));
    const secretWithSpecials = 'p@ss"word/\\with spaces';
    expect(canaryForms(secretWithSpecials)).toEqual(
      expect.arrayContaining([encodeURIComponent(secretWithSpecials), JSON.stringify(secretWithSpecials).slice(1, -1)]),
    );
  });

  it('detects a key planted in an error cause, a nested object and an encoded form, without printing it', () => {
    const key = makeCanaryKey();
    const token = makeVaultToken();
    const errorWithCause = new Error('request failed', {
      cause: new Error(`upstream said ${key}`),
    });
    const nested = {
      level1: {
        level2: {
          level3: { level4: { level5: [{ header: `Bearer ${key}` }] } },
        },
      },
    };
    const encoded = {
      basic: `Basic ${Buffer.from(`user:${key}`).toString('base64')}`,
    };
    const partial = { snippet: key.slice(40, 52) };

    const leaks = findLeaks([errorWithCause, nested, encoded, partial, 'clean text'], [key, token]);

    expect(leaks.some((leak) => leak.startsWith('haystack[0] leaks secret[0] as whole value'))).toBe(true);
    expect(leaks.some((leak) => leak.startsWith('haystack[1] leaks secret[0] as whole value'))).toBe(true);
    expect(leaks.some((leak) => leak.startsWith('haystack[2] leaks secret[0] as base64'))).toBe(true);
    expect(leaks.some((leak) => leak.startsWith('haystack[3] leaks secret[0] as 8-char window'))).toBe(true);
    expect(leaks.some((leak) => leak.startsWith('haystack[4]') || leak.includes('secret[1]'))).toBe(false);
    for (const leak of leaks) {
      for (const form of canaryForms(key)) expect(leak).not.toContain(form);
    }
  });

  it('detects a key on a non-enumerable property and survives cycles', () => {
    const key = makeCanaryKey();
    const error = new Error('boom') as Error & { self?: unknown };
    error.self = error;
    Object.defineProperty(error, 'config', {
      value: { headers: { 'x-api-key': key } },
      enumerable: false,
    });

    expect(findLeaks([error], [key]).length).toBeGreaterThan(0);
  });

  it('reports nothing on clean input', () => {
    const key = makeCanaryKey();
    const cyclic: Record<string, unknown> = {
      name: 'client',
      options: { maxRetries: 2, apiKey: '[REDACTED]' },
    };
    cyclic['self'] = cyclic;
    const haystacks = [
      'nothing to see',
      new Error('request failed', { cause: new Error('upstream 401') }),
      cyclic,
      { big: 10n, map: new Map([['a', 1]]), bytes: Buffer.from('hello') },
      undefined,
      null,
      42,
    ];
    expect(findLeaks(haystacks, [key, makeVaultToken(), makeSecretId()])).toEqual([]);
  });

  it('captures console and stdout/stderr writes until restore', () => {
    const key = makeCanaryKey();
    const capture = captureConsole();
    try {
      console.log('hello %s', 'world');
      console.error({ nested: { apiKey: key } });
      process.stdout.write('raw stdout\n');
      process.stderr.write(Buffer.from('raw stderr\n'));
    } finally {
      capture.restore();
    }
    const text = capture.text();

    expect(text).toContain('hello world\n');
    expect(text).toContain('raw stdout\n');
    expect(text).toContain('raw stderr\n');
    expect(capture.calls.map((call) => call.method)).toEqual(['log', 'error']);
    expect(findLeaks([text], [key]).length).toBeGreaterThan(0);
    expect(findLeaks([capture.calls], [key]).length).toBeGreaterThan(0);
  });
});
