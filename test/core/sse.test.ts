import { trace } from '@opentelemetry/api';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MemoryAuditSink, type SecureMiddleware } from 'secure-claude';
import { Pipeline } from '../../src/core/pipeline';
import { transformSseBody } from '../../src/core/sse';

const upper: SecureMiddleware = {
  name: 'upper',
  createStreamTransformer: () => ({
    transform(event, emit) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        emit({ ...event, delta: { ...event.delta, text: event.delta.text.toUpperCase() } });
      } else emit(event);
    },
  }),
};

function call() {
  const pipeline = new Pipeline({
    middleware: [upper],
    environment: 'test',
    integration: undefined,
    audit: new MemoryAuditSink(),
    tracer: trace.getTracer('test'),
  });
  const current = pipeline.begin('messages.create', true, undefined);
  return { current, transformers: current.createStreamTransformers() };
}

const event = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
const WIRE =
  event('message_start', { type: 'message_start', message: { id: 'msg_1', content: [] } }) +
  event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
  event('ping', { type: 'ping' }) +
  event('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'héllo ' },
  }) +
  event('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'wörld' },
  }) +
  event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
  event('message_stop', { type: 'message_stop' });

async function run(chunks: Uint8Array[]): Promise<string> {
  const { current, transformers } = call();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(chunk));
      controller.close();
    },
  });
  return new Response(transformSseBody(body, current, transformers)).text();
}

describe('the SSE transform', () => {
  it('forwards unchanged events byte for byte and rewrites changed ones', async () => {
    const output = await run([new TextEncoder().encode(WIRE)]);
    expect(output).toContain(event('ping', { type: 'ping' }));
    expect(output).toContain(event('message_start', { type: 'message_start', message: { id: 'msg_1', content: [] } }));
    expect(output).toContain('"text":"HÉLLO "');
    expect(output).toContain('"text":"WÖRLD"');
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 12 })])(
    'gives the same output for any chunking, even inside UTF-8 sequences',
    async (cuts) => {
      const bytes = new TextEncoder().encode(WIRE);
      const points = [...new Set(cuts.map((cut) => cut % bytes.length))].sort((a, b) => a - b);
      const chunks: Uint8Array[] = [];
      let previous = 0;
      for (const point of [...points, bytes.length]) {
        if (point > previous) chunks.push(bytes.slice(previous, point));
        previous = point;
      }
      expect(await run(chunks)).toBe(await run([bytes]));
    },
  );

  it('joins multi-line data as SSE requires', async () => {
    const wire =
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\ndata: "delta":{"type":"text_delta","text":"abc"}}\n\n';
    expect(await run([new TextEncoder().encode(wire)])).toContain('"text":"ABC"');
  });

  it('stops the stream, fail closed, on an event it cannot read', async () => {
    const wire =
      event('message_start', { type: 'message_start', message: {} }) +
      'event: content_block_delta\ndata: {not json\n\n';
    const error = await run([new TextEncoder().encode(wire)]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SCC_STREAM_ABORTED' });
  });

  it('forwards a stream no transformer changes unchanged, byte for byte', async () => {
    const wire = event('ping', { type: 'ping' }) + event('message_stop', { type: 'message_stop' });
    expect(await run([new TextEncoder().encode(wire.slice(0, 9)), new TextEncoder().encode(wire.slice(9))])).toBe(wire);
  });

  it('processes a last event that lacks its blank line', async () => {
    const wire = WIRE.slice(0, -2);
    expect(await run([new TextEncoder().encode(wire)])).toContain('"text":"WÖRLD"');
  });

  it('turns an upstream failure into SCC_STREAM_ABORTED, aborts the transformers and releases nothing held', async () => {
    const aborted: string[] = [];
    const holder: SecureMiddleware = {
      name: 'holder',
      createStreamTransformer: () => ({
        transform(item, emit) {
          if (item.type !== 'content_block_delta') emit(item);
        },
        abort: () => void aborted.push('holder'),
      }),
    };
    const audit = new MemoryAuditSink();
    const pipeline = new Pipeline({
      middleware: [holder],
      environment: 'test',
      integration: undefined,
      audit,
      tracer: trace.getTracer('test'),
    });
    const current = pipeline.begin('messages.create', true, undefined);
    const bytes = new TextEncoder().encode(WIRE);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new TypeError('terminated'));
        else controller.enqueue(bytes.slice(0, 300));
        sent = true;
      },
    });
    const reader = transformSseBody(body, current, current.createStreamTransformers()).getReader();
    let text = '';
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        text += new TextDecoder().decode(value);
      }
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SCC_STREAM_ABORTED', source: 'http-layer' });
    expect(text).not.toContain('héllo');
    expect(aborted).toEqual(['holder']);
    expect(audit.events.at(-1)).toMatchObject({ type: 'call.blocked', reason: 'SCC_STREAM_ABORTED' });
  });

  it('on a consumer cancel, aborts the transformers, cancels the upstream and ends the call once', async () => {
    const aborted: string[] = [];
    const holder: SecureMiddleware = {
      name: 'holder',
      createStreamTransformer: () => ({
        transform: (item, emit) => emit(item),
        abort: () => void aborted.push('holder'),
      }),
    };
    const audit = new MemoryAuditSink();
    const pipeline = new Pipeline({
      middleware: [holder],
      environment: 'test',
      integration: undefined,
      audit,
      tracer: trace.getTracer('test'),
    });
    const current = pipeline.begin('messages.create', true, undefined);
    let cancelled: unknown = 'not cancelled';
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(event('ping', { type: 'ping' })));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const reader = transformSseBody(body, current, current.createStreamTransformers()).getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    expect(cancelled).toBeUndefined();
    expect(aborted).toEqual(['holder']);
    expect(audit.events.filter((record) => record.type.startsWith('call.'))).toEqual([
      expect.objectContaining({ type: 'call.completed', outcome: 'success' }),
    ]);
  });
});
