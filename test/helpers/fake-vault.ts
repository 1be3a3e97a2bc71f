/**
 * A loopback Vault-compatible HTTP server for tests, built from shared/vault/CONTRACT.md.
 * Reach it through the real node-vault client; drive it through the in-process control methods
 * (never through HTTP, so the library's address space holds only `/v1/`).
 *
 * Implements: KV v2 (read with `?version=`, custom_metadata on reads, write with CAS, soft delete,
 * destroy, undelete, metadata read and write, `?list=true`), KV v1 (with `ttl` → lease_duration),
 * token lookup-self / renew-self (capping with warning) / revoke-self, AppRole (num_uses with the
 * echoing race error, lockout), Kubernetes and JWT logins (HS256 JWTs signed by `signJwt`, `exp`
 * enforced), namespaces (header and path prefix), seal, standby (307 / 503), rate-limit quota
 * (429 with or without headers), agent mode (412 without `X-Vault-Request`), dead-token 403 in
 * both wordings, 413/400 request bodies, and injected faults (status, raw/malformed bodies,
 * stall, reset, latency, huge bodies). A virtual clock offset drives TTLs.
 *
 * Response wrapping: `X-Vault-Wrap-TTL` on any request, `sys/wrapping/lookup` and single-use
 * `sys/wrapping/unwrap` (both token placements; both at once revokes), plus `wrap()`/`wrapSecretId()`
 * controls for a trusted orchestrator and `consumeWrappingToken()` for an interception.
 *
 * Not implemented: sys/health query overrides, PATCH, lease-count quotas,
 * Enterprise consistency headers, per-token policy documents (one global read-deny list instead).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { type: 'raw'; status?: number; body: string; contentType?: string }
  | { type: 'stall' }
  | { type: 'reset' }
  | { type: 'reset-mid-body' }
  | { type: 'latency'; ms: number }
  | { type: 'huge'; bytes: number };

export interface FaultRule {
  /** Matched against the path after `/v1/` and namespace resolution, e.g. `secret/data/app`. */
  path?: RegExp;
  method?: string;
  /** How many requests the fault applies to (default: all until cleared). */
  times?: number;
  fault: Fault;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  namespace: string;
  /** Request headers; `x-vault-token` and `authorization` are replaced by `h:<sha256 prefix>`. */
  headers: Record<string, string>;
  /** `h:<sha256 prefix>` of the token used, when any. */
  tokenHash?: string;
  /** `h:<sha256 prefix>` of the login credential (secret_id or JWT) presented, for login calls. */
  credentialHash?: string;
  status: number;
  /** True while an injected `latency` fault holds the request (it waits on a timer, not on I/O). */
  delayed?: boolean;
}

interface KvVersion {
  data: Record<string, unknown> | null;
  created: string;
  deletionTime: string;
  destroyed: boolean;
}

interface KvSecret {
  versions: Map<number, KvVersion>;
  current: number;
  customMetadata: Record<string, string> | null;
  created: string;
  updated: string;
}

interface Mount {
  type: 'kv2' | 'kv1';
  kv2: Map<string, KvSecret>;
  kv1: Map<string, Record<string, unknown>>;
}

interface TokenRecord {
  accessor: string;
  createdAt: number;
  ttlMs: number;
  maxTtlMs: number;
  expireAt: number;
  renewable: boolean;
  revoked: boolean;
  policies: string[];
  path: string;
  meta: Record<string, string>;
}

interface AppRole {
  secretId: string;
  secretIdUsesLeft: number;
  tokenTtlSeconds: number;
  tokenMaxTtlSeconds: number;
  renewable: boolean;
  failures: number;
  lockedUntil: number;
}

interface WrappedResponse {
  creationPath: string;
  response: Record<string, unknown>;
  createdAt: number;
  ttlSeconds: number;
}

interface TokenPolicy {
  ttlSeconds: number;
  maxTtlSeconds: number;
  renewable: boolean;
}

/** `h:` + a SHA-256 prefix: how the request log records tokens and login credentials. */
export function hashForLog(value: string): string {
  return `h:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh `hvs.` + 24 base62 service token, as Vault ≥ 1.10 mints them. */
export function mintVaultToken(): string {
  const bytes = randomBytes(24);
  return `hvs.${Array.from(bytes, (byte) => BASE62[byte % 62]).join('')}`;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)(s|m|h)?$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] === 'h' ? amount * 3600 : match[2] === 'm' ? amount * 60 : amount;
}

function goDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return `${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${rest}s`;
}

const MAX_REQUEST_BYTES_DEFAULT = 32 * 1024 * 1024;

export class FakeVault {
  readonly log: RequestLogEntry[] = [];
  address = '';
  #server: http.Server;
  #sockets = new Set<Socket>();
  #namespaces = new Map<string, Map<string, Mount>>();
  #tokens = new Map<string, TokenRecord>();
  #appRoles = new Map<string, Map<string, AppRole>>();
  #kubernetesRoles = new Map<
    string,
    Map<string, { serviceAccountNames: string[]; namespaces: string[]; token: TokenPolicy }>
  >();
  #jwtRoles = new Map<string, Map<string, { token: TokenPolicy }>>();
  #deniedReads = new Set<string>();
  #wrapping = new Map<string, WrappedResponse>();
  #wrappingTokensIssued: string[] = [];
  #faults: FaultRule[] = [];
  #jwtSecret = randomBytes(32);
  #clockOffsetMs = 0;
  sealed = false;
  standby: { mode: 'off' } | { mode: 'redirect'; location: string } | { mode: 'no-active' } = { mode: 'off' };
  rateLimit: { headers: boolean; retryAfterSeconds: number } | undefined;
  agentMode = false;
  legacyInvalidTokenWording = false;
  lockoutThreshold = 5;
  lockoutSeconds = 900;
  maxRequestBytes = MAX_REQUEST_BYTES_DEFAULT;

  #scheme: 'http' | 'https';

  /** `tls` (PEM key and certificate) serves HTTPS instead of HTTP. */
  constructor(options: { tls?: { key: string; cert: string } } = {}) {
    const handler = (request: http.IncomingMessage, response: http.ServerResponse) =>
      void this.#handle(request, response);
    this.#scheme = options.tls ? 'https' : 'http';
    this.#server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.addNamespace('');
  }

  /** Starts listening on 127.0.0.1 and a free port. */
  async start(host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, host, resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.address = `${this.#scheme}://${host}:${port}`;
    return this;
  }

  /** Stops listening (later connections are refused) and destroys open sockets, stalled ones included. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- control: clock, topology, faults ----

  /** Virtual time used for TTLs, lockouts and timestamps: wall time plus the advanced offset. */
  now(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.#clockOffsetMs += ms;
  }

  seal(): void {
    this.sealed = true;
  }

  unseal(): void {
    this.sealed = false;
  }

  inject(rule: FaultRule): void {
    this.#faults.push({ ...rule });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  /** Creates a namespace (`team-a/`) with a KV v2 mount `secret` and a KV v1 mount `kv`. */
  addNamespace(namespace: string): void {
    this.#namespaces.set(
      namespace,
      new Map([
        ['secret', { type: 'kv2', kv2: new Map(), kv1: new Map() }],
        ['kv', { type: 'kv1', kv2: new Map(), kv1: new Map() }],
      ]),
    );
  }

  /** Makes reads of a KV path fail with the policy-denial 403 (valid token). */
  denyRead(fullPath: string): void {
    this.#deniedReads.add(fullPath);
  }

  allowRead(fullPath: string): void {
    this.#deniedReads.delete(fullPath);
  }

  /** Requests whose log entry matches. */
  requests(filter: { method?: string; path?: string | RegExp } = {}): RequestLogEntry[] {
    return this.log.filter(
      (entry) =>
        (filter.method === undefined || entry.method === filter.method) &&
        (filter.path === undefined ||
          (typeof filter.path === 'string' ? entry.path === filter.path : filter.path.test(entry.path))),
    );
  }

  // ---- control: secrets ----

  /** Writes a new KV v2 version and returns its number. */
  writeSecret(
    path: string,
    data: Record<string, unknown>,
    options: { mount?: string; namespace?: string; customMetadata?: Record<string, string> | null } = {},
  ): number {
    return this.#writeInto(
      this.#mount(options.namespace ?? '', options.mount ?? 'secret'),
      path,
      data,
      options.customMetadata,
    );
  }

  #writeInto(
    mount: Mount,
    path: string,
    data: Record<string, unknown>,
    customMetadata?: Record<string, string> | null,
  ): number {
    const time = new Date(this.now()).toISOString();
    let secret = mount.kv2.get(path);
    if (secret === undefined) {
      secret = { versions: new Map(), current: 0, customMetadata: null, created: time, updated: time };
      mount.kv2.set(path, secret);
    }
    secret.current += 1;
    secret.updated = time;
    secret.versions.set(secret.current, { data: { ...data }, created: time, deletionTime: '', destroyed: false });
    if (customMetadata !== undefined) secret.customMetadata = customMetadata;
    return secret.current;
  }

  setCustomMetadata(
    path: string,
    customMetadata: Record<string, string> | null,
    options: { mount?: string; namespace?: string } = {},
  ): void {
    const secret = this.#mount(options.namespace ?? '', options.mount ?? 'secret').kv2.get(path);
    if (secret) secret.customMetadata = customMetadata;
  }

  softDelete(path: string, version?: number, options: { mount?: string; namespace?: string } = {}): void {
    const secret = this.#mount(options.namespace ?? '', options.mount ?? 'secret').kv2.get(path);
    const entry = secret?.versions.get(version ?? secret.current);
    if (entry) entry.deletionTime = new Date(this.now() - 1).toISOString();
  }

  destroy(path: string, version?: number, options: { mount?: string; namespace?: string } = {}): void {
    const secret = this.#mount(options.namespace ?? '', options.mount ?? 'secret').kv2.get(path);
    const entry = secret?.versions.get(version ?? secret.current);
    if (entry) {
      entry.destroyed = true;
      entry.data = null;
    }
  }

  writeKv1(path: string, data: Record<string, unknown>, options: { mount?: string; namespace?: string } = {}): void {
    this.#mount(options.namespace ?? '', options.mount ?? 'kv').kv1.set(path, { ...data });
  }

  // ---- control: response wrapping ----

  /** Successful unwraps served so far (a second unwrap of one token never counts). */
  unwrapCount = 0;

  /**
   * Wraps `response` (a whole Vault response body) in a single-use wrapping token, as Vault does for a
   * request sent with `X-Vault-Wrap-TTL` to `creationPath`; a trusted orchestrator hands the token on.
   */
  wrap(
    creationPath: string,
    response: Record<string, unknown>,
    ttlSeconds = 300,
  ): { token: string; info: Record<string, unknown> } {
    const token = mintVaultToken();
    const createdAt = this.now();
    this.#wrapping.set(token, { creationPath, response, createdAt, ttlSeconds });
    this.#wrappingTokensIssued.push(token);
    return {
      token,
      info: {
        token,
        accessor: randomUUID(),
        ttl: ttlSeconds,
        creation_time: new Date(createdAt).toISOString(),
        creation_path: creationPath,
      },
    };
  }

  /** A wrapped AppRole secret_id for `roleName`, as `POST auth/<mount>/role/<roleName>/secret-id` returns it wrapped. */
  wrapSecretId(options: { roleName: string; secretId: string; mount?: string; ttlSeconds?: number }): string {
    const creationPath = `auth/${options.mount ?? 'approle'}/role/${options.roleName}/secret-id`;
    return this.wrap(
      creationPath,
      this.#envelope({
        data: {
          secret_id: options.secretId,
          secret_id_accessor: randomUUID(),
          secret_id_ttl: 0,
          secret_id_num_uses: 0,
        },
      }),
      options.ttlSeconds,
    ).token;
  }

  /** Someone else unwraps the token first (an interception): the next unwrap answers `400`. */
  consumeWrappingToken(token: string): void {
    this.#wrapping.delete(token);
  }

  #liveWrapping(token: string): WrappedResponse | undefined {
    const wrapped = this.#wrapping.get(token);
    if (wrapped === undefined) return undefined;
    if (this.now() >= wrapped.createdAt + wrapped.ttlSeconds * 1000) {
      this.#wrapping.delete(token);
      return undefined;
    }
    return wrapped;
  }

  // ---- control: auth ----

  /** Creates a token; `value` lets a test supply its own canary token. */
  createToken(
    options: {
      value?: string;
      ttlSeconds?: number;
      maxTtlSeconds?: number;
      renewable?: boolean;
      policies?: string[];
      path?: string;
      meta?: Record<string, string>;
    } = {},
  ): string {
    const token = options.value ?? mintVaultToken();
    const ttlMs = (options.ttlSeconds ?? 3600) * 1000;
    const now = this.now();
    this.#tokens.set(token, {
      accessor: randomUUID(),
      createdAt: now,
      ttlMs,
      maxTtlMs: (options.maxTtlSeconds ?? 0) * 1000,
      expireAt: ttlMs === 0 ? Number.POSITIVE_INFINITY : now + ttlMs,
      renewable: options.renewable ?? true,
      revoked: false,
      policies: options.policies ?? ['default', 'anthropic-reader'],
      path: options.path ?? 'auth/token/create',
      meta: options.meta ?? {},
    });
    return token;
  }

  revokeToken(token: string): void {
    const record = this.#tokens.get(token);
    if (record) record.revoked = true;
  }

  revokeAllTokens(): void {
    for (const record of this.#tokens.values()) record.revoked = true;
  }

  /** Every token value the fake has issued or accepted, so tests can add them to their canary scan. */
  issuedTokens(): string[] {
    return [...this.#tokens.keys(), ...this.#wrappingTokensIssued];
  }

  /** Hashes (as in the log) of the tokens currently valid. */
  liveTokenHashes(): string[] {
    return [...this.#tokens.entries()].filter(([, record]) => this.#alive(record)).map(([token]) => hashForLog(token));
  }

  addAppRole(options: {
    roleId: string;
    secretId: string;
    mount?: string;
    secretIdNumUses?: number;
    tokenTtlSeconds?: number;
    tokenMaxTtlSeconds?: number;
    renewable?: boolean;
  }): void {
    const mount = options.mount ?? 'approle';
    const roles = this.#appRoles.get(mount) ?? new Map<string, AppRole>();
    this.#appRoles.set(mount, roles);
    roles.set(options.roleId, {
      secretId: options.secretId,
      secretIdUsesLeft: options.secretIdNumUses ?? Number.POSITIVE_INFINITY,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      tokenMaxTtlSeconds: options.tokenMaxTtlSeconds ?? 0,
      renewable: options.renewable ?? true,
      failures: 0,
      lockedUntil: 0,
    });
  }

  addKubernetesRole(options: {
    role: string;
    serviceAccountNames: string[];
    namespaces: string[];
    mount?: string;
    tokenTtlSeconds?: number;
    renewable?: boolean;
  }): void {
    const mount = options.mount ?? 'kubernetes';
    const roles = this.#kubernetesRoles.get(mount) ?? new Map();
    this.#kubernetesRoles.set(mount, roles);
    roles.set(options.role, {
      serviceAccountNames: options.serviceAccountNames,
      namespaces: options.namespaces,
      token: { ttlSeconds: options.tokenTtlSeconds ?? 3600, maxTtlSeconds: 0, renewable: options.renewable ?? true },
    });
  }

  addJwtRole(options: { role: string; mount?: string; tokenTtlSeconds?: number; renewable?: boolean }): void {
    const mount = options.mount ?? 'jwt';
    const roles = this.#jwtRoles.get(mount) ?? new Map();
    this.#jwtRoles.set(mount, roles);
    roles.set(options.role, {
      token: { ttlSeconds: options.tokenTtlSeconds ?? 3600, maxTtlSeconds: 0, renewable: options.renewable ?? true },
    });
  }

  /** An HS256 JWT the fake accepts for Kubernetes and JWT logins (`exp` in seconds since the epoch). */
  signJwt(claims: Record<string, unknown>): string {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(JSON.stringify({ exp: Math.floor(this.now() / 1000) + 3600, ...claims }));
    const signature = createHmac('sha256', this.#jwtSecret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** A Kubernetes service-account token for `namespace`/`name`. */
  serviceAccountJwt(namespace: string, name: string): string {
    return this.signJwt({
      iss: 'kubernetes/serviceaccount',
      sub: `system:serviceaccount:${namespace}:${name}`,
      'kubernetes.io/serviceaccount/namespace': namespace,
      'kubernetes.io/serviceaccount/service-account.name': name,
      jti: randomUUID(),
    });
  }

  // ---- HTTP handling ----

  #mount(namespace: string, name: string): Mount {
    const mount = this.#namespaces.get(namespace)?.get(name);
    if (!mount) throw new Error(`fake-vault: no mount ${namespace}${name}`);
    return mount;
  }

  #alive(record: TokenRecord): boolean {
    return !record.revoked && this.now() < record.expireAt;
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
      headers[name] = name === 'x-vault-token' || name === 'authorization' ? hashForLog(text) : text;
    }
    const entry: RequestLogEntry = { method, path: url.pathname, query: url.search, namespace: '', headers, status: 0 };
    this.log.push(entry);
    let respond = (status: number, body?: unknown, extraHeaders: Record<string, string> = {}) => {
      entry.status = status;
      if (response.destroyed) return;
      const responseHeaders: Record<string, string> = { 'Cache-Control': 'no-store', ...extraHeaders };
      if (entry.namespace) responseHeaders['X-Vault-Namespace'] = entry.namespace;
      if (body === undefined) {
        response.writeHead(status, responseHeaders).end();
        return;
      }
      const text = typeof body === 'string' ? body : `${JSON.stringify(body)}\n`;
      response.writeHead(status, { 'Content-Type': 'application/json', ...responseHeaders }).end(text);
    };
    const errors = (status: number, ...messages: string[]) => respond(status, { errors: messages });

    let bodyText: string;
    try {
      bodyText = await this.#readBody(request);
    } catch {
      errors(413, 'http: request body too large');
      request.resume();
      return;
    }
    if (!url.pathname.startsWith('/v1/')) return errors(404);
    if (this.agentMode && request.headers['x-vault-request'] !== 'true')
      return errors(412, 'missing "X-Vault-Request" header');

    // Namespace: header, then any registered namespace used as a path prefix.
    let namespace = '';
    const namespaceHeader = request.headers['x-vault-namespace'];
    if (typeof namespaceHeader === 'string' && namespaceHeader.length > 0)
      namespace = namespaceHeader.endsWith('/') ? namespaceHeader : `${namespaceHeader}/`;
    let path = decodeURIComponent(url.pathname.slice('/v1/'.length));
    for (const candidate of [...this.#namespaces.keys()].filter(Boolean).sort((a, b) => b.length - a.length)) {
      if (path.startsWith(candidate) && !path.startsWith('sys/') && !path.startsWith('auth/')) {
        namespace += candidate;
        path = path.slice(candidate.length);
        break;
      }
    }
    entry.namespace = namespace;
    entry.path = path;
    const mounts = this.#namespaces.get(namespace);
    if (mounts === undefined) return errors(404, `no handler for route "${path}". route entry not found.`);

    if (path === 'sys/seal-status')
      return respond(200, {
        type: 'shamir',
        initialized: true,
        sealed: this.sealed,
        t: 1,
        n: 1,
        progress: 0,
        nonce: '',
        version: '1.21.0',
      });
    if (path === 'sys/health') {
      const status = this.sealed ? 503 : this.standby.mode !== 'off' ? 429 : 200;
      return respond(status, {
        initialized: true,
        sealed: this.sealed,
        standby: this.standby.mode !== 'off',
        performance_standby: false,
        server_time_utc: Math.floor(this.now() / 1000),
        version: '1.21.0',
      });
    }
    if (this.sealed) return errors(503, 'Vault is sealed');
    if (this.standby.mode === 'redirect')
      return respond(307, undefined, { Location: `${this.standby.location}${url.pathname}${url.search}` });
    if (this.standby.mode === 'no-active') return errors(503, 'no active Vault instance found');
    if (this.rateLimit) {
      const extra: Record<string, string> = this.rateLimit.headers
        ? {
            'Retry-After': String(this.rateLimit.retryAfterSeconds),
            'X-Ratelimit-Limit': '20',
            'X-Ratelimit-Remaining': '0',
            'X-Ratelimit-Reset': String(this.rateLimit.retryAfterSeconds),
          }
        : {};
      return respond(429, { errors: [`request path "${path}": rate limit quota exceeded`] }, extra);
    }
    const fault = this.#takeFault(path, method);
    if (fault) {
      const handled = await this.#applyFault(fault, request, response, entry, respond);
      if (handled) return;
    }

    let body: Record<string, unknown> = {};
    if (bodyText.length > 0 && (method === 'POST' || method === 'PUT')) {
      try {
        const parsed = JSON.parse(bodyText) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          body = parsed as Record<string, unknown>;
      } catch {
        return errors(
          400,
          "failed to parse JSON input: invalid character '}' looking for beginning of object key string",
        );
      }
    }

    if (path === 'sys/wrapping/lookup' && (method === 'POST' || method === 'PUT')) {
      const wrapped = typeof body.token === 'string' ? this.#liveWrapping(body.token) : undefined;
      if (wrapped === undefined) return errors(400, 'wrapping token is not valid or does not exist');
      return respond(
        200,
        this.#envelope({
          data: {
            creation_path: wrapped.creationPath,
            creation_time: new Date(wrapped.createdAt).toISOString(),
            creation_ttl: wrapped.ttlSeconds,
          },
        }),
      );
    }
    if (path === 'sys/wrapping/unwrap' && (method === 'POST' || method === 'PUT')) {
      const headerToken = typeof request.headers['x-vault-token'] === 'string' ? request.headers['x-vault-token'] : '';
      const bodyToken = typeof body.token === 'string' ? body.token : undefined;
      if (headerToken) entry.tokenHash = hashForLog(headerToken);
      if (bodyToken !== undefined && this.#wrapping.has(headerToken)) {
        // The wrapping token in both places revokes it without returning the value (CONTRACT.md §9).
        this.#wrapping.delete(headerToken);
        this.#wrapping.delete(bodyToken);
        return errors(400, 'wrapping token is not valid or does not exist');
      }
      if (bodyToken !== undefined) {
        const caller = this.#tokens.get(headerToken);
        if (caller === undefined || !this.#alive(caller)) return errors(403, 'permission denied');
      }
      const wrappingToken = bodyToken ?? headerToken;
      const wrapped = this.#liveWrapping(wrappingToken);
      this.#wrapping.delete(wrappingToken);
      if (wrapped === undefined) return errors(400, 'wrapping token is not valid or does not exist');
      this.unwrapCount += 1;
      return respond(200, wrapped.response);
    }
    const wrapTtlHeader = request.headers['x-vault-wrap-ttl'];
    if (typeof wrapTtlHeader === 'string' && wrapTtlHeader !== '') {
      const ttlSeconds = parseDuration(wrapTtlHeader);
      if (ttlSeconds === undefined || ttlSeconds <= 0) return errors(400, 'invalid wrap TTL');
      const plain = respond;
      respond = (status, responseBody, extraHeaders = {}) => {
        if (status !== 200 || typeof responseBody !== 'object' || responseBody === null)
          return plain(status, responseBody, extraHeaders);
        const wrapped = this.wrap(path, responseBody as Record<string, unknown>, ttlSeconds);
        return plain(200, { ...this.#envelope({}), request_id: '', mount_type: undefined, wrap_info: wrapped.info });
      };
    }

    const login = /^auth\/(.+)\/login$/.exec(path);
    if (login && (method === 'POST' || method === 'PUT'))
      return this.#login(login[1] as string, body, entry, respond, errors);

    const tokenHeader = request.headers['x-vault-token'];
    const authorization = request.headers.authorization;
    const token =
      typeof tokenHeader === 'string' && tokenHeader
        ? tokenHeader
        : typeof authorization === 'string' && authorization.startsWith('Bearer ')
          ? authorization.slice(7)
          : undefined;
    if (token === undefined) return errors(403, 'permission denied');
    entry.tokenHash = hashForLog(token);
    const record = this.#tokens.get(token);
    if (record === undefined || !this.#alive(record)) {
      return this.legacyInvalidTokenWording
        ? errors(403, 'permission denied')
        : errors(403, '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n');
    }

    if (path === 'auth/token/lookup-self') return respond(200, this.#envelope({ data: this.#lookup(token, record) }));
    if (path === 'auth/token/renew-self' && (method === 'POST' || method === 'PUT'))
      return this.#renew(token, record, body, respond, errors);
    if (path === 'auth/token/revoke-self' && (method === 'POST' || method === 'PUT')) {
      record.revoked = true;
      return respond(204);
    }

    const [mountName, ...rest] = path.split('/');
    const mount = mounts.get(mountName ?? '');
    if (mount === undefined) return errors(404, `no handler for route "${path}". route entry not found.`);
    if (this.#deniedReads.has(`${namespace}${path}`) || this.#deniedReads.has(path))
      return errors(403, '1 error occurred:\n\t* permission denied\n\n');
    if (mount.type === 'kv1') return this.#kv1(mount, rest.join('/'), method, body, url, respond, errors);
    return this.#kv2(mount, rest, method, body, url, respond, errors);
  }

  #readBody(request: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxRequestBytes) {
          reject(new Error('too large'));
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      request.on('error', reject);
    });
  }

  #takeFault(path: string, method: string): Fault | undefined {
    const index = this.#faults.findIndex(
      (rule) =>
        (rule.path === undefined || rule.path.test(path)) && (rule.method === undefined || rule.method === method),
    );
    if (index < 0) return undefined;
    const rule = this.#faults[index] as FaultRule;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.#faults.splice(index, 1);
    }
    return rule.fault;
  }

  /** Returns true when the fault produced (or suppressed) the whole response. */
  async #applyFault(
    fault: Fault,
    request: http.IncomingMessage,
    response: http.ServerResponse,
    entry: RequestLogEntry,
    respond: (status: number, body?: unknown, headers?: Record<string, string>) => void,
  ): Promise<boolean> {
    switch (fault.type) {
      case 'status':
        respond(fault.status, fault.body, fault.headers);
        return true;
      case 'raw':
        entry.status = fault.status ?? 200;
        response
          .writeHead(fault.status ?? 200, {
            'Content-Type': fault.contentType ?? 'application/json',
            'Cache-Control': 'no-store',
          })
          .end(fault.body);
        return true;
      case 'stall':
        entry.status = 200;
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        response.flushHeaders();
        return true;
      case 'reset':
        entry.status = -1;
        request.socket.destroy();
        return true;
      case 'reset-mid-body':
        entry.status = 200;
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        response.write('{"request_id":"', () => request.socket.destroy());
        return true;
      case 'latency':
        entry.delayed = true;
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        entry.delayed = false;
        return false;
      case 'huge': {
        entry.status = 200;
        response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let sent = 0;
        response.write('{"data":"');
        const pump = () => {
          while (sent < fault.bytes) {
            if (response.destroyed) return;
            sent += chunk.length;
            if (!response.write(chunk)) {
              response.once('drain', pump);
              return;
            }
          }
          response.end('"}');
        };
        pump();
        return true;
      }
    }
  }

  #envelope(fields: {
    data?: unknown;
    auth?: unknown;
    warnings?: string[] | null;
    leaseDuration?: number;
  }): Record<string, unknown> {
    return {
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: fields.leaseDuration ?? 0,
      data: fields.data ?? null,
      wrap_info: null,
      warnings: fields.warnings ?? null,
      auth: fields.auth ?? null,
      mount_type: 'kv',
    };
  }

  #issueToken(policy: TokenPolicy, path: string, meta: Record<string, string>): Record<string, unknown> {
    const token = this.createToken({
      ttlSeconds: policy.ttlSeconds,
      maxTtlSeconds: policy.maxTtlSeconds,
      renewable: policy.renewable,
      path,
      meta,
    });
    const record = this.#tokens.get(token) as TokenRecord;
    return {
      client_token: token,
      accessor: record.accessor,
      policies: record.policies,
      token_policies: record.policies,
      metadata: meta,
      lease_duration: policy.ttlSeconds,
      renewable: policy.renewable,
      entity_id: randomUUID(),
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    };
  }

  #login(
    mount: string,
    body: Record<string, unknown>,
    entry: RequestLogEntry,
    respond: (status: number, body?: unknown) => void,
    errors: (status: number, ...messages: string[]) => void,
  ): void {
    const appRoles = this.#appRoles.get(mount);
    if (appRoles) {
      const roleId = body.role_id;
      const secretId = body.secret_id;
      if (typeof secretId === 'string') entry.credentialHash = hashForLog(secretId);
      if (typeof roleId !== 'string' || roleId === '') return errors(400, 'missing role_id');
      const role = appRoles.get(roleId);
      if (role === undefined) return errors(400, 'invalid role or secret ID');
      if (this.now() < role.lockedUntil) return errors(403, 'permission denied');
      if (secretId !== role.secretId) {
        role.failures += 1;
        if (role.failures >= this.lockoutThreshold) role.lockedUntil = this.now() + this.lockoutSeconds * 1000;
        return errors(400, 'invalid role or secret ID');
      }
      if (role.secretIdUsesLeft <= 0) return errors(400, `invalid secret_id "${secretId}"`);
      role.secretIdUsesLeft -= 1;
      role.failures = 0;
      const auth = this.#issueToken(
        { ttlSeconds: role.tokenTtlSeconds, maxTtlSeconds: role.tokenMaxTtlSeconds, renewable: role.renewable },
        `auth/${mount}/login`,
        { role_name: roleId },
      );
      return respond(200, this.#envelope({ auth }));
    }
    const kubernetesRoles = this.#kubernetesRoles.get(mount);
    const jwtRoles = this.#jwtRoles.get(mount);
    if (kubernetesRoles || jwtRoles) {
      const roleName = body.role;
      const jwt = body.jwt;
      if (typeof jwt === 'string') entry.credentialHash = hashForLog(jwt);
      if (kubernetesRoles) {
        const role = typeof roleName === 'string' ? kubernetesRoles.get(roleName) : undefined;
        if (role === undefined) return errors(400, `invalid role name "${String(roleName)}"`);
        const claims = typeof jwt === 'string' ? this.#verifyJwt(jwt) : undefined;
        if (claims === undefined || claims === 'expired') return errors(403, 'permission denied');
        const namespace = String(claims['kubernetes.io/serviceaccount/namespace'] ?? '');
        const name = String(claims['kubernetes.io/serviceaccount/service-account.name'] ?? '');
        if (!role.serviceAccountNames.includes(name)) return errors(403, 'service account name not authorized');
        if (!role.namespaces.includes(namespace)) return errors(403, 'namespace not authorized');
        return respond(
          200,
          this.#envelope({
            auth: this.#issueToken(role.token, `auth/${mount}/login`, {
              role: String(roleName),
              service_account_name: name,
              service_account_namespace: namespace,
            }),
          }),
        );
      }
      const role = typeof roleName === 'string' ? jwtRoles?.get(roleName) : undefined;
      if (role === undefined) return errors(400, `role "${String(roleName)}" could not be found`);
      const claims = typeof jwt === 'string' ? this.#verifyJwt(jwt) : undefined;
      if (claims === 'expired') return errors(400, 'error validating token: token is expired');
      if (claims === undefined) return errors(400, 'error validating token: invalid signature');
      return respond(
        200,
        this.#envelope({ auth: this.#issueToken(role.token, `auth/${mount}/login`, { role: String(roleName) }) }),
      );
    }
    return errors(404, `no handler for route "auth/${mount}/login". route entry not found.`);
  }

  #verifyJwt(jwt: string): Record<string, unknown> | 'expired' | undefined {
    const [header, payload, signature] = jwt.split('.');
    if (!header || !payload || !signature) return undefined;
    const expected = createHmac('sha256', this.#jwtSecret).update(`${header}.${payload}`).digest('base64url');
    if (expected !== signature) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= this.now()) return 'expired';
    return claims;
  }

  #lookup(token: string, record: TokenRecord): Record<string, unknown> {
    const now = this.now();
    const ttl = record.ttlMs === 0 ? 0 : Math.max(0, Math.floor((record.expireAt - now) / 1000));
    return {
      accessor: record.accessor,
      creation_time: Math.floor(record.createdAt / 1000),
      creation_ttl: record.ttlMs / 1000,
      display_name: 'fake',
      entity_id: '',
      expire_time: record.ttlMs === 0 ? null : new Date(record.expireAt).toISOString(),
      explicit_max_ttl: record.maxTtlMs / 1000,
      id: token,
      issue_time: new Date(record.createdAt).toISOString(),
      meta: record.meta,
      num_uses: 0,
      orphan: true,
      path: record.path,
      policies: record.policies,
      renewable: record.renewable,
      ttl,
      type: 'service',
    };
  }

  #renew(
    token: string,
    record: TokenRecord,
    body: Record<string, unknown>,
    respond: (status: number, body?: unknown) => void,
    errors: (status: number, ...messages: string[]) => void,
  ): void {
    if (!record.renewable) return errors(400, 'lease is not renewable');
    const now = this.now();
    let ttlSeconds = parseDuration(body.increment) ?? record.ttlMs / 1000;
    let warnings: string[] | null = null;
    if (record.maxTtlMs > 0) {
      const remaining = Math.max(0, Math.floor((record.createdAt + record.maxTtlMs - now) / 1000));
      if (ttlSeconds > remaining) {
        warnings = [
          `TTL of "${goDuration(ttlSeconds)}" exceeded the effective max_ttl of "${goDuration(remaining)}"; TTL value is capped accordingly`,
        ];
        ttlSeconds = remaining;
      }
    }
    record.expireAt = now + ttlSeconds * 1000;
    const auth = {
      client_token: token,
      accessor: record.accessor,
      policies: record.policies,
      token_policies: record.policies,
      metadata: record.meta,
      lease_duration: ttlSeconds,
      renewable: true,
      entity_id: '',
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    };
    respond(200, { ...this.#envelope({ auth, warnings }), mount_type: undefined });
  }

  #kv1(
    mount: Mount,
    path: string,
    method: string,
    body: Record<string, unknown>,
    url: URL,
    respond: (status: number, body?: unknown) => void,
    errors: (status: number, ...messages: string[]) => void,
  ): void {
    if (method === 'GET') {
      const stored = mount.kv1.get(path);
      if (stored === undefined) return errors(404);
      const ttl = parseDuration(stored.ttl ?? stored.lease);
      return respond(200, this.#envelope({ data: stored, leaseDuration: ttl ?? 2_764_800 }));
    }
    if (method === 'POST' || method === 'PUT') {
      mount.kv1.set(path, body);
      return respond(204);
    }
    if (method === 'DELETE') {
      mount.kv1.delete(path);
      return respond(204);
    }
    void url;
    return errors(405, '1 error occurred:\n\t* unsupported operation\n\n');
  }

  #kv2(
    mount: Mount,
    segments: string[],
    method: string,
    body: Record<string, unknown>,
    url: URL,
    respond: (status: number, body?: unknown) => void,
    errors: (status: number, ...messages: string[]) => void,
  ): void {
    const [kind, ...pathSegments] = segments;
    const path = pathSegments.join('/');
    const secret = mount.kv2.get(path);
    const versionMetadata = (version: number, entry: KvVersion) => ({
      created_time: entry.created,
      custom_metadata: secret?.customMetadata ?? null,
      deletion_time: entry.deletionTime,
      destroyed: entry.destroyed,
      version,
    });
    const isDeleted = (entry: KvVersion) => entry.deletionTime !== '' && Date.parse(entry.deletionTime) <= this.now();
    if (kind === 'data') {
      if (method === 'GET') {
        if (secret === undefined) return errors(404);
        const versionParameter = url.searchParams.get('version');
        if (versionParameter !== null && !/^\d+$/.test(versionParameter)) return errors(400, 'invalid version');
        const version = versionParameter && Number(versionParameter) > 0 ? Number(versionParameter) : secret.current;
        const entry = secret.versions.get(version);
        if (entry === undefined) return errors(404);
        if (isDeleted(entry) || entry.destroyed)
          return respond(404, this.#envelope({ data: { data: null, metadata: versionMetadata(version, entry) } }));
        return respond(200, this.#envelope({ data: { data: entry.data, metadata: versionMetadata(version, entry) } }));
      }
      if (method === 'POST' || method === 'PUT') {
        const data = body.data;
        if (typeof data !== 'object' || data === null) return errors(400, 'no data provided');
        const cas = (body.options as { cas?: unknown } | undefined)?.cas;
        if (typeof cas === 'number' && cas !== (secret?.current ?? 0))
          return errors(400, 'check-and-set parameter did not match the current version');
        const version = this.#writeInto(mount, path, data as Record<string, unknown>);
        const stored = mount.kv2.get(path) as KvSecret;
        return respond(
          200,
          this.#envelope({
            data: {
              ...versionMetadata(version, stored.versions.get(version) as KvVersion),
              custom_metadata: stored.customMetadata,
            },
          }),
        );
      }
      if (method === 'DELETE') {
        const entry = secret?.versions.get(secret.current);
        if (entry) entry.deletionTime = new Date(this.now() - 1).toISOString();
        return respond(204);
      }
    }
    if ((kind === 'delete' || kind === 'undelete' || kind === 'destroy') && (method === 'POST' || method === 'PUT')) {
      const versions = Array.isArray(body.versions)
        ? (body.versions as unknown[]).filter((item): item is number => typeof item === 'number')
        : [];
      for (const version of versions) {
        const entry = secret?.versions.get(version);
        if (!entry) continue;
        if (kind === 'delete') entry.deletionTime = new Date(this.now() - 1).toISOString();
        if (kind === 'undelete' && !entry.destroyed) entry.deletionTime = '';
        if (kind === 'destroy') {
          entry.destroyed = true;
          entry.data = null;
        }
      }
      return respond(204);
    }
    if (kind === 'metadata') {
      if (method === 'GET' && ['1', 't', 'true', 'TRUE'].includes(url.searchParams.get('list') ?? '')) {
        const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
        const keys = new Set<string>();
        for (const name of mount.kv2.keys()) {
          if (!name.startsWith(prefix)) continue;
          const remainder = name.slice(prefix.length);
          const slash = remainder.indexOf('/');
          keys.add(slash < 0 ? remainder : remainder.slice(0, slash + 1));
        }
        if (keys.size === 0) return errors(404);
        return respond(200, this.#envelope({ data: { keys: [...keys].sort() } }));
      }
      if (method === 'GET') {
        if (secret === undefined) return errors(404);
        const versions: Record<string, unknown> = {};
        for (const [version, entry] of secret.versions)
          versions[String(version)] = {
            created_time: entry.created,
            deletion_time: entry.deletionTime,
            destroyed: entry.destroyed,
          };
        return respond(
          200,
          this.#envelope({
            data: {
              cas_required: false,
              created_time: secret.created,
              current_version: secret.current,
              custom_metadata: secret.customMetadata,
              delete_version_after: '0s',
              max_versions: 0,
              oldest_version: Math.min(...secret.versions.keys()),
              updated_time: secret.updated,
              versions,
            },
          }),
        );
      }
      if (method === 'POST' || method === 'PUT') {
        if (secret && typeof body.custom_metadata === 'object')
          secret.customMetadata = body.custom_metadata as Record<string, string>;
        return respond(204);
      }
    }
    if (
      kind === undefined ||
      !['data', 'metadata', 'delete', 'undelete', 'destroy', 'subkeys', 'config'].includes(kind)
    ) {
      return respond(404, {
        ...this.#envelope({
          warnings: [
            "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
          ],
        }),
      });
    }
    return errors(405, '1 error occurred:\n\t* unsupported operation\n\n');
  }
}

/** Starts a fake Vault on 127.0.0.1 and a free port. */
export async function startFakeVault(options: { tls?: { key: string; cert: string } } = {}): Promise<FakeVault> {
  return new FakeVault(options).start();
}
