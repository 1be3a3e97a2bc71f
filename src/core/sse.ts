import type { Call } from './pipeline';
import type { StreamEvent, StreamEventTransformer } from './middleware';
import { ErrorCode, SecureClaudeError, sanitizeCause } from './errors';

type Transformers = ReadonlyArray<{ name: string; transformer: StreamEventTransformer }>;

/**
 * Rewrites an SSE body event by event through the call's stream transformers (innermost first).
 *
 * - Unchanged events are forwarded byte for byte (as views of the network chunk, never decoded
 *   and re-encoded); changed ones are re-serialized. The output of one network chunk is enqueued
 *   once, so the SDK reads as many chunks as before.
 * - `error` events pass through untouched.
 * - Nothing a transformer still holds is released after an `error` event, an upstream failure or a
 *   cancellation: held content is dropped, never sent unprocessed.
 *
 * Built as one pull-driven `ReadableStream` over the upstream reader rather than a
 * `TransformStream`: on Node 20 each web stream costs tens of microseconds to construct, and a
 * pipe adds a queue hop per chunk.
 */
export function transformSseBody(
  body: ReadableStream<Uint8Array>,
  call: Call,
  transformers: Transformers,
): ReadableStream<Uint8Array> {
  // Bytes after the last complete event; events end with a blank line, so a cut never splits a character.
  let rest: Buffer | undefined;
  let settled = false;
  const out = new Output();

  const runEvent = (bytes: Buffer, start: number, end: number) => {
    const raw = bytes.toString('utf8', start, end);
    const event = parseEvent(raw);
    if (!event || (event.type as string) === 'error') {
      out.bytes(bytes, start, end);
      return;
    }
    if (transformers.length === 1) {
      // The common case: emit straight into the output, no intermediate arrays.
      const { name, transformer } = transformers[0]!;
      call.runAs(name, 'stream', () =>
        transformer.transform(event, (produced) => {
          if (produced === event) out.bytes(bytes, start, end);
          else out.text(serialize(produced));
        }),
      );
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
      if (produced === event) out.bytes(bytes, start, end);
      else out.text(serialize(produced));
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
      for (const produced of pending) out.text(serialize(produced));
    }
  };

  /** Runs every complete event of what is buffered plus `chunk`; keeps the incomplete tail. */
  const take = (chunk: Uint8Array) => {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const bytes = rest === undefined ? view : Buffer.concat([rest, view]);
    let start = 0;
    let boundary: number;
    while ((boundary = bytes.indexOf(EVENT_END, start)) !== -1) {
      runEvent(bytes, start, boundary + 2);
      start = boundary + 2;
    }
    rest = start === bytes.length ? undefined : bytes.subarray(start);
  };

  /** The upstream ended: a last event without its blank line still counts, then the transformers flush. */
  const end = () => {
    if (rest !== undefined && rest.toString('utf8').trim() !== '') {
      const last = rest.toString('utf8');
      const bytes = Buffer.from(last.endsWith('\n\n') ? last : `${last}\n\n`, 'utf8');
      runEvent(bytes, 0, bytes.length);
    }
    rest = undefined;
    flushTransformers();
  };

  const abortTransformers = () => {
    for (const { name, transformer: each } of transformers) {
      try {
        if (each.abort) call.runAs(name, 'stream', () => each.abort!());
      } catch {
        // an abort hook cannot change the outcome any more
      }
    }
  };

  /** Held content is dropped with the stream; an upstream failure becomes SCC_STREAM_ABORTED. */
  const stopped = (reason: unknown): unknown => {
    settled = true;
    out.clear();
    abortTransformers();
    const upstreamFailure = reason instanceof Error && reason.name !== 'AbortError';
    if (!upstreamFailure) {
      call.finish();
      return reason;
    }
    const error = new SecureClaudeError(
      ErrorCode.STREAM_ABORTED,
      'The streamed reply was cut before it ended; what was delivered had passed the output controls, the rest was dropped.',
      { source: 'http-layer', cause: sanitizeCause(reason) },
    );
    call.finish(error);
    return error;
  };

  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Loops until something is enqueued: a pull that enqueues nothing is not called again.
        while (!settled) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (reason) {
            if (!settled) controller.error(stopped(reason));
            return;
          }
          if (settled) return;
          try {
            if (chunk.done) end();
            else take(chunk.value);
          } catch (error) {
            settled = true;
            out.clear();
            call.finish(error);
            controller.error(asStreamError(error));
            reader.cancel(error).catch(() => undefined);
            return;
          }
          const output = out.take();
          if (output !== undefined) controller.enqueue(output);
          if (chunk.done) {
            settled = true;
            call.finish();
            controller.close();
            return;
          }
          if (output !== undefined) return;
        }
      },
      // The reader cancelled: held content is dropped with the stream.
      cancel(reason) {
        if (!settled) stopped(reason);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

const EVENT_END = Buffer.from('\n\n');

/** The output of one network chunk: byte ranges forwarded as they came, and re-serialized events. */
class Output {
  #parts: Uint8Array[] = [];
  /** Extends the previous part instead of adding one when `start` continues it in the same chunk. */
  #lastSource: Buffer | undefined;
  #lastEnd = -1;
  #lastStart = -1;

  bytes(source: Buffer, start: number, end: number): void {
    if (source === this.#lastSource && start === this.#lastEnd) {
      this.#parts[this.#parts.length - 1] = source.subarray(this.#lastStart, end);
    } else {
      this.#parts.push(source.subarray(start, end));
      this.#lastSource = source;
      this.#lastStart = start;
    }
    this.#lastEnd = end;
  }

  text(text: string): void {
    this.#parts.push(Buffer.from(text, 'utf8'));
    this.#lastSource = undefined;
  }

  /** What to enqueue for this chunk (one Uint8Array), or undefined when nothing is released. */
  take(): Uint8Array | undefined {
    const parts = this.#parts;
    if (parts.length === 0) return undefined;
    this.clear();
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  clear(): void {
    this.#parts = [];
    this.#lastSource = undefined;
    this.#lastEnd = -1;
  }
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
