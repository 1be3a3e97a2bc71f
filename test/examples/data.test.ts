import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = async (name: string) =>
  (await run(process.execPath, ['--import', 'tsx', `examples/data/${name}`], { cwd: process.cwd(), timeout: 60_000 }))
    .stdout;

describe('examples/data', () => {
  it('minimization.ts keeps only the declared fields and records the dropped paths', async () => {
    const stdout = await example('minimization.ts');
    const dropped = 'customer.email, customer.ssn, items[].price, items[].supplierCost, internalScore';
    expect(stdout).toContain(`field list dropped: ${dropped}`);
    expect(stdout).toContain(`schema dropped: ${dropped}`);
    expect(stdout).toContain('labels: customer.name=confidential/PII dataClass: confidential');
    expect(stdout).toContain(
      'sent to the API: {"id":"A-1042","customer":{"name":"Jane Roe"},"items":[{"sku":"KB-01"},{"sku":"MS-07"}]}',
    );
    expect(stdout).toContain(`decision: redact (fields-minimized) count=5 paths=${dropped}`);
    expect(stdout).not.toMatch(/123-45-6789|jane\.roe@example\.com|supplierCost":/);
  }, 60_000);

  it('policy.ts blocks, redacts and pseudonymizes per rule, and nothing blocked reaches the API', async () => {
    const stdout = await example('policy.ts');
    expect(stdout).toContain('match restricted/PCI -> vendor-crm: pci-never-to-vendors (block)');
    expect(stdout).toContain('match confidential/PII -> support: default.allow (allow)');
    expect(stdout).toContain(
      'vendor-crm: blocked SCC_POLICY_BLOCKED rule=pci-never-to-vendors path=messages.0.content',
    );
    expect(stdout).toContain('vendor-crm: requests that reached the API: 0');
    expect(stdout).toContain('support: sent "Refund card [REDACTED:CREDIT_CARD] for jane.roe@example.com, please."');
    expect(stdout).toMatch(/analytics: sent "Refund card \[REDACTED:CREDIT_CARD\] for <EMAIL_[0-9a-f]{8}>, please\."/);
    expect(stdout).toContain('analytics: decision pseudonymize (policy-applied) rules=pii-pseudonymous-for-analytics');
    expect(stdout).not.toContain('4111 1111 1111 1111');
  }, 60_000);

  it('deidentify.ts sends stable placeholders and restores only for the allowed destination', async () => {
    const stdout = await example('deidentify.ts');
    expect(stdout).toContain('turn 1 sent: Customer <PERSON_1> (<EMAIL_1>, <PHONE_1>) asks where her parcel is.');
    expect(stdout).toContain(
      'turn 1 reply for agent-console: We will write to Jane Roe at jane.roe@example.com today.',
    );
    expect(stdout).toContain('turn 2 prefix equals turn 1: true');
    expect(stdout).toContain('| Also copy <EMAIL_1> on the refund.');
    expect(stdout).toContain('reply for weekly-report: We will write to <PERSON_1> at <EMAIL_1> today.');
    const synthetic = /synthetic sent: Customer (.+) \((user\.[0-9a-f]{8}@example\.com), (555-\d{3}-\d{4})\)/.exec(
      stdout,
    );
    expect(synthetic).not.toBeNull();
    expect(synthetic![1]).not.toBe('Jane Roe');
    expect(
      stdout
        .split('\n')
        .filter((line) => line.includes('sent'))
        .join('\n'),
    ).not.toMatch(/Jane Roe|jane\.roe@example\.com|415-555-0132/);
  }, 60_000);
});
