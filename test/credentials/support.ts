import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { AuditEvent } from '../../src/core/audit';
import type { SecretSource } from '../../src/credentials/types';
import { mintVaultToken } from '../helpers/fake-vault';

/** A fresh, format-valid Anthropic key canary: `sk-ant-api03-` + 93 base64url + `AA`. */
export function anthropicKeyCanary(): string {
  return `sk-ant-api03-${randomBytes(72).toString('base64url').slice(0, 93)}AA`;
}

/** A fresh Vault token canary: `hvs.` + 24 base62. */
export function vaultTokenCanary(): string {
  return mintVaultToken();
}

/** A fresh AppRole secret_id canary (UUID). */
export function secretIdCanary(): string {
  return randomUUID();
}

function encodedForms(secret: string): string[] {
  const forms = [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
  const prefix = /^(sk-ant-api\d\d-|hvs\.)/.exec(secret)?.[0];
  if (prefix) {
    const random = secret.slice(prefix.length);
    for (let index = 0; index + 8 <= random.length; index++) forms.push(random.slice(index, index + 8));
  }
  return forms;
}

/** Renders anything captured (events, errors, logs, strings) as searchable text. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = [inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // Circular structures are covered by inspect.
  }
  if (value instanceof Error) parts.push(String(value), value.stack ?? '');
  return parts.join('\n');
}

/**
 * Invariants I1/I2: no canary, in any encoded form or 8-character window of its random part,
 * appears in anything captured. Returns the leaking canaries' labels.
 */
export function findLeaks(canaries: Record<string, string>, captured: unknown[]): string[] {
  const haystack = captured.map(render).join('\n');
  const leaks: string[] = [];
  for (const [label, secret] of Object.entries(canaries)) {
    for (const form of encodedForms(secret)) {
      if (haystack.includes(form)) {
        leaks.push(`${label}: ${form === secret ? 'whole value' : 'encoded form or window'}`);
        break;
      }
    }
  }
  return leaks;
}

/** Asserts no leak; the failure message names canaries, never their values. */
export function expectNoLeaks(canaries: Record<string, string>, captured: unknown[]): void {
  expect(findLeaks(canaries, captured)).toEqual([]);
}

/** Resolves with the rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Wraps a source so tests can see how many reads are in flight (for settling real I/O under fake timers). */
export function trackedSource(source: SecretSource): SecretSource & { pending: () => number; reads: () => number } {
  let pending = 0;
  let reads = 0;
  return {
    read: () => {
      pending++;
      reads++;
      return source.read().finally(() => {
        pending--;
      });
    },
    describe: () => source.describe(),
    observe: (listener) => source.observe?.(listener),
    close: () => source.close?.(),
    pending: () => pending,
    reads: () => reads,
  };
}

/** Lets real I/O (loopback sockets) finish while fake timers are installed: spins setImmediate. */
export async function settle(isIdle: () => boolean = () => true, maxRealMs = 3_000): Promise<void> {
  const started = process.hrtime.bigint();
  let idleTurns = 0;
  while (idleTurns < 5) {
    await new Promise((resolve) => setImmediate(resolve));
    idleTurns = isIdle() ? idleTurns + 1 : 0;
    if (Number(process.hrtime.bigint() - started) / 1e6 > maxRealMs) throw new Error('settle: real I/O did not finish');
  }
}

/** Audit events of a type. */
export function eventsOf(events: readonly AuditEvent[], type: string): AuditEvent[] {
  return events.filter((event) => event.type === type);
}

/** A small seeded PRNG so jittered schedules are reproducible. */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** An in-memory source for cache-level rows (R2/R3, C1) that need no wire. */
export function memorySource(initial: { key: string; version: number; environment?: string; createdTime?: string }) {
  let current: { key: string; version: number; environment?: string; createdTime?: string } | Error = initial;
  let reads = 0;
  const source: SecretSource = {
    read: async () => {
      reads++;
      if (current instanceof Error) throw current;
      return {
        key: current.key,
        version: current.version,
        metadata: {},
        ...(current.environment ? { environment: current.environment } : {}),
        ...(current.createdTime ? { createdTime: current.createdTime } : {}),
      };
    },
    describe: () => ({ provider: 'memory', path: 'memory/anthropic', principalHash: 'sha256:test' }),
  };
  return {
    source,
    set: (next: typeof initial | Error) => {
      current = next;
    },
    reads: () => reads,
  };
}
