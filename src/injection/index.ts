export { screenInjection, combineScores, DEFAULT_INJECTION_THRESHOLD } from './screen';
export type {
  InjectionAction,
  InjectionCategory,
  InjectionFinding,
  InjectionQuarantineEvent,
  InjectionSecurityEvent,
  ScreenOptions,
  ScreenResult,
} from './types';
