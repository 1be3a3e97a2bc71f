import { z } from 'zod';
import { ConfigError } from '../core/errors';
import type { SecurityDecision } from '../core/middleware';
import { createDetector, type SensitiveDataDetector } from './detect';
import {
  DATA_CLASS_ORDER,
  DEFAULT_TYPE_LABELS,
  UNMAPPED_TYPE_LABEL,
  maxClass,
  type DataClass,
  type DataLabel,
} from './classes';
import type { CustomDetector, Finding, SensitiveType } from './types';

/**
 * The registry `classified()` writes to. Labels can also be given with zod's own `.meta()`:
 * `z.string().meta({ dataClass: 'restricted', category: 'PHI' })`.
 */
export const dataClassRegistry = z.registry<{ readonly class: DataClass; readonly category?: string }>();

const CATEGORY_SHAPE = /^[A-Z][A-Z0-9_]{0,31}$/;

/**
 * Labels a zod schema with a data class and category, for a field of structured data. Returns a
 * copy of `schema` (the original stays unlabelled), readable later with {@link labelOf} and used by
 * `minimize`, `minimizedJson` and the classification and de-identification middleware.
 *
 * @throws ConfigError when the class or category is not valid.
 * @example
 * const Patient = z.object({ name: classified(z.string(), { class: 'confidential', category: 'PII' }),
 *   diagnosis: classified(z.string(), { class: 'restricted', category: 'PHI' }) });
 */
export function classified<S extends z.ZodType>(schema: S, label: DataLabel): S {
  if (!DATA_CLASS_ORDER.includes(label?.class)) {
    throw new ConfigError(`classified(): class must be one of ${DATA_CLASS_ORDER.join(', ')}.`, {
      source: 'classification',
    });
  }
  if (label.category !== undefined && !CATEGORY_SHAPE.test(label.category)) {
    throw new ConfigError('classified(): category must be SCREAMING_SNAKE_CASE (for example PHI).', {
      source: 'classification',
    });
  }
  const copy = schema.clone() as S;
  dataClassRegistry.add(
    copy,
    Object.freeze({ class: label.class, ...(label.category ? { category: label.category } : undefined) }),
  );
  return copy;
}

/** The label of one schema: from `classified()`, else from `.meta({ dataClass, category })`. */
export function labelOf(schema: z.ZodType): DataLabel | undefined {
  const own = dataClassRegistry.get(schema);
  if (own) return own as DataLabel;
  const meta = z.globalRegistry.get(schema) as { dataClass?: unknown; category?: unknown } | undefined;
  if (meta && typeof meta.dataClass === 'string' && (DATA_CLASS_ORDER as readonly string[]).includes(meta.dataClass)) {
    const category =
      typeof meta.category === 'string' && CATEGORY_SHAPE.test(meta.category) ? meta.category : undefined;
    return { class: meta.dataClass as DataClass, ...(category ? { category } : undefined) };
  }
  return undefined;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
};

const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'catch',
  'nonoptional',
  'success',
]);
const MAX_SCHEMA_DEPTH = 32;

/** @internal The definition of a zod 4 schema. */
export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/**
 * Unwraps optional, nullable, default, readonly, catch, pipe and lazy wrappers; a label on a
 * wrapper or on the wrapped schema both count (the outermost wins). @internal
 */
export function unwrap(schema: z.ZodType): { schema: z.ZodType; label: DataLabel | undefined } {
  let current = schema;
  let label = labelOf(current);
  for (let depth = 0; depth < MAX_SCHEMA_DEPTH; depth++) {
    const def = defOf(current);
    let next: z.ZodType | undefined;
    if (WRAPPERS.has(def.type)) next = def.innerType;
    else if (def.type === 'pipe') next = def.in;
    else if (def.type === 'lazy' && def.getter) next = def.getter();
    if (next === undefined) break;
    current = next;
    label ??= labelOf(current);
  }
  return { schema: current, label };
}

/**
 * Every labelled field of a schema, by path (`patient.diagnosis`, `items[].sku`). A label on an
 * object or array applies to everything under it. Unions contribute the highest label of their
 * options at the union's path.
 *
 * @example labelsOf(Patient) // [{ path: 'name', label: { class: 'confidential', category: 'PII' } }, …]
 */
export function labelsOf(schema: z.ZodType): Array<{ path: string; label: DataLabel }> {
  const result: Array<{ path: string; label: DataLabel }> = [];
  const walk = (node: z.ZodType, path: string, depth: number): void => {
    if (depth > MAX_SCHEMA_DEPTH) return;
    const { schema: inner, label } = unwrap(node);
    if (label && path !== '') {
      result.push({ path, label });
      return;
    }
    const def = defOf(inner);
    if (def.type === 'object' && def.shape) {
      for (const [key, child] of Object.entries(def.shape))
        walk(child, path === '' ? key : `${path}.${key}`, depth + 1);
    } else if (def.type === 'array' && def.element) {
      walk(def.element, `${path}[]`, depth + 1);
    } else if (def.type === 'record' && def.valueType) {
      walk(def.valueType, `${path}.*`, depth + 1);
    } else if (def.type === 'union' && def.options) {
      let highest: DataLabel | undefined;
      for (const option of def.options) {
        const optionLabel = unwrap(option).label;
        if (optionLabel && maxClass(highest?.class, optionLabel.class) === optionLabel.class) highest = optionLabel;
      }
      if (highest && path !== '') result.push({ path, label: highest });
    }
  };
  walk(schema, '', 0);
  return result;
}

/** One classified piece of text: where it is, its type and label. Never the text. */
export interface ClassifiedFinding extends Finding {
  readonly label: DataLabel;
}

/** What one text contains, by class. */
export interface TextClassification {
  /** The highest class found; `public` when nothing was found. */
  readonly dataClass: DataClass;
  /** Categories found, sorted. */
  readonly categories: readonly string[];
  readonly findings: readonly ClassifiedFinding[];
}

/** Options of {@link createClassifier}. */
export interface ClassifierOptions {
  /** Built-in types to detect. @default every built-in type */
  readonly types?: readonly SensitiveType[];
  /** Extra detectors (RE2), compiled once. */
  readonly detectors?: readonly CustomDetector[];
  /**
   * Overrides of the type → label table, merged over {@link DEFAULT_TYPE_LABELS}. A type missing
   * from both (a custom detector) is `confidential`.
   * @example { EMPLOYEE_ID: { class: 'internal' }, IP_ADDRESS: { class: 'confidential', category: 'PII' } }
   */
  readonly typeLabels?: Readonly<Record<string, DataLabel>>;
  /** A detector to reuse; when given, `types` and `detectors` are ignored. */
  readonly detector?: SensitiveDataDetector;
}

/** A compiled classifier. */
export interface Classifier {
  readonly detector: SensitiveDataDetector;
  /** The label of a detected type. */
  labelFor(type: string): DataLabel;
  /** Classifies one text. Never throws; a scan failure classifies the text as `restricted` (fail closed). */
  classify(text: string): TextClassification;
}

/**
 * Compiles a classifier: the detection engine plus the type → class table.
 * @example createClassifier().classify('SSN 123-45-6789').dataClass // 'restricted'
 */
export function createClassifier(options: ClassifierOptions = {}): Classifier {
  const detector =
    options.detector ??
    createDetector({
      ...(options.types ? { types: options.types } : {}),
      ...(options.detectors ? { detectors: options.detectors } : {}),
    });
  const table: Record<string, DataLabel> = { ...DEFAULT_TYPE_LABELS, ...options.typeLabels };
  const labelFor = (type: string): DataLabel => table[type] ?? UNMAPPED_TYPE_LABEL;
  return {
    detector,
    labelFor,
    classify(text: string): TextClassification {
      let findings: Finding[];
      try {
        findings = detector.detect(text);
      } catch {
        return { dataClass: 'restricted', categories: ['UNSCANNED'], findings: [] };
      }
      let dataClass: DataClass = 'public';
      const categories = new Set<string>();
      const classifiedFindings = findings.map((finding) => {
        const label = labelFor(finding.type);
        dataClass = maxClass(dataClass, label.class) ?? dataClass;
        if (label.category) categories.add(label.category);
        return { ...finding, label };
      });
      return { dataClass, categories: [...categories].sort(), findings: classifiedFindings };
    },
  };
}

/**
 * The highest class that earlier controls of the call already removed from the request: the
 * `redaction` middleware replaces secrets before later controls see them, so its decisions' types
 * count towards the call's class. @internal
 */
export function classOfEarlierRedactions(
  decisions: readonly SecurityDecision[],
  classifier: Classifier,
): DataClass | undefined {
  let highest: DataClass | undefined;
  for (const decision of decisions) {
    if (decision.phase !== 'input' || decision.action !== 'redact' || decision.middleware !== 'redaction') continue;
    for (const type of decision.rules ?? []) highest = maxClass(highest, classifier.labelFor(type).class);
  }
  return highest;
}

let defaultClassifier: Classifier | undefined;

/**
 * Classifies free text with the built-in detectors and the default table: secrets, US SSNs,
 * cards, medical record numbers and IBANs are `restricted`; emails, phones, names, addresses and
 * dates of birth `confidential` (PII); IP addresses `internal`.
 *
 * @example classifyText('mail bob@example.com') // { dataClass: 'confidential', categories: ['PII'], findings: [...] }
 */
export function classifyText(text: string): TextClassification {
  defaultClassifier ??= createClassifier();
  return defaultClassifier.classify(text);
}
