import { describe, expect, it } from 'vitest';
import type { StreamEvent } from 'secure-claude';
import { createRedactor } from '../../src/data/redact';
import { SECRET_TYPES } from '../../src/data/types';
import { createGuardTransformer, type StreamGuardHooks } from '../../src/output/stream-guard';
import { toolAllowlist } from '../../src/output/tools';

const redactor = createRedactor({ types: [...SECRET_TYPES] });

function hooks(overrides: Partial<StreamGuardHooks> = {}) {
  const seen: { tools?: ReadonlyArray<{ name: string; input: unknown }>; failed?: string[]; delivered?: string } = {};
  const value: StreamGuardHooks = {
    redactor,
    maxJsonCharacters: 1 << 20,
    hasSchema: false,
    format: undefined,
    toolAllowlist: undefined,
    integration: 'support-bot',
    checkComplete: (_text, _hasText, _stop, tools) => {
      seen.tools = tools.map((tool) => ({ ...tool }));
      return { reasons: [], source: 'schema-guard' };
    },
    decideFilter: () => undefined,
    fail: (reasons) => {
      seen.failed = reasons.map((reason) => reason.code);
      return Object.assign(new Error('refused'), { code: 'SCC_OUTPUT_INVALID' }) as never;
    },
    delivered: (text) => void (seen.delivered = text),
    aborted: () => undefined,
    validDecision: () => undefined,
    ...overrides,
  };
  return { value, seen };
}

const start = (index: number, block: Record<string, unknown>) =>
  ({ type: 'content_block_start', index, content_block: block }) as unknown as StreamEvent;
const json = (index: number, partial: string) =>
  ({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } }) as StreamEvent;
const text = (index: number, value: string) =>
  ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: value } }) as StreamEvent;
const stop = (index: number) => ({ type: 'content_block_stop', index }) as StreamEvent;
const end: StreamEvent[] = [
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 1 } },
  { type: 'message_stop' },
] as StreamEvent[];

function run(transformer: ReturnType<typeof createGuardTransformer>, events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const event of events) transformer.transform(event, (produced) => void out.push(produced));
  return out;
}

describe('the output guard on a stream', () => {
  it('hands every streamed tool call to the final check: redacted input, or {} without input deltas', () => {
    const { value, seen } = hooks();
    const key = `AKIA${'Q'.repeat(16)}`;
    const out = run(createGuardTransformer(value), [
      start(0, { type: 'tool_use', id: 't1', name: 'lookup_order', input: {} }),
      json(0, '{"orderId":'),
      json(0, `"A-1","note":"key ${key}"}`),
      stop(0),
      start(1, { type: 'tool_use', id: 't2', name: 'list_orders', input: {} }),
      stop(1),
      ...end,
    ]);
    expect(seen.tools).toEqual([
      { name: 'lookup_order', input: { orderId: 'A-1', note: `key ${key}` } },
      { name: 'list_orders', input: {} },
    ]);
    const sent = out
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => (event.delta as { partial_json?: string }).partial_json);
    expect(sent).toEqual(['{"orderId":"A-1","note":"key [REDACTED:AWS_ACCESS_KEY]"}']);
    expect(out.at(-1)?.type).toBe('message_stop');
  });

  it('refuses a streamed tool call outside the allowlist before its block goes out', () => {
    const { value, seen } = hooks({ toolAllowlist: toolAllowlist({ 'support-bot': ['lookup_order'] }) });
    const transformer = createGuardTransformer(value);
    const out: StreamEvent[] = [];
    expect(() =>
      run(transformer, [start(0, { type: 'tool_use', id: 't1', name: 'refund_order', input: {} })]).forEach((event) =>
        out.push(event),
      ),
    ).toThrow('refused');
    expect(seen.failed).toEqual(['tool-not-allowed']);
    expect(out).toEqual([]);
    expect(run(transformer, [stop(0), ...end])).toEqual([]);
  });

  it('releases clean text as it came, holds nothing past content_block_stop, and delivers it all', () => {
    const { value, seen } = hooks();
    const pieces = Array.from({ length: 12 }, (_, index) => `piece ${index} of a plain reply. `);
    const events = [start(0, { type: 'text', text: '' }), ...pieces.map((piece) => text(0, piece)), stop(0), ...end];
    const out = run(createGuardTransformer(value), events);
    const released = out
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => (event.delta as { text: string }).text)
      .join('');
    expect(released).toBe(pieces.join(''));
    expect(seen.delivered).toBe(pieces.join(''));
    expect(out[0]).toBe(events[0]);
    expect(out.at(-3)).toBe(events.at(-3));
  });
});
