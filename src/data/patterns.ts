import type { SensitiveType } from './types';
import {
  isCardNumber,
  isEncodedPrivateKey,
  isHighEntropySecret,
  isIbanValid,
  isIpv4Valid,
  isIpv6Valid,
  isLuhnValid,
  isNhsNumberValid,
  isInternationalPhoneValid,
  isPhoneNotDate,
  isPhoneValid,
  isPlaceholderToken,
  isAssignedSecretValue,
  isSecretValueLikely,
  isPasswordByPlace,
  isSsnValid,
  isTokenLikely,
} from './validators';

/**
 * One built-in rule. `source` is RE2 syntax run over UTF-8 bytes; when it has capture groups, the
 * first group that matched is the finding and the rest is context (a label such as `DOB:`).
 */
export interface PatternDefinition {
  readonly id: string;
  readonly type: SensitiveType;
  readonly source: string;
  /**
   * A simpler pattern that matches wherever `source` does (a required literal or label), run in
   * the one-pass `RE2.Set` that decides which rules scan a text. Defaults to `source`. Rules with
   * wide bounded repetitions need one: in a set they multiply RE2's DFA states past its cache. Keep
   * it short and free of `[^\n]*`: a state that stays live for a whole line multiplies with every
   * other rule's, and the set's DFA then touches memory that is cold between calls (three such
   * address prefilters cost the set 30 % on 2 KB texts).
   */
  readonly prefilter?: string;
  /** Higher wins when findings overlap; ties go to the longer finding. */
  readonly priority: number;
  readonly confidence: number;
  /**
   * Returns how many characters of the matched value to keep (0 rejects). Lets a checksum trim a
   * greedy match back to its valid prefix, for example an IBAN followed by another word.
   */
  readonly accept?: (value: string) => number;
  /** Rejects a match by its whole text, context included, and its value (false rejects). */
  readonly acceptMatch?: (match: string, value: string) => boolean;
  /**
   * True when the value is a documentation placeholder (`AKIA…EXAMPLE`, `…123456…`), not an issued
   * credential. Placeholders are findings unless the detector is built with `ignorePlaceholders`.
   */
  readonly placeholder?: (value: string) => boolean;
  /**
   * The id of a second finding of the same type: the number the match starts with, before the
   * value. One scan then reports both parts of `20789 Allika 46`.
   */
  readonly leadingNumber?: string;
}

const ENGLISH_FUNCTION_WORDS =
  /(?:^|\s)(?:of|the|and|or|for|to|in|on|at|a|an|is|are|was|with|from|by|my|your|our|their|his|her|its|see|top|best|than)(?=\s|$)/i;

/** Street names do not contain English function words; titles and list items ("5 Musicians Of The 70s") do. */
function hasNoEnglishFunctionWord(value: string): boolean {
  return !ENGLISH_FUNCTION_WORDS.test(value);
}

const MONTH_WORD =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
/** A month name and a day or year as the last two words: `12 February 2025`, `on January 13`. */
const ENDS_WITH_MONTH_AND_NUMBER = new RegExp(`(?:^|\\s)${MONTH_WORD}\\.? {1,2}\\d{1,4}(?:st|nd|rd|th)?$`, 'i');
/** A number, then a month name: `3 Sept.` is a day, not a house number. */
const ENDS_WITH_NUMBER_AND_MONTH = new RegExp(`\\d {1,2}${MONTH_WORD}$`, 'i');

/**
 * Whether a capitalized word and a number can be a street and its house number: not when a
 * function word is among them (a title), nor when the word is a month (`12 February 2025` is a date).
 */
function isStreetAndNumber(value: string): boolean {
  return (
    hasNoEnglishFunctionWord(value) &&
    !ENDS_WITH_MONTH_AND_NUMBER.test(value) &&
    !NUMBERED_PLACE_IN_BUILDING.test(value) &&
    !NUMBERED_THING.test(value)
  );
}

/**
 * Words that a number follows in the name of a product, a release or a part of a document, as it
 * follows a street: `Tesla Model 3`, `MySQL dump 10.13 Distrib 8.0`, `Schedule 3`, `Season 2`,
 * `Windows 10`, a course's `Unit 4`, a platform (`Gl. 8`), a log line's level and process (`ERROR 1`).
 */
const NUMBERED_THING =
  /(?:^|\s)(?:Model|Series|Gen|Generation|Mark|Mk|Type|Class|Release|Build|Distrib|Revision|Rev|Edition|Part|Item|Figure|Fig|Article|Clause|Schedule|Annex|Appendix|Exhibit|Option|Plan|Tier|Grade|Year|Week|Quarter|Sprint|Round|Episode|Season|Volume|Vol|Issue|Day|Windows|Unit|Gl\.|ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL)\s\S+$/;

/**
 * Numbered places inside a building or a site, and acronyms, which a number follows as a street's
 * would: `Admitted to Ward 7B`, `at Gate 12`, `ESI 2` (a triage level).
 */
const NUMBERED_PLACE_IN_BUILDING =
  /^(?:Ward|Bed|Bay|Gate|Platform|Terminal|Floor|Level|Building|Block|Wing|Room|Suite|Station|Zone|Area|Section|Page|Chapter|Step|Phase|Stage|Version|Team|Table|Row|Seat|Line|Lot|[A-Z]{2,4}) \S+$/;

const whole = (check: (value: string) => boolean) => (value: string) => (check(value) ? value.length : 0);

/** A private key header names a real key kind; `FAKE` or `EMPTY PRIVATE KEY` marks a fixture. */
const KNOWN_KEY_HEADER =
  /^-----BEGIN (?:(?:RSA|DSA|EC|ECDSA|ED25519|OPENSSH|ENCRYPTED|PGP|SSH2 ENCRYPTED|SSH2|PUTTY|X25519|X448|ED448) )?PRIVATE KEY/;

/**
 * Where a provider token may start: a word boundary, or right after an ANSI colour escape
 * (`\x1b[93msk-…` in terminal logs, where no word boundary separates the `m` from the token).
 */
const TOKEN_START = '(?:\\b|\\x1b\\[[0-9;]{0,12}m)';

/**
 * A card number as cards print it: no separators, or groups of four with a shorter last one
 * (13 to 19 digits), or American Express's 4-6-5 and Diners Club's 4-6-4. An order or ticket number
 * grouped otherwise (`335-4684952-0214467`, `297 0969956202`) passes Luhn one time in ten.
 */
function isCardAsWritten(value: string): boolean {
  if (!isCardNumber(value)) return false;
  const groups = value.split(/[ .-]/).map((group) => group.length);
  if (groups.length === 1) return true;
  if (groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4)) return true;
  const last = groups[groups.length - 1] as number;
  return groups.slice(0, -1).every((length) => length === 4) && last >= 1 && last <= 4;
}

/** Card numbers that payment providers publish for tests (Stripe, Braintree, Adyen): with `ignorePlaceholders`, none. */
const TEST_CARD_NUMBERS: ReadonlySet<string> = new Set([
  '4242424242424242',
  '4000056655665556',
  '4000000000000002',
  '4000000000009995',
  '4111111111111111',
  '4012888888881881',
  '5555555555554444',
  '5200828282828210',
  '5105105105105100',
  '2223003122003222',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '3566002020360505',
  '30569309025904',
  '6200000000000005',
]);

function isTestCardNumber(value: string): boolean {
  return TEST_CARD_NUMBERS.has(value.replace(/\D/g, ''));
}

/** Tries the whole value, then drops trailing separator-delimited groups until `check` passes. */
const longestValidPrefix = (check: (value: string) => boolean, minimumLength: number) => (value: string) => {
  let candidate = value;
  while (candidate.length >= minimumLength) {
    if (check(candidate)) return candidate.length;
    const cut = Math.max(candidate.lastIndexOf(' '), candidate.lastIndexOf('-'));
    if (cut <= 0) return 0;
    candidate = candidate.slice(0, cut);
  }
  return 0;
};

// Latin, Greek and Cyrillic letters as explicit ranges: the full Unicode classes make RE2's
// automaton so large that it falls back to the slow NFA on megabyte inputs.
const UPPER = '[A-Z\\x{C0}-\\x{D6}\\x{D8}-\\x{DE}\\x{100}-\\x{17F}\\x{391}-\\x{3A9}\\x{410}-\\x{42F}]';
const LOWER = '[a-z\\x{DF}-\\x{F6}\\x{F8}-\\x{FF}\\x{100}-\\x{17F}\\x{3AC}-\\x{3CE}\\x{430}-\\x{45F}]';
const LETTER = '[A-Za-z\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{17F}\\x{386}-\\x{3CE}\\x{410}-\\x{45F}]';

const MIXED_CASE_STREET_SUFFIXES =
  'Street|Str|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Close|Row|Gardens|Grove|Hill|Mews|Park|Path|Pike|Plaza|Ridge|Run|Walk|Alley|Loop|Crossing|Heights|Point|Expressway|Freeway';
/** Street suffixes capitalized or in capitals, as shipping and pharmacy labels print them (`7735 LAKEVIEW DRIVE`). */
const STREET_SUFFIXES = `${MIXED_CASE_STREET_SUFFIXES}|${MIXED_CASE_STREET_SUFFIXES.toUpperCase()}`;

/** The street words of {@link STREET_WORD_SUFFIXES} that end no English word: a street in lower case (`hersnapvej 18`). */
const DISTINCT_STREET_WORD_SUFFIXES =
  'katu|kuja|polku|vägen|gatan|gränd|veien|vegen|vej|gade|straße|strasse|straat|gracht|laan|gasse|allee|platz|utca|út|ulica|tér|gata';

const STREET_WORD_SUFFIXES =
  'katu|tie|kuja|polku|tie|vägen|gatan|gränd|veien|vegen|vei|vej|gade|straße|strasse|str\\.|weg|laan|straat|gracht|plein|kade|steeg|dreef|singel|gasse|allee|platz|ring|utca|út|ulica|tér|gata';

/** Japan's largest cities, which end an address after its district (`3-14-1 Shibuya, Tokyo`). */
const JAPANESE_CITIES =
  'Tokyo|Osaka|Kyoto|Yokohama|Nagoya|Sapporo|Kobe|Fukuoka|Kawasaki|Saitama|Hiroshima|Sendai|Chiba|Kitakyushu|Sakai|Niigata|Hamamatsu|Kumamoto|Okayama|Shizuoka|Nara|Naha';

/** Street kinds written as a word after the name, no English word: `Váci utca 12`, `Kongens vej 5`. */
const STREET_KIND_WORDS =
  'utca|út|útja|körút|tér|vei|veien|vej|gata|gatan|gade|ulica|ulitsa|prospekt|pereulok|straße|strasse|allee|allé|platz|gasse';

/**
 * Words that name a street by its kind, before its name. Those that are no English word match in
 * any case (`36 rue de Pologne`); the others (`Via`, `Place`, `Avenue`) only capitalized.
 */
const STREET_PREFIXES =
  // In capitals at a line's start too, as bank messages write addresses (`VIA ROMA 196/B` under
  // SWIFT's `:50K:`); `SENT VIA DHL 3 DAYS AGO` is no street.
  'Via|(?m:^)VIA|Piazza|(?m:^)PIAZZA|Largo|(?m:^)LARGO|Avenue|Av\\.?|Plaza|Place|Boulevard|C/|Οδός|Πλατεία|Carrer|Passeig|Camino|Carretera|Travesía|(?i:rue|rua|rúa|calle|avenida|avda\\.?|travessa|chemin|ulica|ul\\.|viale|corso|paseo|plac|aleja|odos)|' +
  // French streets in lower case, where `de` says they are named: `33 avenue de Provence`.
  '(?:avenue|boulevard|allée|impasse|cours|passage|square|route|place|sentier) d(?:e|u|es)';

/** A French street kind in lower case before a capitalized name, after a house number: `34 boulevard Voltaire`. */
const FRENCH_KIND_BEFORE_NAME = '(?:avenue|boulevard|allée|impasse|quai|place) {1,2}';

/** English words that end a street name read word by word: `69 Av Sidi Lakhmi street.` */
const NOT_IN_STREET_NAMES = new Set(
  'and or but the a an in on at to of for from with by near is was are were will street road avenue st rd ave'.split(
    ' ',
  ),
);

/** Lower-case words inside a street name: "Rue de la Gare", "Rua Vinte e Cinco de Setembro". */
const STREET_PARTICLES = new Set(
  "de del della di du des da do dos das la le les al el e y van von der den ter d'".split(' '),
);

/**
 * Keeps `value` (a house number, a street kind and name words) up to before the first name word,
 * after the first, that ends the name: a word in `words` (any case, a final `.` aside), or, after a
 * capitalized street kind, a lower-case word that is no particle (`31 Rue Al Bakri today`).
 */
function streetNameLength(words: ReadonlySet<string>): (value: string) => number {
  return (value) => {
    const pattern = /\S+/g;
    let capitalized = false;
    let index = 0;
    for (let word = pattern.exec(value); word !== null; word = pattern.exec(value), index++) {
      const text = word[0];
      const first = text[0] as string;
      if (index === 1) capitalized = first !== first.toLowerCase();
      if (index < 3) continue;
      const key = text.replace(/\.$/, '').toLowerCase();
      const lower = first !== first.toUpperCase();
      if (words.has(key) || (capitalized && lower && !STREET_PARTICLES.has(key) && !key.startsWith("d'")))
        return value.slice(0, word.index).trimEnd().length;
    }
    return value.length;
  };
}

/** A British postcode: `SW1A 2AA`, `M1 1AE`, `EC1A 1BB`. */
const UK_POSTCODE = '[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}';
/** A key as a URL's user part: 32 to 64 hex digits (`https://3f9a…@o1.ingest.sentry.io/1`). */
const URL_USER_KEY = '[0-9a-f]{32,64}';
/** The same key before an `@`, which the e-mail rule rejects. */
const HEX_KEY_AT = new RegExp(`^${URL_USER_KEY}@`);
/** The states of the USA in full, which an address may write instead of their codes (`Palo Alto, California 94304`). */
const US_STATE_NAMES =
  '(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|' +
  'Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|' +
  'Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|' +
  'Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|' +
  'West Virginia|Wisconsin|Wyoming|District of Columbia)';
/** Canadian provinces and territories, and Australian states and territories, in full. */
const REGION_NAMES =
  '(?:Ontario|Quebec|Québec|British Columbia|Alberta|Manitoba|Saskatchewan|Nova Scotia|New Brunswick|' +
  'Newfoundland and Labrador|Prince Edward Island|Yukon|Nunavut|Northwest Territories|New South Wales|Victoria|' +
  'Queensland|South Australia|Western Australia|Tasmania|Northern Territory|Australian Capital Territory)';
/** The states, provinces and territories above, one per entry: a town's name stands before one (`Austin, Texas`). */
export const STATE_NAMES: readonly string[] = [US_STATE_NAMES, REGION_NAMES].flatMap((names) =>
  names.slice(3, -1).split('|'),
);
/** The documentation address blocks: TEST-NET-1 to 3 (RFC 5737) and `2001:db8::/32` (RFC 3849). */
function isDocumentationAddress(value: string): boolean {
  return /^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$|^2001:0?db8:/i.test(value);
}

/**
 * A North American number in the block reserved for fiction and examples: 555-0100 to 555-0199,
 * with or without an area code or `+1` (`(212) 555-0123`, `+1 555-0100`).
 */
function isFictionalPhoneNumber(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  const local = (digits.length === 8 || digits.length === 11) && digits.startsWith('1') ? digits.slice(1) : digits;
  return (local.length === 7 || local.length === 10) && local.slice(-7, -2) === '55501';
}

/** A street line of the `address-street-postcode` rule whose number is a year. */
const STREET_NUMBER_IS_YEAR = / (?:19|20)\d{2},?\s{1,3}\d/;
/** A match that ends in `:` and a digit: the number was a ratio's or a time's (`1:24`, `10:30`). */
const RATIO_AFTER_NUMBER = /:\d$/;

/** A part of an Indian address before its town: `Prestige Lakeside`, `38th Main Road`, `Jayanagar 4th Block`. */
const INDIAN_ADDRESS_PART = `(?:\\d{1,3}(?:st|nd|rd|th) )?[A-Z][A-Za-z]{1,25}(?: (?:[A-Z][A-Za-z]{1,25}|\\d{1,3}(?:st|nd|rd|th))){0,3}`;

/** India's states and union territories, before a PIN code. */
const INDIAN_STATES =
  'Andhra Pradesh|Arunachal Pradesh|Assam|Bihar|Chhattisgarh|Goa|Gujarat|Haryana|Himachal Pradesh|Jharkhand|Karnataka|' +
  'Kerala|Madhya Pradesh|Maharashtra|Manipur|Meghalaya|Mizoram|Nagaland|Odisha|Punjab|Rajasthan|Sikkim|Tamil Nadu|' +
  'Telangana|Tripura|Uttar Pradesh|Uttarakhand|West Bengal|Delhi|New Delhi|Chandigarh|Puducherry|Jammu and Kashmir|Ladakh';
/** A Canadian postal code: `M5H 2S6`, `K1A0B1`. */
const CA_POSTCODE = '[A-Z]\\d[A-Z] ?\\d[A-Z]\\d';

const COUNTRIES =
  'United States|United Kingdom|Canada|Mexico|Brazil|Argentina|Chile|Colombia|Peru|Germany|France|Italy|Spain|Portugal|Netherlands|Belgium|Luxembourg|Switzerland|Austria|Denmark|Sweden|Norway|Finland|Iceland|Ireland|Poland|Czech Republic|Czechia|Slovakia|Hungary|Romania|Bulgaria|Greece|Cyprus|Croatia|Slovenia|Serbia|Estonia|Latvia|Lithuania|Ukraine|Turkey|Israel|Egypt|Morocco|Tunisia|South Africa|Nigeria|Kenya|India|Pakistan|China|Japan|South Korea|Taiwan|Singapore|Malaysia|Indonesia|Philippines|Thailand|Vietnam|Australia|New Zealand|Greenland';

/** Country names; the PERSON detector never takes one for a name. */
export const COUNTRY_NAMES: readonly string[] = COUNTRIES.split('|');

// Dates of birth and medical record numbers. Both are PHI only beside a label that says so, so every
// rule here is anchored on its label (or on the HL7 segment field that holds it), and a
// date or number without one is left alone: a meeting date is not a date of birth.

/**
 * Month names in English, abbreviated or not, and in full in German, French, Spanish, Italian,
 * Portuguese and Dutch (`29. Januar 1996`, `7 octobre 1960`, `9 de junio de 1936`).
 */
const MONTH_NAME = `(?i:${[
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?',
  'j[äa]nner|januar|februar|m[äa]rz|mai|juni|juli|oktober|dezember',
  'janvier|f[ée]vrier|mars|avril|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre',
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|se?ptiembre|octubre|noviembre|diciembre',
  'gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre',
  'janeiro|fevereiro|mar[çc]o|maio|junho|julho|setembro|outubro|novembro|dezembro',
  'januari|februari|maart|mei|augustus',
  // Polish and Czech months, in the genitive a date writes (`19 listopada 1949`).
  'stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|wrze[śs]nia|pa[źz]dziernika|listopada|grudnia',
  'ledna|[úu]nora|b[řr]ezna|dubna|kv[ěe]tna|[čc]ervna|[čc]ervence|srpna|z[áa][řr][íi]|[řr][íi]jna|listopadu|prosince',
  // Turkish, Indonesian and Nordic months (`16 Temmuz 1955`, `10 Januari 1955`, `3 augusti 1990`).
  'ocak|[şŞ]ubat|mart|nisan|may[ıi]s|haziran|temmuz|a[ğg]ustos|eyl[üu]l|ekim|kas[ıi]m|aral[ıi]k',
  'maret|agustus|desember|maj|augusti',
].join('|')})\\.?`;
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
/** A day with an ordinal ending or the full stop of German ordinals: `14th`, `1er`, `1º`, `29.`. */
const ORDINAL_DAY = `${DAY}(?:(?i:st|nd|rd|th|er)|[º°]|\\.)?`;
/** `of`, `de` or `del` between day, month and year (`14th of March`, `9 de junio de 1936`). */
const DATE_OF = '(?:(?i:of|de|del)\\s{1,2})?';
const MONTH_NUMBER = '(?:0?[1-9]|1[0-2])';
const YEAR = '(?:1[89]|20)\\d{2}';
/** A time after an ISO date (`1987-03-14T00:00:00Z`) belongs to the same value. */
const ISO_TIME =
  '(?:[T ](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?)?';

/**
 * A calendar date as people and systems write a birth date: numeric either way round (`03/14/1987`,
 * `14.03.1987`, `3/4/87`), ISO with an optional time, compact `19870314` (HL7), with a month name
 * (`March 14th, 1987`, `14th of March 1987`, `14-Mar-1987`, `14MAR87`), a month and year (`March
 * 1987`, `03/1987`), or a day and month without a year (`March 14`): HIPAA counts every element of a
 * birth date but the year as identifying. A bare year is not a date: `born in 1987` is left alone.
 */
const DATE = `\\b(?:${[
  `${YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])${ISO_TIME}`,
  `${YEAR}[/.]${MONTH_NUMBER}[/.]${DAY}`,
  `${YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])`,
  // Compact US and European order after a birth label: `dob:03021951`.
  `(?:(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])|(?:0[1-9]|[12]\\d|3[01])(?:0[1-9]|1[0-2]))${YEAR}`,
  `(?:${MONTH_NUMBER}[/.-]${DAY}|${DAY}[/.-]${MONTH_NUMBER})[/.-](?:${YEAR}|\\d{2})`,
  // Czech and Slovak write a space after each full stop: `15. 3. 1993`.
  `${DAY}\\. ${MONTH_NUMBER}\\. ${YEAR}`,
  `${MONTH_NAME}\\s{0,2}${ORDINAL_DAY},?\\s{1,2}${YEAR}`,
  `${MONTH_NAME}[-/]${DAY}[-/](?:${YEAR}|\\d{2})`,
  `${ORDINAL_DAY}\\s{1,2}${DATE_OF}${MONTH_NAME},?\\s{1,2}${DATE_OF}${YEAR}`,
  `${DAY}[-/. ]?${MONTH_NAME}[-/. ]?(?:${YEAR}|\\d{2})`,
  `${YEAR}[-/ ]${MONTH_NAME}[-/ ]${DAY}`,
  // Japanese in Latin letters: `1946-nen 4-gatsu 5-nichi`.
  `${YEAR}-?nen ?${MONTH_NUMBER}-?gatsu ?${DAY}-?nichi`,
  `${MONTH_NAME},?\\s{1,2}${YEAR}`,
  `${MONTH_NUMBER}/${YEAR}`,
  `${MONTH_NAME}\\s{1,2}${ORDINAL_DAY}`,
  `${ORDINAL_DAY}\\s{1,2}${DATE_OF}${MONTH_NAME}`,
].join('|')})\\b`;

/**
 * What names a birth date: `DOB`, `D.O.B.`, `date of birth`, `birth date`, `birthday`, `b-day`, and
 * the same as keys (`date_of_birth`, `dateOfBirth`, `patient_dob`, `patientDOB`, `birthDate`).
 */
const BIRTH_LABEL =
  '(?:(?:\\b|_)(?i:dob|date[ _-]?of[ _-]?birth|birth(?:[ _-]?(?:date|day))?|b-?day|geburtsdatum|fecha de nacimiento|date de naissance|data di nascita|data de nascimento|geboortedatum|födelsedatum|fødselsdato|syntymäaika|data urodzenia|datum narozeni|data nașterii|data nasterii|doğum tarihi|születési dátum|tanggal lahir|tgl\\.? lahir|seinengappi|nascimento)|[a-z](?:Dob|DOB|DateOfBirth|BirthDate|Birthdate|Birthday))(?:[ _-]?(?i:date|dt))?\\b|\\b(?i:d\\.o\\.b|fecha nac|f\\. nac|data nasc|geb\\.-datum)\\b\\.?|\\b(?i:datum narozen)[íÍ]';
/** A note after the label: `DOB/Age:`, `Geburtsdatum/-ort:`, `Date of birth (section 6):`. */
const BIRTH_LABEL_NOTE = '(?:\\s{0,2}/\\s{0,2}-?(?i:age|sex|gender|ort|lieu)|\\s{0,2}\\([A-Za-z0-9/ .-]{1,16}\\))?';
/**
 * An age before the date, for a label that names both (`Age/DOB: 72 / 03-02-1951`, `DOB: 45 y / …`):
 * a space before the slash, so the month of `03/12/1987` is never taken for an age.
 */
const AGE_BEFORE_DATE = '(?:\\d{1,3}(?:\\s{0,2}(?i:y\\.?o\\.?|yrs?\\.?|years?(?: old)?|y))?\\s{1,2}/\\s{1,3})?';
/**
 * A narrative birth: `born`, `born on`, `born in Ohio on`, and the genealogical `(b. 1987-03-14)`;
 * in other languages `geb.`, `geboren am`, `né le`, `nacido el`, `nato il`, `nascido em`, Swedish
 * `född`, Danish and Norwegian `født (den)`, Polish `urodzony`, `urodzona (dnia)`; and before a
 * place, `nato a Verona il`, `nacido en Madrid el`, `né à Lyon le`, `geboren in Berlin am`.
 * Only after `(` or a comma is `b.` an abbreviation of born rather than an item of a list.
 */
const BORN_LABEL =
  '(?:\\b(?i:born|geboren(?: am| op)?|née?(?:\\(e\\))? le|nacid[oa] el|nací el|nat[oa](?:/a)? il|nascid[oa] em|nasci em|född(?: den)?|født(?: den)?|fødd|urodzon[ya](?: dnia)?|nacid[oa] en|geboren in)\\b|\\b[Nn]at[oa](?:/a)? a\\b|\\b(?i:née?) à|\\b(?i:geb)\\.(?: am\\b)?|(?:\\(|[,;]\\s{0,2})(?i:b)\\.)';

/** Markup between a label and its value: `<td>DOB</td><td>…`, `**DOB:** …`. */
const MARKUP_GAP = '(?:\\s{0,4}(?:</?[A-Za-z][A-Za-z0-9]{0,8}>|\\*{1,2}|_{2})){0,4}';
/** The punctuation between a label and its value: a closing quote, `:`, `=`, `|`, `->`, `–`, `^` (HL7-like), `?`. */
const VALUE_SEPARATOR = `["'\\]]?${MARKUP_GAP}\\s{0,16}(?:(?:\\.{2,40}|…{1,20})\\s{0,4})?(?:[:=|#>^~?]{1,2}|=>|->|-{1,2}|[–—])?${MARKUP_GAP}\\s{0,16}`;
/** An opening quote or bracket before a value. */
const VALUE_OPENING = '["\'(<\\[#]?\\s{0,2}';
/** Linking words: `DOB is`, `date of birth was`, `birthday is on the`, `birth date as`, `date of birth to` (an update). */
const BIRTH_LINKING = '(?:(?i:is|was|reads|as|to)\\s{1,3}(?:(?i:on)\\s{1,3})?|(?i:of)\\s{1,3})?(?:(?i:the)\\s{1,2})?';
/** A reply in the next sentence: `What is your date of birth? It's 6/24/1991`. */
const ANSWER_BRIDGE =
  "(?:[.;,?!]?\\s{1,3}(?i:it's|it’s|its|it is|that's|that is|which is|mine is)\\s{1,3}" +
  // or on the next line of a transcript, after the speaker: `date of birth?\nCaller: May 16th, 1995`.
  "|\\?[ \\t]{0,3}\\r?\\n[ \\t]{0,3}[A-Z][A-Za-z]{1,15}(?: [A-Z][A-Za-z]{1,15})?[ \\t]{0,2}:[ \\t]{1,3}(?:(?i:it's|it’s|its|it is|sure,?|yes,?)[ \\t]{1,3})?)";
/**
 * A few words, then `:`, `=`, `is` or `as`: `DOB on file: …`, `date of birth of the patient is …`.
 * {@link hasNoUnrelatedContext} rejects the words that make the date another one (`DOB and visit date:`).
 */
const LABEL_WORDS = "(?:\\s{1,2}[A-Za-z()'’/-]{1,20}){1,3}\\s{0,3}(?:[:=]|(?i:is|was|as)\\b)\\s{0,3}";
/**
 * Between `born` and the date: a separator, `on`/`in`, or a place (`born in Ohio on`, `born at St.
 * Mary's on`, `nato a Verona il`). A period only ends a short abbreviation, so the gap never runs
 * into the next sentence.
 */
const BORN_GAP =
  "(?:(?:\\s{1,2}(?:[A-Z][a-z]{0,2}\\.|[A-Za-z\\x{C0}-\\x{24F}][A-Za-z\\x{C0}-\\x{24F}'’-]{0,20}),?){1,5}\\s{1,2}(?i:on|in|il|el|le|am|em|den)\\s{1,3}|\\s{0,2}[:\\s]\\s{0,3}(?:(?i:on|in)\\s{1,3})?)(?:(?i:the)\\s{1,2})?";

/** Words that make the date beside a birth label a different date: a visit, a conjunction, a later event. */
const UNRELATED_DATE_CONTEXT =
  /\b(?:and|or|but|then|visit\w*|appointments?|admi(?:ssion|tted)|discharged?|services?|exam\w*|surgery|procedures?|scheduled|expir\w*|issued?|due|invoices?|orders?|meetings?|today|next|last|follow\w*|before|after|until|since|updated|changed|moved|married|died|raised|lived|graduat\w*|started|joined|left|returned|diagnosed|released|published|founded|launched|opened|built|wedding|anniversary|party|ceremony|funeral|death|baptis\w*)\b/i;

/** Accepts a labelled value unless the words between label and value make it a different thing. */
function hasNoUnrelatedContext(words: RegExp) {
  return (match: string, value: string): boolean => !words.test(match.slice(0, match.lastIndexOf(value)));
}

/**
 * What names a medical record number. `MRN`, `medical record`, `med rec` and `health record` stand
 * alone; `patient`, `pt`, `chart`, `hospital`, `EMR` and `EHR` need `ID`, `number`, `no.` or `#`, and
 * `MR` must be capitalized and numbered (`MR#`, `MR No.`) so that `Mr` the honorific never is.
 */
/**
 * Record labels of other languages, which stand alone as `MRN` does: Spanish `historia clínica`
 * (`Nº historia clínica`, `NHC`), German `Patienten-Nr.`, French `IPP`, `dossier médical` and `N° de
 * dossier`, Italian `cartella clinica`, Portuguese `prontuário`, Dutch `patiëntnummer`.
 */
const FOREIGN_RECORD_LABELS =
  'historia[ _-]cl[íi]nica|nhc|patienten[ _-]?(?:nr|nummer|id)|ipp|dossier[ _-]m[ée]dical|n[°º][ ]?de[ ]dossier|cartella[ _-]clinica|prontu[áa]rio|pati[ëe]nt[ _-]?nummer|' +
  // Polish, Nordic and Turkish: `Nr historii choroby:`, `Journalnummer:`, `Hasta No:`.
  'historii[ _-]choroby|nr[ _-]pacjenta|journal[ _-]?nummer|journal[ _-]id|hasta[ _-](?:no|numaras[ıi])|dosya[ _-]no|' +
  // Indonesian: `No. Rekam Medis:`.
  'rekam[ _-]medis';
const RECORD_ID_SUFFIX =
  '(?:\\.?[ _-]{0,2}(?:(?i:id(?:entifier)?(?:[ _-]?(?:number|num|nbr|no)\\b\\.?)?|number|num|nbr|no)\\b\\.?|#))';
const MEDICAL_RECORD_LABEL = `(?:(?:\\b|_)(?i:mrn|(?:medical|hospital|patient)[ _-]?rec(?:ord)?s?|med\\.?[ _-]?rec(?:ord)?|health[ _-]?(?:care[ _-]?)?records?|${FOREIGN_RECORD_LABELS})(?:${RECORD_ID_SUFFIX}|\\b\\.?)|\\b(?i:m\\.r\\.n)\\b\\.?|(?:\\b|_)(?i:patient|pt\\.?|chart|(?:hospital|hosp\\.?)(?:[ _-]unit)?|emr|ehr)${RECORD_ID_SUFFIX}|\\bM\\.?R\\.? ?(?:#|[Nn][Oo]\\b\\.?|[Nn]um(?:ber)?\\b|NUMBER\\b)|\\bUR ?(?:#|No\\b\\.?|NO\\b\\.?|[Nn]umber\\b)|[a-z](?:Mrn|MRN)\\b)`;
/** One component of an HL7 person name (XPN): `DOE`, `García López`, `O'BRIEN`, `A`. */
const HL7_NAME = `${UPPER}(?:${LETTER}|['.-]| ${UPPER}){0,40}`;
/** `No.`, `Nr.`, `N°` or `number` between a record label and its value: `medical record (no. 5567123)`, `MRN: No 4471`. */
const NUMBER_WORD = '(?:(?:(?i:no|nr|num|number)\\.?|[Nn][°º])\\s{1,2})?';
/** A record number: digits, dashed or in dotted thousands (`14.040.881`), after an optional short prefix (`H1234567`, `MRN-00473921`), with an optional check letter (`000-11-2233-X`). */
const MEDICAL_RECORD_VALUE = '(?:[A-Za-z]{1,4}[-#]?)?\\d{2,15}(?:-\\d{1,10}){0,3}(?:\\.\\d{3}){0,3}(?:-?[A-Z])?';
/** Words between a record label and its number that make it some other number: `chart and phone: …`. */
const UNRELATED_NUMBER_CONTEXT =
  /\b(?:and|or|order|invoice|phone|fax|tel|zip|postal|account|claim|policy|room|bed|ext|encounter|ticket|tracking|visits?|count|total)\b/i;

/**
 * A medical record number has 4 to 15 digits and is not a phone number (`hospital number 555-0100`), a
 * date, a year or span of years (`medical records 2019-2023`) or a run of one digit.
 */
function isMedicalRecordNumberLikely(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 4 || digits.length > 15 || /^(\d)\1+$/.test(digits)) return false;
  if (/^\d{3}-\d{4}$|^\d{3}-\d{3}-\d{4}$|^1-\d{3}-\d{3}-\d{4}$/.test(value)) return false;
  if (/^(?:19|20)\d{2}(?:-(?:19|20)?\d{2})?$/.test(value)) return false;
  return !/^(?:(?:19|20)\d{2}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-(?:19|20)\d{2})$/.test(value);
}

/** `NHS number`, `NHS No.`, `nhsNumber`, or Scotland's `CHI number`. */
const NHS_LABEL =
  '(?:\\b|_)(?i:nhs)(?:[ _-]{0,2}(?:(?i:number|num|no|id)\\b\\.?|#)|\\b)|\\b(?i:chi)[ _-]{0,2}(?:(?i:number|no)\\b\\.?|#)';

/** `my name is` becomes `[Mm]y name is`: a label starts a sentence or follows one, but is never all caps (SQL's FROM). */
function capitalizedFirst(labels: readonly string[]): string {
  return labels
    .map((label) => `[${label[0]}${(label[0] as string).toUpperCase()}]${label.slice(1).replace(/ /g, ' {1,2}')}`)
    .join('|');
}

/**
 * Between a label and its value: a separator after spaces that align a column (`api_key        = …`,
 * as `terraform fmt` writes it) and before any white space, or a few spaces without one, which
 * never cross a line: `ACCESS_KEY_ID\nSMTP_PASSWORD=…` holds no value of `ACCESS_KEY_ID`.
 */
const LABEL_GAP = '["\']?(?:[ \\t]{0,24}(?:[:=]|=>|:=|\\bis\\b|\\bof\\b)\\s{0,3}|[ \\t]{0,3})';
/** As {@link LABEL_GAP}, also across a URL-encoded `=` (`token%3D…` in a query string). */
const URL_LABEL_GAP = LABEL_GAP.replace('(?:[:=]|', '(?:[:=]|%3[Dd]|');
/** A token's label (`api_key`, `client_secret`, `token_value`) and what may stand before its value. */
const TOKEN_LABEL =
  '(?i:\\b[a-z0-9_.-]{0,24}(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|secret[_-]?key|client[_-]?secret|private[_-]?token|token|secret|key|credential|api|auth|pat|srt|sig|signature)s?(?:[_.-][a-z0-9]{1,16})?\\b)' +
  URL_LABEL_GAP;
/**
 * What every labelled-token match holds from its label's last word on: the word, the gap and the
 * first ten characters of the value. Without the value it ran on two thirds of PII-free 2 KB texts
 * (`key`, `api`, `auth` in prose); with it, on a quarter.
 */
const TOKEN_LABEL_PREFILTER =
  '(?i:(?:key|token|secret|credential|api|auth|pat|srt|sig|signature)s?(?:[_.-][a-z0-9]+)?\\b)' +
  '(?:["\'`]?\\s{0,3}(?:[:=]|%3[Dd]|=>|:=|\\b(?i:is|of)\\b)?\\s{0,3}(?:&quot;|["\'`])?[A-Za-z0-9][A-Za-z0-9_\\-./+=~]{9}' +
  // Aligned (`api_key        = …`): the spaces and the separator, without the value, keep the set's automaton small.
  '|["\'`]?[ \\t]{4,24}(?:[:=]|=>|:=))';

/** A password on a command line: quoted, or unquoted up to the next space (not a flag). */
const CLI_PASSWORD_VALUE = `(?:'([^'\\s]{1,99})'|"([^"\\s]{1,99})"|([^\\s"'/*-][^\\s"']{0,99}))`;

/** What every match of {@link xmlNamedValue} holds: the attribute that names the value, with one of `words`. */
function xmlNamedValuePrefilter(words: string): string {
  return `(?i:name|key)="[^"]{0,40}(?i:${words})[^"]{0,20}"`;
}

/**
 * An XML element whose `name` or `key` attribute holds one of `words` (any case), and its value:
 * the element's text (`<string name="api_key">…</string>`) or its `value` attribute (`<add
 * key="ApiKey" value="…"/>`). The value is one of two alternatives, which the fast finder reads.
 */
function xmlNamedValue(words: string): string {
  return (
    `<[A-Za-z][\\w.:-]{0,30} (?:[^>]{0,60} )?${xmlNamedValuePrefilter(words)}` +
    '(?:[^>]{0,60}>\\s{0,2}([^<\\s]{4,200})\\s{0,2}</| (?i:value)="([^"\\s]{4,200})")'
  );
}

/**
 * A typed declaration (`password: String = `) or a comparison (`== "`, `!== '`). A space stands
 * before a declaration's `=`: `password: Biscuit=363` is a YAML value.
 */
const TYPED_OR_COMPARED = ':\\s{0,2}[A-Za-z][A-Za-z0-9_.<>?]{0,20} {1,3}=|[!=]==?';
// Without a separator, only spaces: `my password\nAgent: …` is a line of a chat, not a value.
const PASSWORD_GAP = `["']?(?:[ \\t]{0,24}(?:${TYPED_OR_COMPARED}|[:=]|=>|:=|\\bis\\b|\\bwas\\b|\\bof\\b|\\bto\\b)\\s{0,3}|[ \\t]{1,3})`;
/** Password labels outside ASCII: Turkish `şifre`, Polish `hasło`, Swedish `lösenord`, Hungarian `jelszó`. */
const OTHER_PASSWORD_WORDS = '(?:[Şş]ifre(?:si|niz|m)?|\\b[Hh]as[łl]o|\\b[Ll][öo]senord|\\b[Jj]elsz[óo])';
const PASSWORD_SEPARATOR = `["']?[ \\t]{0,24}(?:${TYPED_OR_COMPARED}|[:=]|=>|:=)\\s{0,3}`;

/**
 * One character of an unquoted password value, other than the characters in `excluded`: not a
 * space, quote, comma, semicolon or bracket, and an `&` only before a digit or symbol (`Tr0ub4dor&3`,
 * not `&page=2`).
 */
function unquotedValueCharacter(excluded: string): string {
  return `[^\\s"',;<>()&${excluded}]|&[^\\s"',;<>()&A-Za-z${excluded}]`;
}

/**
 * A password value, quoted (`"…"`, `'…'`, `&quot;…&quot;`) or not. An unquoted value does not end
 * in a full stop, which ends the sentence (`password is X9kL2mP7.`), nor in a colon, which ends a
 * label (`Password reset: done`).
 */
const PASSWORD_VALUE = `(?:"([^"\\s\\[][^"\\s]{0,99})"|'([^'\\s\\[][^'\\s]{0,99})'|&quot;([^&\\s]{1,99})&quot;|([^\\s"'\\[,;<>(){}&](?:(?:${unquotedValueCharacter('')}){0,98}(?:${unquotedValueCharacter('.:')}))?))`;

/**
 * Rewrites `(?i:…)` groups as explicit ASCII case classes (`[Mm][Yy]`). RE2's case folding in UTF-8
 * mode also matches `ſ` and the Kelvin sign, which multiplies the automaton and slows every scan.
 */
function asciiCaseless(source: string): string {
  let result = '';
  let index = 0;
  const opening = '(?i:';
  while (index < source.length) {
    const start = source.indexOf(opening, index);
    if (start === -1) {
      result += source.slice(index);
      break;
    }
    result += source.slice(index, start) + '(?:';
    let depth = 1;
    let position = start + opening.length;
    while (position < source.length && depth > 0) {
      const character = source[position] as string;
      if (character === '\\') {
        const next = source[position + 1] ?? '';
        if ((next === 'p' || next === 'P') && source[position + 2] === '{') {
          const close = source.indexOf('}', position);
          result += source.slice(position, close + 1);
          position = close + 1;
        } else {
          result += character + next;
          position += 2;
        }
        continue;
      }
      if (character === '[') {
        const close = findClassEnd(source, position);
        result += caselessClass(source.slice(position, close + 1));
        position = close + 1;
        continue;
      }
      if (character === '(') depth++;
      if (character === ')') depth--;
      if (depth > 0 && /[a-zA-Z]/.test(character)) result += `[${character.toLowerCase()}${character.toUpperCase()}]`;
      else result += character;
      position++;
    }
    index = position;
  }
  return result;
}

function findClassEnd(source: string, start: number): number {
  let position = start + 1;
  if (source[position] === '^') position++;
  if (source[position] === ']') position++;
  while (position < source.length && source[position] !== ']') position += source[position] === '\\' ? 2 : 1;
  return position;
}

function caselessClass(characterClass: string): string {
  const body = characterClass.slice(1, -1);
  let extra = '';
  if (body.includes('a-z') && !body.includes('A-Z')) extra += 'A-Z';
  if (body.includes('A-Z') && !body.includes('a-z')) extra += 'a-z';
  const withoutRanges = body.replace(/\\./g, '').replace(/.-./g, '');
  for (const character of withoutRanges) {
    if (/[a-z]/.test(character) && !body.includes(character.toUpperCase())) extra += character.toUpperCase();
    if (/[A-Z]/.test(character) && !body.includes(character.toLowerCase())) extra += character.toLowerCase();
  }
  if (extra.length === 0) return characterClass;
  return body.startsWith('^') ? `[^${extra}${body.slice(1)}]` : `[${extra}${body}]`;
}

/**
 * A flat or floor after a house number in Southern and Eastern Europe: `, r/c`, `, bajo`, `, 3.º
 * Dto.`, `, 2º izq.`, ` lok. 12`, ` m. 15`, `, scala A, int. 6`, `, piso 4`.
 */
const EUROPEAN_FLAT =
  '(?:,? (?:r/c|bajo|entlo\\.?|\\d{1,2}\\.?[ºª°] ?(?:(?i:dto|esq|izq|dcha|dch|frt)\\.?)?|(?:lok|m|int|INT|pta|piso|apt|app)\\.? ?\\d{1,4}[A-Za-z]?|scala [A-Z](?:, int\\. ?\\d{1,3})?))';

/**
 * Prefixed or fixed-shape token formats of further providers, one rule each (`token-<provider>`),
 * so the decision names the provider. One rule per format also keeps each RE2 automaton small: a
 * single alternation of all of them outgrows RE2's DFA cache and falls back to the slow NFA.
 */
const PROVIDER_TOKENS: ReadonlyArray<readonly [provider: string, source: string, prefilter?: string]> = [
  ['docker', 'dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}'],
  ['docker-swarm-token', 'SWMTKN-1-[a-z0-9]{40,}-[a-z0-9]{20,}'],
  ['docker-swarm-key', 'SWMKEY-1-[A-Za-z0-9+/_-]{40,}'],
  ['dynatrace', 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}'],
  ['dropbox', 'sl\\.(?:u\\.)?[A-Za-z0-9_-]{60,}'],
  ['figma', 'figd_[A-Za-z0-9_-]{38,}'],
  ['firebase-fcm-server-key', 'AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,}', ':APA91b'],
  [
    'google-oauth-client-id',
    '\\d{10,14}-[a-z0-9]{32}\\.apps\\.googleusercontent\\.com',
    '\\.apps\\.googleusercontent\\.com',
  ],
  ['google-oauth-client-secret', 'GOCSPX-[A-Za-z0-9_-]{28}'],
  ['google-oauth-refresh-token', '1//0[A-Za-z0-9_-]{40,}', '1//0'],
  ['grafana-cloud', 'glc_[A-Za-z0-9+/]{32,}={0,2}'],
  ['grafana-service-account', 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}'],
  ['grafana-api-key', 'eyJrIjoi[A-Za-z0-9+/]{40,}={0,2}'],
  ['groq', 'gsk_[A-Za-z0-9]{48,}'],
  ['hashicorp-vault', 'hv[sbr]\\.[A-Za-z0-9_-]{24,}'],
  ['hashicorp-terraform', '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,}', '\\.atlasv1\\.'],
  ['heroku', 'HRKU-[A-Za-z0-9_-]{30,}'],
  ['instagram', 'IGQV[A-Za-z0-9_-]{60,}'],
  ['facebook', 'EAA[A-Za-z0-9]{3}[A-Za-z0-9_-]{50,}'],
  ['jfrog', 'AKCp[A-Za-z0-9]{60,}'],
  ['jfrog-reference', 'cmVmdGtuOjAxOj[A-Za-z0-9]{40,}'],
  ['linear', 'lin_(?:api|oauth)_[A-Za-z0-9]{40}'],
  ['llamacloud', 'llx-[A-Za-z0-9_-]{40,}'],
  ['mailgun', 'key-[0-9a-f]{32}'],
  ['mailgun-signing', '[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}'],
  ['nuget', 'oy2[a-z0-9]{43}'],
  ['braintree', 'access_token\\$(?:production|sandbox)\\$[0-9a-z]{16}\\$[0-9a-f]{32}', 'access_token\\$'],
  ['postman', 'PMAK-[0-9a-f]{24}-[0-9a-f]{34}'],
  ['postman-collection', 'PMAT-[0-9A-Z]{26}'],
  ['airtable', 'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}'],
  ['contentful', 'CFPAT-[A-Za-z0-9_-]{43}'],
  ['fireworks', 'fw_[A-Za-z0-9]{24,}'],
  ['flyio', 'fo1_[A-Za-z0-9_-]{43}'],
  ['langsmith', 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}'],
  ['mapbox-secret', 'sk\\.eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{20,}'],
  ['neon', 'napi_[a-z0-9]{64}'],
  ['pinecone', 'pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,}'],
  ['pulumi', 'pul-[a-f0-9]{40}'],
  ['render', 'rnd_[A-Za-z0-9]{32}'],
  ['replicate', 'r8_[A-Za-z0-9]{37}'],
  ['resend', 're_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}'],
  ['tailscale', 'tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{8,}-[A-Za-z0-9]{20,}'],
  ['wundergraph-cosmo', 'cosmo_[a-f0-9]{32}'],
  ['gitlab-session', '_gitlab_session=[0-9a-z]{32}'],
  ['netlify', 'nfp_[A-Za-z0-9]{36}'],
  ['new-relic', 'NR(?:AK|II|JS|BR)-[A-Za-z0-9_-]{19,}'],
  ['new-relic-license', '(?:eu\\d\\dx{1,2}[a-f0-9]{30,31}|[a-f0-9]{36})NRAL', 'NRAL'],
  ['perplexity', 'pplx-[A-Za-z0-9]{40,}'],
  ['planetscale', 'pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_.=-]{32,}'],
  ['posthog', 'ph[cxsra]_[A-Za-z0-9]{39,}'],
  ['rubygems', 'rubygems_[a-f0-9]{48}'],
  ['salesforce-session', '00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{80,}'],
  ['salesforce-consumer-key', '3MVG[A-Za-z0-9._]{70,}'],
  ['sentry-org', 'sntrys_eyJ[A-Za-z0-9+/=_]{50,}'],
  ['sentry-user', 'sntryu_[a-f0-9]{64}'],
  ['slack-app', 'xapp-\\d-[A-Z0-9]{9,}-\\d{10,}-[a-f0-9]{40,}'],
  ['slack-refresh', 'xox[eb](?:\\.xox[bp])?-\\d-[A-Za-z0-9]{80,}'],
  ['sonarqube', 'sq[pua]_[a-f0-9]{40}'],
  ['square', 'sq0(?:atp|csp|idp)-[A-Za-z0-9_-]{22,}'],
  ['stripe', '(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{20,}'],
  ['stripe-webhook', 'whsec_[A-Za-z0-9+/]{32,}'],
  ['supabase', 'sbp_(?:v0_)?[a-f0-9]{40}'],
  ['telegram-bot', '\\d{8,10}:AA[A-Za-z0-9_-]{33}', ':AA'],
  ['together', 'tgp_v1_[A-Za-z0-9_-]{43}'],
  ['tavily', 'tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}'],
  ['twilio', '(?:SK|AC)[0-9a-fA-F]{32}'],
  ['twitter-bearer', 'AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,}', 'AAAAAAAAAAAAAAAAAAAAA'],
  ['vercel', 'vc[pirak]_[A-Za-z0-9]{40,}'],
  ['xai', 'xai-[A-Za-z0-9]{60,}'],
  ['discord', '[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}', '\\.[A-Za-z0-9_-]{6}\\.'],
  ['ntlm', 'TlRMTVNTUA[A-Za-z0-9+/=]{20,}'],
  ['mailchimp', '[0-9a-f]{32}-us\\d{1,2}', '-us\\d'],
  ['facebook-app', '\\d{15,16}\\|[A-Za-z0-9_-]{27}', '\\d\\|'],
];

/** The rule definitions. Every source is bounded or anchored on a literal so that RE2 runs it in one linear pass. */
const DEFINITIONS: readonly PatternDefinition[] = [
  ...PROVIDER_TOKENS.map(([provider, source, prefilter]): PatternDefinition => ({
    id: `token-${provider}`,
    type: 'API_KEY',
    ...(prefilter === undefined ? {} : { prefilter }),
    source: TOKEN_START + '(' + source + ')\\b',
    priority: 88,
    confidence: 0.9,
    placeholder: isPlaceholderToken,
  })),
  {
    id: 'pem-private-key',
    type: 'PRIVATE_KEY',
    prefilter: '-----BEGIN',
    // One span from BEGIN to END; the body may carry escaped newlines, quotes and string concatenation.
    source:
      '-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\\s\\\\:,"\'#.`]|-[A-Za-z0-9(])*(?:-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----)?',
    priority: 100,
    confidence: 0.99,
    placeholder: (value) => !KNOWN_KEY_HEADER.test(value),
  },
  {
    id: 'putty-private-key',
    type: 'PRIVATE_KEY',
    prefilter: 'Private-Lines:',
    // The private lines of a PuTTY key file (`.ppk`): `Private-Lines: 1` then that many lines of base64.
    source:
      '\\bPrivate-Lines: {0,2}\\d{1,3}\\r?\\n((?:[A-Za-z0-9+/=]{4,128}\\r?\\n)*[A-Za-z0-9+/=]{4,128})(?:\\r?\\n|$)',
    priority: 100,
    confidence: 0.95,
  },
  {
    id: 'encoded-private-key',
    type: 'PRIVATE_KEY',
    prefilter: 'LS0tLS1CRUdJT|eyJrdHki|ewogI|WwogI|W3sia3R5Ij',
    // Base64 of `-----BEGIN` (`LS0tLS1CRUdJTi`) or of a JSON Web Key (`{"kty"`, pretty-printed or not).
    source: '\\b((?:LS0tLS1CRUdJT|eyJrdHki|ewogI|WwogI|W3sia3R5Ij)[A-Za-z0-9+/]{40,}={0,2})',
    priority: 99,
    confidence: 0.95,
    accept: whole(isEncodedPrivateKey),
  },
  {
    id: 'jwk-private-key',
    type: 'PRIVATE_KEY',
    prefilter: '"kty"',
    // A JSON Web Key's private exponent or symmetric key: `"d": "…"` or `"k": "…"` near `"kty"`.
    source: '"kty"\\s{0,3}:\\s{0,3}"[A-Za-z\\[\\]]{2,6}"[^{}]{0,600}?"(?:d|k)"\\s{0,3}:\\s{0,3}"([A-Za-z0-9_-]{20,})"',
    priority: 99,
    confidence: 0.9,
  },
  {
    id: 'nkey-seed',
    type: 'PRIVATE_KEY',
    // NATS nkey seeds: `S` + the key kind (User, Account, Operator, Cluster, Server) + base32.
    source: '\\bS[UAOCNXP][A-Z2-7]{54,56}\\b',
    priority: 99,
    confidence: 0.9,
    placeholder: isPlaceholderToken,
  },
  {
    id: 'age-secret-key',
    type: 'PRIVATE_KEY',
    prefilter: 'AGE-SECRET-KEY-1',
    source: '\\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\\b',
    priority: 100,
    confidence: 0.99,
  },
  {
    id: 'jwt',
    type: 'JWT',
    prefilter: '\\.eyJ',
    source: '\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*',
    priority: 95,
    confidence: 0.97,
    // jwt.io's sample token (`sub` 1234567890, `name` John Doe), whatever it is signed with.
    placeholder: (value) =>
      value.includes('.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.'),
  },
  {
    id: 'aws-access-key-id',
    type: 'AWS_ACCESS_KEY',
    prefilter: 'AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA|A3T',
    source: '\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\\b',
    priority: 92,
    confidence: 0.95,
    placeholder: isPlaceholderToken,
  },
  {
    id: 'aws-mws-auth-token',
    type: 'AWS_ACCESS_KEY',
    prefilter: 'amzn\\.mws\\.',
    source: '\\bamzn\\.mws\\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}\\b',
    priority: 92,
    confidence: 0.9,
  },
  {
    id: 'aws-secret-access-key',
    type: 'AWS_ACCESS_KEY',
    prefilter: '(?i:aws|secret[ _]?access[ _]?key)',
    // A Markdown table's cell border stands between a label and its value too: `| Secret access key | `…` |`.
    source:
      '(?i:aws[a-z0-9_.-]{0,24}(?:secret|key|token)[a-z0-9_]{0,16}|secret[ _]?access[ _]?key)' +
      LABEL_GAP.replace('(?:[:=]|', '(?:[:=|]|') +
      '["\'`]?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)',
    priority: 91,
    confidence: 0.9,
    accept: whole(isTokenLikely),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'anthropic-api-key',
    type: 'API_KEY',
    prefilter: 'sk-ant-',
    source: TOKEN_START + '(sk-ant-[A-Za-z0-9]{2,12}-[A-Za-z0-9_-]{20,})',
    priority: 90,
    confidence: 0.99,
    placeholder: isPlaceholderToken,
  },
  {
    id: 'openai-api-key',
    type: 'API_KEY',
    prefilter: 'sk-',
    source: TOKEN_START + '(sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,})',
    priority: 89,
    confidence: 0.9,
    // A project, service-account or admin prefix is specific enough; a bare `sk-` needs a token-like body.
    accept: whole((value) => /^sk-(?:proj|svcacct|admin)-/.test(value) || isTokenLikely(value)),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'provider-token',
    type: 'API_KEY',
    source:
      TOKEN_START +
      '((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{30,}(?:\\.[A-Za-z0-9_-]{10,}){0,2}|github_pat_[A-Za-z0-9_]{40,}|xox[bpars]-[A-Za-z0-9-]{10,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}(?:\\.[0-9a-z]{2}\\.[A-Za-z0-9]{5,12})?|npm_[A-Za-z0-9]{36}|hf_[A-Za-z0-9]{30,}|ntn_[A-Za-z0-9]{30,}|SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}|AC[0-9a-f]{32}|SK[0-9a-f]{32}|ya29\\.[A-Za-z0-9_-]{20,}|dop_v1_[a-f0-9]{64}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32})',
    priority: 88,
    confidence: 0.95,
    placeholder: isPlaceholderToken,
  },
  {
    id: 'provider-token-prefixed',
    type: 'API_KEY',
    prefilter:
      'ATATT3|BBDC-|xkeysib-|CLOJARS_|cf(?:at|ut|k)_|dapi|do[opr]_v1_|LTAI|akab-|ABSK|bedrock-api-key-|gl(?:agent|rtr?|dt|ft|soat|cbt|imt|ptt|pat|oas|ffct|wt)-|GR1348941|\\dQ~|dp\\.|PMAK-|pypi-',
    // Atlassian, Bitbucket, Brevo, Clojars, Cloudflare, Databricks, DigitalOcean, Alibaba, Akamai,
    // AWS Bedrock, GitLab agent/runner/deploy/OAuth/feature-flag/workspace tokens and runner registration tokens, Azure AD client secrets, Doppler, Postman, PyPI.
    source:
      TOKEN_START +
      '(ATATT3[A-Za-z0-9_=-]{20,}|BBDC-[A-Za-z0-9+/=_-]{20,}|xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|CLOJARS_[a-f0-9]{60}|cf(?:at|ut|k)_[A-Za-z0-9]{40,}|dapi[a-f0-9]{32}(?:-\\d)?|do[opr]_v1_[a-f0-9]{64}|LTAI[A-Za-z0-9]{12,20}|akab-[a-z0-9]{16}-[a-z0-9]{16}|ABSK[A-Za-z0-9+/]{60,}={0,2}|bedrock-api-key-[A-Za-z0-9+/=]{20,}|(?:gl(?:agent|rtr?|dt|ft|soat|cbt|imt|ptt|pat|oas|ffct|wt)-|GR1348941)[A-Za-z0-9_-]{20,}|[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}|dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})',
    priority: 88,
    confidence: 0.9,
    placeholder: isPlaceholderToken,
  },
  {
    id: 'authorization-header',
    type: 'API_KEY',
    prefilter: '(?i:authorization)',
    source:
      '(?i:\\b(?:authorization|proxy-authorization)\\b)["\']?\\s{0,3}[:=]\\s{0,3}["\']?(?i:bearer|basic|ntlm|negotiate|token|digest)?\\s{0,3}([A-Za-z0-9][A-Za-z0-9_\\-.~+/=]{11,})',
    priority: 71,
    confidence: 0.8,
    accept: whole(isTokenLikely),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'slack-webhook',
    type: 'API_KEY',
    prefilter: 'hooks\\.slack\\.com',
    source: 'https://hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{20,}',
    priority: 88,
    confidence: 0.95,
  },
  {
    id: 'url-password',
    type: 'PASSWORD',
    prefilter: '://',
    // The user part may itself hold an `@` (`smtps://me@example.com:secret@smtp.example.com`).
    // An empty user part too: `redis://:secret@host`.
    source: '\\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\\s:/"\'<>]{0,64}:([^\\s@/"\'<>\\[]{1,64})@',
    priority: 86,
    confidence: 0.9,
    accept: whole(isPasswordByPlace),
  },
  {
    id: 'url-user-key',
    type: 'API_KEY',
    prefilter: '://[0-9a-f]{32}',
    // A key as a URL's user part: a Sentry DSN (`https://3f9a…@o1.ingest.sentry.io/1`), with the
    // secret after it in the older form (`https://key:secret@…`).
    source: `\\b[A-Za-z][A-Za-z0-9+.-]{1,15}://(${URL_USER_KEY})(?::${URL_USER_KEY})?@`,
    priority: 86,
    confidence: 0.85,
  },
  {
    id: 'password-assignment',
    type: 'PASSWORD',
    prefilter: `(?i:pass|pa?s{1,2}w|pw|kennwort|contrase|senha|wachtwoord|heslo|parola|salasana|adgangskode|kata sandi)|${OTHER_PASSWORD_WORDS}`,
    // Short labels (`pw`, `pwd`, `pass`) need an explicit separator: "PW Hello" or "pass it on" is prose.
    source:
      '(?:(?i:\\b[a-z0-9_.-]{0,24}(?:password|passwd|passphrase|passwort|kennwort|contraseña|pa?s{1,2}w(?:o?r)?d|senha|palavra-passe|mot de passe|wachtwoord|heslo|parola|salasana|adgangskode|kata sandi)\\b[a-z0-9_]{0,16}|' +
      OTHER_PASSWORD_WORDS +
      ')' +
      PASSWORD_GAP +
      // `db_pass=` and `pwd:` are labels; `bypass =` and `mypw:` are not, so a prefix ends in a separator.
      '|(?i:\\b(?:[a-z0-9_.-]{0,23}[_.-])?(?:pwd|pass|pw)\\b[a-z0-9_]{0,16})' +
      PASSWORD_SEPARATOR +
      ')' +
      PASSWORD_VALUE,
    priority: 80,
    confidence: 0.8,
    accept: whole(isSecretValueLikely),
    // `PWD=/home/deploy` (a sudo log, a shell's environment) is the working directory.
    acceptMatch: (match, value) => !(value.startsWith('/') && /^PWD\s*=/.test(match)),
  },
  {
    id: 'xml-named-secret',
    type: 'API_KEY',
    prefilter: xmlNamedValuePrefilter('key|token|secret'),
    // A value that a `name` or `key` attribute names as a secret: an Android string resource
    // (`<string name="backend_api_key">…</string>`) or a .NET setting (`<add key="StripeApiKey" value="…"/>`).
    source: xmlNamedValue('api[_-]?key|apikey|token|secret'),
    priority: 70,
    confidence: 0.7,
    accept: whole(isTokenLikely),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'xml-named-password',
    type: 'PASSWORD',
    prefilter: xmlNamedValuePrefilter('pass|pwd'),
    // The same for a password: `<add key="DbPassword" value="…"/>`, `<string name="db_pwd">…</string>`.
    source: xmlNamedValue('password|passwd|pwd'),
    priority: 80,
    confidence: 0.8,
    accept: whole(isSecretValueLikely),
  },
  {
    id: 'xml-password',
    type: 'PASSWORD',
    prefilter: '(?i:pass|pwd)[A-Za-z_.-]{0,16}>',
    // An element of an XML configuration: `<password>Tr0ub4dor</password>`, `<db.pwd>…</db.pwd>`.
    // `pass` and `pwd` only as whole parts of the name: `<passport>` and `<bypass>` are none.
    source:
      '<(?i:[a-z0-9_.:-]{0,24}(?:password|passwd|passphrase)[a-z0-9_.-]{0,16}|(?:[a-z0-9_.:-]{0,23}[_.:-])?(?:pwd|pass)(?:[_.-][a-z0-9_.-]{0,15})?)>' +
      '\\s{0,2}([^<\\s]{1,99})\\s{0,2}</',
    priority: 80,
    confidence: 0.8,
    accept: whole(isSecretValueLikely),
  },
  {
    id: 'env-password',
    type: 'PASSWORD',
    prefilter: '(?:PASSWORD|PASSWD|PASSPHRASE|_PWD|_PASS)=',
    // An environment assignment in capitals, `=` and no space: `docker run -e POSTGRES_PASSWORD=mysecretpassword`.
    // Its value may be a plain word, which password-assignment leaves as prose.
    source: '\\b[A-Z][A-Z0-9_]{0,40}(?:PASSWORD|PASSWD|PASSPHRASE|_PWD|_PASS)=([^\\s"\'`&;|<>(){}]{4,100})',
    priority: 80,
    confidence: 0.75,
    accept: whole(isAssignedSecretValue),
  },
  {
    id: 'sql-password',
    type: 'PASSWORD',
    prefilter: '(?i:identified)',
    // `IDENTIFIED BY 'x'`, `IDENTIFIED WITH mysql_native_password BY x`, `… AS '*hash'`; quoted or not.
    source:
      "(?i:\\bidentified(?: with '?[a-z0-9_]{1,40}'?)? (?:by|as))\\s{1,3}(?:'([^'\\s\\[]{1,99})'|\"([^\"\\s\\[]{1,99})\"|([^'\"\\s;\\\\]{1,99}))",
    priority: 80,
    confidence: 0.85,
    accept: whole(isSecretValueLikely),
  },
  {
    id: 'command-line-password',
    type: 'PASSWORD',
    prefilter: '(?i:securestring|-u |--user)',
    // PowerShell `ConvertTo-SecureString [-String] "x" [-AsPlainText] [-Force]` and curl's `-u user:password`.
    source:
      '(?:(?i:convertto-securestring)(?:\\s{1,3}-[A-Za-z]{1,16})*\\s{1,3}\\\\?["\']?\\\\?["\']?([^\\s"\'\\\\-][^\\s"\'\\\\]{0,99})' +
      '|(?:^|\\s)(?:-u|--user)\\s{1,3}["\']?[^\\s:"\'@]{1,64}:([^\\s"\'@]{1,99}))',
    priority: 80,
    confidence: 0.8,
    accept: whole(isSecretValueLikely),
  },
  {
    id: 'mysql-client-password',
    type: 'PASSWORD',
    prefilter: '(?i:mysql|mariadb)',
    // The MySQL and MariaDB clients take the password glued to `-p`: `mysql -u root -pS3cr3t! -h db`,
    // `-p'S3cr3t!'`.
    source: `\\b(?i:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\\b[^\\n]{0,80}?\\s-p${CLI_PASSWORD_VALUE}`,
    priority: 80,
    confidence: 0.8,
    accept: whole(isPasswordByPlace),
  },
  {
    id: 'password-in-prose',
    type: 'PASSWORD',
    prefilter: `(?i:password|passwort|kennwort|mot de passe|contrase|senha|palavra-passe|wachtwoord|codice di accesso|kata sandi|pasuw)|${OTHER_PASSWORD_WORDS}`,
    // A password named in a sentence, with what it is for between its word and the verb, in the
    // languages of the labels above: `my password for the benefits portal is X`, `mi contraseña del
    // banco es X`, `a senha do wifi é X`, `das Passwort lautet X`, `mot de passe c'est X`, `hasło do
    // wifi to X`, `pasuwādo wa X`. Unquoted, the value has a character other than a letter.
    source:
      `(?:(?i:\\b(?:password|passwort|kennwort|mot de passe|contraseña|senha|palavra-passe|wachtwoord|codice di accesso|kata sandi|pasuw[āa]do))|${OTHER_PASSWORD_WORDS})` +
      `[^.!?\\n:=]{0,40}? (?:is|was|es|era|é|è|est|c'est|c’est|ist|lautet|war|är|er|to|wa|adalah|jest) ` +
      `(?:"([^"\\s\\[][^"\\s]{0,99})"|'([^'\\s\\[][^'\\s]{0,99})'|([A-Za-z]{0,98}[^\\sA-Za-z"',;<>(){}&.:\\[](?:[^\\s"',;<>(){}&]{0,98}[^\\s"',;<>(){}&.:])?))`,
    priority: 79,
    confidence: 0.7,
    accept: whole(isSecretValueLikely),
  },
  {
    id: 'app-password-quoted',
    type: 'PASSWORD',
    prefilter: `["'][a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}["']`,
    // A Google app password as Google shows it, quoted after a password's key: four groups of four
    // letters (`EMAIL_HOST_PASSWORD = 'ctef orvi ubkr uzxq'`). A rule of its own: as one more
    // alternative of a password's value it tripled the cost of `password-assignment`.
    source:
      '(?i:\\b[a-z0-9_.-]{0,24}(?:password|passwd|pass|pwd)[a-z0-9_]{0,16})["\']?[ \\t]{0,3}(?:[:=]|=>)[ \\t]{0,3}(?:"([a-z]{4}(?: [a-z]{4}){3})"|\'([a-z]{4}(?: [a-z]{4}){3})\')',
    priority: 80,
    confidence: 0.8,
  },
  {
    id: 'network-device-secret',
    type: 'PASSWORD',
    prefilter:
      'username \\S{1,64} (?:privilege|secret|password)|enable (?:secret|password)|snmp-server community|-server (?:host|key)',
    // Secrets of a router or switch configuration (Cisco IOS and kin), in clear or type 7: `username
    // netops privilege 15 secret X`, `enable secret X`, `snmp-server community X RO`,
    // `tacacs-server host 10.0.0.9 key X`. Hashes (types 5, 8, 9: `$1$…`) start with `$`, which
    // `isSecretValueLikely` turns down.
    source:
      '(?m:^)[ \\t]*(?:username \\S{1,64} (?:privilege \\d{1,2} )?(?:secret|password)|enable (?:secret|password)|snmp-server community|(?:tacacs|radius)-server (?:host \\S{1,64} )?key)(?: [07])? (\\S{1,99})',
    priority: 80,
    confidence: 0.8,
    accept: whole(isSecretValueLikely),
  },
  {
    id: 'password-changed-to',
    type: 'PASSWORD',
    prefilter: '(?i:(?:reset|changed|set|updated|switched) (?:it|that) (?:to|as))',
    // A new password given after the sentence has named one: `my password was X and I reset it to Y`,
    // `changed the Wi-Fi password, I set it to Y`.
    // Unquoted, the value has a character other than a letter, as every value `isSecretValueLikely`
    // accepts does: `reset it to defaults` is no match, and costs no search.
    source: `(?i:\\b(?:password|passwd|passphrase|pwd)\\b[^.!?\\n]{0,60}?\\b(?:reset|changed|set|updated|switched) (?:it|that) (?:to|as))\\s{1,3}(?:"([^"\\s\\[][^"\\s]{0,99})"|'([^'\\s\\[][^'\\s]{0,99})'|([A-Za-z]{0,98}[^\\sA-Za-z"',;<>(){}&.:\\[](?:[^\\s"',;<>(){}&]{0,98}[^\\s"',;<>(){}&.:])?))`,
    priority: 80,
    confidence: 0.7,
    accept: whole(isSecretValueLikely),
  },
  {
    id: 'cli-password',
    type: 'PASSWORD',
    prefilter: '(?i:redis-cli|htpasswd|net user| login|sshpass|requirepass|masterauth)',
    // Command lines that take a password by position or flag: `redis-cli -a 'pw'`, `docker login -u
    // ci -p pw` (and podman, helm registry, oras, skopeo, buildah, nerdctl), `htpasswd -b file user
    // pw`, Windows' `net user name pw /add`, `sshpass -p pw ssh …`, `redis-server --requirepass pw`.
    source:
      '(?:\\bsshpass -p|--requirepass|--masterauth|\\bredis-cli\\b[^\\n]{0,60}?\\s-a|\\b(?:docker|podman|helm registry|oras|skopeo|buildah|nerdctl) login\\b[^\\n]{0,80}?\\s(?:-p|--password)' +
      '|\\bhtpasswd(?: -[A-Za-z]{1,4}){0,3} -[A-Za-z]{0,3}b[A-Za-z]{0,3}(?: -[A-Za-z]{1,4}){0,3} [^\\s-]\\S{0,120} [^\\s-]\\S{0,64}|\\b(?i:net user) [^\\s/*]\\S{0,64})' +
      `[ =]${CLI_PASSWORD_VALUE}(?:\\s|$)`,
    priority: 80,
    confidence: 0.8,
    accept: whole(isPasswordByPlace),
  },
  {
    id: 'terraform-password-default',
    type: 'PASSWORD',
    prefilter: '\\bvariable {1,2}"',
    // A Terraform variable named for a password, with its default: `variable "db_password" {
    // default = "Tf$ecret2024" }`.
    source:
      '\\bvariable {1,2}"[A-Za-z0-9_-]{0,40}(?i:password|passwd|pwd)[A-Za-z0-9_-]{0,40}" {0,2}\\{[^}]{0,300}?\\bdefault {0,4}= {0,4}"([^"\\s]{1,200})"',
    priority: 80,
    confidence: 0.85,
    accept: whole(isPasswordByPlace),
  },
  {
    id: 'aws-secret-near-key-id',
    type: 'AWS_ACCESS_KEY',
    prefilter: 'AKIA|ASIA',
    // A secret access key is 40 base64 characters; next to an access key ID it is one, whatever its label.
    source:
      '\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b[^\\n]{0,80}\\n?[^\\n]{0,80}?["\'`=:\\s]([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)',
    priority: 91,
    confidence: 0.85,
    accept: whole(isTokenLikely),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'labelled-token',
    type: 'API_KEY',
    prefilter: TOKEN_LABEL_PREFILTER,
    // The label may carry a suffix (`token_value`, `key_wrap`); the value may sit in a URL query
    // (`token%3D…`) or in HTML-escaped quotes (`&quot;…`).
    source: TOKEN_LABEL + '(?:&quot;|["\'`])?([A-Za-z0-9][A-Za-z0-9_\\-./+=~]{9,})',
    priority: 70,
    confidence: 0.7,
    accept: whole(isTokenLikely),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'labelled-token-quoted',
    type: 'API_KEY',
    // The label's word, suffix, gap and opening quote, as bounded classes: an unbounded gap (`.{0,48}`)
    // would blow up the prefilter set's automaton, and every scan with it (2.5x slower on all types).
    prefilter:
      '(?i:key|token|secret|credential|api|auth|pat|srt|sig)[A-Za-z0-9_.-]{0,26}["\']?[ \\t]{0,24}(?:[:=]|%3[Dd]|=>|:=|(?i:is|of))?\\s{0,3}["\']',
    // In quotes, any character but a space or a quote: `SECRET_KEY = "django-insecure-8f#k2$l9@pq!x7z&w3"`.
    // One value group, so the fast finder reads it (re2.ts); an unquoted value is labelled-token's.
    source: TOKEN_LABEL + '["\']([A-Za-z0-9][^"\'\\s]{9,199})["\']',
    priority: 70,
    confidence: 0.7,
    accept: whole(isTokenLikely),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'high-entropy-assignment',
    type: 'API_KEY',
    prefilter: '(?:[=:(,]|=>)\\s{0,3}["\'`][A-Za-z0-9+/_~-]{32}',
    // An unlabelled quoted value that can only be machine-generated: 32+ characters, mixed case and
    // digits, at least 4.3 bits of entropy per character (hex digests and identifiers never pass).
    source: '(?:[=:(,]|=>)\\s{0,3}["\'`]([A-Za-z0-9+/_~-]{32,200}={0,2})["\'`]',
    priority: 65,
    confidence: 0.6,
    accept: whole(isHighEntropySecret),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'bearer-token',
    type: 'API_KEY',
    prefilter: '(?i:bearer)',
    source: '(?i:\\b(?:bearer|oauth2-bearer))["\']?\\s{1,3}["\']?([A-Za-z0-9][A-Za-z0-9_\\-.~+/=]{11,})',
    priority: 70,
    confidence: 0.8,
    accept: whole(isTokenLikely),
    placeholder: isPlaceholderToken,
  },
  {
    id: 'credit-card',
    type: 'CREDIT_CARD',
    prefilter: '\\d(?:[ -]?\\d){11}|\\d{4}\\.\\d{4}\\.\\d{4}\\.\\d',
    // Groups of four may also be dotted (`5555.5555.5555.4444`), but only all four: a dot elsewhere
    // is a decimal point (`3.14159265358979`). Not after `+`, which starts a telephone number in
    // international form (`+49 151 36477416` passes Luhn one time in ten).
    source: '(?:^|[^+\\w])(\\d(?:[ -]?\\d){11,18}|\\d{4}\\.\\d{4}\\.\\d{4}\\.\\d{4})\\b',
    priority: 60,
    confidence: 0.95,
    accept: longestValidPrefix(isCardAsWritten, 12),
    placeholder: isTestCardNumber,
  },
  {
    // The same after `+`: a card still, unless a telephone number in international form covers it.
    id: 'credit-card-after-plus',
    type: 'CREDIT_CARD',
    prefilter: '\\+\\d(?:[ -]?\\d){11}',
    source: '\\+(\\d(?:[ -]?\\d){11,18})\\b',
    priority: 40,
    confidence: 0.8,
    accept: longestValidPrefix(isCardAsWritten, 12),
    placeholder: isTestCardNumber,
  },
  {
    id: 'iban',
    type: 'IBAN',
    prefilter: '\\b[A-Za-z]{2}\\d{2}[ -]?[A-Za-z0-9]{4}[ -]?[A-Za-z0-9]{4}',
    source: '\\b[A-Za-z]{2}\\d{2}(?:[ -]?[A-Za-z0-9]{4}){2,7}(?:[ -]?[A-Za-z0-9]{1,4})?\\b',
    // Above the card number: a German account number (18 digits) passes Luhn one time in ten, and
    // the mod-97 check over the whole IBAN, country included, is the stronger evidence.
    priority: 61,
    confidence: 0.97,
    accept: longestValidPrefix(isIbanValid, 15),
  },
  {
    id: 'us-ssn',
    type: 'US_SSN',
    prefilter: '\\d{3}[- ]\\d{2}[- ]\\d{4}',
    // A dash and a letter or digit after it make it a part of a longer code (`291-29-4033-R`), matched only to reject it.
    source: '\\b(?:(\\d{3}-\\d{2}-\\d{4})\\b(?:-[A-Za-z0-9])?|(\\d{3} \\d{2} \\d{4})\\b)',
    priority: 56,
    confidence: 0.85,
    accept: whole(isSsnValid),
    acceptMatch: (match, value) => match === value,
  },
  {
    id: 'us-ssn-labelled',
    type: 'US_SSN',
    prefilter: '(?i:ssn|social security)',
    source: '(?i:\\b(?:ssn|social security(?: number| no\\.?| #)?)\\b)#?' + LABEL_GAP + '(\\d{9})\\b',
    priority: 56,
    confidence: 0.9,
    accept: whole(isSsnValid),
  },
  {
    id: 'email',
    type: 'EMAIL',
    // `%40`: an address in a URL's query (`?email=li.wei%40example.cn`).
    prefilter: '@|%40',
    // One apostrophe inside the local part (`john.o'reilly@…`), never at its ends (`'bob@x.io'`).
    // The password and host of a URL (`postgres://app:s3cret@db.example.com`) are no address, nor
    // is an SSH remote (`git@github.com:acme/app.git`): the scheme and user before, and the path
    // after, are matched only to reject the match.
    source:
      "(?:://[^\\s/@:]{0,64}:[^\\s/@]{0,64})?([A-Za-z0-9._%+-]{1,64}(?:'[A-Za-z0-9._%+-]{1,64})?(?:@|%40)[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,6}\\.[A-Za-z]{2,24}\\b)(?::[A-Za-z0-9_~./-])?",
    priority: 55,
    confidence: 0.95,
    // A key of hex digits before the `@` is a URL's user part (a Sentry DSN, url-user-key), not a
    // mailbox; rejected as context, so the scan resumes after the whole address, not inside the key.
    acceptMatch: (match, value) => match === value && !HEX_KEY_AT.test(value),
    // The domains reserved for examples (RFC 2606, RFC 6761): `alice@example.org`, `bob@mail.test`.
    placeholder: (value) =>
      /(?:@|%40)(?:[A-Za-z0-9-]+\.)*example\.(?:com|org|net)$|\.(?:test|example|invalid|localhost)$/i.test(value),
  },
  {
    id: 'ipv4',
    type: 'IP_ADDRESS',
    prefilter: '\\d\\.\\d{1,3}\\.\\d{1,3}\\.\\d',
    // A dotted quad inside a longer run of dotted numbers ("03.93.92.16.85", a phone number; a
    // version "1.2.3.4.5"; an SNMP OID "1.3.6.1.2.1.3.7.0") is not an address, nor is one after a
    // version word (`release 1.2.3.4`, `firmware 7.3.79.181`): the extra groups and the word are
    // matched only to reject it. So is a network's block (`10.0.0.0/8`); a host's prefix length
    // (`10.0.0.12/24`) is not part of its address.
    source:
      '(?:\\b(?i:version|release|build|ver\\.?|firmware|fw|kernel)[ :]{1,2}|(?:\\b\\d{1,4}\\.)+|[A-Za-z]/)?\\b((?:\\d{1,3}\\.){3}\\d{1,3})\\b(?:\\.\\d|/\\d{1,2}\\b)?',
    priority: 50,
    confidence: 0.85,
    accept: whole(isIpv4Valid),
    // A product's version after its name (`Chrome/124.0.0.0`) is matched only to reject it.
    acceptMatch: (match, value) =>
      match === value || (match.startsWith(value) && match[value.length] === '/' && !value.endsWith('.0')),
    placeholder: (value) => isDocumentationAddress(value) || value.startsWith('127.'),
  },
  {
    id: 'ipv6',
    type: 'IP_ADDRESS',
    prefilter: '::|[0-9A-Fa-f]:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:',
    source:
      '\\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\\b|\\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?\\b',
    priority: 50,
    confidence: 0.8,
    // Eight groups of two hex digits each are a key's fingerprint (`7C:BD:15:51:52:A5:DB:42`), not an address.
    accept: whole(
      (value) =>
        isIpv6Valid(value) &&
        value.split(':').filter(Boolean).length >= 3 &&
        !/^(?:[0-9A-Fa-f]{2}:){7}[0-9A-Fa-f]{2}$/.test(value),
    ),
    placeholder: isDocumentationAddress,
  },
  {
    id: 'phone-nanp',
    type: 'PHONE',
    prefilter: '\\d{3}[ .-]\\d{4}',
    // A dash and a letter or digit after it make it a part number (`626-575-0830-B`), matched only to reject it.
    source:
      '((?:(?:\\+|\\b)1[ .-]?)?(?:\\(\\d{3}\\) ?|\\b\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?: ?(?:x|ext\\.?) ?\\d{1,5})?\\b)(?:-[A-Za-z0-9])?',
    priority: 45,
    confidence: 0.8,
    accept: whole(isPhoneValid),
    acceptMatch: (match, value) => match === value,
    placeholder: isFictionalPhoneNumber,
  },
  {
    id: 'phone-international',
    type: 'PHONE',
    prefilter: '(?:\\+|\\b00|%2[Bb])\\d',
    // A country code never starts with 0: `ORD-00058652` is an order number. It may stand in
    // parentheses: `(+44) 20 7946 0958`.
    // `%2B`: a `+` in a URL's query (`?phone=%2B447723674625`).
    source:
      '(?:\\(\\+[1-9]\\d{0,2}\\)|(?:\\+|\\b00|%2[Bb])[1-9]\\d{0,2})(?: ?\\(0\\))?(?:[ .-]?\\(?\\d{1,5}\\)?){1,5}\\b',
    priority: 44,
    confidence: 0.75,
    accept: whole(isInternationalPhoneValid),
    placeholder: isFictionalPhoneNumber,
  },
  {
    id: 'phone-trunk',
    type: 'PHONE',
    // A trunk `0` and an area code, then groups (`020 7946 0000`), one long group (`07700 900123`,
    // `0171 2345678`), or an area code in parentheses (`(11) 98765-4321`, `(030) 901820-0`).
    // `00` starts an international number, never a trunk code (`Serial: 00-11-22-33`); after a
    // digit and a full stop or dash it is the rest of a version, date or ISBN (`Build 2024.05.01.1234`,
    // `978-8-096-47148-4`): the digit and separator are matched only to reject the match.
    source:
      '(?:\\d[.-])?(\\b0[1-9]\\d{0,3}(?:(?:[ .-]\\d{2,4}){2,4}|[ -]\\d{5,8})\\b|\\(0?\\d{2,4}\\) ?\\d{3,5}[ .-]\\d{1,4}\\b|' +
      // The area code before a slash, as German numbers are written: `040 / 518 83 061`, `0176/12345678`.
      '\\b0[1-9]\\d{1,4}(?: / |/)\\d{2,8}(?:[ .-]\\d{2,4}){0,3}\\b)',
    priority: 43,
    confidence: 0.6,
    accept: whole(isPhoneNotDate),
    acceptMatch: (match, value) => match === value,
    placeholder: isFictionalPhoneNumber,
  },
  {
    id: 'phone-labelled',
    type: 'PHONE',
    source:
      '(?i:\\b(?:phone|tel|telephone|mobile|cell|fax|desk|whatsapp|sms|(?:call|ring|reach|text|contact)(?: (?:me|us|him|her|them))?(?: (?:on|at))?|(?:phone|mobile|cell|contact|telephone) (?:number|no\\.?)|answering at|messages to|' +
      // The same labels in the languages of the EU, Latin America and the Nordics.
      't[ée]l[ée]phone|t[ée]l|portable|telefon(?:o|e|nummer)?|tel[ée]fono|handy|mobil(?:e?nummer)?|m[óo]vil|celular|cellulare|telem[óo]vel|recapit[oi]|no\\.? hp|nomor hp|puhelin|matkapuhelin|gsm|numer telefonu|' +
      // Asking to be called: `llámame al 91 960 56 51`, `ligue para`, `chiamami al`, `appelez-moi au`.
      'll[áa]m(?:ame|anos) al|ligue(?:-me)? para|chiam(?:ami|aci) al|appelez(?:-moi|-nous)? au|rufen sie (?:mich |uns )?an unter)\\b\\.?' +
      // What kind of number: `Teléfono de contacto:`, `Telefon (tagsüber):`.
      '(?: de contacto| de contato| \\([^()\\n]{1,20}\\))?)' +
      // `is` in those languages too: `mi teléfono es 612 345 678`, `meine Nummer ist …`.
      LABEL_GAP.replace('\\bis\\b', '\\b(?:is|es|est|ist|är|er)\\b') +
      // A slash may part the area code (`040 / 518 83 061`).
      '(\\+?\\(?\\d[\\d ()./-]{5,18}\\d)',
    priority: 44,
    confidence: 0.75,
    accept: whole(isPhoneNotDate),
    placeholder: isFictionalPhoneNumber,
  },
  {
    id: 'phone-line-type',
    type: 'PHONE',
    // The digit right before the line kind, as the rule needs: the bare words are in most business text.
    prefilter: '\\d\\s{0,2}[-(]?\\s{0,2}(?i:office|fax|mobile|cell|home|work|direct)\\b',
    // A number followed by the kind of line it is: "416 60 039 office", "3660170548-Fax".
    source: '(\\+?\\(?\\b\\d[\\d ().-]{5,18}\\d)\\s{0,2}[-(]?\\s{0,2}(?i:office|fax|mobile|cell|home|work|direct)\\b',
    priority: 44,
    confidence: 0.7,
    accept: whole(isPhoneValid),
    placeholder: isFictionalPhoneNumber,
  },
  {
    id: 'medical-record-number',
    type: 'MEDICAL_RECORD_NUMBER',
    prefilter: `${MEDICAL_RECORD_LABEL}|\\bMRN-?\\d`,
    // `MRN-00473921` written as one token is the number itself; otherwise the value after a label.
    source:
      `(?:\\b(MRN-?\\d{4,15})\\b|${MEDICAL_RECORD_LABEL}(?:${VALUE_SEPARATOR}(?:(?i:is|was|of)\\s{1,3})?|${LABEL_WORDS})` +
      `${VALUE_OPENING}${NUMBER_WORD}(${MEDICAL_RECORD_VALUE})\\b)`,
    priority: 47,
    confidence: 0.85,
    accept: whole(isMedicalRecordNumberLikely),
    acceptMatch: hasNoUnrelatedContext(UNRELATED_NUMBER_CONTEXT),
  },
  {
    id: 'medical-record-number-nhs',
    type: 'MEDICAL_RECORD_NUMBER',
    prefilter: NHS_LABEL,
    // The UK NHS number (and Scotland's CHI number): ten digits, `943 476 5919`, mod-11 checked.
    source: `(?:${NHS_LABEL})${VALUE_SEPARATOR}(?:(?i:is|was)\\s{1,3})?${VALUE_OPENING}(\\d{3}[ -]?\\d{3}[ -]?\\d{4})\\b`,
    priority: 48,
    confidence: 0.9,
    accept: whole(isNhsNumberValid),
  },
  {
    id: 'medical-record-number-hl7',
    type: 'MEDICAL_RECORD_NUMBER',
    prefilter: '\\bPID\\|',
    // The first identifier of PID-3 in an HL7 v2 segment: `PID|1||00473921^^^HOSP^MR||DOE^JANE…`.
    source: `\\bPID\\|[^|\\r\\n]{0,8}\\|[^|\\r\\n]{0,40}\\|(${MEDICAL_RECORD_VALUE})(?:[~^|\\r\\n]|$)`,
    priority: 47,
    confidence: 0.8,
    accept: whole(isMedicalRecordNumberLikely),
  },
  {
    id: 'person-cjk-labelled',
    type: 'PERSON',
    prefilter: '[\\x{3400}-\\x{9FFF}\\x{AC00}-\\x{D7AF}]',
    // A Chinese, Japanese or Korean name, written without capitals or spaces, which the name pass
    // does not read: after a name label and its colon (`Contact: 王伟`, `姓名：李娜`, `氏名: 山田 太郎`,
    // `이름: 김민준`) or after a greeting or an honorific (`Dear 王伟`). Two to four characters, or a
    // family and a given name with a space between, and an optional honorific after it (`先生`, `さん`).
    source:
      `(?:(?:\\b(?:${capitalizedFirst(['name', 'full name', 'contact', 'customer', 'patient', 'employee', 'applicant', 'client', 'attn', 'from'])})|` +
      '姓名|名字|联系人|聯絡人|客户|客戶|患者|病人|申请人|收件人|氏名|名前|お名前|担当者|이름|성명|담당자)\\s{0,3}[:：]' +
      `|\\b(?:${capitalizedFirst(['dear', 'mr.', 'ms.', 'mrs.', 'dr.', 'mr', 'ms', 'mrs', 'dr', 'my name is'])}))` +
      '\\s{0,3}((?:\\p{Han}{1,3}[ 　]\\p{Han}{1,3}|\\p{Han}{2,4}|\\p{Hangul}{2,4}))' +
      '(?:先生|女士|小姐|老师|老師|医生|醫生|さん|様|씨|님)?(?:[^\\p{Han}\\p{Hangul}\\p{Hiragana}\\p{Katakana}]|$)',
    priority: 18,
    confidence: 0.6,
  },
  {
    id: 'date-of-birth',
    type: 'DATE_OF_BIRTH',
    prefilter: `${BIRTH_LABEL}|${BORN_LABEL}`,
    source:
      `(?:(?:${BIRTH_LABEL})${BIRTH_LABEL_NOTE}(?:${VALUE_SEPARATOR}${BIRTH_LINKING}|${ANSWER_BRIDGE}|${LABEL_WORDS})` +
      `${AGE_BEFORE_DATE}|${BORN_LABEL}${BORN_GAP})${VALUE_OPENING}(${DATE})`,
    priority: 46,
    confidence: 0.85,
    acceptMatch: hasNoUnrelatedContext(UNRELATED_DATE_CONTEXT),
  },
  {
    id: 'date-of-birth-hl7',
    type: 'DATE_OF_BIRTH',
    prefilter: '\\bPID\\|',
    // PID-7 of an HL7 v2 segment, a timestamp that starts with the date: `PID|1||…||DOE^JANE||19870314|F`.
    source: `\\bPID(?:\\|[^|\\r\\n]{0,120}){6}\\|(${YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])(?:\\d{2,6})?)(?:[+-]\\d{4})?(?:[|^\\r\\n]|$)`,
    priority: 46,
    confidence: 0.8,
  },
  {
    id: 'person-hl7',
    type: 'PERSON',
    prefilter: '\\b(?:PID|NK1)\\|',
    // The patient's name in PID-5 of an HL7 v2 segment, and the next of kin's in NK1-2: family,
    // given and middle name between carets, `DOE^JANE^A`.
    source: `\\b(?:PID(?:\\|[^|\\r\\n]{0,120}){4}|NK1\\|[^|\\r\\n]{0,8})\\|(${HL7_NAME}(?:\\^${HL7_NAME}){1,2})(?:[~^|\\r\\n]|$)`,
    priority: 18,
    confidence: 0.8,
  },
  {
    id: 'person-hl7-provider',
    type: 'PERSON',
    prefilter: '\\b(?:PV1|ORC|OBR)\\|',
    // A doctor as an HL7 v2 XCN, an identifier before family, given and middle name: the attending,
    // referring or consulting doctor in PV1-7 to PV1-9, the ordering provider in ORC-12 or OBR-16
    // (`PV1|1|I|ICU^407^A||||1106^MACARAEG^ANGELICA^D^^^MD`). The first of them in a segment.
    source: `\\b(?:PV1(?:\\|[^|\\r\\n]{0,120}){6,8}|ORC(?:\\|[^|\\r\\n]{0,60}){11}|OBR(?:\\|[^|\\r\\n]{0,60}){15})\\|[^|^~\\r\\n]{0,20}\\^(${HL7_NAME}(?:\\^${HL7_NAME}){1,2})(?:[~^|\\r\\n]|$)`,
    priority: 18,
    confidence: 0.8,
  },
  {
    id: 'address-hl7',
    type: 'ADDRESS',
    prefilter: '\\b(?:PID|NK1)\\|',
    // The address in PID-11 or NK1-4: street, other line, city, state, postcode and country between
    // carets, `12 MAIN ST^^BOSTON^MA^02115`.
    source: `\\b(?:PID(?:\\|[^|\\r\\n]{0,80}){10}|NK1(?:\\|[^|\\r\\n]{0,120}){3})\\|(\\d[^|^~\\r\\n]{1,60}(?:\\^[^|^~\\r\\n]{0,40}){1,4}\\^[^|^~\\r\\n]{1,40})`,
    priority: 30,
    confidence: 0.8,
  },
  {
    id: 'street-address',
    type: 'ADDRESS',
    prefilter: ` (?:${STREET_SUFFIXES})\\b`,
    source:
      `\\b(?:\\d{1,5}-)?\\d{1,6}[A-Za-z]?(?: {1,2}[NSEW]\\.?)?(?: {1,2}(?:(?:${UPPER}|\\d)(?:${LETTER}|['.-]){0,20}|\\d{1,4}(?:st|nd|rd|th))){1,4} {1,2}(?:${STREET_SUFFIXES})\\b\\.?(?: {1,2}(?:[NS][EW]?|[EW])\\b\\.?)?` +
      `(?:,? {1,2}(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Room|#)\\.? {0,2}[A-Za-z0-9-]{1,6})?` +
      `(?:,?\\s{1,3}${UPPER}(?:${LETTER}|[.' -]){1,30},? {1,2}[A-Z]{2},? {1,2}\\d{5}(?:-\\d{4})?)?`,
    priority: 30,
    confidence: 0.7,
  },
  {
    id: 'address-number-word',
    type: 'ADDRESS',
    prefilter: 'One ',
    // `One` for a house number, as corporate addresses write it (`One Microsoft Way, Redmond, WA
    // 98052`): only with its town, state and ZIP code, since `One More Time Road` is a title.
    source: `\\bOne(?: {1,2}${UPPER}(?:${LETTER}|['.-]){0,20}){1,3} {1,2}(?:${STREET_SUFFIXES})\\b\\.?,? {1,2}${UPPER}(?:${LETTER}|[.' -]){1,30},? {1,2}[A-Z]{2},? {1,2}\\d{5}(?:-\\d{4})?\\b`,
    priority: 30,
    confidence: 0.7,
  },
  {
    id: 'european-address',
    type: 'ADDRESS',
    prefilter: `\\b(?:${STREET_PREFIXES}) |(?:${STREET_WORD_SUFFIXES}|${STREET_WORD_SUFFIXES.toUpperCase()}|${STREET_KIND_WORDS}) {1,2}\\d|\\b(?:${STREET_SUFFIXES}) {1,2}\\d|\\bGran V[ií]a `,
    source:
      `(?:\\b(?:${STREET_PREFIXES})(?: {1,2}(?:${LETTER}|['.-]){1,20}){1,5},?|\\b${UPPER}${LOWER}{1,20}(?:${STREET_WORD_SUFFIXES})|\\b${UPPER}{2,20}(?:${STREET_WORD_SUFFIXES.toUpperCase()})|\\bGran V[ií]a|\\b${LOWER}{2,20}(?:${DISTINCT_STREET_WORD_SUFFIXES})|\\b${UPPER}${LOWER}{1,20} (?:${STREET_SUFFIXES})|\\b${UPPER}${LOWER}{1,20}(?: ${LETTER}${LOWER}{1,20})? (?:${STREET_KIND_WORDS})|\\b${LOWER}{2,20} (?:${STREET_KIND_WORDS}))` +
      // `12/4`: a house and flat number, as Polish and Czech addresses write them. A comma may stand
      // before the number (`Via Roma, 50 bis`, `Rua Augusta, 297, r/c`), and the flat after it in
      // the words of the street's language (`bajo`, `3.º Dto.`, `lok. 12`, `scala A, int. 6`).
      ` {1,2}\\d{1,5}[A-Za-z]?(?:/(?:\\d{1,4}[A-Za-z]?|[A-Za-z]))?\\b(?: (?:bis|ter))?(?:,? {1,2}(?:Apt|Apartment|Suite|Ste|Unit|Fl|#)\\.? {0,2}[A-Za-z0-9-]{1,6}|${EUROPEAN_FLAT})?`,
    // After a comma, five digits are a postal code, not a house number: `rue des Lilas, 59035 Lille`.
    acceptMatch: (match) => !/, {1,2}\d{5}\b/.test(match),
    priority: 30,
    confidence: 0.65,
  },
  {
    id: 'address-number-first',
    type: 'ADDRESS',
    prefilter: `\\d(?: (?:bis|ter|quater))?,? {1,2}(?:(?:${STREET_PREFIXES}) |${FRENCH_KIND_BEFORE_NAME}${UPPER})`,
    // The house number before a street named by its kind first, as French, Spanish, Portuguese and
    // North African addresses are written: "12 Rue de la Paix", "69 Av Sidi Lakhmi", "31 Rue Al Imam Al Bakri",
    // "105 bis rue des Lilas".
    // A street that carries its own number after it ("86036 Rua do Arenque 1634") is european-address's,
    // with a building number before it: the number after is matched only to reject the match.
    source: `\\b(\\d{1,5}[A-Za-z]?(?: (?:bis|ter|quater))?,? {1,2}(?:(?:${STREET_PREFIXES})(?: {1,2}(?:${LETTER}|['.-]){1,20}){1,5}|${FRENCH_KIND_BEFORE_NAME}${UPPER}(?:${LETTER}|['.-]){0,20}(?: {1,2}(?:${LETTER}|['.-]){1,20}){0,4}))(?: {1,2}\\d{1,5}[A-Za-z]?\\b)?`,
    priority: 30,
    confidence: 0.6,
    // English words after the name end it: `12 Rue de la Paix and then` is `12 Rue de la Paix`.
    accept: streetNameLength(NOT_IN_STREET_NAMES),
    acceptMatch: (match, value) => match === value,
  },
  {
    id: 'address-corner',
    type: 'ADDRESS',
    prefilter: '(?i:corner of) ',
    // A place given as a street corner: "at the corner of 35 Pentelis Str. and Waechter Turnpike".
    // Both streets start with a capital or a house number: `the corner of the room and cried` is prose.
    source: `\\b(?i:the {1,2})?(?i:corner {1,2}of) {1,2}(?:\\d{1,5}[A-Za-z]? {1,2})?${UPPER}[^\\n,;!?]{1,60}? (?i:and|&) {1,2}(?:${UPPER}|\\d)(?:${LETTER}|['.-]){0,20}(?: {1,2}(?:${UPPER}(?:${LETTER}|['.-]){1,20}|\\d{1,5}[A-Za-z]?\\b)){0,3}`,
    priority: 31,
    confidence: 0.6,
  },
  {
    id: 'po-box',
    type: 'ADDRESS',
    // A ship's name may have Latin letters outside ASCII (`USNS Møller`): one range, not `\\p{Ll}`,
    // whose hundreds of ranges, repeated twenty times in UTF-8, ran this rule (which has no
    // prefilter, so it scans every text) slowly enough to halve the speed of the whole detector.
    source:
      '\\b(?i:P\\.? ?O\\.? Box \\d{1,6}|(?:PSC|Unit) \\d{1,5},? Box \\d{1,5}(?:\\s{1,3}[AD]P[OE] A[AEP] \\d{5})?|(?:USNS|USS|USNV|USCGC) [A-Z](?:[a-z]|[\\x{C0}-\\x{24F}]){1,20}(?:\\s{1,3}FPO A[AEP] \\d{5})?)\\b',
    priority: 30,
    confidence: 0.75,
  },
  {
    id: 'address-unit',
    type: 'ADDRESS',
    // `suite` and `apt.` in any case; `unit`, `flat`, `box` and `room` in lower case are English words.
    // Flats elsewhere: Russian `kv.`, German `Whg.`, Spanish `piso` and `dpto.`; a French building
    // and floor (`Bât. B`, `1e étage`).
    source:
      '\\b(?:(?i:suite|apt\\.?|apartment|piso|dpto\\.?|depto\\.?)|Unit|UNIT|Flat|FLAT|Box|BOX|kv\\.|Whg\\.)\\s{1,2}#?\\d{1,5}[A-Za-z]?\\b' +
      '|\\b(?:Bât|bât|Bâtiment|bâtiment)\\.?\\s{1,2}[A-Z0-9]{1,3}\\b|\\b\\d{1,2}(?:e|er|ère|ème)\\s{1,2}étage\\b',
    priority: 29,
    confidence: 0.6,
  },
  {
    id: 'address-numbered-street',
    // A building or plot number directly before a street that carries its own number: "20789 Allika 46"
    // is two findings, the number (`address-building-number`) and the street.
    leadingNumber: 'address-building-number',
    type: 'ADDRESS',
    prefilter: `\\d {1,2}${UPPER}`,
    // A ratio or a time after the number (`Ford Mustang 1:24 model kit`) is matched only to reject it.
    source: `\\b\\d{1,6} {1,2}(${UPPER}(?:${LETTER}|['.-]){1,20}(?: {1,2}(?:${LETTER}|['.-]){1,20}){0,2} {1,2}\\d{1,5}[A-Za-z]?)\\b(?::\\d)?`,
    priority: 29,
    confidence: 0.55,
    accept: whole(isStreetAndNumber),
    acceptMatch: (match) => !RATIO_AFTER_NUMBER.test(match),
  },
  {
    id: 'address-japanese',
    type: 'ADDRESS',
    prefilter: `\\d-\\d{1,4}(?:-\\d{1,4})?,? {1,2}${UPPER}`,
    // A block, lot and building number, the district, then a ward (`-ku`) or a major city:
    // `3-14-1 Shibuya, Shibuya-ku, Tokyo 150-0002`, `1-1 Umeda, Kita-ku, Osaka`, `3-7-18 Odori Nishi\nKita-ku,
    // Osaka 530-8837`. Without the ward or
    // the city it is no address (`12-03-24 Meeting`, `3-1 Arsenal`), and no match: a rejected one
    // would cost a search each.
    source: `\\b(\\d{1,2}-\\d{1,4}(?:-\\d{1,4})?,? {1,2}${UPPER}${LOWER}{1,20}(?:-${LETTER}${LOWER}{1,20}| ${UPPER}${LOWER}{1,20})?(?:(?:,? {1,2}|,?[ \\t]{0,2}\\r?\\n[ \\t]{0,3})${UPPER}${LOWER}{1,20}-(?:ku|shi|cho|machi|gun)(?:,? {1,2}(?:${JAPANESE_CITIES})(?:-(?:to|fu|shi))?)?|,? {1,2}(?:${JAPANESE_CITIES})(?:-(?:to|fu|shi))?)(?:,? {1,2}\\d{3}-\\d{4})?)\\b`,
    priority: 30,
    confidence: 0.6,
  },
  {
    id: 'address-labelled-number',
    type: 'ADDRESS',
    // The month after the number is matched only to reject it: `moved to 3 Sept. 2025` is a date. A
    // street follows the number: `Years at address: 15` is no address.
    source: `(?:\\b(?:${capitalizedFirst(['lives at', 'live at', 'living at', 'resides at', 'address:', 'address is', 'located at', 'office is at', 'sent to', 'ship to', 'deliver to', 'drops you off at', 'moved to', 'return to'])}) {1,2})(\\d{1,6})\\b(?: {1,2}(?i:${MONTH_WORD})\\b| {1,2}[A-Za-z0-9\\x{C0}-\\x{17F}])`,
    priority: 28,
    confidence: 0.5,
    acceptMatch: (match) => !ENDS_WITH_NUMBER_AND_MONTH.test(match),
  },
  {
    id: 'address-street-after-preposition',
    type: 'ADDRESS',
    // Up to the house number, words as any non-spaces: a capital after `in` alone ran on four in five PII-free texts.
    prefilter: `\\b(?:on|at|to|in|from|near)\\s{1,2}${UPPER}\\S*(?: {1,2}\\S+){0,4} {1,2}\\d`,
    // "enter on Hoge Wei 32", "the station is on Peter Zuidhove 188": a location preposition, one to
    // four capitalized words and a house number. Priority over a person pair: a name with a house
    // number after a location preposition is a street named after someone.
    source: `\\b(?:on|at|to|in|from|near)\\s{1,2}(${UPPER}(?:${LETTER}|['.-]){1,20}(?: {1,2}(?:${UPPER}(?:${LETTER}|['.-]){1,20}|and|e|de|del|di|van|von|der|la|le)){0,4} {1,2}\\d{1,5}[A-Za-z]?)\\b`,
    priority: 30,
    confidence: 0.5,
    accept: whole((value) => isStreetAndNumber(value.replace(/ and /g, ' '))),
  },
  {
    id: 'address-named-street',
    type: 'ADDRESS',
    // The preposition, the words and the street word: the street word alone ran on three in five PII-free texts.
    prefilter: `\\b(?:on|at|in|near|off|along|onto|into)\\s{1,2}${UPPER}\\S*(?: {1,2}\\S+){0,2} {1,2}(?:Street|Avenue|Road|Boulevard|Lane|Drive|Terrace|Parkway|Highway)\\b`,
    // A street without a house number after a location preposition: "lives on Maple Drive", "shows on
    // Berg Hills Street". Only full street words that no title or name ends in (not `Court`, `Way`).
    source: `\\b(?:on|at|in|near|off|along|onto|into)\\s{1,2}(${UPPER}(?:${LETTER}|['.-]){1,20}(?: {1,2}${UPPER}(?:${LETTER}|['.-]){1,20}){0,2} {1,2}(?:Street|Avenue|Road|Boulevard|Lane|Drive|Terrace|Parkway|Highway))\\b`,
    priority: 29,
    confidence: 0.5,
    // `in The Street`, `on Our Road`: an article or a possessive names no street.
    accept: whole((value) => !/^(?:The|A|An|This|That|Our|Your|My|His|Her|Their|Its|Every|Each|Any|No)\s/.test(value)),
  },
  {
    id: 'address-street-postcode',
    type: 'ADDRESS',
    // From the comma or line break before the postal code: a prefilter from the house number on, on
    // digit-rich text, took the prefilter set's automaton past its memory and every scan 20x slower.
    prefilter: '(?:,[ \\t]{1,3}|[ \\t]{0,2}\\n[ \\t]{0,2})(?:\\d{5}|\\d{4} ?[A-Z]{2}) [A-Z\\x{C0}-\\x{DE}]',
    // A street line that no street word marks, by the postal code and town after it: German, Dutch,
    // French, Spanish or Italian (`Am Weinberg 155\n10974 Berlin`, `Stratumseind 188A, 9992 WP
    // Amsterdam`, `Friedrich-Ebert-Ring 123b, 04040 Leipzig`, `… 1101 LX Den Haag`). The street is one to three capitalized
    // words (a German `Am`, `An der`, `Im`, … before them), the number has at most four digits.
    source:
      `\\b(?:(?:Am|An der|An den|Auf dem|Auf der|Im|In der|In den|Zum|Zur|Unter den) )?${UPPER}${LOWER}{2,25}(?:-${UPPER}?${LOWER}{1,20}){0,3}(?: ${UPPER}${LOWER}{1,20}| van| de| der| den){0,3}` +
      ` \\d{1,4}[a-zA-Z]?(?:[-/]\\w{1,4})?(?:,[ \\t]{1,3}|[ \\t]{0,2}\\n[ \\t]{0,2})(?:\\d{5}|\\d{4} ?[A-Z]{2}) (?:(?:Den|De|Het) |'s-)?${UPPER}${LOWER}{2,20}(?:-${UPPER}${LOWER}{1,20}| (?:am|an der|im|in der|bei|ob der|aan den|aan de|aan|op) ${UPPER}${LOWER}{1,20}){0,2}\\b`,
    priority: 31,
    confidence: 0.6,
    // `Invoice 2024, 10115 Berlin`: a year is no house number.
    acceptMatch: (match) => !STREET_NUMBER_IS_YEAR.test(match),
  },
  {
    id: 'address-brazil',
    type: 'ADDRESS',
    prefilter: '\\b\\d{5}-\\d{3}\\b',
    // A Brazilian address, to its CEP: `Av. Paulista, 1195 - Água Verde, Curitiba - PR, 80074-391`,
    // on up to three lines of a delivery label. The town may follow the CEP (`Rua Augusta 1500,
    // 01304-001 São Paulo`).
    source: `\\b(?:Rua|R\\.|Avenida|Av\\.|Alameda|Al\\.|Travessa|Praça|Estrada|Rodovia|Largo)(?: {1,2}(?:${LETTER}|['.-]){1,20}){1,5},? {1,2}\\d{1,5}[^\\n]{0,60}?(?:\\r?\\n[^\\n]{0,60}?){0,2}\\b\\d{5}-\\d{3}\\b(?: {1,2}${UPPER}${LOWER}{2,20}(?: ${UPPER}${LOWER}{2,20}){0,2})?`,
    priority: 31,
    confidence: 0.7,
  },
  {
    id: 'address-india',
    type: 'ADDRESS',
    prefilter: `(?:${INDIAN_STATES}),? {1,2}\\d{3} ?\\d{3}\\b`,
    // An Indian town, state and PIN code: `Chennai, Tamil Nadu 600096`, `Noida, Uttar Pradesh 201359`,
    // with the line or part before it when it names a house, flat, plot or sector (`C-247, Sector 36`),
    // and up to three more parts on its line: a building, a numbered road, a locality (`Flat 604,
    // Prestige Lakeside, 38th Main Road, Andheri West, Mumbai, Maharashtra 400053`).
    source:
      `\\b(?:(?:(?:H\\.? ?No\\.?|Flat(?: No\\.?)?|Plot(?: No\\.?)?|Door(?: No\\.?)?|#) {0,2})?[A-Z]?-?\\d{1,5}(?:[-/]\\d{1,5}){0,3},? {1,2}(?:${INDIAN_ADDRESS_PART},? {1,2}){0,3}(?:${INDIAN_ADDRESS_PART}|Sector \\d{1,3})(?:,? {1,2}Sector \\d{1,3})?,?\\s{1,3})?` +
      `${UPPER}${LOWER}{2,20}(?: ${UPPER}${LOWER}{2,20})?,? {1,2}(?:${INDIAN_STATES}),? {1,2}\\d{3} ?\\d{3}\\b`,
    priority: 31,
    confidence: 0.7,
  },
  {
    id: 'address-turkish',
    type: 'ADDRESS',
    prefilter: '(?i:mah\\.|mahallesi) ',
    // A Turkish address: neighbourhood (`Mah.`), street (`Sok.`, `Cad.`, `Blv.`), door number, floor
    // and flat, then the postal code and district/province, as written or in capitals:
    // `Cumhuriyet Mah. Gül Sok. No: 131 D: 16, 07100 Muratpaşa/Antalya`,
    // `CUMHURIYET MAH. GUL SOK. NO: 162 D: 1\n35220 KONAK / IZMIR`.
    source:
      `\\b(?:${LETTER}{2,20} ){1,3}(?i:mah\\.|mahallesi) (?:${LETTER}{2,20} ){1,4}(?i:sok\\.|sokak|sk\\.|cad\\.|caddesi|blv\\.|bulvar[ıi]) ` +
      `(?i:no) ?: ?\\d{1,4}[A-Za-z]?(?: (?i:kat|d|daire) ?: ?\\d{1,4}){0,3}` +
      `(?:,? ?(?:\\r?\\n)?\\d{5} ${LETTER}{2,20}(?: ?/ ?${LETTER}{2,20})?)?`,
    priority: 31,
    confidence: 0.7,
  },
  {
    id: 'address-indonesian',
    type: 'ADDRESS',
    prefilter: '\\bJ(?:l\\.|alan) ',
    // An Indonesian address: `Jl.` or `Jalan`, the street, its number, then neighbourhood units,
    // villages, districts and the town with its postal code:
    // `Jl. Gatot Subroto No. 216, RT 005/RW 007, Ubud, Gianyar, Bali 80571`.
    source:
      `\\bJ(?:l\\.|alan) (?:${UPPER}(?:${LETTER}|[.'-]){1,20} ){1,4}No\\. ?\\d{1,4}[A-Za-z]?` +
      `(?:, RT \\d{1,3} ?/ ?RW \\d{1,3})?(?:, ${UPPER}${LETTER}{1,20}(?: ${UPPER}${LETTER}{1,20}){0,2}){0,4}(?: \\d{5})?`,
    priority: 31,
    confidence: 0.7,
  },
  {
    id: 'address-japanese-postal',
    type: 'ADDRESS',
    prefilter: '〒',
    // A Japanese address after the postal mark, in Japanese script: `〒150-0800 東京都渋谷区渋谷4-23-13`.
    source: '〒 ?\\d{3}-?\\d{4}[ 　]{0,2}[\\x{3040}-\\x{30FF}\\x{4E00}-\\x{9FFF}0-9０-９\\-－ー−]{2,60}',
    priority: 31,
    confidence: 0.8,
  },
  {
    id: 'address-country-postcode',
    type: 'ADDRESS',
    // The last line of an international address block: a country, then its postal code.
    source: `\\b(?:${COUNTRIES}) {1,2}(\\d{4,6}|${UK_POSTCODE})\\b`,
    priority: 28,
    confidence: 0.5,
  },
  // Lines that only continue an address block: alone, `10115 Berlin` or `Germany` is no address, so
  // the detector keeps them only when they join a street, unit or box before them (detect.ts).
  {
    id: 'address-postcode-town',
    type: 'ADDRESS',
    prefilter: `(?:\\d{4}|\\d{3} \\d{2}|\\d-\\d{3}) {0,2}[A-Z]{0,2} {1,2}${UPPER}`,
    // European: `10115 Berlin`, `1017 GC Amsterdam`, `00184 Roma RM`, `111 21 Stockholm`, `00-514
    // Warszawa`, `01304-001 São Paulo`, `1100-053 Lisboa`. With a number after it, it is a building number and a street
    // (`62314 Mellemvej 32`): the number is matched only to reject it.
    // A town in capitals too, with its province in parentheses (`35122 PADOVA (PD)`).
    source: `\\b((?:\\d{4,5}(?: ?[A-Z]{2})?|\\d{3} \\d{2}|\\d{2}-\\d{3}|\\d{4,5}-\\d{3}) {1,2}(?:${UPPER}${LOWER}{2,20}(?:[ -]${UPPER}${LOWER}{2,20}){0,2}|${UPPER}{4,20}(?:[ -]${UPPER}{3,20}){0,2})(?: (?:[A-Z]{2}\\b|\\([A-Z]{2}\\)))?)(?: {1,2}\\d{1,5}\\b)?`,
    priority: 27,
    confidence: 0.5,
    acceptMatch: (match, value) => match === value,
  },
  {
    id: 'address-town-postcode',
    type: 'ADDRESS',
    prefilter: `${UK_POSTCODE}|[A-Z]{2},? {1,2}(?:\\d{5}|${CA_POSTCODE})|[a-z],? {1,2}\\d{5}\\b|[A-Z]{2,3} \\d{4}\\b|[a-z],? {1,2}(?:\\d{6}|\\d{3} \\d{2})\\b`,
    // British, American, Canadian and Australian: `London SW1A 2AA`, `Austin, TX 78701`, `Toronto, ON
    // M5H 2S6`, `Sydney NSW 2000`, also in capitals (`SUBIACO WA 6008`); a town before six digits (`Moscow 125009`) or a Greek or Swedish
    // postcode (`Athens 115 26`).
    source: `\\b(?:${UPPER}${LOWER}{2,20}(?: ${UPPER}${LOWER}{2,20}){0,2}|${UPPER}{3,20}(?: ${UPPER}{2,20}){0,2}),? {1,2}(?:${UK_POSTCODE}|[A-Z]{2},? {1,2}(?:\\d{5}(?:-\\d{4})?|${CA_POSTCODE})|${US_STATE_NAMES},? {1,2}\\d{5}(?:-\\d{4})?|[A-Z]{2,3} \\d{4}|\\d{6}|\\d{3} \\d{2})\\b`,
    priority: 27,
    confidence: 0.5,
  },
  {
    id: 'address-room',
    type: 'ADDRESS',
    // A room is part of an address inside its block (`Building 4, Room 12`), but alone it is a
    // meeting room or a ward's (`Admitted to Ward 7B, Room 301`).
    source: '\\b(?:Room|ROOM|Rm\\.)\\s{1,2}#?\\d{1,5}[A-Za-z]?\\b',
    priority: 29,
    confidence: 0.5,
  },
  {
    id: 'address-floor',
    type: 'ADDRESS',
    // The floor and door of a Spanish or Portuguese address (`Calle de Alcalá 45, 3º B`, `2ª esq.`);
    // alone, `3º` is an ordinal.
    source: '\\b\\d{1,2}[ºª](?: {0,2}[A-Za-z]{1,4}\\b\\.?)?',
    priority: 27,
    confidence: 0.5,
  },
  {
    id: 'address-country',
    type: 'ADDRESS',
    // In capitals too, as the last line of a shipping label (`AUSTRALIA`).
    source: `\\b(?:${COUNTRIES}|${COUNTRIES.toUpperCase()})\\b`,
    priority: 27,
    confidence: 0.4,
  },
  {
    id: 'address-region',
    type: 'ADDRESS',
    // A state or province in full after a town (`Toronto, Ontario`, `CHARLEROI Victoria`): like a
    // country, a finding only inside an address block.
    prefilter: `${US_STATE_NAMES}|${REGION_NAMES}`,
    source: `\\b(?:${US_STATE_NAMES}|${REGION_NAMES})\\b`,
    priority: 27,
    confidence: 0.4,
  },
];

/** The built-in rules, every one run through {@link asciiCaseless}. Plain data; compiled lazily by the detector. */
export const BUILT_IN_PATTERNS: readonly PatternDefinition[] = DEFINITIONS.map((definition) => ({
  ...definition,
  source: asciiCaseless(definition.source),
  ...(definition.prefilter === undefined ? {} : { prefilter: asciiCaseless(definition.prefilter) }),
}));

/** The luhn check is exported for custom detectors that want it. */
export { isLuhnValid };

/**
 * A column of a table (CSV, TSV, `;`-separated, Markdown or pipe) whose header names a sensitive
 * type: every cell under it that holds a value of that type is a finding, with no label beside it.
 * Compiled by the detector's column pass (columns.ts).
 */
export interface ColumnDefinition {
  readonly type: SensitiveType;
  /**
   * The header labels, as words: `date of birth` also reads `Date_of_Birth`, `dateOfBirth` and
   * `DATE-OF-BIRTH`. A finite vocabulary, so that a header cell costs a hash look-up.
   */
  readonly headers: readonly string[];
  /** RE2 source that the whole cell must match, before {@link ColumnDefinition.accept}. */
  readonly value: string;
  readonly accept?: (value: string) => boolean;
  /**
   * Only when another column of the same header is personal data: a bare `Name` column lists
   * people beside a `DOB` or `MRN` column, and products or projects elsewhere.
   */
  readonly needsPersonalColumn?: boolean;
}

/** Letters, spaces, initials, apostrophes and hyphens, with an optional `Last, First` comma: a person's name. */
const NAME_CELL = `${LETTER}(?:${LETTER}|[\\x{300}-\\x{36F}'’. -]){0,40}(?:, ?${LETTER}(?:${LETTER}|[\\x{300}-\\x{36F}'’. -]){0,30})?`;
/** Values a form puts in an empty cell. */
const EMPTY_CELL = /^(?:n\/?a|none|null|nil|nan|unknown|tbd|tba|redacted|withheld|anonymous|-+)$/i;
/** Lower-case words inside a name: `Ludwig van Beethoven`, `María de la Cruz`. */
const NAME_PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'do',
  'dos',
  'du',
  'la',
  'le',
  'bin',
  'al',
  'ter',
  'ten',
  'y',
  'e',
]);

/** A name cell: every word capitalized (or a particle), as names are written; `see note` is not one. */
function isNameCell(value: string): boolean {
  if (EMPTY_CELL.test(value)) return false;
  return value.split(/[\s,]+/).every((word) => word === '' || /^\p{Lu}/u.test(word) || NAME_PARTICLES.has(word));
}

/** The people whose name a column holds: `patient name`, `first name`, `cardholder name`. */
const NAMED_ROLES = [
  'patient',
  'full',
  'first',
  'last',
  'given',
  'family',
  'middle',
  'maiden',
  'legal',
  'customer',
  'client',
  'employee',
  'member',
  'contact',
  'card holder',
  'account holder',
  'applicant',
  'guarantor',
  'beneficiary',
  'subscriber',
  'insured',
  'policy holder',
  'guardian',
  'emergency contact',
  'student',
  'tenant',
  'resident',
  'donor',
  'recipient',
  'physician',
  'doctor',
  'provider',
  'nurse',
  'person',
  'user',
  'owner',
  'sender',
];

const COLUMNS: readonly ColumnDefinition[] = [
  {
    type: 'DATE_OF_BIRTH',
    headers: [
      'dob',
      'd.o.b',
      'date of birth',
      'birth date',
      'birthdate',
      'birthday',
      'b-day',
      'birth dt',
      'dob date',
      'patient dob',
      'born',
      'date born',
      // Other languages: `geboortedatum`, `data_nascita`, `fecha_nacimiento`.
      'geburtsdatum',
      'geboortedatum',
      'data nascita',
      'data di nascita',
      'fecha nacimiento',
      'fecha de nacimiento',
      'date naissance',
      'date de naissance',
      'data nascimento',
      'data de nascimento',
      'födelsedatum',
      'fødselsdato',
      'data urodzenia',
      'doğum tarihi',
      'tanggal lahir',
    ],
    value: DATE,
  },
  {
    type: 'MEDICAL_RECORD_NUMBER',
    headers: [
      'mrn',
      'm.r.n',
      'patient mrn',
      'mr number',
      'mr no',
      'mr #',
      'medical record',
      'medical record number',
      'medical record no',
      'medical record id',
      'medical record num',
      'medical record #',
      'med rec',
      'med rec no',
      'med rec number',
      'health record number',
      'patient id',
      'patient number',
      'patient no',
      'patient #',
      'chart number',
      'chart no',
      'chart id',
      'chart #',
      'hospital number',
      'hospital no',
      'hospital id',
      'emr id',
      'ehr id',
      'emr number',
      'ehr number',
    ],
    value: `MRN-?\\d{4,15}|${MEDICAL_RECORD_VALUE}`,
    accept: isMedicalRecordNumberLikely,
  },
  {
    type: 'MEDICAL_RECORD_NUMBER',
    headers: ['nhs', 'nhs number', 'nhs no', 'nhs id', 'nhs #', 'chi number', 'chi no', 'chi #'],
    value: '\\d{3}[ -]?\\d{3}[ -]?\\d{4}',
    accept: isNhsNumberValid,
  },
  {
    type: 'US_SSN',
    headers: [
      'ssn',
      's.s.n',
      'ss number',
      'social security',
      'social security number',
      'social security no',
      'social security #',
    ],
    value: '\\d{3}-?\\d{2}-?\\d{4}',
    accept: isSsnValid,
  },
  {
    type: 'PHONE',
    headers: [
      'phone',
      'phone number',
      'phone no',
      'phone #',
      'telephone',
      'telephone number',
      'tel',
      'tel no',
      'mobile',
      'mobile number',
      'mobile phone',
      'cell',
      'cell phone',
      'cellphone',
      'contact number',
      'home phone',
      'work phone',
      'fax',
      'fax number',
    ],
    // A whole cell of digits under a phone header: `08031234567`, `+234 803 123 4567`, `(212) 555-0198`.
    value: '\\+?\\(?\\d[\\d ().-]{5,18}\\d',
    accept: isPhoneValid,
  },
  {
    type: 'PERSON',
    headers: [
      ...NAMED_ROLES.map((role) => `${role} name`),
      'surname',
      'forename',
      'next of kin',
      'emergency contact',
      'card holder',
      'account holder',
      'patient',
      'first',
      'last',
      'given',
      'family',
      // Other languages: `voornaam;achternaam`, `nome,cognome`, `Vorname|Nachname`.
      'voornaam',
      'achternaam',
      'nome',
      'cognome',
      'nombre',
      'apellido',
      'apellidos',
      'prenom',
      'prénom',
      'vorname',
      'nachname',
      'sobrenome',
      'imie',
      'imię',
      'nazwisko',
      'fornavn',
      'efternavn',
      'etternavn',
      'förnamn',
      'efternamn',
      'soyad',
      'soyadı',
    ],
    value: NAME_CELL,
    accept: isNameCell,
  },
  { type: 'PERSON', headers: ['name', 'names'], value: NAME_CELL, accept: isNameCell, needsPersonalColumn: true },
  {
    type: 'ADDRESS',
    headers: [
      'address',
      'addr',
      'street',
      'street address',
      'home address',
      'mailing address',
      'postal address',
      'billing address',
      'shipping address',
      'residential address',
      'residence address',
      'patient address',
      'customer address',
      'address 1',
      'address 2',
      'address line 1',
      'address line 2',
      'street address 1',
    ],
    // An address has a letter and a digit (`12 Main St`, `Flat 3`), so a city or a note is not one.
    value: `[^\\n]{4,118}`,
    accept: (value) => /\d/.test(value) && /\p{L}/u.test(value) && !EMPTY_CELL.test(value),
  },
];

/**
 * Headers of personal data that the column pass does not itself report (the format rules find
 * emails and phone numbers anywhere), but that make a bare `Name` column one of people.
 */
const PERSONAL_HEADERS = [
  'email',
  'e-mail',
  'email address',
  'phone',
  'phone number',
  'phone no',
  'mobile',
  'mobile number',
  'cell',
  'cell phone',
  'telephone',
  'tel',
  'age',
  'sex',
  'gender',
  'diagnosis',
  'insurance',
  'policy number',
  'member id',
  'telefoon',
  'telefon',
  'telefono',
  'teléfono',
  'cellulare',
  'celular',
  'handy',
];

/** What may stand around a header label: spaces, emphasis, quotes, a colon, `#`, an underscore. */
const LABEL_DECORATION = '[ \\t"\'*:`#_.-]';

/**
 * A list of labels as a pattern body that RE2 and JavaScript read alike: words apart or joined, by
 * a space, `_`, `-`, `.` or `/` (`date of birth`, `DATE_OF_BIRTH`, `dateOfBirth` once case is ignored).
 */
function labelAlternatives(labels: readonly string[]): string {
  const escape = (word: string) => word.replace(/[.#-]/g, (character) => `\\${character}`);
  return labels.map((label) => label.split(' ').map(escape).join('[ _./-]{0,2}')).join('|');
}

/** A label as the column pass looks it up: lower case, letters and digits only. */
export function columnLabelKey(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** How a column's header is recognized. */
export interface ColumnHeader {
  /** RE2 source for the prefilter set: the labels, ASCII-caseless. */
  readonly source: string;
  /** Look-up keys ({@link columnLabelKey}) of the labels. */
  readonly keys: readonly string[];
  /**
   * Whether a header cell (at most 48 characters) is one of the labels, with decorations around it
   * and an optional parenthesized note: the same language as `source` with decorations, in
   * JavaScript, since it runs on a short cell.
   */
  readonly isLabel: (cell: string) => boolean;
}

function columnHeader(labels: readonly string[]): ColumnHeader {
  const alternatives = labelAlternatives(labels);
  // A note in brackets may follow the label (`DOB (MM/DD/YYYY)`), closed and short: a value in
  // brackets after a record key (`"phone":"(957) 449-4321"`) makes no header.
  const note = `(?:\\([^)\\n]{0,40}\\)${LABEL_DECORATION}*)?`;
  const whole = new RegExp(`^${LABEL_DECORATION}*(?:${alternatives})${LABEL_DECORATION}*${note}$`, 'i');
  return {
    source: asciiCaseless(`${LABEL_DECORATION}*(?i:${alternatives})${LABEL_DECORATION}*${note}`),
    keys: labels.map(columnLabelKey),
    isLabel: (cell) => whole.test(cell),
  };
}

/** A column kind compiled: its value source made ASCII-caseless, its header recognizer. */
export interface CompiledColumnDefinition extends ColumnDefinition {
  readonly header: ColumnHeader;
}

/** The column kinds, value sources made ASCII-caseless like {@link BUILT_IN_PATTERNS}. */
export const COLUMN_DEFINITIONS: readonly CompiledColumnDefinition[] = COLUMNS.map((column) => ({
  ...column,
  value: asciiCaseless(column.value),
  header: columnHeader(column.headers),
}));

/** {@link PERSONAL_HEADERS} recognized. */
export const PERSONAL_COLUMN_HEADER: ColumnHeader = columnHeader(PERSONAL_HEADERS);
