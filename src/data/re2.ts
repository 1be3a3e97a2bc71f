import RE2 from 're2';
import { ConfigError } from '../core/errors';

/** A compiled linear-time pattern. The only module that touches the `re2` addon is this one. */
export interface LinearPattern {
  /**
   * Calls `onMatch` for every match at or after byte `fromByte` of `input`, leftmost first. The
   * callback receives the byte extents of the whole match and of the first capture group that
   * matched (or the whole match when there is no group) and returns the byte position to resume
   * from.
   */
  scan(input: Buffer, fromByte: number, onMatch: (match: ByteMatch) => number): void;
}

/** Byte extents of one match in a UTF-8 buffer; end exclusive. */
export interface ByteMatch {
  readonly start: number;
  readonly end: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** Answers which of many patterns occur anywhere in a buffer, in one pass. */
export interface PatternSet {
  matching(input: Buffer): number[];
}

function compileError(what: string, error: unknown): ConfigError {
  const reason = error instanceof Error ? error.message.slice(0, 120) : 'unknown error';
  return new ConfigError(`${what} is not a valid RE2 pattern (${reason}); RE2 has no look-around or back-references.`, {
    source: 'redaction',
  });
}

/** A source split around its value group: `prefix(value)suffix`, with the group at the top level. */
export interface ValueGroupSplit {
  readonly prefix: string;
  readonly value: string;
  readonly suffix: string;
}

/** Index of the `]` that closes the character class opened at `open`, or -1. */
function classEnd(source: string, open: number): number {
  let index = open + 1;
  if (source[index] === '^') index++;
  if (source[index] === ']') index++;
  for (; index < source.length; index++) {
    const character = source[index];
    if (character === '\\') {
      index = escapeEnd(source, index);
      if (index < 0) return -1;
    } else if (character === '[' && source[index + 1] === ':') {
      const close = source.indexOf(':]', index + 2);
      if (close < 0) return -1;
      index = close + 1;
    } else if (character === ']') {
      return index;
    }
  }
  return -1;
}

/** Index of the last character of the escape starting at `backslash` (`\d`, `\x{1F}`, `\pL`), or -1. */
function escapeEnd(source: string, backslash: number): number {
  const kind = source[backslash + 1];
  if (kind === undefined || kind === 'Q') return -1;
  if ((kind === 'x' || kind === 'p' || kind === 'P') && source[backslash + 2] === '{') {
    return source.indexOf('}', backslash + 3);
  }
  return backslash + 1;
}

/**
 * Splits `source` around its first capture group when that group sits at the top level, is not
 * repeated and no top-level alternative can skip it: then the value is `value`'s extent in every
 * match. Returns `'whole'` when the source captures nothing (the value is the match), and
 * `undefined` for any other shape: a top-level `|`, a first group inside another, a bare flag group
 * such as `(?i)` that would not carry over to the split parts, `\Q…\E`.
 */
export function splitAtValueGroup(source: string): ValueGroupSplit | 'whole' | undefined {
  const read = readGroups(source);
  if (read === undefined) return undefined;
  const value = read.groups.find((group) => group.capturing);
  if (value === undefined) return 'whole';
  if (value.depth !== 0 || read.bareFlags || read.bars.some(([, depth]) => depth === 0)) return undefined;
  if (isQuantifier(source[value.close + 1])) return undefined;
  return {
    prefix: source.slice(0, value.open),
    value: source.slice(value.content, value.close),
    suffix: source.slice(value.close + 1),
  };
}

/** One alternative of a {@link ValueAlternativesSplit}: `before(value)after`. */
export interface ValueAlternative {
  readonly before: string;
  readonly value: string;
  readonly after: string;
}

/** A source whose value groups are the alternatives of one group: `prefix(?:a(x)b|c(y)d)suffix`. */
export interface ValueAlternativesSplit {
  readonly prefix: string;
  readonly alternatives: readonly ValueAlternative[];
  readonly suffix: string;
}

interface GroupSpan {
  readonly open: number;
  /** Where the group's content starts: after `(`, `(?:` or a name. */
  readonly content: number;
  close: number;
  readonly capturing: boolean;
  readonly depth: number;
}

/**
 * The groups and the `|` of `source`, with their nesting depth, and whether it holds a bare flag
 * group such as `(?i)`, whose flags would not carry over to split parts; `undefined` for what the
 * splits do not read (`\Q…\E`, an unbalanced group).
 */
function readGroups(
  source: string,
): { groups: GroupSpan[]; bars: Array<[index: number, depth: number]>; bareFlags: boolean } | undefined {
  const groups: GroupSpan[] = [];
  const bars: Array<[number, number]> = [];
  const open: GroupSpan[] = [];
  let bareFlags = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (character === '\\') {
      index = escapeEnd(source, index);
      if (index < 0) return undefined;
    } else if (character === '[') {
      index = classEnd(source, index);
      if (index < 0) return undefined;
    } else if (character === '(') {
      let content = index + 1;
      let capturing = true;
      if (source[index + 1] === '?') {
        if (source[index + 2] === 'P' && source[index + 3] === '<') content = source.indexOf('>', index) + 1;
        else if (source[index + 2] === '<') content = source.indexOf('>', index) + 1;
        else {
          let flags = index + 2;
          while (/[a-zA-Z-]/.test(source[flags] ?? '')) flags++;
          if (source[flags] === ')') bareFlags = true;
          else if (source[flags] !== ':') return undefined;
          content = flags + 1;
          capturing = false;
        }
        if (content <= 0) return undefined;
      }
      const group: GroupSpan = { open: index, content, close: -1, capturing, depth: open.length };
      groups.push(group);
      open.push(group);
    } else if (character === ')') {
      const group = open.pop();
      if (group === undefined) return undefined;
      group.close = index;
    } else if (character === '|') {
      bars.push([index, open.length]);
    }
  }
  return open.length === 0 ? { groups, bars, bareFlags } : undefined;
}

const isQuantifier = (character: string | undefined) =>
  character === '*' || character === '+' || character === '?' || character === '{';

/**
 * Splits a source whose capture groups are the alternatives of one top-level `(?:…)`, one group at
 * the top of each alternative (`label(?:"(v)"|'(v)'|(v))`): the value is the group of the first
 * alternative that matches. `undefined` for any other shape, and for what {@link splitAtValueGroup}
 * reads already.
 */
export function splitAtValueAlternatives(source: string): ValueAlternativesSplit | undefined {
  const read = readGroups(source);
  if (read === undefined) return undefined;
  const { groups, bars } = read;
  const captures = groups.filter((group) => group.capturing);
  const first = captures[0];
  if (first === undefined || read.bareFlags || bars.some(([, depth]) => depth === 0)) return undefined;
  const container = groups.find(
    (group) => group.depth === 0 && !group.capturing && group.open < first.open && first.close < group.close,
  );
  if (
    container === undefined ||
    source.slice(container.open, container.content) !== '(?:' ||
    isQuantifier(source[container.close + 1]) ||
    captures.some((group) => group.open < container.open || group.close > container.close)
  )
    return undefined;
  const edges = [
    container.content - 1,
    ...bars
      .filter(([index, depth]) => depth === 1 && index > container.open && index < container.close)
      .map(([index]) => index),
    container.close,
  ];
  const alternatives: ValueAlternative[] = [];
  for (let index = 1; index < edges.length; index++) {
    const from = (edges[index - 1] as number) + 1;
    const to = edges[index] as number;
    const inside = captures.filter((group) => group.open >= from && group.close < to);
    const value = inside[0];
    if (inside.length === 0 || value === undefined || value.depth !== 1) return undefined;
    if (inside.some((group) => group !== value && !(group.open > value.open && group.close < value.close)))
      return undefined;
    if (isQuantifier(source[value.close + 1])) return undefined;
    alternatives.push({
      before: source.slice(from, value.open),
      value: source.slice(value.content, value.close),
      after: source.slice(value.close + 1, to),
    });
  }
  return { prefix: source.slice(0, container.open), alternatives, suffix: source.slice(container.close + 1) };
}

interface CompiledAlternative {
  /** The alternative and the suffix, for whether it matches at all and where it ends. */
  readonly whole: RE2;
  readonly before: RE2 | undefined;
  readonly value: RE2;
  readonly after: RE2 | undefined;
}

interface CompiledAlternatives {
  readonly prefix: RE2 | undefined;
  readonly alternatives: readonly CompiledAlternative[];
  readonly suffix: RE2 | undefined;
}

/** {@link splitAtValueAlternatives} compiled into sticky parts; `undefined` when a part does not compile. */
function compileAlternatives(source: string): CompiledAlternatives | undefined {
  const split = splitAtValueAlternatives(source);
  if (split === undefined) return undefined;
  const optional = (part: string): RE2 | undefined | null =>
    part.length === 0 ? undefined : (stickyPart(part) ?? null);
  const prefix = optional(split.prefix);
  const suffix = optional(split.suffix);
  if (prefix === null || suffix === null) return undefined;
  const alternatives: CompiledAlternative[] = [];
  for (const { before, value, after } of split.alternatives) {
    const whole = stickyPart(`(?:${before}(?:${value})${after})${split.suffix}`);
    const beforePart = optional(before);
    const valuePart = stickyPart(value);
    const afterPart = optional(after);
    if (whole === undefined || valuePart === undefined || beforePart === null || afterPart === null) return undefined;
    alternatives.push({ whole, before: beforePart, value: valuePart, after: afterPart });
  }
  return { prefix, alternatives, suffix };
}

/** Sticky (`y`) RE2 for one part of a split source; `undefined` when the part is empty or does not compile. */
function stickyPart(source: string): RE2 | undefined {
  if (source.length === 0) return undefined;
  try {
    return new RE2(source, 'y');
  } catch {
    return undefined;
  }
}

/** Characters a finder steps through one by one, after a match on its context byte, before exec decides. */
const CONTEXT_FREE_STEPS = 6;

/** Matches a split source is tried on before a majority of misses turns its split off. */
const SPLIT_TRIAL_MATCHES = 64;

/** Returned by the fast finder when only a full `exec` can tell where the match and its value are. */
const NEEDS_EXEC = Symbol('needs exec');

/**
 * Compiles `source` with RE2. Throws `ConfigError` (`SCC_CONFIG_INVALID`) naming `what` when the
 * pattern is invalid or can match the empty string.
 *
 * A match's extents come from calls that build no result object: `search` for where the leftmost
 * match starts, then sticky tests of the split source's parts for where its value and the match
 * end (or one sticky test of the whole source when it captures nothing). node-re2's `exec` copies
 * every group into a new Buffer and costs 3-5 µs per match, ten times these calls; it remains the
 * answer for sources the split does not read and wherever a part's first choice fails.
 */
export function compilePattern(source: string, what: string): LinearPattern {
  let expression: RE2;
  try {
    expression = new RE2(source, 'gd');
  } catch (error) {
    throw compileError(what, error);
  }
  if (expression.test(Buffer.alloc(0))) {
    throw new ConfigError(`${what} matches the empty string; give it at least one required character.`, {
      source: 'redaction',
    });
  }
  const finder = new RE2(source);
  const whole = new RE2(source, 'y');
  const split = splitAtValueGroup(source);
  const prefix = typeof split === 'object' ? stickyPart(split.prefix) : undefined;
  const value = typeof split === 'object' ? stickyPart(split.value) : undefined;
  const suffix = typeof split === 'object' ? stickyPart(split.suffix) : undefined;
  const alternatives = split === undefined ? compileAlternatives(source) : undefined;
  let fast =
    split === 'whole' ||
    alternatives !== undefined ||
    (split !== undefined &&
      value !== undefined &&
      (split.prefix.length === 0 || prefix !== undefined) &&
      (split.suffix.length === 0 || suffix !== undefined));

  let splitTries = 0;
  let splitMisses = 0;

  /** End of the sticky match of `part` at `position`, or -1. */
  function endAt(part: RE2, input: Buffer, position: number): number {
    part.lastIndex = position;
    return part.test(input) ? part.lastIndex : -1;
  }

  /** The leftmost match at or after `position`, null when there is none, NEEDS_EXEC when unsure. */
  function findFast(input: Buffer, position: number): ByteMatch | null | typeof NEEDS_EXEC {
    // `search` has no start offset, so it reads from one byte early: that byte gives `\b` and `^`
    // their context. A match starting on that byte itself, most often one the caller has just
    // rejected and resumes inside, says nothing of what follows: then each next character is asked
    // with a sticky test, in its context, and the search goes on from there without context, where
    // a match at its first byte may be one only start-of-text allows (`\b` inside a number). A few
    // characters on, exec decides.
    let start = -1;
    let end = -1;
    if (position === 0) start = finder.search(input);
    else {
      const found = finder.search(input.subarray(position - 1));
      if (found < 0) return null;
      if (found > 0) start = position - 1 + found;
      else {
        let from = position;
        for (let step = 0; step < CONTEXT_FREE_STEPS && from < input.length; step++) {
          end = endAt(whole, input, from);
          if (end >= 0) {
            start = from;
            break;
          }
          const after = finder.search(input.subarray(from));
          if (after < 0) return null;
          if (after > 0) {
            start = from + after;
            break;
          }
          from++;
          while (from < input.length && ((input[from] as number) & 0xc0) === 0x80) from++;
        }
        if (start < 0) return NEEDS_EXEC;
      }
    }
    if (start < 0) return null;
    if (alternatives !== undefined) return findAlternative(alternatives, input, start, end);
    if (typeof split !== 'object') {
      if (end < 0) end = endAt(whole, input, start);
      return end < 0 ? NEEDS_EXEC : { start, end, valueStart: start, valueEnd: end };
    }
    // The prefix's own first-choice match, then the value's, then the suffix's: when each succeeds
    // after the one before, together they are the whole pattern's first-choice match at `start`
    // (RE2 prefers paths in order, and no path the parts passed over can complete), so its end
    // needs no test of its own.
    const valueStart = prefix === undefined ? start : endAt(prefix, input, start);
    const valueEnd = valueStart < 0 ? -1 : endAt(value as RE2, input, valueStart);
    const suffixEnd = valueEnd < 0 ? -1 : suffix === undefined ? valueEnd : endAt(suffix, input, valueEnd);
    splitTries++;
    if (suffixEnd >= 0 && (end < 0 || suffixEnd === end)) return { start, end: suffixEnd, valueStart, valueEnd };
    // A part's first choice failed, so the whole pattern chose otherwise: exec decides. A source
    // whose parts mostly disagree stops trying them, which keeps it at exec's cost.
    if (++splitMisses * 2 > splitTries && splitTries >= SPLIT_TRIAL_MATCHES) fast = false;
    return NEEDS_EXEC;
  }

  /**
   * The match at `start` of a source split into alternatives: the prefix's first choice, then the
   * first alternative that matches after it (with the suffix), read part by part as above. A part
   * whose first choice fails, or a prefix after which no alternative matches, leaves it to exec.
   */
  function findAlternative(
    split: CompiledAlternatives,
    input: Buffer,
    start: number,
    end: number,
  ): ByteMatch | typeof NEEDS_EXEC {
    const at = split.prefix === undefined ? start : endAt(split.prefix, input, start);
    if (at < 0) return NEEDS_EXEC;
    splitTries++;
    for (const alternative of split.alternatives) {
      const alternativeEnd = endAt(alternative.whole, input, at);
      if (alternativeEnd < 0) continue;
      const valueStart = alternative.before === undefined ? at : endAt(alternative.before, input, at);
      const valueEnd = valueStart < 0 ? -1 : endAt(alternative.value, input, valueStart);
      const afterEnd =
        valueEnd < 0 ? -1 : alternative.after === undefined ? valueEnd : endAt(alternative.after, input, valueEnd);
      const suffixEnd =
        afterEnd < 0 ? -1 : split.suffix === undefined ? afterEnd : endAt(split.suffix, input, afterEnd);
      if (suffixEnd === alternativeEnd && (end < 0 || suffixEnd === end))
        return { start, end: suffixEnd, valueStart, valueEnd };
      break;
    }
    if (++splitMisses * 2 > splitTries && splitTries >= SPLIT_TRIAL_MATCHES) fast = false;
    return NEEDS_EXEC;
  }

  function findWithExec(input: Buffer, position: number): ByteMatch | null {
    expression.lastIndex = position;
    const match = expression.exec(input) as
      (RegExpExecArray & { indices?: Array<[number, number] | undefined> }) | null;
    if (match === null) return null;
    const indices = match.indices;
    const extent = indices?.[0] ?? [match.index, match.index + (match[0] as unknown as Buffer).length];
    let valueExtent = extent;
    if (indices !== undefined) {
      for (let group = 1; group < indices.length; group++) {
        const candidate = indices[group];
        if (candidate !== undefined) {
          valueExtent = candidate;
          break;
        }
      }
    }
    return { start: extent[0], end: extent[1], valueStart: valueExtent[0], valueEnd: valueExtent[1] };
  }

  return {
    scan(input, fromByte, onMatch) {
      let position = fromByte;
      while (position <= input.length) {
        const found = fast ? findFast(input, position) : NEEDS_EXEC;
        const match = found === NEEDS_EXEC ? findWithExec(input, position) : found;
        if (match === null) return;
        const next = onMatch(match);
        position = next > match.start ? next : match.start + 1;
      }
    },
  };
}

/**
 * Compiles `source` into a test of a whole short string (a table cell), anchored at both ends.
 * Throws `ConfigError` like {@link compilePattern}.
 */
export function compileWholeMatcher(source: string, what: string): (value: string) => boolean {
  let expression: RE2;
  try {
    expression = new RE2(`^(?:${source})$`);
  } catch (error) {
    throw compileError(what, error);
  }
  return (value) => expression.test(value);
}

/**
 * RE2's memory budget for the prefilter set. At RE2's default (8 MiB, two thirds of it for the DFA
 * cache) the set of ~90 rules kept evicting DFA states on mixed input and ran at ~15 MB/s; at
 * 16 MiB its states fitted and it scanned at ~170 MB/s. With ~150 rules 16 MiB sat at the edge:
 * one rule more or less moved a 2 KB scan of the bench corpus between 11 and 110 µs, while 24 MiB
 * and more held it at 13-14 µs. 32 MiB leaves room (test/data/prefilter.test.ts holds 2 KB scans
 * to the cost of a whole one); the budget is an upper bound, allocated lazily, and the process's
 * RSS grew by nothing measurable with it.
 */
const SET_MAX_MEMORY_BYTES = 32 * 1024 * 1024;

/** Compiles patterns already accepted by {@link compilePattern} into one RE2.Set prefilter. */
export function compileSet(sources: readonly string[]): PatternSet {
  const set = new RE2.Set(sources as string[], { maxMem: SET_MAX_MEMORY_BYTES });
  return { matching: (input) => set.match(input) };
}

/** UTF-16 length of a UTF-8 byte range, computed natively. */
export function utf16Length(bytes: Buffer): number {
  return RE2.getUtf16Length(bytes);
}
