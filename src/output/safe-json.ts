import type { GuardReason } from './types';

/**
 * Largest output text the guard parses: 1 MiB of UTF-16 units. A structured reply of that size is
 * far beyond any `max_tokens` a schema-bound call uses; anything larger is refused before parsing.
 */
export const DEFAULT_MAX_JSON_CHARACTERS = 1024 * 1024;
/** Deepest nesting the guard accepts; business schemas rarely pass 10, and zod recurses per level. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; reason: GuardReason };

/**
 * Parses model output as JSON, strictly: the whole text must be one JSON value (whitespace around
 * it allowed). No repair: a code fence, prose around it, a trailing comma or a cut-off value fail.
 * Size and depth are capped by a linear scan *before* `JSON.parse`, and a `__proto__` key fails
 * the parse, so model output can neither exhaust the stack nor set a prototype. Never throws.
 */
export function parseStrictJson(
  text: string,
  limits: { maxCharacters?: number; maxDepth?: number } = {},
): StrictJsonResult {
  const maxCharacters = limits.maxCharacters ?? DEFAULT_MAX_JSON_CHARACTERS;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (typeof text !== 'string') return { ok: false, reason: { code: 'no-text' } };
  if (text.length > maxCharacters) return { ok: false, reason: { code: 'too-large' } };
  const depth = scanBrackets(text, maxDepth).deepest;
  if (depth > maxDepth) return { ok: false, reason: { code: 'too-deep' } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The engine's message quotes the text, so only a content-free hint survives.
    return { ok: false, reason: { code: 'invalid-json', hint: classifyInvalid(text) } };
  }
  if (text.includes('__proto__') && hasForbiddenKey(value)) return { ok: false, reason: { code: 'forbidden-key' } };
  return { ok: true, value };
}

/**
 * Walks JSON brackets outside strings once: the deepest nesting (the walk stops once past `limit`)
 * and what is still open at the end (an open string counts as one), a sign the text was cut off.
 * Linear, no recursion.
 */
function scanBrackets(text: string, limit = Infinity): { deepest: number; open: number } {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92) index++;
      else if (code === 34) inString = false;
      continue;
    }
    if (code === 34) inString = true;
    else if (code === 123 || code === 91) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return { deepest, open: depth };
      }
    } else if (code === 125 || code === 93) depth--;
  }
  return { deepest, open: inString ? depth + 1 : depth };
}

/** Whether any object in `root` has an own `__proto__` key. Iterative: depth is already capped. */
function hasForbiddenKey(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
    for (const key of Object.keys(value)) pending.push((value as Record<string, unknown>)[key]);
  }
  return false;
}

/** Why almost-valid JSON failed, without quoting it. */
function classifyInvalid(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('```')) return 'code-fence';
  const first = trimmed[0];
  if (first !== '{' && first !== '[' && first !== '"' && /[{[]/.test(trimmed)) return 'surrounding-text';
  if ((first === '{' || first === '[') && scanBrackets(trimmed).open > 0) return 'truncated';
  if (first === '{' || first === '[') {
    const last = trimmed[trimmed.length - 1];
    if (last !== '}' && last !== ']') return 'surrounding-text';
  }
  return 'syntax';
}
