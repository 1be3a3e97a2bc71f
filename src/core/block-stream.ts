import type { StreamEvent, StreamEventTransformer } from './middleware';

/** A per-content-block text processor: may hold text back; releases the rest at `end()`. */
export interface TextBlockStream {
  /** Takes the next text of the block, returns what is safe to release now (possibly ''). */
  push(text: string): string;
  /** The block ended: returns everything still held, processed. */
  end(): string;
}

/** What a control does with a streamed reply's content blocks. */
export interface BlockStreamHandlers {
  /** Opens the processor of a text block, at its first text. */
  openText(index: number): TextBlockStream;
  /**
   * Rewrites a tool block's input JSON, assembled from its `input_json_delta` fragments, at
   * `content_block_stop`; it is then sent as one `input_json_delta`. Without it, fragments pass through.
   */
  closeJson?(json: string, index: number): string;
  /** A block other than text starts (`tool_use`, `thinking`, …); throw to refuse the reply before it goes out. */
  openBlock?(block: { readonly type: string; readonly [key: string]: unknown }, index: number): void;
  /** A block stopped: its rest was released and its JSON rewritten; `content_block_stop` goes out next. */
  closeBlock?(index: number): void;
  /** Once, at `message_stop` or at the end of the stream, whichever comes first. */
  finish?(): void;
}

type BlockState = { kind: 'text'; stream: TextBlockStream } | { kind: 'json'; parts: string[] };

/**
 * Builds a stream transformer that runs `handlers` per content block, keeping the event
 * structure intact: text deltas go through the block's processor (an empty release emits
 * nothing), the held rest goes out as one last `text_delta` before `content_block_stop`, tool
 * input is held and rewritten whole. Blocks that never stop (a cut stream) release nothing.
 * An event whose text the processor releases unchanged is emitted as is, so the SSE layer
 * forwards its bytes without re-serializing it.
 */
export function blockStreamTransformer(handlers: BlockStreamHandlers): StreamEventTransformer {
  const blocks = new Map<number, BlockState>();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    handlers.finish?.();
  };
  const textOf = (index: number): TextBlockStream => {
    const state = blocks.get(index);
    if (state?.kind === 'text') return state.stream;
    const stream = handlers.openText(index);
    blocks.set(index, { kind: 'text', stream });
    return stream;
  };
  const holdsJson = handlers.closeJson !== undefined;

  return {
    transform(event, emit) {
      switch (event.type) {
        case 'content_block_start': {
          const block = event.content_block as { type: string; text?: unknown };
          if (block.type === 'text') {
            const stream = textOf(event.index);
            const text = typeof block.text === 'string' ? block.text : '';
            const released = text.length === 0 ? '' : stream.push(text);
            if (released === block.text) emit(event);
            else emit({ ...event, content_block: { ...event.content_block, text: released } } as StreamEvent);
            return;
          }
          handlers.openBlock?.(block, event.index);
          if (holdsJson && (block.type === 'tool_use' || block.type === 'server_tool_use')) {
            blocks.set(event.index, { kind: 'json', parts: [] });
          }
          emit(event);
          return;
        }
        case 'content_block_delta': {
          const delta = event.delta as { type: string; text?: unknown; partial_json?: unknown };
          if (delta.type === 'text_delta' && typeof delta.text === 'string') {
            const released = textOf(event.index).push(delta.text);
            if (released.length === 0) return;
            if (released === delta.text) emit(event);
            else emit({ ...event, delta: { ...event.delta, text: released } } as StreamEvent);
            return;
          }
          if (holdsJson && delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
            const state = blocks.get(event.index);
            if (state?.kind === 'json') state.parts.push(delta.partial_json);
            else blocks.set(event.index, { kind: 'json', parts: [delta.partial_json] });
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
            if (rest.length > 0) {
              emit({
                type: 'content_block_delta',
                index: event.index,
                delta: { type: 'text_delta', text: rest },
              } as StreamEvent);
            }
          } else if (state?.kind === 'json' && state.parts.length > 0) {
            const json = handlers.closeJson!(state.parts.join(''), event.index);
            emit({
              type: 'content_block_delta',
              index: event.index,
              delta: { type: 'input_json_delta', partial_json: json },
            } as StreamEvent);
          }
          handlers.closeBlock?.(event.index);
          emit(event);
          return;
        }
        case 'message_stop':
          finish();
          emit(event);
          return;
        default:
          emit(event);
      }
    },
    flush() {
      // Blocks that never stopped: their held content is dropped, not released.
      blocks.clear();
      finish();
    },
    abort() {
      blocks.clear();
      finish();
    },
  };
}
