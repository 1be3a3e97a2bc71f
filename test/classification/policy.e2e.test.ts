import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryAuditSink, PolicyViolationError, SecureClaudeError, getSecurityDecisions } from 'secure-claude';
import { classificationMiddleware } from '../../src/data/classification-middleware';
import { classified } from '../../src/data/classify';
import { deidentifyMiddleware } from '../../src/data/deidentify-middleware';
import { minimizedJson } from '../../src/data/minimize';
import { findLeaks } from '../helpers/canary';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { MODEL, createTracing, makeClient, sentBody, to } from './support';

const DIAGNOSIS = 'Stage-2 hypertension, metformin 500mg';
const SSN = '123-45-6789';
const EMAIL = 'jane.roe@acme.io';

const Triage = z.object({
  id: z.string(),
  name: classified(z.string(), { class: 'confidential', category: 'PII' }),
  diagnosis: classified(z.string(), { class: 'restricted', category: 'PHI' }),
});
const patient = { id: 'P-7', name: 'Jane Roe', diagnosis: DIAGNOSIS, ssn: SSN, insurer: 'Acme Health', email: EMAIL };

const POLICY = [
  { id: 'phi-not-to-haiku', category: 'PHI', model: 'claude-haiku-*', action: 'block' as const },
  {
    id: 'restricted-not-to-vendor',
    minimumClass: 'restricted' as const,
    destination: 'vendor-*',
    action: 'block' as const,
  },
  {
    id: 'ssn-ok-for-fraud-review',
    class: 'restricted' as const,
    category: 'PII',
    destination: 'fraud-review',
    action: 'allow' as const,
  },
  { id: 'pii-pseudonymized-for-analytics', category: 'PII', destination: 'analytics', action: 'pseudonymize' as const },
];

let fake: FakeAnthropic;
const tracing = createTracing();
beforeAll(async () => {
  fake = await startFakeAnthropic({ defaultReply: { text: 'Noted.' } });
});
afterAll(async () => {
  await fake.close();
  await tracing.provider.shutdown();
});
afterEach(() => {
  fake.reset();
  tracing.exporter.reset();
});

const triageParams = (model: string) => ({
  model,
  max_tokens: 64,
  messages: [
    {
      role: 'user' as const,
      content: [{ type: 'text' as const, text: 'Triage this patient:' }, minimizedJson(patient, Triage)],
    },
  ],
});

async function rejection(promise: Promise<unknown>): Promise<SecureClaudeError> {
  try {
    await promise;
  } catch (error) {
    return error as SecureClaudeError;
  }
  throw new Error('expected the call to be refused');
}

describe('classification policy through the real SDK', () => {
  it('blocks a restricted PHI field for a model, with a typed error naming rule and path, never the value; nothing is sent', async () => {
    const { client, audit } = makeClient({
      fake,
      middleware: [classificationMiddleware({ policy: POLICY })],
      provider: tracing.provider,
    });
    const error = await rejection(client.messages.create(triageParams('claude-haiku-4-5')));
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect(SecureClaudeError.isInstance(error)).toBe(true);
    expect(error.code).toBe('SCC_POLICY_BLOCKED');
    expect(error.source).toBe('classification');
    expect(error.details).toMatchObject({
      rule: 'phi-not-to-haiku',
      path: 'messages.0.content.1.text#diagnosis',
      dataClass: 'restricted',
      category: 'PHI',
    });
    expect(error.message).toMatchInlineSnapshot(
      `"classification blocked the request: policy rule "phi-not-to-haiku" refuses restricted PHI data (PHI) at messages.0.content.1.text#diagnosis for model claude-haiku-4-5, operation messages.create, environment development, destination none. Remove or minimize that field (minimizedJson), de-identify it, or change the policy table."`,
    );
    expect(fake.requests).toHaveLength(0);

    const record = audit.events.find((event) => event.type === 'call.blocked')!;
    expect(record).toMatchObject({ outcome: 'denied', reason: 'SCC_POLICY_BLOCKED', dataClass: 'restricted' });
    expect(record['decisions']).toContainEqual({
      middleware: 'classification',
      action: 'block',
      reason: 'policy-blocked',
      count: 1,
      rules: ['phi-not-to-haiku'],
    });
    const span = tracing.pipelineSpans()[0]!;
    expect(span.attributes).toMatchObject({
      'scc.data_class': 'restricted',
      'scc.error.code': 'SCC_POLICY_BLOCKED',
      'scc.outcome': 'denied',
    });
    expect(findLeaks([error, audit.events, tracing.dump()], [DIAGNOSIS, SSN, EMAIL, 'Jane Roe'])).toEqual([]);
  });

  it('blocks restricted free text for a destination, naming the text field path', async () => {
    const { client } = makeClient({ fake, middleware: [classificationMiddleware({ policy: POLICY })] });
    const error = await rejection(
      client.messages.create(
        { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `Check SSN ${SSN} please` }] },
        to('vendor-acme'),
      ),
    );
    expect(error.code).toBe('SCC_POLICY_BLOCKED');
    expect(error.details).toMatchObject({
      rule: 'restricted-not-to-vendor',
      path: 'messages.0.content',
      type: 'US_SSN',
    });
    expect(JSON.stringify(error)).not.toContain(SSN);
    expect(String(error)).not.toContain(SSN);
    expect(fake.requests).toHaveLength(0);
  });

  it('without a matching rule, the documented default redacts restricted data and allows the rest', async () => {
    const { client, audit } = makeClient({
      fake,
      middleware: [classificationMiddleware({ policy: POLICY })],
      provider: tracing.provider,
    });
    const message = await client.messages.create(triageParams('claude-opus-4-1'));
    const wire = sentBody(fake);
    expect(wire).not.toContain(DIAGNOSIS);
    expect(wire).toContain('[REDACTED:PHI]');
    expect(wire).toContain('Jane Roe');
    expect(wire).not.toContain(SSN);
    const decisions = getSecurityDecisions(message)!.decisions;
    expect(decisions).toContainEqual(
      expect.objectContaining({
        middleware: 'classification',
        action: 'redact',
        reason: 'data-classified',
        dataClass: 'restricted',
        rules: ['PHI', 'PII'],
      }),
    );
    expect(decisions).toContainEqual(
      expect.objectContaining({
        action: 'redact',
        reason: 'policy-applied',
        rules: ['default.restricted'],
        paths: ['messages.0.content.1.text#diagnosis'],
      }),
    );
    expect(audit.events.at(-1)).toMatchObject({ type: 'call.completed', dataClass: 'restricted' });
    expect(tracing.pipelineSpans()[0]!.attributes['scc.data_class']).toBe('restricted');
  });

  it('pseudonymize: the same value gets the same pseudonym on every call of the client; the policy rule is recorded', async () => {
    const { client, audit } = makeClient({ fake, middleware: [classificationMiddleware({ policy: POLICY })] });
    const ask = () =>
      client.messages.create(
        {
          model: MODEL,
          max_tokens: 64,
          messages: [{ role: 'user', content: `Segment the customer ${EMAIL}; again: ${EMAIL}` }],
        },
        to('analytics'),
      );
    const first = await ask();
    await ask();
    const [one, two] = [sentBody(fake, 0), sentBody(fake, 1)];
    expect(one).not.toContain(EMAIL);
    const pseudonyms = one.match(/<EMAIL_[0-9a-f]{8}>/g)!;
    expect(pseudonyms).toHaveLength(2);
    expect(pseudonyms[0]).toBe(pseudonyms[1]);
    expect(two).toBe(one);
    expect(getSecurityDecisions(first)!.decisions).toContainEqual(
      expect.objectContaining({
        action: 'pseudonymize',
        reason: 'policy-applied',
        rules: ['pii-pseudonymized-for-analytics'],
        count: 2,
        dataClass: 'confidential',
      }),
    );
    expect(audit.events.at(-1)).toMatchObject({ dataClass: 'confidential' });
    expect(findLeaks([audit.events, getSecurityDecisions(first)], [EMAIL])).toEqual([]);
  });

  it('a rule that loosens the default is recorded as an override in the audit trail', async () => {
    const { client, audit } = makeClient({ fake, middleware: [classificationMiddleware({ policy: POLICY })] });
    await client.messages.create(
      { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `Check SSN ${SSN}` }] },
      to('fraud-review'),
    );
    expect(sentBody(fake)).toContain(SSN);
    expect(audit.events.at(-1)!['decisions']).toContainEqual({
      middleware: 'classification',
      action: 'override',
      reason: 'policy-loosened',
      rules: ['ssn-ok-for-fraud-review'],
    });
  });

  it('minimization: dropped fields never leave, and their paths reach decisions, the span and the audit record', async () => {
    const { client, audit } = makeClient({
      fake,
      middleware: [classificationMiddleware()],
      provider: tracing.provider,
    });
    const message = await client.messages.create(triageParams('claude-opus-4-1'));
    const wire = sentBody(fake);
    for (const value of [SSN, EMAIL, 'Acme Health']) expect(wire).not.toContain(value);
    const minimized = getSecurityDecisions(message)!.decisions.find(
      (decision) => decision.reason === 'fields-minimized',
    )!;
    expect(minimized).toMatchObject({
      middleware: 'classification',
      action: 'redact',
      count: 3,
      paths: ['ssn', 'insurer', 'email'],
    });
    expect(audit.events.at(-1)!['decisions']).toContainEqual({
      middleware: 'classification',
      action: 'redact',
      reason: 'fields-minimized',
      count: 3,
    });
    const event = tracing
      .pipelineSpans()[0]!
      .events.find((entry) => entry.attributes?.['scc.reason'] === 'fields-minimized')!;
    expect(event.attributes).toMatchObject({ 'scc.paths': ['ssn', 'insurer', 'email'], 'scc.action': 'redact' });
    // The report is recorded once per call, whichever data middleware sees it first.
    const both = makeClient({ fake, middleware: [classificationMiddleware(), deidentifyMiddleware()] });
    const again = await both.client.messages.create(triageParams('claude-opus-4-1'));
    expect(
      getSecurityDecisions(again)!.decisions.filter((decision) => decision.reason === 'fields-minimized'),
    ).toHaveLength(1);
  });

  it('records the highest class on every call, public included', async () => {
    const { client, audit } = makeClient({
      fake,
      middleware: [classificationMiddleware()],
      provider: tracing.provider,
    });
    await client.messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: [{ role: 'user', content: 'What is 2 + 2?' }],
    });
    await client.messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: [{ role: 'user', content: 'Request from 10.1.2.3' }],
    });
    expect(client.security.audit).toBe(audit);
    const events = (client.security.audit as MemoryAuditSink).events;
    expect(events.filter((event) => event.type === 'call.completed').map((event) => event.dataClass)).toEqual([
      'public',
      'internal',
    ]);
    expect(tracing.pipelineSpans().map((span) => span.attributes['scc.data_class'])).toEqual(['public', 'internal']);
  });

  it('production: data is left alone unless the policy says otherwise', async () => {
    const plain = makeClient({ fake, environment: 'production', middleware: [deidentifyMiddleware()] });
    await plain.client.messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: [{ role: 'user', content: `Mail ${EMAIL}` }],
    });
    expect(sentBody(fake)).toContain(EMAIL);
    // Without a full scan in production the record knows only what earlier controls saw.
    expect(plain.audit.events.at(-1)).toMatchObject({ type: 'call.completed', dataClass: 'public' });

    const scanned = makeClient({
      fake,
      environment: 'production',
      middleware: [deidentifyMiddleware({ classifyWhereNotApplied: true })],
    });
    await scanned.client.messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: [{ role: 'user', content: `Mail ${EMAIL}` }],
    });
    expect(sentBody(fake)).toContain(EMAIL);
    expect(scanned.audit.events.at(-1)).toMatchObject({ type: 'call.completed', dataClass: 'confidential' });

    const policed = makeClient({
      fake,
      environment: 'production',
      middleware: [
        classificationMiddleware({
          policy: [{ id: 'prod-pii', environment: 'production', category: 'PII', action: 'pseudonymize' }],
        }),
        deidentifyMiddleware(),
      ],
    });
    await policed.client.messages.create({
      model: MODEL,
      max_tokens: 8,
      messages: [{ role: 'user', content: `Mail ${EMAIL}` }],
    });
    expect(sentBody(fake)).not.toContain(EMAIL);
    expect(sentBody(fake)).toMatch(/<EMAIL_[0-9a-f]{8}>/);
  });

  it('classifies a prompt with 200,000 findings (more than a call may spread) and sends it', async () => {
    const { client } = makeClient({ fake, middleware: [classificationMiddleware()] });
    const content = Array.from({ length: 200_000 }, (_, index) => `u${index}@x.io`).join(' ');
    await client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content }] });
    expect(fake.requests.length).toBeGreaterThan(0);
  }, 60_000);

  it('validates options at construction, naming paths', () => {
    expect(() => classificationMiddleware({ policy: [{ id: 'x', action: 'maybe' as never }] })).toThrow(
      /policy\.0\.action/,
    );
    expect(() => classificationMiddleware({ typeLabels: { EMAIL: { class: 'secret' as never } } })).toThrow(
      /typeLabels\.EMAIL\.class/,
    );
    expect(() => classificationMiddleware({ nope: 1 } as never)).toThrow(/unknown key/);
    expect(classificationMiddleware().name).toBe('classification');
  });
});
