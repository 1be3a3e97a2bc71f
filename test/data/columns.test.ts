import { test as propertyTest } from '@fast-check/vitest';
import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { compileColumnPass, TABLE_REACH_CHARACTERS } from '../../src/data/columns';
import { createDetector, createRedactor, createStreamRedactor, SENSITIVE_TYPES } from '../../src/data/index';
import { chunked, tableText } from './arbitraries';

const detector = createDetector({ types: SENSITIVE_TYPES });
const everything = createRedactor({ types: SENSITIVE_TYPES });

/** [type, value] of every finding the column pass made. */
function cells(text: string): Array<[string, string]> {
  return detector
    .detect(text)
    .filter((finding) => finding.detector === 'table-column')
    .map((finding) => [finding.type, text.slice(finding.start, finding.end)]);
}

/** As in timing.test.ts: the best of three runs after a warm-up, as D8 excludes the first call's warm-up. */
function timed(run: () => void): number {
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function streamed(chunks: readonly string[]): string {
  const stream = createStreamRedactor({ redactor: everything });
  return chunks.map((chunk) => stream.push(chunk)).join('') + stream.end();
}

describe('table columns', () => {
  it('reads a CSV export: every cell under DOB, MRN and a name header', () => {
    const csv = 'Patient name,DOB,MRN,Ward\nJane Doe,1987-03-14,00473921,B2\n"Smith, John",03/04/1990,H1234567,C1\n';
    expect(cells(csv)).toEqual([
      ['PERSON', 'Jane Doe'],
      ['DATE_OF_BIRTH', '1987-03-14'],
      ['MEDICAL_RECORD_NUMBER', '00473921'],
      ['PERSON', 'Smith, John'],
      ['DATE_OF_BIRTH', '03/04/1990'],
      ['MEDICAL_RECORD_NUMBER', 'H1234567'],
    ]);
  });

  it.each([
    ['Markdown', '| Name | Date of birth | MRN |\n|---|:---:|---|\n| Ana Lima | 14 Mar 1987 | 4471123 |\n'],
    ['a pipe table without outer pipes', 'Name | Date of birth | MRN\nAna Lima | 14 Mar 1987 | 4471123\n'],
    ['TSV', 'Name\tDate of birth\tMRN\r\nAna Lima\t14 Mar 1987\t4471123\r\n'],
    ['semicolons', 'Name;Date of birth;MRN\nAna Lima;14 Mar 1987;4471123'],
    ['emphasised, quoted and colon labels', '**Name:**,"Date of birth",`MRN`\nAna Lima,14 Mar 1987,4471123'],
  ])('reads %s', (_format, text) => {
    expect(cells(text)).toEqual([
      ['PERSON', 'Ana Lima'],
      ['DATE_OF_BIRTH', '14 Mar 1987'],
      ['MEDICAL_RECORD_NUMBER', '4471123'],
    ]);
  });

  it('reads an SQL dump: the tuples under INSERT INTO … (columns) VALUES, one a line or with the header', () => {
    const dump =
      '-- MySQL dump 10.13\nLOCK TABLES `patients` WRITE;\n' +
      'INSERT INTO `patients` (`id`, `full_name`, `dob`, `mrn`, `ward`) VALUES\n' +
      "(6110, 'Ana O''Neil', '1966-09-19', '00473921', 'B2'),\n" +
      "(3010, 'Jan Kowal', '1956-05-03', 'H1234567', 'it\\'s B2, east');\n" +
      'UNLOCK TABLES;\n' +
      "insert into visits (visit_id, dob, notes) values (7, '1987-03-14', 'follow-up, 2 weeks');\n";
    expect(cells(dump)).toEqual([
      ['PERSON', "Ana O''Neil"],
      ['DATE_OF_BIRTH', '1966-09-19'],
      ['MEDICAL_RECORD_NUMBER', '00473921'],
      ['PERSON', 'Jan Kowal'],
      ['DATE_OF_BIRTH', '1956-05-03'],
      ['MEDICAL_RECORD_NUMBER', 'H1234567'],
      ['DATE_OF_BIRTH', '1987-03-14'],
    ]);
    const chunks = dump.match(/[^]{1,5}/g) ?? [];
    expect(streamed(chunks)).toBe(everything.redact(dump).text);
    expect(everything.redact(everything.redact(dump).text).text).toBe(everything.redact(dump).text);
  });

  it('reads no SQL tuple that names no typed column, has another count of values or is no whole tuple', () => {
    const dump =
      "INSERT INTO orders (id, total, created_at) VALUES\n(1, 19.99, '2024-03-14');\n" +
      "INSERT INTO people (id, dob, mrn) VALUES\n(1, '1987-03-14');\n(2, '1987-03-14', '00473921'), (3,\n";
    expect(cells(dump)).toEqual([]);
  });

  it('reads SSN, NHS number and address columns, with the checks of their type', () => {
    const text =
      'SSN,NHS number,Home address\n123456789,943 476 5919,12 Main St\n000-12-3456,943 476 5918,Springfield\n';
    expect(cells(text)).toEqual([
      ['US_SSN', '123456789'],
      ['MEDICAL_RECORD_NUMBER', '943 476 5919'],
      ['ADDRESS', '12 Main St'],
    ]);
  });

  it('reads a phone column, digits only as the cells give them', () => {
    const text = 'name,email,phone\nEmeka Obi,emeka@example.ng,08031234567\nAda Eze,ada@example.ng,ext. 12\n';
    expect(cells(text)).toEqual([
      ['PERSON', 'Emeka Obi'],
      ['PHONE', '08031234567'],
      ['PERSON', 'Ada Eze'],
    ]);
  });

  it('a note in brackets after a label is short and closed; a record value in brackets makes no header', () => {
    const pass = compileColumnPass(new Set(SENSITIVE_TYPES));
    if (pass === undefined) throw new Error('every type includes the column types');
    const prefilter = new RE2(pass.prefilter);
    // The prefilter decides whether the pass runs at all: JSON with a phone in brackets is no table.
    expect(prefilter.test('{"id":1,"phone":"(957) 449-4321","dob":"(n/a)"}')).toBe(false);
    expect(prefilter.test('Name,DOB (MM/DD/YYYY),Phone\n')).toBe(true);
    expect(cells('Name,DOB (MM/DD/YYYY)\nAna Lima,03/14/1987\n')).toEqual([
      ['PERSON', 'Ana Lima'],
      ['DATE_OF_BIRTH', '03/14/1987'],
    ]);
  });

  it('a bare Name column is people only beside personal data', () => {
    expect(cells('Name,Price,Qty\nWidget Pro,10,2\nGizmo,3,1\n')).toEqual([]);
    expect(cells('Name,Email\nKarl Ove,k@example.com\n')).toEqual([['PERSON', 'Karl Ove']]);
  });

  it.each([
    ['a value of another kind', 'DOB,MRN\nsee chart,2019-2023\n'],
    ['empty and placeholder cells', 'Patient name,DOB\nn/a,\nunknown,-\n'],
    ['a lower-case phrase under a name header', 'Patient name,Ward\nthe usual one,B2\n'],
    ['a row after a blank line', 'DOB,MRN\n\n1987-03-14,00473921\n'],
    ['a row of another width', 'DOB,MRN\n1987-03-14,00473921,extra\n'],
    ['JSON that looks like a header', '"first_name":"Ubul", "x", "y"\nThe Thing, The Other, More\n'],
    ['a column that only looks like one', 'IP address,Visit date\n10.1.2.3 rack 4,1987-03-14\n'],
    ['prose that mentions the labels', 'We met Anna, DOB, and the MRN team, yesterday.\n1987-03-14, 00473921, 7, 8\n'],
  ])('reports no cell for %s', (_case, text) => {
    expect(cells(text)).toEqual([]);
  });

  it(`reads rows up to ${TABLE_REACH_CHARACTERS} characters below the header start, and no further`, () => {
    const row = '1987-03-14,00473921\n';
    const rows = Math.ceil(TABLE_REACH_CHARACTERS / row.length) + 10;
    const text = `DOB,MRN\n${row.repeat(rows)}`;
    const found = detector.detect(text).filter((finding) => finding.detector === 'table-column');
    expect(found.length).toBeGreaterThan(2 * (rows - 20));
    expect(found.length).toBeLessThan(2 * rows);
    expect(Math.max(...found.map((finding) => finding.end))).toBeLessThanOrEqual(TABLE_REACH_CHARACTERS);
    // A header again further down starts a new table.
    expect(cells(`${text}DOB,MRN\n${row}`).slice(-2)).toEqual([
      ['DATE_OF_BIRTH', '1987-03-14'],
      ['MEDICAL_RECORD_NUMBER', '00473921'],
    ]);
  });

  it('redaction keeps the table shape and is idempotent', () => {
    const csv = 'Patient name,DOB,MRN\nJane Doe,1987-03-14,00473921\n';
    const once = everything.redact(csv).text;
    expect(once).toBe(
      'Patient name,DOB,MRN\n[REDACTED:PERSON],[REDACTED:DATE_OF_BIRTH],[REDACTED:MEDICAL_RECORD_NUMBER]\n',
    );
    expect(everything.redact(once).text).toBe(once);
  });

  it('a stream keeps the header in view for rows far below it', () => {
    const filler = 'Ward B2 round,1987-03-14 seen,none\n'.repeat(60);
    const text = `Name,DOB,MRN\n${filler}Jane Doe,1987-03-14,00473921\n`;
    const chunks = text.match(/[^]{1,7}/g) ?? [];
    expect(streamed(chunks)).toBe(everything.redact(text).text);
    expect(streamed(chunks)).toContain('[REDACTED:PERSON],[REDACTED:DATE_OF_BIRTH],[REDACTED:MEDICAL_RECORD_NUMBER]');
  });

  it('a stream reads a header longer than its hold-back', () => {
    const padding = Array.from({ length: 30 }, (_, index) => `Column ${index}`).join(',');
    const text = `Hello team, the list:\n${padding},DOB,MRN\n${padding.replace(/Column/g, 'v')},1987-03-14,00473921\n`;
    for (const size of [1, 7, 50]) {
      const chunks = text.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];
      expect(streamed(chunks)).toBe(everything.redact(text).text);
    }
    expect(everything.redact(text).text).toContain('[REDACTED:DATE_OF_BIRTH],[REDACTED:MEDICAL_RECORD_NUMBER]');
  });

  it('a stream still knows that a released finding which reached into a long header spanned a line break', () => {
    // The unterminated PEM block runs into the header line, so neither it nor its rows are a table;
    // the header is longer than the look-behind, so the stream no longer shows the PEM's line break.
    const padding = Array.from({ length: 17 }, (_, index) => `Column ${index}`).join(' | ');
    const text = `-----BEGIN PRIVATE KEY-----\nMIIB \n${padding} | DOB | DOB\n${padding.replace(/Column/g, 'x')} | 1987-03-14 | 1987-03-14\n end`;
    expect(everything.redact(text).text).toContain('| 1987-03-14 | 1987-03-14');
    for (const size of [1, 3, 40]) {
      const chunks = text.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];
      expect(streamed(chunks)).toBe(everything.redact(text).text);
    }
  });

  const tablesWithChunks = fc
    .array(fc.oneof(tableText, fc.constantFrom('prose, with commas', 'DOB: 1987-03-14', '\n', ' ')), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => parts.join(''))
    .chain((text) => chunked(text).map((chunks) => ({ text, chunks })));

  propertyTest.prop([tablesWithChunks], { numRuns: 300 })(
    'every chunking of tables equals batch redaction, and redaction is idempotent',
    ({ text, chunks }) => {
      const once = everything.redact(text).text;
      expect(streamed(chunks)).toBe(once);
      expect(everything.redact(once).text).toBe(once);
    },
  );

  it.each([
    ['header lines', 'DOB,MRN,Name,SSN\n'.repeat(65_536)],
    ['rows with values', `DOB,MRN\n${'1987-03-14,00473921\n'.repeat(52_428)}`],
    ['rows of the wrong width', `DOB,MRN\n${'1987-03-14\n'.repeat(95_325)}`],
    ['one wide header', `DOB${',DOB'.repeat(262_143)}\n`],
    ['an unclosed quote', `"DOB","${'x'.repeat(1 << 20)}\n`],
    ['Markdown rules', `| Name | DOB |\n${'|---|---|\n'.repeat(104_857)}`],
    ['lines with every delimiter', 'a|b\tc,d;e\n'.repeat(104_857)],
    ['SQL headers and unclosed tuples', "INSERT INTO t (dob, mrn) VALUES\n('1987-03-14', '0047\n".repeat(19_784)],
    ['SQL headers without columns', 'INSERT INTO t dob, mrn\n'.repeat(47_663)],
  ])('D8: the column pass on 1 MB of %s < 200 ms, from any start', (_name, text) => {
    // No pattern but one walk over every line: held to twice D8's per-pattern budget, as the name pass is.
    const pass = compileColumnPass(new Set(SENSITIVE_TYPES));
    if (pass === undefined) throw new Error('every type includes the column types');
    expect(timed(() => pass.find(text, 0, false, true))).toBeLessThan(200);
    expect(timed(() => pass.find(text, text.length >> 1, true, true))).toBeLessThan(200);
  });

  it('D8: 100,000 other findings on one 1 MB line cost the column pass one walk, not one per finding', () => {
    const pass = compileColumnPass(new Set(SENSITIVE_TYPES));
    if (pass === undefined) throw new Error('every type includes the column types');
    const text = `DOB,MRN\n${'a@b.example '.repeat(95_325)}`;
    const findings = Array.from({ length: 95_325 }, (_, index) => ({ start: 8 + index * 12, end: 19 + index * 12 }));
    expect(timed(() => pass.find(text, 0, false, true, findings))).toBeLessThan(100);
  });
});
