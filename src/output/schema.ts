import type { z } from 'zod';
import { createRedactor, type Redactor } from '../data/redact';
import type { GuardReason, SchemaIssue } from './types';

/** At most this many issues are reported per failure (the SDK's zod helper uses the same bound). */
export const MAX_REPORTED_ISSUES = 5;

export type SchemaResult<T> = { ok: true; value: T } | { ok: false; reason: GuardReason };

/**
 * Validates a parsed value against a zod schema. A failure reports at most five issues, each a
 * dotted path and a zod issue code, plus the total count: never the value, never zod's message
 * (which can quote input). Never throws: a schema that throws is reported as `schema-error`.
 */
export function validateSchema<T>(schema: z.ZodType<T>, value: unknown): SchemaResult<T> {
  let result: ReturnType<z.ZodType<T>['safeParse']>;
  try {
    result = schema.safeParse(value);
  } catch {
    return { ok: false, reason: { code: 'schema-error' } };
  }
  if (result.success) return { ok: true, value: result.data };
  const all = result.error.issues;
  const issues: SchemaIssue[] = all.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({
    path: issue.path.length === 0 ? '(root)' : issue.path.map((part) => sanitizePathPart(part)).join('.'),
    code: issue.code,
  }));
  return { ok: false, reason: { code: 'schema-mismatch', issues, issueCount: all.length } };
}

let pathRedactor: Redactor | undefined;

/**
 * Record keys come from the model; a path part is kept only when it is a short identifier in
 * which the detector finds nothing, so a key cannot smuggle content into an error or a log.
 */
function sanitizePathPart(part: PropertyKey): string {
  if (typeof part === 'number') return String(part);
  const text = typeof part === 'symbol' ? 'symbol' : String(part);
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(text)) return '?';
  pathRedactor ??= createRedactor();
  return pathRedactor.redact(text).findings.length > 0 ? '?' : text;
}
