export { screenInjection, stripHiddenCharacters, combineScores, DEFAULT_INJECTION_THRESHOLD } from './screen';
export { injectionScreenMiddleware } from './middleware';
export type { InjectionScreenOptions, InjectionIntegrationPolicy } from './middleware';
export type {
  InjectionAction,
  InjectionCategory,
  InjectionFinding,
  InjectionQuarantineEvent,
  InjectionSecurityEvent,
  ScreenOptions,
  ScreenResult,
} from './types';
export { buildPrompt, trusted, untrusted, dangerouslyTrust } from './prompt-builder';
export type { BuildPromptOptions, TrustedText, UntrustedText } from './prompt-builder';
export { injectionSecondOpinionMiddleware, SECOND_OPINION_DESTINATION } from './second-opinion';
export type { SecondOpinionOptions } from './second-opinion';
