// Streaming A/B (a benchmark, not a test): node --import tsx bench/stream-ab.mjs <dir A> <dir B>
//
// Loads the data module of two checkouts in one process (for example a `git worktree` of an older
// commit and this tree) and streams the same 256 KB of the redaction corpus through each in
// 20-character deltas, alternating rounds so that the machine's changes of speed hit both alike.
// Prints the median µs per delta of each, for all types, the formatted types and secrets only.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FORMATTED_TYPES as FORMATTED, generateCorpus } from './redaction-corpus.mjs';

const [dirA, dirB] = process.argv.slice(2);
if (dirA === undefined || dirB === undefined) {
  console.error('usage: node --import tsx bench/stream-ab.mjs <dir A> <dir B>');
  process.exit(2);
}
const load = (dir) => import(pathToFileURL(path.resolve(dir, 'src/data/index.ts')).href);
const modules = { A: await load(dirA), B: await load(dirB) };
const text = generateCorpus({ size: 256 * 1024, seed: 'bench-redaction' }).text.slice(0, 256 * 1024);
const ROUNDS = 6;

console.log(`A = ${dirA}, B = ${dirB}; 256 KB in 20-character deltas, median of ${ROUNDS} alternating rounds`);
for (const [name, types] of [
  ['all 15 types', modules.A.SENSITIVE_TYPES],
  ['formatted types', FORMATTED],
  ['secrets only', modules.A.SECRET_TYPES],
]) {
  const redactors = { A: modules.A.createRedactor({ types }), B: modules.B.createRedactor({ types }) };
  const run = (key) => {
    const stream = modules[key].createStreamRedactor({ redactor: redactors[key] });
    const start = performance.now();
    for (let index = 0; index < text.length; index += 20) stream.push(text.slice(index, index + 20));
    stream.end();
    return ((performance.now() - start) * 1000) / (text.length / 20);
  };
  run('A');
  run('B');
  const samples = { A: [], B: [] };
  for (let round = 0; round < ROUNDS; round++)
    for (const key of round % 2 ? ['A', 'B'] : ['B', 'A']) samples[key].push(run(key));
  const median = (values) => values.sort((left, right) => left - right)[values.length >> 1];
  console.log(
    `${name.padEnd(16)} A ${median(samples.A).toFixed(1)} µs/delta   B ${median(samples.B).toFixed(1)} µs/delta`,
  );
}
