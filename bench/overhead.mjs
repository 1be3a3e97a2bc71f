#!/usr/bin/env node
// Overhead of SecureClaudeClient (default preset) over the raw Anthropic client, both calling the
// same loopback fake Messages API server (bench/fake-messages-server.mjs, in a child process) in
// the same run. A benchmark, not a test: it prints Markdown tables and writes the raw JSON to a
// file in os.tmpdir().
//
//   node --import tsx bench/overhead.mjs [--rounds 3] [--duration-ms 3000] [--quick]
//        [--warmup 200] [--concurrency 32] [--sizes 2k,100k]
//        [--scenarios create,create-stream,stream-helper] [--clients raw,secure] [--out FILE]
//
// (Without --import tsx the script re-runs itself with it, so `npm run bench` works too.)
//
// Cells: prompt size (2 KB, 100 KB) x scenario x in-flight (1, N) x client (raw, secure).
//   create          client.messages.create(body)                               non-streaming
//   create-stream   client.messages.create({...body, stream: true}), iterate all events;
//                   also time to the first text_delta
//   stream-helper   client.messages.stream(body).finalMessage()
// Each cell: warm-up requests, then a fixed duration with N workers in flight. Measured: req/s,
// per-request latency p50/p99, client CPU per request (process.cpuUsage of this process; the
// server runs in its own process), errors.
//
// Fairness: the raw and secure cells of one (size, scenario, in-flight) unit run back to back,
// which one goes first alternates; the unit order rotates between rounds. Ratios secure/raw are
// computed within each round; the report gives the median ratio over rounds.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fmt, machineInfo, mdTable, median, now, parseArgs, range, summarize } from './lib/stats.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const API_KEY = 'sk-ant-api03-' + 'A'.repeat(93) + 'AA';
const ERROR_BUDGET = 0.01; // fail the run when more than 1 % of a cell's requests fail
const SIZES = { '2k': 2048, '100k': 102400 };
const SCENARIOS = ['create', 'create-stream', 'stream-helper'];
const CLIENTS = ['raw', 'secure'];

// ------------------------------------------------------------------ loading the TS sources

async function loadSources() {
  try {
    const [index, presets] = await Promise.all([import('../src/index.ts'), import('../src/presets/index.ts')]);
    return { ...index, defaultPreset: presets.defaultPreset };
  } catch (error) {
    if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || process.env.SCC_OVERHEAD_RESPAWNED) throw error;
    // Node cannot load .ts on its own; a failed import is cached, so re-run under the tsx loader.
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      {
        stdio: 'inherit',
        env: { ...process.env, SCC_OVERHEAD_RESPAWNED: '1' },
      },
    );
    process.exit(r.status ?? 1);
  }
}

// ------------------------------------------------------------------ prompts

/** Small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Maria',
  'James',
  'Priya',
  'Chen',
  'Olga',
  'Ahmed',
  'Lucas',
  'Fatima',
  'Noah',
  'Sofia',
  'Kenji',
  'Amara',
];
const LAST = [
  'Garcia',
  'Smith',
  'Patel',
  'Wang',
  'Ivanova',
  'Hassan',
  'Martin',
  'Khan',
  'Brown',
  'Rossi',
  'Tanaka',
  'Okafor',
];
const DOMAINS = ['northwind.example', 'contoso.example', 'fabrikam.example', 'acme-logistics.example'];
const PRODUCTS = [
  'billing dashboard',
  'invoice export',
  'warehouse scanner app',
  'SSO integration',
  'usage reports',
  'mobile checkout',
];
const TEAMS = ['finance', 'procurement', 'customer success', 'the regional sales team', 'IT operations', 'legal'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const SENTENCES = [
  'The customer reported that the {product} stopped syncing after the upgrade on {date}.',
  'Order {order} shipped on {date} but the invoice still shows a balance of ${amount}.',
  '{name} from {team} confirmed the renewal for the next fiscal year at ${amount} per seat.',
  'We agreed to extend the trial of the {product} by two weeks while {team} reviews the contract.',
  'Revenue for the quarter grew {pct} percent, driven mostly by the {product} and lower churn.',
  'The account has {n} active users and the {product} accounts for most of the support volume.',
  'According to {name}, the delay came from a missing purchase order number on invoice {order}.',
  'Support closed {n} tickets this week; the remaining ones concern the {product}.',
  'The steering meeting on {date} approved the budget of ${amount} for the rollout.',
  'Escalation notes: {team} wants a written summary of the outage and the credit we offered.',
  'The migration plan keeps the legacy export running until {date} to avoid downtime for {team}.',
  'Feedback from {name} was positive overall, although the {product} felt slow during month end.',
];
// Secrets pasted into tickets: the default preset always redacts these (PII types are opt-in).
const SECRETS = [
  'The integration log they pasted still shows the access key {awskey}; {name} will rotate it today.',
  'Their staging config contains db_password={password} in plain text, which {team} has been asked to change.',
];
const CONTACTS = [
  'You can reach {name} at {email} or on {phone}.',
  'Please copy {email} on the next update; the direct line is {phone}.',
  'Contact for billing questions: {name}, {email}.',
  '{name} ({phone}) is the new point of contact for {team}.',
];

/**
 * Deterministic business text of exactly `chars` characters: a support and account-management
 * thread with a contact line (emails, phone numbers) every few sentences and a pasted secret (AWS
 * key id or password) about once per 2 KB, so that redaction has real work. No prompt-injection
 * phrasing.
 */
export function makePrompt(chars, seed = 42) {
  const r = rng(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const num = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const fill = (template) =>
    template.replace(/\{(\w+)\}/g, (_, key) => {
      switch (key) {
        case 'name':
          return `${pick(FIRST)} ${pick(LAST)}`;
        case 'email':
          return `${pick(FIRST).toLowerCase()}.${pick(LAST).toLowerCase()}@${pick(DOMAINS)}`;
        case 'phone':
          return r() < 0.5
            ? `+1 415-555-${String(num(100, 199)).padStart(4, '0')}`
            : `(212) 555-${String(num(100, 199)).padStart(4, '0')}`;
        case 'product':
          return pick(PRODUCTS);
        case 'team':
          return pick(TEAMS);
        case 'date':
          return `${pick(MONTHS)} ${num(1, 28)}`;
        case 'order':
          return `ORD-${num(100000, 999999)}`;
        case 'amount':
          return `${num(1, 90)},${String(num(0, 999)).padStart(3, '0')}`;
        case 'awskey':
          return 'AKIA' + Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[num(0, 31)]).join('');
        case 'password':
          return Array.from(
            { length: 14 },
            () => 'abcdefghkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%'[num(0, 56)],
          ).join('');
        case 'pct':
          return String(num(2, 19));
        case 'n':
          return String(num(3, 240));
        default:
          return key;
      }
    });
  let text = 'Summarize this customer thread for the account team and list the open action items.\n\n';
  let sentence = 0;
  while (text.length < chars) {
    const paragraph = [];
    const length = num(3, 6);
    for (let i = 0; i < length; i++) {
      sentence++;
      paragraph.push(fill(sentence % 16 === 6 ? pick(SECRETS) : sentence % 4 === 0 ? pick(CONTACTS) : pick(SENTENCES)));
    }
    text += paragraph.join(' ') + '\n\n';
  }
  return text.slice(0, chars);
}

function promptStats(text) {
  return {
    chars: text.length,
    emails: (text.match(/[a-z]+\.[a-z]+@[a-z-]+\.example/g) ?? []).length,
    phones: (text.match(/(?:\+1 415|\(212\)) 555-\d{4}/g) ?? []).length,
    secrets: (text.match(/AKIA[A-Z2-7]{16}|db_password=\S+/g) ?? []).length,
  };
}

// ------------------------------------------------------------------ server child

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(HERE, 'fake-messages-server.mjs'), '--port', '0', '--deltas', '20', '--text-chars', '600'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    process.on('exit', kill);
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, () => {
        kill();
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      });
    }
    const rl = readline.createInterface({ input: child.stdout });
    rl.once('line', (line) => resolve({ child, info: JSON.parse(line) }));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!stopping) console.error(`[overhead] fake server exited unexpectedly (${code ?? signal})`);
      reject(new Error(`fake server exited (${code ?? signal})`));
    });
  });
}
let stopping = false;

// ------------------------------------------------------------------ scenarios

function makeScenarios(client, body) {
  const bodyStream = { ...body, stream: true };
  return {
    async create() {
      const m = await client.messages.create(body);
      if (!m.content?.length) throw new Error('empty message');
      return { value: m };
    },
    async 'create-stream'(t0) {
      const s = await client.messages.create(bodyStream);
      let first = NaN;
      let deltas = 0;
      for await (const ev of s) {
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') {
          if (deltas === 0) first = now() - t0;
          deltas++;
        }
      }
      if (deltas === 0) throw new Error('no text deltas');
      return { ttft: first, deltas, value: s };
    },
    async 'stream-helper'() {
      const m = await client.messages.stream(body).finalMessage();
      if (!m.content?.length) throw new Error('empty message');
      return { value: m };
    },
  };
}

class BenchError extends Error {}

async function warmUp(fn, { concurrency, warmup, label }) {
  // At the cell's concurrency (JIT, keep-alive sockets); failures count against the error budget.
  let started = 0;
  let errors = 0;
  let firstError;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, warmup)) }, async () => {
      while (started < warmup) {
        started++;
        try {
          await fn(now());
        } catch (e) {
          errors++;
          firstError ??= e;
        }
      }
    }),
  );
  if (errors > warmup * ERROR_BUDGET)
    throw new BenchError(`${label}: ${errors}/${warmup} warm-up requests failed; first: ${describe(firstError)}`);
}

/** One timed slice of one client: `concurrency` workers until the deadline. Adds into `acc`. */
async function runSlice(fn, concurrency, durationMs, acc) {
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const deadline = t0 + durationMs;
  async function worker() {
    while (now() < deadline) {
      const a = now();
      try {
        const r = await fn(a);
        acc.lat.push(now() - a);
        if (r?.ttft !== undefined) acc.ttft.push(r.ttft);
        acc.done++;
      } catch (e) {
        acc.errors++;
        acc.firstError ??= e;
        if (acc.errors > 100 && acc.errors > acc.done * ERROR_BUDGET) break;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  acc.elapsed += now() - t0;
  const cpu = process.cpuUsage(cpu0);
  acc.cpuUs += cpu.user + cpu.system;
}

/**
 * Measures one (size, scenario, in-flight) unit for every client: warm-up each, then `slices`
 * timed slices per client, interleaved A B B A A B ..., so that load from other processes on a
 * shared machine falls on both clients alike. Each client gets `durationMs` in total.
 */
async function runUnit(fnOf, order, { concurrency, durationMs, warmup, slices, label }) {
  for (const client of order) await warmUp(fnOf[client], { concurrency, warmup, label: `${label}|${client}` });
  const acc = Object.fromEntries(
    order.map((c) => [c, { lat: [], ttft: [], done: 0, errors: 0, elapsed: 0, cpuUs: 0, firstError: undefined }]),
  );
  for (let i = 0; i < slices; i++) {
    const sliceOrder = i % 2 === 0 ? order : [...order].reverse();
    for (const client of sliceOrder) await runSlice(fnOf[client], concurrency, durationMs / slices, acc[client]);
  }
  const out = {};
  for (const client of order) {
    const x = acc[client];
    const s = summarize(x.lat);
    const t = summarize(x.ttft);
    out[client] = {
      concurrency,
      requests: x.done,
      errors: x.errors,
      elapsedMs: x.elapsed,
      rps: x.done / (x.elapsed / 1000),
      p50Ms: s.median,
      p99Ms: s.p99,
      meanMs: s.mean,
      ttftP50Ms: x.ttft.length ? t.median : undefined,
      ttftP99Ms: x.ttft.length ? t.p99 : undefined,
      cpuUsPerReq: x.cpuUs / x.done,
    };
    if (x.errors > (x.done + x.errors) * ERROR_BUDGET) {
      throw new BenchError(
        `${label}|${client}: ${x.errors} of ${x.done + x.errors} requests failed (> 1 %); first: ${describe(x.firstError)}`,
      );
    }
  }
  return out;
}

function describe(error) {
  if (!error) return 'unknown';
  const code = error.code ? ` [${error.code}]` : '';
  return `${error.name ?? 'Error'}${code}: ${String(error.message ?? error).slice(0, 300)}`;
}

// ------------------------------------------------------------------ main

function gitInfo() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return 'unknown';
  }
}

function readVersion(pkgDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    rounds: 0,
    durationMs: 0,
    warmup: -1,
    quick: false,
    concurrency: 32,
    sizes: Object.keys(SIZES).join(','),
    scenarios: SCENARIOS.join(','),
    clients: CLIENTS.join(','),
    slices: 0,
    pacedRequests: 10,
    pacedDelayMs: 20,
    preset: 'default',
    environment: 'production',
    out: '',
  });
  if (!['production', 'test'].includes(args.environment)) throw new Error('--environment: production or test');
  if (!['default', 'bare'].includes(args.preset)) throw new Error('--preset: default or bare');
  args.rounds ||= args.quick ? 1 : 3;
  args.durationMs ||= args.quick ? 600 : 3000;
  if (args.warmup < 0) args.warmup = args.quick ? 50 : 200;
  // Interleaved slices of ~500 ms per client (an even number, at least 2).
  args.slices ||= Math.max(2, 2 * Math.round(args.durationMs / 1000));
  const sizes = args.sizes.split(',').map((s) => {
    if (!(s in SIZES)) throw new Error(`--sizes: unknown size ${s} (have ${Object.keys(SIZES).join(', ')})`);
    return s;
  });
  const scenarios = args.scenarios.split(',').map((s) => {
    if (!SCENARIOS.includes(s)) throw new Error(`--scenarios: unknown scenario ${s} (have ${SCENARIOS.join(', ')})`);
    return s;
  });
  const clients = args.clients.split(',').map((s) => {
    if (!CLIENTS.includes(s)) throw new Error(`--clients: unknown client ${s}`);
    return s;
  });
  const concurrencies = [...new Set([1, args.concurrency])];

  const { SecureClaudeClient, defaultPreset, definePreset, getSecurityDecisions } = await loadSources();
  const Anthropic = (await import('@anthropic-ai/sdk')).default;

  // `bare` measures the pipeline itself (method layer, HTTP layer, span, audit) with no controls.
  const preset =
    args.preset === 'bare' ? definePreset({ name: 'bare', version: '1.0.0', middleware: [] }) : defaultPreset();
  const presetMiddleware = preset.middleware.map((m) => m.name);
  const { child, info } = await startServer();
  const baseURL = info.url;

  let t = now();
  const rawClient = new Anthropic({ apiKey: API_KEY, baseURL, maxRetries: 0 });
  const rawCtorMs = now() - t;
  t = now();
  // Production refuses static keys: the bench hands it an in-process key provider (what a Vault-backed
  // provider looks like on the hot path: a cached string). `test` adds de-identification of PII.
  const keyProvider = {
    getApiKey: async () => API_KEY,
    invalidateAfter401: async () => ({ changed: false }),
    fingerprintOf: () => 'bench',
  };
  const secureClient = new SecureClaudeClient({
    baseURL,
    maxRetries: 0,
    ...(args.environment === 'production' ? {} : { apiKey: API_KEY }),
    security: {
      environment: args.environment,
      preset,
      ...(args.environment === 'production' ? { credentials: keyProvider } : {}),
    },
  });
  const secureCtorMs = now() - t;
  const clientOf = { raw: rawClient, secure: secureClient };
  const bodies = {};

  const prompts = {};
  const fns = {};
  for (const size of sizes) {
    const text = makePrompt(SIZES[size], 42);
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      system: 'You are a helpful assistant for the customer support team.',
      messages: [{ role: 'user', content: text }],
    };
    bodies[size] = body;
    prompts[size] = { ...promptStats(text), requestBytes: Buffer.byteLength(JSON.stringify(body)) };
    fns[size] = { raw: makeScenarios(rawClient, body), secure: makeScenarios(secureClient, body) };
  }

  const results = {
    machine: machineInfo(),
    command: [
      path.basename(process.execPath),
      ...process.execArgv,
      path.relative(process.cwd(), fileURLToPath(import.meta.url)) || 'bench/overhead.mjs',
      ...process.argv.slice(2),
    ].join(' '),
    started: new Date().toISOString(),
    git: gitInfo(),
    versions: {
      sdk: readVersion(path.join(ROOT, 'node_modules', '@anthropic-ai', 'sdk')),
      secureClaude: readVersion(ROOT),
    },
    preset: { name: preset.name, version: preset.version, middleware: presetMiddleware, environment: args.environment },
    server: { ...info, pid: child.pid },
    args,
    ctorMs: { raw: rawCtorMs, secure: secureCtorMs },
    prompts,
    preflight: {},
    rounds: [],
  };

  // Preflight: one call per cell type with each client, so a preset that refuses the prompt fails
  // here with its error instead of after minutes; records the SSE shape and the secure decisions.
  for (const size of sizes) {
    for (const scenario of scenarios) {
      for (const client of clients) {
        let r;
        try {
          r = await fns[size][client][scenario](now());
        } catch (e) {
          throw new BenchError(`preflight ${size} ${scenario} ${client} failed: ${describe(e)}`);
        }
        const d = client === 'secure' ? getSecurityDecisions(r.value) : undefined;
        let replyChars;
        if (scenario === 'create-stream') {
          // Once more, keeping the text, to compare what each client hands the caller.
          let text = '';
          for await (const ev of await clientOf[client].messages.create({ ...bodies[size], stream: true })) {
            if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
          }
          replyChars = text.length;
        } else if (r.value?.content) {
          replyChars = r.value.content.reduce((n, b) => n + (b.text?.length ?? 0), 0);
        }
        results.preflight[`${size}|${scenario}|${client}`] = {
          deltas: r.deltas,
          replyChars,
          decisions: d?.decisions?.map((x) => ({
            middleware: x.middleware,
            phase: x.phase,
            action: x.action,
            reason: x.reason,
            count: x.count,
          })),
        };
      }
    }
  }

  const units = [];
  for (const size of sizes)
    for (const scenario of scenarios) for (const c of concurrencies) units.push({ size, scenario, concurrency: c });
  const perRound = units.length * clients.length * (args.durationMs / 1000 + args.warmup * 0.006);
  console.error(
    `[overhead] ${units.length * clients.length} cells x ${args.rounds} round(s), ${args.durationMs} ms each + ${args.warmup} warm-up requests: ~${Math.ceil((perRound * args.rounds) / 60)} min; server ${baseURL} (pid ${child.pid})`,
  );

  let failure;
  try {
    for (let round = 1; round <= args.rounds; round++) {
      const shift = ((round - 1) * Math.ceil(units.length / args.rounds)) % units.length;
      const order = [...units.slice(shift), ...units.slice(0, shift)];
      const cells = {};
      const r0 = now();
      for (const [i, unit] of order.entries()) {
        const clientOrder = (i + round) % 2 === 0 ? clients : [...clients].reverse();
        const unitKey = `${unit.size}|${unit.scenario}|${unit.concurrency}`;
        const fnOf = Object.fromEntries(clients.map((c) => [c, fns[unit.size][c][unit.scenario]]));
        const measured = await runUnit(fnOf, clientOrder, {
          concurrency: unit.concurrency,
          durationMs: args.durationMs,
          warmup: args.warmup,
          slices: args.slices,
          label: `round ${round} ${unitKey}`,
        });
        for (const client of clients) cells[`${unitKey}|${client}`] = measured[client];
      }
      results.rounds.push({ round, order: order.map((u) => `${u.size}|${u.scenario}|${u.concurrency}`), cells });
      console.error(`[overhead] round ${round}/${args.rounds} done in ${((now() - r0) / 1000).toFixed(0)} s`);
    }
  } catch (e) {
    failure = e;
  }

  // Paced streams: the server waits between text deltas like a model emitting tokens, so the
  // time to first text shows any text a client holds back, in wall-clock terms.
  if (!failure && args.pacedRequests > 0 && scenarios.includes('create-stream')) {
    try {
      results.paced = {};
      const options = { headers: { 'x-fake-delta-delay-ms': String(args.pacedDelayMs) } };
      for (const size of sizes) {
        const acc = Object.fromEntries(clients.map((c) => [c, { ttft: [], total: [], deltas: [] }]));
        for (let i = 0; i < args.pacedRequests; i++) {
          for (const client of i % 2 === 0 ? clients : [...clients].reverse()) {
            const t0 = now();
            let first = NaN;
            let deltas = 0;
            for await (const ev of await clientOf[client].messages.create({ ...bodies[size], stream: true }, options)) {
              if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') {
                if (deltas === 0) first = now() - t0;
                deltas++;
              }
            }
            acc[client].ttft.push(first);
            acc[client].total.push(now() - t0);
            acc[client].deltas.push(deltas);
          }
        }
        results.paced[size] = Object.fromEntries(
          clients.map((c) => [
            c,
            {
              ttftP50Ms: median(acc[c].ttft),
              totalP50Ms: median(acc[c].total),
              deltas: median(acc[c].deltas),
              requests: args.pacedRequests,
            },
          ]),
        );
      }
    } catch (e) {
      failure = e;
    }
  }
  stopping = true;
  child.kill('SIGTERM');

  results.finished = new Date().toISOString();
  results.loadavgEnd = os.loadavg().map((x) => +x.toFixed(2));
  results.failure = failure ? describe(failure) : undefined;
  const outFile =
    args.out || path.join(os.tmpdir(), `secure-claude-overhead-${results.started.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(outFile, JSON.stringify(results, null, 1));
  if (failure) {
    console.error(`\n[overhead] FAILED: ${describe(failure)}`);
    console.error(`[overhead] partial raw results: ${outFile}`);
    process.exit(1);
  }
  console.log(report(results, { sizes, scenarios, clients, concurrencies }));
  console.log(`\nRaw JSON: ${outFile}`);
}

// ------------------------------------------------------------------ report

const SIZE_LABEL = { '2k': '2 KB', '100k': '100 KB' };

function report(R, { sizes, scenarios, clients, concurrencies }) {
  const rounds = R.rounds;
  const cell = (round, size, scenario, c, client) => round.cells[`${size}|${scenario}|${c}|${client}`];
  const med = (size, scenario, c, client, k) => median(rounds.map((r) => cell(r, size, scenario, c, client)?.[k]));
  const ratios = (size, scenario, c, k) =>
    rounds.map((r) => cell(r, size, scenario, c, 'secure')?.[k] / cell(r, size, scenario, c, 'raw')?.[k]);
  const m = R.machine;
  const L = [];
  L.push(`# SecureClaudeClient overhead vs raw Anthropic client (loopback fake server)`);
  L.push('');
  L.push(`- command: \`${R.command}\``);
  L.push(
    `- Node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.cpu}, ${m.cores} cores; load average (1/5/15 min) ${m.loadavg.join(' / ')} at start, ${R.loadavgEnd.join(' / ')} at end`,
  );
  L.push(`- @anthropic-ai/sdk ${R.versions.sdk}; secure-claude ${R.versions.secureClaude} at ${R.git}`);
  L.push(
    `- preset ${R.preset.name}@${R.preset.version} in environment ${R.preset.environment}, middleware: ${R.preset.middleware.length ? R.preset.middleware.map((n) => '`' + n + '`').join(', ') : '(none)'}`,
  );
  for (const size of sizes) {
    const p = R.prompts[size];
    const d =
      R.preflight[`${size}|create|secure`]?.decisions ?? R.preflight[`${size}|${scenarios[0]}|secure`]?.decisions;
    const decisions = d?.length
      ? d.map((x) => `${x.middleware}:${x.action}/${x.reason}${x.count !== undefined ? ` x${x.count}` : ''}`).join(', ')
      : 'none';
    L.push(
      `- ${SIZE_LABEL[size]} prompt: ${p.chars} chars, request body ${p.requestBytes} B; ${p.emails} emails, ${p.phones} phone numbers, ${p.secrets} secrets; secure client's decisions (\`create\`): ${decisions}`,
    );
  }
  const shape = (client) => {
    const x = Object.entries(R.preflight).find(([k, v]) => k.endsWith(`create-stream|${client}`) && v.deltas)?.[1];
    return x ? `${client} ${x.deltas} text_delta events / ${x.replyChars} chars` : undefined;
  };
  const shapes = clients.map(shape).filter(Boolean);
  L.push(
    `- fake server: separate process (pid ${R.server.pid}) on ${R.server.url}; reply 600 chars of text; streamed reply as the caller sees it: ${shapes.join(', ') || 'n/a'}`,
  );
  L.push(
    `- ${rounds.length} round(s); per cell ${R.args.warmup} warm-up requests then ${R.args.durationMs} ms in ${R.args.slices} slices interleaved with the other client's; in flight ${concurrencies.join(' and ')}; constructor ${fmt(R.ctorMs.raw, 2)} ms raw / ${fmt(R.ctorMs.secure, 2)} ms secure`,
  );
  L.push('');
  L.push('## Absolute figures (median over rounds)');
  L.push('');
  const rows = [];
  for (const size of sizes)
    for (const scenario of scenarios)
      for (const c of concurrencies)
        for (const client of clients) {
          const errors = rounds.reduce((a, r) => a + (cell(r, size, scenario, c, client)?.errors ?? 0), 0);
          const reqs = rounds.reduce((a, r) => a + (cell(r, size, scenario, c, client)?.requests ?? 0), 0);
          rows.push([
            SIZE_LABEL[size],
            scenario,
            c,
            client,
            fmt(med(size, scenario, c, client, 'rps'), 0),
            fmt(med(size, scenario, c, client, 'p50Ms'), 3),
            fmt(med(size, scenario, c, client, 'p99Ms'), 3),
            scenario === 'create-stream' ? fmt(med(size, scenario, c, client, 'ttftP50Ms'), 3) : '',
            scenario === 'create-stream' ? fmt(med(size, scenario, c, client, 'ttftP99Ms'), 3) : '',
            fmt(med(size, scenario, c, client, 'cpuUsPerReq'), 0),
            `${errors}/${reqs}`,
          ]);
        }
  L.push(
    mdTable(
      [
        'prompt',
        'scenario',
        'in flight',
        'client',
        'req/s',
        'p50 ms',
        'p99 ms',
        'first text p50 ms',
        'first text p99 ms',
        'CPU µs/req',
        'errors/requests',
      ],
      rows,
    ),
  );

  if (R.paced) {
    L.push('');
    L.push(
      `## Paced stream: \`create-stream\`, 1 in flight, server waits ${R.args.pacedDelayMs} ms before each text delta (median of ${R.args.pacedRequests} requests per client)`,
    );
    L.push('');
    const prow = [];
    for (const size of sizes) {
      const x = R.paced[size];
      if (!x) continue;
      for (const client of clients)
        prow.push([
          SIZE_LABEL[size],
          client,
          fmt(x[client].ttftP50Ms, 1),
          fmt(x[client].totalP50Ms, 1),
          x[client].deltas,
        ]);
      if (x.raw && x.secure)
        prow.push([
          SIZE_LABEL[size],
          'secure - raw',
          fmt(x.secure.ttftP50Ms - x.raw.ttftP50Ms, 1),
          fmt(x.secure.totalP50Ms - x.raw.totalP50Ms, 1),
          '',
        ]);
    }
    L.push(mdTable(['prompt', 'client', 'first text p50 ms', 'total p50 ms', 'text deltas seen'], prow));
  }

  if (!clients.includes('raw') || !clients.includes('secure')) return L.join('\n');

  L.push('');
  L.push(
    '## Ratios secure / raw (median of the per-round ratios; < 1 is faster for latency and CPU, > 1 is faster for req/s)',
  );
  L.push('');
  const rrows = [];
  for (const size of sizes)
    for (const scenario of scenarios)
      for (const c of concurrencies) {
        const r = (k) => fmt(median(ratios(size, scenario, c, k)), 3);
        rrows.push([
          SIZE_LABEL[size],
          scenario,
          c,
          r('p50Ms'),
          r('p99Ms'),
          scenario === 'create-stream' ? r('ttftP50Ms') : '',
          scenario === 'create-stream' ? r('ttftP99Ms') : '',
          r('cpuUsPerReq'),
          r('rps'),
        ]);
      }
  L.push(
    mdTable(
      ['prompt', 'scenario', 'in flight', 'p50', 'p99', 'first text p50', 'first text p99', 'CPU/req', 'req/s'],
      rrows,
    ),
  );

  // Goals: the issue's three targets, plus the related "must" bars of PERFORMANCE.md §4.
  const N = concurrencies[concurrencies.length - 1];
  const goals = [];
  const goal = (id, what, size, scenario, c, k, op, bar) => {
    if (!sizes.includes(size) || !scenarios.includes(scenario) || !concurrencies.includes(c)) return;
    const list = ratios(size, scenario, c, k);
    const v = median(list);
    const [lo, hi] = range(list);
    const pass = op === '<=' ? v <= bar : v >= bar;
    goals.push([
      id,
      what,
      fmt(v, 3),
      rounds.length > 1 ? `${fmt(lo, 3)}-${fmt(hi, 3)}` : '',
      `${op === '<=' ? '≤' : '≥'} ${bar.toFixed(2)}`,
      Number.isFinite(v) ? (pass ? 'PASS' : 'MISS') : 'n/a',
    ]);
  };
  goal('issue (G2)', '2 KB `create`, 1 in flight: p50 latency', '2k', 'create', 1, 'p50Ms', '<=', 1.1);
  for (const size of sizes)
    goal(
      'issue',
      `${SIZE_LABEL[size]} \`create-stream\`, 1 in flight: time to first text p50`,
      size,
      'create-stream',
      1,
      'ttftP50Ms',
      '<=',
      1.1,
    );
  for (const size of sizes)
    for (const scenario of scenarios)
      goal(
        size === '2k' && scenario === 'create' ? 'issue (G3)' : 'issue',
        `${SIZE_LABEL[size]} \`${scenario}\`, ${N} in flight: req/s`,
        size,
        scenario,
        N,
        'rps',
        '>=',
        0.9,
      );
  goal(
    'G1 must',
    '2 KB `create`, 1 in flight: client CPU/req (target ≤ 1.10)',
    '2k',
    'create',
    1,
    'cpuUsPerReq',
    '<=',
    1.2,
  );
  goal('G2 must', '2 KB `create`, 1 in flight: p99 latency (target ≤ 1.20)', '2k', 'create', 1, 'p99Ms', '<=', 1.3);
  goal(
    'G4 must',
    '2 KB `create-stream`, 1 in flight: client CPU/req (target ≤ 1.10)',
    '2k',
    'create-stream',
    1,
    'cpuUsPerReq',
    '<=',
    1.2,
  );
  goal(
    'G6 must',
    '100 KB `create`, 1 in flight: client CPU/req (target ≤ 1.33)',
    '100k',
    'create',
    1,
    'cpuUsPerReq',
    '<=',
    1.5,
  );
  if (goals.length) {
    L.push('');
    L.push('## Goals (ratio secure / raw)');
    L.push('');
    L.push(mdTable(['goal', 'metric', 'ratio (median)', 'range over rounds', 'bar', 'verdict'], goals));
    L.push('');
    L.push(
      'Loopback p99 and req/s swing ±5-10 % between rounds on a shared 2-core machine (the server takes one core); judge a MISS within that band by re-running with more rounds.',
    );
  }
  return L.join('\n');
}

main().catch((e) => {
  stopping = true;
  console.error(e instanceof BenchError ? `[overhead] FAILED: ${e.message}` : e);
  process.exit(1);
});
