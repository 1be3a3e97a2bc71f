import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryAuditSink, type AuditEvent, type AuditSink } from '../../src/core/audit';
import { CredentialError, ErrorCode } from '../../src/core/errors';
import { createKeyProvider, type KeyProvider, type KeyProviderOptions } from '../../src/credentials/index';
import type { RotationEvent } from '../../src/credentials/key-cache';
import { vaultSource } from '../../src/credentials/vault-source';
import { FakeVault, startFakeVault } from '../helpers/fake-vault';
import {
  anthropicKeyCanary,
  eventsOf,
  expectNoLeaks,
  memorySource,
  rejectionOf,
  secretIdCanary,
  seededRandom,
  settle,
  trackedSource,
} from './support';

const PATH = 'anthropic/prod';
const DATA_PATH = `secret/data/${PATH}`;
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] as const;

describe('KeyCache and createKeyProvider (fake timers for time, the fake Vault for the wire)', () => {
  let vault: FakeVault;
  let audit: MemoryAuditSink;
  let canaries: Record<string, string>;
  let captured: unknown[];
  let key: string;
  let secretId: string;
  let providers: KeyProvider[];
  let tracked: ReturnType<typeof trackedSource>;

  beforeEach(async () => {
    vault = await startFakeVault();
    vi.useFakeTimers({ toFake: [...FAKED] });
    audit = new MemoryAuditSink();
    key = anthropicKeyCanary();
    secretId = secretIdCanary();
    canaries = { key, secretId };
    captured = [];
    providers = [];
    vault.addAppRole({ roleId: 'claude-role', secretId });
    vault.writeSecret(PATH, { api_key: key }, { customMetadata: { environment: 'prod', key_id: 'apikey_01' } });
  });

  afterEach(async () => {
    for (const provider of providers) provider.close();
    vi.useRealTimers();
    await vault.close();
    const tokens = Object.fromEntries(vault.issuedTokens().map((token, index) => [`vaultToken${index}`, token]));
    expectNoLeaks({ ...canaries, ...tokens }, [...captured, audit.events, vault.log]);
  });

  function provider(
    overrides: Partial<KeyProviderOptions> = {},
    sourceOptions: Record<string, unknown> = {},
  ): KeyProvider {
    tracked = trackedSource(
      vaultSource({
        address: vault.address,
        auth: { method: 'approle', roleId: 'claude-role', secretId },
        kv: { version: 2, path: PATH },
        ...sourceOptions,
      } as never),
    );
    const created = createKeyProvider({
      source: tracked,
      environment: 'production',
      integration: 'support-bot',
      audit,
      random: seededRandom(),
      ...overrides,
    });
    providers.push(created);
    return created;
  }

  const idle = () => tracked.pending() === 0 && vault.log.every((entry) => entry.status !== 0);

  async function advance(ms: number, step = 1_000): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      await vi.advanceTimersByTimeAsync(Math.min(step, ms - elapsed));
      await settle(idle);
    }
  }

  async function failure(promise: Promise<unknown>): Promise<CredentialError> {
    const error = await rejectionOf(promise);
    captured.push(error);
    expect(error).toBeInstanceOf(CredentialError);
    return error;
  }

  const reads = () => vault.requests({ path: DATA_PATH }).length;

  it('V4: 200 concurrent first requests cause exactly 1 Vault read and 1 login, all on the same version', async () => {
    const keys = provider();
    const results = await Promise.all(Array.from({ length: 200 }, () => keys.getApiKey()));
    expect(new Set(results)).toEqual(new Set([key]));
    expect(reads()).toBe(1);
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(1);
    expect(keys.current()).toEqual({ fingerprint: keys.fingerprintOf(key), version: 1 });
    expect(eventsOf(audit.events, 'secret.fetched')).toHaveLength(1);
    expect(eventsOf(audit.events, 'secret.fetched')[0]).toMatchObject({
      outcome: 'success',
      version: 1,
      path: 'secret/data/anthropic/prod#api_key',
      environment: 'production',
      integration: 'support-bot',
    });
    expect(String(eventsOf(audit.events, 'secret.fetched')[0]?.principal)).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('hot path: a cached key costs a string and a monotonic check', async () => {
    const keys = provider();
    await keys.getApiKey();
    const started = process.hrtime.bigint();
    for (let index = 0; index < 100_000; index++) await keys.getApiKey();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
    expect(reads()).toBe(1);
  });

  it('V1: a 10-minute seal under 50 req/s (soft TTL 300 s): no failed request, backoff-bounded reads, one stale start and end', async () => {
    const keys = provider();
    await keys.getApiKey();
    vault.seal();
    const before = reads();
    for (let second = 0; second < 600; second++) {
      await advance(1_000);
      const batch = await Promise.all(Array.from({ length: 50 }, () => keys.getApiKey()));
      expect(batch.every((value) => value === key)).toBe(true);
    }
    const sealedReads = reads() - before;
    expect(sealedReads).toBeGreaterThan(5);
    expect(sealedReads).toBeLessThanOrEqual(25);
    expect(eventsOf(audit.events, 'secret.refresh_failed')).toHaveLength(sealedReads);
    expect(eventsOf(audit.events, 'secret.refresh_failed')[0]).toMatchObject({
      reason: 'vault-sealed',
      outcome: 'failure',
    });
    expect(eventsOf(audit.events, 'secret.serving_stale')).toHaveLength(1);
    vault.unseal();
    let recoveredAfter = 0;
    while (eventsOf(audit.events, 'secret.serving_stale_ended').length === 0 && recoveredAfter < 61) {
      await advance(1_000);
      recoveredAfter++;
    }
    expect(recoveredAfter).toBeLessThanOrEqual(60);
    expect(eventsOf(audit.events, 'secret.serving_stale_ended')[0]).toMatchObject({
      reason: 'recovered',
      outcome: 'success',
    });
    expect(await keys.getApiKey()).toBe(key);
  });

  it('V1 worst case: a refresh due at seal time; attempts stay within the backoff envelope (1 s floor, 60 s cap)', async () => {
    const keys = provider({ softTtlSeconds: 10 });
    await keys.getApiKey();
    vault.seal();
    const before = reads();
    await advance(600_000, 1_000);
    const sealedReads = reads() - before;
    // Full jitter in [0, step] with a 1 s floor: mean 30 s per wait at the cap, so about 26 attempts in 10 minutes;
    // the hard ceiling is ramp (7) + 590 s / 1 s floor, and no attempt is ever caused by a request.
    expect(sealedReads).toBeLessThanOrEqual(30);
    expect(sealedReads).toBeGreaterThan(15);
  });

  it('V2: sealed longer than maxStale: the key is dropped at maxStale, requests fail closed fast, recovery is automatic', async () => {
    const keys = provider({ maxStaleSeconds: 3_600 });
    await keys.getApiKey();
    vault.seal();
    await advance(3_590_000, 5_000);
    expect(await keys.getApiKey()).toBe(key);
    await advance(15_000);
    const error = await failure(keys.getApiKey());
    const readsBefore = reads();
    const durations: number[] = [];
    for (let index = 0; index < 101; index++) {
      const started = process.hrtime.bigint();
      await keys.getApiKey().catch(() => undefined);
      durations.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    // Fail closed without touching Vault: the median call takes well under 1 ms.
    expect(durations.sort((a, b) => a - b)[50]).toBeLessThan(1);
    expect(reads()).toBe(readsBefore);
    expect(error.code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
    expect(error.details.retryable).toBe(true);
    expect(eventsOf(audit.events, 'secret.serving_stale_ended')[0]).toMatchObject({
      reason: 'max-stale-exceeded',
      critical: true,
    });
    vault.unseal();
    await advance(61_000);
    expect(await keys.getApiKey()).toBe(key);
  });

  it('V3: sealed at cold start: typed failure within the 5 s budget after ≤ 3 attempts, later requests do not hit Vault', async () => {
    const keys = provider();
    vault.seal();
    const started = performance.now();
    let outcome: unknown;
    const pending = keys.getApiKey().then(
      () => 'resolved',
      (error: unknown) => error,
    );
    void pending.then((value) => (outcome = value));
    while (outcome === undefined) await advance(100, 100);
    captured.push(outcome);
    expect(outcome).toBeInstanceOf(CredentialError);
    expect((outcome as CredentialError).code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
    expect(performance.now() - started).toBeLessThanOrEqual(5_000);
    const attempts = reads() + vault.requests({ path: 'auth/approle/login' }).length;
    expect(attempts).toBeLessThanOrEqual(3);
    for (let index = 0; index < 100; index++) await failure(keys.getApiKey());
    expect(reads() + vault.requests({ path: 'auth/approle/login' }).length).toBe(attempts);
    expect(eventsOf(audit.events, 'secret.fetch_failed').length).toBe(attempts);
  });

  it('R1: a rotation is picked up by one background read; callers during the refresh keep the old key; one secret.rotated', async () => {
    const rotations: RotationEvent[] = [];
    const keys = provider({ onRotated: (event) => void rotations.push(event) });
    const first = await keys.getApiKey();
    const next = anthropicKeyCanary();
    canaries.next = next;
    vault.writeSecret(PATH, { api_key: next });
    vault.inject({ path: /^secret\/data/, times: 1, fault: { type: 'latency', ms: 500 } });
    const before = reads();
    while (tracked.pending() === 0) await vi.advanceTimersByTimeAsync(1_000);
    const during = await Promise.all(Array.from({ length: 200 }, () => keys.getApiKey()));
    expect(new Set(during)).toEqual(new Set([first]));
    await advance(1_000);
    const after = await Promise.all(Array.from({ length: 200 }, () => keys.getApiKey()));
    expect(new Set(after)).toEqual(new Set([next]));
    expect(reads() - before).toBe(1);
    expect(eventsOf(audit.events, 'secret.rotated')).toEqual([
      expect.objectContaining({ previousVersion: 1, version: 2, outcome: 'success' }),
    ]);
    expect(rotations).toEqual([
      {
        previousKeyId: 'apikey_01',
        currentKeyId: 'apikey_01',
        previousFingerprint: keys.fingerprintOf(first),
        currentFingerprint: keys.fingerprintOf(next),
        previousVersion: 1,
        currentVersion: 2,
      },
    ]);
  });

  it('V12: the token is renewed at 2/3 of its lease; a capped renewal ends in a re-login before expiry; no read sees a dead token', async () => {
    vault.addAppRole({ roleId: 'claude-role', secretId, tokenTtlSeconds: 60, tokenMaxTtlSeconds: 100 });
    const keys = provider({ softTtlSeconds: 5 });
    await keys.getApiKey();
    await advance(300_000, 1_000);
    expect(vault.requests({ path: 'auth/token/renew-self' }).length).toBeGreaterThanOrEqual(2);
    expect(vault.requests({ path: 'auth/approle/login' }).length).toBeGreaterThanOrEqual(3);
    expect(vault.requests({ path: DATA_PATH }).length).toBeGreaterThan(40);
    expect(vault.requests({ path: DATA_PATH }).every((entry) => entry.status === 200)).toBe(true);
    expect(eventsOf(audit.events, 'vault.token_renewed').length).toBeGreaterThan(0);
    expect(eventsOf(audit.events, 'vault.reauthenticated').length).toBeGreaterThan(0);
  });

  it('I5: an older version than observed is refused (kept serving the newer one) unless pinned', async () => {
    const keys = provider();
    vault.writeSecret(PATH, { api_key: anthropicKeyCanary() });
    await keys.getApiKey();
    expect(keys.current()?.version).toBe(2);
    vault.inject({
      path: /^secret\/data/,
      fault: {
        type: 'raw',
        body: JSON.stringify({
          data: { data: { api_key: key }, metadata: { version: 1, custom_metadata: { environment: 'prod' } } },
        }),
      },
    });
    await advance(340_000);
    expect(keys.current()?.version).toBe(2);
    expect(eventsOf(audit.events, 'secret.invalid_payload')[0]).toMatchObject({
      reason: 'version-regressed',
      critical: true,
    });
    vault.clearFaults();
    const pinned = provider({ integration: 'pinned-reader' }, { kv: { version: 2, path: PATH, pinnedVersion: 1 } });
    expect(await pinned.getApiKey()).toBe(key);
  });

  it('R2: after a 401, all concurrent invalidations share one forced read and see the new key', async () => {
    const keys = provider();
    const first = await keys.getApiKey();
    const next = anthropicKeyCanary();
    canaries.next = next;
    vault.writeSecret(PATH, { api_key: next });
    const before = reads();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => keys.invalidateAfter401(keys.fingerprintOf(first))),
    );
    expect(results.every((result) => result.changed)).toBe(true);
    expect(reads() - before).toBe(1);
    expect(await keys.getApiKey()).toBe(next);
    expect(eventsOf(audit.events, 'secret.invalidated_by_401')).toEqual([
      expect.objectContaining({ changed: true, reason: 'key-rotated', version: 2 }),
    ]);
    expect(await keys.invalidateAfter401(keys.fingerprintOf(first))).toEqual({ changed: true });
    expect(reads() - before).toBe(1);
  });

  it('R3: a 401 while Vault still returns the same key: no retry loop, 30 s negative cache, critical alert', async () => {
    const keys = provider();
    const first = await keys.getApiKey();
    const fingerprint = keys.fingerprintOf(first);
    const before = reads();
    const results = await Promise.all(Array.from({ length: 200 }, () => keys.invalidateAfter401(fingerprint)));
    expect(results.every((result) => !result.changed)).toBe(true);
    expect(reads() - before).toBe(1);
    expect(eventsOf(audit.events, 'secret.invalidated_by_401')).toEqual([
      expect.objectContaining({
        changed: false,
        critical: true,
        outcome: 'failure',
        reason: 'key-rejected-upstream-still-current',
      }),
    ]);
    expect((await failure(keys.getApiKey())).details.reason).toBe('key-rejected-upstream');
    await advance(20_000);
    expect(await keys.invalidateAfter401(fingerprint)).toEqual({ changed: false });
    expect(reads() - before).toBe(1);
    await advance(11_000);
    expect(await keys.getApiKey()).toBe(first);
    await keys.invalidateAfter401(fingerprint);
    expect(reads() - before).toBe(2);
  });

  it('C1: wall-clock jumps of ±1 h change nothing: no refresh storm, no early expiry, no maxStale extension', async () => {
    const keys = provider({ maxStaleSeconds: 600 });
    await keys.getApiKey();
    const monotonic = performance.now();
    vi.setSystemTime(Date.now() + 3_600_000);
    expect(performance.now() - monotonic).toBeLessThan(1);
    for (let index = 0; index < 100; index++) await keys.getApiKey();
    vi.setSystemTime(Date.now() - 7_200_000);
    for (let index = 0; index < 100; index++) await keys.getApiKey();
    await settle(idle);
    expect(reads()).toBe(1);
    vault.seal();
    await advance(500_000, 5_000);
    vi.setSystemTime(Date.now() - 3_600_000);
    await advance(130_000, 5_000);
    expect((await failure(keys.getApiKey())).code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
  });

  it('V9: a policy denial on refresh drops the cached key at once, fails closed and does not retry in a loop', async () => {
    const keys = provider();
    await keys.getApiKey();
    vault.denyRead(DATA_PATH);
    await advance(340_000, 5_000);
    const error = await failure(keys.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(keys.current()).toBeUndefined();
    expect(eventsOf(audit.events, 'secret.access_denied')[0]).toMatchObject({ outcome: 'denied', critical: true });
    const before = reads();
    await advance(300_000, 5_000);
    expect(reads() - before).toBeLessThanOrEqual(10);
    vault.allowRead(DATA_PATH);
    await advance(61_000);
    expect(await keys.getApiKey()).toBe(key);
  });

  it('V16: soft delete or destroy of the current version fails closed without falling back to an older version', async () => {
    const older = anthropicKeyCanary();
    canaries.older = older;
    vault.writeSecret(PATH, { api_key: older });
    vault.writeSecret(PATH, { api_key: key });
    const keys = provider();
    await keys.getApiKey();
    vault.destroy(PATH);
    await advance(340_000, 5_000);
    const error = await failure(keys.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_REVOKED);
    expect(error.details.reason).toBe('secret-destroyed');
    expect(eventsOf(audit.events, 'secret.revoked')[0]).toMatchObject({
      critical: true,
      version: 3,
      reason: 'secret-destroyed',
    });
    expect(keys.current()).toBeUndefined();
  });

  it('V13: a rejected re-login keeps serving the cached key within maxStale and logs in at most once per 15 minutes', async () => {
    const keys = provider();
    await keys.getApiKey();
    vault.addAppRole({ roleId: 'claude-role', secretId: secretIdCanary() });
    vault.revokeAllTokens();
    for (let minute = 0; minute < 14; minute++) {
      await advance(60_000, 5_000);
      expect(await keys.getApiKey()).toBe(key);
    }
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(2);
    expect(eventsOf(audit.events, 'vault.login_failed')[0]).toMatchObject({
      critical: true,
      reason: 'vault-login-rejected',
    });
  });

  it('V15: in production a set ANTHROPIC_API_KEY is never used, and reported once', async () => {
    const envKey = anthropicKeyCanary();
    canaries.envKey = envKey;
    vi.stubEnv('ANTHROPIC_API_KEY', envKey);
    try {
      vault.seal();
      const keys = provider();
      const error = await rejectionOf(
        (async () => {
          const pending = keys.getApiKey();
          let done = false;
          pending.catch(() => undefined).finally(() => (done = true));
          while (!done) await advance(100, 100);
          return pending;
        })(),
      );
      captured.push(error);
      expect(error).toBeInstanceOf(CredentialError);
      expect(eventsOf(audit.events, 'secret.env_key_ignored')).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('S1: a malformed refresh keeps the last good key and raises secret.invalid_payload; at cold start it fails closed', async () => {
    const keys = provider();
    await keys.getApiKey();
    vault.inject({ path: /^secret\/data/, fault: { type: 'raw', body: `{"data":{"data":{"api_key":"${key}` } });
    await advance(340_000, 5_000);
    expect(await keys.getApiKey()).toBe(key);
    expect(eventsOf(audit.events, 'secret.invalid_payload')[0]).toMatchObject({
      critical: true,
      reason: 'vault-payload-not-json',
    });
    expect(eventsOf(audit.events, 'secret.serving_stale')).toHaveLength(1);
    const cold = provider({ integration: 'cold-reader' });
    const error = await failure(cold.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_INVALID);
  });

  it('S2/S3: empty, whitespace, newline, non-Anthropic and over-long keys are refused without echoing them', async () => {
    const bad = [
      '',
      '   ',
      `${key}\n`,
      `${key} `,
      'not-a-key-at-all-but-long-enough-to-look-real',
      `sk-ant-api03-${'A'.repeat(300)}`,
    ];
    for (const [index, value] of bad.entries()) {
      vault.writeSecret(PATH, { api_key: value });
      const keys = provider({ integration: `reader-${index}` });
      const error = await failure(keys.getApiKey());
      expect(error.code).toBe(ErrorCode.CREDENTIAL_INVALID);
      expect(error.details.reason).toBe('key-shape-invalid');
      if (value.length > 8) expect(JSON.stringify(error) + error.message).not.toContain(value.trim());
    }
  });

  it('S4: environment tags are enforced at fetch time; missing tag refuses in production and warns elsewhere', async () => {
    const development = provider({ environment: 'development', integration: 'dev-reader' });
    const mismatch = await failure(development.getApiKey());
    expect(mismatch.code).toBe(ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH);
    expect(mismatch.details).toMatchObject({ expected: 'development', actual: 'prod' });
    expect(development.current()).toBeUndefined();
    expect(eventsOf(audit.events, 'secret.environment_mismatch')[0]).toMatchObject({
      outcome: 'denied',
      critical: true,
      expected: 'development',
      actual: 'prod',
    });
    vault.setCustomMetadata(PATH, { environment: 'dev' });
    expect((await failure(provider({ integration: 'prod-reader' }).getApiKey())).details.reason).toBe(
      'environment-tag-mismatch',
    );
    vault.setCustomMetadata(PATH, null);
    expect((await failure(provider({ integration: 'prod-reader-2' }).getApiKey())).details.reason).toBe(
      'environment-tag-missing',
    );
    const staging = provider({ environment: 'staging', integration: 'staging-reader' });
    expect(await staging.getApiKey()).toBe(key);
    expect(eventsOf(audit.events, 'secret.fetched').at(-1)).toMatchObject({ warnings: ['environment-tag-missing'] });
    vault.setCustomMetadata(PATH, { environment: 'prod', integration: 'billing' });
    expect((await failure(provider({ integration: 'support-bot-2' }).getApiKey())).details.reason).toBe(
      'integration-tag-mismatch',
    );
  });

  it('S5: the same key value is refused for a second integration in the same process', async () => {
    const first = provider({ integration: 'alpha' });
    expect(await first.getApiKey()).toBe(key);
    const second = provider({ integration: 'beta' });
    const error = await failure(second.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH);
    expect(error.details.reason).toBe('key-shared-across-boundary');
    const sameIntegration = provider({ integration: 'alpha' });
    expect(await sameIntegration.getApiKey()).toBe(key);
    first.close();
    sameIntegration.close();
    const third = provider({ integration: 'beta' });
    expect(await third.getApiKey()).toBe(key);
  });

  it('audit-first: a hanging sink keeps a new key out of use; a slow sink delays it until accepted', async () => {
    const hanging: AuditSink = { write: () => new Promise<void>(() => undefined) };
    const keys = provider({ audit: hanging, auditTimeoutMs: 200 });
    let outcome: unknown;
    keys.getApiKey().then(
      (value) => (outcome = value),
      (error: unknown) => (outcome = error),
    );
    while (outcome === undefined) await advance(100, 100);
    captured.push(outcome);
    expect((outcome as CredentialError).details.reason).toBe('audit-unavailable');
    expect(keys.current()).toBeUndefined();
    const accepted: AuditEvent[] = [];
    let release: () => void = () => undefined;
    const slow: AuditSink = {
      write: (event) => {
        accepted.push(event);
        return event.type === 'secret.fetched' ? new Promise<void>((resolve) => (release = resolve)) : undefined;
      },
    };
    const slowKeys = provider({ audit: slow, integration: 'slow-audit' });
    let value: unknown;
    void slowKeys.getApiKey().then((result) => (value = result));
    await settle(idle);
    await settle(() => accepted.length > 0);
    expect(value).toBeUndefined();
    release();
    await settle(() => value !== undefined);
    expect(value).toBe(key);
    captured.push(accepted);
  });

  it('close() clears timers and forgets the key', async () => {
    const keys = provider();
    await keys.getApiKey();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    keys.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(keys.current()).toBeUndefined();
    expect((await failure(keys.getApiKey())).details.reason).toBe('provider-closed');
  });
});

describe('KeyCache policy on an in-memory source', () => {
  let audit: MemoryAuditSink;
  const providers: KeyProvider[] = [];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    audit = new MemoryAuditSink();
  });

  afterEach(() => {
    for (const provider of providers.splice(0)) provider.close();
    vi.useRealTimers();
  });

  it('raises secret.access_rate_anomaly once when reads in a minute exceed the baseline', async () => {
    let current = anthropicKeyCanary();
    let version = 1;
    const memory = memorySource({ key: current, version, environment: 'prod' });
    const keys = createKeyProvider({
      source: memory.source,
      integration: 'rate',
      audit,
      accessRateAlert: { minimumPerMinute: 20, factor: 3 },
    });
    providers.push(keys);
    await keys.getApiKey();
    for (let index = 0; index < 25; index++) {
      const previous = current;
      current = anthropicKeyCanary();
      version++;
      memory.set({ key: current, version, environment: 'prod' });
      expect(await keys.invalidateAfter401(keys.fingerprintOf(previous))).toEqual({ changed: true });
    }
    expect(eventsOf(audit.events, 'secret.access_rate_anomaly')).toEqual([
      expect.objectContaining({ count: 21, critical: true }),
    ]);
    expectNoLeaks({ current }, [audit.events]);
  });

  it('raises secret.key_age_exceeded once when created_time is older than maxKeyAgeDays', async () => {
    const memory = memorySource({
      key: anthropicKeyCanary(),
      version: 1,
      environment: 'prod',
      createdTime: new Date(Date.now() - 100 * 86_400_000).toISOString(),
    });
    const keys = createKeyProvider({ source: memory.source, integration: 'age', audit, maxKeyAgeDays: 90 });
    providers.push(keys);
    await keys.getApiKey();
    await vi.advanceTimersByTimeAsync(400_000);
    expect(eventsOf(audit.events, 'secret.key_age_exceeded')).toEqual([
      expect.objectContaining({ ageDays: 100, maxKeyAgeDays: 90 }),
    ]);
  });

  it('outage backoff: 1 s × 2, capped at 60 s, full jitter, never below 1 s', async () => {
    const memory = memorySource({ key: anthropicKeyCanary(), version: 1, environment: 'prod' });
    const keys = createKeyProvider({ source: memory.source, integration: 'backoff', audit, random: () => 0.999 });
    providers.push(keys);
    await keys.getApiKey();
    memory.set(new CredentialError(ErrorCode.CREDENTIAL_UNAVAILABLE, 'down', { details: { reason: 'down' } }));
    await vi.advanceTimersByTimeAsync(330_000);
    const start = memory.reads();
    const times: number[] = [];
    for (let second = 0; second < 400; second++) {
      await vi.advanceTimersByTimeAsync(1_000);
      if (memory.reads() > start + times.length) times.push(second);
    }
    const gaps = times.slice(1).map((time, index) => time - (times[index] as number));
    expect(gaps.slice(0, 6)).toEqual([2, 4, 8, 16, 32, 60]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60);
  });

  it('options are validated with the option path named', () => {
    const memory = memorySource({ key: anthropicKeyCanary(), version: 1 });
    const attempt = (options: Record<string, unknown>) => {
      try {
        createKeyProvider({ source: memory.source, integration: 'x', ...options } as KeyProviderOptions);
      } catch (error) {
        return error as CredentialError;
      }
      throw new Error('expected a ConfigError');
    };
    expect(attempt({ maxStaleSeconds: -1 }).message).toContain('maxStaleSeconds');
    expect(attempt({ environment: 'prod' }).code).toBe(ErrorCode.CONFIG_INVALID);
    expect(attempt({ integration: 'Has Spaces' }).message).toContain('integration');
    expect(attempt({ source: {} }).message).toContain('source');
    expect(attempt({ accessRateAlert: { factor: 0 } }).message).toContain('accessRateAlert.factor');
  });
});
