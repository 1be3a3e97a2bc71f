// Runs after tsup: checks that every built entry loads through both `import` and `require`,
// that package.json `exports` matches the tsup entries, and that VERSION matches package.json.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const tsupSource = readFileSync(new URL('../tsup.config.ts', import.meta.url), 'utf8');
const entryNames = [...tsupSource.matchAll(/^\s+'?([\w/-]+)'?: 'src\/[\w/-]+\.ts',$/gm)].map((match) => match[1]);

const failures = [];
const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
const expected = entryNames
  .filter((name) => name !== 'cli')
  .map((name) => (name === 'index' ? '.' : `./${name.replace(/\/index$/, '')}`));
for (const subpath of expected)
  if (!subpaths.includes(subpath)) failures.push(`exports lacks ${subpath} (a tsup entry)`);
for (const subpath of subpaths)
  if (!expected.includes(subpath)) failures.push(`exports has ${subpath}, which no tsup entry builds`);

for (const subpath of subpaths) {
  const target = pkg.exports[subpath];
  const esm = new URL(`../${target.import.default}`, import.meta.url);
  const cjs = new URL(`../${target.require.default}`, import.meta.url);
  const imported = await import(pathToFileURL(esm.pathname).href);
  const required = require(cjs.pathname);
  if (Object.keys(imported).length === 0) failures.push(`${subpath}: ESM build exports nothing`);
  if (Object.keys(required).length === 0) failures.push(`${subpath}: CJS build exports nothing`);
  if (subpath === '.' && imported.VERSION !== pkg.version)
    failures.push(`VERSION ${imported.VERSION} != package.json ${pkg.version}`);
  if (subpath === '.' && typeof required.SecureClaudeClient !== 'function')
    failures.push('CJS build lacks SecureClaudeClient');
}

if (failures.length) {
  console.error(`check-dist: ${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`check-dist: ${subpaths.length} subpath(s) load as ESM and CJS; exports match tsup entries.`);
