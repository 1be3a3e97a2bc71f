#!/usr/bin/env node
// Peer comparison (not a test): node --import tsx bench/peers.mjs [--size 1048576] [--chunk 65536]
//
// The same inputs through secure-claude's redactor and through @redactpii/node, redact-pii,
// @openredaction/openredaction and the PII check of @openai/guardrails, in one run:
//   - throughput: MB/s over a prose corpus with planted PII and secrets (bench/redaction-corpus.mjs),
//     handed to each library in chunks of --chunk characters (some peers slow down more than
//     linearly on one multi-megabyte string), median of up to 3 rounds;
//   - latency: p50 / p99 of one 2 KB text (--latency-texts distinct slices, 3 rounds);
//   - planted recall: per planted type, the share of planted values that do not survive intact in
//     the library's redacted output (library-agnostic: no spans needed);
//   - quality on the shared PII dev set: precision / recall per type (typed overlap) by the shared
//     scorer (../shared/eval/score.mjs), through bench/peers/score-adapter.mjs, one child per library.
// Ratios are against secure-claude (all 15 types) from the same run.
//
// Peers are installed apart from the library: npm install --prefix bench/peers
// Options: --libraries a,b (names as printed), --max-seconds N (per library per round; default 90),
// --eval DIR (default ../shared/eval, then /work/shared/eval), --skip-eval, --json FILE.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dataModule from '../src/data/index.ts';
import { machineInfo, mdTable, parseArgs, quantile } from './lib/stats.mjs';
import { createAdapters } from './peers/adapters.mjs';
import { generateCorpus } from './redaction-corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = parseArgs(process.argv.slice(2), {
  size: 1024 * 1024,
  chunk: 64 * 1024,
  latencyTexts: 200,
  maxSeconds: 90,
  libraries: '',
  eval: '',
  skipEval: false,
  json: '',
});

const PLANTED_TYPES = {
  email: 'EMAIL',
  phone: 'PHONE',
  us_ssn: 'US_SSN',
  credit_card: 'CREDIT_CARD',
  ipv4: 'IP_ADDRESS',
  ipv6: 'IP_ADDRESS',
  iban: 'IBAN',
  aws_access_key: 'AWS_ACCESS_KEY',
  anthropic_api_key: 'API_KEY',
  jwt: 'JWT',
  pem_private_key: 'PRIVATE_KEY',
};
const fresh = (text) => (' ' + text).slice(1);
const sorted = (values) => Float64Array.from(values).sort();
const git = (...command) => {
  try {
    return execFileSync('git', command, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

const machine = machineInfo();
const dirtyData = git('status', '--porcelain', '--', 'src/data');
console.log('# Peer comparison: detection and redaction');
console.log(
  `node ${machine.node}, ${machine.cpu} x${machine.cores}, load average at start ${machine.loadavg.join(' ')}; ` +
    `commit ${git('rev-parse', '--short', 'HEAD')}${dirtyData && dirtyData !== 'unknown' ? ' (src/data has uncommitted changes)' : ''}; ${new Date().toISOString().slice(0, 10)}`,
);

const wanted = args.libraries ? new Set(args.libraries.split(',').map((name) => name.trim())) : undefined;
const libraries = [];
for (const adapter of createAdapters({ dataModule })) {
  if (wanted && !wanted.has(adapter.name) && adapter.name !== 'secure-claude') continue;
  try {
    adapter.load();
    libraries.push(adapter);
  } catch (error) {
    if (error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ENOENT') {
      console.log(`${adapter.name}: not installed: run npm install --prefix bench/peers`);
    } else {
      console.log(`${adapter.name}: failed to load (${error?.name ?? typeof error}): skipped`);
    }
  }
}
console.log('\n| library | version | configuration |\n|---|---|---|');
for (const library of libraries) console.log(`| ${library.name} | ${library.version} | ${library.config} |`);

const corpus = generateCorpus({ size: args.size, seed: 'bench-peers' });
const chunks = [];
for (let start = 0; start < corpus.text.length; start += args.chunk) {
  chunks.push({ start, text: corpus.text.slice(start, start + args.chunk) });
}
const megabytes = Buffer.byteLength(corpus.text) / 1e6;
console.log(
  `\ncorpus: ${megabytes.toFixed(2)} MB in ${chunks.length} chunks of ${args.chunk} characters, ${corpus.planted.length} planted values`,
);

/** Redacts every chunk once; returns elapsed ms (or undefined past the time limit) and the outputs. */
async function round(library) {
  const outputs = [];
  const start = performance.now();
  for (const chunk of chunks) {
    outputs.push(await library.redact(fresh(chunk.text)));
    if (performance.now() - start > args.maxSeconds * 1000) return { elapsed: undefined, outputs };
  }
  return { elapsed: performance.now() - start, outputs };
}

const results = new Map();
console.log('\nmeasuring throughput, latency and planted recall …');
for (const library of libraries) {
  const result = { name: library.name, version: library.version };
  results.set(library.name, result);
  for (const chunk of chunks.slice(0, 2)) await library.redact(fresh(chunk.text));
  const times = [];
  let outputs;
  for (let index = 0; index < 3; index++) {
    const measured = await round(library);
    outputs ??= measured.outputs;
    if (measured.elapsed === undefined) {
      result.throughputNote = `over ${args.maxSeconds} s per round; ${measured.outputs.length}/${chunks.length} chunks`;
      const processed = measured.outputs.reduce((sum, text, at) => sum + Buffer.byteLength(chunks[at].text), 0);
      times.push({ megabytes: processed / 1e6, seconds: args.maxSeconds });
      break;
    }
    times.push({ megabytes, seconds: measured.elapsed / 1000 });
    if (measured.elapsed > (args.maxSeconds * 1000) / 2) break;
  }
  const rates = sorted(times.map((time) => time.megabytes / time.seconds));
  result.throughput = quantile(rates, 0.5);
  result.rounds = times.length;

  const planted = {};
  for (const value of corpus.planted) {
    const type = PLANTED_TYPES[value.type];
    if (type === undefined) continue;
    const at = Math.floor(value.start / args.chunk);
    if (Math.floor((value.end - 1) / args.chunk) !== at || at >= outputs.length) continue;
    const row = (planted[type] ??= { total: 0, caught: 0 });
    row.total++;
    if (!outputs[at].includes(value.value)) row.caught++;
  }
  result.planted = planted;

  const texts = [];
  for (let index = 0; index < args.latencyTexts; index++) {
    const start = (index * 7919 * 2048) % (corpus.text.length - 2048);
    texts.push(corpus.text.slice(start, start + 2048));
  }
  for (const text of texts.slice(0, 50)) await library.redact(fresh(text));
  const samples = [];
  for (let index = 0; index < 3; index++) {
    for (const text of texts) {
      const input = fresh(text);
      const start = process.hrtime.bigint();
      await library.redact(input);
      samples.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  const latency = sorted(samples);
  result.p50 = quantile(latency, 0.5);
  result.p99 = quantile(latency, 0.99);
  console.log(
    `  ${library.name}: ${result.throughput.toFixed(2)} MB/s, 2 KB p50 ${result.p50.toFixed(1)} µs${result.throughputNote ? ` (${result.throughputNote})` : ''}`,
  );
}

const ours = results.get('secure-claude');
const format = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
console.log(
  '\n## Throughput and latency (ratios: peer ÷ secure-claude; MB/s ratio > 1 and p50 ratio < 1 mean the peer is faster)\n',
);
console.log(
  mdTable(
    ['library', 'MB/s', 'rounds', 'MB/s ratio', '2 KB p50 µs', '2 KB p99 µs', 'p50 ratio'],
    [...results.values()].map((result) => [
      result.name,
      format(result.throughput) + (result.throughputNote ? ` (${result.throughputNote})` : ''),
      result.rounds,
      format(result.throughput / ours.throughput),
      format(result.p50, 1),
      format(result.p99, 1),
      format(result.p50 / ours.p50),
    ]),
  ),
);

const plantedTypes = [...new Set(Object.values(PLANTED_TYPES))];
console.log(
  '\n## Planted recall on the corpus: planted values that do not survive intact in the output\n' +
    '(any masking counts, whatever type the library gave it)\n',
);
console.log(
  mdTable(
    ['type', ...results.keys()],
    plantedTypes
      .filter((type) => ours.planted[type])
      .map((type) => [
        `${type} (${ours.planted[type].total})`,
        ...[...results.values()].map((result) => {
          const row = result.planted[type];
          return row ? `${((100 * row.caught) / row.total).toFixed(1)} %` : 'n/a';
        }),
      ]),
  ),
);

const evalDir = [args.eval, resolve(root, '../shared/eval'), '/work/shared/eval'].find(
  (dir) => dir && existsSync(join(dir, 'score.mjs')) && existsSync(join(dir, 'pii-dev.jsonl')),
);
const quality = new Map();
if (args.skipEval) {
  console.log('\n## Quality on the PII dev set: skipped (--skip-eval)');
} else if (evalDir === undefined) {
  console.log('\n## Quality on the PII dev set: skipped (no ../shared/eval/score.mjs; pass --eval DIR)');
} else {
  for (const library of libraries) {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(evalDir, 'score.mjs'),
        join(here, 'peers/score-adapter.mjs'),
        join(evalDir, 'pii-dev.jsonl'),
        '--json',
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PEERS_LIBRARY: library.name },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (child.status !== 0) {
      console.log(`${library.name}: scorer failed (exit ${child.status}); skipped`);
      continue;
    }
    quality.set(library.name, JSON.parse(child.stdout));
  }
  const evalTypes = [...new Set([...quality.values()].flatMap((result) => Object.keys(result.per_type)))].filter(
    (type) => (quality.get('secure-claude')?.per_type[type]?.gold ?? 0) > 0,
  );
  const cell = (metrics) =>
    metrics === undefined || metrics.pred === 0
      ? '– / 0.0'
      : `${format(metrics.overlap.precision)} / ${format(metrics.overlap.recall)}`;
  console.log(
    `\n## Quality on ${join(evalDir, 'pii-dev.jsonl')}: typed-overlap precision / recall per type\n` +
      '(– = the library predicted nothing of that type; the type mappings are in bench/peers/adapters.mjs)\n',
  );
  console.log(
    mdTable(
      ['type (gold spans)', ...quality.keys()],
      [
        ...evalTypes.map((type) => [
          `${type} (${quality.get('secure-claude').per_type[type].gold})`,
          ...[...quality.values()].map((result) => cell(result.per_type[type])),
        ]),
        ['overall', ...[...quality.values()].map((result) => cell(result))],
        [
          'any-type overlap',
          ...[...quality.values()].map(
            (result) => `${format(result.untyped_overlap.precision)} / ${format(result.untyped_overlap.recall)}`,
          ),
        ],
        [
          'span-free records flagged',
          ...[...quality.values()].map((result) => `${result.clean_records_with_fp}/${result.clean_records}`),
        ],
      ],
    ),
  );
}

console.log(`\nload average at end ${machineInfo().loadavg.join(' ')}`);
if (args.json) {
  writeFileSync(
    args.json,
    JSON.stringify({ machine, results: [...results.values()], quality: Object.fromEntries(quality), args }, null, 2),
  );
  console.log(`raw JSON: ${args.json}`);
}
