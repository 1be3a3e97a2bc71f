// Adapter for /work/shared/eval/score.mjs: run with `node --import tsx`.
import { screenInjection } from '../src/injection/index.ts';

export function detectInjection(text) {
  const { score, flagged } = screenInjection(text);
  return { score, flagged };
}
