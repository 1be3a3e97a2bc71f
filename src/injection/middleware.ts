import { z } from 'zod';
import { forEachParamsText, mapParamsText, type TextLocation } from '../core/content';
import { ConfigError, ErrorCode, PolicyViolationError } from '../core/errors';
import type { MessageParams, MiddlewareContext, SecureMiddleware } from '../core/middleware';
import { DEFAULT_INJECTION_THRESHOLD, screenInjection, stripHiddenCharacters } from './screen';
import type { InjectionAction, InjectionQuarantineEvent, InjectionSecurityEvent, ScreenResult } from './types';

const MIDDLEWARE_NAME = 'injection-screen';

/** Per-integration overrides of {@link InjectionScreenOptions}. */
export interface InjectionIntegrationPolicy {
  action?: InjectionAction;
  threshold?: number;
}

/** Options of {@link injectionScreenMiddleware}. */
export interface InjectionScreenOptions {
  /**
   * What to do with a flagged piece of text: `flag` records a decision and lets the call through;
   * `strip` removes hidden characters (zero-width, bidi, tag, variation-selector payloads) and lets
   * the call through; `quarantine` refuses the call and hands it to `onQuarantine` for review;
   * `block` refuses the call.
   * @default 'block'
   */
  action?: InjectionAction;
  /**
   * Score at or above which text is flagged, in (0, 1].
   * @default 0.5
   */
  threshold?: number;
  /** Overrides of `action` and `threshold` keyed by the client's integration name (`ctx.integration`). */
  integrations?: Record<string, InjectionIntegrationPolicy>;
  /**
   * Also screen plain text in user turns (off by default: the user is the author of those, and a
   * request phrased as an instruction is what a user turn is).
   * @default false
   */
  screenUserTurns?: boolean;
  /** Receives one typed, content-free event per flagged piece of text. Exceptions it throws are ignored. */
  onEvent?: (event: InjectionSecurityEvent) => void;
  /** Receives quarantined calls for the review queue. Exceptions it throws are ignored. */
  onQuarantine?: (event: InjectionQuarantineEvent) => void;
}

const actionSchema = z.enum(['flag', 'strip', 'quarantine', 'block']);
const thresholdSchema = z.number().gt(0).lte(1);
const eventCallbackSchema = z.custom<(event: InjectionSecurityEvent) => void>((value) => typeof value === 'function');
const quarantineCallbackSchema = z.custom<(event: InjectionQuarantineEvent) => void>(
  (value) => typeof value === 'function',
);
const optionsSchema = z.strictObject({
  action: actionSchema.optional(),
  threshold: thresholdSchema.optional(),
  integrations: z
    .record(z.string(), z.strictObject({ action: actionSchema.optional(), threshold: thresholdSchema.optional() }))
    .optional(),
  screenUserTurns: z.boolean().optional(),
  onEvent: eventCallbackSchema.optional(),
  onQuarantine: quarantineCallbackSchema.optional(),
});

const DEFAULTS = Object.freeze({
  action: 'block' as InjectionAction,
  threshold: DEFAULT_INJECTION_THRESHOLD,
  screenUserTurns: false,
});

const SCREENED_KINDS: ReadonlySet<TextLocation['kind']> = new Set(['tool_result', 'document', 'search_result']);

interface FlaggedPiece {
  readonly location: TextLocation;
  readonly result: ScreenResult;
}

/**
 * Screens untrusted text in a request for prompt injection before the SDK sends it.
 *
 * Screens `tool_result`, `document` and `search_result` content (and user-turn text when
 * `screenUserTurns` is on), never the system prompt. Each flagged piece yields an
 * `injection_attempt` event for `onEvent`; the call gets one decision (`injection-detected` with
 * the action, rule ids, the highest score and the field paths, or `allow` / `no-injection`).
 * Events, decisions and errors carry rule ids, scores, spans and paths, never the text.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) at construction, naming the option path, when an option is invalid.
 * @throws PolicyViolationError (`SCC_INJECTION_BLOCKED`) per call when the action is `block` or `quarantine`.
 *
 * @example
 * const client = new SecureClaudeClient({
 *   middleware: [injectionScreenMiddleware({ action: 'quarantine', onQuarantine: (event) => reviewQueue.push(event) })],
 * });
 */
export function injectionScreenMiddleware(options: InjectionScreenOptions = {}): SecureMiddleware {
  const config = parseInjectionOptions(options);
  return {
    name: MIDDLEWARE_NAME,
    transformParams(params: MessageParams, ctx: MiddlewareContext): MessageParams {
      const policy = config.integrations?.[ctx.integration ?? ''];
      const action = policy?.action ?? config.action ?? DEFAULTS.action;
      const threshold = policy?.threshold ?? config.threshold ?? DEFAULTS.threshold;
      const screenUserTurns = config.screenUserTurns ?? DEFAULTS.screenUserTurns;
      const applies = (location: TextLocation): boolean =>
        SCREENED_KINDS.has(location.kind) || (screenUserTurns && location.kind === 'text' && location.role === 'user');

      const flagged: FlaggedPiece[] = [];
      const screen = (text: string, location: TextLocation): ScreenResult | undefined => {
        if (!applies(location)) return undefined;
        const result = screenInjection(text, { threshold });
        if (!result.flagged) return result;
        flagged.push({ location, result });
        emitEvent(config.onEvent, location, result, action);
        return result;
      };

      let next = params;
      if (action === 'strip') {
        next = mapParamsText(params, (text, location) => {
          const result = screen(text, location);
          return result?.flagged === true ? stripHiddenCharacters(text) : text;
        });
      } else {
        forEachParamsText(params, (text, location) => void screen(text, location));
      }

      if (flagged.length === 0) {
        ctx.decide({ action: 'allow', reason: 'no-injection' });
        return params;
      }
      const rules = [
        ...new Set(
          flagged.flatMap((piece) =>
            piece.result.findings.filter((finding) => finding.score >= 0.2).map((finding) => finding.rule),
          ),
        ),
      ].sort();
      const score = Math.max(...flagged.map((piece) => piece.result.score));
      const paths = flagged.map((piece) => piece.location.path);
      ctx.decide({ action, reason: 'injection-detected', rules, score, paths, count: flagged.length });
      if (action === 'block' || action === 'quarantine') {
        if (action === 'quarantine') {
          invokeSafely(() =>
            config.onQuarantine?.({ callId: ctx.callId, integration: ctx.integration, rules, score, paths }),
          );
        }
        const verb = action === 'block' ? 'blocked' : 'quarantined';
        throw new PolicyViolationError(
          ErrorCode.INJECTION_BLOCKED,
          `${MIDDLEWARE_NAME} ${verb} the request: score ${score.toFixed(2)} >= ${threshold.toFixed(2)} (rules: ${rules.join(', ')}) at ${paths.join(', ')}; pass untrusted text as data with buildPrompt().`,
          { source: MIDDLEWARE_NAME, details: { action, rules, score, path: paths[0], paths, threshold } },
        );
      }
      return next;
    },
  };
}

function emitEvent(
  onEvent: InjectionScreenOptions['onEvent'],
  location: TextLocation,
  result: ScreenResult,
  action: InjectionAction,
): void {
  if (onEvent === undefined) return;
  const strong = result.findings.filter((finding) => finding.score >= 0.2);
  const spanFindings = strong.length > 0 ? strong : result.findings;
  const event: InjectionSecurityEvent = {
    type: 'injection_attempt',
    rules: [...new Set(spanFindings.map((finding) => finding.rule))].sort(),
    score: result.score,
    source: { path: location.path, kind: location.kind },
    span: {
      start: Math.min(...spanFindings.map((finding) => finding.start)),
      end: Math.max(...spanFindings.map((finding) => finding.end)),
    },
    hiddenCharacters: result.findings
      .filter((finding) => finding.category === 'hidden-text' && finding.count !== undefined)
      .reduce((total, finding) => total + (finding.count ?? 0), 0),
    action,
  };
  invokeSafely(() => onEvent(event));
}

/** Observers must not decide the call: a throwing hook is ignored. */
function invokeSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // ignored by design: see above
  }
}

function parseInjectionOptions(options: unknown): z.output<typeof optionsSchema> {
  const result = optionsSchema.safeParse(options ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path} (${issue.code})`;
  });
  const more = result.error.issues.length > 5 ? ` and ${result.error.issues.length - 5} more` : '';
  throw new ConfigError(
    `injectionScreenMiddleware: invalid options at ${issues.join(', ')}${more}; see docs/injection.md.`,
    {
      source: MIDDLEWARE_NAME,
      details: { paths: result.error.issues.map((issue) => issue.path.map(String).join('.')) },
    },
  );
}
