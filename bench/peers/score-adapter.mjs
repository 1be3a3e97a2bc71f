// Detector module for the shared scorer (score.mjs), one library per process:
//   PEERS_LIBRARY=redact-pii node --import tsx ../shared/eval/score.mjs bench/peers/score-adapter.mjs \
//     ../shared/eval/pii-dev.jsonl --json
// bench/peers.mjs runs it for every library; the type mappings live in adapters.mjs.
import * as dataModule from '../../src/data/index.ts';
import { createAdapters } from './adapters.mjs';

const name = process.env.PEERS_LIBRARY ?? 'secure-claude';
const adapter = createAdapters({ dataModule }).find((candidate) => candidate.name === name);
if (adapter === undefined)
  throw new Error(`PEERS_LIBRARY=${name} is not one of the adapters in bench/peers/adapters.mjs`);
adapter.load();

export function detectPII(text) {
  return adapter.detect(text);
}
