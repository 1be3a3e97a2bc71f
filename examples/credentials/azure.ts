// Azure Key Vault: the secret `anthropic-prod` holds the key; its tags carry environment=production and
// integration=support-bot. The SDK is an optional peer dependency:
//   npm install @azure/keyvault-secrets @azure/identity
// Needs: AZURE_KEYVAULT_URL and a credential (here any TokenCredential, e.g. DefaultAzureCredential).
//   npx tsx examples/credentials/azure.ts
import { SecretClient } from '@azure/keyvault-secrets';
import { azureKeyVaultSource, createKeyProvider, type KeyProvider } from 'secure-claude/credentials';

export function azureKeys(client: SecretClient, name = 'anthropic-prod'): KeyProvider {
  return createKeyProvider({
    source: azureKeyVaultSource({ client, name }),
    environment: 'production',
    integration: 'support-bot',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { DefaultAzureCredential } = (await import(
    // Optional: @azure/identity is not a dependency of this package.
    '@azure/identity' as string
  )) as { DefaultAzureCredential: new () => ConstructorParameters<typeof SecretClient>[1] };
  const keys = azureKeys(
    new SecretClient(process.env.AZURE_KEYVAULT_URL ?? '', new DefaultAzureCredential(), {
      retryOptions: { maxRetries: 0 },
    }),
  );
  await keys.getApiKey();
  console.log('key version in use:', keys.current()?.version);
  keys.close();
}
