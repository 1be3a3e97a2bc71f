#!/usr/bin/env node
// Added latency of output governance over the raw Anthropic client, against the same in-process
// loopback fake Messages API (src/testing/fake-anthropic.ts), in the same run:
//
//   schema guard        guardedParse(client, params, { schema }) on a ~2 KB structured reply,
//                       vs raw client.messages.create + JSON.parse
//   destination filter  outputGuardMiddleware({ destinations }) on a streamed ~8 KB reply with PII,
//                       destination 'customer-email' (public), vs the raw SDK stream
//
//   node --import tsx bench/output.mjs [--iterations 300] [--warmup 50]
//
// Both secured clients use an empty preset, so the numbers are the output controls alone.
// Raw and secured requests alternate, so drift in the machine hits both alike.

import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { SecureClaudeClient, definePreset } from '../src/index.ts';
import { guardedParse, outputGuardMiddleware } from '../src/output/index.ts';
import { startFakeAnthropic } from '../src/testing/fake-anthropic.ts';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const ITERATIONS = argument('iterations', 300);
const WARMUP = argument('warmup', 50);

const fake = await startFakeAnthropic();
const key = 'sk-ant-api03-bench-key-not-real';
const bare = definePreset({ name: 'bench-bare', version: '1.0.0', middleware: [] });
const raw = new Anthropic({ apiKey: key, baseURL: fake.url, maxRetries: 0 });
const guarded = new SecureClaudeClient({
  apiKey: key,
  baseURL: fake.url,
  maxRetries: 0,
  security: { environment: 'test', preset: bare },
});
const filtered = new SecureClaudeClient({
  apiKey: key,
  baseURL: fake.url,
  maxRetries: 0,
  security: {
    environment: 'test',
    preset: bare,
    middleware: [outputGuardMiddleware({ destinations: { 'customer-email': 'public' } })],
  },
});

const Invoice = z.object({
  number: z.string(),
  currency: z.enum(['EUR', 'USD']),
  items: z.array(z.object({ description: z.string(), quantity: z.number().int(), amount: z.number() })),
});
const invoice = {
  number: 'INV-2024-0042',
  currency: 'EUR',
  items: Array.from({ length: 28 }, (_, index) => ({
    description: `Line item ${index} office supplies`,
    quantity: index + 1,
    amount: 12.5 * (index + 1),
  })),
};
const structuredBytes = JSON.stringify(invoice).length;
const params = {
  model: 'claude-bench',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Extract the invoice.' }],
};
const piiText =
  'Dear customer, your order ships today. Contact jane.doe@example.com or +1 415 555 0100; SSN 123-45-6789 on file. '.repeat(
    72,
  );

const percentile = (values, p) => {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function pair(name, setup, runRaw, runSecure) {
  const rawTimes = [];
  const secureTimes = [];
  for (let index = 0; index < WARMUP + ITERATIONS; index++) {
    const order =
      index % 2 === 0
        ? [
            ['raw', runRaw],
            ['secure', runSecure],
          ]
        : [
            ['secure', runSecure],
            ['raw', runRaw],
          ];
    for (const [which, run] of order) {
      setup();
      const started = performance.now();
      await run();
      const elapsed = performance.now() - started;
      if (index >= WARMUP) (which === 'raw' ? rawTimes : secureTimes).push(elapsed);
    }
  }
  const row = {
    name,
    rawP50: percentile(rawTimes, 50),
    secureP50: percentile(secureTimes, 50),
    rawP95: percentile(rawTimes, 95),
    secureP95: percentile(secureTimes, 95),
  };
  row.addedP50 = row.secureP50 - row.rawP50;
  row.addedP95 = row.secureP95 - row.rawP95;
  return row;
}

const drain = async (stream) => {
  let text = '';
  for await (const event of stream)
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  return text;
};

const rows = [];
rows.push(
  await pair(
    `schema guard (${structuredBytes} B structured reply)`,
    () => fake.setDefault({ json: invoice }),
    async () => Invoice.parse(JSON.parse((await raw.messages.create(params)).content[0].text)),
    async () => {
      const outcome = await guardedParse(guarded, params, { schema: Invoice });
      if (outcome.status !== 'ok') throw new Error(`bench: unexpected ${outcome.status}`);
    },
  ),
);
rows.push(
  await pair(
    `destination filter (streamed ${piiText.length} B reply, 20 deltas)`,
    () => fake.setDefault({ text: piiText }),
    async () => drain(await raw.messages.create({ ...params, stream: true })),
    async () => {
      const text = await drain(
        await filtered.messages.create({ ...params, stream: true }, { security: { destination: 'customer-email' } }),
      );
      if (text.includes('jane.doe')) throw new Error('bench: unfiltered output');
    },
  ),
);
await fake.close();

const ms = (value) => `${value.toFixed(2)} ms`;
console.log(`node ${process.version}, ${ITERATIONS} iterations after ${WARMUP} warm-up, raw and secured alternating\n`);
console.log('| scenario | raw p50 | secured p50 | added p50 | raw p95 | secured p95 | added p95 |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${ms(row.rawP50)} | ${ms(row.secureP50)} | ${ms(row.addedP50)} | ${ms(row.rawP95)} | ${ms(row.secureP95)} | ${ms(row.addedP95)} |`,
  );
}
