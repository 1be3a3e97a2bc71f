import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditSink, SecureClaudeClient, SecureClaudeError } from 'secure-claude';
import { createKeyProvider, vaultSource, type KeyProvider } from 'secure-claude/credentials';
import { startFakeVault, type FakeVault } from '../helpers/fake-vault';
import { startFakeAnthropic, type FakeAnthropic, hashKey } from '../helpers/fake-anthropic';
import { findLeaks, makeCanaryKey, makeSecretId } from '../helpers/canary';

const PATH = 'anthropic/support-bot';
let vault: FakeVault;
let api: FakeAnthropic;
let provider: KeyProvider | undefined;

beforeEach(async () => {
  vault = await startFakeVault();
  api = await startFakeAnthropic();
});
afterEach(async () => {
  provider?.close();
  provider = undefined;
  await api.close();
  await vault.close();
});

function setUp(key: string) {
  const secretId = makeSecretId();
  vault.addAppRole({ roleId: 'support-bot', secretId });
  vault.writeSecret(PATH, { api_key: key }, { customMetadata: { environment: 'production', key_id: 'apikey_01' } });
  const audit = new MemoryAuditSink();
  provider = createKeyProvider({
    source: vaultSource({
      address: vault.address,
      auth: { method: 'approle', roleId: 'support-bot', secretId },
      kv: { version: 2, path: PATH },
    }),
    environment: 'production',
    integration: 'support-bot',
    audit,
  });
  const client = new SecureClaudeClient({
    baseURL: api.url,
    maxRetries: 0,
    security: { environment: 'production', integration: 'support-bot', credentials: provider, audit },
  });
  return { client, audit, secretId };
}

const params = { model: 'claude-sonnet-5-5', max_tokens: 32, messages: [{ role: 'user' as const, content: 'hello' }] };

describe('SecureClaudeClient with a Vault-backed key in production', () => {
  it('sends the Vault key, reading Vault once for 50 concurrent calls', async () => {
    const key = makeCanaryKey();
    const { client, audit, secretId } = setUp(key);
    await Promise.all(Array.from({ length: 50 }, () => client.messages.create(params)));
    expect(new Set(api.requests.map((request) => request.keyHash))).toEqual(new Set([hashKey(key)]));
    expect(vault.log.filter((entry) => entry.path.includes('/data/' + PATH))).toHaveLength(1);
    expect(audit.events.filter((event) => event.type === 'secret.fetched')).toHaveLength(1);
    // A withOptions() clone keeps the key provider (no second key source, no extra Vault read).
    await client.withOptions({ timeout: 5_000 }).messages.create(params);
    expect(api.requests.at(-1)!.keyHash).toBe(hashKey(key));
    expect(vault.log.filter((entry) => entry.path.includes('/data/' + PATH))).toHaveLength(1);
    expect(findLeaks([audit.events, vault.log], [key, secretId])).toEqual([]);
  });

  it('R2 end to end: a key revoked upstream is healed by one re-read and one retry per request', async () => {
    const first = makeCanaryKey();
    const second = makeCanaryKey();
    const { client, audit } = setUp(first);
    await client.messages.create(params);
    vault.writeSecret(
      PATH,
      { api_key: second },
      { customMetadata: { environment: 'production', key_id: 'apikey_02' } },
    );
    api.revokeKey(first);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.messages.create(params)));
    expect(results.every((message) => message.type === 'message')).toBe(true);
    expect(vault.log.filter((entry) => entry.path.includes('/data/' + PATH))).toHaveLength(2);
    const revokedAttempts = api.requests.filter((request) => request.keyHash === hashKey(first)).length;
    expect(revokedAttempts).toBeLessThanOrEqual(11);
    expect(api.requests.filter((request) => request.keyHash === hashKey(second))).toHaveLength(10);
    expect(audit.events.some((event) => event.type === 'secret.invalidated_by_401')).toBe(true);
    expect(findLeaks([audit.events], [first, second])).toEqual([]);
  });

  it('R3 end to end: a 401 with no new key in Vault reaches the caller as the SDK error, without a retry loop', async () => {
    const key = makeCanaryKey();
    const { client } = setUp(key);
    api.revokeKey(key);
    const error = await client.messages.create(params).catch((caught: unknown) => caught);
    expect((error as { status?: number }).status).toBe(401);
    expect(SecureClaudeError.isInstance(error)).toBe(false);
    expect(api.requests).toHaveLength(1);
  });

  it('refuses a key source whose environment differs from the client', () => {
    const key = makeCanaryKey();
    vault.writeSecret(PATH, { api_key: key }, { customMetadata: { environment: 'production' } });
    provider = createKeyProvider({
      source: vaultSource({
        address: vault.address,
        auth: { method: 'token', token: 'hvs.0123456789abcdefghijABCD' },
        kv: { version: 2, path: PATH },
      }),
      environment: 'staging',
      integration: 'support-bot',
    });
    expect(
      () =>
        new SecureClaudeClient({ baseURL: api.url, security: { environment: 'production', credentials: provider } }),
    ).toThrow(/security.credentials serves staging/);
  });
});

describe('R4: rotation with an overlap shorter than the soft TTL (old key revoked at once)', () => {
  it('every request in flight at the revocation sees at most one 401 and is healed by exactly one retry; later requests see none', async () => {
    const first = makeCanaryKey();
    const second = makeCanaryKey();
    const { client, audit, secretId } = setUp(first);
    await client.messages.create(params);
    // Soft TTL 300 s has not elapsed: the cache still holds the old key when Anthropic stops accepting it.
    vault.writeSecret(
      PATH,
      { api_key: second },
      { customMetadata: { environment: 'production', key_id: 'apikey_02' } },
    );
    api.revokeKey(first);
    const inFlight = Array.from({ length: 20 }, (_, index) =>
      client.messages.create({ ...params, messages: [{ role: 'user' as const, content: `in-flight ${index}` }] }),
    );
    const results = await Promise.all(inFlight);
    expect(results.every((message) => message.type === 'message')).toBe(true);
    const attemptsOf = (content: string) =>
      api.requests.filter(
        (request) => (request.body as { messages?: Array<{ content?: unknown }> })?.messages?.[0]?.content === content,
      );
    for (let index = 0; index < 20; index++) {
      const attempts = attemptsOf(`in-flight ${index}`);
      const rejected = attempts.filter((request) => request.keyHash === hashKey(first));
      // At most one 401 per request, and a request that got one was retried exactly once with the new key.
      expect(rejected.length).toBeLessThanOrEqual(1);
      expect(attempts.filter((request) => request.keyHash === hashKey(second))).toHaveLength(1);
      expect(attempts).toHaveLength(rejected.length + 1);
    }
    // One forced Vault read healed them all.
    expect(vault.log.filter((entry) => entry.path.includes('/data/' + PATH))).toHaveLength(2);
    const later = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        client.messages.create({ ...params, messages: [{ role: 'user' as const, content: `later ${index}` }] }),
      ),
    );
    expect(later).toHaveLength(10);
    for (let index = 0; index < 10; index++) {
      expect(attemptsOf(`later ${index}`).map((request) => request.keyHash)).toEqual([hashKey(second)]);
    }
    expect(audit.events.filter((event) => event.type === 'secret.invalidated_by_401')).toEqual([
      expect.objectContaining({ changed: true, version: 2 }),
    ]);
    expect(findLeaks([audit.events, vault.log, results], [first, second, secretId])).toEqual([]);
  });
});
