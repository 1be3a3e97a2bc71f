import { randomUUID } from 'node:crypto';
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { auditEvent, writeAuditSafely, type AuditSink } from './audit';
import { ErrorCode, SecureClaudeError, sanitizeCause } from './errors';
import type {
  CallSecurityOptions,
  Environment,
  MessageParams,
  MessageResult,
  MiddlewareContext,
  Operation,
  SecureMiddleware,
  SecurityDecision,
  SecurityDecisions,
  StreamEventTransformer,
} from './middleware';
import * as semconv from '../monitoring/semconv';

/** Data classes from least to most sensitive; a record carries the highest its call touched. */
export const DATA_CLASSES = ['public', 'internal', 'confidential', 'restricted'] as const;

/** Settings a pipeline is built from, once per client. */
export interface PipelineSettings {
  readonly middleware: readonly SecureMiddleware[];
  readonly environment: Environment;
  readonly integration: string | undefined;
  readonly audit: AuditSink;
  readonly tracer: Tracer;
}

/**
 * The composed middleware of one client. Validates the list once, when composing: every entry
 * needs a kebab-case `name` and at least one hook, and names are unique.
 *
 * Order: the first listed is outermost. `transformParams` run in list order; `transformResult`
 * and stream transformers in reverse order, so the first middleware sees the reply last.
 */
export class Pipeline {
  readonly settings: PipelineSettings;
  readonly names: readonly string[];
  readonly #reversed: readonly SecureMiddleware[];
  readonly hasOutputHooks: boolean;

  constructor(settings: PipelineSettings) {
    const seen = new Set<string>();
    for (const [index, middleware] of settings.middleware.entries()) {
      const name = (middleware as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) {
        throw new SecureClaudeError(
          ErrorCode.CONFIG_INVALID,
          `security.middleware.${index} needs a kebab-case string "name" (for example "pii-filter").`,
          { source: 'pipeline' },
        );
      }
      if (!middleware.transformParams && !middleware.transformResult && !middleware.createStreamTransformer) {
        throw new SecureClaudeError(
          ErrorCode.CONFIG_INVALID,
          `security.middleware.${index} ("${name}") has no hook; give it transformParams, transformResult or createStreamTransformer.`,
          { source: 'pipeline' },
        );
      }
      if (seen.has(name)) {
        throw new SecureClaudeError(
          ErrorCode.CONFIG_INVALID,
          `security.middleware.${index}: the name "${name}" is used twice; names identify middleware in decisions and audit records.`,
          { source: 'pipeline' },
        );
      }
      seen.add(name);
    }
    this.settings = settings;
    this.names = settings.middleware.map((middleware) => middleware.name);
    this.#reversed = settings.middleware.slice().reverse();
    this.hasOutputHooks = settings.middleware.some(
      (middleware) => middleware.transformResult || middleware.createStreamTransformer,
    );
  }

  /** Starts one call: its span, its decisions, its context. */
  begin(operation: Operation, stream: boolean, options: CallSecurityOptions | undefined): Call {
    return new Call(this, operation, stream, options, this.#reversed);
  }
}

/**
 * One SDK method call as the pipeline sees it. Holds no prompt or reply text, so it is safe for
 * anything that inspects request options (the SDK's debug log, for one) to reach it.
 */
export class Call implements MiddlewareContext {
  readonly callId: string;
  readonly operation: Operation;
  readonly environment: Environment;
  readonly integration: string | undefined;
  readonly destination: string | undefined;
  readonly stream: boolean;
  readonly state = new Map<string, unknown>();
  readonly span: Span | undefined;
  readonly #pipeline: Pipeline;
  readonly #reversed: readonly SecureMiddleware[];
  readonly #decisions: SecurityDecision[] = [];
  #current: { name: string; phase: SecurityDecision['phase'] } | undefined;
  #finished = false;

  constructor(
    pipeline: Pipeline,
    operation: Operation,
    stream: boolean,
    options: CallSecurityOptions | undefined,
    reversed: readonly SecureMiddleware[],
  ) {
    const { settings } = pipeline;
    this.#pipeline = pipeline;
    this.#reversed = reversed;
    this.callId = options?.correlationId ?? randomUUID();
    this.operation = operation;
    this.environment = settings.environment;
    this.integration = settings.integration;
    this.destination = options?.destination;
    this.stream = stream;
    const attributes: Record<string, string> = {
      [semconv.ATTR_OPERATION]: operation,
      [semconv.ATTR_CALL_ID]: this.callId,
      [semconv.ATTR_ENVIRONMENT]: this.environment,
    };
    if (this.integration) attributes[semconv.ATTR_INTEGRATION] = this.integration;
    if (this.destination) attributes[semconv.ATTR_DESTINATION] = this.destination;
    this.span = startSpanSafely(settings.tracer, operation, attributes);
  }

  /** Whether any middleware has an output hook, so the HTTP layer must look at replies. */
  get hasOutputWork(): boolean {
    return this.#pipeline.hasOutputHooks;
  }

  get decisions(): readonly SecurityDecision[] {
    return this.#decisions;
  }

  /** The highest data class any decision of this call reported, or undefined. */
  get dataClass(): string | undefined {
    let highest = -1;
    for (const decision of this.#decisions) {
      const rank = decision.dataClass ? DATA_CLASSES.indexOf(decision.dataClass as (typeof DATA_CLASSES)[number]) : -1;
      if (rank > highest) highest = rank;
    }
    return highest >= 0 ? DATA_CLASSES[highest] : undefined;
  }

  decide(input: Omit<SecurityDecision, 'middleware' | 'phase'> & { phase?: SecurityDecision['phase'] }): void {
    const current = this.#current;
    // Object.assign, not spread: V8 11 spreads objects of varying shapes ~20x slower (µs per call).
    // An own `__proto__` key must stay a key, which only the spread guarantees.
    const decision = (Object.hasOwn(input, '__proto__') ? { ...input } : Object.assign({}, input)) as {
      -readonly [K in keyof SecurityDecision]: SecurityDecision[K];
    };
    decision.middleware = current?.name ?? 'pipeline';
    decision.phase = input.phase ?? current?.phase ?? 'input';
    Object.freeze(decision);
    this.#decisions.push(decision);
    const span = this.span;
    if (span) {
      try {
        // A non-recording span (no SDK registered, or sampled out) would drop the attributes unread.
        if (span.isRecording()) span.addEvent(semconv.EVENT_DECISION, decisionAttributes(decision));
      } catch {
        // telemetry fails open
      }
    }
  }

  /** The decisions as they stand, for attaching to a result. */
  snapshot(): SecurityDecisions {
    return Object.freeze({
      callId: this.callId,
      operation: this.operation,
      environment: this.environment,
      integration: this.integration,
      middleware: this.#pipeline.names,
      decisions: this.#decisions.slice(),
    });
  }

  /** Runs every `transformParams` in list order. Once per call. */
  async runInput<P extends MessageParams>(params: P): Promise<P> {
    let current: MessageParams = params;
    for (const middleware of this.#pipeline.settings.middleware) {
      if (!middleware.transformParams) continue;
      current = await this.#guard(middleware.name, 'input', () => middleware.transformParams!(current, this));
    }
    return current as P;
  }

  /** Runs every `transformResult` in reverse order on a non-streamed reply. */
  async runResult(result: MessageResult): Promise<MessageResult> {
    let current = result;
    for (const middleware of this.#reversed) {
      if (!middleware.transformResult) continue;
      current = await this.#guard(middleware.name, 'output', () => middleware.transformResult!(current, this));
    }
    return current;
  }

  /** Creates the stream transformers of this call, innermost (last listed) first. */
  createStreamTransformers(): Array<{ name: string; transformer: StreamEventTransformer }> {
    const transformers: Array<{ name: string; transformer: StreamEventTransformer }> = [];
    for (const middleware of this.#reversed) {
      if (!middleware.createStreamTransformer) continue;
      const transformer = this.#guardSync(middleware.name, 'stream', () => middleware.createStreamTransformer!(this));
      if (transformer) transformers.push({ name: middleware.name, transformer });
    }
    return transformers;
  }

  /** Runs `fn` with decisions attributed to `name`; wraps foreign errors as SCC_MIDDLEWARE_FAILED. */
  runAs<T>(name: string, phase: SecurityDecision['phase'], fn: () => T): T {
    return this.#guardSync(name, phase, fn);
  }

  async #guard<T>(name: string, phase: SecurityDecision['phase'], fn: () => T | Promise<T>): Promise<T> {
    this.#current = { name, phase };
    try {
      return await fn();
    } catch (error) {
      throw this.#wrap(name, error);
    } finally {
      this.#current = undefined;
    }
  }

  #guardSync<T>(name: string, phase: SecurityDecision['phase'], fn: () => T): T {
    const previous = this.#current;
    this.#current = { name, phase };
    try {
      return fn();
    } catch (error) {
      throw this.#wrap(name, error);
    } finally {
      this.#current = previous;
    }
  }

  #wrap(name: string, error: unknown): SecureClaudeError {
    if (SecureClaudeError.isInstance(error)) return error;
    return new SecureClaudeError(
      ErrorCode.MIDDLEWARE_FAILED,
      `Security middleware "${name}" failed, so the call was stopped (controls fail closed). Fix or remove the middleware; the cause holds the error's class name.`,
      { source: name, cause: sanitizeCause(error) },
    );
  }

  /**
   * Ends the call once: closes its span and writes one audit record (decision counts, rule ids
   * and the highest data class; no content). Safe to call more than once.
   */
  finish(error?: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    const settings = this.#pipeline.settings;
    const code = SecureClaudeError.isInstance(error) ? error.code : undefined;
    const blocked = code !== undefined && code !== ErrorCode.MIDDLEWARE_FAILED;
    const outcome = error === undefined ? 'success' : blocked ? 'denied' : 'failure';
    const dataClass = this.dataClass;
    const acted = this.#decisions.filter((decision) => decision.action !== 'allow');
    writeAuditSafely(
      settings.audit,
      auditEvent({
        type: blocked ? 'call.blocked' : 'call.completed',
        outcome,
        reason: code ?? (error === undefined ? 'completed' : errorReason(error)),
        correlationId: this.callId,
        environment: this.environment,
        integration: this.integration,
        dataClass,
        operation: this.operation,
        destination: this.destination,
        decisions: acted.map(auditedDecision),
      }),
    );
    const span = this.span;
    if (!span) return;
    try {
      span.setAttribute(semconv.ATTR_DECISION_COUNT, this.#decisions.length);
      span.setAttribute(semconv.ATTR_OUTCOME, outcome);
      if (dataClass) span.setAttribute(semconv.ATTR_DATA_CLASS, dataClass);
      if (code) span.setAttribute(semconv.ATTR_ERROR_CODE, code);
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: code ?? errorReason(error) });
      span.end();
    } catch {
      // telemetry fails open
    }
  }
}

function errorReason(error: unknown): string {
  return error instanceof Error ? error.name : 'error';
}

function startSpanSafely(tracer: Tracer, operation: Operation, attributes: Record<string, string>): Span | undefined {
  try {
    return tracer.startSpan(`${semconv.SPAN_CALL_PREFIX}${operation}`, { attributes });
  } catch {
    return undefined;
  }
}

function auditedDecision(decision: SecurityDecision): Record<string, unknown> {
  const record: Record<string, unknown> = {
    middleware: decision.middleware,
    action: decision.action,
    reason: decision.reason,
  };
  if (decision.count !== undefined) record['count'] = decision.count;
  if (decision.rules) record['rules'] = decision.rules;
  return record;
}

function decisionAttributes(decision: SecurityDecision): Record<string, string | number | string[]> {
  const attributes: Record<string, string | number | string[]> = {
    [semconv.ATTR_MIDDLEWARE]: decision.middleware,
    [semconv.ATTR_PHASE]: decision.phase,
    [semconv.ATTR_ACTION]: decision.action,
    [semconv.ATTR_REASON]: decision.reason,
  };
  if (decision.count !== undefined) attributes[semconv.ATTR_COUNT] = decision.count;
  if (decision.rules) attributes[semconv.ATTR_RULES] = [...decision.rules];
  if (decision.score !== undefined) attributes[semconv.ATTR_SCORE] = decision.score;
  if (decision.paths) attributes[semconv.ATTR_PATHS] = [...decision.paths];
  if (decision.dataClass) attributes[semconv.ATTR_DATA_CLASS] = decision.dataClass;
  return attributes;
}
