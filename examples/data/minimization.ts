// Field-level minimization: a task declares the fields it needs, everything else is dropped (deny by
// default), and the call records which fields were dropped, by name, never by value.
// Runs against the embedded stand-in Messages API; needs nothing else:
//   npx tsx examples/data/minimization.ts
import { z } from 'zod';
import { SecureClaudeClient, definePreset, getSecurityDecisions } from 'secure-claude';
import { classificationMiddleware, classified, minimize, minimizeForPrompt, minimizedJson } from 'secure-claude/data';
import { startFakeAnthropic } from 'secure-claude/testing';

const order = {
  id: 'A-1042',
  customer: { name: 'Jane Roe', email: 'jane.roe@example.com', ssn: '123-45-6789' },
  items: [
    { sku: 'KB-01', price: 49, supplierCost: 21 },
    { sku: 'MS-07', price: 19, supplierCost: 6 },
  ],
  internalScore: 0.82,
};

// 1. A field list: dotted paths, `[]` for array elements.
const byList = minimize(order, ['id', 'customer.name', 'items[].sku']);
console.log('field list kept:', JSON.stringify(byList.data));
console.log('field list dropped:', byList.dropped.join(', '));

// 2. A zod schema: its object keys are what the task needs; labels say how sensitive a field is.
const ShippingTask = z.object({
  id: z.string(),
  customer: z.object({ name: classified(z.string(), { class: 'confidential', category: 'PII' }) }),
  items: z.array(z.object({ sku: z.string() })),
});
const forPrompt = minimizeForPrompt(order, ShippingTask);
console.log('schema dropped:', forPrompt.dropped.join(', '));
console.log(
  'labels:',
  forPrompt.labels.map((entry) => `${entry.path}=${entry.label.class}/${entry.label.category}`).join(', '),
  'dataClass:',
  forPrompt.dataClass,
);

// 3. In a call: `minimizedJson` builds the text block; the data middleware records the dropped paths.
const standIn = await startFakeAnthropic();
const client = new SecureClaudeClient({
  apiKey: 'sk-ant-api03-minimization-demo-key-not-real',
  baseURL: standIn.url,
  security: {
    environment: 'development',
    // Only the classification control, so the wire shows minimization alone.
    preset: definePreset({ name: 'minimization-demo', version: '1.0.0', middleware: [] }),
    middleware: [classificationMiddleware()],
  },
});
standIn.reply({ text: 'Ship KB-01 and MS-07 to Jane Roe.' });
const message = await client.messages.create({
  model: 'claude-opus-4-1',
  max_tokens: 256,
  messages: [
    {
      role: 'user',
      content: [{ type: 'text', text: 'Write the packing note for:' }, minimizedJson(order, ShippingTask)],
    },
  ],
});
const sent = (standIn.requests.at(-1)?.body as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0]
  ?.content[1]?.text;
console.log('sent to the API:', sent);
for (const decision of getSecurityDecisions(message)?.decisions ?? []) {
  if (decision.reason === 'fields-minimized') {
    console.log(
      `decision: ${decision.action} (${decision.reason}) count=${decision.count} paths=${decision.paths?.join(', ')}`,
    );
  }
}
await standIn.close();
