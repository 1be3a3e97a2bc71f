import { COMMON_WORDS, GIVEN_NAMES, RARER_WORDS, SURNAMES } from './lexicon.generated';
import { COUNTRY_NAMES } from './patterns';
import { NAME_BOUNDARY_WORDS, PLACE_OR_ORGANISATION_WORDS } from './person-names';

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
}

/** One name found by {@link findPersonNames}, in UTF-16 offsets. */
export interface PersonMatch extends Extent {
  readonly confidence: number;
}

export interface PersonScan {
  readonly matches: PersonMatch[];
  /** Start of the earliest run or list, name or not, that more text could still change; or Infinity. */
  readonly earliestOpen: number;
}

interface Lexicon {
  readonly given: ReadonlySet<string>;
  readonly surnames: ReadonlySet<string>;
  readonly common: ReadonlySet<string>;
  /** Given names that are rarer English words (`riff`): not names in lower case. */
  readonly rarer: ReadonlySet<string>;
  readonly boundary: ReadonlySet<string>;
  readonly placeOrOrganisation: ReadonlySet<string>;
  /** Every word any list holds: a capitalized word not in it is unknown, with no string built. */
  readonly anyListBits: Uint32Array;
  /** Given names that are names in lower case too: most lower-case words are ruled out by one probe. */
  readonly lowerCaseNameBits: Uint32Array;
  /** Last words of strong name labels (`is`, `me`, `named`): a lower-case word after one is checked. */
  readonly strongLabelEndBits: Uint32Array;
}

let lexicon: Lexicon | undefined;

/**
 * Decodes the lists once per process (88,000 words into sets: 40-90 ms on the 2-core development
 * machine); every detector shares them. {@link createDetector} calls this when it compiles a
 * detector that finds PERSON, so the cost falls on set-up, like pattern compilation, not on the
 * first request.
 */
export function loadPersonLexicon(): void {
  getLexicon();
}

function getLexicon(): Lexicon {
  if (lexicon !== undefined) return lexicon;
  const given = decodeFrontCoded(GIVEN_NAMES);
  const surnames = decodeFrontCoded(SURNAMES);
  const common = decodeFrontCoded(COMMON_WORDS);
  const rarer = decodeFrontCoded(RARER_WORDS);
  const boundary = new Set([...NAME_BOUNDARY_WORDS].map((word) => word.toLowerCase()));
  const placeOrOrganisation = new Set(
    [...PLACE_OR_ORGANISATION_WORDS, ...COUNTRY_NAMES].map((word) => word.toLowerCase()),
  );
  lexicon = {
    given,
    surnames,
    common,
    rarer,
    boundary,
    placeOrOrganisation,
    anyListBits: hashBits([...given, ...surnames, ...common, ...boundary, ...placeOrOrganisation, ...PARTICLES]),
    lowerCaseNameBits: hashBits([...given].filter((word) => !common.has(word) && !rarer.has(word))),
    strongLabelEndBits: hashBits(STRONG_NAME_LABELS.map((label) => label.slice(label.lastIndexOf(' ') + 1))),
  };
  return lexicon;
}

/** Inverse of `frontCode` in scripts/build-lexicon.mjs. */
export function decodeFrontCoded(encoded: string): Set<string> {
  const words = new Set<string>();
  let previous = '';
  let index = 0;
  while (index < encoded.length) {
    const shared = encoded.charCodeAt(index) - 48;
    let end = index + 1;
    while (end < encoded.length && !isDigit(encoded.charCodeAt(end))) end++;
    previous = previous.slice(0, shared) + encoded.slice(index + 1, end);
    words.add(previous);
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
/** Lower-case code unit per code unit below U+0500 (`’` maps to `'`), for hashing words as keys. */
const LOWER_CODE = new Uint16Array(CLASS_LIMIT);
for (let code = 0; code < CLASS_LIMIT; code++) {
  const lower = String.fromCharCode(code).toLowerCase();
  LOWER_CODE[code] = lower.length === 1 ? lower.charCodeAt(0) : code;
}
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const hashStep = (hash: number, code: number) =>
  Math.imul(hash ^ (code < CLASS_LIMIT ? (LOWER_CODE[code] as number) : code === 0x2019 ? 39 : code), FNV_PRIME);

/** Hashes of `words` as a bit set (2^18 bits): a clear bit proves a word is not in the list. */
function hashBits(words: Iterable<string>): Uint32Array {
  const bits = new Uint32Array(1 << 13);
  for (const word of words) {
    let hash = FNV_OFFSET;
    for (let index = 0; index < word.length; index++) hash = hashStep(hash, word.charCodeAt(index));
    const bit = (hash >>> 0) & 0x3ffff;
    bits[bit >>> 5] = (bits[bit >>> 5] as number) | (1 << (bit & 31));
  }
  return bits;
}
const hasBit = (bits: Uint32Array, hash: number) => {
  const bit = (hash >>> 0) & 0x3ffff;
  return ((bits[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
};
const isApostrophe = (code: number) => code === 39 || code === 0x2019;
/** Characters that glue a word to code or markup: `user_name`, `a.b`, `x@y`, `/path`, digits. */
const isIdentifierGlue = (code: number) =>
  (code >= 48 && code <= 57) || code === 95 || code === 64 || code === 47 || code === 92 || code === 36;

/** Place words that name what follows them (`New York`, `San Diego`), not what precedes them. */
const PLACE_PREFIXES = new Set([
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
  'los',
  'las',
  'fort',
  'mount',
  'lake',
  'port',
]);

/** Lower-case words that may sit inside a name: `Ludwig van Beethoven`, `Maria de la Cruz`. */
const PARTICLES = new Set([
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
]);

const enum Shape {
  /** `Anna`, `McDowell`, `O'Brien`, `Lee-Smith`. */
  Capitalized,
  /** `J.` or `J`: one capital, with or without a full stop. */
  Initial,
  /** `anna`. */
  Lower,
  /** `NASA`, `iPhone`, words glued to code. */
  Other,
}

interface Word {
  start: number;
  end: number;
  shape: Shape;
  /** FNV-1a of the word in lower case (`’` as `'`), computed while scanning it. */
  hash: number;
  /** Lower case, possessive `'s` removed; set for capitalized words when they join a run. */
  key?: string;
}

/** Longest word and run considered; longer ones are not names (and bound the work per word). */
const MAX_WORD_CHARACTERS = 24;
const MAX_RUN_WORDS = 4;
/** Words (initials and particles included) a run may hold before it is a heading, not a name. */
const MAX_RUN_LENGTH = 16;
/** How far back a scan starting mid-text looks for the start of the run it starts in. */
const MAX_BACKTRACK_CHARACTERS = 128;

/** How many items on each side of a list item decide it. */
const LIST_WINDOW = 2;
/** Characters after a word that decide whether it joins a list: `, and ` plus the next word. */
const LIST_LOOKAHEAD_CHARACTERS = 32;
/** How close to the end of a streamed text a run, list or name stays open (see findPersonNames). */
const OPEN_CHARACTERS = LIST_LOOKAHEAD_CHARACTERS + 8;
const LIST_SEPARATORS = new Set([', ', ',  ', ' and ', ', and ', ' & ', ' or ', ', or ']);

/** Whether `text[from, to)` is one of {@link LIST_SEPARATORS}, without building a string for the usual no. */
function isListSeparator(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (length < 2 || length > 6) return false;
  const first = text.charCodeAt(from);
  if (first !== 44 && first !== 32) return false;
  if (text.charCodeAt(to - 1) !== 32) return false;
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
  readonly known?: boolean;
}

/**
 * Finds person names in `text` from `fromIndex` on. Runs and lists are judged whole, so a scan
 * that starts mid-text first walks back (at most 128 characters) to the start of the run or list
 * it starts in, and reports only names that start at or after `fromIndex`.
 *
 * `openMargin`: when above 0 (a stream's held text), a run or list that ends within 40 characters
 * of the end may still change, so `earliestOpen` reports its start and the stream holds it back.
 *
 * `opaque`: extents of findings of other types. Redaction turns each into a placeholder, so a word
 * inside one ends a run here as a placeholder's capitals would there: `Anna Anna Street` with the
 * address `Anna Street` is judged as `Anna`, the same before and after redaction (idempotence).
 */
export function findPersonNames(
  text: string,
  fromIndex = 0,
  openMargin = 0,
  opaque: readonly Extent[] = [],
): PersonScan {
  const {
    given,
    surnames,
    common,
    rarer,
    boundary,
    placeOrOrganisation,
    anyListBits,
    lowerCaseNameBits,
    strongLabelEndBits,
  } = getLexicon();
  const matches: PersonMatch[] = [];
  let earliestOpen = Infinity;
  // Whether a run, a list or a lower-case name is a name depends on the text before it and on at
  // most LIST_LOOKAHEAD_CHARACTERS after it (plus a word that may still join it), so only one that
  // ends that close to the end may change when more text arrives.
  const openFrom = openMargin > 0 ? text.length - OPEN_CHARACTERS : Infinity;
  let position = backtrackToRunStart(text, fromIndex);
  let run: Word[] = [];
  /** End of the last word of a run that outgrew {@link MAX_RUN_LENGTH}; -1 while it has not. */
  let runOverflowEnd = -1;

  const key = (word: Word): string => {
    if (word.key !== undefined) return word.key;
    // In no list: '' stands for the word, since every look-up of it would miss anyway.
    if (!hasBit(anyListBits, word.hash) && !endsWithPossessive(text, word.end)) {
      word.key = '';
      return '';
    }
    let value = text.slice(word.start, word.end).toLowerCase();
    if (value.includes('’')) value = value.replace(/’/g, "'");
    const length = value.length;
    if (length > 2 && value.charCodeAt(length - 1) === 115 && value.charCodeAt(length - 2) === 39)
      value = value.slice(0, -2);
    word.key = value;
    return value;
  };
  const isKnown = (value: string) => given.has(value) || surnames.has(value);
  const isCommonOnly = (value: string) => common.has(value) && !isKnown(value);
  const isNameWord = (word: Word) => word.shape === Shape.Capitalized && !PARTICLES.has(key(word));

  // Judged pieces that a list separator joins: `Kónya, Becker and Vasquez`. An item is decided by
  // the two items on each side of it, never by the whole list, so a scan that starts inside a long
  // list decides every item it reports the way a scan of the whole text does.
  let list: Item[] = [];
  /** Items of `list` before this index are decided and emitted. */
  let decided = 0;
  const decide = (index: number) => {
    const item = list[index] as Item;
    if (item.start < fromIndex || item.status === Status.Rejected) return;
    if (item.status === Status.Name) {
      matches.push({ start: item.start, end: item.end, confidence: item.confidence });
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
        matches.push({ start: item.start, end: item.end, confidence: 0.45 });
        return;
      }
      if (neighbour.known === true || neighbour.status === Status.Name) known = true;
    }
    if (known && to - from >= 2) matches.push({ start: item.start, end: item.end, confidence: 0.45 });
  };
  const closeList = () => {
    if (list.length === 0) return;
    const last = list[list.length - 1] as Item;
    // Items within two of the last may still change with the next item.
    const openItem = list[Math.max(decided, list.length - 1 - LIST_WINDOW)] as Item;
    if (last.end > openFrom && openItem.start < earliestOpen) earliestOpen = openItem.start;
    for (let index = decided; index < list.length; index++) decide(index);
    list = [];
    decided = 0;
  };
  const addItem = (candidate: Item) => {
    const item =
      candidate.status === Status.Possible && hasPersonContext(text, candidate, fromIndex)
        ? { ...candidate, status: Status.Name, confidence: 0.45 }
        : candidate;
    if (item.end > openFrom && item.start < earliestOpen) earliestOpen = item.start;
    if (item.status === Status.Rejected) return closeList();
    const last = list[list.length - 1];
    if (last !== undefined && !isListSeparator(text, last.end, item.start)) closeList();
    list.push(item);
    // Decide what has two items after it; keep only the window a later decision reads.
    while (decided < list.length - LIST_WINDOW) decide(decided++);
    if (decided > 64) {
      list = list.slice(decided - LIST_WINDOW);
      decided = LIST_WINDOW;
    }
  };

  /**
   * Judges one piece of a run: capitalized words with initials and particles inside. After a name
   * label or an honorific (`Dear`, `my name is`, `Mr.`) any piece counts that does not start with
   * a common English word.
   */
  const judge = (words: readonly Word[], label: Label): Item => {
    let first = 0;
    let last = words.length - 1;
    while (first <= last && !isNameWord(words[first] as Word)) first++;
    while (last >= first && !isNameWord(words[last] as Word)) last--;
    // A capitalized common word before the name is a role or a sentence start (`Guitarist John Smith`).
    if (label === Label.None) while (first < last && isCommonOnly(key(words[first] as Word))) first++;
    const start = (words[Math.min(first, words.length - 1)] as Word).start;
    const end = (words[Math.max(last, 0)] as Word).end;
    const rejected = { start, end, status: Status.Rejected, confidence: 0 };
    if (first > last) return rejected;
    const keys: string[] = [];
    for (let index = first; index <= last; index++) {
      const word = words[index] as Word;
      if (isNameWord(word)) keys.push(key(word));
    }
    const firstKey = keys[0] as string;
    if (label !== Label.None) {
      if ((label === Label.Weak && isCommonOnly(firstKey)) || keys.length > MAX_RUN_WORDS) return rejected;
      return { start, end, status: Status.Name, confidence: label === Label.Strong ? 0.75 : 0.6 };
    }
    if (keys.length === 1) {
      if (isCommonOnly(firstKey)) return rejected;
      const known = isKnown(firstKey);
      const status = known && !common.has(firstKey) ? Status.Name : Status.Possible;
      return { start, end, status, confidence: 0.5, known };
    }
    if (keys.length > MAX_RUN_WORDS) return rejected;
    const rest = keys.slice(1).every((value) => !isCommonOnly(value));
    // A given name that is also a word (`Grace`, `Mark`) needs a name-like rest: `Grace Period` is not a name.
    if (given.has(firstKey) && (!common.has(firstKey) || rest))
      return { start, end, status: Status.Name, confidence: 0.6 };
    if (rest && !isCommonOnly(firstKey))
      return { start, end, status: Status.Name, confidence: keys.some(isKnown) ? 0.55 : 0.4 };
    return rejected;
  };

  const isMarker = (word: Word) => word.shape === Shape.Capitalized && placeOrOrganisation.has(key(word));
  const reject = (start: number, end: number) => addItem({ start, end, status: Status.Rejected, confidence: 0 });

  const closeRun = () => {
    if (run.length === 0) return;
    const words = run;
    const overflow = runOverflowEnd;
    run = [];
    runOverflowEnd = -1;
    const runStart = (words[0] as Word).start;
    const runEnd = overflow >= 0 ? overflow : (words[words.length - 1] as Word).end;
    // A run longer than any name (a title-case heading, a line of initials) or without a
    // capitalized word is no name, and costs no judging.
    if (overflow >= 0 || !words.some((word) => word.shape === Shape.Capitalized))
      return addItem({ start: runStart, end: runEnd, status: Status.Rejected, confidence: 0 });
    // A value in a record: `"city": "Madison"` is a place, `first_name=Ubul` a name.
    const field = fieldBefore(text, runStart);
    if (field === Field.NotPerson)
      return addItem({ start: runStart, end: runEnd, status: Status.Rejected, confidence: 0 });
    if (field === Field.Person) return addItem(judge(words, Label.Strong));
    // `Oak Avenue, Madison, NC 47258`: a place before a state or province code.
    if (beforeRegionCode(text, runEnd))
      return addItem({ start: runStart, end: runEnd, status: Status.Rejected, confidence: 0 });
    // Pieces: a boundary word ends one (`Dear | Anna`); a place or organisation word takes the words
    // before it (`Anna Street`, `Acme Holdings`, `Armenomonastiro Cyprus`) or, for a prefix such as
    // `New` or `San`, the word after it (`New York`), and the rest is judged on its own. Splitting
    // rather than rejecting the whole run keeps redaction idempotent: the rest is judged the same
    // once the place beside it has become `[REDACTED:ADDRESS]`. After a strong name label the first
    // piece is a name whatever its words (`was called Erin Dale`).
    let labelled = words.some(isMarker) && nameLabelBefore(text, runStart) === Label.Strong;
    let piece: Word[] = [];
    for (let index = 0; index < words.length; index++) {
      const word = words[index] as Word;
      if (word.shape === Shape.Capitalized && boundary.has(key(word))) {
        if (piece.length > 0) addItem(judgeInContext(piece));
        reject(word.start, word.end);
        piece = [];
        labelled = false;
      } else if (isMarker(word) && !labelled) {
        if (PLACE_PREFIXES.has(key(word))) {
          if (piece.length > 0) addItem(judgeInContext(piece));
          const next = words[index + 1];
          const taken = next !== undefined && next.shape === Shape.Capitalized && !boundary.has(key(next));
          if (taken) index++;
          reject(word.start, taken ? next.end : word.end);
        } else reject(piece.length > 0 ? (piece[0] as Word).start : word.start, word.end);
        piece = [];
      } else piece.push(word);
    }
    if (piece.length > 0) addItem(judgeInContext(piece));
  };

  const judgeInContext = (words: readonly Word[]): Item => {
    const firstWord = words.find(isNameWord);
    const label = firstWord === undefined ? Label.None : nameLabelBefore(text, firstWord.start);
    // After a strong label the whole piece is the name (`Mr. Graves Anna`), never a part of it:
    // judged without the label, `Graves` would be dropped and, once `Anna` is redacted, found alone.
    if (label === Label.Strong) return judge(words, label);
    const item = judge(words, Label.None);
    if (item.status === Status.Name || item.end <= item.start || label === Label.None) return item;
    return judge(words, label);
  };

  let lowerName: { start: number; end: number } | undefined;
  const closeLowerName = () => {
    if (lowerName === undefined) return;
    addItem({ start: lowerName.start, end: lowerName.end, status: Status.Name, confidence: 0.4 });
    lowerName = undefined;
  };

  // Most words are looked at once and dropped: one object is reused for them, and only words
  // that join a run are copied.
  const scratch: Word = { start: 0, end: 0, shape: Shape.Other, hash: 0 };
  // Findings of other types, sorted: a word inside one is no word of a name (see `opaque`).
  const others = opaque.length === 0 ? opaque : [...opaque].sort((left, right) => left.start - right.start);
  let nextOther = 0;
  let previousEnd = -1;
  let previousHash = 0;
  while (position < text.length) {
    const scanned = nextWord(text, position, scratch);
    if (scanned === undefined) break;
    const word = scanned;
    while (nextOther < others.length && (others[nextOther] as Extent).end <= word.start) nextOther++;
    if (nextOther < others.length && (others[nextOther] as Extent).start < word.end) word.shape = Shape.Other;
    position = word.end;
    // Only one or two spaces may join the words of a name; anything else ends the run.
    const gap = word.start - previousEnd;
    const joined =
      previousEnd >= 0 &&
      (gap === 1 || gap === 2) &&
      text.charCodeAt(previousEnd) === 32 &&
      text.charCodeAt(word.start - 1) === 32;
    previousEnd = word.end;
    const afterLabelEnd = previousHash !== 0 && hasBit(strongLabelEndBits, previousHash);
    previousHash = word.hash;

    if (word.shape === Shape.Capitalized || word.shape === Shape.Initial) {
      closeLowerName();
      if (!joined) closeRun();
      if (run.length < MAX_RUN_LENGTH) run.push(copyWord(word));
      else runOverflowEnd = word.end;
      continue;
    }
    if (word.shape === Shape.Lower && joined && run.length > 0 && PARTICLES.has(text.slice(word.start, word.end))) {
      if (run.length < MAX_RUN_LENGTH) run.push(copyWord(word));
      else runOverflowEnd = word.end;
      continue;
    }
    closeRun();
    if (word.shape !== Shape.Lower) {
      closeLowerName();
      continue;
    }
    const length = word.end - word.start;
    if (length < 3) {
      closeLowerName();
      continue;
    }
    if (lowerName === undefined && !afterLabelEnd && !hasBit(lowerCaseNameBits, word.hash)) continue;
    const value = text.slice(word.start, word.end);
    // `my name is vitoria`, `call me višeslav`: after a strong label a lower-case given name or
    // non-word is a name.
    if (afterLabelEnd && lowerName === undefined && (given.has(value) || (!common.has(value) && !rarer.has(value)))) {
      if (nameLabelBefore(text, word.start) === Label.Strong) {
        lowerName = { start: word.start, end: word.end };
        continue;
      }
    }
    // `patricia desrosiers`: a lower-case given name takes a following surname or non-word.
    if (lowerName !== undefined && joined && (surnames.has(value) || !common.has(value))) {
      lowerName.end = word.end;
      closeLowerName();
      continue;
    }
    closeLowerName();
    if (given.has(value) && !common.has(value) && !rarer.has(value)) lowerName = { start: word.start, end: word.end };
  }
  closeRun();
  closeLowerName();
  closeList();
  return { matches, earliestOpen };
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
];
const HONORIFICS = new Set(
  'mr mrs ms miss mx dr prof sir dame lady lord rev capt sgt mister madam herr frau señor señora monsieur madame'.split(
    ' ',
  ),
);
const enum Field {
  None,
  Person,
  NotPerson,
}

/** Record keys (lower case, `_` and `-` removed) whose values are people. */
const PERSON_FIELDS = new Set(
  (
    'name fullname firstname lastname givenname familyname surname middlename maidenname displayname preferredname ' +
    'customername contactname patientname clientname employeename membername holdername cardholder cardholdername ' +
    'accountholder author assignee reporter approver requester recipient sender signedby owner manager employee ' +
    'customer contact patient client guardian spouse nextofkin emergencycontact beneficiary'
  ).split(' '),
);
/**
 * Record keys whose values are places, organisations or things, never a person. Not `address`:
 * an address block starts with the addressee (`Billing address: Ana Dias`).
 */
const NOT_PERSON_FIELDS = new Set(
  (
    'city town state province county region country countryname street streetname line1 line2 addressline1 ' +
    'addressline2 district suburb neighbourhood neighborhood company companyname organization ' +
    'organisation org orgname employer vendor supplier merchant bank bankname product productname brand model ' +
    'department team project title subject status type category label tag host hostname filename file path ' +
    'description currency language locale timezone'
  ).split(' '),
);
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
  while (position > limit && text.charCodeAt(position - 1) === 32) position--;
  const separator = text.charCodeAt(position - 1);
  if (separator !== 58 && separator !== 61 && separator !== 62) return Field.None;
  position--;
  if (separator === 62) {
    // `<city>Clinton`: the element name is the key.
    const open = text.lastIndexOf('<', position - 1);
    if (open < limit || open < 0) return Field.None;
    return fieldOf(text.slice(open + 1, position));
  }
  while (position > limit && text.charCodeAt(position - 1) === 32) position--;
  if (position > limit && isQuote(text.charCodeAt(position - 1))) position--;
  let keyStart = position;
  while (keyStart > limit && isKeyCharacter(text.charCodeAt(keyStart - 1))) keyStart--;
  if (keyStart === position) return Field.None;
  return fieldOf(text.slice(keyStart, position));
}

function fieldOf(key: string): Field {
  // `billing.city`, `customer_name`, `firstName`: the last segment names the value.
  const last = key
    .slice(key.lastIndexOf('.') + 1)
    .replace(/[_-]/g, '')
    .toLowerCase();
  if (PERSON_FIELDS.has(last)) return Field.Person;
  if (NOT_PERSON_FIELDS.has(last)) return Field.NotPerson;
  return Field.None;
}

/** Whether `, XX` follows `end`, two capitals and no more: a US state or Canadian province code. */
function beforeRegionCode(text: string, end: number): boolean {
  if (text.charCodeAt(end) !== 44 || text.charCodeAt(end + 1) !== 32) return false;
  const first = text.charCodeAt(end + 2);
  const second = text.charCodeAt(end + 3);
  const after = text.charCodeAt(end + 4);
  // `NC 47258`, `ON,`, end of line or text: not `GB15…` or `NCA`.
  return (
    isAsciiUpper(first) && isAsciiUpper(second) && (Number.isNaN(after) || after === 32 || after === 44 || after === 10)
  );
}

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
/** Labels by their last word, so a look-up costs one set probe for almost every word. */
const LABELS_BY_LAST_WORD = new Map<string, Array<{ label: string; strength: Label }>>();
for (const [labels, strength] of [
  [STRONG_NAME_LABELS, Label.Strong],
  [WEAK_NAME_LABELS, Label.Weak],
] as const) {
  for (const label of labels) {
    const last = label.slice(label.lastIndexOf(' ') + 1);
    LABELS_BY_LAST_WORD.set(last, [...(LABELS_BY_LAST_WORD.get(last) ?? []), { label, strength }]);
  }
}
/** Hashes of the honorifics and of every label's last word. */
const LABEL_LAST_WORD_BITS = hashBits([...HONORIFICS, ...LABELS_BY_LAST_WORD.keys()]);
/** How far back a label is looked for; longer than the longest label with its separators. */
const NAME_CONTEXT_CHARACTERS = 40;

/**
 * Which name label, letter closing or honorific ends right before `start`, if any: the label, an
 * optional `:`, `,`, `?`, `!` (`.` after an honorific), and one to three spaces or line breaks.
 * The label is written as it starts a sentence or follows one (`Dear`, `dear`), never in capitals.
 */
function nameLabelBefore(text: string, start: number): Label {
  let end = start;
  const limit = Math.max(0, start - NAME_CONTEXT_CHARACTERS);
  while (end > limit && end > start - 3 && isSpace(text.charCodeAt(end - 1))) end--;
  if (end === start || end <= limit) return Label.None;
  const punctuation = text.charCodeAt(end - 1);
  const hasPunctuation =
    punctuation === 58 || punctuation === 44 || punctuation === 63 || punctuation === 33 || punctuation === 46;
  if (hasPunctuation) end--;
  let wordStart = end;
  let hash = FNV_OFFSET;
  while (wordStart > limit && isWordCharacter(text.charCodeAt(wordStart - 1))) wordStart--;
  if (wordStart === end) return Label.None;
  // Most words before a name are no label: rule them out by hash before building a string.
  for (let index = wordStart; index < end; index++) hash = hashStep(hash, text.charCodeAt(index));
  if (!hasBit(LABEL_LAST_WORD_BITS, hash)) return Label.None;
  const lastWord = text.slice(wordStart, end);
  if (HONORIFICS.has(lastWord.toLowerCase()) && (!hasPunctuation || punctuation === 46)) return Label.Strong;
  if (hasPunctuation && punctuation === 46) return Label.None;
  const lowered = (lastWord.charAt(0).toLowerCase() + lastWord.slice(1)).replace(/’/g, "'");
  const labels = LABELS_BY_LAST_WORD.get(lowered);
  if (labels === undefined) return Label.None;
  const before = text
    .slice(Math.max(limit, end - 24), end)
    .replace(/’/g, "'")
    .replace(/ {2}/g, ' ');
  let found = Label.None;
  for (const { label, strength } of labels) {
    if (strength <= found || before.length < label.length || !before.endsWith(label.slice(1))) continue;
    if (before.charAt(before.length - label.length).toLowerCase() !== label.charAt(0)) continue;
    const previous = before.charCodeAt(before.length - label.length - 1);
    if (Number.isNaN(previous) || !isWordCharacter(previous)) found = strength;
  }
  return found;
}

/** Whether the word ending at `end` ends in `'s` or `’s`. */
const endsWithPossessive = (text: string, end: number) =>
  end >= 2 && text.charCodeAt(end - 1) === 115 && isApostrophe(text.charCodeAt(end - 2));

const isSpace = (code: number) => code === 32 || code === 10 || code === 9 || code === 13;
const isWordCharacter = (code: number) => letterClass(code) !== 0 || isApostrophe(code);

/** Verbs that follow a person far more often than a thing: `Mehrudin shouted at Todd`. */
const PERSON_VERBS =
  /^ (?:said|says|asked|asks|told|tells|replied|shouted|whispered|screamed|yelled|wrote|writes|began|sang|sings|smiled|laughed|cried|nodded|spent|lives|lived|works|worked|married|died|thinks|thought|wants|wanted|loves|loved|knows|knew|met|agreed|explained|emailed|texted|(?:is|was) from|was born|had (?:given|told|said|been))\b/;
/** What follows a name someone is addressed by at the start of a sentence: `Warrane, can I …`. */
const VOCATIVE_AFTER = /^, (?:can|could|would|will|please|do|did|are|have|i|you|we)\b/i;

/**
 * Whether a capitalized word no list knows stands where a person does: before a verb people do
 * (`Tomomi is from`, `Alvir spent`), addressed at the start of a sentence (`Warrane, can I`) or at
 * the end of one (`Don't go, Mark!`), or as the speaker of a line (`Halldór: What a wife.`). Looks
 * at most 32 characters ahead (LIST_LOOKAHEAD_CHARACTERS).
 */
function hasPersonContext(text: string, item: Item, fromIndex: number): boolean {
  const after = text.charCodeAt(item.end);
  if (after === 32) return PERSON_VERBS.test(text.slice(item.end, item.end + LIST_LOOKAHEAD_CHARACTERS));
  const atSentenceStart = startsSentence(text, item.start, fromIndex);
  if (after === 44) return atSentenceStart && VOCATIVE_AFTER.test(text.slice(item.end, item.end + 12));
  if (after === 33 || after === 63)
    return text.charCodeAt(item.start - 1) === 32 && text.charCodeAt(item.start - 2) === 44;
  if (after === 58 && item.known !== true && atSentenceStart && startsLine(text, item.start, fromIndex)) {
    // A speaker says something on the same line: `Koppány: "Who are you?"`, not `Fax:` and a number below.
    const next = text.charCodeAt(item.end + 1) === 32 ? text.charCodeAt(item.end + 2) : text.charCodeAt(item.end + 1);
    return next === 34 || next === 0x201c || letterClass(next) === LETTER_UPPER;
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
    if (letterClass(code) === 0 && !RUN_OR_LIST_CHARACTERS.has(code) && !isApostrophe(code)) break;
    position--;
  }
  return position;
}

/** The next word at or after `from`: a run of letters with inner apostrophes and hyphens. */
function nextWord(text: string, from: number, out: Word): Word | undefined {
  let start = from;
  while (start < text.length && letterClass(text.charCodeAt(start)) === 0) start++;
  if (start >= text.length) return undefined;
  let end = start;
  let uppers = 0;
  let lowers = 0;
  let adjacentUppers = false;
  let lastClass = 0;
  let hash = FNV_OFFSET;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    const kind = letterClass(code);
    if (kind !== 0) {
      hash = hashStep(hash, code);
      if (kind === LETTER_UPPER) {
        uppers++;
        if (lastClass === LETTER_UPPER) adjacentUppers = true;
      } else if (kind === LETTER_LOWER) lowers++;
      lastClass = kind;
      end++;
      continue;
    }
    // `O'Brien`, `Lee-Smith`: an apostrophe or hyphen between letters stays in the word.
    if ((isApostrophe(code) || code === 45) && letterClass(text.charCodeAt(end + 1)) !== 0) {
      hash = hashStep(hash, code);
      lastClass = 0;
      end++;
      continue;
    }
    break;
  }
  const before = start > 0 ? text.charCodeAt(start - 1) : 32;
  const after = end < text.length ? text.charCodeAt(end) : 32;
  const first = letterClass(text.charCodeAt(start));
  let shape: Shape;
  if (
    end - start > MAX_WORD_CHARACTERS ||
    isIdentifierGlue(before) ||
    isIdentifierGlue(after) ||
    before === 46 || // `.Name`: a member access or a file extension
    (after === 46 && end + 1 < text.length && letterClass(text.charCodeAt(end + 1)) !== 0)
  ) {
    shape = Shape.Other;
  } else if (first === LETTER_UPPER && end - start === 1) {
    // `J.` or `J` between two names: `Szabina J Gelencsér`. Trimmed from a run's ends.
    return after === 46
      ? { start, end: end + 1, shape: Shape.Initial, hash }
      : { start, end, shape: Shape.Initial, hash };
  } else if (first === LETTER_UPPER && lowers > 0 && !adjacentUppers) {
    // `McDowell`, `O'Brien` and `DeShawn` have inner capitals; `NASA`, `JSONParser` do not count.
    shape = Shape.Capitalized;
  } else if (uppers === 0) {
    shape = Shape.Lower;
  } else {
    shape = Shape.Other;
  }
  return fill(out, start, end, shape, hash);
}

/** A copy that keeps every word object the same shape, so the engine's property access stays fast. */
function copyWord(word: Word): Word {
  return { start: word.start, end: word.end, shape: word.shape, hash: word.hash, key: word.key };
}

function fill(out: Word, start: number, end: number, shape: Shape, hash: number): Word {
  out.start = start;
  out.end = end;
  out.shape = shape;
  out.hash = hash;
  out.key = undefined;
  return out;
}
