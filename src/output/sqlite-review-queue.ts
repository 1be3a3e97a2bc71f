import { closeSync, openSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { ConfigError, SecureClaudeError, sanitizeCause } from '../core/errors';
import { OutputErrorCode, ReviewQueueError } from './errors';
import {
  alreadyDecided,
  assertReviewId,
  buildReviewItem,
  checkDecision,
  checkFilter,
  closedQueue,
  notFound,
} from './review-queue';
import type { ReviewItem, ReviewQueue } from './types';

/** Options of {@link createSqliteReviewQueue}. */
export interface SqliteReviewQueueOptions {
  /** The database file; created (mode 0600) when missing. `:memory:` for a throwaway queue. */
  readonly path: string;
  /** How long a write waits for another process's lock, in milliseconds. @default 5000 */
  readonly busyTimeoutMilliseconds?: number;
}

type DatabaseConstructor = typeof BetterSqlite3;

const PACKAGE = 'better-sqlite3';

/**
 * Loads `better-sqlite3` on first use, so the package stays an optional peer.
 * @internal `importModule` is replaceable for tests.
 */
export async function loadBetterSqlite3(
  importModule: (name: string) => Promise<unknown> = (name) => import(name),
): Promise<DatabaseConstructor> {
  let loaded: unknown;
  try {
    loaded = await importModule(PACKAGE);
  } catch (error) {
    throw new ConfigError(
      `createSqliteReviewQueue needs the optional peer dependency "${PACKAGE}" (major 12), which could not be loaded. ` +
        `Install it with \`npm install ${PACKAGE}@^12\`, or use createMemoryReviewQueue() or your own ReviewQueue.`,
      { source: 'review-queue', cause: sanitizeCause(error), details: { package: PACKAGE } },
    );
  }
  const candidate = (loaded as { default?: unknown }).default ?? loaded;
  if (typeof candidate !== 'function') {
    throw new ConfigError(`The module "${PACKAGE}" did not export a Database constructor; install ${PACKAGE}@^12.`, {
      source: 'review-queue',
      details: { package: PACKAGE },
    });
  }
  return candidate as DatabaseConstructor;
}

/**
 * The queue's database and statements, reachable for the life of the process. better-sqlite3 12
 * wraps them in `node::ObjectWrap`, whose destructor on Node 24 aborts the process (`Assertion
 * failed: (env) != nullptr`) when V8 collects one while no Node environment is current, as in a
 * garbage collection at a microtask checkpoint (WiseLibs/better-sqlite3#1515; fixed in
 * better-sqlite3 13, which needs Node 22 or later). Objects that stay reachable are released by
 * Node's own environment clean-up at exit instead. The cost is a few small objects per queue
 * created; a closed queue's statements hold no SQLite resources.
 */
const KEPT_ALIVE: unknown[] = [];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS scc_review_items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  call_id TEXT NOT NULL,
  status TEXT NOT NULL,
  item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scc_review_items_status ON scc_review_items (status, seq);
CREATE INDEX IF NOT EXISTS scc_review_items_call ON scc_review_items (call_id, seq);
`;

/**
 * A durable review queue in an embedded SQLite file (`better-sqlite3`, loaded lazily). Items
 * survive process restarts; verdicts are written in a transaction and are final. The file is
 * created with mode 0600, in WAL mode with full fsync.
 *
 * Items hold the output as the guard stored it: redacted to the review clearance, never raw.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming `better-sqlite3` when the package is not installed.
 * @throws ReviewQueueError (`SCC_REVIEW_UNAVAILABLE`) when the file cannot be opened.
 * @example const reviewQueue = await createSqliteReviewQueue({ path: './review.db' });
 */
export async function createSqliteReviewQueue(options: SqliteReviewQueueOptions): Promise<ReviewQueue> {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new ConfigError('createSqliteReviewQueue: path must be a file path (or ":memory:").', {
      source: 'review-queue',
    });
  }
  const Database = await loadBetterSqlite3();
  let db: BetterSqlite3.Database;
  try {
    if (options.path !== ':memory:') closeSync(openSync(options.path, 'a', 0o600));
    db = new Database(options.path, { timeout: options.busyTimeoutMilliseconds ?? 5000 });
    // `exec`, not `pragma()`: `pragma()` prepares a statement that is dropped at once (see KEPT_ALIVE).
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    db.exec(SCHEMA);
  } catch (error) {
    throw unavailable(error, 'open');
  }
  const insert = db.prepare('INSERT INTO scc_review_items (id, call_id, status, item) VALUES (?, ?, ?, ?)');
  const selectOne = db.prepare('SELECT item FROM scc_review_items WHERE id = ?');
  const update = db.prepare("UPDATE scc_review_items SET status = ?, item = ? WHERE id = ? AND status = 'pending'");
  const listAll = db.prepare('SELECT item FROM scc_review_items ORDER BY seq LIMIT ?');
  const listByStatus = db.prepare('SELECT item FROM scc_review_items WHERE status = ? ORDER BY seq LIMIT ?');
  const listByCall = db.prepare('SELECT item FROM scc_review_items WHERE call_id = ? ORDER BY seq LIMIT ?');
  const listByBoth = db.prepare(
    'SELECT item FROM scc_review_items WHERE status = ? AND call_id = ? ORDER BY seq LIMIT ?',
  );
  KEPT_ALIVE.push(db, insert, selectOne, update, listAll, listByStatus, listByCall, listByBoth);
  let closed = false;

  const run = <T>(operation: string, fn: () => T): T => {
    if (closed) throw closedQueue();
    try {
      return fn();
    } catch (error) {
      if (SecureClaudeError.isInstance(error)) throw error;
      throw unavailable(error, operation);
    }
  };
  const decode = (row: unknown): ReviewItem => {
    const text = (row as { item?: unknown } | undefined)?.item;
    const item = typeof text === 'string' ? (JSON.parse(text) as ReviewItem) : undefined;
    if (!item || typeof item.id !== 'string') throw new Error('corrupt row');
    return Object.freeze(item);
  };

  return {
    async enqueue(input) {
      const item = buildReviewItem(input);
      return run('enqueue', () => {
        try {
          insert.run(item.id, item.callId, item.status, JSON.stringify(item));
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
            throw new ReviewQueueError(
              OutputErrorCode.REVIEW_INPUT_INVALID,
              `Review queue: an item ${item.id} already exists.`,
              { details: { field: 'id' } },
            );
          }
          throw error;
        }
        return item;
      });
    },
    async get(id) {
      assertReviewId(id);
      return run('get', () => {
        const row = selectOne.get(id);
        return row === undefined ? undefined : decode(row);
      });
    },
    async list(filter) {
      const { status, callId, limit } = checkFilter(filter);
      return run('list', () => {
        const rows =
          status !== undefined && callId !== undefined
            ? listByBoth.all(status, callId, limit)
            : status !== undefined
              ? listByStatus.all(status, limit)
              : callId !== undefined
                ? listByCall.all(callId, limit)
                : listAll.all(limit);
        return rows.map(decode);
      });
    },
    async decide(id, decision) {
      assertReviewId(id);
      const verdict = checkDecision(decision);
      return run('decide', () =>
        db.transaction(() => {
          const row = selectOne.get(id);
          if (row === undefined) throw notFound(id);
          const item = decode(row);
          if (item.status !== 'pending') throw alreadyDecided(id);
          const decided: ReviewItem = {
            ...item,
            status: verdict.decision,
            reviewer: verdict.reviewer,
            note: verdict.note,
            decidedAt: new Date().toISOString(),
          };
          if (update.run(decided.status, JSON.stringify(decided), id).changes !== 1) throw alreadyDecided(id);
          return Object.freeze(decided);
        })(),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

function unavailable(error: unknown, operation: string): ReviewQueueError {
  return new ReviewQueueError(
    OutputErrorCode.REVIEW_UNAVAILABLE,
    `Review queue: the SQLite ${operation} failed; check the file's path, permissions and free space. The cause holds the error's class and code.`,
    { cause: sanitizeCause(error), details: { operation } },
  );
}
