import type { SecureClaudeError } from '../core/errors';
import { blockStreamTransformer } from '../core/block-stream';
import type { StreamEventTransformer } from '../core/middleware';
import type { Redactor } from '../data/redact';
import { createStreamRedactor, type StreamRedactor } from '../data/stream-redactor';
import type { ExpectedFormat } from './expected-format';
import { MAX_REVIEW_OUTPUT_CHARACTERS } from './review-queue';
import type { ToolAllowlist } from './tools';
import type { DataClass, GuardReason } from './types';

/** What the stream guard needs from its middleware. */
export interface StreamGuardHooks {
  readonly redactor: Redactor;
  readonly maxJsonCharacters: number;
  readonly hasSchema: boolean;
  readonly format: ExpectedFormat | undefined;
  readonly toolAllowlist: ToolAllowlist | undefined;
  readonly integration: string | undefined;
  checkComplete(
    text: string,
    hasText: boolean,
    stopReason: string | null | undefined,
    tools: ReadonlyArray<{ name: string; input: unknown }>,
  ): { reasons: GuardReason[]; source: string };
  decideFilter(count: number, types: ReadonlySet<string>): void;
  fail(
    reasons: GuardReason[],
    original: string,
    delivered: string,
    stopReason: string | null | undefined,
    source: string,
  ): SecureClaudeError;
  delivered(delivered: string, stopReason: string | null | undefined): void;
  aborted(delivered: string): void;
  validDecision(): void;
}

/**
 * Text kept per stream for the final checks, the log and the review item. Beyond it the text is
 * still filtered and delivered, but no longer kept: the JSON guard has already failed it
 * (`too-large`) and the log and review item are truncated anyway.
 */
const MAX_KEPT_CHARACTERS = Math.max(MAX_REVIEW_OUTPUT_CHARACTERS * 4, 1024 * 1024);

/** Appends to a bounded buffer, remembering the full length and where the non-blank text starts and ends. */
class Kept {
  #parts: string[] = [];
  #kept = 0;
  length = 0;
  /** First non-whitespace character, once seen. */
  first: string | undefined;
  /** Characters from the first non-whitespace one on. */
  #fromFirst = 0;
  /** Length of the whitespace run at the end. */
  #trailingBlank = 0;
  /** Length once trimmed at both ends (what `expectedFormat` measures). */
  get trimmedLength(): number {
    return Math.max(0, this.#fromFirst - this.#trailingBlank);
  }
  add(text: string): void {
    this.length += text.length;
    for (let index = 0; index < text.length; index++) {
      const blank = isBlank(text.charCodeAt(index));
      if (this.first === undefined) {
        if (blank) continue;
        this.first = text[index];
      }
      this.#fromFirst++;
      this.#trailingBlank = blank ? this.#trailingBlank + 1 : 0;
    }
    if (this.#kept >= MAX_KEPT_CHARACTERS) return;
    const part =
      text.length + this.#kept > MAX_KEPT_CHARACTERS ? text.slice(0, MAX_KEPT_CHARACTERS - this.#kept) : text;
    this.#parts.push(part);
    this.#kept += part.length;
  }
  text(): string {
    if (this.#parts.length > 1) this.#parts = [this.#parts.join('')];
    return this.#parts[0] ?? '';
  }
}

/**
 * The output guard's stream transformer: filters text deltas through per-block stream
 * redactors (hold-back at most 256 characters), buffers tool-input JSON per block, checks every
 * prefix against what can still conform, and checks the whole reply at `message_delta`, before
 * the stop reason or `message_stop` is released. On failure it throws, so nothing held is
 * released and the SDK's stream raises the error. The per-block event handling is the shared
 * {@link blockStreamTransformer}; this adds the checks around it.
 */
export function createGuardTransformer(hooks: StreamGuardHooks): StreamEventTransformer & { abort(): void } {
  /** Text blocks started and not yet stopped: their findings count even if the stream is cut. */
  const open = new Set<StreamRedactor>();
  /** Names of `tool_use` blocks started and not yet stopped. */
  const toolNames = new Map<number, string>();
  const original = new Kept();
  const delivered = new Kept();
  const tools: Array<{ name: string; input: unknown }> = [];
  const types = new Set<string>();
  let count = 0;
  let hasText = false;
  let stopReason: string | null | undefined;
  let decided = false;
  let validated = false;
  let done = false;

  const decideOnce = () => {
    if (decided) return;
    decided = true;
    for (const stream of open) tally(stream);
    hooks.decideFilter(count, types);
  };
  const tally = (stream: StreamRedactor) => {
    count += stream.findings.length;
    for (const finding of stream.findings) types.add(finding.type);
  };
  const failNow = (reasons: GuardReason[], source: string): never => {
    done = true;
    // Held text was not scanned yet; one scan of what arrived gives the decision its data class.
    hooks.redactor.detector.detect(original.text());
    decideOnce();
    throw hooks.fail(reasons, original.text(), delivered.text(), stopReason, source);
  };
  // Incremental: a per-delta check must not rescan the whole text, or long streams turn quadratic.
  const checkPrefix = () => {
    if (hooks.hasSchema) {
      if (original.length > hooks.maxJsonCharacters) failNow([{ code: 'too-large' }], 'schema-guard');
      const first = original.first;
      if (first !== undefined && first !== '{' && first !== '[') {
        failNow([{ code: 'invalid-json', hint: first === '`' ? 'code-fence' : 'surrounding-text' }], 'schema-guard');
      }
    }
    if (hooks.format) {
      const reasons = hooks.format.checkPrefixLength(original.trimmedLength);
      if (reasons.length > 0) failNow(reasons, 'expected-format');
    }
  };
  const check = () => {
    const { reasons, source } = hooks.checkComplete(original.text(), hasText, stopReason, tools);
    if (reasons.length > 0) failNow(reasons, source);
    validated = true;
    hooks.validDecision();
  };

  const blocks = blockStreamTransformer({
    openText() {
      const stream = createStreamRedactor({ redactor: hooks.redactor });
      open.add(stream);
      return {
        push(text) {
          hasText = true;
          original.add(text);
          checkPrefix();
          const released = stream.push(text);
          delivered.add(released);
          return released;
        },
        end() {
          const rest = stream.end();
          open.delete(stream);
          tally(stream);
          delivered.add(rest);
          return rest;
        },
      };
    },
    openBlock(block, index) {
      if (block.type !== 'tool_use') return;
      const name = typeof block['name'] === 'string' ? block['name'] : '';
      if (hooks.toolAllowlist && !hooks.toolAllowlist.isAllowed(hooks.integration, name)) {
        failNow([{ code: 'tool-not-allowed' }], 'tool-allowlist');
      }
      toolNames.set(index, name);
    },
    closeJson(json, index) {
      const { text, input } = redactJson(json, hooks.redactor, (found) => {
        count += found.length;
        for (const finding of found) types.add(finding.type);
      });
      const name = toolNames.get(index);
      toolNames.delete(index);
      if (name) tools.push({ name, input });
      return text;
    },
    closeBlock(index) {
      // A tool call without input deltas still counts, with an empty input.
      const name = toolNames.get(index);
      toolNames.delete(index);
      if (name) tools.push({ name, input: {} });
    },
  });

  return {
    transform(event, emit) {
      if (done) return;
      switch (event.type) {
        case 'message_delta':
          stopReason = (event.delta as { stop_reason?: string | null }).stop_reason;
          decideOnce();
          check();
          emit(event);
          return;
        case 'message_stop':
          decideOnce();
          if (!validated) check();
          done = true;
          hooks.delivered(delivered.text(), stopReason);
          emit(event);
          return;
        default:
          blocks.transform(event, emit);
      }
    },
    flush() {
      if (done) return;
      // The upstream ended without message_stop: a cut reply. Held text is dropped, never released.
      blocks.abort?.();
      decideOnce();
      const { reasons, source } = hooks.checkComplete(original.text(), hasText, undefined, tools);
      if (reasons.length > 0) failNow(reasons, source);
      done = true;
      hooks.aborted(delivered.text());
    },
    abort() {
      if (done) return;
      done = true;
      blocks.abort?.();
      decideOnce();
      hooks.aborted(delivered.text());
    },
  };
}

/** Redacts the keys and string values of an assembled tool input; unparsable JSON is redacted as text. */
function redactJson(
  json: string,
  redactor: Redactor,
  found: (findings: readonly { type: string }[]) => void,
): { text: string; input: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    const result = redactor.redact(json);
    found(result.findings);
    return { text: result.text, input: undefined };
  }
  const visit = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') {
      const result = redactor.redact(node);
      found(result.findings);
      return result.text;
    }
    if (depth > 256) return null;
    if (Array.isArray(node)) return node.map((item) => visit(item, depth + 1));
    if (typeof node === 'object' && node !== null) {
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(node)) {
        const redactedKey = redactor.redact(key);
        found(redactedKey.findings);
        Object.defineProperty(copy, redactedKey.text, {
          value: visit((node as Record<string, unknown>)[key], depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    return node;
  };
  return { text: JSON.stringify(visit(value, 0)), input: value };
}

/** The characters `String.prototype.trim` removes. */
function isBlank(code: number): boolean {
  return (
    (code >= 9 && code <= 13) ||
    code === 32 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

export type { DataClass };
