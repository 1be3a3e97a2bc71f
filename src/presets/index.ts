import { definePreset, type Preset } from '../core/preset';
import { inputGuardMiddleware } from '../data/input-guard';
import { redactionMiddleware } from '../data/redaction-middleware';
import { injectionScreenMiddleware } from '../injection/middleware';
import { VERSION } from '../version';

/**
 * The secure defaults, applied when a client names no preset of its own:
 *
 * 1. `input-guard`: a prompt over 4 MiB, or text with lone surrogates, NUL or combining-mark floods,
 *    is refused before any network call.
 * 2. `redaction`: secrets (API keys, AWS keys, private keys, JWTs, passwords) are redacted from
 *    requests and replies, streams included, in every environment.
 * 3. `injection-screen`: tool results, documents and search results are screened for embedded
 *    instructions; findings are recorded as decisions and `injection_attempt` events (`flag`).
 *
 * Built on call, so nothing compiles at import time. Removing one of these controls from a client
 * needs `security.dangerouslyRemoveMiddleware` (audited).
 *
 * @example new SecureClaudeClient({ apiKey, security: { environment: 'development', preset: defaultPreset() } })
 */
export function defaultPreset(): Preset {
  return definePreset({
    name: 'secure-claude/default',
    version: VERSION,
    middleware: [inputGuardMiddleware(), redactionMiddleware(), injectionScreenMiddleware({ action: 'flag' })],
  });
}
