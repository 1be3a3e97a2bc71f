/**
 * Loopback fakes of the AWS Secrets Manager, Azure Key Vault and Google Secret Manager HTTP APIs, for
 * the conformance suite. Each speaks its vendor's wire format so the REAL vendor SDK reaches it with
 * an endpoint override:
 * - AWS: JSON 1.1, `POST /` with `X-Amz-Target: secretsmanager.GetSecretValue`, errors as
 *   `{"__type": "...", "message": "..."}` with `x-amzn-ErrorType`; staging labels AWSCURRENT/AWSPREVIOUS.
 * - Azure: HTTPS only (the SDK refuses bearer tokens over http); the bearer challenge (401 with
 *   `WWW-Authenticate: Bearer authorization="…", resource="…"`), then
 *   `GET /secrets/{name}/{version}?api-version=…`; errors as `{"error": {"code", "message", "innererror"}}`.
 * - GCP: REST (`fallback: true`), `GET /v1/projects/{p}/secrets/{s}/versions/{v}:access` answering a
 *   base64 payload with its CRC32C, `GET /v1/projects/{p}/secrets/{s}` with labels; errors as
 *   `{"error": {"code", "message", "status"}}`.
 *
 * All three share one in-memory model (`CloudSecretStore`): versions, tags/labels, enabled/disabled,
 * deleted, a permission switch, and availability faults (throttle, 503, latency). The request log
 * records each call with its credential hashed (`h:<sha256 prefix>`), never in the clear.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type CloudVendor = 'aws' | 'azure' | 'gcp';

export interface CloudLogEntry {
  vendor: CloudVendor;
  method: string;
  /** Operation (`GetSecretValue`, `getSecret`, `accessSecretVersion`) or the path when unknown. */
  operation: string;
  /** The secret name the call asked for. */
  name: string;
  /** The version or stage the call asked for (`AWSCURRENT`, `latest`, `''` for Azure's current version). */
  version: string;
  /** `h:` + SHA-256 prefix of the credential presented (signature, bearer token), when any. */
  credentialHash?: string;
  status: number;
}

/**
 * Faults the three servers apply to every request until cleared. `throttle` answers each vendor's real
 * throttling response: AWS `ThrottlingException` (HTTP 400, JSON 1.1, no delay hint), Azure 429 `Throttled`
 * with `Retry-After`, GCP 429 `RESOURCE_EXHAUSTED` with a `google.rpc.RetryInfo` detail when
 * `retryAfterSeconds` is set. `corrupt-checksum` (GCP only) sends a `dataCrc32c` that does not match the payload.
 */
export type CloudFault =
  | { type: 'throttle'; retryAfterSeconds?: number }
  | { type: 'unavailable' }
  | { type: 'denied' }
  | { type: 'corrupt-checksum' }
  | { type: 'latency'; ms: number };

interface Version {
  id: string;
  value: string;
  created: Date;
  enabled: boolean;
}

interface StoredSecret {
  versions: Version[];
  tags: Record<string, string>;
  deleted: boolean;
  /** AWS staging labels: version id per label. */
  stages: Map<string, string>;
}

function hashForLog(value: string): string {
  return `h:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/** CRC32C (Castagnoli), as Google reports `dataCrc32c` for a payload. */
export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The shared model the three vendor servers read from; tests drive it directly. */
export class CloudSecretStore {
  readonly log: CloudLogEntry[] = [];
  #secrets = new Map<string, StoredSecret>();
  #faults: CloudFault[] = [];

  /** Writes a new current version (AWS moves AWSCURRENT and AWSPREVIOUS) and returns its id. */
  put(name: string, value: string, options: { tags?: Record<string, string> } = {}): string {
    let secret = this.#secrets.get(name);
    if (secret === undefined) {
      secret = { versions: [], tags: {}, deleted: false, stages: new Map() };
      this.#secrets.set(name, secret);
    }
    const versionId = String(secret.versions.length + 1);
    secret.versions.push({ id: versionId, value, created: new Date(), enabled: true });
    const current = secret.stages.get('AWSCURRENT');
    if (current !== undefined) secret.stages.set('AWSPREVIOUS', current);
    secret.stages.set('AWSCURRENT', versionId);
    if (options.tags) secret.tags = { ...options.tags };
    secret.deleted = false;
    return versionId;
  }

  /** Adds a version under AWSPENDING only (a rotation in progress); reads of AWSCURRENT do not see it. */
  putPending(name: string, value: string): string {
    const secret = this.#require(name);
    const versionId = String(secret.versions.length + 1);
    secret.versions.push({ id: versionId, value, created: new Date(), enabled: true });
    secret.stages.set('AWSPENDING', versionId);
    return versionId;
  }

  setTags(name: string, tags: Record<string, string>): void {
    this.#require(name).tags = { ...tags };
  }

  /** Disables the current version (Azure: the secret; GCP: the version state DISABLED). */
  disableCurrent(name: string): void {
    const secret = this.#require(name);
    const current = this.#current(secret);
    if (current) current.enabled = false;
  }

  /** Deletes the secret (AWS: marked for deletion; Azure: deleted; GCP: not found). */
  remove(name: string): void {
    this.#require(name).deleted = true;
  }

  /** Applies `fault` to every request until `clearFaults()`. */
  fail(fault: CloudFault): void {
    this.#faults.push(fault);
  }

  clearFaults(): void {
    this.#faults = [];
  }

  faults(): readonly CloudFault[] {
    return this.#faults;
  }

  /** The version a read of `version` (`''`, `latest`, `AWSCURRENT`, a stage or an id) resolves to. */
  resolve(
    name: string,
    version: string,
  ): { secret: StoredSecret; version: Version } | 'not-found' | 'deleted' | 'disabled' {
    const secret = this.#secrets.get(name);
    if (secret === undefined) return 'not-found';
    if (secret.deleted) return 'deleted';
    const id =
      version === '' || version === 'latest'
        ? this.#current(secret)?.id
        : (secret.stages.get(version) ?? (secret.versions.some((each) => each.id === version) ? version : undefined));
    const found = secret.versions.find((each) => each.id === id);
    if (found === undefined) return 'not-found';
    if (!found.enabled) return 'disabled';
    return { secret, version: found };
  }

  tags(name: string): Record<string, string> | undefined {
    const secret = this.#secrets.get(name);
    return secret && !secret.deleted ? secret.tags : undefined;
  }

  #current(secret: StoredSecret): Version | undefined {
    const id = secret.stages.get('AWSCURRENT');
    return secret.versions.find((each) => each.id === id);
  }

  #require(name: string): StoredSecret {
    const secret = this.#secrets.get(name);
    if (secret === undefined) throw new Error(`fake-cloud-secrets: no secret ${name}`);
    return secret;
  }
}

type Handler = (request: http.IncomingMessage, body: string, url: URL) => Promise<Reply> | Reply;

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  entry?: Omit<CloudLogEntry, 'vendor' | 'method' | 'status'>;
}

/** One loopback server of one vendor. */
export class FakeCloudServer {
  url = '';
  readonly vendor: CloudVendor;
  readonly store: CloudSecretStore;
  #server: http.Server;
  #sockets = new Set<Socket>();

  constructor(vendor: CloudVendor, store: CloudSecretStore, handler: Handler, tls?: { key: string; cert: string }) {
    this.vendor = vendor;
    this.store = store;
    const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          const url = new URL(request.url ?? '/', 'http://fake');
          const text = Buffer.concat(chunks).toString('utf8');
          let reply: Reply;
          try {
            reply = await handler(request, text, url);
          } catch {
            reply = { status: 500, body: { message: 'fake server error' } };
          }
          if (reply.entry)
            this.store.log.push({ vendor, method: request.method ?? 'GET', status: reply.status, ...reply.entry });
          if (response.destroyed) return;
          const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
          response.writeHead(reply.status, {
            'Content-Type': 'application/json',
            'Content-Length': String(Buffer.byteLength(payload)),
            ...reply.headers,
          });
          response.end(payload);
        })();
      });
    };
    this.#server = tls ? https.createServer(tls, listener) : http.createServer(listener);
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#scheme = tls ? 'https' : 'http';
  }

  #scheme: 'http' | 'https';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.url = `${this.#scheme}://127.0.0.1:${port}`;
    return this;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

async function applyFaults(store: CloudSecretStore): Promise<CloudFault | undefined> {
  for (const fault of store.faults()) {
    if (fault.type === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    else if (fault.type !== 'corrupt-checksum') return fault;
  }
  return undefined;
}

// ---- AWS Secrets Manager (JSON 1.1) ----

function awsError(status: number, type: string, message: string, entry: Reply['entry']): Reply {
  return {
    status,
    body: { __type: type, message, Message: message },
    headers: { 'x-amzn-ErrorType': type, 'x-amzn-RequestId': randomUUID() },
    entry,
  };
}

function awsHandler(store: CloudSecretStore): Handler {
  return async (request, text) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const authorization = String(request.headers.authorization ?? '');
    const signature = /Signature=([0-9a-f]+)/.exec(authorization)?.[1];
    let input: { SecretId?: unknown; VersionStage?: unknown; VersionId?: unknown } = {};
    try {
      input = JSON.parse(text) as typeof input;
    } catch {
      return awsError(400, 'SerializationException', 'malformed JSON', undefined);
    }
    const name = typeof input.SecretId === 'string' ? input.SecretId : '';
    const version =
      typeof input.VersionId === 'string'
        ? input.VersionId
        : typeof input.VersionStage === 'string'
          ? input.VersionStage
          : 'AWSCURRENT';
    const entry = {
      operation: target.replace('secretsmanager.', ''),
      name,
      version,
      ...(signature ? { credentialHash: hashForLog(signature) } : {}),
    };
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || signature === undefined)
      return awsError(
        400,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        entry,
      );
    if (target !== 'secretsmanager.GetSecretValue')
      return awsError(400, 'InvalidAction', `unsupported target ${target}`, entry);
    const fault = await applyFaults(store);
    if (fault?.type === 'throttle') return awsError(400, 'ThrottlingException', 'Rate exceeded', entry);
    if (fault?.type === 'unavailable')
      return awsError(500, 'InternalServiceError', 'An error occurred on the server side.', entry);
    if (fault?.type === 'denied')
      return awsError(
        400,
        'AccessDeniedException',
        `User: arn:aws:iam::123456789012:user/app is not authorized to perform: secretsmanager:GetSecretValue on resource: ${name}`,
        entry,
      );
    const resolved = store.resolve(name, version);
    if (resolved === 'not-found')
      return awsError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.", entry);
    if (resolved === 'deleted' || resolved === 'disabled')
      return awsError(
        400,
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
        entry,
      );
    const stages = [...resolved.secret.stages.entries()]
      .filter(([, id]) => id === resolved.version.id)
      .map(([stage]) => stage);
    return {
      status: 200,
      headers: { 'x-amzn-RequestId': randomUUID() },
      body: {
        ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`,
        Name: name,
        VersionId: resolved.version.id,
        SecretString: resolved.version.value,
        VersionStages: stages,
        CreatedDate: resolved.version.created.getTime() / 1000,
      },
      entry,
    };
  };
}

// ---- Azure Key Vault ----

function azureError(status: number, code: string, message: string, entry: Reply['entry'], inner?: string): Reply {
  return {
    status,
    body: { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } },
    headers: { 'x-ms-request-id': randomUUID() },
    entry,
  };
}

function azureHandler(store: CloudSecretStore, validTokens: Set<string>, base: () => string): Handler {
  return async (request, _text, url) => {
    const match = /^\/secrets\/([A-Za-z0-9-]+)\/?([A-Za-z0-9]*)$/.exec(url.pathname);
    const authorization = String(request.headers.authorization ?? '');
    const bearer = authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const entry = {
      operation: match ? 'getSecret' : url.pathname,
      name: match?.[1] ?? '',
      version: match?.[2] ?? '',
      ...(bearer ? { credentialHash: hashForLog(bearer) } : {}),
    };
    if (!url.searchParams.get('api-version'))
      return azureError(400, 'MissingApiVersionParameter', 'api-version', entry);
    if (bearer === undefined || !validTokens.has(bearer)) {
      return {
        status: 401,
        body: { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
        headers: {
          'WWW-Authenticate':
            'Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net"',
        },
        entry,
      };
    }
    if (match === null || request.method !== 'GET') return azureError(405, 'BadRequest', 'unsupported', entry);
    const fault = await applyFaults(store);
    if (fault?.type === 'throttle')
      return {
        ...azureError(429, 'Throttled', 'Rate limit is exceeded.', entry),
        headers: { 'Retry-After': String(fault.retryAfterSeconds ?? 1) },
      };
    if (fault?.type === 'unavailable') return azureError(503, 'ServiceUnavailable', 'Service unavailable', entry);
    if (fault?.type === 'denied')
      return azureError(
        403,
        'Forbidden',
        "The user, group or application does not have secrets get permission on key vault 'fake'.",
        entry,
        'ForbiddenByPolicy',
      );
    const name = match[1] as string;
    const resolved = store.resolve(name, match[2] ?? '');
    if (resolved === 'not-found' || resolved === 'deleted')
      return azureError(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${name} was not found in this key vault.`,
        entry,
      );
    if (resolved === 'disabled')
      return azureError(
        403,
        'Forbidden',
        'Operation get is not allowed on a disabled secret.',
        entry,
        'SecretDisabled',
      );
    const created = Math.floor(resolved.version.created.getTime() / 1000);
    return {
      status: 200,
      body: {
        value: resolved.version.value,
        id: `${base()}/secrets/${name}/${resolved.version.id}`,
        attributes: { enabled: true, created, updated: created, recoveryLevel: 'Recoverable+Purgeable' },
        tags: resolved.secret.tags,
      },
      entry,
    };
  };
}

// ---- Google Secret Manager (REST) ----

const GCP_STATUS: Record<number, string> = {
  400: 'FAILED_PRECONDITION',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

function gcpError(status: number, message: string, entry: Reply['entry'], details?: unknown[]): Reply {
  return {
    status,
    body: {
      error: { code: status, message, status: GCP_STATUS[status] ?? 'UNKNOWN', ...(details ? { details } : {}) },
    },
    entry,
  };
}

function gcpHandler(store: CloudSecretStore, validTokens: Set<string>): Handler {
  return async (request, _text, url) => {
    const access = /^\/v1\/projects\/([^/]+)\/secrets\/([^/]+)\/versions\/([^/:]+):access$/.exec(url.pathname);
    const secretPath = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)$/.exec(url.pathname);
    const authorization = String(request.headers.authorization ?? '');
    const bearer = authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const name = access?.[2] ?? secretPath?.[2] ?? '';
    const entry = {
      operation: access ? 'accessSecretVersion' : secretPath ? 'getSecret' : url.pathname,
      name,
      version: access?.[3] ?? '',
      ...(bearer ? { credentialHash: hashForLog(bearer) } : {}),
    };
    if (bearer === undefined || !validTokens.has(bearer))
      return gcpError(401, 'Request had invalid authentication credentials.', entry);
    if (request.method !== 'GET' || (!access && !secretPath)) return gcpError(404, 'unknown method', entry);
    const fault = await applyFaults(store);
    if (fault?.type === 'throttle')
      return gcpError(
        429,
        "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute per project'.",
        entry,
        fault.retryAfterSeconds === undefined
          ? undefined
          : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${fault.retryAfterSeconds}s` }],
      );
    if (fault?.type === 'unavailable') return gcpError(503, 'The service is currently unavailable.', entry);
    if (fault?.type === 'denied')
      return gcpError(403, `Permission 'secretmanager.versions.access' denied for resource '${name}'.`, entry);
    const project = (access ?? secretPath)?.[1] as string;
    if (secretPath) {
      const tags = store.tags(name);
      if (tags === undefined) return gcpError(404, `Secret [projects/${project}/secrets/${name}] not found.`, entry);
      return {
        status: 200,
        body: { name: `projects/${project}/secrets/${name}`, labels: tags, replication: { automatic: {} } },
        entry,
      };
    }
    const resolved = store.resolve(name, access?.[3] ?? 'latest');
    if (resolved === 'not-found' || resolved === 'deleted')
      return gcpError(
        404,
        `Secret Version [projects/${project}/secrets/${name}/versions/${access?.[3]}] not found.`,
        entry,
      );
    if (resolved === 'disabled')
      return gcpError(
        400,
        `Secret Version [projects/${project}/secrets/${name}/versions/${access?.[3]}] is in DISABLED state.`,
        entry,
      );
    const data = Buffer.from(resolved.version.value, 'utf8');
    return {
      status: 200,
      body: {
        name: `projects/${project}/secrets/${name}/versions/${resolved.version.id}`,
        payload: {
          data: data.toString('base64'),
          // A corrupted checksum flips one bit, as a damaged payload or a tampering proxy would produce.
          dataCrc32c: String(
            store.faults().some((fault) => fault.type === 'corrupt-checksum') ? (crc32c(data) ^ 1) >>> 0 : crc32c(data),
          ),
        },
      },
      entry,
    };
  };
}

/** The three servers over one store. Azure needs `tls` (a certificate for 127.0.0.1). */
export interface FakeClouds {
  store: CloudSecretStore;
  aws: FakeCloudServer;
  azure: FakeCloudServer;
  gcp: FakeCloudServer;
  /** Bearer tokens the Azure and GCP fakes accept; tests hand them to their credential objects. */
  azureToken: string;
  gcpToken: string;
  close(): Promise<void>;
}

export async function startFakeClouds(options: {
  tls: { key: string; cert: string };
  azureToken: string;
  gcpToken: string;
}): Promise<FakeClouds> {
  const store = new CloudSecretStore();
  const aws = await new FakeCloudServer('aws', store, awsHandler(store)).start();
  let azureUrl = '';
  const azure = await new FakeCloudServer(
    'azure',
    store,
    azureHandler(store, new Set([options.azureToken]), () => azureUrl),
    options.tls,
  ).start();
  azureUrl = azure.url;
  const gcp = await new FakeCloudServer('gcp', store, gcpHandler(store, new Set([options.gcpToken]))).start();
  return {
    store,
    aws,
    azure,
    gcp,
    azureToken: options.azureToken,
    gcpToken: options.gcpToken,
    close: async () => {
      await Promise.all([aws.close(), azure.close(), gcp.close()]);
    },
  };
}
