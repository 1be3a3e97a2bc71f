// The policy table: class x category x model x endpoint x environment x destination decide allow,
// redact, pseudonymize or block, for every call; the first matching rule wins and the defaults
// (restricted data redacted, the rest allowed) follow your table.
// Runs against the embedded stand-in Messages API; needs nothing else:
//   npx tsx examples/data/policy.ts
import { SecureClaudeClient, definePreset, getSecurityDecisions } from 'secure-claude';
import { classificationMiddleware, createPolicy, type PolicyRule } from 'secure-claude/data';
import { startFakeAnthropic } from 'secure-claude/testing';

const policy: PolicyRule[] = [
  { id: 'pci-never-to-vendors', category: 'PCI', destination: 'vendor-*', action: 'block' },
  { id: 'pii-pseudonymous-for-analytics', category: 'PII', destination: 'analytics', action: 'pseudonymize' },
];

// 1. The table on its own: which rule decides each piece of data.
const table = createPolicy(policy);
const subject = { model: 'claude-opus-4-1', operation: 'messages.create', environment: 'development' } as const;
for (const [dataClass, category, destination] of [
  ['restricted', 'PCI', 'vendor-crm'],
  ['restricted', 'PCI', 'support'],
  ['confidential', 'PII', 'analytics'],
  ['confidential', 'PII', 'support'],
] as const) {
  const rule = table.match({ ...subject, dataClass, category, destination });
  console.log(`match ${dataClass}/${category} -> ${destination}: ${rule.id} (${rule.action})`);
}

// 2. Enforced on every call by the classification middleware.
const standIn = await startFakeAnthropic();
const client = new SecureClaudeClient({
  apiKey: 'sk-ant-api03-policy-demo-key-not-real',
  baseURL: standIn.url,
  security: {
    environment: 'development',
    // Only the classification control, so the wire shows the policy's effect alone.
    preset: definePreset({ name: 'policy-demo', version: '1.0.0', middleware: [] }),
    middleware: [classificationMiddleware({ policy })],
  },
});
const ticket = 'Refund card 4111 1111 1111 1111 for jane.roe@example.com, please.';
const params = {
  model: 'claude-opus-4-1',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: ticket }],
};
const sentText = () =>
  (standIn.requests.at(-1)?.body as { messages: Array<{ content: string }> }).messages[0]?.content ?? '';

try {
  await client.messages.create(params, { security: { destination: 'vendor-crm' } } as object);
} catch (error) {
  const { code, details } = error as { code: string; details: Record<string, unknown> };
  console.log(`vendor-crm: blocked ${code} rule=${String(details['rule'])} path=${String(details['path'])}`);
  console.log(`vendor-crm: requests that reached the API: ${standIn.requests.length}`);
}

for (const destination of ['support', 'analytics']) {
  standIn.reply({ text: 'Refund issued.' });
  const message = await client.messages.create(params, { security: { destination } } as object);
  console.log(`${destination}: sent ${JSON.stringify(sentText())}`);
  for (const decision of getSecurityDecisions(message)?.decisions ?? []) {
    if (decision.phase === 'input') {
      console.log(
        `${destination}: decision ${decision.action} (${decision.reason}) rules=${(decision.rules ?? []).join(',')} dataClass=${decision.dataClass}`,
      );
    }
  }
}
await standIn.close();
