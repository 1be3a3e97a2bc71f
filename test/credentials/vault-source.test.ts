import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CredentialError, ErrorCode } from '../../src/core/errors';
import { vaultSource, type VaultSourceOptions } from '../../src/credentials/vault-source';
import type { SecretSourceEvent } from '../../src/credentials/types';
import { FakeVault, hashForLog, startFakeVault } from '../helpers/fake-vault';
import { selfSignedCertificate } from '../helpers/tls';
import { anthropicKeyCanary, expectNoLeaks, rejectionOf, secretIdCanary } from './support';

const PATH = 'anthropic/prod';
const DATA_PATH = `secret/data/${PATH}`;

describe('vaultSource against the fake Vault (real node-vault, real sockets)', () => {
  let vault: FakeVault;
  let canaries: Record<string, string>;
  let captured: unknown[];
  let events: SecretSourceEvent[];
  let key: string;
  let secretId: string;
  const closers: Array<() => void | Promise<void>> = [];

  beforeEach(async () => {
    vault = await startFakeVault();
    key = anthropicKeyCanary();
    secretId = secretIdCanary();
    canaries = { key, secretId };
    captured = [];
    events = [];
    vault.addAppRole({ roleId: 'claude-role', secretId });
    vault.writeSecret(PATH, { api_key: key }, { customMetadata: { environment: 'prod', key_id: 'apikey_01' } });
  });

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await vault.close();
    // Invariants I1/I2 over everything captured; the log may hold hashes only.
    const liveTokens = vault.log.map((entry) => entry.tokenHash).filter(Boolean);
    expect(liveTokens.every((hash) => String(hash).startsWith('h:'))).toBe(true);
    const tokens = Object.fromEntries(vault.issuedTokens().map((token, index) => [`vaultToken${index}`, token]));
    expectNoLeaks({ ...canaries, ...tokens }, [...captured, events, vault.log]);
  });

  function source(overrides: Partial<VaultSourceOptions> = {}) {
    const created = vaultSource({
      address: vault.address,
      auth: { method: 'approle', roleId: 'claude-role', secretId },
      kv: { version: 2, path: PATH },
      ...overrides,
    } as VaultSourceOptions);
    created.observe?.((event) => events.push(event));
    closers.push(() => created.close?.());
    return created;
  }

  async function failure(promise: Promise<unknown>): Promise<CredentialError> {
    const error = await rejectionOf(promise);
    captured.push(error);
    expect(error).toBeInstanceOf(CredentialError);
    return error as CredentialError;
  }

  it('reads KV v2 with AppRole: key, version, tags, created time; one login', async () => {
    const value = await source().read();
    expect(value).toMatchObject({
      key,
      version: 1,
      environment: 'prod',
      metadata: { environment: 'prod', key_id: 'apikey_01' },
    });
    expect(value.createdTime).toMatch(/Z$/);
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(1);
    expect(events.map((event) => event.type)).toEqual(['vault.authenticated']);
  });

  it('V19: every request carries X-Vault-Request: true, so an agent with require_request_header never answers 412', async () => {
    vault.agentMode = true;
    await source().read();
    expect(vault.log.length).toBeGreaterThan(1);
    expect(vault.log.every((entry) => entry.headers['x-vault-request'] === 'true' && entry.status === 200)).toBe(true);
  });

  it('V20/V11: after the token is revoked, one re-login and the NEW token is sent (no pinned header)', async () => {
    const vaultSecret = source();
    await vaultSecret.read();
    const firstToken = vault.requests({ path: DATA_PATH })[0]?.tokenHash;
    vault.revokeAllTokens();
    const results = await Promise.all(Array.from({ length: 20 }, () => vaultSecret.read()));
    expect(results.every((value) => value.key === key)).toBe(true);
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(2);
    const lastRead = vault.requests({ path: DATA_PATH }).at(-1);
    expect(lastRead?.tokenHash).not.toBe(firstToken);
    expect(vault.liveTokenHashes()).toContain(lastRead?.tokenHash);
    expect(events.map((event) => event.type)).toContain('vault.reauthenticated');
    // Login calls carry no token at all.
    expect(vault.requests({ path: 'auth/approle/login' }).every((entry) => entry.tokenHash === undefined)).toBe(true);
  });

  it('V10: legacy "permission denied" is disambiguated with lookup-self (dead token → re-login)', async () => {
    vault.legacyInvalidTokenWording = true;
    const vaultSecret = source();
    await vaultSecret.read();
    vault.revokeAllTokens();
    expect((await vaultSecret.read()).key).toBe(key);
    expect(vault.requests({ path: 'auth/token/lookup-self' })).toHaveLength(1);
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(2);
  });

  it('V9: a policy change (valid token, 403 permission denied) is a denial, not a re-login', async () => {
    vault.legacyInvalidTokenWording = true;
    const vaultSecret = source();
    await vaultSecret.read();
    vault.denyRead(DATA_PATH);
    const error = await failure(vaultSecret.read());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(error.details.reason).toBe('vault-permission-denied');
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(1);
  });

  it('V13: a rejected login is not retried for 15 minutes (no lockout storm) and raises a critical event', async () => {
    const vaultSecret = source({ auth: { method: 'approle', roleId: 'claude-role', secretId: secretIdCanary() } });
    const errors = [];
    for (let attempt = 0; attempt < 6; attempt++) errors.push(await failure(vaultSecret.read()));
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(1);
    expect(errors.every((error) => error.code === ErrorCode.CREDENTIAL_UNAVAILABLE)).toBe(true);
    expect(errors[0]?.details.reason).toBe('vault-login-rejected');
    expect(errors[1]?.details.reason).toBe('vault-login-paused');
    expect(events).toContainEqual(expect.objectContaining({ type: 'vault.login_failed', critical: true }));
  });

  it("V14: a login locked out by another client's failures is reported as a lockout and not retried", async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      await fetch(`${vault.address}/v1/auth/approle/login`, {
        method: 'POST',
        body: JSON.stringify({ role_id: 'claude-role', secret_id: 'wrong' }),
      });
    }
    const vaultSecret = source();
    const error = await failure(vaultSecret.read());
    expect(error.details).toMatchObject({ reason: 'vault-login-denied-or-locked-out', status: 403, critical: true });
    await failure(vaultSecret.read());
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(6);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'vault.login_failed', reason: 'vault-login-denied-or-locked-out' }),
    );
  });

  it('S6: duplicate JSON keys resolve deterministically to the last value', async () => {
    const other = anthropicKeyCanary();
    canaries.other = other;
    vault.inject({
      path: /^secret\/data/,
      times: 1,
      fault: {
        type: 'raw',
        body: `{"data":{"data":{"api_key":"${other}","api_key":"${key}"},"metadata":{"version":1,"custom_metadata":{"environment":"prod"}}}}`,
      },
    });
    expect((await source().read()).key).toBe(key);
  });

  it('S9: the AppRole num_uses race echoes the secret_id; one retry, and nothing echoed survives', async () => {
    const limited = secretIdCanary();
    canaries.limited = limited;
    vault.addAppRole({ roleId: 'limited-role', secretId: limited, secretIdNumUses: 0 });
    const error = await failure(
      source({ auth: { method: 'approle', roleId: 'limited-role', secretId: limited } }).read(),
    );
    expect(error.details.reason).toBe('vault-login-rejected');
    expect(vault.requests({ path: 'auth/approle/login' })).toHaveLength(2);
  });

  it('V16: soft-deleted and destroyed current versions are revocations', async () => {
    const vaultSecret = source();
    vault.softDelete(PATH);
    expect((await failure(vaultSecret.read())).details).toMatchObject({ reason: 'secret-deleted', version: 1 });
    vault.writeSecret(PATH, { api_key: key });
    vault.destroy(PATH);
    const destroyed = await failure(vaultSecret.read());
    expect(destroyed.code).toBe(ErrorCode.CREDENTIAL_REVOKED);
    expect(destroyed.details.reason).toBe('secret-destroyed');
  });

  it('V17: missing path, missing mount and unknown namespace are revocation-class configuration errors', async () => {
    expect((await failure(source({ kv: { version: 2, path: 'anthropic/none' } }).read())).details.reason).toBe(
      'secret-not-found',
    );
    expect((await failure(source({ kv: { version: 2, mount: 'nomount', path: PATH } }).read())).details.reason).toBe(
      'vault-mount-not-found',
    );
    // The AppRole login itself fails inside an unknown namespace: the same "no handler" 404.
    const wrongNamespace = await failure(source({ namespace: 'nobody' }).read());
    expect(wrongNamespace.details).toMatchObject({ reason: 'vault-mount-not-found' });
  });

  it('namespaces: the secret is read inside the configured namespace', async () => {
    vault.addNamespace('team-a/');
    vault.addAppRole({ roleId: 'claude-role', secretId });
    const teamKey = anthropicKeyCanary();
    canaries.teamKey = teamKey;
    vault.writeSecret(
      'anthropic/dev',
      { api_key: teamKey },
      { namespace: 'team-a/', customMetadata: { environment: 'dev' } },
    );
    const value = await source({ namespace: 'team-a', kv: { version: 2, path: 'anthropic/dev' } }).read();
    expect(value.key).toBe(teamKey);
    expect(vault.requests({ path: 'secret/data/anthropic/dev' })[0]?.namespace).toBe('team-a/');
  });

  it('pinned version and KV v1', async () => {
    const second = anthropicKeyCanary();
    canaries.second = second;
    vault.writeSecret(PATH, { api_key: second });
    expect((await source({ kv: { version: 2, path: PATH, pinnedVersion: 1 } }).read()).key).toBe(key);
    expect(vault.requests({ path: DATA_PATH }).at(-1)?.query).toBe('?version=1');
    vault.writeKv1(PATH, { api_key: second, ttl: '2m', environment: 'prod', other_secret: 'x' });
    const kv1 = await source({ kv: { version: 1, path: PATH } }).read();
    expect(kv1).toMatchObject({ key: second, version: 'unversioned', environment: 'prod', refreshAfterSeconds: 120 });
    expect(kv1.metadata).toEqual({ environment: 'prod' });
  });

  it('V18: a standby 307 is not followed and the token never reaches the redirect host', async () => {
    const seen: string[] = [];
    const other = http.createServer((request, response) => {
      seen.push(String(request.headers['x-vault-token']));
      response.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', resolve));
    closers.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const vaultSecret = source();
    await vaultSecret.read();
    vault.standby = { mode: 'redirect', location: `http://127.0.0.2:${(other.address() as net.AddressInfo).port}` };
    const error = await failure(vaultSecret.read());
    expect(error.code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
    expect(error.details.reason).toBe('vault-redirect-refused');
    expect(seen).toEqual([]);
  });

  it('V7: stall, reset mid-body, reset before headers, refused and blackhole are availability failures within the timeout, sanitized', async () => {
    const vaultSecret = source({ requestTimeoutMs: 300 });
    await vaultSecret.read();
    const cases: Array<[Parameters<FakeVault['inject']>[0]['fault'], string]> = [
      [{ type: 'stall' }, 'vault-timeout'],
      [{ type: 'reset-mid-body' }, 'vault-unreachable'],
      [{ type: 'reset' }, 'vault-unreachable'],
      [{ type: 'latency', ms: 1_000 }, 'vault-timeout'],
    ];
    for (const [fault, reason] of cases) {
      vault.inject({ path: /^secret\/data/, times: 1, fault });
      const started = performance.now();
      const error = await failure(vaultSecret.read());
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(error.code).toBe(ErrorCode.CREDENTIAL_UNAVAILABLE);
      expect(error.details.reason).toBe(reason);
      expect(error).not.toHaveProperty('config');
      expect(error.cause).toBeUndefined();
    }
    // Reads and discards the request but never answers.
    const blackhole = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => blackhole.close(() => resolve())));
    const blackholeSource = source({
      address: `http://127.0.0.1:${(blackhole.address() as net.AddressInfo).port}`,
      requestTimeoutMs: 300,
    });
    expect((await failure(blackholeSource.read())).details.reason).toBe('vault-timeout');
    await vault.close();
    const refused = await failure(vaultSecret.read());
    expect(refused.details).toMatchObject({ reason: 'vault-unreachable', systemCode: 'ECONNREFUSED' });
    vault = await startFakeVault();
  });

  it('V8: 429 keeps Retry-After through the transport seam', async () => {
    const vaultSecret = source();
    await vaultSecret.read();
    vault.rateLimit = { headers: true, retryAfterSeconds: 7 };
    expect((await failure(vaultSecret.read())).details).toMatchObject({
      reason: 'vault-rate-limited',
      retryAfterSeconds: 7,
    });
    vault.rateLimit = { headers: false, retryAfterSeconds: 7 };
    expect((await failure(vaultSecret.read())).details.retryAfterSeconds).toBeUndefined();
    vault.rateLimit = undefined;
    vault.seal();
    expect((await failure(vaultSecret.read())).details.reason).toBe('vault-sealed');
  });

  it('S1/S2: malformed bodies and bad fields are CREDENTIAL_INVALID naming field and version, never the payload', async () => {
    const vaultSecret = source();
    await vaultSecret.read();
    const raws = [
      `{"data":{"data":{"api_key":"${key}"`,
      'not json',
      `\uFEFF{"data":{"data":{"api_key":"${key}"},"metadata":{"version":9}}}`,
      '<html>502</html>',
      '{"data":null}',
      '',
    ];
    for (const body of raws) {
      vault.inject({ path: /^secret\/data/, times: 1, fault: { type: 'raw', body } });
      expect((await failure(vaultSecret.read())).code).toBe(ErrorCode.CREDENTIAL_INVALID);
    }
    for (const data of [{ other: key }, { api_key: 42 }, { api_key: { nested: key } }]) {
      vault.writeSecret(PATH, data);
      const error = await failure(vaultSecret.read());
      expect(error.code).toBe(ErrorCode.CREDENTIAL_INVALID);
      expect(error.message).toContain('"api_key"');
      expect(error.message).toMatch(/version \d+/);
    }
  });

  it('S7: __proto__ and constructor keys in the secret do not pollute anything', async () => {
    vault.inject({
      path: /^secret\/data/,
      times: 1,
      fault: {
        type: 'raw',
        body: `{"data":{"data":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"api_key":"${key}"},"metadata":{"version":1,"custom_metadata":{"__proto__":{"polluted":"yes"},"environment":"prod"}}}}`,
      },
    });
    const value = await source().read();
    expect(value.key).toBe(key);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value.metadata)).toBe(Object.prototype);
    expect(value.metadata).toEqual({ environment: 'prod' });
  });

  it('S8: a 50 MB response is aborted at the 1 MiB cap', async () => {
    const vaultSecret = source();
    await vaultSecret.read();
    vault.inject({ path: /^secret\/data/, times: 1, fault: { type: 'huge', bytes: 50 * 1024 * 1024 } });
    const heapBefore = process.memoryUsage().heapUsed;
    const error = await failure(vaultSecret.read());
    expect(error.details.reason).toBe('vault-response-too-large');
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('V23: Kubernetes auth re-reads the projected token file at every login and uses the default mount path', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sa-token-'));
    closers.push(() => rmSync(directory, { recursive: true, force: true }));
    const tokenPath = join(directory, 'token');
    const first = vault.serviceAccountJwt('prod', 'claude-app');
    const second = vault.serviceAccountJwt('prod', 'claude-app');
    canaries.firstJwt = first;
    canaries.secondJwt = second;
    writeFileSync(tokenPath, `${first}\n`);
    vault.addKubernetesRole({ role: 'claude', serviceAccountNames: ['claude-app'], namespaces: ['prod'] });
    const vaultSecret = source({ auth: { method: 'kubernetes', role: 'claude', tokenPath } });
    await vaultSecret.read();
    writeFileSync(tokenPath, second);
    vault.revokeAllTokens();
    await vaultSecret.read();
    const logins = vault.requests({ path: 'auth/kubernetes/login' });
    expect(logins.map((entry) => entry.credentialHash)).toEqual([hashForLog(first), hashForLog(second)]);
    expect(vault.requests({ path: /^auth\/\/login/ })).toHaveLength(0);
  });

  it('JWT auth with a callback and token auth', async () => {
    vault.addJwtRole({ role: 'ci' });
    const jwt = vault.signJwt({ sub: 'ci' });
    canaries.jwt = jwt;
    expect((await source({ auth: { method: 'jwt', role: 'ci', jwt: async () => jwt } }).read()).key).toBe(key);
    expect(vault.requests({ path: 'auth/jwt/login' })).toHaveLength(1);
    const token = vault.createToken();
    canaries.token = token;
    const tokenSource = source({ auth: { method: 'token', token } });
    expect((await tokenSource.read()).key).toBe(key);
    vault.revokeToken(token);
    expect((await failure(tokenSource.read())).details.reason).toBe('vault-token-invalid');
  });

  it('environment variables cannot redirect, authenticate or weaken the client', async () => {
    const saved = { ...process.env };
    const envToken = vault.createToken();
    canaries.envToken = envToken;
    Object.assign(process.env, {
      VAULT_TOKEN: envToken,
      VAULT_NAMESPACE: 'nobody',
      VAULT_PREFIX: '/evil',
      VAULT_SKIP_VERIFY: 'false',
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
      VAULT_ADDR: 'http://127.0.0.1:1',
    });
    try {
      expect((await source().read()).key).toBe(key);
      expect(vault.log.every((entry) => entry.tokenHash !== hashForLog(envToken))).toBe(true);
      expect(vault.log.every((entry) => entry.namespace === '' && !entry.path.includes('evil'))).toBe(true);
    } finally {
      process.env = saved;
    }
  });

  it('options are validated: plain http is refused off loopback, unknown options and bad paths name the option', () => {
    const attempt = (options: unknown) => {
      try {
        vaultSource(options as VaultSourceOptions);
      } catch (error) {
        captured.push(error);
        return error as CredentialError;
      }
      throw new Error('expected a ConfigError');
    };
    const base = {
      address: 'https://vault.example:8200',
      auth: { method: 'approle', roleId: 'r', secretId },
      kv: { version: 2, path: PATH },
    };
    expect(attempt({ ...base, address: 'http://vault.example:8200' }).message).toContain('address');
    expect(attempt({ ...base, kv: { version: 2, path: '../etc' } }).message).toContain('kv.path');
    expect(attempt({ ...base, extra: true }).code).toBe(ErrorCode.CONFIG_INVALID);
    expect(attempt({ ...base, auth: { method: 'approle', roleId: 'r' } }).message).toContain('auth.secretId');
    expect(() => vaultSource({ ...base, address: 'http://127.0.0.1:8200' } as VaultSourceOptions)).not.toThrow();
  });
});

describe('V21: TLS verification cannot be weakened by environment variables', () => {
  let tls: { key: string; cert: string };

  beforeEach(() => {
    tls = selfSignedCertificate();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('a self-signed Vault is refused even with VAULT_SKIP_VERIFY=false and NODE_TLS_REJECT_UNAUTHORIZED=0, and accepted with caCertificate', async () => {
    const vault = await startFakeVault({ tls });
    try {
      const key = anthropicKeyCanary();
      const token = vault.createToken();
      vault.writeSecret(PATH, { api_key: key }, { customMetadata: { environment: 'prod' } });
      vi.stubEnv('VAULT_SKIP_VERIFY', 'false');
      vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0');
      const options = {
        address: vault.address,
        auth: { method: 'token', token },
        kv: { version: 2, path: PATH },
      } as const;
      const refused = await rejectionOf(vaultSource(options).read());
      expect(refused).toBeInstanceOf(CredentialError);
      expect(refused.details).toMatchObject({ reason: 'vault-unreachable', systemCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(vault.log).toHaveLength(0);
      expect((await vaultSource({ ...options, caCertificate: tls.cert }).read()).key).toBe(key);
      expectNoLeaks({ key, token }, [refused]);
    } finally {
      await vault.close();
    }
  });
});
