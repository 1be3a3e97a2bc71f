import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { mapResultText } from '../core/content';
import { ErrorCode, PolicyViolationError, SecureClaudeError } from '../core/errors';
import type { MessageResult, MiddlewareContext, SecureMiddleware, StreamEventTransformer } from '../core/middleware';
import { parseOptions } from '../core/options';
import { DATA_CLASSES } from '../core/pipeline';
import { SENSITIVE_TYPES } from '../data/types';
import { classRank, createClearanceFilter, maxClass, minClass, type ClassifiedDetector } from './classes';
import { callDataClass, checkStopReason, checkStructured, injectionLink, invokeSafely, reviewPayload } from './checks';
import { outputInvalid } from './errors';
import { buildReviewItem } from './review-queue';
import type { ExpectedFormat } from './expected-format';
import { DEFAULT_MAX_JSON_CHARACTERS, DEFAULT_MAX_JSON_DEPTH } from './safe-json';
import { validateSchema } from './schema';
import { createGuardTransformer } from './stream-guard';
import type { ToolAllowlist } from './tools';
import type { DataClass, GuardReason, OutputLog, OutputLogEntry, OutputSecurityEvent, ReviewQueue } from './types';

const NAME = 'output-guard';

/** Retention class per data class, unless `retention` says otherwise. */
export const DEFAULT_RETENTION: Readonly<Record<DataClass, string>> = Object.freeze({
  public: 'standard',
  internal: 'standard',
  confidential: 'sensitive',
  restricted: 'restricted',
});

/** Options of {@link outputGuardMiddleware}. */
export interface OutputGuardOptions {
  /**
   * Clearance per destination (`options.security.destination` of a call): data classes above it
   * are redacted from the reply before delivery, streams included.
   * @example { 'customer-email': 'public', 'agent-console': 'confidential', 'fraud-team': 'restricted' }
   */
  readonly destinations?: Readonly<Record<string, DataClass>>;
  /** Clearance of a call that names no destination. @default 'internal' */
  readonly defaultClearance?: DataClass;
  /** Clearance of a destination that is not in `destinations` (fail closed). @default 'public' */
  readonly unknownDestinationClearance?: DataClass;
  /** Overrides of {@link DEFAULT_DATA_CLASS_MAP} per detected type, e.g. `{ IP_ADDRESS: 'confidential' }`. */
  readonly dataClasses?: Readonly<Partial<Record<(typeof SENSITIVE_TYPES)[number], DataClass>>>;
  /** Extra detectors (RE2 syntax) with the class of what they find. */
  readonly detectors?: readonly ClassifiedDetector[];
  /**
   * Every reply's text must be JSON matching this schema (strict: no repair). Prefer
   * `guardedParse` for one structured call; use this when a whole client serves one schema.
   */
  readonly schema?: z.ZodType;
  /** Tool inputs of `tool_use` blocks must match the tool's schema, by tool name. */
  readonly toolSchemas?: Readonly<Record<string, z.ZodType>>;
  /** Free-text replies must have this format; a function picks one per call (or none). */
  readonly expectedFormat?: ExpectedFormat | ((ctx: MiddlewareContext) => ExpectedFormat | undefined);
  /** A reply that calls a tool outside the call's integration's allowlist is refused (`SCC_POLICY_BLOCKED`). */
  readonly toolAllowlist?: ToolAllowlist;
  /** Where every output is logged, after redaction to `logClearance`. */
  readonly outputLog?: OutputLog;
  /** Clearance of the output log. @default 'internal' */
  readonly logClearance?: DataClass;
  /** Retention class per data class for log entries. @default DEFAULT_RETENTION */
  readonly retention?: Readonly<Partial<Record<DataClass, string>>>;
  /** Where outputs that fail a guard go, redacted to `reviewClearance`. Without one they are rejected. */
  readonly reviewQueue?: ReviewQueue;
  /** Clearance of reviewers. @default 'internal' */
  readonly reviewClearance?: DataClass;
  /** Receives one content-free event per guard failure. Exceptions it throws are ignored. */
  readonly onEvent?: (event: OutputSecurityEvent) => void;
  /** Receives failures of the log, the review queue (on streams) and `onEvent`. */
  readonly onError?: (error: unknown) => void;
  /** Largest reply text the JSON guard parses, in UTF-16 units. @default 1 MiB */
  readonly maxJsonCharacters?: number;
  /** Deepest JSON nesting accepted. @default 64 */
  readonly maxJsonDepth?: number;
}

/** The output guard: a middleware plus a way to wait for its background writes. */
export interface OutputGuardMiddleware extends SecureMiddleware {
  /** Resolves when every log write and review enqueue started so far has finished (for tests and shutdown). */
  settled(): Promise<void>;
}

const classSchema = z.enum(DATA_CLASSES);
const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'expected a function',
});
const objectWith = (method: string) =>
  z.custom(
    (value) =>
      typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function',
    {
      message: `expected an object with ${method}()`,
    },
  );
const optionsSchema = z.strictObject({
  destinations: z.record(z.string().min(1).max(128), classSchema).optional(),
  defaultClearance: classSchema.optional(),
  unknownDestinationClearance: classSchema.optional(),
  dataClasses: z.partialRecord(z.enum(SENSITIVE_TYPES), classSchema).optional(),
  detectors: z
    .array(
      z.strictObject({
        type: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
        pattern: z.string().min(1).max(4096),
        validate: fn.optional(),
        contextWords: z.array(z.string().min(1).max(64)).max(64).optional(),
        dataClass: classSchema,
      }),
    )
    .max(256)
    .optional(),
  schema: objectWith('safeParse').optional(),
  toolSchemas: z.record(z.string(), objectWith('safeParse')).optional(),
  expectedFormat: z.union([objectWith('check'), fn]).optional(),
  toolAllowlist: objectWith('isAllowed').optional(),
  outputLog: objectWith('write').optional(),
  logClearance: classSchema.optional(),
  retention: z.partialRecord(classSchema, z.string().min(1).max(64)).optional(),
  reviewQueue: objectWith('enqueue').optional(),
  reviewClearance: classSchema.optional(),
  onEvent: fn.optional(),
  onError: fn.optional(),
  maxJsonCharacters: z.number().int().positive().optional(),
  maxJsonDepth: z.number().int().min(1).max(10_000).optional(),
});

const DEFAULTS = Object.freeze({
  defaultClearance: 'internal' as DataClass,
  unknownDestinationClearance: 'public' as DataClass,
  logClearance: 'internal' as DataClass,
  reviewClearance: 'internal' as DataClass,
  maxJsonCharacters: DEFAULT_MAX_JSON_CHARACTERS,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
});

/** Per-call facts computed once: the clearance and the guards that apply. */
interface CallPlan {
  readonly clearance: DataClass;
  readonly destinationKnown: boolean;
  readonly format: ExpectedFormat | undefined;
  readonly guarded: boolean;
}

type AnyRecord = Record<string, unknown>;

/**
 * Governs what comes back: filters each reply to its destination's clearance, checks it against
 * its schema, expected format and tool allowlist, logs it (redacted) and sends what fails to
 * review. Streams included: text is redacted with a per-block hold-back of at most 256
 * characters (the data engine's stream redactor); tool-input JSON is buffered per block.
 *
 * - Destination filtering: the call's `options.security.destination` picks a clearance; data
 *   classes above it are replaced by `[REDACTED:TYPE]`. One decision per reply (`redact` /
 *   `destination-filtered` or `allow` / `within-clearance`) with counts, types and `dataClass`
 *   (the highest class seen in the reply).
 * - Guards (when `schema`, `toolSchemas`, `expectedFormat` or `toolAllowlist` is set) check the
 *   reply as the model wrote it: `refusal` and `max_tokens` always fail; JSON is parsed strictly
 *   with size and depth caps. A failure is recorded (`escalate` or `block`), raises an
 *   `OutputSecurityEvent` linked to the call's injection findings, is logged, goes to the review
 *   queue (redacted to `reviewClearance`) and throws `OutputValidationError` (`SCC_OUTPUT_INVALID`)
 *   with the review id: the caller never receives the failed reply.
 * - Streams fail as soon as a prefix can no longer conform (too long, not JSON, a forbidden
 *   tool) or at `message_delta` (stop reason, schema): the transformer throws the
 *   `OutputValidationError`, so the SDK's stream raises it; held text is dropped and only redacted
 *   text was released before.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) at construction, naming the option, when an option is invalid.
 * @example
 * outputGuardMiddleware({
 *   destinations: { 'customer-email': 'public', 'agent-console': 'confidential' },
 *   expectedFormat: expectedFormat({ maxLength: 2000, language: 'en' }),
 *   outputLog: jsonLinesOutputLog(process.stdout),
 *   reviewQueue: await createSqliteReviewQueue({ path: 'review.db' }),
 * })
 */
export function outputGuardMiddleware(options: OutputGuardOptions = {}): OutputGuardMiddleware {
  const parsed = parseOptions(optionsSchema, options ?? {}, 'outputGuardMiddleware');
  const config = { ...DEFAULTS, ...(parsed as OutputGuardOptions) };
  const filter = createClearanceFilter(config.dataClasses ?? {}, (config.detectors ?? []) as ClassifiedDetector[]);
  const retention = { ...DEFAULT_RETENTION, ...config.retention };
  const pending = new Set<Promise<unknown>>();
  const onError = (error: unknown) => invokeSafely(() => config.onError?.(error));
  const track = (work: Promise<unknown>) => {
    const settled = work.then(undefined, onError).finally(() => pending.delete(settled));
    pending.add(settled);
  };

  const plan = (ctx: MiddlewareContext): CallPlan => {
    const destination = ctx.destination;
    const known =
      destination === undefined ||
      (config.destinations !== undefined && Object.hasOwn(config.destinations, destination));
    const clearance =
      destination === undefined
        ? config.defaultClearance
        : known
          ? config.destinations![destination]!
          : config.unknownDestinationClearance;
    const format = typeof config.expectedFormat === 'function' ? config.expectedFormat(ctx) : config.expectedFormat;
    return {
      clearance,
      destinationKnown: known,
      format,
      guarded: Boolean(config.schema || config.toolSchemas || format || config.toolAllowlist),
    };
  };

  const writeLog = (
    ctx: MiddlewareContext,
    fields: Pick<OutputLogEntry, 'status' | 'output' | 'truncated' | 'stopReason' | 'reviewId' | 'reasons'>,
  ) => {
    const log = config.outputLog;
    if (!log) return;
    const dataClass = callDataClass(ctx.decisions, classRank);
    const entry: OutputLogEntry = {
      type: 'output',
      time: new Date().toISOString(),
      callId: ctx.callId,
      operation: ctx.operation,
      environment: ctx.environment,
      integration: ctx.integration,
      destination: ctx.destination,
      dataClass,
      retention: retention[dataClass ?? 'public'] ?? DEFAULT_RETENTION.restricted,
      ...fields,
      decisions: ctx.decisions.map((decision) => ({
        middleware: decision.middleware,
        phase: decision.phase,
        action: decision.action,
        reason: decision.reason,
        ...(decision.count !== undefined ? { count: decision.count } : undefined),
        ...(decision.rules ? { rules: decision.rules } : undefined),
        ...(decision.dataClass ? { dataClass: decision.dataClass } : undefined),
      })),
    };
    try {
      const result = log.write(entry);
      if (result && typeof (result as Promise<void>).then === 'function') track(result as Promise<void>);
    } catch (error) {
      onError(error);
    }
  };

  const logText = (delivered: string, clearance: DataClass) => {
    const logClearance = minClass(clearance, config.logClearance);
    return reviewPayload(delivered, filter, logClearance);
  };

  /**
   * Records one failure and starts its review enqueue (redacted to the review clearance). The
   * returned `finish` raises the event, logs the output and builds the error to throw, given
   * whether the item was queued.
   */
  const fail = (
    ctx: MiddlewareContext,
    call: CallPlan,
    reasons: GuardReason[],
    original: string,
    delivered: string,
    stopReason: string | null | undefined,
    source: string,
  ): {
    reviewId: string | undefined;
    enqueue: Promise<unknown> | undefined;
    finish(queued: boolean): SecureClaudeError;
  } => {
    const queue = config.reviewQueue;
    const reviewId = queue ? randomUUID() : undefined;
    const injection = injectionLink(ctx.decisions);
    const toolRefused = reasons.some((reason) => reason.code === 'tool-not-allowed');
    ctx.decide({
      action: queue ? 'escalate' : 'block',
      reason: toolRefused ? 'tool-not-allowed' : source === 'expected-format' ? 'format-deviation' : 'output-invalid',
      rules: [...new Set(reasons.map((reason) => reason.code))].sort(),
      count: reasons.length,
      ...(injection.linked ? { paths: injection.paths } : undefined),
    });
    let enqueue: Promise<unknown> | undefined;
    if (queue && reviewId) {
      let highest: DataClass | undefined;
      const payload = reviewPayload(
        original,
        filter,
        config.reviewClearance,
        (dataClass) => (highest = maxClass(highest, dataClass)),
      );
      const input = {
        id: reviewId,
        callId: ctx.callId,
        integration: ctx.integration,
        destination: ctx.destination,
        source,
        reasons,
        ...payload,
        dataClass: highest,
        injectionRules: injection.rules,
      };
      try {
        // Checked here, synchronously, so a stream's error never names a review id that bad input lost.
        buildReviewItem(input);
        enqueue = Promise.resolve(queue.enqueue(input));
      } catch (error) {
        onError(error);
      }
    }
    return {
      reviewId,
      enqueue,
      finish(queued) {
        const id = queued ? reviewId : undefined;
        const event: OutputSecurityEvent = {
          type: toolRefused
            ? 'output_tool_not_allowed'
            : source === 'expected-format'
              ? 'output_format_deviation'
              : 'output_schema_failure',
          callId: ctx.callId,
          integration: ctx.integration,
          destination: ctx.destination,
          reasons,
          reviewId: id,
          injection,
        };
        invokeSafely(() => config.onEvent?.(event), onError);
        writeLog(ctx, {
          status: id ? 'escalated' : 'rejected',
          ...logText(delivered, call.clearance),
          stopReason,
          reviewId: id,
          reasons,
        });
        if (toolRefused) {
          return new PolicyViolationError(
            ErrorCode.POLICY_BLOCKED,
            `${NAME}: the reply called a tool that integration "${ctx.integration ?? '(none)'}" may not use, so it was refused before any tool ran; ` +
              'add the tool to its toolAllowlist if it is meant to run.',
            { source: NAME, details: { reasons, callId: ctx.callId, ...(id ? { reviewId: id } : undefined) } },
          );
        }
        return outputInvalid(NAME, 'the reply', reasons, { callId: ctx.callId, reviewId: id });
      },
    };
  };

  /** Guards on a complete reply as the model wrote it. */
  const checkComplete = (
    call: CallPlan,
    text: string,
    hasText: boolean,
    stopReason: string | null | undefined,
    tools: ReadonlyArray<{ name: string; input: unknown }>,
    integration: string | undefined,
  ) => {
    const reasons: GuardReason[] = [];
    if (!call.guarded) return { reasons, source: 'output-guard' };
    for (const tool of tools) {
      if (config.toolAllowlist && !config.toolAllowlist.isAllowed(integration, tool.name))
        return { reasons: [{ code: 'tool-not-allowed' }], source: 'tool-allowlist' };
    }
    const stop = checkStopReason(stopReason, tools.length > 0);
    if (stop) return { reasons: [stop], source: 'stop-reason' };
    for (const tool of tools) {
      const schema = config.toolSchemas?.[tool.name];
      if (!schema) continue;
      const result = validateSchema(schema, tool.input);
      if (!result.ok) return { reasons: [result.reason], source: 'tool-input' };
    }
    if (config.schema && tools.length === 0) {
      const result = checkStructured(hasText ? text : '', config.schema, {
        maxCharacters: config.maxJsonCharacters,
        maxDepth: config.maxJsonDepth,
      });
      if (!result.ok) return { reasons: result.reasons, source: 'schema-guard' };
    }
    if (call.format && tools.length === 0) {
      const found = call.format.check(text);
      if (found.length > 0) return { reasons: found, source: 'expected-format' };
    }
    return { reasons, source: 'output-guard' };
  };

  const decideFilter = (
    ctx: MiddlewareContext,
    call: CallPlan,
    count: number,
    types: ReadonlySet<string>,
    highest: DataClass | undefined,
    phase: 'output' | 'stream',
  ) => {
    if (!call.destinationKnown)
      ctx.decide({ phase, action: 'flag', reason: 'destination-unknown', dataClass: call.clearance });
    ctx.decide({
      phase,
      action: count > 0 ? 'redact' : 'allow',
      reason: count > 0 ? 'destination-filtered' : 'within-clearance',
      count,
      rules: [...types].sort(),
      dataClass: highest ?? 'public',
    });
  };

  const middleware: OutputGuardMiddleware = {
    name: NAME,
    settled: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    async transformResult(result: MessageResult, ctx: MiddlewareContext): Promise<MessageResult> {
      const call = plan(ctx);
      let highest: DataClass | undefined;
      let count = 0;
      const types = new Set<string>();
      const redactor = filter.redactorFor(call.clearance, (dataClass) => (highest = maxClass(highest, dataClass)));
      const originalTexts: string[] = [];
      const deliveredTexts: string[] = [];
      const next = mapResultText(result, (text, location) => {
        const redacted = redactor.redact(text);
        count += redacted.findings.length;
        for (const finding of redacted.findings) types.add(finding.type);
        if (location.kind === 'text') {
          originalTexts.push(text);
          deliveredTexts.push(redacted.text);
        }
        return redacted.findings.length > 0 ? redacted.text : text;
      });
      decideFilter(ctx, call, count, types, highest, 'output');
      const content = ((result as unknown as AnyRecord)['content'] ?? []) as AnyRecord[];
      const tools = content
        .filter((block) => block['type'] === 'tool_use')
        .map((block) => ({ name: String(block['name']), input: block['input'] }));
      const original = originalTexts.join('');
      const delivered = deliveredTexts.join('');
      const stopReason = result.stop_reason;
      const { reasons, source } = checkComplete(
        call,
        original,
        originalTexts.length > 0,
        stopReason,
        tools,
        ctx.integration,
      );
      if (reasons.length > 0) {
        const failure = fail(ctx, call, reasons, original, delivered, stopReason, source);
        let queued = false;
        if (failure.enqueue) {
          try {
            await failure.enqueue;
            queued = true;
          } catch (error) {
            onError(error);
          }
        }
        throw failure.finish(queued);
      }
      if (call.guarded) ctx.decide({ action: 'allow', reason: 'output-valid' });
      writeLog(ctx, {
        status: 'delivered',
        ...logText(delivered, call.clearance),
        stopReason,
        reviewId: undefined,
        reasons: undefined,
      });
      return next;
    },

    createStreamTransformer(ctx: MiddlewareContext): StreamEventTransformer {
      const call = plan(ctx);
      let highest: DataClass | undefined;
      return createGuardTransformer({
        redactor: filter.redactorFor(call.clearance, (dataClass) => (highest = maxClass(highest, dataClass))),
        maxJsonCharacters: config.maxJsonCharacters,
        hasSchema: Boolean(config.schema),
        format: call.format,
        toolAllowlist: config.toolAllowlist,
        integration: ctx.integration,
        checkComplete: (text, hasText, stopReason, tools) =>
          checkComplete(call, text, hasText, stopReason, tools, ctx.integration),
        decideFilter: (count, types) => decideFilter(ctx, call, count, types, highest, 'stream'),
        fail: (reasons, original, delivered, stopReason, source) => {
          // Transformers are synchronous: the enqueue finishes in the background (see settled()),
          // and the error names the review id it was given.
          const failure = fail(ctx, call, reasons, original, delivered, stopReason, source);
          if (failure.enqueue) track(failure.enqueue);
          return failure.finish(failure.enqueue !== undefined);
        },
        delivered: (delivered, stopReason) =>
          writeLog(ctx, {
            status: 'delivered',
            ...logText(delivered, call.clearance),
            stopReason,
            reviewId: undefined,
            reasons: undefined,
          }),
        aborted: (delivered) =>
          writeLog(ctx, {
            status: 'aborted',
            ...logText(delivered, call.clearance),
            stopReason: null,
            reviewId: undefined,
            reasons: undefined,
          }),
        validDecision: () => {
          if (call.guarded) ctx.decide({ phase: 'stream', action: 'allow', reason: 'output-valid' });
        },
      });
    },
  };
  return middleware;
}
