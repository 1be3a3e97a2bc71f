import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { anthropicKeyCanary, findLeaks, vaultTokenCanary } from './support';

// The scan is only as good as its detector: prove it sees every form invariant I1 lists.
describe('canary scan', () => {
  it('has the documented canary formats', () => {
    expect(anthropicKeyCanary()).toMatch(/^sk-ant-api03-[A-Za-z0-9_-]{93}AA$/);
    expect(vaultTokenCanary()).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
  });

  it('finds whole, encoded and partial forms, in errors and nested objects', () => {
    const key = anthropicKeyCanary();
    const forms = [
      key,
      Buffer.from(key).toString('base64'),
      Buffer.from(key).toString('hex'),
      encodeURIComponent(key),
      key.slice(20, 28),
      new Error(`failed with ${key.slice(30, 40)}`),
      { deep: { deeper: [{ value: key }] } },
      Object.defineProperty({}, 'hidden', { value: key, enumerable: false }),
    ];
    for (const form of forms) expect(findLeaks({ key }, [form]), inspect(form).slice(0, 40)).toHaveLength(1);
    expect(findLeaks({ key }, ['sk-ant-api03-', { other: anthropicKeyCanary() }])).toEqual([]);
  });
});
