export { SecureClaudeClient, SecureMessages, SecureBatches, SecureBetaMessages, SecureBetaBatches } from './client';
export type {
  SecureClientOptions,
  SecurityOptions,
  ResolvedSecurity,
  KeyProvider,
  SecureRequestOptions,
} from './client';
export { definePreset, isPreset } from './core/preset';
export type { Preset, PresetDefinition } from './core/preset';
export { getSecurityDecisions } from './core/secure-call';
export {
  SecureClaudeError,
  ConfigError,
  PolicyViolationError,
  CredentialError,
  OutputValidationError,
  ErrorCode,
} from './core/errors';
export type { SecureClaudeErrorOptions } from './core/errors';
export type {
  SecureMiddleware,
  MiddlewareContext,
  StreamEventTransformer,
  StreamEvent,
  MessageParams,
  MessageResult,
  SecurityDecision,
  SecurityDecisions,
  DecisionAction,
  CallSecurityOptions,
  Environment,
  Operation,
  MaybePromise,
} from './core/middleware';
export { mapParamsText, mapResultText, forEachParamsText } from './core/content';
export type { TextKind, TextLocation, TextVisitor } from './core/content';
export { MemoryAuditSink } from './core/audit';
export type { AuditEvent, AuditSink } from './core/audit';
export { VERSION } from './version';
export { defaultPreset } from './presets';
export {
  detectSensitiveData,
  createDetector,
  redactText,
  createRedactor,
  createStreamRedactor,
  redactionMiddleware,
  inputGuardMiddleware,
  SENSITIVE_TYPES,
  SECRET_TYPES,
  classificationMiddleware,
  deidentifyMiddleware,
  classified,
  classifyText,
  createClassifier,
  createPolicy,
  DEFAULT_POLICY_RULES,
  minimize,
  minimizeForPrompt,
  minimizedJson,
  DEFAULT_TYPE_LABELS,
  DATA_CLASS_ORDER,
} from './data';
export type {
  Finding,
  SensitiveType,
  CustomDetector,
  DetectOptions,
  RedactOptions,
  RedactionResult,
  RedactionMiddlewareOptions,
  InputGuardOptions,
  ClassificationMiddlewareOptions,
  DeidentifyMiddlewareOptions,
  DeidentifyMode,
  Policy,
  PolicyRule,
  PolicyAction,
  FieldSpec,
  MinimizeResult,
  DataClass,
  DataCategory,
  DataLabel,
} from './data';
export {
  screenInjection,
  injectionScreenMiddleware,
  buildPrompt,
  trusted,
  untrusted,
  dangerouslyTrust,
  injectionSecondOpinionMiddleware,
} from './injection';
export type {
  InjectionScreenOptions,
  InjectionSecurityEvent,
  ScreenResult,
  BuildPromptOptions,
  TrustedText,
  UntrustedText,
  SecondOpinionOptions,
} from './injection';
export { scopeMiddleware } from './credentials/scope-middleware';
export type { ScopeOptions } from './credentials/scope-middleware';
export {
  outputGuardMiddleware,
  guardedParse,
  guardedCreate,
  guardToolUse,
  actionGate,
  expectedFormat,
  toolAllowlist,
  createMemoryReviewQueue,
  createSqliteReviewQueue,
  jsonLinesOutputLog,
  createMemoryOutputLog,
  ReviewQueueError,
} from './output';
export type {
  OutputGuardOptions,
  GuardedOutcome,
  GuardedParseOptions,
  GuardedCreateOptions,
  ExpectedFormatOptions,
  ToolAllowlist,
  ReviewQueue,
  ReviewItem,
  OutputLog,
  OutputLogEntry,
} from './output';
export { verifyControls } from './monitoring/verify';
export type { ControlCheck } from './monitoring/verify';
export { assessPosture } from './monitoring/posture';
export type { PostureItem } from './monitoring/posture';
