import { readFile } from 'node:fs/promises';
import createVaultClient from 'node-vault';
import { z } from 'zod';
import { CredentialError, ErrorCode } from '../core/errors';
import { hashPrincipal } from './fingerprint';
import { parseOptions } from './options';
import { safeStringRecord } from './payload';
import type { SecretSource, SecretSourceDescription, SecretSourceEvent, SecretValue } from './types';
import { RESPONSE_FACTS, VaultTransportError, createVaultTransport, type ResponseFacts } from './vault-transport';

/** The projected service-account token file Kubernetes mounts into every pod. */
export const DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

const LOGIN_REJECTED_PAUSE_SECONDS = 900;
const KV1_TAG_NAMES = new Set(['environment', 'integration', 'key_id', 'owner']);
const RENEW_FRACTION = 2 / 3;
const RELOGIN_REMAINING_FRACTION = 0.1;

const mountName = z.string().regex(/^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/, 'mount names are letters, digits, - and _');
const secretPath = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/, 'plain path segments only')
  .refine((value) => !value.endsWith('.') && !value.includes('..'), 'no trailing period or ..');
const fieldName = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/);
const nonEmpty = z.string().min(1).max(16_384);

const authSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('token'), token: nonEmpty }).strict(),
  z
    .object({
      method: z.literal('approle'),
      roleId: nonEmpty,
      secretId: nonEmpty.optional(),
      wrappedSecretId: z
        .object({
          token: z.union([nonEmpty, z.custom<() => string | Promise<string>>((value) => typeof value === 'function')]),
          creationPath: z.string().regex(/^auth\/[A-Za-z0-9_/-]+\/secret-id$/, 'auth/<mount>/role/<role>/secret-id'),
        })
        .strict()
        .optional(),
      mount: mountName.default('approle'),
    })
    .strict()
    .refine((value) => (value.secretId === undefined) !== (value.wrappedSecretId === undefined), {
      message: 'pass exactly one of secretId and wrappedSecretId',
      path: ['secretId'],
    }),
  z
    .object({
      method: z.literal('kubernetes'),
      role: nonEmpty,
      tokenPath: nonEmpty.default(DEFAULT_KUBERNETES_TOKEN_PATH),
      mount: mountName.default('kubernetes'),
    })
    .strict(),
  z
    .object({
      method: z.literal('jwt'),
      role: nonEmpty,
      jwt: z.union([nonEmpty, z.custom<() => string | Promise<string>>((value) => typeof value === 'function')]),
      mount: mountName.default('jwt'),
    })
    .strict(),
]);

const kvSchema = z.discriminatedUnion('version', [
  z
    .object({
      version: z.literal(2),
      mount: mountName.default('secret'),
      path: secretPath,
      field: fieldName.default('api_key'),
      pinnedVersion: z.number().int().positive().optional(),
    })
    .strict(),
  z
    .object({
      version: z.literal(1),
      mount: mountName.default('kv'),
      path: secretPath,
      field: fieldName.default('api_key'),
    })
    .strict(),
]);

const vaultSourceSchema = z
  .object({
    address: z
      .string()
      .url()
      .refine((value) => isAllowedAddress(value), 'https required; http only for loopback addresses'),
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*\/?$/)
      .optional(),
    auth: authSchema,
    kv: kvSchema,
    requestTimeoutMs: z.number().int().min(100).max(30_000).default(2_000),
    maxResponseBytes: z
      .number()
      .int()
      .min(1_024)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024),
    caCertificate: z.string().min(1).optional(),
    renewIncrementSeconds: z.number().int().positive().optional(),
  })
  .strict();

/** Options of `vaultSource()`. */
export type VaultSourceOptions = z.input<typeof vaultSourceSchema>;
type VaultSourceConfig = z.output<typeof vaultSourceSchema>;

function isAllowedAddress(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

interface TokenState {
  value: string;
  /** Start of the current lease (monotonic ms). */
  obtainedAt: number;
  /** Current lease length; renewals may cap it below the login lease. */
  leaseMs: number;
  /** Lease granted at login: "less than 10 % remaining" is measured against it. */
  loginLeaseMs: number;
  renewable: boolean;
}

interface ApiResponseErrorShape {
  response: { statusCode: number; body: unknown };
}

function isApiResponseError(error: unknown): error is ApiResponseErrorShape {
  // node-vault does not export its error classes (CONTRACT.md §13.2): duck typing is the only option.
  const response = (error as { response?: { statusCode?: unknown } } | null)?.response;
  return typeof response?.statusCode === 'number';
}

function errorTexts(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? errors.filter((item): item is string => typeof item === 'string') : [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A `SecretSource` reading an Anthropic API key from HashiCorp Vault (or OpenBao) through
 * node-vault 0.12, with every documented node-vault hazard neutralized (docs/credentials.md):
 * transport seam with a 2 s timeout, no redirects, `X-Vault-Request: true`, explicit TLS
 * verification, a silenced `debug`, no constructor `headers` (the current token is always sent),
 * no reading of `VAULT_TOKEN`/`VAULT_NAMESPACE`/`VAULT_PREFIX`, and sanitized errors.
 *
 * Auth: `token`, `approle`, `kubernetes` (service-account token file re-read at every login,
 * mount `kubernetes` by default) and `jwt`. Logins are single-flight; the token is renewed at 2/3
 * of its lease and replaced by a re-login when renewal is impossible or less than 10 % remains.
 * A rejected login (400/403) pauses logins for 15 minutes to stay below Vault's lockout threshold.
 *
 * @example
 * const source = vaultSource({
 *   address: 'https://vault.internal:8200',
 *   auth: { method: 'approle', roleId, secretId },
 *   kv: { version: 2, mount: 'secret', path: 'anthropic/prod', field: 'api_key' },
 * });
 */
export function vaultSource(options: VaultSourceOptions): SecretSource {
  return new VaultSecretSource(parseOptions(vaultSourceSchema, options, 'vaultSource'));
}

class VaultSecretSource implements SecretSource {
  readonly #config: VaultSourceConfig;
  readonly #client: ReturnType<typeof createVaultClient>;
  readonly #readPath: string;
  readonly #description: SecretSourceDescription;
  #token: TokenState | undefined;
  #login: Promise<void> | undefined;
  #loginPausedUntil = Number.NEGATIVE_INFINITY;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #listener: ((event: SecretSourceEvent) => void) | undefined;
  #closed = false;
  /** The AppRole secret_id once unwrapped (response-wrapped delivery), kept in memory only. */
  #unwrappedSecretId: string | undefined;
  /** Set when the wrapping token failed a check: never unwrap again, fail closed until a new source is built. */
  #wrappingFailure: CredentialError | undefined;

  constructor(config: VaultSourceConfig) {
    this.#config = config;
    const address = new URL(config.address);
    this.#client = createVaultClient({
      endpoint: address.origin,
      // node-vault's default debug prints request bodies (secret_id, JWTs) when DEBUG=node-vault.
      debug: () => undefined,
      noCustomHTTPVerbs: true,
      'request-promise': createVaultTransport({
        origin: address.origin,
        timeoutMs: config.requestTimeoutMs,
        maxResponseBytes: config.maxResponseBytes,
        caCertificate: config.caCertificate,
      }),
    } as Parameters<typeof createVaultClient>[0]);
    // The constructor falls back to VAULT_TOKEN, VAULT_NAMESPACE and VAULT_PREFIX; only explicit options count.
    this.#client.token = undefined as unknown as string;
    (this.#client as { namespace?: string }).namespace = config.namespace;
    (this.#client as { pathPrefix?: string }).pathPrefix = '';
    const kv = config.kv;
    this.#readPath =
      kv.version === 2
        ? `${kv.mount}/data/${kv.path}${kv.pinnedVersion ? `?version=${kv.pinnedVersion}` : ''}`
        : `${kv.mount}/${kv.path}`;
    const namespacePrefix = config.namespace ? `${config.namespace.replace(/\/$/, '')}/` : '';
    this.#description = {
      provider: 'vault',
      path: `${namespacePrefix}${kv.version === 2 ? `${kv.mount}/data/${kv.path}` : `${kv.mount}/${kv.path}`}#${kv.field}`,
      principalHash: hashPrincipal(principalOf(config)),
      ...(kv.version === 2 && kv.pinnedVersion ? { pinnedVersion: kv.pinnedVersion } : {}),
    };
  }

  describe(): SecretSourceDescription {
    return { ...this.#description };
  }

  observe(listener: (event: SecretSourceEvent) => void): void {
    this.#listener = listener;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#renewTimer);
    this.#token = undefined;
    this.#unwrappedSecretId = undefined;
    this.#client.token = undefined as unknown as string;
  }

  async read(): Promise<SecretValue> {
    if (this.#closed) throw this.#error(ErrorCode.CREDENTIAL_UNAVAILABLE, 'source-closed', 'the source was closed');
    await this.#ensureToken();
    const usedToken = this.#token;
    let body: unknown;
    try {
      body = await this.#client.read(this.#readPath);
    } catch (error) {
      if (!isApiResponseError(error) || error.response.statusCode !== 403 || this.#config.auth.method === 'token') {
        throw this.#classify(error);
      }
      // Another caller may already have replaced the token this request used: reuse it, do not log in again.
      if (this.#token === usedToken) {
        if (!(await this.#tokenIsDead(error))) throw this.#classify(error);
        if (this.#token === usedToken) await this.#loginOnce('reauthenticated', 'vault-token-invalid');
      }
      try {
        body = await this.#client.read(this.#readPath);
      } catch (retryError) {
        throw this.#classify(retryError);
      }
    }
    return this.#parse(body);
  }

  async #tokenIsDead(error: ApiResponseErrorShape): Promise<boolean> {
    if (errorTexts(error.response.body).some((text) => text.includes('invalid token'))) return true;
    // Vault < 1.17 and OpenBao word a dead token and a policy denial the same: ask lookup-self (CONTRACT.md §3.1).
    try {
      await this.#client.tokenLookupSelf();
      return false;
    } catch (lookupError) {
      return isApiResponseError(lookupError) && lookupError.response.statusCode === 403;
    }
  }

  async #ensureToken(): Promise<void> {
    const auth = this.#config.auth;
    if (auth.method === 'token') {
      this.#client.token = auth.token;
      return;
    }
    const token = this.#token;
    if (token !== undefined) {
      const remaining =
        token.leaseMs === 0 ? Number.POSITIVE_INFINITY : token.obtainedAt + token.leaseMs - performance.now();
      if (remaining > token.loginLeaseMs * RELOGIN_REMAINING_FRACTION) return;
    }
    await this.#loginOnce(
      token === undefined ? 'authenticated' : 'reauthenticated',
      token === undefined ? 'initial-login' : 'token-near-expiry',
    );
  }

  #loginOnce(kind: 'authenticated' | 'reauthenticated', reason: string): Promise<void> {
    this.#login ??= this.#performLogin(kind, reason).finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  async #performLogin(kind: 'authenticated' | 'reauthenticated', reason: string): Promise<void> {
    const now = performance.now();
    if (now < this.#loginPausedUntil) {
      throw this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        'vault-login-paused',
        'a previous login was rejected; logins pause for 15 minutes to avoid a lockout',
        {
          critical: true,
        },
      );
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.#sendLogin();
        this.#adoptLogin(response);
        this.#emit({ type: `vault.${kind}`, outcome: 'success', reason, details: this.#leaseDetails() });
        return;
      } catch (error) {
        const status = isApiResponseError(error) ? error.response.statusCode : undefined;
        // AppRole answers a num_uses race with `invalid secret_id "<the id>"`: one retry is allowed (RELIABILITY.md).
        const race =
          status === 400 &&
          errorTexts((error as ApiResponseErrorShape).response.body).some((text) =>
            text.startsWith('invalid secret_id'),
          );
        if (race && attempt === 1) continue;
        if (status === 400 || status === 403) {
          this.#loginPausedUntil = performance.now() + LOGIN_REJECTED_PAUSE_SECONDS * 1000;
          const lockout = status === 403 && this.#config.auth.method === 'approle';
          const rejectionReason = lockout ? 'vault-login-denied-or-locked-out' : 'vault-login-rejected';
          this.#emit({
            type: 'vault.login_failed',
            outcome: 'denied',
            reason: rejectionReason,
            critical: true,
            details: { status },
          });
          throw this.#error(
            ErrorCode.CREDENTIAL_UNAVAILABLE,
            rejectionReason,
            `Vault rejected the ${this.#config.auth.method} login (status ${status}); check the role and its credential. Logins pause for 15 minutes`,
            { status, critical: true },
          );
        }
        const classified = this.#classify(error);
        this.#emit({
          type: 'vault.login_failed',
          outcome: 'failure',
          reason: String(classified.details.reason),
          details: status ? { status } : {},
        });
        throw classified;
      }
    }
  }

  async #sendLogin(): Promise<unknown> {
    const auth = this.#config.auth;
    // node-vault sends its current token on login calls; a dead one is useless there (CONTRACT.md §4).
    this.#client.token = undefined as unknown as string;
    switch (auth.method) {
      case 'approle': {
        const secretId = auth.secretId ?? (await this.#unwrapSecretId());
        return this.#client.approleLogin({ role_id: auth.roleId, secret_id: secretId, mount_point: auth.mount });
      }
      case 'kubernetes': {
        // The kubelet rotates the projected token; read it at every login, never cache it.
        const jwt = (
          await readFile(auth.tokenPath, 'utf8').catch(() => {
            throw this.#error(
              ErrorCode.CREDENTIAL_UNAVAILABLE,
              'kubernetes-token-unreadable',
              `the service-account token file ${auth.tokenPath} could not be read`,
            );
          })
        ).trim();
        // Without mount_point node-vault 0.12 posts to /v1/auth//login (CONTRACT.md §13.1).
        return this.#client.kubernetesLogin({ role: auth.role, jwt, mount_point: auth.mount });
      }
      case 'jwt': {
        const jwt = typeof auth.jwt === 'function' ? await auth.jwt() : auth.jwt;
        return this.#client.jwtLogin({ role: auth.role, jwt, mount_point: auth.mount });
      }
      default:
        throw this.#error(ErrorCode.CREDENTIAL_UNAVAILABLE, 'vault-auth-unsupported', 'the auth method cannot log in');
    }
  }

  /**
   * Response-wrapped delivery of the AppRole secret_id (CONTRACT.md §9): look the wrapping token up
   * (unauthenticated), check its `creation_path`, then unwrap it once with the wrapping token as the
   * only token. An invalid token or a wrong path means someone else may hold the secret_id: fail
   * closed with a critical "possible interception" alert and never try to unwrap again.
   */
  async #unwrapSecretId(): Promise<string> {
    if (this.#unwrappedSecretId !== undefined) return this.#unwrappedSecretId;
    if (this.#wrappingFailure !== undefined) throw this.#wrappingFailure;
    const auth = this.#config.auth;
    const wrapped = auth.method === 'approle' ? auth.wrappedSecretId : undefined;
    if (wrapped === undefined)
      throw this.#error(ErrorCode.CREDENTIAL_UNAVAILABLE, 'vault-auth-unsupported', 'no secret_id is configured');
    const token = typeof wrapped.token === 'function' ? await wrapped.token() : wrapped.token;
    let lookup: unknown;
    try {
      lookup = await this.#client.write('sys/wrapping/lookup', { token });
    } catch (error) {
      if (isApiResponseError(error) && error.response.statusCode === 400)
        throw this.#wrappingTampered(
          'vault-wrapping-token-invalid',
          'the wrapping token is not valid (already unwrapped, expired or unknown)',
        );
      throw this.#classify(error);
    }
    const data = isPlainObject(lookup) && isPlainObject(lookup.data) ? lookup.data : {};
    if (data.creation_path !== wrapped.creationPath)
      throw this.#wrappingTampered(
        'vault-wrapping-path-mismatch',
        `the wrapping token was not created at ${wrapped.creationPath}`,
      );
    let unwrapped: unknown;
    try {
      // The wrapping token goes in X-Vault-Token only; also sending it in the body would revoke it (CONTRACT.md §9).
      unwrapped = await this.#client.write('sys/wrapping/unwrap', {}, { headers: { 'X-Vault-Token': token } });
    } catch (error) {
      if (isApiResponseError(error) && error.response.statusCode === 400)
        throw this.#wrappingTampered(
          'vault-wrapping-token-invalid',
          'the wrapping token was unwrapped by someone else between lookup and unwrap',
        );
      // The token may be spent even if the answer was lost: no second unwrap.
      throw this.#wrappingTampered('vault-unwrap-interrupted', 'the unwrap did not complete; the token may be spent');
    }
    const secretId = isPlainObject(unwrapped) && isPlainObject(unwrapped.data) ? unwrapped.data.secret_id : undefined;
    if (typeof secretId !== 'string' || secretId.length === 0)
      throw this.#wrappingTampered('vault-wrapping-payload-invalid', 'the unwrapped response holds no secret_id');
    this.#unwrappedSecretId = secretId;
    this.#emit({ type: 'vault.secret_id_unwrapped', outcome: 'success', reason: 'unwrapped' });
    return secretId;
  }

  #wrappingTampered(reason: string, what: string): CredentialError {
    const error = this.#error(
      ErrorCode.CREDENTIAL_DENIED,
      reason,
      `${what}; possible interception of the response-wrapped secret_id. Revoke the secret_id, investigate, and deliver a new wrapping token`,
      { critical: true, alert: 'possible-interception' },
    );
    this.#wrappingFailure = error;
    this.#emit({
      type: 'vault.wrapping_tampered',
      outcome: 'denied',
      reason,
      critical: true,
      details: { alert: 'possible-interception' },
    });
    return error;
  }

  #adoptLogin(response: unknown): void {
    const auth = isPlainObject(response) ? response.auth : undefined;
    if (!isPlainObject(auth) || typeof auth.client_token !== 'string' || auth.client_token.length === 0) {
      throw this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        'vault-login-malformed',
        'the login response has no client token',
      );
    }
    const leaseSeconds = typeof auth.lease_duration === 'number' && auth.lease_duration > 0 ? auth.lease_duration : 0;
    this.#token = {
      value: auth.client_token,
      obtainedAt: performance.now(),
      leaseMs: leaseSeconds * 1000,
      loginLeaseMs: leaseSeconds * 1000,
      renewable: auth.renewable === true,
    };
    this.#client.token = auth.client_token;
    this.#scheduleRenewal();
  }

  #leaseDetails(): Record<string, number | boolean> {
    return this.#token
      ? { leaseSeconds: Math.round(this.#token.leaseMs / 1000), renewable: this.#token.renewable }
      : {};
  }

  #scheduleRenewal(): void {
    clearTimeout(this.#renewTimer);
    const token = this.#token;
    if (this.#closed || token === undefined || token.leaseMs === 0) return;
    // Jitter spreads renewals of many processes started together (LifetimeWatcher does the same).
    const delay = token.leaseMs * RENEW_FRACTION * (1 - Math.random() * 0.1);
    this.#renewTimer = setTimeout(() => void this.#renewOrRelogin(), delay);
    this.#renewTimer.unref?.();
  }

  async #renewOrRelogin(): Promise<void> {
    const token = this.#token;
    if (this.#closed || token === undefined) return;
    if (token.renewable) {
      try {
        const increment = this.#config.renewIncrementSeconds;
        const response = await this.#client.tokenRenewSelf(increment ? { increment: `${increment}s` } : {});
        const auth = isPlainObject(response) ? response.auth : undefined;
        const leaseSeconds = isPlainObject(auth) && typeof auth.lease_duration === 'number' ? auth.lease_duration : 0;
        // A capped renewal (max TTL reached) is taken from the response, never from what was asked for.
        if (leaseSeconds * 1000 > token.loginLeaseMs * RELOGIN_REMAINING_FRACTION && this.#token === token) {
          this.#token = {
            ...token,
            obtainedAt: performance.now(),
            leaseMs: leaseSeconds * 1000,
            renewable: isPlainObject(auth) && auth.renewable === true,
          };
          this.#client.token = token.value;
          this.#emit({
            type: 'vault.token_renewed',
            outcome: 'success',
            reason: 'renewed',
            details: this.#leaseDetails(),
          });
          this.#scheduleRenewal();
          return;
        }
      } catch (error) {
        const classified = this.#classify(error);
        this.#emit({ type: 'vault.token_renew_failed', outcome: 'failure', reason: String(classified.details.reason) });
      }
      if (this.#token !== token) return;
    }
    await this.#loginOnce('reauthenticated', 'token-not-renewable').catch(() => undefined);
  }

  #parse(body: unknown): SecretValue {
    const field = this.#config.kv.field;
    if (!isPlainObject(body)) throw this.#invalid('vault-payload-not-json', 'the response body is not a JSON object');
    const data = body.data;
    if (!isPlainObject(data)) throw this.#invalid('vault-payload-no-data', 'the response has no data object');
    if (this.#config.kv.version === 1) {
      const key = data[field];
      if (!Object.hasOwn(data, field) || typeof key !== 'string')
        throw this.#invalid('field-missing-or-not-string', `field "${field}" is missing or not a string`);
      // Other fields of a KV v1 map may be secrets too: only known tag names are kept.
      const tags = safeStringRecord(data, (name) => KV1_TAG_NAMES.has(name) && name !== field);
      const leaseDuration =
        typeof body.lease_duration === 'number' && body.lease_duration > 0 ? body.lease_duration : undefined;
      return {
        key,
        version: 'unversioned',
        metadata: tags,
        ...(tags.environment ? { environment: tags.environment } : {}),
        ...(tags.integration ? { integration: tags.integration } : {}),
        ...(leaseDuration ? { refreshAfterSeconds: leaseDuration } : {}),
      };
    }
    const metadata = isPlainObject(data.metadata) ? data.metadata : {};
    const version =
      typeof metadata.version === 'number' && Number.isInteger(metadata.version) ? metadata.version : undefined;
    if (version === undefined) throw this.#invalid('vault-payload-no-version', 'the response has no metadata.version');
    const secret = data.data;
    if (!isPlainObject(secret)) throw this.#invalid('vault-payload-no-data', `version ${version} has no data`, version);
    const key = secret[field];
    if (!Object.hasOwn(secret, field) || typeof key !== 'string') {
      throw this.#invalid(
        'field-missing-or-not-string',
        `field "${field}" of version ${version} is missing or not a string`,
        version,
      );
    }
    const custom = isPlainObject(metadata.custom_metadata) ? safeStringRecord(metadata.custom_metadata) : {};
    return {
      key,
      version,
      metadata: custom,
      ...(custom.environment ? { environment: custom.environment } : {}),
      ...(custom.integration ? { integration: custom.integration } : {}),
      ...(typeof metadata.created_time === 'string' && metadata.created_time
        ? { createdTime: metadata.created_time }
        : {}),
    };
  }

  #invalid(reason: string, what: string, version?: number): CredentialError {
    return this.#error(
      ErrorCode.CREDENTIAL_INVALID,
      reason,
      `the Vault secret is malformed: ${what}; fix the secret in Vault`,
      version ? { version } : {},
    );
  }

  #classify(error: unknown): CredentialError {
    if (CredentialErrorLike(error)) return error;
    if (error instanceof VaultTransportError) {
      if (error.reason === 'response-too-large') {
        return this.#error(
          ErrorCode.CREDENTIAL_INVALID,
          'vault-response-too-large',
          `the response exceeded ${this.#config.maxResponseBytes} bytes`,
        );
      }
      const reason =
        error.reason === 'timeout'
          ? 'vault-timeout'
          : error.reason === 'connection'
            ? 'vault-unreachable'
            : 'vault-unexpected-origin';
      return this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        reason,
        `Vault could not be reached (${error.reason}${error.systemCode ? ` ${error.systemCode}` : ''})`,
        {
          ...(error.systemCode ? { systemCode: error.systemCode } : {}),
        },
      );
    }
    if (!isApiResponseError(error)) {
      return this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        'vault-client-error',
        'the Vault client failed before sending the request',
      );
    }
    const status = error.response.statusCode;
    const body = error.response.body;
    const texts = errorTexts(body);
    if (status >= 300 && status < 400) {
      return this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        'vault-redirect-refused',
        `Vault answered ${status} (standby redirect); redirects are not followed, point the address at the active node or a load balancer`,
        { status },
      );
    }
    if (status === 403) {
      const reason = texts.some((text) => text.includes('invalid token'))
        ? 'vault-token-invalid'
        : 'vault-permission-denied';
      return this.#error(
        ErrorCode.CREDENTIAL_DENIED,
        reason,
        `Vault denied access to the secret (status 403, ${reason}); check the policy of the Vault role`,
        { status },
      );
    }
    if (status === 404) return this.#classifyNotFound(body, texts);
    if (status === 429) {
      const facts =
        (isPlainObject(body) ? (body as { [RESPONSE_FACTS]?: ResponseFacts })[RESPONSE_FACTS] : undefined) ?? {};
      return this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        'vault-rate-limited',
        'Vault rate-limited the read (status 429)',
        {
          status,
          ...(facts.retryAfterSeconds !== undefined ? { retryAfterSeconds: facts.retryAfterSeconds } : {}),
        },
      );
    }
    if (status === 412) {
      const header = texts.some((text) => text.includes('X-Vault-Request'));
      return this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        header ? 'vault-request-header-missing' : 'vault-consistency-not-ready',
        `Vault answered 412 (${header ? 'missing X-Vault-Request' : 'consistency'})`,
        { status },
      );
    }
    if (status === 503) {
      const sealed = texts.some((text) => text.includes('sealed'));
      return this.#error(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        sealed ? 'vault-sealed' : 'vault-unavailable',
        `Vault is ${sealed ? 'sealed' : 'unavailable'} (status 503)`,
        { status },
      );
    }
    if (status >= 500)
      return this.#error(ErrorCode.CREDENTIAL_UNAVAILABLE, 'vault-server-error', `Vault answered ${status}`, {
        status,
      });
    if (status === 400)
      return this.#error(
        ErrorCode.CREDENTIAL_INVALID,
        'vault-bad-request',
        'Vault refused the request as invalid (status 400); check kv.version and kv.pinnedVersion',
        { status },
      );
    return this.#error(ErrorCode.CREDENTIAL_UNAVAILABLE, 'vault-unexpected-status', `Vault answered ${status}`, {
      status,
    });
  }

  #classifyNotFound(body: unknown, texts: string[]): CredentialError {
    const data = isPlainObject(body) && isPlainObject(body.data) ? body.data : undefined;
    const metadata = data && isPlainObject(data.metadata) ? data.metadata : undefined;
    const version = typeof metadata?.version === 'number' ? metadata.version : undefined;
    const extra = { status: 404, ...(version ? { version } : {}) };
    if (metadata?.destroyed === true)
      return this.#error(
        ErrorCode.CREDENTIAL_REVOKED,
        'secret-destroyed',
        `version ${version} of the secret was destroyed`,
        extra,
      );
    if (typeof metadata?.deletion_time === 'string' && metadata.deletion_time !== '') {
      return this.#error(
        ErrorCode.CREDENTIAL_REVOKED,
        'secret-deleted',
        `version ${version} of the secret was deleted`,
        extra,
      );
    }
    if (texts.some((text) => text.startsWith('no handler for route'))) {
      return this.#error(
        ErrorCode.CREDENTIAL_REVOKED,
        'vault-mount-not-found',
        'the KV mount or namespace does not exist; check kv.mount and namespace',
        extra,
      );
    }
    if (isPlainObject(body) && Array.isArray(body.warnings)) {
      return this.#error(
        ErrorCode.CREDENTIAL_REVOKED,
        'vault-kv-version-mismatch',
        'the path is not valid for this KV engine; check kv.version',
        extra,
      );
    }
    return this.#error(
      ErrorCode.CREDENTIAL_REVOKED,
      'secret-not-found',
      'the secret does not exist; check kv.path',
      extra,
    );
  }

  #error(
    code: ErrorCode,
    reason: string,
    what: string,
    details: Record<string, string | number | boolean> = {},
  ): CredentialError {
    const retryable = code === ErrorCode.CREDENTIAL_UNAVAILABLE;
    return new CredentialError(code, `Vault secret "${this.#description?.path ?? 'unknown'}": ${what}.`, {
      source: 'vault-source',
      details: { provider: 'vault', path: this.#description?.path, reason, retryable, ...details },
    });
  }

  #emit(event: SecretSourceEvent): void {
    try {
      this.#listener?.(event);
    } catch {
      // A failing listener must not break authentication.
    }
  }
}

function CredentialErrorLike(error: unknown): error is CredentialError {
  return error instanceof CredentialError;
}

function principalOf(config: VaultSourceConfig): string {
  const auth = config.auth;
  switch (auth.method) {
    case 'token':
      return `${config.address}|token|${auth.token}`;
    case 'approle':
      return `${config.address}|approle|${auth.mount}|${auth.roleId}`;
    default:
      return `${config.address}|${auth.method}|${auth.mount}|${auth.role}`;
  }
}
