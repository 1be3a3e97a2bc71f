import type { Middleware } from '@anthropic-ai/sdk/core/middleware';
import { ErrorCode, PolicyViolationError } from './errors';
import type { Call } from './pipeline';
import type { MessageResult } from './middleware';
import { transformSseBody } from './sse';

/** The request-option key under which the method layer hands its call token to the HTTP layer. */
export const CALL_TOKEN = Symbol.for('secure-claude.call-token');

/** Marks the client's own SDK middleware, so `withOptions()` clones do not install it twice. */
export const HTTP_LAYER = Symbol.for('secure-claude.http-layer');

/**
 * Tokens are empty frozen objects, mapped to their call here: request options are printed by the
 * SDK's debug log, and a token must carry nothing worth printing.
 */
const calls = new WeakMap<object, Call>();

/** Issues the token that lets this call's request through the HTTP layer. */
export function issueCallToken(call: Call): object {
  const token = Object.freeze({});
  calls.set(token, call);
  return token;
}

/** Body keys that carry prompt content on any Anthropic endpoint, present or future. */
const CONTENT_KEYS = ['messages', 'system', 'prompt', 'requests', 'input', 'content', 'documents'];

export interface HttpLayerHooks {
  /**
   * Called on a 401 for a pipeline request with the `Authorization` value that was refused.
   * Resolves the new key when the secret changed (the request is then retried once with it),
   * or `undefined` to let the 401 reach the caller.
   */
  onUnauthorized?(refusedAuthorization: string | null, call: Call): Promise<string | undefined>;
}

/**
 * The HTTP layer: the SDK `middleware` that sees every attempt.
 *
 * - Refuses, fail closed, any request whose body carries message content but that did not come
 *   through the method layer: a raw `client.post()` or a future SDK method is not a way around
 *   the controls.
 * - Runs the output hooks on each successful reply: JSON bodies whole, SSE bodies event by event.
 * - Leaves credential token exchanges (`ctx.options === undefined`) and content-free requests alone.
 */
export function createHttpLayer(hooks: HttpLayerHooks = {}): Middleware {
  const middleware: Middleware = async (request, next, context) => {
    const options = context.options;
    if (!options) return next(request);
    const token = (options as unknown as Record<symbol, unknown>)[CALL_TOKEN];
    const call = typeof token === 'object' && token !== null ? calls.get(token) : undefined;
    if (!call) {
      if (carriesContent(options.body)) {
        throw new PolicyViolationError(
          ErrorCode.PIPELINE_BYPASS,
          `Refused ${options.method?.toUpperCase() ?? 'POST'} ${options.path}: the request carries message content but did not pass the security pipeline. ` +
            'Use client.messages.* or client.beta.messages.* (create, stream, parse, countTokens, batches.create).',
          { source: 'http-layer', details: { path: options.path } },
        );
      }
      return next(request);
    }

    let response = await next(request);
    if (response.status === 401 && hooks.onUnauthorized) {
      const headers = new Headers(request.headers as HeadersInit);
      const key = await hooks.onUnauthorized(headers.get('authorization'), call);
      if (key !== undefined) {
        // One retry with the re-read key; a second 401 reaches the caller as the SDK's AuthenticationError.
        await response.body?.cancel();
        headers.set('authorization', `Bearer ${key}`);
        response = await next({ ...request, headers });
      }
    }
    if (!response.ok) return response;
    const contentType = response.headers.get('content-type') ?? '';
    const streamed = Boolean(options.stream) && contentType.includes('text/event-stream') && response.body !== null;
    const transformers = streamed && call.hasOutputWork ? call.createStreamTransformers() : [];
    if (streamed && transformers.length === 0) {
      // Nothing to do per event: the call's own work is over once the reply starts.
      call.finish();
      return response;
    }
    if (!call.hasOutputWork) return response;

    if (streamed) {
      return new Response(transformSseBody(response.body!, call, transformers), {
        status: response.status,
        statusText: response.statusText,
        headers: withoutLength(response.headers),
      });
    }
    if (contentType.includes('application/json')) {
      const body = (await response.json()) as MessageResult;
      if (body?.type !== 'message') return replay(body, response);
      return replay(await call.runResult(body), response);
    }
    return response;
  };
  Object.defineProperty(middleware, HTTP_LAYER, { value: true });
  return middleware;
}

function carriesContent(body: unknown): boolean {
  if (typeof body === 'string') return CONTENT_KEYS.some((key) => body.includes(`"${key}"`));
  if (typeof body !== 'object' || body === null) return false;
  return CONTENT_KEYS.some((key) => key in body);
}

function replay(body: unknown, response: Response): Response {
  return new Response(JSON.stringify(body), {
    status: response.status,
    statusText: response.statusText,
    headers: withoutLength(response.headers),
  });
}

function withoutLength(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete('content-length');
  copy.delete('content-encoding');
  return copy;
}
