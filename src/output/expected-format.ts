import { z } from 'zod';
import { parseOptions } from '../core/options';
import type { GuardReason } from './types';

/** Languages `language` accepts, by the writing system they use (ISO 639-1 codes). */
const LANGUAGE_SCRIPTS = {
  en: 'Latin',
  fr: 'Latin',
  de: 'Latin',
  es: 'Latin',
  it: 'Latin',
  pt: 'Latin',
  nl: 'Latin',
  sv: 'Latin',
  da: 'Latin',
  no: 'Latin',
  fi: 'Latin',
  pl: 'Latin',
  cs: 'Latin',
  ro: 'Latin',
  tr: 'Latin',
  id: 'Latin',
  vi: 'Latin',
  ru: 'Cyrillic',
  uk: 'Cyrillic',
  bg: 'Cyrillic',
  sr: 'Cyrillic',
  el: 'Greek',
  ar: 'Arabic',
  fa: 'Arabic',
  he: 'Hebrew',
  hi: 'Devanagari',
  th: 'Thai',
  ko: 'Hangul',
  ja: 'Han|Hiragana|Katakana',
  zh: 'Han',
} as const;

/** A language `expectedFormat` can check (by script). */
export type ExpectedLanguage = keyof typeof LANGUAGE_SCRIPTS;

/**
 * Share of letters allowed outside the expected scripts before the output counts as another
 * language: 20 % leaves room for names, product codes and quoted foreign terms.
 */
const FOREIGN_LETTER_SHARE = 0.2;
/** Fewer letters than this and the language check passes: too little text to judge. */
const MIN_LETTERS_FOR_LANGUAGE = 20;

/** Options of {@link expectedFormat}. */
export interface ExpectedFormatOptions {
  /** Fewest characters (UTF-16 units, after trimming). */
  readonly minLength?: number;
  /** Most characters (UTF-16 units, after trimming). Checked as a stream arrives: a stream fails as soon as it passes it. */
  readonly maxLength?: number;
  /** The trimmed output must match. Anchor it (`^…$`) to match the whole output. Must not be global or sticky. */
  readonly pattern?: RegExp;
  /** The trimmed output must equal one of these (a classifier's label set). */
  readonly labels?: readonly string[];
  /** Compare `labels` ignoring case. @default false */
  readonly ignoreCase?: boolean;
  /**
   * Allowed languages, checked by writing system (so `en` and `fr` are not told apart, `en` and
   * `ru` are). More than 20 % of letters outside the allowed scripts fails.
   */
  readonly language?: ExpectedLanguage | readonly ExpectedLanguage[];
}

/** A compiled expected format for free-text outputs; build with {@link expectedFormat}. */
export interface ExpectedFormat {
  readonly options: Readonly<ExpectedFormatOptions>;
  /** Checks a whole output; an empty array means it conforms. */
  check(text: string): GuardReason[];
  /** Checks a prefix of a streamed output: a reason only when no continuation could conform. */
  checkPrefix(prefix: string): GuardReason[];
  /** As `checkPrefix`, given only the prefix's trimmed length (for streams, which count as they go). */
  checkPrefixLength(trimmedLength: number): GuardReason[];
}

const languageSchema = z.enum(Object.keys(LANGUAGE_SCRIPTS) as [ExpectedLanguage, ...ExpectedLanguage[]]);
const optionsSchema = z
  .strictObject({
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).optional(),
    pattern: z
      .custom<RegExp>((value) => value instanceof RegExp && !value.global && !value.sticky, {
        message: 'expected a RegExp without the g or y flag',
      })
      .optional(),
    labels: z.array(z.string().min(1).max(256)).min(1).max(1000).optional(),
    ignoreCase: z.boolean().optional(),
    language: z.union([languageSchema, z.array(languageSchema).min(1)]).optional(),
  })
  .refine(
    (value) => value.minLength === undefined || value.maxLength === undefined || value.minLength <= value.maxLength,
    {
      message: 'minLength must not exceed maxLength',
      path: ['minLength'],
    },
  );

/**
 * Describes the format a free-text output must have: length bounds, a pattern, a label set, a
 * language. An output that deviates is a sign that injected instructions took effect; the output
 * guard sends it to review instead of to the action.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming the option when an option is invalid.
 * @example
 * expectedFormat({ labels: ['refund', 'exchange', 'other'] })
 * expectedFormat({ maxLength: 1200, language: 'en', pattern: /^Dear /u })
 */
export function expectedFormat(options: ExpectedFormatOptions): ExpectedFormat {
  const config = parseOptions(optionsSchema, options, 'expectedFormat') as ExpectedFormatOptions;
  const frozen = Object.freeze({ ...config });
  const labels = config.labels
    ? new Set(config.labels.map((label) => (config.ignoreCase ? label.toLowerCase() : label)))
    : undefined;
  const longestLabel = config.labels ? Math.max(...config.labels.map((label) => label.length)) : undefined;
  const languages =
    config.language === undefined
      ? undefined
      : typeof config.language === 'string'
        ? [config.language]
        : config.language;
  const script = languages
    ? new RegExp(
        `\\p{Script=${[...new Set(languages.flatMap((language) => LANGUAGE_SCRIPTS[language].split('|')))].join('}|\\p{Script=')}}`,
        'u',
      )
    : undefined;

  const checkPrefixLength = (length: number): GuardReason[] => {
    const reasons: GuardReason[] = [];
    if (config.maxLength !== undefined && length > config.maxLength) reasons.push({ code: 'too-long' });
    if (longestLabel !== undefined && length > longestLabel) reasons.push({ code: 'label-mismatch' });
    return reasons;
  };

  return {
    options: frozen,
    check(text) {
      const reasons: GuardReason[] = [];
      const trimmed = typeof text === 'string' ? text.trim() : '';
      if (config.minLength !== undefined && trimmed.length < config.minLength) reasons.push({ code: 'too-short' });
      if (config.maxLength !== undefined && trimmed.length > config.maxLength) reasons.push({ code: 'too-long' });
      if (labels && !labels.has(config.ignoreCase ? trimmed.toLowerCase() : trimmed))
        reasons.push({ code: 'label-mismatch' });
      if (config.pattern && !matchesSafely(config.pattern, trimmed)) reasons.push({ code: 'pattern-mismatch' });
      if (script && !mostlyInScript(trimmed, script)) reasons.push({ code: 'language-mismatch' });
      return reasons;
    },
    // Trailing whitespace may still be trimmed away at the end, so only the non-blank part counts.
    checkPrefix: (prefix) => checkPrefixLength(typeof prefix === 'string' ? prefix.trim().length : 0),
    checkPrefixLength,
  };
}

function matchesSafely(pattern: RegExp, text: string): boolean {
  try {
    return pattern.test(text);
  } catch {
    return false;
  }
}

const LETTER = /\p{L}/u;

function mostlyInScript(text: string, script: RegExp): boolean {
  let letters = 0;
  let foreign = 0;
  for (const character of text) {
    if (!LETTER.test(character)) continue;
    letters++;
    if (!script.test(character)) foreign++;
  }
  if (letters < MIN_LETTERS_FOR_LANGUAGE) return true;
  return foreign / letters <= FOREIGN_LETTER_SHARE;
}
