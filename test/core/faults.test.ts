import Anthropic from '@anthropic-ai/sdk';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditSink, SecureClaudeClient, getSecurityDecisions } from 'secure-claude';
import { redactText } from '../../src/data';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { captureConsole, findLeaks, makeCanaryKey } from '../helpers/canary';

const MODEL = 'claude-sonnet-5-5';

let fake: FakeAnthropic;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
  await provider.shutdown();
});
afterEach(() => {
  fake.reset();
  exporter.reset();
});

/** The default preset, as a service gets it with nothing configured but the environment. */
function makeClient(apiKey: string, maxRetries = 2) {
  const audit = new MemoryAuditSink();
  const client = new SecureClaudeClient({
    apiKey,
    baseURL: fake.url,
    maxRetries,
    openTelemetry: { tracerProvider: provider },
    security: { environment: 'test', audit, tracerProvider: provider },
  });
  return { client, audit };
}

const params = (content: string) => ({ model: MODEL, max_tokens: 64, messages: [{ role: 'user' as const, content }] });

/** Invariant I1 over everything this file can observe: spans, audit records, and what the caller saw. */
function expectNoLeak(secrets: string[], seen: unknown[], audit: MemoryAuditSink) {
  const spans = exporter
    .getFinishedSpans()
    .map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status }));
  expect(findLeaks([spans, audit.events, ...seen], secrets)).toEqual([]);
}

describe('fault matrix rows A1-A3 through the default pipeline', () => {
  it('A1: a 429 with retry-after is retried by the SDK; the input pipeline ran once', async () => {
    const { client } = makeClient(makeCanaryKey());
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const message = await client.messages.create(params('hello'));
    expect(message.type).toBe('message');
    expect(fake.requests.map((request) => request.retryCount)).toEqual([0, 1]);
    const inputDecisions = getSecurityDecisions(message)!.decisions.filter((decision) => decision.phase === 'input');
    expect(inputDecisions.map((decision) => decision.middleware)).toEqual([
      'input-guard',
      'redaction',
      'injection-screen',
      'deidentify',
    ]);
  });

  it('A2: a 500/529 storm gets exactly the SDK retries, no more, and the SDK error passes through', async () => {
    const { client, audit } = makeClient(makeCanaryKey(), 2);
    fake.failNext(3, { status: 529 });
    const error = await client.messages.create(params('hello')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(fake.requests).toHaveLength(3);
    expect(audit.events.filter((event) => event.type.startsWith('call.'))).toHaveLength(1);
    expect(audit.events.at(-1)).toMatchObject({ type: 'call.completed', outcome: 'failure' });
  });

  it('A3: a stream cut mid-reply surfaces an error and never releases an unredacted fragment', async () => {
    const key = makeCanaryKey();
    const leaked = makeCanaryKey();
    const { client, audit } = makeClient(key);
    const console = captureConsole();
    // The key in the reply is split across deltas; the server cuts the connection inside it.
    const reply = `Here is the key: ${leaked} and more text after it.`;
    fake.reply({ text: reply, splits: [10, 25, 40, 60, 80], cutAfterEvents: 6 });
    let text = '';
    const stream = await client.messages.create({ ...params('show the key'), stream: true });
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      }
    })().catch((caught: unknown) => caught);
    const logged = console.restore();
    expect(error).toMatchObject({ code: 'SCC_STREAM_ABORTED', source: 'http-layer' });
    expect(findLeaks([text, error, logged], [leaked])).toEqual([]);
    expectNoLeak([leaked, key], [text, error, logged], audit);
  });

  it('D1 end to end: for every split point, the streamed text equals the redaction of the whole reply', async () => {
    const secret = makeCanaryKey();
    const reply = `key ${secret} end`;
    const { client, audit } = makeClient(makeCanaryKey());
    const expected = redactText(reply).text;
    expect(expected).not.toContain(secret.slice(20, 40));
    for (let split = 1; split < reply.length; split += 7) {
      fake.reply({ text: reply, splits: [split] });
      const stream = client.messages.stream(params('x'));
      let text = '';
      stream.on('text', (delta) => (text += delta));
      const final = await stream.finalMessage();
      expect(text).toBe(expected);
      expect(final.content[0]).toMatchObject({ type: 'text', text: expected });
    }
    expectNoLeak([secret], [], audit);
  });

  it('D6: a reply that echoes the API key itself is redacted, streamed or not', async () => {
    const key = makeCanaryKey();
    const { client, audit } = makeClient(key);
    fake.reply({ text: `your key is ${key}` });
    const message = await client.messages.create(params('what is my key?'));
    fake.reply({ text: `your key is ${key}`, splits: [15, 30] });
    const streamed = await client.messages.stream(params('again')).finalMessage();
    expect(getSecurityDecisions(message)!.decisions).toContainEqual(
      expect.objectContaining({ middleware: 'redaction', phase: 'output', action: 'redact', rules: ['API_KEY'] }),
    );
    expectNoLeak([key], [message, streamed], audit);
  });

  it('D5: secrets in the system prompt and in tool results are redacted before the wire', async () => {
    const secret = makeCanaryKey();
    const { client, audit } = makeClient(makeCanaryKey());
    await client.messages.create({
      model: MODEL,
      max_tokens: 32,
      system: `You may use ${secret}`,
      messages: [
        { role: 'user', content: 'look it up' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { token: secret } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `found ${secret}` }] },
      ],
    });
    expect(findLeaks([fake.requests], [secret])).toEqual([]);
    expectNoLeak([secret], [], audit);
  });
});

describe('records carry the highest data class the call touched', () => {
  it('a redacted secret makes the call restricted in its audit record and span', async () => {
    const { client, audit } = makeClient(makeCanaryKey());
    await client.messages.create(params(`token ${makeCanaryKey()}`));
    expect(audit.events.at(-1)).toMatchObject({ type: 'call.completed', dataClass: 'restricted' });
    const span = exporter.getFinishedSpans().find((finished) => finished.name === 'secure_claude.messages.create');
    expect(span?.attributes['scc.data_class']).toBe('restricted');
  });
});
