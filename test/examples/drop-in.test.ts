import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureClaudeClient } from 'secure-claude';
import * as before from '../../examples/drop-in/app-before';
import * as after from '../../examples/drop-in/app-after';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { makeCanaryKey } from '../helpers/canary';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());

function script() {
  fake.reply({ text: 'Customer cannot log in.' });
  fake.reply({ text: 'Sorry to hear that, we are on it.' });
  fake.reply({ content: [{ type: 'tool_use', name: 'lookup_order', input: { order_id: 'A-1' } }] });
}

describe('the example app works unchanged after the import swap', () => {
  it('differs from the SDK version only in its header comment and import', () => {
    const lines = (file: string) =>
      readFileSync(new URL(`../../examples/drop-in/${file}`, import.meta.url), 'utf8').split('\n');
    const a = lines('app-before.ts');
    const b = lines('app-after.ts');
    expect(a.length).toBe(b.length);
    const differing = a.flatMap((line, index) => (line === b[index] ? [] : [index]));
    expect(differing.every((index) => a[index]!.startsWith('//') || a[index]!.startsWith('import'))).toBe(true);
    expect(differing.filter((index) => a[index]!.startsWith('import'))).toHaveLength(1);
  });

  it('gives the same results with Anthropic and with SecureClaudeClient', async () => {
    const ticket = 'I cannot log in since yesterday, order A-1.';
    script();
    const plain = await before.handleTicket(new Anthropic({ apiKey: makeCanaryKey(), baseURL: fake.url }), ticket);
    script();
    const secure = await after.handleTicket(
      new SecureClaudeClient({ apiKey: makeCanaryKey(), baseURL: fake.url, security: { environment: 'development' } }),
      ticket,
    );
    expect(secure).toEqual({ ...plain, requestId: expect.stringMatching(/^req_/) });
    expect(secure.toolCalls).toEqual(['lookup_order']);
    expect(secure.streamedReply).toBe('Sorry to hear that, we are on it.');
  });
});

describe('examples/quickstart.ts', () => {
  it('runs as documented and shows the redaction on the wire', async () => {
    const { execFile } = await import('node:child_process');
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], { timeout: 30_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    expect(output).toContain('[REDACTED:API_KEY]');
    expect(output).not.toContain('ghp_0123456789');
    expect(output).toMatch(/input redaction: redact/);
  });
});
