export { createDetector, detectSensitiveData } from './detect';
export type { SensitiveDataDetector } from './detect';
export { SENSITIVE_TYPES, SECRET_TYPES, HEURISTIC_TYPES } from './types';
export type { CustomDetector, DetectOptions, Finding, SensitiveType } from './types';
export { isIbanValid, isLuhnValid, isSsnValid } from './validators';
