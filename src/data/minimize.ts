import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { z } from 'zod';
import { ConfigError } from '../core/errors';
import type { MessageParams, MiddlewareContext } from '../core/middleware';
import { defOf, labelsOf, unwrap } from './classify';
import {
  DATA_CLASS_ORDER,
  STRUCTURED_REPORT,
  findStructuredBlocks,
  maxClass,
  type DataClass,
  type DataLabel,
  type StructuredReport,
} from './classes';

/** What a task needs from a record: a zod object schema, or field paths (`customer.name`, `items[].sku`). */
export type FieldSpec = z.ZodType | readonly string[];

/** The result of {@link minimize}: the needed fields only, and the paths of what was dropped. */
export interface MinimizeResult<T = unknown> {
  readonly data: T;
  /** Paths of dropped fields, `[]` for array elements (`items[].price`), in first-seen order. Never values. */
  readonly dropped: readonly string[];
}

/** The result of {@link minimizeForPrompt}: {@link MinimizeResult} plus the schema's labels. */
export interface PromptData<T = unknown> extends MinimizeResult<T> {
  /** Labelled field paths (from `classified()` or `.meta({ dataClass })`, or the `labels` option). */
  readonly labels: ReadonlyArray<{ readonly path: string; readonly label: DataLabel }>;
  /** The highest class among the labels of fields that were kept; `undefined` when none is labelled. */
  readonly dataClass: DataClass | undefined;
}

/** Options of {@link minimizeForPrompt} and {@link minimizedJson}. */
export interface MinimizeOptions {
  /** Labels by field path, for a field-list spec (a schema carries its own). */
  readonly labels?: Readonly<Record<string, DataLabel>>;
}

interface Node {
  keepAll: boolean;
  readonly children: Map<string, Node>;
}

const MAX_DEPTH = 64;
const MAX_DROPPED_PATHS = 256;
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;
const PATH_SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}(?:\[\])?$/;

const newNode = (): Node => ({ keepAll: false, children: new Map() });

function nodeFromFields(fields: readonly string[]): Node {
  const root = newNode();
  fields.forEach((field, index) => {
    const segments = typeof field === 'string' ? field.split('.') : [];
    if (segments.length === 0 || segments.some((segment) => !PATH_SEGMENT.test(segment))) {
      throw new ConfigError(`minimize: field ${index} is not a path like "customer.name" or "items[].sku".`, {
        source: 'minimize',
        details: { option: `fields.${index}` },
      });
    }
    let node = root;
    for (const segment of segments) {
      const key = segment.endsWith('[]') ? segment.slice(0, -2) : segment;
      let child = node.children.get(key);
      if (!child) {
        child = newNode();
        node.children.set(key, child);
      }
      node = child;
    }
    node.keepAll = true;
  });
  return root;
}

function nodeFromSchema(schema: z.ZodType, depth = 0): Node {
  const node = newNode();
  if (depth > MAX_DEPTH) return node;
  const { schema: inner, label } = unwrap(schema);
  const def = defOf(inner);
  if (label && depth > 0) {
    node.keepAll = true;
    return node;
  }
  if (def.type === 'object' && def.shape) {
    for (const [key, child] of Object.entries(def.shape)) node.children.set(key, nodeFromSchema(child, depth + 1));
    return node;
  }
  // Arrays are transparent: the element's spec applies to every item.
  if (def.type === 'array' && def.element) return nodeFromSchema(def.element, depth + 1);
  node.keepAll = true;
  return node;
}

const isSchema = (spec: unknown): spec is z.ZodType =>
  typeof spec === 'object' &&
  spec !== null &&
  '_zod' in spec &&
  typeof (spec as { safeParse?: unknown }).safeParse === 'function';

function compile(spec: FieldSpec): Node {
  if (Array.isArray(spec)) return nodeFromFields(spec);
  if (isSchema(spec)) return nodeFromSchema(spec);
  throw new ConfigError('minimize: give a zod schema or an array of field paths.', { source: 'minimize' });
}

/**
 * Keeps only the fields a task declares, deny by default: every field not named is dropped,
 * nested objects and arrays included. A named field that holds an object keeps the whole object;
 * a field declared as an object but holding something else is dropped.
 *
 * Field lists use dotted paths with `[]` for arrays (`items[].sku`); a zod object schema keeps its
 * shape's keys, recursively (arrays via their element schema). Keys that do not look like
 * identifiers are reported as `*`, so a record keyed by personal data does not leak through the
 * report. The input is never mutated; `__proto__` keys are copied as plain data.
 *
 * @example
 * minimize({ id: 1, ssn: '…', items: [{ sku: 'A', price: 3 }] }, ['id', 'items[].sku'])
 * // { data: { id: 1, items: [{ sku: 'A' }] }, dropped: ['ssn', 'items[].price'] }
 */
export function minimize<T = unknown>(record: unknown, spec: FieldSpec): MinimizeResult<T> {
  const root = compile(spec);
  const dropped = new Set<string>();
  const drop = (path: string) => {
    if (dropped.size < MAX_DROPPED_PATHS) dropped.add(path);
  };
  const walk = (value: unknown, node: Node, path: string, depth: number): unknown => {
    if (node.keepAll) return value;
    if (Array.isArray(value)) return value.map((item) => walk(item, node, `${path}[]`, depth + 1));
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) {
      if (path !== '') drop(path);
      return undefined;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const child = node.children.get(key);
      const childPath = path === '' ? displayKey(key) : `${path}.${displayKey(key)}`;
      if (!child) {
        drop(childPath);
        continue;
      }
      const next = walk((value as Record<string, unknown>)[key], child, childPath, depth + 1);
      if (next !== undefined)
        Object.defineProperty(copy, key, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };
  const data = walk(record, root, '', 0);
  return { data: data as T, dropped: [...dropped] };
}

const displayKey = (key: string): string => (FIELD_NAME.test(key) ? key : '*');

/**
 * {@link minimize} plus the labels that go with the kept fields, for building a prompt.
 *
 * @example
 * const { data, dropped, dataClass } = minimizeForPrompt(patient, TriageInput);
 */
export function minimizeForPrompt<T = unknown>(
  record: unknown,
  spec: FieldSpec,
  options: MinimizeOptions = {},
): PromptData<T> {
  const { data, dropped } = minimize<T>(record, spec);
  const labels: Array<{ path: string; label: DataLabel }> = isSchema(spec) ? labelsOf(spec) : [];
  for (const [path, label] of Object.entries(options.labels ?? {})) {
    if (!DATA_CLASS_ORDER.includes(label?.class)) {
      throw new ConfigError(`minimize: labels["${path}"].class must be one of ${DATA_CLASS_ORDER.join(', ')}.`, {
        source: 'minimize',
      });
    }
    labels.push({ path, label });
  }
  let dataClass: DataClass | undefined;
  for (const { path, label } of labels) {
    if (valuesAt(data, path).length > 0) dataClass = maxClass(dataClass, label.class);
  }
  return { data, dropped, labels, dataClass };
}

/** A text block whose report (dropped paths, labels) the data middleware read; the wire sees only `type` and `text`. */
export type MinimizedBlock = TextBlockParam & { readonly [STRUCTURED_REPORT]: StructuredReport };

/**
 * Minimizes a record and returns it as a JSON text block to put in a message's `content`. The
 * block carries its report under a symbol key (never serialized), so the `classification` and
 * `deidentify` middleware record `{ action: 'redact', reason: 'fields-minimized', paths }` on the
 * call's decisions, span and audit record, and apply the schema's labels to the fields.
 *
 * @example
 * await client.messages.create({ model, max_tokens, messages: [{ role: 'user', content: [
 *   { type: 'text', text: 'Triage this patient:' }, minimizedJson(patient, TriageInput)] }] });
 */
export function minimizedJson(record: unknown, spec: FieldSpec, options: MinimizeOptions = {}): MinimizedBlock {
  const { data, dropped, labels } = minimizeForPrompt(record, spec, options);
  const report: StructuredReport = Object.freeze({
    dropped: Object.freeze(dropped.slice()),
    labels: Object.freeze(labels.slice()),
  });
  const block = { type: 'text' as const, text: JSON.stringify(data ?? null) };
  Object.defineProperty(block, STRUCTURED_REPORT, { value: report, enumerable: true });
  return block as MinimizedBlock;
}

/**
 * The values at a field path (`items[].sku`) in parsed data, with their concrete locations
 * (`items.0.sku`), for applying labels. @internal
 */
export function valuesAt(data: unknown, path: string): Array<{ location: Array<string | number>; value: unknown }> {
  const segments: string[] = [];
  for (const part of path.split('.')) {
    if (part.endsWith('[]')) {
      if (part.length > 2) segments.push(part.slice(0, -2));
      segments.push('[]');
    } else segments.push(part);
  }
  if (path.startsWith('[]')) segments.shift();
  const results: Array<{ location: Array<string | number>; value: unknown }> = [];
  const walk = (value: unknown, index: number, location: Array<string | number>): void => {
    if (results.length >= 10_000) return;
    if (index === segments.length) {
      if (value !== undefined) results.push({ location, value });
      return;
    }
    const segment = segments[index] as string;
    if (segment === '[]' || (Array.isArray(value) && segment !== '[]')) {
      if (!Array.isArray(value)) return;
      const next = segment === '[]' ? index + 1 : index;
      value.forEach((item, itemIndex) => walk(item, next, [...location, itemIndex]));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (segment === '*') {
      for (const key of Object.keys(value))
        walk((value as Record<string, unknown>)[key], index + 1, [...location, key]);
      return;
    }
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return;
    walk((value as Record<string, unknown>)[segment], index + 1, [...location, segment]);
  };
  walk(data, 0, []);
  return results;
}

const RECORDED = 'scc.fields-minimized';

/**
 * Records the minimization reports of a call's `minimizedJson` blocks as one decision
 * (`redact` / `fields-minimized`, dropped paths and their count), once per call whichever data
 * middleware gets there first. @internal
 */
export function recordMinimization(params: MessageParams, ctx: MiddlewareContext): void {
  if (ctx.state.has(RECORDED)) return;
  ctx.state.set(RECORDED, true);
  const dropped = new Set<string>();
  for (const report of findStructuredBlocks(params).values()) for (const path of report.dropped) dropped.add(path);
  if (dropped.size === 0) return;
  ctx.decide({ action: 'redact', reason: 'fields-minimized', count: dropped.size, paths: [...dropped] });
}
