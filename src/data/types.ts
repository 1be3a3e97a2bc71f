/** The built-in kinds of sensitive data the detector knows. */
export const SENSITIVE_TYPES = [
  'EMAIL',
  'PHONE',
  'US_SSN',
  'CREDIT_CARD',
  'IBAN',
  'IP_ADDRESS',
  'PERSON',
  'ADDRESS',
  'DATE_OF_BIRTH',
  'MEDICAL_RECORD_NUMBER',
  'API_KEY',
  'AWS_ACCESS_KEY',
  'PRIVATE_KEY',
  'JWT',
  'PASSWORD',
] as const;

/** One built-in kind of sensitive data. */
export type SensitiveType = (typeof SENSITIVE_TYPES)[number];

/**
 * @internal How every typed placeholder starts (`[REDACTED:EMAIL]`), and the shortest run of `*`
 * that counts as a mask. What the redactor writes, the detector and the column pass skip.
 */
export const PLACEHOLDER_OPENING = '[REDACTED:';
/** @internal */
export const MASK_MINIMUM_RUN = 4;

/** Credentials: redacted by `redactionMiddleware` whatever the options say. */
export const SECRET_TYPES: readonly SensitiveType[] = ['API_KEY', 'AWS_ACCESS_KEY', 'PRIVATE_KEY', 'JWT', 'PASSWORD'];

/** Types found by heuristics (no fixed format); they generalize less well than the formatted types. */
export const HEURISTIC_TYPES: readonly SensitiveType[] = ['PERSON', 'ADDRESS'];

/**
 * One piece of sensitive data found in a text. Offsets are UTF-16 code units (JavaScript string
 * indices), `end` exclusive. Findings never carry the matched value.
 */
export interface Finding {
  readonly start: number;
  readonly end: number;
  /** A {@link SensitiveType} or the `type` of a custom detector. */
  readonly type: string;
  /** 0..1; formats with a checksum or a provider prefix score higher than heuristics. */
  readonly confidence?: number;
  /** The id of the rule that matched, for example `email` or `custom:employee-id`. */
  readonly detector: string;
}

/** A caller-supplied pattern, compiled once with RE2 (linear time, no look-around or back-references). */
export interface CustomDetector {
  /** The type reported in findings and placeholders, for example `EMPLOYEE_ID`. */
  readonly type: string;
  /** RE2 syntax. If it has a capture group, the first group that matched is the finding. */
  readonly pattern: string;
  /** Return false to reject a match (for example a checksum). Receives the matched value. */
  readonly validate?: (match: string) => boolean;
  /** When given, a match counts only if one of these words occurs in the 48 characters before it (case-insensitive). */
  readonly contextWords?: readonly string[];
}

/** Which detectors to run. */
export interface DetectOptions {
  /** Built-in types to detect. @default every type in {@link SENSITIVE_TYPES} */
  readonly types?: readonly SensitiveType[];
  /** Extra detectors, run after the built-in ones (lower priority on overlap). */
  readonly detectors?: readonly CustomDetector[];
  /**
   * Skip documentation placeholders: credentials that spell `EXAMPLE`, hold a run such as `123456`,
   * use almost no distinct characters, PEM blocks headed `FAKE PRIVATE KEY`, or names that stand for
   * anyone (`John Doe`, `Erika Mustermann`). Redaction leaves
   * this off (a masked example costs nothing); scanners and reports turn it on for precision.
   * @default false
   */
  readonly ignorePlaceholders?: boolean;
}
