import { CredentialError, ErrorCode } from '../core/errors';
import { crc32c } from './crc32c';
import { hashPrincipal } from './fingerprint';
import { safeStringRecord } from './payload';
import type { SecretSource, SecretValue } from './types';

/**
 * The part of an AWS SDK v3 Secrets Manager client this adapter calls: either the aggregated
 * `SecretsManager` client (`getSecretValue(input)`) or a `SecretsManagerClient` plus the
 * `GetSecretValueCommand` class (`send(new GetSecretValueCommand(input))`).
 */
export interface AwsSecretsManagerLike {
  getSecretValue?(input: { SecretId: string; VersionStage: string }): Promise<AwsSecretValueOutput>;
  send?(command: unknown): Promise<AwsSecretValueOutput>;
}

/** The fields of `GetSecretValueCommandOutput` the adapter reads. */
export interface AwsSecretValueOutput {
  VersionId?: string;
  SecretString?: string;
  CreatedDate?: Date;
}

/** The part of `@azure/keyvault-secrets` `SecretClient` this adapter calls. */
export interface AzureSecretClientLike {
  getSecret(
    name: string,
    options?: { version?: string },
  ): Promise<{
    value?: string;
    properties: { version?: string; enabled?: boolean; createdOn?: Date; tags?: Record<string, string> };
  }>;
}

/** `payload.dataCrc32c`, an int64 in the API: a decimal string over REST, a number or `Long` over gRPC. */
export type GcpChecksum = string | number | bigint | { toString(): string };

/**
 * The part of `@google-cloud/secret-manager` `SecretManagerServiceClient` this adapter calls. The adapter
 * passes `{ retry: null }` as call options: the key cache owns retries, so the SDK's own
 * (up to 10 min on `UNAVAILABLE`/`RESOURCE_EXHAUSTED`) would only stack on top of its backoff.
 */
export interface GcpSecretManagerLike {
  accessSecretVersion(
    request: { name: string },
    options?: { retry: null },
  ): Promise<
    [
      {
        name?: string | null;
        payload?: {
          data?: Uint8Array | string | null;
          dataCrc32c?: GcpChecksum | null;
        } | null;
      },
      ...unknown[],
    ]
  >;
  getSecret?(request: { name: string }): Promise<[{ labels?: Record<string, string> | null }, ...unknown[]]>;
}

type FailureKind = 'availability' | 'denied' | 'revoked';

const KIND_CODE: Record<FailureKind, ErrorCode> = {
  availability: ErrorCode.CREDENTIAL_UNAVAILABLE,
  denied: ErrorCode.CREDENTIAL_DENIED,
  revoked: ErrorCode.CREDENTIAL_REVOKED,
};

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** A server-requested delay above an hour is not believed; the key cache caps what it honours at 60 s anyway. */
const MAX_RETRY_AFTER_SECONDS = 3_600;

/** `Retry-After` as delta-seconds or an HTTP-date, in seconds from now; `undefined` when absent or unreadable. */
function parseRetryAfter(value: unknown, unitMs = 1_000): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  let seconds: number;
  if (/^\d{1,10}(\.\d{1,6})?$/.test(text)) seconds = (Number(text) * unitMs) / 1_000;
  else {
    // An HTTP-date is converted once into a duration; the decision that follows runs on the monotonic clock.
    const at = unitMs === 1_000 ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(at)) return undefined;
    seconds = (at - Date.now()) / 1_000;
  }
  return Math.min(Math.max(0, seconds), MAX_RETRY_AFTER_SECONDS);
}

function retryAfterDetail(seconds: number | undefined): Record<string, number> {
  return seconds === undefined ? {} : { retryAfterSeconds: seconds };
}

function failure(
  provider: string,
  path: string,
  kind: FailureKind,
  reason: string,
  extra: Record<string, string | number> = {},
): CredentialError {
  const what =
    kind === 'availability'
      ? 'is unavailable'
      : kind === 'denied'
        ? 'denied access'
        : 'reports the secret deleted, disabled or missing';
  return new CredentialError(KIND_CODE[kind], `${provider} secret "${path}": the store ${what} (${reason}).`, {
    source: provider,
    details: { provider, path, reason, retryable: kind === 'availability', ...extra },
  });
}

function invalid(provider: string, path: string, reason: string): CredentialError {
  return new CredentialError(
    ErrorCode.CREDENTIAL_INVALID,
    `${provider} secret "${path}": the payload is malformed (${reason}); fix the secret.`,
    {
      source: provider,
      details: { provider, path, reason, retryable: false },
    },
  );
}

/** Reads the key from a plain-string secret, or from `field` of a JSON secret (which may also carry tags). */
function extractKey(
  provider: string,
  path: string,
  text: string,
  field: string,
): { key: string; tags: Record<string, string> } {
  if (!text.trimStart().startsWith('{')) return { key: text, tags: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(provider, path, 'payload-not-json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid(provider, path, 'payload-not-object');
  const record = parsed as Record<string, unknown>;
  const key = record[field];
  if (!Object.hasOwn(record, field) || typeof key !== 'string')
    throw invalid(provider, path, 'field-missing-or-not-string');
  return {
    key,
    tags: safeStringRecord(record, (name) => name === 'environment' || name === 'integration' || name === 'key_id'),
  };
}

function withTags(value: Omit<SecretValue, 'metadata'>, tags: Record<string, string>): SecretValue {
  return {
    ...value,
    metadata: tags,
    ...(tags.environment ? { environment: tags.environment } : {}),
    ...(tags.integration ? { integration: tags.integration } : {}),
  };
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown; code?: unknown } | null)?.name;
  return typeof name === 'string' && SAFE_NAME.test(name) ? name : 'UnknownError';
}

/**
 * Maps AWS error names (Secrets Manager API reference) to failure classes:
 * throttling and service errors → availability; access denied / KMS decryption → denial;
 * not found / invalid request (secret marked for deletion or disabled) → revoked.
 */
function classifyAws(error: unknown): FailureKind {
  switch (errorName(error)) {
    case 'AccessDeniedException':
    case 'DecryptionFailure':
    case 'UnrecognizedClientException':
      return 'denied';
    case 'ResourceNotFoundException':
    case 'InvalidRequestException':
      return 'revoked';
    default:
      return 'availability';
  }
}

/**
 * A `SecretSource` for AWS Secrets Manager. Reads only `VersionStage: 'AWSCURRENT'` (never
 * `AWSPENDING`/`AWSPREVIOUS`). The client comes from the caller (`@aws-sdk/client-secrets-manager`
 * is an optional peer dependency, not installed by this package). A JSON secret may carry
 * `environment` and `integration` fields next to the key field.
 * @example awsSecretsManagerSource({ client: new SecretsManager({}), secretId: 'prod/anthropic' })
 */
export function awsSecretsManagerSource(options: {
  client: AwsSecretsManagerLike;
  secretId: string;
  field?: string;
  /** Required with a bare `SecretsManagerClient`: the `GetSecretValueCommand` class. */
  GetSecretValueCommand?: new (input: { SecretId: string; VersionStage: string }) => unknown;
}): SecretSource {
  const provider = 'aws-secrets-manager';
  const { client, secretId, field = 'api_key' } = options;
  return {
    describe: () => ({ provider, path: secretId, principalHash: hashPrincipal(`aws:${secretId}`) }),
    async read() {
      const input = { SecretId: secretId, VersionStage: 'AWSCURRENT' };
      let output: AwsSecretValueOutput;
      try {
        if (typeof client.getSecretValue === 'function') output = await client.getSecretValue(input);
        else if (typeof client.send === 'function' && options.GetSecretValueCommand)
          output = await client.send(new options.GetSecretValueCommand(input));
        else throw invalid(provider, secretId, 'client-unsupported');
      } catch (error) {
        if (error instanceof CredentialError) throw error;
        // AWS sends no delay with ThrottlingException today; a `retry-after` header is honoured if one appears.
        const headers = (error as { $response?: { headers?: Record<string, unknown> } } | null)?.$response?.headers;
        throw failure(
          provider,
          secretId,
          classifyAws(error),
          errorName(error),
          retryAfterDetail(parseRetryAfter(headers?.['retry-after'])),
        );
      }
      if (typeof output?.SecretString !== 'string') throw invalid(provider, secretId, 'secret-string-missing');
      const { key, tags } = extractKey(provider, secretId, output.SecretString, field);
      return withTags(
        {
          key,
          version: typeof output.VersionId === 'string' ? output.VersionId : 'unknown',
          ...(output.CreatedDate instanceof Date ? { createdTime: output.CreatedDate.toISOString() } : {}),
        },
        tags,
      );
    },
  };
}

/** Azure `RestError` carries `statusCode`; 429/5xx → availability, 401/403 → denial, 404/410 → revoked. */
function classifyAzure(error: unknown): FailureKind {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SecretDisabled' || code === 'SecretNotFound') return 'revoked';
  // A disabled secret answers 403 `Forbidden` with the reason only in the inner error code.
  if (azureInnerCode(error) === 'SecretDisabled') return 'revoked';
  if (status === 401 || status === 403) return 'denied';
  if (status === 404 || status === 410) return 'revoked';
  return 'availability';
}

/** The delay of an Azure 429/503, from the headers its own throttling policy reads, most precise first. */
function azureRetryAfter(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } } } | null)
    ?.response?.headers;
  if (typeof headers?.get !== 'function') return undefined;
  return (
    parseRetryAfter(headers.get('retry-after-ms'), 1) ??
    parseRetryAfter(headers.get('x-ms-retry-after-ms'), 1) ??
    parseRetryAfter(headers.get('retry-after'))
  );
}

/** The Azure error code (`Throttled`, `Forbidden`, `SecretNotFound`) when it is a plain identifier, else the class name. */
function azureReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SAFE_NAME.test(code) ? code : errorName(error);
}

function azureInnerCode(error: unknown): string | undefined {
  const body = (error as { details?: { error?: Record<string, unknown> } } | null)?.details?.error;
  const inner = (body?.innerError ?? body?.innererror) as { code?: unknown } | undefined;
  return typeof inner?.code === 'string' ? inner.code : undefined;
}

/**
 * A `SecretSource` for Azure Key Vault. Reads the current version (no `version` option) through a
 * caller-supplied `SecretClient` (`@azure/keyvault-secrets`, optional peer dependency). Tags
 * `environment` and `integration` on the secret are used for environment separation; a disabled
 * secret is treated as revoked.
 * @example azureKeyVaultSource({ client: new SecretClient(url, credential), name: 'anthropic-prod' })
 */
export function azureKeyVaultSource(options: {
  client: AzureSecretClientLike;
  name: string;
  field?: string;
}): SecretSource {
  const provider = 'azure-key-vault';
  const { client, name } = options;
  return {
    describe: () => ({ provider, path: name, principalHash: hashPrincipal(`azure:${name}`) }),
    async read() {
      let secret: Awaited<ReturnType<AzureSecretClientLike['getSecret']>>;
      try {
        secret = await client.getSecret(name);
      } catch (error) {
        const status = (error as { statusCode?: unknown } | null)?.statusCode;
        throw failure(provider, name, classifyAzure(error), azureReason(error), {
          ...(typeof status === 'number' ? { status } : {}),
          ...retryAfterDetail(azureRetryAfter(error)),
        });
      }
      if (secret?.properties?.enabled === false) throw failure(provider, name, 'revoked', 'secret-disabled');
      if (typeof secret?.value !== 'string') throw invalid(provider, name, 'value-missing');
      const extracted = options.field
        ? extractKey(provider, name, secret.value, options.field)
        : { key: secret.value, tags: {} };
      const tags = {
        ...safeStringRecord(
          secret.properties.tags ?? {},
          (tag) => tag === 'environment' || tag === 'integration' || tag === 'key_id',
        ),
        ...extracted.tags,
      };
      return withTags(
        {
          key: extracted.key,
          version: secret.properties.version ?? 'unknown',
          ...(secret.properties.createdOn instanceof Date
            ? { createdTime: secret.properties.createdOn.toISOString() }
            : {}),
        },
        tags,
      );
    },
  };
}

/** gRPC status codes used by Google client libraries. */
const GRPC = {
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** gRPC status names by code, for reason codes an operator can read (`PERMISSION_DENIED`, not `grpc-7`). */
const GRPC_NAME: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

/** `retryDelay` of a `google.rpc.RetryInfo` detail, as Google client libraries decode it into `statusDetails`. */
function gcpRetryAfter(error: unknown): number | undefined {
  const details = (error as { statusDetails?: unknown } | null)?.statusDetails;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: { seconds?: unknown; nanos?: unknown } } | null)?.retryDelay;
    if (delay === undefined || delay === null) continue;
    const seconds = Number(String(delay.seconds ?? 0));
    const nanos = typeof delay.nanos === 'number' ? delay.nanos : 0;
    if (Number.isFinite(seconds)) return parseRetryAfter(seconds + nanos / 1e9);
  }
  return undefined;
}

/**
 * Checks Google's `dataCrc32c` against the payload bytes. Google documents the field as the way to detect a
 * payload damaged in transit; the client library does not check it. Absent → nothing to check.
 */
function verifyGcpChecksum(path: string, data: Uint8Array | string, expected: GcpChecksum | null | undefined): void {
  if (expected === undefined || expected === null) return;
  const text = String(expected);
  if (!/^\d{1,10}$/.test(text)) throw invalid('gcp-secret-manager', path, 'payload-checksum-unreadable');
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (Number(text) !== crc32c(bytes)) throw invalid('gcp-secret-manager', path, 'payload-checksum-mismatch');
}

function classifyGcp(error: unknown): FailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === GRPC.PERMISSION_DENIED || code === GRPC.UNAUTHENTICATED) return 'denied';
  // FAILED_PRECONDITION is what a DISABLED or DESTROYED version answers.
  if (code === GRPC.NOT_FOUND || code === GRPC.FAILED_PRECONDITION) return 'revoked';
  return 'availability';
}

/**
 * A `SecretSource` for Google Secret Manager through a caller-supplied
 * `SecretManagerServiceClient` (`@google-cloud/secret-manager`, optional peer dependency).
 * `name` is `projects/<p>/secrets/<s>`; the adapter reads `versions/latest` unless `version` pins
 * one. Google recommends pinning in production: `createKeyProvider` emits a `secret.version_unpinned`
 * audit event at start-up when a production provider reads `latest` (RELIABILITY.md X5). When the client
 * has `getSecret`, the secret's `environment` and `integration` labels are used for environment
 * separation. A payload whose `dataCrc32c` does not match is refused as malformed
 * (`SCC_CREDENTIAL_INVALID`, reason `payload-checksum-mismatch`).
 * @example gcpSecretManagerSource({ client: new SecretManagerServiceClient(), name: 'projects/p/secrets/anthropic' })
 */
export function gcpSecretManagerSource(options: {
  client: GcpSecretManagerLike;
  name: string;
  version?: string;
  field?: string;
}): SecretSource {
  const provider = 'gcp-secret-manager';
  const { client, name } = options;
  const version = options.version ?? 'latest';
  const versionName = `${name}/versions/${version}`;
  // `version: 'latest'` names the alias explicitly; it moves like the default, so it is not a pin.
  const pinned = version !== 'latest';
  return {
    describe: () => ({
      provider,
      path: versionName,
      principalHash: hashPrincipal(`gcp:${name}`),
      ...(pinned ? { pinnedVersion: version } : { floatingVersion: version }),
    }),
    async read() {
      let response: Awaited<ReturnType<GcpSecretManagerLike['accessSecretVersion']>>[0];
      let labels: Record<string, string> = {};
      try {
        const [accessed, secret] = await Promise.all([
          client.accessSecretVersion({ name: versionName }, { retry: null }),
          typeof client.getSecret === 'function' ? client.getSecret({ name }) : Promise.resolve(undefined),
        ]);
        response = accessed[0];
        labels = safeStringRecord(
          secret?.[0]?.labels ?? {},
          (label) => label === 'environment' || label === 'integration' || label === 'key_id',
        );
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        throw failure(
          provider,
          versionName,
          classifyGcp(error),
          typeof code === 'number' ? (GRPC_NAME[code] ?? `grpc-${code}`) : errorName(error),
          retryAfterDetail(gcpRetryAfter(error)),
        );
      }
      const data = response?.payload?.data;
      const text =
        typeof data === 'string' ? data : data instanceof Uint8Array ? Buffer.from(data).toString('utf8') : undefined;
      if (text === undefined || data === undefined || data === null)
        throw invalid(provider, versionName, 'payload-missing');
      verifyGcpChecksum(versionName, data, response.payload?.dataCrc32c);
      const extracted = options.field
        ? extractKey(provider, versionName, text, options.field)
        : { key: text, tags: {} };
      const resolvedVersion = typeof response.name === 'string' ? response.name.split('/').pop() : undefined;
      return withTags(
        {
          key: extracted.key,
          version:
            resolvedVersion && /^\d+$/.test(resolvedVersion) ? Number(resolvedVersion) : (resolvedVersion ?? 'unknown'),
        },
        { ...labels, ...extracted.tags },
      );
    },
  };
}
