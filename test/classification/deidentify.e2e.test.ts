import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPreset, getSecurityDecisions, type SecurityDecision } from 'secure-claude';
import { isLuhnValid } from '../../src/data/validators';
import { Substitutions } from '../../src/data/deidentify';
import { z } from 'zod';
import { classificationMiddleware } from '../../src/data/classification-middleware';
import { classified } from '../../src/data/classify';
import { SUBSTITUTIONS_STATE, deidentifyMiddleware } from '../../src/data/deidentify-middleware';
import { minimizedJson } from '../../src/data/minimize';
import { findLeaks } from '../helpers/canary';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { MODEL, createTracing, makeClient, sentBody, to } from './support';

const NAME = 'Jane Roe';
const EMAIL = 'jane.roe@acme.io';
const PHONE = '415-555-0134';
const EMAIL_2 = 'sam.poe@acme.io';
const ORIGINALS = [NAME, EMAIL, PHONE, EMAIL_2];
const FIRST_TURN = `I am ${NAME}, mail ${EMAIL}, phone ${PHONE}.`;
const MODEL_REPLY = 'Thanks <PERSON_1>, we will write to <EMAIL_1> or call <PHONE_1>.';
const RESTORED = `Thanks ${NAME}, we will write to ${EMAIL} or call ${PHONE}.`;

let fake: FakeAnthropic;
const tracing = createTracing();
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
  await tracing.provider.shutdown();
});
afterEach(() => {
  fake.reset();
  tracing.exporter.reset();
});

const supportClient = (extra: { provider?: typeof tracing.provider } = {}) =>
  makeClient({ fake, middleware: [deidentifyMiddleware({ restoreFor: ['support-agent'] })], ...extra });
const toSupport = to('support-agent');
const ask = (content: string) => ({
  model: MODEL,
  max_tokens: 64,
  system: 'You help customers.',
  messages: [{ role: 'user' as const, content }],
});

async function streamedText(
  client: ReturnType<typeof supportClient>['client'],
  params: ReturnType<typeof ask>,
  options = toSupport,
) {
  const stream = await client.messages.create({ ...params, stream: true }, options);
  let text = '';
  for await (const event of stream)
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  return { text, stream };
}

describe('de-identification in development', () => {
  it('sends stable placeholders across turns and restores the originals in the reply', async () => {
    const { client } = supportClient();
    fake.reply({ text: MODEL_REPLY });
    const first = await client.messages.create(ask(FIRST_TURN), toSupport);
    const wire1 = fake.requests[0]!.body as { messages: Array<{ content: string }> };
    expect(wire1.messages[0]!.content).toBe('I am <PERSON_1>, mail <EMAIL_1>, phone <PHONE_1>.');
    expect(first.content[0]).toMatchObject({ type: 'text', text: RESTORED });

    // Turn two re-sends the history as the caller saw it (originals restored): the model sees its own words again.
    fake.reply({ text: 'Copied <EMAIL_2> as well, <PERSON_1>.' });
    const second = await client.messages.create(
      {
        ...ask(FIRST_TURN),
        messages: [
          { role: 'user', content: FIRST_TURN },
          { role: 'assistant', content: RESTORED },
          { role: 'user', content: `Also cc ${EMAIL_2}, and again ${EMAIL}.` },
        ],
      },
      toSupport,
    );
    const wire2 = fake.requests[1]!.body as { system: string; messages: Array<{ content: string }> };
    expect(wire2.system).toBe((wire1 as unknown as { system: string }).system);
    expect(wire2.messages[0]).toEqual(wire1.messages[0]);
    expect(wire2.messages[1]!.content).toBe(MODEL_REPLY);
    expect(wire2.messages[2]!.content).toBe('Also cc <EMAIL_2>, and again <EMAIL_1>.');
    expect(second.content[0]).toMatchObject({ text: `Copied ${EMAIL_2} as well, ${NAME}.` });
    expect(findLeaks([fake.requests.map((request) => request.body)], ORIGINALS)).toEqual([]);

    const decisions = getSecurityDecisions(second)!.decisions;
    expect(decisions).toContainEqual(
      expect.objectContaining({
        middleware: 'deidentify',
        phase: 'input',
        action: 'pseudonymize',
        reason: 'deidentified',
        count: 8,
        rules: ['EMAIL', 'PERSON', 'PHONE'],
        dataClass: 'confidential',
      }),
    );
    expect(decisions).toContainEqual(
      expect.objectContaining({ phase: 'output', action: 'allow', reason: 'originals-restored', count: 2 }),
    );
  });

  it('keeps the substitutes for destinations not allowed to see the originals', async () => {
    const { client } = supportClient();
    fake.reply({ text: MODEL_REPLY });
    const message = await client.messages.create(ask(FIRST_TURN), to('customer-email'));
    expect(message.content[0]).toMatchObject({ text: MODEL_REPLY });
    expect(getSecurityDecisions(message)!.decisions).toContainEqual(
      expect.objectContaining({ reason: 'substitutes-kept' }),
    );
    fake.reply({ text: MODEL_REPLY, splits: [9] });
    expect((await streamedText(client, ask(FIRST_TURN), to('customer-email'))).text).toBe(MODEL_REPLY);
  });

  it('streamed replies: a placeholder split across deltas is restored at every split point', async () => {
    const { client } = supportClient();
    for (let split = 1; split < MODEL_REPLY.length; split++) {
      fake.reply({ text: MODEL_REPLY, splits: [split] });
      const { text } = await streamedText(client, ask(FIRST_TURN));
      expect(text, `split at ${split}`).toBe(RESTORED);
    }
    fake.reply({ text: MODEL_REPLY, splits: Array.from({ length: MODEL_REPLY.length - 1 }, (_, index) => index + 1) });
    expect((await streamedText(client, ask(FIRST_TURN))).text).toBe(RESTORED);
    fake.reply({ text: MODEL_REPLY, splits: [3, 8, 9, 17, 30, 31, 32, 50] });
    expect(await client.messages.stream(ask(FIRST_TURN), toSupport).finalText()).toBe(RESTORED);
  });

  it('restores tool-use input, plain and streamed (JSON split anywhere)', async () => {
    const { client } = supportClient();
    const tool = {
      type: 'tool_use' as const,
      name: 'send_email',
      input: { to: '<EMAIL_1>', body: 'Dear <PERSON_1>, call <PHONE_1>' },
    };
    const expected = { to: EMAIL, body: `Dear ${NAME}, call ${PHONE}` };
    fake.reply({ content: [tool] });
    const message = await client.messages.create(ask(FIRST_TURN), toSupport);
    expect(message.content[0]).toMatchObject({ type: 'tool_use', input: expected });
    fake.reply({
      content: [{ type: 'text', text: 'Sending to <EMAIL_1>.' }, tool],
      splits: [14],
      jsonSplits: [5, 12, 20],
    });
    const final = await client.messages.stream(ask(FIRST_TURN), toSupport).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: `Sending to ${EMAIL}.` });
    expect(final.content[1]).toMatchObject({ type: 'tool_use', input: expected });
  });

  it('nothing of the mapping reaches audit records, spans, decisions or errors', async () => {
    const { client, audit } = supportClient({ provider: tracing.provider });
    fake.reply({ text: MODEL_REPLY });
    const message = await client.messages.create(ask(FIRST_TURN), toSupport);
    fake.reply({ text: MODEL_REPLY, splits: [12] });
    const { stream } = await streamedText(client, ask(FIRST_TURN));
    fake.failNext(1, { status: 400, message: 'bad request' });
    const error = await client.messages.create(ask(FIRST_TURN), toSupport).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeDefined();
    const decisions: SecurityDecision[] = [
      ...getSecurityDecisions(message)!.decisions,
      ...getSecurityDecisions(stream)!.decisions,
    ];
    expect(
      audit.events
        .filter((event) => event.type === 'call.completed')
        .every((event) => event.dataClass === 'confidential'),
    ).toBe(true);
    expect(tracing.pipelineSpans().every((span) => span.attributes['scc.data_class'] === 'confidential')).toBe(true);
    expect(
      findLeaks([audit.events, tracing.dump(), decisions, error, inspect(client, { depth: 6 })], ORIGINALS),
    ).toEqual([]);
    // Not even the placeholders: neither side of the mapping is written anywhere.
    expect(JSON.stringify([audit.events, decisions]) + tracing.dump()).not.toMatch(/<(EMAIL|PERSON|PHONE)_\d+>/);
  });

  it('the in-memory mapping is not reachable by inspect or a property walk', () => {
    const middleware = deidentifyMiddleware();
    const state = new Map<string, unknown>();
    const ctx = {
      callId: 'c',
      operation: 'messages.create',
      environment: 'development',
      integration: undefined,
      destination: undefined,
      stream: false,
      state,
      decisions: [],
      decide: () => {},
    } as const;
    middleware.transformParams!(
      { model: MODEL, max_tokens: 1, messages: [{ role: 'user', content: FIRST_TURN }] },
      ctx as never,
    );
    const substitutions = state.get(SUBSTITUTIONS_STATE);
    expect(substitutions).toBeInstanceOf(Substitutions);
    expect((substitutions as Substitutions).size).toBe(3);
    expect(findLeaks([state, substitutions], ORIGINALS)).toEqual([]);
  });

  it('synthetic mode: same-format values (example.com, 555, Luhn-valid test card, 9xx SSN), stable per client, restored', async () => {
    const card = '4111 1111 1111 1111';
    const ssn = '123-45-6789';
    const { client } = makeClient({
      fake,
      middleware: [deidentifyMiddleware({ mode: 'synthetic', restoreFor: ['*'], minimumClass: 'confidential' })],
    });
    const text = `Mail ${EMAIL}, phone ${PHONE}, card ${card}, SSN ${ssn}.`;
    await client.messages.create(ask(text));
    const wire = (fake.requests[0]!.body as { messages: Array<{ content: string }> }).messages[0]!.content;
    for (const original of [EMAIL, PHONE, card, ssn]) expect(wire).not.toContain(original);
    const email = /user\.[0-9a-f]{8}@example\.com/.exec(wire)![0];
    expect(wire).toMatch(/phone 555-\d{3}-\d{4}/);
    const synthetic = /card (4000 00\d\d \d{4} \d{4})/.exec(wire)![1]!;
    expect(isLuhnValid(synthetic.replace(/ /g, ''))).toBe(true);
    expect(wire).toMatch(/SSN 9\d\d-\d\d-\d{4}\./);
    fake.reply({ text: `Confirmed ${email}.`, splits: [15] });
    await client.messages.create(ask(text));
    expect(sentBody(fake, 1)).toBe(sentBody(fake, 0));
    fake.reply({ text: `Confirmed ${email}.`, splits: [15] });
    expect((await streamedText(client, ask(text), to('anyone'))).text).toBe(`Confirmed ${EMAIL}.`);
  });

  it('minimumClass: restricted leaves PII alone but replaces restricted data; credentials are never restored', async () => {
    const { client } = makeClient({
      fake,
      middleware: [deidentifyMiddleware({ minimumClass: 'restricted', restoreFor: ['*'] })],
    });
    fake.reply({ text: 'Key [REDACTED:AWS_ACCESS_KEY] and <US_SSN_1> noted.' });
    const message = await client.messages.create(ask(`Mail ${EMAIL}, SSN 123-45-6789, key AKIAIOSFODNN7EXAMPLE`));
    expect(sentBody(fake)).toContain(EMAIL);
    expect(sentBody(fake)).toContain('SSN <US_SSN_1>');
    expect(sentBody(fake)).toContain('[REDACTED:AWS_ACCESS_KEY]');
    expect(message.content[0]).toMatchObject({ text: 'Key [REDACTED:AWS_ACCESS_KEY] and 123-45-6789 noted.' });
  });

  it('secure default: the default preset de-identifies PII outside production with nothing else configured', async () => {
    const { client, audit } = makeClient({ fake, preset: defaultPreset(), middleware: [] });
    fake.reply({ text: MODEL_REPLY });
    const message = await client.messages.create(ask(`${FIRST_TURN} key AKIAIOSFODNN7EXAMPLE`));
    const wire = sentBody(fake);
    expect(findLeaks([wire], [...ORIGINALS, 'AKIAIOSFODNN7EXAMPLE'])).toEqual([]);
    expect(wire).toContain('[REDACTED:AWS_ACCESS_KEY]');
    expect(message.content[0]).toMatchObject({ text: MODEL_REPLY });
    expect(audit.events.at(-1)).toMatchObject({ type: 'call.completed', dataClass: 'restricted' });
  });

  it('structured data: labelled fields are de-identified and restored; a later classification sees only substitutes', async () => {
    const Visit = z.object({
      name: classified(z.string(), { class: 'confidential', category: 'PII' }),
      diagnosis: classified(z.string(), { class: 'restricted', category: 'PHI' }),
    });
    const record = { name: NAME, diagnosis: 'Stage-2 hypertension', ssn: '123-45-6789' };
    const policy = [{ id: 'no-phi', category: 'PHI', action: 'block' as const }];
    const { client, audit } = makeClient({
      fake,
      middleware: [deidentifyMiddleware({ restoreFor: ['support-agent'] }), classificationMiddleware({ policy })],
    });
    fake.reply({ text: 'Plan for <PII_1>: manage <PHI_1>.' });
    const params = {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: [minimizedJson(record, Visit)] }],
    };
    const message = await client.messages.create(params, toSupport);
    const wire = JSON.parse(
      (fake.requests[0]!.body as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0]!.content[0]!
        .text,
    );
    expect(wire).toEqual({ name: '<PII_1>', diagnosis: '<PHI_1>' });
    expect(message.content[0]).toMatchObject({ text: `Plan for ${NAME}: manage Stage-2 hypertension.` });
    const decisions = getSecurityDecisions(message)!.decisions;
    expect(decisions).toContainEqual(
      expect.objectContaining({ middleware: 'deidentify', reason: 'fields-minimized', paths: ['ssn'] }),
    );
    expect(decisions).toContainEqual(
      expect.objectContaining({
        middleware: 'deidentify',
        action: 'pseudonymize',
        paths: ['messages.0.content.0.text#name', 'messages.0.content.0.text#diagnosis'],
        dataClass: 'restricted',
      }),
    );
    expect(decisions).toContainEqual(
      expect.objectContaining({ middleware: 'classification', action: 'allow', dataClass: 'public' }),
    );
    expect(audit.events.at(-1)).toMatchObject({ type: 'call.completed', dataClass: 'restricted' });
    expect(findLeaks([audit.events, decisions], [NAME, 'Stage-2 hypertension', '123-45-6789'])).toEqual([]);
  });

  it('validates options, naming paths', () => {
    expect(() => deidentifyMiddleware({ mode: 'hash' as never })).toThrow(/deidentifyMiddleware\.mode/);
    expect(() => deidentifyMiddleware({ minimumClass: 'secret' as never })).toThrow(/minimumClass/);
    expect(() => deidentifyMiddleware({ restoreFor: [''] })).toThrow(/restoreFor\.0/);
    expect(deidentifyMiddleware().name).toBe('deidentify');
  });
});
