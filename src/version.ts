/** This package's version, kept in step with package.json by scripts/check-dist.mjs. */
export const VERSION = '0.1.0';
