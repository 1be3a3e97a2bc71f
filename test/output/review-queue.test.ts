import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecureClaudeError } from 'secure-claude';
import {
  MAX_REVIEW_OUTPUT_CHARACTERS,
  createMemoryReviewQueue,
  createSqliteReviewQueue,
  type ReviewItemInput,
  type ReviewQueue,
} from '../../src/output';
import { loadBetterSqlite3 } from '../../src/output/sqlite-review-queue';

const ITEM: ReviewItemInput = {
  callId: 'call-1',
  integration: 'invoice-extractor',
  source: 'schema-guard',
  reasons: [{ code: 'schema-mismatch', issues: [{ path: 'total', code: 'invalid_type' }], issueCount: 1 }],
  output: '{"total":"[REDACTED:US_SSN]"}',
  dataClass: 'restricted',
};

const directories: string[] = [];
function tempDatabase(): string {
  const directory = mkdtempSync(join(tmpdir(), 'scc-review-'));
  directories.push(directory);
  return join(directory, 'review.db');
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<SecureClaudeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(SecureClaudeError.isInstance(error)).toBe(true);
  expect((error as SecureClaudeError).code).toBe(code);
  return error as SecureClaudeError;
}

describe.each([
  ['memory', async () => createMemoryReviewQueue()],
  ['sqlite', async () => createSqliteReviewQueue({ path: tempDatabase() })],
] as const)('%s review queue', (_name, open: () => Promise<ReviewQueue>) => {
  it('enqueues, lists, decides once and lets the result be picked up', async () => {
    const queue = await open();
    const item = await queue.enqueue(ITEM);
    expect(item).toMatchObject({
      status: 'pending',
      callId: 'call-1',
      truncated: false,
      outputLength: ITEM.output.length,
    });
    expect(await queue.list({ status: 'pending' })).toHaveLength(1);
    expect(await queue.list({ callId: 'call-1' })).toHaveLength(1);
    const decided = await queue.decide(item.id, { decision: 'approved', reviewer: 'rev-42', note: 'checked by hand' });
    expect(decided).toMatchObject({ status: 'approved', reviewer: 'rev-42' });
    expect((await queue.get(item.id))?.status).toBe('approved');
    expect(await queue.list({ status: 'pending' })).toHaveLength(0);
    await expectCode(queue.decide(item.id, { decision: 'rejected', reviewer: 'rev-43' }), 'SCC_REVIEW_INPUT_INVALID');
    expect((await queue.get(item.id))?.status).toBe('approved');
    await queue.close();
    await expectCode(queue.list(), 'SCC_REVIEW_UNAVAILABLE');
  });

  it('refuses bad input with typed errors and loses nothing', async () => {
    const queue = await open();
    const kept = await queue.enqueue(ITEM);
    await expectCode(queue.get('../../etc/passwd'), 'SCC_REVIEW_INPUT_INVALID');
    await expectCode(queue.get(42 as never), 'SCC_REVIEW_INPUT_INVALID');
    await expectCode(queue.decide("x' OR 1=1 --", { decision: 'approved', reviewer: 'r' }), 'SCC_REVIEW_INPUT_INVALID');
    await expectCode(
      queue.decide('00000000-0000-4000-8000-000000000000', { decision: 'approved', reviewer: 'r' }),
      'SCC_REVIEW_INPUT_INVALID',
    );
    await expectCode(queue.decide(kept.id, { decision: 'maybe' as never, reviewer: 'r' }), 'SCC_REVIEW_INPUT_INVALID');
    const huge = await expectCode(
      queue.enqueue({ ...ITEM, output: 'x'.repeat(MAX_REVIEW_OUTPUT_CHARACTERS + 1) }),
      'SCC_REVIEW_INPUT_INVALID',
    );
    expect(huge.message).not.toContain('xxxxxxxx');
    await expectCode(queue.enqueue({ ...ITEM, output: 'x'.repeat(50 * 1024 * 1024) }), 'SCC_REVIEW_INPUT_INVALID');
    await expectCode(queue.enqueue({ ...ITEM, reasons: [] }), 'SCC_REVIEW_INPUT_INVALID');
    await expectCode(queue.enqueue({ ...ITEM, callId: 'a"b' }), 'SCC_REVIEW_INPUT_INVALID');
    await expectCode(queue.enqueue({ ...ITEM, id: kept.id }), 'SCC_REVIEW_INPUT_INVALID');
    await expectCode(queue.list({ limit: 1_000_000 }), 'SCC_REVIEW_INPUT_INVALID');
    const all = await queue.list();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: kept.id, status: 'pending', output: ITEM.output });
    await queue.close();
  });
});

describe('SQLite review queue durability', () => {
  it('survives a process restart: write, close, reopen the file', async () => {
    const path = tempDatabase();
    const first = await createSqliteReviewQueue({ path });
    const a = await first.enqueue(ITEM);
    const b = await first.enqueue({ ...ITEM, callId: 'call-2' });
    await first.decide(a.id, { decision: 'rejected', reviewer: 'rev-1' });
    await first.close();
    expect(statSync(path).mode & 0o077).toBe(0);

    const second = await createSqliteReviewQueue({ path });
    expect(await second.get(a.id)).toMatchObject({
      status: 'rejected',
      reviewer: 'rev-1',
      reasons: ITEM.reasons,
      output: ITEM.output,
    });
    expect((await second.list({ status: 'pending' })).map((item) => item.id)).toEqual([b.id]);
    await second.decide(b.id, { decision: 'approved', reviewer: 'rev-2' });
    await second.close();

    const third = await createSqliteReviewQueue({ path });
    expect((await third.list()).map((item) => item.status)).toEqual(['rejected', 'approved']);
    await third.close();
  });

  it('names the package in a typed error when better-sqlite3 is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package 'better-sqlite3'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await expectCode(
      loadBetterSqlite3(() => Promise.reject(missing)),
      'SCC_CONFIG_INVALID',
    );
    expect(error.message).toContain('better-sqlite3');
    expect(error.message).toContain('npm install better-sqlite3@^12');
    expect(error.cause).toEqual({ name: 'Error', code: 'ERR_MODULE_NOT_FOUND' });
  });

  it('reports an unusable path as SCC_REVIEW_UNAVAILABLE', async () => {
    await expectCode(
      createSqliteReviewQueue({ path: join(tempDatabase(), 'no', 'such', 'dir.db') }),
      'SCC_REVIEW_UNAVAILABLE',
    );
  });
});
