import { ConfigError } from '../core/errors';
import { createDetector, resolveScan, type SensitiveDataDetector } from '../data/detect';
import { createRedactor, type Redactor } from '../data/redact';
import { SENSITIVE_TYPES, type CustomDetector, type Finding, type SensitiveType } from '../data/types';
import {
  DATA_CLASS_ORDER,
  DEFAULT_TYPE_LABELS,
  UNMAPPED_TYPE_LABEL,
  classRank,
  maxClass,
  type DataClass,
} from '../data/classes';

/** The class of each detected type, from the data engine's label table (one table for all controls). */
export const DEFAULT_DATA_CLASS_MAP: Readonly<Record<SensitiveType, DataClass>> = Object.freeze(
  Object.fromEntries(
    SENSITIVE_TYPES.map((type) => [type, (DEFAULT_TYPE_LABELS[type] ?? UNMAPPED_TYPE_LABEL).class]),
  ) as Record<SensitiveType, DataClass>,
);

export { classRank, maxClass };

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
      !DATA_CLASS_ORDER.includes(dataClass)
    ) {
      throw new ConfigError(
        `outputGuardMiddleware: dataClasses.${type} must map a built-in type to one of ${DATA_CLASS_ORDER.join(', ')}.`,
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
      const scan: SensitiveDataDetector['scan'] = (text, fromIndex, nearEndBytes, findingsBefore, lineStartAtZero) => {
        const result = full.scan(text, fromIndex, nearEndBytes, findingsBefore, lineStartAtZero);
        note(result.candidates);
        return { ...result, candidates: result.candidates.filter(above) };
      };
      const detector: SensitiveDataDetector = {
        types: full.types,
        detect(text) {
          const findings = full.detect(text);
          note(findings);
          return findings.filter(above);
        },
        scan,
        resolve: (text) => resolveScan(scan(text, 0, 0), text),
      };
      return createRedactor({ detector });
    },
  };
}
