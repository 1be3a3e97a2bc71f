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
