// Packs the package and runs publint and @arethetypeswrong/cli on the tarball, as a consumer would get it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const directory = mkdtempSync(path.join(tmpdir(), 'secure-claude-pack-'));
try {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', directory], { encoding: 'utf8' });
  const tarball = path.join(directory, JSON.parse(output)[0].filename);
  execFileSync('npx', ['publint', '--strict', tarball], { stdio: 'inherit' });
  // The CLI entry is a bin, not an import path; attw checks the import surface.
  execFileSync('npx', ['attw', tarball, '--profile', 'node16'], { stdio: 'inherit' });
} finally {
  rmSync(directory, { recursive: true, force: true });
}
