import type { Environment } from '../core/middleware';

/**
 * One secret as a source returns it: the key plus the facts needed to decide whether it may be used.
 * Never logged; only its fingerprint, version and metadata tags reach audit events.
 */
export interface SecretValue {
  /** The Anthropic API key. */
  key: string;
  /** The source's version of the secret (Vault KV v2 version number, AWS VersionId, Azure version id, GCP version). */
  version: string | number;
  /** The environment the secret is tagged for (Vault `custom_metadata.environment`, cloud tags or labels). */
  environment?: string;
  /** The integration the secret is tagged for (`custom_metadata.integration`). */
  integration?: string;
  /** When this version was created, as reported by the source (RFC 3339); display and key-age alerts only. */
  createdTime?: string;
  /** Content-free metadata tags of the secret (for example `owner`, `key_id`). */
  metadata: Record<string, string>;
  /**
   * Advisory re-read interval from the source (KV v1 `lease_duration`); the cache uses
   * `min(refreshAfterSeconds, softTtlSeconds)`.
   */
  refreshAfterSeconds?: number;
}

/** What a source tells the audit trail about itself. Content-free. */
export interface SecretSourceDescription {
  /** `vault`, `aws-secrets-manager`, `azure-key-vault`, `gcp-secret-manager`, `static` or `environment`. */
  provider: string;
  /** Where the secret lives (Vault path, ARN or name); never a value. */
  path: string;
  /** A SHA-256 prefix of the identity that reads the secret (role id, role name), never the identity itself. */
  principalHash: string;
  /** Set when the caller pinned a version: the cache then accepts it even if a newer one was seen. */
  pinnedVersion?: string | number;
  /**
   * Set when the source reads a moving alias (GCP `latest`) where the store's own advice is to pin a
   * version; `createKeyProvider` warns about it at start-up in production.
   */
  floatingVersion?: string;
}

/** Something a source did besides reading the secret (a Vault login, a token renewal), for the audit trail. */
export interface SecretSourceEvent {
  /** Dotted type such as `vault.authenticated`, `vault.reauthenticated`, `vault.login_failed`. */
  type: string;
  outcome: 'success' | 'failure' | 'denied' | 'info';
  /** Stable kebab-case reason code. */
  reason: string;
  /** Critical events should page someone (rejected login, lockout). */
  critical?: boolean;
  /** Further content-free facts (hashed accessor, lease seconds, HTTP status). */
  details?: Record<string, string | number | boolean>;
}

/**
 * The contract every credential provider implements. `read()` fetches the current secret from
 * the backing store every time it is called (the caching, single flight and staleness policy
 * live in `KeyCache`, not in sources).
 *
 * Failures are `CredentialError`s whose `code` classifies them, which decides what the cache does:
 * - `SCC_CREDENTIAL_UNAVAILABLE`: availability (sealed, throttled, timeout, 5xx): serve stale, back off;
 * - `SCC_CREDENTIAL_DENIED`: authorisation revoked: fail closed at once;
 * - `SCC_CREDENTIAL_REVOKED`: deleted, destroyed, disabled or missing: fail closed at once;
 * - `SCC_CREDENTIAL_INVALID`: malformed payload: keep the last good key within `maxStaleSeconds`.
 * `details.retryAfterSeconds` carries a server-requested delay when the source knows one.
 */
export interface SecretSource {
  read(): Promise<SecretValue>;
  describe(): SecretSourceDescription;
  /** Registers the listener for non-read events (logins, renewals). Called once by the key provider. */
  observe?(listener: (event: SecretSourceEvent) => void): void;
  /** Stops timers and forgets credentials held by the source. */
  close?(): void;
}

export type { Environment };
