import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecureClaudeError } from 'secure-claude';
import {
  DEFAULT_RETENTION_SECONDS,
  RETENTION_LOG_UNAVAILABLE,
  outputGuardMiddleware,
  retentionOutputLog,
  type OutputLogEntry,
  type RetainedOutputLogEntry,
} from 'secure-claude/output';
import { ask, makeClient, to, useFake } from './support';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;
const MARKER = 'CANARY-7f3a9c-SECRET-OUTPUT-TEXT';

const fake = useFake();
let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'scc-retention-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(directory, { recursive: true, force: true });
});

function entry(retention: string, overrides: Partial<OutputLogEntry> = {}): OutputLogEntry {
  return {
    type: 'output',
    time: new Date(T0).toISOString(),
    callId: `call-${retention}-${Math.random().toString(36).slice(2, 8)}`,
    operation: 'messages.create',
    environment: 'test',
    integration: undefined,
    destination: undefined,
    status: 'delivered',
    dataClass: retention === 'restricted' ? 'restricted' : retention === 'sensitive' ? 'confidential' : 'internal',
    retention,
    stopReason: 'end_turn',
    output: `reply for ${retention}`,
    truncated: false,
    decisions: [],
    ...overrides,
  };
}

const readLines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
const readEntries = async (path: string) =>
  (await readLines(path)).map((line) => JSON.parse(line) as RetainedOutputLogEntry);

describe('L4: retention_class and expires_at on every entry', () => {
  it('stamps each entry with its class and the entry time plus the class period', async () => {
    const path = join(directory, 'outputs.jsonl');
    const log = retentionOutputLog({ path });
    await log.write(entry('restricted'));
    await log.write(entry('sensitive'));
    await log.write(entry('standard'));
    await log.write(entry('legal-review'));
    const entries = await readEntries(path);
    expect(entries.map((written) => [written.retention_class, written.expires_at])).toEqual([
      ['restricted', new Date(T0 + 7 * DAY_MS).toISOString()],
      ['sensitive', new Date(T0 + 30 * DAY_MS).toISOString()],
      ['standard', new Date(T0 + 90 * DAY_MS).toISOString()],
      // a class with no period gets the shortest one
      ['legal-review', new Date(T0 + 7 * DAY_MS).toISOString()],
    ]);
    expect(entries[0]!.output).toBe('reply for restricted');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await log.close();
  });

  it('uses retentionSeconds over the defaults, and the clock when the entry time is unreadable', async () => {
    const path = join(directory, 'outputs.jsonl');
    const log = retentionOutputLog({ path, retentionSeconds: { sensitive: 60 }, now: () => T0 + 5_000 });
    await log.write(entry('sensitive'));
    await log.write(entry('standard', { time: 'not a time' }));
    const entries = await readEntries(path);
    expect(entries[0]!.expires_at).toBe(new Date(T0 + 60_000).toISOString());
    expect(entries[1]!.expires_at).toBe(
      new Date(T0 + 5_000 + DEFAULT_RETENTION_SECONDS['standard']! * 1000).toISOString(),
    );
  });

  it('the output guard writes entries whose class follows the reply data class', async () => {
    const path = join(directory, 'guard.jsonl');
    const outputLog = retentionOutputLog({ path });
    const guard = outputGuardMiddleware({ outputLog, destinations: { console: 'restricted' } });
    const client = makeClient(fake.fake, [guard], { bare: true });
    fake.fake.reply({ text: 'The SSN on file is 123-45-6789.' });
    await client.messages.create(ask(), to('console'));
    fake.fake.reply({ text: 'Nothing sensitive here.' });
    await client.messages.create(ask(), to('console'));
    await guard.settled();
    await outputLog.flush();
    const entries = await readEntries(path);
    expect(entries.map((written) => [written.dataClass, written.retention_class])).toEqual([
      ['restricted', 'restricted'],
      ['public', 'standard'],
    ]);
    for (const written of entries) {
      expect(Date.parse(written.expires_at) - Date.parse(written.time)).toBe(
        DEFAULT_RETENTION_SECONDS[written.retention_class]! * 1000,
      );
    }
  });
});

describe('L4: purgeExpired with virtual time', () => {
  async function seeded(now: () => number) {
    const path = join(directory, 'outputs.jsonl');
    const log = retentionOutputLog({ path, now });
    for (const retention of ['standard', 'restricted', 'sensitive', 'restricted', 'standard']) {
      await log.write(entry(retention));
    }
    return { path, log };
  }

  it('removes each class exactly when its period ends, using the injected clock', async () => {
    let now = T0;
    const { path, log } = await seeded(() => now);
    const classes = async () => (await readEntries(path)).map((written) => written.retention_class);

    now = T0 + 7 * DAY_MS - 1;
    expect(await log.purgeExpired()).toEqual({ kept: 5, purged: 0, corrupt: 0, removedTempFiles: 0 });
    now = T0 + 7 * DAY_MS;
    expect(await log.purgeExpired()).toMatchObject({ kept: 3, purged: 2 });
    expect(await classes()).toEqual(['standard', 'sensitive', 'standard']);
    now = T0 + 30 * DAY_MS;
    expect(await log.purgeExpired()).toMatchObject({ kept: 2, purged: 1 });
    expect(await classes()).toEqual(['standard', 'standard']);
    expect(await log.purgeExpired(new Date(T0 + 90 * DAY_MS - 1))).toMatchObject({ kept: 2, purged: 0 });
    expect(await log.purgeExpired(T0 + 90 * DAY_MS)).toMatchObject({ kept: 0, purged: 2 });
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('keeps the unexpired lines byte for byte, in order', async () => {
    const { path, log } = await seeded(() => T0);
    const before = await readLines(path);
    await log.purgeExpired(T0 + 7 * DAY_MS);
    const expected = before.filter((line) => !line.includes('"retention_class":"restricted"'));
    expect(expected).toHaveLength(3);
    expect(await readFile(path, 'utf8')).toBe(expected.map((line) => `${line}\n`).join(''));
  });

  it('runs on an unref()ed timer that close() stops (fake timers)', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['setInterval', 'clearInterval', 'Date'] });
    const path = join(directory, 'outputs.jsonl');
    const log = retentionOutputLog({ path, purgeIntervalSeconds: 3600 });
    await log.write(entry('restricted'));
    await log.write(entry('standard'));
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(7 * DAY_MS - 3600_000);
    await log.flush();
    expect((await readEntries(path)).map((written) => written.retention_class)).toEqual(['restricted', 'standard']);
    await vi.advanceTimersByTimeAsync(3600_000);
    await log.flush();
    expect((await readEntries(path)).map((written) => written.retention_class)).toEqual(['standard']);

    await log.close();
    expect(vi.getTimerCount()).toBe(0);
    await log.write(entry('standard'));
    expect(log.dropped).toBe(1);
    expect(await readLines(path)).toHaveLength(1);
  });

  it('does not keep the process alive', () => {
    const before = process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const log = retentionOutputLog({ path: join(directory, 'outputs.jsonl'), purgeIntervalSeconds: 60 });
    const after = process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    expect(after).toBe(before);
    return log.close();
  });

  it('loses no entry written while purges run', async () => {
    const path = join(directory, 'outputs.jsonl');
    const log = retentionOutputLog({ path, now: () => T0 + 8 * DAY_MS });
    const operations: Array<Promise<unknown>> = [];
    for (let index = 0; index < 200; index++) {
      operations.push(log.write(entry(index % 2 === 0 ? 'restricted' : 'standard', { callId: `call-${index}` })));
      if (index % 25 === 0) operations.push(log.purgeExpired());
      // let queued appends and purges run between writes
      if (index % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(operations);
    const written = (await readEntries(path)).map((retained) => retained.callId);
    const standard = Array.from({ length: 100 }, (_, index) => `call-${2 * index + 1}`);
    // Restricted entries written after the last purge remain; every standard entry remains, in order.
    expect(written.filter((callId) => Number(callId.slice(5)) % 2 === 1)).toEqual(standard);
    expect(
      written.filter((callId) => Number(callId.slice(5)) % 2 === 0).every((callId) => Number(callId.slice(5)) > 175),
    ).toBe(true);
    await log.purgeExpired();
    expect((await readEntries(path)).map((retained) => retained.callId)).toEqual(standard);
    expect(log.dropped).toBe(0);
  });
});

describe('L4: crash safety and damaged files', () => {
  it('purging a missing file does nothing and creates nothing', async () => {
    const path = join(directory, 'absent.jsonl');
    const log = retentionOutputLog({ path });
    expect(await log.purgeExpired(T0)).toEqual({ kept: 0, purged: 0, corrupt: 0, removedTempFiles: 0 });
    expect(await readdir(directory)).toEqual([]);
  });

  it('removes temporary files of an interrupted purge of this log, and leaves other files alone', async () => {
    const path = join(directory, 'outputs.jsonl');
    const log = retentionOutputLog({ path });
    await log.write(entry('standard'));
    const original = await readFile(path, 'utf8');
    const leftover = join(directory, '.outputs.jsonl.4242.a1b2c3d4e5f6.purge-tmp');
    await writeFile(leftover, JSON.stringify({ ...entry('restricted'), output: MARKER }) + '\n');
    const other = join(directory, '.other.jsonl.4242.a1b2c3d4e5f6.purge-tmp');
    await writeFile(other, 'not ours\n');

    expect(await log.purgeExpired(T0)).toEqual({ kept: 1, purged: 0, corrupt: 0, removedTempFiles: 1 });
    expect((await readdir(directory)).sort()).toEqual(['.other.jsonl.4242.a1b2c3d4e5f6.purge-tmp', 'outputs.jsonl']);
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('leaves no temporary file after a purge', async () => {
    const path = join(directory, 'outputs.jsonl');
    const log = retentionOutputLog({ path });
    await log.write(entry('restricted'));
    await log.write(entry('standard'));
    await log.purgeExpired(T0 + 8 * DAY_MS);
    expect(await readdir(directory)).toEqual(['outputs.jsonl']);
  });

  it('keeps corrupt lines by default and counts them; drops them with corruptLines: drop', async () => {
    const path = join(directory, 'outputs.jsonl');
    const writer = retentionOutputLog({ path });
    await writer.write(entry('restricted'));
    await appendFile(path, '{"torn": tr\n["an array"]\n{"expires_at":"never"}\n');
    await writer.write(entry('standard'));
    const lines = await readLines(path);

    const keeping = retentionOutputLog({ path });
    expect(await keeping.purgeExpired(T0 + 8 * DAY_MS)).toEqual({
      kept: 1,
      purged: 1,
      corrupt: 3,
      removedTempFiles: 0,
    });
    expect(await readLines(path)).toEqual(lines.slice(1));

    const dropping = retentionOutputLog({ path, corruptLines: 'drop' });
    expect(await dropping.purgeExpired(T0 + 8 * DAY_MS)).toEqual({
      kept: 1,
      purged: 0,
      corrupt: 3,
      removedTempFiles: 0,
    });
    expect(await readLines(path)).toEqual([lines[4]]);
  });

  it('a torn last line (crash mid-append) does not swallow the next entry', async () => {
    const path = join(directory, 'outputs.jsonl');
    await writeFile(path, '{"type":"output","time":"2025-03-0');
    const log = retentionOutputLog({ path });
    await log.write(entry('standard', { callId: 'after-crash' }));
    const lines = await readLines(path);
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[1]!) as RetainedOutputLogEntry).callId).toBe('after-crash');
    expect(await log.purgeExpired(T0)).toEqual({ kept: 1, purged: 0, corrupt: 1, removedTempFiles: 0 });
  });
});

describe('L4: errors', () => {
  const noContent = (value: unknown) => {
    for (const text of [(value as Error).message, String(value), JSON.stringify(value)]) {
      expect(text).not.toContain(MARKER);
    }
  };

  it('a failed append is dropped, counted and reported without content; write never rejects', async () => {
    const errors: unknown[] = [];
    const path = join(directory, 'missing-folder', 'outputs.jsonl');
    const log = retentionOutputLog({ path, onError: (error) => errors.push(error) });
    await expect(log.write(entry('restricted', { output: MARKER }))).resolves.toBeUndefined();
    expect(log.dropped).toBe(1);
    expect(errors).toHaveLength(1);
    const error = errors[0] as SecureClaudeError;
    expect(SecureClaudeError.isInstance(error)).toBe(true);
    expect(error.code).toBe(RETENTION_LOG_UNAVAILABLE);
    expect(error.message).toBe(
      `retention-log: could not append to "${path}" (ENOENT); entries were dropped. Check that the folder exists and is writable by this process.`,
    );
    noContent(error);
  });

  it('a purge that cannot read the log rejects with a typed error and changes nothing', async () => {
    const path = join(directory, 'outputs.jsonl');
    await mkdir(path);
    const log = retentionOutputLog({ path });
    const error = (await log.purgeExpired(T0).catch((caught: unknown) => caught)) as SecureClaudeError;
    expect(error.code).toBe('SCC_LOG_UNAVAILABLE');
    expect(error.source).toBe('retention-log');
    expect(error.details).toEqual({ path, operation: 'read', systemCode: 'EISDIR' });
    expect((await stat(path)).isDirectory()).toBe(true);
  });

  it('a timer purge failure goes to onError, not to an unhandled rejection', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['setInterval', 'clearInterval', 'Date'] });
    const path = join(directory, 'outputs.jsonl');
    await mkdir(path);
    const errors: unknown[] = [];
    const log = retentionOutputLog({ path, purgeIntervalSeconds: 60, onError: (error) => errors.push(error) });
    await vi.advanceTimersByTimeAsync(60_000);
    await log.flush();
    expect(errors.map((error) => (error as SecureClaudeError).code)).toEqual(['SCC_LOG_UNAVAILABLE']);
    await log.close();
  });

  it('rejects invalid options with SCC_CONFIG_INVALID naming the option', () => {
    expect(() => retentionOutputLog({ path: join(directory, 'x'), purgeIntervalSeconds: 0 })).toThrowError(
      expect.objectContaining({ code: 'SCC_CONFIG_INVALID', message: expect.stringContaining('purgeIntervalSeconds') }),
    );
    expect(() => retentionOutputLog({ path: join(directory, 'x'), retentionSeconds: { sensitive: -1 } })).toThrowError(
      expect.objectContaining({ code: 'SCC_CONFIG_INVALID' }),
    );
  });
});
