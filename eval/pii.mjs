// Adapter for /work/shared/eval/score.mjs:
//   node --import tsx /work/shared/eval/score.mjs eval/pii.mjs /work/shared/eval/pii-dev.jsonl
import { createDetector } from '../src/data/index.ts';

const detector = createDetector({ ignorePlaceholders: true });

/** Returns `{ start, end, type }` findings in UTF-16 offsets, end exclusive. */
export function detectPII(text) {
  return detector.detect(text).map(({ start, end, type }) => ({ start, end, type }));
}
