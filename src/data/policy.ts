import { z } from 'zod';
import { ConfigError } from '../core/errors';
import type { Environment, Operation } from '../core/middleware';
import { parseOptions } from '../core/options';
import { DATA_CLASS_ORDER, wildcard, type DataClass } from './classes';

/** What a policy rule does with the data it matches. */
export type PolicyAction = 'allow' | 'redact' | 'pseudonymize' | 'block';

/** One value or a list; `*` (the default) matches anything, including an absent value. */
type Matcher<T extends string> = T | '*' | readonly (T | '*')[];

/**
 * One row of a policy table. Every condition is optional (`*`); strings may hold `*` wildcards
 * (`claude-haiku-*`, `beta.*`, `*.countTokens`). The first matching rule wins.
 */
export interface PolicyRule {
  /** Stable id, named in decisions, audit records and errors. Lowercase, `.`, `-` and `_` allowed. */
  readonly id: string;
  /** The data's class, exactly (`restricted`), or a list. */
  readonly class?: Matcher<DataClass>;
  /** The data's class at least (`confidential` matches confidential and restricted). */
  readonly minimumClass?: DataClass;
  /** The data's category (`PHI`, `PII`, `PCI`, `SECRET`, …). */
  readonly category?: Matcher<string>;
  /** The request's `model`. */
  readonly model?: Matcher<string>;
  /** The SDK surface (endpoint): `messages.create`, `messages.stream`, `beta.*`, … */
  readonly operation?: Matcher<Operation | string>;
  /** The client's environment. */
  readonly environment?: Matcher<Environment>;
  /** The call's `options.security.destination`. Use `none` to match calls without one. */
  readonly destination?: Matcher<string>;
  readonly action: PolicyAction;
}

/** The facts a rule is matched against: one piece of data and the call it is in. */
export interface PolicySubject {
  readonly dataClass: DataClass;
  readonly category: string | undefined;
  readonly model: string;
  readonly operation: Operation;
  readonly environment: Environment;
  readonly destination: string | undefined;
}

/** A compiled policy table. */
export interface Policy {
  readonly rules: readonly PolicyRule[];
  /** The first rule matching `subject` (the user's rules, then the defaults). Always returns one. */
  match(subject: PolicySubject): PolicyRule;
}

/**
 * Appended after the caller's table: restricted data is redacted, everything else allowed. So a
 * table that says nothing still keeps secrets, card numbers, SSNs and medical record numbers from
 * leaving; loosening that takes an explicit rule, whose id is then recorded on every call it
 * decides.
 */
export const DEFAULT_POLICY_RULES: readonly PolicyRule[] = Object.freeze([
  Object.freeze({ id: 'default.restricted', class: 'restricted', action: 'redact' }) as PolicyRule,
  Object.freeze({ id: 'default.allow', action: 'allow' }) as PolicyRule,
]);

const matcher = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(64)]);
const classMatcher = z.union([z.enum([...DATA_CLASS_ORDER, '*']), z.array(z.enum([...DATA_CLASS_ORDER, '*'])).min(1)]);

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase id'),
    class: classMatcher.optional(),
    minimumClass: z.enum(DATA_CLASS_ORDER as unknown as [DataClass, ...DataClass[]]).optional(),
    category: matcher.optional(),
    model: matcher.optional(),
    operation: matcher.optional(),
    environment: matcher.optional(),
    destination: matcher.optional(),
    action: z.enum(['allow', 'redact', 'pseudonymize', 'block']),
  })
  .strict();

const policySchema = z.array(ruleSchema).max(1024);

interface CompiledRule {
  readonly rule: PolicyRule;
  readonly test: (subject: PolicySubject) => boolean;
}

function compileMatcher(
  value: string | readonly string[] | undefined,
  absent = false,
): (input: string | undefined) => boolean {
  if (value === undefined) return () => true;
  const tests = (typeof value === 'string' ? [value] : value).map((pattern) =>
    absent && pattern === 'none' ? (input: string | undefined) => input === undefined : wildcard(pattern),
  );
  return (input) => tests.some((test) => test(input));
}

function compileRule(rule: PolicyRule): CompiledRule {
  const classTest = compileMatcher(rule.class as string | readonly string[] | undefined);
  const minimum = rule.minimumClass === undefined ? -1 : DATA_CLASS_ORDER.indexOf(rule.minimumClass);
  const category = compileMatcher(rule.category as string | readonly string[] | undefined);
  const model = compileMatcher(rule.model as string | readonly string[] | undefined);
  const operation = compileMatcher(rule.operation as string | readonly string[] | undefined);
  const environment = compileMatcher(rule.environment as string | readonly string[] | undefined);
  const destination = compileMatcher(rule.destination as string | readonly string[] | undefined, true);
  return {
    rule,
    test: (subject) =>
      classTest(subject.dataClass) &&
      DATA_CLASS_ORDER.indexOf(subject.dataClass) >= minimum &&
      category(subject.category) &&
      model(subject.model) &&
      operation(subject.operation) &&
      environment(subject.environment) &&
      destination(subject.destination),
  };
}

/**
 * Compiles a policy table: class × category × model × endpoint (operation) × environment ×
 * destination → `allow`, `redact`, `pseudonymize` or `block`. The first matching rule wins; the
 * {@link DEFAULT_POLICY_RULES} follow the table, so every subject matches some rule.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming the rule's index and field, or a duplicate id.
 * @example
 * createPolicy([
 *   { id: 'phi-only-to-approved-model', category: 'PHI', model: ['claude-opus-*'], action: 'allow' },
 *   { id: 'phi-elsewhere', category: 'PHI', action: 'block' },
 *   { id: 'pii-to-vendor', minimumClass: 'confidential', destination: 'vendor-*', action: 'pseudonymize' },
 * ])
 */
export function createPolicy(rules: readonly PolicyRule[] = []): Policy {
  const parsed = parseOptions(policySchema, rules, 'policy') as PolicyRule[];
  const seen = new Set<string>();
  for (const [index, rule] of parsed.entries()) {
    if (seen.has(rule.id) || DEFAULT_POLICY_RULES.some((builtIn) => builtIn.id === rule.id)) {
      throw new ConfigError(
        `policy.${index}.id "${rule.id}" is used twice; rule ids must be unique (they name decisions).`,
        {
          source: 'classification',
          details: { option: `policy.${index}.id` },
        },
      );
    }
    seen.add(rule.id);
  }
  const all = [...parsed.map((rule) => Object.freeze({ ...rule })), ...DEFAULT_POLICY_RULES];
  const compiled = all.map(compileRule);
  return {
    rules: Object.freeze(all),
    match(subject) {
      for (const entry of compiled) if (entry.test(subject)) return entry.rule;
      return DEFAULT_POLICY_RULES[DEFAULT_POLICY_RULES.length - 1] as PolicyRule;
    },
  };
}

/** How strong an action is, for picking the strongest one a call got. */
export const ACTION_STRENGTH: Readonly<Record<PolicyAction, number>> = Object.freeze({
  allow: 0,
  redact: 1,
  pseudonymize: 1,
  block: 2,
});
