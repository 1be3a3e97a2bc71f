import type { MiddlewareContext, SecurityDecision } from '../../src/core/middleware';

/** A middleware context that records decisions, for calling hooks directly. */
export function createContext(stream = false): MiddlewareContext & { decisions: SecurityDecision[] } {
  const decisions: SecurityDecision[] = [];
  return {
    callId: 'call-1',
    operation: stream ? 'messages.stream' : 'messages.create',
    environment: 'test',
    integration: undefined,
    destination: undefined,
    stream,
    state: new Map(),
    decisions,
    decide: (decision) => decisions.push({ middleware: 'test', phase: 'input', ...decision } as SecurityDecision),
  };
}
