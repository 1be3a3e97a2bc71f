// Adapter for /work/shared/eval/score.mjs:
//   node --import tsx /work/shared/eval/score.mjs eval/pii.mjs /work/shared/eval/pii-dev.jsonl
//
// Calls the public `detectSensitiveData` as a scanner would: documentation placeholders
// (`AKIAIOSFODNN7EXAMPLE`, `…123456…`) are skipped, since the dev set labels them as non-secrets.
// Redaction keeps them (see docs/data-handling.md, "Secret formats and placeholders").
import { detectSensitiveData } from '../src/data/index.ts';

/** Returns `{ start, end, type }` findings in UTF-16 offsets, end exclusive. */
export function detectPII(text) {
  return detectSensitiveData(text, { ignorePlaceholders: true }).map(({ start, end, type }) => ({ start, end, type }));
}
