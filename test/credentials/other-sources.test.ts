import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditSink } from '../../src/core/audit';
import { CredentialError, ErrorCode } from '../../src/core/errors';
import {
  awsSecretsManagerSource,
  azureKeyVaultSource,
  createKeyProvider,
  envKeySource,
  gcpSecretManagerSource,
  staticKeySource,
  type KeyProvider,
} from '../../src/credentials/index';
import { crc32c } from '../../src/credentials/crc32c';
import type { SecretSource } from '../../src/credentials/types';
import { anthropicKeyCanary, eventsOf, expectNoLeaks, rejectionOf } from './support';

// The cloud adapters are tested with small hand-written client objects that mimic the vendor SDKs'
// method shapes and error names. They are not network fakes: no vendor SDK or HTTP API is exercised.

function vendorError(name: string, extra: Record<string, unknown> = {}): Error {
  const error = new Error(`${name}: request for secret failed, token=${extra.leak ?? ''}`);
  error.name = name;
  Object.assign(error, extra);
  return error;
}

describe('cloud secret sources (duck-typed vendor clients)', () => {
  let key: string;
  let captured: unknown[];
  const providers: KeyProvider[] = [];

  beforeEach(() => {
    key = anthropicKeyCanary();
    captured = [];
  });
  afterEach(() => {
    for (const provider of providers.splice(0)) provider.close();
    expectNoLeaks({ key }, captured);
  });

  async function failureOf(source: SecretSource): Promise<CredentialError> {
    const error = await rejectionOf(source.read());
    captured.push(error);
    expect(error).toBeInstanceOf(CredentialError);
    return error;
  }

  it('AWS: reads only AWSCURRENT, parses JSON secrets with tags, and works with send() + command class', async () => {
    const inputs: unknown[] = [];
    const aggregated = {
      getSecretValue: async (input: unknown) => {
        inputs.push(input);
        return {
          VersionId: 'v-2',
          SecretString: JSON.stringify({ api_key: key, environment: 'prod', integration: 'support-bot' }),
          CreatedDate: new Date('2026-11-01T00:00:00Z'),
        };
      },
    };
    const value = await awsSecretsManagerSource({ client: aggregated, secretId: 'prod/anthropic' }).read();
    expect(value).toMatchObject({
      key,
      version: 'v-2',
      environment: 'prod',
      integration: 'support-bot',
      createdTime: '2026-11-01T00:00:00.000Z',
    });
    expect(inputs).toEqual([{ SecretId: 'prod/anthropic', VersionStage: 'AWSCURRENT' }]);
    class GetSecretValueCommand {
      constructor(readonly input: unknown) {}
    }
    const sent: unknown[] = [];
    const bare = { send: async (command: unknown) => (sent.push(command), { VersionId: 'v-3', SecretString: key }) };
    expect((await awsSecretsManagerSource({ client: bare, secretId: 's', GetSecretValueCommand }).read()).key).toBe(
      key,
    );
    expect((sent[0] as GetSecretValueCommand).input).toEqual({ SecretId: 's', VersionStage: 'AWSCURRENT' });
  });

  it('AWS: throttling → unavailable, access denied → denied, not found / marked for deletion → revoked, message sanitized', async () => {
    const cases: Array<[string, ErrorCode]> = [
      ['ThrottlingException', ErrorCode.CREDENTIAL_UNAVAILABLE],
      ['InternalServiceError', ErrorCode.CREDENTIAL_UNAVAILABLE],
      ['AccessDeniedException', ErrorCode.CREDENTIAL_DENIED],
      ['DecryptionFailure', ErrorCode.CREDENTIAL_DENIED],
      ['ResourceNotFoundException', ErrorCode.CREDENTIAL_REVOKED],
      ['InvalidRequestException', ErrorCode.CREDENTIAL_REVOKED],
    ];
    for (const [name, code] of cases) {
      const source = awsSecretsManagerSource({
        client: { getSecretValue: async () => Promise.reject(vendorError(name, { leak: key })) },
        secretId: 'prod/anthropic',
      });
      const error = await failureOf(source);
      expect(error.code).toBe(code);
      expect(error.details.reason).toBe(name);
    }
    expect(
      (
        await failureOf(
          awsSecretsManagerSource({
            client: { getSecretValue: async () => ({ SecretString: '{"api_key": 1}' }) },
            secretId: 'x',
          }),
        )
      ).code,
    ).toBe(ErrorCode.CREDENTIAL_INVALID);
    expect(
      (
        await failureOf(
          awsSecretsManagerSource({
            client: { getSecretValue: async () => ({ SecretString: '{broken' }) },
            secretId: 'x',
          }),
        )
      ).details.reason,
    ).toBe('payload-not-json');
  });

  it('Azure: current version with tags; disabled → revoked; 429 → unavailable; 403 → denied; 404 → revoked', async () => {
    const client = {
      getSecret: async (name: string, options?: unknown) => {
        expect(options).toBeUndefined();
        return {
          value: key,
          properties: {
            version: 'abc',
            enabled: true,
            createdOn: new Date('2026-10-01T00:00:00Z'),
            tags: { environment: 'prod', __proto__: 'x' } as Record<string, string>,
          },
        };
      },
    };
    expect(await azureKeyVaultSource({ client, name: 'anthropic' }).read()).toMatchObject({
      key,
      version: 'abc',
      environment: 'prod',
      metadata: { environment: 'prod' },
    });
    const disabled = { getSecret: async () => ({ value: key, properties: { enabled: false } }) };
    expect((await failureOf(azureKeyVaultSource({ client: disabled, name: 'a' }))).details.reason).toBe(
      'secret-disabled',
    );
    for (const [statusCode, code] of [
      [429, ErrorCode.CREDENTIAL_UNAVAILABLE],
      [503, ErrorCode.CREDENTIAL_UNAVAILABLE],
      [403, ErrorCode.CREDENTIAL_DENIED],
      [404, ErrorCode.CREDENTIAL_REVOKED],
    ] as const) {
      const failing = { getSecret: async () => Promise.reject(vendorError('RestError', { statusCode, leak: key })) };
      const error = await failureOf(azureKeyVaultSource({ client: failing, name: 'a' }));
      expect(error.code).toBe(code);
      expect(error.details.status).toBe(statusCode);
    }
  });

  it('GCP: latest or pinned version, labels from getSecret, gRPC codes classified', async () => {
    const requests: unknown[] = [];
    const client = {
      accessSecretVersion: async (request: { name: string }) => (
        requests.push(request),
        [{ name: `${request.name.replace(/latest$/, '7')}`, payload: { data: Buffer.from(key) } }] as [any]
      ),
      getSecret: async () => [{ labels: { environment: 'prod' } }] as [any],
    };
    expect(await gcpSecretManagerSource({ client, name: 'projects/p/secrets/anthropic' }).read()).toMatchObject({
      key,
      version: 7,
      environment: 'prod',
    });
    const pinned = gcpSecretManagerSource({ client, name: 'projects/p/secrets/anthropic', version: '5' });
    expect(pinned.describe()).toMatchObject({ path: 'projects/p/secrets/anthropic/versions/5', pinnedVersion: '5' });
    await pinned.read();
    expect(requests.at(-1)).toEqual({ name: 'projects/p/secrets/anthropic/versions/5' });
    for (const [grpc, code] of [
      [8, ErrorCode.CREDENTIAL_UNAVAILABLE],
      [14, ErrorCode.CREDENTIAL_UNAVAILABLE],
      [7, ErrorCode.CREDENTIAL_DENIED],
      [5, ErrorCode.CREDENTIAL_REVOKED],
      [9, ErrorCode.CREDENTIAL_REVOKED],
    ] as const) {
      const failing = {
        accessSecretVersion: async () => Promise.reject(vendorError('Error', { code: grpc, leak: key })),
      };
      expect(
        (await failureOf(gcpSecretManagerSource({ client: failing as any, name: 'projects/p/secrets/a' }))).code,
      ).toBe(code);
    }
  });

  it('GCP: turns the SDK retry off per call, verifies dataCrc32c in every int64 form, never echoes the payload', async () => {
    const good = crc32c(Buffer.from(key));
    let checksum: unknown = String(good);
    const calls: unknown[][] = [];
    const client = {
      accessSecretVersion: async (...args: unknown[]) => (
        calls.push(args),
        [{ name: 'projects/p/secrets/a/versions/4', payload: { data: Buffer.from(key), dataCrc32c: checksum } }] as [
          any,
        ]
      ),
    };
    const source = gcpSecretManagerSource({ client, name: 'projects/p/secrets/a' });
    for (const form of [String(good), good, BigInt(good), { toString: () => String(good) }, null, undefined]) {
      checksum = form;
      expect((await source.read()).key).toBe(key);
    }
    expect(calls[0]).toEqual([{ name: 'projects/p/secrets/a/versions/latest' }, { retry: null }]);
    for (const [form, reason] of [
      [String((good ^ 0x80) >>> 0), 'payload-checksum-mismatch'],
      [good + 2 ** 32, 'payload-checksum-mismatch'],
      ['not-a-number', 'payload-checksum-unreadable'],
    ] as const) {
      checksum = form;
      const error = await failureOf(source);
      expect(error.code).toBe(ErrorCode.CREDENTIAL_INVALID);
      expect(error.details.reason).toBe(reason);
    }
  });

  it('X2 delays: AWS retry-after header, Azure retry-after-ms / Retry-After (seconds or HTTP-date), GCP RetryInfo', async () => {
    const aws = {
      getSecretValue: async () =>
        Promise.reject(vendorError('ThrottlingException', { $response: { headers: { 'retry-after': '12' } } })),
    };
    expect((await failureOf(awsSecretsManagerSource({ client: aws, secretId: 's' }))).details).toMatchObject({
      reason: 'ThrottlingException',
      retryAfterSeconds: 12,
    });
    const azureWith = (headers: Record<string, string>) => ({
      getSecret: async () =>
        Promise.reject(
          vendorError('RestError', {
            statusCode: 429,
            code: 'Throttled',
            response: { headers: { get: (name: string) => headers[name] } },
          }),
        ),
    });
    const azureDelay = async (headers: Record<string, string>) =>
      (await failureOf(azureKeyVaultSource({ client: azureWith(headers), name: 'a' }))).details.retryAfterSeconds;
    expect(await azureDelay({ 'retry-after': '9' })).toBe(9);
    expect(await azureDelay({ 'retry-after-ms': '2500', 'retry-after': '9' })).toBe(2.5);
    const date = new Date(Date.now() + 20_000).toUTCString();
    expect(await azureDelay({ 'retry-after': date })).toBeGreaterThan(15);
    expect(await azureDelay({ 'retry-after': 'soon' })).toBeUndefined();
    expect(await azureDelay({ 'retry-after': '99999999' })).toBe(3_600);
    const gcp = {
      accessSecretVersion: async () =>
        Promise.reject(
          vendorError('Error', { code: 8, statusDetails: [{ retryDelay: { seconds: '7', nanos: 500_000_000 } }] }),
        ),
    };
    expect(
      (await failureOf(gcpSecretManagerSource({ client: gcp as any, name: 'projects/p/secrets/a' }))).details,
    ).toMatchObject({ reason: 'RESOURCE_EXHAUSTED', retryAfterSeconds: 7.5 });
  });

  it('a cloud source behind createKeyProvider: denial fails closed, throttling serves stale', async () => {
    let mode: 'ok' | 'throttled' | 'denied' = 'ok';
    const client = {
      getSecretValue: async () => {
        if (mode === 'throttled') throw vendorError('ThrottlingException');
        if (mode === 'denied') throw vendorError('AccessDeniedException');
        return { VersionId: 'v-1', SecretString: JSON.stringify({ api_key: key, environment: 'prod' }) };
      },
    };
    const audit = new MemoryAuditSink();
    const keys = createKeyProvider({
      source: awsSecretsManagerSource({ client, secretId: 'prod/anthropic' }),
      integration: 'aws-bot',
      audit,
    });
    providers.push(keys);
    expect(await keys.getApiKey()).toBe(key);
    mode = 'denied';
    expect((await keys.invalidateAfter401(keys.fingerprintOf(key))).changed).toBe(false);
    const denied = await rejectionOf(keys.getApiKey());
    captured.push(denied, audit.events);
    expect(denied.code).toBe(ErrorCode.CREDENTIAL_DENIED);
    expect(eventsOf(audit.events, 'secret.invalidated_by_401')[0]).toMatchObject({
      outcome: 'denied',
      reason: 'AccessDeniedException',
    });
  });
});

describe('static and environment sources', () => {
  const providers: KeyProvider[] = [];
  afterEach(() => {
    for (const provider of providers.splice(0)) provider.close();
  });

  it('are refused in production with SCC_CREDENTIAL_SOURCE_FORBIDDEN, by the factory and by createKeyProvider', () => {
    const key = anthropicKeyCanary();
    expect(() => staticKeySource(key, { environment: 'production' })).toThrow(
      expect.objectContaining({ code: ErrorCode.CREDENTIAL_SOURCE_FORBIDDEN }),
    );
    const error = (() => {
      try {
        createKeyProvider({ source: staticKeySource(key), integration: 'dev-tool' });
      } catch (caught) {
        return caught as CredentialError;
      }
      return undefined;
    })();
    expect(error?.code).toBe(ErrorCode.CREDENTIAL_SOURCE_FORBIDDEN);
    expectNoLeaks({ key }, [error]);
  });

  it('work outside production and are always audited as secret.static_key_in_use (flagged)', async () => {
    const key = anthropicKeyCanary();
    const audit = new MemoryAuditSink();
    const keys = createKeyProvider({
      source: staticKeySource(key),
      environment: 'development',
      integration: 'dev-tool',
      audit,
    });
    providers.push(keys);
    expect(await keys.getApiKey()).toBe(key);
    expect(eventsOf(audit.events, 'secret.static_key_in_use')).toEqual([
      expect.objectContaining({ flagged: true, warnings: ['environment-tag-missing'] }),
    ]);
    const envKey = anthropicKeyCanary();
    process.env.SECURE_CLAUDE_TEST_KEY = envKey;
    try {
      const fromEnv = createKeyProvider({
        source: envKeySource({ variable: 'SECURE_CLAUDE_TEST_KEY', environment: 'test' }),
        environment: 'test',
        integration: 'env-tool',
        audit,
      });
      providers.push(fromEnv);
      expect(await fromEnv.getApiKey()).toBe(envKey);
      expect(eventsOf(audit.events, 'secret.static_key_in_use').at(-1)).toMatchObject({
        provider: 'environment',
        path: 'env:SECURE_CLAUDE_TEST_KEY',
        flagged: true,
      });
    } finally {
      delete process.env.SECURE_CLAUDE_TEST_KEY;
    }
    expect(() => envKeySource({ variable: 'SECURE_CLAUDE_UNSET_VARIABLE', environment: 'test' })).toThrow(
      expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }),
    );
    expectNoLeaks({ key, envKey }, [audit.events]);
  });
});
