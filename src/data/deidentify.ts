import { createHmac } from 'node:crypto';
import { isAtLeast, type DataClass, type DataLabel } from './classes';
import type { Classifier, ClassifiedFinding } from './classify';
import { valuesAt } from './minimize';
import type { StructuredReport } from './classes';

/** How de-identified values look: `<EMAIL_1>` placeholders, or realistic values of the same format. */
export type DeidentifyMode = 'placeholder' | 'synthetic';

const PERSON_FIRST = [
  'Alex',
  'Sam',
  'Jordan',
  'Taylor',
  'Morgan',
  'Casey',
  'Riley',
  'Jamie',
  'Avery',
  'Quinn',
  'Rowan',
  'Emery',
  'Parker',
  'Reese',
  'Drew',
  'Skyler',
];
const PERSON_LAST = [
  'Example',
  'Sample',
  'Testwood',
  'Placeholder',
  'Fictive',
  'Mockford',
  'Demoson',
  'Standin',
  'Proxley',
  'Surrogate',
  'Dummett',
  'Tryhorn',
  'Fakenham',
  'Specimen',
  'Modelly',
  'Ersatz',
];
const MAX_SYNTHETIC_ATTEMPTS = 16;

/** A deterministic stream of digits and indices from an HMAC. */
class Seed {
  readonly #bytes: Buffer;
  #position = 0;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  byte(): number {
    const value = this.#bytes[this.#position % this.#bytes.length] as number;
    this.#position++;
    return value;
  }
  digit(): string {
    return String(this.byte() % 10);
  }
  digits(count: number): string {
    let result = '';
    for (let index = 0; index < count; index++) result += this.digit();
    return result;
  }
  hex(count: number): string {
    let result = '';
    for (let index = 0; index < count; index++) result += (this.byte() % 16).toString(16);
    return result;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.byte() % items.length] as T;
  }
}

function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let index = 0; index < payload.length; index++) {
    let digit = Number(payload[payload.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Same-format synthetic values by type; types without one get a placeholder. */
const SYNTHETIC: Readonly<Record<string, (seed: Seed, original: string) => string>> = {
  EMAIL: (seed) => `user.${seed.hex(8)}@example.com`,
  PHONE: (seed) => `555-${seed.digits(3)}-${seed.digits(4)}`,
  // Visa test range; Luhn-valid, so format checks downstream still pass.
  CREDIT_CARD: (seed, original) => {
    const payload = `400000${seed.digits(9)}`;
    const number = payload + luhnCheckDigit(payload);
    const separator = /\d{4}([ -])\d{4}/.exec(original)?.[1];
    return separator ? (number.match(/.{4}/g) as string[]).join(separator) : number;
  },
  // Area numbers 900-999 are never issued, so the value cannot be someone's SSN.
  US_SSN: (seed) => `9${seed.digits(2)}-${seed.digits(2)}-${seed.digits(4)}`,
  PERSON: (seed) => `${seed.pick(PERSON_FIRST)} ${seed.pick(PERSON_LAST)}`,
  // TEST-NET-1 (RFC 5737).
  IP_ADDRESS: (seed) => `192.0.2.${1 + (seed.byte() % 254)}`,
};

/** Categories and types whose values are never put in a restorable mapping: credentials. */
const NEVER_RESTORED = new Set(['SECRET']);

/**
 * The substitutions of one call: original ↔ substitute, in memory only. Private fields, so neither
 * `util.inspect` nor a property walk reaches the originals. Never logged, never in a decision.
 * @internal
 */
export class Substitutions {
  readonly #forward = new Map<string, string>();
  readonly #reverse = new Map<string, string>();
  readonly #counters = new Map<string, number>();
  readonly #mode: DeidentifyMode;
  readonly #key: Buffer;

  constructor(mode: DeidentifyMode, key: Buffer) {
    this.#mode = mode;
    this.#key = key;
  }

  get size(): number {
    return this.#reverse.size;
  }

  /** Whether `value` is a substitute this call produced. */
  isSubstitute(value: string): boolean {
    return this.#reverse.has(value);
  }

  /**
   * The substitute of `original` as a `kind` (a type such as EMAIL or a category such as PHI):
   * the same original always gets the same substitute within the call, numbered by first
   * appearance, so a conversation re-sent with one more turn keeps its prefix (and its cache).
   */
  substitute(kind: string, original: string): string {
    const forwardKey = `${kind}\u0000${original}`;
    const known = this.#forward.get(forwardKey);
    if (known !== undefined) return known;
    let substitute: string | undefined;
    const generate = this.#mode === 'synthetic' ? SYNTHETIC[kind] : undefined;
    if (generate) {
      for (let attempt = 0; attempt < MAX_SYNTHETIC_ATTEMPTS && substitute === undefined; attempt++) {
        const seed = new Seed(
          createHmac('sha256', this.#key).update(`${kind}\u0000${attempt}\u0000${original}`).digest(),
        );
        const candidate = generate(seed, original);
        if (!this.#reverse.has(candidate) && candidate !== original) substitute = candidate;
      }
    }
    if (substitute === undefined) {
      const next = (this.#counters.get(kind) ?? 0) + 1;
      this.#counters.set(kind, next);
      substitute = `<${kind}_${next}>`;
    }
    this.#forward.set(forwardKey, substitute);
    this.#reverse.set(substitute, original);
    return substitute;
  }

  /** A restorer for the substitutes made so far. */
  restorer(): Restorer {
    return createRestorer(this.#reverse);
  }
}

/** Replaces substitutes with their originals. */
export interface Restorer {
  readonly empty: boolean;
  /** Restores every substitute in `text`; `escape` encodes originals (for JSON string contents). */
  restore(text: string, escape?: (original: string) => string): { text: string; count: number };
  /** A per-content-block streaming restorer with hold-back. */
  stream(): StreamRestorer;
}

/** Restores a block streamed in pieces; output concatenated equals `restore(all pieces)`. */
export interface StreamRestorer {
  push(chunk: string): string;
  end(): string;
  readonly count: number;
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function createRestorer(reverse: ReadonlyMap<string, string>): Restorer {
  const keys = [...reverse.keys()].sort((left, right) => right.length - left.length);
  const longest = keys[0]?.length ?? 0;
  // Literal alternation of our own substitutes, longest first: linear, nothing caller-supplied in it.
  const pattern = keys.length > 0 ? new RegExp(keys.map(escapeRegex).join('|'), 'g') : undefined;
  const prefixes = new Set<string>();
  for (const key of keys) for (let length = 1; length < key.length; length++) prefixes.add(key.slice(0, length));
  for (const key of keys)
    if (keys.some((other) => other.length > key.length && other.startsWith(key))) prefixes.add(key);

  const matches = (text: string) => {
    const found: Array<{ start: number; end: number; original: string }> = [];
    if (!pattern) return found;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      found.push({ start: match.index, end: match.index + match[0].length, original: reverse.get(match[0]) as string });
    }
    return found;
  };
  const render = (
    text: string,
    found: ReadonlyArray<{ start: number; end: number; original: string }>,
    to: number,
    escape?: (original: string) => string,
  ) => {
    const parts: string[] = [];
    let position = 0;
    let count = 0;
    for (const match of found) {
      if (match.end > to) break;
      parts.push(text.slice(position, match.start), escape ? escape(match.original) : match.original);
      position = match.end;
      count++;
    }
    parts.push(text.slice(position, to));
    return { text: parts.join(''), count };
  };

  return {
    empty: keys.length === 0,
    restore(text, escape) {
      if (!pattern || typeof text !== 'string') return { text, count: 0 };
      const found = matches(text);
      return found.length === 0 ? { text, count: 0 } : render(text, found, text.length, escape);
    },
    stream() {
      let held = '';
      let count = 0;
      let ended = false;
      return {
        get count() {
          return count;
        },
        push(chunk) {
          if (ended || typeof chunk !== 'string' || chunk.length === 0) return '';
          if (!pattern) return chunk;
          held += chunk;
          // Hold from the earliest position whose rest could still become (a longer) substitute.
          let cut = held.length;
          for (let position = Math.max(0, held.length - longest + 1); position < held.length; position++) {
            if (prefixes.has(held.slice(position))) {
              cut = position;
              break;
            }
          }
          const found = matches(held);
          for (const match of found) if (match.start < cut && match.end > cut) cut = match.start;
          const output = render(held, found, cut);
          count += output.count;
          held = held.slice(cut);
          return output.text;
        },
        end() {
          if (ended) return '';
          ended = true;
          const output = render(held, matches(held), held.length);
          count += output.count;
          held = '';
          return output.text;
        },
      };
    },
  };
}

/** One replaced piece of request data: where, what kind, its label. Never the value. */
export interface Replacement {
  readonly path: string;
  readonly kind: string;
  readonly label: DataLabel;
}

/**
 * De-identifies one text: findings whose class is at least `minimum` are substituted; credentials
 * become `[REDACTED:TYPE]` and never enter the mapping. @internal
 */
export function deidentifyFindings(
  text: string,
  findings: readonly ClassifiedFinding[],
  minimum: DataClass,
  substitutions: Substitutions,
): { text: string; replaced: ClassifiedFinding[] } {
  const replaced: ClassifiedFinding[] = [];
  const parts: string[] = [];
  let position = 0;
  for (const finding of findings) {
    if (!isAtLeast(finding.label.class, minimum) || finding.start < position) continue;
    const value = text.slice(finding.start, finding.end);
    const substitute = NEVER_RESTORED.has(finding.label.category ?? '')
      ? `[REDACTED:${finding.type}]`
      : substitutions.substitute(finding.type, value);
    parts.push(text.slice(position, finding.start), substitute);
    position = finding.end;
    replaced.push(finding);
  }
  if (replaced.length === 0) return { text, replaced };
  parts.push(text.slice(position));
  return { text: parts.join(''), replaced };
}

/**
 * De-identifies a `minimizedJson` block's text: labelled fields at or above `minimum` first (by
 * their category, or class when they have none), then detected values in the remaining strings.
 * Returns undefined when the text is no longer the JSON the block was built with. @internal
 */
export function deidentifyStructured(
  text: string,
  report: StructuredReport,
  minimum: DataClass,
  classifier: Classifier,
  substitutions: Substitutions,
): { text: string; fields: Array<{ path: string; label: DataLabel }>; findings: ClassifiedFinding[] } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const fields: Array<{ path: string; label: DataLabel }> = [];
  const findings: ClassifiedFinding[] = [];
  const replaceLeaves = (value: unknown, kind: string): unknown => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return substitutions.substitute(kind, String(value));
    if (Array.isArray(value)) return value.map((item) => replaceLeaves(item, kind));
    if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value))
        (value as Record<string, unknown>)[key] = replaceLeaves((value as Record<string, unknown>)[key], kind);
    }
    return value;
  };
  for (const { path, label } of report.labels) {
    if (!isAtLeast(label.class, minimum)) continue;
    const kind = label.category ?? label.class.toUpperCase();
    const hits = valuesAt(data, path);
    for (const hit of hits) {
      data = setAt(data, hit.location, replaceLeaves(hit.value, kind));
    }
    if (hits.length > 0) fields.push({ path, label });
  }
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (substitutions.isSubstitute(value)) return value;
      const classified = classifier.classify(value);
      const result = deidentifyFindings(value, classified.findings, minimum, substitutions);
      for (const finding of classified.findings) findings.push(finding);
      return result.text;
    }
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        Object.defineProperty(copy, key, {
          value: visit((value as Record<string, unknown>)[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    return value;
  };
  return { text: JSON.stringify(visit(data)), fields, findings };
}

function setAt(data: unknown, location: ReadonlyArray<string | number>, value: unknown): unknown {
  if (location.length === 0) return value;
  let node = data as Record<string | number, unknown>;
  for (let index = 0; index < location.length - 1; index++)
    node = node[location[index] as string | number] as Record<string | number, unknown>;
  Object.defineProperty(node, location[location.length - 1] as string | number, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return data;
}

const JSON_STRING_CONTENT = (original: string) => JSON.stringify(original).slice(1, -1);

/** Restores substitutes in an assembled tool-input JSON; unparsable JSON is restored as text with JSON escaping. @internal */
export function restoreJson(json: string, restorer: Restorer): { text: string; count: number } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return restorer.restore(json, JSON_STRING_CONTENT);
  }
  let count = 0;
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const result = restorer.restore(node);
      count += result.count;
      return result.text;
    }
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node === 'object' && node !== null) {
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(node)) {
        Object.defineProperty(copy, key, {
          value: visit((node as Record<string, unknown>)[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    return node;
  };
  const restored = visit(value);
  return { text: count > 0 ? JSON.stringify(restored) : json, count };
}
