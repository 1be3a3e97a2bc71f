import { inspect } from 'node:util';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  MemoryAuditSink,
  SecureClaudeClient,
  definePreset,
  type Environment,
  type SecureMiddleware,
} from 'secure-claude';
import type { FakeAnthropic } from '../helpers/fake-anthropic';
import { makeCanaryKey } from '../helpers/canary';

export const MODEL = 'claude-sonnet-5-5';
export const bare = definePreset({ name: 'bare', version: '1.0.0', middleware: [] });

/** An in-memory tracer: our pipeline spans land in `exporter`. */
export function createTracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const pipelineSpans = () => exporter.getFinishedSpans().filter((span) => span.name.startsWith('secure_claude.'));
  const dump = () =>
    inspect(
      exporter
        .getFinishedSpans()
        .map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })),
      { depth: Infinity },
    );
  return { exporter, provider, pipelineSpans, dump };
}

export interface ClientSetup {
  fake: FakeAnthropic;
  middleware: SecureMiddleware[];
  environment?: Environment;
  provider?: BasicTracerProvider;
  preset?: ReturnType<typeof definePreset>;
}

export function makeClient({ fake, middleware, environment = 'development', provider, preset = bare }: ClientSetup) {
  const audit = new MemoryAuditSink();
  const key = makeCanaryKey();
  // Production refuses static keys; a minimal key provider stands in for a secrets manager.
  const keying =
    environment === 'production'
      ? {
          credentials: {
            getApiKey: async () => key,
            invalidateAfter401: async () => ({ changed: false }),
            fingerprintOf: () => 'test-fingerprint',
          },
        }
      : undefined;
  const client = new SecureClaudeClient({
    ...(keying ? {} : { apiKey: key }),
    baseURL: fake.url,
    maxRetries: 0,
    security: { environment, preset, middleware, audit, ...keying, ...(provider ? { tracerProvider: provider } : {}) },
  });
  return { client, audit };
}

/** The JSON body the fake received for request `index`. */
export const sentBody = (fake: FakeAnthropic, index = -1) => JSON.stringify(fake.requests.at(index)?.body);

/**
 * Per-call security options. Typed `object` because `SecureClaudeClient['messages']` keeps the SDK's
 * declared type, whose `RequestOptions` does not name `security`.
 */
export const to = (destination: string): object => ({ security: { destination } });
