// AWS Secrets Manager: the secret `prod/anthropic` holds JSON {"api_key": "...", "environment": "production"}.
// Only the AWSCURRENT stage is read. The SDK is an optional peer dependency:
//   npm install @aws-sdk/client-secrets-manager
// Needs: AWS credentials in the usual chain (role, profile or environment).
//   npx tsx examples/credentials/aws.ts
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsSecretsManagerSource, createKeyProvider, type KeyProvider } from 'secure-claude/credentials';

export function awsKeys(client: SecretsManagerClient, secretId = 'prod/anthropic'): KeyProvider {
  return createKeyProvider({
    source: awsSecretsManagerSource({ client, secretId, GetSecretValueCommand }),
    environment: 'production',
    integration: 'support-bot',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // maxAttempts 1: the key cache already retries with backoff and serves the cached key meanwhile.
  const keys = awsKeys(new SecretsManagerClient({ maxAttempts: 1 }));
  await keys.getApiKey();
  console.log('key version in use:', keys.current()?.version);
  keys.close();
}
