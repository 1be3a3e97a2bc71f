import { createDetector, type Candidate, type SensitiveDataDetector } from './detect';
import { PLACEHOLDER_OPENING, type DetectOptions, type Finding } from './types';

/**
 * How a finding is replaced: `type` writes `[REDACTED:EMAIL]`, `mask` writes one `*` per UTF-16
 * unit, a function returns its own text (it must not re-create what it replaces, or redaction
 * stops being idempotent).
 */
export type Replacement = 'type' | 'mask' | ((finding: Finding) => string);

/** Options of {@link redactText} and {@link createRedactor}. */
export interface RedactOptions extends DetectOptions {
  /** @default 'type' */
  readonly replacement?: Replacement;
  /** A detector to reuse; when given, `types` and `detectors` are ignored. */
  readonly detector?: SensitiveDataDetector;
}

/** The redacted text and what was replaced (offsets into the original text, never values). */
export interface RedactionResult {
  readonly text: string;
  readonly findings: Finding[];
}

/** A compiled redactor; reuse it, compilation happens once. */
export interface Redactor {
  readonly detector: SensitiveDataDetector;
  /** Redacts one text. Total: never throws, whatever the string. */
  redact(text: string): RedactionResult;
  /** @internal Replacement text for one finding. */
  replace(finding: Finding): string;
}

/** What replaces the whole text when scanning itself failed: fail closed, never release unscanned text. */
export const UNSCANNED_PLACEHOLDER = '[REDACTED:UNSCANNED]';

/** The typed placeholder for a type, for example `[REDACTED:EMAIL]`. */
export function placeholderFor(type: string): string {
  return `${PLACEHOLDER_OPENING}${type}]`;
}

/**
 * Compiles a redactor.
 * @throws ConfigError (`SCC_CONFIG_INVALID`) for unknown types or invalid custom patterns.
 * @example
 * const redactor = createRedactor({ types: ['EMAIL'] });
 * redactor.redact('write to bob@example.com').text; // 'write to [REDACTED:EMAIL]'
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const detector = options.detector ?? createDetector(options);
  const replacement = options.replacement ?? 'type';
  const replace = (finding: Finding): string => {
    if (replacement === 'type') return placeholderFor(finding.type);
    if (replacement === 'mask') return '*'.repeat(finding.end - finding.start);
    try {
      const value = replacement(finding);
      return typeof value === 'string' ? value : placeholderFor(finding.type);
    } catch {
      return placeholderFor(finding.type);
    }
  };
  return {
    detector,
    replace,
    redact(text: string): RedactionResult {
      const input = typeof text === 'string' ? text : String(text);
      try {
        const findings = detector.resolve(input).map(stripInternal);
        if (findings.length === 0) return { text: input, findings };
        return { text: renderRedacted(input, 0, input.length, findings, replace), findings };
      } catch {
        return { text: UNSCANNED_PLACEHOLDER, findings: [] };
      }
    },
  };
}

/** Builds `text[from, to)` with each finding replaced, in one pass over sorted, non-overlapping findings. */
export function renderRedacted(
  text: string,
  from: number,
  to: number,
  findings: readonly Finding[],
  replace: (finding: Finding) => string,
): string {
  const parts: string[] = [];
  let position = from;
  for (const finding of findings) {
    if (finding.start < position || finding.end > to) continue;
    parts.push(text.slice(position, finding.start), replace(finding));
    position = finding.end;
  }
  parts.push(text.slice(position, to));
  return parts.join('');
}

function stripInternal(candidate: Candidate): Finding {
  return {
    start: candidate.start,
    end: candidate.end,
    type: candidate.type,
    confidence: candidate.confidence,
    detector: candidate.detector,
  };
}

let defaultRedactor: Redactor | undefined;

/**
 * Replaces every finding with a placeholder (`[REDACTED:TYPE]` by default). Idempotent with the
 * `type` and `mask` replacements, total (never throws; if scanning fails the whole text becomes
 * `[REDACTED:UNSCANNED]`), and linear in the text length.
 *
 * @example
 * redactText('key sk-ant-api03-…').text; // 'key [REDACTED:API_KEY]'
 */
export function redactText(text: string, options?: RedactOptions): RedactionResult {
  if (options === undefined) {
    defaultRedactor ??= createRedactor();
    return defaultRedactor.redact(text);
  }
  return createRedactor(options).redact(text);
}
