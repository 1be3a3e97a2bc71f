import type { DataClass } from '../data/classes';

/** A data class, least to most sensitive: `public`, `internal`, `confidential`, `restricted`. */
export type { DataClass };

/**
 * Why an output failed a guard. Content-free by construction: a stable kebab-case code, and for
 * schema failures the issue paths and zod issue codes (never the values).
 */
export interface GuardReason {
  /**
   * `invalid-json`, `schema-mismatch`, `refusal`, `truncated`, `unexpected-stop-reason`,
   * `too-large`, `too-deep`, `forbidden-key`, `no-text`, `too-short`, `too-long`,
   * `pattern-mismatch`, `label-mismatch`, `language-mismatch`, `tool-not-allowed`.
   */
  readonly code: string;
  /** For `invalid-json`: `code-fence`, `surrounding-text`, `truncated` or `syntax`. */
  readonly hint?: string;
  /** For `schema-mismatch`: at most five issues, each a dotted path and a zod issue code. */
  readonly issues?: readonly SchemaIssue[];
  /** For `schema-mismatch`: how many issues there were in all. */
  readonly issueCount?: number;
}

/** One schema issue: where and what kind, never the value. */
export interface SchemaIssue {
  /** Dotted path into the output, `(root)` for the whole value. */
  readonly path: string;
  /** The zod issue code, for example `invalid_type`. */
  readonly code: string;
}

/** One guard that ran on an output and whether it passed. */
export interface GuardCheck {
  readonly guard: 'stop-reason' | 'json' | 'schema' | 'expected-format' | 'tool-input' | 'tool-allowlist';
  readonly passed: boolean;
}

/** What a review item carries: the redacted output, why it is there, and where it came from. */
export interface ReviewItemInput {
  /** Optional caller-chosen id (a UUID); one is generated when absent. */
  readonly id?: string;
  /** The call's correlation id (`ctx.callId`). */
  readonly callId: string;
  readonly integration?: string | undefined;
  readonly destination?: string | undefined;
  /** Which guard sent it: `schema-guard`, `expected-format`, `stream-guard`, `tool-input`. */
  readonly source: string;
  readonly reasons: readonly GuardReason[];
  /** The output, already redacted to the review clearance. Never raw model text. */
  readonly output: string;
  /** True when `output` is a prefix of a longer (or aborted) output. */
  readonly truncated?: boolean;
  /** Length in UTF-16 units of the whole output before truncation. */
  readonly outputLength?: number;
  /** The highest data class detected in the output (before redaction). */
  readonly dataClass?: DataClass | undefined;
  /** Rule ids of injection findings on the call's inputs, when any. */
  readonly injectionRules?: readonly string[];
}

/** A stored review item. */
export interface ReviewItem extends Required<Pick<ReviewItemInput, 'callId' | 'source' | 'reasons' | 'output'>> {
  readonly id: string;
  readonly integration: string | undefined;
  readonly destination: string | undefined;
  readonly truncated: boolean;
  readonly outputLength: number;
  readonly dataClass: DataClass | undefined;
  readonly injectionRules: readonly string[];
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly status: ReviewStatus;
  readonly reviewer: string | undefined;
  readonly note: string | undefined;
  /** ISO 8601 UTC, once decided. */
  readonly decidedAt: string | undefined;
}

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

/** A reviewer's verdict. */
export interface ReviewDecision {
  readonly decision: 'approved' | 'rejected';
  /** Who decided (an id, not a name if you can help it). */
  readonly reviewer: string;
  /** A short note, at most 2,000 characters. */
  readonly note?: string;
}

/**
 * Where outputs that failed a guard wait for a person. Every method is async so durable and
 * in-memory queues share one shape; every method validates its input and throws
 * `ReviewQueueError` (`SCC_REVIEW_INPUT_INVALID`) on bad input without changing stored items.
 */
export interface ReviewQueue {
  /** Stores an item; resolves to it with its id. */
  enqueue(item: ReviewItemInput): Promise<ReviewItem>;
  /** The item, or undefined when no item has that id. */
  get(id: string): Promise<ReviewItem | undefined>;
  /** Items, oldest first, optionally only those with `status`; at most `limit` (default 100, max 1,000). */
  list(filter?: { status?: ReviewStatus; callId?: string; limit?: number }): Promise<ReviewItem[]>;
  /** Records a verdict once; a second verdict on the same item is refused. */
  decide(id: string, decision: ReviewDecision): Promise<ReviewItem>;
  /** Releases resources (the database handle). Further calls fail with `SCC_REVIEW_UNAVAILABLE`. */
  close(): Promise<void>;
}

/** One output as logged: after redaction, with the call's decisions, data class and retention class. */
export interface OutputLogEntry {
  readonly type: 'output';
  /** ISO 8601 UTC. */
  readonly time: string;
  readonly callId: string;
  readonly operation: string;
  readonly environment: string;
  readonly integration: string | undefined;
  readonly destination: string | undefined;
  /** `delivered`, `escalated` (sent to review), `rejected` (failed, no review), `aborted` (stream cut). */
  readonly status: 'delivered' | 'escalated' | 'rejected' | 'aborted';
  /** The highest data class of the call (inputs and output). */
  readonly dataClass: DataClass | undefined;
  /** The retention class that follows from `dataClass`. */
  readonly retention: string;
  readonly stopReason: string | null | undefined;
  /** The output text, redacted to the log's clearance. */
  readonly output: string;
  readonly truncated: boolean;
  readonly reviewId?: string | undefined;
  readonly reasons?: readonly GuardReason[] | undefined;
  /** The call's decisions so far: middleware, action, reason, counts, rules, data class. */
  readonly decisions: ReadonlyArray<{
    readonly middleware: string;
    readonly phase: string;
    readonly action: string;
    readonly reason: string;
    readonly count?: number;
    readonly rules?: readonly string[];
    readonly dataClass?: string;
  }>;
}

/** Where output log entries go. `write` may be sync or async; failures never fail a call. */
export interface OutputLog {
  write(entry: OutputLogEntry): void | Promise<void>;
}

/** A security event raised by the output guard. Content-free. */
export interface OutputSecurityEvent {
  readonly type: 'output_format_deviation' | 'output_schema_failure' | 'output_tool_not_allowed';
  readonly callId: string;
  readonly integration: string | undefined;
  readonly destination: string | undefined;
  readonly reasons: readonly GuardReason[];
  readonly reviewId: string | undefined;
  /** Injection findings recorded on the same call's inputs (`injection-screen` decisions). */
  readonly injection: {
    readonly linked: boolean;
    readonly rules: readonly string[];
    readonly score?: number;
    readonly paths: readonly string[];
  };
}
