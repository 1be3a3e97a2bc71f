import type Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { Message, MessageCreateParamsNonStreaming, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { z } from 'zod';
import { ConfigError, sanitizeCause } from '../core/errors';
import { getSecurityDecisions, type SecureRequestOptions } from '../core/secure-call';
import { createClearanceFilter, maxClass, type ClearanceFilter } from './classes';
import { checkStopReason, checkStructured, injectionLink, reviewPayload } from './checks';
import { describeReasons, outputInvalid } from './errors';
import type { ExpectedFormat } from './expected-format';
import { DEFAULT_MAX_JSON_DEPTH } from './safe-json';
import { validateSchema } from './schema';
import type { ToolAllowlist } from './tools';
import type { DataClass, GuardCheck, GuardReason, ReviewQueue } from './types';

/** Most re-asks a guarded call may be configured for; each is a full model call. */
export const MAX_REASK = 3;

/** Reasons a re-ask can fix: the model wrote the wrong shape. Refusals and truncation are not re-asked. */
const REASKABLE: ReadonlySet<string> = new Set([
  'invalid-json',
  'schema-mismatch',
  'too-short',
  'too-long',
  'pattern-mismatch',
  'label-mismatch',
  'language-mismatch',
]);

const GENUINE = new WeakSet<object>();

/** A guarded output that passed every guard. Only this library creates these (see {@link actionGate}). */
export interface GuardedOk<T> {
  readonly status: 'ok';
  readonly data: T;
  readonly callId: string;
  /** Model calls made, re-asks included. */
  readonly attempts: number;
  readonly checks: readonly GuardCheck[];
}

/** A guarded output that failed and waits in the review queue under `reviewId`. */
export interface GuardedEscalated {
  readonly status: 'escalated';
  readonly reviewId: string;
  readonly reasons: readonly GuardReason[];
  readonly callId: string;
  readonly attempts: number;
  readonly checks: readonly GuardCheck[];
}

/** A guarded output that failed with no review queue to hold it. */
export interface GuardedRejected {
  readonly status: 'rejected';
  readonly reasons: readonly GuardReason[];
  readonly callId: string;
  readonly attempts: number;
  readonly checks: readonly GuardCheck[];
}

/** What a guarded call returns: never unvalidated data as if it were valid. */
export type GuardedOutcome<T> = GuardedOk<T> | GuardedEscalated | GuardedRejected;

/** Options shared by {@link guardedParse} and {@link guardedCreate}. */
export interface GuardedCallOptions {
  /** Where failed outputs go, redacted to `reviewClearance`. Without one a failure is `rejected`. */
  readonly reviewQueue?: ReviewQueue;
  /**
   * Re-asks after an output of the wrong shape, with the validation issues (paths and codes)
   * fed back; refusals and truncation are never re-asked. At most 3.
   * @default 0
   */
  readonly reask?: number;
  /** Throw `OutputValidationError` (`SCC_OUTPUT_INVALID`, with `details.reviewId`) instead of returning a failed outcome. @default false */
  readonly throwOnFailure?: boolean;
  /** The call's destination (`options.security.destination`), for the output guard's filtering. */
  readonly destination?: string;
  /** Clearance of reviewers: data classes above it are redacted from the review item. @default 'internal' */
  readonly reviewClearance?: DataClass;
  /** Further request options for the SDK call. */
  readonly requestOptions?: SecureRequestOptions;
}

/** Options of {@link guardedParse}. */
export interface GuardedParseOptions<T> extends GuardedCallOptions {
  /** The zod schema; sent as `output_config.format` and checked strictly on the reply. */
  readonly schema: z.ZodType<T>;
  /** Largest reply text parsed, in UTF-16 units. @default 1 MiB */
  readonly maxJsonCharacters?: number;
  /** Deepest nesting accepted. @default 64 */
  readonly maxJsonDepth?: number;
}

/** Options of {@link guardedCreate}. */
export interface GuardedCreateOptions extends GuardedCallOptions {
  /** The format the free-text reply must have. */
  readonly expectedFormat: ExpectedFormat;
}

type MessagesClient = Pick<Anthropic, 'messages'>;

let sharedFilter: ClearanceFilter | undefined;
const defaultFilter = () => (sharedFilter ??= createClearanceFilter());

/**
 * Asks for structured output and checks it strictly: the request carries
 * `output_config.format` built by the SDK's `zodOutputFormat(schema)`, and the reply must be
 * complete (`refusal` and `max_tokens` never pass), one JSON value with no repair (a code
 * fence, prose, a trailing comma or a cut-off value fail), within size and depth caps, without
 * `__proto__` keys, and valid against `schema`. The SDK's own `parse()` is not used for the check
 * because its error quotes the reply.
 *
 * A failure goes to `reviewQueue` (redacted) and returns `{ status: 'escalated', reviewId, reasons }`,
 * or `rejected` without a queue, or throws when `throwOnFailure` is set. Reasons carry at most five
 * schema issues as paths and codes, plus a count: never values.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) when the schema cannot become a JSON schema or an option is invalid.
 * @throws OutputValidationError (`SCC_OUTPUT_INVALID`) on failure when `throwOnFailure` is set.
 * @example
 * const outcome = await guardedParse(client, { model, max_tokens: 1024, messages }, { schema: Invoice, reviewQueue });
 * if (outcome.status === 'ok') await actionGate(outcome, (invoice) => ledger.post(invoice));
 */
export async function guardedParse<T>(
  client: MessagesClient,
  params: MessageCreateParamsNonStreaming,
  options: GuardedParseOptions<T>,
): Promise<GuardedOutcome<T>> {
  const schema = options?.schema;
  if (!schema || typeof (schema as { safeParse?: unknown }).safeParse !== 'function') {
    throw new ConfigError('guardedParse: options.schema must be a zod schema.', { source: 'output-guard' });
  }
  let format: { type: 'json_schema'; schema: Record<string, unknown> };
  try {
    const { type, schema: jsonSchema } = zodOutputFormat(schema as z.ZodType);
    format = { type, schema: jsonSchema };
  } catch (error) {
    throw new ConfigError(
      'guardedParse: the schema cannot be expressed as a JSON schema (transforms and custom types cannot); use plain object, array and scalar types.',
      {
        source: 'output-guard',
        cause: sanitizeCause(error),
      },
    );
  }
  const limits = { maxCharacters: options.maxJsonCharacters, maxDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH };
  const request = {
    ...params,
    output_config: { ...(params as { output_config?: object }).output_config, format },
  } as MessageCreateParamsNonStreaming;
  return runGuarded<T>(client, request, options, 'schema-guard', (message, text, hasText) => {
    const checks: GuardCheck[] = [];
    const stop = checkStopReason(message.stop_reason);
    checks.push({ guard: 'stop-reason', passed: stop === undefined });
    if (stop) return { ok: false, reasons: [stop], checks };
    if (!hasText)
      return { ok: false, reasons: [{ code: 'no-text' }], checks: [...checks, { guard: 'json', passed: false }] };
    const result = checkStructured(text, schema, limits);
    const jsonFailed =
      !result.ok &&
      result.reasons.some((reason) => reason.code !== 'schema-mismatch' && reason.code !== 'schema-error');
    checks.push({ guard: 'json', passed: !jsonFailed });
    checks.push({ guard: 'schema', passed: result.ok });
    return result.ok ? { ok: true, value: result.value, checks } : { ok: false, reasons: result.reasons, checks };
  });
}

/**
 * A free-text call whose reply must have an expected format (length, pattern, labels, language).
 * Like {@link guardedParse}: `refusal` and `max_tokens` never pass; a deviation goes to review and
 * the outcome links nothing unvalidated to the action.
 *
 * @example
 * const outcome = await guardedCreate(client, params, { expectedFormat: expectedFormat({ labels: ['refund', 'other'] }), reviewQueue });
 */
export async function guardedCreate(
  client: MessagesClient,
  params: MessageCreateParamsNonStreaming,
  options: GuardedCreateOptions,
): Promise<GuardedOutcome<string>> {
  const format = options?.expectedFormat;
  if (!format || typeof format.check !== 'function') {
    throw new ConfigError('guardedCreate: options.expectedFormat must come from expectedFormat().', {
      source: 'output-guard',
    });
  }
  return runGuarded<string>(client, params, options, 'expected-format', (message, text) => {
    const checks: GuardCheck[] = [];
    const stop = checkStopReason(message.stop_reason);
    checks.push({ guard: 'stop-reason', passed: stop === undefined });
    if (stop) return { ok: false, reasons: [stop], checks };
    const reasons = format.check(text);
    checks.push({ guard: 'expected-format', passed: reasons.length === 0 });
    return reasons.length === 0 ? { ok: true, value: text.trim(), checks } : { ok: false, reasons, checks };
  });
}

type Validation<T> =
  { ok: true; value: T; checks: GuardCheck[] } | { ok: false; reasons: GuardReason[]; checks: GuardCheck[] };

async function runGuarded<T>(
  client: MessagesClient,
  params: MessageCreateParamsNonStreaming,
  options: GuardedCallOptions,
  source: string,
  validate: (message: Message, text: string, hasText: boolean) => Validation<T>,
): Promise<GuardedOutcome<T>> {
  const reask = options.reask ?? 0;
  if (!Number.isSafeInteger(reask) || reask < 0 || reask > MAX_REASK) {
    throw new ConfigError(`guarded call: reask must be an integer from 0 to ${MAX_REASK}.`, { source: 'output-guard' });
  }
  const reviewClearance = options.reviewClearance ?? 'internal';
  let messages: MessageParam[] = [...params.messages];
  let attempts = 0;
  for (;;) {
    attempts++;
    const requestOptions = {
      ...options.requestOptions,
      security: {
        ...options.requestOptions?.security,
        ...(options.destination ? { destination: options.destination } : undefined),
      },
    };
    const message = (await client.messages.create(
      { ...params, messages, stream: false },
      requestOptions as never,
    )) as Message;
    const decisions = getSecurityDecisions(message);
    const callId = decisions?.callId ?? options.requestOptions?.security?.correlationId ?? 'unsecured-call';
    const texts = message.content
      .filter((block) => block.type === 'text')
      .map((block) => (block as { text: string }).text);
    const text = texts.join('');
    const result = validate(message, text, texts.length > 0);
    if (result.ok) {
      const outcome: GuardedOk<T> = Object.freeze({
        status: 'ok',
        data: result.value,
        callId,
        attempts,
        checks: Object.freeze(result.checks),
      });
      GENUINE.add(outcome);
      return outcome;
    }
    if (attempts <= reask && result.reasons.every((reason) => REASKABLE.has(reason.code))) {
      messages = [
        ...messages,
        { role: 'assistant', content: text.length > 0 ? text : '(no text)' },
        {
          role: 'user',
          content:
            `Your previous reply did not pass validation: ${describeReasons(result.reasons)}. ` +
            (source === 'schema-guard'
              ? 'Reply again with only the JSON value that matches the schema: no code fences, no commentary.'
              : 'Reply again in the required format only.'),
        },
      ];
      continue;
    }
    return fail(
      result.reasons,
      result.checks,
      text,
      callId,
      attempts,
      decisions?.decisions ?? [],
      options,
      source,
      reviewClearance,
      message,
    );
  }
}

async function fail<T>(
  reasons: GuardReason[],
  checks: GuardCheck[],
  text: string,
  callId: string,
  attempts: number,
  decisions: Parameters<typeof injectionLink>[0],
  options: GuardedCallOptions,
  source: string,
  reviewClearance: DataClass,
  message: Message,
): Promise<GuardedOutcome<T>> {
  let reviewId: string | undefined;
  if (options.reviewQueue) {
    let highest: DataClass | undefined;
    const payload = reviewPayload(
      text,
      defaultFilter(),
      reviewClearance,
      (dataClass) => (highest = maxClass(highest, dataClass)),
    );
    const item = await options.reviewQueue.enqueue({
      callId,
      destination: options.destination,
      source,
      reasons,
      ...payload,
      dataClass: highest,
      injectionRules: injectionLink(decisions).rules,
    });
    reviewId = item.id;
  }
  if (options.throwOnFailure)
    throw outputInvalid(
      'output-guard',
      `the ${source === 'schema-guard' ? 'structured' : 'free-text'} reply (stop reason ${safeStop(message.stop_reason)})`,
      reasons,
      { callId, reviewId, attempts },
    );
  const frozenChecks = Object.freeze(checks);
  return reviewId
    ? Object.freeze({
        status: 'escalated',
        reviewId,
        reasons: Object.freeze(reasons),
        callId,
        attempts,
        checks: frozenChecks,
      })
    : Object.freeze({ status: 'rejected', reasons: Object.freeze(reasons), callId, attempts, checks: frozenChecks });
}

const safeStop = (stop: string | null | undefined) =>
  typeof stop === 'string' && /^[a-z_]{1,40}$/.test(stop) ? stop : 'none';

/** One `tool_use` block of a reply, checked before the application runs the tool. */
export type ToolCallOutcome<T = unknown> =
  | (GuardedOk<T> & { readonly toolUseId: string; readonly name: string })
  | (GuardedRejected & { readonly toolUseId: string; readonly name: string });

/**
 * Checks each `tool_use` block of a reply before the application runs the tool: the tool must be
 * on the integration's allowlist (when one is given) and its input must match the tool's schema
 * (no `__proto__` keys, depth capped). A tool without a schema is rejected (`no-schema`).
 *
 * @example
 * for (const call of guardToolUse(message, { schemas: { lookup_order: LookupOrder }, allowlist, integration: 'support-bot' })) {
 *   await actionGate(call, (input) => lookupOrder(input));
 * }
 */
export function guardToolUse(
  message: Pick<Message, 'content'>,
  options: {
    schemas: Readonly<Record<string, z.ZodType>>;
    allowlist?: ToolAllowlist;
    integration?: string;
    maxDepth?: number;
  },
): ToolCallOutcome[] {
  const callId = getSecurityDecisions(message)?.callId ?? 'unsecured-call';
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  return message.content
    .filter((block) => block.type === 'tool_use')
    .map((block) => {
      const { id, name, input } = block as { id: string; name: string; input: unknown };
      const checks: GuardCheck[] = [];
      const reject = (reason: GuardReason): ToolCallOutcome =>
        Object.freeze({
          status: 'rejected',
          reasons: [reason],
          callId,
          attempts: 1,
          checks: Object.freeze(checks),
          toolUseId: id,
          name,
        });
      if (options.allowlist) {
        const allowed = options.allowlist.isAllowed(options.integration, name);
        checks.push({ guard: 'tool-allowlist', passed: allowed });
        if (!allowed) return reject({ code: 'tool-not-allowed' });
      }
      const schema = Object.hasOwn(options.schemas, name) ? options.schemas[name] : undefined;
      if (!schema) {
        checks.push({ guard: 'tool-input', passed: false });
        return reject({ code: 'no-schema' });
      }
      const shape = inspectShape(input, maxDepth);
      if (shape) {
        checks.push({ guard: 'tool-input', passed: false });
        return reject(shape);
      }
      const result = validateSchema(schema, input);
      checks.push({ guard: 'tool-input', passed: result.ok });
      if (!result.ok) return reject(result.reason);
      const outcome = Object.freeze({
        status: 'ok' as const,
        data: result.value,
        callId,
        attempts: 1,
        checks: Object.freeze(checks),
        toolUseId: id,
        name,
      });
      GENUINE.add(outcome);
      return outcome;
    });
}

/** Depth cap and `__proto__` check over an already-parsed value, iteratively. */
function inspectShape(root: unknown, maxDepth: number): GuardReason | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { code: 'too-deep' };
    if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return { code: 'forbidden-key' };
    for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

/** What {@link actionGate} did. */
export type ActionGateResult<R> =
  | { readonly ran: true; readonly result: R }
  | {
      readonly ran: false;
      /** `escalated` / `rejected`: a guard failed; `unverified`: the value did not come from a guard. */
      readonly status: 'escalated' | 'rejected' | 'unverified';
      readonly reasons: readonly GuardReason[];
      readonly reviewId?: string;
    };

/**
 * Runs a downstream action only when every guard on that output passed. Accepts the outcome of
 * {@link guardedParse}, {@link guardedCreate} or {@link guardToolUse} (only ones this library
 * created: a hand-built `{ status: 'ok' }` is refused), or a reply from a client whose
 * `outputGuardMiddleware` validated it (its decisions say `output-valid` and nothing failed).
 * Anything else does not run the action and says why; it never throws for a failed guard.
 *
 * @example
 * const gate = await actionGate(outcome, (invoice) => ledger.post(invoice));
 * if (!gate.ran) console.warn(`invoice held for review ${gate.reviewId ?? ''}`);
 */
export async function actionGate<T, R>(
  outcome: GuardedOutcome<T> | ToolCallOutcome<T> | Message,
  action: (data: T) => R | Promise<R>,
): Promise<ActionGateResult<R>> {
  if (typeof outcome === 'object' && outcome !== null && 'status' in outcome) {
    if (outcome.status === 'ok') {
      if (GENUINE.has(outcome) && outcome.checks.every((check) => check.passed))
        return { ran: true, result: await action(outcome.data) };
      return { ran: false, status: 'unverified', reasons: [{ code: 'not-guarded' }] };
    }
    if (outcome.status === 'escalated' || outcome.status === 'rejected') {
      return {
        ran: false,
        status: outcome.status,
        reasons: outcome.reasons,
        ...(outcome.status === 'escalated' ? { reviewId: outcome.reviewId } : undefined),
      };
    }
  }
  const decisions = getSecurityDecisions(outcome)?.decisions ?? [];
  const guard = decisions.filter((decision) => decision.middleware === 'output-guard');
  const valid = guard.some((decision) => decision.reason === 'output-valid');
  const failed = guard.some((decision) => decision.action === 'escalate' || decision.action === 'block');
  if (valid && !failed) return { ran: true, result: await action(outcome as unknown as T) };
  return { ran: false, status: 'unverified', reasons: [{ code: failed ? 'guard-failed' : 'not-guarded' }] };
}
