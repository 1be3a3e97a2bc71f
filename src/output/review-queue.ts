import { randomUUID } from 'node:crypto';
import { DATA_CLASSES } from '../core/pipeline';
import { OutputErrorCode, ReviewQueueError } from './errors';
import type { GuardReason, ReviewDecision, ReviewItem, ReviewItemInput, ReviewQueue, ReviewStatus } from './types';

/**
 * Largest `output` a review item may carry: 256 Ki UTF-16 units. The guards truncate longer
 * outputs to this (and mark the item `truncated`); a direct `enqueue` over it is refused.
 */
export const MAX_REVIEW_OUTPUT_CHARACTERS = 256 * 1024;
/** Most reasons per item; a guard reports a handful. */
const MAX_REASONS = 32;
/** Longest id-like field (call id, integration, destination, source, reviewer). */
const MAX_FIELD_CHARACTERS = 256;
const MAX_NOTE_CHARACTERS = 2000;
const MAX_LIST_LIMIT = 1000;
const DEFAULT_LIST_LIMIT = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Printable ASCII without quotes or backslashes: ids must be safe to print and to index. */
const ID_FIELD = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function invalid(message: string, field: string): ReviewQueueError {
  return new ReviewQueueError(OutputErrorCode.REVIEW_INPUT_INVALID, `Review queue: ${message}`, { details: { field } });
}

/** Checks an id; throws `SCC_REVIEW_INPUT_INVALID` for anything that is not a lowercase UUID. */
export function assertReviewId(id: unknown, field = 'id'): asserts id is string {
  if (typeof id !== 'string' || !UUID.test(id)) throw invalid(`${field} must be a lowercase UUID.`, field);
}

function optionalField(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_FIELD_CHARACTERS || !ID_FIELD.test(value)) {
    throw invalid(`${field} must be 1 to ${MAX_FIELD_CHARACTERS} printable ASCII characters without quotes.`, field);
  }
  return value;
}

function requiredField(value: unknown, field: string): string {
  const result = optionalField(value, field);
  if (result === undefined) throw invalid(`${field} is required.`, field);
  return result;
}

function cleanReasons(value: unknown): GuardReason[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_REASONS) {
    throw invalid(`reasons must be an array of 1 to ${MAX_REASONS} reasons.`, 'reasons');
  }
  return value.map((reason, index) => {
    if (typeof reason !== 'object' || reason === null)
      throw invalid(`reasons.${index} must be an object.`, `reasons.${index}`);
    const { code, hint, issues, issueCount } = reason as GuardReason;
    const clean: { -readonly [K in keyof GuardReason]: GuardReason[K] } = {
      code: requiredField(code, `reasons.${index}.code`),
    };
    if (hint !== undefined) clean.hint = requiredField(hint, `reasons.${index}.hint`);
    if (issues !== undefined) {
      if (!Array.isArray(issues) || issues.length > MAX_REASONS)
        throw invalid(`reasons.${index}.issues must be a short array.`, `reasons.${index}.issues`);
      clean.issues = issues.map((issue, at) => ({
        path: requiredField(issue?.path, `reasons.${index}.issues.${at}.path`),
        code: requiredField(issue?.code, `reasons.${index}.issues.${at}.code`),
      }));
    }
    if (issueCount !== undefined) {
      if (!Number.isSafeInteger(issueCount) || issueCount < 0)
        throw invalid(`reasons.${index}.issueCount must be a count.`, `reasons.${index}.issueCount`);
      clean.issueCount = issueCount;
    }
    return clean;
  });
}

/** Validates and normalizes an enqueue request into a new pending item. Never mutates its input. */
export function buildReviewItem(input: ReviewItemInput): ReviewItem {
  if (typeof input !== 'object' || input === null) throw invalid('the item must be an object.', '(root)');
  const id = input.id === undefined ? randomUUID() : (assertReviewId(input.id), input.id);
  if (typeof input.output !== 'string') throw invalid('output must be a string (the redacted output).', 'output');
  if (input.output.length > MAX_REVIEW_OUTPUT_CHARACTERS) {
    throw invalid(
      `output has ${input.output.length} characters, more than the ${MAX_REVIEW_OUTPUT_CHARACTERS} allowed; truncate it and set truncated: true.`,
      'output',
    );
  }
  if (input.dataClass !== undefined && !DATA_CLASSES.includes(input.dataClass))
    throw invalid('dataClass must be a data class.', 'dataClass');
  if (input.truncated !== undefined && typeof input.truncated !== 'boolean')
    throw invalid('truncated must be a boolean.', 'truncated');
  const outputLength = input.outputLength ?? input.output.length;
  if (!Number.isSafeInteger(outputLength) || outputLength < 0)
    throw invalid('outputLength must be a count.', 'outputLength');
  const injectionRules = input.injectionRules ?? [];
  if (!Array.isArray(injectionRules) || injectionRules.length > MAX_REASONS)
    throw invalid('injectionRules must be a short array.', 'injectionRules');
  return Object.freeze({
    id,
    callId: requiredField(input.callId, 'callId'),
    integration: optionalField(input.integration, 'integration'),
    destination: optionalField(input.destination, 'destination'),
    source: requiredField(input.source, 'source'),
    reasons: Object.freeze(cleanReasons(input.reasons)),
    output: input.output,
    truncated: input.truncated ?? false,
    outputLength,
    dataClass: input.dataClass,
    injectionRules: Object.freeze(injectionRules.map((rule, index) => requiredField(rule, `injectionRules.${index}`))),
    createdAt: new Date().toISOString(),
    status: 'pending' as ReviewStatus,
    reviewer: undefined,
    note: undefined,
    decidedAt: undefined,
  });
}

/** Validates a verdict. */
export function checkDecision(decision: ReviewDecision): {
  decision: 'approved' | 'rejected';
  reviewer: string;
  note: string | undefined;
} {
  if (typeof decision !== 'object' || decision === null) throw invalid('the decision must be an object.', '(root)');
  if (decision.decision !== 'approved' && decision.decision !== 'rejected')
    throw invalid('decision must be "approved" or "rejected".', 'decision');
  const reviewer = requiredField(decision.reviewer, 'reviewer');
  if (
    decision.note !== undefined &&
    (typeof decision.note !== 'string' || decision.note.length > MAX_NOTE_CHARACTERS)
  ) {
    throw invalid(`note must be a string of at most ${MAX_NOTE_CHARACTERS} characters.`, 'note');
  }
  return { decision: decision.decision, reviewer, note: decision.note };
}

/** Validates a list filter; returns the effective limit. */
export function checkFilter(filter: { status?: ReviewStatus; callId?: string; limit?: number } = {}): {
  status: ReviewStatus | undefined;
  callId: string | undefined;
  limit: number;
} {
  if (typeof filter !== 'object' || filter === null) throw invalid('the filter must be an object.', '(root)');
  const { status, limit = DEFAULT_LIST_LIMIT } = filter;
  if (status !== undefined && status !== 'pending' && status !== 'approved' && status !== 'rejected')
    throw invalid('status must be pending, approved or rejected.', 'status');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
    throw invalid(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}.`, 'limit');
  return { status, callId: optionalField(filter.callId, 'callId'), limit };
}

export function alreadyDecided(id: string): ReviewQueueError {
  return invalid(`item ${id} already has a verdict; verdicts are final.`, 'id');
}

export function notFound(id: string): ReviewQueueError {
  return invalid(`no item ${id}.`, 'id');
}

export function closedQueue(): ReviewQueueError {
  return new ReviewQueueError(OutputErrorCode.REVIEW_UNAVAILABLE, 'Review queue: the queue is closed; open a new one.');
}

/**
 * An in-memory review queue, for tests and single-process tools. Items are lost when the process
 * exits; use {@link createSqliteReviewQueue} where they must survive a restart.
 *
 * @example const reviewQueue = createMemoryReviewQueue();
 */
export function createMemoryReviewQueue(): ReviewQueue {
  const items = new Map<string, ReviewItem>();
  let closed = false;
  const open = () => {
    if (closed) throw closedQueue();
  };
  return {
    async enqueue(input) {
      open();
      const item = buildReviewItem(input);
      if (items.has(item.id)) throw invalid(`an item ${item.id} already exists.`, 'id');
      items.set(item.id, item);
      return item;
    },
    async get(id) {
      open();
      assertReviewId(id);
      return items.get(id);
    },
    async list(filter) {
      open();
      const { status, callId, limit } = checkFilter(filter);
      const result: ReviewItem[] = [];
      for (const item of items.values()) {
        if ((status === undefined || item.status === status) && (callId === undefined || item.callId === callId))
          result.push(item);
        if (result.length >= limit) break;
      }
      return result;
    },
    async decide(id, decision) {
      open();
      assertReviewId(id);
      const verdict = checkDecision(decision);
      const item = items.get(id);
      if (!item) throw notFound(id);
      if (item.status !== 'pending') throw alreadyDecided(id);
      const decided: ReviewItem = Object.freeze({
        ...item,
        status: verdict.decision,
        reviewer: verdict.reviewer,
        note: verdict.note,
        decidedAt: new Date().toISOString(),
      });
      items.set(id, decided);
      return decided;
    },
    async close() {
      closed = true;
    },
  };
}
