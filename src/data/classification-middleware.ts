import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { mapParamsText } from '../core/content';
import { ErrorCode, PolicyViolationError } from '../core/errors';
import type { MiddlewareContext, SecureMiddleware } from '../core/middleware';
import { parseOptions } from '../core/options';
import { customDetectorsSchema, sensitiveTypesSchema, typeLabelsSchema } from './schemas';
import { findStructuredBlocks, maxClass, type DataClass, type DataLabel, type StructuredReport } from './classes';
import { classOfEarlierRedactions, createClassifier, type Classifier, type ClassifiedFinding } from './classify';
import { Substitutions } from './deidentify';
import { SUBSTITUTIONS_STATE } from './deidentify-middleware';
import { recordMinimization, valuesAt } from './minimize';
import { ACTION_STRENGTH, createPolicy, type PolicyAction, type PolicyRule } from './policy';
import type { CustomDetector, SensitiveType } from './types';

/** Options of {@link classificationMiddleware}. */
export interface ClassificationMiddlewareOptions {
  /** The policy table; the first matching rule wins, then `DEFAULT_POLICY_RULES`. @default [] */
  readonly policy?: readonly PolicyRule[];
  /** Built-in types to detect. @default every built-in type */
  readonly types?: readonly SensitiveType[];
  /** Extra detectors (RE2), compiled once. */
  readonly detectors?: readonly CustomDetector[];
  /** Overrides of the type → label table (see `DEFAULT_TYPE_LABELS`). */
  readonly typeLabels?: Readonly<Record<string, DataLabel>>;
}

const optionsSchema = z
  .object({
    policy: z.array(z.unknown()).optional(),
    types: sensitiveTypesSchema.optional(),
    detectors: customDetectorsSchema.optional(),
    typeLabels: typeLabelsSchema.optional(),
  })
  .strict();

const NAME = 'classification';

/** One classified piece of a request: a detected value or a labelled field. */
interface Item {
  readonly path: string;
  readonly label: DataLabel;
  /** A type (EMAIL) for detected values, the category (or class) for labelled fields. */
  readonly kind: string;
  rule?: PolicyRule;
}

interface TextPlan {
  readonly kind: 'text';
  readonly findings: Array<{ finding: ClassifiedFinding; item: Item }>;
}

interface JsonPlan {
  readonly kind: 'json';
  readonly data: unknown;
  readonly leaves: Array<{
    location: Array<string | number>;
    findings: Array<{ finding: ClassifiedFinding; item: Item }>;
  }>;
  readonly fields: Array<{ locations: Array<Array<string | number>>; item: Item }>;
}

/**
 * Classifies every call before it is built, and enforces a policy table on it: each detected value
 * (secrets, SSNs, cards, IBANs, medical record numbers → restricted; emails, phones, names,
 * addresses, dates of birth → confidential PII; IP addresses → internal; configurable) and each
 * field labelled by the caller (`classified()` or `.meta({ dataClass })` in a `minimizedJson`
 * block) is matched against the table by class × category × model × endpoint × environment ×
 * destination. The first matching rule wins; `DEFAULT_POLICY_RULES` (restricted → redact, else
 * allow) follow the table.
 *
 * - `block`: the call is refused with `PolicyViolationError` (`SCC_POLICY_BLOCKED`) naming the rule
 *   id and the field path, never the value. Nothing is sent.
 * - `redact`: the value becomes `[REDACTED:TYPE]` (a labelled field: `[REDACTED:PHI]`).
 * - `pseudonymize`: the value becomes `<TYPE_1a2b3c4d>`, an HMAC under a per-middleware random
 *   key: the same value gets the same pseudonym across calls of the client. Not restored.
 *
 * Decisions: `data-classified` with `dataClass` (the highest class seen, `public` when nothing
 * was found) and the categories as `rules`; `policy-applied` per action with the rule ids and
 * paths; `policy-loosened` (`override`) when a table rule allowed what the defaults would not.
 *
 * Put it before `deidentify` in the list so it sees the originals.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming the option path when an option or rule is invalid.
 * @example
 * classificationMiddleware({ policy: [
 *   { id: 'no-restricted-to-vendor', minimumClass: 'restricted', destination: 'vendor-*', action: 'block' },
 *   { id: 'pii-pseudonymized', category: 'PII', environment: 'production', action: 'pseudonymize' },
 * ] })
 */
export function classificationMiddleware(options: ClassificationMiddlewareOptions = {}): SecureMiddleware {
  const config = parseOptions(optionsSchema, options ?? {}, 'classificationMiddleware');
  const policy = createPolicy((config.policy ?? []) as PolicyRule[]);
  const defaults = createPolicy([]);
  const classifier = createClassifier({
    ...(config.types ? { types: config.types } : {}),
    ...(config.detectors ? { detectors: config.detectors as CustomDetector[] } : {}),
    ...(config.typeLabels ? { typeLabels: config.typeLabels as Record<string, DataLabel> } : {}),
  });
  const key = randomBytes(32);
  const pseudonym = (kind: string, value: string) =>
    `<${kind}_${createHmac('sha256', key).update(`${kind}\u0000${value}`).digest('hex').slice(0, 8)}>`;

  return {
    name: NAME,
    transformParams(params, ctx) {
      recordMinimization(params, ctx);
      const substitutions = ctx.state.get(SUBSTITUTIONS_STATE);
      const isSubstitute = (value: unknown) =>
        substitutions instanceof Substitutions && typeof value === 'string' && substitutions.isSubstitute(value);
      const structured = findStructuredBlocks(params);
      const plans = new Map<string, TextPlan | JsonPlan>();
      const items: Item[] = [];
      mapParamsText(params, (text, location) => {
        const report = structured.get(location.path);
        const plan =
          (report && planJson(text, location.path, report, classifier, isSubstitute)) ||
          planText(text, location.path, classifier);
        if (plan.kind === 'json') {
          for (const field of plan.fields) items.push(field.item);
          for (const leaf of plan.leaves) for (const entry of leaf.findings) items.push(entry.item);
        } else for (const entry of plan.findings) items.push(entry.item);
        plans.set(location.path, plan);
        return text;
      });

      const model = String((params as { model?: unknown }).model ?? '');
      let dataClass: DataClass = classOfEarlierRedactions(ctx.decisions, classifier) ?? 'public';
      const categories = new Set<string>();
      let strongest: PolicyAction = 'allow';
      const applied = new Map<
        PolicyAction,
        { rules: Set<string>; paths: Set<string>; count: number; dataClass: DataClass }
      >();
      const loosened = { rules: new Set<string>(), paths: new Set<string>() };
      let blocked: Item | undefined;
      for (const item of items) {
        dataClass = maxClass(dataClass, item.label.class) ?? dataClass;
        if (item.label.category) categories.add(item.label.category);
        const subject = {
          dataClass: item.label.class,
          category: item.label.category,
          model,
          operation: ctx.operation,
          environment: ctx.environment,
          destination: ctx.destination,
        };
        const rule = policy.match(subject);
        item.rule = rule;
        if (ACTION_STRENGTH[rule.action] > ACTION_STRENGTH[strongest]) strongest = rule.action;
        if (rule.action === 'block' && blocked === undefined) blocked = item;
        if (rule.action !== 'allow') {
          const entry = applied.get(rule.action) ?? {
            rules: new Set(),
            paths: new Set(),
            count: 0,
            dataClass: 'public' as DataClass,
          };
          entry.rules.add(rule.id);
          entry.paths.add(item.path);
          entry.count++;
          entry.dataClass = maxClass(entry.dataClass, item.label.class) ?? entry.dataClass;
          applied.set(rule.action, entry);
        }
        if (ACTION_STRENGTH[rule.action] < ACTION_STRENGTH[defaults.match(subject).action]) {
          loosened.rules.add(rule.id);
          loosened.paths.add(item.path);
        }
      }
      ctx.decide({
        action: strongest,
        reason: 'data-classified',
        count: items.length,
        rules: [...categories].sort(),
        dataClass,
      });
      if (loosened.rules.size > 0) {
        ctx.decide({
          action: 'override',
          reason: 'policy-loosened',
          rules: [...loosened.rules],
          paths: [...loosened.paths],
          dataClass,
        });
      }
      for (const [action, entry] of applied) {
        if (action === 'block') continue;
        ctx.decide({
          action,
          reason: 'policy-applied',
          count: entry.count,
          rules: [...entry.rules],
          paths: [...entry.paths],
          dataClass: entry.dataClass,
        });
      }
      if (blocked) refuse(blocked, model, ctx, applied.get('block')!);
      if (strongest === 'allow') return params;

      const replace = (item: Item, value: string): string | undefined => {
        const action = item.rule?.action;
        if (action === 'redact') return `[REDACTED:${item.kind}]`;
        if (action === 'pseudonymize') return pseudonym(item.kind, value);
        return undefined;
      };
      return mapParamsText(params, (text, location) => {
        const plan = plans.get(location.path);
        if (!plan) return text;
        if (plan.kind === 'text') return rewriteText(text, plan.findings, replace);
        return rewriteJson(plan, replace) ?? text;
      });
    },
  };
}

function refuse(
  item: Item,
  model: string,
  ctx: MiddlewareContext,
  entry: { rules: Set<string>; paths: Set<string>; count: number; dataClass: DataClass },
): never {
  const rule = item.rule as PolicyRule;
  ctx.decide({
    action: 'block',
    reason: 'policy-blocked',
    count: entry.count,
    rules: [...entry.rules],
    paths: [...entry.paths],
    dataClass: entry.dataClass,
  });
  const what = `${item.label.class}${item.label.category ? ` ${item.label.category}` : ''} data (${item.kind})`;
  throw new PolicyViolationError(
    ErrorCode.POLICY_BLOCKED,
    `classification blocked the request: policy rule "${rule.id}" refuses ${what} at ${item.path} ` +
      `for model ${model || '(none)'}, operation ${ctx.operation}, environment ${ctx.environment}, destination ${ctx.destination ?? 'none'}. ` +
      'Remove or minimize that field (minimizedJson), de-identify it, or change the policy table.',
    {
      source: NAME,
      details: {
        rule: rule.id,
        path: item.path,
        dataClass: item.label.class,
        category: item.label.category,
        type: item.kind,
      },
    },
  );
}

function planText(text: string, path: string, classifier: Classifier): TextPlan {
  const classified = classifier.classify(text);
  return {
    kind: 'text',
    findings: classified.findings.map((finding) => ({
      finding,
      item: { path, label: finding.label, kind: finding.type },
    })),
  };
}

function planJson(
  text: string,
  path: string,
  report: StructuredReport,
  classifier: Classifier,
  isSubstitute: (value: unknown) => boolean,
): JsonPlan | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const fields: JsonPlan['fields'] = [];
  const covered = new Set<string>();
  for (const { path: fieldPath, label } of report.labels) {
    const hits = valuesAt(data, fieldPath).filter((hit) => !isSubstitute(hit.value) && hit.value !== null);
    if (hits.length === 0) continue;
    for (const hit of hits) covered.add(hit.location.join('.'));
    fields.push({
      locations: hits.map((hit) => hit.location),
      item: { path: `${path}#${fieldPath}`, label, kind: label.category ?? label.class.toUpperCase() },
    });
  }
  const leaves: JsonPlan['leaves'] = [];
  const walk = (value: unknown, location: Array<string | number>, depth: number): void => {
    if (depth > 64 || covered.has(location.join('.'))) return;
    if (typeof value === 'string') {
      const classified = classifier.classify(value);
      if (classified.findings.length === 0) return;
      const leafPath = `${path}#${location.join('.')}`;
      leaves.push({
        location,
        findings: classified.findings.map((finding) => ({
          finding,
          item: { path: leafPath, label: finding.label, kind: finding.type },
        })),
      });
      return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...location, index], depth + 1));
    else if (typeof value === 'object' && value !== null)
      for (const key of Object.keys(value))
        walk((value as Record<string, unknown>)[key], [...location, key], depth + 1);
  };
  walk(data, [], 0);
  return { kind: 'json', data, leaves, fields };
}

type Replace = (item: Item, value: string) => string | undefined;

function rewriteText(text: string, findings: TextPlan['findings'], replace: Replace): string {
  const parts: string[] = [];
  let position = 0;
  let changed = false;
  for (const { finding, item } of findings) {
    if (finding.start < position) continue;
    const substitute = replace(item, text.slice(finding.start, finding.end));
    if (substitute === undefined) continue;
    parts.push(text.slice(position, finding.start), substitute);
    position = finding.end;
    changed = true;
  }
  if (!changed) return text;
  parts.push(text.slice(position));
  return parts.join('');
}

function rewriteJson(plan: JsonPlan, replace: Replace): string | undefined {
  let data = structuredClone(plan.data);
  let changed = false;
  for (const { locations, item } of plan.fields) {
    for (const location of locations) {
      const current = getAt(data, location);
      const next = replaceLeaves(current, (leaf) => replace(item, leaf));
      if (next !== current) {
        data = setAt(data, location, next);
        changed = true;
      }
    }
  }
  for (const leaf of plan.leaves) {
    const current = getAt(data, leaf.location);
    if (typeof current !== 'string') continue;
    const next = rewriteText(current, leaf.findings, replace);
    if (next !== current) {
      data = setAt(data, leaf.location, next);
      changed = true;
    }
  }
  return changed ? JSON.stringify(data) : undefined;
}

function replaceLeaves(value: unknown, replace: (leaf: string) => string | undefined): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return replace(String(value)) ?? value;
  if (Array.isArray(value)) return value.map((item) => replaceLeaves(item, replace));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, {
        value: replaceLeaves((value as Record<string, unknown>)[key], replace),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  return value;
}

function getAt(data: unknown, location: ReadonlyArray<string | number>): unknown {
  let node = data;
  for (const segment of location) node = (node as Record<string | number, unknown>)?.[segment];
  return node;
}

function setAt(data: unknown, location: ReadonlyArray<string | number>, value: unknown): unknown {
  if (location.length === 0) return value;
  const parent = getAt(data, location.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, location[location.length - 1] as string | number, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return data;
}
