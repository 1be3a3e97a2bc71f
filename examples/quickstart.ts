// Quick start: one client, one call, and what the controls decided.
// Runs against the embedded stand-in Messages API; needs nothing else:
//   npx tsx examples/quickstart.ts
import { SecureClaudeClient, getSecurityDecisions } from 'secure-claude';
import { startFakeAnthropic } from 'secure-claude/testing';

const standIn = await startFakeAnthropic({
  defaultReply: { text: 'Thanks! We will reset the account tied to that email.' },
});

const client = new SecureClaudeClient({
  apiKey: 'sk-ant-api03-quickstart-demo-key-not-real',
  baseURL: standIn.url,
  // Outside production a static key is allowed (and audited); production requires security.credentials.
  security: { environment: 'development', integration: 'quickstart' },
});

const message = await client.messages.create({
  model: 'claude-sonnet-5-5',
  max_tokens: 256,
  messages: [
    { role: 'user', content: 'My token is ghp_0123456789abcdefghijABCDEFGHIJ012345, please reset my account.' },
  ],
});

console.log('reply:', message.content[0]?.type === 'text' ? message.content[0].text : message.content[0]);
console.log('sent to the API:', JSON.stringify(standIn.requests[0]?.body));
for (const decision of getSecurityDecisions(message)?.decisions ?? []) {
  console.log(
    `${decision.phase} ${decision.middleware}: ${decision.action} (${decision.reason})`,
    decision.rules ?? '',
  );
}
await standIn.close();
