import { z } from 'zod';
import { ErrorCode, PolicyViolationError } from '../core/errors';
import type { Operation, SecureMiddleware } from '../core/middleware';
import { parseOptions } from '../core/options';

/**
 * What one integration's key may be used for. Every list is an allowlist; an omitted list allows
 * everything of that kind.
 */
export interface ScopeOptions {
  /** Model ids, exact or with a trailing `*` (`claude-sonnet-*`). */
  models?: readonly string[];
  /** SDK surfaces (endpoints) this integration may call, for example `['messages.create', 'messages.stream']`. */
  operations?: readonly Operation[];
  /** Tool names the request may offer the model (client tools by `name`, server tools by `name` too). */
  tools?: readonly string[];
  /** The largest `max_tokens` a request may ask for. */
  maxTokens?: number;
}

const OPERATIONS = [
  'messages.create',
  'messages.stream',
  'messages.parse',
  'messages.countTokens',
  'messages.batches.create',
  'beta.messages.create',
  'beta.messages.stream',
  'beta.messages.parse',
  'beta.messages.countTokens',
  'beta.messages.batches.create',
] as const satisfies readonly Operation[];

const scopeSchema = z
  .object({
    models: z.array(z.string().regex(/^[A-Za-z0-9._:@/-]+\*?$/, 'model id, optionally ending in *')).optional(),
    operations: z.array(z.enum(OPERATIONS)).optional(),
    tools: z.array(z.string().min(1)).optional(),
    maxTokens: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Limits what an integration may do with its key: models, endpoints (SDK surfaces), tools and
 * `max_tokens`, checked in the method layer before the request leaves. A request outside the scope
 * is refused with `SCC_POLICY_BLOCKED` naming the rule (`scope.model`, `scope.operation`,
 * `scope.tool`, `scope.max-tokens`); model ids, tool names and numbers are named, content never is.
 *
 * @example scopeMiddleware({ models: ['claude-haiku-*'], operations: ['messages.create'], tools: ['lookup_order'], maxTokens: 1024 })
 */
export function scopeMiddleware(options: ScopeOptions): SecureMiddleware {
  const config = parseOptions(scopeSchema, options, 'scopeMiddleware');
  const allowsModel = (model: string) =>
    !config.models ||
    config.models.some((allowed) =>
      allowed.endsWith('*') ? model.startsWith(allowed.slice(0, -1)) : model === allowed,
    );

  return {
    name: 'scope',
    transformParams(params, context) {
      const refuse = (rule: string, what: string, fix: string): never => {
        context.decide({ action: 'block', reason: 'out-of-scope', rules: [rule] });
        throw new PolicyViolationError(
          ErrorCode.POLICY_BLOCKED,
          `scope refused the request for integration ${context.integration ?? '(unnamed)'}: ${what}. ${fix}`,
          { source: 'scope', details: { rule } },
        );
      };
      if (config.operations && !config.operations.includes(context.operation)) {
        refuse(
          'scope.operation',
          `${context.operation} is not one of ${config.operations.join(', ')}`,
          'Add it to scopeMiddleware({ operations }) if this integration needs it.',
        );
      }
      const model = String(params.model);
      if (!allowsModel(model)) {
        refuse(
          'scope.model',
          `model ${JSON.stringify(model.slice(0, 80))} is not allowed (allowed: ${config.models!.join(', ')})`,
          'Use an allowed model or widen scopeMiddleware({ models }).',
        );
      }
      const maxTokens = (params as { max_tokens?: number }).max_tokens;
      if (config.maxTokens !== undefined && typeof maxTokens === 'number' && maxTokens > config.maxTokens) {
        refuse(
          'scope.max-tokens',
          `max_tokens ${maxTokens} exceeds the limit of ${config.maxTokens}`,
          'Lower max_tokens or raise scopeMiddleware({ maxTokens }).',
        );
      }
      if (config.tools) {
        const offered = ((params as { tools?: Array<{ name?: unknown }> }).tools ?? []).map((tool) =>
          String(tool.name),
        );
        const refused = offered.filter((name) => !config.tools!.includes(name));
        if (refused.length > 0) {
          refuse(
            'scope.tool',
            `tool${refused.length > 1 ? 's' : ''} ${refused.map((name) => JSON.stringify(name.slice(0, 64))).join(', ')} not allowed`,
            'Remove the tool or add it to scopeMiddleware({ tools }).',
          );
        }
      }
      context.decide({ action: 'allow', reason: 'within-scope' });
      return params;
    },
  };
}
