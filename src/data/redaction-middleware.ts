import { z } from 'zod';
import { mapParamsText, mapResultText } from '../core/content';
import { blockStreamTransformer } from '../core/block-stream';
import type { MiddlewareContext, SecureMiddleware, StreamEventTransformer } from '../core/middleware';
import { DEFAULT_TYPE_LABELS, UNMAPPED_TYPE_LABEL, maxClass, type DataClass } from './classes';
import { createDetector } from './detect';
import { parseOptions } from '../core/options';
import { customDetectorsSchema, sensitiveTypesSchema } from './schemas';
import { createRedactor, type Redactor, type Replacement } from './redact';
import { createStreamRedactor, type StreamRedactor } from './stream-redactor';
import { SECRET_TYPES, type CustomDetector, type Finding, type SensitiveType } from './types';

/** Options of {@link redactionMiddleware}. */
export interface RedactionMiddlewareOptions {
  /** PII types to redact in addition to the secret types, which are always redacted. @default [] */
  readonly types?: readonly SensitiveType[];
  /** Extra detectors (RE2 syntax), compiled at construction. */
  readonly detectors?: readonly CustomDetector[];
  /** @default 'type' (`[REDACTED:EMAIL]`) */
  readonly replacement?: Replacement;
  /** Redact the request's text fields. @default true */
  readonly redactInput?: boolean;
  /** Redact replies, streamed or not. @default true */
  readonly redactOutput?: boolean;
}

const DEFAULTS = Object.freeze({ types: [] as SensitiveType[], redactInput: true, redactOutput: true });

const optionsSchema = z
  .object({
    types: sensitiveTypesSchema.optional(),
    detectors: customDetectorsSchema.optional(),
    replacement: z.union([z.literal('type'), z.literal('mask'), z.function()]).optional(),
    redactInput: z.boolean().optional(),
    redactOutput: z.boolean().optional(),
  })
  .strict();

const NAME = 'redaction';

/** Counts findings by type, content-free, for one decision. */
class Tally {
  count = 0;
  readonly types = new Set<string>();
  add(findings: readonly Finding[]): void {
    this.count += findings.length;
    for (const finding of findings) this.types.add(finding.type);
  }
  decide(ctx: MiddlewareContext, phase: 'input' | 'output' | 'stream'): void {
    let dataClass: DataClass | undefined;
    for (const type of this.types)
      dataClass = maxClass(dataClass, (DEFAULT_TYPE_LABELS[type] ?? UNMAPPED_TYPE_LABEL).class);
    const decision: Parameters<MiddlewareContext['decide']>[0] & { dataClass?: DataClass } = {
      phase,
      action: this.count > 0 ? 'redact' : 'allow',
      reason: this.count > 0 ? 'sensitive-data-redacted' : 'none-found',
      count: this.count,
      rules: [...this.types].sort(),
    };
    // The class of what the call carried (before redaction), so records follow its retention.
    if (dataClass) decision.dataClass = dataClass;
    ctx.decide(decision);
  }
}

/**
 * Replaces secrets (API keys, AWS keys, private keys, JWTs, passwords: always) and the PII types
 * named in `types` with placeholders, in the request's text fields, in replies and in streamed
 * replies. Patterns compile once here.
 *
 * Streaming: text deltas are held back per content block (at most 256 characters, longer only
 * while an unbounded value such as a PEM block is open) and the rest is flushed as one
 * `text_delta` before `content_block_stop`. Tool-input JSON is buffered per block and re-emitted,
 * redacted, as one `input_json_delta` before `content_block_stop`. Held text of a block that never
 * stops is dropped, never released unredacted.
 *
 * Decisions: one per hook, `redact`/`sensitive-data-redacted` or `allow`/`none-found`, with counts
 * and types only.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming the option path when an option is invalid.
 * @example
 * redactionMiddleware({ types: ['EMAIL', 'PHONE'], detectors: [{ type: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' }] })
 */
export function redactionMiddleware(options: RedactionMiddlewareOptions = {}): SecureMiddleware {
  const config = { ...DEFAULTS, ...parseOptions(optionsSchema, options ?? {}, 'redactionMiddleware') };
  const types = [...new Set<SensitiveType>([...SECRET_TYPES, ...(config.types ?? [])])];
  const detector = createDetector({
    types,
    detectors: (config.detectors ?? []) as CustomDetector[],
  });
  const redactor = createRedactor({ detector, replacement: (config.replacement ?? 'type') as Replacement });

  const middleware: SecureMiddleware = {
    name: NAME,
    transformParams(params, ctx) {
      if (!config.redactInput) return params;
      const tally = new Tally();
      const next = mapParamsText(params, (text) => {
        const result = redactor.redact(text);
        tally.add(result.findings);
        return result.findings.length > 0 ? result.text : text;
      });
      tally.decide(ctx, 'input');
      return next;
    },
    transformResult(result, ctx) {
      if (!config.redactOutput) return result;
      const tally = new Tally();
      const next = mapResultText(result, (text) => {
        const redacted = redactor.redact(text);
        tally.add(redacted.findings);
        return redacted.findings.length > 0 ? redacted.text : text;
      });
      tally.decide(ctx, 'output');
      return next;
    },
    createStreamTransformer(ctx) {
      if (!config.redactOutput) return undefined;
      return createRedactingTransformer(redactor, ctx);
    },
  };
  return middleware;
}

/** Redacts a streamed reply per content block; see {@link blockStreamTransformer} for the event handling. */
function createRedactingTransformer(redactor: Redactor, ctx: MiddlewareContext): StreamEventTransformer {
  const tally = new Tally();
  const streams: StreamRedactor[] = [];
  return blockStreamTransformer({
    openText() {
      const stream = createStreamRedactor({ redactor });
      streams.push(stream);
      return stream;
    },
    closeJson: (json) => redactJson(json, redactor, tally),
    finish() {
      // Findings of blocks cut before their end count too: their held text was dropped, not sent.
      for (const stream of streams) tally.add(stream.findings);
      tally.decide(ctx, 'stream');
    },
  });
}

/** Redacts the string values (and keys) of an assembled tool-input JSON; unparsable JSON is redacted as text. */
function redactJson(json: string, redactor: Redactor, tally: Tally): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    const result = redactor.redact(json);
    tally.add(result.findings);
    return result.text;
  }
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const result = redactor.redact(node);
      tally.add(result.findings);
      return result.text;
    }
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node === 'object' && node !== null) {
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(node)) {
        const redactedKey = redactor.redact(key);
        tally.add(redactedKey.findings);
        Object.defineProperty(copy, redactedKey.text, {
          value: visit((node as Record<string, unknown>)[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    return node;
  };
  return JSON.stringify(visit(value));
}
