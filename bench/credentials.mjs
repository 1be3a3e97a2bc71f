// The added cost of the credential layer per request when the key is cached (a benchmark, not a test).
//
//   node --import tsx bench/credentials.mjs [--calls 1000000] [--requests 3000]
//
// 1. `provider.getApiKey()` on a warm cache: what the SDK's per-request `apiKey` function costs.
// 2. The same client (no controls) against the fake Messages API, once with a static key and once with
//    a Vault-backed key provider (fake Vault on loopback, reached through node-vault): client CPU per
//    request, alternating slices, so the difference is the credential layer on the request path.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SecureClaudeClient, definePreset } from '../src/index.ts';
import { createKeyProvider, vaultSource } from '../src/credentials/index.ts';
import { startFakeAnthropic } from '../src/testing/fake-anthropic.ts';
import { startFakeVault } from '../test/helpers/fake-vault.ts';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '1000000' }, requests: { type: 'string', default: '3000' } },
});
const CALLS = Number(values.calls);
const REQUESTS = Number(values.requests);
const key = `sk-ant-api03-${randomBytes(72).toString('base64url').slice(0, 93)}AA`;

const vault = await startFakeVault();
const api = await startFakeAnthropic();
const secretId = randomBytes(16).toString('hex');
vault.addAppRole({ roleId: 'bench', secretId });
vault.writeSecret('anthropic/bench', { api_key: key }, { customMetadata: { environment: 'production' } });
const provider = createKeyProvider({
  source: vaultSource({
    address: vault.address,
    auth: { method: 'approle', roleId: 'bench', secretId },
    kv: { version: 2, path: 'anthropic/bench' },
  }),
  environment: 'production',
  integration: 'bench',
});

try {
  await provider.getApiKey();
  for (let index = 0; index < 10_000; index++) await provider.getApiKey();
  let started = process.hrtime.bigint();
  for (let index = 0; index < CALLS; index++) await provider.getApiKey();
  const perCallNs = Number(process.hrtime.bigint() - started) / CALLS;

  const bare = definePreset({ name: 'bare', version: '1.0.0', middleware: [] });
  const params = { model: 'claude-sonnet-5-5', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] };
  const clients = {
    static: new SecureClaudeClient({
      apiKey: key,
      baseURL: api.url,
      maxRetries: 0,
      security: { environment: 'test', preset: bare },
    }),
    vault: new SecureClaudeClient({
      baseURL: api.url,
      maxRetries: 0,
      security: { environment: 'production', integration: 'bench', preset: bare, credentials: provider },
    }),
  };
  const cpu = { static: [], vault: [] };
  for (const client of Object.values(clients))
    for (let index = 0; index < 200; index++) await client.messages.create(params);
  const slice = Math.max(50, Math.floor(REQUESTS / 10));
  for (let round = 0; round < 10; round++) {
    for (const name of round % 2 ? ['vault', 'static'] : ['static', 'vault']) {
      const before = process.cpuUsage();
      for (let index = 0; index < slice; index++) await clients[name].messages.create(params);
      const used = process.cpuUsage(before);
      cpu[name].push((used.user + used.system) / slice);
    }
  }
  const median = (list) => list.slice().sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const staticUs = median(cpu.static);
  const vaultUs = median(cpu.vault);
  console.log(`# Credential layer cost (Node ${process.version})`);
  console.log(`command: node --import tsx bench/credentials.mjs --calls ${CALLS} --requests ${REQUESTS}`);
  console.log('');
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| warm \`getApiKey()\` | ${(perCallNs / 1000).toFixed(3)} µs per call (${CALLS} calls) |`);
  console.log(`| client CPU per request, static key | ${staticUs.toFixed(0)} µs (median of 10 slices of ${slice}) |`);
  console.log(`| client CPU per request, Vault-backed key | ${vaultUs.toFixed(0)} µs |`);
  console.log(`| difference (noise included) | ${(vaultUs - staticUs).toFixed(0)} µs; target < 20 µs |`);
  console.log(
    `| Vault reads during the run | ${vault.log.filter((entry) => entry.path.includes('/data/anthropic/bench')).length} |`,
  );
} finally {
  provider.close();
  await api.close();
  await vault.close();
}
