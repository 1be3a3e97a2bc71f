const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_ENTRIES = 32;
const MAX_VALUE_LENGTH = 256;

/**
 * Copies the string-valued entries of an untrusted object into a fresh one, skipping prototype
 * keys (a parsed `"__proto__"` key would otherwise become the copy's prototype) and bounding size.
 */
export function safeStringRecord(
  source: Record<string, unknown>,
  keep: (name: string) => boolean = () => true,
): Record<string, string> {
  const result: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(source)) {
    if (count >= MAX_ENTRIES) break;
    if (FORBIDDEN_NAMES.has(name) || !keep(name) || typeof value !== 'string' || value.length > MAX_VALUE_LENGTH)
      continue;
    result[name] = value;
    count++;
  }
  return result;
}
