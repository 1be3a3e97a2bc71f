// De-identification outside production: personal data leaves as stable placeholders (the same value
// gets the same placeholder on every turn, so the prompt prefix and its cache stay the same), and the
// originals come back in the reply only for destinations allowed to see them.
// Runs against the embedded stand-in Messages API; needs nothing else:
//   npx tsx examples/data/deidentify.ts
import { SecureClaudeClient, definePreset } from 'secure-claude';
import { deidentifyMiddleware } from 'secure-claude/data';
import { startFakeAnthropic } from 'secure-claude/testing';

const standIn = await startFakeAnthropic();
const clientWith = (mode: 'placeholder' | 'synthetic') =>
  new SecureClaudeClient({
    apiKey: 'sk-ant-api03-deidentify-demo-key-not-real',
    baseURL: standIn.url,
    security: {
      environment: 'development',
      // Only the de-identification control, so the wire shows its substitutes alone.
      preset: definePreset({ name: 'deidentify-demo', version: '1.0.0', middleware: [] }),
      middleware: [deidentifyMiddleware({ mode, restoreFor: ['agent-console'] })],
    },
  });
type Sent = { messages: Array<{ role: string; content: string }> };
const sentMessages = () => (standIn.requests.at(-1)?.body as Sent).messages.map((message) => message.content);

const client = clientWith('placeholder');
const firstTurn = 'Customer Jane Roe (jane.roe@example.com, 415-555-0132) asks where her parcel is.';
const params = (messages: Array<{ role: 'user' | 'assistant'; content: string }>) => ({
  model: 'claude-opus-4-1',
  max_tokens: 256,
  messages,
});

// Turn 1, for the agent console: placeholders on the wire, originals restored in the reply.
standIn.reply({ text: 'We will write to <PERSON_1> at <EMAIL_1> today.', splits: [9, 30] });
const stream = client.messages.stream(params([{ role: 'user', content: firstTurn }]), {
  security: { destination: 'agent-console' },
} as object);
const restored = await stream.finalText();
const turn1 = sentMessages();
console.log('turn 1 sent:', turn1[0]);
console.log('turn 1 reply for agent-console:', restored);

// Turn 2 re-sends turn 1 first: the same placeholders, so the request prefix is byte-identical.
standIn.reply({ text: 'Done.' });
await client.messages.create(
  params([
    { role: 'user', content: firstTurn },
    { role: 'assistant', content: restored },
    { role: 'user', content: 'Also copy jane.roe@example.com on the refund.' },
  ]),
  { security: { destination: 'agent-console' } } as object,
);
const turn2 = sentMessages();
console.log('turn 2 sent:', turn2.join(' | '));
console.log('turn 2 prefix equals turn 1:', turn2[0] === turn1[0]);

// A destination not in restoreFor keeps the placeholders.
standIn.reply({ text: 'We will write to <PERSON_1> at <EMAIL_1> today.' });
const forReport = await client.messages.create(params([{ role: 'user', content: firstTurn }]), {
  security: { destination: 'weekly-report' },
} as object);
console.log(
  'reply for weekly-report:',
  forReport.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
);

// Synthetic mode: realistic values of the same format instead of placeholders.
standIn.reply({ text: 'Noted.' });
await clientWith('synthetic').messages.create(params([{ role: 'user', content: firstTurn }]));
console.log('synthetic sent:', sentMessages()[0]);
await standIn.close();
