import { randomBytes } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClassifier, classified } from '../../src/data/classify';
import { Substitutions, deidentifyFindings, deidentifyStructured, restoreJson } from '../../src/data/deidentify';
import { minimizedJson } from '../../src/data/minimize';
import { STRUCTURED_REPORT } from '../../src/data/classes';

const classifier = createClassifier();
const VALUES = ['jane.roe@acme.io', 'sam.poe@acme.io', '415-555-0134', '123-45-6789', '4111 1111 1111 1111'];
const FILLER = ['Hello ', 'and ', ', ', 'please call ', '<', '>', '<EMAIL_', '_1', ' x ', '\n', 'é', '😀'];

const piece = fc.oneof(fc.constantFrom(...VALUES), fc.constantFrom(...FILLER), fc.string({ maxLength: 6 }));
const textArbitrary = fc.array(piece, { minLength: 1, maxLength: 14 }).map((parts) => parts.join(''));

/** Cuts `text` at sorted random offsets. */
const chunkings = (text: string) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 12 }).map((cuts) => {
    const sorted = cuts.filter((cut) => cut < text.length).sort((left, right) => left - right);
    const chunks: string[] = [];
    let previous = 0;
    for (const cut of sorted) {
      chunks.push(text.slice(previous, cut));
      previous = cut;
    }
    chunks.push(text.slice(previous));
    return chunks;
  });

function deidentify(text: string, mode: 'placeholder' | 'synthetic' = 'placeholder') {
  const substitutions = new Substitutions(mode, randomBytes(32));
  const result = deidentifyFindings(text, classifier.classify(text).findings, 'confidential', substitutions);
  return { text: result.text, substitutions };
}

describe('substitution and restoration (properties)', () => {
  test.prop(
    [
      textArbitrary.chain((text) =>
        fc.tuple(fc.constant(text), fc.constantFrom('placeholder' as const, 'synthetic' as const)),
      ),
    ],
    { numRuns: 300 },
  )('restore(deidentify(x)) gives x back, and no original survives de-identification', ([text, mode]) => {
    const { text: deidentified, substitutions } = deidentify(text, mode);
    const findings = classifier.classify(text).findings;
    const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;
    for (const value of new Set(findings.map((finding) => text.slice(finding.start, finding.end)))) {
      const found = findings.filter((finding) => text.slice(finding.start, finding.end) === value).length;
      expect(occurrences(deidentified, value)).toBeLessThanOrEqual(occurrences(text, value) - found);
    }
    expect(substitutions.restorer().restore(deidentified).text).toBe(text);
  });

  test.prop([textArbitrary.chain((text) => fc.tuple(fc.constant(text), chunkings(deidentify(text).text)))], {
    numRuns: 400,
  })('streamed restoration equals whole-text restoration for every chunking', ([text, chunks]) => {
    const { substitutions } = deidentify(text);
    const restorer = substitutions.restorer();
    const stream = restorer.stream();
    const streamed = chunks.map((chunk) => stream.push(chunk)).join('') + stream.end();
    expect(streamed).toBe(restorer.restore(chunks.join('')).text);
  });

  it('same value, same substitute; numbered by first appearance per type', () => {
    const { text } = deidentify('a jane.roe@acme.io b sam.poe@acme.io c jane.roe@acme.io 415-555-0134');
    expect(text).toBe('a <EMAIL_1> b <EMAIL_2> c <EMAIL_1> <PHONE_1>');
  });

  it('holds back no more than the longest substitute minus one character', () => {
    const { substitutions, text } = deidentify('mail jane.roe@acme.io');
    expect(text).toBe('mail <EMAIL_1>');
    const stream = substitutions.restorer().stream();
    expect(stream.push('Write to <EMAIL_')).toBe('Write to ');
    expect(stream.push('1')).toBe('');
    expect(stream.push('> now <')).toBe('jane.roe@acme.io now ');
    expect(stream.push('b>')).toBe('<b>');
    expect(stream.end()).toBe('');
    expect(stream.count).toBe(1);
  });

  it('restores inside tool-input JSON, escaping originals in unparsable JSON', () => {
    const substitutions = new Substitutions('placeholder', randomBytes(32));
    const placeholder = substitutions.substitute('PERSON', 'Jo "JJ" Roe');
    const restorer = substitutions.restorer();
    expect(JSON.parse(restoreJson(JSON.stringify({ to: placeholder }), restorer).text)).toEqual({ to: 'Jo "JJ" Roe' });
    const broken = restoreJson(`{"to": "${placeholder}`, restorer).text;
    expect(broken).toBe('{"to": "Jo \\"JJ\\" Roe');
  });

  it('labelled fields of a minimizedJson block are substituted by category, whatever their text looks like', () => {
    const Schema = z.object({
      diagnosis: classified(z.string(), { class: 'restricted', category: 'PHI' }),
      note: z.string(),
      visits: z.number(),
    });
    const block = minimizedJson(
      { diagnosis: 'Stage-2 hypertension', note: 'mail jane.roe@acme.io', visits: 3 },
      Schema,
    );
    const substitutions = new Substitutions('placeholder', randomBytes(32));
    const result = deidentifyStructured(
      block.text,
      block[STRUCTURED_REPORT],
      'confidential',
      classifier,
      substitutions,
    )!;
    expect(JSON.parse(result.text)).toEqual({ diagnosis: '<PHI_1>', note: 'mail <EMAIL_1>', visits: 3 });
    expect(result.fields).toEqual([{ path: 'diagnosis', label: { class: 'restricted', category: 'PHI' } }]);
    expect(substitutions.restorer().restore('Re <PHI_1>').text).toBe('Re Stage-2 hypertension');
  });
});
