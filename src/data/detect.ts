import { ConfigError } from '../core/errors';
import { compileColumnPass, type TableExtent } from './columns';
import { BUILT_IN_PATTERNS } from './patterns';
import { findPersonNames, findRepeatedNames, loadPersonLexicon, type Extent } from './person';

export type { Extent };
import { compilePattern, compileSet, utf16Length, type ByteMatch, type LinearPattern, type PatternSet } from './re2';
import {
  MASK_MINIMUM_RUN,
  PLACEHOLDER_OPENING,
  SENSITIVE_TYPES,
  type CustomDetector,
  type DetectOptions,
  type Finding,
  type SensitiveType,
} from './types';

/** How far before a custom detector's match its context words are looked for. */
export const CONTEXT_WINDOW_CHARACTERS = 48;

const CUSTOM_PRIORITY = 10;
/** Below labelled and honorific names (20) and addresses (28-30): they see more context. */
const PERSON_PRIORITY = 18;
/** @internal The detector id of the name pass's findings. */
export const PERSON_DETECTOR = 'person-name';
/** The header says what a cell is: above the phone (43-44), name, address and labelled date and record (46-48) rules, below SSNs, cards and secrets. */
const COLUMN_PRIORITY = 50;
const COLUMN_DETECTOR = 'table-column';
const CUSTOM_TYPE_SHAPE = /^[A-Z][A-Z0-9_]{0,63}$/;

interface Rule {
  readonly id: string;
  readonly type: string;
  readonly priority: number;
  readonly confidence: number;
  readonly pattern: LinearPattern;
  readonly accept: (value: string) => number;
  readonly acceptMatch?: ((match: string, value: string) => boolean) | undefined;
  readonly placeholder?: ((value: string) => boolean) | undefined;
  /** The rule a match's leading number is reported under (see `PatternDefinition.leadingNumber`). */
  readonly leadingNumber?: Rule | undefined;
}

/**
 * A finding plus what the streaming redactor needs: the extent of the whole match (label and
 * trailing context included) and the rule's priority.
 * @internal
 */
export interface Candidate extends Finding {
  readonly matchStart: number;
  readonly matchEnd: number;
  readonly priority: number;
  /**
   * Set when a finding was assembled from parts (a street and its town, the lines of an address
   * block): the extents the name and column passes saw as findings, which a stream shows them in
   * its look-behind as the batch scan did. Unset: the whole extent.
   */
  readonly parts?: readonly Extent[];
}

/** @internal What one scan of a window found. */
export interface ScanResult {
  /** Accepted matches before overlap resolution, sorted by start. */
  readonly candidates: Candidate[];
  /** Smallest start (UTF-16) of any match, accepted or not, whose end lies within `nearEndBytes` of the end; or `Infinity`. */
  readonly earliestOpenMatch: number;
  /** Tables the column pass read that reach `fromIndex` or beyond: a stream keeps their header in view. */
  readonly tables?: readonly TableExtent[];
  /** Lone capitalized words from `fromIndex` on that may repeat an earlier name (see `findRepeatedNames`), flat: start, end, …. */
  readonly lone?: Int32Array;
}

/**
 * The compiled detection engine: patterns compile once, in {@link createDetector}, and every call
 * reuses them. One engine serves redaction, classification, output filtering and log scrubbing.
 */
export interface SensitiveDataDetector {
  /** Types this engine reports: the selected built-in types and the custom detector types. */
  readonly types: readonly string[];
  /**
   * Finds sensitive data in `text`. Findings are sorted, non-overlapping, in UTF-16 offsets with
   * `end` exclusive; overlaps are resolved by rule priority, then by length. Never throws.
   */
  detect(text: string): Finding[];
  /** @internal Findings of `text` before they lose their internal fields, for the redactor. */
  resolve(text: string): Candidate[];
  /** @internal Raw scan from `fromIndex`, for the streaming redactor. */
  scan(
    text: string,
    fromIndex: number,
    nearEndBytes: number,
    findingsBefore?: readonly Extent[],
    lineStartAtZero?: boolean,
  ): ScanResult;
}

/**
 * Compiles a detector. Built-in types run as RE2 patterns (linear time) over one UTF-8 copy of the
 * text, behind one `RE2.Set` prefilter, so clean text costs one set scan.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) when a type is unknown or a custom pattern does not compile.
 * @example
 * const detector = createDetector({ types: ['EMAIL', 'API_KEY'], detectors: [{ type: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' }] });
 * detector.detect('mail bob@example.com'); // [{ start: 5, end: 20, type: 'EMAIL', ... }]
 */
export function createDetector(options: DetectOptions = {}): SensitiveDataDetector {
  const selected = new Set<string>(options.types ?? SENSITIVE_TYPES);
  for (const type of selected) {
    if (!(SENSITIVE_TYPES as readonly string[]).includes(type)) {
      throw new ConfigError(`types contains an unknown type; use one of ${SENSITIVE_TYPES.join(', ')}.`, {
        source: 'redaction',
        details: { option: 'types' },
      });
    }
  }
  const rules: Rule[] = [];
  const sources: string[] = [];
  // Person names come from a lexicon pass over the text (person.ts), not from a pattern.
  const findsPersons = selected.has('PERSON');
  const ignoresPlaceholderNames = options.ignorePlaceholders === true;
  const joinsAddresses = selected.has('ADDRESS');
  if (findsPersons) loadPersonLexicon();
  for (const definition of BUILT_IN_PATTERNS) {
    if (!selected.has(definition.type)) continue;
    const accept = definition.accept;
    const rule: { -readonly [Key in keyof Rule]: Rule[Key] } = {
      id: definition.id,
      type: definition.type,
      priority: definition.priority,
      confidence: definition.confidence,
      pattern: compilePattern(definition.source, `built-in pattern ${definition.id}`),
      accept: accept === undefined ? (value) => value.length : (value) => accept(value),
      acceptMatch: definition.acceptMatch,
      placeholder: options.ignorePlaceholders === true ? definition.placeholder : undefined,
    };
    if (definition.leadingNumber !== undefined) {
      rule.leadingNumber = { ...rule, id: definition.leadingNumber, accept: (value) => value.length };
    }
    rules.push(rule);
    sources.push(definition.prefilter ?? definition.source);
  }
  (options.detectors ?? []).forEach((detector, index) => {
    rules.push(compileCustom(detector, index));
    sources.push(detector.pattern);
  });
  // Tables whose header names a type (`DOB`, `MRN`, `Patient name`): one more entry in the set.
  const columns = compileColumnPass(selected);
  const columnsIndex = columns === undefined ? -1 : sources.push(columns.prefilter) - 1;
  const set: PatternSet | undefined = sources.length > 0 ? compileSet(sources) : undefined;
  const types = [...new Set([...rules.map((rule) => rule.type), ...(findsPersons ? ['PERSON'] : [])])];

  function scan(
    text: string,
    fromIndex: number,
    nearEndBytes: number,
    findingsBefore: readonly Extent[] = [],
    lineStartAtZero = true,
  ): ScanResult {
    if (text.length === 0 || fromIndex >= text.length) return { candidates: [], earliestOpenMatch: Infinity };
    const lease = leaseUtf8(text);
    try {
      return scanBuffer(text, lease.buffer, fromIndex, nearEndBytes, findingsBefore, lineStartAtZero);
    } finally {
      lease.release();
    }
  }

  function scanBuffer(
    text: string,
    buffer: Buffer,
    fromIndex: number,
    nearEndBytes: number,
    findingsBefore: readonly Extent[],
    lineStartAtZero: boolean,
  ): ScanResult {
    const present: Rule[] = [];
    let tabular = false;
    if (set !== undefined)
      for (const index of set.matching(buffer)) {
        if (index === columnsIndex) tabular = true;
        else present.push(rules[index] as Rule);
      }
    if (present.length === 0 && !tabular && !findsPersons) return { candidates: [], earliestOpenMatch: Infinity };
    const ascii = buffer.length === text.length;
    const fromByte = ascii ? fromIndex : Buffer.byteLength(text.slice(0, fromIndex), 'utf8');
    const raw: Array<{ rule: Rule; start: number; end: number; valueStart: number; valueEnd: number }> = [];
    const placeholders = findPlaceholders(buffer);
    let earliestOpenByte = Infinity;
    const openFrom = buffer.length - nearEndBytes;
    const scanRule = (rule: Rule) =>
      rule.pattern.scan(buffer, fromByte, (match) => {
        if (match.end > openFrom && match.start < earliestOpenByte) earliestOpenByte = match.start;
        // Nothing in a placeholder is a value, nor a label: `[REDACTED:DATE_OF_BIRTH]` ends in `BIRTH]`.
        if (
          placeholders.length > 0 &&
          (overlapsAny(placeholders, match.valueStart, match.valueEnd) ||
            (match.valueStart > match.start && overlapsAny(placeholders, match.start, match.valueStart)))
        ) {
          return nextCharacterStart(buffer, match.start + 1);
        }
        const value = buffer.toString('utf8', match.valueStart, match.valueEnd);
        let kept = 0;
        try {
          kept = rule.accept(value);
          // Rejected by its context: the value was judged with that context, so resume after it.
          if (
            kept > 0 &&
            rule.acceptMatch !== undefined &&
            !rule.acceptMatch(buffer.toString('utf8', match.start, match.end), value)
          )
            return match.valueEnd > match.start ? match.valueEnd : nextCharacterStart(buffer, match.start + 1);
          if (kept > 0 && rule.placeholder?.(value) === true) kept = 0;
        } catch {
          kept = 0;
        }
        if (kept <= 0 || match.valueEnd <= match.valueStart) return nextCharacterStart(buffer, match.start + 1);
        if (kept >= value.length) {
          if (rule.leadingNumber !== undefined) pushLeadingNumber(rule.leadingNumber, buffer, match, raw);
          raw.push({ rule, ...match });
          return match.end;
        }
        const valueEnd = match.valueStart + Buffer.byteLength(value.slice(0, kept), 'utf8');
        raw.push({ rule, start: match.start, end: valueEnd, valueStart: match.valueStart, valueEnd });
        return valueEnd;
      });
    // Continuation lines (`Germany`, `10115 Berlin`) are findings only inside an address block, so
    // they are looked for only when the text has a street, unit or box to start one.
    let continuations: Rule[] | undefined;
    for (const rule of present) {
      if (!CONTINUATION_ONLY_RULES.has(rule.id)) scanRule(rule);
      else (continuations ??= []).push(rule);
    }
    // A town line under a form's label for it is one on its own (`City, state, and ZIP code:`).
    if (
      continuations !== undefined &&
      (raw.some((item) => item.rule.type === 'ADDRESS') || TOWN_LABEL_ANYWHERE.test(text))
    )
      for (const rule of continuations) scanRule(rule);
    const toIndex = ascii ? (byte: number) => byte : byteToIndexMapper(buffer, raw, earliestOpenByte);
    const candidates: Candidate[] = [];
    for (const item of raw) {
      const start = toIndex(item.valueStart);
      const end = toIndex(item.valueEnd);
      candidates.push({
        start,
        end,
        type: item.rule.type,
        confidence: item.rule.confidence,
        detector: item.rule.id,
        matchStart: toIndex(item.start),
        matchEnd: toIndex(item.end),
        priority: item.rule.priority,
      });
    }
    // Custom context checks need UTF-16 offsets, so they run after mapping.
    const accepted = candidates.filter((candidate) => customContextAccepts(candidate, text));
    // Continuation lines are findings only inside an address block: those outside one go before the
    // column and name passes, which see the rest as the findings they will be (`1980 Anna` is no
    // address, so `Anna` is judged as a word; in `IL 62704 Zorblax Anna` the town is not).
    if (accepted.some((candidate) => CONTINUATION_ONLY_RULES.has(candidate.detector))) {
      const streets = accepted.filter((candidate) => candidate.type === 'ADDRESS').sort(byStartThenLonger);
      const inBlocks = walkAddressBlocks(streets, text).absorbed;
      let kept = 0;
      for (const candidate of accepted)
        if (
          !CONTINUATION_ONLY_RULES.has(candidate.detector) ||
          inBlocks.has(candidate) ||
          (TOWN_LINE_RULES.has(candidate.detector) && afterTownLabel(text, candidate.matchStart))
        )
          accepted[kept++] = candidate;
      accepted.length = kept;
    }
    let earliestOpenMatch = earliestOpenByte === Infinity ? Infinity : toIndex(earliestOpenByte);
    let tables: readonly TableExtent[] | undefined;
    let lone: Int32Array | undefined;
    if (tabular && columns !== undefined) {
      const read = columns.find(
        text,
        fromIndex,
        nearEndBytes > 0,
        lineStartAtZero,
        findingsBefore.length === 0 ? accepted : [...findingsBefore, ...accepted],
      );
      for (const cell of read.cells)
        accepted.push(passCandidate(cell, cell.type, 0.8, COLUMN_DETECTOR, COLUMN_PRIORITY));
      earliestOpenMatch = Math.min(earliestOpenMatch, read.earliestOpen);
      tables = read.tables;
    }
    if (findsPersons) {
      // Every other finding will be a placeholder in the redacted text, so the name pass treats it
      // as one already: a second pass over the redacted text then judges the same runs.
      // The pass may walk back before `fromIndex`; a stream passes the findings it released there.
      const persons = findPersonNames(
        text,
        fromIndex,
        nearEndBytes,
        findingsBefore.length === 0 ? accepted : [...findingsBefore, ...accepted],
      );
      const streets = accepted
        .filter((candidate) => STREET_RULES.has(candidate.detector))
        .sort((left, right) => left.end - right.end);
      const { names, confidences } = persons;
      for (let index = 0; index < confidences.length; index++) {
        const start = names[2 * index] as number;
        const end = names[2 * index + 1] as number;
        if (ignoresPlaceholderNames && isPlaceholderName(text, start, end)) continue;
        const street = streets.length === 0 ? undefined : streetBefore(streets, text, start);
        accepted.push(
          street === undefined
            ? candidateAt(start, end, 'PERSON', confidences[index] as number, PERSON_DETECTOR, PERSON_PRIORITY)
            : localityCandidate(street, end),
        );
      }
      // Open runs and lists: the pass keeps 40 characters open, within the 96 bytes asked for.
      earliestOpenMatch = Math.min(earliestOpenMatch, persons.earliestOpen);
      if (persons.lone.length > 0) lone = persons.lone;
      // A run still open may yet be a locality that joins the street before it: hold that street too.
      if (persons.earliestOpen !== Infinity)
        for (const street of streets)
          if (street.end + LOCALITY_GAP_CHARACTERS >= persons.earliestOpen && street.matchStart < earliestOpenMatch)
            earliestOpenMatch = street.matchStart;
    }
    accepted.sort(byStartThenLonger);
    if (joinsAddresses) joinAddressBlocks(accepted, text);
    return { candidates: accepted, earliestOpenMatch, ...(tables && { tables }), ...(lone && { lone }) };
  }

  const resolve = (text: string) => resolveScan(scan(text, 0, 0), text);

  const contextByRule = new Map<string, readonly string[]>();
  (options.detectors ?? []).forEach((detector, index) => {
    if (detector.contextWords !== undefined && detector.contextWords.length > 0) {
      contextByRule.set(
        customId(detector, index),
        detector.contextWords.map((word) => word.toLowerCase()),
      );
    }
  });

  function customContextAccepts(candidate: Candidate, text: string): boolean {
    const words = contextByRule.get(candidate.detector);
    if (words === undefined) return true;
    const window = text.slice(Math.max(0, candidate.start - CONTEXT_WINDOW_CHARACTERS), candidate.start).toLowerCase();
    return words.some((word) => window.includes(word));
  }

  return {
    types,
    scan,
    detect(text: string): Finding[] {
      if (typeof text !== 'string' || text.length === 0) return [];
      return resolve(text).map(toFinding);
    },
    resolve,
  };
}

/** Texts up to this many UTF-8 bytes are encoded into one reused buffer instead of a new one. */
const SCRATCH_MAX_BYTES = 1024 * 1024;
let scratch: Buffer | undefined;
let scratchInUse = false;

/**
 * The UTF-8 bytes of `text`, encoded into a buffer reused across scans: allocating a fresh 100 KB
 * buffer costs 50-130 µs, encoding into an existing one about 7 µs. A nested scan (a custom
 * validator that itself redacts) or a larger text gets its own buffer. On release the bytes are
 * zeroed, so the last prompt does not linger in a long-lived buffer.
 */
function leaseUtf8(text: string): { buffer: Buffer; release: () => void } {
  const bound = text.length * 3;
  if (scratchInUse || bound > SCRATCH_MAX_BYTES) return { buffer: Buffer.from(text, 'utf8'), release: () => {} };
  if (scratch === undefined || scratch.length < bound) {
    scratch = Buffer.alloc(Math.min(SCRATCH_MAX_BYTES, Math.max(bound, 16 * 1024, (scratch?.length ?? 0) * 2)));
  }
  const owned = scratch;
  const length = owned.write(text, 0, 'utf8');
  scratchInUse = true;
  return {
    buffer: owned.subarray(0, length),
    release: () => {
      owned.fill(0, 0, length);
      scratchInUse = false;
    },
  };
}

function customId(detector: CustomDetector, index: number): string {
  return `custom:${detector.type.toLowerCase()}:${index}`;
}

function compileCustom(detector: CustomDetector, index: number): Rule {
  const path = `detectors.${index}`;
  if (typeof detector !== 'object' || detector === null) {
    throw new ConfigError(`${path} must be an object with type and pattern.`, {
      source: 'redaction',
      details: { option: path },
    });
  }
  if (typeof detector.type !== 'string' || !CUSTOM_TYPE_SHAPE.test(detector.type)) {
    throw new ConfigError(`${path}.type must be SCREAMING_SNAKE_CASE (A-Z, 0-9, _; at most 64 characters).`, {
      source: 'redaction',
      details: { option: `${path}.type` },
    });
  }
  if (typeof detector.pattern !== 'string' || detector.pattern.length === 0) {
    throw new ConfigError(`${path}.pattern must be a non-empty RE2 pattern string.`, {
      source: 'redaction',
      details: { option: `${path}.pattern` },
    });
  }
  const validate = detector.validate;
  return {
    id: customId(detector, index),
    type: detector.type,
    priority: CUSTOM_PRIORITY,
    confidence: 0.7,
    pattern: compilePattern(detector.pattern, `${path}.pattern`),
    accept: validate === undefined ? (value) => value.length : (value) => (validate(value) === true ? value.length : 0),
  };
}

const PLACEHOLDER_OPENING_BYTES = Buffer.from(PLACEHOLDER_OPENING);
const PLACEHOLDER_MAX_TYPE_BYTES = 64;

const MASK_BYTE = 0x2a;

/** Space, tab, line feed, carriage return: what stands around the mask of a short finding. */
const isSpaceByte = (byte: number | undefined) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Byte extents of `[REDACTED:TYPE]` placeholders and of masks in `buffer`, sorted: runs of four or
 * more `*`, and shorter runs that stand alone between spaces or line breaks (the mask of a name
 * such as `Qty` or `Li`; a standalone `***` is no emphasis, which touches its text). Nothing
 * overlapping one is ever a finding, which is what makes redaction idempotent: a second pass cannot
 * pick a different winner among overlapping rules, nor read a mask as markup between a label and a
 * value (`DOB\t***\n1987-03-14`).
 */
function findPlaceholders(buffer: Buffer): number[] {
  const typed = findTypedPlaceholders(buffer);
  const masks: number[] = [];
  let star = buffer.indexOf(MASK_BYTE);
  while (star !== -1) {
    let end = star + 1;
    while (end < buffer.length && buffer[end] === MASK_BYTE) end++;
    if (
      end - star >= MASK_MINIMUM_RUN ||
      ((star === 0 || isSpaceByte(buffer[star - 1])) && (end === buffer.length || isSpaceByte(buffer[end])))
    )
      masks.push(star, end);
    star = buffer.indexOf(MASK_BYTE, end);
  }
  if (masks.length === 0) return typed;
  if (typed.length === 0) return masks;
  const pairs: Array<[number, number]> = [];
  for (let index = 0; index < typed.length; index += 2)
    pairs.push([typed[index] as number, typed[index + 1] as number]);
  for (let index = 0; index < masks.length; index += 2)
    pairs.push([masks[index] as number, masks[index + 1] as number]);
  pairs.sort((left, right) => left[0] - right[0]);
  const merged: number[] = [];
  for (const [start, end] of pairs) {
    const last = merged.length - 1;
    if (last > 0 && start <= (merged[last] as number)) merged[last] = Math.max(merged[last] as number, end);
    else merged.push(start, end);
  }
  return merged;
}

function findTypedPlaceholders(buffer: Buffer): number[] {
  const extents: number[] = [];
  let from = buffer.indexOf(PLACEHOLDER_OPENING_BYTES);
  while (from !== -1) {
    let end = from + PLACEHOLDER_OPENING_BYTES.length;
    const limit = Math.min(buffer.length, end + PLACEHOLDER_MAX_TYPE_BYTES + 1);
    while (end < limit && isPlaceholderTypeByte(buffer[end] ?? 0)) end++;
    if (end < buffer.length && buffer[end] === 0x5d && end > from + PLACEHOLDER_OPENING_BYTES.length)
      extents.push(from, end + 1);
    from = buffer.indexOf(PLACEHOLDER_OPENING_BYTES, from + 1);
  }
  return extents;
}

const isPlaceholderTypeByte = (byte: number) => (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte === 95;

/** Whether [start, end) overlaps one of the sorted, disjoint extents (pairs of start, end). */
function overlapsAny(extents: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = extents.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const extentStart = extents[middle * 2] as number;
    const extentEnd = extents[middle * 2 + 1] as number;
    if (extentEnd <= start) low = middle + 1;
    else if (extentStart >= end) high = middle - 1;
    else return true;
  }
  return false;
}

/**
 * The findings of a whole-text scan: overlaps resolved, then later mentions of the names found
 * added. A stream does the same per release (see the streaming redactor).
 * @internal
 */
export function resolveScan(scanned: ScanResult, text: string): Candidate[] {
  const resolved = resolveOverlaps(scanned.candidates, text);
  return scanned.lone === undefined ? resolved : withRepeatedNames(text, resolved, scanned.lone, 0, new Map());
}

/**
 * `findings` (resolved, sorted) with the later mentions, among the `lone` words, of names they
 * hold (see {@link findRepeatedNames}); `seen` carries the names of earlier text, by where they
 * ended in a stream (`offset`: the stream offset of `text[0]`), and gains those of `findings`.
 * @internal For the detector and the streaming redactor.
 */
export function withRepeatedNames(
  text: string,
  findings: Candidate[],
  lone: Int32Array,
  offset: number,
  seen: Map<string, number>,
): Candidate[] {
  const repeated = findRepeatedNames(text, findings, lone, offset, seen);
  if (repeated.length === 0) return findings;
  const merged: Candidate[] = [];
  let index = 0;
  for (const name of repeated) {
    while (index < findings.length && (findings[index] as Candidate).start < name.start)
      merged.push(findings[index++] as Candidate);
    merged.push(passCandidate(name, 'PERSON', REPEATED_NAME_CONFIDENCE, PERSON_DETECTOR, PERSON_PRIORITY));
  }
  while (index < findings.length) merged.push(findings[index++] as Candidate);
  return merged;
}

/** A later mention of a name found earlier: as sure as a name the lexicon knows alone. */
const REPEATED_NAME_CONFIDENCE = 0.5;

/** A finding of the column or name pass: its match is its value. */
function passCandidate(
  extent: Extent,
  type: string,
  confidence: number,
  detector: string,
  priority: number,
): Candidate {
  return candidateAt(extent.start, extent.end, type, confidence, detector, priority);
}

function candidateAt(
  start: number,
  end: number,
  type: string,
  confidence: number,
  detector: string,
  priority: number,
): Candidate {
  return { start, end, type, confidence, detector, matchStart: start, matchEnd: end, priority };
}

/** Rules that find a street line or a unit: a place name right after one is the address's locality. */
const STREET_RULES = new Set([
  'street-address',
  'address-number-word',
  'address-japanese',
  'european-address',
  'address-number-first',
  'address-numbered-street',
  'address-street-after-preposition',
  'address-named-street',
  'address-unit',
  'po-box',
]);
/**
 * Rules that find a street with its town already (`Am Weinberg 155\n10974 Berlin`, a Brazilian
 * address to its CEP): they start an address block, so a country line after them joins it, but
 * take no locality from the name pass.
 */
const STREET_AND_TOWN_RULES = new Set([
  'address-street-postcode',
  'address-brazil',
  'address-india',
  'address-japanese-postal',
]);
/** Widest gap between a street and its locality: spaces, one comma, one line break. */
const LOCALITY_GAP_CHARACTERS = 8;
const LOCALITY_GAP = /^[ \t]{0,3}(?:,[ \t]{0,3})?(?:\r?\n[ \t]{0,3}(?:,[ \t]{0,3})?)?$/;

/** The street candidate (of `streets`, sorted by end) that ends right before `start`, with only a locality gap between. */
function streetBefore(streets: readonly Candidate[], text: string, start: number): Candidate | undefined {
  // The last street that ends at or before `start`, found by bisection: names and streets can
  // each be 100,000 in a text, so no name looks at every street.
  let low = 0;
  let high = streets.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((streets[middle] as Candidate).end <= start) low = middle + 1;
    else high = middle;
  }
  for (let index = low - 1; index >= 0; index--) {
    const street = streets[index] as Candidate;
    if (street.end + LOCALITY_GAP_CHARACTERS < start) break;
    if (LOCALITY_GAP.test(text.slice(street.end, start))) return street;
  }
  return undefined;
}

/** The extents of `candidate` the other passes saw as findings (see `Candidate.parts`). */
function partsOf(candidate: Candidate): readonly Extent[] {
  return candidate.parts ?? [{ start: candidate.start, end: candidate.end }];
}

const byStartThenLonger = (left: Candidate, right: Candidate) => left.start - right.start || right.end - left.end;

/** Sorted, with overlapping extents merged. */
function mergedParts(parts: Extent[]): Extent[] {
  parts.sort((left, right) => left.start - right.start);
  const merged: Extent[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (last !== undefined && part.start < last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, part.end) };
    else merged.push(part);
  }
  return merged;
}

/** Rules whose finding continues the address block before it: a unit line, a country and postal code. */
const CONTINUATION_RULES = new Set([
  'address-unit',
  'address-room',
  'address-floor',
  'address-country-postcode',
  'address-postcode-town',
  'address-town-postcode',
  'address-country',
  'address-region',
]);
/** Continuation lines that are no address on their own (`10115 Berlin`, `Germany`): kept only in a block. */
/** Continuation lines that are a town with its postal code, which a form's label may name on its own. */
const TOWN_LINE_RULES = new Set(['address-postcode-town', 'address-town-postcode']);

/** A form's label for a town line: `City, state, and ZIP code:`. */
const TOWN_LABEL = '(?:city|town|zip|postal code|post code|postcode)\\b[^\\n:]{0,32}:';
/** The label anywhere in a text: then town lines are looked for, with or without a street. */
const TOWN_LABEL_ANYWHERE = new RegExp(TOWN_LABEL, 'i');
/** The label at the end of the text before a town line, on its line. */
const TOWN_LABEL_BEFORE = new RegExp(`${TOWN_LABEL}[ \\t]{0,4}$`, 'i');

/** Whether {@link TOWN_LABEL_BEFORE} ends right before `start`, on its line. */
function afterTownLabel(text: string, start: number): boolean {
  let at = start;
  while (at > 0 && (text.charCodeAt(at - 1) === 32 || text.charCodeAt(at - 1) === 9)) at--;
  if (at === 0 || text.charCodeAt(at - 1) !== 58) return false;
  return TOWN_LABEL_BEFORE.test(text.slice(Math.max(0, start - 64), start));
}

/**
 * Names that stand for anyone in forms, manuals and test data (`John Doe`, `Erika Mustermann`,
 * `Joe Bloggs`, `Jan Modaal`): with `ignorePlaceholders`, no finding. Not names that many people
 * bear as well as serve as examples (`John Smith`, `Mario Rossi`, `Jan Kowalski`).
 */
const PLACEHOLDER_NAMES: ReadonlySet<string> = new Set([
  'john doe',
  'jane doe',
  'john q. public',
  'richard roe',
  'jane roe',
  'joe bloggs',
  'fred bloggs',
  'max mustermann',
  'erika mustermann',
  'otto normalverbraucher',
  'jan modaal',
]);

function isPlaceholderName(text: string, start: number, end: number): boolean {
  return end - start <= 24 && PLACEHOLDER_NAMES.has(text.slice(start, end).toLowerCase().replace(/\s+/g, ' '));
}

const CONTINUATION_ONLY_RULES = new Set([
  'address-room',
  'address-postcode-town',
  'address-town-postcode',
  'address-country',
  'address-region',
  'address-floor',
]);
/**
 * Widest gap between two parts of one address block: separators, a town line, a region code. With
 * the widest continuation (a country and postal code, or a region in full, 28 characters) it stays within the 96
 * characters a stream always holds back, so a part is never released before what joins it is seen.
 */
const ADDRESS_GAP_CHARACTERS = 40;
/** Widest address block that parts are joined into: a run of unit lines is not one endless block. */
const ADDRESS_BLOCK_CHARACTERS = 120;
/** A comma, a line break or a dash (`Via della Spiga, 173 - 10125 Torino`) between two parts of a block. */
const BLOCK_SEPARATOR = '\\.?[ \\t]{0,3}(?:[,–-][ \\t]{0,3})?(?:\\r?\\n[ \\t]{0,3}(?:,[ \\t]{0,3})?)?';
const TOWN_WORDS = "\\p{Lu}[\\p{L}\\p{M}'.-]*(?:[ -][\\p{L}\\p{M}'.()-]+){0,3}";
/** What may stand between two lines of one address: separators, and up to two lines of town, region or country. */
const BLOCK_GAP = new RegExp(`^${BLOCK_SEPARATOR}(?:${TOWN_WORDS}${BLOCK_SEPARATOR}){0,2}$`, 'u');

/**
 * Joins the parts of one address block into one ADDRESS candidate over them all, which overlap
 * resolution then keeps whole: a street line, its unit, town and country with postal code
 * (`Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677`), or a unit with the street after it on
 * its line (`Flat 3, 17 Leith Walk`). A block never takes a second street line, nor the street after
 * a building number: a list of addresses stays a list.
 */
function joinAddressBlocks(sorted: Candidate[], text: string): void {
  const { joins, absorbed } = walkAddressBlocks(sorted, text);
  // A block covers the lines it took in. A continuation line it does not take stays a finding: it
  // was in a block before the name pass, which read it as a finding (a town found by the name pass
  // may since have lengthened the street before it, and with it the block's gap), and dropping it
  // now would leave words the name pass never judged, to be judged on a second pass.
  if (absorbed.size > 0) {
    let kept = 0;
    for (const candidate of sorted) if (!absorbed.has(candidate)) sorted[kept++] = candidate;
    sorted.length = kept;
  }
  if (joins.length === 0) return;
  // One at a time: a spread of 100,000 candidates would overflow the call stack.
  for (const join of joins) sorted.push(join);
  sorted.sort(byStartThenLonger);
}

/**
 * The address blocks among `sorted` (by start, then longer first): one candidate per block over all
 * its parts, and the candidates inside blocks, which the blocks replace (they would lose to them
 * in overlap resolution anyway).
 */
function walkAddressBlocks(
  sorted: readonly Candidate[],
  text: string,
): { joins: Candidate[]; absorbed: Set<Candidate> } {
  /** The block being read: its first part, where it ends so far and the parts it took in. */
  let block: Candidate | undefined;
  let end = 0;
  let matchEnd = 0;
  let priority = 0;
  let parts: Extent[] = [];
  /** The candidates the block took in after its first. */
  let taken: Candidate[] = [];
  const joins: Candidate[] = [];
  const absorbed = new Set<Candidate>();
  // Only the whole block becomes a candidate, not each shorter join inside it.
  const close = () => {
    if (block !== undefined && taken.length > 0) {
      joins.push({ ...block, end, matchEnd, priority, parts: mergedParts(parts) });
      absorbed.add(block);
      for (const candidate of taken) absorbed.add(candidate);
      taken = [];
    }
  };
  for (const candidate of sorted) {
    if (candidate.type !== 'ADDRESS') continue;
    if (
      block !== undefined &&
      (continuesBlock(block.start, end, candidate, text) ||
        (taken.length === 0 && streetAfterUnit(block, candidate, text)))
    ) {
      taken.push(candidate);
      for (const part of partsOf(candidate)) parts.push(part);
      end = candidate.end;
      if (candidate.matchEnd > matchEnd) matchEnd = candidate.matchEnd;
      if (candidate.priority > priority) priority = candidate.priority;
    } else if (
      (STREET_RULES.has(candidate.detector) || STREET_AND_TOWN_RULES.has(candidate.detector)) &&
      (block === undefined || candidate.end > end)
    ) {
      // Only a street, unit or box starts a block: not a table cell, a custom detector's finding
      // or a bare number, which a stream may judge without the street a batch scan saw before it.
      close();
      block = candidate;
      end = candidate.end;
      matchEnd = candidate.matchEnd;
      priority = candidate.priority;
      parts = [...partsOf(candidate)];
    }
  }
  close();
  return { joins, absorbed };
}

/**
 * Units and boxes: with a street after them on their line or the next, the unit is the street's
 * (`Flat 3, 17 Leith Walk`; `Flat 2` over `59 Church Close` on a British envelope).
 */
const UNIT_RULES = new Set(['address-unit', 'po-box']);
const UNIT_STREET_GAP = /^,? {1,2}$|^,?[ \t]{0,2}\r?\n[ \t]{0,3}$/;

/** Whether `next` is a street line right after the unit or box `unit`, on its line or the next. */
function streetAfterUnit(unit: Candidate, next: Candidate, text: string): boolean {
  return (
    UNIT_RULES.has(unit.detector) &&
    STREET_RULES.has(next.detector) &&
    !UNIT_RULES.has(next.detector) &&
    next.start > unit.end &&
    UNIT_STREET_GAP.test(text.slice(unit.end, next.start))
  );
}

/** Whether `next` continues the block `[start, end)`: a continuation line after it, or a town and postcode that overlaps its end. */
function continuesBlock(start: number, end: number, next: Candidate, text: string): boolean {
  if (next.end <= end || next.start - end > ADDRESS_GAP_CHARACTERS || next.end - start > ADDRESS_BLOCK_CHARACTERS)
    return false;
  if (!CONTINUATION_RULES.has(next.detector)) return false;
  // Overlap only where the town both read ends the block (`10 Downing St, London` + `London SW1A 2AA`):
  // a postcode and town that starts on the block's house number (`Rua do Arenque 1634 Mrs`) is none.
  if (next.start <= end) return next.detector === 'address-town-postcode';
  return BLOCK_GAP.test(text.slice(end, next.start));
}

/**
 * A name the name pass found right after a street line or unit ("Apt. 397, Mora de Rubielos",
 * "Suite 100\n Dolores") is the town, not a person: one ADDRESS candidate from the street's start,
 * which overlap resolution merges with the street into one finding.
 */
function localityCandidate(street: Candidate, end: number): Candidate {
  return {
    start: street.start,
    end,
    type: 'ADDRESS',
    confidence: street.confidence,
    detector: street.detector,
    matchStart: street.matchStart,
    matchEnd: end,
    priority: street.priority,
    parts: partsOf(street),
  };
}

/**
 * Adds the digits a match starts with as a finding of `rule`, with the whole match as its extent, so
 * that a stream releases it with the value it was judged with.
 */
function pushLeadingNumber(
  rule: Rule,
  buffer: Buffer,
  match: ByteMatch,
  raw: Array<{ rule: Rule; start: number; end: number; valueStart: number; valueEnd: number }>,
): void {
  let end = match.start;
  while (end < match.valueStart && (buffer[end] as number) >= 0x30 && (buffer[end] as number) <= 0x39) end++;
  if (end > match.start) raw.push({ rule, start: match.start, end: match.end, valueStart: match.start, valueEnd: end });
}

/** Advances to the first byte at or after `position` that starts a UTF-8 character. */
function nextCharacterStart(buffer: Buffer, position: number): number {
  let next = position;
  while (next < buffer.length && ((buffer[next] ?? 0) & 0xc0) === 0x80) next++;
  return next;
}

/** Maps the byte offsets a scan produced to UTF-16 offsets in one forward walk. */
function byteToIndexMapper(
  buffer: Buffer,
  raw: ReadonlyArray<{ start: number; end: number; valueStart: number; valueEnd: number }>,
  extra: number,
): (byte: number) => number {
  const offsets: number[] = [];
  for (const item of raw) offsets.push(item.start, item.end, item.valueStart, item.valueEnd);
  if (extra !== Infinity) offsets.push(extra);
  offsets.sort((left, right) => left - right);
  const mapped = new Map<number, number>();
  let byte = 0;
  let index = 0;
  for (const offset of offsets) {
    if (mapped.has(offset)) continue;
    if (offset > byte) {
      index += utf16Length(buffer.subarray(byte, offset));
      byte = offset;
    }
    mapped.set(offset, index);
  }
  return (offset) => mapped.get(offset) ?? 0;
}

/**
 * Resolves overlapping candidates cluster by cluster: in each group of mutually overlapping
 * candidates the highest priority wins, then the longer, then the earlier. A loser keeps the parts
 * it does not share with a winner (when they hold a letter or digit), so nothing any rule matched
 * is left in clear text and a second pass finds nothing new. Local to each cluster, so the
 * streaming redactor can resolve a prefix without seeing the rest.
 * @internal
 */
export function resolveOverlaps(candidates: readonly Candidate[], text?: string): Candidate[] {
  const sorted = [...candidates].sort((left, right) => left.start - right.start || right.end - left.end);
  const result: Candidate[] = [];
  let index = 0;
  while (index < sorted.length) {
    const first = sorted[index] as Candidate;
    let clusterEnd = first.end;
    let last = index + 1;
    while (last < sorted.length && (sorted[last] as Candidate).start < clusterEnd) {
      clusterEnd = Math.max(clusterEnd, (sorted[last] as Candidate).end);
      last++;
    }
    if (last - index === 1) {
      result.push(first);
    } else {
      const cluster = sorted
        .slice(index, last)
        .sort(
          (left, right) =>
            right.priority - left.priority ||
            right.end - right.start - (left.end - left.start) ||
            left.start - right.start,
        );
      // Positions already taken by a higher-ranked candidate: linear in the cluster's total length.
      const clusterStart = first.start;
      const taken = new Uint8Array(clusterEnd - clusterStart);
      const chosen: Candidate[] = [];
      for (const candidate of cluster) {
        if (extendSameType(chosen, candidate, taken, clusterStart)) continue;
        let position = candidate.start;
        while (position < candidate.end) {
          while (position < candidate.end && taken[position - clusterStart] === 1) position++;
          const pieceStart = position;
          while (position < candidate.end && taken[position - clusterStart] === 0) position++;
          if (position === pieceStart) continue;
          const whole = pieceStart === candidate.start && position === candidate.end;
          if (whole || text === undefined || HAS_ALPHANUMERIC.test(text.slice(pieceStart, position))) {
            chosen.push(whole ? candidate : { ...candidate, start: pieceStart, end: position });
            taken.fill(1, pieceStart - clusterStart, position - clusterStart);
          }
        }
      }
      chosen.sort((left, right) => left.start - right.start);
      for (const candidate of chosen) result.push(candidate);
    }
    index = last;
  }
  return result;
}

const HAS_ALPHANUMERIC = /[\p{L}\p{N}]/u;

/**
 * A loser that overlaps a chosen candidate of its own type widens that candidate to their union,
 * when nothing else holds the added positions: `21 284 698 2548` stays one phone number instead of
 * a winner `1 284 698 2548` and a stray piece `2`. Returns whether it did.
 */
function extendSameType(chosen: Candidate[], candidate: Candidate, taken: Uint8Array, clusterStart: number): boolean {
  for (let index = 0; index < chosen.length; index++) {
    const winner = chosen[index] as Candidate;
    if (winner.type !== candidate.type || winner.start >= candidate.end || candidate.start >= winner.end) continue;
    const start = Math.min(winner.start, candidate.start);
    const end = Math.max(winner.end, candidate.end);
    for (let position = start; position < end; position++) {
      if (taken[position - clusterStart] === 1 && (position < winner.start || position >= winner.end)) return false;
    }
    if (start === winner.start && end === winner.end) return true;
    const parts = mergedParts([...partsOf(winner), ...partsOf(candidate)]);
    chosen[index] = {
      ...winner,
      start,
      end,
      matchStart: Math.min(winner.matchStart, candidate.matchStart),
      matchEnd: Math.max(winner.matchEnd, candidate.matchEnd),
      ...(parts.length === 1 && parts[0]?.start === start && parts[0].end === end ? {} : { parts }),
    };
    taken.fill(1, start - clusterStart, end - clusterStart);
    return true;
  }
  return false;
}

function toFinding(candidate: Candidate): Finding {
  return {
    start: candidate.start,
    end: candidate.end,
    type: candidate.type,
    confidence: candidate.confidence,
    detector: candidate.detector,
  };
}

const sharedDetectors = new Map<string, SensitiveDataDetector>();

/**
 * Finds sensitive data with a shared detector, compiled on first use. Calls without custom
 * detectors share one compiled detector per choice of `types` and `ignorePlaceholders`, so
 * repeated calls cost no compilation; with `detectors` each call compiles anew, so reuse
 * {@link createDetector} for repeated custom calls.
 *
 * @example
 * detectSensitiveData('SSN 123-45-6789'); // [{ start: 4, end: 15, type: 'US_SSN', confidence: 0.85, detector: 'us-ssn' }]
 * detectSensitiveData(readme, { ignorePlaceholders: true }); // skips AKIAIOSFODNN7EXAMPLE
 */
export function detectSensitiveData(text: string, options: DetectOptions = {}): Finding[] {
  if (options.detectors !== undefined && options.detectors.length > 0) return createDetector(options).detect(text);
  const types = options.types === undefined ? '*' : [...new Set(options.types)].sort().join(',');
  const key = `${types}|${options.ignorePlaceholders === true}`;
  let detector = sharedDetectors.get(key);
  if (detector === undefined) {
    detector = createDetector({ types: options.types, ignorePlaceholders: options.ignorePlaceholders === true });
    // Bounded: at most one entry per distinct type selection a process uses.
    if (sharedDetectors.size < 64) sharedDetectors.set(key, detector);
  }
  return detector.detect(text);
}

/** @internal */
export type { SensitiveType };
