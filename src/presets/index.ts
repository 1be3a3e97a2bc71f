import { definePreset, type Preset } from '../core/preset';
import { classificationMiddleware, type ClassificationMiddlewareOptions } from '../data/classification-middleware';
import { deidentifyMiddleware, type DeidentifyMiddlewareOptions } from '../data/deidentify-middleware';
import { inputGuardMiddleware, type InputGuardOptions } from '../data/input-guard';
import { redactionMiddleware, type RedactionMiddlewareOptions } from '../data/redaction-middleware';
import { injectionScreenMiddleware, type InjectionScreenOptions } from '../injection/middleware';
import { VERSION } from '../version';

/** Settings for the controls of {@link defaultPreset}; each is passed to that control's factory. */
export interface DefaultPresetOptions {
  inputGuard?: InputGuardOptions;
  redaction?: RedactionMiddlewareOptions;
  /** @default { action: 'flag' } */
  injection?: InjectionScreenOptions;
  /** Adds the `classification` control (policy table) before de-identification; off unless given. */
  classification?: ClassificationMiddlewareOptions;
  deidentify?: DeidentifyMiddlewareOptions;
}

/**
 * The secure defaults, applied when a client names no preset of its own:
 *
 * 1. `input-guard`: a prompt over 4 MiB, or text with lone surrogates, NUL or combining-mark floods,
 *    is refused before any network call.
 * 2. `redaction`: secrets (API keys, AWS keys, private keys, JWTs, passwords) are redacted from
 *    requests and replies, streams included, in every environment.
 * 3. `injection-screen`: tool results, documents and search results are screened for embedded
 *    instructions; findings are recorded as decisions and `injection_attempt` events (`flag`).
 * 4. `classification` (only when `options.classification` is given): the policy table.
 * 5. `deidentify`: outside production, personal data (class `confidential` and above: names,
 *    emails, phones, addresses, SSNs, cards, …) is replaced by stable placeholders (`<EMAIL_1>`)
 *    before it leaves; replies keep the placeholders unless the call's destination is in
 *    `deidentify.restoreFor`. In production it only records the data class. It runs last, so
 *    redaction sees the request first and the reply last.
 *
 * Built on call, so nothing compiles at import time. A platform team configures it here, once;
 * a service that removes one of these controls needs `security.dangerouslyRemoveMiddleware` (audited).
 *
 * @example new SecureClaudeClient({ security: { preset: defaultPreset({ deidentify: { restoreFor: ['support-agent'] } }), credentials } })
 */
export function defaultPreset(options: DefaultPresetOptions = {}): Preset {
  return definePreset({
    name: 'secure-claude/default',
    version: VERSION,
    middleware: [
      inputGuardMiddleware(options.inputGuard),
      redactionMiddleware(options.redaction),
      injectionScreenMiddleware({ action: 'flag', ...options.injection }),
      ...(options.classification ? [classificationMiddleware(options.classification)] : []),
      deidentifyMiddleware(options.deidentify),
    ],
  });
}
