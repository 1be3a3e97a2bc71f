import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anthropicKeyCanary, findLeaks, secretIdCanary, vaultTokenCanary } from './support';

const child = fileURLToPath(new URL('./fixtures/debug-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function run(mode: 'library' | 'raw', debug: string) {
  const canaries = { key: anthropicKeyCanary(), secretId: secretIdCanary(), token: vaultTokenCanary() };
  const result = spawnSync(process.execPath, ['--import', 'tsx', child, mode], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      ...process.env,
      DEBUG: debug,
      DEBUG_COLORS: '0',
      CANARY_KEY: canaries.key,
      CANARY_SECRET_ID: canaries.secretId,
      CANARY_TOKEN: canaries.token,
    },
  });
  return { ...result, canaries };
}

describe('V22: DEBUG=node-vault cannot print secrets', () => {
  it('control: raw node-vault with DEBUG=node-vault prints the AppRole secret_id to stderr', () => {
    const result = run('raw', 'node-vault');
    expect(result.stdout).toContain('done');
    expect(findLeaks({ secretId: result.canaries.secretId }, [result.stderr])).not.toEqual([]);
  });

  it.each(['node-vault', '*'])('vaultSource with DEBUG=%s prints no key, token or secret_id', (debug) => {
    const result = run('library', debug);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('done');
    expect(findLeaks(result.canaries, [result.stderr, result.stdout.replace('done', '')])).toEqual([]);
  });
});
