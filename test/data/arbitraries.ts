import { fc } from '@fast-check/vitest';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const charsOf = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max }).map((chars) => chars.join(''));

function luhnCheckDigit(payload: string): number {
  let sum = 0;
  let double = true;
  for (let index = payload.length - 1; index >= 0; index--) {
    let digit = Number(payload[index]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

function ibanCheck(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return String(98 - remainder).padStart(2, '0');
}

export const anthropicKey = charsOf(BASE64URL, 93, 93).map((body) => `sk-ant-api03-${body}AA`);
export const openAiKey = charsOf(ALNUM, 48, 48).map((body) => `sk-proj-${body}`);
export const awsAccessKeyId = charsOf(UPPER_BASE32, 16, 16).map((body) => `AKIA${body}`);
export const githubToken = charsOf(ALNUM, 36, 36).map((body) => `ghp_${body}`);
export const slackToken = charsOf(ALNUM, 24, 24).map((body) => `xoxb-2817364950-${body}`);
export const stripeKey = charsOf(ALNUM, 24, 24).map((body) => `sk_live_${body}`);
export const gcpKey = charsOf(BASE64URL, 35, 35).map((body) => `AIza${body}`);
export const jwt = fc
  .tuple(charsOf(BASE64URL, 20, 80), charsOf(BASE64URL, 20, 80))
  .map(([payload, signature]) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${payload}.${signature}`);
export const pemKey = fc
  .array(charsOf(BASE64, 64, 64), { minLength: 1, maxLength: 8 })
  .map((lines) => `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----`);
export const urlPassword = charsOf(ALNUM, 8, 20).map(
  (password) => `postgres://admin:${password}9x@db.internal:5432/app`,
);

export const email = fc
  .tuple(charsOf('abcdefghijklmnopqrstuvwxyz', 3, 12), charsOf('abcdefghijklmnopqrstuvwxyz', 3, 10))
  .map(([local, domain]) => `${local}.x@${domain}.example.com`);
export const ssn = fc
  .tuple(fc.integer({ min: 1, max: 665 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .filter(([area]) => area !== 666)
  .map(
    ([area, group, serial]) =>
      `${String(area).padStart(3, '0')}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`,
  );
export const creditCard = charsOf('0123456789', 14, 14).map((body) => {
  const payload = `4${body}`;
  return `${payload}${luhnCheckDigit(payload)}`;
});
export const iban = fc
  .tuple(charsOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4, 4), charsOf('0123456789', 14, 14))
  .map(([bank, account]) => `GB${ibanCheck('GB', bank + account)}${bank}${account}`);
export const ipv4 = fc
  .tuple(fc.integer({ min: 11, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
  .map((parts) => parts.join('.'));

/** Secrets the redaction middleware always removes. */
export const secret = fc.oneof(
  anthropicKey,
  openAiKey,
  awsAccessKeyId,
  githubToken,
  slackToken,
  stripeKey,
  gcpKey,
  jwt,
  pemKey,
  urlPassword,
);

/** Formatted PII (no heuristics). */
export const formattedPii = fc.oneof(email, ssn, creditCard, iban, ipv4);

const WORDS = [
  'the',
  'report',
  'is',
  'ready',
  'please',
  'review',
  'and',
  'send',
  'it',
  'back',
  'today',
  'thanks',
  'for',
  'your',
  'help',
  'with',
  'this',
  'order',
];

/** Lowercase prose with punctuation: no detector fires on it. */
export const cleanProse = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(' ', ' ', ' ', ', ', '. ', '\n')), {
    minLength: 3,
    maxLength: 60,
  })
  .map((pairs) => pairs.map(([word, separator]) => word + separator).join(''));

/**
 * What the PERSON name pass judges by context: runs of capitalized words (longer than a name too),
 * lists, labels, honorifics, speakers, record keys and lower-case names.
 */
export const nameContext = fc.oneof(
  fc
    .array(fc.constantFrom('Anna', 'Berta', 'Zorblax', 'Graves', 'Street', 'J.', 'J', 'van', 'Mr.', 'The'), {
      minLength: 1,
      maxLength: 24,
    })
    .map((words) => words.join(' ')),
  fc
    .array(fc.constantFrom('Kónya', 'Becker', 'Zorblax', 'White', 'Apples'), { minLength: 2, maxLength: 14 })
    .map((items) => items.join(', ').replace(/, ([^,]*)$/, ' and $1')),
  fc.constantFrom(
    'Halldór: What a wife.\n',
    'said Maslin to Antonio',
    'Warrane, can I please',
    'Go to town, Zorblax!',
    'Mrs. Baker',
    'Dear Ubul,',
    'Best regards,\nZorblax',
    '"first_name":"Ubul"',
    '"city":"Madison"',
    'Oak Avenue, Madison, NC 47258',
    'my name is vitoria',
    'follow up with patricia desrosiers',
    "i'm roberto's daughter",
    'verses from eric g. samoylova',
    'eric g',
    'Tomomi is from',
    "Sean McDowell and Mary O'Brien",
    // Names in capitals after a label, and a relative before a name.
    'Customer name: JOHN DOE',
    'Patient: SMITH, JOHN A.',
    'NAME: ACME',
    'my kid Tadzio',
    'Flat 3, 17 Leith Walk',
    // Streets and units a following name may join as the locality.
    '3911 Fourth Avenue Suite 697,',
    '69 Av Sidi Lakhmi',
    'Apt. 271\n',
    'Suite 100',
    '86036 Rua do Arenque 1634',
    // Lines of an address block that join the street before them.
    '\n Kissousa\n Cyprus 36903',
    'United Kingdom 75419',
    '\n, CO\n',
    // Continuation lines, which are findings only inside a block.
    '10115 Berlin',
    'Germany',
    'Ontario',
    ', Victoria',
    'London SW1A 2AA',
    'Austin, TX 78701',
    '1980 Anna',
    // Names without capitals: Chinese, Japanese and Korean after a label or an honorific.
    'Contact: 王伟',
    '联系人：张三丰先生',
    '氏名: 山田 太郎',
    '이름: 김민준',
    '伟',
    // Initials before a surname, and the next field's label after a name.
    'J. R. Thompson',
    'Name: Li Wei Sex: M',
    // Streets with their towns, in capitals and in other countries' forms; roles before names.
    '7735 LAKEVIEW DRIVE\nATLANTA, GA 30305',
    'UNIT 27, 117 BRUNSWICK ST\nSUBIACO WA 6008\nAUSTRALIA',
    'Am Weinberg 155\n10974 Berlin',
    'Stratumseind 188A, 9992 WP Amsterdam',
    'Av. Paulista, 1195 - Água Verde, Curitiba - PR, 80074-391',
    'C-247, Sector 36\nNoida, Uttar Pradesh 201359',
    '〒150-0800 東京都渋谷区渋谷4-23-13',
    'PID|1||4455^^^H^MR||DOE^JANE^A||19870314|F',
    'Prescriber: Efua Appiah, NP',
    'name: deploy\n',
    'drive from Jackson to Madison',
    '[11:26] Mingzhu: anyone have the db creds?\n',
    'SHIP TO:\nGRAHAM THOMPSON\n',
    'Giulia Rossi, MD',
  ),
);

const TABLE_HEADERS = [
  'DOB',
  'Date of Birth',
  'MRN',
  'Patient name',
  'Name',
  'SSN',
  'Address',
  'Email',
  'Phone',
  'Price',
  'Qty',
  'Notes',
];
const TABLE_VALUES = [
  '1987-03-14',
  '03/04/1990',
  '14 Mar 1987',
  '00473921',
  'MRN-5512345',
  'H1234567',
  'Jane Doe',
  'Smith, John',
  '123-45-6789',
  '08031234567',
  '12 Main St',
  'n/a',
  '',
  'Widget Pro',
  '42',
  '[REDACTED:PERSON]',
  'see note',
];

/**
 * Tables the column pass reads: a header of labels and other words, rows of the same or another
 * width, quoted cells, Markdown rules and blank lines, with any delimiter.
 */
export const tableText = fc
  .record({
    delimiter: fc.constantFrom(',', ';', '\t', ' | '),
    width: fc.integer({ min: 1, max: 4 }),
    header: fc.array(fc.constantFrom(...TABLE_HEADERS), { minLength: 4, maxLength: 4 }),
    rows: fc.array(
      fc.oneof(
        { weight: 8, arbitrary: fc.array(fc.constantFrom(...TABLE_VALUES), { minLength: 4, maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constantFrom(['---', '---', '---', '---'], ['"a, b"', 'x', 'y', 'z']) },
        { weight: 1, arbitrary: fc.constant([] as string[]) },
      ),
      { maxLength: 12 },
    ),
    pipes: fc.boolean(),
    // Leading columns of no type, some tables so wide that the header outgrows a stream's hold-back.
    padding: fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }) },
    ),
  })
  .map(({ delimiter, width, header, rows, pipes, padding }) => {
    const pad = (cells: readonly string[], cell: string) => [
      ...Array.from({ length: padding }, (_, index) => `${cell} ${index}`),
      ...cells,
    ];
    const line = (unpadded: readonly string[], filler = 'x') => {
      const cells = pad(unpadded, filler);
      const body = cells.join(delimiter);
      return pipes && delimiter === ' | ' ? `| ${body} |` : body;
    };
    const lines = [line(header.slice(0, width + 1), 'Column')];
    for (const row of rows) lines.push(row.length === 0 ? '' : line(row.slice(0, row.length === 4 ? width + 1 : 4)));
    return `\n${lines.join('\n')}\n`;
  });

/** Prose, planted values of every kind, labels and adversarial fragments, in random order. */
export const mixedText = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: cleanProse },
      { weight: 3, arbitrary: secret },
      { weight: 3, arbitrary: formattedPii },
      { weight: 2, arbitrary: nameContext },
      { weight: 1, arbitrary: tableText },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'password = ',
          'api_key: "',
          'DOB: 01/02/1980',
          'MRN: 12345678',
          'Dr. Jane Smith',
          'My name is Anna',
          '123 Main Street, Springfield, IL 62704',
          'Bearer ',
          '-----BEGIN PRIVATE KEY-----\nMIIB',
          '@',
          '0000',
          ' ',
          '\n',
          'é',
          '😀',
          '[REDACTED:EMAIL]',
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    ),
    { minLength: 4, maxLength: 40 },
  )
  .map((parts) => parts.join(' '));

/** Splits `text` at random cut points into chunks (possibly empty, possibly splitting surrogate pairs). */
export function chunked(text: string): fc.Arbitrary<string[]> {
  return fc.array(fc.nat(text.length), { maxLength: 30 }).map((cuts) => {
    const points = [...new Set(cuts)].sort((left, right) => left - right);
    const chunks: string[] = [];
    let previous = 0;
    for (const point of points) {
      chunks.push(text.slice(previous, point));
      previous = point;
    }
    chunks.push(text.slice(previous));
    return chunks;
  });
}
