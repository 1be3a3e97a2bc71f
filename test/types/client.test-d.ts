import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk';
import { z } from 'zod';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { describe, expectTypeOf, it } from 'vitest';
import { SecureClaudeClient, type SecureClientOptions } from 'secure-claude';

declare const secure: SecureClaudeClient;
declare const sdk: Anthropic;

const params = { model: 'claude-sonnet-5-5', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };
const Answer = z.object({ answer: z.number() });
const structured = { ...params, output_config: { format: zodOutputFormat(Answer) } };

describe('the SDK signatures are kept', () => {
  it('is assignable where an Anthropic client is expected', () => {
    expectTypeOf(secure).toMatchTypeOf<Anthropic>();
    expectTypeOf<SecureClientOptions>().toMatchTypeOf<ClientOptions>();
    expectTypeOf<ConstructorParameters<typeof SecureClaudeClient>[0]>().toEqualTypeOf<
      SecureClientOptions | undefined
    >();
  });

  it('messages.* return the SDK types', () => {
    expectTypeOf(secure.messages.create(params)).toEqualTypeOf(sdk.messages.create(params));
    expectTypeOf(secure.messages.create({ ...params, stream: true })).toEqualTypeOf(
      sdk.messages.create({ ...params, stream: true }),
    );
    expectTypeOf(secure.messages.stream(params)).toEqualTypeOf(sdk.messages.stream(params));
    expectTypeOf(secure.messages.parse(structured)).toEqualTypeOf(sdk.messages.parse(structured));
    expectTypeOf(secure.messages.countTokens(params)).toEqualTypeOf(sdk.messages.countTokens(params));
    expectTypeOf(secure.messages.batches.create({ requests: [{ custom_id: 'a', params }] })).toEqualTypeOf(
      sdk.messages.batches.create({ requests: [{ custom_id: 'a', params }] }),
    );
  });

  it('beta.messages.* return the SDK types', () => {
    expectTypeOf(secure.beta.messages.create(params)).toEqualTypeOf(sdk.beta.messages.create(params));
    expectTypeOf(secure.beta.messages.stream(params)).toEqualTypeOf(sdk.beta.messages.stream(params));
    expectTypeOf(secure.beta.messages.countTokens(params)).toEqualTypeOf(sdk.beta.messages.countTokens(params));
    expectTypeOf(secure.beta.messages.batches.create({ requests: [{ custom_id: 'a', params }] })).toEqualTypeOf(
      sdk.beta.messages.batches.create({ requests: [{ custom_id: 'a', params }] }),
    );
  });

  it('accepts per-call security options next to the SDK request options', () => {
    expectTypeOf(secure.messages.create).toBeCallableWith(params, {
      timeout: 1_000,
      security: { destination: 'customer-email' },
    });
    expectTypeOf(secure.withOptions({ timeout: 1 })).toEqualTypeOf<SecureClaudeClient>();
  });
});
