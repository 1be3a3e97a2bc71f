import { readFileSync } from 'node:fs';
import createVaultClient from 'node-vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeVault, hashForLog, startFakeVault } from '../helpers/fake-vault';
import { anthropicKeyCanary, expectNoLeaks, rejectionOf, secretIdCanary } from './support';

// Conformance of the fake against the Vault contract (CONTRACT.md §14; fixtures copied from it), through the real node-vault client.
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/vault-fixtures.json', import.meta.url), 'utf8')) as Record<
  string,
  { status: number; body: any }
>;

function client(vault: FakeVault, token?: string) {
  const instance = createVaultClient({
    endpoint: vault.address,
    noCustomHTTPVerbs: true,
    debug: () => undefined,
    ...(token ? { token } : {}),
  } as any);
  (instance as any).namespace = undefined;
  return instance;
}

// Maps whose keys are data (version numbers, method-specific metadata) are compared as values, not shapes.
const DATA_MAPS = new Set(['versions', 'custom_metadata', 'metadata']);

function sameShape(actual: unknown, expected: unknown, parent = ''): void {
  if (expected === null || typeof expected !== 'object') return;
  expect(typeof actual).toBe('object');
  if (DATA_MAPS.has(parent) && parent !== 'metadata') return;
  for (const key of Object.keys(expected)) {
    if (parent === 'auth' && key === 'metadata') continue;
    expect(actual, `missing ${key}`).toHaveProperty([key]);
    sameShape((actual as any)[key], (expected as any)[key], key);
  }
}

describe('fake Vault conformance', () => {
  let vault: FakeVault;
  let token: string;
  const key = anthropicKeyCanary();

  beforeEach(async () => {
    vault = await startFakeVault();
    token = vault.createToken();
    vault.writeSecret(
      'anthropic/prod',
      { api_key: 'sk-ant-api03-old' },
      { customMetadata: { environment: 'prod', owner: 'platform-team', key_id: 'apikey_01ABC' } },
    );
    vault.writeSecret('anthropic/prod', { api_key: key });
  });
  afterEach(async () => {
    await vault.close();
  });

  it('KV v2 read, version pin, metadata and list match the fixture shapes', async () => {
    const vaultClient = client(vault, token);
    const read = await vaultClient.read('secret/data/anthropic/prod');
    sameShape(read, fixtures.kv2_read_ok!.body);
    expect(read.data.data.api_key).toBe(key);
    expect(read.data.metadata).toMatchObject({
      version: 2,
      custom_metadata: { environment: 'prod' },
      destroyed: false,
      deletion_time: '',
    });
    const pinned = await vaultClient.read('secret/data/anthropic/prod?version=1');
    expect(pinned.data.metadata.version).toBe(1);
    sameShape(await vaultClient.read('secret/metadata/anthropic/prod'), fixtures.kv2_metadata_ok!.body);
    expect((await vaultClient.list('secret/metadata/anthropic')).data.keys).toEqual(['prod']);
    expect(vault.log.at(-1)).toMatchObject({ method: 'GET', query: '?list=1' });
  });

  it('soft-deleted, destroyed and missing versions answer 404 like Vault', async () => {
    const vaultClient = client(vault, token);
    vault.softDelete('anthropic/prod');
    const deleted = await rejectionOf(vaultClient.read('secret/data/anthropic/prod'));
    expect(deleted.message).toBe('Status 404');
    sameShape(deleted.response.body, fixtures.kv2_read_soft_deleted!.body);
    expect(deleted.response.body.data.data).toBeNull();
    vault.destroy('anthropic/prod', 1);
    const destroyed = await rejectionOf(vaultClient.read('secret/data/anthropic/prod?version=1'));
    expect(destroyed.response.body.data.metadata.destroyed).toBe(true);
    const missing = await rejectionOf(vaultClient.read('secret/data/nothing'));
    expect(missing.response.body).toEqual(fixtures.kv2_read_not_found!.body);
    const noMount = await rejectionOf(vaultClient.read('nomount/data/anthropic/prod'));
    expect(noMount.response.body).toEqual(fixtures.no_handler_for_route!.body);
    const v1Style = await rejectionOf(vaultClient.read('secret/anthropic/prod'));
    expect(v1Style.response.body.warnings[0]).toContain('Invalid path for a versioned K/V');
  });

  it('KV v1 read turns ttl into an advisory lease_duration', async () => {
    vault.writeKv1('anthropic/prod', { api_key: key, ttl: '1h' });
    const read = await client(vault, token).read('kv/anthropic/prod');
    sameShape(read, fixtures.kv1_read_ok!.body);
    expect(read.lease_duration).toBe(3600);
  });

  it('dead tokens answer in both wordings; policy denial has its own form; missing token is legacy', async () => {
    vault.revokeToken(token);
    expect((await rejectionOf(client(vault, token).read('secret/data/anthropic/prod'))).response.body).toEqual(
      fixtures.invalid_token_vault_1_17_plus!.body,
    );
    vault.legacyInvalidTokenWording = true;
    expect((await rejectionOf(client(vault, token).read('secret/data/anthropic/prod'))).response.body).toEqual(
      fixtures.invalid_token_legacy!.body,
    );
    expect((await rejectionOf(client(vault).read('secret/data/anthropic/prod'))).response.body).toEqual(
      fixtures.invalid_token_legacy!.body,
    );
    const live = vault.createToken();
    vault.denyRead('secret/data/anthropic/prod');
    expect((await rejectionOf(client(vault, live).read('secret/data/anthropic/prod'))).response.body).toEqual(
      fixtures.permission_denied_policy!.body,
    );
    expect((await client(vault, live).tokenLookupSelf()).data.ttl).toBeGreaterThan(0);
  });

  it('renew-self caps at max TTL with a warning, and refuses non-renewable tokens', async () => {
    const capped = vault.createToken({ ttlSeconds: 60, maxTtlSeconds: 540 });
    const renewed = await client(vault, capped).tokenRenewSelf({ increment: '1h' });
    sameShape(renewed, fixtures.token_renew_self_capped!.body);
    expect(renewed.auth.lease_duration).toBeLessThanOrEqual(540);
    expect(renewed.warnings[0]).toContain('capped');
    const fixed = vault.createToken({ renewable: false });
    expect((await rejectionOf(client(vault, fixed).tokenRenewSelf())).response.body).toEqual(
      fixtures.token_renew_self_not_renewable!.body,
    );
  });

  it('AppRole: login, rejection, echoing num_uses race and lockout after 5 failures', async () => {
    const secretId = secretIdCanary();
    vault.addAppRole({ roleId: 'role-1', secretId, secretIdNumUses: 1 });
    const login = await client(vault).approleLogin({ role_id: 'role-1', secret_id: secretId });
    sameShape(login, fixtures.approle_login_ok!.body);
    expect(login.auth.client_token).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
    const race = await rejectionOf(client(vault).approleLogin({ role_id: 'role-1', secret_id: secretId }));
    expect(race.message).toBe(`invalid secret_id "${secretId}"`);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(
        (await rejectionOf(client(vault).approleLogin({ role_id: 'role-1', secret_id: 'wrong' }))).response.statusCode,
      ).toBe(400);
    }
    expect(
      (await rejectionOf(client(vault).approleLogin({ role_id: 'role-1', secret_id: secretId }))).response.body,
    ).toEqual(fixtures.login_locked_out!.body);
    const missingRole = await fetch(`${vault.address}/v1/auth/approle/login`, {
      method: 'POST',
      body: JSON.stringify({ secret_id: 'x' }),
    });
    expect(await missingRole.json()).toEqual(fixtures.approle_login_missing_role_id!.body);
    // The request log hashes credentials and never stores bodies.
    expectNoLeaks({ secretId }, [vault.log]);
    expect(vault.log.some((entry) => entry.credentialHash === hashForLog(secretId))).toBe(true);
  });

  it('Kubernetes and JWT logins check role, service account and expiry; login ignores a sent token', async () => {
    vault.addKubernetesRole({ role: 'claude', serviceAccountNames: ['claude-app'], namespaces: ['prod'] });
    vault.addJwtRole({ role: 'ci' });
    const ok = await client(vault, 'hvs.deadtokendeadtokendeadto').kubernetesLogin({
      role: 'claude',
      jwt: vault.serviceAccountJwt('prod', 'claude-app'),
      mount_point: 'kubernetes',
    });
    sameShape(ok, fixtures.kubernetes_login_ok!.body);
    const wrongAccount = await rejectionOf(
      client(vault).kubernetesLogin({
        role: 'claude',
        jwt: vault.serviceAccountJwt('prod', 'other'),
        mount_point: 'kubernetes',
      }),
    );
    expect(wrongAccount.response.body).toEqual(fixtures.kubernetes_login_sa_not_authorized!.body);
    const badRole = await rejectionOf(
      client(vault).kubernetesLogin({ role: 'no-such-role', jwt: 'x', mount_point: 'kubernetes' }),
    );
    expect(badRole.response.body).toEqual(fixtures.kubernetes_login_invalid_role!.body);
    expect((await client(vault).jwtLogin({ role: 'ci', jwt: vault.signJwt({ sub: 'ci' }) })).auth.lease_duration).toBe(
      3600,
    );
    const expired = await rejectionOf(client(vault).jwtLogin({ role: 'ci', jwt: vault.signJwt({ exp: 1 }) }));
    expect(expired.response.body).toEqual(fixtures.jwt_login_invalid_token!.body);
    expect((await rejectionOf(client(vault).jwtLogin({ role: 'no-such-role', jwt: 'x' }))).response.body).toEqual(
      fixtures.jwt_login_role_not_found!.body,
    );
  });

  it('namespaces work by header and by path prefix; an unknown namespace is a missing route', async () => {
    vault.addNamespace('team-a/');
    vault.writeSecret('anthropic/dev', { api_key: key }, { namespace: 'team-a/' });
    const byHeader = client(vault, token);
    (byHeader as any).namespace = 'team-a';
    expect((await byHeader.read('secret/data/anthropic/dev')).data.data.api_key).toBe(key);
    expect(vault.log.at(-1)?.namespace).toBe('team-a/');
    expect((await client(vault, token).read('team-a/secret/data/anthropic/dev')).data.data.api_key).toBe(key);
    const unknown = client(vault, token);
    (unknown as any).namespace = 'nobody';
    expect((await rejectionOf(unknown.read('secret/data/anthropic/dev'))).message).toContain('no handler for route');
  });

  it('seal, standby, quota, agent mode and malformed requests', async () => {
    vault.seal();
    expect((await rejectionOf(client(vault, token).read('secret/data/anthropic/prod'))).response.body).toEqual(
      fixtures.sealed!.body,
    );
    expect(await client(vault).read('sys/seal-status')).toMatchObject({ sealed: true });
    vault.unseal();
    vault.standby = { mode: 'no-active' };
    expect((await rejectionOf(client(vault, token).read('secret/data/anthropic/prod'))).response.body).toEqual(
      fixtures.standby_no_active!.body,
    );
    vault.standby = { mode: 'redirect', location: 'https://vault-active.example:8200' };
    const redirect = await fetch(`${vault.address}/v1/secret/data/anthropic/prod`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe('https://vault-active.example:8200/v1/secret/data/anthropic/prod');
    vault.standby = { mode: 'off' };
    vault.rateLimit = { headers: true, retryAfterSeconds: 7 };
    const limited = await fetch(`${vault.address}/v1/secret/data/anthropic/prod`, {
      headers: { 'X-Vault-Token': token },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual(fixtures.rate_limited!.body);
    vault.rateLimit = { headers: false, retryAfterSeconds: 7 };
    expect((await fetch(`${vault.address}/v1/secret/data/anthropic/prod`)).headers.get('retry-after')).toBeNull();
    vault.rateLimit = undefined;
    vault.agentMode = true;
    expect((await rejectionOf(client(vault, token).read('secret/data/anthropic/prod'))).response.body).toEqual(
      fixtures.agent_missing_request_header!.body,
    );
    vault.agentMode = false;
    const badJson = await fetch(`${vault.address}/v1/secret/data/x`, {
      method: 'POST',
      headers: { 'X-Vault-Token': token },
      body: '{"data":}',
    });
    expect(await badJson.json()).toEqual(fixtures.invalid_json_body!.body);
    vault.maxRequestBytes = 1024;
    const tooLarge = await fetch(`${vault.address}/v1/secret/data/x`, {
      method: 'POST',
      headers: { 'X-Vault-Token': token },
      body: 'x'.repeat(4096),
    });
    expect(await tooLarge.json()).toEqual(fixtures.request_too_large!.body);
    expect((await fetch(`${vault.address}/other`)).status).toBe(404);
    expect(limited.headers.get('cache-control')).toBe('no-store');
  });

  it('write with CAS drives rotation', async () => {
    const vaultClient = client(vault, token);
    const written = await vaultClient.write('secret/data/anthropic/prod', {
      data: { api_key: key },
      options: { cas: 2 },
    });
    expect(written.data.version).toBe(3);
    expect(
      (
        await rejectionOf(
          vaultClient.write('secret/data/anthropic/prod', { data: { api_key: key }, options: { cas: 2 } }),
        )
      ).response.body,
    ).toEqual(fixtures.kv2_write_cas_mismatch!.body);
  });
});
