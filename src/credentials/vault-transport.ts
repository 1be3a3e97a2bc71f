import http from 'node:http';
import https from 'node:https';

/** Where the transport puts response facts that node-vault would discard (it keeps only status and body). */
export const RESPONSE_FACTS = Symbol.for('secure-claude.vault-response-facts');

/** Response facts kept next to an error body: the server-requested delay of a 429. */
export interface ResponseFacts {
  retryAfterSeconds?: number;
}

/** Why a Vault request failed before a status code arrived. */
export type TransportFailure = 'timeout' | 'connection' | 'response-too-large' | 'unexpected-origin';

/**
 * A sanitized transport failure: a reason and, for socket errors, the system error code. It never
 * carries the request (headers with the token, login bodies) or the response body, unlike the
 * `AxiosError` node-vault would otherwise reject with.
 */
export class VaultTransportError extends Error {
  readonly reason: TransportFailure;
  readonly systemCode: string | undefined;

  constructor(reason: TransportFailure, systemCode?: string) {
    super(`Vault request failed: ${reason}${systemCode ? ` (${systemCode})` : ''}`);
    this.name = 'VaultTransportError';
    this.reason = reason;
    this.systemCode = systemCode;
  }
}

export interface VaultTransportOptions {
  /** `scheme://host:port` of the configured Vault address; requests elsewhere are refused. */
  origin: string;
  /** Connect plus full response, per attempt. */
  timeoutMs: number;
  /** Bodies larger than this abort the request. */
  maxResponseBytes: number;
  /** PEM CA bundle for a private Vault CA. */
  caCertificate?: string | undefined;
}

/** The request node-vault hands to its `request-promise` seam (CONTRACT.md §13.4). */
interface SeamRequest {
  method: string;
  uri: string;
  headers?: Record<string, unknown>;
  json?: unknown;
}

/** What node-vault expects back from the seam. */
interface SeamResponse {
  statusCode: number;
  body: unknown;
  request: { path: string };
}

const SYSTEM_CODE = /^[A-Z0-9_]{1,32}$/;

/**
 * Builds the object node-vault accepts as `config['request-promise']`. Every request:
 * - carries `X-Vault-Request: true` (Vault Agent/Proxy SSRF guard);
 * - goes only to the configured origin, and redirects are never followed (a 307 reaches
 *   node-vault as a status, so the token is never replayed to another host);
 * - verifies TLS with `rejectUnauthorized: true` set explicitly, so neither `VAULT_SKIP_VERIFY`
 *   (which node-vault reads as a truthy string) nor `NODE_TLS_REJECT_UNAUTHORIZED=0` can weaken it;
 * - is aborted after `timeoutMs` (connect plus body) and when the body exceeds `maxResponseBytes`;
 * - fails with a sanitized `VaultTransportError`, never with an object holding headers or bodies.
 */
export function createVaultTransport(options: VaultTransportOptions): {
  defaults(): (request: SeamRequest) => Promise<SeamResponse>;
} {
  return { defaults: () => (request) => send(request, options) };
}

function send(request: SeamRequest, options: VaultTransportOptions): Promise<SeamResponse> {
  const url = new URL(request.uri);
  if (url.origin !== options.origin) return Promise.reject(new VaultTransportError('unexpected-origin'));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (typeof value === 'string') headers[name] = value;
  }
  headers['X-Vault-Request'] = 'true';
  headers.Accept = 'application/json';
  const body = typeof request.json === 'object' && request.json !== null ? JSON.stringify(request.json) : undefined;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  const isHttps = url.protocol === 'https:';
  return new Promise<SeamResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: VaultTransportError | undefined, response?: SeamResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else resolve(response as SeamResponse);
    };
    const requestOptions: https.RequestOptions = {
      method: request.method,
      headers,
      agent: false,
      ...(isHttps ? { rejectUnauthorized: true, ...(options.caCertificate ? { ca: options.caCertificate } : {}) } : {}),
    };
    const outgoing = (isHttps ? https : http).request(url, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          finish(new VaultTransportError('response-too-large'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const statusCode = response.statusCode ?? 0;
        const parsed = parseBody(Buffer.concat(chunks).toString('utf8'));
        const retryAfter = Number(response.headers['retry-after']);
        if (typeof parsed === 'object' && parsed !== null && Number.isFinite(retryAfter) && retryAfter >= 0) {
          Object.defineProperty(parsed, RESPONSE_FACTS, {
            value: { retryAfterSeconds: retryAfter } satisfies ResponseFacts,
          });
        }
        finish(undefined, { statusCode, body: parsed, request: { path: url.pathname } });
      });
      response.on('error', (error: NodeJS.ErrnoException) =>
        finish(new VaultTransportError('connection', safeCode(error))),
      );
      response.on('close', () => {
        if (!response.complete) finish(new VaultTransportError('connection', 'ECONNRESET'));
      });
    });
    const timer = setTimeout(() => finish(new VaultTransportError('timeout')), options.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      finish(new VaultTransportError('connection', safeCode(error))),
    );
    outgoing.end(body);
  });
}

function parseBody(text: string): unknown {
  if (text.length === 0) return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Like axios: a non-JSON body reaches node-vault as text; the source rejects it as malformed.
    return text;
  }
}

function safeCode(error: NodeJS.ErrnoException): string | undefined {
  return typeof error.code === 'string' && SYSTEM_CODE.test(error.code) ? error.code : undefined;
}
