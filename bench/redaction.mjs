#!/usr/bin/env node
// Redaction benchmark (not a test): node --import tsx bench/redaction.mjs [--size 4194304]
//
// Measures, in one run on this machine:
//   - MB/s of redactText over a 4 MB corpus with planted PII and secrets (all types; secrets only;
//     the 11 formatted types the peer benchmark uses), each call on a fresh string;
//   - 2 KB latency p50/p99 for the same configurations;
//   - PII-free 2 KB latency (the common "nothing to redact" path) against the raw floor:
//     Buffer.from + RE2.Set.test over the same formatted-type patterns;
//   - streaming cost per 20-character delta;
//   - strict recall on the corpus's planted values (a planted value counts when findings cover it).
import RE2 from 're2';
import { createRedactor, createStreamRedactor, SECRET_TYPES, SENSITIVE_TYPES } from '../src/data/index.ts';
import { BUILT_IN_PATTERNS } from '../src/data/patterns.ts';
import { FORMATTED_TYPES as FORMATTED, generateCorpus } from './redaction-corpus.mjs';

const size = Number(process.argv[process.argv.indexOf('--size') + 1]) || 4 * 1024 * 1024;
const fresh = (text) => (' ' + text).slice(1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

const configurations = {
  'all 15 types': createRedactor({ types: SENSITIVE_TYPES }),
  'formatted types (peer set)': createRedactor({ types: FORMATTED }),
  'secrets only (middleware default)': createRedactor({ types: SECRET_TYPES }),
};

const dense = generateCorpus({ size, seed: 'bench-redaction' });
const clean = generateCorpus({ size: 1024 * 1024, seed: 'bench-redaction-clean', plant: false });
const megabytes = Buffer.byteLength(dense.text) / 1e6;

console.log(`corpus: ${megabytes.toFixed(2)} MB, ${dense.planted.length} planted values; node ${process.version}`);
console.log('\n## Throughput (4 MB, fresh string per call, median of 3)');
for (const [name, redactor] of Object.entries(configurations)) {
  redactor.redact(fresh(dense.text.slice(0, 65536)));
  const times = [];
  for (let round = 0; round < 3; round++) {
    const text = fresh(dense.text);
    const start = performance.now();
    redactor.redact(text);
    times.push(performance.now() - start);
  }
  console.log(
    `${name.padEnd(36)} ${(megabytes / (median(times) / 1000)).toFixed(1).padStart(7)} MB/s  (${median(times).toFixed(0)} ms)`,
  );
}

function latency(run, texts, rounds = 3) {
  for (const text of texts.slice(0, 200)) run(fresh(text));
  const samples = [];
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) {
      const input = fresh(text);
      const start = process.hrtime.bigint();
      run(input);
      samples.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

const slices = (text, count) => {
  const result = [];
  for (let index = 0; index < count; index++) {
    const start = (index * 7919 * 2048) % (text.length - 2048);
    result.push(text.slice(start, start + 2048));
  }
  return result;
};
const dense2k = slices(dense.text, 1000);
const clean2k = slices(clean.text, 1000);

console.log('\n## 2 KB latency, µs (1000 slices x 3 rounds)');
console.log('configuration'.padEnd(36), 'dense p50 / p99'.padStart(18), 'PII-free p50 / p99'.padStart(22));
for (const [name, redactor] of Object.entries(configurations)) {
  const onDense = latency((text) => redactor.redact(text), dense2k);
  const onClean = latency((text) => redactor.redact(text), clean2k);
  console.log(
    name.padEnd(36),
    `${onDense.p50.toFixed(1)} / ${onDense.p99.toFixed(1)}`.padStart(18),
    `${onClean.p50.toFixed(1)} / ${onClean.p99.toFixed(1)}`.padStart(22),
  );
}
const setSources = BUILT_IN_PATTERNS.filter(
  (pattern) => FORMATTED.includes(pattern.type) || pattern.type === 'PASSWORD',
).map((pattern) => pattern.source);
const floorSet = new RE2.Set(setSources);
const floor = latency((text) => floorSet.test(Buffer.from(text, 'utf8')), clean2k);
console.log(
  'raw floor: Buffer.from + RE2.Set.test'.padEnd(36),
  ''.padStart(18),
  `${floor.p50.toFixed(1)} / ${floor.p99.toFixed(1)}`.padStart(22),
);
const cleanFormatted = latency((text) => configurations['formatted types (peer set)'].redact(text), clean2k);
console.log(`G9 ratio (floor / ours, formatted types, PII-free p50): ${(floor.p50 / cleanFormatted.p50).toFixed(2)}x`);

console.log('\n## Streaming, 256 KB in 20-character deltas');
for (const [name, redactor] of Object.entries(configurations)) {
  const text = dense.text.slice(0, 256 * 1024);
  const start = performance.now();
  const stream = createStreamRedactor({ redactor });
  let output = '';
  for (let index = 0; index < text.length; index += 20) output += stream.push(text.slice(index, index + 20));
  output += stream.end();
  const elapsed = performance.now() - start;
  const exact = output === redactor.redact(text).text;
  console.log(
    `${name.padEnd(36)} ${((elapsed * 1000) / (text.length / 20)).toFixed(1)} µs/delta, equals batch: ${exact}`,
  );
}

console.log('\n## Strict recall on planted values (all 15 types)');
const findings = configurations['all 15 types'].redact(dense.text).findings;
const byType = new Map();
let cursor = 0;
const sorted = [...dense.planted].sort((a, b) => a.start - b.start);
for (const planted of sorted) {
  while (cursor < findings.length && findings[cursor].end <= planted.start) cursor++;
  let covered = planted.start;
  for (let index = cursor; index < findings.length && findings[index].start <= covered; index++) {
    covered = Math.max(covered, findings[index].end);
    if (covered >= planted.end) break;
  }
  const row = byType.get(planted.type) ?? { total: 0, hit: 0 };
  row.total++;
  if (covered >= planted.end) row.hit++;
  byType.set(planted.type, row);
}
for (const [type, row] of byType)
  console.log(`${type.padEnd(20)} ${row.hit}/${row.total} (${((100 * row.hit) / row.total).toFixed(1)} %)`);
const collateral = configurations['secrets only (middleware default)'].redact(clean.text).findings;
const collateralChars = collateral.reduce((sum, finding) => sum + finding.end - finding.start, 0);
console.log(
  `collateral on PII-free text, secrets only: ${collateral.length} findings, ${((100 * collateralChars) / clean.text.length).toFixed(3)} % of characters`,
);
const collateralFormatted = configurations['formatted types (peer set)'].redact(clean.text).findings;
const collateralFormattedChars = collateralFormatted.reduce((sum, finding) => sum + finding.end - finding.start, 0);
console.log(
  `collateral on PII-free text, formatted types: ${collateralFormatted.length} findings, ${((100 * collateralFormattedChars) / clean.text.length).toFixed(3)} % of characters`,
);
