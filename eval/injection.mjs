// Adapter for /work/shared/eval/score.mjs (run with `node --import tsx`):
//   node --import tsx /work/shared/eval/score.mjs eval/injection.mjs /work/shared/eval/injection-dev.jsonl --by-kind
//
// Run directly for the generalization checks that do not need the hidden split:
//   node --import tsx eval/injection.mjs [path/to/injection-dev.jsonl]
// 1. the two hand-written fresh sets (carriers, payloads and languages absent from dev);
// 2. the dev split with every record flattened onto one line (no line structure to lean on);
// 3. leave-one-source-out on dev: recall per source family with the rules written for that family
//    switched off (spikee lexicons and addressed-* cues for spikee, the question cue for BIPIA
//    email/table, jailbreak-* cues for jailbreaks), i.e. how far the other, generic signals carry it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { screenInjection } from '../src/injection/index.ts';

export function detectInjection(text) {
  const { score, flagged } = screenInjection(text);
  return { score, flagged };
}

function load(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

function metrics(records, flaggedOf) {
  let truePositives = 0;
  let positives = 0;
  let falsePositives = 0;
  let negatives = 0;
  for (const record of records) {
    const flagged = flaggedOf(record);
    if (record.label === 'injection') {
      positives += 1;
      if (flagged) truePositives += 1;
    } else {
      negatives += 1;
      if (flagged) falsePositives += 1;
    }
  }
  const percent = (part, whole) => (whole === 0 ? '  n/a' : `${((100 * part) / whole).toFixed(1)}%`);
  return `n=${records.length} (inj ${positives}, benign ${negatives})  recall ${percent(truePositives, positives)}  FPR ${percent(falsePositives, negatives)}`;
}

/** Flags with the findings of some rules ignored: what the score would be without them. */
function flaggedWithout(text, excluded) {
  const { findings } = screenInjection(text);
  const strongest = new Map();
  for (const finding of findings) {
    if (excluded(finding.rule)) continue;
    const key = finding.category === 'embedded-instruction' ? 'embedded-instruction' : finding.rule;
    strongest.set(key, Math.max(strongest.get(key) ?? 0, finding.score));
  }
  let miss = 1;
  for (const value of strongest.values()) miss *= 1 - value;
  return 1 - miss >= 0.5;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const devPath = process.argv[2] ?? '/work/shared/eval/injection-dev.jsonl';
  const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
  for (const name of ['heldout-fresh', 'heldout-fresh-2']) {
    const records = load(here(`../test/injection/fixtures/${name}.jsonl`));
    console.log(`${name.padEnd(34)} ${metrics(records, (record) => screenInjection(record.text).flagged)}`);
  }
  const dev = load(devPath);
  const flat = dev
    .filter((record) => record.source.startsWith('BIPIA') || record.kind.includes('spikee'))
    .map((record) => ({ ...record, text: record.text.split(/\s+/u).join(' ') }));
  console.log(`${'dev, flattened'.padEnd(34)} ${metrics(flat, (record) => screenInjection(record.text).flagged)}`);
  const families = [
    [
      'spikee',
      (record) => record.kind.includes('spikee'),
      (rule) => rule.startsWith('multilingual-') || rule.startsWith('addressed-'),
    ],
    [
      'BIPIA email+table',
      (record) => /^(email|table)-(indirect-(start|middle|end)|clean)$/u.test(record.kind),
      (rule) => rule === 'embedded-question',
    ],
    [
      'jailbreak',
      (record) => record.kind === 'direct-jailbreak' || record.kind.startsWith('hard-negative'),
      (rule) => rule.startsWith('jailbreak-'),
    ],
  ];
  for (const [name, member, excluded] of families) {
    const records = dev.filter(member);
    console.log(
      `${`without ${name} rules`.padEnd(34)} ${metrics(records, (record) => flaggedWithout(record.text, excluded))}`,
    );
  }
}
