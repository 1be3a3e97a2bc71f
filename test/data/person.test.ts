import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  createStreamRedactor,
  detectSensitiveData,
  redactText,
  SENSITIVE_TYPES,
} from '../../src/data/index';
import { decodeFrontCoded, findPersonNames, type PersonScan } from '../../src/data/person';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildLexicon } from '../../scripts/build-lexicon.mjs';

const names = (text: string) =>
  detectSensitiveData(text, { types: ['PERSON'] }).map((finding) => text.slice(finding.start, finding.end));

/** A scan's names as objects, in order. */
const matchesOf = ({ names: extents, confidences }: PersonScan) =>
  [...confidences].map((confidence, index) => ({
    start: extents[2 * index] as number,
    end: extents[2 * index + 1] as number,
    confidence,
  }));

describe('PERSON by lexicon', () => {
  it.each([
    ['a given name and a surname', 'I met Barbara Harris today', ['Barbara Harris']],
    ['two names no list holds', 'Krisztián Szöllösy listed his top songs', ['Krisztián Szöllösy']],
    ['a middle initial', 'verses from Faina D. Yefremova in the book', ['Faina D. Yefremova']],
    ['a particle', 'a symphony by Ludwig van Beethoven', ['Ludwig van Beethoven']],
    ['inner capitals and apostrophes', 'ask Sean McDowell or Mary O’Brien', ['Sean McDowell', 'Mary O’Brien']],
    ['a lone surname', "What's your last name? Magnusson", ['Magnusson']],
    ['a lone given name at a sentence start', 'Kevin had given Alma his address', ['Kevin', 'Alma']],
    [
      'a list of names, unknown ones included',
      'They had 6: Gaetane, Hannah, Derek and Andrew.',
      ['Gaetane', 'Hannah', 'Derek', 'Andrew'],
    ],
    ['founders in a list', 'our 3 founders: Kónya, Becker and Vasquez.', ['Kónya', 'Becker', 'Vasquez']],
    ['a possessive', "the Christiansen's novel", ['Christiansen’s'.replace('’', "'")]],
    ['a role word before the name', 'Guitarist Anders Lindqvist joined', ['Anders Lindqvist']],
    ['an unknown word after a reporting verb', '"I am glad," says Zorblax.', ['Zorblax']],
    [
      'an unknown word as the object of a verb of people',
      'David had given Angel his address; I met Tadzio',
      ['David', 'Angel', 'Tadzio'],
    ],
    [
      'a relative or contact after a possessive',
      'remove my kid Tadzio from the will; her husband Zorblax agreed',
      ['Tadzio', 'Zorblax'],
    ],
    ['a name in capitals after a label', 'Customer name: JOHN DOE\nStatus: OPEN', ['JOHN DOE']],
    ['a family name first, in capitals', 'Patient: SMITH, JOHN A. was seen', ['SMITH, JOHN A.']],
    ['a name in capitals in a record field', '{"name": "MARIA GARCIA"}', ['MARIA GARCIA']],
    ['a surname in capitals that is a word too', 'PATIENT NAME: DOE, JANE\nDOB: 03/14/1987', ['DOE, JANE']],
    [
      'a family name first, as a field or a chat speaker',
      '[14:06] Neumann, Gudrun\nHi!\nName: IYER, Sneha   Sex: F\nPatient/in: von Arnim, Sophie    geb. 19.01.1959\nPatient: Di Stefano, Salvatore\nPatientin: Kaya, Mustafa, * 04.08.1956',
      ['Neumann, Gudrun', 'IYER, Sneha', 'von Arnim, Sophie', 'Di Stefano, Salvatore', 'Kaya, Mustafa'],
    ],
    ['a given name that keys a record', '{"Anna": {"age": 34}}', ['Anna']],
    [
      'a family name first before an e-mail address, and titles and abbreviations around names',
      'Von: Neumann, Matthias <m.neumann@example.de>\nCordiali saluti\nAvv. Valentina Esposito\nTobias Schneider, Tel. 0177 9002861',
      ['Neumann, Matthias', 'Valentina Esposito', 'Tobias Schneider'],
    ],
    [
      'a person under a record key with an honorific',
      'Applicant: Ms Shanice Pemberton\nDate: x',
      ['Ms Shanice Pemberton'],
    ],
    [
      'an initial and particles before a family name, after a label in Dutch',
      'Naam werknemer: F. de Wit\nbetaald t.n.v. J. van Dijk, zie bijlage',
      ['F. de Wit', 'J. van Dijk'],
    ],
    [
      'a name in capitals after an Italian label',
      'Dipendente: LOMBARDI LORENZO\nCodice fiscale: X',
      ['LOMBARDI LORENZO'],
    ],
    [
      'columns of given and family names headed in other languages',
      'klantnr,voornaam,achternaam,telefoon\n72016,Yuxin,Chen,06-70402709\n26012,Sanne,Vos,+31 6 95877604',
      ['Yuxin', 'Chen', 'Sanne', 'Vos'],
    ],
    [
      'two people, not a family name first',
      'Reisende: Sophie Böhm, Lukas Hoffmann\nHi Anna, Maria\nAuthors: Smith, Jones, Brown',
      ['Sophie Böhm', 'Lukas Hoffmann', 'Anna', 'Maria', 'Smith', 'Jones', 'Brown'],
    ],
    ['Vietnamese letters', 'The account holder is Nguyễn Văn An.', ['Nguyễn Văn An']],
    [
      'greetings and honorifics of other European languages',
      'Sehr geehrter Herr Schneider, danke für Ihre Anfrage. Bonjour Mme Lefèvre. Estimado Sr. García. Hej Anders',
      ['Schneider', 'Lefèvre', 'García', 'Anders'],
    ],
    ['a role key before a name in capitals', 'Cardholder: LEE MIN-JUN, card on file', ['LEE MIN-JUN']],
    ['an addressee after a heading', 'Shipping label: Zofia Nowak', ['Zofia Nowak']],
    ['a degree after a titled name', 'Signed, Dr. Emily Carter, MD', ['Emily Carter']],
    ['a surname only the broad name list holds', 'Please ask Goldberg about the invoice', ['Goldberg']],
    [
      'a name whose possessive is followed by a title',
      "verses from Faina D. Yefremova's Cautionary Tales.",
      ["Faina D. Yefremova's"],
    ],
    ['a lower-case name', 'follow up with patricia desrosiers in a month', ['patricia desrosiers']],
    [
      'a lower-case name with a middle initial',
      'verses from eric g. samoylova and ask eric a. is here',
      ['eric g. samoylova', 'eric'],
    ],
    ['a lower-case possessive given name', "i'm roberto's daughter, not my sister's", ["roberto's"]],
    ['a common word after an honorific', 'For my take on Mrs. Baker, ask Mr. Spears', ['Baker', 'Spears']],
    ['a common word after a strong name label', 'Her maiden name is Key', ['Key']],
    ['a street word after a strong name label', 'my grandmother was called Erin Dale', ['Erin Dale']],
    [
      'an unknown word after a greeting or a closing',
      'Dear Ubul, see below.\nBest regards,\nZorblax',
      ['Ubul', 'Zorblax'],
    ],
    [
      'a speaker after a speech verb',
      '"It is moving," says Hartvigsson. I\'m so jealous! said Maslin',
      ['Hartvigsson', 'Maslin'],
    ],
    ['someone addressed', 'Warrane, can I please speak to your boss? Go to town, Zorblax!', ['Warrane', 'Zorblax']],
    ['the speaker of a chat line', 'Halldór: What a wife.\nKoppány: "Who are you?"', ['Halldór', 'Koppány']],
    ['a speaker who answers in one word', 'Zorblax: Thanks. See you then.', ['Zorblax']],
    [
      'a credential after a name',
      'Electronically signed by Zeynep C. Öztürk, MD on 04/23/2025; Emily Carter, MD; — O. Wanjiku, RN',
      ['Zeynep C. Öztürk', 'Emily Carter', 'O. Wanjiku'],
    ],
    [
      'an addressee under its key, in capitals',
      'TO:\nGRAHAM THOMPSON\nUNIT 27\nSHIP TO:\nFRANÇOIS DE LA FONTAINE\nTo: Anna Berg',
      ['GRAHAM THOMPSON', 'FRANÇOIS DE LA FONTAINE', 'Anna Berg'],
    ],
    [
      'speakers of a chat with times',
      '[11:26] Mingzhu: anyone have the staging db creds?\n17:45 - Zorblax: sure! whats ur number',
      ['Mingzhu', 'Zorblax'],
    ],
    [
      'a list of a surname and a full name, and a surname first with a middle name',
      'Attendees: Zorblax, Anna Berg\nPatient: Doe, Jane Marie\nAttendees: Payments squad, SRE on-call',
      ['Zorblax', 'Anna Berg', 'Doe, Jane Marie'],
    ],
    ['a model name', '{"model":"claude-3-5-sonnet-20241022"}, gpt-4 and COVID-19', []],
    [
      'people who share a first name with a firm',
      'Morgan Freeman and Charles Darwin',
      ['Morgan Freeman', 'Charles Darwin'],
    ],
    [
      "a person a trip's details go to",
      "I sent the flight details to Anna; forward the trip report to Zorblax Quux; driving home from Kevin's",
      ['Anna', 'Zorblax Quux', "Kevin's"],
    ],
    [
      'names after roles on forms, claims and prescriptions',
      'Prescriber: Efua Appiah, NP\nAdjuster: Ifeoma Eze\nConsignee: VENKATESH NAIR\nCo-borrower: Lorenzo Lo Russo',
      ['Efua Appiah', 'Ifeoma Eze', 'VENKATESH NAIR', 'Lorenzo Lo Russo'],
    ],
    [
      'a name after a label of another language',
      'Paciente: CARMEN GARCÍA LÓPEZ\nNom: Dupont',
      ['CARMEN GARCÍA LÓPEZ', 'Dupont'],
    ],
    ['a lower-case name in a form field', 'Name: anna-lee\nAge: 4', ['anna-lee']],
    ['a list of three with a known word', 'our founders: Šušulić, Bowman and White.', ['Šušulić', 'Bowman', 'White']],
    [
      'lower-case names after a strong label',
      'my name is vitoria and people call me bob smith',
      ['vitoria', 'bob smith'],
    ],
    ['names in record fields', '{"first_name":"Ubul","city":"Clinton"} and contact=Mark', ['Ubul', 'Mark']],
    ['a name before an address unit', 'Mrs. Barbara Yudina Apt. 675', ['Barbara Yudina']],
    ['a middle initial without a full stop', 'Szabina J Gelencsér listed her songs', ['Szabina J Gelencsér']],
    [
      'an unknown name before a verb people do',
      'Tomomi is from the north office and Mehrudin shouted at Todd',
      ['Tomomi', 'Mehrudin', 'Todd'],
    ],
    ['a given name that is a word, with a surname', 'Mark Twain and Grace Kelly', ['Mark Twain', 'Grace Kelly']],
    // Words whose lower case is not one code unit at a time (`Σ`, `’`) are looked up as strings.
    ['a name that starts with a capital sigma', 'we met Σπύρος today', ['Σπύρος']],
    ['a possessive with a curly apostrophe', 'the Christiansen’s novel', ['Christiansen’s']],
    ['a label with a curly apostrophe', 'I’m Zorblax, hi', ['Zorblax']],
    [
      'names in dotted and hyphenated record keys',
      '{"billing.first-name": "Ubul", "billing.city": "Clinton"} <customer_name>Zorblax</customer_name>',
      ['Ubul', 'Zorblax'],
    ],
    [
      'a name after a street that ends in `St.`',
      '12 High St. Anna Berg and Main St. John Smith',
      ['Anna Berg', 'John Smith'],
    ],
    ['a lower-case name after a strong label', 'my name is vitoria', ['vitoria']],
    ['a name after a German honorific in the dative', 'Unterlagen für Herrn Klaus Becker', ['Klaus Becker']],
    ['names before a record number', 'Employees: Anna 102345, John Smith 123456', ['Anna', 'John Smith']],
    [
      'given names joined by `&`, and a full name after one',
      'Invite Ana & Bruno and John & Mary Smith',
      ['Ana', 'Bruno', 'John', 'Mary Smith'],
    ],
    [
      'names after a role key, a list of who took part or a commit trailer',
      'Attendees: Zorblax Quux, Ubul Ede\nReviewed-by: Jakub Nowak\nCo-authored-by: Tadzio Wu',
      ['Zorblax Quux', 'Ubul Ede', 'Jakub Nowak', 'Tadzio Wu'],
    ],
    [
      'a surname, a comma and a name after a person field or a strong label, but not a list',
      "Patient: O'Connor, Siobhan\nName: Doe, Jane\nPatient: Smith, Jones and Brown",
      ["O'Connor, Siobhan", 'Doe, Jane', 'Smith', 'Jones', 'Brown'],
    ],
    ['a chat mention', '@Rahul can you review this?', ['Rahul']],
    [
      'names given a task in meeting notes',
      'Action items: Bongani to send the deck; Oyelaran to review',
      ['Bongani', 'Oyelaran'],
    ],
    [
      'a given name before a place word that is a common surname too',
      'I met Susan Park and Damon Hill; Jane Lane called',
      ['Susan Park', 'Damon Hill', 'Jane Lane'],
    ],
    [
      'initials before a surname, known or not, after a closing or an honorific or alone',
      'Regards,\nJ. R. R. Tolkien\nMr. J. Smith met A. Zorblax',
      ['J. R. R. Tolkien', 'J. Smith', 'A. Zorblax'],
    ],
    [
      'a name after a field whose value starts with an honorific, or before the next field',
      'Attending Physician: Dr. Susan Park, MD\nName: Li Wei Sex: M\nPatient: Ana Lee  DOB: 1987-03-14',
      ['Susan Park', 'Li Wei', 'Ana Lee'],
    ],
    [
      'a full name before a place noun, and a name before a noun a person owns',
      'Kevin Brown office hours; the Garcia account',
      ['Kevin Brown', 'Garcia'],
    ],
    ['a name whose surname is a word of another language', 'Panjiva hired Riku Andou last year', ['Riku Andou']],
    ['a surname that is a frequent word of another language', 'Signed, Maria Para', ['Maria Para']],
    [
      'a name, not the lower-case given names that are words of the language around them',
      'Marta vive en el mismo edificio; intestato al mio assistito; kannst du mir kurz das sagen',
      ['Marta'],
    ],
    [
      'names that are states too, in a list',
      'Anna, Victoria and Ben came; Victoria Beckham',
      ['Anna', 'Victoria', 'Ben', 'Victoria Beckham'],
    ],
    ['a name before Esq.', 'Very truly yours,\nLucía Fernández, Esq.', ['Lucía Fernández']],
    ['whom a thing is from', 'the email is from Anna Berg; the note is from Kowalczyk', ['Anna Berg', 'Kowalczyk']],
    [
      'a person, not where the person is from, also once the person is a placeholder',
      '[REDACTED:PERSON] is from Osaka',
      [],
    ],
    [
      'a person, not where the person is from',
      'Tomomi Ishikawa is from Osaka; she comes from Leeds',
      ['Tomomi Ishikawa'],
    ],
    [
      'a name after a greeting or a closing of another language',
      'Beste Bill,\nLiebe Anna,\nMit freundlichen Grüßen\nJürgen Huang',
      ['Bill', 'Anna', 'Jürgen Huang'],
    ],
    ['a chat mention, a word or not', 'hey @Bill quick one; thanks @Efua', ['Bill', 'Efua']],
    ['a French patient key, a space before its colon', 'Patiente : VŨ VĂN ANH, née le 7 octobre 1960', ['VŨ VĂN ANH']],
    [
      'a card or account holder',
      'name on card ANA MWANGI.\nKontoinhaber: Joy M. Black',
      ['ANA MWANGI', 'Joy M. Black'],
    ],
    [
      'a chat speaker in lower case after the line time, one word or two',
      "[12:57] sneha: here's the key\n[11:30] seo-yeon: user is svc\n[09:00] jung ha-eun: hi",
      ['sneha', 'seo-yeon', 'jung ha-eun'],
    ],
    [
      'a chat speaker with an affiliation, after a time or with speech after',
      '[16:17] Bongani (Vantor Systems): Hi, thanks\nTunde (Support): can you check it',
      ['Bongani', 'Tunde'],
    ],
    [
      'a surname that is a place word too, after a label',
      'Customer: John Lane\nshe was called Erin Dale',
      ['John Lane', 'Erin Dale'],
    ],
    [
      'a brand that is a surname, beside a given name or before a verb people do',
      'Michael Dell founded it. Dell said he would call back.',
      ['Michael Dell', 'Dell'],
    ],
    [
      'a lone word no list holds with the ending of a family name',
      'This song by ex-Zombie Ryhänen is great. Unlike the Sokolov novel, or Ásgeirsdóttir, Popescu and Beridze.',
      ['Ryhänen', 'Sokolov', 'Ásgeirsdóttir', 'Popescu', 'Beridze'],
    ],
  ])('finds %s', (_case, text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it.each([
    ['title-case phrases of common words', 'her Guilty Pleasures and the Civil Rights movement on Labor Day'],
    ['a band of words', 'the White Stripes played'],
    ['a given name that is a word, alone or with a word', 'Will you come? It is a Grace Period.'],
    ['places and calendar words', 'In New York on Monday, then Paris Airport in January'],
    ['code identifiers and paths', 'call user_Anna.getName() from /home/Kevin/src and x=Derek1'],
    ['all caps', 'NASA and JSONParser and KEVIN'],
    ['street names', 'early shows on Ane Flats Street were important'],
    ['English words in lower case', 'the will to mark a rose with hope'],
    ['rarer English words in lower case that are also given names', 'a guitar riff'],
    ['contractions of I', "I'm sure I'll be there"],
    ['a common word after a greeting', 'Hello World, and Dear Friends'],
    ['chat roles and form labels', 'Bot: What is the name on the account?\nName: see below\nFax:\n555 0100'],
    ['a list of unknown words', 'we use Confluence, Bitbucket and Grafana'],
    ['brands alone, in a list', 'We compared Babel, Webpack and esbuild; Bosch and Siemens drills.'],
    ['months between a day and a year', 'ingangsdatum 10 juli 2024; zum 23. Juli 2022; le 1er avril 2021'],
    ['lower-case words before a number or a closing quote', 'backoff (max 5 attempts) and "retry": { "max": 4 }'],
    [
      'diseases and methods named after their describers',
      "No Parkinson's or Alzheimer's history; smoothed with a Kalman filter; a Fourier transform",
    ],
    [
      'capitalized nouns of other languages in letters and records',
      'Klinik für Innere Medizin\nStationärer Aufenthalt: 3 Tage\nServicio de Medicina Interna, Fecha de ingreso: hoy',
    ],
    [
      'a firm before its legal form, and a document number',
      'Distribuciones Goya S.A. and Acme LLC; Zielony Ogród Sp. z o.o.; Kovács Kft.\nLieferschein Nr. LS-2025-8002',
    ],
    [
      'a birthplace, nationality or item under its key',
      'Place of birth: Osaka\nLugar de nacimiento: Sevilla\nGeburtsort: Hamburg\nNationality: Kenyan\nItem: Aurora bulb',
    ],
    ['a birthplace after born and its preposition', 'nato a Verona, née à Lyon, urodzona w Gdańsku, född i Malmö'],
    ['a tumour or palsy named after its describer', 'Hodgkin lymphoma, Ewing sarcoma, Wilms tumour and Bell palsy'],
    [
      'a firm under a label or key that names a person elsewhere',
      'Bill to: Larkspur Bank\nCustomer: Ostara Pharma\nClient: Acme Holdings Ltd',
    ],
    ['chat roles and tools in lower case', '[10:00] bot: deployed\n[10:01] admin: restarted\n[10:02] user: thanks'],
    ['a heading with a note in parentheses', 'Revenue (USD): 4,000\nRollout (draft): 2 regions'],
    [
      'capitalized abstract nouns no list holds',
      'Ihre Kündigung ist da.\nZur Identifikation: siehe Anlage. Die Gesellschaft und die Universität',
    ],
    [
      'a town before its state in full, and the state',
      'the seat is Austin, Texas; Lincoln, Nebraska, and Regina, Saskatchewan',
    ],
    [
      'eponyms of conditions, in English and other languages',
      "a previous Colles' fracture; had Stevens–Johnson syndrome; enfermedad de Crohn; Morbus Crohn seit 2010",
    ],
    ['a noun after a German article', 'Bitte halten Sie den Zugang zum Keller frei, das Haus im Garten.'],
    ['a month before a day of the month', 'Jan 28 19:20:01 mx1 postfix/smtpd[8339]: connect; due Jun 3rd'],
    [
      'trophies, cups and grounds named after people',
      'the Vince Lombardi Trophy and the Stanley Cup at the Bernabéu Stadium',
    ],
    ['streets written as one word', 'on the Johan de Wittstraat, the Musterstraße and Drottninggatan'],
    ['element and attribute names of XML', '<InstdAmt Ccy="EUR">125.00</InstdAmt><Dbtr Nm="x"/>'],
    ['words of Swedish and Polish', 'Opis: Pralka model WX-839 zakupiona w sklepie.\nÄrende: Flytt till ny adress'],
    [
      'frequent words of other languages that a name list also holds as surnames',
      'Forma de pagamento: cartão\nPara compras acima de R$ 1.000\nSehr geehrte Damen und Herren,',
    ],
    [
      'a town or a compound of words with the ending of a family name',
      'flights at Rostov were cancelled; we posted on Bluesky and Mastodon',
    ],
    ['record abbreviations', 'Med. Rec. #: 556677'],
    [
      'a place word after a word that is no given name, or after `at`',
      'Central Park, Forest Hill station, we met at Victoria Park',
    ],
    ['a name glued to an address or a handle in lower case', 'write to x@Anna or user@Kevin; @channel and @Here'],
    ['a team or a tool given a task', 'Finance to review the budget; Python to write scripts'],
    ['an outline letter before a common word', 'A. Introduction\nB. Methods and Plan B. Review'],
    [
      'abbreviations and section headings of clinical records',
      'Hosp #: 445566\nMed Rec No: 123-45-678\nMR Number: 7654321\nVitals: BP 142/88\nMeds: Lisinopril 10 mg',
    ],
    ['a department a patient is referred to', 'Follow up with Cardiology in 2 weeks, then Oncology.'],
    ['a place after `in`', 'She was born in Leeds and lives in Mora de Rubielos'],
    ['a saint that names a place', "The clinic is at St. Mary's Hospital; The St. Louis office; we visited Ste. Anne"],
    ['field names listed after `name,`', 'INSERT INTO patients (name, mrn, dob) VALUES (1, 2, 3)'],
    ['a place or brand before its noun', 'Ship 20 Dell laptops from our Austin office and the Clinton warehouse'],
    ['landmarks, prizes and storms', 'the Lincoln Memorial and the Nobel Prize; Hurricane Milton, Typhoon Haiyan'],
    ['continents and a town before its postal code', 'Bank of America has offices in Europe and Asia; Moscow 125009'],
    ['a place after Spanish or Portuguese `en`, `em`', 'nacido en Sevilla, nascido em Lisboa'],
    ['programming languages that are surnames too', 'She mentored juniors in Python and Scala, then Kotlin'],
    [
      'possessives and pronouns that start a sentence in other languages',
      'Mi correo es nuevo. Meine Adresse ist neu. Soy yo.',
    ],
    ['firms of two single words joined by `&`', 'Ernst & Young audits Procter & Gamble and Johnson & Johnson'],
    ['firms of two words joined by `&` with a legal form', 'From: Tallis & Reed LLP\n17:45 - Kofi & Co Coffee: sure!'],
    ['a calendar or common word after such a verb', 'the report was given Monday; I met Python developers'],
    ['product names the broad name list also holds', 'Create a Jira ticket and a Trello card'],
    ['places in record fields', '{"city":"Madison","company":"Tyrell Biotech"} <city>Franklin</city>'],
    ['a city before a state code', '8747 Oak Avenue, Madison, NC 47258'],
    ['company names', 'Contoso Logistics and Tyrell Biotech signed'],
    ['a label in capitals', 'DEAR Zorblax'],
    ['a list of unknown capitalized words with no name in it', 'we sell Apples, Oranges and Zorblax'],
    ['a lone unknown capitalized word', 'the Zorblax engine'],
    ['a common word after a relative', 'my friend Apple and her boss Monday'],
    [
      'capitals with no label, or no name',
      'READ THE MANUAL. Customer: THE HOME DEPOT. Name: TBD. NAME: ACME CORP. NAME: NOT GIVEN. Name: TEST USER',
    ],
    ['a city before a state code', 'Baltimore, MD; Silver Spring, MD 20910'],
    ['a key that is no addressee', 'Go to:\nSettings'],
    ['abbreviated days and months', 'Date:   Mon Apr 3 10:00:00 2023, due Fri Sept 1'],
    ['streets and cities named by their kind', 'Avenida Paulista, 1578 - Bela Vista, São Paulo'],
    [
      'a field label before its value, which is no speech',
      'Wifi: Livebox-42C1 / PepperCopper2\nZorblax: Av. Paulista, 1195',
    ],
    [
      'eponyms of medicine and science',
      "Parkinson's disease; a positive Babinski sign; Apgar scores at 1 and 5 minutes; the Fourier transform",
    ],
    [
      'hotels, restaurants and streets named after a person',
      'check in at the Hotel Victoria; Reply from Casa Lucia Trattoria: Thanks; I moved to Rua Augusta, 1999',
    ],
    [
      'the places a trip goes to or from',
      'Day 6: drive from Jackson to Madison; the train from Florence to Alexandria; Flight QF 495 to Adelaide departs',
    ],
    [
      'firms and brands named after people',
      'Morgan Stanley lifted its target on Eli Lilly; Goldman Sachs and Charles Schwab led. A bottle of Johnnie Walker Black Label',
    ],
    [
      'a firm named after people after a sentence start, an honorific or a key for a person',
      'Meanwhile John Deere slipped. We drank Dr Pepper Zero.\nTop referrer: Morgan Stanley wealth newsletter',
    ],
    [
      'a firm named after a person after an abbreviation with a full stop',
      'Artikel: Dr. Martens 1460 Boots; a Dr. Pepper; Mrs. Meyer’s soap. Paul Smith and John Lewis stores',
    ],
    [
      'names of things under a name key, and code',
      '{ "name": "Billing API", "item": [ { "name": "Create contact" }, { "name": "Cookie" } ] }\nreturn 1 - d / max(len(a), len(b))\nclaude = anthropic.Anthropic()',
    ],
    [
      'record keys and the values of keys for no person',
      '{ "Mongo": "mongodb+srv://db", \'Redis\': "redis://cache" }\nmetadata: { labels: { team: victoria } }',
    ],
    [
      'German letter salutations',
      'Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege, wir berichten über Ihren Patienten',
    ],
    [
      'identifiers after lower-case keys of configuration',
      'name: deploy\njobs:\n  - name: api\nmetadata: { name: ingress-cert, namespace: prod }',
    ],
  ])('ignores %s', (_case, text) => {
    expect(names(text)).toEqual([]);
  });

  it('reports names only from the scan start, judging a run from its own start', () => {
    const text = 'Today Barbara Harris met Kevin.';
    const fromInsideRun = findPersonNames(text, text.indexOf('Harris'));
    expect(matchesOf(fromInsideRun)).toEqual([
      { start: text.indexOf('Kevin'), end: text.indexOf('Kevin') + 5, confidence: 0.5 },
    ]);
  });

  it('reads a finding of another type as nothing, not even context, as its placeholder will be', () => {
    // The password value `Mrs.` is no honorific for the run after it: once redacted, it is gone.
    const text = 'password = Mrs. Baker Anna Anna Anna Anna the the';
    const opaque = [{ start: 11, end: 15 }];
    const redacted = 'password = [REDACTED:PASSWORD] Baker Anna Anna Anna Anna the the';
    const namesIn = (value: string, extents: typeof opaque) =>
      matchesOf(findPersonNames(value, 0, 0, extents)).map((match) => value.slice(match.start, match.end));
    expect(namesIn(text, opaque)).toEqual(namesIn(redacted, []));
    expect(namesIn(text, opaque)).toEqual(['Anna Anna Anna Anna']);
    const fuzzed = 'password =  Mrs. Baker Anna Anna Anna Anna the the the  the the the  Anna password = ';
    const once = redactText(fuzzed, { types: ['PASSWORD', 'PERSON'] }).text;
    expect(redactText(once, { types: ['PASSWORD', 'PERSON'] }).text).toBe(once);
  });

  it('finds a later lone mention of a name found earlier, within reach, in batch and stream alike', () => {
    const filler = 'The next part of the review covers the budget, the schedule and the risks we see. ';
    const text =
      "They sang the verses from Faina D. Kwartuin's Cautionary Tales. " +
      filler.repeat(3) +
      'Is there a better example than early Kwartuin? Ask Zorblax; ' +
      filler.repeat(14) +
      'Kwartuin again, but far too late.';
    expect(names(text)).toEqual(["Faina D. Kwartuin's", 'Kwartuin']);
    const whole = redactText(text, { types: ['PERSON'] }).text;
    expect(whole).toContain('than early [REDACTED:PERSON]?');
    expect(whole).toContain('Kwartuin again');
    expect(redactText(whole, { types: ['PERSON'] }).text).toBe(whole);
    for (const size of [1, 5, 17, 64, 300]) {
      const stream = createStreamRedactor({ types: ['PERSON'] });
      let out = '';
      for (let index = 0; index < text.length; index += size) out += stream.push(text.slice(index, index + size));
      expect(out + stream.end()).toBe(whole);
    }
  });

  it('a long stream keeps the names still in reach, and finds their later mentions as the batch scan does', () => {
    // 600 distinct names (more than a stream keeps before it drops those out of reach), each
    // mentioned again alone a sentence later.
    const letters = 'bcdfghklmnprstvz';
    const word = (index: number) =>
      'Q' + [0, 1, 2].map((shift) => letters.charAt((index >> (shift * 4)) & 15)).join('') + 'ova';
    const text = Array.from(
      { length: 600 },
      (_, index) => `Mrs. ${word(index)} wrote the memo, and later ${word(index)} left early.`,
    ).join(' ');
    const whole = redactText(text, { types: ['PERSON'] }).text;
    expect(whole).not.toMatch(/later Q/);
    const stream = createStreamRedactor({ types: ['PERSON'] });
    let out = '';
    for (let index = 0; index < text.length; index += 37) out += stream.push(text.slice(index, index + 37));
    expect(out + stream.end()).toBe(whole);
  });

  it('a stream releases whole only the lone words that may repeat a name, so its cuts stay where they were', () => {
    // Found by the stream fuzz: moving a cut to `Kónya`, which repeats no name, started the next scan
    // inside a run of capitalized words longer than the name pass looks back.
    const text =
      'Anna Anna Anna Anna Anna Anna Zorblax Anna Anna Anna Zorblax Street Anna Anna Anna The Becker and Kónya ' +
      `password =  sk-ant-api03-${'A'.repeat(95)} 4000000000000002 the the the `;
    const redactor = createRedactor({ types: SENSITIVE_TYPES });
    const stream = createStreamRedactor({ redactor });
    const out = [...text].map((character) => stream.push(character)).join('') + stream.end();
    expect(out).toBe(redactor.redact(text).text);
  });

  it.each([
    ['a common word', 'Kevin Brown runs it. We painted it Brown.', ['Kevin Brown']],
    ['a place after `in`', 'Olivia Clinton wrote. The shipment is in Clinton now.', ['Olivia Clinton']],
    ['a record field for a place', 'Olivia Clinton wrote. {"city":"Clinton"}', ['Olivia Clinton']],
    ['a list of capitalized words', 'Mara Zorblax came. We sell Quux, Zorblax and Bar.', ['Mara Zorblax']],
    ['a run of capitalized words', 'Mara Zorblax came. The Zorblax Engine failed.', ['Mara Zorblax']],
  ])('a mention of an earlier name word is no name as %s', (_case, text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it('keeps a run near the end open, so a stream holds it back', () => {
    const text = 'the letter was signed by Barbara';
    expect(findPersonNames(text, 0, 16).earliestOpen).toBe(text.indexOf('Barbara'));
    expect(findPersonNames(text, 0, 0).earliestOpen).toBe(Infinity);
  });

  it('a chat speaker with an affiliation is decided in a stream as in one piece', () => {
    const text =
      'Log:\n[16:17] Zorblax (Vantor Systems): Hi, thanks for reaching out!\nTunde (Support): can you check it';
    const whole = redactText(text, { types: ['PERSON'] }).text;
    expect(whole).toBe(
      'Log:\n[16:17] [REDACTED:PERSON] (Vantor Systems): Hi, thanks for reaching out!\n[REDACTED:PERSON] (Support): can you check it',
    );
    for (const size of [1, 3, 7, 16, 41]) {
      const stream = createStreamRedactor({ types: ['PERSON'] });
      let out = '';
      for (let index = 0; index < text.length; index += size) out += stream.push(text.slice(index, index + size));
      expect(out + stream.end()).toBe(whole);
    }
  });

  it('a family name first is no merge before a list item that redaction turns into a placeholder', () => {
    const redactor = createRedactor({ types: SENSITIVE_TYPES });
    const text = 'Kónya, Kónya, Kónya, Kónya, White, Kónya and Kónya 11.0.0.1 the  Anna the';
    const once = redactor.redact(text).text;
    expect(redactor.redact(once).text).toBe(once);
  });

  it('a family name first is one name in a stream as in one piece', () => {
    const text =
      'Chat:\n[14:06] Neumann, Gudrun\nHallo!\n[14:09] von Arnim, Sophie\nPatientin: Kaya, Mustafa, * 04.08.1956';
    const whole = redactText(text, { types: ['PERSON'] }).text;
    expect(whole).toBe(
      'Chat:\n[14:06] [REDACTED:PERSON]\nHallo!\n[14:09] [REDACTED:PERSON]\nPatientin: [REDACTED:PERSON], * 04.08.1956',
    );
    for (const size of [1, 3, 7, 16, 41]) {
      const stream = createStreamRedactor({ types: ['PERSON'] });
      let out = '';
      for (let index = 0; index < text.length; index += size) out += stream.push(text.slice(index, index + size));
      expect(out + stream.end()).toBe(whole);
    }
  });

  it('a name split across stream deltas is redacted as in one piece', () => {
    const text = 'Please forward this to Barbara Harris and Katrine before Monday, thanks.';
    const whole = redactText(text, { types: ['PERSON'] }).text;
    for (const size of [1, 3, 7, 16]) {
      const stream = createStreamRedactor({ types: ['PERSON'] });
      let out = '';
      for (let index = 0; index < text.length; index += size) out += stream.push(text.slice(index, index + size));
      out += stream.end();
      expect(out).toBe(whole);
    }
    expect(whole).toBe('Please forward this to [REDACTED:PERSON] and [REDACTED:PERSON] before Monday, thanks.');
  });

  it('finds the same names in a text whatever was scanned before it', () => {
    const text = 'Dear Ubul, Barbara Harris and Katrine met Kevin.';
    const alone = findPersonNames(text);
    findPersonNames('Anna Berta Zorblax, Mrs. Baker '.repeat(10_000));
    findPersonNames('x');
    expect(findPersonNames(text)).toEqual(alone);
    expect(matchesOf(alone).map(({ start, end }) => text.slice(start, end))).toEqual([
      'Ubul',
      'Barbara Harris',
      'Katrine',
      'Kevin',
    ]);
  });

  it.each([
    ['my name is\nvitoria, and more', 'vitoria'],
    ['call me\n  višeslav now', 'višeslav'],
    ['her name is: anna-lee', 'anna-lee'],
  ])('a scan that starts after a strong label still reads it: %j', (text, name) => {
    const start = text.indexOf(name);
    const names = (from: number) =>
      matchesOf(findPersonNames(text, from)).map((match) => text.slice(match.start, match.end));
    expect(names(0)).toEqual([name]);
    expect(names(start)).toEqual([name]);
  });

  it('finds a name in capitals on a line of its own above an address or a contact line, in batch and stream alike', () => {
    const text =
      'Rx# 4496817   Qty: 90\nSNEHA SHARMA\n7735 LAKEVIEW DRIVE\nATLANTA, GA 30305\n\n' +
      'INVOICE SUMMARY\n7735 LAKEVIEW DRIVE\nATLANTA, GA 30305\nSALES TEAM\nsales@acme.com\nJOHN SMITH\nHead of sales';
    const found = detectSensitiveData(text, { types: ['PERSON', 'ADDRESS', 'EMAIL'] });
    expect(found.filter((finding) => finding.type === 'PERSON').map((f) => text.slice(f.start, f.end))).toEqual([
      'SNEHA SHARMA',
    ]);
    const whole = redactText(text, { types: ['PERSON', 'ADDRESS', 'EMAIL'] }).text;
    expect(redactText(whole, { types: ['PERSON', 'ADDRESS', 'EMAIL'] }).text).toBe(whole);
    for (const size of [1, 3, 11, 40]) {
      const stream = createStreamRedactor({ types: ['PERSON', 'ADDRESS', 'EMAIL'] });
      let out = '';
      for (let index = 0; index < text.length; index += size) out += stream.push(text.slice(index, index + size));
      expect(out + stream.end()).toBe(whole);
    }
  });

  it('reads FHIR names: the first of a list of given names', () => {
    const text = '{"name":[{"family":"Okafor","given":["Chidi","Ngozi"]}]}';
    const found = detectSensitiveData(text, { types: ['PERSON'] }).map((finding) =>
      text.slice(finding.start, finding.end),
    );
    expect(found).toEqual(expect.arrayContaining(['Okafor', 'Chidi']));
  });

  it('is linear: 1 MB of capitalized words takes well under a second', () => {
    const text = 'Anna Berta Carla Dora Emil '.repeat(40_000);
    const started = performance.now();
    findPersonNames(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('the generated lexicon', () => {
  it('decodes front-coded lists', () => {
    expect([...decodeFrontCoded('0anna3e0bob1ea')]).toEqual(['anna', 'anne', 'bob', 'bea']);
  });

  it('matches what scripts/build-lexicon.mjs builds from the pinned sources', async () => {
    const committed = readFileSync(new URL('../../src/data/lexicon.generated.ts', import.meta.url), 'utf8');
    expect(await buildLexicon()).toBe(committed);
  });
});
