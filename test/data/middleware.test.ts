import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors';
import type { MessageParams, MessageResult, StreamEvent } from '../../src/core/middleware';
import { redactionMiddleware } from '../../src/data/index';
import { createContext } from './context';

const KEY = `sk-ant-api03-${'Zx9_'.repeat(23)}q1AA`;
const AWS = 'AKIAIOSFODNN7EXAMPLE';

function runStream(events: StreamEvent[], middleware = redactionMiddleware(), flush = true) {
  const ctx = createContext(true);
  const transformer = middleware.createStreamTransformer!(ctx)!;
  const out: StreamEvent[] = [];
  for (const event of events) transformer.transform(event, (next) => out.push(next));
  if (flush) transformer.flush?.((next) => out.push(next));
  return { out, ctx };
}

const start = (index: number, type: 'text' | 'tool_use' = 'text') =>
  ({
    type: 'content_block_start',
    index,
    content_block:
      type === 'text' ? { type: 'text', text: '' } : { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} },
  }) as StreamEvent;
const text = (index: number, value: string) =>
  ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: value } }) as StreamEvent;
const json = (index: number, value: string) =>
  ({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: value } }) as StreamEvent;
const stop = (index: number) => ({ type: 'content_block_stop', index }) as StreamEvent;
const messageStop = { type: 'message_stop' } as StreamEvent;

const textOf = (events: StreamEvent[], index: number) =>
  events
    .filter(
      (event) => event.type === 'content_block_delta' && event.index === index && event.delta.type === 'text_delta',
    )
    .map((event) => (event as { delta: { text: string } }).delta.text)
    .join('');

describe('redactionMiddleware', () => {
  it('is named redaction and validates options with paths', () => {
    expect(redactionMiddleware().name).toBe('redaction');
    expect(() => redactionMiddleware({ types: ['NOPE' as never] })).toThrow(ConfigError);
    expect(() => redactionMiddleware({ types: ['NOPE' as never] })).toThrow(/types\.0/);
    expect(() => redactionMiddleware({ detectors: [{ type: 'X', pattern: '(?<=a)' }] })).toThrow(
      /SCC_CONFIG_INVALID|RE2/,
    );
    expect(() => redactionMiddleware({ replacement: 'stars' as never })).toThrow(/replacement/);
    expect(() => redactionMiddleware({ unknown: true } as never)).toThrow(/unknown/);
  });

  it('transformParams redacts secrets in every text field and records one content-free decision', () => {
    const middleware = redactionMiddleware();
    const ctx = createContext();
    const params = {
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      system: `use ${KEY}`,
      messages: [
        { role: 'user', content: [{ type: 'text', text: `aws ${AWS} and mail bob@example.com` }] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'password = "Hunter2!x"' }] },
      ],
    } as MessageParams;
    const before = JSON.stringify(params);
    const result = middleware.transformParams!(params, ctx) as typeof params;
    expect(JSON.stringify(params)).toBe(before);
    const serialized = JSON.stringify(result);
    expect(serialized).not.toContain(KEY);
    expect(serialized).not.toContain(AWS);
    expect(serialized).not.toContain('Hunter2!x');
    expect(serialized).toContain('bob@example.com');
    expect(result.messages[1]).toBe(params.messages[1]);
    expect(ctx.decisions).toMatchObject([
      {
        action: 'redact',
        reason: 'sensitive-data-redacted',
        count: 3,
        rules: ['API_KEY', 'AWS_ACCESS_KEY', 'PASSWORD'],
      },
    ]);
    expect(JSON.stringify(ctx.decisions)).not.toContain(AWS);
  });

  it('transformParams redacts the beta MCP blocks: a server result and the input of a call', () => {
    const middleware = redactionMiddleware();
    const params = {
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'look it up' },
        {
          role: 'assistant',
          content: [
            { type: 'mcp_tool_use', id: 'm1', name: 'query', server_name: 'crm', input: { filter: `key ${KEY}` } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'mcp_tool_result', tool_use_id: 'm1', content: [{ type: 'text', text: `aws ${AWS}` }] },
            { type: 'mcp_tool_result', tool_use_id: 'm2', content: 'password = "Hunter2!x"' },
          ],
        },
      ],
    } as unknown as MessageParams;
    const serialized = JSON.stringify(middleware.transformParams!(params, createContext()));
    expect(serialized).not.toContain(KEY);
    expect(serialized).not.toContain(AWS);
    expect(serialized).not.toContain('Hunter2!x');
    expect(serialized).toContain('"server_name":"crm"');
  });

  it('adds PII types on request and returns the same params when nothing is found', () => {
    const middleware = redactionMiddleware({ types: ['EMAIL'] });
    const ctx = createContext();
    const params = {
      model: 'm',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'mail bob@example.com' }],
    } as MessageParams;
    expect(JSON.stringify(middleware.transformParams!(params, ctx))).toContain('[REDACTED:EMAIL]');
    const clean = { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hello there' }] } as MessageParams;
    expect(middleware.transformParams!(clean, ctx)).toBe(clean);
    expect(ctx.decisions[1]).toMatchObject({ action: 'allow', reason: 'none-found', count: 0, rules: [] });
  });

  it('transformResult redacts text blocks and tool_use input (D6: the key echoed back)', () => {
    const ctx = createContext();
    const result = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [
        { type: 'text', text: `your key is ${KEY}` },
        { type: 'tool_use', id: 't', name: 'save', input: { note: `aws ${AWS}`, nested: [{ token: KEY }] } },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    } as unknown as MessageResult;
    const redacted = redactionMiddleware().transformResult!(result, ctx) as MessageResult;
    const serialized = JSON.stringify(redacted);
    expect(serialized).not.toContain(KEY);
    expect(serialized).not.toContain(AWS);
    expect(serialized).toContain('[REDACTED:API_KEY]');
    expect(ctx.decisions).toMatchObject([{ action: 'redact', count: 3 }]);
  });

  it('stream: a key split across deltas is redacted; held text is flushed before content_block_stop (D1)', () => {
    const pieces = ['Here: ', KEY.slice(0, 10), KEY.slice(10, 50), KEY.slice(50), ' done.'];
    const { out, ctx } = runStream([start(0), ...pieces.map((piece) => text(0, piece)), stop(0), messageStop]);
    expect(textOf(out, 0)).toBe('Here: [REDACTED:API_KEY] done.');
    const stopIndex = out.findIndex((event) => event.type === 'content_block_stop');
    expect(out[stopIndex - 1]).toMatchObject({ type: 'content_block_delta', delta: { type: 'text_delta' } });
    for (const event of out) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        expect(event.delta.text.length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(out)).not.toContain(KEY.slice(13, 40));
    expect(ctx.decisions).toMatchObject([
      { phase: 'stream', action: 'redact', reason: 'sensitive-data-redacted', count: 1, rules: ['API_KEY'] },
    ]);
  });

  it('stream: SSN split as 123-45- / 6789 with PII enabled', () => {
    const { out } = runStream(
      [start(0), text(0, 'SSN 123-45-'), text(0, '6789 thanks'), stop(0)],
      redactionMiddleware({ types: ['US_SSN'] }),
    );
    expect(textOf(out, 0)).toBe('SSN [REDACTED:US_SSN] thanks');
  });

  it('stream: blocks are buffered separately and tool input JSON is redacted after assembly (D2)', () => {
    const argument = JSON.stringify({ query: `use ${AWS} now`, list: ['ok', KEY] });
    const cut1 = 12;
    const cut2 = 40;
    const { out } = runStream([
      start(0),
      text(0, 'first block AKIAIOSF'),
      start(1, 'tool_use'),
      json(1, argument.slice(0, cut1)),
      text(0, 'ODNN7EXAMPLE end'),
      json(1, argument.slice(cut1, cut2)),
      json(1, argument.slice(cut2)),
      stop(0),
      stop(1),
      messageStop,
    ]);
    // Block 0 got "AKIAIOSF" + "ODNN7EXAMPLE": different blocks never join, so only block 0's text forms the key.
    expect(textOf(out, 0)).toBe('first block [REDACTED:AWS_ACCESS_KEY] end');
    const jsonEvents = out.filter(
      (event) => event.type === 'content_block_delta' && event.delta.type === 'input_json_delta',
    );
    expect(jsonEvents).toHaveLength(1);
    const assembled = JSON.parse((jsonEvents[0] as { delta: { partial_json: string } }).delta.partial_json);
    expect(assembled).toEqual({ query: 'use [REDACTED:AWS_ACCESS_KEY] now', list: ['ok', '[REDACTED:API_KEY]'] });
    const jsonIndex = out.indexOf(jsonEvents[0]!);
    expect(out[jsonIndex + 1]).toMatchObject({ type: 'content_block_stop', index: 1 });
  });

  it('stream: unparsable tool JSON is redacted as text', () => {
    const { out } = runStream([start(0, 'tool_use'), json(0, `{"a": "${AWS}`), stop(0)]);
    expect(JSON.stringify(out)).not.toContain(AWS);
    expect(JSON.stringify(out)).toContain('[REDACTED:AWS_ACCESS_KEY]');
  });

  it('stream: on an unexpected end, held text is never released unredacted', () => {
    const { out, ctx } = runStream([start(0), text(0, 'partial key ' + KEY.slice(0, 30))], redactionMiddleware(), true);
    expect(JSON.stringify(out)).not.toContain(KEY.slice(0, 20));
    expect(ctx.decisions).toHaveLength(1);
  });

  it('stream: other events pass through untouched and long clean text is released early', () => {
    const ping = { type: 'ping' } as unknown as StreamEvent;
    const long = 'the report is ready. '.repeat(40);
    const { out } = runStream([ping, start(0), text(0, long), stop(0), messageStop]);
    expect(out[0]).toBe(ping);
    const deltas = out.filter((event) => event.type === 'content_block_delta');
    expect(deltas.length).toBe(2);
    expect(textOf(out, 0)).toBe(long);
  });
});
