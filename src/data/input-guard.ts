import { z } from 'zod';
import { forEachParamsText, type TextLocation } from '../core/content';
import { ErrorCode, PolicyViolationError } from '../core/errors';
import type { MiddlewareContext, SecureMiddleware } from '../core/middleware';
import { parseOptions } from '../core/options';

/** Options of {@link inputGuardMiddleware}. */
export interface InputGuardOptions {
  /** Largest UTF-8 size of all text fields of one request together. @default 4 MiB (4194304) */
  readonly maxInputBytes?: number;
  /** Longest accepted run of combining marks; longer runs are rejected as a mark flood. @default 255 */
  readonly maxCombiningMarkRun?: number;
}

/** 4 MiB: the Messages API accepts 32 MB, but prompts this large are almost always a mistake or an attack. */
export const DEFAULT_MAX_INPUT_BYTES = 4 * 1024 * 1024;

const DEFAULTS = Object.freeze({ maxInputBytes: DEFAULT_MAX_INPUT_BYTES, maxCombiningMarkRun: 255 });

const optionsSchema = z
  .object({
    maxInputBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    maxCombiningMarkRun: z.number().int().min(1).max(999).optional(),
  })
  .strict();

const NAME = 'input-guard';
/** Runs of combining marks. Nothing follows the `+`, so V8 matches each run once, without backtracking. */
const COMBINING_MARK_RUN = /\p{M}+/gu;

/**
 * Rejects oversized or malformed requests before anything else runs: text larger than
 * `maxInputBytes` (`SCC_INPUT_TOO_LARGE`), and text with lone surrogates, NUL characters or a run
 * of more than `maxCombiningMarkRun` combining marks (`SCC_INPUT_INVALID`). Errors name sizes,
 * limits and field paths, never content. Put it first in the middleware list.
 *
 * Cost: the size check first sums string lengths (an upper bound needs no encoding); only text
 * near the limit is measured exactly. A 10 MiB prompt is refused in well under a millisecond.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming the option path when an option is invalid.
 * @example
 * inputGuardMiddleware({ maxInputBytes: 8 * 1024 * 1024 })
 */
export function inputGuardMiddleware(options: InputGuardOptions = {}): SecureMiddleware {
  const config = { ...DEFAULTS, ...parseOptions(optionsSchema, options ?? {}, 'inputGuardMiddleware') };
  const limit = config.maxInputBytes;

  return {
    name: NAME,
    transformParams(params, ctx) {
      const fields: Array<{ text: string; location: TextLocation }> = [];
      let units = 0;
      forEachParamsText(params, (text, location) => {
        fields.push({ text, location });
        units += text.length;
      });
      // UTF-8 needs at least one byte and at most three per UTF-16 unit.
      if (units > limit) refuseSize(ctx, units, limit, true);
      if (units * 3 > limit) {
        let bytes = 0;
        for (const field of fields) bytes += Buffer.byteLength(field.text, 'utf8');
        if (bytes > limit) refuseSize(ctx, bytes, limit, false);
      }
      for (const { text, location } of fields) {
        let problem: string | undefined;
        if (!isWellFormed(text)) problem = 'a lone surrogate (invalid UTF-16)';
        else if (text.includes('\u0000')) problem = 'a NUL character';
        else if (hasMarkRunLongerThan(text, config.maxCombiningMarkRun)) {
          problem = `a run of more than ${config.maxCombiningMarkRun} combining marks`;
        }
        if (problem !== undefined) {
          ctx.decide({ action: 'block', reason: 'input-invalid', paths: [location.path] });
          throw new PolicyViolationError(
            ErrorCode.INPUT_INVALID,
            `${NAME} rejected the request: ${location.path} contains ${problem}; clean the text before sending it.`,
            { source: NAME, details: { path: location.path } },
          );
        }
      }
      ctx.decide({ action: 'allow', reason: 'within-limit', count: fields.length });
      return params;
    },
  };
}

function refuseSize(ctx: MiddlewareContext, size: number, limit: number, lowerBound: boolean): never {
  ctx.decide({ action: 'block', reason: 'input-too-large', count: size });
  throw new PolicyViolationError(
    ErrorCode.INPUT_TOO_LARGE,
    `${NAME} rejected the request: its text is ${lowerBound ? 'at least ' : ''}${size} bytes, over the ${limit}-byte limit; send less text or raise maxInputBytes in inputGuardMiddleware().`,
    { source: NAME, details: { bytes: size, limit } },
  );
}

/** `String.prototype.isWellFormed` (Node 20+), typed here because the project's lib is ES2023. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function hasMarkRunLongerThan(text: string, limit: number): boolean {
  COMBINING_MARK_RUN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = COMBINING_MARK_RUN.exec(text)) !== null) {
    const run = match[0];
    // Length counts UTF-16 units; astral marks take two, so count code points only when it could matter.
    if (run.length > limit && (run.length > limit * 2 || [...run].length > limit)) {
      COMBINING_MARK_RUN.lastIndex = 0;
      return true;
    }
  }
  return false;
}
