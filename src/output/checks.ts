import type { z } from 'zod';
import type { SecurityDecision } from '../core/middleware';
import type { ClearanceFilter } from './classes';
import { createStreamRedactor } from '../data/stream-redactor';
import { parseStrictJson } from './safe-json';
import { validateSchema } from './schema';
import { MAX_REVIEW_OUTPUT_CHARACTERS } from './review-queue';
import type { DataClass, GuardReason, OutputSecurityEvent } from './types';

/** Stop reasons after which a reply is complete. `refusal`, `max_tokens`, `pause_turn` and the rest never are. */
const COMPLETE_STOP_REASONS: ReadonlySet<string> = new Set(['end_turn', 'stop_sequence']);

/** `refusal` and truncation are never valid output, whatever the text looks like. */
export function checkStopReason(stopReason: string | null | undefined, allowToolUse = false): GuardReason | undefined {
  if (stopReason === 'refusal') return { code: 'refusal' };
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return { code: 'truncated' };
  if (stopReason == null) return { code: 'truncated' };
  if (COMPLETE_STOP_REASONS.has(stopReason) || (allowToolUse && stopReason === 'tool_use')) return undefined;
  return { code: 'unexpected-stop-reason', hint: /^[a-z_]{1,40}$/.test(stopReason) ? stopReason : 'other' };
}

export type StructuredResult<T> = { ok: true; value: T } | { ok: false; reasons: GuardReason[] };

/** Strict JSON (capped size and depth, no `__proto__`) then the schema. */
export function checkStructured<T>(
  text: string,
  schema: z.ZodType<T>,
  limits: { maxCharacters?: number; maxDepth?: number } = {},
): StructuredResult<T> {
  const parsed = parseStrictJson(text, limits);
  if (!parsed.ok) return { ok: false, reasons: [parsed.reason] };
  const validated = validateSchema(schema, parsed.value);
  return validated.ok ? { ok: true, value: validated.value } : { ok: false, reasons: [validated.reason] };
}

/** Injection findings recorded on the same call's inputs, for linking an output failure to them. */
export function injectionLink(decisions: readonly SecurityDecision[]): OutputSecurityEvent['injection'] {
  const findings = decisions.filter(
    (decision) => decision.middleware === 'injection-screen' && decision.reason === 'injection-detected',
  );
  if (findings.length === 0) return { linked: false, rules: [], paths: [] };
  const scores = findings
    .map((decision) => decision.score)
    .filter((score): score is number => typeof score === 'number');
  return {
    linked: true,
    rules: [...new Set(findings.flatMap((decision) => decision.rules ?? []))].sort(),
    ...(scores.length > 0 ? { score: Math.max(...scores) } : undefined),
    paths: [...new Set(findings.flatMap((decision) => decision.paths ?? []))],
  };
}

/** The highest data class the call's decisions report so far. */
export function callDataClass(
  decisions: readonly SecurityDecision[],
  rank: (dataClass: DataClass) => number,
): DataClass | undefined {
  let result: DataClass | undefined;
  for (const decision of decisions) {
    const dataClass = decision.dataClass as DataClass | undefined;
    if (dataClass === undefined || rank(dataClass) < 0) continue;
    if (result === undefined || rank(dataClass) > rank(result)) result = dataClass;
  }
  return result;
}

/**
 * The output as a review item may hold it: redacted to `clearance`, cut to the review size limit.
 * The cut happens before scanning, so an oversized output costs one bounded scan.
 */
export function reviewPayload(
  text: string,
  filter: ClearanceFilter,
  clearance: DataClass,
  seen?: (dataClass: DataClass) => void,
): { output: string; truncated: boolean; outputLength: number } {
  const redactor = filter.redactorFor(clearance, seen);
  if (text.length <= MAX_REVIEW_OUTPUT_CHARACTERS) {
    const redacted = redactor.redact(text).text;
    if (redacted.length <= MAX_REVIEW_OUTPUT_CHARACTERS)
      return { output: redacted, truncated: false, outputLength: text.length };
  }
  // A value cut in half at the limit may no longer match its pattern, so the cut text goes through
  // the stream redactor without ending it: it releases only what no later text could complete.
  const stream = createStreamRedactor({ redactor });
  const released = stream.push(text.slice(0, MAX_REVIEW_OUTPUT_CHARACTERS / 2));
  return { output: released.slice(0, MAX_REVIEW_OUTPUT_CHARACTERS), truncated: true, outputLength: text.length };
}

/** Calls an observer; an observer that throws never decides the call. */
export function invokeSafely(callback: () => void, onError?: (error: unknown) => void): void {
  try {
    callback();
  } catch (error) {
    try {
      onError?.(error);
    } catch {
      // ignored: error reporting must not fail the call either
    }
  }
}
