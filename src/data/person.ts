import {
  BRAND_WORDS,
  COMMON_WORDS,
  GIVEN_NAMES,
  OTHER_LANGUAGE_WORDS,
  RARER_WORDS,
  SURNAMES,
} from './lexicon.generated';
import { COUNTRY_NAMES, STATE_NAMES } from './patterns';

/** The states, provinces and territories in full that no one is named (`Texas`, `Saskatchewan`; not `Georgia`). */
const STATES_NO_NAME = STATE_NAMES.filter(
  (name) =>
    !/^(?:Georgia|Virginia|Victoria|Washington|Indiana|Florida|Carolina|Dakota|Alberta|Maine|Montana)$/.test(name),
);
import { EPONYMOUS_FIRMS, NAME_BOUNDARY_WORDS, PLACE_OR_ORGANISATION_WORDS } from './person-names';

/**
 * PERSON detection by lexicon, in one linear pass over the text (no regular expression, so no
 * backtracking and no per-match cost in the RE2 binding, which made the always-on name patterns
 * this replaces the slowest rules of the engine).
 *
 * The pass splits the text into words and groups capitalized words that follow each other on one
 * line (with initials and particles such as `van` or `de` between them) into runs. Boundary words
 * (`The`, `Dear`, `Monday`) split a run; place and organisation words (`Street`, `Holdings`,
 * `New`, countries) take the words next to them out of it. Each piece is then judged against the
 * lists: a piece is a name when it starts with a known given name, when it has two to four words
 * none of which is a common English word that is not also a name, or when it is one known name
 * that is not a common word. Context decides the rest: labels and honorifics before it (`Dear
 * Ubul`, `Mrs. Baker`), record keys (`"first_name":`, `"city":`), lists with a name, verbs people
 * do after it, chat speakers, and a state code after it (`Madison, NC`, a place). Lower-case given
 * names that are not English words count too (`patricia desrosiers`). docs/data-handling.md,
 * "Names", has the table.
 *
 * The lists come from {@link ./lexicon.generated.ts}, built by `scripts/build-lexicon.mjs`.
 */

/** @internal A span of text, UTF-16 offsets, end exclusive. */
export interface Extent {
  readonly start: number;
  readonly end: number;
  /**
   * Set by a stream for a finding it released: whether the finding spans a line break, which its
   * look-behind no longer shows once the finding begins before it.
   */
  readonly spansLines?: boolean;
}

export interface PersonScan {
  /**
   * The names found, flat: the start and end of each in turn. Typed arrays, not an object per name:
   * 50,000 names in 1 MB of a form would otherwise live as objects to the scan's end, and copying
   * them from GC generation to generation cost a fifth of the scan.
   */
  readonly names: Int32Array;
  /** The confidence of each name in {@link names}, in the same order. */
  readonly confidences: Float64Array;
  /**
   * Capitalized words that stood alone as a run (not after `in`, nor in a record field for places)
   * and may yet be a later mention of a name (see {@link findRepeatedNames}); some are names already.
   * Flat: the start and end of each word in turn.
   */
  readonly lone: Int32Array;
  /** Start of the earliest run or list, name or not, that more text could still change; or Infinity. */
  readonly earliestOpen: number;
}

/** The lists a word is in, as bits of one number: one look-up answers every question about a word. */
const enum In {
  Given = 1,
  Surnames = 2,
  /** Common English words. */
  Common = 4,
  /** Given names that are rarer English words (`riff`): not names in lower case. */
  Rarer = 8,
  /** {@link NAME_BOUNDARY_WORDS}. */
  Boundary = 16,
  /** {@link PLACE_OR_ORGANISATION_WORDS} and countries. */
  PlaceOrOrganisation = 32,
  /** {@link PLACE_PREFIXES}. */
  PlacePrefix = 64,
  /** {@link PARTICLES}. */
  Particle = 128,
  /**
   * Common words of other European languages (`Medizin`, `alta`), always with {@link Common}: they
   * are no names as English words are not, but a name may end in one (`Riku Andou`).
   */
  OtherLanguage = 256,
  /** One-word brands and products (`Figma`, `Bosch`, `Nokia`): alone, with nothing that marks a person, no name. */
  Brand = 512,
  Known = Given | Surnames,
}

/**
 * Words with the lists that hold them (bits such as {@link In}), in an open-addressing hash table
 * keyed by {@link hashStep}: a word of the text is looked up where it stands, with no string built
 * for it. Strings cost here: the text is often two-byte (one `é` is enough), and `toLowerCase()` on
 * a two-byte string leaves V8's fast path.
 */
class WordLists {
  /** The word in each slot, '' for none; {@link lists} says which lists hold it, 0 for an empty slot. */
  private readonly words: string[];
  private readonly lists: Uint16Array;
  private readonly mask: number;

  /** A table of `words`, each in the lists `list`. */
  static of(words: readonly string[], list: number): WordLists {
    const table = new WordLists(words.length);
    for (const word of words) table.add(word, list);
    return table;
  }

  /** A table for at most `capacity` words, a quarter to a half full, so most probes end at once. */
  constructor(capacity: number) {
    let size = 1;
    while (size < capacity * 2) size *= 2;
    this.words = new Array<string>(size).fill('');
    this.lists = new Uint16Array(size);
    this.mask = size - 1;
  }

  /** Adds `word` to the lists `list`; returns its hash. */
  add(word: string, list: number): number {
    const hash = hashOf(word, 0, word.length);
    let slot = hash & this.mask;
    while (this.lists[slot] !== 0 && this.words[slot] !== word) slot = (slot + 1) & this.mask;
    this.words[slot] = word;
    this.lists[slot] = (this.lists[slot] as number) | list;
    return hash;
  }

  /**
   * The lists that hold `source[start, end)`, or 0. With `fold`, the word is compared in lower case,
   * as `toLowerCase()` would make it, one code unit at a time; -1 when that cannot be done: for a
   * word with a code unit from U+0500 on (`’`), `İ` (two code units in lower case) or `Σ` (`ς` at
   * the end of a word). The caller then builds the key as a string.
   */
  get(source: string, start: number, end: number, fold: boolean): number {
    let hash = FNV_OFFSET;
    for (let index = start; index < end; index++) {
      const code = source.charCodeAt(index);
      if (fold && (code >= CLASS_LIMIT || code === 0x130 || code === 0x3a3)) return -1;
      hash = hashStep(hash, code);
    }
    const length = end - start;
    for (let slot = hash & this.mask; this.lists[slot] !== 0; slot = (slot + 1) & this.mask) {
      const word = this.words[slot] as string;
      if (word.length === length && (fold ? equalsFolded(word, source, start) : source.startsWith(word, start)))
        return this.lists[slot] as number;
    }
    return 0;
  }

  /**
   * {@link get} for a word of the scan: `units[start, end)`, `hash` its {@link hashStep} hash, and
   * with `fold` every code unit below U+0500 but `İ` and `Σ`. Reads the text's code units, not
   * the string: the scan's word look-ups are most of the table's.
   */
  getWord(units: Uint16Array, start: number, end: number, hash: number, fold: boolean): number {
    const length = end - start;
    for (let slot = hash & this.mask; this.lists[slot] !== 0; slot = (slot + 1) & this.mask) {
      const word = this.words[slot] as string;
      if (word.length === length && equalsUnits(word, units, start, fold)) return this.lists[slot] as number;
    }
    return 0;
  }

  /** The lists that hold `text.slice(start, end).toLowerCase()`, or 0. */
  getLowerCased(text: string, start: number, end: number): number {
    const found = this.get(text, start, end, true);
    if (found >= 0) return found;
    const key = text.slice(start, end).toLowerCase();
    return this.get(key, 0, key.length, false);
  }
}

/** Whether `units` from `start` on are `word`, with `fold` once lower-cased (code units below U+0500). */
function equalsUnits(word: string, units: Uint16Array, start: number, fold: boolean): boolean {
  for (let index = 0; index < word.length; index++) {
    const code = units[start + index] as number;
    if ((fold ? LOWER_CODE[code] : code) !== word.charCodeAt(index)) return false;
  }
  return true;
}

/** Whether `source` from `start` on is `word` once lower-cased code unit by code unit (all below U+0500). */
function equalsFolded(word: string, source: string, start: number): boolean {
  for (let index = 0; index < word.length; index++)
    if (LOWER_CODE[source.charCodeAt(start + index)] !== word.charCodeAt(index)) return false;
  return true;
}

interface Lexicon {
  readonly lists: WordLists;
  /** Every word any list but {@link In.Rarer} holds: a capitalized word not in it is unknown, with no look-up. */
  readonly anyListBits: Uint32Array;
  /** Given names that are names in lower case too: most lower-case words are ruled out by one probe. */
  readonly lowerCaseNameBits: Uint32Array;
  /** Last words of strong name labels (`is`, `me`, `named`): a lower-case word after one is checked. */
  readonly strongLabelEndBits: Uint32Array;
}

let lexicon: Lexicon | undefined;

/**
 * Decodes the lists once per process (about 290,000 words into one table: about 230 ms on the
 * 2-core development machine); every detector shares them. {@link createDetector} calls this when
 * it compiles a detector that finds PERSON, so the cost falls on set-up, like pattern compilation,
 * not on the first request.
 */
export function loadPersonLexicon(): void {
  getLexicon();
}

function getLexicon(): Lexicon {
  if (lexicon !== undefined) return lexicon;
  const lower = (words: Iterable<string>) => [...words].map((word) => word.toLowerCase());
  const sources: Array<[readonly string[], In]> = [
    [decodeFrontCodedList(GIVEN_NAMES), In.Given],
    [decodeFrontCodedList(SURNAMES), In.Surnames],
    [decodeFrontCodedList(COMMON_WORDS), In.Common],
    [decodeFrontCodedList(RARER_WORDS), In.Rarer],
    [decodeFrontCodedList(OTHER_LANGUAGE_WORDS), In.Common | In.OtherLanguage],
    [decodeFrontCodedList(BRAND_WORDS), In.Brand],
    [lower(NAME_BOUNDARY_WORDS), In.Boundary],
    [lower([...PLACE_OR_ORGANISATION_WORDS, ...COUNTRY_NAMES, ...STATES_NO_NAME]), In.PlaceOrOrganisation],
    [[...PLACE_PREFIXES], In.PlacePrefix],
    [[...PARTICLES], In.Particle],
  ];
  const lists = new WordLists(sources.reduce((count, [words]) => count + words.length, 0));
  // 2^21 bits for about 290,000 words: one in eight set, so most unknown words need no look-up.
  const anyListBits = new Uint32Array(1 << 16);
  for (const [words, list] of sources) {
    for (const word of words) {
      const hash = lists.add(word, list);
      if (list !== In.Rarer) setBit(anyListBits, hash);
    }
  }
  const given = (sources[0] as [readonly string[], In])[0];
  lexicon = {
    lists,
    anyListBits,
    lowerCaseNameBits: hashBits(
      given.filter((word) => (lists.get(word, 0, word.length, false) & (In.Common | In.Rarer)) === 0),
    ),
    strongLabelEndBits: hashBits(STRONG_NAME_LABELS.map((label) => label.slice(label.lastIndexOf(' ') + 1))),
  };
  return lexicon;
}

/** Inverse of `frontCode` in scripts/build-lexicon.mjs. */
export function decodeFrontCoded(encoded: string): Set<string> {
  return new Set(decodeFrontCodedList(encoded));
}

function decodeFrontCodedList(encoded: string): string[] {
  const words: string[] = [];
  // The word being decoded, as code units: each word becomes one flat string, with no pieces
  // (slices and concatenations) left for the collector, which at 290,000 words doubled the set-up.
  const current = new Uint16Array(256);
  let length = 0;
  let index = 0;
  while (index < encoded.length) {
    length = encoded.charCodeAt(index) - 48;
    let end = index + 1;
    for (; end < encoded.length; end++) {
      const code = encoded.charCodeAt(end);
      if (isDigit(code)) break;
      if (length < current.length) current[length++] = code;
    }
    words.push(String.fromCharCode.apply(null, current.subarray(0, length) as unknown as number[]));
    index = end;
  }
  return words;
}

const isDigit = (code: number) => code >= 48 && code <= 57;

// Letter case per UTF-16 code unit for Latin, Greek and Cyrillic (up to U+04FF), computed once.
const LETTER_UPPER = 1;
const LETTER_LOWER = 2;
const LETTER_CASELESS = 3; // combining marks and modifier letters inside a word
const CLASS_LIMIT = 0x500;
const LETTER_CLASS = new Uint8Array(CLASS_LIMIT);
for (let code = 0; code < CLASS_LIMIT; code++) {
  const character = String.fromCharCode(code);
  if (character.toLowerCase() !== character) LETTER_CLASS[code] = LETTER_UPPER;
  else if (character.toUpperCase() !== character || code === 0xdf) LETTER_CLASS[code] = LETTER_LOWER;
  else if (code >= 0x300 && code <= 0x36f) LETTER_CLASS[code] = LETTER_CASELESS;
}
const letterClass = (code: number) => (code < CLASS_LIMIT ? (LETTER_CLASS[code] as number) : 0);
/** Lower-case code unit per code unit below U+0500, for hashing words as keys. */
const LOWER_CODE = new Uint16Array(CLASS_LIMIT);
for (let code = 0; code < CLASS_LIMIT; code++) {
  const lower = String.fromCharCode(code).toLowerCase();
  LOWER_CODE[code] = lower.length === 1 ? lower.charCodeAt(0) : code;
}
/**
 * For the word scan, both of the above in one number per UTF-16 code unit: the lower case (below
 * U+0500) and a bit for each class, 0 for a code unit that is no letter. The hottest loop of the
 * pass reads one table per character, with no range check (128 KB, a fifth faster than a check),
 * and gathers the classes of a word by or-ing entries, with no branch.
 */
const LETTER = new Uint16Array(0x10000);
const UPPER_BIT = 1 << 11;
const LOWER_BIT = 1 << 12;
/** The {@link LETTER} bit of `İ` and `Σ`, which `toLowerCase()` does not lower one code unit at a time. */
const UNFOLDABLE = 1 << 13;
for (let code = 0; code < CLASS_LIMIT; code++) {
  const kind = LETTER_CLASS[code];
  if (kind === 0) continue;
  const bits = kind === LETTER_UPPER ? UPPER_BIT : kind === LETTER_LOWER ? LOWER_BIT : 0;
  LETTER[code] = bits | (LOWER_CODE[code] as number);
}
// Latin Extended Additional (Vietnamese `Nguyễn`, `Trần`): letters of a word, with the low bits of
// their lower case for its hash. The lists hash whole code units, so a look-up of such a word finds
// nothing: it is judged by its shape and context, as an unknown word is.
for (let code = 0x1e00; code <= 0x1eff; code++) {
  const character = String.fromCharCode(code);
  const lower = character.toLowerCase();
  if (lower !== character && lower.length === 1) LETTER[code] = UPPER_BIT | (lower.charCodeAt(0) & 0x7ff);
  else if (character.toUpperCase() !== character) LETTER[code] = LOWER_BIT | (code & 0x7ff);
}
LETTER[0x130] = (LETTER[0x130] as number) | UNFOLDABLE;
LETTER[0x3a3] = (LETTER[0x3a3] as number) | UNFOLDABLE;
/** The {@link LETTER} entry of `units[index]`, `index` within the text. */
const letterAt = (units: Uint16Array, index: number) => LETTER[units[index] as number] as number;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** One step of FNV-1a over a word in lower case, `’` as `'`. */
const hashStep = (hash: number, code: number) =>
  Math.imul(hash ^ (code < CLASS_LIMIT ? (LOWER_CODE[code] as number) : code === 0x2019 ? 39 : code), FNV_PRIME);
const hashOf = (text: string, start: number, end: number) => {
  let hash = FNV_OFFSET;
  for (let index = start; index < end; index++) hash = hashStep(hash, text.charCodeAt(index));
  return hash;
};

/** Hashes of `words` as a bit set (2^18 bits): a clear bit proves a word is not in the list. */
function hashBits(words: Iterable<string>): Uint32Array {
  const bits = new Uint32Array(1 << 13);
  for (const word of words) setBit(bits, hashOf(word, 0, word.length));
  return bits;
}
/** Sets the bit of `hash` in `bits`, whose length (32 bits each) is a power of two. */
const setBit = (bits: Uint32Array, hash: number) => {
  const bit = (hash >>> 0) & ((bits.length << 5) - 1);
  bits[bit >>> 5] = (bits[bit >>> 5] as number) | (1 << (bit & 31));
};
const hasBit = (bits: Uint32Array, hash: number) => {
  const bit = (hash >>> 0) & ((bits.length << 5) - 1);
  return ((bits[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
};
const isApostrophe = (code: number) => code === 39 || code === 0x2019;
/**
 * Characters that glue a word to code or markup: `user_name`, `a.b`, `x@y`, `/path`, digits. A
 * table per code unit, not a chain of comparisons: a comparison that first runs on a late text
 * deoptimizes the word reader it is inlined into, call after call (1 MB of `"first_name":"` after
 * other text ran 40 times slower).
 */
const IDENTIFIER_GLUE = new Uint8Array(0x10000);
for (const code of [95, 64, 47, 92, 36]) IDENTIFIER_GLUE[code] = 1;
for (let code = 48; code <= 57; code++) IDENTIFIER_GLUE[code] = 1;

/** {@link EPONYMOUS_FIRMS}, and the hashes of their first words, which rule out almost every run by one bit. */
const FIRMS = new Set(EPONYMOUS_FIRMS);
const FIRM_FIRST_WORD_BITS = hashBits(EPONYMOUS_FIRMS.map((firm) => firm.slice(0, firm.indexOf(' '))));
const MAX_FIRM_WORDS = 3;

/** Place words that name what follows them (`New York`, `San Diego`), not what precedes them. */
const PLACE_PREFIXES = [
  'new',
  'old',
  'north',
  'south',
  'east',
  'west',
  'upper',
  'lower',
  'great',
  'little',
  'big',
  'saint',
  'san',
  'santa',
  'santo',
  'são',
  'sankt',
  'los',
  'las',
  'fort',
  'mount',
  'lake',
  'port',
  // Storms are named like people: the name after the word is the storm's.
  'hurricane',
  'typhoon',
  'cyclone',
  // Hotels, clinics and restaurants named after a person or place (`Hotel Victoria`, `Trattoria Da Enzo`).
  'hotel',
  'klinikum',
  'trattoria',
  'ristorante',
  'osteria',
  'casa',
  'maison',
  // Street kinds written before the street's name, which may be a person's (`Rua Augusta`, `Laan van Meerdervoort`).
  'avenida',
  'rua',
  'rúa',
  'travessa',
  'praça',
  'piazza',
  'viale',
  'corso',
  'paseo',
  'calle',
  'carrer',
  'rue',
  'chemin',
  'allée',
  'quai',
  'ulica',
  'aleja',
  'laan',
  // `Morbus Crohn`: a disease named after its describer, in German and Latin.
  'morbus',
];

/** Lower-case words that may sit inside a name: `Ludwig van Beethoven`, `Maria de la Cruz`. */
const PARTICLES = [
  'van',
  'von',
  'de',
  'der',
  'den',
  'ten',
  'ter',
  'da',
  'di',
  'do',
  'dos',
  'das',
  'du',
  'del',
  'della',
  'la',
  'le',
  'bin',
  'ibn',
  'al',
  'el',
  'y',
];

const enum Shape {
  /** `Anna`, `McDowell`, `O'Brien`, `Lee-Smith`. */
  Capitalized,
  /** `J.` or `J`: one capital, with or without a full stop. */
  Initial,
  /** `anna`. */
  Lower,
  /** `NASA`, `iPhone`, words glued to code. */
  Other,
  /** `JOHN`, `O'BRIEN`: capitals only, two or more, as forms write names after a label. */
  Upper,
}

interface Word {
  start: number;
  end: number;
  shape: Shape;
  /** FNV-1a of the word in lower case (`’` as `'`), computed while scanning it. */
  hash: number;
  /**
   * Whether `hash` is that of the whole word and `toLowerCase()` lowers each code unit of it on its
   * own (no `’`, `İ` or `Σ`), so the lists find it by that hash, with no second pass over it.
   */
  foldable: boolean;
  /** The lists ({@link In}) that hold the word in lower case, possessive `'s` removed; -1 until looked up. */
  lists: number;
}

const NO_LONE_WORDS = new Int32Array(0);
const NO_NAMES = new Int32Array(0);
const NO_CONFIDENCES = new Float64Array(0);
const newWord = (): Word => ({ start: 0, end: 0, shape: Shape.Other, hash: 0, foldable: false, lists: -1 });

/** Longest word and run considered; longer ones are not names (and bound the work per word). */
const MAX_WORD_CHARACTERS = 24;
const MAX_RUN_WORDS = 4;
/** Words (initials and particles included) a run may hold before it is a heading, not a name. */
const MAX_RUN_LENGTH = 16;
/** How far back a scan starting mid-text looks for the start of the run it starts in. */
const MAX_BACKTRACK_CHARACTERS = 128;

/** How many items on each side of a list item decide it. */
const LIST_WINDOW = 2;
/** How far after a speaker's colon {@link isSpeech} reads: within LIST_LOOKAHEAD_CHARACTERS. */
const SPEECH_LOOKAHEAD_CHARACTERS = 30;
/** Longest affiliation in parentheses between a speaker and the colon: `Bongani (Vantor Systems):`. */
const MAX_AFFILIATION_CHARACTERS = 24;
/** How far around a lower-case given name its language is read (see `amongOtherLanguageWords`). */
const FOREIGN_CONTEXT_CHARACTERS = 40;
/** Characters after a word that decide whether it joins a list: `, and ` plus the next word. */
const LIST_LOOKAHEAD_CHARACTERS = 32;
/** How close to the end of a streamed text a run, list or name stays open (see findPersonNames). */
const OPEN_CHARACTERS =
  Math.max(LIST_LOOKAHEAD_CHARACTERS, 2 + MAX_AFFILIATION_CHARACTERS + 2 + SPEECH_LOOKAHEAD_CHARACTERS) + 8;
const LIST_SEPARATORS = new Set([', ', ',  ', ' and ', ', and ', ' & ', ' or ', ', or ']);

/** Whether `text[from, to)` is one of {@link LIST_SEPARATORS}, without building a string for the usual no. */
function isListSeparator(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (length < 2 || length > 6) return false;
  const first = text.charCodeAt(from);
  if (first !== 44 && first !== 32) return false;
  if (text.charCodeAt(to - 1) !== 32) return false;
  if (length === 2) return first === 44;
  return LIST_SEPARATORS.has(text.slice(from, to));
}

/** What one judged piece of a run is. */
const enum Status {
  /** Not a name; ends any list it would have been part of. */
  Rejected,
  /** A name only in a list with a name (`Gaetane` in `Gaetane, Hannah and Derek`). */
  Possible,
  Name,
}

interface Item {
  readonly start: number;
  readonly end: number;
  readonly status: Status;
  readonly confidence: number;
  /** A possible name that a list knows (`Graves`, `Reed`: surnames that are also words). */
  readonly known: boolean;
}

const item = (start: number, end: number, status: Status, confidence: number, known = false): Item => ({
  start,
  end,
  status,
  confidence,
  known,
});

/**
 * Finds person names in `text` from `fromIndex` on. Runs and lists are judged whole, so a scan
 * that starts mid-text first walks back (at most 128 characters) to the start of the run or list
 * it starts in, and reports only names that start at or after `fromIndex`.
 *
 * `openMargin`: when above 0 (a stream's held text), a run or list that ends within 40 characters
 * of the end may still change, so `earliestOpen` reports its start and the stream holds it back.
 *
 * `opaque`: extents of findings of other types. Redaction turns each into a placeholder, so the
 * pass reads each as no word at all, nor as context: `Anna Anna Street` with the address `Anna
 * Street` is judged as `Anna`, and `Mrs. Baker` with the password `Mrs.` as `Baker` without an
 * honorific, the same before and after redaction (idempotence).
 */
export function findPersonNames(
  text: string,
  fromIndex = 0,
  openMargin = 0,
  opaque: readonly Extent[] = [],
): PersonScan {
  if (opaque.length === 0) return new NameScan(text, fromIndex, openMargin).scan();
  // `text` with every code unit inside a finding replaced by U+0000 (no letter, space, quote or
  // separator): offsets stay, and every rule that reads context (labels, honorifics, record keys,
  // verbs) sees nothing there. Its UTF-16 bytes are the scan's code units too (little-endian).
  const bytes = Buffer.from(text, 'utf16le');
  for (const { start, end } of opaque) bytes.fill(0, 2 * Math.max(0, start), 2 * Math.min(end, text.length));
  const units = LITTLE_ENDIAN ? new Uint16Array(bytes.buffer, bytes.byteOffset, text.length) : undefined;
  return new NameScan(bytes.toString('utf16le'), fromIndex, openMargin).scan(units);
}

/**
 * Whether the word at `start` follows the one that ends at `end` (-1 for none) after one or two
 * spaces: only those join the words of a name; anything else ends the run.
 */
function joinedBySpaces(units: Uint16Array, end: number, start: number): boolean {
  const gap = start - end;
  return end >= 0 && (gap === 1 || gap === 2) && units[end] === 32 && units[start - 1] === 32;
}

/**
 * The state of one {@link findPersonNames} pass. A class rather than closures over local
 * variables, so a call allocates one object, not a dozen functions.
 */
class NameScan {
  private readonly lexicon = getLexicon();
  /** Allocated with the first name: most scans of a stream's window find none. */
  private names = NO_NAMES;
  private confidences = NO_CONFIDENCES;
  private namesFound = 0;
  private lone = NO_LONE_WORDS;
  private loneLength = 0;
  private earliestOpen = Infinity;
  /**
   * Whether a run, a list or a lower-case name is a name depends on the text before it and on at
   * most LIST_LOOKAHEAD_CHARACTERS after it (plus a word that may still join it), so only one that
   * ends after this, that close to the end, may change when more text arrives.
   */
  private readonly openFrom: number;
  /** The text's code units during {@link scan} (see {@link codeUnitsOf}). */
  private units: Uint16Array = EMPTY_UNITS;

  /**
   * The run being read: `runLength` words of `run`. The word objects are kept and refilled from
   * run to run (most words are read once and dropped; those that join a run are copied into one).
   */
  private readonly run: Word[] = [];
  private runLength = 0;
  /** End of the last word of a run that outgrew {@link MAX_RUN_LENGTH}; -1 while it has not. */
  private runOverflowEnd = -1;

  /**
   * Judged pieces that a list separator joins: `Kónya, Becker and Vasquez`. An item is decided by
   * the two items on each side of it, never by the whole list, so a scan that starts inside a long
   * list decides every item it reports the way a scan of the whole text does.
   */
  private list: Item[] = [];
  /** Items of `list` before this index are decided and emitted. */
  private decided = 0;

  /** A lower-case name being read (`patricia desrosiers`); -1 while there is none. */
  private lowerNameStart = -1;
  private lowerNameEnd = -1;
  /** Whether the lower-case name being read has taken a middle initial (`eric g. samoylova`). */
  private lowerInitial = false;
  /** Whether the lower-case name being read started as a given name alone, with no label or speaker's place. */
  private lowerByList = false;

  /** A name in capitals being read after a label (`Customer name: JOHN DOE`); -1 while there is none. */
  private upperNameStart = -1;
  private upperNameEnd = -1;
  /** Its words so far, and how many of them a name list holds. */
  private upperWords = 0;
  private upperKnown = 0;
  /** Whether it started a line with no label before it: then only a line above a finding makes it a name. */
  private upperUnlabelled = false;
  /** Whether each of its words fits a name by itself (no common word but a name). */
  private upperAllFit = false;

  constructor(
    private readonly text: string,
    private readonly fromIndex: number,
    openMargin: number,
  ) {
    this.openFrom = openMargin > 0 ? text.length - OPEN_CHARACTERS : Infinity;
  }

  /** Reads the text word by word, gathering runs, lists and lower-case names. */
  /** `prepared`: the text's code units when the caller has them (a masked text), else read here. */
  scan(prepared?: Uint16Array): PersonScan {
    const { text } = this;
    const { lists, lowerCaseNameBits, strongLabelEndBits } = this.lexicon;
    const word = newWord();
    let position = backtrackToRunStart(text, this.fromIndex);
    let previousEnd = -1;
    let previousHash = 0;
    // From the first word on, and as far before it as a name label is looked for.
    const unitsFrom = Math.max(0, position - NAME_CONTEXT_CHARACTERS);
    const units = (this.units = prepared ?? codeUnitsOf(text, unitsFrom));
    // A scan that starts part-way knows the word before its first one, as a scan of the whole text
    // does: after a strong label (`my name is\nvitoria`) a lower-case word may be a name.
    if (position > 0) previousHash = hashOfWordBefore(units, unitsFrom, position, word);
    while (nextWord(units, text.length, position, word)) {
      position = word.end;
      const endBefore = previousEnd;
      previousEnd = word.end;
      const hashBefore = previousHash;
      previousHash = word.hash;

      if (word.shape === Shape.Upper) {
        this.closeRun();
        this.closeLowerName();
        this.readUpperName(word, endBefore);
        continue;
      }
      // `GARCIA, MARIA L.`: a middle initial ends a name in capitals.
      if (
        word.shape === Shape.Initial &&
        this.upperNameStart >= 0 &&
        this.upperWords > 1 &&
        joinedBySpaces(units, endBefore, word.start)
      ) {
        this.upperNameEnd = word.end;
        this.closeUpperName();
        continue;
      }
      this.closeUpperName();
      if (word.shape === Shape.Capitalized || word.shape === Shape.Initial) {
        this.closeLowerName();
        if (!joinedBySpaces(units, endBefore, word.start) && !this.isSurnameCommaGiven(word, endBefore))
          this.closeRun();
        this.extendRun(word);
        continue;
      }
      if (
        word.shape === Shape.Lower &&
        this.runLength > 0 &&
        joinedBySpaces(units, endBefore, word.start) &&
        (lists.getWord(units, word.start, word.end, word.hash, false) & In.Particle) !== 0
      ) {
        this.extendRun(word);
        continue;
      }
      this.closeRun();
      if (word.shape !== Shape.Lower || word.end - word.start < 3) {
        // `eric g. samoylova`: one middle initial keeps a lower-case given name open for its surname.
        if (
          this.lowerNameStart >= 0 &&
          !this.lowerInitial &&
          word.shape === Shape.Lower &&
          word.end - word.start === 1 &&
          joinedBySpaces(units, endBefore, word.start)
        ) {
          this.lowerInitial = true;
          continue;
        }
        this.closeLowerName();
        continue;
      }
      const reading = this.lowerNameStart >= 0;
      const afterLabelEnd = hashBefore !== 0 && hasBit(strongLabelEndBits, hashBefore);
      // `roberto's daughter`: a possessive is looked up without its `'s`.
      const possessive = endsWithPossessive(text, word.end) && word.end - word.start > 4;
      const keyEnd = possessive ? word.end - 2 : word.end;
      const keyHash = possessive ? hashOf(text, word.start, keyEnd) : word.hash;
      // `[12:57] sneha: here's …`: a chat line's speaker, in lower case, after its time.
      const speaker = !reading && !afterLabelEnd && isLowerCaseSpeaker(text, units, word.start, word.end);
      if (!reading && !afterLabelEnd && !speaker && !hasBit(lowerCaseNameBits, keyHash)) continue;
      const inLists = lists.getWord(units, word.start, keyEnd, keyHash, false);
      if (speaker && ((inLists & In.Given) !== 0 || (inLists & (In.Common | In.Rarer)) === 0)) {
        this.lowerNameStart = word.start;
        this.lowerNameEnd = word.end;
        continue;
      }
      // `my name is vitoria`, `call me višeslav`: after a strong label a lower-case given name or
      // non-word is a name; not after a comma, in a list of field names (`(name, mrn, dob)`), nor a
      // non-word after a key that starts a line of configuration (`name: deploy`, `- name: api`).
      if (
        afterLabelEnd &&
        !reading &&
        !afterComma(units, word.start) &&
        ((inLists & In.Given) !== 0 || ((inLists & (In.Common | In.Rarer)) === 0 && !afterLineKey(text, word.start))) &&
        nameLabelBefore(text, units, word.start) === Label.Strong
      ) {
        this.lowerNameStart = word.start;
        this.lowerNameEnd = word.end;
        continue;
      }
      // `patricia desrosiers`: a lower-case given name takes a following surname or non-word.
      if (
        reading &&
        (this.lowerInitial && units[endBefore] === 46
          ? joinedBySpaces(units, endBefore + 1, word.start)
          : joinedBySpaces(units, endBefore, word.start)) &&
        ((inLists & In.Surnames) !== 0 || (inLists & In.Common) === 0)
      ) {
        this.lowerNameEnd = word.end;
        this.closeLowerName();
        continue;
      }
      this.closeLowerName();
      if ((inLists & (In.Given | In.Common | In.Rarer)) === In.Given) {
        this.lowerNameStart = word.start;
        this.lowerNameEnd = word.end;
        this.lowerByList = true;
      }
    }
    this.closeRun();
    this.closeLowerName();
    this.closeUpperName();
    this.closeList();
    // The shared array is left all zeros for the next text; prepared units are the caller's.
    if (prepared === undefined) units.fill(0, unitsFrom, text.length);
    return {
      names: this.namesFound === 0 ? NO_NAMES : this.names.subarray(0, 2 * this.namesFound),
      confidences: this.namesFound === 0 ? NO_CONFIDENCES : this.confidences.subarray(0, this.namesFound),
      lone: this.loneLength === 0 ? NO_LONE_WORDS : this.lone.subarray(0, this.loneLength),
      earliestOpen: this.earliestOpen,
    };
  }

  /** The lists that hold `word`, looked up once per word: a run asks about each word many times. */
  private listsOf(word: Word): number {
    if (word.lists >= 0) return word.lists;
    const { text } = this;
    const { lists, anyListBits } = this.lexicon;
    const { start, end } = word;
    // In no list, with no look-up, unless a possessive `'s` hides the word the lists know. With the
    // ending of an abstract noun (`Identifikation`, `Kündigung`, `Gesellschaft`), a word of a language.
    if (!hasBit(anyListBits, word.hash) && !endsWithPossessive(text, end))
      word.lists = hasNounEnding(text, start, end)
        ? In.Common | In.OtherLanguage
        : hasStreetEnding(text, start, end)
          ? In.PlaceOrOrganisation
          : 0;
    else {
      // The key is the word in lower case, `’` as `'`, without a possessive `'s` (upper case too).
      const possessive =
        end - start > 2 && LOWER_CODE[text.charCodeAt(end - 1)] === 115 && isApostrophe(text.charCodeAt(end - 2));
      word.lists =
        word.foldable && !possessive
          ? lists.getWord(this.units, start, end, word.hash, true)
          : lists.get(text, start, possessive ? end - 2 : end, true);
      if (word.lists < 0) {
        let key = straightApostrophes(text.slice(start, end).toLowerCase());
        if (key.length > 2 && key.endsWith("'s")) key = key.slice(0, -2);
        word.lists = lists.get(key, 0, key.length, false);
      }
    }
    return word.lists;
  }

  private isIn(word: Word, list: In): boolean {
    return (this.listsOf(word) & list) !== 0;
  }

  /**
   * Whether `St. ` or `Ste. ` stands right before `start`: a saint's name names a place, church,
   * school or hospital (`at St. Mary's Hospital`, `The St. Louis office`). Not after a number or a
   * capitalized word other than a function word (`The`, `At`), where `St.` ends a street (`12 High St. Anna Berg`).
   */
  private afterSaint(start: number): boolean {
    const { text } = this;
    // `St. ` or `Ste. ` right before the run: `saint` is where its `S` stands.
    if (start < 4 || text.charCodeAt(start - 1) !== 32 || text.charCodeAt(start - 2) !== 46) return false;
    let saint = start - 4;
    if (text.charCodeAt(saint + 1) === 101) saint--; // `Ste.`
    if (saint < 0 || text.charCodeAt(saint) !== 83 || text.charCodeAt(saint + 1) !== 116) return false;
    if (saint === 0) return true;
    const separator = text.charCodeAt(saint - 1);
    // Glued to a word or a number (`HighSt.`, `12St.`): an abbreviation of a street.
    if (letterClass(separator) !== 0 || isDigit(separator)) return false;
    // After a bracket, a quote or a line break: a saint.
    if (separator !== 32) return true;
    // After a number or a capitalized word other than a function word, `St.` ends a street.
    const wordEnd = saint - 1;
    let wordStart = wordEnd;
    while (wordStart > 0 && isWordCharacter(text.charCodeAt(wordStart - 1))) wordStart--;
    if (wordStart === wordEnd) return !isDigit(text.charCodeAt(wordEnd - 1));
    if (letterClass(text.charCodeAt(wordStart)) !== LETTER_UPPER) return true;
    return (this.lexicon.lists.getLowerCased(text, wordStart, wordEnd) & In.Boundary) !== 0;
  }

  /**
   * Whether the single capitalized word `text[start, end)` stands beside another across ` & `, each
   * alone (no capitalized word joined to it by a space), and the two are not both given names or are
   * one word twice; or the pair ends in a firm's legal form (`Tallis & Reed LLP`, `Kofi & Co`).
   */
  private inFirmName(start: number, end: number): boolean {
    const { text } = this;
    let partnerStart = -1;
    let partnerEnd = -1;
    if (text.startsWith(' & ', end)) {
      partnerStart = end + 3;
      if (stickyTest(FIRM_FORM, text, partnerStart)) return true;
      partnerEnd = partnerStart;
      while (partnerEnd < text.length && isWordCharacter(text.charCodeAt(partnerEnd))) partnerEnd++;
      if (text.charCodeAt(partnerEnd) === 32 && letterClass(text.charCodeAt(partnerEnd + 1)) === LETTER_UPPER)
        return stickyTest(FIRM_FORM, text, partnerEnd + 1);
    } else if (start >= 4 && text.startsWith(' & ', start - 3)) {
      if (text.charCodeAt(end) === 32 && stickyTest(FIRM_FORM, text, end + 1)) return true;
      partnerEnd = start - 3;
      partnerStart = partnerEnd;
      while (partnerStart > 0 && isWordCharacter(text.charCodeAt(partnerStart - 1))) partnerStart--;
      if (
        partnerStart >= 2 &&
        text.charCodeAt(partnerStart - 1) === 32 &&
        letterClass(text.charCodeAt(partnerStart - 2)) !== 0
      ) {
        // Only a capitalized word before it joins the partner: `Dear Ana & Bruno` is two names after a greeting.
        let before = partnerStart - 1;
        while (before > 0 && isWordCharacter(text.charCodeAt(before - 1))) before--;
        if (letterClass(text.charCodeAt(before)) === LETTER_UPPER) return false;
      }
    } else return false;
    if (partnerEnd - partnerStart < 2 || letterClass(text.charCodeAt(partnerStart)) !== LETTER_UPPER) return false;
    const { lists } = this.lexicon;
    const given = (from: number, to: number) => (lists.getLowerCased(text, from, to) & In.Given) !== 0;
    // `Johnson & Johnson`: one word twice is a firm's name, whatever lists hold it.
    if (text.slice(start, end) === text.slice(partnerStart, partnerEnd)) return true;
    return !(given(start, end) && given(partnerStart, partnerEnd));
  }

  /**
   * Whether `word`, a name the lists know that is no English word, follows a comma after a lone
   * capitalized word after a person's record key or a strong label: `Patient: O'Connor, Siobhan`
   * is one name, written surname first; not an item of a list (`Patient: Smith, Jones and Brown`).
   */
  private isSurnameCommaGiven(word: Word, endBefore: number): boolean {
    if (this.runLength !== 1 || word.shape !== Shape.Capitalized || !isCommaJoin(this.units, endBefore, word.start))
      return false;
    const surname = this.run[0] as Word;
    const lists = this.listsOf(word);
    if (surname.shape !== Shape.Capitalized || (lists & In.Known) === 0 || (lists & In.Common) !== 0) return false;
    const { text } = this;
    // `Patient: Smith, Jones and Brown` lists three people; `Attendees: Zorblax, Anna Berg` two,
    // the second with a surname of its own (an initial or a middle name may follow a given name:
    // `Doe, Jane A.`, `Doe, Jane Marie`).
    if (LISTED_AFTER.test(text.slice(word.end, word.end + 6))) return false;
    if (
      text.charCodeAt(word.end) === 32 &&
      letterClass(text.charCodeAt(word.end + 1)) === LETTER_UPPER &&
      letterClass(text.charCodeAt(word.end + 2)) !== 0 &&
      !this.isGivenNameAt(word.end + 1)
    )
      return false;
    return (
      fieldBefore(text, surname.start) === Field.Person ||
      nameLabelBefore(text, this.units, surname.start) === Label.Strong
    );
  }

  /** Whether the word at `start` is a given name (a middle name: `Doe, Jane Marie`). */
  private isGivenNameAt(start: number): boolean {
    const { text, units } = this;
    let end = start;
    while (end < text.length && letterClass(text.charCodeAt(end)) !== 0) end++;
    return (this.lexicon.lists.getWord(units, start, end, hashOf(text, start, end), true) & In.Given) !== 0;
  }

  /**
   * Whether `run[index]`, a place word that is also a common surname (`Park`, `Hill`, `Lane`), ends
   * a two-word piece after a given name that is no English word: `Susan Park`, `Damon Hill`, not
   * `Central Park` or `Forest Hill`; and no place preposition stands before it (`at Victoria Park`).
   */
  private isSurnameAfterGivenName(pieceStart: number, index: number, length: number): boolean {
    if (index !== pieceStart + 1 || index !== length - 1) return false;
    const { text } = this;
    const word = this.run[index] as Word;
    if (!PLACE_SURNAMES.has(text.slice(word.start, word.end).toLowerCase())) return false;
    const given = this.run[pieceStart] as Word;
    if (given.shape !== Shape.Capitalized || (this.listsOf(given) & (In.Given | In.Common | In.Rarer)) !== In.Given)
      return false;
    return !PLACE_PREPOSITION_BEFORE.test(text.slice(Math.max(0, given.start - 8), given.start));
  }

  private isCommonOnly(word: Word): boolean {
    return (this.listsOf(word) & (In.Common | In.Known)) === In.Common;
  }

  private isNameWord(word: Word): boolean {
    return word.shape === Shape.Capitalized && !this.isIn(word, In.Particle);
  }

  private isMarker(word: Word): boolean {
    return word.shape === Shape.Capitalized && this.isIn(word, In.PlaceOrOrganisation);
  }

  /** Copies `word` to the end of the run, or notes that the run outgrew any name. */
  private extendRun(word: Word): void {
    if (this.runLength === MAX_RUN_LENGTH) {
      this.runOverflowEnd = word.end;
      return;
    }
    if (this.runLength === this.run.length) this.run.push(newWord());
    const copy = this.run[this.runLength++] as Word;
    copy.start = word.start;
    copy.end = word.end;
    copy.shape = word.shape;
    copy.hash = word.hash;
    copy.foldable = word.foldable;
    copy.lists = -1;
  }

  /** Whether a strong label or an honorific stands before the run or after its first word (`Dr. | Emily`). */
  private titled(length: number): boolean {
    const { text, units, run } = this;
    if (nameLabelBefore(text, units, (run[0] as Word).start) === Label.Strong) return true;
    return length > 1 && nameLabelBefore(text, units, (run[1] as Word).start) === Label.Strong;
  }

  /** Records a lone word (see {@link PersonScan.lone}); a typed array, as 100,000 of them in 1 MB cost little. */
  private addName(start: number, end: number, confidence: number): void {
    if (this.namesFound === this.confidences.length) {
      const names = new Int32Array(Math.max(32, this.names.length * 2));
      names.set(this.names);
      this.names = names;
      const confidences = new Float64Array(Math.max(16, this.confidences.length * 2));
      confidences.set(this.confidences);
      this.confidences = confidences;
    }
    this.names[2 * this.namesFound] = start;
    this.names[2 * this.namesFound + 1] = end;
    this.confidences[this.namesFound++] = confidence;
  }

  private addLone(start: number, end: number): void {
    if (this.loneLength + 2 > this.lone.length) {
      const grown = new Int32Array(Math.max(16, this.lone.length * 2));
      grown.set(this.lone);
      this.lone = grown;
    }
    this.lone[this.loneLength++] = start;
    this.lone[this.loneLength++] = end;
  }

  private closeRun(): void {
    let length = this.runLength;
    if (length === 0) return;
    const { text, run } = this;
    const overflow = this.runOverflowEnd;
    this.runLength = 0;
    this.runOverflowEnd = -1;
    // `Name: Li Wei Sex: M`: a common word before `:` is the next field's label, not a part of the name.
    if (
      length > 1 &&
      overflow < 0 &&
      text.charCodeAt((run[length - 1] as Word).end) === 58 &&
      this.isCommonOnly(run[length - 1] as Word)
    )
      length--;
    const runStart = (run[0] as Word).start;
    const runEnd = overflow >= 0 ? overflow : (run[length - 1] as Word).end;
    // A run longer than any name (a title-case heading, a line of initials) or without a
    // capitalized word is no name, and costs no judging.
    let capitalized = false;
    for (let index = 0; index < length; index++)
      if ((run[index] as Word).shape === Shape.Capitalized) capitalized = true;
    if (overflow >= 0 || !capitalized) return this.reject(runStart, runEnd);
    // A value in a record: `"city": "Madison"` is a place, `first_name=Ubul` a name.
    const field = fieldBefore(text, runStart);
    if (field === Field.NotPerson) return this.reject(runStart, runEnd);
    // A place or a firm under a person's key is judged as anywhere else (`Customer: Ostara Pharma`,
    // `Referrer: Morgan Stanley`).
    if (field === Field.Person && !this.namesPlace(length) && this.firmWords(length) === 0) {
      // `Physician: Dr. Susan Park`: the honorific alone is a run of its own, before the name.
      if (length === 1 && this.isIn(run[0] as Word, In.Boundary)) return this.reject(runStart, runEnd);
      // `Attendees: Payments squad, SRE on-call`: a word before a team noun names the team.
      if (length === 1 && text.charCodeAt(runEnd) === 32 && stickyTest(TEAM_AFTER, text, runEnd))
        return this.reject(runStart, runEnd);
      // `"name": "Create contact"`, `- name: Deploy over SSH`: one capitalized word that no name list
      // holds is a thing's name (a request, a step, a header), as after a weak label.
      let first = 0;
      while (first < length - 1 && (!this.isNameWord(run[first] as Word) || this.isIn(run[first] as Word, In.Boundary)))
        first++;
      // A family name first may be a word too (`Name: Doe, Jane`).
      const label =
        length === 1 && this.isCommonOnly(run[first] as Word) && text.charCodeAt(runEnd) !== 44
          ? Label.Weak
          : Label.Strong;
      return this.addItem(this.judge(0, length, label));
    }
    // `Name:`, `Cardholder:`, `City:`: a label or record key before its value is no name.
    if (
      length === 1 &&
      text.charCodeAt(runEnd) === 58 &&
      (isLabelLastWord(text, runStart, runEnd, (run[0] as Word).hash) || fieldOf(text, runStart, runEnd) !== Field.None)
    )
      return this.reject(runStart, runEnd);
    // `Oak Avenue, Madison, NC 47258`: a place before a state or province code, unless an honorific
    // or a strong label says otherwise (`Dr. Emily Carter, MD` holds a degree, not Maryland).
    // A full name keeps a credential after it (`Giulia Rossi, MD`); one word stays a town (`Baltimore, MD`).
    if (
      beforeRegionCode(text, runEnd) &&
      !this.titled(length) &&
      !(length > 1 && stickyTest(CREDENTIAL_AFTER, text, runEnd))
    )
      return this.reject(runStart, runEnd);
    // `born in Leeds`, `in Mora de Rubielos`: after `in`, a place (`in Maria's view` aside).
    if (afterIn(text, runStart) && !endsWithPossessive(text, runEnd)) return this.reject(runStart, runEnd);
    // `nato a Verona`, `née à Lyon`, `urodzona w Gdańsku`, `född i Malmö`: where someone was born.
    if (bornAtBefore(text, runStart)) return this.reject(runStart, runEnd);
    if (
      length === 1 &&
      text.startsWith('from ', runStart - 5) &&
      runStart >= 5 &&
      !this.isIn(run[0] as Word, In.Given) &&
      ORIGIN_BEFORE.test(text.slice(Math.max(0, runStart - 48), runStart))
    )
      return this.reject(runStart, runEnd);
    // `drive from Jackson to Madison`, `the ferry to Victoria`: the end of a trip is a place.
    if (afterTrip(text, runStart) && !endsWithPossessive(text, runEnd) && !this.titled(length))
      return this.reject(runStart, runEnd);
    // `St. Mary's Hospital`: a saint names a place.
    if (this.afterSaint(runStart)) return this.reject(runStart, runEnd);
    // `Ernst & Young`, `Procter & Gamble`: two single words joined by `&` name a firm, unless both
    // are given names (`Tom & Jerry`, `Ana & Bruno`).
    if (length === 1 && this.inFirmName(runStart, runEnd)) return this.reject(runStart, runEnd);
    if (
      text.charCodeAt(runEnd) === 32 &&
      LEGAL_FORM_FIRST_LETTERS.has(text.charCodeAt(runEnd + 1)) &&
      stickyTest(LEGAL_FORM_AFTER, text, runEnd)
    )
      return this.reject(runStart, runEnd);
    // `Moscow 125009`: a town before its postal code; not a given name or a full name before a
    // record number (`Anna 102345`, `John Smith 123456`).
    if (
      length === 1 &&
      text.charCodeAt(runEnd) === 32 &&
      stickyTest(POSTAL_CODE_AFTER, text, runEnd) &&
      !this.isIn(run[0] as Word, In.Given) &&
      !this.titled(length)
    )
      return this.reject(runStart, runEnd);
    // `our Austin office`, `20 Dell laptops`: a place or product noun after it names a place or brand.
    // A full name keeps it (`Kevin Brown office hours`).
    if (
      length === 1 &&
      text.charCodeAt(runEnd) === 32 &&
      stickyTest(PLACE_OR_PRODUCT_AFTER, text, runEnd) &&
      !this.titled(length)
    )
      return this.reject(runStart, runEnd);
    // An eponym of a disease or a fracture: `Colles' fracture`, `Stevens–Johnson syndrome`, `enfermedad
    // de Crohn`, `Morbus Crohn`.
    if (length === 1 && isEponymOfCondition(text, runStart, runEnd)) return this.reject(runStart, runEnd);
    // `"Mongo": "mongodb+srv://…"`: a quoted key; a given name may key a person's record (`"Anna": {`).
    if (length === 1 && isQuotedKey(text, runStart, runEnd) && !this.isIn(run[0] as Word, In.Given))
      return this.reject(runStart, runEnd);
    // `den Zugang zum Keller`: after a German article, a noun.
    if (length === 1 && afterGermanArticle(text, runStart) && !this.isIn(run[0] as Word, In.Given))
      return this.reject(runStart, runEnd);
    if (length === 1 && (run[0] as Word).shape === Shape.Capitalized && runStart >= this.fromIndex)
      this.addLone(runStart, runEnd);
    // Pieces: a boundary word ends one (`Dear | Anna`); a place or organisation word takes the words
    // before it (`Anna Street`, `Acme Holdings`, `Armenomonastiro Cyprus`) or, for a prefix such as
    // `New` or `San`, the word after it (`New York`), and the rest is judged on its own. Splitting
    // rather than rejecting the whole run keeps redaction idempotent: the rest is judged the same
    // once the place beside it has become `[REDACTED:ADDRESS]`. After a strong name label the first
    // piece is a name whatever its words (`was called Erin Dale`).
    let marker = false;
    for (let index = 0; index < length; index++) if (this.isMarker(run[index] as Word)) marker = true;
    let labelled = marker && !this.namesPlace(length) && nameLabelBefore(text, this.units, runStart) === Label.Strong;
    /** The piece being read: `run[pieceStart, index)`. */
    let pieceStart = this.firmWords(length);
    // `Morgan Stanley lifted`, `Johnnie Walker Black Label`: a firm named after people is no name.
    if (pieceStart > 0) {
      this.reject(runStart, (run[pieceStart - 1] as Word).end);
      labelled = false;
    }
    for (let index = pieceStart; index < length; index++) {
      const word = run[index] as Word;
      if (word.shape === Shape.Capitalized && this.isIn(word, In.Boundary)) {
        if (index > pieceStart) this.addItem(this.judgeInContext(pieceStart, index));
        this.reject(word.start, word.end);
        pieceStart = index + 1;
        labelled = false;
      } else if (this.isMarker(word) && !labelled && !this.isSurnameAfterGivenName(pieceStart, index, length)) {
        if (this.isIn(word, In.PlacePrefix)) {
          if (index > pieceStart) this.addItem(this.judgeInContext(pieceStart, index));
          const next = index + 1 < length ? (run[index + 1] as Word) : undefined;
          const taken = next !== undefined && next.shape === Shape.Capitalized && !this.isIn(next, In.Boundary);
          if (taken) index++;
          this.reject(word.start, taken ? next.end : word.end);
        } else this.reject(index > pieceStart ? (run[pieceStart] as Word).start : word.start, word.end);
        pieceStart = index + 1;
      } else if (index < length - 1 && endsWithPossessive(text, word.end)) {
        // A possessive ends the name it belongs to: `Faina D. Yefremova's | Cautionary Tales`.
        this.addItem(this.judgeInContext(pieceStart, index + 1));
        pieceStart = index + 1;
        labelled = false;
      }
    }
    if (length > pieceStart) this.addItem(this.judgeInContext(pieceStart, length));
  }

  /**
   * Whether the run holds a place or organisation word that no name list holds (`Larkspur Bank`,
   * `Ostara Pharma`, `Anna Street`): a label before it (`Bill to:`, `Customer:`) names a firm or a
   * place then, not a person. `Dale`, `Hill` are names too (`was called Erin Dale`).
   */
  private namesPlace(length: number): boolean {
    for (let index = 0; index < length; index++) {
      const word = this.run[index] as Word;
      if (this.isMarker(word) && !this.isIn(word, In.Known)) return true;
    }
    return false;
  }

  /** How many words at the start of the run name a firm of {@link EPONYMOUS_FIRMS}; 0 for none. */
  private firmWords(length: number): number {
    const firm = this.firmAt(0, length) || this.firmAfterAbbreviation(length);
    // `Meanwhile John Deere slipped`: after a capitalized common word that starts a sentence.
    if (firm === 0 && length > 2 && this.isCommonOnly(this.run[0] as Word)) {
      const after = this.firmAt(1, length);
      return after === 0 ? 0 : after + 1;
    }
    return firm;
  }

  /**
   * How many words at the start of the run name a firm of {@link EPONYMOUS_FIRMS} with the
   * abbreviation before the run (`Dr. Martens`, `Mrs. Meyer's`: a run starts after a full stop); 0 for none.
   */
  private firmAfterAbbreviation(length: number): number {
    const { run, text } = this;
    const start = (run[0] as Word).start;
    if (start < 3 || text.charCodeAt(start - 1) !== 32 || text.charCodeAt(start - 2) !== 46) return 0;
    let abbreviation = start - 2;
    while (abbreviation > 0 && start - 2 - abbreviation < 4 && letterClass(text.charCodeAt(abbreviation - 1)) !== 0)
      abbreviation--;
    if (abbreviation === start - 2) return 0;
    for (let words = Math.min(length, MAX_FIRM_WORDS - 1); words >= 1; words--) {
      const name = straightApostrophes(text.slice(abbreviation, (run[words - 1] as Word).end))
        .toLowerCase()
        .replace(/\s+/g, ' ');
      if (FIRMS.has(name) || FIRMS.has(name.replace('. ', ' '))) return words;
    }
    return 0;
  }

  /** How many words from `run[from]` on name a firm of {@link EPONYMOUS_FIRMS}; 0 for none. */
  private firmAt(from: number, length: number): number {
    const { run, text } = this;
    const first = run[from] as Word;
    if (length - from < 2 || !hasBit(FIRM_FIRST_WORD_BITS, first.hash)) return 0;
    for (let words = Math.min(length - from, MAX_FIRM_WORDS); words >= 2; words--) {
      const name = straightApostrophes(text.slice(first.start, (run[from + words - 1] as Word).end))
        .toLowerCase()
        .replace(/\s+/g, ' ');
      if (FIRMS.has(name)) return words;
    }
    return 0;
  }

  /** Judges the piece `run[from, to)` with the label before its first name word, if that makes it a name. */
  private judgeInContext(from: number, to: number): Item {
    let firstName = from;
    while (firstName < to && !this.isNameWord(this.run[firstName] as Word)) firstName++;
    // A label before leading initials labels the name they start (`Regards,\nJ. R. R. Tolkien`).
    const labelled = firstName - this.leadingInitials(from, firstName);
    const label =
      firstName === to ? Label.None : nameLabelBefore(this.text, this.units, (this.run[labelled] as Word).start);
    // After a strong label the whole piece is the name (`Mr. Graves Anna`), never a part of it:
    // judged without the label, `Graves` would be dropped and, once `Anna` is redacted, found alone.
    if (label === Label.Strong) return this.judge(from, to, label);
    const judged = this.judge(from, to, Label.None);
    if (judged.status === Status.Name || judged.end <= judged.start || label === Label.None) return judged;
    return this.judge(from, to, label);
  }

  /**
   * Judges the piece `run[from, to)`: capitalized words with initials and particles inside. After
   * a name label or an honorific (`Dear`, `my name is`, `Mr.`) any piece counts that does not start
   * with a common English word.
   */
  private judge(from: number, to: number, label: Label): Item {
    const words = this.run;
    let first = from;
    let last = to - 1;
    while (first <= last && !this.isNameWord(words[first] as Word)) first++;
    while (last >= first && !this.isNameWord(words[last] as Word)) last--;
    // A capitalized common word before the name is a role or a sentence start (`Guitarist John Smith`).
    if (label === Label.None) while (first < last && this.isCommonOnly(words[first] as Word)) first++;
    // Initials with full stops before the name are a part of it (`J. R. Thompson`).
    const initials = first <= last ? this.leadingInitials(from, first) : 0;
    const start = (words[Math.min(first - initials, to - 1)] as Word).start;
    const end = (words[Math.max(last, from)] as Word).end;
    if (first > last) return item(start, end, Status.Rejected, 0);
    // The name words from `first` to `last`: how many, the first of them, and what the others are.
    let count = 0;
    let firstName = words[last] as Word;
    let restCommonOnly = false;
    let anyKnown = false;
    for (let index = first; index <= last; index++) {
      const word = words[index] as Word;
      if (!this.isNameWord(word)) continue;
      if (count === 0) firstName = word;
      else if ((this.listsOf(word) & (In.Common | In.Known | In.OtherLanguage)) === In.Common) restCommonOnly = true;
      if (this.isIn(word, In.Known)) anyKnown = true;
      count++;
    }
    if (label !== Label.None) {
      const commonFirst = this.isCommonOnly(firstName);
      if ((commonFirst && (label === Label.Weak || afterCapitalsHonorific(this.text, start))) || count > MAX_RUN_WORDS)
        return item(start, end, Status.Rejected, 0);
      return item(start, end, Status.Name, label === Label.Strong ? 0.75 : 0.6);
    }
    if (count === 1) {
      if (this.isCommonOnly(firstName)) return item(start, end, Status.Rejected, 0);
      // `zum 23. Juli 2022`: a word between a day and a year is a month; `Jan 28 19:20:01` too.
      if (inDate(this.text, start, end) || isMonthBeforeDay(this.text, start, end))
        return item(start, end, Status.Rejected, 0);
      // `No Parkinson's or Alzheimer's history`: a disease named after its describer.
      if (endsWithPossessive(this.text, end) && DISEASE_EPONYMS.has(this.text.slice(start, end - 2).toLowerCase()))
        return item(start, end, Status.Rejected, 0);
      // An initial before a word that is no common word makes it a surname: `J. R. Zorblax`.
      if (initials > 0) return item(start, end, Status.Name, 0.5);
      const known = this.isIn(firstName, In.Known);
      // `a quote from Figma`: a brand alone is the firm; its possible context is still read (`Figma said`).
      if (this.isIn(firstName, In.Brand)) return item(start, end, Status.Possible, 0.5);
      if (known && !this.isIn(firstName, In.Common)) return item(start, end, Status.Name, 0.5, known);
      // A word no list holds, with the ending of a family name (`Sokolov`, `Ryhänen`), is one; not after `at`.
      if (!known && !this.isIn(firstName, In.Common | In.Rarer) && this.hasSurnameEnding(start, end))
        return item(start, end, Status.Name, 0.45);
      return item(start, end, Status.Possible, 0.5, known);
    }
    if (count > MAX_RUN_WORDS) return item(start, end, Status.Rejected, 0);
    // A given name that is also a word (`Grace`, `Mark`) needs a name-like rest: `Grace Period` is not a name.
    if (this.isIn(firstName, In.Given) && (!this.isIn(firstName, In.Common) || !restCommonOnly))
      return item(start, end, Status.Name, 0.6);
    if (!restCommonOnly && !this.isCommonOnly(firstName)) return item(start, end, Status.Name, anyKnown ? 0.55 : 0.4);
    return item(start, end, Status.Rejected, 0);
  }

  /** Whether the word from `start` to `end` has the ending of a family name ({@link SURNAME_ENDINGS}), not after `at`. */
  private hasSurnameEnding(start: number, end: number): boolean {
    const { text } = this;
    const ending = surnameEndingLength(text, start, end);
    if (ending === 0) return false;
    const stemLists = this.lexicon.lists.getLowerCased(text, start, end - ending);
    return (
      (stemLists & (In.Common | In.OtherLanguage)) !== In.Common &&
      !PLACE_PREPOSITION_BEFORE.test(text.slice(Math.max(0, start - 8), start))
    );
  }

  /** How many initials with a full stop (`J.`), and particles after them, stand right before `run[index]`, from `run[from]` on. */
  private leadingInitials(from: number, index: number): number {
    // Particles between the initials and the name are a part of it too: `F. de Wit`, `J. van Dijk`.
    let particles = 0;
    while (index - particles > from) {
      const word = this.run[index - particles - 1] as Word;
      if (word.shape !== Shape.Lower || !this.isIn(word, In.Particle)) break;
      particles++;
    }
    let count = 0;
    while (index - particles - count > from) {
      const word = this.run[index - particles - count - 1] as Word;
      if (word.shape !== Shape.Initial || this.text.charCodeAt(word.end - 1) !== 46) break;
      count++;
    }
    return count === 0 ? 0 : count + particles;
  }

  private closeLowerName(): void {
    this.lowerInitial = false;
    if (this.lowerNameStart < 0) return;
    const start = this.lowerNameStart;
    const end = this.lowerNameEnd;
    const byList = this.lowerByList;
    this.lowerNameStart = -1;
    this.lowerByList = false;
    // `max(len(a), 3)`, `claude = anthropic.Anthropic(`, `user.ella`: code, no name.
    if (isCodeWord(this.text, start, end)) return this.reject(start, end);
    // `max 5 attempts`, `"max": 4`, `10 juli 2024`: a quantity's word, a key or a month, no name.
    if (beforeValue(this.text, end) || inDate(this.text, start, end)) return this.reject(start, end);
    // `labels: { team: victoria }`, `city=austin`: the value of a key for no person.
    if (fieldBefore(this.text, start) === Field.NotPerson) return this.reject(start, end);
    // `Ella vive en el mismo`, `relativa alla fattura`: a given name of one language is a word of
    // another among that language's words (not after a label: `me llamo vitoria`).
    if (byList && this.amongOtherLanguageWords(start, end)) return this.reject(start, end);
    this.addItem(item(start, end, Status.Name, 0.4));
  }

  /**
   * Whether the nearest word of four letters or more before or after `text[start, end)` on its line
   * (past at most two shorter ones: `vive en el mismo`) is a common word of another language that no
   * name list holds. Reads at most FOREIGN_CONTEXT_CHARACTERS on each side.
   */
  private amongOtherLanguageWords(start: number, end: number): boolean {
    const { text, units } = this;
    const { lists } = this.lexicon;
    const foreign = (from: number, to: number) => {
      const found = lists.getLowerCased(text, from, to);
      return found > 0 && (found & In.OtherLanguage) !== 0 && (found & In.Known) === 0;
    };
    // The name's own words are known already: a given name, and a surname or a word no list holds.
    // Before: words end where a space starts; the nearest long one decides.
    const lowest = Math.max(0, start - FOREIGN_CONTEXT_CHARACTERS);
    let position = start;
    for (let words = 0; words < 3 && position > lowest + 1 && units[position - 1] === 32; words++) {
      const wordEnd = position - 1;
      let from = wordEnd;
      while (from > lowest && letterAt(units, from - 1) !== 0) from--;
      if (from === wordEnd) break;
      if (wordEnd - from >= 4) {
        if (foreign(from, wordEnd)) return true;
        break;
      }
      position = from;
    }
    const highest = Math.min(text.length, end + FOREIGN_CONTEXT_CHARACTERS);
    position = end;
    for (let words = 0; words < 3 && position < highest && units[position] === 32; words++) {
      const from = position + 1;
      let to = from;
      while (to < highest && letterAt(units, to) !== 0) to++;
      if (to === from) break;
      if (to - from >= 4) return foreign(from, to);
      position = to;
    }
    return false;
  }

  /**
   * Reads a word in capitals. After a name label or a record key for a name (`Customer name:`,
   * `Patient:`, `"name": "`), capitals start a name of up to four words, the first two joined by
   * spaces or a comma (`GARCIA, MARIA`); it counts when a name list holds one of its words, and no
   * word is a place, an organisation or a common word no list holds as a name. Capitals elsewhere
   * are headings and acronyms.
   */
  private readUpperName(word: Word, endBefore: number): void {
    const lists = this.listsOf(word);
    const known = (lists & In.Known) !== 0;
    // A name the lists know may be a word too (`JOHN`, `SMITH`); any other word must be none.
    const fits =
      (lists & (In.PlaceOrOrganisation | In.Boundary)) === 0 && (known || (lists & (In.Common | In.Rarer)) === 0);
    if (this.upperNameStart >= 0) {
      // After a name the lists know, a word is a surname whatever else it is (`JOHN DOE`).
      const fitsAfter = fits || (this.upperKnown > 0 && (lists & (In.PlaceOrOrganisation | In.Boundary)) === 0);
      const joined =
        joinedBySpaces(this.units, endBefore, word.start) ||
        (this.upperWords === 1 && isCommaJoin(this.units, endBefore, word.start));
      if (joined && fitsAfter && this.upperWords < MAX_UPPER_NAME_WORDS) {
        this.upperNameEnd = word.end;
        this.upperWords++;
        if (known) this.upperKnown++;
        if (!fits) this.upperAllFit = false;
        return;
      }
      this.closeUpperName();
    }
    // A first word may be a word too, as surnames are (`PATIENT NAME: DOE, JANE`): the name still
    // needs a word the lists know (see closeUpperName), so `NAME: NOT GIVEN` stays none.
    if ((lists & (In.PlaceOrOrganisation | In.Boundary)) !== 0) return;
    const labelled =
      nameLabelBefore(this.text, this.units, word.start) !== Label.None ||
      fieldBefore(this.text, word.start) === Field.Person;
    // Unlabelled, capitals may still be a name on a line of its own above an address or a contact
    // line (`SNEHA SHARMA\n7735 LAKEVIEW DRIVE`): see closeUpperName.
    if (!labelled && !(fits && startsLine(this.text, word.start, this.fromIndex))) return;
    this.upperNameStart = word.start;
    this.upperNameEnd = word.end;
    this.upperWords = 1;
    this.upperKnown = known ? 1 : 0;
    this.upperUnlabelled = !labelled;
    this.upperAllFit = fits;
  }

  private closeUpperName(): void {
    if (this.upperNameStart < 0) return;
    const start = this.upperNameStart;
    this.upperNameStart = -1;
    const named =
      this.upperKnown > 0 &&
      (!this.upperUnlabelled || (this.upperWords >= 2 && this.upperAllFit && this.lineAboveFinding(this.upperNameEnd)));
    if (named) this.addItem(item(start, this.upperNameEnd, Status.Name, 0.5));
    else this.reject(start, this.upperNameEnd);
  }

  /**
   * Whether the line ends at `end` and the next one starts with another finding (masked, as
   * U+0000): an address, a telephone number or an e-mail address under a name in a letter's head,
   * a label or a signature. Reads at most a line break and four spaces after `end`.
   */
  private lineAboveFinding(end: number): boolean {
    const { units } = this;
    let position = end;
    while (units[position] === 32 || units[position] === 9) position++;
    if (units[position] === 13) position++;
    if (units[position] !== 10) return false;
    const limit = position + 6;
    position++;
    while (position < limit && (units[position] === 32 || units[position] === 9)) position++;
    return position < this.text.length && units[position] === 0;
  }

  /** Notes where what more text could change starts: an item that ends close to the end. */
  private noteOpen(start: number, end: number): void {
    if (end > this.openFrom && start < this.earliestOpen) this.earliestOpen = start;
  }

  /** What is not a name ends any list before it. */
  private reject(start: number, end: number): void {
    this.noteOpen(start, end);
    this.closeList();
  }

  private addItem(candidate: Item): void {
    const added =
      candidate.status === Status.Possible && hasPersonContext(this.text, candidate, this.fromIndex)
        ? item(candidate.start, candidate.end, Status.Name, 0.45, candidate.known)
        : candidate;
    if (added.status === Status.Rejected) return this.reject(added.start, added.end);
    this.noteOpen(added.start, added.end);
    const last = this.list[this.list.length - 1];
    if (last !== undefined && !isListSeparator(this.text, last.end, added.start)) this.closeList();
    this.list.push(added);
    // Decide what has two items after it; keep only the window a later decision reads.
    while (this.decided < this.list.length - LIST_WINDOW) this.decide(this.decided++);
    if (this.decided > 64) {
      this.list = this.list.slice(this.decided - LIST_WINDOW);
      this.decided = LIST_WINDOW;
    }
  }

  private decide(index: number): void {
    const { list } = this;
    const decided = list[index] as Item;
    if (decided.start < this.fromIndex || decided.status === Status.Rejected) return;
    if (decided.status === Status.Name) {
      this.addName(decided.start, decided.end, decided.confidence);
      return;
    }
    // A possible name next to a name is one (`Gaetane, Hannah`); so is one among three or more with
    // a known word (`Šušulić, Bowman and White`), which a list of products or places rarely is.
    const from = Math.max(0, index - LIST_WINDOW);
    const to = Math.min(list.length - 1, index + LIST_WINDOW);
    let known = false;
    for (let other = from; other <= to; other++) {
      const neighbour = list[other] as Item;
      if (Math.abs(other - index) === 1 && neighbour.status === Status.Name) {
        this.addName(decided.start, decided.end, 0.45);
        return;
      }
      if (neighbour.known || neighbour.status === Status.Name) known = true;
    }
    if (known && to - from >= 2) this.addName(decided.start, decided.end, 0.45);
  }

  /**
   * Whether the two items of a list are one name written family name first (`Neumann, Gudrun`,
   * `IYER, Sneha`, `van der Merwe, Imogen`): the field holds nothing else (a line, a key's value, a
   * chat speaker after the time), the first item is no given name only (or is in capitals) and the
   * second is one or two words.
   */
  private isFamilyNameFirst(surname: Item, given: Item): boolean {
    const { text } = this;
    if (given.start !== surname.end + 2 || text.charCodeAt(surname.end) !== 44 || !endsField(text, given.end))
      return false;
    // The given names are one word or two (`Anne-Marie`, `Jane Marie`); after one, a family name
    // makes a full name and a list of two people (`Attendees: Zorblax, Anna Berg`).
    const space = spaceWithin(text, given.start, given.end);
    if (space >= 0) {
      if (spaceWithin(text, space + 1, given.end) >= 0) return false;
      if ((this.lexicon.lists.getLowerCased(text, space + 1, given.end) & In.Given) === 0) return false;
    }
    const surnameText = text.slice(surname.start, surname.end);
    // One family name, with its particles: `Wiebke Hoffmann, Maximilian Schäfer` is two people.
    let wordStart = surname.start;
    for (
      let space = text.indexOf(' ', wordStart);
      space >= 0 && space < surname.end;
      space = text.indexOf(' ', wordStart)
    ) {
      if ((this.lexicon.lists.getLowerCased(text, wordStart, space) & In.Particle) === 0) return false;
      wordStart = space + 1;
    }
    // `Anna, Maria` is two people: a family name may be a given name too, not a given name only.
    const inCapitals = surnameText === surnameText.toUpperCase();
    const lists = this.lexicon.lists.getLowerCased(text, wordStart, surname.end);
    if (!inCapitals && (lists & In.Given) !== 0 && (lists & In.Surnames) === 0) return false;
    return startsField(text, this.particlesBefore(surname.start), this.fromIndex);
  }

  /** Where the particles right before `start` begin (`von Arnim`, `Di Stefano`, `zu Dohna`), or `start`. */
  private particlesBefore(start: number): number {
    const { text } = this;
    let from = start;
    for (;;) {
      if (from < 2 || text.charCodeAt(from - 1) !== 32) return from;
      let wordStart = from - 1;
      while (wordStart > 0 && letterClass(text.charCodeAt(wordStart - 1)) !== 0) wordStart--;
      if (wordStart === from - 1) return from;
      const isParticle =
        (this.lexicon.lists.getLowerCased(text, wordStart, from - 1) & In.Particle) !== 0 ||
        (from - 1 - wordStart === 2 && text.slice(wordStart, from - 1).toLowerCase() === 'zu');
      if (!isParticle) return from;
      from = wordStart;
    }
  }

  private closeList(): void {
    const { list } = this;
    if (list.length === 0) return;
    const last = list[list.length - 1] as Item;
    // Items within two of the last may still change with the next item.
    const openItem = list[Math.max(this.decided, list.length - 1 - LIST_WINDOW)] as Item;
    if (last.end > this.openFrom && openItem.start < this.earliestOpen) this.earliestOpen = openItem.start;
    const surname = list[0] as Item;
    if (list.length === 2 && this.decided === 0 && this.isFamilyNameFirst(surname, last)) {
      const start = this.particlesBefore(surname.start);
      if (start >= this.fromIndex) this.addName(start, last.end, 0.6);
    } else for (let index = this.decided; index < list.length; index++) this.decide(index);
    // Most lists hold one item; `pop` keeps the array's storage, where `length = 0` gives it up.
    while (list.length > 0) list.pop();
    this.decided = 0;
  }
}

/**
 * Labels after which any capitalized word is a name, a common word included (`Her maiden name is
 * Key`, `was called Erin Dale`); honorifics count as these too (`Mrs. Baker`).
 */
const STRONG_NAME_LABELS = [
  'my name is',
  'name is',
  'name',
  'names',
  'full name',
  'last name',
  'first name',
  'family name',
  'given name',
  'maiden name',
  'surname',
  'call me',
  'named',
  'called',
  'signed',
  'attn',
  'cc',
  'directed by',
  'written by',
  'founded by',
  'starring',
  'named him',
  'named her',
  'calls me',
];
/** Labels after which a capitalized word that is not a common word is a name (`Dear Ubul`, `Thanks, Zorblax`). */
const WEAK_NAME_LABELS = [
  'i am',
  "i'm",
  'this is',
  'patient',
  'customer',
  'client',
  'contact',
  'employee',
  'applicant',
  'user',
  'dear',
  'hi',
  'hello',
  'ask for',
  'speak to',
  'talk to',
  'follow up with',
  // Speech verbs before the speaker: `said Maslin`, `says Hartvigsson`.
  'said',
  'says',
  'asked',
  'replied',
  'told',
  // Letter closings, before the signature.
  'best regards',
  'kind regards',
  'warm regards',
  'regards',
  'sincerely',
  'thanks',
  'cheers',
  'best',
  // Greetings and closings of other languages: `Beste Bill`, `Liebe Anna`, `Met vriendelijke groet,\nApril`.
  'beste',
  'hallo',
  'hoi',
  'liebe',
  'lieber',
  'querido',
  'querida',
  'caro',
  'cara',
  'cher',
  'chère',
  'bonjour',
  'hola',
  'olá',
  'ciao',
  'kära',
  'groet',
  'groeten',
  'grüßen',
  'grüße',
  'gruß',
  'cordialement',
  'saludos',
  'atentamente',
  'saluti',
  'atenciosamente',
  'abraços',
  'hälsningar',
  'pozdrawiam',
  'poważaniem',
  'hilsen',
  // A card's name: `name on card ANA MWANGI`; a Dutch payee: `t.n.v. F. de Wit` (in the name of).
  'name on card',
  't.n.v.',
  'ten name van',
];
/** Relatives and close contacts, after a possessive: `my kid Tadzio`, `her husband Zorblax`. */
const KIN_WORDS =
  'son daughter kid child baby wife husband brother sister mother mom mum father dad boyfriend girlfriend fiance fiancé fiancée cousin uncle aunt nephew niece grandson granddaughter grandmother grandfather grandma grandpa stepson stepdaughter friend colleague coworker boss neighbor neighbour'.split(
    ' ',
  );
WEAK_NAME_LABELS.push(
  ...['my', 'his', 'her', 'our', 'their', 'your'].flatMap((owner) => KIN_WORDS.map((kin) => `${owner} ${kin}`)),
);
const HONORIFICS = (
  'mr mrs ms miss mx dr prof sir dame lady lord rev capt sgt mister madam herr frau señor señora monsieur madame ' +
  // Other European languages: `Mme Lefèvre`, `Sra. Fernández`, `dott. Bianchi`, `mevrouw Jansen`, `Panie Kowalski`.
  'mme mlle sr sra srta señorita dott dottor dottoressa signor signora signorina dhr mevr heer mevrouw pani panie pana senhor senhora ' +
  // German declensions (`für Herrn Klaus Becker`) and Spanish `don`, `doña`.
  'herrn don doña ' +
  // Italian professional titles in letters and signatures: `Avv. Valentina Esposito`, `Ing. Rossi`.
  'avv ing geom'
).split(' ');
const HONORIFIC_WORDS = WordLists.of(HONORIFICS, 1);
const enum Field {
  None,
  Person,
  NotPerson,
}

/** Record keys (lower case, `_` and `-` removed) whose values are people. */
const PERSON_FIELDS = (
  'name fullname firstname lastname givenname familyname given family forename surname middlename maidenname displayname preferredname ' +
  'customername contactname patientname clientname employeename membername holdername cardholder cardholdername ' +
  'accountholder author assignee reporter approver requester recipient sender signedby owner manager employee ' +
  'customer contact patient client guardian spouse nextofkin emergencycontact beneficiary payee passenger ' +
  'traveler traveller guest tenant landlord buyer seller attendee participant member subscriber insured ' +
  'policyholder guarantor signatory witness physician doctor nurse student applicant candidate addressee ' +
  // Who took part (`Attendees: Priya Raman, …`) and commit trailers (`Reviewed-by: Jakub Nowak`).
  'attendee attendees participants invitee invitees presenter presenters speaker speakers panelist panelists ' +
  'organizer organizers organiser organisers host hosts reviewer reviewers approvers authors owners assignees ' +
  'recipients reviewedby signedoffby coauthoredby ackedby testedby reportedby suggestedby helpedby ' +
  // Addressees of mail and shipping papers (`To: Anna Berg`, `SHIP TO:\nGRAHAM THOMPSON`).
  'to cc bcc shipto billto deliverto soldto ' +
  // Roles on forms, claims, prescriptions and shipping papers (`Prescriber: Efua Appiah, NP`).
  'prescriber adjuster claimant consignee borrower coborrower cosigner referrer surgeon ' +
  'therapist pharmacist dentist caregiver carer technician inspector ' +
  'representative advisor adviser consultant referringphysician attendingphysician ' +
  // The same in other languages, as far as ASCII spells them (`Paciente: CARMEN GARCÍA`, `Nom: Dupont`).
  'paciente patiente patientin paziente nombre apellido apellidos nom prenom nome cognome naam voornaam achternaam ' +
  'nazwisko imie titular beneficiario cliente destinatario remitente destinataire facultativo medico ' +
  'medecin arzt kunde absender auftraggeber klant ontvanger afzender kontoinhaber empfanger intestatario ' +
  'rekeninghouder cardholder accountholder nameoncard dipendente werknemer naamwerknemer mitarbeiter empleado ' +
  'funcionario trabajador lavoratore salarie'
).split(' ');
/**
 * Record keys whose values are places, organisations or things, never a person. Not `address`:
 * an address block starts with the addressee (`Billing address: Ana Dias`).
 */
const NOT_PERSON_FIELDS = (
  'city town state province county region country countryname street streetname line1 line2 addressline1 ' +
  'addressline2 district suburb neighbourhood neighborhood company companyname organization ' +
  'organisation org orgname employer vendor supplier merchant bank bankname product productname brand model ' +
  'department team project title subject status type category tag host hostname filename file path ' +
  'description currency language locale timezone birthplace geburtsort geboorteplaats födelseort fødested ' +
  'nationality citizenship destination origin location venue site building office branch hotel airline carrier item'
).split(' ');
/** A birthplace's label ends in a key that alone names no place: `Place of birth:`, `Lugar de nacimiento:`. */
const BIRTHPLACE_KEY_BEFORE = /(?:place|lugar|lieu|luogo|local) (?:of|de|di) $/i;
const BIRTH_KEYS: ReadonlySet<string> = new Set(['birth', 'nacimiento', 'naissance', 'nascita', 'nascimento']);
/** Both lists of record keys, by the {@link Field} of their values (both bits: a person, as checked first). */
const FIELD_NAMES = WordLists.of(PERSON_FIELDS, 1 << Field.Person);
for (const field of NOT_PERSON_FIELDS) FIELD_NAMES.add(field, 1 << Field.NotPerson);
const MAX_FIELD_KEY_CHARACTERS = 32;

/**
 * What the record key before `start` says about the value there: `"city": "Madison"`,
 * `first_name=Ubul`, `<city>Clinton`. Cheap when there is no key: it stops at the first character
 * that is not a quote, a space, `:`, `=` or `>`.
 */
function fieldBefore(text: string, start: number): Field {
  let position = start;
  const limit = Math.max(0, start - MAX_FIELD_KEY_CHARACTERS - 8);
  if (position > limit && isQuote(text.charCodeAt(position - 1))) position--;
  // Spaces, or the line break of a form whose value sits under its key (`SHIP TO:\nGRAHAM THOMPSON`).
  while (position > limit && isSpace(text.charCodeAt(position - 1))) position--;
  // The first of a list of values: `"given": ["Chidi", …]` (FHIR's HumanName).
  if (position > limit && text.charCodeAt(position - 1) === 91) {
    position--;
    while (position > limit && text.charCodeAt(position - 1) === 32) position--;
  }
  const separator = text.charCodeAt(position - 1);
  if (separator !== 58 && separator !== 61 && separator !== 62) return Field.None;
  position--;
  if (separator === 62) {
    // `<city>Clinton`: the element name is the key.
    const open = text.lastIndexOf('<', position - 1);
    if (open < limit || open < 0) return Field.None;
    return fieldOf(text, open + 1, position);
  }
  while (position > limit && text.charCodeAt(position - 1) === 32) position--;
  if (position > limit && isQuote(text.charCodeAt(position - 1))) position--;
  let keyStart = position;
  while (keyStart > limit && isKeyCharacter(text.charCodeAt(keyStart - 1))) keyStart--;
  if (keyStart === position) return Field.None;
  const field = fieldOf(text, keyStart, position);
  if (
    field === Field.None &&
    position - keyStart <= 10 &&
    BIRTH_KEYS.has(text.slice(keyStart, position).toLowerCase()) &&
    BIRTHPLACE_KEY_BEFORE.test(text.slice(Math.max(0, keyStart - 9), keyStart))
  )
    return Field.NotPerson;
  // `To:` and `Cc:` name an addressee as a line's first word or after `Ship`, `Bill`, …; `Go to:` names none.
  if (
    field === Field.Person &&
    position - keyStart <= 3 &&
    !ADDRESSEE_KEY_BEFORE.test((keyStart <= 12 ? '\n' : '') + text.slice(Math.max(0, keyStart - 12), keyStart))
  )
    return Field.None;
  return field;
}

/** What may stand before a short addressee key (`to`, `cc`, `bcc`): the line's start, or `Ship`, `Bill`, `Deliver`, `Sold`. */
const ADDRESSEE_KEY_BEFORE = /\n[ \t]*(?:(?:ship|bill|deliver|sold|send|mail)[ _-]?)?$/i;

/** What the record key `text[start, end)` says about its value. */
function fieldOf(text: string, start: number, end: number): Field {
  // `billing.city`, `customer_name`, `firstName`: the last segment names the value.
  let segment = end;
  let plain = true;
  for (; segment > start; segment--) {
    const code = text.charCodeAt(segment - 1);
    if (code === 46) break;
    if (code === 95 || code === 45) plain = false;
  }
  let fields: number;
  if (plain) fields = FIELD_NAMES.getLowerCased(text, segment, end);
  else {
    const key = text.slice(segment, end).replace(/[_-]/g, '').toLowerCase();
    fields = FIELD_NAMES.get(key, 0, key.length, false);
  }
  if ((fields & (1 << Field.Person)) !== 0) return Field.Person;
  if ((fields & (1 << Field.NotPerson)) !== 0) return Field.NotPerson;
  return Field.None;
}

/**
 * A professional credential after a name and its comma (`Giulia Rossi, MD`, `O. Wanjiku, RN`,
 * `Efua Appiah, PA-C`): a person, not a place before a state code, unless a ZIP code follows
 * (`Baltimore, MD 21201`). Sticky, tested where a name ends; within LIST_LOOKAHEAD_CHARACTERS.
 */
const CREDENTIAL_AFTER =
  /, (?:MD|DO|RN|NP|PA(?:-C)?|PhD|DDS|DMD|PharmD|LPN|CNA|BSN|MSN|DNP|FNP(?:-[BC])?|MBBS|FRCS|MRCP|Esq|CPA|JD|MBA|MPH|DPM|CRNA|LCSW)\b(?![ ,]*\d)/y;

/** Whether `, XX` follows `end`, two capitals and no more: a US state or Canadian province code. */
function beforeRegionCode(text: string, end: number): boolean {
  if (text.charCodeAt(end) !== 44 || text.charCodeAt(end + 1) !== 32) return false;
  const first = text.charCodeAt(end + 2);
  const second = text.charCodeAt(end + 3);
  const after = text.charCodeAt(end + 4);
  // `NC 47258`, `ON,`, end of line or text: not `GB15…` or `NCA`.
  if (
    isAsciiUpper(first) &&
    isAsciiUpper(second) &&
    (Number.isNaN(after) || after === 32 || after === 44 || after === 10)
  )
    return true;
  // `Austin, Texas`, `Regina, Saskatchewan`: a state in full that is no given name too (not `Anna, Victoria`).
  if (!isAsciiUpper(first)) return false;
  STATE_AFTER.lastIndex = end;
  return STATE_AFTER.test(text);
}

/** `, ` and a state, province or territory in full that is no given name (`Georgia`, `Victoria` are). */
const STATE_AFTER = new RegExp(`, (?:${STATES_NO_NAME.join('|')})(?![\\p{L}\\p{N}])`, 'uy');

const isAsciiUpper = (code: number) => code >= 65 && code <= 90;
const isQuote = (code: number) => code === 34 || code === 39;
const isKeyCharacter = (code: number) =>
  (code >= 97 && code <= 122) ||
  (code >= 65 && code <= 90) ||
  (code >= 48 && code <= 57) ||
  code === 95 ||
  code === 45 ||
  code === 46;

const enum Label {
  None,
  Weak,
  Strong,
}
interface NameLabel {
  readonly label: string;
  /** The label but its first letter, which may be a capital. */
  readonly tail: string;
  readonly lastWord: string;
  readonly strength: Label;
}
/** Labels by the {@link hashStep} hash of their last word, the hash of a word of the text that may be it. */
const LABELS_BY_LAST_WORD = new Map<number, NameLabel[]>();
for (const [labels, strength] of [
  [STRONG_NAME_LABELS, Label.Strong],
  [WEAK_NAME_LABELS, Label.Weak],
] as const) {
  for (const label of labels) {
    const lastWord = label.slice(label.lastIndexOf(' ') + 1);
    const hash = hashOf(lastWord, 0, lastWord.length);
    const labelled = { label, tail: label.slice(1), lastWord, strength };
    LABELS_BY_LAST_WORD.set(hash, [...(LABELS_BY_LAST_WORD.get(hash) ?? []), labelled]);
  }
}
/** Hashes of the honorifics and of every label's last word, so a look-up costs one bit probe for almost every word. */
const LABEL_LAST_WORD_BITS = hashBits([
  ...HONORIFICS,
  ...[...LABELS_BY_LAST_WORD.values()].flatMap((labels) => labels.map(({ lastWord }) => lastWord)),
]);
/** How far back a label is looked for; longer than the longest label with its separators. */
const NAME_CONTEXT_CHARACTERS = 40;

/**
 * Which name label, letter closing or honorific ends right before `start`, if any: the label, an
 * optional `:`, `,`, `?`, `!` (`.` after an honorific), and one to three spaces or line breaks.
 * The label is written as it starts a sentence or follows one (`Dear`, `dear`), never in capitals.
 * `units` holds the text's code units (see {@link codeUnitsOf}) from NAME_CONTEXT_CHARACTERS
 * before `start` on, and the label is read from them.
 */
function nameLabelBefore(text: string, units: Uint16Array, start: number): Label {
  // `hey @Bill`: a chat mention addresses someone, as a greeting does.
  if (start > 0 && units[start - 1] === 64 && (start === 1 || !isWordCharacter(units[start - 2] as number)))
    return Label.Weak;
  let end = start;
  const limit = Math.max(0, start - NAME_CONTEXT_CHARACTERS);
  while (end > limit && end > start - 3 && isSpace(units[end - 1] as number)) end--;
  if (end === start || end <= limit) return Label.None;
  const punctuation = units[end - 1] as number;
  const hasPunctuation =
    punctuation === 58 || punctuation === 44 || punctuation === 63 || punctuation === 33 || punctuation === 46;
  if (hasPunctuation) end--;
  let wordStart = end;
  let hash = FNV_OFFSET;
  while (wordStart > limit && isWordCharacter(units[wordStart - 1] as number)) wordStart--;
  if (wordStart === end) return Label.None;
  // Most words before a name are no label: rule them out by hash before building a string.
  for (let index = wordStart; index < end; index++) hash = hashStep(hash, units[index] as number);
  if (!hasBit(LABEL_LAST_WORD_BITS, hash)) return Label.None;
  if (HONORIFIC_WORDS.getLowerCased(text, wordStart, end) !== 0 && (!hasPunctuation || punctuation === 46))
    return Label.Strong;
  if (hasPunctuation && punctuation === 46) return Label.None;
  let found = Label.None;
  let before: string | undefined;
  for (const { label, tail, lastWord, strength } of LABELS_BY_LAST_WORD.get(hash) ?? []) {
    if (strength <= found || !isLabelWord(text, wordStart, end, lastWord)) continue;
    if (before === undefined) {
      before = straightApostrophes(text.slice(Math.max(limit, end - 24), end));
      if (before.includes('  ')) before = before.replace(/ {2}/g, ' ');
    }
    if (before.length < label.length || !before.endsWith(tail)) continue;
    if (before.charAt(before.length - label.length).toLowerCase() !== label.charAt(0)) continue;
    const previous = before.charCodeAt(before.length - label.length - 1);
    if (Number.isNaN(previous) || !isWordCharacter(previous)) found = strength;
  }
  return found;
}

/**
 * Whether `text[start, end)` is `word` (a label's last word, in ASCII lower case) as a label is
 * written: its first letter in either case, `’` for `'`.
 */
function isLabelWord(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let index = 0; index < word.length; index++) {
    const code = text.charCodeAt(start + index);
    const expected = word.charCodeAt(index);
    if (code === expected || (code === 0x2019 && expected === 39)) continue;
    if (index > 0 || code >= CLASS_LIMIT || LOWER_CODE[code] !== expected) return false;
  }
  return true;
}

/** Whether `text[start, end)` (`hash` its hash) is the last word of a name label: `Name`, `Patient`. */
function isLabelLastWord(text: string, start: number, end: number, hash: number): boolean {
  if (!hasBit(LABEL_LAST_WORD_BITS, hash)) return false;
  for (const { lastWord } of LABELS_BY_LAST_WORD.get(hash) ?? [])
    if (isLabelWord(text, start, end, lastWord)) return true;
  return false;
}

/**
 * Whether an honorific in capitals stands right before `start` (`MR Number`, `DR. Bridge`): in
 * capitals it may be an abbreviation (`MR` for medical record), so a common word after it is none.
 */
function afterCapitalsHonorific(text: string, start: number): boolean {
  let end = start;
  while (end > 0 && isSpace(text.charCodeAt(end - 1)) && start - end < 3) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  let wordStart = end;
  while (wordStart > 0 && isAsciiUpper(text.charCodeAt(wordStart - 1))) wordStart--;
  if (end - wordStart < 2 || (wordStart > 0 && isWordCharacter(text.charCodeAt(wordStart - 1)))) return false;
  return HONORIFIC_WORDS.getLowerCased(text, wordStart, end) !== 0;
}

/** `value` with `’` as `'`; most values have none, and no replace runs. */
const straightApostrophes = (value: string) => (value.includes('’') ? value.replace(/’/g, "'") : value);

/** Words of a name in capitals: a family name, given names and one more. */
const MAX_UPPER_NAME_WORDS = 4;

/** Whether `, ` (or `,` alone) is all that stands between `end` and `start`: `GARCIA, MARIA`. */
function isCommaJoin(units: Uint16Array, end: number, start: number): boolean {
  return end >= 0 && units[end] === 44 && (start === end + 1 || (start === end + 2 && units[end + 1] === 32));
}

/** Whether `in `, `en ` or `em ` (any case, after a non-letter) stands right before `start`. */
function afterIn(text: string, start: number): boolean {
  if (start < 3 || text.charCodeAt(start - 1) !== 32) return false;
  // `in`, and `en` and `em` as Spanish, French and Portuguese write it (`nacido en Sevilla`).
  const second = text.charCodeAt(start - 2) | 0x20;
  const first = text.charCodeAt(start - 3) | 0x20;
  const preposition = (first === 105 || first === 101) && (second === 110 || (first === 101 && second === 109));
  return preposition && (start === 3 || letterClass(text.charCodeAt(start - 4)) === 0);
}

/**
 * A trip before `to`, `from`, `via` or `into`: a word of travel, then at most four words that
 * belong to the trip (`the`, `back`, a flight number `LH 625`, the place it starts from `Charlotte
 * (CLT)`): `the train from`, `Flight LH 625 to`, `fly Charlotte (CLT) to`, `drive from Jackson to`.
 * Not `the flight details to Anna`, nor `moved to` or `transferred to`, which a ticket or a call is,
 * to a person.
 */
const TRIP_WORDS = [
  'fly',
  'flying',
  'flies',
  'flew',
  'flight',
  'flights',
  'drive',
  'driving',
  'drives',
  'drove',
  'train',
  'trains',
  'ferry',
  'ferries',
  'bus',
  'buses',
  'coach',
  'travel\\w*',
  'trip',
  'trips',
  'journey',
  'road',
  'route',
  'commut\\w*',
  'depart\\w*',
  'relocat\\w*',
  'sail\\w*',
  'cruise',
];
const TRIP_BEFORE = new RegExp(
  `\\b(?:${TRIP_WORDS.map((word) => `[${word[0]}${word[0]?.toUpperCase()}]${word.slice(1)}`).join('|')})` +
    '(?: (?:the|a|an|my|our|your|their|back|home|direct|nonstop|straight|on|out|down|up|north|south|east|west|from|' +
    '[A-Z]{2} ?\\d{1,5}|\\d{1,5}|[A-Z][a-z]+(?: \\([A-Z]{3}\\))?)){0,4} (?:to|from|via|into) $',
);
const TRIP_BEFORE_CHARACTERS = 48;

/** Whether {@link TRIP_BEFORE} stands right before `start`; most words before a run are ruled out by their last letter. */
function afterTrip(text: string, start: number): boolean {
  if (start < 4 || text.charCodeAt(start - 1) !== 32) return false;
  const last = text.charCodeAt(start - 2) | 0x20;
  if (last !== 111 && last !== 109 && last !== 97) return false;
  return TRIP_BEFORE.test(text.slice(Math.max(0, start - TRIP_BEFORE_CHARACTERS), start));
}

/** How far back {@link afterLineKey} reads: a key and its indentation. */
const LINE_KEY_CHARACTERS = 40;

/**
 * Whether the word at `start` is the value of a lower-case key that starts its line (after
 * indentation and a list's `-`) or follows a mapping's `{` or `,` (`name: deploy`, `  - name: api`,
 * `{ name: api-tls`): a line of configuration, where a lower-case word is an identifier.
 */
function afterLineKey(text: string, start: number): boolean {
  const limit = Math.max(0, start - LINE_KEY_CHARACTERS);
  let position = start;
  while (position > limit && text.charCodeAt(position - 1) === 32) position--;
  const separator = text.charCodeAt(position - 1);
  if (position === limit || (separator !== 58 && separator !== 61)) return false;
  position--;
  while (position > limit && text.charCodeAt(position - 1) === 32) position--;
  const keyEnd = position;
  while (position > limit && isKeyCharacter(text.charCodeAt(position - 1))) position--;
  // A key in lower case: `Name: anna-lee` is a form's field, `name: anna-lee` a line of YAML.
  const first = text.charCodeAt(position);
  if (position === keyEnd || first < 97 || first > 122) return false;
  while (position > limit && isIndentation(text.charCodeAt(position - 1))) position--;
  const before = text.charCodeAt(position - 1);
  if (before === 123 || before === 44) return true;
  if (before === 45) position--;
  while (position > limit && isIndentation(text.charCodeAt(position - 1))) position--;
  return position === 0 || text.charCodeAt(position - 1) === 10;
}

const isIndentation = (code: number) => code === 32 || code === 9;

/** Whether a comma stands before `start`, spaces aside. */
function afterComma(units: Uint16Array, start: number): boolean {
  let position = start;
  while (position > 0 && units[position - 1] === 32) position--;
  return position > 0 && units[position - 1] === 44;
}

/** Whether the word ending at `end` ends in `'s` or `’s`. */
const endsWithPossessive = (text: string, end: number) =>
  end >= 2 && text.charCodeAt(end - 1) === 115 && isApostrophe(text.charCodeAt(end - 2));

const isSpace = (code: number) => code === 32 || code === 10 || code === 9 || code === 13;
const isWordCharacter = (code: number) => letterClass(code) !== 0 || isApostrophe(code);

/**
 * Verbs that follow a person far more often than a thing: `Mehrudin shouted at Todd`. Sticky
 * (`y`): tested where a name ends, with no string cut out of the text.
 */
const PERSON_VERBS =
  / (?:said|says|asked|asks|told|tells|replied|shouted|whispered|screamed|yelled|wrote|writes|began|sang|sings|smiled|laughed|cried|nodded|spent|lives|lived|works|worked|married|died|thinks|thought|wants|wanted|loves|loved|knows|knew|met|agreed|explained|emailed|texted|(?:is|was) from|was born|had (?:given|told|said|been)|to (?:send|share|follow up|review|check|draft|schedule|update|prepare|confirm|circulate|investigate|reach out|contact|book|arrange|write|fix|own|lead|present|ping))\b/y;
/**
 * What stands right before a person: a reporting verb after the words it reports (`," says Zorblax`)
 * or a verb whose object is a person (`had given Angel his address`, `I met Tadzio`). Tested on the
 * PERSON_BEFORE_CHARACTERS before a name, which the name pass always has in view.
 */
const PERSON_BEFORE_WORDS = [
  'said',
  'says',
  'asked',
  'asks',
  'replied',
  'replies',
  'added',
  'adds',
  'wrote',
  'explained',
  'noted',
  'according to',
  'told',
  'tells',
  'thanked',
  'thanks',
  'met',
  'married',
  'hired',
  'emailed',
  'texted',
  'contacted',
  'informed',
  'invited',
  'introduced',
  'greeted',
  'hugged',
  'kissed',
  'given',
  'gave',
];
const PERSON_BEFORE = new RegExp(`(?:^|[^\\p{L}])(?:${PERSON_BEFORE_WORDS.join('|')})(?: me)?,? {1,2}$`, 'iu');
const PERSON_BEFORE_CHARACTERS = 24;
/**
 * The letters PERSON_BEFORE's words (and `me`) end in, lower case: the letter before a name's
 * spaces and comma rules out almost every word before the regex runs (`Zorblax, Zorblax`).
 */
const PERSON_BEFORE_LAST_LETTERS = new Set(
  [...PERSON_BEFORE_WORDS, 'me'].map((word) => word.charCodeAt(word.length - 1)),
);

/** Whether PERSON_BEFORE matches right before `start`. */
function hasPersonBefore(text: string, start: number): boolean {
  let position = start;
  while (position > start - 2 && text.charCodeAt(position - 1) === 32) position--;
  if (position === start) return false;
  if (text.charCodeAt(position - 1) === 44) position--;
  if (!PERSON_BEFORE_LAST_LETTERS.has(text.charCodeAt(position - 1) | 0x20)) return false;
  return PERSON_BEFORE.test(text.slice(Math.max(0, start - PERSON_BEFORE_CHARACTERS), start));
}
/** What follows a name someone is addressed by at the start of a sentence: `Warrane, can I …`. */
const VOCATIVE_AFTER = /, (?:can|could|would|will|please|do|did|are|have|i|you|we)\b/iy;

/** Whether the sticky `pattern` matches `text` at `index`. */
function stickyTest(pattern: RegExp, text: string, index: number): boolean {
  pattern.lastIndex = index;
  return pattern.test(text);
}

/**
 * Endings of family names in the languages that build them with a suffix: Slavic (`Sokolov`,
 * `Ivanova`, `Petrović`, `Kowalski`, `Nováková`, `Shevchenko`), Finnish (`Ryhänen`), Nordic
 * (`Karlsson`, `Ásgeirsdóttir`), Greek (`Papadopoulos`, `Georgiadis`), Armenian, Georgian
 * (`Beridze`, `Gelashvili`), Turkish (`Yılmazoğlu`) and Romanian (`Popescu`). Tested on a
 * capitalized word no list holds, whose stem before the ending has three letters or more and is no
 * English word (`Bluesky`). The towns among such words (`Rostov`, `Alaska`) stand after a place's
 * preposition (`in`, `at`, `from`), which rules them out.
 */
const SURNAME_ENDINGS = (
  'ov ova ev ovich evich ovna evna ić ič ski ska sky skaya ová enko chuk czyk nen sson dóttir dottir ' +
  'opoulos opoulou akis idis iadis yan shvili dze oğlu oglu escu eanu'
).split(' ');
/**
 * Word endings by their last code unit, longest first: most words end in none and cost one look-up.
 * `stem`: the fewest letters before the ending; `fold`: whether the word is compared in lower case.
 */
interface Endings {
  readonly byLast: ReadonlyMap<number, readonly string[]>;
  readonly stem: number;
  readonly fold: boolean;
}

function endingsOf(list: readonly string[], stem: number, fold: boolean): Endings {
  const byLast = new Map<number, string[]>();
  for (const ending of [...list].sort((left, right) => right.length - left.length)) {
    const last = ending.charCodeAt(ending.length - 1);
    byLast.set(last, [...(byLast.get(last) ?? []), ending]);
  }
  return { byLast, stem, fold };
}

/** The length of the entry of `endings` that `text[start, end)` ends with after its stem; 0 for none. */
function endingLength(text: string, start: number, end: number, endings: Endings): number {
  const last = text.charCodeAt(end - 1);
  const candidates = endings.byLast.get(endings.fold ? (LOWER_CODE[last] as number) : last);
  if (candidates === undefined) return 0;
  for (const ending of candidates) {
    if (end - start - ending.length < endings.stem) continue;
    if (endings.fold ? equalsFolded(ending, text, end - ending.length) : text.endsWith(ending, end))
      return ending.length;
  }
  return 0;
}

/** The stem before a surname ending has at least three letters (`Popov`, not `Kiev`); the ending is in lower case. */
const SURNAME_ENDINGS_INDEX = endingsOf(SURNAME_ENDINGS, 3, false);

/** The length of the {@link SURNAME_ENDINGS} entry `text` ends with at `end` after a stem from `start`; 0 for none. */
function surnameEndingLength(text: string, start: number, end: number): number {
  return endingLength(text, start, end, SURNAME_ENDINGS_INDEX);
}

/**
 * Endings of abstract nouns in German, French, Dutch, English and the Nordic languages, which no
 * name in the lists has after a stem of four letters or more: `Kündigung`, `Identifikation`,
 * `Gesellschaft`, `Möglichkeit`, `Universität`.
 */
const NOUN_ENDINGS = endingsOf(
  ['ung', 'ungen', 'keit', 'heit', 'schaft', 'tion', 'tionen', 'ismus', 'ität', 'itäten'],
  4,
  true,
);

/**
 * Endings of street names written as one word (`Musterstraße`, `Wittstraat`, `Drottninggatan`,
 * `Bygdøy allé` aside): a word no list holds with one names a street, a place word.
 */
const STREET_ENDINGS = endingsOf(
  [
    'straße',
    'strasse',
    'straat',
    'gasse',
    'gatan',
    'vägen',
    'veien',
    'vegen',
    'gade',
    'allee',
    'platz',
    'plein',
    'gracht',
    'steeg',
    'katu',
    'utca',
  ],
  3,
  true,
);

/** Whether `text[start, end)` has an ending of {@link STREET_ENDINGS} after a stem of three letters or more. */
function hasStreetEnding(text: string, start: number, end: number): boolean {
  return endingLength(text, start, end, STREET_ENDINGS) > 0;
}

/** Whether `text[start, end)` has an ending of {@link NOUN_ENDINGS} after a long enough stem, in any case. */
function hasNounEnding(text: string, start: number, end: number): boolean {
  return endingLength(text, start, end, NOUN_ENDINGS) > 0;
}

/** A day before a word (`23. `, `14 `, `1er `): with a year after it (` 2022`), the word is a month. */
const DAY_BEFORE = /(?:^|[^\d])\d{1,2}(?:\.|er|º)? $/;

/** Whether the word `text[start, end)` stands between a day and a year, as a month does. */
function inDate(text: string, start: number, end: number): boolean {
  // The year first, by its characters (` 2022`, `, 1987`): most words have none after them.
  let at = text.charCodeAt(end) === 44 ? end + 1 : end;
  if (text.charCodeAt(at) !== 32) return false;
  at++;
  const century = text.charCodeAt(at) === 50 ? 48 : text.charCodeAt(at) === 49 ? -1 : 0;
  if (century === 0) return false;
  const second = text.charCodeAt(at + 1);
  if (century === 48 ? second !== 48 : second !== 56 && second !== 57) return false;
  if (!isDigit(text.charCodeAt(at + 2)) || !isDigit(text.charCodeAt(at + 3)) || isDigit(text.charCodeAt(at + 4)))
    return false;
  return DAY_BEFORE.test(text.slice(Math.max(0, start - 6), start));
}

/** Months, and their abbreviations, that are given names too: with a day after them, months. */
const MONTHS_THAT_ARE_NAMES: ReadonlySet<string> = new Set(
  'jan jun jul mar juli mai julio junio abril mayo marzo agosto april june may'.split(' '),
);
/** A day of the month after a month's name: `Jan 28`, `Jun. 3rd`, `April 12,`. */
const DAY_AFTER = /\.? \d{1,2}(?:st|nd|rd|th)?(?![\d:/.-]\d)\b/y;

/** Whether the word `text[start, end)` is a month that is a name too, before a day of the month. */
function isMonthBeforeDay(text: string, start: number, end: number): boolean {
  // A digit two characters on (` 28`, `. 3`) first: most words have none after them.
  const next = text.charCodeAt(end + 1);
  const afterStop = text.charCodeAt(end + 2);
  if (!isDigit(next) && !(next === 32 && isDigit(afterStop))) return false;
  if (end - start > 6 || !MONTHS_THAT_ARE_NAMES.has(text.slice(start, end).toLowerCase())) return false;
  DAY_AFTER.lastIndex = end;
  return DAY_AFTER.test(text);
}

/** A number or a closing quote after a word: `max 5`, `"max": 4`; not a colon, which ends a speaker (`[10:22] amélie:`). */
const VALUE_AFTER = /(?: ?\d|["'])/y;

/** Whether a value follows the word that ends at `end`, as it follows a key or a unit's word. */
function beforeValue(text: string, end: number): boolean {
  return stickyTest(VALUE_AFTER, text, end);
}

/**
 * Diseases named after their describers, written with a possessive and often without `disease`
 * (`No Parkinson's or Alzheimer's history`, `Crohn's flare`). Not those whose possessive is as often
 * a person's (`Wilson's`, `Bell's`, `Graves'`).
 */
const DISEASE_EPONYMS = new Set(
  'parkinson alzheimer cushing addison crohn hodgkin huntington hashimoto tourette asperger raynaud sjögren paget kaposi ménière meniere'.split(
    ' ',
  ),
);

/** Place words that are common surnames too (`Susan Park`, `Damon Hill`, `Jane Lane`). */
const PLACE_SURNAMES = new Set(['park', 'hill', 'lane', 'dale', 'court', 'bay']);
/** A preposition that puts the words after it in a place: `at Victoria Park`. Tested on the 8 characters before. */
/** Born, in Italian, French, Polish and the Nordic languages, before the birthplace's preposition. */
const BORN_WORDS: ReadonlySet<string> = new Set('nato nata né née nés nées urodzony urodzona född født'.split(' '));
const BORN_PREPOSITIONS = new Set([97, 0xe0, 119, 105]); // a, à, w, i

/**
 * Whether `born` and its birthplace's preposition stand right before `start`: `nato a Verona`,
 * `née à Lyon`, `urodzona w Gdańsku`, `född i Malmö`. Reads the characters, with no regular expression:
 * most runs have no one-letter word before them.
 */
function bornAtBefore(text: string, start: number): boolean {
  if (start < 6 || text.charCodeAt(start - 1) !== 32 || text.charCodeAt(start - 3) !== 32) return false;
  if (!BORN_PREPOSITIONS.has(text.charCodeAt(start - 2) | 0x20)) return false;
  let from = start - 3;
  while (from > 0 && start - 3 - from < 9 && letterClass(text.charCodeAt(from - 1)) !== 0) from--;
  return (
    (from === 0 || letterClass(text.charCodeAt(from - 1)) === 0) &&
    BORN_WORDS.has(text.slice(from, start - 3).toLowerCase())
  );
}
/**
 * Where someone is from: after a name or a pronoun, one word that is no given name is a place
 * (`Tomomi is from Osaka`, `she comes from Leeds`), where `the note is from Kowalczyk` names a person.
 * The name may be a placeholder already (`[REDACTED:PERSON] is from Osaka`), so redaction stays idempotent.
 */
const ORIGIN_BEFORE =
  /(?:(?:^|[^\p{L}])(?:\p{Lu}\p{Ll}+|[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Yy]ou)|[\]>}])(?: is| was| are| were| comes| come| came)(?: originally)? from $/u;
const PLACE_PREPOSITION_BEFORE = /(?:^|[^\p{L}])(?:at|near|around|across|through|inside|outside|opposite) $/iu;

/**
 * Legal forms and partner words that end a firm's name after `&` (`Tallis & Reed LLP`, `Kofi & Co`,
 * `Smith & Sons`). Sticky (`y`), tested where the word after `&`, or the one after that, starts.
 */
const FIRM_FORM =
  /(?:LLP|LLC|L\.L\.C\.|LP|Inc|Ltd|Co|Corp|GmbH|AG|KG|SA|S\.A\.|SE|NV|BV|PLC|plc|Pty|Partners|Associates|Sons|Company|Brothers|Bros)\b/y;

/**
 * A legal form right after a run makes it a firm: `Distribuciones Goya S.A.`, `Acme LLC`, `Kovács
 * Kft.`. Not the bare two-letter forms that are as often initials or codes (`SA`, `AB`, `SE`).
 */
const LEGAL_FORM_AFTER =
  / (?:LLP|LLC|L\.L\.C\.|Inc\.?|Ltd\.?|GmbH|AG|KG|S\.A\.|S\.L\.|S\.p\.A\.|SpA|S\.r\.l\.|s\.r\.o\.|B\.V\.|N\.V\.|PLC|plc|Pty|Kft\.|Oy|A\/S|SARL|SAS|Ltda\.?)(?![\p{L}\p{N}])/uy;

/** The first letters of {@link LEGAL_FORM_AFTER}'s forms: most words after a run start with none of them. */
const LEGAL_FORM_FIRST_LETTERS: ReadonlySet<number> = new Set(
  [...'LIGKSBNPOApOs'].map((letter) => letter.charCodeAt(0)),
);

/** Nouns of a group of people, which make the one word before them a team's name: `Payments squad`. */
const TEAM_AFTER = / (?:team|teams|squad|squads|crew|group|department|committee|division|guild|chapter|tribe)\b/y;

/** Five or six digits after a run: a postal code, which makes the run a town (`Moscow 125009`); not a year (`Smith 2019`). */
const POSTAL_CODE_AFTER = / \d{5,6}\b/y;

/**
 * Nouns that make the capitalized words before them a place or a brand, not a person: `the Clinton
 * warehouse`, `Dell laptops`. Not nouns a person owns or leads (`the Smith account`, `Kim's team`).
 * Sticky (`y`), tested where a run ends; the longest is within LIST_LOOKAHEAD_CHARACTERS.
 */
const PLACE_OR_PRODUCT_AFTER =
  / (?:disease|syndrome|sign|score|scores|scale|stage|stages|reflex|maneuver|manoeuvre|criteria|classification|procedure|theorem|equation|algorithm|effect|principle|distribution|filter|transform|method|constant|coefficient|law|paradox|lemma|inequality|lymphoma|sarcoma|tumor|tumour|palsy|anemia|anaemia|fracture|office|offices|branch|branches|store|stores|shop|shops|warehouse|warehouses|plant|plants|factory|factories|campus|headquarters|airport|station|hospital|clinic|university|college|school|church|bridge|river|county|laptop|laptops|printer|printers|server|servers|car|cars|truck|trucks|phone|phones|tablet|tablets|sedan|sedans)\b/y;

/** A disease's noun before its eponym, in other languages: `enfermedad de Crohn`, `Morbus Crohn`, `maladie de Paget`. */
const CONDITION_BEFORE =
  /(?:^|[^\p{L}])(?:enfermedad|s[íi]ndrome|maladie|malattia|sindrome|doen[çc]a|morbus|Morbus|ziekte van) (?:de |di |du |des |van )?$/u;

/**
 * Whether the word `text[start, end)` names a condition after a person: before `' fracture`,
 * `' disease` (an apostrophe after a final `s`), before a second eponym and its condition
 * (`Stevens–Johnson syndrome`), or after a disease's noun in another language.
 */
function isEponymOfCondition(text: string, start: number, end: number): boolean {
  const after = text.charCodeAt(end);
  if (isApostrophe(after) && text.charCodeAt(end - 1) === 115) return stickyTest(PLACE_OR_PRODUCT_AFTER, text, end + 1);
  if (after === 0x2013 || after === 45) {
    let next = end + 1;
    const limit = Math.min(text.length, end + 1 + MAX_WORD_CHARACTERS);
    while (next < limit && letterClass(text.charCodeAt(next)) !== 0) next++;
    return next > end + 1 && stickyTest(PLACE_OR_PRODUCT_AFTER, text, next);
  }
  // The word before must be a preposition of the condition's noun or `morbus`, then the regex reads the noun.
  if (!previousWordIn(text, start, CONDITION_LINKS)) return false;
  return CONDITION_BEFORE.test(text.slice(Math.max(0, start - 20), start));
}

const CONDITION_LINKS = wordSet('de di du des van morbus');

/** Lower-case words by their length, for {@link previousWordIn}. */
type WordSet = ReadonlyArray<readonly string[] | undefined>;

function wordSet(words: string): WordSet {
  const byLength: string[][] = [];
  for (const word of words.split(' ')) (byLength[word.length] ??= []).push(word);
  return byLength;
}

/**
 * Whether the word that ends one space before `start` is one of `set`, in any case. Reads the
 * characters back to the word's start and compares them in place: no string is built.
 */
function previousWordIn(text: string, start: number, set: WordSet): boolean {
  if (start < 2 || text.charCodeAt(start - 1) !== 32) return false;
  let from = start - 1;
  while (from > 0 && start - 1 - from <= MAX_SHORT_WORD && letterClass(text.charCodeAt(from - 1)) !== 0) from--;
  const candidates = set[start - 1 - from];
  if (candidates === undefined) return false;
  for (const word of candidates) if (equalsFolded(word, text, from)) return true;
  return false;
}
const MAX_SHORT_WORD = 10;

/** German articles and their contractions before a noun: `zum Keller`, `im Garten`, `das Haus`. */
const GERMAN_ARTICLES = wordSet('das dem zum zur vom beim ins im');

function afterGermanArticle(text: string, start: number): boolean {
  return previousWordIn(text, start, GERMAN_ARTICLES);
}

/**
 * Whether a capitalized word no list knows stands where a person does: before a verb people do
 * (`Tomomi is from`, `Alvir spent`) or a task given to them (`Bongani to send`), addressed at the
 * start of a sentence (`Warrane, can I`) or at the end of one (`Don't go, Mark!`), or as the speaker
 * of a line (`Halldór: What a wife.`). Looks at most 16 characters ahead, the longest verb
 * (` to investigate`) and the character after it: within LIST_LOOKAHEAD_CHARACTERS.
 */
function hasPersonContext(text: string, item: Item, fromIndex: number): boolean {
  if (hasPersonBefore(text, item.start)) return true;
  const after = text.charCodeAt(item.end);
  if (after === 32 && text.charCodeAt(item.end + 1) === 40) return isSpeakerWithAffiliation(text, item, fromIndex);
  if (after === 32) return stickyTest(PERSON_VERBS, text, item.end);
  const atSentenceStart = startsSentence(text, item.start, fromIndex);
  if (after === 44)
    return (
      (atSentenceStart && stickyTest(VOCATIVE_AFTER, text, item.end)) ||
      // A full name before a credential (`Zeynep C. Öztürk, MD`); one word may be a town (`Baltimore, MD;`).
      // The credential's `, ` bounds the search for a space.
      (stickyTest(CREDENTIAL_AFTER, text, item.end) && text.indexOf(' ', item.start) < item.end)
    );
  if (after === 33 || after === 63)
    return text.charCodeAt(item.start - 1) === 32 && text.charCodeAt(item.start - 2) === 44;
  if (
    after === 58 &&
    !item.known &&
    ((atSentenceStart && startsLine(text, item.start, fromIndex)) || afterTimestamp(text, item.start))
  ) {
    // A speaker says something on the same line: `Koppány: "Who are you?"`, not `Fax:` and a number below.
    const next = text.charCodeAt(item.end + 1) === 32 ? text.charCodeAt(item.end + 2) : text.charCodeAt(item.end + 1);
    return next === 34 || next === 0x201c || (letterClass(next) !== 0 && isSpeech(text, item.end + 1));
  }
  return false;
}

/**
 * A chat line's speaker with an affiliation in parentheses: `[16:17] Bongani (Vantor Systems): Hi`
 * after a time, or `Tunde (Support): can you …` at a line's start when what follows reads as speech.
 * Reads at most 2 + MAX_AFFILIATION_CHARACTERS + 2 + SPEECH_LOOKAHEAD_CHARACTERS characters after
 * the word: within OPEN_CHARACTERS, so a stream decides it as a batch does.
 */
function isSpeakerWithAffiliation(text: string, item: Item, fromIndex: number): boolean {
  const open = item.end + 1;
  const limit = Math.min(text.length, open + 1 + MAX_AFFILIATION_CHARACTERS);
  let close = open + 1;
  while (close < limit && text.charCodeAt(close) !== 41 && text.charCodeAt(close) !== 10) close++;
  if (close >= limit || close === open + 1 || text.charCodeAt(close) !== 41 || text.charCodeAt(close + 1) !== 58)
    return false;
  if (afterTimestamp(text, item.start)) return true;
  return (
    !item.known &&
    startsLine(text, item.start, fromIndex) &&
    text.charCodeAt(close + 2) === 32 &&
    isSpeech(text, close + 3)
  );
}

/**
 * Whether the line from `from` reads as something said (`What a wife.`, `Yes, thanks`, `anyone
 * have …`) rather than a form's value (`Efua Appiah, NP`, `Av. Paulista, 1195`, `CARMEN GARCÍA`,
 * `livebox-42`): a word in lower case among the first three that a space or a mark ends, or a first
 * word that a `.`, `,`, `!` or `?` ends.
 */
function isSpeech(text: string, from: number): boolean {
  const limit = Math.min(text.length, from + SPEECH_LOOKAHEAD_CHARACTERS);
  let position = from;
  for (let word = 0; word < 3; word++) {
    while (position < limit && text.charCodeAt(position) === 32) position++;
    if (position >= limit) return false;
    const kind = letterClass(text.charCodeAt(position));
    if (kind === 0) return false;
    const start = position;
    while (position < limit && isWordCharacter(text.charCodeAt(position))) position++;
    const mark = text.charCodeAt(position);
    // A word in lower case that a space or a mark ends (`anyone have`, `sure!`), not `livebox-42`.
    if (kind !== LETTER_UPPER) return mark === 32 || mark === 44 || mark === 33 || mark === 63 || mark === 46;
    if (word === 0 && (mark === 44 || mark === 33 || mark === 63)) return true;
    // `Yes.`, not `Dr.` or `Av.`: a capital and at most two letters before a full stop abbreviate a title or a street.
    if (word === 0 && mark === 46 && position - start > 3) return true;
    if (mark !== 32) return false;
  }
  return false;
}

/** Whether `start` begins the text, a line or a sentence (after `.`, `!`, `?` and a space). */
function startsSentence(text: string, start: number, fromIndex: number): boolean {
  if (start === 0) return fromIndex === 0;
  const previous = text.charCodeAt(start - 1);
  if (previous === 10) return true;
  if (previous !== 32) return false;
  const mark = text.charCodeAt(start - 2);
  return mark === 46 || mark === 33 || mark === 63;
}

/** A chat line's time before its speaker: `[11:26] `, `[2024-03-01 09:15] `, `17:45 - ` (WhatsApp). */
const TIMESTAMP_BEFORE = /\n(?:\[[\d/.: -]{4,19}(?: ?[AaPp][Mm])?\] |\d{1,2}:\d{2}(?: ?[AaPp][Mm])? - )$/;
const TIMESTAMP_CHARACTERS = 24;

/** Whether a chat line's time, at the start of its line, stands right before `start`. */
/**
 * Whether the lower-case word from `start` to `end` speaks a chat line: after the line's time, and
 * before `:` itself or with one more word (`[09:00] jung ha-eun: hi`). Reads at most
 * MAX_WORD_CHARACTERS + 2 after it, within OPEN_CHARACTERS.
 */
function isLowerCaseSpeaker(text: string, units: Uint16Array, start: number, end: number): boolean {
  if (start < 6 || units[start - 1] !== 32 || (units[start - 2] !== 93 && units[start - 2] !== 45)) return false;
  let colon = end;
  if (units[colon] === 32) {
    colon++;
    const limit = Math.min(text.length, colon + MAX_WORD_CHARACTERS);
    while (colon < limit && letterAt(units, colon) & LOWER_BIT) colon++;
    while (colon < limit && (units[colon] === 45 || letterAt(units, colon) & LOWER_BIT)) colon++;
  }
  return units[colon] === 58 && !CHAT_ROLES.has(text.slice(start, end).toLowerCase()) && afterTimestamp(text, start);
}

/** Roles and tools that speak chat lines in lower case, no list's words: `[10:00] bot: deployed`. */
const CHAT_ROLES: ReadonlySet<string> = new Set(
  'bot admin sysadmin devops ops oncall sre dba qa dev it hr ai gpt chatgpt claude copilot ci cd github gitlab jenkins'.split(
    ' ',
  ),
);

function afterTimestamp(text: string, start: number): boolean {
  if (start < 6 || text.charCodeAt(start - 1) !== 32) return false;
  const mark = text.charCodeAt(start - 2);
  if (mark !== 93 && mark !== 45) return false;
  const from = Math.max(0, start - TIMESTAMP_CHARACTERS);
  // The text's start is a line's. A stream's held text starts there too whenever a name this close
  // to it is reported: otherwise its 96 characters of look-behind put the name before `fromIndex`.
  return TIMESTAMP_BEFORE.test((from === 0 ? '\n' : '') + text.slice(from, start));
}

/** The first space in `text[from, to)`, or -1: a search that never reads past a name's end. */
function spaceWithin(text: string, from: number, to: number): number {
  for (let position = from; position < to; position++) if (text.charCodeAt(position) === 32) return position;
  return -1;
}

/**
 * Whether only a field's start stands before `start` on its line: the line's start, a key's colon
 * (`Patient/in:`) or a chat line's time (`[14:06]`), with spaces or tabs between.
 */
function startsField(text: string, start: number, fromIndex: number): boolean {
  let position = start;
  while (position > 0 && (text.charCodeAt(position - 1) === 32 || text.charCodeAt(position - 1) === 9)) position--;
  if (position === 0) return fromIndex === 0;
  const before = text.charCodeAt(position - 1);
  return before === 10 || before === 58 || before === 93;
}

/**
 * Whether a field ends at `end`: the text's or the line's end, a tab, two spaces (`Aydın, Çağla
 * geb.`) or a comma before what starts no name (`Kaya, Mustafa, * 04.08.1956`).
 */
function endsField(text: string, end: number): boolean {
  if (end >= text.length) return true;
  const next = text.charCodeAt(end);
  // `Von: Neumann, Matthias <matthias@example.de>`: an e-mail address after the name.
  if (next === 32 && text.charCodeAt(end + 1) === 60) return true;
  if (next === 44) {
    // Not before another finding (a placeholder, masked): a list's next item, as redaction leaves it.
    const after = text.charCodeAt(end + 2);
    return text.charCodeAt(end + 1) === 32 && (after === 42 || isDigit(after) || letterClass(after) === LETTER_LOWER);
  }
  return next === 10 || next === 13 || next === 9 || (next === 32 && text.charCodeAt(end + 1) === 32);
}

/** Whether `text[start, end)` is an identifier in code: called (`len(`), assigned (`x = `) or a member (`.ella`). */
function isCodeWord(text: string, start: number, end: number): boolean {
  const next = text.charCodeAt(end);
  if (next === 40 || (start > 0 && text.charCodeAt(start - 1) === 46)) return true;
  let position = end;
  while (text.charCodeAt(position) === 32) position++;
  return (
    text.charCodeAt(position) === 61 && text.charCodeAt(position + 1) !== 61 && text.charCodeAt(position + 1) !== 62
  );
}

/** Whether `text[start, end)` is quoted and a colon follows: a record's key (`"Mongo": "…"`, `'Redis':`). */
function isQuotedKey(text: string, start: number, end: number): boolean {
  const quote = text.charCodeAt(start - 1);
  if (!isQuote(quote) || text.charCodeAt(end) !== quote) return false;
  let position = end + 1;
  while (text.charCodeAt(position) === 32) position++;
  return text.charCodeAt(position) === 58;
}

/** Whether `start` begins the text or a line. */
function startsLine(text: string, start: number, fromIndex: number): boolean {
  return start === 0 ? fromIndex === 0 : text.charCodeAt(start - 1) === 10;
}

/** Space, `.`, `-`, `,`, `&`: what joins the words of a name or the names of a list. */
const RUN_OR_LIST_CHARACTERS = new Set([32, 46, 45, 44, 38]);

/** The start of the run or list (words, spaces, initials, particles, separators) that `index` is in. */
function backtrackToRunStart(text: string, index: number): number {
  if (index <= 0) return 0;
  const limit = Math.max(0, index - MAX_BACKTRACK_CHARACTERS);
  let position = index;
  while (position > limit) {
    const code = text.charCodeAt(position - 1);
    // All three tests run for every character (see nextWord): one that first runs on a late text
    // would deoptimize the whole scan it is inlined into, call after call.
    const letter = letterClass(code) !== 0;
    const joiner = RUN_OR_LIST_CHARACTERS.has(code);
    const apostrophe = isApostrophe(code);
    if (!letter && !joiner && !apostrophe) break;
    position--;
  }
  return position;
}

/** At most this many characters (spaces and one `:`, `,`, `?`, `!` or `.`) stand between a name label and the name. */
const LABEL_GAP_CHARACTERS = 4;

/**
 * The hash of the word that ends at most {@link LABEL_GAP_CHARACTERS} before `position`, read as
 * {@link nextWord} reads it; 0 when there is none within reach (nor a label, then). `out` is scratch.
 */
function hashOfWordBefore(units: Uint16Array, from: number, position: number, out: Word): number {
  let end = position;
  while (end > from && position - end < LABEL_GAP_CHARACTERS && letterAt(units, end - 1) === 0) end--;
  if (end === from || letterAt(units, end - 1) === 0) return 0;
  let start = end - 1;
  while (start > from) {
    const code = units[start - 1] as number;
    if (letterAt(units, start - 1) !== 0) start--;
    else if ((isApostrophe(code) || code === 45) && start - 1 > from && letterAt(units, start - 2) !== 0) start--;
    else break;
  }
  return nextWord(units, end, start, out) && out.end === end ? out.hash : 0;
}

/** Texts up to this many code units are copied into one array, reused from scan to scan. */
const SHARED_UNITS_MAX = 256 * 1024;
let sharedUnits = new Uint16Array(4 * 1024);
const EMPTY_UNITS = new Uint16Array(0);
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The code units of `text` from `from` on, at their own indices in a typed array, for the word
 * scan. `charCodeAt` costs more than an array read, most on a two-byte or sliced string (a slice of
 * a larger text), and the scan reads every character: copying the text first (native, UTF-16LE is
 * the array's layout) makes the scan about a quarter faster. The pass calls out to nothing, so one
 * array serves every scan; the caller zeroes it after, so the last text does not linger in it.
 */
function codeUnitsOf(text: string, from: number): Uint16Array {
  const { length } = text;
  let units = sharedUnits;
  if (length > SHARED_UNITS_MAX) units = new Uint16Array(length);
  else if (length > units.length) units = sharedUnits = new Uint16Array(Math.min(SHARED_UNITS_MAX, length * 2));
  if (LITTLE_ENDIAN)
    Buffer.from(units.buffer, units.byteOffset + from * 2, (length - from) * 2).write(text.slice(from), 'utf16le');
  else for (let index = from; index < length; index++) units[index] = text.charCodeAt(index);
  return units;
}

/**
 * Reads the next word of the text (`length` code units in `units`) at or after `from` into `out`:
 * a run of letters with inner apostrophes and hyphens. False when no word is left. Each character
 * is looked up once, for its class and its lower case, and the classes are or-ed into bits that
 * decide the shape at the end.
 */
function nextWord(units: Uint16Array, length: number, from: number, out: Word): boolean {
  let start = from;
  let first = 0;
  while (start < length && (first = letterAt(units, start)) === 0) start++;
  if (start >= length) return false;
  let end = start;
  // The LETTER bits of all letters (with UNFOLDABLE for a `’` too); of two letters in a row, which
  // holds UPPER_BIT after two capitals (`NASA`); of the character before.
  let seen = 0;
  let adjacent = 0;
  let previous = 0;
  let hash = FNV_OFFSET;
  while (end < length) {
    let info = letterAt(units, end);
    if (info === 0) {
      // `O'Brien`, `Lee-Smith`: an apostrophe or hyphen between letters stays in the word, as an
      // entry of its own (`'` for `’`) that goes through the same steps as a letter's.
      const code = units[end] as number;
      const joiner = code === 45 ? 45 : code === 39 ? 39 : code === 0x2019 ? 39 | UNFOLDABLE : 0;
      const letterNext = end + 1 < length && letterAt(units, end + 1) !== 0;
      info = letterNext ? joiner : 0;
      if (info === 0) break;
    }
    hash = Math.imul(hash ^ (info & 0x7ff), FNV_PRIME);
    seen |= info;
    adjacent |= info & previous;
    previous = info;
    end++;
  }
  const before = start > 0 ? (units[start - 1] as number) : 32;
  const after = end < length ? (units[end] as number) : 32;
  // Every test of the shape runs for every word, and only then are the results combined: an
  // operation that has never run has no type feedback, and optimized code that reaches one
  // deoptimizes there, word after word, until V8 optimizes it again (capitalized words or initials
  // after a warm-up on text without any ran 20 to 30 times slower).
  const wordLength = end - start;
  const tooLong = wordLength > MAX_WORD_CHARACTERS;
  const single = wordLength === 1;
  const beforeBefore = start > 1 ? (units[start - 2] as number) : 32;
  // `@Rahul`: a chat mention names a person, where `x@Rahul` is an address.
  const mention =
    before === 64 && letterClass(beforeBefore) === 0 && (IDENTIFIER_GLUE[beforeBefore] as number) === 0 ? 1 : 0;
  // `claude-3-5-sonnet`, `gpt-4`, `COVID-19`: a hyphen and a digit after a word make it a model or code name.
  const afterNext = end + 1 < length ? (units[end + 1] as number) : 32;
  const hyphenNumber = after === 45 && afterNext >= 48 && afterNext <= 57 ? 1 : 0;
  // `<InstdAmt Ccy="EUR">`: an element's name after `<`, an attribute's before `=`.
  const markup = before === 60 || after === 61 ? 1 : 0;
  const glued =
    (((IDENTIFIER_GLUE[before] as number) & (mention ^ 1)) |
      (IDENTIFIER_GLUE[after] as number) |
      hyphenNumber |
      markup) !==
    0;
  const fullStopBefore = before === 46; // `.Name`: a member access or a file extension
  const fullStopAfter = after === 46;
  const letterNext = end + 1 < length && letterAt(units, end + 1) !== 0;
  const capital = (first & UPPER_BIT) !== 0;
  const lowers = (seen & LOWER_BIT) !== 0;
  const uppers = (seen & UPPER_BIT) !== 0;
  const capitalsInARow = (adjacent & UPPER_BIT) !== 0;
  let shape: Shape;
  if (tooLong || glued || fullStopBefore || (fullStopAfter && letterNext)) {
    shape = Shape.Other;
  } else if (capital && single) {
    // `J.` or `J` between two names: `Szabina J Gelencsér`. Trimmed from a run's ends.
    shape = Shape.Initial;
  } else if (capital && lowers && !capitalsInARow) {
    // `McDowell`, `O'Brien` and `DeShawn` have inner capitals; `NASA`, `JSONParser` do not count.
    shape = Shape.Capitalized;
  } else if (!uppers) {
    shape = Shape.Lower;
  } else if (capital && !lowers) {
    shape = Shape.Upper;
  } else {
    shape = Shape.Other;
  }
  // An initial takes its full stop (`J.`), which its hash leaves out.
  const dottedInitial = shape === Shape.Initial && fullStopAfter;
  out.start = start;
  out.end = end + (dottedInitial ? 1 : 0);
  out.shape = shape;
  out.hash = hash;
  out.foldable = (seen & UNFOLDABLE) === 0 && !dottedInitial;
  out.lists = -1;
  return true;
}

/** The capitalized words of a name: `Faina`, `Yefremova's` in `Faina D. Yefremova's`. */
const NAME_WORDS = /\p{Lu}[\p{Ll}\p{M}]+(?:['’-]\p{L}[\p{Ll}\p{M}]*)*/gu;
/** A capitalized word joined before a word by a list separator: `Usamov and | Bowers`. */
const LISTED_BEFORE = /\p{Lu}[\p{L}\p{M}.'’-]*(?:, ?| (?:and|or|&) )$/u;
/** A capitalized word joined after a word by a list separator: `Usamov | and Bowers`. */
const LISTED_AFTER = /^(?:, ?| (?:and|or|&) )\p{Lu}/u;
/** Words shorter than this of a name found earlier stand for nothing alone. */
const MIN_REPEATED_NAME_LENGTH = 3;
/** A later mention counts within this many characters of the end of the name it repeats. */
export const REPEATED_NAME_REACH = 1000;

/** The capitalized words of the finding `text[start, end)`, each without a possessive `'s`. */
const bareNameWords = (text: string, { start, end }: Extent): string[] =>
  (text.slice(start, end).match(NAME_WORDS) ?? []).map(withoutPossessive);

const withoutPossessive = (word: string) =>
  word.length > 2 && word.charCodeAt(word.length - 1) === 115 && isApostrophe(word.charCodeAt(word.length - 2))
    ? word.slice(0, -2)
    : word;

/**
 * Later mentions of a name found earlier in the same text: `Faina D. Yefremova's … than early
 * Yefremova?`. A word that stood alone as a run (`lone`, from the name pass) is a name when a
 * PERSON finding that ended at most {@link REPEATED_NAME_REACH} characters before it held the same
 * word, as written (a possessive aside), and no list separator joins it to a capitalized word.
 * Words that are common English words, places, organisations, particles or boundaries do not carry
 * over (`Anna Park` makes no name of `the Park`).
 *
 * `findings` are the text's final findings, sorted. `seen` maps each name word to where the last
 * finding that held it ended, in the offsets of a whole stream (`offset` is the stream offset of
 * `text[0]`), and gains the words of `findings`: a stream passes the names it released to its next
 * call. A lone word, once redacted, changes how no other word is judged, which keeps redaction
 * idempotent.
 */
export function findRepeatedNames(
  text: string,
  findings: ReadonlyArray<Extent & { readonly type: string }>,
  lone: Int32Array,
  offset: number,
  seen: Map<string, number>,
): Extent[] {
  const found: Extent[] = [];
  let next = 0;
  const learn = (finding: Extent & { readonly type: string }) => {
    if (finding.type !== 'PERSON') return;
    for (const name of bareNameWords(text, finding))
      if (name.length >= MIN_REPEATED_NAME_LENGTH && mayStandForName(name)) seen.set(name, offset + finding.end);
  };
  for (let index = 0; index < lone.length; index += 2) {
    const start = lone[index] as number;
    const end = lone[index + 1] as number;
    while (next < findings.length && (findings[next] as Extent).end <= start)
      learn(findings[next++] as Extent & { type: string });
    if (seen.size === 0 || (next < findings.length && (findings[next] as Extent).start < end)) continue;
    const nameEnd = seen.get(withoutPossessive(text.slice(start, end)));
    if (nameEnd === undefined || offset + start - nameEnd > REPEATED_NAME_REACH) continue;
    if (LISTED_BEFORE.test(text.slice(Math.max(0, start - 24), start))) continue;
    if (LISTED_AFTER.test(text.slice(end, end + 6))) continue;
    found.push({ start, end });
  }
  while (next < findings.length) learn(findings[next++] as Extent & { type: string });
  return found;
}

/**
 * Whether the lone word `text[start, end)` may be a later mention (see {@link findRepeatedNames}):
 * `seen` or a PERSON finding among `findings` before it holds the word. A stream asks this before
 * it cuts through a word, which it then releases only whole.
 */
export function mayRepeatName(
  text: string,
  start: number,
  end: number,
  findings: ReadonlyArray<Extent & { readonly type: string }>,
  seen: ReadonlyMap<string, number>,
): boolean {
  const word = withoutPossessive(text.slice(start, end));
  if (seen.has(word)) return true;
  for (const finding of findings) {
    if (finding.start >= start) break;
    if (finding.type !== 'PERSON' || finding.end > start) continue;
    if (bareNameWords(text, finding).includes(word)) return true;
  }
  return false;
}

/** Whether a word of a name found earlier may stand for it alone: no common, place or function word. */
function mayStandForName(word: string): boolean {
  const lists = getLexicon().lists.getLowerCased(word, 0, word.length);
  return (lists & (In.Common | In.Rarer | In.Boundary | In.PlaceOrOrganisation | In.PlacePrefix | In.Particle)) === 0;
}
