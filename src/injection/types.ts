/** The family a screening rule belongs to; coarse enough to branch on in a policy. */
export type InjectionCategory =
  | 'hidden-text'
  | 'encoded-payload'
  | 'instruction-override'
  | 'role-spoofing'
  | 'tool-spoofing'
  | 'delimiter-escape'
  | 'exfiltration'
  | 'jailbreak'
  | 'prompt-extraction'
  | 'embedded-instruction';

/**
 * One reason a text looks like a prompt injection. Content-free: a rule id, a span and a score,
 * never the matched text.
 */
export interface InjectionFinding {
  /** Stable kebab-case rule id, for example `instruction-override` or `hidden-tag-text`. */
  readonly rule: string;
  readonly category: InjectionCategory;
  /** Start of the span in the original text, in UTF-16 code units. */
  readonly start: number;
  /** End of the span in the original text (exclusive), in UTF-16 code units. */
  readonly end: number;
  /** How strongly this finding alone indicates an injection, in [0, 1]. */
  readonly score: number;
  /** For hidden-character findings: how many characters the span hides. */
  readonly count?: number;
}

/** The outcome of {@link screenInjection}. */
export interface ScreenResult {
  /** Combined evidence in [0, 1]: a noisy-OR of the strongest finding of each rule. */
  readonly score: number;
  /** `score >= threshold`. */
  readonly flagged: boolean;
  /** Every finding, in order of their start offset. */
  readonly findings: readonly InjectionFinding[];
}

/** Options of {@link screenInjection}. */
export interface ScreenOptions {
  /**
   * Score at or above which a text is flagged.
   * @default 0.5
   */
  threshold?: number;
  /**
   * How many nested layers of encoding (base64 inside URL-encoding, ...) are decoded and screened.
   * @default 2
   */
  maxDecodeDepth?: number;
}

/** What the middleware does with a flagged piece of text. */
export type InjectionAction = 'flag' | 'strip' | 'quarantine' | 'block';

/** A typed security event, one per flagged piece of text. Content-free. */
export interface InjectionSecurityEvent {
  readonly type: 'injection_attempt';
  readonly rules: readonly string[];
  readonly score: number;
  /** Where the text sits: its field path and kind. */
  readonly source: { readonly path: string; readonly kind: string };
  /** The span covering all findings, in the original text's UTF-16 offsets. */
  readonly span: { readonly start: number; readonly end: number };
  /** How many hidden characters (zero-width, bidi, tag, variation selector) the text carried. */
  readonly hiddenCharacters: number;
  readonly action: InjectionAction;
}

/** What the `onQuarantine` hook receives: enough to queue the call for review, never the text. */
export interface InjectionQuarantineEvent {
  readonly callId: string;
  readonly integration: string | undefined;
  readonly rules: readonly string[];
  readonly score: number;
  readonly paths: readonly string[];
}
