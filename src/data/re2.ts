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
  let depth = 0;
  let captures = 0;
  let valueOpen = -1;
  let valueContent = -1;
  let valueClose = -1;
  let alternatives = false;
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
          capturing = false;
        }
        if (content <= 0) return undefined;
      }
      if (capturing && ++captures === 1) {
        if (depth !== 0) return undefined;
        valueOpen = index;
        valueContent = content;
      }
      depth++;
    } else if (character === ')') {
      depth--;
      if (depth === 0 && valueOpen >= 0 && valueClose < 0) {
        valueClose = index;
        const after = source[index + 1];
        if (after === '*' || after === '+' || after === '?' || after === '{') return undefined;
      }
    } else if (character === '|' && depth === 0) {
      alternatives = true;
    }
  }
  if (captures === 0) return 'whole';
  if (valueClose < 0 || alternatives || bareFlags) return undefined;
  return {
    prefix: source.slice(0, valueOpen),
    value: source.slice(valueContent, valueClose),
    suffix: source.slice(valueClose + 1),
  };
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
  let fast =
    split === 'whole' ||
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
 * cache) the set of ~90 rules keeps evicting DFA states on mixed input and runs at ~15 MB/s; at
 * 16 MiB its states fit and it scans at ~170 MB/s, with no measurable RSS growth. The budget is an
 * upper bound, allocated lazily.
 */
const SET_MAX_MEMORY_BYTES = 16 * 1024 * 1024;

/** Compiles patterns already accepted by {@link compilePattern} into one RE2.Set prefilter. */
export function compileSet(sources: readonly string[]): PatternSet {
  const set = new RE2.Set(sources as string[], { maxMem: SET_MAX_MEMORY_BYTES });
  return { matching: (input) => set.match(input) };
}

/** UTF-16 length of a UTF-8 byte range, computed natively. */
export function utf16Length(bytes: Buffer): number {
  return RE2.getUtf16Length(bytes);
}
