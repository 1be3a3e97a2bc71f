// The added cost of the credential layer per request when the key is cached (a benchmark, not a test).
//
//   node --import tsx bench/credentials.mjs [--calls 1000000] [--requests 3000] [--sdk-requests 40000]
//
// 1. `provider.getApiKey()` on a warm cache: what the SDK's per-request `apiKey` function costs.
// 2. Against the raw SDK, without a network: `new Anthropic({ apiKey: '<string>' })` versus
//    `new Anthropic({ apiKey: provider.getApiKey })`, both with an in-process `fetch` answering a canned
//    Message, so a request costs tens of µs and a 20 µs difference is visible above the noise. Also
//    `SecureClaudeClient` (no controls) with the static key versus with `security.credentials`, which adds
//    the client's 401 wiring. CPU per request in alternating slices; the figure is the median of the
//    per-round differences, with their interquartile range.
// 3. The same client against the fake Messages API on loopback (real sockets), static key versus the
//    Vault-backed key provider (fake Vault through node-vault): the end-to-end view, noisier.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import { SecureClaudeClient, definePreset } from '../src/index.ts';
import { createKeyProvider, vaultSource } from '../src/credentials/index.ts';
import { startFakeAnthropic } from '../src/testing/fake-anthropic.ts';
import { startFakeVault } from '../test/helpers/fake-vault.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '3000' },
    'sdk-requests': { type: 'string', default: '40000' },
  },
});
const CALLS = Number(values.calls);
const REQUESTS = Number(values.requests);
const SDK_REQUESTS = Number(values['sdk-requests']);
const ROUNDS = 20;

const quantile = (list, q) => list.slice().sort((a, b) => a - b)[Math.floor((list.length - 1) * q)];
const median = (list) => quantile(list, 0.5);

const CANNED = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-5-5',
  content: [{ type: 'text', text: 'hello' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 1 },
});
/** An in-process Messages API: no socket, so the SDK's own CPU per request is what remains. */
const inProcessFetch = async () =>
  new Response(CANNED, { status: 200, headers: { 'content-type': 'application/json', 'request-id': 'req_bench' } });

/**
 * Runs `create` on each named client in alternating slices and returns CPU µs per request per slice,
 * plus the per-round difference of each pair against its baseline.
 */
async function alternate(clients, params, total, pairs) {
  const names = Object.keys(clients);
  const cpu = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) for (let index = 0; index < 500; index++) await clients[name].messages.create(params);
  const slice = Math.max(50, Math.floor(total / ROUNDS / names.length));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? names.slice().reverse() : names) {
      const before = process.cpuUsage();
      for (let index = 0; index < slice; index++) await clients[name].messages.create(params);
      const used = process.cpuUsage(before);
      cpu[name].push((used.user + used.system) / slice);
    }
  }
  const differences = pairs.map(([name, baseline]) => {
    const list = cpu[name].map((value, round) => value - cpu[baseline][round]);
    return { name, baseline, median: median(list), p25: quantile(list, 0.25), p75: quantile(list, 0.75) };
  });
  return { slice, cpu, differences };
}
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
  const inProcess = { baseURL: 'http://sdk.invalid', maxRetries: 0, fetch: inProcessFetch };
  const sdk = await alternate(
    {
      'raw SDK, string key': new Anthropic({ apiKey: key, ...inProcess }),
      'raw SDK, apiKey: provider.getApiKey': new Anthropic({ apiKey: provider.getApiKey, ...inProcess }),
      'SecureClaudeClient, static key': new SecureClaudeClient({
        apiKey: key,
        ...inProcess,
        security: { environment: 'test', preset: bare },
      }),
      'SecureClaudeClient, security.credentials': new SecureClaudeClient({
        ...inProcess,
        security: { environment: 'production', integration: 'bench', preset: bare, credentials: provider },
      }),
    },
    params,
    SDK_REQUESTS,
    [
      ['raw SDK, apiKey: provider.getApiKey', 'raw SDK, string key'],
      ['SecureClaudeClient, security.credentials', 'SecureClaudeClient, static key'],
    ],
  );

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
  const staticUs = median(cpu.static);
  const vaultUs = median(cpu.vault);
  console.log(`# Credential layer cost (Node ${process.version})`);
  console.log(
    `command: node --import tsx bench/credentials.mjs --calls ${CALLS} --requests ${REQUESTS} --sdk-requests ${SDK_REQUESTS}`,
  );
  console.log('');
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| warm \`getApiKey()\` | ${(perCallNs / 1000).toFixed(3)} µs per call (${CALLS} calls) |`);
  for (const [name, list] of Object.entries(sdk.cpu))
    console.log(`| in-process fetch: ${name} | ${median(list).toFixed(1)} µs CPU per request |`);
  for (const { name, baseline, median: middle, p25, p75 } of sdk.differences)
    console.log(
      `| added: ${name} − ${baseline} | **${middle.toFixed(1)} µs** (IQR ${p25.toFixed(1)} … ${p75.toFixed(1)}; ${ROUNDS} rounds of ${sdk.slice}); target < 20 µs |`,
    );
  console.log(
    `| loopback: client CPU per request, static key | ${staticUs.toFixed(0)} µs (median of 10 slices of ${slice}) |`,
  );
  console.log(`| loopback: client CPU per request, Vault-backed key | ${vaultUs.toFixed(0)} µs |`);
  console.log(`| loopback: difference (noise included) | ${(vaultUs - staticUs).toFixed(0)} µs; target < 20 µs |`);
  console.log(
    `| Vault reads during the run | ${vault.log.filter((entry) => entry.path.includes('/data/anthropic/bench')).length} |`,
  );
} finally {
  provider.close();
  await api.close();
  await vault.close();
}
