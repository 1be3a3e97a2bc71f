/**
 * Output governance: what comes back from Claude before anything acts on it. Destination
 * filtering, schema and format guards, the output log, escalation to review and the action gate.
 */
export { outputGuardMiddleware, DEFAULT_RETENTION } from './middleware';
export type { OutputGuardOptions, OutputGuardMiddleware } from './middleware';
export { guardedParse, guardedCreate, guardToolUse, actionGate, MAX_REASK } from './guarded';
export type {
  GuardedOutcome,
  GuardedOk,
  GuardedEscalated,
  GuardedRejected,
  GuardedCallOptions,
  GuardedParseOptions,
  GuardedCreateOptions,
  ToolCallOutcome,
  ActionGateResult,
} from './guarded';
export { expectedFormat } from './expected-format';
export type { ExpectedFormat, ExpectedFormatOptions, ExpectedLanguage } from './expected-format';
export { toolAllowlist } from './tools';
export type { ToolAllowlist, ToolAllowlistOptions, RunnableToolLike } from './tools';
export { createMemoryReviewQueue, MAX_REVIEW_OUTPUT_CHARACTERS } from './review-queue';
export { createSqliteReviewQueue } from './sqlite-review-queue';
export type { SqliteReviewQueueOptions } from './sqlite-review-queue';
export { jsonLinesOutputLog, createMemoryOutputLog, toJsonLine, OUTPUT_LOG_MAX_BUFFERED_BYTES } from './output-log';
export type { JsonLinesOutputLog } from './output-log';
export {
  retentionOutputLog,
  RetentionLogError,
  DEFAULT_RETENTION_SECONDS,
  RETENTION_LOG_UNAVAILABLE,
} from './retention-log';
export type {
  RetentionOutputLog,
  RetentionOutputLogOptions,
  RetainedOutputLogEntry,
  PurgeResult,
} from './retention-log';
export { DEFAULT_DATA_CLASS_MAP } from './classes';
export type { ClassifiedDetector } from './classes';
export { parseStrictJson, DEFAULT_MAX_JSON_CHARACTERS, DEFAULT_MAX_JSON_DEPTH } from './safe-json';
export { ReviewQueueError, OutputErrorCode } from './errors';
export type {
  DataClass,
  GuardReason,
  GuardCheck,
  SchemaIssue,
  ReviewQueue,
  ReviewItem,
  ReviewItemInput,
  ReviewDecision,
  ReviewStatus,
  OutputLog,
  OutputLogEntry,
  OutputSecurityEvent,
} from './types';
