import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, createStreamRedactor, SECRET_TYPES, SENSITIVE_TYPES } from '../../src/data/index';
import { chunked, mixedText } from './arbitraries';

const everything = createRedactor({ types: SENSITIVE_TYPES });
const secretsOnly = createRedactor({ types: SECRET_TYPES });

const textWithChunks = mixedText.chain((text) => chunked(text).map((chunks) => ({ text, chunks })));

function streamed(redactor: typeof everything, chunks: readonly string[]): string {
  const stream = createStreamRedactor({ redactor });
  return chunks.map((chunk) => stream.push(chunk)).join('') + stream.end();
}

/** Address blocks: streets, units, towns, countries with postal codes and names, packed together. */
const addressBlocks = fc
  .array(
    fc.constantFrom(
      '12 Main Street',
      '36 rue de Pologne',
      'Koskikatu 25',
      ' Suite 680',
      'Apt. 4',
      '\n',
      ', ',
      ' ',
      'Kissousa',
      'Mora de Rubielos',
      'Dolores',
      'Anna Becker',
      'Cyprus 36903',
      'United Kingdom 75419',
      ', CO',
      'and',
      'the corner of ',
      '10115 Berlin',
      'Germany',
      'Austin, TX 78701',
      '1980 Anna',
    ),
    { minLength: 2, maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('stream redactor (D1, I13)', () => {
  test.prop([addressBlocks.chain((text) => chunked(text).map((chunks) => ({ text, chunks })))], { numRuns: 300 })(
    'every chunking of address blocks equals batch redaction',
    ({ text, chunks }) => {
      expect(streamed(everything, chunks)).toBe(everything.redact(text).text);
      expect(streamed(everything, [...text])).toBe(everything.redact(text).text);
    },
  );

  it('a town joined to its street is a word to the name pass in the look-behind, as in the batch scan', () => {
    // `Becker` is the town of the address and, to the name pass, the list item that makes `Kónya` a name.
    const text = `3911 Fourth Avenue Suite 697, Becker and Kónya ${'the '.repeat(30)}end`;
    expect(everything.redact(text).text).toMatch(/^\[REDACTED:ADDRESS\] and \[REDACTED:PERSON\] the/);
    expect(streamed(everything, [...text])).toBe(everything.redact(text).text);
  });

  it('a table cell is never the start of an address block, which a stream may read without the street before it', () => {
    const text =
      '\nDOB,DOB,DOB,DOB\n1987-03-14,1987-03-14,1987-03-14,12 Main St\n \nDOB,DOB,Address\n' +
      'MRN-5512345,14 Mar 1987,14 Mar 1987\n Oak Avenue, Madison, NC 47258 \nDOB,DOB\n the the the ';
    for (const size of [1, 7, 200]) {
      const chunks = text.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];
      expect(streamed(everything, chunks)).toBe(everything.redact(text).text);
    }
  });

  it('a run of 3,000 unit lines is joined into bounded blocks, so a stream never holds it all', () => {
    const text = Array.from({ length: 3000 }, (_, index) => `Suite ${(index % 900) + 1}`).join('\n') + '\n';
    const blocks = everything.detector.detect(text);
    expect(Math.max(...blocks.map((block) => block.end - block.start))).toBeLessThanOrEqual(120);
    const stream = createStreamRedactor({ redactor: everything });
    let releasedBeforeEnd = '';
    for (const chunk of text.match(/[^]{1,7}/g) ?? []) releasedBeforeEnd += stream.push(chunk);
    expect(releasedBeforeEnd + stream.end()).toBe(everything.redact(text).text);
    expect(releasedBeforeEnd.split('[REDACTED:ADDRESS]').length).toBeGreaterThan(blocks.length - 5);
  });

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
