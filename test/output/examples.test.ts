import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = (name: string) =>
  run(process.execPath, ['--import', 'tsx', `examples/output/${name}`], { cwd: process.cwd(), timeout: 60_000 });

describe('examples/output', () => {
  it('invoice-extractor posts only the valid invoice and escalates the rest', async () => {
    const { stdout } = await example('invoice-extractor.ts');
    expect(stdout).toContain('invoice-1.pdf: ok after 1 call(s) -> posted');
    expect(stdout).toContain('invoice-2.pdf: escalated after 2 call(s)');
    expect(stdout).toContain('invoice-3.pdf: escalated after 1 call(s)');
    expect(stdout).toContain("ledger: [ 'INV-1' ]");
  }, 60_000);

  it('support-reply filters per destination and holds the deviating reply', async () => {
    const { stdout, stderr } = await example('support-reply.ts');
    expect(stdout).toMatch(/customer-email: .*\[REDACTED:EMAIL\].*\[REDACTED:US_SSN\]/);
    expect(stdout).toMatch(/agent-console: .*jane\.doe@example\.com.*\[REDACTED:US_SSN\]/);
    expect(stdout).toMatch(/held: SCC_OUTPUT_INVALID -> review [0-9a-f-]{36}/);
    const logLines = stderr.split('\n').filter((line) => line.startsWith('{"type":"output"'));
    expect(logLines).toHaveLength(3);
    expect(logLines.join('\n')).not.toContain('123-45-6789');
  }, 60_000);
});
