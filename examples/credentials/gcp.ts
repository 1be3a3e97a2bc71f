// Google Secret Manager: the secret projects/<project>/secrets/anthropic-prod holds the key; its labels carry
// environment=production and integration=support-bot. Pin a version in production (Google's advice): set
// GCP_SECRET_VERSION; with the default `latest` the provider writes a `secret.version_unpinned` audit event at
// start-up. The payload's CRC32C is verified on every read. The SDK is an optional peer dependency:
//   npm install @google-cloud/secret-manager
// Needs: GCP_PROJECT and Application Default Credentials.
//   npx tsx examples/credentials/gcp.ts
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { createKeyProvider, gcpSecretManagerSource, type KeyProvider } from 'secure-claude/credentials';

export function gcpKeys(client: SecretManagerServiceClient, project: string, version?: string): KeyProvider {
  return createKeyProvider({
    source: gcpSecretManagerSource({
      client,
      name: `projects/${project}/secrets/anthropic-prod`,
      ...(version ? { version } : {}),
    }),
    environment: 'production',
    integration: 'support-bot',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const keys = gcpKeys(new SecretManagerServiceClient(), process.env.GCP_PROJECT ?? '', process.env.GCP_SECRET_VERSION);
  await keys.getApiKey();
  console.log('key version in use:', keys.current()?.version);
  keys.close();
}
