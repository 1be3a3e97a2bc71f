import { context, trace } from '@opentelemetry/api';
import type { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { APIPromise } from '@anthropic-ai/sdk/core/api-promise';
import type { Anthropic as SDK } from '@anthropic-ai/sdk/client';

type RequestOptions = SDK.RequestOptions;
import { CALL_TOKEN, issueCallToken } from './http-layer';
import type { CallSecurityOptions, Operation, SecurityDecisions } from './middleware';
import type { Call, Pipeline } from './pipeline';

/** SDK request options plus the per-call `security` options. */
export type SecureRequestOptions = RequestOptions & { security?: CallSecurityOptions };

/** Lets a surface (stream, parse) name the operation when it goes through `create`. */
export const OPERATION = Symbol.for('secure-claude.operation');

const DECISIONS_PROPERTY = '_security';

/**
 * The decisions of the call that produced `value` (a Message, a Stream, a MessageStream, a token
 * count or a batch), or undefined for values that did not come from a secured call.
 */
export function getSecurityDecisions(value: unknown): SecurityDecisions | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [DECISIONS_PROPERTY]?: SecurityDecisions })[DECISIONS_PROPERTY];
}

/** Attaches a live, non-enumerable view of the call's decisions, as the SDK attaches `_request_id`. */
export function attachDecisions<T>(value: T, call: Call): T {
  if (typeof value === 'object' && value !== null && Object.isExtensible(value)) {
    Object.defineProperty(value, DECISIONS_PROPERTY, {
      get: () => call.snapshot(),
      enumerable: false,
      configurable: true,
    });
  }
  return value;
}

/**
 * An `APIPromise` whose request starts only after the input pipeline has run. Everything
 * delegates to the SDK's own promise once it exists, so spans, `withResponse()` and
 * `asResponse()` behave exactly as the SDK's.
 */
/** An APIPromise in a box: `await` on an async function's return would otherwise unwrap it. */
interface Boxed<T> {
  readonly promise: APIPromise<T>;
}

// `_responseProps` is internal to the SDK (stripped from its typings) but is how its own helpers chain requests.
const responsePropsOf = (promise: APIPromise<unknown>): Promise<never> =>
  (promise as unknown as { _responseProps(): Promise<never> })._responseProps();

class SecuredAPIPromise<T> extends APIPromise<T> {
  readonly #inner: Promise<Boxed<T>>;
  readonly #call: Call;

  constructor(client: BaseAnthropic, inner: Promise<Boxed<T>>, call: Call) {
    const responsePromise = inner.then(({ promise }) => responsePropsOf(promise));
    super(client, responsePromise, async () => {
      const data = await (await inner).promise;
      if (!call.stream) call.finish();
      return attachDecisions(data, call);
    });
    this.#inner = inner;
    this.#call = call;
  }

  override asResponse(): Promise<Response> {
    return this.#inner.then(({ promise }) => promise.asResponse());
  }

  override async withResponse(): Promise<{
    data: T;
    response: Response;
    request_id: string | null | undefined;
    workspace_id: string | null | undefined;
  }> {
    const result = await (await this.#inner).promise.withResponse();
    if (!this.#call.stream) this.#call.finish();
    attachDecisions(result.data, this.#call);
    return result;
  }
}

/**
 * Runs one call through the method layer: begins the call, runs the input pipeline once, then
 * invokes the SDK method with the transformed params inside the call's span, handing the HTTP
 * layer the call's token through the request options.
 */
export function runSecured<P, T>(
  client: BaseAnthropic,
  pipeline: Pipeline,
  operation: Operation,
  stream: boolean,
  params: P,
  options: SecureRequestOptions | undefined,
  transform: (params: P, call: Call) => Promise<P>,
  invoke: (params: P, options: RequestOptions) => APIPromise<T>,
): APIPromise<T> {
  const { security, ...sdkOptions } = options ?? {};
  const surface = (options as Record<symbol, unknown> | undefined)?.[OPERATION] as
    { operation: Operation; observe?: (call: Call) => void } | undefined;
  const call = pipeline.begin(surface?.operation ?? operation, stream, security);
  surface?.observe?.(call);
  const token = issueCallToken(call);
  const inner = (async () => {
    const safe = await transform(params, call);
    const requestOptions = { ...sdkOptions, [CALL_TOKEN]: token } as RequestOptions;
    const parent = call.span ? trace.setSpan(context.active(), call.span) : context.active();
    return { promise: context.with(parent, () => invoke(safe, requestOptions)) };
  })();
  inner.then(
    ({ promise }) => responsePropsOf(promise).then(undefined, (error: unknown) => call.finish(error)),
    (error: unknown) => call.finish(error),
  );
  return new SecuredAPIPromise<T>(client, inner, call);
}
