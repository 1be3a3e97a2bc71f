import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from 'secure-claude';
import { STRUCTURED_REPORT, findStructuredBlocks } from '../../src/data/classes';
import { classified } from '../../src/data/classify';
import { minimize, minimizeForPrompt, minimizedJson, valuesAt } from '../../src/data/minimize';

const order = {
  id: 'A-1',
  customer: {
    name: 'Jane Roe',
    email: 'jane.roe@acme.io',
    ssn: '123-45-6789',
    address: { city: 'Springfield', street: '1 Main St' },
  },
  items: [
    { sku: 'SKU-1', price: 3, note: 'gift' },
    { sku: 'SKU-2', price: 4, discount: { code: 'X' } },
  ],
  internalScore: 0.7,
};

describe('minimize', () => {
  it('keeps only the declared fields (deny by default), nested objects and arrays included, and reports dropped paths', () => {
    const result = minimize(order, ['id', 'customer.name', 'customer.address.city', 'items[].sku']);
    expect(result.data).toEqual({
      id: 'A-1',
      customer: { name: 'Jane Roe', address: { city: 'Springfield' } },
      items: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }],
    });
    expect(result.dropped).toEqual([
      'customer.email',
      'customer.ssn',
      'customer.address.street',
      'items[].price',
      'items[].note',
      'items[].discount',
      'internalScore',
    ]);
    expect(JSON.stringify(result.dropped)).not.toContain('jane.roe');
  });

  it('a named object keeps the whole object; nothing declared keeps nothing; the input is not mutated', () => {
    const before = JSON.stringify(order);
    expect(minimize(order, ['customer']).data).toEqual({ customer: order.customer });
    expect(minimize(order, []).data).toEqual({});
    expect(minimize(order, []).dropped).toEqual(['id', 'customer', 'items', 'internalScore']);
    expect(JSON.stringify(order)).toBe(before);
  });

  it('accepts a nested zod object schema (arrays via their element)', () => {
    const Task = z.object({
      id: z.string(),
      customer: z.object({ name: z.string() }).optional(),
      items: z.array(z.object({ sku: z.string() })),
    });
    const result = minimize(order, Task);
    expect(result.data).toEqual({
      id: 'A-1',
      customer: { name: 'Jane Roe' },
      items: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }],
    });
    expect(result.dropped).toContain('customer.ssn');
    expect(result.dropped).toContain('items[].price');
  });

  it('a field declared as an object but holding a primitive is dropped; odd keys are reported as *', () => {
    expect(minimize({ customer: 'Jane Roe' }, ['customer.name'])).toEqual({ data: {}, dropped: ['customer'] });
    const keyed = { 'jane.roe@acme.io': { visits: 3 }, ok: 1 };
    expect(minimize(keyed, ['ok']).dropped).toEqual(['*']);
  });

  it('copies __proto__ keys as data, never as a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const { data } = minimize<Record<string, unknown>>(hostile, ['__proto__', 'a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__', 'a']);
  });

  it('rejects malformed field paths at the call, naming the index', () => {
    expect(() => minimize(order, ['items..sku'])).toThrow(ConfigError);
    expect(() => minimize(order, ['a b'])).toThrow(/field 0/);
    expect(() => minimize(order, 'id' as never)).toThrow(ConfigError);
  });
});

describe('minimizeForPrompt and minimizedJson', () => {
  const Triage = z.object({
    id: z.string(),
    customer: z.object({ name: classified(z.string(), { class: 'confidential', category: 'PII' }) }),
    items: z.array(z.object({ sku: z.string() })),
  });

  it('returns the data, the dropped paths, the labels and the highest label class of kept fields', () => {
    const result = minimizeForPrompt(order, Triage);
    expect(result.labels).toEqual([{ path: 'customer.name', label: { class: 'confidential', category: 'PII' } }]);
    expect(result.dataClass).toBe('confidential');
    expect(minimizeForPrompt(order, ['id'], { labels: { ssn: { class: 'restricted' } } }).dataClass).toBeUndefined();
    expect(
      minimizeForPrompt(order, ['customer.ssn'], {
        labels: { 'customer.ssn': { class: 'restricted', category: 'PII' } },
      }).dataClass,
    ).toBe('restricted');
  });

  it('builds a text block whose report is invisible on the wire and survives copy-on-write spreads', () => {
    const block = minimizedJson(order, Triage);
    expect(block.type).toBe('text');
    expect(JSON.parse(block.text)).toEqual({
      id: 'A-1',
      customer: { name: 'Jane Roe' },
      items: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }],
    });
    expect(JSON.stringify(block)).toBe(JSON.stringify({ type: 'text', text: block.text }));
    const copy = { ...block, text: 'changed' };
    expect(copy[STRUCTURED_REPORT].dropped).toContain('customer.ssn');
    const params = {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Triage:' }, block] }],
      system: [copy],
    };
    expect([...findStructuredBlocks(params).keys()]).toEqual(['system.0.text', 'messages.0.content.1.text']);
  });

  it('valuesAt resolves [] paths to concrete locations', () => {
    expect(valuesAt(order, 'items[].sku').map((hit) => hit.location)).toEqual([
      ['items', 0, 'sku'],
      ['items', 1, 'sku'],
    ]);
    expect(valuesAt(order, 'customer.missing')).toEqual([]);
  });
});
