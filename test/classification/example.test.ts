import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('examples/data', () => {
  it('classification.ts runs with npx tsx against the stand-in API', () => {
    const run = spawnSync('npx', ['tsx', 'examples/data/classification.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("rule: 'phi-not-to-haiku'");
    expect(run.stdout).toContain('reply: For Jane Roe: recheck Stage-2 hypertension in two weeks.');
    expect(run.stdout).toContain('{"name":"<PII_1>","diagnosis":"<PHI_1>","symptoms":["headache"]}');
    expect(run.stdout).not.toContain('123-45-6789');
  }, 60_000);
});
