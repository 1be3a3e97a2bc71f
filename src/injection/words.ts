/**
 * Word keys for the rule pre-filter: a number made of a word's first five characters, so "ignore",
 * "ignoring" and "ignorez" share one key. Computed without allocating a string per word.
 */

const KEY_LENGTH = 5;
/** 38 character classes + 1: five characters fit in a small integer (39^5 < 2^31). */
const RADIX = 39;

/** Letters and digits map to themselves; every non-ASCII word character shares one class (collisions only cost a wasted scan). */
function characterClass(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x60;
  if (code >= 0x41 && code <= 0x5a) return code - 0x40;
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 27;
  if (code === 0x27) return 37;
  return 38;
}

/** Letters, digits and apostrophes; non-ASCII counts as a letter except the common punctuation blocks. */
export function isWordCode(code: number): boolean {
  if (code < 0x80) {
    return (
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a) ||
      code === 0x27
    );
  }
  return !(
    (code >= 0x80 && code <= 0xbf) ||
    (code >= 0x2000 && code <= 0x206f) ||
    (code >= 0x3000 && code <= 0x303f) ||
    (code >= 0xff00 && code <= 0xff0f)
  );
}

/** The key of one word (or of the first word of a phrase). */
export function wordKey(word: string): number {
  let key = 0;
  for (let index = 0; index < word.length && index < KEY_LENGTH; index += 1) {
    const code = word.charCodeAt(index);
    if (!isWordCode(code)) break;
    key = key * RADIX + characterClass(code);
  }
  return key;
}

/** The keys of every word of `text`, in one pass. */
export function collectWordKeys(text: string): Set<number> {
  const keys = new Set<number>();
  let key = 0;
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (isWordCode(code)) {
      if (length < KEY_LENGTH) key = key * RADIX + characterClass(code);
      length += 1;
    } else if (length > 0) {
      keys.add(key);
      key = 0;
      length = 0;
    }
  }
  if (length > 0) keys.add(key);
  return keys;
}

/** True when any of `anchors` is among `keys`. */
export function hasAnyKey(keys: ReadonlySet<number>, anchors: ReadonlySet<number>): boolean {
  for (const anchor of anchors) if (keys.has(anchor)) return true;
  return false;
}
