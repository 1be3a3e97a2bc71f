import { definePreset, type Preset } from '../core/preset';
import { VERSION } from '../version';

/**
 * The controls every client gets unless it chooses a preset of its own: the secure defaults.
 * Built on call, so nothing compiles at import time.
 *
 * @example new SecureClaudeClient({ apiKey, security: { environment: 'development', preset: defaultPreset() } })
 */
export function defaultPreset(): Preset {
  return definePreset({ name: 'secure-claude/default', version: VERSION, middleware: [] });
}
