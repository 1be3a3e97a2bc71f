import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk';
import type { APIPromise } from '@anthropic-ai/sdk/core/api-promise';
import type { OpenTelemetryOptions } from '@anthropic-ai/sdk';
import type { Anthropic as SDK } from '@anthropic-ai/sdk/client';

type RequestOptions = SDK.RequestOptions;
import type { ExtractParsedContentFromParams, ParsedMessage } from '@anthropic-ai/sdk/lib/parser';
import type { ExtractParsedContentFromBetaParams, ParsedBetaMessage } from '@anthropic-ai/sdk/lib/beta-parser';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { BetaMessageStream } from '@anthropic-ai/sdk/lib/BetaMessageStream';
import { Messages } from '@anthropic-ai/sdk/resources/messages/messages';
import { Batches } from '@anthropic-ai/sdk/resources/messages/batches';
import { Messages as BetaMessages } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import { Batches as BetaBatches } from '@anthropic-ai/sdk/resources/beta/messages/batches';
import type * as GA from '@anthropic-ai/sdk/resources/messages/messages';
import type * as GABatches from '@anthropic-ai/sdk/resources/messages/batches';
import type * as Beta from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type * as BetaBatchTypes from '@anthropic-ai/sdk/resources/beta/messages/batches';
import type { Stream } from '@anthropic-ai/sdk/core/streaming';
import { trace, type TracerProvider } from '@opentelemetry/api';
import { z } from 'zod';
import { auditEvent, MemoryAuditSink, writeAuditSafely, type AuditSink } from './core/audit';
import { ConfigError, CredentialError, ErrorCode } from './core/errors';
import { createHttpLayer, HTTP_LAYER } from './core/http-layer';
import type { Environment, MessageParams, Operation, SecureMiddleware } from './core/middleware';
import { parseOptions } from './core/options';
import { Pipeline, type Call } from './core/pipeline';
import { isPreset, type Preset } from './core/preset';
import { defaultPreset } from './presets';
import { OPERATION, attachDecisions, runSecured, type SecureRequestOptions } from './core/secure-call';
export type { SecureRequestOptions };
import { VERSION } from './version';

/**
 * Where the API key comes from in production: a cache over a secrets manager (see
 * `secure-claude/credentials`). The client feeds `getApiKey` to the SDK's per-request `apiKey`
 * and heals one 401 per request through `invalidateAfter401`.
 */
export interface KeyProvider {
  getApiKey(): Promise<string>;
  /** Forces one shared re-read after a 401; `changed` says whether a different key came back. */
  invalidateAfter401(fingerprint: string): Promise<{ changed: boolean }>;
  /** The HMAC fingerprint of a key: how keys are compared and logged, never the key itself. */
  fingerprintOf(key: string): string;
  /** The environment the provider's keys are for; checked against `security.environment`. */
  readonly environment?: Environment;
  /** The integration the provider's keys are scoped to; checked against `security.integration`. */
  readonly integration?: string;
}

/** The `security` option of {@link SecureClaudeClient}. */
export interface SecurityOptions {
  /**
   * Where the client runs. In `production` a static key, `authToken` or `ANTHROPIC_API_KEY` is
   * refused and a secret source (`credentials`) or the SDK's keyless OIDC federation is required.
   * @default 'production'
   */
  environment?: Environment;
  /** The integration (service, workflow) this client serves, for example `invoice-extractor`. */
  integration?: string;
  /**
   * A platform team's preset (see {@link definePreset}); its controls run outermost.
   * @default defaultPreset(): input guard, secret redaction, injection screening (flag)
   */
  preset?: Preset;
  /** Controls of this service, run after (inside) the preset's, in list order. */
  middleware?: readonly SecureMiddleware[];
  /** The key source for production. */
  credentials?: KeyProvider;
  /** Where audit records go. @default a bounded in-memory sink, readable as `client.security.audit` */
  audit?: AuditSink;
  /** Tracer provider for this library's own spans. @default the SDK option's, else the global one */
  tracerProvider?: TracerProvider;
  /**
   * Removes preset controls by name, each with the reason, which is written to the audit trail.
   * @example { dangerouslyRemoveMiddleware: { 'injection-screen': 'SEC-1234: screened upstream by the gateway' } }
   */
  dangerouslyRemoveMiddleware?: Readonly<Record<string, string>>;
  /** Allows content on the SDK's spans where the preset forbids it; the reason is audited. */
  dangerouslyCaptureContent?: string;
}

/** The SDK's client options plus `security`. */
export interface SecureClientOptions extends ClientOptions {
  security?: SecurityOptions | undefined;
}

const KEY_FUNCTION = Symbol.for('secure-claude.key-function');

const objectWith = <T>(method: string) =>
  z.custom<T>(
    (value) =>
      typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function',
    {
      message: `expected an object with a ${method}() method`,
    },
  );

const securitySchema = z
  .object({
    environment: z.enum(['production', 'staging', 'development', 'test']).default('production'),
    integration: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase name of at most 64 characters')
      .optional(),
    preset: z.custom<Preset>(isPreset, { message: 'expected a preset from definePreset()' }).optional(),
    middleware: z
      .array(
        z.custom<SecureMiddleware>((value) => typeof value === 'object' && value !== null, {
          message: 'expected a middleware object',
        }),
      )
      .default([]),
    credentials: objectWith<KeyProvider>('getApiKey').optional(),
    audit: objectWith<AuditSink>('write').optional(),
    tracerProvider: objectWith<TracerProvider>('getTracer').optional(),
    dangerouslyRemoveMiddleware: z.record(z.string(), z.string().min(1, 'give the reason')).default({}),
    dangerouslyCaptureContent: z.string().min(1, 'give the reason').optional(),
  })
  .strict();

/** The resolved security settings of a client, readable as `client.security`. */
export interface ResolvedSecurity {
  readonly environment: Environment;
  readonly integration: string | undefined;
  readonly preset: Preset;
  readonly middleware: readonly string[];
  readonly audit: AuditSink;
  /** How the key is supplied: `secret-source`, `oidc-federation`, `static-key`, `environment`, `custom`. */
  readonly keySource: string;
}

/**
 * A drop-in replacement for `Anthropic`: the same constructor options plus `security`, the same
 * resources and types, and every Messages call (`create`, streaming, `stream`, `parse`,
 * `countTokens`, `batches.create`, and the `beta.messages` twins) runs through the security
 * pipeline.
 *
 * - Method layer: the input controls run once per call on the params, before the SDK (and its
 *   spans and debug logs) sees them.
 * - HTTP layer (the SDK's `middleware` option): output controls run on each reply, JSON or SSE;
 *   any content-bearing request that skipped the method layer is refused.
 * - Telemetry: an explicit `openTelemetry` option is always passed to the SDK, so no environment
 *   variable can turn on prompt capture.
 *
 * @example
 * import { SecureClaudeClient } from 'secure-claude';
 * const client = new SecureClaudeClient({ apiKey, security: { environment: 'development' } });
 * const message = await client.messages.create({ model, max_tokens: 256, messages });
 */
export class SecureClaudeClient extends Anthropic {
  /** `client.messages`, secured; the methods also take `options.security` (destination, correlation id). */
  declare messages: SecureMessages;
  /** `client.beta`, with `beta.messages` secured. */
  declare beta: Anthropic['beta'] & { messages: SecureBetaMessages };
  /** The client's resolved security settings. */
  readonly security: ResolvedSecurity;
  /** @internal */
  readonly _pipeline: Pipeline;

  constructor(options: SecureClientOptions = {}) {
    const { security: rawSecurity, ...sdkOptions } = options;
    const settings = parseOptions(securitySchema, rawSecurity ?? {}, 'security');
    const audit = settings.audit ?? new MemoryAuditSink();
    const preset = settings.preset ?? defaultPreset();
    const middleware = resolveMiddleware(settings, preset, audit);
    const keying = resolveCredentials(sdkOptions, settings, audit);
    const openTelemetry = resolveTelemetry(sdkOptions.openTelemetry, settings, preset, audit);
    const tracerProvider = settings.tracerProvider ?? (openTelemetry ? openTelemetry.tracerProvider : undefined);
    const tracer = (tracerProvider ?? trace.getTracerProvider()).getTracer('secure-claude', VERSION);
    const pipeline = new Pipeline({
      middleware,
      environment: settings.environment,
      integration: settings.integration,
      audit,
      tracer,
    });
    const httpLayer = createHttpLayer(keying.onUnauthorized ? { onUnauthorized: keying.onUnauthorized } : {});
    const userMiddleware = (sdkOptions.middleware ?? []).filter(
      (entry) => !(entry as unknown as Record<symbol, unknown>)[HTTP_LAYER],
    );
    super({
      ...sdkOptions,
      ...keying.sdkOptions,
      // Outermost, so it sees the final request after any user middleware and each reply first.
      middleware: [httpLayer, ...userMiddleware],
      openTelemetry,
      security: { ...rawSecurity, audit },
    } as ClientOptions);
    this._pipeline = pipeline;
    this.security = Object.freeze({
      environment: settings.environment,
      integration: settings.integration,
      preset,
      middleware: pipeline.names,
      audit,
      keySource: keying.source,
    });
    this.messages = new SecureMessages(this, pipeline);
    this.beta.messages = new SecureBetaMessages(this, pipeline);
  }
}

function resolveMiddleware(
  settings: z.output<typeof securitySchema>,
  preset: Preset,
  audit: AuditSink,
): SecureMiddleware[] {
  const removals = settings.dangerouslyRemoveMiddleware;
  const presetNames = new Set(preset.middleware.map((middleware) => middleware.name));
  for (const name of Object.keys(removals)) {
    if (!presetNames.has(name)) {
      throw new ConfigError(
        `security.dangerouslyRemoveMiddleware.${name} names no control of the preset ${preset.name}@${preset.version}; ` +
          `its controls are: ${[...presetNames].join(', ') || 'none'}.`,
        { source: 'security' },
      );
    }
  }
  const kept = preset.middleware.filter((middleware) => {
    const reason = removals[middleware.name];
    if (reason === undefined) return true;
    writeAuditSafely(
      audit,
      auditEvent({
        type: 'preset.override',
        outcome: 'info',
        reason: 'control-removed',
        control: middleware.name,
        preset: preset.lineage.join(' > '),
        justification: reason,
        environment: settings.environment,
        integration: settings.integration,
      }),
    );
    return false;
  });
  for (const middleware of settings.middleware) {
    if (presetNames.has(middleware.name) && removals[middleware.name] === undefined) {
      throw new ConfigError(
        `security.middleware: "${middleware.name}" is a control of preset ${preset.name}; to replace it, remove the preset's with ` +
          `security.dangerouslyRemoveMiddleware["${middleware.name}"] = "<reason>" (audited) and add yours.`,
        { source: 'security' },
      );
    }
  }
  return [...kept, ...settings.middleware];
}

interface Keying {
  sdkOptions: Partial<ClientOptions>;
  source: string;
  onUnauthorized?: (refused: string | null, call: Call) => Promise<string | undefined>;
}

function resolveCredentials(
  sdkOptions: ClientOptions,
  settings: z.output<typeof securitySchema>,
  audit: AuditSink,
): Keying {
  const production = settings.environment === 'production';
  const inherited =
    typeof sdkOptions.apiKey === 'function' && (sdkOptions.apiKey as unknown as Record<symbol, unknown>)[KEY_FUNCTION];
  const provider = settings.credentials;
  const record = (type: string, reason: string) =>
    writeAuditSafely(
      audit,
      auditEvent({
        type,
        outcome: 'info',
        reason,
        environment: settings.environment,
        integration: settings.integration,
      }),
    );

  if (provider) {
    if ((sdkOptions.apiKey != null && !inherited) || sdkOptions.authToken != null || sdkOptions.credentials != null) {
      throw new ConfigError(
        'security.credentials is set together with apiKey, authToken or credentials; give the client exactly one key source.',
        { source: 'security' },
      );
    }
    if (provider.environment !== undefined && provider.environment !== settings.environment) {
      throw new CredentialError(
        ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH,
        `security.credentials serves ${provider.environment}, but the client runs in ${settings.environment}; keys are never shared across environments. ` +
          'Create the key provider with the same environment as the client.',
        { source: 'credentials' },
      );
    }
    if (
      provider.integration !== undefined &&
      settings.integration !== undefined &&
      provider.integration !== settings.integration
    ) {
      throw new CredentialError(
        ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH,
        `security.credentials is scoped to integration ${provider.integration}, but the client serves ${settings.integration}; keys are scoped per integration.`,
        { source: 'credentials' },
      );
    }
    const getApiKey = () => provider.getApiKey();
    Object.defineProperty(getApiKey, KEY_FUNCTION, { value: true });
    return {
      sdkOptions: { apiKey: getApiKey },
      source: 'secret-source',
      onUnauthorized: async (refused) => {
        const key = refused?.startsWith('Bearer ') ? refused.slice(7) : undefined;
        if (!key) return undefined;
        const { changed } = await provider.invalidateAfter401(provider.fingerprintOf(key));
        return changed ? provider.getApiKey() : undefined;
      },
    };
  }
  if (sdkOptions.credentials != null) return { sdkOptions: {}, source: 'oidc-federation' };

  const hasStatic = typeof sdkOptions.apiKey === 'string' || sdkOptions.authToken != null;
  const fromEnvironment = sdkOptions.apiKey == null && sdkOptions.authToken == null;
  if (production) {
    const offered = hasStatic
      ? 'a static apiKey/authToken'
      : typeof sdkOptions.apiKey === 'function'
        ? 'a custom apiKey function'
        : 'no key source (the SDK would read ANTHROPIC_API_KEY)';
    throw new CredentialError(
      ErrorCode.CREDENTIAL_SOURCE_FORBIDDEN,
      `In production the API key must come from a secrets manager, but the client was given ${offered}. ` +
        "Pass security.credentials (for example createKeyProvider({ source: vaultSource(...) }) from 'secure-claude/credentials'), " +
        "or the SDK's keyless credentials option; or set security.environment to 'development' or 'test' outside production.",
      { source: 'credentials' },
    );
  }
  if (hasStatic) {
    record('secret.static_key_in_use', 'static-key-outside-production');
    return { sdkOptions: {}, source: 'static-key' };
  }
  if (fromEnvironment) {
    record('secret.env_key_in_use', 'environment-key-outside-production');
    return { sdkOptions: {}, source: 'environment' };
  }
  record('secret.custom_key_function', 'custom-key-function-outside-production');
  return { sdkOptions: {}, source: 'custom' };
}

function resolveTelemetry(
  option: ClientOptions['openTelemetry'],
  settings: z.output<typeof securitySchema>,
  preset: Preset,
  audit: AuditSink,
): (OpenTelemetryOptions & { traces: { contentMode: 'content' | 'metadata_only' } }) | false {
  if (option === false) return false;
  const given = (option ?? {}) as OpenTelemetryOptions;
  const traces = typeof given.traces === 'object' ? given.traces : { enabled: given.traces ?? true };
  const wantsContent = traces.contentMode === 'content';
  if (wantsContent) {
    if (preset.contentCapture === 'forbidden' && !settings.dangerouslyCaptureContent) {
      throw new ConfigError(
        `openTelemetry.traces.contentMode 'content' is forbidden by preset ${preset.name}@${preset.version}; ` +
          'set security.dangerouslyCaptureContent to the reason (audited) to allow it.',
        { source: 'security' },
      );
    }
    writeAuditSafely(
      audit,
      auditEvent({
        type: settings.dangerouslyCaptureContent ? 'preset.override' : 'telemetry.content_capture',
        outcome: 'info',
        reason: 'content-capture-enabled',
        justification: settings.dangerouslyCaptureContent,
        environment: settings.environment,
        integration: settings.integration,
      }),
    );
  }
  // Explicit, so ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE cannot switch capture on behind our back.
  return { ...given, traces: { ...traces, contentMode: wantsContent ? 'content' : 'metadata_only' } };
}

type AnyParams = MessageParams & { stream?: boolean | null };

const runInput = <P>(params: P, call: Call) =>
  call.runInput(params as unknown as MessageParams) as unknown as Promise<P>;

async function runBatchInput<P extends { requests: Array<{ params: unknown }> }>(params: P, call: Call): Promise<P> {
  const requests = [];
  for (const request of params.requests) {
    requests.push({ ...request, params: await call.runInput(request.params as MessageParams) });
  }
  return { ...params, requests };
}

/** Catches the call a surface starts, to attach its decisions to what the surface returns. */
function observer() {
  let seen: Call | undefined;
  let target: object | undefined;
  return {
    observe(call: Call) {
      seen = call;
      if (target) attachDecisions(target, call);
    },
    attach<T extends object>(value: T): T {
      target = value;
      if (seen) attachDecisions(value, seen);
      return value;
    },
  };
}

function withOperation(
  options: SecureRequestOptions | undefined,
  operation: Operation,
  observe?: (call: Call) => void,
): SecureRequestOptions {
  return { ...options, [OPERATION]: { operation, observe } } as SecureRequestOptions;
}

/** `client.messages`, secured. Same methods and types as the SDK's `Messages`. */
export class SecureMessages extends Messages {
  override batches: SecureBatches;
  readonly #pipeline: Pipeline;

  constructor(client: SecureClaudeClient, pipeline: Pipeline) {
    super(client);
    this.#pipeline = pipeline;
    this.batches = new SecureBatches(client, pipeline);
  }

  override create(params: GA.MessageCreateParamsNonStreaming, options?: SecureRequestOptions): APIPromise<GA.Message>;
  override create(
    params: GA.MessageCreateParamsStreaming,
    options?: SecureRequestOptions,
  ): APIPromise<Stream<GA.RawMessageStreamEvent>>;
  override create(
    params: GA.MessageCreateParamsBase,
    options?: SecureRequestOptions,
  ): APIPromise<Stream<GA.RawMessageStreamEvent> | GA.Message>;
  override create(
    params: GA.MessageCreateParams,
    options?: SecureRequestOptions,
  ): APIPromise<GA.Message> | APIPromise<Stream<GA.RawMessageStreamEvent>> {
    const stream = Boolean((params as AnyParams).stream);
    return runSecured(
      this._client,
      this.#pipeline,
      'messages.create',
      stream,
      params,
      options,
      runInput,
      (safe, requestOptions) => super.create(safe as GA.MessageCreateParamsBase, requestOptions),
    ) as APIPromise<GA.Message>;
  }

  override stream<Params extends GA.MessageStreamParams>(
    body: Params,
    options?: SecureRequestOptions,
  ): MessageStream<ExtractParsedContentFromParams<Params>> {
    // Without `client`, the helper starts no span of its own from the raw params; the SDK's
    // create span (from the secured params) records the stream instead.
    const observed = observer();
    const stream: MessageStream<ExtractParsedContentFromParams<Params>> = MessageStream.createMessage<
      ExtractParsedContentFromParams<Params>
    >(
      this,
      body as GA.MessageCreateParamsBase,
      withOperation(options, 'messages.stream', observed.observe) as RequestOptions,
      { logger: this._client.logger ?? console },
    );
    return observed.attach(stream);
  }

  override parse<Params extends GA.MessageCreateParamsNonStreaming>(
    params: Params,
    options?: SecureRequestOptions,
  ): APIPromise<ParsedMessage<ExtractParsedContentFromParams<Params>>> {
    const observed = observer();
    const parsed = super.parse(params, withOperation(options, 'messages.parse', observed.observe) as RequestOptions);
    // The SDK's parse() returns a plain promise of a new object; carry the decisions over to it.
    return parsed.then((message) => observed.attach(message)) as typeof parsed;
  }

  override countTokens(
    params: GA.MessageCountTokensParams,
    options?: SecureRequestOptions,
  ): APIPromise<GA.MessageTokensCount> {
    return runSecured(
      this._client,
      this.#pipeline,
      'messages.countTokens',
      false,
      params,
      options,
      runInput,
      (safe, requestOptions) => super.countTokens(safe, requestOptions),
    );
  }
}

/** `client.messages.batches`, secured: every request's params pass the input pipeline. */
export class SecureBatches extends Batches {
  readonly #pipeline: Pipeline;

  constructor(client: SecureClaudeClient, pipeline: Pipeline) {
    super(client);
    this.#pipeline = pipeline;
  }

  override create(
    params: GABatches.BatchCreateParams,
    options?: SecureRequestOptions,
  ): APIPromise<GABatches.MessageBatch> {
    return runSecured(
      this._client,
      this.#pipeline,
      'messages.batches.create',
      false,
      params,
      options,
      runBatchInput,
      (safe, requestOptions) => super.create(safe, requestOptions),
    );
  }
}

/** `client.beta.messages`, secured. Same methods and types as the SDK's beta `Messages`. */
export class SecureBetaMessages extends BetaMessages {
  override batches: SecureBetaBatches;
  readonly #pipeline: Pipeline;

  constructor(client: SecureClaudeClient, pipeline: Pipeline) {
    super(client);
    this.#pipeline = pipeline;
    this.batches = new SecureBetaBatches(client, pipeline);
  }

  override create(
    params: Beta.MessageCreateParamsNonStreaming,
    options?: SecureRequestOptions,
  ): APIPromise<Beta.BetaMessage>;
  override create(
    params: Beta.MessageCreateParamsStreaming,
    options?: SecureRequestOptions,
  ): APIPromise<Stream<Beta.BetaRawMessageStreamEvent>>;
  override create(
    params: Beta.MessageCreateParamsBase,
    options?: SecureRequestOptions,
  ): APIPromise<Stream<Beta.BetaRawMessageStreamEvent> | Beta.BetaMessage>;
  override create(
    params: Beta.MessageCreateParams,
    options?: SecureRequestOptions,
  ): APIPromise<Beta.BetaMessage> | APIPromise<Stream<Beta.BetaRawMessageStreamEvent>> {
    const stream = Boolean((params as AnyParams).stream);
    return runSecured(
      this._client,
      this.#pipeline,
      'beta.messages.create',
      stream,
      params,
      options,
      runInput,
      (safe, requestOptions) => super.create(safe as Beta.MessageCreateParamsBase, requestOptions),
    ) as APIPromise<Beta.BetaMessage>;
  }

  override stream<Params extends Beta.BetaMessageStreamParams>(
    body: Params,
    options?: SecureRequestOptions,
  ): BetaMessageStream<ExtractParsedContentFromBetaParams<Params>> {
    const observed = observer();
    const stream: BetaMessageStream<ExtractParsedContentFromBetaParams<Params>> = BetaMessageStream.createMessage<
      ExtractParsedContentFromBetaParams<Params>
    >(
      this,
      body as Beta.MessageCreateParamsBase,
      withOperation(options, 'beta.messages.stream', observed.observe) as RequestOptions,
      { logger: this._client.logger ?? console },
    );
    return observed.attach(stream);
  }

  override parse<Params extends Beta.MessageCreateParamsNonStreaming>(
    params: Params,
    options?: SecureRequestOptions,
  ): APIPromise<ParsedBetaMessage<ExtractParsedContentFromBetaParams<Params>>> {
    const observed = observer();
    const parsed = super.parse(
      params,
      withOperation(options, 'beta.messages.parse', observed.observe) as RequestOptions,
    );
    return parsed.then((message) => observed.attach(message)) as typeof parsed;
  }

  override countTokens(
    params: Beta.MessageCountTokensParams,
    options?: SecureRequestOptions,
  ): APIPromise<Beta.BetaMessageTokensCount> {
    return runSecured(
      this._client,
      this.#pipeline,
      'beta.messages.countTokens',
      false,
      params,
      options,
      runInput,
      (safe, requestOptions) => super.countTokens(safe, requestOptions),
    );
  }
}

/** `client.beta.messages.batches`, secured. */
export class SecureBetaBatches extends BetaBatches {
  readonly #pipeline: Pipeline;

  constructor(client: SecureClaudeClient, pipeline: Pipeline) {
    super(client);
    this.#pipeline = pipeline;
  }

  override create(
    params: BetaBatchTypes.BatchCreateParams,
    options?: SecureRequestOptions,
  ): APIPromise<BetaBatchTypes.BetaMessageBatch> {
    return runSecured(
      this._client,
      this.#pipeline,
      'beta.messages.batches.create',
      false,
      params,
      options,
      runBatchInput,
      (safe, requestOptions) => super.create(safe, requestOptions),
    );
  }
}
