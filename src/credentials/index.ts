import { z } from 'zod';
import { MemoryAuditSink, auditEvent, writeAuditSafely, type AuditSink } from '../core/audit';
import { CredentialError, ErrorCode } from '../core/errors';
import type { Environment } from '../core/middleware';
import { fingerprintOf } from './fingerprint';
import { KeyCache, type RotationEvent } from './key-cache';
import { parseOptions } from './options';
import type { SecretSource } from './types';

export { KeyCache, type KeyCacheSettings, type RotationEvent } from './key-cache';
export { vaultSource, DEFAULT_KUBERNETES_TOKEN_PATH, type VaultSourceOptions } from './vault-source';
export { staticKeySource, envKeySource, type StaticSourceOptions } from './static-source';
export {
  awsSecretsManagerSource,
  azureKeyVaultSource,
  gcpSecretManagerSource,
  type AwsSecretsManagerLike,
  type AwsSecretValueOutput,
  type AzureSecretClientLike,
  type GcpChecksum,
  type GcpSecretManagerLike,
} from './cloud-sources';
export { fingerprintOf } from './fingerprint';
export type { SecretSource, SecretValue, SecretSourceDescription, SecretSourceEvent } from './types';

const isFunction = (value: unknown) => typeof value === 'function';

const providerSchema = z
  .object({
    source: z.custom<SecretSource>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        isFunction((value as SecretSource).read) &&
        isFunction((value as SecretSource).describe),
      'expected a SecretSource (read and describe)',
    ),
    environment: z.enum(['production', 'staging', 'development', 'test']).default('production'),
    integration: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'kebab-case id'),
    audit: z
      .custom<AuditSink>(
        (value) => typeof value === 'object' && value !== null && isFunction((value as AuditSink).write),
        'expected an AuditSink',
      )
      .optional(),
    maxStaleSeconds: z.number().int().min(0).max(86_400).default(3_600),
    softTtlSeconds: z.number().int().min(5).max(3_600).default(300),
    maxKeyAgeDays: z.number().positive().max(3_650).optional(),
    negativeCacheSeconds: z.number().int().min(1).max(3_600).default(30),
    auditTimeoutMs: z.number().int().min(10).max(30_000).default(1_000),
    onRotated: z.custom<(event: RotationEvent) => void | Promise<void>>(isFunction, 'expected a function').optional(),
    accessRateAlert: z
      .object({ minimumPerMinute: z.number().int().min(1).default(20), factor: z.number().min(1).default(3) })
      .strict()
      .default({ minimumPerMinute: 20, factor: 3 }),
    random: z.custom<() => number>(isFunction, 'expected a function').optional(),
  })
  .strict();

/** Options of `createKeyProvider()`; defaults and environment variables are listed in docs/credentials.md. */
export type KeyProviderOptions = z.input<typeof providerSchema>;

/** The credential side of the client: what the foundation client passes to the SDK and calls on 401. */
export interface KeyProvider {
  /** Pass as the SDK's async `apiKey` option. Hot path: a cached string and one monotonic time check. */
  getApiKey(): Promise<string>;
  /** Fingerprint and version of the key in use, or `undefined` before the first successful read. */
  current(): { fingerprint: string; version: string | number } | undefined;
  /** Call from HTTP middleware on a 401; retry the request once only when `changed` is true. */
  invalidateAfter401(fingerprint: string): Promise<{ changed: boolean }>;
  /** The per-process HMAC fingerprint of a key (to match the key a request used with `current()`). */
  fingerprintOf(key: string): string;
  /** Clears timers and forgets the key; no open handles remain. */
  close(): void;
  /** The environment and integration this provider serves; the client refuses a mismatch. */
  readonly environment: Environment;
  readonly integration: string;
}

/**
 * Builds the key provider of one client: a `KeyCache` over a `SecretSource`, bound to an
 * environment and an integration.
 *
 * Security effect: in `production` (the default) static and environment-variable sources are
 * refused (`SCC_CREDENTIAL_SOURCE_FORBIDDEN`), `ANTHROPIC_API_KEY` is never read (a set variable
 * is reported once as `secret.env_key_ignored`), a secret without an environment tag is
 * refused, and a source reading a moving alias (GCP `latest`) is reported once at start-up as
 * `secret.version_unpinned`. Options are validated here; a wrong option throws `SCC_CONFIG_INVALID` naming its path.
 *
 * @example
 * const keys = createKeyProvider({
 *   source: vaultSource({ address, auth: { method: 'kubernetes', role: 'claude' }, kv: { version: 2, path: 'anthropic/prod' } }),
 *   environment: 'production',
 *   integration: 'support-bot',
 *   audit: sink,
 * });
 * const anthropic = new Anthropic({ apiKey: keys.getApiKey });
 */
export function createKeyProvider(options: KeyProviderOptions): KeyProvider {
  const config = parseOptions(providerSchema, options, 'createKeyProvider');
  const description = config.source.describe();
  const environment: Environment = config.environment;
  if (environment === 'production' && (description.provider === 'static' || description.provider === 'environment')) {
    throw new CredentialError(
      ErrorCode.CREDENTIAL_SOURCE_FORBIDDEN,
      `createKeyProvider: a ${description.provider} key source is not allowed in production; use a secret store source such as vaultSource().`,
      { source: 'credentials', details: { provider: description.provider, reason: 'static-source-in-production' } },
    );
  }
  const audit = config.audit ?? new MemoryAuditSink();
  if (environment === 'production' && process.env.ANTHROPIC_API_KEY) {
    writeAuditSafely(
      audit,
      auditEvent({
        type: 'secret.env_key_ignored',
        outcome: 'info',
        reason: 'anthropic-api-key-variable-set',
        environment,
        integration: config.integration,
        variable: 'ANTHROPIC_API_KEY',
      }),
    );
  }
  if (environment === 'production' && description.floatingVersion !== undefined) {
    // RELIABILITY.md X5: Google advises pinning; warn, do not refuse, since `latest` still gets every other check.
    writeAuditSafely(
      audit,
      auditEvent({
        type: 'secret.version_unpinned',
        outcome: 'info',
        reason: 'floating-version-in-production',
        environment,
        integration: config.integration,
        provider: description.provider,
        path: description.path,
        versionAlias: description.floatingVersion,
        recommendation: 'pin-version',
        critical: false,
        alert: true,
      }),
    );
  }
  const cache = new KeyCache({
    source: config.source,
    environment,
    integration: config.integration,
    audit,
    softTtlSeconds: config.softTtlSeconds,
    jitterRatio: 0.1,
    maxStaleSeconds: config.maxStaleSeconds,
    backoffBaseSeconds: 1,
    backoffCapSeconds: 60,
    coldFetchAttempts: 3,
    coldFetchBudgetSeconds: 5,
    negativeCacheSeconds: config.negativeCacheSeconds,
    auditTimeoutMs: config.auditTimeoutMs,
    maxKeyAgeDays: config.maxKeyAgeDays,
    onRotated: config.onRotated,
    accessRateMinimumPerMinute: config.accessRateAlert.minimumPerMinute,
    accessRateFactor: config.accessRateAlert.factor,
    random: config.random ?? Math.random,
  });
  return {
    getApiKey: () => cache.getApiKey(),
    current: () => cache.current(),
    invalidateAfter401: (fingerprint) => cache.invalidateAfter401(fingerprint),
    fingerprintOf,
    close: () => cache.close(),
    environment,
    integration: config.integration,
  };
}
