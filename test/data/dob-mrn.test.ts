import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { detectSensitiveData, type SensitiveType } from '../../src/data/index';
import { isNhsNumberValid } from '../../src/data/validators';

// Dates of birth and medical record numbers are PHI only beside a label that says so. These tables
// are written as the values appear in clinical notes, forms, chat, JSON/YAML records and HL7
// lines; the finding must cover the value and nothing of its label.

const valuesOf = (text: string, type: SensitiveType) =>
  detectSensitiveData(text)
    .filter((finding) => finding.type === type)
    .map((finding) => text.slice(finding.start, finding.end));

describe('DATE_OF_BIRTH', () => {
  const positives: Array<[text: string, value: string]> = [
    ['Patient DOB: 03/14/1987.', '03/14/1987'],
    ['Pt is a 36 y/o F, DOB 3/4/87, presenting with chest pain.', '3/4/87'],
    ['D.O.B.: 14.03.1987', '14.03.1987'],
    ['Geburtsdatum: 14.03.1987', '14.03.1987'],
    ['Doğum Tarihi: 16 Temmuz 1955   Dosya No: 53953313', '16 Temmuz 1955'],
    ['Tgl. Lahir: 10 Januari 1955\nAlamat: Jl. Gatot Subroto No. 216', '10 Januari 1955'],
    ['Tanggal lahir: 27/02/1987', '27/02/1987'],
    ['Date of birth (section 6): 22/09/1990', '22/09/1990'],
    ['Geburtsdatum/-ort: 5.1.2006 in Bremen', '5.1.2006'],
    ['Seinengappi: 1946-nen 4-gatsu 5-nichi', '1946-nen 4-gatsu 5-nichi'],
    ['21 - Filho(a) - THIAGO ALVES - nascimento 11/07/2019', '11/07/2019'],
    ['klantnr,voornaam,geboortedatum\n72016,Yuxin,18 februari 1985', '18 februari 1985'],
    ['id;nome;data_nascita\n10663;Shu;5 ottobre 1973', '5 ottobre 1973'],
    ['Please update my date of birth to 12 March 1990; thanks', '12 March 1990'],
    ['dob:03021951', '03021951'],
    ['fecha de nacimiento: 14/03/1987', '14/03/1987'],
    ['Date de naissance : 14/03/1987', '14/03/1987'],
    ['Date of Birth: 1987-03-14', '1987-03-14'],
    ['date of birth is March 14, 1987 per the intake form', 'March 14, 1987'],
    ['Her birth date was March 14th, 1987.', 'March 14th, 1987'],
    ['She was born on the 14th of March 1987 in Leeds.', '14th of March 1987'],
    ['born 14 March 1987', '14 March 1987'],
    ['DOB: 14-Mar-1987 Sex: F', '14-Mar-1987'],
    ['DOB 14MAR87 ALLERGIES: NKDA', '14MAR87'],
    ['d.o.b. 14 Mar 87, weight 61 kg', '14 Mar 87'],
    ['Birthdate: Mar. 14, 1987', 'Mar. 14, 1987'],
    ['{"name": "Jane Doe", "dob": "1987-03-14", "mrn": "00473921"}', '1987-03-14'],
    ['{"birthDate":"1987-03-14T00:00:00Z"}', '1987-03-14T00:00:00Z'],
    ['date_of_birth: 1987-03-14\nsex: female', '1987-03-14'],
    ["patient_dob: '03/14/1987'", '03/14/1987'],
    ['GET /patients?name=doe&birthDate=1987-03-14&limit=1', '1987-03-14'],
    ['<DateOfBirth>1987-03-14</DateOfBirth>', '1987-03-14'],
    ['| **DOB:** 03/14/1987 |', '03/14/1987'],
    ['Please tell me your date of birth. It’s 6/24/1991', '6/24/1991'],
    ['what is your dob? its 6/24/1991', '6/24/1991'],
    ['She was born on 2/8/1935. Her maiden name is Clark', '2/8/1935'],
    ['he was born in Springfield, Illinois on July 4, 1976', 'July 4, 1976'],
    ['Ada Lovelace (b. 10 December 1815) wrote the first program.', '10 December 1815'],
    ['my birthday is on March 14th', 'March 14th'],
    ['DOB (MM/DD/YYYY): 11/03/1990', '11/03/1990'],
    ['DOB/Age: 03/14/1987 (36 y.o.)', '03/14/1987'],
    ['DOB on file: 1987/03/14', '1987/03/14'],
    ['Birth date\t\t14/03/1987', '14/03/1987'],
    ['born in March 1987', 'March 1987'],
    ['DOB - 19870314', '19870314'],
    ['PID|1||00473921^^^HOSP^MR||DOE^JANE^A||19870314|F|||12 MAIN ST^^BOSTON^MA^02115', '19870314'],
    ['DOB:\n  1987-03-14', '1987-03-14'],
    ['I was born May 5th, 1990', 'May 5th, 1990'],
    ['Hi, I need to reschedule. My DOB is 4/5/1962 and my patient ID is 7734201.', '4/5/1962'],
    ['Unterlagen für Herrn Klaus Becker (geb. 12.04.1971), wohnhaft in München', '12.04.1971'],
    ['Sie ist geboren am 12.04.1971 in Köln', '12.04.1971'],
    ['M. Antoine Lefèvre (né le 21/06/1990) habite à Paris', '21/06/1990'],
    ['nacido el 03/05/1985 en Sevilla', '03/05/1985'],
    ['nata il 21-06-1990 a Roma', '21-06-1990'],
    ['fecha nac.: 14/03/1987', '14/03/1987'],
    ['Geb.-Datum: 14.03.1987', '14.03.1987'],
    // Dot leaders of a printed form.
    ['Date of birth........ 1987-03-14', '1987-03-14'],
    ['DOB....: 14/03/1987', '14/03/1987'],
    // An age before the date, when the label names both.
    ['Age/DOB: 72 / 03-02-1951', '03-02-1951'],
    ['Age / DOB: 45 yrs / 1979-01-02, Sex: M', '1979-01-02'],
    ['DOB: 03/12/1987', '03/12/1987'],
    // Month names of other European languages.
    ['Fecha de nacimiento: 9 de junio de 1936', '9 de junio de 1936'],
    ['Geburtsdatum: 29. Januar 1996', '29. Januar 1996'],
    ['Patiente : VŨ VĂN ANH, née le 7 octobre 1960', '7 octobre 1960'],
    ['data di nascita: 3 maggio 1950', '3 maggio 1950'],
    ['Date de naissance : 1er janvier 1990', '1er janvier 1990'],
    ['data de nascimento: 9 de março de 1970', '9 de março de 1970'],
    // Labels and narrative births of more languages, and a birthplace before the date.
    ['Data urodzenia: 20.02.1955', '20.02.1955'],
    ['Doğum tarihi: 12.03.1975', '12.03.1975'],
    ['Né(e) le : 16 mai 1985\nIPP : 47015313', '16 mai 1985'],
    ['Conducente: Gianluca Di Stefano, nato/a il 17/02/1956', '17/02/1956'],
    ['Cognome e nome: Bianchi Beatrice\nNato/a a Verona il 08/01/2020', '08/01/2020'],
    ['Versicherungsnehmer/in: Fatima Mansour\ngeb. am: 26.06.1938', '26.06.1938'],
    ['Data urodzenia: 19 listopada 1949', '19 listopada 1949'],
    ['Datum narození: 15. 3. 1993\nAdresa: Korunní 301/51', '15. 3. 1993'],
    ['Geburtsdatum BahnCard-Inhaber/in: 11.01.2000', '11.01.2000'],
    ['Kan ni uppdatera min adress? Jag är född 1977-01-11. Mitt nummer', '1977-01-11'],
    ['jeg heter Emma Haddad, født 17.08.1991, og bor i Oslo', '17.08.1991'],
    ['mit navn er Zainab (født den 07.12.1973).', '07.12.1973'],
    ['- Sanne D. Virtanen, nato a Verona il 3 maggio 1940', '3 maggio 1940'],
    ['nacido en Madrid el 3 de mayo de 1980', '3 de mayo de 1980'],
    ['née à Lyon le 12/03/1975', '12/03/1975'],
    ['geboren in Berlin am 12.03.1975', '12.03.1975'],
    // The answer on the next line of a transcript.
    ['Agent: can I get your date of birth?\nCaller: February 10th, 2002.\nAgent: thanks', 'February 10th, 2002'],
  ];
  it.each(positives)('finds the birth date in %j', (text, value) => {
    expect(valuesOf(text, 'DATE_OF_BIRTH')).toEqual([value]);
  });

  const negatives: string[] = [
    'The meeting is on 03/14/2024 at 10:30.',
    'Invoice date: 2024-03-14, due 2024-04-13.',
    'Admitted 03/14/2024; discharged March 18, 2024.',
    'Upgrade to version 1.2.2024 before Friday.',
    'Call me on 03-14-1987 or 555-0100.',
    'She was born in 1987 and grew up in Ohio.',
    'My birthday is on the weekend. I’ll turn 23.',
    'The idea was born (on the beach) while they were building the site.',
    'Verify name and DOB before the visit on 3/14/2024.',
    'DOB and visit date: 3/14/2024',
    'born and raised in Ohio, moved to Texas on 3/4/2010',
    'Born to Run was released on August 25, 1975.',
    'The newborn screening was done on 03/14/2024.',
    'dob: unknown, last seen 03/14/2024',
    'DOB: 13/31/1987',
    'a. 03/14/2024 kickoff b. 03/21/2024 review',
    'order_date,total\n2024-03-14,19.99',
    'born in Ohio. On 3/4/2010 he moved to Texas.',
    "Her first-born son's graduation is on 5/5/2020.",
    'DOB was changed on 3/14/2024 by the front desk.',
    'Dobson scored on 03/14/2024.',
    'Card expires: 03/14/2027',
    'Maria Müller geb. Schmidt, seit 12.04.2001 verheiratet',
    'la fecha nacional es 14/03/2024',
    'Agent: can I get your date of birth?\nCaller: Thanks, I have it here. The visit is on 03/14/2024.',
    'Geburtstag der Firma: 29. Januar',
    'NATO a summit il 12/03/1975',
    'Det nye kontoret ble født av en idé i 2019, åpnet 12.03.2020.',
  ];
  it.each(negatives)('finds no birth date in %j', (text) => {
    expect(valuesOf(text, 'DATE_OF_BIRTH')).toEqual([]);
  });
});

describe('MEDICAL_RECORD_NUMBER', () => {
  const positives: Array<[text: string, value: string]> = [
    ['MRN: 00473921 admitted to 4 West', '00473921'],
    ['medical record number is A-1234567', 'A-1234567'],
    ['MR#: 5561234', '5561234'],
    ['MR No. 2231-884', '2231-884'],
    ['Medical Record No.: 0098123', '0098123'],
    ['med rec # 88213', '88213'],
    ['Patient ID: H1234567', 'H1234567'],
    ['patient number 448812, bed 12', '448812'],
    ['Pt ID 90031245', '90031245'],
    ['Chart #: 77120', '77120'],
    ['hospital no. 33-20981', '33-20981'],
    ['health record number 1100293', '1100293'],
    ['See MRN-00473921 for prior imaging.', 'MRN-00473921'],
    ['Patient ID: MRN-00473921', 'MRN-00473921'],
    ['{"mrn": "00473921", "name": "Jane Doe"}', '00473921'],
    ['{"patientId": 5512093}', '5512093'],
    ['patient_id=PT-004412&visit=3', 'PT-004412'],
    ['mrn: 00473921\ndob: 1987-03-14', '00473921'],
    ['<PatientID>88120934</PatientID>', '88120934'],
    ['the MRN for Jane Doe is 00473921', '00473921'],
    ['MRN 00473921, DOB 03/14/1987', '00473921'],
    ['NHS number: 943 476 5919', '943 476 5919'],
    ['nhs_no=9434765919', '9434765919'],
    ['PID|1||00473921^^^HOSP^MR||DOE^JANE^A||19870314|F', '00473921'],
    ['EMR #: 2093341', '2093341'],
    ['M.R.N. 00473921', '00473921'],
    ['med. rec. no. 4412093', '4412093'],
    ['CHI number 0101901232', '0101901232'],
    ['Hospital record number 8834-221', '8834-221'],
    ['patient record no. 5567123', '5567123'],
    ['Patient MRN: 000-11-2233-X', '000-11-2233-X'],
    ['Hosp #: 445566', '445566'],
    ['Hi, I need to reschedule. My DOB is 4/5/1962 and my patient ID is 7734201.', '7734201'],
    ['patient ID number 55-88231', '55-88231'],
    ['Patient ID No. 5588231', '5588231'],
    ['His medical record (no. 5567123) shows a penicillin allergy.', '5567123'],
    ['MRN: No 44712', '44712'],
    ['Nr historii choroby: 549-508-694', '549-508-694'],
    ['Journalnummer: 4471-2290', '4471-2290'],
    ['Hasta No: 20451187', '20451187'],
    ['Doğum Tarihi: 16/12/1994   Dosya No: H46-630963', 'H46-630963'],
    ['No. Rekam Medis: MR7313275\nNama Pasien: Bayu Lestari', 'MR7313275'],
    ['DOB: 1962-10-09   MRN: 14.040.881\nMETFORMIN 850 MG', '14.040.881'],
    ['Journal-ID: A7654326   Tid: 11 april', 'A7654326'],
    ['Patient: Nana Owusu  UR No. A5034321', 'A5034321'],
    // Labels of other languages, and a hospital's unit number.
    ['Nº historia clínica: 9062761', '9062761'],
    ['Patienten-Nr.: 18432648', '18432648'],
    ['N° de dossier : HC990453', 'HC990453'],
    ['dossier médical n° 5512093', '5512093'],
    ['IPP : 4456123', '4456123'],
    ['Número de prontuário: 445612', '445612'],
    ['HOSP. UNIT NO. U803132   DOB: 10/19/1975', 'U803132'],
  ];
  it.each(positives)('finds the record number in %j', (text, value) => {
    expect(valuesOf(text, 'MEDICAL_RECORD_NUMBER')).toEqual([value]);
  });

  const negatives: string[] = [
    'order number 00473921 shipped today',
    'Invoice #00473921 is overdue.',
    'Call the hospital number 617-555-0100 after 5pm.',
    'Mr Smith paid 1200 dollars.',
    'Mr. 12345 is not a name.',
    'The patient is 45 years old, ZIP 02115.',
    'Patient number 3 was discharged.',
    'patient seen in room 2041',
    'Tracking number: 1Z999AA10123456784',
    'chart number and phone: 555-0100',
    'Patient ID card was scanned.',
    'NHS number: 943 476 5910',
    'record 00473921 updated',
    'hospital number 2024-03-14',
    'id,total\n00473921,19.99',
    'Medical records 2019-2023 were reviewed.',
    'case number 2023-00012',
    'PO #: 4500012345',
    'patient id: null',
    'Medical records no longer kept on paper: 2019 onwards.',
    'MRN: 03/12/1987',
    'Unit no. 4412, Building C',
    'Lieferschein Nr. 44120983',
  ];
  it.each(negatives)('finds no record number in %j', (text) => {
    expect(valuesOf(text, 'MEDICAL_RECORD_NUMBER')).toEqual([]);
  });

  it('validates the NHS mod-11 check digit', () => {
    expect(isNhsNumberValid('943 476 5919')).toBe(true);
    expect(isNhsNumberValid('401-023-2137')).toBe(true);
    expect(isNhsNumberValid('9434765910')).toBe(false);
    expect(isNhsNumberValid('1111111111')).toBe(false);
    expect(isNhsNumberValid('943476591')).toBe(false);
  });
});

describe('an HL7 v2 message', () => {
  it('yields the patient and next of kin: names, record number, birth date and addresses', () => {
    const message = [
      'MSH|^~\\&|EPIC|HOSP|||20240314||ADT^A01|123|P|2.5',
      'PID|1||4455123^^^H^MR||García López^María^José^^Sra.||19870314|F|||5 Oak Ave^Apt 2^Springfield^IL^62701^USA',
      'NK1|1|DOE^JOHN^^^^|SPO|44 Elm St^^Boston^MA^02115',
      'OBX|1|NM|NA^Sodium||138|mmol/L',
    ].join('\r');
    expect(
      detectSensitiveData(message).map((finding) => [finding.type, message.slice(finding.start, finding.end)]),
    ).toEqual([
      ['MEDICAL_RECORD_NUMBER', '4455123'],
      ['PERSON', 'García López^María^José'],
      ['DATE_OF_BIRTH', '19870314'],
      ['ADDRESS', '5 Oak Ave^Apt 2^Springfield^IL^62701^USA'],
      ['PERSON', 'DOE^JOHN'],
      ['ADDRESS', '44 Elm St^^Boston^MA^02115'],
    ]);
  });

  it('yields the doctors: attending in PV1-7, ordering provider in ORC-12 and OBR-16', () => {
    const message = [
      'PV1|1|I|ICU^407^A||||1106^MACARAEG^ANGELICA^D^^^MD|||MED',
      'ORC|NW|123||||||||||4455^SMITH^JOHN^A^^^MD',
      'OBR|1|123||CBC|||20240101|||||||||9911^NGUYEN^VAN^^^^MD|',
    ].join('\r');
    expect(
      detectSensitiveData(message, { types: ['PERSON'] }).map((finding) => message.slice(finding.start, finding.end)),
    ).toEqual(['MACARAEG^ANGELICA^D', 'SMITH^JOHN^A', 'NGUYEN^VAN']);
  });

  it('finds nothing in empty or coded fields', () => {
    expect(detectSensitiveData('PID|1||||^^||\rOBX|1|NM|NA^Sodium||138|mmol/L\rNK1|1|^^|SPO')).toEqual([]);
    expect(detectSensitiveData('PV1|1|O|ICU^407^A||||^^|||MED\rORC|NW|123||||||||||^')).toEqual([]);
  });
});

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const pad = (value: number) => String(value).padStart(2, '0');

/** A birth date in one of the ways people and systems write it. */
const birthDate = fc
  .tuple(fc.integer({ min: 1920, max: 2023 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .chain(([year, month, day]) =>
    fc.constantFrom(
      `${pad(month)}/${pad(day)}/${year}`,
      `${month}/${day}/${String(year).slice(2)}`,
      `${pad(day)}.${pad(month)}.${year}`,
      `${year}-${pad(month)}-${pad(day)}`,
      `${MONTHS[month - 1]} ${day}, ${year}`,
      `${(MONTHS[month - 1] as string).slice(0, 3)}. ${day}, ${year}`,
      `${day} ${MONTHS[month - 1]} ${year}`,
      `${day}-${(MONTHS[month - 1] as string).slice(0, 3)}-${year}`,
    ),
  );
const birthLabel = fc.constantFrom(
  'DOB: ',
  'D.O.B. ',
  'Date of birth: ',
  'date of birth is ',
  'Birth date - ',
  'birthdate=',
  '"dob": "',
  'date_of_birth: ',
  'born on ',
  'Born ',
);
const before = fc.constantFrom('', 'Patient: Jane Doe. ', 'Name: John Roe\n', '{"id": 7, ');
const after = fc.constantFrom('', '.', ' in Ohio', '"}', '\nMRN: 00473921', ', seen today');

describe('DATE_OF_BIRTH property', () => {
  test.prop([before, birthLabel, birthDate, after], { numRuns: 300 })(
    'a generated date after a birth label is found with its exact span',
    (prefix, label, date, suffix) => {
      const text = `${prefix}${label}${date}${suffix}`;
      const start = prefix.length + label.length;
      const finding = detectSensitiveData(text).find((item) => item.type === 'DATE_OF_BIRTH');
      expect(finding && [finding.start, finding.end]).toEqual([start, start + date.length]);
    },
  );
});
