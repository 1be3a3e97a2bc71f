import { inspect } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemoryAuditSink,
  SecureClaudeClient,
  definePreset,
  mapParamsText,
  mapResultText,
  type SecureMiddleware,
} from 'secure-claude';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { makeCanaryKey } from '../helpers/canary';

const MODEL = 'claude-sonnet-5-5';
const RAW = 'SSN-123-45-6789';
const bare = definePreset({ name: 'bare', version: '1.0.0', middleware: [], contentCapture: 'allowed' });

/** Stands in for the data engine: removes the raw marker from requests and replies. */
const redactMarker: SecureMiddleware = {
  name: 'redact-marker',
  transformParams: (params, context) => {
    context.decide({ action: 'redact', reason: 'marker', count: 1, rules: ['US_SSN'] });
    return mapParamsText(params, (text) => text.split(RAW).join('[REDACTED]'));
  },
  transformResult: (result) => mapResultText(result, (text) => text.split(RAW).join('[REDACTED]')),
  createStreamTransformer: () => ({
    transform(event, emit) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        emit({ ...event, delta: { ...event.delta, text: event.delta.text.split(RAW).join('[REDACTED]') } });
      } else emit(event);
    },
  }),
};

let fake: FakeAnthropic;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  // What an application's OpenTelemetry setup (NodeSDK) registers; parent links need it.
  context.setGlobalContextManager(contextManager.enable());
  fake = await startFakeAnthropic({ defaultReply: { text: `echo ${RAW} end`, splits: [] } });
});
afterAll(async () => {
  await fake.close();
  await provider.shutdown();
  context.disable();
});
afterEach(() => {
  exporter.reset();
  fake.reset();
  fake.setDefault({ text: `echo ${RAW} end`, splits: [] });
  vi.unstubAllEnvs();
});

const dump = () =>
  inspect(
    exporter
      .getFinishedSpans()
      .map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })),
    { depth: Infinity },
  );

function makeClient(extra: Record<string, unknown> = {}) {
  return new SecureClaudeClient({
    apiKey: makeCanaryKey(),
    baseURL: fake.url,
    maxRetries: 0,
    security: { environment: 'test', preset: bare, middleware: [redactMarker], tracerProvider: provider },
    ...extra,
  });
}

const params = {
  model: MODEL,
  max_tokens: 64,
  system: `system ${RAW}`,
  messages: [{ role: 'user' as const, content: `user ${RAW}` }],
};

async function exerciseEverySurface(client: SecureClaudeClient) {
  await client.messages.create(params);
  const stream = await client.messages.create({ ...params, stream: true });
  for await (const _event of stream);
  await client.messages.stream(params).finalMessage();
  await client.messages.countTokens(params);
  await client.beta.messages.create(params);
}

describe('telemetry is never a leak', () => {
  it('ignores ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE=content: the SDK gets an explicit metadata_only option', async () => {
    vi.stubEnv('ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE', 'content');
    const client = makeClient({ openTelemetry: { tracerProvider: provider } });
    expect(client.openTelemetry.traces.contentMode).toBe('metadata_only');
    await exerciseEverySurface(client);
    const spans = exporter.getFinishedSpans();
    expect(spans.some((span) => span.name === 'anthropic.messages.create')).toBe(true);
    expect(spans.some((span) => span.attributes['gen_ai.input.messages'] !== undefined)).toBe(false);
    expect(dump()).not.toContain(RAW);
  });

  it('with content capture asked for, spans hold only what the pipeline sent and released', async () => {
    const client = makeClient({ openTelemetry: { tracerProvider: provider, traces: { contentMode: 'content' } } });
    expect(client.openTelemetry.traces.contentMode).toBe('content');
    await exerciseEverySurface(client);
    const spans = exporter.getFinishedSpans();
    const withInput = spans.filter((span) => span.attributes['gen_ai.input.messages'] !== undefined);
    expect(withInput.length).toBeGreaterThanOrEqual(3);
    expect(String(withInput[0]!.attributes['gen_ai.input.messages'])).toContain('[REDACTED]');
    expect(spans.some((span) => String(span.attributes['gen_ai.output.messages'] ?? '').includes('[REDACTED]'))).toBe(
      true,
    );
    expect(dump()).not.toContain(RAW);
  });

  it('the default preset forbids content capture unless a dangerously* reason is given, and audits it', () => {
    const base = {
      apiKey: makeCanaryKey(),
      baseURL: fake.url,
      openTelemetry: { traces: { contentMode: 'content' as const } },
    };
    expect(() => new SecureClaudeClient({ ...base, security: { environment: 'test' } })).toThrow(
      /dangerouslyCaptureContent/,
    );
    const client = new SecureClaudeClient({
      ...base,
      security: { environment: 'test', dangerouslyCaptureContent: 'INC-7 debugging, expires Friday' },
    });
    expect(client.openTelemetry.traces.contentMode).toBe('content');
    expect(client.security.audit).toBeDefined();
    expect((client.security.audit as MemoryAuditSink).events).toContainEqual(
      expect.objectContaining({
        type: 'preset.override',
        reason: 'content-capture-enabled',
        justification: 'INC-7 debugging, expires Friday',
      }),
    );
  });

  it('no SDK debug log line holds redacted content', async () => {
    const lines: string[] = [];
    const record = (...args: unknown[]) => void lines.push(inspect(args, { depth: Infinity }));
    const client = makeClient({
      logLevel: 'debug',
      logger: { debug: record, info: record, warn: record, error: record },
    });
    await exerciseEverySurface(client);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.join('\n')).not.toContain(RAW);
  });

  it('emits one pipeline span per call, parent of the SDK span, with decision events and no text', async () => {
    const client = makeClient({ openTelemetry: { tracerProvider: provider } });
    const message = await client.messages.create(params);
    expect(message.type).toBe('message');
    const spans = exporter.getFinishedSpans();
    const ours = spans.find((span) => span.name === 'secure_claude.messages.create')!;
    const sdk = spans.find((span) => span.name === 'anthropic.messages.create')!;
    expect(ours).toBeDefined();
    expect(sdk.parentSpanContext?.spanId).toBe(ours.spanContext().spanId);
    expect(ours.attributes).toMatchObject({
      'scc.operation': 'messages.create',
      'scc.environment': 'test',
      'scc.outcome': 'success',
    });
    const decision = ours.events.find((event) => event.name === 'scc.decision')!;
    expect(decision.attributes).toMatchObject({
      'scc.middleware': 'redact-marker',
      'scc.action': 'redact',
      'scc.count': 1,
      'scc.rules': ['US_SSN'],
    });
    expect(dump()).not.toContain(RAW);
  });

  it('ends the pipeline span of a stream when the stream ends, and marks blocked calls', async () => {
    const client = makeClient({ openTelemetry: { tracerProvider: provider } });
    const stream = await client.messages.create({ ...params, stream: true });
    expect(exporter.getFinishedSpans().some((span) => span.name === 'secure_claude.messages.create')).toBe(false);
    for await (const _event of stream);
    expect(exporter.getFinishedSpans().some((span) => span.name === 'secure_claude.messages.create')).toBe(true);
  });

  it('a failing tracer provider never fails a call', async () => {
    const broken = {
      getTracer: () => ({
        startSpan: () => {
          throw new Error('exporter down');
        },
        startActiveSpan: () => {
          throw new Error('exporter down');
        },
      }),
    };
    const client = new SecureClaudeClient({
      apiKey: makeCanaryKey(),
      baseURL: fake.url,
      maxRetries: 0,
      security: { environment: 'test', preset: bare, middleware: [redactMarker], tracerProvider: broken as never },
    });
    const message = await client.messages.create(params);
    expect(message.type).toBe('message');
  });
});

describe('call spans always end', () => {
  it('for a stream with no output controls', async () => {
    const inputOnly: SecureMiddleware = { name: 'input-only', transformParams: (params) => params };
    const client = new SecureClaudeClient({
      apiKey: makeCanaryKey(),
      baseURL: fake.url,
      maxRetries: 0,
      security: { environment: 'test', preset: bare, middleware: [inputOnly], tracerProvider: provider },
    });
    const stream = await client.messages.create({ ...params, stream: true });
    for await (const _event of stream);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toContain('secure_claude.messages.create');
  });
});
