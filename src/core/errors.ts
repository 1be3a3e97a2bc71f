/**
 * Stable error codes. Match on `error.code`, never on the message text: messages may be reworded,
 * codes are part of the public API.
 */
export const ErrorCode = {
  /** An option failed validation when the client or a middleware was built. */
  CONFIG_INVALID: 'SCC_CONFIG_INVALID',
  /** A request with message content reached the HTTP layer without passing the method layer. */
  PIPELINE_BYPASS: 'SCC_PIPELINE_BYPASS',
  /** A security middleware threw something that is not a `SecureClaudeError`; the call fails closed. */
  MIDDLEWARE_FAILED: 'SCC_MIDDLEWARE_FAILED',
  /** A policy (classification, scope, model, endpoint) refused the call. */
  POLICY_BLOCKED: 'SCC_POLICY_BLOCKED',
  /** The request's text is larger than the configured cap. */
  INPUT_TOO_LARGE: 'SCC_INPUT_TOO_LARGE',
  /** The request's text is malformed (lone surrogates, NUL, mark floods). */
  INPUT_INVALID: 'SCC_INPUT_INVALID',
  /** Untrusted input carried instructions and the integration's policy is to block. */
  INJECTION_BLOCKED: 'SCC_INJECTION_BLOCKED',
  /** A reply failed its output guard. */
  OUTPUT_INVALID: 'SCC_OUTPUT_INVALID',
  /** A streamed reply could not be processed safely and was cut; nothing unprocessed was released. */
  STREAM_ABORTED: 'SCC_STREAM_ABORTED',
  /** No usable credential: the secret source is unavailable, denied, revoked or mismatched. */
  CREDENTIAL_UNAVAILABLE: 'SCC_CREDENTIAL_UNAVAILABLE',
  /** A credential source refused access (authorisation revoked). */
  CREDENTIAL_DENIED: 'SCC_CREDENTIAL_DENIED',
  /** The secret was deleted, destroyed or disabled. */
  CREDENTIAL_REVOKED: 'SCC_CREDENTIAL_REVOKED',
  /** The secret's payload is malformed or not an Anthropic key. */
  CREDENTIAL_INVALID: 'SCC_CREDENTIAL_INVALID',
  /** The key is tagged for another environment, or is already in use by another environment/integration. */
  CREDENTIAL_ENVIRONMENT_MISMATCH: 'SCC_CREDENTIAL_ENVIRONMENT_MISMATCH',
  /** A static key or environment variable was offered where a secret source is required. */
  CREDENTIAL_SOURCE_FORBIDDEN: 'SCC_CREDENTIAL_SOURCE_FORBIDDEN',
  /** A review-queue call got an invalid id, filter or oversized payload; nothing was changed. */
  REVIEW_INPUT_INVALID: 'SCC_REVIEW_INPUT_INVALID',
  /** The review queue's store could not be opened or written. */
  REVIEW_UNAVAILABLE: 'SCC_REVIEW_UNAVAILABLE',
  /** A retention output log could not append, read or rewrite its file. */
  LOG_UNAVAILABLE: 'SCC_LOG_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const BRAND = Symbol.for('secure-claude.error');

export interface SecureClaudeErrorOptions {
  /** The middleware or component that raised the error (its kebab-case `name`). */
  source?: string | undefined;
  /** A sanitized cause: never carries key material or prompt text. */
  cause?: unknown;
  /** Structured, content-free facts: option paths, rule ids, scores, counts, sizes. */
  details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The root of every error this library raises. SDK errors (`Anthropic.APIError` and its
 * subclasses) are never wrapped: they reach the caller untouched.
 *
 * Messages say what failed, why and what to do; they never contain key values, prompt or
 * reply text, or whole HTTP bodies.
 *
 * @example
 * try { await client.messages.create(params); }
 * catch (error) { if (SecureClaudeError.isInstance(error) && error.code === 'SCC_POLICY_BLOCKED') … }
 */
export class SecureClaudeError extends Error {
  readonly code: ErrorCode;
  readonly source: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
  private readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: SecureClaudeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.source = options.source;
    this.details = Object.freeze({ ...options.details });
  }

  /** True for errors from any copy of this library (duplicate installs included). */
  static isInstance(value: unknown): value is SecureClaudeError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, source: this.source, message: this.message, details: this.details };
  }
}

/** An option failed validation; the message lists option paths and issue codes, never values. */
export class ConfigError extends SecureClaudeError {
  constructor(message: string, options: SecureClaudeErrorOptions = {}) {
    super(ErrorCode.CONFIG_INVALID, message, options);
  }
}

/** A control refused the call. Final: never retried by the SDK. */
export class PolicyViolationError extends SecureClaudeError {}

/** A key could not be obtained or used safely. */
export class CredentialError extends SecureClaudeError {}

/** A reply failed its output guard. */
export class OutputValidationError extends SecureClaudeError {
  constructor(message: string, options: SecureClaudeErrorOptions = {}) {
    super(ErrorCode.OUTPUT_INVALID, message, options);
  }
}

/**
 * Reduces an arbitrary thrown value to something safe to carry as `cause`: its class name and,
 * when present, a `code`. The original message is dropped because it may quote content.
 */
export function sanitizeCause(error: unknown): { name: string; code?: string } {
  if (SecureClaudeError.isInstance(error)) return { name: error.name, code: error.code };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)
      ? { name: error.name, code }
      : { name: error.name };
  }
  return { name: typeof error };
}
