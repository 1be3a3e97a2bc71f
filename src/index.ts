export { SecureClaudeClient, SecureMessages, SecureBatches, SecureBetaMessages, SecureBetaBatches } from './client';
export type { SecureClientOptions, SecurityOptions, ResolvedSecurity, KeyProvider, SecureRequestOptions } from './client';
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
} from './data';
export { screenInjection, injectionScreenMiddleware } from './injection';
export type { InjectionScreenOptions } from './injection';
export { scopeMiddleware } from './credentials/scope-middleware';
export type { ScopeOptions } from './credentials/scope-middleware';
