import { fc, test } from '@fast-check/vitest';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/redaction-corpus.mjs';
import { BUILT_IN_PATTERNS } from '../../src/data/patterns';
import { compilePattern, splitAtValueAlternatives, splitAtValueGroup, type ByteMatch } from '../../src/data/re2';
import { mixedText, secret } from './arbitraries';

// `compilePattern` finds a match's extents with `search` and sticky `test` calls instead of `exec`.
// These tests hold it to what `exec` with `d` indices reports: the same matches, the same value
// extents, and the same resumption after the caller rejects a match or keeps only part of it.

/** The plain `exec` loop that `compilePattern` replaced: the reference for every extent. */
const references = new Map<string, RE2>();
const compiled = new Map<string, ReturnType<typeof compilePattern>>();

function scanWithExec(source: string, input: Buffer, decide: (match: ByteMatch) => number): ByteMatch[] {
  let expression = references.get(source);
  if (expression === undefined) references.set(source, (expression = new RE2(source, 'gd')));
  const found: ByteMatch[] = [];
  let position = 0;
  while (position <= input.length) {
    expression.lastIndex = position;
    const match = expression.exec(input) as (RegExpExecArray & { indices: Array<[number, number] | undefined> }) | null;
    if (match === null) break;
    const whole = match.indices[0] as [number, number];
    const value = match.indices.slice(1).find((extent) => extent !== undefined) ?? whole;
    const extents = { start: whole[0], end: whole[1], valueStart: value[0], valueEnd: value[1] };
    found.push(extents);
    const next = decide(extents);
    position = next > whole[0] ? next : whole[0] + 1;
  }
  return found;
}

function scanFast(source: string, input: Buffer, decide: (match: ByteMatch) => number): ByteMatch[] {
  let pattern = compiled.get(source);
  if (pattern === undefined) compiled.set(source, (pattern = compilePattern(source, 'test pattern')));
  const found: ByteMatch[] = [];
  pattern.scan(input, 0, (match) => {
    found.push({ ...match });
    return decide(match);
  });
  return found;
}

/** Accepts most matches, rejects some (resume one byte on) and keeps only the value of others. */
const mixedDecisions = (match: ByteMatch): number => {
  const choice = (match.start * 7 + match.end) % 3;
  if (choice === 0) return match.start + 1;
  if (choice === 1) return match.valueEnd;
  return match.end;
};

describe('splitAtValueGroup', () => {
  it.each([
    ['\\d{3}-\\d{2}', 'whole'],
    ['a|b', 'whole'],
    ['(?m)^x', 'whole'],
    ['key=(\\w+);', { prefix: 'key=', value: '\\w+', suffix: ';' }],
    [
      '(?:\\b|\\x1b\\[[0-9;]{0,12}m)(sk-[a-z]{4})\\b',
      { prefix: '(?:\\b|\\x1b\\[[0-9;]{0,12}m)', value: 'sk-[a-z]{4}', suffix: '\\b' },
    ],
    ['[(]x(y)', { prefix: '[(]x', value: 'y', suffix: '' }],
    ['[]()]x(y)', { prefix: '[]()]x', value: 'y', suffix: '' }],
    ['\\(a(b)', { prefix: '\\(a', value: 'b', suffix: '' }],
    ['\\x{41}(?P<v>b(c))d', { prefix: '\\x{41}', value: 'b(c)', suffix: 'd' }],
    ['[[:alpha:]](z)', { prefix: '[[:alpha:]]', value: 'z', suffix: '' }],
  ])('reads %j', (source, expected) => {
    expect(splitAtValueGroup(source)).toEqual(expected);
  });

  it.each([
    ['(a)|b', 'a top-level alternative can skip the group'],
    ['(?:x(a))', 'the group sits inside another'],
    ['(a)+', 'the group repeats'],
    ['(a){2}', 'the group repeats'],
    ['(?i)k(v)', 'the flag would not carry over to the parts'],
    ['\\Q(a)\\E(b)', 'quoted text'],
  ])('declines %j: %s', (source) => {
    expect(splitAtValueGroup(source)).toBeUndefined();
  });
});

describe('splitAtValueAlternatives', () => {
  it.each([
    [
      'k=(?:"(\\w+)"|(\\w+))',
      {
        prefix: 'k=',
        alternatives: [
          { before: '"', value: '\\w+', after: '"' },
          { before: '', value: '\\w+', after: '' },
        ],
        suffix: '',
      },
    ],
    [
      '(?:a|b)(?:&quot;([^&]+)&quot;|x(y(z))w)\\b',
      {
        prefix: '(?:a|b)',
        alternatives: [
          { before: '&quot;', value: '[^&]+', after: '&quot;' },
          { before: 'x', value: 'y(z)', after: 'w' },
        ],
        suffix: '\\b',
      },
    ],
    ['(?:x(a))', { prefix: '', alternatives: [{ before: 'x', value: 'a', after: '' }], suffix: '' }],
  ])('reads %j', (source, expected) => {
    expect(splitAtValueAlternatives(source)).toEqual(expected);
  });

  it.each([
    ['(?:(a)|b)', 'an alternative without a group'],
    ['(?:(a)(b)|(c))', 'two groups side by side'],
    ['(?:(a)|(b))+', 'the alternatives repeat'],
    ['(?:(a)|(b))|c', 'a top-level alternative'],
    ['(?i:(a)|(b))', 'a flag group'],
    ['(?:x(?:(a)|(b)))', 'a group below the top of its alternative'],
    ['(x)(?:(a)|(b))', 'a group before the alternatives'],
  ])('declines %j: %s', (source) => {
    expect(splitAtValueAlternatives(source)).toBeUndefined();
  });
});

describe('compilePattern finds what exec finds', () => {
  const corpus = Buffer.from(
    generateCorpus({ size: 256 * 1024, seed: 're2-extents' }).text +
      generateCorpus({ size: 64 * 1024, seed: 're2-extents-clean', plant: false }).text,
    'utf8',
  );

  it('for every built-in rule on a corpus of every type, with rejected and trimmed matches', () => {
    const differing = BUILT_IN_PATTERNS.filter(
      (rule) =>
        JSON.stringify(scanFast(rule.source, corpus, mixedDecisions)) !==
        JSON.stringify(scanWithExec(rule.source, corpus, mixedDecisions)),
    ).map((rule) => rule.id);
    expect(differing).toEqual([]);
  });

  it('takes the fast path for every built-in rule', () => {
    const declined = BUILT_IN_PATTERNS.filter(
      (rule) => splitAtValueGroup(rule.source) === undefined && splitAtValueAlternatives(rule.source) === undefined,
    );
    expect(declined.map((rule) => rule.id)).toEqual([]);
  });

  test.prop([fc.oneof(mixedText, secret), fc.integer({ min: 0, max: BUILT_IN_PATTERNS.length - 1 })], {
    numRuns: 400,
  })('for a built-in rule on generated text', (text, index) => {
    const source = (BUILT_IN_PATTERNS[index] as (typeof BUILT_IN_PATTERNS)[number]).source;
    const input = Buffer.from(text, 'utf8');
    expect(scanFast(source, input, mixedDecisions)).toEqual(scanWithExec(source, input, mixedDecisions));
  });

  // Custom detectors take the same path, so shapes the built-ins lack are checked here: anchors
  // whose context is the byte before a resumption, groups that can end early, empty-width ends.
  const customShapes = [
    '\\b\\d{2}',
    '(?m)^[a-e]{2}',
    'x\\B(y)',
    '(?m)^id-(\\d{2,4})$',
    '^\\d+',
    '\\bk=(\\w*)(x?)',
    '(a+)(a*)b?',
    '(\\d{2})\\d*\\b',
    'é(\\p{L}{1,3})',
    '(?:ab|a)(b?c)',
    '(x|xy)(y?z)',
    // Values as alternatives, quoted or not, where a later alternative matches what an earlier one began.
    'k=(?:"(\\w+)"|(\\w+))',
    '(?:x(a)|(ab)|a(b))c?',
    '(?:e|ek)=?(?:(\\d+)x|(\\d*))\\b',
  ];
  const shapeText = fc.stringMatching(/^[abcdekxyz=é"\d\n -]{0,60}$/);
  test.prop([fc.constantFrom(...customShapes), shapeText], { numRuns: 1500 })(
    'for custom shapes on generated text',
    (source, text) => {
      const input = Buffer.from(text, 'utf8');
      expect(scanFast(source, input, mixedDecisions)).toEqual(scanWithExec(source, input, mixedDecisions));
    },
  );
});
