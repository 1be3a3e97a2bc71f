import type { Candidate, Extent } from './detect';
import { PERSON_DETECTOR, resolveOverlaps, withRepeatedNames } from './detect';
import { mayRepeatName, REPEATED_NAME_REACH } from './person';
import { MAX_HEADER_LINE_CHARACTERS as MAX_HEADER_LINE, mayBecomeHeader, TABLE_REACH_CHARACTERS } from './columns';
import { createRedactor, placeholderFor, renderRedacted, type RedactOptions, type Redactor } from './redact';
import type { Finding } from './types';

/**
 * Text always held back at the end of a block so that a value split across deltas is seen whole.
 * Every bounded built-in match (label included) is narrower than this: the widest with spaces
 * measured on the PII dev set is 41 characters (an address); unbounded values (tokens, PEM
 * blocks) are held by their own rule below. Each character held here delays the first text.
 */
const MINIMUM_HOLD_BACK_CHARACTERS = 96;
/**
 * Text is released in steps of at least this much, so a run of tiny deltas is not rescanned per
 * delta. Each scan reads the look-behind and the look-ahead again (about 250 characters): a step of
 * 48 instead of 32 cost 16 characters of first-text delay and cut the scans per character by a
 * third (11.7 to 9.0 µs per 20-character delta with all types); 64 instead of 48, 16 more, took a
 * paired run (`bench/stream-ab.mjs`) from 28.8 to 18.0 µs per delta, when the name pass had grown
 * costlier per scan.
 */
const RELEASE_STEP_CHARACTERS = 64;

/** The hold-back RELIABILITY.md allows per block, unbounded values aside. */
const MAX_HOLD_BACK_CHARACTERS = 256;

/**
 * Most text held back per block while no unbounded value is open: 96 characters of look-ahead
 * plus a 48-character release step.
 */
export const STREAM_HOLD_BACK_CHARACTERS = MINIMUM_HOLD_BACK_CHARACTERS + RELEASE_STEP_CHARACTERS;

/**
 * Upper bound on held text when a value has no fixed width (a PEM block, a JWT, a long token):
 * held from its first character until it ends. Past this the rest of the block is withheld and
 * replaced by one placeholder (fail closed).
 */
export const STREAM_MAX_HELD_CHARACTERS = 64 * 1024;

/** Released text kept as look-behind for word boundaries and context labels. */
const LEFT_CONTEXT_CHARACTERS = 96;
/**
 * Each scan reads the whole look-behind, and a table's header keeps up to 8 KB of it: with a long
 * look-behind, text is released in larger steps (one sixteenth of it, at most 112 characters more),
 * so that a streamed table is not rescanned every 48 characters. The hold-back stays within 256.
 */
const tableStep = (lookBehind: number) =>
  lookBehind > LEFT_CONTEXT_CHARACTERS
    ? Math.min(MAX_HOLD_BACK_CHARACTERS - STREAM_HOLD_BACK_CHARACTERS, lookBehind >> 4)
    : 0;
/** A match ending this close to the end of the held text may still grow (optional PEM footer, trailing boundary). */
const OPEN_MATCH_MARGIN_BYTES = 96;

/** Characters that unbounded token formats (keys, JWTs, emails, URLs) are made of. */
const isTokenCharacter = (code: number): boolean =>
  (code >= 48 && code <= 58) || // 0-9 and ':'
  (code >= 64 && code <= 90) || // '@' and A-Z
  (code >= 97 && code <= 122) ||
  code === 95 ||
  code === 45 ||
  code === 46 ||
  code === 126 ||
  code === 43 ||
  code === 47 ||
  code === 61 ||
  code === 37;

/** A per-content-block redactor for streamed text. */
export interface StreamRedactor {
  /** Adds a chunk; returns the text that is safe to release now (possibly empty). */
  push(chunk: string): string;
  /** Ends the block and returns the rest, redacted. Further calls return ''. */
  end(): string;
  /** Findings released so far (offsets into the concatenated input). */
  readonly findings: readonly Finding[];
}

/**
 * Creates a streaming redactor for one content block. The concatenation of every `push` result
 * and `end()` equals `redactText(allChunks).text` for any chunking, as long as no single value is
 * longer than {@link STREAM_MAX_HELD_CHARACTERS}.
 *
 * Hold-back: at most {@link STREAM_HOLD_BACK_CHARACTERS} characters, except while a value of
 * unbounded width (PEM block from `-----BEGIN`, a run of token characters) is still open: then
 * from its start until it ends, capped at {@link STREAM_MAX_HELD_CHARACTERS}.
 *
 * @example
 * const stream = createStreamRedactor();
 * stream.push('SSN 123-45-') + stream.push('6789 ok') + stream.end(); // 'SSN [REDACTED:US_SSN] ok'
 */
export function createStreamRedactor(options: RedactOptions & { redactor?: Redactor } = {}): StreamRedactor {
  const redactor = options.redactor ?? createRedactor(options);
  const detector = redactor.detector;
  let held = '';
  let releasedInHeld = 0;
  let consumed = 0;
  let ended = false;
  let withholding = false;
  let heldAtLastScan = -1;
  /** Whether `held` starts at the start of a line, as the column pass needs to know. */
  let heldStartsLine = true;
  const findings: Finding[] = [];
  /**
   * Per released finding, the extents the name and column passes saw as findings (see
   * `Candidate.parts`), each with whether it spans a line break, which the look-behind may no longer show.
   */
  const views: Extent[][] = [];
  /** Words of the names released so far, by where they ended: a later lone mention of one is a name too (`findRepeatedNames`). */
  const findsPersons = detector.types.includes('PERSON');
  const namesSeen = new Map<string, number>();

  function release(final: boolean): string {
    if (withholding) return '';
    const text = held;
    const length = text.length;
    if (!final && length - releasedInHeld < STREAM_HOLD_BACK_CHARACTERS + tableStep(releasedInHeld)) return '';
    const unreleased = length - releasedInHeld;
    // A long value still open only grows; rescanning it on every tiny delta would be quadratic.
    if (!final && heldAtLastScan > 0 && unreleased - heldAtLastScan < heldAtLastScan / 8) return '';
    const scan = detector.scan(
      text,
      releasedInHeld,
      final ? 0 : OPEN_MATCH_MARGIN_BYTES,
      releasedInView(),
      heldStartsLine,
    );
    let cut = length;
    if (!final) {
      cut = Math.min(length - MINIMUM_HOLD_BACK_CHARACTERS, scan.earliestOpenMatch, trailingRunStart(text));
      cut = outsideMatches(scan.candidates, cut);
      // A lone word that may repeat an earlier name is released whole: that is decided on the whole word.
      const lone = scan.lone ?? NO_LONE_WORDS;
      for (let index = 0; index < lone.length && (lone[index] as number) < cut; index += 2) {
        const start = lone[index] as number;
        if (
          cut < (lone[index + 1] as number) &&
          mayRepeatName(text, start, lone[index + 1] as number, scan.candidates, namesSeen)
        )
          cut = start;
      }
      if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
      if (cut <= releasedInHeld) {
        if (unreleased > STREAM_MAX_HELD_CHARACTERS) return withhold();
        heldAtLastScan = unreleased > STREAM_HOLD_BACK_CHARACTERS * 2 ? unreleased : -1;
        return '';
      }
    }
    heldAtLastScan = -1;
    let chosen = resolveOverlaps(
      scan.candidates.filter((candidate) => candidate.matchEnd <= cut),
      text,
    );
    if (findsPersons) {
      chosen = withRepeatedNames(
        text,
        chosen,
        loneBefore(scan.lone ?? NO_LONE_WORDS, cut),
        consumed - releasedInHeld,
        namesSeen,
      );
      // Names out of reach of any later word are dropped, so a long stream holds only the recent ones.
      if (namesSeen.size > MAX_NAMES_SEEN) {
        const reach = consumed - releasedInHeld + cut - REPEATED_NAME_REACH;
        for (const [name, end] of namesSeen) if (end < reach) namesSeen.delete(name);
      }
    }
    const output = renderRedacted(text, releasedInHeld, cut, chosen, redactor.replace);
    const base = consumed - releasedInHeld;
    for (const finding of chosen) {
      findings.push({ ...withoutInternal(finding), start: finding.start + base, end: finding.end + base });
      views.push(
        (finding.parts ?? [finding]).map((part) => ({
          start: part.start + base,
          end: part.end + base,
          spansLines: text.slice(part.start, part.end).includes('\n'),
        })),
      );
    }
    consumed += cut - releasedInHeld;
    let keepFrom = Math.max(0, cut - LEFT_CONTEXT_CHARACTERS);
    // A table that goes on past the cut keeps its header in view: the rows after it need it.
    for (const table of scan.tables ?? []) {
      if (table.end > cut && table.headerStart < keepFrom && cut - table.headerStart <= TABLE_REACH_CHARACTERS)
        keepFrom = table.headerStart;
    }
    // The unfinished last line may become a table's header: it stays in view, released or not.
    let lastLineStart = length;
    while (lastLineStart > 0 && length - lastLineStart <= MAX_HEADER_LINE && text.charCodeAt(lastLineStart - 1) !== 10)
      lastLineStart--;
    if (!final && lastLineStart < keepFrom && mayBecomeHeader(text, lastLineStart, length)) keepFrom = lastLineStart;
    if (keepFrom > 0 && isLowSurrogate(text.charCodeAt(keepFrom))) keepFrom--;
    if (keepFrom > 0) heldStartsLine = text.charCodeAt(keepFrom - 1) === 10;
    held = text.slice(keepFrom);
    releasedInHeld = cut - keepFrom;
    return output;
  }

  /**
   * Findings already released that lie in the held look-behind, in held-text offsets. The name
   * pass looks back into it and must see them as the batch scan does: as other findings, not
   * words (names excepted, which the pass finds itself).
   */
  function releasedInView(): Extent[] {
    const heldStart = consumed - releasedInHeld;
    const extents: Extent[] = [];
    for (let index = findings.length - 1; index >= 0; index--) {
      const finding = findings[index] as Finding;
      if (finding.end <= heldStart) break;
      if (finding.detector === PERSON_DETECTOR) continue;
      for (const part of views[index] as Extent[])
        if (part.end > heldStart)
          extents.push({
            start: part.start - heldStart,
            end: part.end - heldStart,
            spansLines: part.spansLines === true,
          });
    }
    return extents;
  }

  function withhold(): string {
    withholding = true;
    held = '';
    releasedInHeld = 0;
    return placeholderFor('UNSCANNED');
  }

  return {
    findings,
    push(chunk: string): string {
      if (ended || withholding || typeof chunk !== 'string' || chunk.length === 0) return '';
      held += chunk;
      try {
        return release(false);
      } catch {
        return withhold();
      }
    },
    end(): string {
      if (ended) return '';
      ended = true;
      try {
        return release(true);
      } catch {
        return withholding ? '' : withhold();
      } finally {
        held = '';
      }
    },
  };
}

/** Moves `cut` back until no whole match (label included) straddles it. */
function outsideMatches(candidates: readonly Candidate[], cut: number): number {
  let result = cut;
  for (let index = candidates.length - 1; index >= 0; index--) {
    const candidate = candidates[index] as Candidate;
    if (candidate.matchStart < result && candidate.matchEnd > result) {
      result = candidate.matchStart;
      index = candidates.length;
    }
  }
  return result;
}

/** Start of the run of token characters that reaches the end of `text`. */
function trailingRunStart(text: string): number {
  let index = text.length;
  while (index > 0 && isTokenCharacter(text.charCodeAt(index - 1))) index--;
  return index;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function withoutInternal(candidate: Candidate): Finding {
  return {
    start: candidate.start,
    end: candidate.end,
    type: candidate.type,
    confidence: candidate.confidence,
    detector: candidate.detector,
  };
}

/** The lone words (flat start, end pairs, sorted) that end at or before `cut`. */
function loneBefore(lone: Int32Array, cut: number): Int32Array {
  let count = 0;
  while (count < lone.length && (lone[count + 1] as number) <= cut) count += 2;
  return lone.subarray(0, count);
}

const NO_LONE_WORDS = new Int32Array(0);
/** Names a stream keeps before it drops those out of reach ({@link REPEATED_NAME_REACH}). */
const MAX_NAMES_SEEN = 256;
