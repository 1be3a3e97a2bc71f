import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureClaudeClient, SecureClaudeError, definePreset } from 'secure-claude';
import { scopeMiddleware } from '../../src/credentials/scope-middleware';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { makeCanaryKey } from '../helpers/canary';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());

const preset = definePreset({
  name: '@acme/support-scope',
  version: '1.0.0',
  middleware: [
    scopeMiddleware({
      models: ['claude-haiku-*'],
      operations: ['messages.create', 'messages.countTokens'],
      tools: ['lookup_order'],
      maxTokens: 1024,
    }),
  ],
});
const client = () =>
  new SecureClaudeClient({
    apiKey: makeCanaryKey(),
    baseURL: fake.url,
    maxRetries: 0,
    security: { environment: 'test', integration: 'support', preset },
  });
const base = { model: 'claude-haiku-5', max_tokens: 256, messages: [{ role: 'user' as const, content: 'hi' }] };

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(SecureClaudeError.isInstance(error)).toBe(true);
  return error as SecureClaudeError;
}

describe('per-integration scope, enforced before the request leaves', () => {
  it('allows a request inside the scope', async () => {
    const before = fake.requests.length;
    await client().messages.create({ ...base, tools: [{ name: 'lookup_order', input_schema: { type: 'object' } }] });
    expect(fake.requests.length).toBe(before + 1);
  });

  it.each([
    ['scope.model', { ...base, model: 'claude-opus-5' }],
    ['scope.max-tokens', { ...base, max_tokens: 4096 }],
    ['scope.tool', { ...base, tools: [{ name: 'delete_account', input_schema: { type: 'object' as const } }] }],
  ])('refuses %s with a typed error and sends nothing', async (rule, params) => {
    const before = fake.requests.length;
    const error = await refusal(client().messages.create(params));
    expect(error.code).toBe('SCC_POLICY_BLOCKED');
    expect(error.details).toEqual({ rule });
    expect(fake.requests.length).toBe(before);
  });

  it('refuses an endpoint outside the scope', async () => {
    const error = await refusal(client().messages.batches.create({ requests: [{ custom_id: 'a', params: base }] }));
    expect(error.details).toEqual({ rule: 'scope.operation' });
    expect(error.message).toContain('messages.batches.create');
  });

  it('validates its options', () => {
    expect(() => scopeMiddleware({ operations: ['messages.delete' as never] })).toThrow(/scopeMiddleware.operations.0/);
  });
});
