import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretClient } from '@azure/keyvault-secrets';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryAuditSink } from '../../src/core/audit';
import { CredentialError, ErrorCode } from '../../src/core/errors';
import {
  awsSecretsManagerSource,
  azureKeyVaultSource,
  createKeyProvider,
  gcpSecretManagerSource,
  staticKeySource,
  vaultSource,
  type KeyProvider,
} from '../../src/credentials/index';
import { crc32c } from '../../src/credentials/crc32c';
import type { SecretSource } from '../../src/credentials/types';
import { crc32c as fakeCrc32c, startFakeClouds, type FakeClouds } from '../helpers/fake-cloud-secrets';
import { startFakeVault, type FakeVault } from '../helpers/fake-vault';
import { selfSignedCertificate } from '../helpers/tls';
import { anthropicKeyCanary, eventsOf, expectNoLeaks, memorySource, rejectionOf, vaultTokenCanary } from './support';

// One provider conformance suite (RELIABILITY.md, section X): the same scenarios against every source, each
// reached through its real client over loopback: node-vault → fake Vault; @aws-sdk/client-secrets-manager,
// @azure/keyvault-secrets and @google-cloud/secret-manager (REST fallback) → fake-cloud-secrets.
// Only `performance` is faked: advancing it makes the soft TTL (or maxStale) due, the refresh itself is real I/O.

const NAME = 'anthropic-prod';
const SOFT_TTL_SECONDS = 300;
const MAX_STALE_SECONDS = 900;

interface Tags {
  environment?: string;
  integration?: string;
}

interface Harness {
  /** The provider name the source reports in audit events. */
  provider: string;
  source(): SecretSource;
  /** Writes a new current version holding `key` (or a raw payload) with tags. */
  put(value: string, tags?: Tags): void;
  deny(): void;
  remove(): void;
  /** Disables the current version (Vault: soft delete; AWS: marked for deletion). */
  disable(): void;
  outage(): void;
  /** Throttles every read with the vendor's real throttling response, asking for `seconds` where it can. */
  throttle(seconds: number): void;
  recover(): void;
  /** What the source reports for the vendor's own throttling and permission-removed responses (rows X2, X3). */
  expected: {
    throttledReason: string;
    /** Whether the vendor's throttling response carries a delay (AWS `ThrottlingException` does not). */
    serverDelay: boolean;
    deniedReason: string;
  };
  /** Reads of the secret the backend has served or refused so far. */
  reads(): number;
  /** Credentials of the transport (tokens) for the canary scan. */
  credentials: Record<string, string>;
  captured(): unknown[];
}

let tls: { key: string; cert: string };
let clouds: FakeClouds;
let vault: FakeVault;

beforeAll(async () => {
  tls = selfSignedCertificate();
});

function bearerToken(): string {
  return `ya29.${randomBytes(48).toString('base64url')}`;
}

function vaultHarness(): Harness {
  const token = vaultTokenCanary();
  vault.createToken({ value: token, ttlSeconds: 0 });
  const path = 'anthropic/prod';
  return {
    provider: 'vault',
    source: () => vaultSource({ address: vault.address, auth: { method: 'token', token }, kv: { version: 2, path } }),
    put: (value, tags = {}) => {
      vault.writeSecret(path, { api_key: value }, { customMetadata: { ...tags } as Record<string, string> });
    },
    deny: () => vault.denyRead(`secret/data/${path}`),
    remove: () => vault.destroy(path),
    disable: () => vault.softDelete(path),
    outage: () => vault.seal(),
    throttle: (seconds) => {
      vault.rateLimit = { headers: true, retryAfterSeconds: seconds };
    },
    recover: () => {
      vault.rateLimit = undefined;
      vault.unseal();
    },
    expected: { throttledReason: 'vault-rate-limited', serverDelay: true, deniedReason: 'vault-permission-denied' },
    reads: () => vault.requests({ path: `secret/data/${path}` }).length,
    credentials: { vaultToken: token },
    captured: () => [vault.log],
  };
}

function cloudHarness(
  provider: string,
  build: () => SecretSource,
  credentials: Record<string, string>,
  expected: Harness['expected'],
): Harness {
  const store = clouds.store;
  const vendor = provider.startsWith('aws') ? 'aws' : provider.startsWith('azure') ? 'azure' : 'gcp';
  return {
    provider,
    source: build,
    put: (value, tags = {}) => {
      // AWS carries the tags inside a JSON secret (the adapter reads them there); Azure tags and GCP labels
      // live on the secret resource.
      if (vendor === 'aws') {
        const isKey = value.startsWith('sk-ant-');
        store.put(NAME, isKey ? JSON.stringify({ api_key: value, ...tags }) : value);
      } else store.put(NAME, value, { tags: { ...tags } as Record<string, string> });
    },
    deny: () => store.fail({ type: 'denied' }),
    remove: () => store.remove(NAME),
    disable: () => store.disableCurrent(NAME),
    outage: () => store.fail({ type: 'unavailable' }),
    throttle: (seconds) => store.fail({ type: 'throttle', retryAfterSeconds: seconds }),
    recover: () => store.clearFaults(),
    expected,
    reads: () =>
      store.log.filter(
        (entry) =>
          entry.vendor === vendor &&
          // GCP's labels call (getSecret) accompanies every access; Azure's 401 is the bearer challenge.
          !(vendor === 'gcp' && entry.operation === 'getSecret') &&
          entry.status !== 401 &&
          entry.name === NAME,
      ).length,
    credentials,
    captured: () => [store.log],
  };
}

function awsHarness(): Harness {
  const secretAccessKey = randomBytes(30).toString('base64');
  const client = new SecretsManagerClient({
    endpoint: clouds.aws.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey },
    maxAttempts: 1,
  });
  return cloudHarness(
    'aws-secrets-manager',
    () => awsSecretsManagerSource({ client, secretId: NAME, GetSecretValueCommand }),
    { awsSecret: secretAccessKey },
    { throttledReason: 'ThrottlingException', serverDelay: false, deniedReason: 'AccessDeniedException' },
  );
}

function azureHarness(): Harness {
  const client = new SecretClient(
    clouds.azure.url,
    { getToken: async () => ({ token: clouds.azureToken, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 }, tlsOptions: { ca: tls.cert } },
  );
  return cloudHarness(
    'azure-key-vault',
    () => azureKeyVaultSource({ client, name: NAME }),
    { azureToken: clouds.azureToken },
    { throttledReason: 'Throttled', serverDelay: true, deniedReason: 'Forbidden' },
  );
}

function gcpHarness(): Harness {
  const token = clouds.gcpToken;
  // A minimal google-auth client: gax's REST transport calls `fetch` on it and reads its universe domain.
  const authClient = {
    universeDomain: 'googleapis.com',
    getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }),
    fetch: (url: string, init: { method?: string; headers?: HeadersInit; body?: BodyInit; signal?: AbortSignal }) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(url, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body ? { body: init.body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    },
  };
  const client = new SecretManagerServiceClient({
    fallback: true,
    apiEndpoint: '127.0.0.1',
    port: clouds.gcp.port,
    protocol: 'http',
    authClient: authClient as never,
    // No retry override here on purpose: the adapter must turn the SDK's own retries off per call
    // (otherwise the throttling row waits out gax's 10-minute retry budget).
  });
  return cloudHarness(
    'gcp-secret-manager',
    () => gcpSecretManagerSource({ client, name: `projects/fake-project/secrets/${NAME}` }),
    { gcpToken: token },
    { throttledReason: 'RESOURCE_EXHAUSTED', serverDelay: true, deniedReason: 'PERMISSION_DENIED' },
  );
}

const SOURCES: Array<[string, () => Harness]> = [
  ['vault', vaultHarness],
  ['aws', awsHarness],
  ['azure', azureHarness],
  ['gcp', gcpHarness],
];

describe.each(SOURCES)('conformance: %s', (_label, makeHarness) => {
  let harness: Harness;
  let audit: MemoryAuditSink;
  let key: string;
  let canaries: Record<string, string>;
  let captured: unknown[];
  const providers: KeyProvider[] = [];

  beforeEach(async () => {
    vault = await startFakeVault();
    clouds = await startFakeClouds({ tls, azureToken: bearerToken(), gcpToken: bearerToken() });
    vi.useFakeTimers({ toFake: ['performance'] });
    harness = makeHarness();
    audit = new MemoryAuditSink();
    key = anthropicKeyCanary();
    canaries = { key, ...harness.credentials };
    captured = [];
    harness.put(key, { environment: 'production', integration: 'conformance' });
  });

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.close();
    vi.useRealTimers();
    await clouds.close();
    await vault.close();
    expectNoLeaks(canaries, [
      ...captured,
      audit.events,
      ...harness.captured(),
      providers.map((provider) => inspect(provider, { depth: 5 })),
    ]);
  });

  function provider(options: { environment?: 'production' | 'development'; integration?: string } = {}) {
    const created = createKeyProvider({
      source: harness.source(),
      environment: options.environment ?? 'production',
      integration: options.integration ?? 'conformance',
      audit,
      softTtlSeconds: SOFT_TTL_SECONDS,
      maxStaleSeconds: MAX_STALE_SECONDS,
      random: () => 0.5,
    });
    providers.push(created);
    return created;
  }

  async function failure(promise: Promise<unknown>): Promise<CredentialError> {
    const error = await rejectionOf(promise);
    captured.push(error, inspect(error, { depth: Infinity }), JSON.stringify(error));
    expect(error).toBeInstanceOf(CredentialError);
    return error;
  }

  /** Makes the soft TTL due (monotonic clock only), triggers the background refresh and waits for it. */
  async function refreshDue(keys: KeyProvider, seconds = SOFT_TTL_SECONDS + 1): Promise<void> {
    const before = harness.reads();
    vi.advanceTimersByTime(seconds * 1_000);
    await keys.getApiKey().catch(() => undefined);
    await vi.waitFor(() => expect(harness.reads()).toBeGreaterThan(before), { timeout: 5_000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  it('first read: the key, its version and a secret.fetched audit event naming the provider', async () => {
    const keys = provider();
    const results = await Promise.all(Array.from({ length: 20 }, () => keys.getApiKey()));
    expect(new Set(results)).toEqual(new Set([key]));
    expect(harness.reads()).toBe(1);
    expect(keys.current()?.fingerprint).toBe(keys.fingerprintOf(key));
    expect(eventsOf(audit.events, 'secret.fetched')).toEqual([
      expect.objectContaining({ provider: harness.provider, outcome: 'success', environment: 'production' }),
    ]);
  });

  it('rotation: a new version is picked up by the refresh after the soft TTL, with one secret.rotated', async () => {
    const keys = provider();
    expect(await keys.getApiKey()).toBe(key);
    const first = keys.current()?.version;
    const next = anthropicKeyCanary();
    canaries.next = next;
    harness.put(next, { environment: 'production', integration: 'conformance' });
    vi.advanceTimersByTime(100_000);
    expect(await keys.getApiKey()).toBe(key);
    expect(harness.reads()).toBe(1);
    await refreshDue(keys, SOFT_TTL_SECONDS);
    expect(await keys.getApiKey()).toBe(next);
    expect(keys.current()?.version).not.toEqual(first);
    expect(eventsOf(audit.events, 'secret.rotated')).toEqual([
      expect.objectContaining({ previousVersion: first, version: keys.current()?.version }),
    ]);
  });

  it('denial: fail closed at once (cold and on refresh), critical secret.access_denied', async () => {
    const keys = provider();
    await keys.getApiKey();
    harness.deny();
    await refreshDue(keys);
    const error = await failure(keys.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(keys.current()).toBeUndefined();
    expect(eventsOf(audit.events, 'secret.access_denied')[0]).toMatchObject({ critical: true, outcome: 'denied' });
    const cold = await failure(provider({ integration: 'cold' }).getApiKey());
    expect(cold.code).toBe(ErrorCode.CREDENTIAL_DENIED);
  });

  it('not found / deleted: fail closed with SCC_CREDENTIAL_REVOKED', async () => {
    const keys = provider();
    await keys.getApiKey();
    harness.remove();
    await refreshDue(keys);
    expect((await failure(keys.getApiKey())).code).toBe(ErrorCode.CREDENTIAL_REVOKED);
    expect(eventsOf(audit.events, 'secret.revoked')[0]).toMatchObject({ critical: true });
    expect((await failure(provider({ integration: 'cold' }).getApiKey())).code).toBe(ErrorCode.CREDENTIAL_REVOKED);
  });

  it('disabled current version: revoked class, fail closed, never falls back to an older version', async () => {
    harness.put(anthropicKeyCanary(), { environment: 'production', integration: 'conformance' });
    const keys = provider();
    await keys.getApiKey();
    harness.disable();
    await refreshDue(keys);
    const error = await failure(keys.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_REVOKED);
    expect(keys.current()).toBeUndefined();
  });

  it('malformed or empty secret: refused without echoing it; the last good key is kept within maxStale', async () => {
    const keys = provider();
    await keys.getApiKey();
    const almost = `${key} trailing`;
    harness.put(almost, { environment: 'production', integration: 'conformance' });
    await refreshDue(keys);
    expect(await keys.getApiKey()).toBe(key);
    expect(eventsOf(audit.events, 'secret.invalid_payload')[0]).toMatchObject({ critical: true });
    for (const [index, bad] of ['', '{"api_key": 42}', 'not-an-anthropic-key-but-long-enough'].entries()) {
      harness.put(bad, { environment: 'production', integration: 'conformance' });
      const error = await failure(provider({ integration: `malformed-${index}` }).getApiKey());
      expect([ErrorCode.CREDENTIAL_INVALID, ErrorCode.CREDENTIAL_REVOKED]).toContain(error.code);
      if (bad.length > 8) expect(JSON.stringify(error) + error.message).not.toContain(bad);
    }
  });

  it('environment and integration tags: a dev-tagged key is refused in production, and the reverse', async () => {
    harness.put(key, { environment: 'dev', integration: 'conformance' });
    const production = await failure(provider().getApiKey());
    expect(production.code).toBe(ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH);
    expect(production.details).toMatchObject({
      reason: 'environment-tag-mismatch',
      expected: 'production',
      actual: 'dev',
    });
    harness.put(key, { environment: 'production', integration: 'conformance' });
    const development = await failure(provider({ environment: 'development', integration: 'dev-reader' }).getApiKey());
    expect(development.details.reason).toBe('environment-tag-mismatch');
    harness.put(key, { environment: 'production', integration: 'billing' });
    expect((await failure(provider({ integration: 'conformance-2' }).getApiKey())).details.reason).toBe(
      'integration-tag-mismatch',
    );
    harness.put(key, {});
    expect((await failure(provider({ integration: 'untagged' }).getApiKey())).details.reason).toBe(
      'environment-tag-missing',
    );
    expect(eventsOf(audit.events, 'secret.environment_mismatch').length).toBe(4);
  });

  it('outage: stale key served within maxStale with one serving_stale event, then fail closed past it', async () => {
    const keys = provider();
    await keys.getApiKey();
    harness.outage();
    await refreshDue(keys);
    expect(await keys.getApiKey()).toBe(key);
    expect(eventsOf(audit.events, 'secret.refresh_failed')[0]).toMatchObject({
      code: ErrorCode.CREDENTIAL_UNAVAILABLE,
    });
    expect(eventsOf(audit.events, 'secret.serving_stale')).toHaveLength(1);
    vi.advanceTimersByTime((MAX_STALE_SECONDS - SOFT_TTL_SECONDS - 10) * 1_000);
    expect(await keys.getApiKey()).toBe(key);
    vi.advanceTimersByTime(20_000);
    const error = await failure(keys.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
    expect(error.details.reason).toBe('max-stale-exceeded');
    harness.recover();
    // Recovery is automatic: the next backoff attempt (60 s cap) succeeds.
    vi.advanceTimersByTime(61_000);
    await keys.getApiKey().catch(() => undefined);
    await vi.waitFor(async () => expect(await keys.getApiKey()).toBe(key), { timeout: 5_000, interval: 20 });
  });

  it('X2 throttled: availability class; cold start honours the server delay within its budget, refresh serves stale until it passes', async () => {
    // Longer than the 5 s cold-fetch budget and the first backoff step, shorter than the 60 s cap.
    const delaySeconds = 30;
    const { throttledReason, serverDelay } = harness.expected;
    harness.throttle(delaySeconds);
    const coldReads = harness.reads();
    const cold = provider({ integration: 'cold' });
    const coldError = await failure(cold.getApiKey());
    cold.close();
    expect(coldError.code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
    expect(coldError.details.reason).toBe(throttledReason);
    // A server delay longer than the cold budget ends the cold fetch at once; without one the backoff retries.
    expect(harness.reads() - coldReads).toBe(serverDelay ? 1 : 3);
    expect(coldError.details.retryAfterSeconds).toBe(serverDelay ? delaySeconds : undefined);
    harness.recover();

    const keys = provider();
    expect(await keys.getApiKey()).toBe(key);
    harness.throttle(delaySeconds);
    await refreshDue(keys);
    expect(await keys.getApiKey()).toBe(key);
    const failed = eventsOf(audit.events, 'secret.refresh_failed');
    expect(failed[0]).toMatchObject({
      code: ErrorCode.CREDENTIAL_UNAVAILABLE,
      reason: throttledReason,
      critical: false,
      retryInSeconds: serverDelay ? delaySeconds : 1,
    });
    expect(failed[0]?.retryAfterSeconds).toBe(serverDelay ? delaySeconds : undefined);
    expect(eventsOf(audit.events, 'secret.serving_stale')).toHaveLength(1);
    if (serverDelay) {
      // Past every backoff step the cache would otherwise use, but inside the server's delay: no read.
      const reads = harness.reads();
      vi.advanceTimersByTime((delaySeconds - 5) * 1_000);
      for (let index = 0; index < 20; index++) expect(await keys.getApiKey()).toBe(key);
      expect(harness.reads()).toBe(reads);
    }
    harness.recover();
    vi.advanceTimersByTime((delaySeconds + 1) * 1_000);
    expect(await keys.getApiKey()).toBe(key);
    await vi.waitFor(
      () => expect(eventsOf(audit.events, 'secret.serving_stale_ended')[0]).toMatchObject({ reason: 'recovered' }),
      { timeout: 5_000, interval: 10 },
    );
    expect(eventsOf(audit.events, 'secret.access_denied')).toEqual([]);
  });

  it('X3 permission removed: denial class with the vendor reason; fail closed, no read per request', async () => {
    const keys = provider();
    await keys.getApiKey();
    harness.deny();
    await refreshDue(keys);
    const error = await failure(keys.getApiKey());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(error.details).toMatchObject({ reason: harness.expected.deniedReason, retryable: false });
    expect(keys.current()).toBeUndefined();
    expect(eventsOf(audit.events, 'secret.access_denied')).toEqual([
      expect.objectContaining({ reason: harness.expected.deniedReason, critical: true, outcome: 'denied' }),
    ]);
    expect(eventsOf(audit.events, 'secret.serving_stale')).toEqual([]);
    // Requests get the denial at once; the source is re-checked on the backoff, never once per request.
    const reads = harness.reads();
    for (let index = 0; index < 50; index++)
      expect((await failure(keys.getApiKey())).code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(harness.reads()).toBe(reads);
  });
});

describe('AWS specifics (X1): only AWSCURRENT is read, a pending rotation is invisible until it is finished', () => {
  it('reads AWSCURRENT, ignores AWSPENDING, and picks up the new AWSCURRENT', async () => {
    vault = await startFakeVault();
    clouds = await startFakeClouds({ tls, azureToken: bearerToken(), gcpToken: bearerToken() });
    try {
      const harness = awsHarness();
      const key = anthropicKeyCanary();
      const pending = anthropicKeyCanary();
      harness.put(key, { environment: 'production' });
      clouds.store.putPending(NAME, JSON.stringify({ api_key: pending, environment: 'production' }));
      const source = harness.source();
      expect((await source.read()).key).toBe(key);
      expect(clouds.store.log.filter((entry) => entry.vendor === 'aws').map((entry) => entry.version)).toEqual([
        'AWSCURRENT',
      ]);
      harness.put(pending, { environment: 'production' });
      expect((await source.read()).key).toBe(pending);
      expectNoLeaks({ key, pending, ...harness.credentials }, [clouds.store.log]);
    } finally {
      await clouds.close();
      await vault.close();
    }
  });
});

describe('GCP specifics: payload CRC32C and the `latest` alias (X5)', () => {
  let audit: MemoryAuditSink;
  let captured: unknown[];
  const providers: KeyProvider[] = [];

  beforeEach(async () => {
    vault = await startFakeVault();
    clouds = await startFakeClouds({ tls, azureToken: bearerToken(), gcpToken: bearerToken() });
    audit = new MemoryAuditSink();
    captured = [];
  });

  afterEach(async () => {
    for (const created of providers.splice(0)) created.close();
    vi.useRealTimers();
    await clouds.close();
    await vault.close();
  });

  function gcpProvider(
    harness: Harness,
    options: { environment?: 'production' | 'development'; integration?: string } = {},
  ) {
    const created = createKeyProvider({
      source: harness.source(),
      environment: options.environment ?? 'production',
      integration: options.integration ?? 'conformance',
      audit,
      softTtlSeconds: SOFT_TTL_SECONDS,
      maxStaleSeconds: MAX_STALE_SECONDS,
      random: () => 0.5,
    });
    providers.push(created);
    return created;
  }

  it('crc32c matches the published check value, the iSCSI vectors and an independent bitwise implementation', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 appendix B.4.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, index) => index))).toBe(0x46dd794e);
    for (let length = 1; length < 300; length += 37) {
      const data = randomBytes(length);
      expect(crc32c(data)).toBe(fakeCrc32c(data));
    }
  });

  it('a payload whose dataCrc32c does not match is malformed: cold start fails closed, a refresh keeps the last good key', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const harness = gcpHarness();
    const key = anthropicKeyCanary();
    const canaries = { key, ...harness.credentials };
    harness.put(key, { environment: 'production', integration: 'conformance' });
    clouds.store.fail({ type: 'corrupt-checksum' });
    const cold = await rejectionOf(gcpProvider(harness, { integration: 'cold' }).getApiKey());
    captured.push(cold, inspect(cold, { depth: Infinity }), JSON.stringify(cold));
    expect(cold).toBeInstanceOf(CredentialError);
    expect(cold.code).toBe(ErrorCode.CREDENTIAL_INVALID);
    expect(cold.details).toMatchObject({ reason: 'payload-checksum-mismatch', retryable: false });
    expect(cold.message).toMatchInlineSnapshot(
      `"gcp-secret-manager secret "projects/fake-project/secrets/anthropic-prod/versions/latest": the payload is malformed (payload-checksum-mismatch); fix the secret."`,
    );
    expect(eventsOf(audit.events, 'secret.invalid_payload')).toEqual([
      expect.objectContaining({ reason: 'payload-checksum-mismatch', critical: true }),
    ]);

    clouds.store.clearFaults();
    const keys = gcpProvider(harness);
    expect(await keys.getApiKey()).toBe(key);
    const next = anthropicKeyCanary();
    Object.assign(canaries, { next });
    harness.put(next, { environment: 'production', integration: 'conformance' });
    clouds.store.fail({ type: 'corrupt-checksum' });
    const reads = harness.reads();
    vi.advanceTimersByTime((SOFT_TTL_SECONDS + 1) * 1_000);
    expect(await keys.getApiKey()).toBe(key);
    await vi.waitFor(() => expect(eventsOf(audit.events, 'secret.invalid_payload')).toHaveLength(2), {
      timeout: 5_000,
      interval: 5,
    });
    expect(harness.reads()).toBe(reads + 1);
    expect(await keys.getApiKey()).toBe(key);
    expect(eventsOf(audit.events, 'secret.invalid_payload')[1]).toMatchObject({
      reason: 'payload-checksum-mismatch',
      critical: true,
    });
    // Once the payload arrives intact again, the new version is adopted on the next attempt.
    clouds.store.clearFaults();
    vi.advanceTimersByTime(61_000);
    await keys.getApiKey();
    await vi.waitFor(async () => expect(await keys.getApiKey()).toBe(next), { timeout: 5_000, interval: 10 });
    expectNoLeaks(canaries, [...captured, audit.events, clouds.store.log]);
  });

  it('X5: reading `latest` in production warns once at start-up (secret.version_unpinned); a pinned version does not', () => {
    const harness = gcpHarness();
    const name = `projects/fake-project/secrets/${NAME}`;
    gcpProvider(harness);
    const unpinned = eventsOf(audit.events, 'secret.version_unpinned');
    expect(unpinned).toEqual([
      expect.objectContaining({
        outcome: 'info',
        reason: 'floating-version-in-production',
        provider: 'gcp-secret-manager',
        path: `${name}/versions/latest`,
        versionAlias: 'latest',
        recommendation: 'pin-version',
        alert: true,
      }),
    ]);
    // The warning is a start-up event, not a read: nothing was fetched yet.
    expect(clouds.store.log).toEqual([]);
    const client = { accessSecretVersion: async () => [{}] as [object] };
    const explicit = gcpSecretManagerSource({ client, name, version: 'latest' });
    expect(explicit.describe()).not.toHaveProperty('pinnedVersion');
    providers.push(createKeyProvider({ source: explicit, integration: 'explicit-latest', audit }));
    expect(eventsOf(audit.events, 'secret.version_unpinned')).toHaveLength(2);
    const pinned = gcpSecretManagerSource({ client, name, version: '3' });
    expect(pinned.describe()).toMatchObject({ pinnedVersion: '3' });
    providers.push(createKeyProvider({ source: pinned, integration: 'pinned', audit }));
    gcpProvider(harness, { environment: 'development', integration: 'dev' });
    expect(eventsOf(audit.events, 'secret.version_unpinned')).toHaveLength(2);
  });
});

describe('conformance: static and memory sources (where meaningful)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('static: first read is flagged, refused in production, and leaks nothing', async () => {
    const key = anthropicKeyCanary();
    const audit = new MemoryAuditSink();
    const keys = createKeyProvider({
      source: staticKeySource(key),
      environment: 'development',
      integration: 'dev',
      audit,
    });
    expect(await keys.getApiKey()).toBe(key);
    expect(eventsOf(audit.events, 'secret.static_key_in_use')).toEqual([expect.objectContaining({ flagged: true })]);
    const refused = await rejectionOf(
      Promise.resolve().then(() => createKeyProvider({ source: staticKeySource(key), integration: 'prod' })),
    );
    expect(refused.code).toBe(ErrorCode.CREDENTIAL_SOURCE_FORBIDDEN);
    expectNoLeaks({ key }, [audit.events, refused, inspect(keys, { depth: 5 })]);
    keys.close();
  });

  it('memory: rotation, outage within maxStale and environment mismatch follow the same policy', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const key = anthropicKeyCanary();
    const next = anthropicKeyCanary();
    const audit = new MemoryAuditSink();
    const memory = memorySource({ key, version: 1, environment: 'prod' });
    const keys = createKeyProvider({ source: memory.source, integration: 'memory', audit, maxStaleSeconds: 900 });
    expect(await keys.getApiKey()).toBe(key);
    memory.set({ key: next, version: 2, environment: 'prod' });
    vi.advanceTimersByTime(SOFT_TTL_SECONDS * 1_100);
    await keys.getApiKey();
    await vi.waitFor(async () => expect(await keys.getApiKey()).toBe(next), { timeout: 2_000 });
    memory.set(new CredentialError(ErrorCode.CREDENTIAL_UNAVAILABLE, 'down', { details: { reason: 'down' } }));
    vi.advanceTimersByTime(SOFT_TTL_SECONDS * 1_100);
    expect(await keys.getApiKey()).toBe(next);
    await vi.waitFor(() => expect(eventsOf(audit.events, 'secret.serving_stale')).toHaveLength(1), { timeout: 2_000 });
    const dev = createKeyProvider({
      source: memorySource({ key: anthropicKeyCanary(), version: 1, environment: 'dev' }).source,
      integration: 'memory-dev',
      audit,
    });
    expect((await rejectionOf(dev.getApiKey())).code).toBe(ErrorCode.CREDENTIAL_ENVIRONMENT_MISMATCH);
    expectNoLeaks({ key, next }, [audit.events]);
    keys.close();
    dev.close();
  });
});
