import { fc, test } from '@fast-check/vitest';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/redaction-corpus.mjs';
import { BUILT_IN_PATTERNS } from '../../src/data/patterns';
import { compileSet } from '../../src/data/re2';
import { mixedText, secret } from './arbitraries';

// A rule's `prefilter` decides whether its full pattern runs at all, so it must match wherever the
// full pattern does: a prefilter that misses is a finding silently lost. These tests check that
// implication on a dense corpus of every type, on generated text and on each rule's own examples.

const withPrefilter = BUILT_IN_PATTERNS.filter((rule) => rule.prefilter !== undefined).map((rule) => ({
  id: rule.id,
  full: new RE2(rule.source, 'g'),
  prefilter: new RE2(rule.prefilter as string),
}));

/** Ids of rules whose full pattern matches `text` while their prefilter does not. */
function violations(text: string): string[] {
  const buffer = Buffer.from(text, 'utf8');
  return withPrefilter
    .filter((rule) => {
      rule.full.lastIndex = 0;
      return rule.full.test(buffer) && !rule.prefilter.test(buffer);
    })
    .map((rule) => rule.id);
}

describe('prefilters', () => {
  it('exist for the rules whose full patterns are costly in one RE2.Set', () => {
    expect(withPrefilter.map((rule) => rule.id)).toEqual(
      expect.arrayContaining(['labelled-token', 'password-assignment', 'email', 'credit-card', 'iban']),
    );
  });

  it('match wherever the full pattern matches, on a dense corpus of every type', () => {
    const { text } = generateCorpus({ size: 512 * 1024, seed: 'prefilter-implication' });
    const found = new Set<string>();
    for (let start = 0; start < text.length; start += 2048) {
      for (const id of violations(text.slice(start, start + 2048))) found.add(id);
    }
    expect([...found]).toEqual([]);
  });

  test.prop([fc.oneof(mixedText, secret)], { numRuns: 300 })(
    'match wherever the full pattern matches, on generated text',
    (text) => {
      expect(violations(text)).toEqual([]);
    },
  );

  it.each([
    'password: String = "exord13Paw64"',
    'X3_PSWD=d37Yt1Jnv0-z',
    'call me on +44 20 7946 0958',
    'fe80::1ff:fe23:4567:890a',
    'token => "q7RfT2xLm9KcW4vB8nZ3yH5jD1sA0gEk"',
    "CREATE USER app IDENTIFIED WITH mysql_native_password BY 'SqLpa5sW0rD'",
    'apikey=Zq7RfT2xLm9KcW4vB8nZ',
    'MY_API_KEY_PROD: "q7RfT2xLm9KcW4vB8nZ3"',
    'https://example.test/cb?token%3Dq7RfT2xLm9KcW4vB8nZ3',
    'the signature is q7RfT2xLm9KcW4vB8nZ3yH5',
    'data-auth-token=&quot;q7RfT2xLm9KcW4vB8nZ3&quot;',
    'she lives on Maple Drive now',
    "they met near Saint-Jean-d'Angély Boulevard",
    'enter on Hoge Wei 32',
    'card 5555.5555.5555.4444',
    'One Microsoft Way, Redmond, WA 98052',
    'mysqldump -uadmin -pHunter22 shop',
    'variable "db_password" { default = "Tf$ecret2024" }',
    'Private-Lines: 1\nAAAAIBhGqSJ4PJ2ba3eW',
    '3-14-1 Shibuya, Shibuya-ku, Tokyo 150-0002',
    'the office moved to Jana Pawła II de la Rosa 12b',
  ])('match wherever the full pattern matches: %j', (text) => {
    expect(violations(text)).toEqual([]);
  });
});

describe('the prefilter set', () => {
  // RE2.Set keeps its DFA states within a memory budget. Past it, the states are thrown away and
  // rebuilt on every scan: a whole text still scans fast, but each 2 KB text rebuilds them, and one
  // rule too many made every 2 KB scan of the bench corpus ten times slower (11 to 110 µs). Linear
  // cost means the 2 KB slices of a text cost about what one scan of it does (measured: 1.15x at
  // 32 MiB); the thrashing set cost 14.7x (16 MiB).
  it('scans 2 KB texts at the cost per byte of one long text', () => {
    const set = compileSet(BUILT_IN_PATTERNS.map((rule) => rule.prefilter ?? rule.source));
    const corpus = Buffer.from(generateCorpus({ size: 4 * 1024 * 1024, seed: 'bench-redaction' }).text, 'utf8');
    const best = (run: () => void) => {
      run();
      let fastest = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 5; round++) {
        const start = performance.now();
        run();
        fastest = Math.min(fastest, performance.now() - start);
      }
      return fastest;
    };
    const whole = best(() => set.matching(corpus));
    const slices = best(() => {
      for (let offset = 0; offset < corpus.length; offset += 2048) set.matching(corpus.subarray(offset, offset + 2048));
    });
    expect(slices / whole).toBeLessThan(4);
  });
});
