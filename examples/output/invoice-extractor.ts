// Invoice extractor: structured output with a schema guard, escalating what it cannot validate.
// Shows guardedParse (strict JSON + zod, no repair), the durable SQLite review queue, a reviewer
// verdict, and actionGate, which only posts invoices that passed every guard.
// Runs against the embedded stand-in Messages API; needs better-sqlite3 (a dev dependency here):
//   npx tsx examples/output/invoice-extractor.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SecureClaudeClient } from 'secure-claude';
import { startFakeAnthropic } from 'secure-claude/testing';
// Until the package root re-exports the output module, import it from source.
import { actionGate, createSqliteReviewQueue, guardedParse } from 'secure-claude/output';

const Invoice = z.object({
  number: z.string(),
  currency: z.enum(['EUR', 'USD']),
  total: z.number(),
  items: z.array(z.object({ description: z.string(), amount: z.number() })),
});
type Invoice = z.infer<typeof Invoice>;

const standIn = await startFakeAnthropic();
const directory = mkdtempSync(join(tmpdir(), 'invoice-review-'));
const reviewQueue = await createSqliteReviewQueue({ path: join(directory, 'review.db') });
const client = new SecureClaudeClient({
  apiKey: 'sk-ant-api03-example-key-not-real',
  baseURL: standIn.url,
  security: { environment: 'development', integration: 'invoice-extractor' },
});

const ledger: Invoice[] = [];
const postToLedger = (invoice: Invoice) => void ledger.push(invoice);

// 1. A clean reply, 2. a reply wrapped in a code fence with a string total (re-asked once, still
// wrong), 3. a refusal. Only the first reaches the ledger.
standIn.reply({ json: { number: 'INV-1', currency: 'EUR', total: 30, items: [{ description: 'paper', amount: 30 }] } });
standIn.reply({ text: '```json\n{"number":"INV-2","currency":"EUR","total":"30,00","items":[]}\n```' });
standIn.reply({ text: '{"number":"INV-2","currency":"EUR","total":"30,00","items":[]}' });
standIn.reply({ text: 'I cannot help with that.', stop_reason: 'refusal' });

for (const document of ['invoice-1.pdf', 'invoice-2.pdf', 'invoice-3.pdf']) {
  const outcome = await guardedParse(
    client,
    {
      model: 'claude-sonnet-5-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: `Extract the invoice in ${document}.` }],
    },
    { schema: Invoice, reviewQueue, reask: 1 },
  );
  const gate = await actionGate(outcome, postToLedger);
  console.log(
    `${document}: ${outcome.status} after ${outcome.attempts} call(s)`,
    gate.ran ? '-> posted' : `-> held (${JSON.stringify(gate.reasons)})`,
  );
}

// A reviewer works the queue; the verdicts survive a restart of the process.
for (const item of await reviewQueue.list({ status: 'pending' })) {
  await reviewQueue.decide(item.id, {
    decision: 'rejected',
    reviewer: 'ap-clerk-7',
    note: 'asked the supplier for a corrected invoice',
  });
  console.log(`review ${item.id}: ${item.source} ${JSON.stringify(item.reasons)} -> rejected`);
}
console.log(
  'ledger:',
  ledger.map((invoice) => invoice.number),
);

await reviewQueue.close();
await standIn.close();
rmSync(directory, { recursive: true, force: true });
