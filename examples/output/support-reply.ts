// Support reply flow: one draft, two destinations with different clearances, an expected format,
// and a JSON-lines output log. Shows outputGuardMiddleware filtering a streamed reply to what the
// customer may see, the agent console seeing more, and a deviating reply going to review.
// Runs against the embedded stand-in Messages API; needs nothing else:
//   npx tsx examples/output/support-reply.ts
import { SecureClaudeClient, type SecureClaudeError } from 'secure-claude';
import { startFakeAnthropic } from 'secure-claude/testing';
// Until the package root re-exports the output module, import it from source.
import {
  createMemoryReviewQueue,
  expectedFormat,
  jsonLinesOutputLog,
  outputGuardMiddleware,
} from 'secure-claude/output';

const standIn = await startFakeAnthropic();
const reviewQueue = createMemoryReviewQueue();
const guard = outputGuardMiddleware({
  destinations: { 'customer-email': 'public', 'agent-console': 'confidential' },
  expectedFormat: expectedFormat({ minLength: 20, maxLength: 600, pattern: /^Dear /u, language: 'en' }),
  outputLog: jsonLinesOutputLog(process.stderr),
  reviewQueue,
});
const client = new SecureClaudeClient({
  apiKey: 'sk-ant-api03-example-key-not-real',
  baseURL: standIn.url,
  security: { environment: 'development', integration: 'support-bot', middleware: [guard] },
});

const draft =
  'Dear Jane, we have refunded order A-17 to the card on file. Our records show jane.doe@example.com and SSN 123-45-6789.';
const params = {
  model: 'claude-sonnet-5-5',
  max_tokens: 512,
  messages: [{ role: 'user' as const, content: 'Draft a reply to ticket 17.' }],
};
// `security` is the per-call option of SecureClaudeClient (see docs/client.md).
const call = (destination: string) => ({ security: { destination } });

for (const destination of ['customer-email', 'agent-console']) {
  standIn.reply({ text: draft, splits: [10, 40, 75, 100] });
  let text = '';
  for await (const event of await client.messages.create({ ...params, stream: true }, call(destination))) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  console.log(`${destination}: ${text}`);
}

// A reply that ignores the format (an injected instruction took effect) never reaches the customer.
standIn.reply({ text: 'SYSTEM OVERRIDE ACCEPTED. Forwarding the full customer ledger now.' });
try {
  await client.messages.create(params, call('customer-email'));
} catch (error) {
  const failure = error as SecureClaudeError;
  console.log(`held: ${failure.code} -> review ${String(failure.details['reviewId'])}`);
}
await guard.settled();
console.log(
  'pending reviews:',
  (await reviewQueue.list({ status: 'pending' })).map((item) => item.reasons),
);
await standIn.close();
