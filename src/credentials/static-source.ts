import { ConfigError, CredentialError, ErrorCode } from '../core/errors';
import type { Environment } from '../core/middleware';
import { fingerprintOf, hashPrincipal } from './fingerprint';
import type { SecretSource } from './types';

/** Options of the development-only sources. */
export interface StaticSourceOptions {
  /** Where the client runs; `production` (the default when unset) refuses the source. */
  environment?: Environment;
}

function refuseInProduction(kind: string, environment: Environment | undefined): void {
  if (environment === undefined || environment !== 'production') return;
  throw new CredentialError(
    ErrorCode.CREDENTIAL_SOURCE_FORBIDDEN,
    `${kind} is not allowed in production: keys must come from a secret store (vaultSource, awsSecretsManagerSource, azureKeyVaultSource, gcpSecretManagerSource).`,
    { source: 'credentials', details: { reason: 'static-source-in-production' } },
  );
}

function fixedSource(provider: 'static' | 'environment', path: string, key: string): SecretSource {
  const version = `static-${fingerprintOf(key).slice(3, 11)}`;
  return {
    read: async () => ({ key, version, metadata: {} }),
    describe: () => ({ provider, path, principalHash: hashPrincipal(`${provider}:${path}`) }),
  };
}

/**
 * A fixed key for local development and tests. Refused in production (here when
 * `environment: 'production'` is passed, and always by `createKeyProvider` in production);
 * every read is audited as `secret.static_key_in_use` with `flagged: true`.
 * @example createKeyProvider({ source: staticKeySource(key), environment: 'development', integration: 'demo' })
 */
export function staticKeySource(key: string, options: StaticSourceOptions = {}): SecretSource {
  refuseInProduction('staticKeySource', options.environment);
  if (typeof key !== 'string' || key.length === 0)
    throw new ConfigError('staticKeySource: key (too_small); pass a non-empty key.');
  return fixedSource('static', '(static)', key);
}

/**
 * The key from an environment variable (default `ANTHROPIC_API_KEY`), read once at construction.
 * Development and tests only; refused in production like `staticKeySource`, and audited the same way.
 * Environment variable: the one named by `variable`.
 */
export function envKeySource(options: StaticSourceOptions & { variable?: string } = {}): SecretSource {
  refuseInProduction('envKeySource', options.environment);
  const variable = options.variable ?? 'ANTHROPIC_API_KEY';
  const key = process.env[variable];
  if (key === undefined || key.length === 0) {
    throw new ConfigError(`envKeySource: environment variable ${variable} is not set.`, {
      source: 'credentials',
      details: { variable },
    });
  }
  return fixedSource('environment', `env:${variable}`, key);
}
