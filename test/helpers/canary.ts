/**
 * Canary kit (RELIABILITY.md, Harness item 6 and invariant I1): fresh credential-shaped values per test, the encoded
 * forms a leak could take, a robust scanner over arbitrary captured values, and a console/stdout/stderr capture.
 *
 * Leak reports never contain the secret itself: only which secret, which form and where it was found.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { format, inspect } from 'node:util';

/** Fixed prefix of Anthropic API keys. */
export const ANTHROPIC_KEY_PREFIX = 'sk-ant-api03-';

/** Prefixes excluded from the 8-character windows (they are public, not secret). */
const KNOWN_PREFIXES = [ANTHROPIC_KEY_PREFIX, 'sk-ant-admin01-', 'hvs.', 'hvb.', 'hvr.'];
const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const WINDOW_LENGTH = 8;
const WINDOW_FORM_PREFIX = 'window@';
const MAX_WALKED_NODES = 200_000;

/** A fresh Anthropic-format key: `sk-ant-api03-` + 93 random base64url characters + `AA` (108 characters). */
export function makeCanaryKey(): string {
  return `${ANTHROPIC_KEY_PREFIX}${randomBytes(70).toString('base64url').slice(0, 93)}AA`;
}

/** A fresh Vault service token: `hvs.` + 24 base62 characters. */
export function makeVaultToken(): string {
  let token = 'hvs.';
  for (let index = 0; index < 24; index++) token += BASE62_ALPHABET[randomInt(62)];
  return token;
}

/** A fresh AppRole `secret_id` (UUID v4). */
export function makeSecretId(): string {
  return randomUUID();
}

/** One searchable form of a secret, named for leak reports (`whole`, `hex`, `base64@align1`, `window@17`, …). */
export interface CanaryForm {
  form: string;
  value: string;
}

/**
 * Every form of `secret` checked by invariant I1, named: the whole value, every 8-character window of its random part
 * (after a known prefix such as `sk-ant-api03-`), base64 and base64url (whole, and the alignment-independent core at
 * each of the three byte alignments so an embedded key is found too), hex (lower and upper case), URL-encoded and
 * JSON-escaped. Forms shorter than 8 characters are dropped; duplicates keep the first name.
 */
export function namedCanaryForms(secret: string): CanaryForm[] {
  const forms: CanaryForm[] = [];
  const seen = new Set<string>();
  const add = (form: string, value: string): void => {
    if (value.length < WINDOW_LENGTH || seen.has(value)) return;
    seen.add(value);
    forms.push({ form, value });
  };

  add('whole', secret);
  const bytes = Buffer.from(secret, 'utf8');
  add('base64', bytes.toString('base64'));
  add('base64url', bytes.toString('base64url'));
  for (let alignment = 0; alignment < 3; alignment++) {
    add(`base64@align${alignment}`, alignedBase64Core(bytes, alignment, 'base64'));
    add(`base64url@align${alignment}`, alignedBase64Core(bytes, alignment, 'base64url'));
  }
  add('hex', bytes.toString('hex'));
  add('hex-upper', bytes.toString('hex').toUpperCase());
  add('url-encoded', encodeURIComponent(secret));
  add('json-escaped', JSON.stringify(secret).slice(1, -1));

  const prefix = KNOWN_PREFIXES.find((candidate) => secret.startsWith(candidate)) ?? '';
  const randomPart = secret.slice(prefix.length);
  for (let offset = 0; offset + WINDOW_LENGTH <= randomPart.length; offset++) {
    add(`${WINDOW_FORM_PREFIX}${offset}`, randomPart.slice(offset, offset + WINDOW_LENGTH));
  }
  return forms;
}

/** The values of {@link namedCanaryForms}: every string whose presence counts as a leak of `secret`. */
export function canaryForms(secret: string): string[] {
  return namedCanaryForms(secret).map((form) => form.value);
}

/**
 * Base64 characters determined only by `bytes` when they are preceded by `alignment` (0–2) other bytes: the encoding
 * of the secret as it appears inside any longer encoded payload at that alignment.
 */
function alignedBase64Core(bytes: Buffer, alignment: number, encoding: 'base64' | 'base64url'): string {
  const encoded = Buffer.concat([Buffer.alloc(alignment), bytes]).toString(encoding);
  const firstCharacter = Math.ceil((8 * alignment) / 6);
  const endCharacter = Math.floor((8 * (alignment + bytes.length)) / 6);
  return encoded.slice(firstCharacter, endCharacter);
}

/** One text rendering of a haystack, with how it was produced (`JSON.stringify`, `util.inspect`, `.cause.message`, …). */
interface Rendering {
  via: string;
  text: string;
}

/**
 * Scan `haystacks` for any form of any of `secrets` (see {@link canaryForms}). Each haystack is rendered robustly:
 * strings as-is; byte arrays decoded; everything else through `JSON.stringify` (cycle-safe, errors expanded),
 * `util.inspect` (depth Infinity, hidden properties), `String()`, and a walk over every reachable string (own
 * properties including non-enumerable and symbol keys, accessors, `Error` message/stack/cause chain, Map/Set entries).
 *
 * @returns one description per (haystack, secret, form kind) found, e.g.
 *   `haystack[2] leaks secret[0] as whole value (via .cause.message)`; empty when clean. Never contains the secret.
 */
export function findLeaks(haystacks: readonly unknown[], secrets: readonly string[]): string[] {
  const formsBySecret = secrets.map((secret) => namedCanaryForms(secret));
  const leaks: string[] = [];
  haystacks.forEach((haystack, haystackIndex) => {
    const renderings = renderHaystack(haystack);
    formsBySecret.forEach((forms, secretIndex) => {
      const found: Array<{ form: string; via: string }> = [];
      for (const { form, value } of forms) {
        const rendering = renderings.find((candidate) => candidate.text.includes(value));
        if (rendering !== undefined) found.push({ form, via: rendering.via });
      }
      leaks.push(...describeLeaks(`haystack[${haystackIndex}]`, `secret[${secretIndex}]`, found, forms));
    });
  });
  return leaks;
}

/** Throw an `Error` listing every leak found by {@link findLeaks}; the message never contains a secret. */
export function assertNoLeaks(haystacks: readonly unknown[], secrets: readonly string[]): void {
  const leaks = findLeaks(haystacks, secrets);
  if (leaks.length > 0) throw new Error(`Canary scan found ${leaks.length} leak(s):\n  ${leaks.join('\n  ')}`);
}

function describeLeaks(
  haystackLabel: string,
  secretLabel: string,
  found: ReadonlyArray<{ form: string; via: string }>,
  forms: readonly CanaryForm[],
): string[] {
  const descriptions: string[] = [];
  const windows = found.filter((match) => match.form.startsWith(WINDOW_FORM_PREFIX));
  const encodings = found.filter((match) => !match.form.startsWith(WINDOW_FORM_PREFIX));
  for (const match of encodings) {
    const formLabel = match.form === 'whole' ? 'whole value' : `${match.form} form`;
    descriptions.push(`${haystackLabel} leaks ${secretLabel} as ${formLabel} (via ${match.via})`);
  }
  const wholeFound = encodings.some((match) => match.form === 'whole');
  const firstWindow = windows[0];
  if (firstWindow !== undefined && !wholeFound) {
    const windowTotal = forms.filter((form) => form.form.startsWith(WINDOW_FORM_PREFIX)).length;
    const firstOffset = firstWindow.form.slice(WINDOW_FORM_PREFIX.length);
    descriptions.push(
      `${haystackLabel} leaks ${secretLabel} as ${WINDOW_LENGTH}-char window(s) of its random part ` +
        `(${windows.length} of ${windowTotal}, first at offset ${firstOffset}, via ${firstWindow.via})`,
    );
  }
  return descriptions;
}

function renderHaystack(haystack: unknown): Rendering[] {
  if (typeof haystack === 'string') return [{ via: 'string', text: haystack }];
  if (haystack instanceof Uint8Array) return renderBytes(haystack, 'bytes');
  if (haystack === null || (typeof haystack !== 'object' && typeof haystack !== 'function')) {
    return [{ via: 'String()', text: String(haystack) }];
  }
  const renderings: Rendering[] = [];
  const attempt = (via: string, render: () => string | undefined): void => {
    try {
      const text = render();
      if (typeof text === 'string') renderings.push({ via, text });
    } catch {
      // A rendering that throws cannot leak through that route; the others still run.
    }
  };
  attempt('JSON.stringify', () => JSON.stringify(haystack, safeReplacer()));
  attempt('util.inspect', () =>
    inspect(haystack, {
      depth: Infinity,
      showHidden: true,
      maxArrayLength: Infinity,
      maxStringLength: Infinity,
      breakLength: Infinity,
    }),
  );
  attempt('String()', () => String(haystack));
  renderings.push(...reachableStrings(haystack));
  return renderings;
}

function renderBytes(bytes: Uint8Array, via: string): Rendering[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [
    { via: `${via} (utf8)`, text: buffer.toString('utf8') },
    { via: `${via} (latin1)`, text: buffer.toString('latin1') },
  ];
}

/** JSON replacer that survives cycles, BigInt and expands errors (which stringify to `{}` otherwise). */
function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  // The objects on the current path: `holder` is what JSON.stringify passes as `this` to the children of `original`.
  const path: Array<{ original: object; holder: object }> = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return `${value.toString()}n`;
    if (typeof value !== 'object' || value === null) return value;
    while (path.length > 0 && path[path.length - 1]!.holder !== this) path.pop();
    if (path.some((entry) => entry.original === value)) return '[Circular]';
    if (value instanceof Error) {
      const expanded: Record<string, unknown> = {
        name: value.name,
        message: value.message,
        stack: value.stack,
      };
      if ('cause' in value) expanded['cause'] = value.cause;
      for (const key of Object.getOwnPropertyNames(value)) expanded[key] ??= readProperty(value, key);
      path.push({ original: value, holder: expanded });
      return expanded;
    }
    path.push({ original: value, holder: value });
    return value;
  };
}

function readProperty(target: object, key: PropertyKey): unknown {
  try {
    return (target as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Every string reachable from `root` through own properties (all kinds), Map/Set entries and byte arrays. */
function reachableStrings(root: unknown): Rendering[] {
  const found: Rendering[] = [];
  const visited = new WeakSet<object>();
  const pending: Array<{ value: unknown; path: string }> = [{ value: root, path: '' }];
  let walked = 0;
  while (pending.length > 0 && walked < MAX_WALKED_NODES) {
    const { value, path } = pending.pop()!;
    walked++;
    if (typeof value === 'string') {
      found.push({ via: path === '' ? 'value' : path, text: value });
      continue;
    }
    if (typeof value === 'bigint' || typeof value === 'symbol') {
      found.push({ via: path, text: value.toString() });
      continue;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    if (visited.has(value)) continue;
    visited.add(value);
    if (value instanceof Uint8Array) {
      found.push(...renderBytes(value, path));
      continue;
    }
    try {
      if (value instanceof Map) {
        let entryIndex = 0;
        for (const [key, entry] of value) {
          pending.push({ value: key, path: `${path}<map key ${entryIndex}>` });
          pending.push({
            value: entry,
            path: `${path}<map value ${entryIndex}>`,
          });
          entryIndex++;
        }
      } else if (value instanceof Set) {
        let entryIndex = 0;
        for (const entry of value)
          pending.push({
            value: entry,
            path: `${path}<set entry ${entryIndex++}>`,
          });
      }
      for (const key of Reflect.ownKeys(value)) {
        const keyText = typeof key === 'symbol' ? `[${key.toString()}]` : `.${key}`;
        // Property names can carry secrets too (e.g. a cache keyed by the raw key).
        if (typeof key === 'string') found.push({ via: `${path}${keyText} (property name)`, text: key });
        const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
        const child =
          descriptor === undefined ? undefined : 'value' in descriptor ? descriptor.value : readProperty(value, key);
        pending.push({ value: child, path: `${path}${keyText}` });
      }
    } catch {
      // Exotic objects (revoked proxies, hostile getters) are skipped; the other renderings still cover them.
    }
  }
  return found;
}

/** Console methods intercepted by {@link captureConsole}. */
export type CapturedConsoleMethod = 'log' | 'warn' | 'error' | 'info' | 'debug';

/** A running console/stdout/stderr capture. */
export interface ConsoleCapture {
  /** Raw arguments of every console call, for deep scanning with {@link findLeaks}. */
  readonly calls: Array<{
    method: CapturedConsoleMethod;
    arguments: unknown[];
  }>;
  /** Text captured so far. */
  text(): string;
  /** Stop capturing, put the original functions back and return everything captured. Idempotent. */
  restore(): string;
}

/** Options for {@link captureConsole}. */
export interface CaptureConsoleOptions {
  /** Also forward the output to the real streams (default false: captured output is swallowed). */
  passThrough?: boolean;
}

/**
 * Capture `console.log/warn/error/info/debug` (formatted like the console does) and raw `process.stdout.write` /
 * `process.stderr.write` until `restore()`.
 */
export function captureConsole(options: CaptureConsoleOptions = {}): ConsoleCapture {
  const methods: CapturedConsoleMethod[] = ['log', 'warn', 'error', 'info', 'debug'];
  const originalMethods = new Map(methods.map((method) => [method, console[method]] as const));
  const originalStdoutWrite = process.stdout.write;
  const originalStderrWrite = process.stderr.write;
  const pieces: string[] = [];
  const calls: ConsoleCapture['calls'] = [];
  let forwardingDepth = 0;
  let restored = false;

  for (const method of methods) {
    const original = originalMethods.get(method)!;
    console[method] = (...callArguments: unknown[]): void => {
      calls.push({ method, arguments: callArguments });
      pieces.push(`${format(...callArguments)}\n`);
      if (options.passThrough) {
        // The original console writes to the (patched) streams; do not capture that a second time.
        forwardingDepth++;
        try {
          original.apply(console, callArguments);
        } finally {
          forwardingDepth--;
        }
      }
    };
  }

  const patchStream = (stream: NodeJS.WriteStream, originalWrite: NodeJS.WriteStream['write']): void => {
    stream.write = function write(chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
      if (forwardingDepth === 0) {
        const encoding = typeof encodingOrCallback === 'string' ? (encodingOrCallback as BufferEncoding) : 'utf8';
        pieces.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(encoding));
      }
      if (options.passThrough || forwardingDepth > 0) {
        return (originalWrite as (...writeArguments: unknown[]) => boolean).call(
          stream,
          chunk,
          encodingOrCallback,
          callback,
        );
      }
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    } as NodeJS.WriteStream['write'];
  };
  patchStream(process.stdout, originalStdoutWrite);
  patchStream(process.stderr, originalStderrWrite);

  return {
    calls,
    text: () => pieces.join(''),
    restore() {
      if (!restored) {
        restored = true;
        for (const method of methods) console[method] = originalMethods.get(method)!;
        process.stdout.write = originalStdoutWrite;
        process.stderr.write = originalStderrWrite;
      }
      return pieces.join('');
    },
  };
}
