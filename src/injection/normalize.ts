import type { InjectionFinding } from './types';

/** A run of characters the view dropped, in original offsets; the middleware's `strip` removes these. */
export interface HiddenRun {
  readonly rule: 'hidden-zero-width' | 'hidden-bidi' | 'hidden-tag-text' | 'hidden-variation-selector';
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

/** Text smuggled in invisible characters, decoded, with the original span that carried it. */
export interface HiddenPayload {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The text as a matcher should see it: NFKC/NFKD-folded, accents and invisible characters removed,
 * mixed-script homoglyphs folded to Latin, lower case; with a map back to original offsets.
 */
export interface NormalizedView {
  readonly text: string;
  /** `starts[i]`: original offset where view character `i` came from; `null` when the view maps 1:1. */
  readonly starts: Int32Array | null;
  /** `ends[i]`: original end offset (exclusive) of the code point view character `i` came from. */
  readonly ends: Int32Array | null;
  readonly hiddenRuns: readonly HiddenRun[];
  readonly hiddenPayloads: readonly HiddenPayload[];
  readonly hiddenCharacters: number;
}

/** Maps a view span back to the original text's UTF-16 span. */
export function toOriginalSpan(view: NormalizedView, start: number, end: number): { start: number; end: number } {
  if (view.starts === null || view.ends === null) return { start, end };
  const length = view.text.length;
  if (length === 0) return { start: 0, end: 0 };
  const first = Math.min(Math.max(start, 0), length - 1);
  const last = Math.min(Math.max(end - 1, first), length - 1);
  return { start: view.starts[first] ?? 0, end: view.ends[last] ?? 0 };
}

const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x00ad, 0x180e]);
const isBidiControl = (codePoint: number): boolean =>
  (codePoint >= 0x202a && codePoint <= 0x202e) ||
  (codePoint >= 0x2066 && codePoint <= 0x2069) ||
  codePoint === 0x200e ||
  codePoint === 0x200f;
const isTag = (codePoint: number): boolean => codePoint >= 0xe0000 && codePoint <= 0xe007f;
const isVariationSelector = (codePoint: number): boolean =>
  (codePoint >= 0xfe00 && codePoint <= 0xfe0f) || (codePoint >= 0xe0100 && codePoint <= 0xe01ef);
const isCombiningMark = (codePoint: number): boolean =>
  (codePoint >= 0x0300 && codePoint <= 0x036f) ||
  (codePoint >= 0x1ab0 && codePoint <= 0x1aff) ||
  (codePoint >= 0x1dc0 && codePoint <= 0x1dff);
const isSkinToneOrKeycap = (codePoint: number): boolean =>
  (codePoint >= 0x1f3fb && codePoint <= 0x1f3ff) || codePoint === 0x20e3;

const EMOJI_PATTERN = /\p{Extended_Pictographic}/u;
const isEmoji = (codePoint: number): boolean =>
  codePoint >= 0xa9 && EMOJI_PATTERN.test(String.fromCodePoint(codePoint));
/** Scripts whose orthography uses ZWJ/ZWNJ between letters (Arabic, Hebrew, Indic, ...). */
const isJoiningScript = (codePoint: number): boolean => codePoint >= 0x0590 && codePoint <= 0x0dff;

/** Cyrillic and Greek letters that render like Latin ones; folded only inside mixed-script words. */
const HOMOGLYPHS: ReadonlyMap<number, string> = new Map(
  Object.entries({
    а: 'a',
    в: 'b',
    е: 'e',
    ё: 'e',
    к: 'k',
    м: 'm',
    н: 'h',
    о: 'o',
    р: 'p',
    с: 'c',
    т: 't',
    у: 'y',
    х: 'x',
    ѕ: 's',
    і: 'i',
    ї: 'i',
    ј: 'j',
    ԁ: 'd',
    ԛ: 'q',
    ԝ: 'w',
    ү: 'y',
    һ: 'h',
    ӏ: 'l',
    ɡ: 'g',
    ɑ: 'a',
    ı: 'i',
    α: 'a',
    β: 'b',
    ε: 'e',
    η: 'n',
    ι: 'i',
    κ: 'k',
    ν: 'v',
    ο: 'o',
    ρ: 'p',
    τ: 't',
    υ: 'u',
    χ: 'x',
    ω: 'w',
    γ: 'y',
  }).map(([key, value]) => [key.codePointAt(0) ?? 0, value]),
);

const foldCache = new Map<number, string>();
/** Compatibility-decomposes, drops combining marks and lower-cases one code point. */
function foldCodePoint(codePoint: number): string {
  let folded = foldCache.get(codePoint);
  if (folded !== undefined) return folded;
  folded = '';
  for (const piece of String.fromCodePoint(codePoint).normalize('NFKD')) {
    const pieceCode = piece.codePointAt(0) ?? 0;
    if (!isCombiningMark(pieceCode)) folded += piece;
  }
  folded = folded.toLowerCase();
  if (foldCache.size < 4096) foldCache.set(codePoint, folded);
  return folded;
}

const isAsciiLetter = (code: number): boolean => (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);

/**
 * Builds the matching view of `text`. Linear in the text's length; never throws (lone surrogates
 * pass through as themselves).
 */
export function buildNormalizedView(text: string): NormalizedView {
  if (isPlainAscii(text)) {
    return {
      text: text.toLowerCase(),
      starts: null,
      ends: null,
      hiddenRuns: [],
      hiddenPayloads: [],
      hiddenCharacters: 0,
    };
  }
  const buffer = new ViewBuffer(text.length + 16);
  const hiddenRuns: HiddenRun[] = [];
  const hiddenPayloads: HiddenPayload[] = [];
  let hiddenCharacters = 0;
  let previousVisible = 0;

  const addRun = (rule: HiddenRun['rule'], start: number, end: number): void => {
    hiddenCharacters += 1;
    const last = hiddenRuns[hiddenRuns.length - 1];
    if (last !== undefined && last.rule === rule && last.end === start) {
      hiddenRuns[hiddenRuns.length - 1] = { rule, start: last.start, end, count: last.count + 1 };
    } else {
      hiddenRuns.push({ rule, start, end, count: 1 });
    }
  };

  let index = 0;
  while (index < text.length) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) {
      previousVisible = unit;
      buffer.push(unit >= 0x41 && unit <= 0x5a ? unit + 0x20 : unit, index, index + 1);
      index += 1;
      continue;
    }
    const codePoint = text.codePointAt(index) ?? unit;
    const width = codePoint > 0xffff ? 2 : 1;
    const end = index + width;
    if (isTag(codePoint)) {
      index = consumeTags(
        text,
        index,
        previousVisible,
        hiddenRuns,
        hiddenPayloads,
        (count) => (hiddenCharacters += count),
      );
      continue;
    }
    if (isVariationSelector(codePoint)) {
      index = consumeVariationSelectors(
        text,
        index,
        previousVisible,
        hiddenRuns,
        hiddenPayloads,
        (count) => (hiddenCharacters += count),
      );
      continue;
    }
    if (ZERO_WIDTH.has(codePoint)) {
      const next = text.codePointAt(end) ?? 0;
      const joinsEmoji =
        codePoint === 0x200d && (isEmoji(previousVisible) || isSkinToneOrKeycap(previousVisible)) && isEmoji(next);
      const joinsScript = (codePoint === 0x200c || codePoint === 0x200d) && isJoiningScript(previousVisible);
      const leadingByteOrderMark = codePoint === 0xfeff && index === 0;
      if (!joinsEmoji && !joinsScript && !leadingByteOrderMark) addRun('hidden-zero-width', index, end);
      index = end;
      continue;
    }
    if (isBidiControl(codePoint)) {
      addRun('hidden-bidi', index, end);
      index = end;
      continue;
    }
    previousVisible = codePoint;
    const folded = foldCodePoint(codePoint);
    for (let offset = 0; offset < folded.length; offset += 1) {
      buffer.push(folded.charCodeAt(offset), index, end);
    }
    index = end;
  }
  foldMixedScriptWords(buffer.units, buffer.length);
  return {
    text: utf16Decoder.decode(buffer.units.subarray(0, buffer.length)),
    starts: buffer.starts.slice(0, buffer.length),
    ends: buffer.ends.slice(0, buffer.length),
    hiddenRuns,
    hiddenPayloads,
    hiddenCharacters,
  };
}

const utf16Decoder = new TextDecoder('utf-16le');

/** The view's code units with their original spans, in typed arrays that grow by doubling. */
class ViewBuffer {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.units = new Uint16Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  push(unit: number, start: number, end: number): void {
    if (this.length === this.units.length) this.grow();
    this.units[this.length] = unit;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length += 1;
  }

  private grow(): void {
    const capacity = this.units.length * 2 + 16;
    const units = new Uint16Array(capacity);
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    units.set(this.units);
    starts.set(this.starts);
    ends.set(this.ends);
    this.units = units;
    this.starts = starts;
    this.ends = ends;
  }
}

function isPlainAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7e) return false;
  return true;
}

const letterCache = new Map<number, boolean>();
function isLetter(unit: number): boolean {
  if (unit < 0x80) return isAsciiLetter(unit);
  let letter = letterCache.get(unit);
  if (letter === undefined) {
    letter = /\p{L}/u.test(String.fromCharCode(unit));
    if (letterCache.size < 8192) letterCache.set(unit, letter);
  }
  return letter;
}

/** Folds look-alike letters to Latin in words that also contain a Latin letter ("іgnоre"), not in Russian or Greek words. */
function foldMixedScriptWords(units: Uint16Array, length: number): void {
  let wordStart = 0;
  for (let index = 0; index <= length; index += 1) {
    if (index < length && isLetter(units[index] ?? 0)) continue;
    if (index - wordStart > 1) foldWord(units, wordStart, index);
    wordStart = index + 1;
  }
}

function foldWord(units: Uint16Array, start: number, end: number): void {
  let hasLatin = false;
  let hasLookAlike = false;
  for (let index = start; index < end; index += 1) {
    const unit = units[index] ?? 0;
    if (isAsciiLetter(unit)) hasLatin = true;
    else if (HOMOGLYPHS.has(unit)) hasLookAlike = true;
  }
  if (!hasLatin || !hasLookAlike) return;
  for (let index = start; index < end; index += 1) {
    const replacement = HOMOGLYPHS.get(units[index] ?? 0);
    if (replacement !== undefined) units[index] = replacement.charCodeAt(0);
  }
}

/**
 * Consumes a run of tag characters. A black flag followed by 2–7 tag letters/digits and a cancel tag
 * is a subdivision flag (England, Scotland, Wales) and is left as emoji; anything else is hidden ASCII.
 */
function consumeTags(
  text: string,
  start: number,
  previousVisible: number,
  hiddenRuns: HiddenRun[],
  hiddenPayloads: HiddenPayload[],
  countHidden: (count: number) => void,
): number {
  let index = start;
  let decoded = '';
  let count = 0;
  let cancelled = false;
  let flagShaped = true;
  while (index < text.length) {
    const codePoint = text.codePointAt(index) ?? 0;
    if (!isTag(codePoint)) break;
    index += 2;
    count += 1;
    if (codePoint === 0xe007f) {
      cancelled = true;
      break;
    }
    const ascii = codePoint - 0xe0000;
    const isFlagCharacter = (ascii >= 0x61 && ascii <= 0x7a) || (ascii >= 0x30 && ascii <= 0x39);
    if (!isFlagCharacter) flagShaped = false;
    if (ascii >= 0x20 && ascii <= 0x7e) decoded += String.fromCharCode(ascii);
    else if (ascii === 0x0a || ascii === 0x0d || ascii === 0x09) decoded += ' ';
  }
  const subdivisionFlag = previousVisible === 0x1f3f4 && cancelled && flagShaped && count >= 3 && count <= 8;
  if (subdivisionFlag) return index;
  countHidden(count);
  hiddenRuns.push({ rule: 'hidden-tag-text', start, end: index, count });
  if (decoded.trim().length > 0) hiddenPayloads.push({ text: decoded, start, end: index });
  return index;
}

/**
 * Consumes a run of variation selectors. One selector after a base is ordinary (emoji presentation,
 * CJK ideographic variants); several in a row carry data, one byte each (U+FE00+b for b < 16,
 * U+E0100+b-16 above), so the bytes are decoded as UTF-8 and screened.
 */
function consumeVariationSelectors(
  text: string,
  start: number,
  previousVisible: number,
  hiddenRuns: HiddenRun[],
  hiddenPayloads: HiddenPayload[],
  countHidden: (count: number) => void,
): number {
  let index = start;
  const bytes: number[] = [];
  while (index < text.length) {
    const codePoint = text.codePointAt(index) ?? 0;
    if (!isVariationSelector(codePoint)) break;
    index += codePoint > 0xffff ? 2 : 1;
    bytes.push(codePoint <= 0xfe0f ? codePoint - 0xfe00 : codePoint - 0xe0100 + 16);
  }
  const ordinary =
    bytes.length === 1 && (previousVisible >= 0x80 || (previousVisible >= 0x23 && previousVisible <= 0x39));
  if (ordinary) return index;
  countHidden(bytes.length);
  hiddenRuns.push({ rule: 'hidden-variation-selector', start, end: index, count: bytes.length });
  if (bytes.length >= 4) {
    const decoded = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
    if (decoded.trim().length > 0) hiddenPayloads.push({ text: decoded, start, end: index });
  }
  return index;
}

/** Turns hidden runs into findings; lone invisible characters score low, floods and tag text high. */
export function hiddenRunFindings(view: NormalizedView): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  const perRule = new Map<string, number>();
  for (const run of view.hiddenRuns) {
    const seen = perRule.get(run.rule) ?? 0;
    perRule.set(run.rule, seen + 1);
    const finding = {
      rule: run.rule,
      category: 'hidden-text' as const,
      start: run.start,
      end: run.end,
      count: run.count,
      score: hiddenRunScore(run, view.hiddenCharacters),
    };
    if (seen < MAXIMUM_FINDINGS_PER_HIDDEN_RULE) {
      findings.push(finding);
      continue;
    }
    // A flood of invisible characters is one fact, not thousands: fold the rest into the last finding.
    const last = findings.findLast((item) => item.rule === run.rule);
    if (last !== undefined) {
      const index = findings.lastIndexOf(last);
      findings[index] = {
        ...last,
        end: run.end,
        count: (last.count ?? 0) + run.count,
        score: Math.max(last.score, finding.score),
      };
    }
  }
  return findings;
}

const MAXIMUM_FINDINGS_PER_HIDDEN_RULE = 32;

function hiddenRunScore(run: HiddenRun, total: number): number {
  switch (run.rule) {
    case 'hidden-tag-text':
      return 0.9;
    case 'hidden-variation-selector':
      return run.count >= 4 ? 0.85 : 0.3;
    case 'hidden-bidi':
      return total >= 3 ? 0.45 : 0.3;
    default:
      return total >= 8 ? 0.45 : total >= 3 ? 0.3 : 0.15;
  }
}
