import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretClient } from '@azure/keyvault-secrets';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditSink } from '../../src/core/audit';
import type { KeyProvider } from '../../src/credentials/index';
import { awsKeys } from '../../examples/credentials/aws';
import { azureKeys } from '../../examples/credentials/azure';
import { gcpKeys } from '../../examples/credentials/gcp';
import { vaultAppRoleKeys } from '../../examples/credentials/vault-approle';
import { vaultKubernetesKeys } from '../../examples/credentials/vault-kubernetes';
import { startFakeClouds, type FakeClouds } from '../helpers/fake-cloud-secrets';
import { startFakeVault, type FakeVault } from '../helpers/fake-vault';
import { selfSignedCertificate } from '../helpers/tls';
import { anthropicKeyCanary, expectNoLeaks, secretIdCanary } from './support';

// The examples/credentials builders, run against the loopback fakes through the real clients.

let directory: string;
let tls: { key: string; cert: string };
let clouds: FakeClouds;
let vault: FakeVault;
const key = anthropicKeyCanary();
const secretId = secretIdCanary();
const providers: KeyProvider[] = [];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'examples-credentials-'));
  tls = selfSignedCertificate();
  clouds = await startFakeClouds({
    tls,
    azureToken: randomBytes(32).toString('base64url'),
    gcpToken: randomBytes(32).toString('base64url'),
  });
  vault = await startFakeVault();
});

afterAll(async () => {
  for (const provider of providers) provider.close();
  await clouds.close();
  await vault.close();
  rmSync(directory, { recursive: true, force: true });
  const tokens = Object.fromEntries(vault.issuedTokens().map((token, index) => [`token${index}`, token]));
  expectNoLeaks({ key, secretId, ...tokens }, [vault.log, clouds.store.log]);
});

const tagged = { environment: 'production', integration: 'support-bot' };

describe('examples/credentials', () => {
  it('vault-approle.ts: plain and response-wrapped secret_id', async () => {
    vault.addAppRole({ roleId: 'support-bot-role', secretId });
    vault.writeSecret('anthropic/prod', { api_key: key }, { customMetadata: tagged });
    const audit = new MemoryAuditSink();
    const plain = vaultAppRoleKeys({ address: vault.address, roleId: 'support-bot-role', secretId, audit });
    providers.push(plain);
    expect(await plain.getApiKey()).toBe(key);
    plain.close();
    const wrapped = vaultAppRoleKeys({
      address: vault.address,
      roleId: 'support-bot-role',
      wrappedSecretId: vault.wrapSecretId({ roleName: 'support-bot', secretId }),
      audit,
    });
    providers.push(wrapped);
    expect(await wrapped.getApiKey()).toBe(key);
    expect(vault.unwrapCount).toBe(1);
    expectNoLeaks({ key, secretId }, [audit.events]);
  });

  it('vault-kubernetes.ts: reads the service-account token file and logs in at auth/kubernetes/login', async () => {
    vault.addKubernetesRole({ role: 'claude', serviceAccountNames: ['support-bot'], namespaces: ['apps'] });
    const tokenPath = join(directory, 'token');
    writeFileSync(tokenPath, vault.serviceAccountJwt('apps', 'support-bot'));
    const keys = vaultKubernetesKeys({ address: vault.address, tokenPath });
    providers.push(keys);
    expect(await keys.getApiKey()).toBe(key);
    expect(vault.requests({ path: 'auth/kubernetes/login' })).toHaveLength(1);
  });

  it('aws.ts, azure.ts and gcp.ts against the loopback fakes', async () => {
    clouds.store.put('prod/anthropic', JSON.stringify({ api_key: key, ...tagged }));
    clouds.store.put('anthropic-prod', key, { tags: tagged });
    const aws = awsKeys(
      new SecretsManagerClient({
        endpoint: clouds.aws.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: randomBytes(30).toString('base64') },
        maxAttempts: 1,
      }),
    );
    const azure = azureKeys(
      new SecretClient(
        clouds.azure.url,
        { getToken: async () => ({ token: clouds.azureToken, expiresOnTimestamp: Date.now() + 3_600_000 }) },
        { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 }, tlsOptions: { ca: tls.cert } },
      ),
    );
    const authClient = {
      universeDomain: 'googleapis.com',
      getRequestHeaders: async () => new Headers({ authorization: `Bearer ${clouds.gcpToken}` }),
      fetch: (url: string, init: { method?: string; headers?: HeadersInit }) => {
        const headers = new Headers(init.headers);
        headers.set('authorization', `Bearer ${clouds.gcpToken}`);
        return fetch(url, { method: init.method ?? 'GET', headers });
      },
    };
    const gcp = gcpKeys(
      new SecretManagerServiceClient({
        fallback: true,
        apiEndpoint: '127.0.0.1',
        port: clouds.gcp.port,
        protocol: 'http',
        authClient: authClient as never,
      }),
      'fake-project',
      '1',
    );
    providers.push(aws, azure, gcp);
    expect(await aws.getApiKey()).toBe(key);
    expect(await azure.getApiKey()).toBe(key);
    expect(await gcp.getApiKey()).toBe(key);
    expect(gcp.current()?.version).toBe(1);
  });
});
