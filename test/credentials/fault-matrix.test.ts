import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryAuditSink } from '../../src/core/audit';
import { CredentialError, ErrorCode } from '../../src/core/errors';
import { createKeyProvider, type KeyProvider, type KeyProviderOptions } from '../../src/credentials/index';
import { vaultSource } from '../../src/credentials/vault-source';
import { FakeVault, startFakeVault } from '../helpers/fake-vault';
import {
  anthropicKeyCanary,
  eventsOf,
  expectNoLeaks,
  rejectionOf,
  secretIdCanary,
  seededRandom,
  settle,
  trackedSource,
} from './support';

// Fault-matrix rows V5, V6, R5, R6, C2 and C3 of RELIABILITY.md in virtual time (vitest fake timers drive the
// library, the fake Vault's latency and the transport's 2 s timeout alike), over real loopback sockets.

const PATH = 'anthropic/prod';
const DATA_PATH = `secret/data/${PATH}`;
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] as const;

interface FakeClock {
  jump(ms: number): void;
}

/** The installed @sinonjs/fake-timers clock: `jump` skips intermediate timers like a suspended process. */
function fakeClock(): FakeClock {
  const clock = (setTimeout as unknown as { clock?: FakeClock }).clock;
  if (clock === undefined || typeof clock.jump !== 'function') throw new Error('fake timers are not installed');
  return clock;
}

/** Loopback sockets and other handles, without timers (faked timers are not resources anyway). */
function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind === 'Immediate') continue;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

describe('fault matrix V5, V6, R5, R6, C2, C3 (fake Vault, node-vault, virtual time)', () => {
  let vault: FakeVault;
  let audit: MemoryAuditSink;
  let canaries: Record<string, string>;
  let captured: unknown[];
  let key: string;
  let secretId: string;
  let providers: KeyProvider[];
  let tracked: ReturnType<typeof trackedSource>;
  let vaults: FakeVault[];

  beforeEach(async () => {
    vault = await startFakeVault();
    vaults = [vault];
    vi.useFakeTimers({ toFake: [...FAKED] });
    audit = new MemoryAuditSink();
    key = anthropicKeyCanary();
    secretId = secretIdCanary();
    canaries = { key, secretId };
    captured = [];
    providers = [];
    vault.addAppRole({ roleId: 'claude-role', secretId });
    vault.writeSecret(PATH, { api_key: key }, { customMetadata: { environment: 'prod', key_id: 'apikey_03' } });
  });

  afterEach(async () => {
    for (const provider of providers) provider.close();
    vi.useRealTimers();
    const tokens: Record<string, string> = {};
    for (const [index, each] of vaults.entries()) {
      await each.close();
      for (const [tokenIndex, token] of each.issuedTokens().entries())
        tokens[`vault${index}Token${tokenIndex}`] = token;
    }
    expectNoLeaks({ ...canaries, ...tokens }, [...captured, audit.events, ...vaults.map((each) => each.log)]);
  });

  function provider(
    overrides: Partial<KeyProviderOptions> = {},
    target: FakeVault = vault,
    sink: MemoryAuditSink = audit,
  ): KeyProvider {
    tracked = trackedSource(
      vaultSource({
        address: target.address,
        auth: { method: 'approle', roleId: 'claude-role', secretId },
        kv: { version: 2, path: PATH },
      }),
    );
    const created = createKeyProvider({
      source: tracked,
      environment: 'production',
      integration: 'support-bot',
      audit: sink,
      random: seededRandom(),
      ...overrides,
    });
    providers.push(created);
    return created;
  }

  // Idle: no real I/O left to finish. A request held by an injected latency waits on virtual time, not on I/O.
  const idle = () => {
    const entries = vaults.flatMap((each) => each.log);
    const held = entries.some((entry) => entry.status === 0 && entry.delayed === true);
    return (tracked.pending() === 0 || held) && entries.every((entry) => entry.status !== 0 || entry.delayed === true);
  };

  async function advance(ms: number, step = 1_000): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      await vi.advanceTimersByTimeAsync(Math.min(step, ms - elapsed));
      await settle(idle);
    }
  }

  /** Resolves a promise that needs virtual time, advancing it in small steps. */
  async function outcomeOf<T>(promise: Promise<T>, step = 100): Promise<T | unknown> {
    let done = false;
    let result: T | unknown;
    promise.then(
      (value) => ((done = true), (result = value)),
      (error: unknown) => ((done = true), (result = error)),
    );
    while (!done) await advance(step, step);
    return result;
  }

  const reads = (target: FakeVault = vault) => target.requests({ path: DATA_PATH }).length;

  it('V5: Vault 5 s slow with a cached key: requests unaffected, refresh times out at 2 s as an availability failure, stale + backoff, no handle leak', async () => {
    const keys = provider();
    await keys.getApiKey();
    await settle(idle);
    const baseline = openHandles();
    vault.inject({ path: /^secret\/data/, fault: { type: 'latency', ms: 5_000 } });
    const refreshStarted: number[] = [];
    while (tracked.pending() === 0) {
      await vi.advanceTimersByTimeAsync(50);
      if (tracked.pending() > 0) refreshStarted.push(performance.now());
    }
    // The request path never waits for the slow refresh: 200 callers resolve with no virtual time passing.
    const before = performance.now();
    const during = await Promise.all(Array.from({ length: 200 }, () => keys.getApiKey()));
    expect(new Set(during)).toEqual(new Set([key]));
    expect(performance.now()).toBe(before);
    while (eventsOf(audit.events, 'secret.refresh_failed').length === 0) await advance(100, 100);
    const failedAt = performance.now();
    const started = refreshStarted[0] as number;
    // The attempt is abandoned by the 2 s transport timeout, well before the 5 s answer.
    expect(failedAt - started).toBeGreaterThanOrEqual(1_900);
    expect(failedAt - started).toBeLessThanOrEqual(2_200);
    expect(eventsOf(audit.events, 'secret.refresh_failed')[0]).toMatchObject({
      reason: 'vault-timeout',
      code: ErrorCode.CREDENTIAL_UNAVAILABLE,
      outcome: 'failure',
    });
    expect(eventsOf(audit.events, 'secret.serving_stale')).toEqual([
      expect.objectContaining({ cause: 'vault-timeout', critical: true }),
    ]);
    expect(await keys.getApiKey()).toBe(key);
    // Backoff: the next attempt waits at least the 1 s floor, and requests do not cause attempts.
    const afterFirst = reads();
    for (let index = 0; index < 9; index++) {
      await advance(100, 100);
      await Promise.all(Array.from({ length: 20 }, () => keys.getApiKey()));
    }
    expect(reads()).toBe(afterFirst);
    vault.clearFaults();
    await advance(65_000);
    expect(eventsOf(audit.events, 'secret.serving_stale_ended')).toEqual([
      expect.objectContaining({ reason: 'recovered', outcome: 'success' }),
    ]);
    // Let the fake Vault finish writing its late answers to the sockets the client already closed.
    await advance(6_000);
    await settle(idle);
    expect(tracked.pending()).toBe(0);
    expect(openHandles()).toEqual(baseline);
  });

  it('V6: Vault 5 s slow at cold start: the first request fails with vault-timeout within 5 s, and concurrent callers share the one attempt', async () => {
    vault.inject({ fault: { type: 'latency', ms: 5_000 } });
    const keys = provider();
    const started = performance.now();
    const callers = Array.from({ length: 50 }, () => keys.getApiKey());
    const outcomes = (await outcomeOf(Promise.allSettled(callers))) as PromiseSettledResult<string>[];
    const elapsed = performance.now() - started;
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    const errors = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason as CredentialError);
    captured.push(errors[0]);
    // One shared cold fetch: every caller holds the very same error object.
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toBeInstanceOf(CredentialError);
    expect(errors[0]?.code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
    expect(errors[0]?.details.reason).toBe('vault-timeout');
    expect(elapsed).toBeLessThanOrEqual(5_000);
    // Each attempt dies at the login (the first request of an attempt), so the log counts attempts.
    const logins = vault.requests({ path: 'auth/approle/login' }).length;
    expect(logins).toBeGreaterThanOrEqual(1);
    expect(logins).toBeLessThanOrEqual(3);
    expect(eventsOf(audit.events, 'secret.fetch_failed')).toHaveLength(logins);
    expect((await rejectionOf(keys.getApiKey())).details.reason).toBe('vault-timeout');
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(logins);
    await advance(6_000);
  });

  it('R5: a rollback written as a new version is accepted with an alert naming the earlier version; deleting the current version fails closed', async () => {
    const v3 = anthropicKeyCanary();
    const v4 = anthropicKeyCanary();
    canaries.v3 = v3;
    canaries.v4 = v4;
    vault.writeSecret(PATH, { api_key: anthropicKeyCanary() });
    vault.writeSecret(PATH, { api_key: v3 });
    const keys = provider();
    expect(await keys.getApiKey()).toBe(v3);
    expect(keys.current()?.version).toBe(3);
    vault.writeSecret(PATH, { api_key: v4 });
    await advance(340_000, 1_000);
    expect(await keys.getApiKey()).toBe(v4);
    // The operator restores v3's value as v5 (KV v2 versions only grow).
    vault.writeSecret(PATH, { api_key: v3 });
    await advance(340_000, 1_000);
    expect(await keys.getApiKey()).toBe(v3);
    expect(keys.current()?.version).toBe(5);
    const rotations = eventsOf(audit.events, 'secret.rotated');
    expect(rotations.map((event) => [event.previousVersion, event.version, event.reason])).toEqual([
      [3, 4, 'new-version'],
      [4, 5, 'earlier-key-restored'],
    ]);
    expect(rotations[1]).toMatchObject({ fingerprintEqualsVersion: 3, alert: true });
    // Soft-deleting v5 hoping reads fall back to v4: the library fails closed and never asks for an older version.
    vault.softDelete(PATH);
    await advance(340_000, 1_000);
    const error = await rejectionOf(keys.getApiKey());
    captured.push(error);
    expect(error).toBeInstanceOf(CredentialError);
    expect(error.code).toBe(ErrorCode.CREDENTIAL_REVOKED);
    expect(error.details.reason).toBe('secret-deleted');
    expect(keys.current()).toBeUndefined();
    expect(eventsOf(audit.events, 'secret.revoked')[0]).toMatchObject({ critical: true, version: 5 });
    expect(vault.requests({ path: DATA_PATH }).every((entry) => !entry.query.includes('version'))).toBe(true);
    await advance(120_000, 1_000);
    expect(keys.current()).toBeUndefined();
  });

  it('R6: a rotation during a 10-minute seal: v3 served throughout, v4 picked up within one backoff cycle (≤ 60 s) of unseal', async () => {
    const keys = provider();
    expect(await keys.getApiKey()).toBe(key);
    vault.seal();
    const v4 = anthropicKeyCanary();
    canaries.v4 = v4;
    let served = 0;
    for (let second = 0; second < 600; second++) {
      if (second === 120) vault.writeSecret(PATH, { api_key: v4 });
      await advance(1_000);
      const batch = await Promise.all(Array.from({ length: 5 }, () => keys.getApiKey()));
      expect(batch.every((value) => value === key)).toBe(true);
      served += batch.length;
    }
    expect(served).toBe(3_000);
    expect(eventsOf(audit.events, 'secret.serving_stale')).toHaveLength(1);
    vault.unseal();
    let seconds = 0;
    while ((await keys.getApiKey()) !== v4 && seconds <= 61) {
      await advance(1_000);
      seconds++;
    }
    expect(seconds).toBeLessThanOrEqual(60);
    expect(keys.current()?.version).toBe(2);
    expect(eventsOf(audit.events, 'secret.rotated')).toEqual([
      expect.objectContaining({ previousVersion: 1, version: 2, reason: 'new-version' }),
    ]);
    expect(eventsOf(audit.events, 'secret.serving_stale_ended')).toEqual([
      expect.objectContaining({ reason: 'recovered' }),
    ]);
  });

  it('C2: a Vault clock 10 minutes ahead (created_time in the future) changes no decision', async () => {
    const ahead = await startFakeVault();
    vaults.push(ahead);
    ahead.advanceClock(600_000);
    ahead.addAppRole({ roleId: 'claude-role', secretId });
    const aheadKey = anthropicKeyCanary();
    canaries.aheadKey = aheadKey;
    ahead.writeSecret(PATH, { api_key: aheadKey }, { customMetadata: { environment: 'prod' } });
    const aheadAudit = new MemoryAuditSink();
    captured.push(aheadAudit.events);
    const created = Date.now();
    const options = { maxKeyAgeDays: 1, softTtlSeconds: 60 } as const;
    const normal = provider({ ...options, integration: 'clock-normal' });
    const normalTracked = tracked;
    const skewed = provider({ ...options, integration: 'clock-ahead' }, ahead, aheadAudit);
    const skewedTracked = tracked;
    tracked = {
      ...skewedTracked,
      pending: () => normalTracked.pending() + skewedTracked.pending(),
    } as typeof tracked;
    expect(await normal.getApiKey()).toBe(key);
    expect(await skewed.getApiKey()).toBe(aheadKey);
    await advance(1_200_000, 1_000);
    expect(reads(ahead)).toBe(reads(vault));
    expect(reads(ahead)).toBeGreaterThanOrEqual(18);
    const kinds = (events: readonly { type: string }[]) => events.map((event) => event.type).sort();
    const normalEvents = audit.events.filter((event) => event.integration === 'clock-normal');
    expect(kinds(aheadAudit.events)).toEqual(kinds(normalEvents));
    expect(eventsOf(aheadAudit.events, 'secret.key_age_exceeded')).toEqual([]);
    expect(
      Date.parse(String(eventsOf(aheadAudit.events, 'secret.fetched')[0]?.createdTime)) - created,
    ).toBeGreaterThanOrEqual(590_000);
    expect(eventsOf(aheadAudit.events, 'secret.refresh_failed')).toEqual([]);
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(1);
    expect(ahead.requests({ path: 'auth/approle/login' })).toHaveLength(1);
  });

  it('C3: a process suspended 20 minutes refreshes once on resume, before the next use past maxStale; no burst of queued timers', async () => {
    const keys = provider({ softTtlSeconds: 300, maxStaleSeconds: 600 });
    expect(await keys.getApiKey()).toBe(key);
    await settle(idle);
    const before = reads();
    const next = anthropicKeyCanary();
    canaries.next = next;
    vault.writeSecret(PATH, { api_key: next });
    fakeClock().jump(1_200_000);
    // First use after resume: the key is 20 min old (> maxStale 600 s), so it waits for the one refresh.
    const value = await outcomeOf(keys.getApiKey(), 10);
    expect(value).toBe(next);
    await settle(idle);
    expect(reads() - before).toBe(1);
    expect(eventsOf(audit.events, 'secret.refresh_failed')).toEqual([]);
    expect(eventsOf(audit.events, 'secret.fetch_failed')).toEqual([]);
    expect(eventsOf(audit.events, 'secret.serving_stale')).toEqual([]);
    // The schedule restarts from the resume instant: the next refresh comes one soft TTL later, not at once.
    await advance(200_000, 1_000);
    expect(reads() - before).toBe(1);
    await advance(160_000, 1_000);
    expect(reads() - before).toBe(2);
  });

  it('C3 within maxStale: after a suspend shorter than maxStale the cached key is served at once and refreshed in the background', async () => {
    const keys = provider({ softTtlSeconds: 300, maxStaleSeconds: 3_600 });
    expect(await keys.getApiKey()).toBe(key);
    await settle(idle);
    const before = reads();
    fakeClock().jump(1_200_000);
    const started = performance.now();
    expect(await keys.getApiKey()).toBe(key);
    expect(performance.now()).toBe(started);
    await settle(idle);
    expect(reads() - before).toBe(1);
    expect(eventsOf(audit.events, 'secret.refreshed')).toHaveLength(1);
  });
});
