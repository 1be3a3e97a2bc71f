import { randomBytes } from 'node:crypto';
import { appendFile, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ErrorCode, SecureClaudeError, sanitizeCause, type SecureClaudeErrorOptions } from '../core/errors';
import { parseOptions } from '../core/options';
import { OUTPUT_LOG_MAX_BUFFERED_BYTES, toJsonLine } from './output-log';
import type { OutputLog, OutputLogEntry } from './types';

const NAME = 'retention-log';
const SECONDS_PER_DAY = 86_400;
const TEMP_SUFFIX = '.purge-tmp';

/**
 * How long an entry of each retention class (`OutputLogEntry.retention`, from `DEFAULT_RETENTION`)
 * is kept, in seconds. The more sensitive the class, the shorter: restricted data (secrets, card
 * numbers, SSNs) is kept 7 days for incident review, confidential PII 30 days (one billing or
 * support cycle), everything else 90 days.
 */
export const DEFAULT_RETENTION_SECONDS: Readonly<Record<string, number>> = Object.freeze({
  standard: 90 * SECONDS_PER_DAY,
  sensitive: 30 * SECONDS_PER_DAY,
  restricted: 7 * SECONDS_PER_DAY,
});

/** The code of a retention log that could not read, write or rewrite its file: `ErrorCode.LOG_UNAVAILABLE`. */
export const RETENTION_LOG_UNAVAILABLE = ErrorCode.LOG_UNAVAILABLE;

/** A retention log could not append, read or rewrite its file. Carries the path and the system error code, never entries. */
export class RetentionLogError extends SecureClaudeError {
  constructor(message: string, options: SecureClaudeErrorOptions = {}) {
    super(ErrorCode.LOG_UNAVAILABLE, message, { source: NAME, ...options });
  }
}

/** An output log entry as a retention log stores it. */
export type RetainedOutputLogEntry = OutputLogEntry & {
  /** The entry's retention class (its `retention`). */
  readonly retention_class: string;
  /** ISO 8601 UTC: the entry's `time` plus its class's retention period. */
  readonly expires_at: string;
};

/** What one purge did. Counts only. */
export interface PurgeResult {
  /** Entries kept because they have not expired. */
  readonly kept: number;
  /** Expired entries removed. */
  readonly purged: number;
  /** Lines that are not an entry with a readable `expires_at` (kept unless `corruptLines: 'drop'`). */
  readonly corrupt: number;
  /** Temporary files of an interrupted earlier purge that were removed. */
  readonly removedTempFiles: number;
}

/** Options of {@link retentionOutputLog}. */
export interface RetentionOutputLogOptions {
  /** The JSON-lines file; created with mode 0600 on the first write. One writing process per file. */
  readonly path: string;
  /** Retention period in seconds per retention class, merged over {@link DEFAULT_RETENTION_SECONDS}. */
  readonly retentionSeconds?: Readonly<Record<string, number>>;
  /** Purge expired entries every this many seconds, on an `unref()`ed timer. @default off */
  readonly purgeIntervalSeconds?: number;
  /**
   * Lines that cannot be read as an entry with an `expires_at` (a torn write, a hand edit, an entry
   * of another log): `'keep'` leaves them in place, since an unreadable line may hold an unexpired
   * entry; `'drop'` removes them at the next purge. Either way `PurgeResult.corrupt` counts them.
   * @default 'keep'
   */
  readonly corruptLines?: 'keep' | 'drop';
  /** The clock, in milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** Receives failures of writes and of timer purges (a `RetentionLogError`); exceptions it throws are ignored. */
  readonly onError?: (error: unknown) => void;
}

/** A file-backed output log that stamps each entry with its retention and purges expired ones. */
export interface RetentionOutputLog extends OutputLog {
  /** Appends the entry with `retention_class` and `expires_at`. Never rejects: failures go to `onError`. */
  write(entry: OutputLogEntry): Promise<void>;
  /** Entries not written: more than 8 MiB queued, the log closed, or the append failed. */
  readonly dropped: number;
  /**
   * Rewrites the file without the entries whose `expires_at` is at or before `now` (default: the
   * clock). Atomic: the kept lines, byte for byte, go to a temporary file in the same folder that is
   * synced and renamed over the log; temporary files of an interrupted purge are removed first.
   * Writes queued meanwhile are appended after it. A missing file purges nothing.
   * @throws RetentionLogError when the file cannot be read or replaced; the log is then unchanged.
   */
  purgeExpired(now?: number | Date): Promise<PurgeResult>;
  /** Resolves once every entry written so far is on disk (or dropped). */
  flush(): Promise<void>;
  /** Stops the purge timer and flushes; later writes are dropped. */
  close(): Promise<void>;
}

const positiveSeconds = z
  .number()
  .positive()
  .max(100 * 365 * SECONDS_PER_DAY);
const optionsSchema = z
  .object({
    path: z.string().min(1),
    retentionSeconds: z.record(z.string().min(1).max(64), positiveSeconds).optional(),
    purgeIntervalSeconds: positiveSeconds.optional(),
    corruptLines: z.enum(['keep', 'drop']).optional(),
    now: z.custom<() => number>((value) => typeof value === 'function').optional(),
    onError: z.custom<(error: unknown) => void>((value) => typeof value === 'function').optional(),
  })
  .strict();

/**
 * A JSON-lines output log with retention (RELIABILITY.md L4): every entry carries
 * `retention_class` and `expires_at`, and `purgeExpired()` (or the optional timer) removes expired
 * entries, so a log holding outputs keeps them no longer than their data class allows.
 *
 * Entries arrive already redacted to the log's clearance; this sink adds the two fields and nothing
 * else. Appends and purges run one at a time, in call order, so no entry is lost to a purge's
 * rename. An entry whose retention class has no period gets the shortest configured one (fail
 * safe: kept no longer than the strictest rule). Up to 8 MiB of entries may wait for the disk;
 * beyond that they are dropped and counted. Not for several processes writing one file.
 *
 * @example
 * const outputLog = retentionOutputLog({ path: '/var/log/claude/outputs.jsonl', purgeIntervalSeconds: 3600 });
 * outputGuardMiddleware({ outputLog });
 */
export function retentionOutputLog(options: RetentionOutputLogOptions): RetentionOutputLog {
  const config = parseOptions(optionsSchema, options, 'retentionOutputLog');
  const path = config.path;
  const periods: Record<string, number> = { ...DEFAULT_RETENTION_SECONDS, ...config.retentionSeconds };
  const shortest = Math.min(...Object.values(periods));
  const clock = config.now ?? Date.now;
  const dropCorrupt = config.corruptLines === 'drop';
  const report = (error: unknown): void => {
    try {
      config.onError?.(error);
    } catch {
      // ignored: error reporting must not fail the caller
    }
  };

  let chain: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = chain.then(operation);
    chain = result.catch(() => undefined);
    return result;
  };

  let pending: string[] = [];
  let pendingBytes = 0;
  let flushing: Promise<void> | undefined;
  let dropped = 0;
  let closed = false;
  let tailChecked = false;

  const flushPending = (): Promise<void> => {
    flushing ??= enqueue(async () => {
      const lines = pending;
      pending = [];
      pendingBytes = 0;
      flushing = undefined;
      try {
        // A torn last line (a crash mid-append) must not swallow the next entry.
        const separator = tailChecked ? '' : await separatorAfter(path);
        tailChecked = true;
        await appendFile(path, separator + lines.join(''), { mode: 0o600 });
      } catch (error) {
        dropped += lines.length;
        report(ioError('append to', path, error, 'entries were dropped'));
      }
    });
    return flushing;
  };

  const stamp = (entry: OutputLogEntry): RetainedOutputLogEntry => {
    const seconds = periods[entry.retention] ?? shortest;
    const written = Date.parse(entry.time);
    const base = Number.isFinite(written) ? written : clock();
    return { ...entry, retention_class: entry.retention, expires_at: new Date(base + seconds * 1000).toISOString() };
  };

  const purge = (now: number): Promise<PurgeResult> =>
    enqueue(async () => {
      const removedTempFiles = await removeTempFiles(path);
      let content: string;
      try {
        content = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT')
          return { kept: 0, purged: 0, corrupt: 0, removedTempFiles };
        throw ioError('read', path, error, 'nothing was purged');
      }
      const lines = content.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const keptLines: string[] = [];
      let purged = 0;
      let corrupt = 0;
      for (const line of lines) {
        if (line.trim() === '') continue;
        const expiresAt = expiryOf(line);
        if (expiresAt === undefined) {
          corrupt++;
          if (!dropCorrupt) keptLines.push(line);
        } else if (expiresAt <= now) purged++;
        else keptLines.push(line);
      }
      const kept = keptLines.length - (dropCorrupt ? 0 : corrupt);
      if (purged === 0 && (corrupt === 0 || !dropCorrupt)) return { kept, purged, corrupt, removedTempFiles };
      await replaceAtomically(path, keptLines.map((line) => `${line}\n`).join(''));
      return { kept, purged, corrupt, removedTempFiles };
    });

  const flush = (): Promise<void> => (pending.length > 0 ? flushPending() : enqueue(() => Promise.resolve()));

  let timer: NodeJS.Timeout | undefined;
  let timerPurgeRunning = false;
  if (config.purgeIntervalSeconds !== undefined) {
    timer = setInterval(() => {
      if (timerPurgeRunning) return;
      timerPurgeRunning = true;
      purge(clock())
        .catch(report)
        .finally(() => {
          timerPurgeRunning = false;
        });
    }, config.purgeIntervalSeconds * 1000);
    timer.unref();
  }

  return {
    get dropped() {
      return dropped;
    },
    write(entry) {
      if (closed || pendingBytes > OUTPUT_LOG_MAX_BUFFERED_BYTES) {
        dropped++;
        return Promise.resolve();
      }
      let line: string;
      try {
        line = toJsonLine(stamp(entry));
      } catch (error) {
        dropped++;
        report(
          new RetentionLogError(`${NAME}: an entry could not be serialized; it was dropped.`, {
            cause: sanitizeCause(error),
          }),
        );
        return Promise.resolve();
      }
      pending.push(line);
      pendingBytes += line.length;
      return flushPending();
    },
    purgeExpired(now) {
      const at = now === undefined ? clock() : now instanceof Date ? now.getTime() : now;
      return purge(at);
    },
    flush,
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}

/** A newline when the file exists and does not end with one, else the empty string. */
async function separatorAfter(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return '';
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a ? '' : '\n';
  } finally {
    await handle.close();
  }
}

/** The `expires_at` of a line in milliseconds, or undefined when the line is not such an entry. */
function expiryOf(line: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const expiresAt = (parsed as Record<string, unknown>)['expires_at'];
  if (typeof expiresAt !== 'string') return undefined;
  const time = Date.parse(expiresAt);
  return Number.isFinite(time) ? time : undefined;
}

/** Writes `content` to a synced temporary file beside `path`, then renames it over `path`. */
async function replaceAtomically(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw ioError('replace', path, error, 'the log was left unchanged');
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename durable where the platform allows fsync on a directory. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort: Windows cannot open a directory for fsync
  }
}

/** Removes temporary files a crashed purge of `path` left behind; they may hold expired entries. */
async function removeTempFiles(path: string): Promise<number> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    try {
      await unlink(join(dirname(path), name));
      removed++;
    } catch {
      // another cleanup got there first, or it cannot be removed; the next purge tries again
    }
  }
  return removed;
}

function ioError(action: string, path: string, error: unknown, outcome: string): RetentionLogError {
  const cause = sanitizeCause(error);
  const code = cause.code ?? cause.name;
  return new RetentionLogError(
    `${NAME}: could not ${action} "${path}" (${code}); ${outcome}. Check that the folder exists and is writable by this process.`,
    { cause, details: { path, operation: action, systemCode: code } },
  );
}
