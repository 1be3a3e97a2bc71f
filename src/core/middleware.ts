import type {
  Message,
  MessageCountTokensParams,
  MessageCreateParamsBase,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  BetaMessage,
  BetaRawMessageStreamEvent,
  MessageCountTokensParams as BetaMessageCountTokensParams,
  MessageCreateParamsBase as BetaMessageCreateParamsBase,
} from '@anthropic-ai/sdk/resources/beta/messages/messages';

export type MaybePromise<T> = T | Promise<T>;

/** Where the client runs. Production when unset; production refuses static keys and env keys. */
export type Environment = 'production' | 'staging' | 'development' | 'test';

/** The SDK surface a call came through. */
export type Operation =
  | 'messages.create'
  | 'messages.stream'
  | 'messages.parse'
  | 'messages.countTokens'
  | 'messages.batches.create'
  | 'beta.messages.create'
  | 'beta.messages.stream'
  | 'beta.messages.parse'
  | 'beta.messages.countTokens'
  | 'beta.messages.batches.create';

/** Any request params a security middleware may see: create, count-tokens and batch item params, GA or beta. */
export type MessageParams =
  MessageCreateParamsBase | MessageCountTokensParams | BetaMessageCreateParamsBase | BetaMessageCountTokensParams;

/** A reply as the HTTP layer sees it: a GA or beta Message. */
export type MessageResult = Message | BetaMessage;

/** One event of a streamed reply (GA or beta wire format, which are the same on the wire). */
export type StreamEvent = RawMessageStreamEvent | BetaRawMessageStreamEvent;

/** What a control did with a call. `allow` is recorded too, so an audit shows the control ran. */
export type DecisionAction =
  'allow' | 'redact' | 'pseudonymize' | 'flag' | 'strip' | 'quarantine' | 'escalate' | 'block' | 'override';

/**
 * One decision of one middleware on one call. Content-free by construction: a reason code, counts,
 * rule ids and scores, field paths; never the text that triggered it.
 */
export interface SecurityDecision {
  /** The middleware's `name`. */
  readonly middleware: string;
  /** `input` runs once per call in the method layer; `output` and `stream` per reply. */
  readonly phase: 'input' | 'output' | 'stream';
  readonly action: DecisionAction;
  /** A stable, kebab-case reason code, e.g. `secret-detected`, `within-limit`. */
  readonly reason: string;
  readonly count?: number;
  readonly rules?: readonly string[];
  readonly score?: number;
  /** Field paths (`messages.2.content.0.text`), never values. */
  readonly paths?: readonly string[];
  /** The highest data class the middleware saw, when it classifies. */
  readonly dataClass?: string;
}

/** The decisions of one call, attached non-enumerably to what the call returns, like `_request_id`. */
export interface SecurityDecisions {
  readonly callId: string;
  readonly operation: Operation;
  readonly environment: Environment;
  readonly integration: string | undefined;
  /** The middleware that ran, outermost first. */
  readonly middleware: readonly string[];
  readonly decisions: readonly SecurityDecision[];
}

/** Per-call security options, passed as `options.security` on any intercepted method. */
export interface CallSecurityOptions {
  /** Where the reply is going (for example `customer-email`); output filtering keys on it. */
  destination?: string;
  /** A caller-supplied correlation id; one is generated when absent. */
  correlationId?: string;
}

/**
 * The context shared by every middleware of one call. Middleware add facts (decisions, state);
 * they never replace it.
 */
export interface MiddlewareContext {
  readonly callId: string;
  readonly operation: Operation;
  readonly environment: Environment;
  readonly integration: string | undefined;
  readonly destination: string | undefined;
  /** Streaming reply expected (`stream: true` or `messages.stream`). */
  readonly stream: boolean;
  /** The decisions recorded so far on this call, in order (for example an output guard linking to injection findings). */
  readonly decisions: readonly SecurityDecision[];
  /** Record a decision; it reaches the result's decisions, the call span and the audit trail. */
  decide(decision: Omit<SecurityDecision, 'middleware' | 'phase'> & { phase?: SecurityDecision['phase'] }): void;
  /**
   * Per-call scratch space shared between the input and output hooks of one middleware (for
   * example a pseudonym map to restore in the reply). Key it by your middleware's name. Never logged.
   */
  readonly state: Map<string, unknown>;
}

/** A per-call transformer for streamed replies, created once per HTTP attempt that streams. */
export interface StreamEventTransformer {
  /**
   * Receives each event in order and calls `emit` for each event to release, zero or more
   * times. A transformer that holds content back (across deltas) must say so in its JSDoc and
   * release it by `content_block_stop` at the latest.
   */
  transform(event: StreamEvent, emit: (event: StreamEvent) => void): void;
  /** Called once when the upstream ends normally (after `message_stop`). */
  flush?(emit: (event: StreamEvent) => void): void;
  /**
   * Called once when the stream ends abnormally (upstream cut, consumer cancel). Nothing can be
   * emitted any more; use it to record what was delivered (redacted) or to queue it for review.
   */
  abort?(): void;
}

/**
 * A security control: an object of optional hooks with a stable kebab-case `name`.
 *
 * Order: the first listed is outermost. `transformParams` run in list order (once per call, in
 * the method layer, before the SDK sees the params); `transformResult` and stream transformers
 * run in reverse order on each reply (in the HTTP layer), so the outermost control sees the
 * reply last.
 *
 * Errors: throw a `SecureClaudeError` to refuse the call. Anything else thrown is wrapped as
 * `SCC_MIDDLEWARE_FAILED` and the call fails closed.
 *
 * @example
 * const maxTokensCap: SecureMiddleware = {
 *   name: 'max-tokens-cap',
 *   transformParams(params, ctx) {
 *     if (!('max_tokens' in params) || params.max_tokens <= 4096) return params;
 *     ctx.decide({ action: 'override', reason: 'max-tokens-capped' });
 *     return { ...params, max_tokens: 4096 };
 *   },
 * };
 */
export interface SecureMiddleware {
  /** Stable kebab-case id; shows in decisions, spans, audit events and `error.source`. */
  readonly name: string;
  /** Rewrite or refuse the params. Must not mutate its input; return a new object to change it. */
  transformParams?(params: MessageParams, ctx: MiddlewareContext): MaybePromise<MessageParams>;
  /** Rewrite or refuse a non-streamed reply. */
  transformResult?(result: MessageResult, ctx: MiddlewareContext): MaybePromise<MessageResult>;
  /** Create a transformer for a streamed reply; return `undefined` to leave the stream alone. */
  createStreamTransformer?(ctx: MiddlewareContext): StreamEventTransformer | undefined;
}
