import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { OutputLog, OutputLogEntry } from './types';

/** Bytes a JSON-lines log may have buffered before it drops entries (RELIABILITY.md: log queue 8 MiB). */
export const OUTPUT_LOG_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** A JSON-lines output log: the sink plus a count of entries dropped under back-pressure. */
export interface JsonLinesOutputLog extends OutputLog {
  /** Entries not written because the stream had more than 8 MiB buffered. */
  readonly dropped: number;
  /** Ends the underlying stream (only when this log opened it from a path). */
  close(): Promise<void>;
}

/**
 * Serializes one entry as exactly one line: `JSON.stringify` escapes `\n`, `\r`, ANSI escapes and
 * quotes, and U+2028/U+2029 are escaped too, since some line readers split on them.
 */
export function toJsonLine(entry: OutputLogEntry): string {
  return `${JSON.stringify(entry)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

/**
 * The simple output log: one JSON object per line, written to a stream (`process.stdout`, a
 * socket) or appended to a file created with mode 0600. Entries arrive already redacted; this
 * sink adds nothing and drops (and counts) entries while more than 8 MiB are buffered, so a
 * stalled consumer cannot grow memory without bound.
 *
 * @example jsonLinesOutputLog(process.stdout)
 * @example jsonLinesOutputLog({ path: '/var/log/claude/outputs.jsonl' })
 */
export function jsonLinesOutputLog(target: Writable | { path: string }): JsonLinesOutputLog {
  const owned = !isWritable(target);
  const stream: Writable = owned
    ? createWriteStream((target as { path: string }).path, { flags: 'a', mode: 0o600 })
    : (target as Writable);
  // A file or socket error must not crash the process; entries are then dropped and counted.
  if (owned) stream.on('error', () => undefined);
  let dropped = 0;
  return {
    get dropped() {
      return dropped;
    },
    write(entry) {
      if (stream.destroyed || stream.writableEnded || stream.writableLength > OUTPUT_LOG_MAX_BUFFERED_BYTES) {
        dropped++;
        return;
      }
      stream.write(toJsonLine(entry));
    },
    close() {
      if (!owned) return Promise.resolve();
      return new Promise((resolve) => stream.end(() => resolve()));
    },
  };
}

/** An in-memory output log for tests: keeps the last `limit` entries (default 10,000). */
export function createMemoryOutputLog(
  limit = 10_000,
): OutputLog & { readonly entries: readonly OutputLogEntry[]; clear(): void } {
  let entries: OutputLogEntry[] = [];
  return {
    get entries() {
      return entries.slice();
    },
    write(entry) {
      entries.push(Object.freeze({ ...entry }));
      if (entries.length > limit) entries.shift();
    },
    clear() {
      entries = [];
    },
  };
}

function isWritable(value: unknown): value is Writable {
  return typeof value === 'object' && value !== null && typeof (value as Writable).write === 'function';
}
