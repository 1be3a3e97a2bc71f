// Vault with Kubernetes auth: the pod's projected service-account token is re-read at every login (the kubelet
// rotates it), and the login goes to auth/kubernetes/login. JWT/OIDC auth is the same shape with
// `{ method: 'jwt', role, jwt: () => readToken() }`.
// Needs: running in a pod with a Vault role `claude` bound to its service account, VAULT_ADDR.
//   npx tsx examples/credentials/vault-kubernetes.ts
import { createKeyProvider, vaultSource, type KeyProvider } from 'secure-claude/credentials';

export function vaultKubernetesKeys(options: { address: string; tokenPath?: string; namespace?: string }): KeyProvider {
  return createKeyProvider({
    source: vaultSource({
      address: options.address,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      auth: {
        method: 'kubernetes',
        role: 'claude',
        ...(options.tokenPath ? { tokenPath: options.tokenPath } : {}),
      },
      kv: { version: 2, path: 'anthropic/prod' },
    }),
    environment: 'production',
    integration: 'support-bot',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const keys = vaultKubernetesKeys({ address: process.env.VAULT_ADDR ?? 'https://vault.internal:8200' });
  console.log('key version in use:', (await keys.getApiKey(), keys.current()?.version));
  keys.close();
}
