// Vault with AppRole: the key lives in KV v2 at secret/anthropic/prod (field api_key, custom_metadata
// environment=production), read by the role `support-bot`. The secret_id can arrive response-wrapped from a
// trusted orchestrator (VAULT_WRAPPED_SECRET_ID), or plain (VAULT_SECRET_ID).
// Needs: a Vault (or `vault server -dev`), VAULT_ADDR, VAULT_ROLE_ID and one of the secret_id variables.
//   npx tsx examples/credentials/vault-approle.ts
import { SecureClaudeClient, type AuditSink } from 'secure-claude';
import { createKeyProvider, vaultSource, type KeyProvider } from 'secure-claude/credentials';

export function vaultAppRoleKeys(options: {
  address: string;
  roleId: string;
  secretId?: string;
  wrappedSecretId?: string;
  audit?: AuditSink;
}): KeyProvider {
  return createKeyProvider({
    source: vaultSource({
      address: options.address,
      auth: options.wrappedSecretId
        ? {
            method: 'approle',
            roleId: options.roleId,
            // The wrapping token must come from this path; anything else is treated as an interception.
            wrappedSecretId: {
              token: options.wrappedSecretId,
              creationPath: 'auth/approle/role/support-bot/secret-id',
            },
          }
        : { method: 'approle', roleId: options.roleId, secretId: options.secretId ?? '' },
      kv: { version: 2, mount: 'secret', path: 'anthropic/prod', field: 'api_key' },
    }),
    environment: 'production',
    integration: 'support-bot',
    ...(options.audit ? { audit: options.audit } : {}),
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const keys = vaultAppRoleKeys({
    address: process.env.VAULT_ADDR ?? 'http://127.0.0.1:8200',
    roleId: process.env.VAULT_ROLE_ID ?? '',
    ...(process.env.VAULT_WRAPPED_SECRET_ID
      ? { wrappedSecretId: process.env.VAULT_WRAPPED_SECRET_ID }
      : { secretId: process.env.VAULT_SECRET_ID ?? '' }),
  });
  const client = new SecureClaudeClient({
    security: { environment: 'production', integration: 'support-bot', credentials: keys },
  });
  const message = await client.messages.create({
    model: 'claude-sonnet-5-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Say hello.' }],
  });
  console.log(message.content[0]);
  keys.close();
}
