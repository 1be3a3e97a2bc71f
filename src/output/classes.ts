import { DATA_CLASSES } from '../core/pipeline';
import { ConfigError } from '../core/errors';
import { createDetector, type SensitiveDataDetector } from '../data/detect';
import { createRedactor, type Redactor } from '../data/redact';
import { SENSITIVE_TYPES, type CustomDetector, type Finding, type SensitiveType } from '../data/types';
import type { DataClass } from './types';

/**
 * The default class of each detected type: credentials and regulated identifiers are
 * `restricted`, contact data and names `confidential`, network addresses `internal`.
 */
export const DEFAULT_DATA_CLASS_MAP: Readonly<Record<SensitiveType, DataClass>> = Object.freeze({
  API_KEY: 'restricted',
  AWS_ACCESS_KEY: 'restricted',
  PRIVATE_KEY: 'restricted',
  JWT: 'restricted',
  PASSWORD: 'restricted',
  US_SSN: 'restricted',
  CREDIT_CARD: 'restricted',
  IBAN: 'restricted',
  MEDICAL_RECORD_NUMBER: 'restricted',
  EMAIL: 'confidential',
  PHONE: 'confidential',
  PERSON: 'confidential',
  ADDRESS: 'confidential',
  DATE_OF_BIRTH: 'confidential',
  IP_ADDRESS: 'internal',
});

/** Rank of a class: `public` 0 … `restricted` 3. */
export const classRank = (dataClass: DataClass): number => DATA_CLASSES.indexOf(dataClass);

/** The higher of two classes (undefined counts as lowest). */
export function maxClass(a: DataClass | undefined, b: DataClass | undefined): DataClass | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return classRank(a) >= classRank(b) ? a : b;
}

/** The lower of two clearances. */
export function minClass(a: DataClass, b: DataClass): DataClass {
  return classRank(a) <= classRank(b) ? a : b;
}

/** A custom detector with the class its findings belong to. */
export interface ClassifiedDetector extends CustomDetector {
  readonly dataClass: DataClass;
}

/**
 * Redactors by clearance over one compiled detector: `redactorFor('public', seen)` redacts every
 * class above `public` and reports the class of every finding it scans (redacted or not) to
 * `seen`, so one scan gives both the filtered text and the output's data class. Patterns compile
 * once, when the filter is built; `redactorFor` only creates closures.
 */
export interface ClearanceFilter {
  readonly classOf: (type: string) => DataClass;
  redactorFor(clearance: DataClass, seen?: (dataClass: DataClass) => void): Redactor;
}

export function createClearanceFilter(
  overrides: Readonly<Partial<Record<string, DataClass>>> = {},
  detectors: readonly ClassifiedDetector[] = [],
): ClearanceFilter {
  const map: Record<string, DataClass> = { ...DEFAULT_DATA_CLASS_MAP };
  for (const [type, dataClass] of Object.entries(overrides)) {
    if (
      !(SENSITIVE_TYPES as readonly string[]).includes(type) ||
      dataClass === undefined ||
      !DATA_CLASSES.includes(dataClass)
    ) {
      throw new ConfigError(
        `outputGuardMiddleware: dataClasses.${type} must map a built-in type to one of ${DATA_CLASSES.join(', ')}.`,
        {
          source: 'output-guard',
        },
      );
    }
    map[type] = dataClass;
  }
  for (const detector of detectors) map[detector.type] = detector.dataClass;
  const classOf = (type: string): DataClass => map[type] ?? 'restricted';
  const full = createDetector({
    types: [...SENSITIVE_TYPES],
    detectors: detectors.map(({ dataClass: _ignored, ...rest }) => rest),
  });
  return {
    classOf,
    redactorFor(clearance, seen) {
      const rank = classRank(clearance);
      const above = (finding: Finding) => classRank(classOf(finding.type)) > rank;
      const note = (findings: readonly Finding[]) => {
        if (seen) for (const finding of findings) seen(classOf(finding.type));
      };
      const detector: SensitiveDataDetector = {
        types: full.types,
        detect(text) {
          const findings = full.detect(text);
          note(findings);
          return findings.filter(above);
        },
        scan(text, fromIndex, nearEndBytes) {
          const result = full.scan(text, fromIndex, nearEndBytes);
          note(result.candidates);
          return { candidates: result.candidates.filter(above), earliestOpenMatch: result.earliestOpenMatch };
        },
      };
      return createRedactor({ detector });
    },
  };
}
