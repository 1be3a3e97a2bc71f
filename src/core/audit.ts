/**
 * One structured audit record. Content-free: ids, codes, counts, hashes, paths and versions,
 * never key material, tokens, prompt or reply text.
 */
export interface AuditEvent {
  /** Dotted event type, for example `secret.fetched`, `preset.override`, `call.blocked`. */
  readonly type: string;
  /** ISO 8601 UTC timestamp. */
  readonly time: string;
  readonly outcome: 'success' | 'failure' | 'denied' | 'info';
  /** Stable kebab-case reason code. */
  readonly reason: string;
  readonly correlationId?: string | undefined;
  readonly environment?: string | undefined;
  readonly integration?: string | undefined;
  /** The highest data class the event's call touched, so retention can follow the class. */
  readonly dataClass?: string | undefined;
  /** Further content-free facts. */
  readonly [key: string]: unknown;
}

/**
 * Where audit records go. `write` may be sync or async; the pipeline never lets a failing or slow
 * sink fail or slow a call, except where a control is audit-first (a newly fetched secret is not
 * used before its audit record is accepted).
 */
export interface AuditSink {
  write(event: AuditEvent): void | Promise<void>;
}

/**
 * A bounded in-memory sink (drop-oldest), the default when none is configured, and the one tests
 * read. `dropped` counts records pushed out by the bound.
 */
export class MemoryAuditSink implements AuditSink {
  readonly #limit: number;
  // A ring: writes stay O(1) however long the process runs.
  readonly #ring: AuditEvent[] = [];
  #next = 0;
  dropped = 0;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  write(event: AuditEvent): void {
    const record: AuditEvent = Object.freeze(copyFields({} as AuditEvent, event));
    if (this.#ring.length < this.#limit) {
      this.#ring.push(record);
      return;
    }
    this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.#limit;
    this.dropped++;
  }

  /** A snapshot of the records, oldest first. */
  get events(): readonly AuditEvent[] {
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }

  clear(): void {
    this.#ring.length = 0;
    this.#next = 0;
  }
}

/** Builds an event with `time` filled in. */
export function auditEvent(fields: Omit<AuditEvent, 'time'>): AuditEvent {
  return copyFields({ time: new Date().toISOString() }, fields) as AuditEvent;
}

/**
 * `{ ...target, ...source }` for plain records: V8 11 spreads objects of varying shapes ~20x
 * slower than `Object.assign`. An own `__proto__` key (JSON-parsed input) takes the spread, where
 * it stays a key instead of setting the prototype.
 */
function copyFields<T extends object>(target: T, source: object): T {
  if (Object.hasOwn(source, '__proto__')) return { ...target, ...source };
  return Object.assign(target, source);
}

/**
 * Writes to a sink without letting it fail or block the caller: sync throws and async
 * rejections are swallowed and counted in `onError`.
 */
export function writeAuditSafely(sink: AuditSink, event: AuditEvent, onError?: (error: unknown) => void): void {
  try {
    const pending = sink.write(event);
    if (pending && typeof (pending as Promise<void>).then === 'function') {
      (pending as Promise<void>).then(undefined, (error: unknown) => onError?.(error));
    }
  } catch (error) {
    onError?.(error);
  }
}
