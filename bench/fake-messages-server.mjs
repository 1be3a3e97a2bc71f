#!/usr/bin/env node
// Loopback fake of the Anthropic Messages API (POST /v1/messages), for measuring client-side
// overhead. No dependencies. Answers every request with a canned Message; when the request
// body contains "stream": true it answers with a canned SSE sequence instead:
//   message_start, content_block_start, ping, N x content_block_delta (text_delta),
//   content_block_stop, message_delta, message_stop
//
//   node fake-messages-server.mjs [--port 0] [--host 127.0.0.1] [--deltas 20] [--text-chars 600]
//                                 [--parse]   (JSON.parse each request body, like a real server)
//
// On start it prints one JSON line to stdout: {"port":N,"url":"http://127.0.0.1:N"}.
// A streamed reply can be paced with the request header `x-fake-delta-delay-ms: N` (N ms before
// each text delta). GET /stats returns counters. Use it as a library: startServer(opts) -> {server, port, close()}.
//
// Copied from the shared performance harness (bench/fake-messages-server.mjs there) so that
// bench/overhead.mjs runs from this repository alone; the pacing header is the only addition.

import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORDS =
  'the quarterly report shows revenue grew eight percent while operating costs stayed flat and the team expects the new billing dashboard to reduce support tickets next month'.split(
    ' ',
  );

function cannedText(chars) {
  let s = '';
  let i = 0;
  while (s.length < chars) s += (s ? ' ' : '') + WORDS[i++ % WORDS.length];
  return s.slice(0, chars);
}

export function buildResponses({ deltas = 20, textChars = 600, model = 'claude-sonnet-4-6' } = {}) {
  const text = cannedText(textChars);
  const message = {
    id: 'msg_01FakeLoopbackServer000000',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 512,
      output_tokens: Math.ceil(textChars / 4),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
  const nonStreamBody = Buffer.from(JSON.stringify(message));

  const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  const pieces = [];
  const step = Math.ceil(text.length / deltas);
  for (let i = 0; i < deltas; i++) pieces.push(text.slice(i * step, (i + 1) * step));
  const events = [];
  events.push(
    ev('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
    }),
  );
  events.push(
    ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  );
  events.push(ev('ping', { type: 'ping' }));
  for (const p of pieces)
    events.push(
      ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }),
    );
  events.push(ev('content_block_stop', { type: 'content_block_stop', index: 0 }));
  events.push(
    ev('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: message.usage.output_tokens },
    }),
  );
  events.push(ev('message_stop', { type: 'message_stop' }));
  return { message, nonStreamBody, sseChunks: events.map((e) => Buffer.from(e)), text };
}

export function startServer({
  port = 0,
  host = '127.0.0.1',
  deltas = 20,
  textChars = 600,
  parse = false,
  chunked = true,
} = {}) {
  const canned = buildResponses({ deltas, textChars });
  const sseAll = Buffer.concat(canned.sseChunks);
  const stats = { requests: 0, streamed: 0, bytesIn: 0, errors: 0 };
  let reqSeq = 0;

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stats));
      return;
    }
    if (req.method !== 'POST' || !req.url.startsWith('/v1/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"type":"error","error":{"type":"not_found_error","message":"not found"}}');
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      const body = Buffer.concat(chunks);
      stats.bytesIn += body.length;
      let stream;
      if (parse) {
        try {
          stream = JSON.parse(body.toString('utf8')).stream === true;
        } catch {
          stats.errors++;
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"type":"error","error":{"type":"invalid_request_error","message":"bad json"}}');
          return;
        }
      } else {
        // Cheap check without parsing: SDKs serialize booleans without spaces.
        stream = body.includes('"stream":true');
      }
      const rid = `req_fake_${(++reqSeq).toString(36)}`;
      if (!stream) {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': canned.nonStreamBody.length,
          'request-id': rid,
        });
        res.end(canned.nonStreamBody);
        return;
      }
      stats.streamed++;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': rid });
      if (!chunked) {
        res.end(sseAll);
        return;
      }
      // Optional pacing, per request: `x-fake-delta-delay-ms: N` waits N ms before each text delta,
      // like a model emitting tokens (used to measure how long a client holds text back).
      const delay = Number(req.headers['x-fake-delta-delay-ms']) || 0;
      if (delay > 0) {
        let i = 0;
        const next = () => {
          while (i < canned.sseChunks.length) {
            const c = canned.sseChunks[i++];
            res.write(c);
            if (i < canned.sseChunks.length && canned.sseChunks[i].includes('text_delta'))
              return void setTimeout(next, delay);
          }
          res.end();
        };
        next();
        return;
      }
      // One write per event, like a real token stream (no artificial delay).
      for (const c of canned.sseChunks) res.write(c);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({
        server,
        port: addr.port,
        url: `http://${host}:${addr.port}`,
        stats,
        canned,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const opts = { port: 0, host: '127.0.0.1', deltas: 20, textChars: 600, parse: false, chunked: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--host') opts.host = argv[++i];
    else if (a === '--deltas') opts.deltas = Number(argv[++i]);
    else if (a === '--text-chars') opts.textChars = Number(argv[++i]);
    else if (a === '--parse') opts.parse = true;
    else if (a === '--single-write') opts.chunked = false;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: node fake-messages-server.mjs [--port 0] [--host 127.0.0.1] [--deltas 20] [--text-chars 600] [--parse] [--single-write]',
      );
      return;
    }
  }
  const s = await startServer(opts);
  process.stdout.write(
    JSON.stringify({ port: s.port, url: s.url, deltas: opts.deltas, textChars: opts.textChars }) + '\n',
  );
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
