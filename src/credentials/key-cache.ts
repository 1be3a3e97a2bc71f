import { randomUUID } from 'node:crypto';
import { auditEvent, writeAuditSafely, type AuditEvent, type AuditSink } from '../core/audit';
import { CredentialError, ErrorCode, SecureClaudeError } from '../core/errors';
import type { Environment } from '../core/middleware';
import { claimFingerprint, fingerprintOf, releaseFingerprint } from './fingerprint';
import type { SecretSource, SecretSourceDescription, SecretSourceEvent, SecretValue } from './types';

/** What `onRotated` receives once a newer key version has replaced the previous one. */
export interface RotationEvent {
  previousFingerprint: string;
  currentFingerprint: string;
  previousVersion: string | number;
  currentVersion: string | number;
  /** `key_id` metadata tags of the two versions (an Anthropic API key id such as `apikey_01…`), when tagged. */
  previousKeyId?: string;
  currentKeyId?: string;
}

/** Resolved settings of one `KeyCache` (see `createKeyProvider` for the documented options). */
export interface KeyCacheSettings {
  source: SecretSource;
  environment: Environment;
  integration: string;
  audit: AuditSink;
  softTtlSeconds: number;
  jitterRatio: number;
  maxStaleSeconds: number;
  backoffBaseSeconds: number;
  backoffCapSeconds: number;
  coldFetchAttempts: number;
  coldFetchBudgetSeconds: number;
  negativeCacheSeconds: number;
  auditTimeoutMs: number;
  maxKeyAgeDays?: number | undefined;
  onRotated?: ((event: RotationEvent) => void | Promise<void>) | undefined;
  accessRateMinimumPerMinute: number;
  accessRateFactor: number;
  random: () => number;
}

/** Anthropic API key shape: prefix, generation, then base64url; bounded so it cannot smuggle header content. */
const KEY_PATTERN = /^sk-ant-api\d{2}-[A-Za-z0-9_-]{20,}$/;
const MAX_KEY_LENGTH = 256;
const MINUTE_MS = 60_000;
const BASELINE_WEIGHT = 0.3;
/** Fingerprints remembered for rollback detection; keys rotate rarely, so a few dozen cover years. */
const MAX_SEEN_VERSIONS = 32;

const ENVIRONMENT_ALIASES: Record<string, Environment> = {
  prod: 'production',
  production: 'production',
  prd: 'production',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  dev: 'development',
  development: 'development',
  test: 'test',
  testing: 'test',
};

type FailureClass = 'availability' | 'denied' | 'revoked' | 'mismatch' | 'invalid';
type AttemptKind = 'fetch' | 'refresh' | 'invalidate';

interface Entry {
  key: string;
  keyId: string | undefined;
  fingerprint: string;
  version: string | number;
  validatedAt: number;
  refreshAt: number;
}

function classOf(error: CredentialError): FailureClass {
  switch (error.code) {
    case ErrorCode.CREDENTIAL_DENIED:
      return 'denied';
    case ErrorCode.CREDENTIAL_REVOKED:
      return 'revoked';
    case ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH:
      return 'mismatch';
    case ErrorCode.CREDENTIAL_INVALID:
      return 'invalid';
    default:
      return 'availability';
  }
}

const FAILURE_EVENT: Record<FailureClass, string> = {
  availability: 'secret.fetch_failed',
  denied: 'secret.access_denied',
  revoked: 'secret.revoked',
  mismatch: 'secret.environment_mismatch',
  invalid: 'secret.invalid_payload',
};

/** Reduces whatever a source threw to a `CredentialError` without copying its message (it may quote secrets). */
function toCredentialError(error: unknown, description: SecretSourceDescription): CredentialError {
  if (error instanceof CredentialError) return error;
  const code = SecureClaudeError.isInstance(error) ? error.code : undefined;
  return new CredentialError(
    ErrorCode.CREDENTIAL_UNAVAILABLE,
    `The ${description.provider} secret source failed while reading "${description.path}"${code ? ` (${code})` : ''}; the key cache retries with backoff.`,
    {
      source: 'key-cache',
      details: { provider: description.provider, path: description.path, reason: 'source-failed', retryable: true },
    },
  );
}

function sameEnvironment(tag: string, environment: Environment): boolean {
  return ENVIRONMENT_ALIASES[tag.toLowerCase()] === environment;
}

/**
 * One cached credential with the full refresh policy of RELIABILITY.md:
 * - single flight: one source read however many callers wait;
 * - soft TTL (default 300 s ± 10 % jitter) with background refresh-ahead: callers keep the cached
 *   key, so refreshing adds no latency to the request path;
 * - availability failures (sealed, throttled, timeout) and malformed refreshes keep serving the
 *   last good key up to `maxStaleSeconds` after its last successful validation, then fail closed;
 * - denial, deletion/destroy and environment mismatch fail closed at once;
 * - retries follow 1 s × 2 capped at 60 s with full jitter (never below 1 s);
 * - every decision uses the monotonic clock (`performance.now()`), never the wall clock;
 * - audit-first: a newly fetched key is not used before its audit event is accepted.
 */
export class KeyCache {
  readonly #settings: KeyCacheSettings;
  readonly #description: SecretSourceDescription;
  readonly #owner = Symbol('key-cache');
  #entry: Entry | undefined;
  #highestVersion: number | undefined;
  #inflight: Promise<Entry> | undefined;
  #invalidation: Promise<{ changed: boolean }> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failureStreak = 0;
  #nextAttemptAt = 0;
  #lastError: CredentialError | undefined;
  #staleSince: number | undefined;
  #negative: { fingerprint: string; until: number } | undefined;
  #ageAlerted = new Set<string | number>();
  /** Fingerprint → first version that carried it, to flag a rollback that re-uses an earlier key (R5). */
  #seenVersions = new Map<string, string | number>();
  #rateWindow = -1;
  #rateCount = 0;
  #rateBaseline = 0;
  #rateAlerted = false;
  #closed = false;

  constructor(settings: KeyCacheSettings) {
    this.#settings = settings;
    this.#description = settings.source.describe();
    settings.source.observe?.((event) => this.#recordSourceEvent(event));
  }

  /**
   * The current key. Hot path: a cached string and one monotonic time check. Throws a
   * `CredentialError` when no usable key exists (codes in docs/credentials.md).
   */
  async getApiKey(): Promise<string> {
    const now = performance.now();
    const entry = this.#entry;
    if (entry !== undefined) {
      if (
        this.#negative !== undefined &&
        this.#negative.fingerprint === entry.fingerprint &&
        now < this.#negative.until
      ) {
        throw this.#rejectedUpstreamError();
      }
      if (now < entry.refreshAt) return entry.key;
      if (now - entry.validatedAt <= this.#settings.maxStaleSeconds * 1000) {
        this.#refreshIfDue(now);
        return entry.key;
      }
      // Past maxStale while the source is healthy (a suspended process, maxStaleSeconds 0): wait for a fresh read.
      if (this.#failureStreak === 0) this.#drop(entry);
      else this.#expire();
    }
    if (this.#closed) throw this.#closedError();
    if (this.#failureStreak > 0 && this.#lastError !== undefined) {
      // After a failure callers get the last error at once; retries follow the backoff, never one per request.
      this.#refreshIfDue(now);
      throw this.#lastError;
    }
    const fetched = await (this.#inflight ?? this.#startColdFetch());
    return fetched.key;
  }

  /** Fingerprint and version of the key in use, or `undefined` when none is cached. */
  current(): { fingerprint: string; version: string | number } | undefined {
    const entry = this.#entry;
    return entry ? { fingerprint: entry.fingerprint, version: entry.version } : undefined;
  }

  /**
   * Reacts to a 401 from Anthropic for the key with `fingerprint`. All concurrent calls share one
   * forced source read. `changed: true` means a different key is now current and the request may
   * be retried once; `changed: false` negative-caches the key for `negativeCacheSeconds` (no Vault
   * read and no key served meanwhile) and emits a critical audit event.
   */
  invalidateAfter401(fingerprint: string): Promise<{ changed: boolean }> {
    if (this.#closed) return Promise.resolve({ changed: false });
    const entry = this.#entry;
    if (entry !== undefined && entry.fingerprint !== fingerprint) return Promise.resolve({ changed: true });
    const now = performance.now();
    if (this.#negative !== undefined && this.#negative.fingerprint === fingerprint && now < this.#negative.until) {
      return Promise.resolve({ changed: false });
    }
    this.#invalidation ??= this.#runInvalidation(fingerprint).finally(() => {
      this.#invalidation = undefined;
    });
    return this.#invalidation;
  }

  /** Stops timers, forgets the key and releases its fingerprint claim. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#entry) releaseFingerprint(this.#entry.fingerprint, this.#owner);
    this.#entry = undefined;
    this.#seenVersions.clear();
    this.#settings.source.close?.();
  }

  async #runInvalidation(fingerprint: string): Promise<{ changed: boolean }> {
    await this.#inflight?.catch(() => undefined);
    const before = this.#entry;
    if (before !== undefined && before.fingerprint !== fingerprint) return { changed: true };
    let after: Entry | undefined;
    try {
      after = await this.#attempt('invalidate', fingerprint);
    } catch {
      after = undefined;
    }
    if (after !== undefined && after.fingerprint !== fingerprint) return { changed: true };
    this.#negative = { fingerprint, until: performance.now() + this.#settings.negativeCacheSeconds * 1000 };
    return { changed: false };
  }

  #startColdFetch(): Promise<Entry> {
    this.#inflight = this.#coldFetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #coldFetch(): Promise<Entry> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#fetchAndAdopt('fetch');
      } catch (error) {
        const failure = error as CredentialError;
        if (classOf(failure) !== 'availability' || attempt >= this.#settings.coldFetchAttempts || this.#closed)
          throw failure;
        const wait = this.#nextAttemptAt - performance.now();
        if (performance.now() - started + wait > this.#settings.coldFetchBudgetSeconds * 1000) throw failure;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      }
    }
  }

  #refreshIfDue(now: number): void {
    if (this.#inflight !== undefined || this.#closed || now < this.#nextAttemptAt) return;
    this.#attempt(this.#entry ? 'refresh' : 'fetch').catch(() => undefined);
  }

  #attempt(kind: AttemptKind, rejectedFingerprint?: string): Promise<Entry> {
    if (this.#inflight !== undefined) return this.#inflight;
    this.#inflight = this.#fetchAndAdopt(kind, rejectedFingerprint).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetchAndAdopt(kind: AttemptKind, rejectedFingerprint?: string): Promise<Entry> {
    const correlationId = randomUUID();
    this.#countAccess();
    let value: SecretValue;
    try {
      value = await this.#settings.source.read();
    } catch (error) {
      throw this.#onFailure(toCredentialError(error, this.#description), kind, correlationId);
    }
    if (this.#closed) throw this.#closedError();
    const previous = this.#entry;
    let fingerprint: string;
    let warnings: string[];
    try {
      ({ fingerprint, warnings } = this.#validate(value, previous));
    } catch (error) {
      throw this.#onFailure(toCredentialError(error, this.#description), kind, correlationId, value.version);
    }
    const claimedNow = previous?.fingerprint !== fingerprint;
    const rotated = previous !== undefined && claimedNow;
    const event = this.#successEvent(
      kind,
      value,
      fingerprint,
      previous,
      rotated,
      rejectedFingerprint,
      correlationId,
      warnings,
    );
    try {
      await this.#writeAuditFirst(event);
    } catch {
      if (claimedNow) releaseFingerprint(fingerprint, this.#owner);
      throw this.#onFailure(
        new CredentialError(
          ErrorCode.CREDENTIAL_UNAVAILABLE,
          'The audit sink did not accept the secret-access event; the new key is not used until it does (audit-first).',
          {
            source: 'key-cache',
            details: { reason: 'audit-unavailable', retryable: true, path: this.#description.path },
          },
        ),
        kind,
        correlationId,
        value.version,
      );
    }
    return this.#adopt(value, fingerprint, previous, rotated);
  }

  #validate(value: SecretValue, previous: Entry | undefined): { fingerprint: string; warnings: string[] } {
    const settings = this.#settings;
    const version = value.version;
    if (typeof value.key !== 'string' || value.key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(value.key)) {
      throw this.#failure(
        ErrorCode.CREDENTIAL_INVALID,
        'key-shape-invalid',
        `version ${version} does not hold an Anthropic API key (expected sk-ant-api…, no whitespace, at most ${MAX_KEY_LENGTH} characters)`,
        version,
      );
    }
    const warnings: string[] = [];
    if (value.environment === undefined) {
      if (settings.environment === 'production') {
        throw this.#failure(
          ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH,
          'environment-tag-missing',
          `version ${version} has no environment tag; production requires custom_metadata.environment`,
          version,
        );
      }
      warnings.push('environment-tag-missing');
    } else if (!sameEnvironment(value.environment, settings.environment)) {
      throw this.#failure(
        ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH,
        'environment-tag-mismatch',
        `version ${version} is tagged for environment "${value.environment.slice(0, 64)}" but this client runs in "${settings.environment}"`,
        version,
        {
          expected: settings.environment,
          actual: value.environment.slice(0, 64),
        },
      );
    }
    if (value.integration !== undefined && value.integration !== settings.integration) {
      throw this.#failure(
        ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH,
        'integration-tag-mismatch',
        `version ${version} is tagged for integration "${value.integration.slice(0, 64)}" but this client is "${settings.integration}"`,
        version,
        {
          expected: settings.integration,
          actual: value.integration.slice(0, 64),
        },
      );
    }
    const fingerprint = fingerprintOf(value.key);
    const pinned = this.#description.pinnedVersion !== undefined;
    if (!pinned && typeof version === 'number' && this.#highestVersion !== undefined) {
      if (version < this.#highestVersion) {
        throw this.#failure(
          ErrorCode.CREDENTIAL_INVALID,
          'version-regressed',
          `version ${version} is older than version ${this.#highestVersion} already seen; versions only move forward unless pinned`,
          version,
        );
      }
      if (previous !== undefined && version === previous.version && fingerprint !== previous.fingerprint) {
        throw this.#failure(
          ErrorCode.CREDENTIAL_INVALID,
          'version-content-changed',
          `version ${version} changed content without a new version`,
          version,
        );
      }
    }
    if (previous?.fingerprint !== fingerprint) {
      claimFingerprint(fingerprint, settings.environment, settings.integration, this.#owner);
    }
    return { fingerprint, warnings };
  }

  #adopt(value: SecretValue, fingerprint: string, previous: Entry | undefined, rotated: boolean): Entry {
    const settings = this.#settings;
    const now = performance.now();
    const softTtlSeconds = Math.min(settings.softTtlSeconds, value.refreshAfterSeconds ?? Number.POSITIVE_INFINITY);
    const jitter = 1 + (settings.random() * 2 - 1) * settings.jitterRatio;
    const entry: Entry = {
      key: value.key,
      keyId: value.metadata.key_id,
      fingerprint,
      version: value.version,
      validatedAt: now,
      refreshAt: now + softTtlSeconds * 1000 * jitter,
    };
    this.#entry = entry;
    if (!this.#seenVersions.has(fingerprint)) {
      if (this.#seenVersions.size >= MAX_SEEN_VERSIONS)
        this.#seenVersions.delete(this.#seenVersions.keys().next().value as string);
      this.#seenVersions.set(fingerprint, value.version);
    }
    if (typeof value.version === 'number')
      this.#highestVersion = Math.max(this.#highestVersion ?? value.version, value.version);
    this.#failureStreak = 0;
    this.#nextAttemptAt = 0;
    this.#lastError = undefined;
    if (this.#staleSince !== undefined) this.#endStale('recovered', 'success');
    this.#schedule(entry.refreshAt - now);
    if (rotated && previous !== undefined) {
      releaseFingerprint(previous.fingerprint, this.#owner);
      this.#callRotationHook({
        previousFingerprint: previous.fingerprint,
        currentFingerprint: fingerprint,
        previousVersion: previous.version,
        currentVersion: value.version,
        ...(previous.keyId ? { previousKeyId: previous.keyId } : {}),
        ...(entry.keyId ? { currentKeyId: entry.keyId } : {}),
      });
    }
    this.#checkKeyAge(value, fingerprint);
    return entry;
  }

  #onFailure(
    error: CredentialError,
    kind: AttemptKind,
    correlationId: string,
    version?: string | number,
  ): CredentialError {
    const settings = this.#settings;
    const failureClass = classOf(error);
    const critical = failureClass !== 'availability' || error.details.critical === true;
    const type =
      kind === 'invalidate'
        ? 'secret.invalidated_by_401'
        : failureClass === 'availability' && kind === 'refresh'
          ? 'secret.refresh_failed'
          : FAILURE_EVENT[failureClass];
    this.#failureStreak++;
    const step = Math.min(settings.backoffBaseSeconds * 2 ** (this.#failureStreak - 1), settings.backoffCapSeconds);
    // Full jitter, floored at the base so a quiet outage never becomes a tight loop.
    let delaySeconds = Math.max(settings.backoffBaseSeconds, settings.random() * step);
    const retryAfter = error.details.retryAfterSeconds;
    if (typeof retryAfter === 'number')
      delaySeconds = Math.max(delaySeconds, Math.min(retryAfter, settings.backoffCapSeconds));
    this.#write({
      type,
      outcome: failureClass === 'denied' || failureClass === 'mismatch' ? 'denied' : 'failure',
      reason: String(error.details.reason ?? error.code),
      code: error.code,
      correlationId,
      critical,
      ...(version !== undefined
        ? { version }
        : error.details.version !== undefined
          ? { version: error.details.version }
          : {}),
      ...(typeof error.details.status === 'number' ? { status: error.details.status } : {}),
      ...(typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}),
      // When the source is tried next: the backoff step, or the server's delay when it asked for a longer one.
      retryInSeconds: Math.round(delaySeconds * 10) / 10,
      ...(error.details.expected ? { expected: error.details.expected, actual: error.details.actual } : {}),
    });
    this.#nextAttemptAt = performance.now() + delaySeconds * 1000;
    this.#lastError = error;
    const entry = this.#entry;
    if (entry !== undefined) {
      if (failureClass === 'denied' || failureClass === 'revoked' || failureClass === 'mismatch') {
        this.#drop(entry);
        if (this.#staleSince !== undefined) this.#endStale('evicted', 'failure');
      } else if (this.#staleSince === undefined) {
        this.#staleSince = performance.now();
        this.#write({
          type: 'secret.serving_stale',
          outcome: 'info',
          reason: 'started',
          cause: String(error.details.reason ?? error.code),
          correlationId,
          version: entry.version,
          critical: true,
        });
      }
    }
    this.#schedule(delaySeconds * 1000);
    return error;
  }

  #expire(): void {
    const entry = this.#entry;
    if (entry === undefined) return;
    this.#drop(entry);
    this.#endStale('max-stale-exceeded', 'failure');
    this.#lastError = new CredentialError(
      ErrorCode.CREDENTIAL_UNAVAILABLE,
      `The cached key from "${this.#description.path}" is older than maxStaleSeconds (${this.#settings.maxStaleSeconds}) and the source is still failing; restore the secret source.`,
      { source: 'key-cache', details: { reason: 'max-stale-exceeded', retryable: true, path: this.#description.path } },
    );
    this.#failureStreak = Math.max(this.#failureStreak, 1);
  }

  #drop(entry: Entry): void {
    releaseFingerprint(entry.fingerprint, this.#owner);
    if (this.#entry === entry) this.#entry = undefined;
  }

  #endStale(reason: string, outcome: 'success' | 'failure'): void {
    const since = this.#staleSince;
    this.#staleSince = undefined;
    this.#write({
      type: 'secret.serving_stale_ended',
      outcome,
      reason,
      staleSeconds: since === undefined ? 0 : Math.round((performance.now() - since) / 1000),
      critical: outcome === 'failure',
    });
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (this.#closed || this.#inflight !== undefined) return;
        this.#attempt(this.#entry ? 'refresh' : 'fetch').catch(() => undefined);
      },
      Math.max(0, delayMs),
    );
    this.#timer.unref?.();
  }

  #successEvent(
    kind: AttemptKind,
    value: SecretValue,
    fingerprint: string,
    previous: Entry | undefined,
    rotated: boolean,
    rejectedFingerprint: string | undefined,
    correlationId: string,
    warnings: string[],
  ): AuditEvent {
    const base = {
      correlationId,
      version: value.version,
      fingerprint,
      ...(previous ? { previousVersion: previous.version } : {}),
      ...(value.createdTime ? { createdTime: value.createdTime } : {}),
      ...(value.metadata.key_id ? { keyId: value.metadata.key_id.slice(0, 64) } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
    if (this.#description.provider === 'static' || this.#description.provider === 'environment') {
      return this.#event({
        type: 'secret.static_key_in_use',
        outcome: 'success',
        reason: `${this.#description.provider}-key`,
        flagged: true,
        ...base,
      });
    }
    if (kind === 'invalidate') {
      const changed = rejectedFingerprint !== fingerprint;
      return this.#event({
        type: 'secret.invalidated_by_401',
        outcome: changed ? 'success' : 'failure',
        reason: changed ? 'key-rotated' : 'key-rejected-upstream-still-current',
        changed,
        critical: !changed,
        ...base,
      });
    }
    if (rotated) {
      const earlier = this.#seenVersions.get(fingerprint);
      const rollback = earlier !== undefined && earlier !== value.version;
      return this.#event({
        type: 'secret.rotated',
        outcome: 'success',
        reason: rollback ? 'earlier-key-restored' : 'new-version',
        ...(rollback ? { fingerprintEqualsVersion: earlier, alert: true } : {}),
        ...base,
      });
    }
    return this.#event({
      type: previous ? 'secret.refreshed' : 'secret.fetched',
      outcome: 'success',
      reason: previous ? 'unchanged' : 'fetched',
      ...base,
    });
  }

  #event(
    fields: Record<string, unknown> & { type: string; outcome: AuditEvent['outcome']; reason: string },
  ): AuditEvent {
    return auditEvent({
      environment: this.#settings.environment,
      integration: this.#settings.integration,
      provider: this.#description.provider,
      path: this.#description.path,
      principal: this.#description.principalHash,
      ...fields,
    });
  }

  #write(fields: Record<string, unknown> & { type: string; outcome: AuditEvent['outcome']; reason: string }): void {
    writeAuditSafely(this.#settings.audit, this.#event({ correlationId: randomUUID(), ...fields }));
  }

  async #writeAuditFirst(event: AuditEvent): Promise<void> {
    const pending = this.#settings.audit.write(event);
    if (pending === undefined || typeof (pending as Promise<void>).then !== 'function') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        pending,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('audit timeout')), this.#settings.auditTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  #recordSourceEvent(event: SecretSourceEvent): void {
    this.#write({
      type: event.type,
      outcome: event.outcome,
      reason: event.reason,
      critical: event.critical === true,
      ...event.details,
    });
  }

  #callRotationHook(event: RotationEvent): void {
    const hook = this.#settings.onRotated;
    if (hook === undefined) return;
    const report = () =>
      this.#write({
        type: 'secret.rotation_hook_failed',
        outcome: 'failure',
        reason: 'hook-threw',
        version: event.currentVersion,
      });
    try {
      const pending = hook(event);
      if (pending && typeof pending.then === 'function') pending.then(undefined, report);
    } catch {
      report();
    }
  }

  #checkKeyAge(value: SecretValue, fingerprint: string): void {
    const maxDays = this.#settings.maxKeyAgeDays;
    if (maxDays === undefined || value.createdTime === undefined || this.#ageAlerted.has(value.version)) return;
    const created = Date.parse(value.createdTime);
    if (!Number.isFinite(created)) return;
    // Wall clock on purpose: key age is an advisory alert against the source's timestamp, not a security decision.
    const ageDays = (Date.now() - created) / 86_400_000;
    if (ageDays <= maxDays) return;
    this.#ageAlerted.add(value.version);
    this.#write({
      type: 'secret.key_age_exceeded',
      outcome: 'info',
      reason: 'rotation-overdue',
      version: value.version,
      fingerprint,
      ageDays: Math.floor(ageDays),
      maxKeyAgeDays: maxDays,
      critical: false,
      alert: true,
    });
  }

  #countAccess(): void {
    const window = Math.floor(performance.now() / MINUTE_MS);
    if (window !== this.#rateWindow) {
      if (this.#rateWindow >= 0) {
        const idleMinutes = Math.min(window - this.#rateWindow - 1, 60);
        this.#rateBaseline = this.#rateBaseline * (1 - BASELINE_WEIGHT) + this.#rateCount * BASELINE_WEIGHT;
        for (let index = 0; index < idleMinutes; index++) this.#rateBaseline *= 1 - BASELINE_WEIGHT;
      }
      this.#rateWindow = window;
      this.#rateCount = 0;
      this.#rateAlerted = false;
    }
    this.#rateCount++;
    const threshold = Math.max(
      this.#settings.accessRateMinimumPerMinute,
      this.#settings.accessRateFactor * this.#rateBaseline,
    );
    if (!this.#rateAlerted && this.#rateCount > threshold) {
      this.#rateAlerted = true;
      this.#write({
        type: 'secret.access_rate_anomaly',
        outcome: 'info',
        reason: 'above-baseline',
        count: this.#rateCount,
        baselinePerMinute: Math.round(this.#rateBaseline * 10) / 10,
        critical: true,
      });
    }
  }

  #failure(
    code: ErrorCode,
    reason: string,
    what: string,
    version: string | number,
    extra: Record<string, string> = {},
  ): CredentialError {
    return new CredentialError(code, `Secret "${this.#description.path}": ${what}.`, {
      source: 'key-cache',
      details: {
        provider: this.#description.provider,
        path: this.#description.path,
        reason,
        version,
        retryable: false,
        ...extra,
      },
    });
  }

  #rejectedUpstreamError(): CredentialError {
    return new CredentialError(
      ErrorCode.CREDENTIAL_REVOKED,
      `Anthropic rejected the key from "${this.#description.path}" (401) and the source still returns it; rotate the key in the secret store. Retrying in at most ${this.#settings.negativeCacheSeconds} s.`,
      {
        source: 'key-cache',
        details: { reason: 'key-rejected-upstream', retryable: true, path: this.#description.path },
      },
    );
  }

  #closedError(): CredentialError {
    return new CredentialError(ErrorCode.CREDENTIAL_UNAVAILABLE, 'The key provider was closed.', {
      source: 'key-cache',
      details: { reason: 'provider-closed', retryable: false },
    });
  }
}
