import { z } from 'zod';
import type { SecureMiddleware } from './middleware';
import { parseOptions } from './options';

const PRESET_BRAND = Symbol.for('secure-claude.preset');

/** What a platform team puts in a preset. */
export interface PresetDefinition {
  /** A package-like name, for example `@acme/claude-baseline`. Shows in audit records. */
  readonly name: string;
  /** The preset's semantic version. Shows in audit records, so a review can tell which baseline ran. */
  readonly version: string;
  /** The controls, outermost first. A service may add to them; removing one is a `dangerously*` override. */
  readonly middleware: readonly SecureMiddleware[];
  /**
   * Whether services may turn on prompt and reply content on the SDK's spans
   * (`openTelemetry.traces.contentMode: 'content'`). `forbidden` makes that a `dangerously*` override.
   * @default 'forbidden'
   */
  readonly contentCapture?: 'forbidden' | 'allowed';
}

/** A typed, versioned, frozen bundle of security settings; build one with {@link definePreset}. */
export interface Preset extends PresetDefinition {
  readonly contentCapture: 'forbidden' | 'allowed';
  /** Every preset this one extends, outermost first, then itself: `name@version` each. */
  readonly lineage: readonly string[];
  /**
   * A preset that keeps all of this one's controls and adds `middleware` after them (inner).
   * It cannot drop or loosen any of this preset's controls.
   */
  extend(definition: { name: string; version: string; middleware?: readonly SecureMiddleware[] }): Preset;
}

const definitionSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'semver'),
  middleware: z.array(z.custom<SecureMiddleware>((value) => typeof value === 'object' && value !== null)),
  contentCapture: z.enum(['forbidden', 'allowed']).optional(),
});

/**
 * Defines a preset: the controls a platform team wants every service to run. Services import it
 * and pass it as `security.preset`; they may add middleware, and may weaken the preset only with
 * an explicit `dangerously*` option that is written to the audit trail.
 *
 * @example
 * export const acmeBaseline = definePreset({
 *   name: '@acme/claude-baseline',
 *   version: '1.4.0',
 *   middleware: [inputGuardMiddleware(), redactionMiddleware(), injectionScreenMiddleware({ action: 'block' })],
 * });
 */
export function definePreset(definition: PresetDefinition): Preset {
  const parsed = parseOptions(definitionSchema, definition, 'definePreset');
  return buildPreset(parsed.name, parsed.version, definition.middleware, parsed.contentCapture ?? 'forbidden', []);
}

function buildPreset(
  name: string,
  version: string,
  middleware: readonly SecureMiddleware[],
  contentCapture: 'forbidden' | 'allowed',
  parents: readonly string[],
): Preset {
  const lineage = Object.freeze([...parents, `${name}@${version}`]);
  const preset: Preset = {
    name,
    version,
    middleware: Object.freeze(middleware.slice()),
    contentCapture,
    lineage,
    extend(extension) {
      const parsed = parseOptions(
        definitionSchema.omit({ contentCapture: true }),
        { middleware: [], ...extension },
        'preset.extend',
      );
      return buildPreset(
        parsed.name,
        parsed.version,
        [...middleware, ...(extension.middleware ?? [])],
        contentCapture,
        lineage,
      );
    },
  };
  Object.defineProperty(preset, PRESET_BRAND, { value: true });
  return Object.freeze(preset);
}

/** True for presets built by {@link definePreset} (from any copy of this library). */
export function isPreset(value: unknown): value is Preset {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PRESET_BRAND] === true;
}
