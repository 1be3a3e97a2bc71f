import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from 'secure-claude';
import { DEFAULT_TYPE_LABELS, maxClass, wildcard } from '../../src/data/classes';
import { classified, classifyText, createClassifier, labelOf, labelsOf } from '../../src/data/classify';
import { DEFAULT_POLICY_RULES, createPolicy, type PolicySubject } from '../../src/data/policy';

describe('labels on structured data', () => {
  it('classified() labels a copy, readable with labelOf; .meta({ dataClass }) works too', () => {
    const base = z.string();
    const phi = classified(base, { class: 'restricted', category: 'PHI' });
    expect(labelOf(phi)).toEqual({ class: 'restricted', category: 'PHI' });
    expect(labelOf(base)).toBeUndefined();
    expect(phi.parse('x')).toBe('x');
    expect(labelOf(z.string().meta({ dataClass: 'confidential', category: 'PII' }))).toEqual({
      class: 'confidential',
      category: 'PII',
    });
    expect(labelOf(z.string().meta({ dataClass: 'secret-ish' }))).toBeUndefined();
    expect(() => classified(z.string(), { class: 'top-secret' as never })).toThrow(ConfigError);
    expect(() => classified(z.string(), { class: 'internal', category: 'lower' })).toThrow(/SCREAMING_SNAKE/);
  });

  it('labelsOf walks nested objects, arrays, optional and nullable wrappers', () => {
    const Patient = z.object({
      id: z.string(),
      name: classified(z.string(), { class: 'confidential', category: 'PII' }).optional(),
      visits: z.array(
        z.object({
          date: z.string(),
          diagnosis: classified(z.string(), { class: 'restricted', category: 'PHI' }).nullable(),
        }),
      ),
      insurer: z.object({ plan: z.string().meta({ dataClass: 'internal' }) }),
      card: classified(z.object({ number: z.string(), expiry: z.string() }), { class: 'restricted', category: 'PCI' }),
    });
    expect(labelsOf(Patient)).toEqual([
      { path: 'name', label: { class: 'confidential', category: 'PII' } },
      { path: 'visits[].diagnosis', label: { class: 'restricted', category: 'PHI' } },
      { path: 'insurer.plan', label: { class: 'internal' } },
      { path: 'card', label: { class: 'restricted', category: 'PCI' } },
    ]);
  });
});

describe('classification of free text', () => {
  it('maps detected types to class and category with the documented defaults', () => {
    expect(DEFAULT_TYPE_LABELS['API_KEY']).toEqual({ class: 'restricted', category: 'SECRET' });
    expect(DEFAULT_TYPE_LABELS['CREDIT_CARD']).toEqual({ class: 'restricted', category: 'PCI' });
    expect(DEFAULT_TYPE_LABELS['MEDICAL_RECORD_NUMBER']).toEqual({ class: 'restricted', category: 'PHI' });
    expect(DEFAULT_TYPE_LABELS['IP_ADDRESS']?.class).toBe('internal');
    expect(classifyText('nothing to see here').dataClass).toBe('public');
    expect(classifyText('reach me at jane.roe@acme.io')).toMatchObject({
      dataClass: 'confidential',
      categories: ['PII'],
    });
    expect(classifyText('SSN 123-45-6789')).toMatchObject({ dataClass: 'restricted', categories: ['PII'] });
    expect(classifyText('card 4111 1111 1111 1111')).toMatchObject({ dataClass: 'restricted', categories: ['PCI'] });
    expect(classifyText('from 10.1.2.3').dataClass).toBe('internal');
    const result = classifyText('mail jane.roe@acme.io, key AKIAIOSFODNN7EXAMPLE');
    expect(result.dataClass).toBe('restricted');
    expect(result.categories).toEqual(['PII', 'SECRET']);
    expect(JSON.stringify(result)).not.toContain('jane.roe');
  });

  it('is configurable: custom detectors and type labels', () => {
    const classifier = createClassifier({
      types: ['EMAIL', 'IP_ADDRESS'],
      detectors: [{ type: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' }],
      typeLabels: {
        EMPLOYEE_ID: { class: 'internal', category: 'HR' },
        IP_ADDRESS: { class: 'confidential', category: 'PII' },
      },
    });
    expect(classifier.classify('EMP-123456 on 10.0.0.7')).toMatchObject({
      dataClass: 'confidential',
      categories: ['HR', 'PII'],
    });
    const unmapped = createClassifier({ types: ['EMAIL'], detectors: [{ type: 'BADGE', pattern: 'B-\\d{4}' }] });
    expect(unmapped.classify('badge B-1234').dataClass).toBe('confidential');
  });

  it('helpers: maxClass and wildcard', () => {
    expect(maxClass('internal', 'restricted')).toBe('restricted');
    expect(maxClass(undefined, 'public')).toBe('public');
    expect(wildcard('claude-haiku-*')('claude-haiku-4-5')).toBe(true);
    expect(wildcard('claude-haiku-*')('claude-opus-4')).toBe(false);
    expect(wildcard('*.countTokens')('beta.messages.countTokens')).toBe(true);
    expect(wildcard('a.b')('aXb')).toBe(false);
    expect(wildcard('*')(undefined)).toBe(true);
  });
});

describe('policy table', () => {
  const subject = (overrides: Partial<PolicySubject> = {}): PolicySubject => ({
    dataClass: 'restricted',
    category: 'PHI',
    model: 'claude-haiku-4-5',
    operation: 'messages.create',
    environment: 'production',
    destination: undefined,
    ...overrides,
  });

  it('first matching rule wins, with wildcards, lists and minimumClass', () => {
    const policy = createPolicy([
      { id: 'phi-approved', category: 'PHI', model: ['claude-opus-*'], action: 'allow' },
      { id: 'phi-block', category: 'PHI', action: 'block' },
      { id: 'vendor', minimumClass: 'confidential', destination: 'vendor-*', action: 'pseudonymize' },
      { id: 'no-destination', destination: 'none', class: ['confidential'], operation: 'beta.*', action: 'redact' },
      { id: 'staging-pii', environment: ['staging', 'development'], category: 'PII', action: 'allow' },
    ]);
    expect(policy.match(subject({ model: 'claude-opus-4-1' })).id).toBe('phi-approved');
    expect(policy.match(subject()).id).toBe('phi-block');
    expect(policy.match(subject({ category: 'PCI', destination: 'vendor-acme' })).id).toBe('vendor');
    expect(policy.match(subject({ dataClass: 'internal', category: undefined, destination: 'vendor-acme' })).id).toBe(
      'default.allow',
    );
    expect(
      policy.match(subject({ dataClass: 'confidential', category: 'PII', operation: 'beta.messages.create' })).id,
    ).toBe('no-destination');
    expect(
      policy.match(
        subject({ dataClass: 'confidential', category: 'PII', operation: 'beta.messages.create', destination: 'x' }),
      ).id,
    ).toBe('default.allow');
    expect(policy.match(subject({ dataClass: 'confidential', category: 'PII', environment: 'staging' })).id).toBe(
      'staging-pii',
    );
  });

  it('the documented default: restricted is redacted, everything else allowed', () => {
    expect(DEFAULT_POLICY_RULES.map((rule) => [rule.id, rule.action])).toEqual([
      ['default.restricted', 'redact'],
      ['default.allow', 'allow'],
    ]);
    const policy = createPolicy();
    expect(policy.match(subject({ category: 'SECRET' })).action).toBe('redact');
    expect(policy.match(subject({ dataClass: 'confidential', category: 'PII' })).action).toBe('allow');
  });

  it('validates the table once, naming rule paths, never values', () => {
    expect(() => createPolicy([{ id: 'x', action: 'deny' as never }])).toThrow(/policy\.0\.action/);
    expect(() => createPolicy([{ id: 'Bad Id', action: 'allow' }])).toThrow(/policy\.0\.id/);
    expect(() => createPolicy([{ id: 'a', action: 'allow', modle: 'x' } as never])).toThrow(/unknown key/);
    expect(() =>
      createPolicy([
        { id: 'a', action: 'allow' },
        { id: 'a', action: 'block' },
      ]),
    ).toThrow(/used twice/);
    expect(() => createPolicy([{ id: 'default.allow', action: 'block' }])).toThrow(/used twice/);
    expect(() => createPolicy([{ id: 'c', class: 'secret' as never, action: 'block' }])).toThrow(ConfigError);
  });
});
