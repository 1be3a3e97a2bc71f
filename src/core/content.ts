import type { MessageParams, MessageResult } from './middleware';

/** What kind of field a piece of text came from; controls decide per kind (trusted or not). */
export type TextKind = 'system' | 'text' | 'tool_result' | 'document' | 'search_result' | 'tool_use_input';

/** Where a piece of text sits in a request or reply. */
export interface TextLocation {
  /** Dotted field path, for example `messages.1.content.0.content`. Never contains the text. */
  readonly path: string;
  readonly kind: TextKind;
  /** The turn's role; `system` for the system prompt. */
  readonly role: 'system' | 'user' | 'assistant';
}

/**
 * Returns a replacement for `text`, or the same string to leave it. Called once per text field,
 * in document order.
 */
export type TextVisitor = (text: string, location: TextLocation) => string;

type AnyRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is AnyRecord => typeof value === 'object' && value !== null;

/**
 * Visits every text-bearing field of request params: `system`, each message's string content,
 * text blocks, `tool_result` content, document text sources and titles, search results, and the
 * string leaves of `tool_use` input. Thinking blocks are left alone (their signatures cover them).
 *
 * Copy-on-write: the input is never mutated; objects on the path of a changed string are copied,
 * everything else is shared, and the same object is returned when nothing changed.
 */
export function mapParamsText<P extends MessageParams>(params: P, visit: TextVisitor): P {
  const source = params as unknown as AnyRecord;
  let result: AnyRecord | undefined;
  const system = source['system'];
  if (system !== undefined && system !== null) {
    const next = mapContent(system, 'system', 'system', 'system', visit);
    if (next !== system) result = { ...source, system: next };
  }
  const messages = source['messages'];
  if (Array.isArray(messages)) {
    const next = mapArray(messages, (message, index) => {
      if (!isRecord(message)) return message;
      const role = message['role'] === 'assistant' ? 'assistant' : message['role'] === 'system' ? 'system' : 'user';
      const content = message['content'];
      const mapped = mapContent(
        content,
        `messages.${index}.content`,
        role === 'system' ? 'system' : 'text',
        role,
        visit,
      );
      return mapped === content ? message : { ...message, content: mapped };
    });
    if (next !== messages) result = { ...(result ?? source), messages: next };
  }
  return (result ?? source) as unknown as P;
}

/** Visits the text blocks and `tool_use` inputs of a reply. Copy-on-write, like {@link mapParamsText}. */
export function mapResultText<R extends MessageResult>(result: R, visit: TextVisitor): R {
  const content = (result as unknown as AnyRecord)['content'];
  if (!Array.isArray(content)) return result;
  const next = mapArray(content, (block, index) => mapBlock(block, `content.${index}`, 'assistant', visit));
  return next === content ? result : ({ ...result, content: next } as R);
}

function mapContent(
  content: unknown,
  path: string,
  kind: TextKind,
  role: TextLocation['role'],
  visit: TextVisitor,
): unknown {
  if (typeof content === 'string') return visit(content, { path, kind, role });
  if (!Array.isArray(content)) return content;
  return mapArray(content, (block, index) => mapBlock(block, `${path}.${index}`, role, visit, kind));
}

function mapBlock(
  block: unknown,
  path: string,
  role: TextLocation['role'],
  visit: TextVisitor,
  inheritedKind: TextKind = 'text',
): unknown {
  if (!isRecord(block)) return block;
  switch (block['type']) {
    case 'text': {
      const text = block['text'];
      if (typeof text !== 'string') return block;
      const next = visit(text, {
        path: `${path}.text`,
        kind: inheritedKind === 'system' ? 'system' : inheritedKind,
        role,
      });
      return next === text ? block : { ...block, text: next };
    }
    // `mcp_tool_result` (beta): what an MCP server returned, in the same shape as a tool's result.
    case 'tool_result':
    case 'mcp_tool_result':
      return mapField(block, 'content', (content) =>
        mapContent(content, `${path}.content`, 'tool_result', role, visit),
      );
    case 'document':
      return mapDocument(block, path, role, visit);
    case 'search_result': {
      const withTitle = mapStringField(block, 'title', { path: `${path}.title`, kind: 'search_result', role }, visit);
      return mapField(withTitle, 'content', (content) =>
        mapContent(content, `${path}.content`, 'search_result', role, visit),
      );
    }
    case 'tool_use':
    case 'server_tool_use':
    case 'mcp_tool_use':
      return mapField(block, 'input', (input) => mapJsonStrings(input, `${path}.input`, role, visit));
    default:
      return block;
  }
}

function mapDocument(block: AnyRecord, path: string, role: TextLocation['role'], visit: TextVisitor): unknown {
  let next = mapStringField(block, 'title', { path: `${path}.title`, kind: 'document', role }, visit);
  next = mapStringField(next, 'context', { path: `${path}.context`, kind: 'document', role }, visit);
  return mapField(next, 'source', (source) => {
    if (!isRecord(source)) return source;
    if (source['type'] === 'text') {
      return mapStringField(source, 'data', { path: `${path}.source.data`, kind: 'document', role }, visit);
    }
    if (source['type'] === 'content') {
      return mapField(source, 'content', (content) =>
        mapContent(content, `${path}.source.content`, 'document', role, visit),
      );
    }
    return source;
  });
}

function mapJsonStrings(value: unknown, path: string, role: TextLocation['role'], visit: TextVisitor): unknown {
  if (typeof value === 'string') return visit(value, { path, kind: 'tool_use_input', role });
  if (Array.isArray(value))
    return mapArray(value, (item, index) => mapJsonStrings(item, `${path}.${index}`, role, visit));
  if (!isRecord(value)) return value;
  let result: AnyRecord | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const next = mapJsonStrings(item, `${path}.${key}`, role, visit);
    if (next !== item) {
      result ??= copyRecord(value);
      result[key] = next;
    }
  }
  return result ?? value;
}

/** Copies own enumerable keys onto a null-safe plain object without invoking `__proto__` setters. */
function copyRecord(value: AnyRecord): AnyRecord {
  const copy: AnyRecord = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, { value: value[key], enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function mapField(record: AnyRecord, key: string, map: (value: unknown) => unknown): AnyRecord {
  const value = record[key];
  if (value === undefined) return record;
  const next = map(value);
  return next === value ? record : { ...record, [key]: next };
}

function mapStringField(record: AnyRecord, key: string, location: TextLocation, visit: TextVisitor): AnyRecord {
  const value = record[key];
  if (typeof value !== 'string') return record;
  const next = visit(value, location);
  return next === value ? record : { ...record, [key]: next };
}

function mapArray<T>(items: readonly T[], map: (item: T, index: number) => unknown): T[] {
  let result: unknown[] | undefined;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const next = map(item as T, index);
    if (next !== item) {
      result ??= items.slice();
      result[index] = next;
    }
  }
  return (result ?? items) as T[];
}

/** Calls `visit` on every text field without building anything: for screening and measuring. */
export function forEachParamsText(params: MessageParams, visit: (text: string, location: TextLocation) => void): void {
  mapParamsText(params, (text, location) => {
    visit(text, location);
    return text;
  });
}
