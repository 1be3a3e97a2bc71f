import { describe, expect, it } from 'vitest';
import { MemoryAuditSink } from 'secure-claude';
import { auditEvent, writeAuditSafely } from '../../src/core/audit';

describe('MemoryAuditSink', () => {
  it('keeps the newest records, oldest first, and counts what it dropped', () => {
    const sink = new MemoryAuditSink(3);
    for (let index = 0; index < 5; index++)
      sink.write(auditEvent({ type: 'test', outcome: 'info', reason: `r${index}` }));
    expect(sink.events.map((event) => event.reason)).toEqual(['r2', 'r3', 'r4']);
    expect(sink.dropped).toBe(2);
    expect(Object.isFrozen(sink.events[0])).toBe(true);
    sink.clear();
    expect(sink.events).toEqual([]);
  });

  it('writeAuditSafely swallows sync throws and async rejections from a failing sink', async () => {
    const errors: unknown[] = [];
    const event = auditEvent({ type: 'test', outcome: 'info', reason: 'x' });
    writeAuditSafely(
      {
        write: () => {
          throw new Error('down');
        },
      },
      event,
      (error) => errors.push(error),
    );
    writeAuditSafely({ write: () => Promise.reject(new Error('down')) }, event, (error) => errors.push(error));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toHaveLength(2);
  });

  it('copies fields as data: an own __proto__ key from parsed JSON stays a key and sets no prototype', () => {
    const fields = JSON.parse('{"type":"test","outcome":"info","reason":"x","__proto__":{"polluted":true}}');
    const sink = new MemoryAuditSink();
    sink.write(auditEvent(fields));
    const [record] = sink.events;
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.hasOwn(record!, '__proto__')).toBe(true);
    expect((record as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(record).toMatchObject({ type: 'test', reason: 'x' });
    expect(typeof record!.time).toBe('string');
  });
});
