import { SecureClaudeClient, definePreset, type SecureMiddleware } from 'secure-claude';
import { startFakeAnthropic, type FakeAnthropic } from 'secure-claude/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export const MODEL = 'claude-test-model';
export const API_KEY =
  'sk-ant-api03-test-key-for-the-fake-only-not-a-real-key-000000000000000000000000000000000000000000000AA';

/** A fake Messages API for the file, reset before each test. */
export function useFake(): { readonly fake: FakeAnthropic } {
  const holder = {} as { fake: FakeAnthropic };
  beforeAll(async () => {
    holder.fake = await startFakeAnthropic();
  });
  beforeEach(() => holder.fake.reset());
  afterAll(async () => {
    await holder.fake.close();
  });
  return holder;
}

/** A client with the default preset (unless `bare`) plus `middleware`. */
export function makeClient(
  fake: FakeAnthropic,
  middleware: SecureMiddleware[],
  options: { bare?: boolean; integration?: string } = {},
) {
  return new SecureClaudeClient({
    apiKey: API_KEY,
    baseURL: fake.url,
    maxRetries: 0,
    security: {
      environment: 'test',
      integration: options.integration,
      middleware,
      ...(options.bare ? { preset: definePreset({ name: 'bare', version: '1.0.0', middleware: [] }) } : undefined),
    },
  });
}

export const ask = (content = 'Extract the invoice.') => ({
  model: MODEL,
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content }],
});

/** Reads a stream to the end; returns the text deltas delivered and the error it ended with. */
export async function drain(
  stream: AsyncIterable<unknown>,
): Promise<{ text: string; events: unknown[]; error: unknown }> {
  const events: unknown[] = [];
  let text = '';
  try {
    for await (const event of stream) {
      events.push(event);
      const delta = (event as { type: string; delta?: { type: string; text?: string } }).delta;
      if (delta?.type === 'text_delta') text += delta.text ?? '';
    }
  } catch (error) {
    return { text, events, error };
  }
  return { text, events, error: undefined };
}

/**
 * Per-call security options. `SecureClaudeClient.messages` is typed as the SDK's `Messages`, whose
 * `RequestOptions` has no `security`, so the option is passed through a cast here.
 */
export const to = (destination: string): object => ({ security: { destination } });
