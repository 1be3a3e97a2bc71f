import type { Call } from './pipeline';
import type { StreamEvent, StreamEventTransformer } from './middleware';
import { ErrorCode, SecureClaudeError } from './errors';

const encoder = new TextEncoder();

interface ParsedEvent {
  /** The event exactly as received, re-sent when no transformer changed it. */
  readonly raw: string;
  readonly name: string | undefined;
  readonly data: StreamEvent | undefined;
}

/**
 * Rewrites an SSE body event by event through the call's stream transformers (innermost first).
 * Unchanged events are forwarded byte for byte; changed ones are re-serialized. `error` events
 * pass through untouched, and nothing a transformer still holds is released after one or after
 * an upstream failure: held content is dropped, never sent unprocessed.
 */
export function transformSseBody(
  body: ReadableStream<Uint8Array>,
  call: Call,
  transformers: ReadonlyArray<{ name: string; transformer: StreamEventTransformer }>,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  let failed = false;
  let ended = false;

  const run = (event: ParsedEvent, controller: TransformStreamDefaultController<Uint8Array>) => {
    if (!event.data || event.name === 'error' || event.data.type === ('error' as string)) {
      controller.enqueue(encoder.encode(event.raw));
      return;
    }
    let pending: StreamEvent[] = [event.data];
    for (const { name, transformer } of transformers) {
      const next: StreamEvent[] = [];
      const emit = (out: StreamEvent) => void next.push(out);
      for (const item of pending) call.runAs(name, 'stream', () => transformer.transform(item, emit));
      pending = next;
      if (pending.length === 0) return;
    }
    for (const out of pending) {
      controller.enqueue(encoder.encode(out === event.data ? event.raw : serialize(out)));
    }
  };

  const finishTransformers = (controller: TransformStreamDefaultController<Uint8Array>) => {
    for (let index = 0; index < transformers.length; index++) {
      const { name, transformer } = transformers[index]!;
      if (!transformer.flush) continue;
      let pending: StreamEvent[] = [];
      call.runAs(name, 'stream', () => transformer.flush!((out) => void pending.push(out)));
      for (const later of transformers.slice(index + 1)) {
        const next: StreamEvent[] = [];
        for (const item of pending) {
          call.runAs(later.name, 'stream', () => later.transformer.transform(item, (out) => void next.push(out)));
        }
        pending = next;
      }
      for (const out of pending) controller.enqueue(encoder.encode(serialize(out)));
    }
  };

  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (failed) return;
      buffer += decoder.decode(chunk, { stream: true });
      let boundary: number;
      try {
        while ((boundary = findBoundary(buffer)) !== -1) {
          const rawEnd = boundary + (buffer.startsWith('\r\n', boundary) ? 4 : 2);
          const raw = buffer.slice(0, rawEnd);
          buffer = buffer.slice(rawEnd);
          run(parseEvent(raw), controller);
        }
      } catch (error) {
        failed = true;
        call.finish(error);
        controller.error(asStreamError(error));
      }
    },
    flush(controller) {
      if (failed) return;
      try {
        buffer += decoder.decode();
        if (buffer.trim() !== '') run(parseEvent(buffer), controller);
        finishTransformers(controller);
        ended = true;
        call.finish();
      } catch (error) {
        call.finish(error);
        controller.error(asStreamError(error));
      }
    },
  });

  const reader = body.pipeThrough(stream).getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        // An upstream cut: the transformers' held content is dropped with the stream.
        if (!ended) call.finish(error);
        controller.error(error);
      }
    },
    cancel(reason) {
      call.finish();
      return reader.cancel(reason);
    },
  });
}

function findBoundary(buffer: string): number {
  const lf = buffer.indexOf('\n\n');
  const crlf = buffer.indexOf('\r\n\r\n');
  if (lf === -1) return crlf;
  if (crlf === -1) return lf;
  return Math.min(lf, crlf);
}

function parseEvent(raw: string): ParsedEvent {
  let name: string | undefined;
  let data: string | undefined;
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) {
      const value = line.slice(line.startsWith('data: ') ? 6 : 5);
      data = data === undefined ? value : `${data}\n${value}`;
    }
  }
  if (data === undefined) return { raw, name, data: undefined };
  try {
    return { raw, name, data: JSON.parse(data) as StreamEvent };
  } catch {
    return { raw, name, data: undefined };
  }
}

function serialize(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function asStreamError(error: unknown): unknown {
  if (SecureClaudeError.isInstance(error)) return error;
  return new SecureClaudeError(
    ErrorCode.STREAM_ABORTED,
    'The streamed reply could not be processed safely and was stopped; nothing unprocessed was released.',
    { source: 'http-layer' },
  );
}
