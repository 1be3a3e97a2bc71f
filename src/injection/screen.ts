import { deleet, findEncodedSegments, findSpacedSegments, reverse, rot13 } from './decode';
import { findEmbeddedInstructions } from './instruction';
import { buildNormalizedView, hiddenRunFindings, toOriginalSpan, type NormalizedView } from './normalize';
import { PATTERN_RULES, type PatternRule } from './rules';
import { collectWordKeys, hasAnyKey, wordKey } from './words';
import type { InjectionFinding, ScreenOptions, ScreenResult } from './types';

/**
 * Default flagging threshold. Chosen on the dev split of the evaluation set: at 0.5 a single strong
 * rule (override phrase, chat-template token, tool-call tag, hidden tag text) flags on its own and
 * weak cues (persona words, "no restrictions", a lone zero-width space) need company.
 */
export const DEFAULT_INJECTION_THRESHOLD = 0.5;
const DEFAULT_DECODE_DEPTH = 2;
/** Per pattern, at most this many matches are reported; the score only needs the strongest. */
const MAXIMUM_MATCHES_PER_RULE = 16;

/**
 * Screens untrusted text (a document, tool result or search result) for prompt injection.
 *
 * Pipeline: a normalized view (NFKC/NFKD, accents, invisible characters, homoglyphs) on which the
 * pattern rules and the embedded-instruction analysis run; hidden text in Unicode tag characters
 * and variation selectors is decoded and screened; base64, hex and URL-encoded segments are decoded
 * and screened (bounded depth); the strongest phrases are also looked for in ROT13 and reversed.
 * The score is a noisy-OR of the strongest finding of each rule (of each category for the
 * structural embedded-instruction findings, which are many weak looks at one thing).
 *
 * Total and linear: never throws (lone surrogates, any size), and every step is linear in the
 * text's length.
 *
 * @example
 * const result = screenInjection(toolOutput);
 * if (result.flagged) console.log(result.score, result.findings.map((finding) => finding.rule));
 */
export function screenInjection(text: string, options: ScreenOptions = {}): ScreenResult {
  const threshold = options.threshold ?? DEFAULT_INJECTION_THRESHOLD;
  const depth = options.maxDecodeDepth ?? DEFAULT_DECODE_DEPTH;
  let findings: InjectionFinding[];
  try {
    findings = collectFindings(typeof text === 'string' ? text : String(text), depth);
  } catch {
    // Screening fails closed: an internal error must not let text through unscreened as clean.
    findings = [{ rule: 'screen-error', category: 'hidden-text', start: 0, end: 0, score: 1 }];
  }
  findings.sort((left, right) => left.start - right.start || right.score - left.score);
  const score = combineScores(findings);
  return { score, flagged: score >= threshold, findings };
}

function collectFindings(text: string, depth: number): InjectionFinding[] {
  const view = buildNormalizedView(text);
  const findings: InjectionFinding[] = hiddenRunFindings(view);
  const words = collectWordKeys(view.text);
  const nonAscii = view.starts !== null && UNSPACED_OR_CYRILLIC.test(view.text);
  for (const rule of PATTERN_RULES) {
    if (mayMatch(rule, view.text, words, nonAscii)) matchRule(rule, view, findings);
  }
  matchUppercaseDan(text, findings);
  for (const finding of findEmbeddedInstructions(view.text, words)) {
    findings.push({ ...finding, ...toOriginalSpan(view, finding.start, finding.end) });
  }
  screenTransformedViews(view, words, findings);
  for (const payload of view.hiddenPayloads) {
    addNested(findings, collectFindings(payload.text, depth - 1), 'hidden-payload', payload.start, payload.end, 0.9);
  }
  if (depth > 0) {
    for (const segment of findSpacedSegments(view.text)) {
      const span = toOriginalSpan(view, segment.start, segment.end);
      addNested(findings, collectFindings(segment.text, 0), 'encoded-spaced', span.start, span.end, 0);
    }
    for (const segment of findEncodedSegments(text)) {
      addNested(
        findings,
        collectFindings(segment.text, depth - 1),
        `encoded-${segment.kind}`,
        segment.start,
        segment.end,
        0,
      );
    }
  }
  return findings;
}

function mayMatch(rule: PatternRule, view: string, words: ReadonlySet<number>, nonAscii: boolean): boolean {
  if (rule.anchors === undefined && rule.substrings === undefined) return true;
  if (rule.nonAscii && nonAscii) return true;
  if (rule.anchors !== undefined && hasAnyKey(words, rule.anchors)) return true;
  if (rule.substrings !== undefined) for (const substring of rule.substrings) if (view.includes(substring)) return true;
  return false;
}

function matchRule(rule: PatternRule, view: NormalizedView, into: InjectionFinding[]): void {
  const pattern = rule.pattern;
  pattern.lastIndex = 0;
  let count = 0;
  for (let match = pattern.exec(view.text); match !== null; match = pattern.exec(view.text)) {
    const span = toOriginalSpan(view, match.index, match.index + Math.max(match[0].length, 1));
    into.push({ rule: rule.id, category: rule.category, score: rule.score, ...span });
    count += 1;
    if (count >= MAXIMUM_MATCHES_PER_RULE) break;
    if (match[0].length === 0) pattern.lastIndex += 1;
  }
}

/** "DAN" in capitals is the persona; "Dan" is a name, so this one looks at the original case. */
function matchUppercaseDan(text: string, into: InjectionFinding[]): void {
  const match = /\bDAN\b/u.exec(text.length > 200_000 ? text.slice(0, 200_000) : text);
  if (match !== null) {
    into.push({ rule: 'jailbreak-dan', category: 'jailbreak', score: 0.45, start: match.index, end: match.index + 3 });
  }
}

const TRANSFORMED_RULES = PATTERN_RULES.filter((rule) => rule.transformed === true);

/** Words the stand-alone phrases are built from; their ROT13 and reversed forms gate those views. */
const TRANSFORM_TRIGGERS = [
  'ignore',
  'disregard',
  'forget',
  'instructions',
  'previous',
  'system',
  'prompt',
  'override',
  'reveal',
  'regardless',
  'from',
  'you',
  'anything',
  'jailbreak',
  'function',
  'invoke',
  'tool',
  'task',
];
const ROT13_TRIGGERS = new Set(TRANSFORM_TRIGGERS.map((word) => wordKey(rot13(word))));
const REVERSED_TRIGGERS = new Set(TRANSFORM_TRIGGERS.map((word) => wordKey(reverse(word))));

/** Scripts the word pre-filter cannot key (Cyrillic inflections, unspaced CJK): their rules always run. */
const UNSPACED_OR_CYRILLIC = /[\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/** A word with two leetspeak digits among its letters ("1gn0re", "pr3v10us"); one digit or an `@` in an address is not enough. */
const LEET_WORD = /[a-z][0134578][a-z]{0,3}[0134578]|[0134578][a-z]{1,3}[0134578][a-z]/u;

/** Looks for the stand-alone phrases in ROT13, reversed and de-leeted text; ordinary text yields nothing there. */
function screenTransformedViews(view: NormalizedView, words: ReadonlySet<number>, into: InjectionFinding[]): void {
  if (view.text.length < 12) return;
  const views: Array<readonly [string, 'encoded-rot13' | 'encoded-reversed' | 'encoded-leetspeak']> = [];
  if (hasAnyKey(words, ROT13_TRIGGERS)) views.push([rot13(view.text), 'encoded-rot13']);
  if (hasAnyKey(words, REVERSED_TRIGGERS)) views.push([reverse(view.text), 'encoded-reversed']);
  if (LEET_WORD.test(view.text)) views.push([deleet(view.text), 'encoded-leetspeak']);
  const length = view.text.length;
  for (const rule of TRANSFORMED_RULES) {
    for (const [transformed, id] of views) {
      rule.pattern.lastIndex = 0;
      const match = rule.pattern.exec(transformed);
      if (match === null) continue;
      const start = id === 'encoded-reversed' ? length - match.index - match[0].length : match.index;
      const span = toOriginalSpan(view, start, start + match[0].length);
      into.push({ rule: id, category: 'encoded-payload', score: rule.score * 0.95, ...span });
      into.push({ rule: rule.id, category: rule.category, score: rule.score, ...span });
    }
  }
}

/**
 * Adds what a decoded payload triggered, placed on the span that carried it, plus a finding for
 * the carrier itself: hidden text is suspicious even when harmless, an encoded segment only when
 * its content is.
 */
function addNested(
  into: InjectionFinding[],
  nested: readonly InjectionFinding[],
  carrierRule: string,
  start: number,
  end: number,
  carrierFloor: number,
): void {
  const nestedScore = combineScores(nested);
  for (const finding of nested) into.push({ ...finding, start, end });
  const score = Math.max(carrierFloor, nestedScore >= 0.3 ? Math.min(0.95, nestedScore + 0.1) : 0);
  if (score > 0)
    into.push({
      rule: carrierRule,
      category: carrierRule === 'hidden-payload' ? 'hidden-text' : 'encoded-payload',
      start,
      end,
      score,
    });
}

/** Noisy-OR over the strongest finding per rule; embedded-instruction findings count once, by their best. */
export function combineScores(findings: readonly InjectionFinding[]): number {
  const strongest = new Map<string, number>();
  for (const finding of findings) {
    const key = finding.category === 'embedded-instruction' ? 'embedded-instruction' : finding.rule;
    const previous = strongest.get(key) ?? 0;
    if (finding.score > previous) strongest.set(key, finding.score);
  }
  let miss = 1;
  for (const value of strongest.values()) miss *= 1 - Math.min(1, Math.max(0, value));
  const score = 1 - miss;
  return Number.isFinite(score) ? Math.round(score * 1000) / 1000 : 1;
}

/**
 * Removes the characters that hide content: zero-width and bidi controls, Unicode tag runs (the
 * hidden ASCII with them) and variation-selector data runs. Emoji sequences (ZWJ joins,
 * subdivision flags, one presentation selector) and visible text are kept.
 *
 * @example stripHiddenCharacters('ig\u200bnore') // 'ignore'
 */
export function stripHiddenCharacters(text: string): string {
  const view = buildNormalizedView(text);
  if (view.hiddenRuns.length === 0) return text;
  const runs = [...view.hiddenRuns].sort((left, right) => left.start - right.start);
  let result = '';
  let cursor = 0;
  for (const run of runs) {
    if (run.start < cursor) continue;
    result += text.slice(cursor, run.start);
    cursor = run.end;
  }
  return result + text.slice(cursor);
}
