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

/**
 * Compiles `source` with RE2. Throws `ConfigError` (`SCC_CONFIG_INVALID`) naming `what` when the
 * pattern is invalid or can match the empty string.
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
  return {
    scan(input, fromByte, onMatch) {
      let position = fromByte;
      while (position <= input.length) {
        expression.lastIndex = position;
        const match = expression.exec(input) as
          (RegExpExecArray & { indices?: Array<[number, number] | undefined> }) | null;
        if (match === null) return;
        const indices = match.indices;
        const whole = indices?.[0] ?? [match.index, match.index + (match[0] as unknown as Buffer).length];
        let value = whole;
        if (indices !== undefined) {
          for (let group = 1; group < indices.length; group++) {
            const extent = indices[group];
            if (extent !== undefined) {
              value = extent;
              break;
            }
          }
        }
        const next = onMatch({ start: whole[0], end: whole[1], valueStart: value[0], valueEnd: value[1] });
        position = next > whole[0] ? next : whole[0] + 1;
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
