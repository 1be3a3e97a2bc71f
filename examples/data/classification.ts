// Classification, minimization and de-identification in one flow.
// Runs against the embedded stand-in Messages API; needs nothing else:
//   npx tsx examples/data/classification.ts
import { z } from 'zod';
import {
  SecureClaudeClient,
  classified,
  defaultPreset,
  getSecurityDecisions,
  minimizedJson,
  type SecurityDecision,
} from 'secure-claude';
import { startFakeAnthropic } from 'secure-claude/testing';

const standIn = await startFakeAnthropic();

// What the task needs, with labels: everything else in the record is dropped before the call is built.
const TriageInput = z.object({
  name: classified(z.string(), { class: 'confidential', category: 'PII' }),
  diagnosis: classified(z.string(), { class: 'restricted', category: 'PHI' }),
  symptoms: z.array(z.string()),
});
const patient = {
  name: 'Jane Roe',
  diagnosis: 'Stage-2 hypertension',
  symptoms: ['headache'],
  ssn: '123-45-6789',
  insurer: 'Acme Health',
};

const client = new SecureClaudeClient({
  apiKey: 'sk-ant-api03-classification-demo-key-not-real',
  baseURL: standIn.url,
  security: {
    environment: 'development',
    // The default controls, configured: a policy table, and originals restored for the triage nurse.
    preset: defaultPreset({
      classification: {
        policy: [
          { id: 'phi-not-to-haiku', category: 'PHI', model: 'claude-haiku-*', action: 'block' },
          { id: 'phi-allowed-for-triage', category: 'PHI', destination: 'triage-nurse', action: 'allow' },
        ],
      },
      deidentify: { restoreFor: ['triage-nurse'] },
    }),
  },
});

const params = (model: string) => ({
  model,
  max_tokens: 256,
  messages: [
    {
      role: 'user' as const,
      content: [{ type: 'text' as const, text: 'Suggest next steps for:' }, minimizedJson(patient, TriageInput)],
    },
  ],
});
const show = (decisions: readonly SecurityDecision[] | undefined) => {
  for (const decision of decisions ?? []) {
    console.log(
      `  ${decision.phase} ${decision.middleware}: ${decision.action} (${decision.reason})`,
      decision.rules ?? '',
      decision.paths ?? '',
      decision.dataClass ?? '',
    );
  }
};

// 1. The policy refuses PHI for a small model: a typed error naming the rule and the field, never the value.
try {
  await client.messages.create(params('claude-haiku-4-5'), { security: { destination: 'triage-nurse' } } as object);
} catch (error) {
  const { code, details } = error as { code: string; details: Record<string, unknown> };
  console.log('blocked:', code, details);
}

// 2. Allowed model: fields minimized, PII/PHI de-identified on the wire, originals restored for the nurse.
standIn.reply({ text: 'For <PII_1>: recheck <PHI_1> in two weeks.', splits: [7, 12, 33] });
const stream = client.messages.stream(params('claude-opus-4-1'), {
  security: { destination: 'triage-nurse' },
} as object);
console.log('reply:', await stream.finalText());
console.log(
  'sent to the API:',
  (standIn.requests.at(-1)?.body as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0]?.content[1]
    ?.text,
);
show(getSecurityDecisions(stream)?.decisions);

const audit = client.security.audit as unknown as { events: ReadonlyArray<{ type: string; dataClass?: string }> };
console.log(
  'audit:',
  audit.events
    .filter((event) => event.type.startsWith('call.'))
    .map((event) => `${event.type} dataClass=${event.dataClass}`),
);
await standIn.close();
