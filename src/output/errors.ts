import { ErrorCode, OutputValidationError, SecureClaudeError, type SecureClaudeErrorOptions } from '../core/errors';
import type { GuardReason } from './types';

/** The review-queue codes, a subset of the core `ErrorCode` table. */
export const OutputErrorCode = {
  REVIEW_INPUT_INVALID: ErrorCode.REVIEW_INPUT_INVALID,
  REVIEW_UNAVAILABLE: ErrorCode.REVIEW_UNAVAILABLE,
} as const;

export type OutputErrorCode = (typeof OutputErrorCode)[keyof typeof OutputErrorCode];

/** A review queue refused a call. The message names the field and the limit, never the payload. */
export class ReviewQueueError extends SecureClaudeError {
  constructor(code: OutputErrorCode, message: string, options: SecureClaudeErrorOptions = {}) {
    super(code, message, { source: 'review-queue', ...options });
  }
}

/** Formats reasons as `code` / `code (hint)` / `path (issue code)` parts: never values. */
export function describeReasons(reasons: readonly GuardReason[]): string {
  return reasons
    .map((reason) => {
      if (reason.issues && reason.issues.length > 0) {
        const shown = reason.issues.map((issue) => `${issue.path} (${issue.code})`).join(', ');
        const total = reason.issueCount ?? reason.issues.length;
        const more = total - reason.issues.length;
        return `${reason.code} at ${total} path${total === 1 ? '' : 's'}: ${shown}${more > 0 ? ` and ${more} more` : ''}`;
      }
      return reason.hint ? `${reason.code} (${reason.hint})` : reason.code;
    })
    .join('; ');
}

/** Builds the typed error of a failed guard: reasons as codes and paths, the review id when escalated. */
export function outputInvalid(
  source: string,
  what: string,
  reasons: readonly GuardReason[],
  facts: { callId?: string | undefined; reviewId?: string | undefined; attempts?: number } = {},
): OutputValidationError {
  const next = facts.reviewId
    ? `it was sent to review as ${facts.reviewId}; act on it only after approval.`
    : 'nothing was delivered to the action; fix the prompt or schema, or configure a reviewQueue to escalate.';
  return new OutputValidationError(`${source}: ${what} failed: ${describeReasons(reasons)}; ${next}`, {
    source,
    details: {
      reasons,
      ...(facts.callId ? { callId: facts.callId } : undefined),
      ...(facts.reviewId ? { reviewId: facts.reviewId } : undefined),
      ...(facts.attempts !== undefined ? { attempts: facts.attempts } : undefined),
    },
  });
}
