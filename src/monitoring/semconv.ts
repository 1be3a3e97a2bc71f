/** Span, event and attribute names of this library. `gen_ai.*` stays with the SDK's own spans. */
export const SPAN_CALL_PREFIX = 'secure_claude.';
export const EVENT_DECISION = 'scc.decision';

export const ATTR_OPERATION = 'scc.operation';
export const ATTR_CALL_ID = 'scc.call_id';
export const ATTR_ENVIRONMENT = 'scc.environment';
export const ATTR_INTEGRATION = 'scc.integration';
export const ATTR_DESTINATION = 'scc.destination';
export const ATTR_MIDDLEWARE = 'scc.middleware';
export const ATTR_PHASE = 'scc.phase';
export const ATTR_ACTION = 'scc.action';
export const ATTR_REASON = 'scc.reason';
export const ATTR_COUNT = 'scc.count';
export const ATTR_RULES = 'scc.rules';
export const ATTR_SCORE = 'scc.score';
export const ATTR_PATHS = 'scc.paths';
export const ATTR_DATA_CLASS = 'scc.data_class';
export const ATTR_DECISION_COUNT = 'scc.decisions.count';
export const ATTR_OUTCOME = 'scc.outcome';
export const ATTR_ERROR_CODE = 'scc.error.code';
