import { createHash, createHmac, randomBytes } from 'node:crypto';
import { CredentialError, ErrorCode } from '../core/errors';

let processKey: Buffer | undefined;

/**
 * A per-process, non-reversible fingerprint of a key: HMAC-SHA256 under a random key created on
 * first use, so fingerprints can be compared inside one process but not correlated across
 * processes or brute-forced from logs.
 */
export function fingerprintOf(key: string): string {
  processKey ??= randomBytes(32);
  return `fp_${createHmac('sha256', processKey).update(key, 'utf8').digest('hex').slice(0, 32)}`;
}

/** A stable SHA-256 prefix of a principal (role id, role name) for audit events. */
export function hashPrincipal(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

interface Claim {
  environment: string;
  integration: string;
  owners: Set<symbol>;
}

const claims = new Map<string, Claim>();

/**
 * Records that `owner` uses the key with this fingerprint for an environment and integration.
 * Throws `SCC_CREDENTIAL_ENVIRONMENT_MISMATCH` when the same key value is already in use in this
 * process for another environment or another integration. Only fingerprints are stored.
 */
export function claimFingerprint(fingerprint: string, environment: string, integration: string, owner: symbol): void {
  const existing = claims.get(fingerprint);
  if (existing === undefined) {
    claims.set(fingerprint, { environment, integration, owners: new Set([owner]) });
    return;
  }
  if (existing.environment !== environment || existing.integration !== integration) {
    throw new CredentialError(
      ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH,
      `The key ${fingerprint} is already in use in this process by environment "${existing.environment}" ` +
        `integration "${existing.integration}"; refusing it for environment "${environment}" integration ` +
        `"${integration}". Give each environment and integration its own key.`,
      { source: 'credentials', details: { fingerprint, reason: 'key-shared-across-boundary' } },
    );
  }
  existing.owners.add(owner);
}

/** Drops `owner`'s claim on a fingerprint (after rotation or close). */
export function releaseFingerprint(fingerprint: string, owner: symbol): void {
  const existing = claims.get(fingerprint);
  if (existing === undefined) return;
  existing.owners.delete(owner);
  if (existing.owners.size === 0) claims.delete(fingerprint);
}
