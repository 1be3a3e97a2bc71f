import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { blockStreamTransformer } from '../core/block-stream';
import { mapParamsText, mapResultText } from '../core/content';
import type { Environment, MiddlewareContext, SecureMiddleware, StreamEventTransformer } from '../core/middleware';
import { parseOptions } from '../core/options';
import { customDetectorsSchema, sensitiveTypesSchema, typeLabelsSchema } from './schemas';
import {
  DATA_CLASS_ORDER,
  findStructuredBlocks,
  isAtLeast,
  maxClass,
  wildcard,
  type DataClass,
  type DataLabel,
} from './classes';
import { classOfEarlierRedactions, createClassifier } from './classify';
import {
  Substitutions,
  deidentifyFindings,
  deidentifyStructured,
  restoreJson,
  type DeidentifyMode,
  type Restorer,
  type StreamRestorer,
} from './deidentify';
import { recordMinimization } from './minimize';
import type { CustomDetector, SensitiveType } from './types';

/** Options of {@link deidentifyMiddleware}. */
export interface DeidentifyMiddlewareOptions {
  /** Data at or above this class is de-identified. @default 'confidential' (PII and up) */
  readonly minimumClass?: DataClass;
  /**
   * `placeholder`: `<EMAIL_1>`, `<PERSON_2>`, numbered by first appearance across the whole
   * request. `synthetic`: a realistic value of the same format (an `example.com` email, a 555
   * phone, a Luhn-valid test card, a 9xx SSN, a fictional name, a TEST-NET address), derived with
   * an HMAC under a per-middleware random key; types without a generator get a placeholder.
   * @default 'placeholder'
   */
  readonly mode?: DeidentifyMode;
  /**
   * Destinations (`options.security.destination`, `*` wildcards) whose replies get the originals
   * back. Use `none` for calls without a destination. Everyone else sees the substitutes.
   * @default [] (no one: replies keep the substitutes)
   */
  readonly restoreFor?: readonly string[];
  /** Environments where de-identification runs. @default ['staging', 'development', 'test'] (not production) */
  readonly environments?: readonly Environment[];
  /**
   * Where it does not de-identify (production), still scan every text field for every type so the
   * call's records carry the highest class it touched. Costs a full detection pass per call
   * (about 0.3 to 0.9 ms per 2 KB on a loaded 2-core machine); without it the class comes from
   * the controls that ran before (redaction, classification) and from labelled structured fields.
   * @default false
   */
  readonly classifyWhereNotApplied?: boolean;
  /** Built-in types to detect. @default every built-in type */
  readonly types?: readonly SensitiveType[];
  /** Extra detectors (RE2), compiled once. */
  readonly detectors?: readonly CustomDetector[];
  /** Overrides of the type → label table (see `DEFAULT_TYPE_LABELS`). */
  readonly typeLabels?: Readonly<Record<string, DataLabel>>;
}

const DEFAULTS = Object.freeze({
  minimumClass: 'confidential' as DataClass,
  mode: 'placeholder' as DeidentifyMode,
  restoreFor: [] as string[],
  environments: ['staging', 'development', 'test'] as Environment[],
  classifyWhereNotApplied: false,
});

const optionsSchema = z
  .object({
    minimumClass: z.enum(DATA_CLASS_ORDER as unknown as [DataClass, ...DataClass[]]).optional(),
    mode: z.enum(['placeholder', 'synthetic']).optional(),
    restoreFor: z.array(z.string().min(1).max(200)).max(64).optional(),
    environments: z.array(z.enum(['production', 'staging', 'development', 'test'])).optional(),
    classifyWhereNotApplied: z.boolean().optional(),
    types: sensitiveTypesSchema.optional(),
    detectors: customDetectorsSchema.optional(),
    typeLabels: typeLabelsSchema.optional(),
  })
  .strict();

const NAME = 'deidentify';
/** `ctx.state` key of the call's substitutions; also read by `classification` to skip substituted fields. @internal */
export const SUBSTITUTIONS_STATE = 'scc.deidentify.substitutions';

/**
 * De-identifies personal data before it leaves, outside production: every detected value (and
 * every `minimizedJson` field labelled) at or above `minimumClass` is replaced by a stable
 * substitute, the same one for the same value across the whole request, so a conversation re-sent
 * with one more turn keeps its prefix and prompt caching keeps working. Credentials are replaced by
 * `[REDACTED:TYPE]` and never restored.
 *
 * Replies to destinations in `restoreFor` get the originals back: non-streamed replies whole;
 * streamed text per content block with hold-back of at most the longest substitute minus one
 * character (so a substitute split across deltas at any point is restored), tool-input JSON
 * buffered per block and re-emitted restored before `content_block_stop`.
 *
 * Safety: the mapping lives in `ctx.state` for the call only, in private fields; it is never
 * logged and never reaches decisions, spans, errors or audit records. Decisions carry counts,
 * types and the highest class seen (`dataClass`).
 *
 * In production it does not de-identify unless `environments` includes `production`; it records
 * the class known from earlier controls and labelled fields (a full scan only with
 * `classifyWhereNotApplied`).
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming the option path when an option is invalid.
 * @example deidentifyMiddleware({ minimumClass: 'confidential', mode: 'placeholder', restoreFor: ['support-agent'] })
 */
export function deidentifyMiddleware(options: DeidentifyMiddlewareOptions = {}): SecureMiddleware {
  const parsed = parseOptions(optionsSchema, options ?? {}, 'deidentifyMiddleware');
  const config = { ...DEFAULTS, ...parsed };
  const classifier = createClassifier({
    ...(config.types ? { types: config.types } : {}),
    ...(config.detectors ? { detectors: config.detectors as CustomDetector[] } : {}),
    ...(config.typeLabels ? { typeLabels: config.typeLabels as Record<string, DataLabel> } : {}),
  });
  // Per middleware instance, in memory only: synthetic values are stable across the calls of a client.
  const key = randomBytes(32);
  const restoreMatchers = config.restoreFor.map((pattern) =>
    pattern === 'none' ? (value: string | undefined) => value === undefined : wildcard(pattern),
  );
  const restores = (ctx: MiddlewareContext) => restoreMatchers.some((matches) => matches(ctx.destination));
  const applies = (ctx: MiddlewareContext) => config.environments.includes(ctx.environment);

  const restorerFor = (ctx: MiddlewareContext): Restorer | undefined => {
    const substitutions = ctx.state.get(SUBSTITUTIONS_STATE);
    if (!(substitutions instanceof Substitutions) || substitutions.size === 0) return undefined;
    return substitutions.restorer();
  };

  return {
    name: NAME,
    transformParams(params, ctx) {
      recordMinimization(params, ctx);
      if (!applies(ctx)) {
        // Classified anyway, so the call's audit record and span carry the highest class it touched.
        let highest: DataClass = classOfEarlierRedactions(ctx.decisions, classifier) ?? 'public';
        for (const report of findStructuredBlocks(params).values())
          for (const { label } of report.labels) highest = maxClass(highest, label.class) ?? highest;
        if (config.classifyWhereNotApplied) {
          mapParamsText(params, (text) => {
            highest = maxClass(highest, classifier.classify(text).dataClass) ?? highest;
            return text;
          });
        }
        ctx.decide({ action: 'allow', reason: 'environment-not-deidentified', dataClass: highest });
        return params;
      }
      const substitutions = new Substitutions(config.mode, key);
      ctx.state.set(SUBSTITUTIONS_STATE, substitutions);
      const structured = findStructuredBlocks(params);
      let dataClass: DataClass = classOfEarlierRedactions(ctx.decisions, classifier) ?? 'public';
      const types = new Set<string>();
      const paths: string[] = [];
      let count = 0;
      const next = mapParamsText(params, (text, location) => {
        const report = structured.get(location.path);
        if (report) {
          const result = deidentifyStructured(text, report, config.minimumClass, classifier, substitutions);
          if (result) {
            for (const field of result.fields) {
              dataClass = maxClass(dataClass, field.label.class) ?? dataClass;
              types.add(field.label.category ?? field.label.class.toUpperCase());
              paths.push(`${location.path}#${field.path}`);
              count++;
            }
            let replacedInText = 0;
            for (const finding of result.findings) {
              dataClass = maxClass(dataClass, finding.label.class) ?? dataClass;
              if (isAtLeast(finding.label.class, config.minimumClass)) {
                types.add(finding.type);
                replacedInText++;
              }
            }
            count += replacedInText;
            if (replacedInText > 0) paths.push(location.path);
            return result.text;
          }
        }
        const classified = classifier.classify(text);
        dataClass = maxClass(dataClass, classified.dataClass) ?? dataClass;
        const result = deidentifyFindings(text, classified.findings, config.minimumClass, substitutions);
        if (result.replaced.length === 0) return text;
        for (const finding of result.replaced) types.add(finding.type);
        paths.push(location.path);
        count += result.replaced.length;
        return result.text;
      });
      ctx.decide({
        action: count > 0 ? 'pseudonymize' : 'allow',
        reason: count > 0 ? 'deidentified' : 'nothing-to-deidentify',
        count,
        rules: [...types].sort(),
        ...(paths.length > 0 ? { paths: [...new Set(paths)] } : undefined),
        dataClass,
      });
      return next;
    },
    transformResult(result, ctx) {
      const restorer = restorerFor(ctx);
      if (!restorer) return result;
      if (!restores(ctx)) {
        ctx.decide({ action: 'allow', reason: 'substitutes-kept' });
        return result;
      }
      let count = 0;
      const next = mapResultText(result, (text, location) => {
        const restored = restorer.restore(text);
        count += restored.count;
        return location.kind === 'tool_use_input' || restored.count > 0 ? restored.text : text;
      });
      ctx.decide({ action: 'allow', reason: 'originals-restored', count });
      return next;
    },
    createStreamTransformer(ctx) {
      const restorer = restorerFor(ctx);
      if (!restorer) return undefined;
      if (!restores(ctx)) {
        ctx.decide({ phase: 'stream', action: 'allow', reason: 'substitutes-kept' });
        return undefined;
      }
      return createRestoringTransformer(restorer, ctx);
    },
  };
}

/**
 * Restores substitutes in a streamed reply. Holds back, per text block, only a tail that could
 * still be the start of a substitute; tool-input JSON is held per block until `content_block_stop`.
 */
function createRestoringTransformer(restorer: Restorer, ctx: MiddlewareContext): StreamEventTransformer {
  const streams: StreamRestorer[] = [];
  let jsonCount = 0;
  return blockStreamTransformer({
    openText() {
      const stream = restorer.stream();
      streams.push(stream);
      return stream;
    },
    closeJson(json) {
      const restored = restoreJson(json, restorer);
      jsonCount += restored.count;
      return restored.text;
    },
    finish() {
      const count = streams.reduce((sum, stream) => sum + stream.count, jsonCount);
      ctx.decide({ phase: 'stream', action: 'allow', reason: 'originals-restored', count });
    },
  });
}
