import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { createRedactor, createStreamRedactor, SECRET_TYPES, SENSITIVE_TYPES } from '../../src/data/index';
import { chunked, mixedText } from './arbitraries';

const everything = createRedactor({ types: SENSITIVE_TYPES });
const secretsOnly = createRedactor({ types: SECRET_TYPES });

const textWithChunks = mixedText.chain((text) => chunked(text).map((chunks) => ({ text, chunks })));

function streamed(redactor: typeof everything, chunks: readonly string[]): string {
  const stream = createStreamRedactor({ redactor });
  return chunks.map((chunk) => stream.push(chunk)).join('') + stream.end();
}

describe('stream redactor (D1, I13)', () => {
  test.prop([textWithChunks], { numRuns: 400 })(
    'every chunking equals batch redaction, all types',
    ({ text, chunks }) => {
      expect(streamed(everything, chunks)).toBe(everything.redact(text).text);
    },
  );

  test.prop([textWithChunks], { numRuns: 200 })(
    'every chunking equals batch redaction, secrets only',
    ({ text, chunks }) => {
      expect(streamed(secretsOnly, chunks)).toBe(secretsOnly.redact(text).text);
    },
  );

  test.prop([textWithChunks], { numRuns: 200 })('one-character chunks equal batch redaction', ({ text }) => {
    expect(streamed(everything, [...text])).toBe(everything.redact(text).text);
  });
});
