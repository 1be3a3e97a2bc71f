import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditSink } from '../../src/core/audit';
import { CredentialError, ErrorCode } from '../../src/core/errors';
import { createKeyProvider, type KeyProvider } from '../../src/credentials/index';
import type { SecretSource } from '../../src/credentials/types';
import { vaultSource } from '../../src/credentials/vault-source';
import { FakeVault, startFakeVault } from '../helpers/fake-vault';
import { anthropicKeyCanary, eventsOf, expectNoLeaks, rejectionOf, secretIdCanary } from './support';

// V24: response-wrapped delivery of the AppRole secret_id (CONTRACT.md §9), through node-vault and the fake Vault.

const PATH = 'anthropic/prod';
const CREATION_PATH = 'auth/approle/role/claude/secret-id';

describe('V24: response-wrapped secret_id delivery', () => {
  let vault: FakeVault;
  let audit: MemoryAuditSink;
  let key: string;
  let secretId: string;
  let captured: unknown[];
  const providers: KeyProvider[] = [];
  const sources: SecretSource[] = [];

  beforeEach(async () => {
    vault = await startFakeVault();
    audit = new MemoryAuditSink();
    key = anthropicKeyCanary();
    secretId = secretIdCanary();
    captured = [];
    vault.addAppRole({ roleId: 'claude-role-id', secretId });
    vault.writeSecret(PATH, { api_key: key }, { customMetadata: { environment: 'prod' } });
  });

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.close();
    for (const source of sources.splice(0)) source.close?.();
    await vault.close();
    const tokens = Object.fromEntries(vault.issuedTokens().map((token, index) => [`token${index}`, token]));
    expectNoLeaks({ key, secretId, ...tokens }, [...captured, audit.events, vault.log]);
  });

  function source(wrappingToken: string | (() => Promise<string>), creationPath = CREATION_PATH): SecretSource {
    const created = vaultSource({
      address: vault.address,
      auth: { method: 'approle', roleId: 'claude-role-id', wrappedSecretId: { token: wrappingToken, creationPath } },
      kv: { version: 2, path: PATH },
    });
    sources.push(created);
    return created;
  }

  function provider(wrapped: SecretSource): KeyProvider {
    const created = createKeyProvider({ source: wrapped, environment: 'production', integration: 'wrapped', audit });
    providers.push(created);
    return created;
  }

  const lookups = () => vault.requests({ path: 'sys/wrapping/lookup' }).length;
  const unwraps = () => vault.requests({ path: 'sys/wrapping/unwrap' }).length;

  async function deniedRead(wrapped: SecretSource): Promise<CredentialError> {
    const error = await rejectionOf(wrapped.read());
    captured.push(error);
    expect(error).toBeInstanceOf(CredentialError);
    return error;
  }

  it('unwraps once after checking creation_path; re-logins reuse the in-memory secret_id', async () => {
    const wrappingToken = vault.wrapSecretId({ roleName: 'claude', secretId });
    const keys = provider(source(async () => wrappingToken));
    expect(await keys.getApiKey()).toBe(key);
    expect([lookups(), unwraps(), vault.unwrapCount]).toEqual([1, 1, 1]);
    const unwrap = vault.requests({ path: 'sys/wrapping/unwrap' })[0];
    // The wrapping token travels as X-Vault-Token only (hashed in the log), never with a second token.
    expect(unwrap?.tokenHash).toMatch(/^h:/);
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(1);
    vault.revokeAllTokens();
    const direct = source(wrappingToken);
    // A second source with the spent token is refused; the first keeps working from memory after re-login.
    expect((await deniedRead(direct)).details.reason).toBe('vault-wrapping-token-invalid');
    await keys.invalidateAfter401(keys.fingerprintOf(key));
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(2);
    expect(vault.requests({ path: 'auth/approle/login' }).every((entry) => entry.status === 200)).toBe(true);
    expect(unwraps()).toBe(1);
    expect(eventsOf(audit.events, 'vault.secret_id_unwrapped')).toHaveLength(1);
  });

  it('a wrapping token already unwrapped by someone else: fail closed, critical "possible interception" alert, never unwrap', async () => {
    const wrappingToken = vault.wrapSecretId({ roleName: 'claude', secretId });
    vault.consumeWrappingToken(wrappingToken);
    const wrapped = source(wrappingToken);
    const keys = provider(wrapped);
    const error = await rejectionOf(keys.getApiKey());
    captured.push(error);
    expect(error).toBeInstanceOf(CredentialError);
    expect(error.code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(error.details).toMatchObject({ reason: 'vault-wrapping-token-invalid', alert: 'possible-interception' });
    expect(error.message).toContain('possible interception');
    expect(eventsOf(audit.events, 'vault.wrapping_tampered')).toEqual([
      expect.objectContaining({ critical: true, outcome: 'denied', alert: 'possible-interception' }),
    ]);
    expect(eventsOf(audit.events, 'secret.access_denied')[0]).toMatchObject({ critical: true });
    expect(keys.current()).toBeUndefined();
    // Retries (the cache re-checks on its backoff) never reach Vault's wrapping endpoints again.
    for (let attempt = 0; attempt < 5; attempt++) await deniedRead(wrapped);
    expect([lookups(), unwraps()]).toEqual([1, 0]);
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(0);
  });

  it('a wrapping token created at another path: fail closed before unwrapping (the token is not spent)', async () => {
    const wrappingToken = vault.wrap('secret/data/other', { data: { secret_id: secretId } }).token;
    const wrapped = source(wrappingToken);
    const error = await deniedRead(wrapped);
    expect(error.code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(error.details.reason).toBe('vault-wrapping-path-mismatch');
    expect(error.message).toContain(CREATION_PATH);
    await deniedRead(wrapped);
    expect([lookups(), unwraps(), vault.unwrapCount]).toEqual([1, 0, 0]);
  });

  it('a token unwrapped between lookup and unwrap (400 on unwrap): fail closed, one unwrap attempt only', async () => {
    const wrappingToken = vault.wrapSecretId({ roleName: 'claude', secretId });
    vault.inject({
      path: /^sys\/wrapping\/unwrap$/,
      fault: { type: 'status', status: 400, body: { errors: ['wrapping token is not valid or does not exist'] } },
    });
    const wrapped = source(wrappingToken);
    expect((await deniedRead(wrapped)).details.reason).toBe('vault-wrapping-token-invalid');
    await deniedRead(wrapped);
    expect([lookups(), unwraps()]).toEqual([1, 1]);
  });

  it('an expired wrapping token is refused like a consumed one', async () => {
    const wrappingToken = vault.wrapSecretId({ roleName: 'claude', secretId, ttlSeconds: 60 });
    vault.advanceClock(61_000);
    expect((await deniedRead(source(wrappingToken))).details.reason).toBe('vault-wrapping-token-invalid');
  });

  it('the fake Vault wraps any response sent with X-Vault-Wrap-TTL and unwraps it once', async () => {
    const token = vault.createToken();
    const response = await fetch(`${vault.address}/v1/secret/data/${PATH}`, {
      headers: { 'X-Vault-Token': token, 'X-Vault-Wrap-TTL': '5m' },
    });
    const body = (await response.json()) as { request_id: string; data: unknown; wrap_info: Record<string, unknown> };
    expect(body).toMatchObject({ request_id: '', data: null });
    expect(body.wrap_info).toMatchObject({ ttl: 300, creation_path: `secret/data/${PATH}` });
    const wrappingToken = String(body.wrap_info.token);
    const unwrap = () =>
      fetch(`${vault.address}/v1/sys/wrapping/unwrap`, { method: 'POST', headers: { 'X-Vault-Token': wrappingToken } });
    const first = await unwrap();
    expect(first.status).toBe(200);
    const unwrapped = (await first.json()) as { data: { data: { api_key: string } } };
    expect(unwrapped.data.data.api_key).toBe(key);
    expect((await unwrap()).status).toBe(400);
    captured.push(vault.log);
  });
});
