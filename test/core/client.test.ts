import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  CredentialError,
  MemoryAuditSink,
  SecureClaudeClient,
  SecureClaudeError,
  definePreset,
  getSecurityDecisions,
  mapParamsText,
  mapResultText,
  type SecureMiddleware,
} from 'secure-claude';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { makeCanaryKey } from '../helpers/canary';

const MODEL = 'claude-sonnet-5-5';
/** A preset without controls, so each test sees only the middleware it adds. */
const bare = definePreset({ name: 'bare', version: '1.0.0', middleware: [] });

/** Replaces the marker word in every text field of requests and replies, and counts its calls. */
function markerMiddleware(name: string, from: string, to: string, calls: string[] = []): SecureMiddleware {
  const swap = (text: string) => text.split(from).join(to);
  return {
    name,
    transformParams(params, context) {
      calls.push(`${name}:params`);
      const next = mapParamsText(params, swap);
      context.decide({
        action: next === params ? 'allow' : 'redact',
        reason: next === params ? 'none' : 'marker-replaced',
      });
      return next;
    },
    transformResult(result, context) {
      calls.push(`${name}:result`);
      context.decide({ action: 'allow', reason: 'checked' });
      return mapResultText(result, swap);
    },
    createStreamTransformer() {
      calls.push(`${name}:stream`);
      return {
        transform(event, emit) {
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
            emit({ ...event, delta: { ...event.delta, text: swap(event.delta.text) } });
          } else emit(event);
        },
      };
    },
  };
}

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

function client(middleware: SecureMiddleware[] = [], extra: Record<string, unknown> = {}) {
  return new SecureClaudeClient({
    apiKey: makeCanaryKey(),
    baseURL: fake.url,
    maxRetries: 0,
    security: { environment: 'test', integration: 'unit', preset: bare, middleware },
    ...extra,
  });
}

const params = (text: string) => ({
  model: MODEL,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: text }],
});

describe('SecureClaudeClient as a drop-in', () => {
  it('is an Anthropic client and keeps the SDK resources', () => {
    const secure = client();
    expect(secure).toBeInstanceOf(Anthropic);
    expect(secure.messages).toBeInstanceOf(Anthropic.Messages);
    expect(typeof secure.models.list).toBe('function');
  });

  it('runs params through the pipeline before the wire, once per call', async () => {
    const calls: string[] = [];
    fake.reply({ text: 'reply with SECRETWORD inside' });
    const message = await client([markerMiddleware('marker', 'SECRETWORD', '[X]', calls)]).messages.create(
      params('hello SECRETWORD'),
    );
    expect(fake.requests).toHaveLength(1);
    expect(JSON.stringify(fake.requests[0]!.body)).not.toContain('SECRETWORD');
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'reply with [X] inside' });
    expect(calls).toEqual(['marker:params', 'marker:result']);
    expect(message._request_id).toMatch(/^req_/);
  });

  it('runs input once per call even when the SDK retries', async () => {
    const calls: string[] = [];
    fake.failNext(2, { status: 529 });
    const secure = client([markerMiddleware('marker', 'A', 'B', calls)], { maxRetries: 2 });
    await secure.messages.create(params('A'));
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((request) => request.retryCount)).toEqual([0, 1, 2]);
    expect(calls.filter((call) => call === 'marker:params')).toHaveLength(1);
  });

  it('transforms streamed replies event by event, keeping the event sequence', async () => {
    fake.reply({ text: 'one SECRETWORD two', splits: [4, 10] });
    const stream = await client([markerMiddleware('marker', 'SECRETWORD', '[X]')]).messages.create({
      ...params('hi'),
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_stop');
    // The split marker is not caught by a per-event rewrite: that is the data engine's hold-back job.
    expect(text).toBe('one SECRETWORD two'.split('SECRETWORD').join('SECRETWORD'));
  });

  it('messages.stream() runs the pipeline and finalMessage() holds the transformed reply', async () => {
    fake.reply({ text: 'SECRETWORD!', splits: [] });
    const secure = client([markerMiddleware('marker', 'SECRETWORD', '[X]')]);
    const stream = secure.messages.stream(params('SECRETWORD'));
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ text: '[X]!' });
    expect(JSON.stringify(fake.requests[0]!.body)).not.toContain('SECRETWORD');
    expect(getSecurityDecisions(stream)?.operation).toBe('messages.stream');
  });

  it('covers countTokens, batches.create, parse and the beta twins', async () => {
    const calls: string[] = [];
    const secure = client([markerMiddleware('marker', 'SECRETWORD', '[X]', calls)]);
    const count = await secure.messages.countTokens(params('SECRETWORD'));
    expect(count.input_tokens).toBeGreaterThan(0);
    await secure.messages.batches.create({ requests: [{ custom_id: 'a', params: params('SECRETWORD') }] });
    fake.reply({ json: { answer: 4 } });
    const parsed = await secure.messages.parse(params('SECRETWORD'));
    expect(parsed.content[0]).toMatchObject({ type: 'text' });
    await secure.beta.messages.create(params('SECRETWORD'));
    await secure.beta.messages.countTokens(params('SECRETWORD'));
    await secure.beta.messages.batches.create({ requests: [{ custom_id: 'b', params: params('SECRETWORD') }] });
    const betaStream = secure.beta.messages.stream(params('SECRETWORD'));
    await betaStream.finalMessage();
    for (const request of fake.requests) expect(JSON.stringify(request.body)).not.toContain('SECRETWORD');
    expect(fake.requests.map((request) => request.path.split('?')[0])).toEqual([
      '/v1/messages/count_tokens',
      '/v1/messages/batches',
      '/v1/messages',
      '/v1/messages',
      '/v1/messages/count_tokens',
      '/v1/messages/batches',
      '/v1/messages',
    ]);
    expect(getSecurityDecisions(count)?.operation).toBe('messages.countTokens');
    expect(getSecurityDecisions(parsed)?.operation).toBe('messages.parse');
  });

  it('withOptions() keeps the security settings and installs the HTTP layer once', async () => {
    const calls: string[] = [];
    const secure = client([markerMiddleware('marker', 'SECRETWORD', '[X]', calls)]);
    const clone = secure.withOptions({ timeout: 5_000 });
    expect(clone).toBeInstanceOf(SecureClaudeClient);
    expect(clone.security.middleware).toEqual(['marker']);
    expect(clone.security.environment).toBe('test');
    await clone.messages.create(params('SECRETWORD'));
    expect(JSON.stringify(fake.requests[0]!.body)).not.toContain('SECRETWORD');
    expect(calls).toEqual(['marker:params', 'marker:result']);
  });
});

describe('the HTTP layer', () => {
  it('refuses a raw client.post() with message content (no bypass)', async () => {
    const secure = client();
    const error = await secure.post('/v1/messages', { body: params('raw') }).catch((caught: unknown) => caught);
    expect(SecureClaudeError.isInstance(error)).toBe(true);
    expect((error as SecureClaudeError).code).toBe('SCC_PIPELINE_BYPASS');
    expect(fake.requests).toHaveLength(0);
  });

  it('lets content-free requests through', async () => {
    const models = await client().models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });

  it('passes SDK errors through untouched', async () => {
    fake.reply({ status: 400, message: 'bad request' });
    const error = await client()
      .messages.create(params('x'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('cuts a stream with a typed error when a stream transformer fails, releasing nothing after it', async () => {
    const failing: SecureMiddleware = {
      name: 'failing',
      createStreamTransformer: () => ({
        transform(event, emit) {
          if (event.type === 'content_block_delta') throw new Error('boom with secret text');
          emit(event);
        },
      }),
    };
    fake.reply({ text: 'abc' });
    const stream = await client([failing]).messages.create({ ...params('x'), stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(SecureClaudeError.isInstance(error)).toBe(true);
    expect((error as SecureClaudeError).code).toBe('SCC_MIDDLEWARE_FAILED');
    expect(String((error as Error).message)).not.toContain('secret text');
    expect(seen).not.toContain('content_block_delta');
  });
});

describe('middleware composition', () => {
  it('runs transformParams in list order and output hooks in reverse', async () => {
    const order: string[] = [];
    const tracer = (name: string): SecureMiddleware => ({
      name,
      transformParams: (params) => (order.push(`${name}:in`), params),
      transformResult: (result) => (order.push(`${name}:out`), result),
    });
    await client([tracer('first'), tracer('second')]).messages.create(params('x'));
    expect(order).toEqual(['first:in', 'second:in', 'second:out', 'first:out']);
  });

  it('validates the list once when the client is built', () => {
    expect(() => client([{ name: 'Bad Name', transformParams: (p) => p }])).toThrow(/kebab-case/);
    expect(() => client([{ name: 'no-hooks' }])).toThrow(/has no hook/);
    const one = markerMiddleware('same', 'a', 'b');
    expect(() => client([one, markerMiddleware('same', 'c', 'd')])).toThrow(/used twice/);
  });

  it('fails closed with SCC_MIDDLEWARE_FAILED and a sanitized cause', async () => {
    const broken: SecureMiddleware = {
      name: 'broken',
      transformParams() {
        throw new Error('contains SECRETWORD from the prompt');
      },
    };
    const error = await client([broken])
      .messages.create(params('x'))
      .catch((caught: unknown) => caught);
    expect((error as SecureClaudeError).code).toBe('SCC_MIDDLEWARE_FAILED');
    expect((error as SecureClaudeError).source).toBe('broken');
    expect(JSON.stringify(error)).not.toContain('SECRETWORD');
    expect(String((error as Error).cause && JSON.stringify((error as Error).cause))).not.toContain('SECRETWORD');
    expect(fake.requests).toHaveLength(0);
  });

  it('attaches decisions non-enumerably to results', async () => {
    const message = await client([markerMiddleware('marker', 'SECRETWORD', '[X]')]).messages.create(
      params('SECRETWORD'),
    );
    const decisions = getSecurityDecisions(message)!;
    expect(Object.keys(message)).not.toContain('_security');
    expect(decisions.middleware).toEqual(['marker']);
    expect(decisions.decisions).toEqual([
      expect.objectContaining({ middleware: 'marker', phase: 'input', action: 'redact', reason: 'marker-replaced' }),
      expect.objectContaining({ middleware: 'marker', phase: 'output', action: 'allow' }),
    ]);
    expect(JSON.stringify(decisions)).not.toContain('SECRETWORD');
  });
});

describe('presets', () => {
  const preset = definePreset({
    name: '@acme/baseline',
    version: '1.2.0',
    middleware: [markerMiddleware('acme-marker', 'SECRETWORD', '[X]')],
  });

  it('runs preset controls outermost and service controls inside', async () => {
    const order: string[] = [];
    const service: SecureMiddleware = { name: 'service', transformParams: (p) => (order.push('service'), p) };
    const secure = new SecureClaudeClient({
      apiKey: makeCanaryKey(),
      baseURL: fake.url,
      security: { environment: 'test', preset, middleware: [service] },
    });
    expect(secure.security.middleware).toEqual(['acme-marker', 'service']);
    await secure.messages.create(params('SECRETWORD'));
    expect(order).toEqual(['service']);
    expect(JSON.stringify(fake.requests[0]!.body)).not.toContain('SECRETWORD');
  });

  it('extends a preset without dropping its controls', () => {
    const extended = preset.extend({
      name: '@acme/billing',
      version: '0.1.0',
      middleware: [markerMiddleware('billing', 'a', 'b')],
    });
    expect(extended.middleware.map((middleware) => middleware.name)).toEqual(['acme-marker', 'billing']);
    expect(extended.lineage).toEqual(['@acme/baseline@1.2.0', '@acme/billing@0.1.0']);
    expect(Object.isFrozen(extended)).toBe(true);
  });

  it('refuses to replace or remove a preset control without a dangerously* override, and audits the override', () => {
    const base = { apiKey: makeCanaryKey(), baseURL: fake.url };
    expect(
      () =>
        new SecureClaudeClient({
          ...base,
          security: { environment: 'test', preset, middleware: [markerMiddleware('acme-marker', 'x', 'y')] },
        }),
    ).toThrow(/dangerouslyRemoveMiddleware/);
    const audit = new MemoryAuditSink();
    const secure = new SecureClaudeClient({
      ...base,
      security: {
        environment: 'test',
        preset,
        audit,
        dangerouslyRemoveMiddleware: { 'acme-marker': 'SEC-42 screened upstream' },
      },
    });
    expect(secure.security.middleware).toEqual([]);
    expect(audit.events).toContainEqual(
      expect.objectContaining({
        type: 'preset.override',
        control: 'acme-marker',
        justification: 'SEC-42 screened upstream',
        preset: '@acme/baseline@1.2.0',
      }),
    );
    expect(
      () =>
        new SecureClaudeClient({
          ...base,
          security: { environment: 'test', preset, dangerouslyRemoveMiddleware: { nope: 'x' } },
        }),
    ).toThrow(/names no control/);
  });

  it('validates preset definitions', () => {
    expect(() => definePreset({ name: 'x', version: 'one', middleware: [] })).toThrow(ConfigError);
  });
});

describe('options and credentials', () => {
  it('reports a wrong option once, naming the path and not the value', () => {
    const error = (() => {
      try {
        new SecureClaudeClient({
          apiKey: 'sk-ant-api03-value',
          security: { environment: 'prod' as never, integration: 'Bad Name' },
        });
      } catch (caught) {
        return caught as SecureClaudeError;
      }
    })()!;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('SCC_CONFIG_INVALID');
    expect(error.message).toContain('security.environment');
    expect(error.message).toContain('security.integration');
    expect(error.message).not.toContain('Bad Name');
    expect(() => new SecureClaudeClient({ security: { environment: 'test', unknown: 1 } as never })).toThrow(
      /unknown key unknown/,
    );
  });

  it('refuses a static key and the environment key in production', () => {
    const key = makeCanaryKey();
    const error = (() => {
      try {
        new SecureClaudeClient({ apiKey: key });
      } catch (caught) {
        return caught as SecureClaudeError;
      }
    })()!;
    expect(error).toBeInstanceOf(CredentialError);
    expect(error.code).toBe('SCC_CREDENTIAL_SOURCE_FORBIDDEN');
    expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain(key);
    expect(() => new SecureClaudeClient({})).toThrow(/ANTHROPIC_API_KEY/);
  });

  it('flags a static key outside production in the audit trail', () => {
    const audit = new MemoryAuditSink();
    const secure = new SecureClaudeClient({ apiKey: makeCanaryKey(), security: { environment: 'development', audit } });
    expect(secure.security.keySource).toBe('static-key');
    expect(audit.events).toContainEqual(
      expect.objectContaining({ type: 'secret.static_key_in_use', reason: 'static-key-outside-production' }),
    );
  });

  it('uses a key provider for every request and heals one 401 when the key changed', async () => {
    const first = makeCanaryKey();
    const second = makeCanaryKey();
    let current = first;
    let invalidations = 0;
    fake.allowKeys([second]);
    const secure = new SecureClaudeClient({
      baseURL: fake.url,
      maxRetries: 0,
      security: {
        credentials: {
          getApiKey: async () => current,
          fingerprintOf: (key) => (key === first ? 'fp1' : 'fp2'),
          invalidateAfter401: async (fingerprint) => {
            invalidations++;
            expect(fingerprint).toBe('fp1');
            current = second;
            return { changed: true };
          },
        },
      },
    });
    expect(secure.security.environment).toBe('production');
    const message = await secure.messages.create(params('x'));
    expect(message.type).toBe('message');
    expect(invalidations).toBe(1);
    expect(fake.requests.map((request) => request.headers['authorization'] === undefined)).toEqual([false, false]);
    expect(fake.requests[0]!.keyHash).not.toBe(fake.requests[1]!.keyHash);
  });
});
