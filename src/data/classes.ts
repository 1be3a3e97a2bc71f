import { DATA_CLASSES } from '../core/pipeline';

/** A data class, from least to most sensitive: `public < internal < confidential < restricted`. */
export type DataClass = (typeof DATA_CLASSES)[number];

/** The data classes in order, least sensitive first. */
export const DATA_CLASS_ORDER: readonly DataClass[] = DATA_CLASSES;

/** Well-known categories; any SCREAMING_SNAKE string is accepted too. */
export type DataCategory = 'PII' | 'PHI' | 'PCI' | 'SECRET' | (string & {});

/** A classification label: a class and, optionally, a category. Content-free by construction. */
export interface DataLabel {
  readonly class: DataClass;
  readonly category?: DataCategory | undefined;
}

/** The rank of a class (public = 0 … restricted = 3). */
export function classRank(dataClass: DataClass): number {
  return DATA_CLASS_ORDER.indexOf(dataClass);
}

/** The higher of two classes; `undefined` counts as lower than `public`. */
export function maxClass(left: DataClass | undefined, right: DataClass | undefined): DataClass | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return classRank(left) >= classRank(right) ? left : right;
}

/** Whether `dataClass` is at least `minimum`. */
export function isAtLeast(dataClass: DataClass, minimum: DataClass): boolean {
  return classRank(dataClass) >= classRank(minimum);
}

/**
 * How detected types map to labels when nothing else is configured. Credentials are restricted
 * secrets; government ids, cards, medical record numbers and IBANs are restricted; contact details,
 * names, addresses and dates of birth are confidential PII; IP addresses are internal.
 */
export const DEFAULT_TYPE_LABELS: Readonly<Record<string, DataLabel>> = Object.freeze({
  API_KEY: { class: 'restricted', category: 'SECRET' },
  AWS_ACCESS_KEY: { class: 'restricted', category: 'SECRET' },
  PRIVATE_KEY: { class: 'restricted', category: 'SECRET' },
  JWT: { class: 'restricted', category: 'SECRET' },
  PASSWORD: { class: 'restricted', category: 'SECRET' },
  US_SSN: { class: 'restricted', category: 'PII' },
  CREDIT_CARD: { class: 'restricted', category: 'PCI' },
  MEDICAL_RECORD_NUMBER: { class: 'restricted', category: 'PHI' },
  IBAN: { class: 'restricted', category: 'PCI' },
  EMAIL: { class: 'confidential', category: 'PII' },
  PHONE: { class: 'confidential', category: 'PII' },
  PERSON: { class: 'confidential', category: 'PII' },
  ADDRESS: { class: 'confidential', category: 'PII' },
  DATE_OF_BIRTH: { class: 'confidential', category: 'PII' },
  IP_ADDRESS: { class: 'internal', category: 'NETWORK' },
});

/** The label of a detected type not in the table (a custom detector): confidential, fail safe. */
export const UNMAPPED_TYPE_LABEL: DataLabel = Object.freeze({ class: 'confidential' });

/**
 * Compiles a wildcard pattern (`*` matches any run of characters, everything else is literal) to a
 * predicate. `*` alone matches everything, including an absent value.
 */
export function wildcard(pattern: string): (value: string | undefined) => boolean {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (value) => value === pattern;
  const parts = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const regex = new RegExp(`^${parts.join('.*')}$`, 's');
  return (value) => value !== undefined && regex.test(value);
}

/** What a structured block (from `minimizedJson`) tells the data middleware; never values. */
export interface StructuredReport {
  /** Field paths the caller's record had that the task did not need (`items[].price`). */
  readonly dropped: readonly string[];
  /** Field paths labelled by the schema, with their labels. */
  readonly labels: ReadonlyArray<{ readonly path: string; readonly label: DataLabel }>;
}

/**
 * The key under which a `minimizedJson` block carries its report. A symbol, so `JSON.stringify`
 * (and so the wire) never sees it; enumerable, so copy-on-write spreads keep it.
 * @internal
 */
export const STRUCTURED_REPORT = Symbol.for('secure-claude.structured-report');

/** The report of a block built by `minimizedJson`, or undefined. @internal */
export function structuredReportOf(block: unknown): StructuredReport | undefined {
  if (typeof block !== 'object' || block === null) return undefined;
  const report = (block as Record<symbol, unknown>)[STRUCTURED_REPORT];
  return typeof report === 'object' && report !== null ? (report as StructuredReport) : undefined;
}

/**
 * Finds the text blocks of request params that carry a structured report, keyed by the text
 * field's path as `mapParamsText` names it (`messages.0.content.1.text`). @internal
 */
export function findStructuredBlocks(params: unknown): Map<string, StructuredReport> {
  const found = new Map<string, StructuredReport>();
  if (typeof params !== 'object' || params === null) return found;
  const visitBlocks = (blocks: unknown, path: string): void => {
    if (!Array.isArray(blocks)) return;
    blocks.forEach((block: unknown, index) => {
      if (typeof block !== 'object' || block === null) return;
      const record = block as Record<string, unknown>;
      const report = structuredReportOf(block);
      if (report !== undefined && record['type'] === 'text') found.set(`${path}.${index}.text`, report);
      if (record['type'] === 'tool_result') visitBlocks(record['content'], `${path}.${index}.content`);
    });
  };
  const source = params as Record<string, unknown>;
  visitBlocks(source['system'], 'system');
  const messages = source['messages'];
  if (Array.isArray(messages)) {
    messages.forEach((message: unknown, index) => {
      if (typeof message === 'object' && message !== null) {
        visitBlocks((message as Record<string, unknown>)['content'], `messages.${index}.content`);
      }
    });
  }
  return found;
}
