/**
 * Finds segments that look encoded (base64, hex, URL-encoding) and decodes them when the result is
 * readable text. Bounded: segments must be of plausible size, each character of the input belongs
 * to at most one segment per encoding, and decoding shrinks the text, so the total work is linear.
 */

export type EncodingKind = 'base64' | 'hex' | 'url' | 'spaced';

export interface DecodedSegment {
  readonly kind: EncodingKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Longer runs are blobs (images, archives), not smuggled sentences; shorter than 16 cannot hold one. */
const MAXIMUM_ENCODED_LENGTH = 65_536;
/** At most this many segments are decoded per text, so a text made of thousands of short tokens stays cheap. */
const MAXIMUM_SEGMENTS = 64;

const isBase64Character = (code: number): boolean =>
  (code >= 0x41 && code <= 0x5a) ||
  (code >= 0x61 && code <= 0x7a) ||
  (code >= 0x30 && code <= 0x39) ||
  code === 0x2b ||
  code === 0x2f ||
  code === 0x2d ||
  code === 0x5f;
const isHexCharacter = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);

/** Decodes every plausible encoded segment of `text` into readable text. Never throws. */
export function findEncodedSegments(text: string): DecodedSegment[] {
  const segments: DecodedSegment[] = [];
  collectBase64AndHex(text, segments);
  collectUrlEncoded(text, segments);
  return segments;
}

/** Runs of 16 to 65,536 base64/hex alphabet characters (the bounds of MAXIMUM_ENCODED_LENGTH); longer runs are skipped below. */
const ENCODED_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,65536}/gu;

function collectBase64AndHex(text: string, into: DecodedSegment[]): void {
  ENCODED_RUN.lastIndex = 0;
  for (
    let match = ENCODED_RUN.exec(text);
    match !== null && into.length < MAXIMUM_SEGMENTS;
    match = ENCODED_RUN.exec(text)
  ) {
    const start = match.index;
    let index = start + match[0].length;
    if (index < text.length && isBase64Character(text.charCodeAt(index))) {
      // Longer than any plausible smuggled sentence: skip the whole run.
      while (index < text.length && isBase64Character(text.charCodeAt(index))) index += 1;
      ENCODED_RUN.lastIndex = index;
      continue;
    }
    let end = index;
    while (end < text.length && end - index < 2 && text.charCodeAt(end) === 0x3d) end += 1;
    const segment = match[0];
    if (/^[0-9a-f]+$/iu.test(segment) && segment.length % 2 === 0 && /[0-9]/u.test(segment)) {
      const decoded = readable(Buffer.from(segment, 'hex'));
      if (decoded !== undefined) into.push({ kind: 'hex', start, end, text: decoded });
    } else if (/[a-z]/u.test(segment) && /[A-Z]/u.test(segment)) {
      const decoded = readable(Buffer.from(segment.replace(/-/gu, '+').replace(/_/gu, '/'), 'base64'));
      if (decoded !== undefined) into.push({ kind: 'base64', start, end, text: decoded });
    }
  }
}

function collectUrlEncoded(text: string, into: DecodedSegment[]): void {
  let index = text.indexOf('%');
  while (index >= 0 && index < text.length && into.length < MAXIMUM_SEGMENTS) {
    let start = index;
    while (start > 0 && start > index - 200 && !/\s/u.test(text[start - 1] ?? ' ')) start -= 1;
    let end = index;
    let escapes = 0;
    while (end < text.length && end - start < MAXIMUM_ENCODED_LENGTH && !/\s/u.test(text[end] ?? ' ')) {
      if (text[end] === '%' && isHexCharacter(text.charCodeAt(end + 1)) && isHexCharacter(text.charCodeAt(end + 2)))
        escapes += 1;
      end += 1;
    }
    if (escapes >= 3) {
      const decoded = percentDecode(text.slice(start, end));
      if (decoded !== undefined && /[a-z]{2,}[\s+][a-z]{2,}/iu.test(decoded))
        into.push({ kind: 'url', start, end, text: decoded });
    }
    index = text.indexOf('%', Math.max(end, index + 1));
  }
}

function percentDecode(segment: string): string | undefined {
  const bytes: number[] = [];
  for (let index = 0; index < segment.length; index += 1) {
    const code = segment.charCodeAt(index);
    if (
      code === 0x25 &&
      isHexCharacter(segment.charCodeAt(index + 1)) &&
      isHexCharacter(segment.charCodeAt(index + 2))
    ) {
      bytes.push(Number.parseInt(segment.slice(index + 1, index + 3), 16));
      index += 2;
    } else if (code === 0x2b) {
      bytes.push(0x20);
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      return undefined;
    }
  }
  return readable(Buffer.from(bytes));
}

/** Decodes UTF-8 and keeps it only if it reads like words: printable, with letters and spaces. */
function readable(bytes: Buffer): string | undefined {
  if (bytes.length < 8) return undefined;
  const text = bytes.toString('utf8');
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code === 0xfffd) return undefined;
    if (code === 0x20) spaces += 1;
    if ((code >= 0x20 && code < 0x7f) || code >= 0xa0 || code === 0x0a || code === 0x09 || code === 0x0d)
      printable += 1;
    if (/\p{L}/u.test(character)) letters += 1;
  }
  const length = text.length;
  if (printable < length * 0.95 || letters < length * 0.5 || spaces === 0) return undefined;
  return text;
}

const utf16Decoder = new TextDecoder('utf-16le');

/** Builds a string from UTF-16 code units without one intermediate string per character. */
function fromCodeUnits(units: Uint16Array): string {
  return utf16Decoder.decode(units);
}

/** ROT13 of ASCII letters; everything else unchanged. Same length as the input. */
export function rot13(text: string): string {
  const units = new Uint16Array(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x61 && code <= 0x7a) units[index] = ((code - 0x61 + 13) % 26) + 0x61;
    else if (code >= 0x41 && code <= 0x5a) units[index] = ((code - 0x41 + 13) % 26) + 0x41;
    // Lone surrogates would be replaced by U+FFFD when decoding; the length stays the same either way.
    else units[index] = code;
  }
  return fromCodeUnits(units);
}

/** The text reversed by UTF-16 unit (surrogate pairs come out swapped, which no rule cares about). Same length. */
export function reverse(text: string): string {
  const units = new Uint16Array(text.length);
  const last = text.length - 1;
  for (let index = 0; index <= last; index += 1) units[last - index] = text.charCodeAt(index);
  return fromCodeUnits(units);
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
};

/** Replaces leetspeak digits and symbols with letters inside words that also contain letters. Same length. */
export function deleet(text: string): string {
  return text.replace(/[a-z0-9@$]{2,40}/gu, (word) =>
    /[a-z]/u.test(word) ? word.replace(/[0134578@$]/gu, (character) => LEET[character] ?? character) : word,
  );
}

/**
 * Finds letters spaced out to dodge word matching ("i g n o r e  p r e v i o u s"): runs of at least
 * five single letters joined by one separator. A single separator joins letters; a wider gap or a
 * different separator ends a word.
 */
export function findSpacedSegments(view: string): DecodedSegment[] {
  const segments: DecodedSegment[] = [];
  SPACED_RUN.lastIndex = 0;
  for (
    let match = SPACED_RUN.exec(view);
    match !== null && segments.length < MAXIMUM_SEGMENTS;
    match = SPACED_RUN.exec(view)
  ) {
    const joined = match[0].replace(/([a-z])[ .\-_*](?=[a-z])/gu, '$1').replace(/\s{2,}|[ .\-_*]{2,}/gu, ' ');
    segments.push({
      kind: 'spaced' as EncodingKind,
      start: match.index,
      end: match.index + match[0].length,
      text: joined,
    });
  }
  return segments;
}

/** Five or more single letters joined by one separator, words apart by wider gaps; bounded. */
const SPACED_RUN = /(?<![a-z])[a-z](?:(?:[ .\-_*]|\s{2,4})[a-z](?![a-z])){4,400}/gu;
