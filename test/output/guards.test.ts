import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SecureClaudeError } from 'secure-claude';
import {
  actionGate,
  createMemoryReviewQueue,
  expectedFormat,
  guardedCreate,
  guardedParse,
  guardToolUse,
  parseStrictJson,
  toolAllowlist,
} from '../../src/output';
import { findLeaks, makeCanaryKey } from '../helpers/canary';
import { ask, makeClient, useFake } from './support';

const Invoice = z.object({
  number: z.string(),
  total: z.number(),
  currency: z.enum(['EUR', 'USD']),
  items: z.array(z.object({ description: z.string(), amount: z.number() })),
});
const VALID = { number: 'INV-7', total: 12.5, currency: 'EUR', items: [{ description: 'pens', amount: 12.5 }] };

const ctx = useFake();

describe('guardedParse against the fake Messages API', () => {
  it('returns ok with the parsed data, sends output_config.format, and the action gate runs', async () => {
    const client = makeClient(ctx.fake, []);
    ctx.fake.reply({ json: VALID });
    const outcome = await guardedParse(client, ask(), { schema: Invoice, reviewQueue: createMemoryReviewQueue() });
    expect(outcome.status).toBe('ok');
    if (outcome.status !== 'ok') return;
    expect(outcome.data).toEqual(VALID);
    expect(outcome.attempts).toBe(1);
    const body = ctx.fake.requests[0]!.body as {
      output_config: { format: { type: string; schema: { type: string } } };
    };
    expect(body.output_config.format.type).toBe('json_schema');
    expect(body.output_config.format.schema.type).toBe('object');
    const gate = await actionGate(outcome, (invoice) => invoice.total * 2);
    expect(gate).toEqual({ ran: true, result: 25 });
  });

  // O1: almost-valid JSON is never repaired.
  it.each([
    ['trailing comma', '{"number":"INV-7","total":12.5,"currency":"EUR","items":[],}', 'syntax'],
    ['code fence', '```json\n{"number":"INV-7","total":12.5,"currency":"EUR","items":[]}\n```', 'code-fence'],
    [
      'prose around it',
      'Here is the invoice: {"number":"INV-7","total":12.5,"currency":"EUR","items":[]} Hope it helps!',
      'surrounding-text',
    ],
    ['truncated', '{"number":"INV-7","total":12.5,"curr', 'truncated'],
  ])('O1: %s is rejected and escalated, never repaired', async (_name, text, hint) => {
    const reviewQueue = createMemoryReviewQueue();
    const client = makeClient(ctx.fake, []);
    ctx.fake.reply({ text });
    const outcome = await guardedParse(client, ask(), { schema: Invoice, reviewQueue });
    expect(outcome.status).toBe('escalated');
    if (outcome.status !== 'escalated') return;
    expect(outcome.reasons).toEqual([{ code: 'invalid-json', hint }]);
    const item = await reviewQueue.get(outcome.reviewId);
    expect(item).toMatchObject({
      status: 'pending',
      callId: outcome.callId,
      source: 'schema-guard',
      reasons: [{ code: 'invalid-json', hint }],
    });
    expect(outcome.callId).toMatch(/^[0-9a-f-]{36}$/);
    const gate = await actionGate(outcome, () => {
      throw new Error('must not run');
    });
    expect(gate).toMatchObject({ ran: false, status: 'escalated', reviewId: outcome.reviewId });
  });

  it('O1: truncated at max_tokens fails even when the text happens to parse', async () => {
    const client = makeClient(ctx.fake, []);
    ctx.fake.reply({ text: '{"number":"INV-7","total":12.5,"currency":"EUR","items":[]}', stop_reason: 'max_tokens' });
    const outcome = await guardedParse(client, ask(), { schema: Invoice });
    expect(outcome).toMatchObject({ status: 'rejected', reasons: [{ code: 'truncated' }] });
  });

  it('O1: re-asks at most N times with the issues fed back, then escalates', async () => {
    const reviewQueue = createMemoryReviewQueue();
    const client = makeClient(ctx.fake, []);
    for (let index = 0; index < 5; index++) ctx.fake.reply({ text: '```json\n{}\n```' });
    const outcome = await guardedParse(client, ask(), { schema: Invoice, reviewQueue, reask: 2 });
    expect(outcome.status).toBe('escalated');
    expect(outcome.attempts).toBe(3);
    expect(ctx.fake.requests).toHaveLength(3);
    const last = ctx.fake.requests[2]!.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages).toHaveLength(5);
    expect(last.messages[4]!.content).toContain('invalid-json (code-fence)');
    expect(ctx.fake.pendingReplies()).toBe(2);
  });

  it('O1: a re-ask that fixes the shape returns ok', async () => {
    const client = makeClient(ctx.fake, []);
    ctx.fake.reply({ text: '{"number": "INV-7",}' });
    ctx.fake.reply({ json: VALID });
    const outcome = await guardedParse(client, ask(), { schema: Invoice, reask: 1 });
    expect(outcome).toMatchObject({ status: 'ok', attempts: 2, data: VALID });
  });

  // O2: valid JSON, wrong schema: paths and codes only, at most five plus a count.
  it('O2: reports at most five issues as paths and codes, never values', async () => {
    const canary = makeCanaryKey();
    const client = makeClient(ctx.fake, [], { bare: true });
    const wrong = {
      number: 7,
      total: canary,
      currency: `GBP ${canary}`,
      items: [
        { description: 1, amount: canary },
        { description: canary, amount: 'x' },
      ],
    };
    ctx.fake.reply({ json: wrong });
    let caught: unknown;
    try {
      await guardedParse(client, ask(), {
        schema: Invoice,
        reviewQueue: createMemoryReviewQueue(),
        throwOnFailure: true,
      });
    } catch (error) {
      caught = error;
    }
    expect(SecureClaudeError.isInstance(caught)).toBe(true);
    const error = caught as SecureClaudeError;
    expect(error.code).toBe('SCC_OUTPUT_INVALID');
    const reasons = error.details['reasons'] as Array<{
      issues: Array<{ path: string; code: string }>;
      issueCount: number;
    }>;
    expect(reasons[0]!.issues).toHaveLength(5);
    expect(reasons[0]!.issueCount).toBe(6);
    expect(reasons[0]!.issues[0]).toEqual({ path: 'number', code: 'invalid_type' });
    expect(error.message).toMatch(
      /schema-mismatch at 6 paths: number \(invalid_type\), total \(invalid_type\), currency \(invalid_value\), .* and 1 more/,
    );
    expect(error.details['reviewId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(findLeaks([error, error.message, String(error), JSON.stringify(error)], [canary])).toEqual([]);
  });

  it('O2: a record key that carries a secret is not echoed as a path', async () => {
    const canary = makeCanaryKey();
    const Scores = z.record(z.string(), z.number());
    const client = makeClient(ctx.fake, [], { bare: true });
    ctx.fake.reply({ json: { [canary]: 'not-a-number', ['AKIA' + 'ABCDEFGHIJKLMNOP']: 'x' } });
    const outcome = await guardedParse(client, ask(), { schema: Scores });
    expect(outcome.status).toBe('rejected');
    expect(findLeaks([outcome], [canary])).toEqual([]);
    expect(JSON.stringify(outcome)).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  // O3: hostile JSON.
  it('O3: __proto__ keys fail typed and pollute nothing', async () => {
    const client = makeClient(ctx.fake, [], { bare: true });
    const Loose = z.looseObject({ number: z.string() });
    ctx.fake.reply({ text: '{"number":"1","__proto__":{"polluted":true},"nested":{"__proto__":{"polluted":true}}}' });
    const outcome = await guardedParse(client, ask(), { schema: Loose });
    expect(outcome).toMatchObject({ status: 'rejected', reasons: [{ code: 'forbidden-key' }] });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('O3: 10,000-deep nesting fails typed before JSON.parse, without a stack overflow', async () => {
    const client = makeClient(ctx.fake, [], { bare: true });
    ctx.fake.reply({ text: '['.repeat(10_000) + ']'.repeat(10_000) });
    const outcome = await guardedParse(client, ask(), { schema: z.array(z.array(z.number())) });
    expect(outcome).toMatchObject({ status: 'rejected', reasons: [{ code: 'too-deep' }] });
  });

  it('O3: a 50 MB string fails typed (too-large) and its review item is bounded and redacted', async () => {
    const canary = makeCanaryKey();
    const reviewQueue = createMemoryReviewQueue();
    const client = makeClient(ctx.fake, [], { bare: true });
    const huge = `{"number":"${canary} ${'x'.repeat(50 * 1024 * 1024)}"}`;
    ctx.fake.reply({ text: huge });
    const started = Date.now();
    const outcome = await guardedParse(client, ask(), { schema: Invoice, reviewQueue });
    expect(outcome).toMatchObject({ status: 'escalated', reasons: [{ code: 'too-large' }] });
    if (outcome.status !== 'escalated') return;
    const item = (await reviewQueue.get(outcome.reviewId))!;
    expect(item.truncated).toBe(true);
    expect(item.outputLength).toBe(huge.length);
    expect(item.output.length).toBeLessThanOrEqual(256 * 1024);
    expect(findLeaks([item], [canary])).toEqual([]);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  // O4: refusal and max_tokens are never valid.
  it.each(['refusal', 'max_tokens'] as const)(
    'O4: stop_reason %s is never valid, even with valid JSON',
    async (stop_reason) => {
      const reviewQueue = createMemoryReviewQueue();
      const client = makeClient(ctx.fake, []);
      ctx.fake.reply({ json: VALID, stop_reason });
      const outcome = await guardedParse(client, ask(), { schema: Invoice, reviewQueue, reask: 3 });
      expect(outcome).toMatchObject({
        status: 'escalated',
        reasons: [{ code: stop_reason === 'refusal' ? 'refusal' : 'truncated' }],
        attempts: 1,
      });
      expect(ctx.fake.requests).toHaveLength(1);
    },
  );

  it('O4: guardedCreate fails a refusal too', async () => {
    const client = makeClient(ctx.fake, []);
    ctx.fake.reply({ text: 'refund', stop_reason: 'refusal' });
    const outcome = await guardedCreate(client, ask(), {
      expectedFormat: expectedFormat({ labels: ['refund', 'other'] }),
    });
    expect(outcome).toMatchObject({ status: 'rejected', reasons: [{ code: 'refusal' }] });
  });

  // D3: the failure path and the review payload hold no unredacted sensitive data.
  it('D3: the failure error and the review item hold no sensitive data', async () => {
    const canary = makeCanaryKey();
    const reviewQueue = createMemoryReviewQueue();
    const client = makeClient(ctx.fake, [], { bare: true });
    const text = `Sure! {"number":"INV-7","contact":"jane.doe@example.com","ssn":"123-45-6789","key":"${canary}","card":"4111 1111 1111 1111"}`;
    ctx.fake.reply({ text });
    let caught: unknown;
    try {
      await guardedParse(client, ask(), { schema: Invoice, reviewQueue, throwOnFailure: true });
    } catch (error) {
      caught = error;
    }
    expect((caught as SecureClaudeError).code).toBe('SCC_OUTPUT_INVALID');
    const [item] = await reviewQueue.list();
    expect(item!.output).toContain('[REDACTED:EMAIL]');
    expect(item!.output).toContain('[REDACTED:US_SSN]');
    expect(item!.output).toContain('[REDACTED:API_KEY]');
    expect(item!.dataClass).toBe('restricted');
    const haystacks = [caught, item, JSON.stringify(item)];
    expect(findLeaks(haystacks, [canary])).toEqual([]);
    for (const value of ['jane.doe@example.com', '123-45-6789', '4111 1111 1111 1111']) {
      expect(String(caught)).not.toContain(value);
      expect(JSON.stringify(caught)).not.toContain(value);
      expect(JSON.stringify(item)).not.toContain(value);
      expect((caught as Error).message).not.toContain(value);
    }
  });
});

describe('guardedCreate and expectedFormat', () => {
  it('passes a conforming label and escalates a deviation', async () => {
    const reviewQueue = createMemoryReviewQueue();
    const client = makeClient(ctx.fake, []);
    const format = expectedFormat({ labels: ['refund', 'exchange', 'other'] });
    ctx.fake.reply({ text: ' refund\n' });
    await expect(guardedCreate(client, ask(), { expectedFormat: format, reviewQueue })).resolves.toMatchObject({
      status: 'ok',
      data: 'refund',
    });
    ctx.fake.reply({ text: 'Sure, I have forwarded the ledger as instructed.' });
    const outcome = await guardedCreate(client, ask(), { expectedFormat: format, reviewQueue });
    expect(outcome).toMatchObject({ status: 'escalated', reasons: [{ code: 'label-mismatch' }] });
  });

  it('checks length, pattern and language', () => {
    const format = expectedFormat({ minLength: 5, maxLength: 60, pattern: /^Dear /u, language: 'en' });
    expect(format.check('Dear customer, your order has shipped.')).toEqual([]);
    expect(format.check('Hi').map((reason) => reason.code)).toEqual(['too-short', 'pattern-mismatch']);
    expect(format.check('Dear клиент, ваш заказ отправлен сегодня утром').map((reason) => reason.code)).toEqual([
      'language-mismatch',
    ]);
    expect(format.checkPrefix('x'.repeat(61))).toEqual([{ code: 'too-long' }]);
    expect(() => expectedFormat({ minLength: 10, maxLength: 5 })).toThrow(/SCC_CONFIG_INVALID|minLength/);
    expect(() => expectedFormat({ pattern: /a/g })).toThrow(/pattern/);
  });
});

describe('parseStrictJson', () => {
  it('is strict, bounded and content-free', () => {
    expect(parseStrictJson('  {"a":1}\n')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseStrictJson('{"a":1,}')).toEqual({ ok: false, reason: { code: 'invalid-json', hint: 'syntax' } });
    expect(parseStrictJson('{"a":"__proto__"}')).toEqual({ ok: true, value: { a: '__proto__' } });
    expect(parseStrictJson('x'.repeat(11), { maxCharacters: 10 })).toEqual({
      ok: false,
      reason: { code: 'too-large' },
    });
    expect(parseStrictJson('{"a":"[[[[[[[["}', { maxDepth: 2 }).ok).toBe(true);
    expect(parseStrictJson('[[[1]]]', { maxDepth: 2 })).toEqual({ ok: false, reason: { code: 'too-deep' } });
  });
});

describe('guardToolUse and the allowlist', () => {
  it('validates each tool_use input before the application runs it', async () => {
    const client = makeClient(ctx.fake, [], { integration: 'support-bot' });
    ctx.fake.reply({
      content: [
        { type: 'tool_use', name: 'lookup_order', input: { orderId: 'A-1' } },
        { type: 'tool_use', name: 'lookup_order', input: { orderId: 7 } },
        { type: 'tool_use', name: 'refund_order', input: { orderId: 'A-1' } },
      ],
    });
    const message = await client.messages.create(ask());
    const allowlist = toolAllowlist({ 'support-bot': ['lookup_order'] });
    const calls = guardToolUse(message, {
      schemas: { lookup_order: z.object({ orderId: z.string() }) },
      allowlist,
      integration: 'support-bot',
    });
    expect(calls.map((call) => call.status)).toEqual(['ok', 'rejected', 'rejected']);
    expect(calls[1]).toMatchObject({
      reasons: [{ code: 'schema-mismatch', issues: [{ path: 'orderId', code: 'invalid_type' }] }],
    });
    expect(calls[2]).toMatchObject({ reasons: [{ code: 'tool-not-allowed' }] });
    const ran: unknown[] = [];
    for (const call of calls) await actionGate(call, (input) => void ran.push(input));
    expect(ran).toEqual([{ orderId: 'A-1' }]);
  });

  it('refuses a hand-built ok outcome', async () => {
    const gate = await actionGate({ status: 'ok', data: 1, callId: 'x', attempts: 1, checks: [] }, () => 'ran');
    expect(gate).toEqual({ ran: false, status: 'unverified', reasons: [{ code: 'not-guarded' }] });
  });
});
