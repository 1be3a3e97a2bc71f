import type { SecureClaudeError } from '../core/errors';
import type { StreamEvent, StreamEventTransformer } from '../core/middleware';
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

type BlockState =
  { kind: 'text'; stream: StreamRedactor } | { kind: 'json'; name: string; parts: string[] } | { kind: 'other' };

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
 * released and the SDK's stream raises the error.
 */
export function createGuardTransformer(hooks: StreamGuardHooks): StreamEventTransformer & { abort(): void } {
  const blocks = new Map<number, BlockState>();
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
    for (const state of blocks.values()) if (state.kind === 'text') tally(state.stream);
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
  const pushText = (index: number, text: string, state: BlockState | undefined): string => {
    let stream = state?.kind === 'text' ? state.stream : undefined;
    if (stream === undefined) {
      stream = createStreamRedactor({ redactor: hooks.redactor });
      blocks.set(index, { kind: 'text', stream });
    }
    hasText = true;
    original.add(text);
    checkPrefix();
    const released = stream.push(text);
    delivered.add(released);
    return released;
  };

  return {
    transform(event, emit) {
      if (done) return;
      switch (event.type) {
        case 'content_block_start': {
          const block = event.content_block as { type: string; text?: unknown; name?: unknown };
          if (block.type === 'text') {
            blocks.set(event.index, { kind: 'text', stream: createStreamRedactor({ redactor: hooks.redactor }) });
            if (typeof block.text === 'string' && block.text.length > 0) {
              const released = pushText(event.index, block.text, blocks.get(event.index));
              emit({ ...event, content_block: { ...event.content_block, text: released } } as StreamEvent);
              return;
            }
          } else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
            const name = typeof block.name === 'string' ? block.name : '';
            if (
              block.type === 'tool_use' &&
              hooks.toolAllowlist &&
              !hooks.toolAllowlist.isAllowed(hooks.integration, name)
            ) {
              failNow([{ code: 'tool-not-allowed' }], 'tool-allowlist');
            }
            blocks.set(event.index, { kind: 'json', name: block.type === 'tool_use' ? name : '', parts: [] });
          } else {
            blocks.set(event.index, { kind: 'other' });
          }
          emit(event);
          return;
        }
        case 'content_block_delta': {
          const state = blocks.get(event.index);
          const delta = event.delta as { type: string; text?: unknown; partial_json?: unknown };
          if (delta.type === 'text_delta' && typeof delta.text === 'string') {
            const released = pushText(event.index, delta.text, state);
            if (released.length > 0) emit({ ...event, delta: { ...event.delta, text: released } } as StreamEvent);
            return;
          }
          if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
            if (state?.kind === 'json') state.parts.push(delta.partial_json);
            else blocks.set(event.index, { kind: 'json', name: '', parts: [delta.partial_json] });
            return;
          }
          emit(event);
          return;
        }
        case 'content_block_stop': {
          const state = blocks.get(event.index);
          blocks.delete(event.index);
          if (state?.kind === 'text') {
            const rest = state.stream.end();
            tally(state.stream);
            delivered.add(rest);
            if (rest.length > 0) {
              emit({
                type: 'content_block_delta',
                index: event.index,
                delta: { type: 'text_delta', text: rest },
              } as StreamEvent);
            }
          } else if (state?.kind === 'json' && state.parts.length > 0) {
            const json = state.parts.join('');
            const { text, input } = redactJson(json, hooks.redactor, (found) => {
              count += found.length;
              for (const finding of found) types.add(finding.type);
            });
            if (state.name) tools.push({ name: state.name, input });
            emit({
              type: 'content_block_delta',
              index: event.index,
              delta: { type: 'input_json_delta', partial_json: text },
            } as StreamEvent);
          } else if (state?.kind === 'json' && state.name) {
            tools.push({ name: state.name, input: {} });
          }
          emit(event);
          return;
        }
        case 'message_delta': {
          stopReason = (event.delta as { stop_reason?: string | null }).stop_reason;
          decideOnce();
          const { reasons, source } = hooks.checkComplete(original.text(), hasText, stopReason, tools);
          if (reasons.length > 0) failNow(reasons, source);
          validated = true;
          hooks.validDecision();
          emit(event);
          return;
        }
        case 'message_stop': {
          decideOnce();
          if (!validated) {
            const { reasons, source } = hooks.checkComplete(original.text(), hasText, stopReason, tools);
            if (reasons.length > 0) failNow(reasons, source);
            validated = true;
            hooks.validDecision();
          }
          done = true;
          hooks.delivered(delivered.text(), stopReason);
          emit(event);
          return;
        }
        default:
          emit(event);
      }
    },
    flush() {
      if (done) return;
      // The upstream ended without message_stop: a cut reply. Held text is dropped, never released.
      decideOnce();
      const { reasons, source } = hooks.checkComplete(original.text(), hasText, undefined, tools);
      if (reasons.length > 0) failNow(reasons, source);
      done = true;
      hooks.aborted(delivered.text());
    },
    abort() {
      if (done) return;
      done = true;
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
