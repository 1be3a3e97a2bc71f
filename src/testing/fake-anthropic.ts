/**
 * Loopback fake of the Anthropic API (Messages, count_tokens, batches, models) speaking the real JSON and SSE wire
 * format, driven through the real `@anthropic-ai/sdk` with `baseURL: fake.url`.
 *
 * Design notes:
 * - Every request is recorded with the API key replaced by a short SHA-256 hash (`keyHash`); the rest of the request
 *   (other headers, body) is kept verbatim so canary scans can detect a key that leaked anywhere else.
 * - Reply scripts (`reply`, `failNext`, `setDefault`) apply to `POST /v1/messages` only; the other routes always
 *   answer normally once the key is accepted.
 * - Timers use the real `setTimeout` captured at import, so vitest fake timers never freeze the server.
 * - No logging and no per-request crypto beyond the (cached) key hash: the fake is also used by benchmarks.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** Reply text used when no script is queued and no default was set. */
export const DEFAULT_REPLY_TEXT = 'Hello from the fake Messages API.';

const DEFAULT_TEXT_DELTA_COUNT = 20;
const DEFAULT_JSON_PIECE_COUNT = 3;
const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A content block the fake can return: plain text or a tool call. */
export type ScriptedContentBlock =
  | { type: 'text'; text: string }
  | {
      type: 'tool_use';
      id?: string;
      name: string;
      input: Record<string, unknown>;
    };

/** Stop reasons the fake can report. */
export type ScriptedStopReason =
  'end_turn' | 'max_tokens' | 'tool_use' | 'refusal' | 'stop_sequence' | 'pause_turn' | 'model_context_window_exceeded';

/** Usage numbers; anything omitted is derived from the request and reply sizes. */
export interface ScriptedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** An `event: error` written in the middle of an SSE stream. */
export interface ScriptedStreamError {
  type: string;
  message: string;
}

/**
 * How the fake answers one `POST /v1/messages` request. All fields are optional and combinable, e.g.
 * `{ text: 'hi', splits: [1], cutAfterEvents: 3 }`.
 */
export interface ReplyScript {
  /** Reply with one text block. */
  text?: string;
  /** Reply with these blocks (text and tool_use). Takes precedence over `json` and `text`. */
  content?: ScriptedContentBlock[];
  /** Reply with one text block holding `JSON.stringify(json)`. Takes precedence over `text`. */
  json?: unknown;
  /** Default: `tool_use` when the content has a tool call, otherwise `end_turn`. */
  stop_reason?: ScriptedStopReason;
  /** Reported with `stop_reason: 'stop_sequence'`. */
  stop_sequence?: string;
  /** Model reported in the reply; default echoes the request's `model`. */
  model?: string;
  usage?: Partial<ScriptedUsage>;

  /** Stream only: character offsets where every text block is cut into `text_delta` events (default ~20 deltas). */
  splits?: number[];
  /** Stream only: character offsets where each tool input JSON is cut into `input_json_delta` events. */
  jsonSplits?: number[];
  /**
   * Stream only: `n > 0` writes an `event: ping` after every n events; `0` writes none. Default: one ping after the
   * first `content_block_start`, like the real API.
   */
  pingEvery?: number;

  /** Answer with this HTTP error status (401, 429, 500, 529, 400, …) in the API error shape. */
  status?: number;
  /** Seconds for the `retry-after` header (429 always sends one, default 0). */
  retryAfter?: number;
  /** Error `type`; default derived from `status` (529 → `overloaded_error`). */
  errorType?: string;
  /** Error message; default derived from `status`. */
  message?: string;
  /** Extra response headers (e.g. `retry-after-ms`, `x-should-retry`). */
  headers?: Record<string, string>;

  /** Wait this long before sending the response headers. */
  stallMs?: number;
  /** Write this many events (SSE) or half the JSON body, then destroy the socket. */
  cutAfterEvents?: number;
  /** Write this many events (SSE) or half the JSON body, then write nothing more until `close()`. */
  stallAfterEvents?: number;
  /** Write an SSE `event: error` after `afterEvents` events, then end the stream. */
  sseError?: ScriptedStreamError;
  /** Events written before `sseError` (default 0). */
  afterEvents?: number;
}

/** A fault for {@link FakeAnthropic.failNext}: an error status or a transport-level misbehaviour. */
export type FaultScript = Pick<
  ReplyScript,
  | 'status'
  | 'retryAfter'
  | 'errorType'
  | 'message'
  | 'headers'
  | 'stallMs'
  | 'cutAfterEvents'
  | 'stallAfterEvents'
  | 'sseError'
  | 'afterEvents'
>;

/** One request as received by the fake, with the API key replaced by its hash. */
export interface RecordedRequest {
  method: string;
  /** Path including any query string. */
  path: string;
  /** Lower-cased headers; `authorization` and `x-api-key` values are replaced by the key hash. */
  headers: Record<string, string>;
  /** `sha256(key)` hex, first 16 chars; `null` when no key was sent. */
  keyHash: string | null;
  /** Parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  body: unknown;
  /** Whether the body asked for a stream. */
  stream: boolean;
  /** Value of `x-stainless-retry-count`, or `null` when absent. */
  retryCount: number | null;
  /** `Date.now()` when the request body was complete. */
  time: number;
  /** The `request-id` header of the response. */
  requestId: string;
}

/** Options for {@link startFakeAnthropic}. */
export interface FakeAnthropicOptions {
  /** Keys accepted initially (default `'any'`). */
  allowKeys?: readonly string[] | 'any';
  /** Initial default reply script. */
  defaultReply?: ReplyScript;
}

/** Handle on a running fake Anthropic server. */
export interface FakeAnthropic {
  /** Base URL for the SDK, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly port: number;
  /** Every request received so far (same array instance for the fake's lifetime). */
  readonly requests: RecordedRequest[];
  /** Queue a one-shot script for the next `POST /v1/messages` (FIFO). */
  reply(script: ReplyScript): void;
  /** Make the next `count` `POST /v1/messages` requests fail with `fault` (placed ahead of queued replies). */
  failNext(count: number, fault: FaultScript): void;
  /** Replace the script used when the queue is empty. */
  setDefault(script: ReplyScript): void;
  /** Accept only these keys (or any key); also lifts revocations. */
  allowKeys(keys: readonly string[] | 'any'): void;
  /** Reject this key with 401 from now on. */
  revokeKey(key: string): void;
  /** Number of scripts still queued. */
  pendingReplies(): number;
  /** Clear recorded requests and queued scripts; restore the default reply and accept any key. */
  reset(): void;
  /** Close the server, destroying open sockets and pending stalls. */
  close(): Promise<void>;
}

/** Short, stable key fingerprint used in the request log: sha256 hex, first 16 characters. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Start a fake Anthropic API on `127.0.0.1` with an ephemeral port. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const initialDefault: ReplyScript = options.defaultReply ?? {
    text: DEFAULT_REPLY_TEXT,
  };
  const requests: RecordedRequest[] = [];
  const replyQueue: ReplyScript[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const keyHashCache = new Map<string, string>();
  const keyPolicy = {
    allowed: normalizeAllowedKeys(options.allowKeys ?? 'any'),
    revoked: new Set<string>(),
  };
  let defaultReply = initialDefault;
  let closed = false;

  const cachedHashKey = (key: string): string => {
    let hash = keyHashCache.get(key);
    if (hash === undefined) {
      if (keyHashCache.size > 1_000) keyHashCache.clear();
      hash = hashKey(key);
      keyHashCache.set(key, hash);
    }
    return hash;
  };

  const isKeyAccepted = (key: string): boolean =>
    !keyPolicy.revoked.has(key) && (keyPolicy.allowed === 'any' || keyPolicy.allowed.has(key));

  const delay = (milliseconds: number, response: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      const timer = realSetTimeout(() => {
        timers.delete(timer);
        response.off('close', onClose);
        resolve();
      }, milliseconds);
      timers.add(timer);
      // A client that gives up during the stall ends the wait early; writes after that are no-ops.
      const onClose = (): void => {
        realClearTimeout(timer);
        timers.delete(timer);
        resolve();
      };
      response.once('close', onClose);
    });

  const handleRequest = async (request: IncomingMessage, response: ServerResponse, rawBody: string): Promise<void> => {
    const requestId = `req_011C${randomBase62(20)}`;
    const path = request.url ?? '/';
    const routePath = path.split('?', 1)[0] ?? path;
    const credential = extractCredential(request);
    const keyHash = credential === null ? null : cachedHashKey(credential);
    const body = parseBody(rawBody);
    const stream = isRecord(body) && body['stream'] === true;
    const retryHeader = request.headers['x-stainless-retry-count'];
    requests.push({
      method: request.method ?? 'GET',
      path,
      headers: recordableHeaders(request, cachedHashKey),
      keyHash,
      body,
      stream,
      retryCount: typeof retryHeader === 'string' && retryHeader !== '' ? Number(retryHeader) : null,
      time: Date.now(),
      requestId,
    });

    const route = `${request.method ?? 'GET'} ${routePath}`;
    if (!KNOWN_ROUTES.has(route)) {
      sendError(response, requestId, 404, 'not_found_error', `${request.method ?? 'GET'} ${routePath} not found`);
      return;
    }
    if (credential === null) {
      sendError(response, requestId, 401, 'authentication_error', 'x-api-key header is required');
      return;
    }
    if (!isKeyAccepted(credential)) {
      sendError(response, requestId, 401, 'authentication_error', 'invalid x-api-key');
      return;
    }
    if (request.method === 'POST' && !isRecord(body)) {
      sendError(response, requestId, 400, 'invalid_request_error', 'Request body must be a JSON object');
      return;
    }
    const requestBody = isRecord(body) ? body : {};

    switch (route) {
      case 'POST /v1/messages/count_tokens':
        sendJson(response, requestId, 200, {
          input_tokens: estimateInputTokens(requestBody),
        });
        return;
      case 'POST /v1/messages/batches':
        sendJson(response, requestId, 200, buildMessageBatch(requestBody));
        return;
      case 'GET /v1/models':
        sendJson(response, requestId, 200, MODEL_LIST);
        return;
      default:
        break;
    }

    const script = replyQueue.shift() ?? defaultReply;
    if (script.stallMs !== undefined && script.stallMs > 0) {
      await delay(script.stallMs, response);
      if (response.destroyed || closed) return;
    }
    if (script.status !== undefined && script.status >= 400) {
      sendScriptedError(response, requestId, script);
      return;
    }
    const missingField = ['model', 'max_tokens', 'messages'].find((field) => requestBody[field] === undefined);
    if (missingField !== undefined) {
      sendError(response, requestId, 400, 'invalid_request_error', `${missingField}: Field required`);
      return;
    }
    const message = buildMessage(script, requestBody);
    if (stream) {
      await sendEventStream(response, requestId, script, message);
    } else {
      await sendMessageJson(response, requestId, script, message);
    }
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', ignoreError);
    response.on('error', ignoreError);
    request.on('end', () => {
      handleRequest(request, response, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!response.headersSent && !response.destroyed) {
          sendError(response, 'req_internal', 500, 'api_error', 'Internal server error');
        } else {
          response.destroy();
        }
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    reply(script) {
      replyQueue.push(script);
    },
    failNext(count, fault) {
      replyQueue.unshift(...Array.from({ length: count }, () => fault));
    },
    setDefault(script) {
      defaultReply = script;
    },
    allowKeys(keys) {
      keyPolicy.allowed = normalizeAllowedKeys(keys);
      if (keys === 'any') keyPolicy.revoked.clear();
      else for (const key of keys) keyPolicy.revoked.delete(key);
    },
    revokeKey(key) {
      keyPolicy.revoked.add(key);
      if (keyPolicy.allowed !== 'any') keyPolicy.allowed.delete(key);
    },
    pendingReplies() {
      return replyQueue.length;
    },
    reset() {
      requests.length = 0;
      replyQueue.length = 0;
      defaultReply = initialDefault;
      keyPolicy.allowed = 'any';
      keyPolicy.revoked.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) realClearTimeout(timer);
      timers.clear();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await serverClosed;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Routes and canned payloads

const KNOWN_ROUTES = new Set([
  'POST /v1/messages',
  'POST /v1/messages/count_tokens',
  'POST /v1/messages/batches',
  'GET /v1/models',
]);

const MODEL_LIST = {
  data: [
    {
      type: 'model',
      id: 'claude-opus-4-1-20250805',
      display_name: 'Claude Opus 4.1',
      created_at: '2025-08-05T00:00:00Z',
    },
    {
      type: 'model',
      id: 'claude-sonnet-4-5-20250929',
      display_name: 'Claude Sonnet 4.5',
      created_at: '2025-09-29T00:00:00Z',
    },
    {
      type: 'model',
      id: 'claude-haiku-4-5-20251001',
      display_name: 'Claude Haiku 4.5',
      created_at: '2025-10-01T00:00:00Z',
    },
  ],
  has_more: false,
  first_id: 'claude-opus-4-1-20250805',
  last_id: 'claude-haiku-4-5-20251001',
};

const ERROR_DEFAULTS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: {
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  404: { type: 'not_found_error', message: 'Not found' },
  413: {
    type: 'request_too_large',
    message: 'Request exceeds the maximum allowed number of bytes.',
  },
  429: {
    type: 'rate_limit_error',
    message: 'Number of request tokens has exceeded your per-minute rate limit',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

interface WireMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: WireContentBlock[];
  stop_reason: ScriptedStopReason;
  stop_sequence: string | null;
  usage: WireUsage;
}

type WireContentBlock =
  | { type: 'text'; text: string }
  | {
      type: 'tool_use';
      id: string;
      name: string;
      input: Record<string, unknown>;
    };

interface WireUsage extends ScriptedUsage {
  cache_creation: {
    ephemeral_5m_input_tokens: number;
    ephemeral_1h_input_tokens: number;
  };
  service_tier: 'standard';
}

function buildMessage(script: ReplyScript, requestBody: Record<string, unknown>): WireMessage {
  const content = scriptedContent(script);
  const outputCharacters = content.reduce(
    (total, block) => total + (block.type === 'text' ? block.text.length : JSON.stringify(block.input).length),
    0,
  );
  const stopReason =
    script.stop_reason ?? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
  const requestModel = typeof requestBody['model'] === 'string' ? requestBody['model'] : 'claude-sonnet-5-5';
  return {
    id: `msg_01${randomBase62(22)}`,
    type: 'message',
    role: 'assistant',
    model: script.model ?? requestModel,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? (script.stop_sequence ?? '\n\nHuman:') : null,
    usage: {
      input_tokens: script.usage?.input_tokens ?? estimateInputTokens(requestBody),
      cache_creation_input_tokens: script.usage?.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: script.usage?.cache_read_input_tokens ?? 0,
      cache_creation: {
        ephemeral_5m_input_tokens: 0,
        ephemeral_1h_input_tokens: 0,
      },
      output_tokens: script.usage?.output_tokens ?? Math.max(1, Math.ceil(outputCharacters / 4)),
      service_tier: 'standard',
    },
  };
}

function scriptedContent(script: ReplyScript): WireContentBlock[] {
  if (script.content !== undefined) {
    return script.content.map((block) =>
      block.type === 'text'
        ? { type: 'text', text: block.text }
        : {
            type: 'tool_use',
            id: block.id ?? `toolu_01${randomBase62(22)}`,
            name: block.name,
            input: block.input,
          },
    );
  }
  if (script.json !== undefined) return [{ type: 'text', text: JSON.stringify(script.json) }];
  return [{ type: 'text', text: script.text ?? DEFAULT_REPLY_TEXT }];
}

function buildMessageBatch(requestBody: Record<string, unknown>): Record<string, unknown> {
  const batchRequests = Array.isArray(requestBody['requests']) ? requestBody['requests'] : [];
  const createdAt = new Date();
  return {
    id: `msgbatch_01${randomBase62(22)}`,
    type: 'message_batch',
    processing_status: 'in_progress',
    request_counts: {
      processing: batchRequests.length,
      succeeded: 0,
      errored: 0,
      canceled: 0,
      expired: 0,
    },
    ended_at: null,
    created_at: createdAt.toISOString(),
    expires_at: new Date(createdAt.getTime() + 24 * 60 * 60 * 1000).toISOString(),
    archived_at: null,
    cancel_initiated_at: null,
    results_url: null,
  };
}

/** Rough token estimate: length of the request's text (messages, system, tools; not roles or types) divided by 4. */
function estimateInputTokens(requestBody: Record<string, unknown>): number {
  const characters =
    countStringCharacters(requestBody['messages']) +
    countStringCharacters(requestBody['system']) +
    countStringCharacters(requestBody['tools']);
  return Math.max(1, Math.ceil(characters / 4));
}

/** Structural fields that are not model-visible text and do not count as tokens. */
const NON_TEXT_FIELDS = new Set(['role', 'type', 'id', 'tool_use_id', 'cache_control', 'media_type']);

function countStringCharacters(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (depth > 32 || value === null || typeof value !== 'object') return 0;
  let total = 0;
  for (const [field, child] of Object.entries(value)) {
    if (!NON_TEXT_FIELDS.has(field)) total += countStringCharacters(child, depth + 1);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------------------
// Responses

function baseHeaders(requestId: string, contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'request-id': requestId };
}

function sendJson(
  response: ServerResponse,
  requestId: string,
  status: number,
  payload: unknown,
  extraHeaders?: Record<string, string>,
): void {
  const body = Buffer.from(JSON.stringify(payload));
  response.writeHead(status, {
    ...baseHeaders(requestId, 'application/json'),
    'content-length': String(body.length),
    ...extraHeaders,
  });
  response.end(body);
}

function errorPayload(requestId: string, type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

function sendError(
  response: ServerResponse,
  requestId: string,
  status: number,
  type: string,
  message: string,
  extraHeaders?: Record<string, string>,
): void {
  sendJson(response, requestId, status, errorPayload(requestId, type, message), extraHeaders);
}

function sendScriptedError(response: ServerResponse, requestId: string, script: ReplyScript): void {
  const status = script.status ?? 500;
  const defaults = ERROR_DEFAULTS[status] ?? {
    type: 'api_error',
    message: `HTTP ${status}`,
  };
  const headers: Record<string, string> = {};
  const retryAfter = script.retryAfter ?? (status === 429 ? 0 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  Object.assign(headers, script.headers);
  sendError(
    response,
    requestId,
    status,
    script.errorType ?? defaults.type,
    script.message ?? defaults.message,
    headers,
  );
}

/** Write `chunk` and wait until it is handed to the socket (so a following destroy does not drop it). */
function writeAndFlush(response: ServerResponse, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) {
      resolve();
      return;
    }
    response.write(chunk, () => resolve());
  });
}

/** Send the response headers now and wait until they are handed to the socket. */
function flushHeaders(response: ServerResponse): Promise<void> {
  response.flushHeaders();
  const socket = response.socket;
  if (socket === null || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.write('', () => resolve()));
}

async function sendMessageJson(
  response: ServerResponse,
  requestId: string,
  script: ReplyScript,
  message: WireMessage,
): Promise<void> {
  const cutsOrStalls = script.cutAfterEvents !== undefined || script.stallAfterEvents !== undefined;
  if (!cutsOrStalls) {
    sendJson(response, requestId, 200, message, script.headers);
    return;
  }
  const body = Buffer.from(JSON.stringify(message));
  response.writeHead(200, {
    ...baseHeaders(requestId, 'application/json'),
    'content-length': String(body.length),
    ...script.headers,
  });
  await writeAndFlush(response, body.subarray(0, Math.floor(body.length / 2)));
  if (script.cutAfterEvents !== undefined) response.destroy();
  // stallAfterEvents: leave the response open; close() destroys the socket.
}

interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

async function sendEventStream(
  response: ServerResponse,
  requestId: string,
  script: ReplyScript,
  message: WireMessage,
): Promise<void> {
  const events = withPings(buildStreamEvents(script, message), script.pingEvery);
  response.writeHead(200, {
    ...baseHeaders(requestId, 'text/event-stream; charset=utf-8'),
    'cache-control': 'no-cache',
    ...script.headers,
  });

  const limit = Math.min(
    events.length,
    script.cutAfterEvents ?? Infinity,
    script.stallAfterEvents ?? Infinity,
    script.sseError !== undefined ? (script.afterEvents ?? 0) : Infinity,
  );
  if (limit === 0) await flushHeaders(response);
  for (let index = 0; index < limit; index++) {
    const event = events[index]!;
    const chunk = serializeEvent(event.event, event.data);
    if (index === limit - 1) await writeAndFlush(response, chunk);
    else response.write(chunk);
  }
  if (response.destroyed) return;

  if (script.cutAfterEvents !== undefined && script.cutAfterEvents <= limit) {
    response.destroy();
    return;
  }
  if (script.stallAfterEvents !== undefined && script.stallAfterEvents <= limit) {
    return; // keep the socket open; close() destroys it
  }
  if (script.sseError !== undefined) {
    response.end(serializeEvent('error', errorPayload(requestId, script.sseError.type, script.sseError.message)));
    return;
  }
  response.end();
}

function serializeEvent(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function buildStreamEvents(script: ReplyScript, message: WireMessage): StreamEvent[] {
  const events: StreamEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          ...message,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...message.usage, output_tokens: 1 },
        },
      },
    },
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        },
      });
      const pieces =
        script.splits !== undefined
          ? splitAt(block.text, script.splits)
          : splitEvenly(block.text, DEFAULT_TEXT_DELTA_COUNT);
      for (const text of pieces) {
        events.push({
          event: 'content_block_delta',
          data: {
            type: 'content_block_delta',
            index,
            delta: { type: 'text_delta', text },
          },
        });
      }
    } else {
      events.push({
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index,
          content_block: {
            type: 'tool_use',
            id: block.id,
            name: block.name,
            input: {},
          },
        },
      });
      const json = JSON.stringify(block.input);
      const pieces =
        script.jsonSplits !== undefined
          ? splitAt(json, script.jsonSplits)
          : splitEvenly(json, DEFAULT_JSON_PIECE_COUNT);
      for (const partialJson of pieces) {
        events.push({
          event: 'content_block_delta',
          data: {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: partialJson },
          },
        });
      }
    }
    events.push({
      event: 'content_block_stop',
      data: { type: 'content_block_stop', index },
    });
  });
  events.push(
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: {
          stop_reason: message.stop_reason,
          stop_sequence: message.stop_sequence,
        },
        usage: { output_tokens: message.usage.output_tokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}

function withPings(events: StreamEvent[], pingEvery: number | undefined): StreamEvent[] {
  const ping: StreamEvent = { event: 'ping', data: { type: 'ping' } };
  if (pingEvery === 0) return events;
  if (pingEvery === undefined) {
    const firstBlockStart = events.findIndex((event) => event.event === 'content_block_start');
    if (firstBlockStart < 0) return events;
    return [...events.slice(0, firstBlockStart + 1), ping, ...events.slice(firstBlockStart + 1)];
  }
  const result: StreamEvent[] = [];
  events.forEach((event, index) => {
    result.push(event);
    if ((index + 1) % pingEvery === 0 && index < events.length - 1) result.push(ping);
  });
  return result;
}

/** Cut `text` at the given offsets (out-of-range and duplicate offsets ignored). Empty text yields no pieces. */
function splitAt(text: string, offsets: readonly number[]): string[] {
  if (text === '') return [];
  const cuts = [...new Set(offsets)].filter((offset) => offset > 0 && offset < text.length).sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

function splitEvenly(text: string, pieceCount: number): string[] {
  if (text === '') return [];
  const size = Math.ceil(text.length / Math.min(pieceCount, text.length));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

// ---------------------------------------------------------------------------------------------------------------------
// Requests

function extractCredential(request: IncomingMessage): string | null {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer\s+(.+)$/i.exec(authorization);
  return match?.[1] ?? null;
}

function recordableHeaders(request: IncomingMessage, hash: (key: string) => string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (name === 'x-api-key') headers[name] = hash(text);
    else if (name === 'authorization') {
      const bearer = /^(Bearer)\s+(.+)$/i.exec(text);
      headers[name] = bearer ? `${bearer[1]} ${hash(bearer[2]!)}` : hash(text);
    } else headers[name] = text;
  }
  return headers;
}

function parseBody(rawBody: string): unknown {
  if (rawBody === '') return undefined;
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return rawBody;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalizeAllowedKeys(keys: readonly string[] | 'any'): Set<string> | 'any' {
  return keys === 'any' ? 'any' : new Set(keys);
}

function randomBase62(length: number): string {
  let result = '';
  for (let index = 0; index < length; index++) result += BASE62_ALPHABET[Math.floor(Math.random() * 62)];
  return result;
}

function ignoreError(): void {
  // Clients disconnect mid-stream on purpose in fault tests.
}
