import { z } from 'zod';
import { ErrorCode, PolicyViolationError } from '../core/errors';
import { parseOptions } from '../core/options';

/** What {@link toolAllowlist} takes: integration name → names of the tools the model may call there. */
export type ToolAllowlistOptions = Readonly<Record<string, readonly string[]>>;

/** A tool as the SDK's tool runner sees it: a definition with a `name` and a `run`. */
export interface RunnableToolLike {
  readonly name?: string;
  run?: (...args: never[]) => unknown;
}

/**
 * Per-integration allowlist of tools the model may call. Checked before a tool runs: by the
 * output guard on every reply (`outputGuardMiddleware({ toolAllowlist })`), by `wrapTools` around
 * each tool's `run` for the SDK's tool runner, and by `assertAllowed` in your own loop.
 * An integration that is not listed may call no tool.
 */
export interface ToolAllowlist {
  readonly integrations: Readonly<Record<string, readonly string[]>>;
  isAllowed(integration: string | undefined, toolName: string): boolean;
  /** @throws PolicyViolationError (`SCC_POLICY_BLOCKED`) when the tool is not allowed for the integration. */
  assertAllowed(integration: string | undefined, toolName: string): void;
  /** Only the tool definitions the integration may call, for a request's `tools` (the model is never offered the rest). */
  filterTools<T extends { name?: string; type?: string }>(integration: string | undefined, tools: readonly T[]): T[];
  /**
   * Copies of runnable tools whose `run` checks the allowlist first, for
   * `client.beta.messages.toolRunner({ tools: allowlist.wrapTools('support-bot', tools), … })`.
   * A refused call never reaches the tool: the runner answers the model with an error result
   * (content-free: the tool name and the integration) and `onDenied` hears about it.
   */
  wrapTools<T extends RunnableToolLike>(
    integration: string | undefined,
    tools: readonly T[],
    onDenied?: (toolName: string) => void,
  ): T[];
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const optionsSchema = z.record(z.string().min(1).max(64), z.array(z.string().regex(TOOL_NAME)).max(512));

/**
 * Builds a per-integration tool allowlist.
 *
 * @throws ConfigError (`SCC_CONFIG_INVALID`) naming the integration when a tool name is invalid.
 * @example
 * const allowlist = toolAllowlist({ 'support-bot': ['lookup_order', 'create_ticket'], 'invoice-extractor': [] });
 * const runner = client.beta.messages.toolRunner({ ...params, tools: allowlist.wrapTools('support-bot', tools) });
 */
export function toolAllowlist(options: ToolAllowlistOptions): ToolAllowlist {
  const config = parseOptions(optionsSchema, options, 'toolAllowlist');
  const sets = new Map(Object.entries(config).map(([integration, names]) => [integration, new Set(names)]));
  const isAllowed = (integration: string | undefined, toolName: string): boolean =>
    integration !== undefined && typeof toolName === 'string' && sets.get(integration)?.has(toolName) === true;
  const refuse = (integration: string | undefined, toolName: string) =>
    new PolicyViolationError(
      ErrorCode.POLICY_BLOCKED,
      `tool-allowlist: the model called tool "${TOOL_NAME.test(toolName) ? toolName : '?'}", which integration "${integration ?? '(none)'}" may not use; ` +
        'add it to the toolAllowlist for that integration if it is meant to run.',
      { source: 'tool-allowlist', details: { tool: TOOL_NAME.test(toolName) ? toolName : '?', integration } },
    );
  const allowlist: ToolAllowlist = {
    integrations: Object.freeze(Object.fromEntries([...sets].map(([key, names]) => [key, Object.freeze([...names])]))),
    isAllowed,
    assertAllowed(integration, toolName) {
      if (!isAllowed(integration, toolName)) throw refuse(integration, toolName);
    },
    filterTools(integration, tools) {
      return tools.filter((tool) => typeof tool.name === 'string' && isAllowed(integration, tool.name));
    },
    wrapTools(integration, tools, onDenied) {
      return tools.map((tool) => {
        const run = tool.run;
        if (typeof run !== 'function') return tool;
        const name = tool.name ?? '';
        const guarded = function (this: unknown, ...args: never[]) {
          if (!isAllowed(integration, name)) {
            try {
              onDenied?.(name);
            } catch {
              // an observer never decides the call
            }
            throw refuse(integration, name);
          }
          return run.apply(this, args);
        };
        return { ...tool, run: guarded };
      });
    },
  };
  return Object.freeze(allowlist);
}
