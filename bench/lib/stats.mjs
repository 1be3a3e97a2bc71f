// Statistics, timing and formatting helpers for bench/overhead.mjs. Dependency-free.
// Adapted from the shared performance harness (lib/common.mjs) so that CI, which has no
// copy of that harness, can run the benchmark from this repository alone.

import os from 'node:os';

/** Linear-interpolated quantile of an ascending-sorted array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  if (sorted.length === 1) return sorted[0];
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** n, min, median, p90, p99, max, mean of a list of samples. */
export function summarize(samples) {
  const s = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length,
    min: s[0],
    median: quantile(s, 0.5),
    p90: quantile(s, 0.9),
    p99: quantile(s, 0.99),
    max: s[s.length - 1],
    mean: s.length ? sum / s.length : NaN,
  };
}

/** Median of the finite values (NaN when there are none). */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return NaN;
  return quantile(Float64Array.from(v).sort(), 0.5);
}

/** [min, max] of the finite values. */
export function range(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return [NaN, NaN];
  return [Math.min(...v), Math.max(...v)];
}

/** Milliseconds with sub-microsecond resolution. */
export const now = () => performance.now();

export function fmt(n, digits = 2) {
  if (n === undefined || n === null || Number.isNaN(n)) return 'n/a';
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && a < 10 ** -digits) return n.toExponential(1);
  if (a >= 1e5) return n.toFixed(0);
  return n.toFixed(digits);
}

export function mdTable(headers, rows) {
  const out = [];
  out.push('| ' + headers.join(' | ') + ' |');
  out.push('|' + headers.map(() => '---').join('|') + '|');
  for (const r of rows) out.push('| ' + r.map((c) => (c === undefined ? '' : String(c))).join(' | ') + ' |');
  return out.join('\n');
}

/**
 * `--key value`, `--key=value` and bare `--flag` (true). Keys are camel-cased; values are
 * coerced to the type of the default (number, boolean, string).
 */
export function parseArgs(argv, defaults = {}) {
  const args = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    let key;
    let val;
    if (eq > 0) {
      key = a.slice(2, eq);
      val = a.slice(eq + 1);
    } else {
      key = a.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        val = next;
        i++;
      } else {
        val = 'true';
      }
    }
    key = key.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${a.slice(2).split('=')[0]}`);
    const d = defaults[key];
    if (typeof d === 'number') {
      args[key] = Number(val);
      if (!Number.isFinite(args[key])) throw new Error(`--${key}: expected a number, got ${val}`);
    } else if (typeof d === 'boolean') args[key] = val !== 'false' && val !== '0';
    else args[key] = val;
  }
  return args;
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0] ? cpus[0].model : 'unknown',
    cores: cpus.length,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  };
}
