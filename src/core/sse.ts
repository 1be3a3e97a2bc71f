import type { Call } from './pipeline';
import type { StreamEvent, StreamEventTransformer } from './middleware';
import { ErrorCode, SecureClaudeError, sanitizeCause } from './errors';

const encoder = new TextEncoder();

type Transformers = ReadonlyArray<{ name: string; transformer: StreamEventTransformer }>;

/**
 * Rewrites an SSE body event by event through the call's stream transformers (innermost first).
 *
 * - Unchanged events are forwarded byte for byte; changed ones are re-serialized. The output of
 *   one network chunk is encoded and enqueued once, so the SDK reads as many chunks as before.
 * - `error` events pass through untouched.
 * - Nothing a transformer still holds is released after an `error` event, an upstream failure or a
 *   cancellation: held content is dropped, never sent unprocessed.
 */
export function transformSseBody(
  body: ReadableStream<Uint8Array>,
  call: Call,
  transformers: Transformers,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  let failed = false;
  let out = '';
  const release = (event: StreamEvent) => {
    out += serialize(event);
  };

  const runEvent = (raw: string) => {
    const event = parseEvent(raw);
    if (!event || (event.type as string) === 'error') {
      out += raw;
      return;
    }
    let pending: StreamEvent[] = [event];
    for (const { name, transformer } of transformers) {
      const next: StreamEvent[] = [];
      const emit = (produced: StreamEvent) => void next.push(produced);
      for (const item of pending) call.runAs(name, 'stream', () => transformer.transform(item, emit));
      pending = next;
      if (pending.length === 0) return;
    }
    for (const produced of pending) {
      if (produced === event) out += raw;
      else release(produced);
    }
  };

  const flushTransformers = () => {
    for (let index = 0; index < transformers.length; index++) {
      const { name, transformer } = transformers[index]!;
      if (!transformer.flush) continue;
      let pending: StreamEvent[] = [];
      call.runAs(name, 'stream', () => transformer.flush!((produced) => void pending.push(produced)));
      for (const later of transformers.slice(index + 1)) {
        const next: StreamEvent[] = [];
        for (const item of pending) {
          call.runAs(later.name, 'stream', () =>
            later.transformer.transform(item, (produced) => void next.push(produced)),
          );
        }
        pending = next;
      }
      pending.forEach(release);
    }
  };

  const fail = (error: unknown, controller: TransformStreamDefaultController<Uint8Array>) => {
    failed = true;
    out = '';
    call.finish(error);
    controller.error(asStreamError(error));
  };

  // `cancel` is in the Streams standard and in Node 20, but not yet in TypeScript's DOM typings.
  let output: TransformStreamDefaultController<Uint8Array> | undefined;
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(reason: unknown): void } = {
    start(controller) {
      output = controller;
    },
    transform(chunk, controller) {
      if (failed) return;
      buffer += decoder.decode(chunk, { stream: true });
      try {
        let start = 0;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n', start)) !== -1) {
          runEvent(buffer.slice(start, boundary + 2));
          start = boundary + 2;
        }
        buffer = start === 0 ? buffer : buffer.slice(start);
      } catch (error) {
        fail(error, controller);
        return;
      }
      if (out) {
        controller.enqueue(encoder.encode(out));
        out = '';
      }
    },
    flush(controller) {
      if (failed) return;
      try {
        buffer += decoder.decode();
        if (buffer.trim() !== '') runEvent(buffer.endsWith('\n\n') ? buffer : `${buffer}\n\n`);
        flushTransformers();
      } catch (error) {
        fail(error, controller);
        return;
      }
      if (out) controller.enqueue(encoder.encode(out));
      call.finish();
    },
    // Called when the reader cancels or the upstream fails: held content is dropped with the stream.
    cancel(reason) {
      for (const { name, transformer: each } of transformers) {
        try {
          if (each.abort) call.runAs(name, 'stream', () => each.abort!());
        } catch {
          // an abort hook cannot change the outcome any more
        }
      }
      const upstreamFailure = reason instanceof Error && reason.name !== 'AbortError';
      if (!upstreamFailure) {
        call.finish();
        return;
      }
      const error = new SecureClaudeError(
        ErrorCode.STREAM_ABORTED,
        'The streamed reply was cut before it ended; what was delivered had passed the output controls, the rest was dropped.',
        { source: 'http-layer', cause: sanitizeCause(reason) },
      );
      call.finish(error);
      // Erroring the readable first replaces the transport error the caller would otherwise get.
      try {
        output?.error(error);
      } catch {
        // already closed
      }
    },
  };
  return body.pipeThrough(new TransformStream(transformer));
}

function parseEvent(raw: string): StreamEvent | undefined {
  const first = raw.startsWith('data:') ? 0 : raw.indexOf('\ndata:') + 1;
  if (first === 0 && !raw.startsWith('data:')) return undefined; // no data: a comment or keep-alive
  let data: string;
  if (raw.indexOf('\ndata:', first) === -1) {
    const valueStart = first + (raw.startsWith('data: ', first) ? 6 : 5);
    const end = raw.indexOf('\n', valueStart);
    data = raw.slice(valueStart, end === -1 ? undefined : end);
  } else {
    // Several data lines make one value, joined by newlines (the SSE rule); the API sends one.
    data = raw
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
      .join('\n');
  }
  try {
    return JSON.parse(data) as StreamEvent;
  } catch {
    // An event we cannot read is an event we cannot check: stop rather than forward it unchecked.
    throw new SecureClaudeError(
      ErrorCode.STREAM_ABORTED,
      'The streamed reply carried an event that is not valid JSON; the stream was stopped.',
      {
        source: 'http-layer',
      },
    );
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
