// A small support-desk app written against the official SDK. `app-after.ts` is this file with one
// changed import; test/examples/drop-in.test.ts checks that the two differ only there and that both
// work against the fake Messages API.
import Anthropic from '@anthropic-ai/sdk';

const MODEL = 'claude-sonnet-5-5';

export interface TicketReport {
  summary: string;
  streamedReply: string;
  inputTokens: number;
  toolCalls: string[];
  requestId: string | null | undefined;
}

export async function handleTicket(client: Anthropic, ticket: string): Promise<TicketReport> {
  const summary = await client.messages.create({
    model: MODEL,
    max_tokens: 256,
    system: 'Summarize the support ticket in one sentence.',
    messages: [{ role: 'user', content: ticket }],
  });

  const stream = client.messages.stream({
    model: MODEL,
    max_tokens: 512,
    messages: [{ role: 'user', content: `Draft a reply to: ${ticket}` }],
  });
  let streamedReply = '';
  stream.on('text', (text) => (streamedReply += text));
  await stream.finalMessage();

  const count = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: ticket }] });

  const withTools = await client.messages.create({
    model: MODEL,
    max_tokens: 256,
    tools: [
      {
        name: 'lookup_order',
        description: 'Look up an order by id',
        input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      },
    ],
    messages: [{ role: 'user', content: ticket }],
  });

  return {
    summary: summary.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
    streamedReply,
    inputTokens: count.input_tokens,
    toolCalls: withTools.content.flatMap((block) => (block.type === 'tool_use' ? [block.name] : [])),
    requestId: summary._request_id,
  };
}
