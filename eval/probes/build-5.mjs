#!/usr/bin/env node
// build-5.mjs: probe set 5 for the PII / secrets detector (blind: written without reading the
// detector, its tests, the dev split or the other probe builders). Plain Node.js, no dependencies.
// Run from the repo root: `node eval/probes/build-5.mjs` -> eval/probes/probe-5.jsonl (byte-identical
// on every run: one mulberry32 PRNG, reseeded per template from a fixed seed and the template name).
//
// Ground covered: e-commerce, bank statements / wires, payroll, student records, real estate,
// benefits and tax forms, vehicles and fines, gyms and loyalty cards, dating / social bios,
// recruiting, minutes, reviews, news, subtitles, support chats, email threads, calendar invites;
// git log / blame, stack traces, k8s / Helm / compose / Terraform / Actions, .npmrc / .pypirc,
// Jupyter, SQL, curl, Postman, HAR, Sentry, access / error logs, syslog, CSV and Markdown tables;
// English plus pt-BR, pt-PT, it, nl, de, fr, es, pl, id, tr, romanised ja, sv.
//
// LABELLING CONVENTIONS (this set's own)
// * A type is about the value, not its owner: a shop's support phone, a company's postal address
//   and a role mailbox (support@...) are PHONE / ADDRESS / EMAIL like a person's.
// * PERSON: the name only, without honorifics or titles (Dr., Mr, Frau, Sr., -san), without a
//   possessive 's; a first name alone is PERSON when it clearly names a person (greetings,
//   signatures, chat speakers, "ask Priya"); lowercase names in chat are PERSON; family-first
//   order (Tanaka Hiroshi, Nguyễn Thị Lan) is one span. A name inside an email address is only
//   the EMAIL. Companies, streets, diseases, laws, prizes, algorithms, ships and storms named
//   after people are not PERSON. Usernames / handles / OS logins are neutral USERNAME.
// * ADDRESS: one span for the whole postal address as written, one-line or multi-line (street,
//   number, unit, district, postcode, city, region, and the country when written in the block).
//   A street or city alone is not an ADDRESS (a city alone may be neutral LOCATION).
// * PHONE: the number as written including +country code, trunk prefix "(0)" and area-code
//   parentheses; an extension ("ext. 204", "x31", "Durchwahl -12") is NOT part of the span.
// * DATE_OF_BIRTH: the date only, never its label ("DOB:", "geb.", "born on"). Other calendar dates
//   in positive forms and prose are neutral DATE (log / commit / subtitle timestamps stay plain);
//   in hard negatives all dates are plain text.
// * MEDICAL_RECORD_NUMBER: the value only, for hospital / clinic record numbers under any label
//   (MRN, UR No., prontuário, cartella clinica, IPP, NHC, rekam medis, karte bangō, ...). Insurance
//   member ids, case numbers and national health numbers are neutral ID_NUMBER.
// * US_SSN: value only, dashed, spaced or plain 9 digits; follows issuance rules.
//   Other national ids (CPF, BSN, PESEL, NIF, codice fiscale, Steuer-ID, NINO, SIN, Aadhaar, TC
//   kimlik, personnummer) are neutral ID_NUMBER.
// * CREDIT_CARD: full valid-Luhn PANs only, span includes internal spaces / dashes. Masked or
//   last-4 references are plain text.
// * IBAN: span includes internal spaces; valid mod-97, correct per-country length. BIC, sort code,
//   routing and local account numbers are neutral ID_NUMBER.
// * IP_ADDRESS: IPv4 and IPv6 including private ranges (10/8, 172.16/12, 192.168/16) and link-local;
//   port, CIDR suffix and brackets are not part of the span. Loopback, 0.0.0.0, netmasks, CIDR
//   network blocks and documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24,
//   2001:db8::/32) are not IP_ADDRESS (CIDR blocks are neutral in positive records).
// * API_KEY: provider tokens and generic service secrets (Bearer token value only, header name
//   excluded). AWS_ACCESS_KEY: both the access key id (AKIA/ASIA + 16) and the 40-char secret access
//   key. JWT: the whole header.payload.signature. PRIVATE_KEY: the whole PEM block from -----BEGIN
//   to the closing -----, also when its newlines are JSON-escaped "\n" or YAML-indented.
//   HTTP Basic credentials in base64 and k8s `data:` base64 values are neutral ENCODED_SECRET.
// * PASSWORD: the value only (no quotes, no key). In a URL user:password@host only the password.
//   Password hashes (bcrypt etc.) are neutral HASH.
// * Fields: a name split over separate fields (CSV / SQL columns, FHIR family/given, HL7 components,
//   "Name: X  Vorname: Y") is one PERSON span per field; "Last, First" in one field is one span.
//   Upper-case bank / SWIFT / V5C renderings of names and addresses are PERSON / ADDRESS too.
// * A URL-encoded email (name%40host.com) is EMAIL as written. ICS UIDs (uuid@host) are neutral UID.
// * Opaque refresh tokens, session cookies that are not JWTs, presigned-URL signatures, AWS session
//   tokens, key ids (private_key_id, APNS key id) and Twilio Account SIDs are neutral, not gold.
//   A JWT is JWT whatever it is used for (Supabase anon key, k8s service-account token, id_token).
// * Negatives (no spans, no neutral): placeholders and masked values (`${API_KEY}`, `<password>`,
//   `****`, `changeme`, `{{ secrets.X }}`, REDACTED), documentation / test values
//   (AKIAIOSFODNN7EXAMPLE, 4242 4242 4242 4242, 4111 1111 1111 1111, John Doe, user@example.com,
//   example.org / example.net, 555-01xx, 192.0.2.x, 2001:db8::, the jwt.io sample token), public
//   keys and certificates, hashes, UUIDs, SHAs, version and build numbers, order / tracking
//   numbers, ISBNs, coordinates, non-birth dates, eponymous things.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const SEED = 0x50b5e005;
function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hashStr = (s) => {
  let h = 2166136261;
  for (const c of s) {
    h ^= c.codePointAt(0);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
};
let R = mulberry32(SEED);
const int = (a, b) => a + Math.floor(R() * (b - a + 1));
const pick = (arr) => arr[Math.floor(R() * arr.length)];
const chance = (p) => R() < p;
const shuffle = (arr) => {
  const a = arr.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(R() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
const sample = (arr, n) => shuffle(arr).slice(0, n);
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  LO = 'abcdefghijklmnopqrstuvwxyz',
  DG = '0123456789';
const AN = UP + LO + DG,
  B64 = AN + '+/',
  B64U = AN + '-_',
  HEX = '0123456789abcdef',
  B32 = UP + '234567';
const chars = (n, a) => {
  let s = '';
  for (let i = 0; i < n; i++) s += a[Math.floor(R() * a.length)];
  return s;
};
const digits = (n) => chars(n, DG);
const nz = (n) => chars(1, '123456789') + digits(n - 1);
const pad = (n, w) => String(n).padStart(w, '0');
const _cap = (s) => s[0].toUpperCase() + s.slice(1);

// ---------------------------------------------------------------- fragments with recorded offsets
class Frag {
  constructor() {
    this.text = '';
    this.spans = [];
    this.neutral = [];
  }
}
const V = (type, value) => ({ __k: 'span', type, value: String(value) });
const NT = (type, value) => ({ __k: 'neutral', type, value: String(value) });
function append(f, x) {
  if (x == null || x === false) return;
  if (x instanceof Frag) {
    const o = f.text.length;
    f.text += x.text;
    for (const s of x.spans) f.spans.push({ ...s, start: s.start + o, end: s.end + o });
    for (const s of x.neutral) f.neutral.push({ ...s, start: s.start + o, end: s.end + o });
    return;
  }
  if (Array.isArray(x)) {
    for (const y of x) append(f, y);
    return;
  }
  if (typeof x === 'object' && (x.__k === 'span' || x.__k === 'neutral')) {
    const s = f.text.length;
    f.text += x.value;
    (x.__k === 'span' ? f.spans : f.neutral).push({ start: s, end: f.text.length, type: x.type, value: x.value });
    return;
  }
  if (typeof x === 'object') throw new Error('cannot interpolate object ' + JSON.stringify(x));
  f.text += String(x);
}
function D(strings, ...vals) {
  const f = new Frag();
  strings.forEach((s, i) => {
    f.text += s;
    if (i < vals.length) append(f, vals[i]);
  });
  return f;
}
function J(list, sep = '\n') {
  const f = new Frag();
  list
    .filter((x) => x != null && x !== false)
    .forEach((x, i) => {
      if (i) f.text += sep;
      append(f, x);
    });
  return f;
}
const P = (v) => V('PERSON', v),
  E = (v) => V('EMAIL', v),
  PH = (v) => V('PHONE', v),
  SSN = (v) => V('US_SSN', v);
const CC = (v) => V('CREDIT_CARD', v),
  IB = (v) => V('IBAN', v),
  IP = (v) => V('IP_ADDRESS', v),
  AD = (v) => V('ADDRESS', v);
const DOB = (v) => V('DATE_OF_BIRTH', v),
  MRN = (v) => V('MEDICAL_RECORD_NUMBER', v),
  AK = (v) => V('API_KEY', v);
const AWS = (v) => V('AWS_ACCESS_KEY', v),
  PK = (v) => V('PRIVATE_KEY', v),
  JW = (v) => V('JWT', v),
  PW = (v) => V('PASSWORD', v);
const ORG = (v) => NT('ORGANIZATION', v),
  LOC = (v) => NT('LOCATION', v),
  DT = (v) => NT('DATE', v);
const NID = (v) => NT('ID_NUMBER', v),
  USR = (v) => NT('USERNAME', v),
  HASH = (v) => NT('HASH', v),
  ENC = (v) => NT('ENCODED_SECRET', v);

// ---------------------------------------------------------------- people
const CULT = {
  en: {
    f: [
      'Emily',
      'James',
      'Olivia',
      'Liam',
      'Hannah',
      'Noah',
      'Chloe',
      'Ethan',
      'Megan',
      'Ryan',
      'Sophie',
      'Connor',
      'Abigail',
      'Tyler',
      'Grace',
      'Owen',
      'Madison',
      'Caleb',
      'Zoe',
      'Gavin',
      'Brooke',
      'Declan',
      'Harriet',
      'Rupert',
      'Imogen',
      'Callum',
      'Siobhan',
      'Fergus',
      'Kirsty',
      'Alistair',
      'Dwayne',
      'Shanice',
      'Trevor',
      'Kayla',
    ],
    l: [
      'Thompson',
      'Reynolds',
      'Caldwell',
      'Whitaker',
      'Hargreaves',
      'Pemberton',
      'Fitzgerald',
      "O'Connell",
      'McAllister',
      'Donovan',
      'Prescott',
      'Holloway',
      'Ashworth',
      'Bramley',
      'Sutherland',
      'Gallagher',
      'Brennan',
      'Ramsey',
      'Carver',
      'Dawson',
      'Fletcher',
      'Harrington',
      'Kendrick',
      'Lockwood',
      'Mercer',
      'Norris',
      'Pryce',
      'Quinlan',
      'Sheridan',
      'Vaughan',
      'Winslow',
      'Yates',
      'Okoro-Bailey',
      'Washington',
    ],
  },
  ng: {
    f: [
      'Chinedu',
      'Ngozi',
      'Oluwaseun',
      'Adaeze',
      'Emeka',
      'Funmilayo',
      'Babajide',
      'Chiamaka',
      'Tunde',
      'Yetunde',
      'Obinna',
      'Ifeoma',
      'Kelechi',
      'Folake',
      'Nnamdi',
      'Zainab',
      'Olumide',
      'Temitope',
    ],
    l: [
      'Okafor',
      'Adeyemi',
      'Nwosu',
      'Balogun',
      'Eze',
      'Okonkwo',
      'Adebayo',
      'Ogunleye',
      'Chukwu',
      'Afolabi',
      'Nwachukwu',
      'Olawale',
      'Uzor',
      'Bello',
      'Odunsi',
      'Ekwueme',
    ],
  },
  gh: {
    f: ['Kwame', 'Ama', 'Kofi', 'Akosua', 'Yaw', 'Esi', 'Wanjiru', 'Otieno', 'Achieng', 'Kiprono', 'Abena', 'Nana'],
    l: [
      'Mensah',
      'Boateng',
      'Asante',
      'Owusu',
      'Acheampong',
      'Kamau',
      'Odhiambo',
      'Njoroge',
      'Wambui',
      'Mutua',
      'Appiah',
      'Ochieng',
    ],
  },
  in: {
    f: [
      'Priya',
      'Arjun',
      'Ananya',
      'Rahul',
      'Divya',
      'Vikram',
      'Sneha',
      'Karthik',
      'Lakshmi',
      'Rohan',
      'Meera',
      'Siddharth',
      'Aditi',
      'Harpreet',
      'Gurpreet',
      'Abhishek',
      'Deepika',
      'Sanjay',
      'Nandini',
      'Aravind',
      'Kavya',
      'Ishaan',
      'Pooja',
      'Venkatesh',
    ],
    l: [
      'Sharma',
      'Iyer',
      'Patel',
      'Reddy',
      'Nair',
      'Gupta',
      'Krishnamurthy',
      'Banerjee',
      'Chatterjee',
      'Singh',
      'Menon',
      'Deshpande',
      'Kulkarni',
      'Subramanian',
      'Rao',
      'Mehta',
      'Joshi',
      'Bhattacharya',
      'Pillai',
      'Agarwal',
    ],
  },
  cn: {
    f: [
      'Wei',
      'Xiaoling',
      'Jian',
      'Meilin',
      'Hao',
      'Yuxin',
      'Zhiwei',
      'Lihua',
      'Jing',
      'Yifan',
      'Haoran',
      'Xinyi',
      'Zihan',
      'Ruolan',
      'Junjie',
      'Shu',
    ],
    l: [
      'Zhang',
      'Wang',
      'Liu',
      'Chen',
      'Yang',
      'Huang',
      'Zhao',
      'Zhou',
      'Xu',
      'Sun',
      'Zhu',
      'Guo',
      'Lin',
      'Tang',
      'Feng',
      'Deng',
    ],
    famFirst: true,
  },
  vn: {
    f: [
      'Văn Hùng',
      'Thị Lan',
      'Minh Tuấn',
      'Thị Mai',
      'Đức Anh',
      'Ngọc Linh',
      'Thanh Hương',
      'Minh Khoa',
      'Thị Trang',
      'Quốc Dũng',
    ],
    l: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Huỳnh'],
    famFirst: true,
  },
  kr: {
    f: ['Min-jun', 'Seo-yeon', 'Ji-ho', 'Ha-eun', 'Do-yun', 'Su-bin', 'Hyun-woo', 'Ye-jin'],
    l: ['Kim', 'Park', 'Choi', 'Jung', 'Kang', 'Yoon', 'Jang', 'Han'],
    famFirst: true,
  },
  jp: {
    f: [
      'Yuki',
      'Haruto',
      'Sakura',
      'Ren',
      'Aoi',
      'Sota',
      'Hina',
      'Yuto',
      'Mio',
      'Kenji',
      'Akiko',
      'Takeshi',
      'Naoko',
      'Daisuke',
      'Emi',
      'Hiroshi',
      'Kaori',
      'Shota',
      'Ayaka',
      'Ryo',
    ],
    l: [
      'Sato',
      'Takahashi',
      'Tanaka',
      'Watanabe',
      'Ito',
      'Yamamoto',
      'Nakamura',
      'Kobayashi',
      'Kato',
      'Yoshida',
      'Yamada',
      'Sasaki',
      'Matsumoto',
      'Inoue',
      'Kimura',
      'Hayashi',
      'Shimizu',
      'Ikeda',
      'Hashimoto',
      'Ogawa',
      'Fujita',
      'Okada',
    ],
    famFirst: true,
  },
  ar: {
    f: [
      'Omar',
      'Fatima',
      'Ahmed',
      'Layla',
      'Youssef',
      'Mariam',
      'Khalid',
      'Noor',
      'Hassan',
      'Rania',
      'Tariq',
      'Salma',
      'Karim',
      'Huda',
      'Amira',
      'Bilal',
    ],
    l: [
      'Al-Farsi',
      'Haddad',
      'Mansour',
      'Khoury',
      'Nasser',
      'El-Sayed',
      'Al-Rashid',
      'Saleh',
      'Hamdan',
      'Aziz',
      'Abboud',
      'Darwish',
      'Farouk',
      'Qureshi',
    ],
  },
  fa: {
    f: ['Dariush', 'Shirin', 'Reza', 'Parisa', 'Arash', 'Niloufar'],
    l: ['Tehrani', 'Rahimi', 'Moradi', 'Karimi', 'Hosseini', 'Jafari'],
  },
  tr: {
    f: [
      'Emre',
      'Zeynep',
      'Mehmet',
      'Elif',
      'Burak',
      'Ayşe',
      'Can',
      'Çağla',
      'Oğuz',
      'Büşra',
      'Kerem',
      'Derya',
      'Murat',
      'Selin',
      'Hakan',
      'Gökçe',
      'Barış',
      'İrem',
    ],
    l: [
      'Yılmaz',
      'Kaya',
      'Demir',
      'Şahin',
      'Çelik',
      'Yıldız',
      'Öztürk',
      'Aydın',
      'Arslan',
      'Doğan',
      'Kılıç',
      'Aslan',
      'Çetin',
      'Koç',
      'Kurt',
      'Özdemir',
    ],
  },
  pl: {
    f: [
      'Łukasz',
      'Krzysztof',
      'Paweł',
      'Tomasz',
      'Piotr',
      'Michał',
      'Grzegorz',
      'Wojciech',
      'Agnieszka:f',
      'Małgorzata:f',
      'Katarzyna:f',
      'Magdalena:f',
      'Joanna:f',
      'Aleksandra:f',
      'Zofia:f',
      'Ewa:f',
    ],
    l: [
      'Nowak',
      'Wiśniewski',
      'Wójcik',
      'Kamiński',
      'Lewandowski',
      'Zieliński',
      'Szymański',
      'Woźniak',
      'Dąbrowski',
      'Kozłowski',
      'Jankowski',
      'Mazur',
      'Krawczyk',
      'Piotrowski',
      'Grabowski',
      'Wróblewski',
    ],
  },
  de: {
    f: [
      'Lukas',
      'Anna',
      'Jonas',
      'Lena',
      'Felix',
      'Sophie',
      'Maximilian',
      'Marie',
      'Tobias',
      'Johanna',
      'Florian',
      'Katharina',
      'Sebastian',
      'Franziska',
      'Matthias',
      'Annika',
      'Jürgen',
      'Birgit',
      'Uwe',
      'Sabine',
    ],
    l: [
      'Müller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weber',
      'Meyer',
      'Wagner',
      'Becker',
      'Schulz',
      'Hoffmann',
      'Koch',
      'Richter',
      'Klein',
      'Wolf',
      'Schröder',
      'Neumann',
      'Zimmermann',
      'Braun',
      'Krüger',
      'Hartmann',
      'Lange',
      'Krause',
      'Lehmann',
      'Köhler',
    ],
  },
  nl: {
    f: [
      'Daan',
      'Sanne',
      'Bram',
      'Lotte',
      'Thijs',
      'Fleur',
      'Jeroen',
      'Anouk',
      'Sem',
      'Femke',
      'Ruben',
      'Iris',
      'Joost',
      'Marieke',
      'Wouter',
      'Eline',
    ],
    l: [
      'de Vries',
      'van den Berg',
      'Bakker',
      'Visser',
      'Smit',
      'Meijer',
      'de Boer',
      'Mulder',
      'de Groot',
      'Bos',
      'Vos',
      'Hendriks',
      'van Leeuwen',
      'Dekker',
      'Brouwer',
      'de Wit',
      'Dijkstra',
      'van Dijk',
      'Jansen',
    ],
  },
  fr: {
    f: [
      'Camille',
      'Louis',
      'Léa',
      'Hugo',
      'Chloé',
      'Mathieu',
      'Manon',
      'Théo',
      'Inès',
      'Antoine',
      'Juliette',
      'Baptiste',
      'Céline',
      'Guillaume',
      'Élodie',
      'Nicolas',
      'Margaux',
      'Étienne',
    ],
    l: [
      'Martin',
      'Bernard',
      'Dubois',
      'Robert',
      'Richard',
      'Petit',
      'Durand',
      'Leroy',
      'Moreau',
      'Laurent',
      'Lefèvre',
      'Fournier',
      'Girard',
      'Bonnet',
      'Dupont',
      'Lambert',
      'Fontaine',
      'Rousseau',
      'Chevalier',
      'Mercier',
    ],
  },
  it: {
    f: [
      'Giulia',
      'Marco',
      'Francesca',
      'Alessandro',
      'Chiara',
      'Lorenzo',
      'Sara',
      'Matteo',
      'Valentina',
      'Davide',
      'Federica',
      'Giuseppe',
      'Elena',
      'Stefano',
      'Martina',
      'Riccardo',
    ],
    l: [
      'Rossi',
      'Russo',
      'Esposito',
      'Bianchi',
      'Romano',
      'Colombo',
      'Ricci',
      'Marino',
      'Greco',
      'Gallo',
      'Conti',
      'De Luca',
      'Mancini',
      'Giordano',
      'Rizzo',
      'Lombardi',
      'Moretti',
      'Ferrari',
    ],
  },
  es: {
    f: [
      'Lucía',
      'Javier',
      'Carmen',
      'Alejandro',
      'Marta',
      'Diego',
      'Pablo',
      'Sofía',
      'Sergio',
      'Paula',
      'Álvaro',
      'Nuria',
      'Iñaki',
      'Rocío',
      'Guillermo',
      'Ainhoa',
    ],
    l: [
      'García',
      'Fernández',
      'González',
      'Rodríguez',
      'López',
      'Martínez',
      'Sánchez',
      'Pérez',
      'Gómez',
      'Ruiz',
      'Hernández',
      'Jiménez',
      'Díaz',
      'Moreno',
      'Muñoz',
      'Álvarez',
      'Romero',
      'Navarro',
      'Torres',
      'Domínguez',
      'Ortega',
      'Castillo',
    ],
    two: true,
  },
  br: {
    f: [
      'João',
      'Ana Paula',
      'Lucas',
      'Mariana',
      'Gabriel',
      'Beatriz',
      'Rafael',
      'Larissa',
      'Thiago',
      'Camila',
      'Matheus',
      'Juliana',
      'Felipe',
      'Letícia',
      'Gustavo',
      'Fernanda',
      'Caio',
      'Bruna',
    ],
    l: [
      'Silva',
      'Santos',
      'Oliveira',
      'Souza',
      'Rodrigues',
      'Ferreira',
      'Alves',
      'Pereira',
      'Lima',
      'Gomes',
      'Ribeiro',
      'Carvalho',
      'Almeida',
      'Barbosa',
      'Nascimento',
      'Araújo',
      'Cardoso',
      'Moura',
      'da Silva',
      'dos Santos',
      'de Souza Lima',
    ],
  },
  pt: {
    f: [
      'Tiago',
      'Inês',
      'Rodrigo',
      'Beatriz',
      'Duarte',
      'Leonor',
      'Gonçalo',
      'Matilde',
      'Afonso',
      'Carolina',
      'Rui',
      'Teresa',
    ],
    l: [
      'Ferreira',
      'Pereira',
      'Martins',
      'Sousa',
      'Fernandes',
      'Gonçalves',
      'Marques',
      'Teixeira',
      'Cunha',
      'Correia',
      'Mendes',
      'Pinto',
      'Vieira',
    ],
  },
  id: {
    f: [
      'Budi',
      'Siti',
      'Agus',
      'Dewi',
      'Rizky',
      'Putri',
      'Andi',
      'Ayu',
      'Fajar',
      'Wulan',
      'Hendra',
      'Rina',
      'Yoga',
      'Intan',
      'Bayu',
      'Dimas',
      'Nurul',
    ],
    l: [
      'Santoso',
      'Wijaya',
      'Saputra',
      'Pratama',
      'Hidayat',
      'Kusuma',
      'Nugroho',
      'Setiawan',
      'Lestari',
      'Gunawan',
      'Siregar',
      'Simanjuntak',
      'Wibowo',
      'Halim',
      'Susanto',
    ],
  },
  sv: {
    f: [
      'Erik',
      'Astrid',
      'Oskar',
      'Elsa',
      'Johan',
      'Ingrid',
      'Anders',
      'Maja',
      'Björn',
      'Linnea',
      'Nils',
      'Sofia',
      'Gustav',
      'Ebba',
      'Magnus',
      'Saga',
    ],
    l: [
      'Andersson',
      'Johansson',
      'Karlsson',
      'Nilsson',
      'Eriksson',
      'Larsson',
      'Olsson',
      'Persson',
      'Svensson',
      'Gustafsson',
      'Lindqvist',
      'Bergström',
      'Lundgren',
      'Sjöberg',
      'Engström',
      'Åberg',
    ],
  },
  ua: {
    f: ['Dmytro', 'Olha', 'Serhii', 'Nataliia', 'Andriy', 'Oksana', 'Ihor', 'Yuliia', 'Mykola'],
    l: ['Kovalenko', 'Shevchenko', 'Bondarenko', 'Tkachenko', 'Melnyk', 'Petrenko', 'Moroz', 'Lysenko'],
  },
  ph: {
    f: ['Jose Miguel', 'Angelica', 'Kristine', 'Jericho', 'Rowena', 'Carlo', 'Maricel', 'Paolo'],
    l: ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Ocampo', 'Mendoza', 'Villanueva', 'Dela Cruz'],
  },
};
const CULTS = Object.keys(CULT);
function person(c) {
  c = c || pick(CULTS);
  const d = CULT[c];
  let first = pick(d.f),
    female = false;
  if (first.endsWith(':f')) {
    first = first.slice(0, -2);
    female = true;
  }
  let last = pick(d.l);
  if (c === 'pl' && female) last = last.replace(/ski$/, 'ska').replace(/cki$/, 'cka').replace(/dzki$/, 'dzka');
  if (d.two && chance(0.6)) {
    let l2 = pick(d.l);
    if (l2 === last) l2 = 'Serrano';
    last = last + ' ' + l2;
  }
  const full = d.famFirst ? `${last} ${first}` : `${first} ${last}`;
  const given = c === 'vn' ? first.split(' ').pop() : first.split(' ')[0];
  return { c, first, given, last, full, western: `${first} ${last}` };
}
const FOLDMAP = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', ß: 'ss', ı: 'i', đ: 'd', Đ: 'D', æ: 'ae', œ: 'oe' };
const fold = (s) =>
  s
    .replace(/[łŁøØßıđĐæœ]/g, (c) => FOLDMAP[c])
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
const slug = (s) =>
  fold(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
const PDOM = {
  US: ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me', 'comcast.net'],
  GB: ['gmail.com', 'hotmail.co.uk', 'btinternet.com', 'outlook.com', 'sky.com'],
  CA: ['gmail.com', 'shaw.ca', 'videotron.ca', 'outlook.com'],
  AU: ['gmail.com', 'bigpond.com', 'outlook.com.au', 'icloud.com'],
  DE: ['gmx.de', 'web.de', 't-online.de', 'posteo.de', 'gmail.com'],
  FR: ['orange.fr', 'free.fr', 'laposte.net', 'gmail.com', 'sfr.fr'],
  NL: ['ziggo.nl', 'kpnmail.nl', 'gmail.com', 'hotmail.nl'],
  IT: ['libero.it', 'virgilio.it', 'tiscali.it', 'gmail.com'],
  ES: ['gmail.com', 'telefonica.net', 'hotmail.es', 'yahoo.es'],
  BR: ['uol.com.br', 'bol.com.br', 'terra.com.br', 'gmail.com', 'hotmail.com'],
  PT: ['sapo.pt', 'gmail.com', 'netcabo.pt'],
  PL: ['wp.pl', 'onet.pl', 'interia.pl', 'o2.pl', 'gmail.com'],
  ID: ['gmail.com', 'yahoo.co.id', 'ymail.com'],
  TR: ['gmail.com', 'hotmail.com.tr', 'yandex.com.tr', 'mynet.com'],
  JP: ['docomo.ne.jp', 'yahoo.co.jp', 'gmail.com', 'ezweb.ne.jp'],
  SE: ['telia.com', 'gmail.com', 'bredband.net', 'hotmail.se'],
  IN: ['gmail.com', 'rediffmail.com', 'yahoo.co.in'],
};
function gEmail(p, dom) {
  dom = dom || pick(PDOM.US);
  const f = slug(p.first),
    l = slug(p.last);
  const local = pick([
    `${f}.${l}`,
    `${f[0]}${l}`,
    `${f}${l}`,
    `${f}_${l}${int(1, 99)}`,
    `${l}.${f}`,
    `${f}.${l}${int(70, 99)}`,
    `${f}${l[0]}`,
    `${f}-${l}`,
    `${f}+orders`,
    `${l}${f[0]}${int(1, 9)}`,
  ]);
  return `${local}@${dom}`;
}
const ROLEMAIL = [
  'support',
  'orders',
  'billing',
  'hr',
  'noreply',
  'accounts',
  'reservas',
  'kontakt',
  'info',
  'contato',
  'servizio.clienti',
  'klantenservice',
  'biuro',
  'helpdesk',
];

// ---------------------------------------------------------------- organisations
const COMPANIES = [
  'Brightwell Logistics',
  'Kestrel Analytics',
  'Northwind Outfitters',
  'Harbourview Property Group',
  'Lumen Health Partners',
  'Altamira Seguros',
  'Nordlicht Versand GmbH',
  'Groupe Vérane',
  'Casa Verde Imóveis',
  'Tulpenhof Makelaars',
  'Pixelgrove Studio',
  'Ferrovia Digitale S.r.l.',
  'Tokobaru',
  'Anadolu Gıda A.Ş.',
  'Fjällvik Fastigheter AB',
  'Mazowsze Finanse sp. z o.o.',
  'Copperleaf Software',
  'Bluefin Payroll Services',
  'Quayside Credit Union',
  'Ridgeback Fitness',
  'Saltmarsh Media',
  'Oranjeboom Lease B.V.',
  'Pinecrest University',
  'Riverbend Community College',
];
const cdom = (name) =>
  slug(name.replace(/\b(GmbH|S\.r\.l\.|A\.Ş\.|AB|sp\. z o\.o\.|B\.V\.|Group|Studio|Services)\b/g, '')).slice(0, 24) +
  pick(['.com', '.io', '.co', '.net']);

// ---------------------------------------------------------------- phones (extensions never part of the value)
const US_AREAS = [
  '212',
  '415',
  '617',
  '312',
  '206',
  '512',
  '303',
  '404',
  '305',
  '713',
  '602',
  '919',
  '646',
  '718',
  '503',
  '612',
  '801',
  '971',
  '414',
  '240',
];
const CA_AREAS = ['416', '604', '514', '403', '613', '902', '780', '647'];
const exch = () => {
  let e;
  do {
    e = nz(3);
  } while (e === '555' || e.slice(1) === '11' || e[0] === '1');
  return e;
};
const PHONEGEN = {
  US: (areas = US_AREAS) => {
    const a = pick(areas),
      e = exch(),
      s = digits(4);
    return pick([
      `(${a}) ${e}-${s}`,
      `${a}-${e}-${s}`,
      `${a}.${e}.${s}`,
      `+1 ${a} ${e} ${s}`,
      `+1-${a}-${e}-${s}`,
      `+1${a}${e}${s}`,
      `1 (${a}) ${e}-${s}`,
      `+1 (${a}) ${e}-${s}`,
    ]);
  },
  CA: () => PHONEGEN.US(CA_AREAS),
  GB: () => {
    if (chance(0.6)) {
      const m = pick([
          '400',
          '411',
          '450',
          '500',
          '723',
          '734',
          '752',
          '766',
          '777',
          '789',
          '811',
          '824',
          '852',
          '930',
          '958',
          '984',
        ]),
        r = digits(6);
      return pick([
        `07${m} ${r}`,
        `+44 7${m} ${r}`,
        `+44 (0)7${m} ${r}`,
        `+447${m}${r}`,
        `07${m} ${r.slice(0, 3)} ${r.slice(3)}`,
      ]);
    }
    const [ac, len] = pick([
      ['20', 8],
      ['161', 7],
      ['113', 7],
      ['117', 7],
      ['131', 7],
      ['29', 8],
    ]);
    const n = (ac === '20' ? pick(['3', '8']) : '2') + digits(len - 1);
    const sp = len === 8 ? `${n.slice(0, 4)} ${n.slice(4)}` : `${n.slice(0, 3)} ${n.slice(3)}`;
    return pick([`0${ac} ${sp}`, `+44 ${ac} ${sp}`, `+44 (0)${ac} ${sp}`]);
  },
  DE: () => {
    if (chance(0.55)) {
      const m = pick([
          '151',
          '152',
          '157',
          '160',
          '162',
          '170',
          '171',
          '172',
          '173',
          '175',
          '176',
          '177',
          '178',
          '179',
        ]),
        r = digits(pick([7, 8]));
      return pick([
        `0${m} ${r}`,
        `+49 ${m} ${r}`,
        `+49 (0)${m} ${r.slice(0, 4)} ${r.slice(4)}`,
        `0${m}/${r}`,
        `+49${m}${r}`,
      ]);
    }
    const a = pick(['30', '89', '40', '221', '69', '711', '341']),
      r = nz(a.length === 2 ? 8 : 7);
    return pick([
      `0${a} ${r}`,
      `+49 ${a} ${r}`,
      `(0${a}) ${r.slice(0, 4)} ${r.slice(4)}`,
      `0${a}/${r}`,
      `+49 (0)${a} ${r}`,
    ]);
  },
  FR: () => {
    const p = pick(['6', '7', '1', '4', '5', '9']),
      g = [digits(2), digits(2), digits(2), digits(2)];
    return pick([
      `0${p} ${g.join(' ')}`,
      `+33 ${p} ${g.join(' ')}`,
      `+33 (0)${p} ${g.join(' ')}`,
      `0${p}${g.join('')}`,
      `0${p}.${g.join('.')}`,
    ]);
  },
  NL: () => {
    if (chance(0.6)) {
      const r = digits(8);
      return pick([
        `06-${r}`,
        `+31 6 ${r}`,
        `+31 (0)6 ${r.slice(0, 4)} ${r.slice(4)}`,
        `06 ${r.slice(0, 2)} ${r.slice(2, 4)} ${r.slice(4, 6)} ${r.slice(6)}`,
        `+316${r}`,
      ]);
    }
    const a = pick(['20', '10', '30', '70', '40', '50']),
      r = nz(7);
    return pick([
      `0${a}-${r}`,
      `0${a} ${r.slice(0, 3)} ${r.slice(3)}`,
      `+31 ${a} ${r.slice(0, 3)} ${r.slice(3)}`,
      `+31 (0)${a} ${r}`,
    ]);
  },
  IT: () => {
    if (chance(0.6)) {
      const p = pick(['320', '328', '333', '338', '340', '347', '349', '366', '380', '388', '391']),
        r = digits(7);
      return pick([
        `${p} ${r.slice(0, 3)} ${r.slice(3)}`,
        `+39 ${p} ${r}`,
        `+39 ${p} ${r.slice(0, 3)} ${r.slice(3)}`,
        `${p}${r}`,
        `${p}/${r}`,
      ]);
    }
    const a = pick(['02', '06', '011', '081', '051', '055']),
      r = nz(a.length === 2 ? 8 : 7);
    return pick([`${a} ${r.slice(0, 4)} ${r.slice(4)}`, `+39 ${a} ${r}`, `${a}-${r}`]);
  },
  ES: () => {
    const m = chance(0.6);
    const n = (m ? pick(['6', '7']) : pick(['91', '93', '95', '96'])) + digits(m ? 8 : 7);
    return pick([
      `${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`,
      `+34 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
      `+34 ${n}`,
      n,
      `(+34) ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
    ]);
  },
  PT: () => {
    const n = (chance(0.6) ? pick(['91', '92', '93', '96']) : pick(['21', '22'])) + digits(7);
    return pick([
      `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
      `+351 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
      `+351 ${n}`,
      `(+351) ${n}`,
    ]);
  },
  BR: () => {
    const dd = pick(['11', '21', '31', '41', '51', '61', '71', '81', '85']);
    const cel = chance(0.65);
    const n = cel ? '9' + nz(4) + digits(4) : pick(['2', '3', '4']) + digits(7);
    const h = cel ? `${n.slice(0, 5)}-${n.slice(5)}` : `${n.slice(0, 4)}-${n.slice(4)}`;
    return pick([
      `(${dd}) ${h}`,
      `+55 ${dd} ${h}`,
      `+55 (${dd}) ${h}`,
      `+55${dd}${n}`,
      `${dd} ${h}`,
      `(0xx${dd}) ${h}`,
    ]);
  },
  PL: () => {
    if (chance(0.6)) {
      const n = pick(['5', '6', '7', '8']) + digits(8);
      return pick([
        `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
        `+48 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
        `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
        `+48${n}`,
      ]);
    }
    const a = pick(['22', '12', '58', '61', '71', '42']),
      r = digits(7);
    return pick([
      `${a} ${r.slice(0, 3)} ${r.slice(3, 5)} ${r.slice(5)}`,
      `+48 ${a} ${r.slice(0, 3)} ${r.slice(3, 5)} ${r.slice(5)}`,
      `(${a}) ${r}`,
    ]);
  },
  ID: () => {
    if (chance(0.65)) {
      const n = pick(['812', '813', '821', '822', '852', '857', '878', '896']) + digits(pick([7, 8]));
      return pick([
        `0${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
        `+62 ${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
        `+62${n}`,
        `0${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
        `62${n}`,
      ]);
    }
    const a = pick(['21', '22', '31', '274']),
      r = nz(7);
    return pick([`(0${a}) ${r}`, `+62 ${a} ${r}`, `0${a}-${r.slice(0, 4)}-${r.slice(4)}`]);
  },
  TR: () => {
    if (chance(0.6)) {
      const n = '5' + pick(['32', '33', '35', '42', '44', '05', '55', '06']) + digits(7);
      return pick([
        `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
        `+90 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
        `0${n}`,
        `+90${n}`,
        `0 (${n.slice(0, 3)}) ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
      ]);
    }
    const a = pick(['212', '216', '312', '232']),
      r = nz(7);
    return pick([
      `0 (${a}) ${r.slice(0, 3)} ${r.slice(3, 5)} ${r.slice(5)}`,
      `+90 (${a}) ${r.slice(0, 3)} ${r.slice(3, 5)} ${r.slice(5)}`,
      `0${a} ${r}`,
    ]);
  },
  JP: () => {
    if (chance(0.6)) {
      const p = pick(['90', '80', '70']),
        a = digits(4),
        b = digits(4);
      return pick([`0${p}-${a}-${b}`, `+81 ${p}-${a}-${b}`, `+81 ${p} ${a} ${b}`, `0${p}${a}${b}`]);
    }
    const [p, a, b] = pick([
      ['3', digits(4), digits(4)],
      ['6', digits(4), digits(4)],
      ['75', digits(3), digits(4)],
      ['52', digits(3), digits(4)],
      ['92', digits(3), digits(4)],
    ]);
    return pick([`0${p}-${a}-${b}`, `+81 ${p}-${a}-${b}`, `+81-${p}-${a}-${b}`, `(0${p}) ${a}-${b}`]);
  },
  SE: () => {
    if (chance(0.6)) {
      const n = pick(['70', '72', '73', '76', '79']) + digits(7);
      return pick([
        `0${n.slice(0, 2)}-${n.slice(2, 5)} ${n.slice(5, 7)} ${n.slice(7)}`,
        `+46 ${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5, 7)} ${n.slice(7)}`,
        `0${n}`,
        `+46${n}`,
        `+46 (0)${n.slice(0, 2)}-${n.slice(2)}`,
      ]);
    }
    const a = pick(['8', '31', '40', '18']),
      r = nz(a.length === 1 ? 8 : 7);
    return pick([
      `0${a}-${r.slice(0, 3)} ${r.slice(3, 6)} ${r.slice(6)}`,
      `+46 ${a} ${r.slice(0, 3)} ${r.slice(3, 6)} ${r.slice(6)}`,
      `0${a}-${r}`,
    ]);
  },
  AU: () => {
    if (chance(0.6)) {
      const n = '4' + digits(8);
      return pick([
        `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
        `+61 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
        `+61${n}`,
        `0${n}`,
        `+61 (0)${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
      ]);
    }
    const a = pick(['2', '3', '7', '8']),
      r = nz(8);
    return pick([
      `(0${a}) ${r.slice(0, 4)} ${r.slice(4)}`,
      `+61 ${a} ${r.slice(0, 4)} ${r.slice(4)}`,
      `0${a} ${r.slice(0, 4)} ${r.slice(4)}`,
    ]);
  },
  IN: () => {
    if (chance(0.65)) {
      const n = pick(['9', '8', '7']) + digits(9);
      return pick([
        `+91 ${n.slice(0, 5)} ${n.slice(5)}`,
        `${n.slice(0, 5)} ${n.slice(5)}`,
        `+91-${n.slice(0, 5)}-${n.slice(5)}`,
        `0${n.slice(0, 5)} ${n.slice(5)}`,
        `+91${n}`,
        `91-${n}`,
      ]);
    }
    const [a, l] = pick([
        ['22', 8],
        ['11', 8],
        ['80', 8],
        ['44', 8],
        ['40', 8],
        ['33', 8],
        ['20', 8],
      ]),
      r = pick(['2', '4', '6']) + digits(l - 1);
    return pick([
      `0${a} ${r.slice(0, 4)} ${r.slice(4)}`,
      `+91 ${a} ${r.slice(0, 4)} ${r.slice(4)}`,
      `+91-${a}-${r}`,
      `0${a}-${r}`,
    ]);
  },
};
const gPhone = (cc) => PHONEGEN[cc]();
const gExt = () => pick([` ext. ${digits(3)}`, ` x${digits(2)}`, ` (ext ${digits(4)})`, ` ramal ${digits(3)}`]);

// ---------------------------------------------------------------- addresses
const pc = (n) => pick(n);
const UKL = 'ABDEFGHJLNPQRSTUWXYZ';
const ADDRGEN = {
  US: (m) => {
    const [city, st, z] = pc([
      ['Portland', 'OR', '972'],
      ['Austin', 'TX', '787'],
      ['Denver', 'CO', '802'],
      ['Columbus', 'OH', '432'],
      ['Madison', 'WI', '537'],
      ['Raleigh', 'NC', '276'],
      ['Sacramento', 'CA', '958'],
      ['Boise', 'ID', '837'],
      ['Nashville', 'TN', '372'],
      ['Tucson', 'AZ', '857'],
      ['Albany', 'NY', '122'],
      ['Savannah', 'GA', '314'],
      ['Burlington', 'VT', '054'],
      ['Ann Arbor', 'MI', '481'],
      ['Spokane', 'WA', '992'],
      ['Omaha', 'NE', '681'],
    ]);
    const street = `${int(12, 9870)} ${pc(['Maple', 'Oak', 'Cedar', 'Pine Ridge', 'Elm', 'Lakeview', 'Willow Creek', 'Highland', 'Chestnut', 'Riverside', 'Magnolia', 'Franklin', 'Grove', 'Hawthorne', 'Sycamore', 'Juniper Hill'])} ${pc(['Avenue', 'Street', 'Lane', 'Road', 'Drive', 'Court', 'Ave', 'St', 'Rd', 'Dr', 'Blvd', 'Way', 'Pl'])}`;
    const unit = chance(0.4)
      ? pc([
          `Apt ${int(1, 40)}${pc(['', 'B', 'C'])}`,
          `Unit ${int(100, 950)}`,
          `Suite ${int(100, 800)}`,
          `#${int(2, 60)}`,
        ])
      : null;
    const zip = z + digits(2) + (chance(0.2) ? '-' + digits(4) : '');
    return m
      ? [street, unit, `${city}, ${st} ${zip}`].filter(Boolean).join('\n')
      : [street, unit, city, `${st} ${zip}`].filter(Boolean).join(', ');
  },
  GB: (m) => {
    const [town, outs] = pc([
      ['London', ['SW11', 'N16', 'E8', 'SE15', 'NW3', 'W12']],
      ['Leeds', ['LS6', 'LS8']],
      ['Manchester', ['M14', 'M20']],
      ['Bristol', ['BS6', 'BS3']],
      ['Edinburgh', ['EH3', 'EH9']],
      ['Cardiff', ['CF24', 'CF10']],
      ['Glasgow', ['G12', 'G41']],
      ['Norwich', ['NR2']],
      ['York', ['YO10']],
    ]);
    const post = `${pc(outs)} ${int(1, 9)}${chars(2, UKL)}`;
    const flat = chance(0.4) ? `Flat ${int(1, 24)}` : null;
    const street = `${int(1, 180)} ${pc(['Albion Road', 'Victoria Terrace', 'Church Lane', 'Mill Street', 'Kingsway', 'Elmwood Avenue', "Queen's Road", 'Station Road', 'Hillside Crescent', 'Beech Grove', 'Meadow Close', 'Rosebery Avenue', 'Cathedral Road', 'Gloucester Place'])}`;
    return m
      ? [flat, street, town.toUpperCase() === town ? town : chance(0.5) ? town.toUpperCase() : town, post]
          .filter(Boolean)
          .join('\n')
      : [flat, street, `${town} ${post}`].filter(Boolean).join(', ');
  },
  CA: (m) => {
    const [city, prov, fsas, fr] = pc([
      ['Toronto', 'ON', ['M5H', 'M4K', 'M6J'], 0],
      ['Vancouver', 'BC', ['V6B', 'V5K'], 0],
      ['Montréal', 'QC', ['H2X', 'H3B'], 1],
      ['Calgary', 'AB', ['T2P', 'T3A'], 0],
      ['Ottawa', 'ON', ['K1P', 'K2P'], 0],
      ['Halifax', 'NS', ['B3H'], 0],
    ]);
    const pcode = `${pc(fsas)} ${int(1, 9)}${chars(1, 'ABCEGHJKLMNPRSTVWXYZ')}${int(0, 9)}`;
    if (fr) {
      const s = `${int(100, 4999)}, ${pc(['rue Saint-Denis', 'boulevard Saint-Laurent', 'avenue du Parc', 'rue Ontario Est'])}${chance(0.5) ? `, app. ${int(1, 30)}` : ''}`;
      return m ? `${s}\n${city} (Québec) ${pcode}` : `${s}, ${city} (Québec) ${pcode}`;
    }
    const s = `${chance(0.4) ? `${int(100, 2400)}-` : ''}${int(10, 990)} ${pc(['Queen St W', 'Bloor Street East', 'Granville Street', 'Elgin Street', 'Spring Garden Road', '17 Avenue SW', 'Dundas St E', 'Robson St'])}`;
    return m ? `${s}\n${city} ${prov}  ${pcode}` : `${s}, ${city}, ${prov} ${pcode}`;
  },
  AU: (m) => {
    const [sub, st, pcd] = pc([
      ['Newtown', 'NSW', '2042'],
      ['Fitzroy', 'VIC', '3065'],
      ['Fortitude Valley', 'QLD', '4006'],
      ['Subiaco', 'WA', '6008'],
      ['Glenelg', 'SA', '5045'],
      ['Sandy Bay', 'TAS', '7005'],
      ['Braddon', 'ACT', '2612'],
      ['Surry Hills', 'NSW', '2010'],
      ['Brunswick', 'VIC', '3056'],
    ]);
    const s = `${chance(0.4) ? `Unit ${int(1, 30)}/` : ''}${int(1, 320)} ${pc(['King Street', 'Brunswick St', 'Ann Street', 'Rokeby Road', 'Jetty Road', 'Lonsdale Street', 'Crown Street', 'Sydney Road', 'Lonsdale St'])}`;
    return m ? `${s}\n${sub.toUpperCase()} ${st} ${pcd}` : `${s}, ${sub} ${st} ${pcd}`;
  },
  DE: (m) => {
    const [plz, city] = pc([
      ['109', 'Berlin'],
      ['803', 'München'],
      ['200', 'Hamburg'],
      ['506', 'Köln'],
      ['603', 'Frankfurt am Main'],
      ['701', 'Stuttgart'],
      ['041', 'Leipzig'],
      ['010', 'Dresden'],
      ['281', 'Bremen'],
      ['691', 'Heidelberg'],
    ]);
    const s = `${pc(['Lindenstraße', 'Hauptstraße', 'Bahnhofstraße', 'Schillerstraße', 'Gartenweg', 'Am Mühlbach', 'Kastanienallee', 'Bergstr.', 'Rosenweg', 'Sonnenallee', 'Schulstraße', 'Goethestr.'])} ${int(1, 140)}${pc(['', '', 'a', 'b'])}`;
    const co = chance(0.2) ? pc(['Hinterhaus, 3. OG', '2. Etage links', 'Whg. 12']) : null;
    return m
      ? [s, co, `${plz}${digits(2)} ${city}`, chance(0.25) ? 'Deutschland' : null].filter(Boolean).join('\n')
      : [s, co, `${plz}${digits(2)} ${city}`].filter(Boolean).join(', ');
  },
  FR: (m) => {
    const [cp, city] = pc([
      ['69003', 'Lyon'],
      ['31000', 'Toulouse'],
      ['13006', 'Marseille'],
      ['75011', 'Paris'],
      ['33000', 'Bordeaux'],
      ['44000', 'Nantes'],
      ['67000', 'Strasbourg'],
      ['59000', 'Lille'],
      ['34000', 'Montpellier'],
      ['35000', 'Rennes'],
    ]);
    const s = `${int(1, 120)}${pc(['', '', ' bis', ' ter'])} ${pc(['rue des Lilas', 'avenue Jean Jaurès', 'boulevard Voltaire', 'rue de la République', 'chemin des Vignes', 'allée des Tilleuls', 'rue Victor Hugo', 'impasse des Roses', 'rue du Faubourg Saint-Antoine', 'quai de la Fosse'])}`;
    const bat = chance(0.3)
      ? pc([`Bât. ${pc(['A', 'B', 'C'])}, esc. ${int(1, 4)}`, `Résidence Les Pins, apt ${int(1, 60)}`])
      : null;
    const c = chance(0.4) ? city.toUpperCase() : city;
    return m
      ? [bat, s, `${cp} ${c}`, chance(0.2) ? 'FRANCE' : null].filter(Boolean).join('\n')
      : [bat, s, `${cp} ${c}`].filter(Boolean).join(', ');
  },
  NL: (m) => {
    const [p4, city] = pc([
      ['1016', 'Amsterdam'],
      ['3511', 'Utrecht'],
      ['3012', 'Rotterdam'],
      ['2511', 'Den Haag'],
      ['5611', 'Eindhoven'],
      ['9711', 'Groningen'],
      ['2312', 'Leiden'],
      ['6811', 'Arnhem'],
    ]);
    const s = `${pc(['Prinsengracht', 'Keizersgracht', 'Kerkstraat', 'Dorpsstraat', 'Oudegracht', 'Molenweg', 'Stationsweg', 'Lijnbaansgracht', 'Nieuwe Binnenweg', 'Van Baerlestraat', 'Witte de Withstraat'])} ${int(1, 400)}${pc(['', '', '-2', 'A', '-III', ' hs', ' bis'])}`;
    const post = `${p4} ${chars(2, 'ABCEGHJKLMNPRTVWXZ')}`;
    return m ? `${s}\n${post}  ${city.toUpperCase()}` : `${s}, ${post} ${city}`;
  },
  IT: (m) => {
    const [cap_, city, pr] = pc([
      ['20121', 'Milano', 'MI'],
      ['00184', 'Roma', 'RM'],
      ['10125', 'Torino', 'TO'],
      ['80134', 'Napoli', 'NA'],
      ['40126', 'Bologna', 'BO'],
      ['50122', 'Firenze', 'FI'],
      ['16121', 'Genova', 'GE'],
      ['90133', 'Palermo', 'PA'],
      ['35122', 'Padova', 'PD'],
    ]);
    const st = pc([
        'Via Garibaldi',
        'Via Roma',
        'Corso Vittorio Emanuele II',
        'Via dei Mille',
        'Viale Monza',
        'Via della Spiga',
        'Via Toledo',
        'Corso Buenos Aires',
        'Via Nazionale',
        'Via San Gregorio',
      ]),
      n = int(1, 220);
    const s =
      pc([`${st} ${n}`, `${st}, ${n}`, `${st} ${n}/${pc(['A', 'B'])}`]) + (chance(0.3) ? `, int. ${int(1, 20)}` : '');
    return m ? `${s}\n${cap_} ${city} (${pr})` : pc([`${s}, ${cap_} ${city} (${pr})`, `${s} - ${cap_} ${city} ${pr}`]);
  },
  ES: (m) => {
    const [cp, city] = pc([
      ['28009', 'Madrid'],
      ['08002', 'Barcelona'],
      ['41004', 'Sevilla'],
      ['46001', 'Valencia'],
      ['29015', 'Málaga'],
      ['48001', 'Bilbao'],
      ['50001', 'Zaragoza'],
      ['15001', 'A Coruña'],
    ]);
    const st = pc([
      'Calle de Alcalá',
      'Calle Mayor',
      'Avenida de la Constitución',
      'Gran Vía',
      'Paseo de Gracia',
      'Calle Sierpes',
      'Carrer de Mallorca',
      'Calle Larios',
      'C/ Mayor',
      'Avda. del Puerto',
      'Calle de Toledo',
    ]);
    const s = `${st}${pc([' ', ', '])}${int(1, 240)}${pc(['', `, ${int(1, 9)}º ${pc(['A', 'B', 'C', 'D', 'izda.', 'dcha.'])}`, `, ${int(1, 6)}º ${int(1, 4)}ª`, ', bajo'])}`;
    return m ? `${s}\n${cp} ${city}` : `${s}, ${cp} ${city}`;
  },
  BR: (m) => {
    const [bairro, city, uf, cep] = pc([
      ['Laranjeiras', 'Rio de Janeiro', 'RJ', '222'],
      ['Bela Vista', 'São Paulo', 'SP', '013'],
      ['Centro', 'Curitiba', 'PR', '800'],
      ['Moinhos de Vento', 'Porto Alegre', 'RS', '905'],
      ['Boa Viagem', 'Recife', 'PE', '510'],
      ['Savassi', 'Belo Horizonte', 'MG', '301'],
      ['Meireles', 'Fortaleza', 'CE', '601'],
      ['Barra', 'Salvador', 'BA', '401'],
    ]);
    const s = `${pc(['Rua das Laranjeiras', 'Avenida Paulista', 'Rua Augusta', 'Rua XV de Novembro', 'Avenida Atlântica', 'Rua da Consolação', 'Rua Oscar Freire', 'Av. Sete de Setembro', 'Rua dos Andradas', 'Rua Padre Chagas'])}, ${int(10, 3200)}${pc(['', `, apto ${int(11, 1804)}`, `, casa ${int(1, 4)}`, `, bloco B, apto ${int(101, 904)}`])}`;
    const c = `${cep}${digits(2)}-${digits(3)}`;
    return m
      ? `${s}\n${bairro}\n${city} - ${uf}\nCEP ${c}`
      : pc([`${s} - ${bairro}, ${city} - ${uf}, ${c}`, `${s}, ${bairro}, ${city}/${uf}, CEP ${c}`]);
  },
  PT: (m) => {
    const [p4, city] = pc([
      ['1100', 'Lisboa'],
      ['1250', 'Lisboa'],
      ['4000', 'Porto'],
      ['4050', 'Porto'],
      ['3000', 'Coimbra'],
      ['4700', 'Braga'],
      ['8000', 'Faro'],
    ]);
    const s = `${pc(['Rua Augusta', 'Avenida da Liberdade', 'Rua de Santa Catarina', 'Rua do Almada', 'Travessa do Carmo', 'Avenida da Boavista', 'Rua Garrett'])}, ${int(1, 300)}${pc(['', ', 2.º Esq.', ', 3.º Dto.', ', r/c', ', 1.º'])}`;
    return m ? `${s}\n${p4}-${digits(3)} ${city}` : `${s}, ${p4}-${digits(3)} ${city}`;
  },
  PL: (m) => {
    const [pre, city] = pc([
      ['00-', 'Warszawa'],
      ['90-', 'Łódź'],
      ['80-', 'Gdańsk'],
      ['31-', 'Kraków'],
      ['81-', 'Gdynia'],
      ['50-', 'Wrocław'],
      ['60-', 'Poznań'],
    ]);
    const s = `${pc(['ul. Marszałkowska', 'ul. Piotrkowska', 'ul. Długa', 'al. Jerozolimskie', 'ul. Floriańska', 'ul. Świętojańska', 'ul. Mickiewicza', 'ul. Kościuszki', 'os. Tysiąclecia'])} ${int(1, 150)}${pc(['', `/${int(1, 60)}`, ` m. ${int(1, 90)}`, ` lok. ${int(1, 20)}`])}`;
    return m ? `${s}\n${pre}${digits(3)} ${city}` : `${s}, ${pre}${digits(3)} ${city}`;
  },
  JP: (m) => {
    const [zip, ku, city, town] = pc([
      ['150-0001', 'Shibuya-ku', 'Tokyo', 'Jingumae'],
      ['160-0022', 'Shinjuku-ku', 'Tokyo', 'Shinjuku'],
      ['530-0001', 'Kita-ku', 'Osaka', 'Umeda'],
      ['604-8005', 'Nakagyo-ku', 'Kyoto', 'Kawaramachi'],
      ['060-0042', 'Chuo-ku', 'Sapporo', 'Odori-nishi'],
      ['810-0001', 'Chuo-ku', 'Fukuoka', 'Tenjin'],
      ['231-0023', 'Naka-ku', 'Yokohama', 'Yamashita-cho'],
      ['460-0008', 'Naka-ku', 'Nagoya', 'Sakae'],
    ]);
    const ban = `${int(1, 5)}-${int(1, 28)}-${int(1, 20)}`;
    const bld = chance(0.5)
      ? `${pc(['Maison Sakura', 'Heights Aoyama', 'Sunrise Mansion', 'Grand Forest', 'Corp Midori'])} ${int(101, 1205)}`
      : null;
    if (m)
      return [`〒${zip}`, `${city}${city === 'Tokyo' ? '-to' : '-shi'} ${ku} ${town} ${ban}`, bld]
        .filter(Boolean)
        .join('\n');
    return pc([
      [bld, `${ban} ${town}`, ku, `${city} ${zip}`].filter(Boolean).join(', '),
      `〒${zip} ${city} ${ku} ${town} ${ban}${bld ? ' ' + bld : ''}`,
    ]);
  },
  IN: (m) => {
    const [area, city, state, p] = pc([
      ['Indiranagar', 'Bengaluru', 'Karnataka', '5600'],
      ['Andheri West', 'Mumbai', 'Maharashtra', '4000'],
      ['Koramangala', 'Bengaluru', 'Karnataka', '5600'],
      ['Salt Lake', 'Kolkata', 'West Bengal', '7000'],
      ['Anna Nagar', 'Chennai', 'Tamil Nadu', '6000'],
      ['Banjara Hills', 'Hyderabad', 'Telangana', '5000'],
      ['Kothrud', 'Pune', 'Maharashtra', '4110'],
      ['Vasant Kunj', 'New Delhi', 'Delhi', '1100'],
    ]);
    const pin = p + digits(2);
    const b = pc([
      `Flat ${int(101, 1204)}, ${pc(['Sai Krupa Apartments', 'Green Meadows', 'Lakshmi Nivas', 'Prestige Lakeside', 'Shanti Vihar'])}`,
      `House No. ${int(2, 480)}`,
      `Plot ${int(10, 99)}`,
    ]);
    const rd = pc([`${int(2, 18)}th Cross`, `${int(2, 9)}th Main Road`, 'MG Road', 'Link Road', 'Sector C']);
    return m ? `${b}, ${rd}\n${area}\n${city} - ${pin}\n${state}` : `${b}, ${rd}, ${area}, ${city}, ${state} ${pin}`;
  },
  SE: (m) => {
    const [pn, city] = pc([
      ['114 51', 'Stockholm'],
      ['411 38', 'Göteborg'],
      ['211 34', 'Malmö'],
      ['753 20', 'Uppsala'],
      ['582 24', 'Linköping'],
      ['903 26', 'Umeå'],
    ]);
    const s = `${pc(['Storgatan', 'Drottninggatan', 'Kungsgatan', 'Götgatan', 'Vasagatan', 'Linnégatan', 'Södra Förstadsgatan', 'Hornsgatan'])} ${int(1, 120)}${pc(['', ` lgh ${int(1001, 1403)}`, 'B', ' 3 tr'])}`;
    return m ? `${s}\n${pn} ${city.toUpperCase()}` : `${s}, ${pn} ${city}`;
  },
  ID: (m) => {
    const [kel, city, kp] = pc([
      ['Bangka, Mampang Prapatan', 'Jakarta Selatan', '12730'],
      ['Sosromenduran, Gedong Tengen', 'Yogyakarta', '55271'],
      ['Dago, Coblong', 'Bandung', '40135'],
      ['Ubud, Gianyar', 'Bali', '80571'],
      ['Tegalsari', 'Surabaya', '60262'],
      ['Menteng', 'Jakarta Pusat', '10310'],
    ]);
    const s = `${pc(['Jl. Kemang Raya', 'Jl. Jend. Sudirman', 'Jl. Gatot Subroto', 'Jl. Malioboro', 'Jl. Ir. H. Juanda', 'Jl. Diponegoro', 'Jl. Raya Ubud', 'Jl. Pemuda', 'Gg. Melati'])} No. ${int(1, 220)}${chance(0.5) ? `, RT ${pad(int(1, 12), 3)}/RW ${pad(int(1, 9), 3)}` : ''}`;
    return m ? `${s}\n${kel}\n${city} ${kp}` : `${s}, ${kel}, ${city} ${kp}`;
  },
  TR: (m) => {
    const [pk, ilce, il] = pc([
      ['34730', 'Kadıköy', 'İstanbul'],
      ['34433', 'Beyoğlu', 'İstanbul'],
      ['06680', 'Çankaya', 'Ankara'],
      ['35220', 'Konak', 'İzmir'],
      ['07100', 'Muratpaşa', 'Antalya'],
      ['16110', 'Nilüfer', 'Bursa'],
    ]);
    const s = `${pc(['Bağdat Cad.', 'İstiklal Cad.', 'Cumhuriyet Mah. Gül Sok.', 'Kordon Boyu', 'Moda Cad.', 'Tunalı Hilmi Cad.', 'Fenerbahçe Mah. Kalamış Sk.'])} No: ${int(1, 300)}${chance(0.6) ? ` D: ${int(1, 24)}` : ''}`;
    return m ? `${s}\n${pk} ${ilce} / ${il.toLocaleUpperCase('tr')}` : `${s}, ${pk} ${ilce}/${il}`;
  },
};
const gAddr = (cc, multi = false) => ADDRGEN[cc](multi);

// ---------------------------------------------------------------- dates
const MONTHS = {
  en: [
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
  ],
  de: [
    'Januar',
    'Februar',
    'März',
    'April',
    'Mai',
    'Juni',
    'Juli',
    'August',
    'September',
    'Oktober',
    'November',
    'Dezember',
  ],
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  es: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'septiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
  it: [
    'gennaio',
    'febbraio',
    'marzo',
    'aprile',
    'maggio',
    'giugno',
    'luglio',
    'agosto',
    'settembre',
    'ottobre',
    'novembre',
    'dicembre',
  ],
  pt: [
    'janeiro',
    'fevereiro',
    'março',
    'abril',
    'maio',
    'junho',
    'julho',
    'agosto',
    'setembro',
    'outubro',
    'novembro',
    'dezembro',
  ],
  nl: [
    'januari',
    'februari',
    'maart',
    'april',
    'mei',
    'juni',
    'juli',
    'augustus',
    'september',
    'oktober',
    'november',
    'december',
  ],
  pl: [
    'stycznia',
    'lutego',
    'marca',
    'kwietnia',
    'maja',
    'czerwca',
    'lipca',
    'sierpnia',
    'września',
    'października',
    'listopada',
    'grudnia',
  ],
  id: [
    'Januari',
    'Februari',
    'Maret',
    'April',
    'Mei',
    'Juni',
    'Juli',
    'Agustus',
    'September',
    'Oktober',
    'November',
    'Desember',
  ],
  tr: ['Ocak', 'Şubat', 'Mart', 'Nisan', 'Mayıs', 'Haziran', 'Temmuz', 'Ağustos', 'Eylül', 'Ekim', 'Kasım', 'Aralık'],
  sv: [
    'januari',
    'februari',
    'mars',
    'april',
    'maj',
    'juni',
    'juli',
    'augusti',
    'september',
    'oktober',
    'november',
    'december',
  ],
};
const randDate = (y1, y2) => ({ y: int(y1, y2), m: int(1, 12), d: int(1, 28) });
function fmtDate(t, style) {
  const dd = pad(t.d, 2),
    mm = pad(t.m, 2),
    yy = String(t.y),
    y2 = yy.slice(2),
    M = (l) => MONTHS[l][t.m - 1];
  switch (style) {
    case 'iso':
      return `${yy}-${mm}-${dd}`;
    case 'dmy/':
      return `${dd}/${mm}/${yy}`;
    case 'mdy/':
      return `${mm}/${dd}/${yy}`;
    case 'dmy.':
      return `${dd}.${mm}.${yy}`;
    case 'dmy-':
      return `${dd}-${mm}-${yy}`;
    case 'd.m.y':
      return `${t.d}.${t.m}.${yy}`;
    case 'ymd/':
      return `${yy}/${mm}/${dd}`;
    case 'ymd.':
      return `${yy}.${mm}.${dd}`;
    case 'mdyy':
      return `${t.m}/${t.d}/${y2}`;
    case 'dmyy':
      return `${t.d}/${t.m}/${y2}`;
    case 'en':
      return `${t.d} ${M('en')} ${yy}`;
    case 'us':
      return `${M('en')} ${t.d}, ${yy}`;
    case 'usShort':
      return `${M('en').slice(0, 3)} ${t.d}, ${yy}`;
    case 'dMony':
      return `${dd}-${M('en').slice(0, 3)}-${yy}`;
    case 'dMONy':
      return `${dd}-${M('en').slice(0, 3).toUpperCase()}-${yy}`;
    case 'de':
      return `${t.d}. ${M('de')} ${yy}`;
    case 'fr':
      return `${t.d === 1 ? '1er' : t.d} ${M('fr')} ${yy}`;
    case 'es':
      return `${t.d} de ${M('es')} de ${yy}`;
    case 'pt':
      return `${t.d} de ${M('pt')} de ${yy}`;
    case 'it':
      return `${t.d} ${M('it')} ${yy}`;
    case 'nl':
      return `${t.d} ${M('nl')} ${yy}`;
    case 'pl':
      return `${t.d} ${M('pl')} ${yy} r.`;
    case 'id':
      return `${t.d} ${M('id')} ${yy}`;
    case 'tr':
      return `${t.d} ${M('tr')} ${yy}`;
    case 'sv':
      return `${t.d} ${M('sv')} ${yy}`;
    case 'jp':
      return `${yy}-nen ${t.m}-gatsu ${t.d}-nichi`;
    case 'compact':
      return `${yy}${mm}${dd}`;
    default:
      throw new Error('date style ' + style);
  }
}
const DSTYLES = {
  en: ['dmy/', 'en', 'dMony', 'iso'],
  us: ['mdy/', 'us', 'usShort', 'mdyy', 'iso'],
  de: ['dmy.', 'd.m.y', 'de'],
  fr: ['dmy/', 'fr'],
  es: ['dmy/', 'es', 'dmy-'],
  it: ['dmy/', 'it', 'dmy-'],
  pt: ['dmy/', 'pt'],
  nl: ['dmy-', 'nl', 'dmy/'],
  pl: ['dmy.', 'pl', 'iso'],
  id: ['dmy/', 'id', 'dmy-'],
  tr: ['dmy.', 'tr', 'dmy/'],
  jp: ['ymd/', 'jp', 'ymd.', 'iso'],
  sv: ['iso', 'sv', 'compact'],
};
const gDob = (lang = 'en') => fmtDate(randDate(1941, 2007), pick(DSTYLES[lang]));
const gDate = (lang = 'en', y1 = 2023, y2 = 2025) => fmtDate(randDate(y1, y2), pick(DSTYLES[lang]));

// ---------------------------------------------------------------- unique-value registry for secrets and financial numbers
const USED = new Set();
const normKey = (v) => v.replace(/[\s-]/g, '');
function uniq(gen) {
  for (let i = 0; i < 200; i++) {
    const v = gen();
    if (!USED.has(normKey(v))) {
      USED.add(normKey(v));
      return v;
    }
  }
  throw new Error('uniq: exhausted');
}

// ---------------------------------------------------------------- SSN, cards, IBAN
function gSSN(style) {
  return uniq(() => {
    let a;
    do {
      a = int(1, 899);
    } while (a === 666);
    const area = pad(a, 3),
      g = pad(int(1, 99), 2),
      s = pad(int(1, 9999), 4);
    if (`${area}${g}${s}` === '078051120' || `${area}${g}${s}` === '219099999') return gSSN(style);
    const st = style || pick(['-', '-', '-', ' ', '']);
    return `${area}${st}${g}${st}${s}`;
  });
}
function luhnCheck(body) {
  let sum = 0,
    dbl = true;
  for (let i = body.length - 1; i >= 0; i--) {
    let d = +body[i];
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return String((10 - (sum % 10)) % 10);
}
function luhnValid(num) {
  const d = num.replace(/\D/g, '');
  return luhnCheck(d.slice(0, -1)) === d.slice(-1);
}
const CARD = {
  visa: [['4'], 16],
  mc: [['51', '52', '53', '54', '55', '2221', '2300', '2720'], 16],
  amex: [['34', '37'], 15],
  disc: [['6011', '644', '65'], 16],
  jcb: [['3528', '3530', '3566', '3589'], 16],
  diners: [['36', '38'], 14],
  unionpay: [['62'], 19],
  elo: [['5067', '6362'], 16],
};
function gCard(brand, sep) {
  brand = brand || pick(['visa', 'visa', 'mc', 'mc', 'amex', 'disc', 'jcb', 'diners', 'unionpay', 'elo']);
  return uniq(() => {
    const [pre, len] = CARD[brand];
    const p = pick(pre);
    const body = p + digits(len - 1 - p.length);
    const n = body + luhnCheck(body);
    if (/^(4242424242424242|4111111111111111|5555555555554444|378282246310005|4000056655665556)$/.test(n))
      return gCard(brand, sep);
    const s = sep ?? pick([' ', ' ', '-', '']);
    const groups = len === 15 ? [4, 6, 5] : len === 14 ? [4, 6, 4] : len === 19 ? [4, 4, 4, 4, 3] : [4, 4, 4, 4];
    let out = [],
      i = 0;
    for (const g of groups) {
      out.push(n.slice(i, i + g));
      i += g;
    }
    return out.join(s);
  });
}
const IBAN_SPEC = {
  DE: [22, '8n10n'],
  GB: [22, '4a6n8n'],
  FR: [27, '5n5n11c2n'],
  NL: [18, '4a10n'],
  IT: [27, '1a5n5n12c'],
  ES: [24, '20n'],
  BE: [16, '12n'],
  CH: [21, '5n12c'],
  AT: [20, '16n'],
  PL: [28, '24n'],
  PT: [25, '21n'],
  SE: [24, '20n'],
  DK: [18, '14n'],
  NO: [15, '11n'],
  FI: [18, '14n'],
  IE: [22, '4a14n'],
  LU: [20, '3n13c'],
  BR: [29, '23n1a1c'],
  TR: [26, '5n1n16n'],
  SA: [24, '2n18c'],
  AE: [23, '19n'],
  CZ: [24, '20n'],
  RO: [24, '4a16c'],
  HU: [28, '24n'],
  GR: [27, '7n16c'],
  HR: [21, '17n'],
  MT: [31, '4a5n18c'],
  LT: [20, '16n'],
  SI: [19, '15n'],
  EE: [20, '16n'],
};
const BANKS = {
  GB: ['NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL', 'MONZ'],
  NL: ['ABNA', 'INGB', 'RABO', 'TRIO', 'SNSB', 'KNAB', 'BUNQ'],
  IE: ['AIBK', 'BOFI', 'IPBS'],
  RO: ['BTRL', 'RNCB', 'INGB'],
  MT: ['MALT', 'VALL'],
};
function ibanCheck(cc, bban) {
  const s = bban + cc + '00';
  let r = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) r = (r * 10 + +d) % 97;
  }
  return pad(98 - r, 2);
}
function ibanValid(iban) {
  const s = iban.replace(/\s/g, '');
  const cc = s.slice(0, 2);
  if (!IBAN_SPEC[cc] || IBAN_SPEC[cc][0] !== s.length) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let m = 0;
  for (const ch of r) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) m = (m * 10 + +d) % 97;
  }
  return m === 1;
}
function gIban(cc, compact) {
  cc = cc || pick(Object.keys(IBAN_SPEC));
  return uniq(() => {
    let bban = '';
    const pat = IBAN_SPEC[cc][1];
    for (const [, n, t] of pat.matchAll(/(\d+)([nac])/g)) {
      const k = +n;
      if (t === 'n') bban += digits(k);
      else if (t === 'a') bban += BANKS[cc] && k === 4 && bban === '' ? pick(BANKS[cc]) : chars(k, UP);
      else bban += chars(k, UP + DG.repeat(5));
    }
    const raw = cc + ibanCheck(cc, bban) + bban;
    if (compact ?? chance(0.3)) return raw;
    return raw.match(/.{1,4}/g).join(' ');
  });
}

// ---------------------------------------------------------------- IPs
function gIPv4(kind) {
  kind = kind || (chance(0.7) ? 'pub' : 'priv');
  if (kind === 'priv')
    return pick([
      () => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      () => `172.${int(16, 31)}.${int(0, 255)}.${int(1, 254)}`,
      () => `192.168.${int(0, 255)}.${int(1, 254)}`,
    ])();
  let a;
  do {
    a = int(2, 223);
  } while ([10, 100, 127, 169, 172, 192, 198, 203].includes(a));
  return `${a}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
}
function gIPv6() {
  const h = () => int(0, 0xffff).toString(16);
  const pre = pick([
    '2a02:' + h(),
    '2600:1f18',
    '2a01:4f8',
    '2400:cb00',
    '2804:' + h(),
    '2a00:1450',
    '2406:da14',
    '2001:67c:' + h(),
    'fe80:',
  ]);
  if (pre === 'fe80:') return `fe80::${h()}:${h()}:${h()}:${h()}`;
  const full = [pre, h(), h(), h(), h(), h(), h()].join(':').split(':').slice(0, 8);
  return chance(0.5) ? full.join(':') : `${full.slice(0, 3).join(':')}::${full.slice(6).join(':')}`;
}
const gIP = () => (chance(0.8) ? gIPv4() : gIPv6());

// ---------------------------------------------------------------- secrets
const KEYGEN = {
  anthropic: () => 'sk-ant-api03-' + chars(93, B64U) + 'AA',
  openai: () => 'sk-proj-' + chars(74, B64U) + 'T3BlbkFJ' + chars(74, B64U),
  openaiSvc: () => 'sk-svcacct-' + chars(74, B64U) + 'T3BlbkFJ' + chars(74, B64U),
  openaiLegacy: () => 'sk-' + chars(20, AN) + 'T3BlbkFJ' + chars(20, AN),
  ghp: () => 'ghp_' + chars(36, AN),
  gho: () => 'gho_' + chars(36, AN),
  ghs: () => 'ghs_' + chars(36, AN),
  ghpat: () => 'github_pat_11' + chars(20, UP + DG) + '_' + chars(59, AN),
  slackBot: () => `xoxb-${nz(12)}-${nz(13)}-${chars(24, AN)}`,
  slackUser: () => `xoxp-${nz(12)}-${nz(12)}-${nz(13)}-${chars(32, HEX)}`,
  slackApp: () => `xapp-1-A${chars(10, UP + DG)}-${nz(13)}-${chars(64, HEX)}`,
  stripe: () => 'sk_live_51' + chars(97, AN),
  stripeOld: () => 'sk_live_' + chars(24, AN),
  stripeRk: () => 'rk_live_51' + chars(97, AN),
  google: () => 'AIzaSy' + chars(33, B64U),
  sendgrid: () => 'SG.' + chars(22, B64U) + '.' + chars(43, B64U),
  twilio: () => 'SK' + chars(32, HEX),
  hf: () => 'hf_' + chars(34, UP + LO),
  npm: () => 'npm_' + chars(36, AN),
  gitlab: () => 'glpat-' + chars(20, B64U),
  datadog: () => chars(32, HEX),
  datadogApp: () => chars(40, HEX),
  shopify: () => 'shpat_' + chars(32, HEX),
  mailgun: () => 'key-' + chars(32, HEX),
  postman: () => 'PMAK-' + chars(24, HEX) + '-' + chars(34, HEX),
  digitalocean: () => 'dop_v1_' + chars(64, HEX),
  pypi: () => 'pypi-AgEIcHlwaS5vcmc' + chars(140, B64U),
  linear: () => 'lin_api_' + chars(40, AN),
  notion: () => 'ntn_' + digits(11) + chars(35, AN),
  telegram: () => `${nz(10)}:AA${chars(33, B64U)}`,
  groq: () => 'gsk_' + chars(52, AN),
  replicate: () => 'r8_' + chars(37, AN),
  square: () => 'EAAA' + chars(60, B64U),
  firebase: () => 'AAAA' + chars(7, B64U) + ':APA91b' + chars(134, B64U),
  airtable: () => 'pat' + chars(14, AN) + '.' + chars(64, HEX),
  sentry: () => 'sntryu_' + chars(64, HEX),
  hex32: () => chars(32, HEX),
  azure: () => chars(32, HEX),
  cloudflare: () => chars(40, B64U),
  mistral: () => chars(32, AN),
  resend: () => 're_' + chars(8, AN) + '_' + chars(24, AN),
  vercel: () => chars(24, AN),
};
const gKey = (prov) => uniq(KEYGEN[prov]);
const gAwsId = (pre = 'AKIA') => uniq(() => pre + chars(16, B32));
const gAwsSecret = () => uniq(() => chars(40, B64));
const PEMKIND = {
  rsa: ['RSA PRIVATE KEY', 'MIIEpAIBAAKCAQEA', 1588, 64],
  rsa1k: ['RSA PRIVATE KEY', 'MIICXQIBAAKBgQC', 824, 64],
  ec: ['EC PRIVATE KEY', 'MHcCAQEEI', 164, 64],
  pkcs8: ['PRIVATE KEY', 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ', 1624, 64],
  pkcs8ec: ['PRIVATE KEY', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg', 184, 64],
  openssh: [
    'OPENSSH PRIVATE KEY',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACA',
    400,
    70,
  ],
  enc: ['ENCRYPTED PRIVATE KEY', 'MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI', 1320, 64],
};
function gPem(kind, { eol = '\n', indent = '', proc = false } = {}) {
  return uniq(() => {
    const [label, prefix, len, w] = PEMKIND[kind];
    let body = prefix + chars(len - prefix.length, B64);
    if (kind !== 'openssh' && chance(0.4)) body = body.slice(0, -1) + '=';
    const lines = body.match(new RegExp(`.{1,${w}}`, 'g'));
    const head =
      proc && label === 'RSA PRIVATE KEY'
        ? ['Proc-Type: 4,ENCRYPTED', `DEK-Info: AES-128-CBC,${chars(32, '0123456789ABCDEF')}`, '']
        : [];
    return [`-----BEGIN ${label}-----`, ...head, ...lines, `-----END ${label}-----`].join(eol + indent);
  });
}
const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');
const uuid = () =>
  `${chars(8, HEX)}-${chars(4, HEX)}-4${chars(3, HEX)}-${pick(['8', '9', 'a', 'b'])}${chars(3, HEX)}-${chars(12, HEX)}`;
function gJwt(payload = {}, alg) {
  return uniq(() => {
    alg = alg || pick(['HS256', 'RS256', 'ES256', 'HS512', 'RS256']);
    const header = chance(0.5) ? { alg, typ: 'JWT' } : { typ: 'JWT', alg };
    if (alg[0] !== 'H' && chance(0.7)) header.kid = chars(pick([20, 27, 40]), B64U);
    const iat = int(1700000000, 1755000000);
    const body = {
      iss: pick([
        'https://auth.kestrel-analytics.com/',
        'https://login.northwind.io',
        'accounts',
        'https://securetoken.google.com/pixelgrove-prod',
        'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_' + chars(9, AN),
      ]),
      sub: chance(0.5) ? uuid() : String(int(10000, 9999999)),
      iat,
      exp: iat + pick([900, 3600, 86400]),
      ...payload,
    };
    if (chance(0.4)) body.scope = pick(['read:orders write:orders', 'openid profile email', 'admin', 'api.read']);
    if (chance(0.3)) body.jti = uuid();
    const sig = chars({ HS256: 43, HS512: 86, RS256: 342, ES256: 86 }[alg], B64U);
    return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(body))}.${sig}`;
  });
}
const PWW = [
  'Maple',
  'Orbit',
  'Tundra',
  'Falcon',
  'Copper',
  'Saffron',
  'Lantern',
  'Harbor',
  'Cobalt',
  'Juniper',
  'Meadow',
  'Quartz',
  'Velvet',
  'Ember',
  'Glacier',
  'Pepper',
  'Nimbus',
  'Cactus',
  'Walnut',
  'Zephyr',
  'Basalt',
  'Indigo',
  'Marble',
  'Willow',
  'Thistle',
  'Sparrow',
  'Lotus',
  'Canyon',
  'Biscuit',
  'Papaya',
  'Koala',
  'Pinguim',
  'Girassol',
  'Kirschbaum',
  'Tulpe',
  'Gwiazda',
  'Bintang',
  'Kedi',
  'Sakura',
  'Fjord',
];
const PWSYM = { any: '!@#$%^&*-_=+?.', env: '!@%^*-_=+.', url: '-._~', json: '!@#$%^&*-_=+?.', conn: '!@#$%^*-_=+.' };
function gPw(ctx = 'any') {
  const sym = PWSYM[ctx];
  return uniq(() =>
    pick([
      () => pick(PWW) + pick(sym) + digits(int(2, 4)),
      () => pick(PWW) + pick(PWW) + digits(2) + pick(sym),
      () => chars(1, UP) + chars(int(12, 19), AN + sym),
      () => [pick(PWW), pick(PWW), pick(PWW)].map((w) => w.toLowerCase()).join(pick(['-', '.', '_'])) + digits(2),
      () => pick(PWW).replace(/a/g, '4').replace(/e/g, '3').replace(/o/g, '0') + pick(sym) + chars(3, AN),
      () => chars(int(16, 24), AN),
      () => slug(pick(PWW)) + digits(4) + pick(sym) + pick(['', 'x', 'Q']),
    ])(),
  );
}
const gMrn = () =>
  uniq(() =>
    pick([
      () => digits(8),
      () => nz(7),
      () => 'A' + digits(7),
      () => `${digits(3)}-${digits(3)}-${digits(3)}`,
      () => `${int(2015, 2025)}-${digits(6)}`,
      () => `H${digits(2)}-${digits(6)}`,
      () => 'E' + digits(7),
      () => chars(2, UP) + digits(6),
      () => `${digits(2)}.${digits(3)}.${digits(3)}`,
      () => `MR${digits(7)}`,
      () => `${nz(6)}/${int(18, 25)}`,
    ])(),
  );

// ---------------------------------------------------------------- misc non-PII helpers
const orderNo = () =>
  pick([
    `#${nz(6)}`,
    `ORD-${int(2023, 2025)}-${digits(6)}`,
    `${chars(3, UP)}${digits(7)}`,
    `${nz(3)}-${digits(7)}-${digits(7)}`,
  ]);
const money = (cur = '$') => `${cur}${int(5, 1900)}.${digits(2)}`;
const sha = (n = 40) => chars(n, HEX);
const plate = (cc) =>
  ({
    GB: () => `${chars(2, UKL)}${digits(2)} ${chars(3, UKL)}`,
    IT: () => `${chars(2, UKL)} ${digits(3)}${chars(2, UKL)}`,
    FR: () => `${chars(2, UKL)}-${digits(3)}-${chars(2, UKL)}`,
    DE: () => `${pick(['B', 'M', 'HH', 'K', 'F'])}-${chars(2, UKL)} ${int(1, 9999)}`,
    NL: () => `${chars(2, UKL)}-${digits(3)}-${chars(1, UKL)}`,
    US: () => `${digits(1)}${chars(3, UKL)}${digits(3)}`,
  })[cc]();
const vin = () => chars(17, 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789');

// ---------------------------------------------------------------- template registry
const TEMPLATES = [];
const T = (name, n, fn) => TEMPLATES.push({ name, n, fn, neg: false });
const NEG = (name, n, fn) => TEMPLATES.push({ name, n, fn, neg: true });

// ================================================================ TEMPLATES
// ---------------------------------------------------------------- commerce, banking, payroll
const cpf = () => `${digits(3)}.${digits(3)}.${digits(3)}-${digits(2)}`;
const up = (s) => fold(s).toUpperCase();
const SHOPS = [
  'Northwind Outfitters',
  'Pixelgrove Studio',
  'Saltmarsh Media',
  'Copperleaf Software',
  'Ridgeback Fitness',
  'Tokobaru',
  'Brightwell Logistics',
];
T('order-confirm-en', 3, (i) => {
  const cc = ['US', 'GB', 'CA', 'AU', 'US'][i],
    p = person(pick(['en', 'in', 'ng', 'cn', 'ph', 'ar', 'en'])),
    shop = pick(SHOPS);
  const cur = { US: '$', GB: '£', CA: 'CA$', AU: 'A$' }[cc];
  return J([
    D`Subject: Your ${ORG(shop)} order ${orderNo()} is confirmed`,
    '',
    D`Hi ${P(p.given)},`,
    '',
    "Thanks for shopping with us! We'll send another email when your parcel ships.",
    '',
    'Shipping to:',
    D`${P(p.western)}`,
    D`${AD(gAddr(cc, true))}`,
    '',
    D`Contact: ${E(gEmail(p, pick(PDOM[cc])))} | ${PH(gPhone(cc))}`,
    `Payment: ${pick(['Visa', 'Mastercard', 'Amex'])} ending in ${digits(4)}`,
    `Subtotal ${cur}${int(20, 400)}.${digits(2)} · Shipping ${cur}${int(0, 15)}.99`,
    i % 2 ? D`Delivery window: ${DT(gDate('en'))}, 8am-1pm` : null,
    '',
    D`Questions? Reply to this email or write to ${E(`${pick(ROLEMAIL.slice(0, 4))}@${cdom(shop)}`)}.`,
  ]);
});
T('return-request-ptbr', 3, (i) => {
  const p = person('br'),
    email = gEmail(p, pick(PDOM.BR)),
    phone = gPhone('BR');
  const pixKind = i % 3;
  const pix = pixKind === 0 ? E(gEmail(p, 'gmail.com')) : pixKind === 1 ? PH(gPhone('BR')) : NID(cpf());
  return J([
    D`Solicitação de devolução nº ${int(100000, 999999)} - ${ORG(pick(['Casa Verde Imóveis', 'Tokobaru', 'Northwind Outfitters']))}`,
    D`Nome completo: ${P(p.full)}`,
    D`CPF: ${NID(cpf())}`,
    D`E-mail: ${E(email)}`,
    D`Celular/WhatsApp: ${PH(phone)}`,
    D`Endereço para coleta: ${AD(gAddr('BR'))}`,
    `Motivo: ${pick(['produto chegou com defeito', 'tamanho errado', 'não corresponde ao anúncio', 'arrependimento (7 dias)'])}`,
    D`Reembolso via Pix - chave: ${pix}`,
    D`Data da compra: ${DT(gDate('pt'))}`,
  ]);
});
T('order-marketplace-id', 2, (i) => {
  const buyer = person('id'),
    seller = person('id');
  return J([
    D`Pesanan INV/${int(2023, 2025)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}/MPL/${digits(10)}`,
    `Status: ${pick(['Dikirim', 'Diproses', 'Selesai'])}`,
    D`Penerima: ${P(buyer.full)} (${PH(gPhone('ID'))})`,
    D`Alamat: ${AD(gAddr('ID', i === 1))}`,
    `Kurir: ${pick(['JNE REG', 'SiCepat BEST', 'J&T Express', 'AnterAja'])} - resi ${chars(2, UP)}${digits(12)}`,
    D`Catatan untuk penjual: tolong titip ke satpam kalau saya tidak di rumah, atau hubungi adik saya ${P(pick(CULT.id.f))} di ${PH(gPhone('ID'))}.`,
    D`Penjual: ${ORG(pick(['Toko Makmur Jaya', 'Griya Batik Official', 'Sentosa Elektronik']))} · admin ${P(seller.given)}`,
  ]);
});
T('order-de-lastschrift', 2, (i) => {
  const p = person('de'),
    holder = i === 2 ? person('de') : p;
  return J([
    D`Bestellbestätigung ${chars(2, UP)}-${digits(8)}`,
    '',
    D`Hallo ${P(p.full)},`,
    'vielen Dank für Ihre Bestellung. Wir buchen den Betrag per SEPA-Lastschrift ab.',
    '',
    'Lieferadresse:',
    D`${AD(gAddr('DE', true))}`,
    '',
    D`Kontoinhaber: ${P(holder.full)}`,
    D`IBAN: ${IB(gIban('DE', false))}`,
    D`Mandatsreferenz: ${NID(`M-${digits(9)}`)}`,
    D`Gläubiger-ID: ${NID(`DE${digits(2)}ZZZ0000${digits(7)}`)}`,
    D`Fälligkeit: ${DT(gDate('de'))}`,
    '',
    D`Rückfragen: ${PH(gPhone('DE'))} (Mo-Fr 8-18 Uhr) oder ${E(`kundenservice@${cdom('Nordlicht Versand GmbH')}`)}`,
  ]);
});
T('bank-statement-gb', 3, (_i) => {
  const p = person(pick(['en', 'in', 'ng', 'pl'])),
    cp = [person(), person('en'), person('in')];
  const tx = (d, desc, amt) => D`${DT(d)}  ${desc}  ${amt}`;
  return J([
    D`${ORG(pick(['Quayside Credit Union', 'Harbour Bank plc', 'Thistle Building Society']))} · Current Account Statement`,
    D`${P(up(p.western))}`,
    D`${AD(gAddr('GB', true))}`,
    '',
    D`Sort code ${NID(`${digits(2)}-${digits(2)}-${digits(2)}`)}  Account ${NID(digits(8))}`,
    D`IBAN ${IB(gIban('GB', false))}  BIC ${NID(pick(BANKS.GB) + 'GB2L')}`,
    '',
    'Date         Description                         Amount',
    tx(
      fmtDate(randDate(2024, 2024), 'dMony'),
      D`FASTER PAYMENT TO ${P(up(`${cp[0].given[0]} ${cp[0].last}`))} RENT`,
      `-£${int(400, 1500)}.00`,
    ),
    tx(
      fmtDate(randDate(2024, 2024), 'dMony'),
      D`BGC ${ORG('BLUEFIN PAYROLL')} SALARY`,
      `+£${int(1800, 4200)}.${digits(2)}`,
    ),
    tx(fmtDate(randDate(2024, 2024), 'dMony'), D`FPI ${P(up(cp[1].western))} REF DINNER SPLIT`, `+£${int(12, 80)}.50`),
    tx(fmtDate(randDate(2024, 2024), 'dMony'), `DD THAMES WATER ${digits(8)}`, `-£${int(20, 60)}.14`),
    tx(fmtDate(randDate(2024, 2024), 'dMony'), D`SO ${P(up(cp[2].western))} POCKET MONEY`, `-£${int(10, 40)}.00`),
  ]);
});
T('wire-mt103', 4, (_i) => {
  const a = person(pick(['de', 'nl', 'fr', 'it', 'es', 'en'])),
    b = person(pick(['tr', 'pl', 'pt', 'br', 'sv', 'in']));
  const ccA = { de: 'DE', nl: 'NL', fr: 'FR', it: 'IT', es: 'ES', en: 'GB' }[a.c],
    ccB = { tr: 'TR', pl: 'PL', pt: 'PT', br: 'BR', sv: 'SE', in: 'AE' }[b.c];
  const addrB = b.c === 'in' ? 'IN' : ccB === 'BR' ? 'BR' : ccB;
  return J([
    `{1:F01${chars(4, UP)}${ccA}${chars(2, UP)}AXXX${digits(10)}}{2:I103${chars(4, UP)}${ccB}${chars(2, UP)}XXXXN}{4:`,
    `:20:${chars(3, UP)}${digits(10)}`,
    ':23B:CRED',
    D`:32A:${DT(`2${int(3, 5)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}`)}EUR${int(1000, 90000)},${digits(2)}`,
    D`:50K:/${IB(gIban(ccA, true))}`,
    D`${P(up(a.western))}`,
    D`${AD(up(gAddr(ccA, true)))}`,
    D`:59:/${IB(gIban(ccB, true))}`,
    D`${P(up(b.western))}`,
    D`${AD(up(gAddr(addrB, true)))}`,
    `:70:${pick(['INVOICE', 'TUITION FEES', 'LOAN REPAYMENT', 'PROPERTY DEPOSIT'])} ${digits(6)}`,
    ':71A:SHA',
    '-}',
  ]);
});
T('sepa-mandate-fr', 3, (_i) => {
  const p = person('fr');
  return J([
    'MANDAT DE PRÉLÈVEMENT SEPA',
    D`Référence unique du mandat : ${NID(`RUM${digits(10)}`)}`,
    D`En signant ce formulaire de mandat, vous autorisez ${ORG('Groupe Vérane')} à envoyer des instructions à votre banque pour débiter votre compte.`,
    '',
    D`Nom, prénom du débiteur : ${P(up(p.last) + ' ' + p.first)}`,
    D`Adresse : ${AD(gAddr('FR'))}`,
    D`IBAN : ${IB(gIban('FR', false))}`,
    D`BIC : ${NID(chars(4, UP) + 'FRPP' + chars(3, UP + DG))}`,
    D`Téléphone : ${PH(gPhone('FR'))}    Courriel : ${E(gEmail(p, pick(PDOM.FR)))}`,
    D`Fait à ${LOC(pick(['Lyon', 'Nantes', 'Lille', 'Rennes']))}, le ${DT(gDate('fr'))}`,
    'Signature :',
  ]);
});
T('transfer-confirm-pl', 3, (_i) => {
  const a = person('pl'),
    b = person('pl');
  return J([
    'Potwierdzenie wykonania przelewu',
    D`Data operacji: ${DT(gDate('pl'))}`,
    D`Nadawca: ${P(a.full)}, ${AD(gAddr('PL'))}`,
    D`Z rachunku: ${IB(gIban('PL', false))}`,
    D`Odbiorca: ${P(b.full)}`,
    D`Na rachunek: ${IB(gIban('PL', chance(0.5)))}`,
    `Tytuł: ${pick(['zwrot za bilety', 'czynsz za ' + pick(MONTHS.pl), 'prezent dla mamy', 'faktura FV/' + digits(4) + '/2024'])}`,
    `Kwota: ${int(50, 4000)},${digits(2)} PLN`,
    D`Powiadomienie wysłano na adres ${E(gEmail(b, pick(PDOM.PL)))} oraz SMS na numer ${PH(gPhone('PL'))}.`,
  ]);
});
T('payroll-us', 3, (i) => {
  const p = person(pick(['en', 'in', 'cn', 'ng', 'es', 'ph'])),
    co = pick(['Kestrel Analytics', 'Brightwell Logistics', 'Copperleaf Software']);
  return J([
    D`${ORG(co)} · ${AD(gAddr('US'))}`,
    'EARNINGS STATEMENT',
    '',
    D`Employee: ${P(p.western)}        Employee ID: ${NID(`E${digits(5)}`)}`,
    D`SSN: ${i % 2 ? SSN(gSSN()) : `XXX-XX-${digits(4)}`}    Pay date: ${DT(gDate('us'))}`,
    D`Mailing address: ${AD(gAddr('US'))}`,
    i % 2 ? null : D`Tax ID on file: ${SSN(gSSN('-'))} (W-4 updated ${DT(gDate('us'))})`,
    '',
    `Regular    ${int(70, 88)}.00 hrs   $${int(1800, 5200)}.${digits(2)}`,
    `Federal Withholding        -$${int(200, 700)}.${digits(2)}`,
    `Social Security            -$${int(100, 320)}.${digits(2)}`,
    `Medicare                   -$${int(30, 80)}.${digits(2)}`,
    D`Direct deposit: routing ${NID(nz(9))} acct ****${digits(4)}`,
    D`Questions: ${E(`payroll@${cdom(co)}`)} or ${PH(gPhone('US'))}${gExt()}`,
  ]);
});
T('payroll-nl', 3, (_i) => {
  const p = person('nl');
  return J([
    D`Loonstrook ${pick(MONTHS.nl)} ${int(2023, 2025)} - ${ORG('Oranjeboom Lease B.V.')}`,
    D`Naam werknemer: ${P(`${p.first[0]}. ${p.last}`)}`,
    D`Roepnaam: ${P(p.first)}`,
    D`Geboortedatum: ${DOB(gDob('nl'))}`,
    D`BSN: ${NID(digits(9))}`,
    D`Adres: ${AD(gAddr('NL'))}`,
    D`Uitbetaald op rekening ${IB(gIban('NL', false))} t.n.v. ${P(`${p.first[0]}. ${p.last}`)}`,
    `Bruto salaris € ${int(2600, 6100)},${digits(2)}  Loonheffing € ${int(400, 1600)},${digits(2)}`,
    `Vakantiegeld (8%) € ${int(200, 480)},${digits(2)}`,
  ]);
});
T('payroll-it', 3, (_i) => {
  const p = person('it');
  return J([
    D`CEDOLINO PAGA - ${pick(MONTHS.it).toUpperCase()} ${int(2023, 2025)}`,
    D`Azienda: ${ORG('Ferrovia Digitale S.r.l.')}`,
    D`Dipendente: ${P(up(p.last) + ' ' + up(p.first))}`,
    D`Codice fiscale: ${NID(chars(6, UP) + digits(2) + chars(1, UP) + digits(2) + chars(1, UP) + digits(3) + chars(1, UP))}`,
    D`Data di nascita: ${DOB(gDob('it'))}   Qualifica: impiegato ${int(1, 7)}° livello`,
    D`Residenza: ${AD(gAddr('IT'))}`,
    D`Accredito su IBAN ${IB(gIban('IT', chance(0.5)))}`,
    `Retribuzione lorda € ${int(1700, 4200)},${digits(2)} · Netto in busta € ${int(1300, 2900)},${digits(2)}`,
  ]);
});
T('pix-receipt-br', 3, (i) => {
  const a = person('br'),
    b = person('br');
  return J([
    'Comprovante de transferência',
    'Pix enviado',
    `Valor: R$ ${int(10, 3000)},${digits(2)}`,
    D`Data: ${DT(gDate('pt'))} às ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}`,
    '',
    'Destino',
    D`Nome: ${P(b.full)}`,
    D`Chave: ${i === 0 ? E(gEmail(b, pick(PDOM.BR))) : PH(gPhone('BR'))}`,
    `CPF: ***.${digits(3)}.${digits(3)}-**`,
    D`Instituição: ${ORG(pick(['Nu Pagamentos S.A.', 'Banco Inter S.A.', 'Caixa Econômica Federal']))}`,
    '',
    'Origem',
    D`Nome: ${P(a.full)}`,
    D`Conta: ${IB(gIban('BR', false))}`,
    '',
    `ID da transação: E${digits(8)}${digits(12)}${chars(11, AN)}`,
  ]);
});

// ---------------------------------------------------------------- government, vehicles, education, housing, memberships
T('benefits-claim-us', 3, (_i) => {
  const p = person(pick(['en', 'es', 'ng', 'vn', 'ph', 'ar'])),
    kid = person(p.c);
  return J([
    'STATE UNEMPLOYMENT INSURANCE - INITIAL CLAIM',
    '',
    D`1. Claimant name: ${P(p.western)}`,
    D`2. Social Security Number: ${SSN(gSSN())}`,
    D`3. Date of birth: ${DOB(gDob('us'))}`,
    D`4. Residential address: ${AD(gAddr('US'))}`,
    D`5. Phone: ${PH(gPhone('US'))}   6. Email: ${E(gEmail(p, pick(PDOM.US)))}`,
    D`7. Last employer: ${ORG(pick(['Brightwell Logistics', 'Ridgeback Fitness', 'Saltmarsh Media']))}, ${AD(gAddr('US'))}`,
    D`8. Last day worked: ${DT(gDate('us'))}   Reason: ${pick(['laid off - lack of work', 'position eliminated', 'contract ended'])}`,
    D`9. Dependents: ${P(`${kid.first} ${p.last}`)} (son/daughter), DOB ${DOB(fmtDate(randDate(2010, 2021), 'mdy/'))}`,
    '10. Are you able and available for work? [X] Yes [ ] No',
  ]);
});
T('tax-de-est', 2, (_i) => {
  const p = person('de'),
    sp = person('de');
  return J([
    D`Einkommensteuererklärung ${int(2022, 2024)} - Hauptvordruck (ESt 1 A)`,
    '',
    'Steuerpflichtige Person (Ehemann / Person A)',
    D`Identifikationsnummer: ${NID(`${digits(2)} ${digits(3)} ${digits(3)} ${digits(3)}`)}`,
    D`Name: ${P(p.last)}    Vorname: ${P(p.first)}`,
    D`Geburtsdatum: ${DOB(gDob('de'))}`,
    D`Straße, Hausnummer, PLZ, Wohnort: ${AD(gAddr('DE'))}`,
    D`Ehefrau / Person B: ${P(`${sp.first} ${p.last}`)}, geb. ${DOB(gDob('de'))}`,
    '',
    D`Bankverbindung für Erstattungen: IBAN ${IB(gIban('DE', false))}  Kontoinhaber: ${P(p.full)}`,
    D`Telefonische Rückfragen tagsüber unter Nr. ${PH(gPhone('DE'))}`,
  ]);
});
T('irpf-br', 2, (_i) => {
  const p = person('br'),
    d1 = person('br');
  return J([
    `DECLARAÇÃO DE AJUSTE ANUAL - IRPF ${int(2023, 2025)}`,
    'IDENTIFICAÇÃO DO CONTRIBUINTE',
    D`Nome: ${P(up(p.full))}`,
    D`CPF: ${NID(cpf())}   Data de nascimento: ${DOB(fmtDate(randDate(1950, 2000), 'dmy/'))}`,
    D`Endereço: ${AD(gAddr('BR'))}`,
    D`Telefone: ${PH(gPhone('BR'))}   E-mail: ${E(gEmail(p, pick(PDOM.BR)))}`,
    'DEPENDENTES',
    D`21 - Filho(a) - ${P(up(`${d1.first} ${p.last}`))} - nascimento ${DOB(fmtDate(randDate(2005, 2020), 'dmy/'))}`,
    D`Conta para restituição: ${ORG('Banco do Brasil')} ag. ${digits(4)} c/c ${digits(5)}-${digits(1)}`,
  ]);
});
T('vehicle-v5c-gb', 2, (_i) => {
  const p = person(pick(['en', 'in', 'pl', 'ng', 'cn']));
  return J([
    'Vehicle Registration Certificate (V5C) - notification of change of keeper',
    D`Registration number: ${NID(plate('GB'))}   VIN/chassis: ${NID(vin())}`,
    D`Date of first registration: ${DT(gDate('en', 2012, 2021))}`,
    `Make: ${pick(['FORD', 'VAUXHALL', 'TOYOTA', 'KIA', 'BMW'])}  Colour: ${pick(['GREY', 'BLUE', 'WHITE', 'BLACK'])}`,
    '',
    'New registered keeper:',
    D`${P(up(p.western))}`,
    D`${AD(up(gAddr('GB', true)))}`,
    D`Date of birth (section 6): ${DOB(fmtDate(randDate(1950, 2004), 'dmy/'))}`,
    D`Contact number: ${PH(gPhone('GB'))}`,
  ]);
});
T('parking-fine-it', 3, (_i) => {
  const p = person('it');
  return J([
    D`COMUNE DI ${LOC(pick(['MILANO', 'BOLOGNA', 'TORINO', 'PADOVA']))} - POLIZIA LOCALE`,
    `Verbale di accertamento n. ${digits(6)}/V/${int(2023, 2025)}`,
    D`Il giorno ${DT(gDate('it'))} alle ore ${pad(int(7, 22), 2)}:${pad(int(0, 59), 2)} il veicolo targato ${NID(plate('IT'))} sostava in zona a traffico limitato.`,
    D`Intestatario: ${P(p.full)}, nato/a il ${DOB(gDob('it'))}, residente in ${AD(gAddr('IT'))}`,
    `Violazione: art. 7 c. 9 e 14 C.d.S. - Importo ridotto entro 5 giorni: € ${int(60, 110)},${digits(2)}`,
    D`Pagamento con bonifico: IBAN ${IB(gIban('IT', false))} intestato a Tesoreria Comunale, causale numero verbale.`,
    D`Per ricorsi scrivere via PEC a ${E(`protocollo.${pick(['polizialocale', 'contravvenzioni'])}@pec.${pick(['comune-mi', 'comune-bo', 'comune-pd'])}.it`)}`,
  ]);
});
T('contravention-fr', 2, (_i) => {
  const p = person('fr');
  return J([
    'AVIS DE CONTRAVENTION',
    D`Numéro d'avis : ${digits(10)}   Date et heure : ${DT(gDate('fr'))} ${pad(int(7, 22), 2)}h${pad(int(0, 59), 2)}`,
    D`Véhicule : ${NID(plate('FR'))}  - Lieu : ${LOC(pick(['A7 Montélimar sens Nord-Sud', 'Boulevard périphérique, porte de Bagnolet', 'RN 165 Vannes']))}`,
    D`Titulaire du certificat d'immatriculation : ${P(`${p.first} ${up(p.last)}`)}`,
    D`${AD(gAddr('FR', true))}`,
    D`Si vous n'étiez pas le conducteur, désignez-le sur antai.gouv.fr : nom, prénom, adresse, né(e) le ${'__/__/____'}.`,
    D`Déclaration reçue : conducteur désigné ${P(person('fr').western)}, né le ${DOB(fmtDate(randDate(1960, 2004), 'dmy/'))}, permis n° ${NID(digits(12))}.`,
  ]);
});
T('pcn-appeal-email-en', 2, (_i) => {
  const p = person(pick(['en', 'in', 'gh', 'cn']));
  return J([
    D`From: ${P(p.western)} <${E(gEmail(p, pick(PDOM.GB)))}>`,
    D`To: ${E(`parking.appeals@${pick(['leeds', 'bristol', 'camden'])}.gov.uk`)}`,
    `Subject: Formal representation against PCN ${chars(2, UP)}${digits(8)}`,
    '',
    'Dear Sir or Madam,',
    '',
    D`I am the registered keeper of ${NID(plate('GB'))}. On ${DT(gDate('en'))} my car was parked outside my home at ${AD(gAddr('GB'))} with a valid resident permit displayed on the dashboard (photo attached).`,
    D`My neighbour, ${P(person('en').western)}, can confirm this. Please contact me on ${PH(gPhone('GB'))} if you need the original permit.`,
    '',
    'Yours faithfully,',
    D`${P(p.western)}`,
  ]);
});
T('student-record-en', 3, (i) => {
  const p = person(pick(['en', 'cn', 'in', 'ng', 'kr', 'ar', 'vn', 'gh'])),
    ec = person(p.c);
  const uni = pick(['Pinecrest University', 'Riverbend Community College']),
    ud = pick(['pinecrest.edu', 'rcc.edu']);
  const cc = pick(['US', 'GB', 'CA']);
  return J([
    D`${ORG(uni)} - Office of the Registrar - Student Record`,
    D`Legal name: ${P(p.full)}${p.c === 'cn' || p.c === 'kr' ? D`   Preferred name: ${P(pick(['Kevin', 'Annie', 'Leo', 'Grace', 'Sunny']))}` : ''}`,
    D`Student ID: ${NID(`${int(20, 25)}${digits(6)}`)}   Date of birth: ${DOB(fmtDate(randDate(1996, 2006), pick(DSTYLES[cc === 'US' ? 'us' : 'en'])))}`,
    D`University email: ${E(`${slug(p.given)}.${slug(p.last)}${int(1, 9)}@${ud}`)}   Personal email: ${E(gEmail(p, pick(PDOM.US)))}`,
    D`Mobile: ${PH(gPhone(cc))}`,
    D`Term-time address: ${AD(gAddr(cc))}`,
    D`Emergency contact: ${P(ec.full)} (parent) ${PH(gPhone(pick(['IN', 'ID', 'TR', 'GB', 'US'])))}`,
    `Programme: ${pick(['BSc Computer Science', 'BA Economics', 'MSc Data Science', 'AAS Nursing'])} - Year ${int(1, 4)} - Status: Enrolled`,
    i === 0 ? 'Holds: none' : `Holds: ${pick(['library fine', 'immunisation record missing', 'tuition balance'])}`,
  ]);
});
T('school-enrolment-es', 2, (_i) => {
  const m = person('es'),
    f = person('es'),
    kidFirst = pick(CULT.es.f),
    ln = `${f.last.split(' ')[0]} ${m.last.split(' ')[0]}`;
  return J([
    D`FICHA DE MATRÍCULA - CURSO ${int(2024, 2025)}/${int(25, 26)}`,
    D`Centro: ${ORG(pick(['CEIP Miguel de Cervantes', 'IES Rosalía de Castro', 'Colegio Santa Teresa']))}`,
    D`Alumno/a: ${P(`${kidFirst} ${ln}`)}`,
    D`Fecha de nacimiento: ${DOB(fmtDate(randDate(2011, 2020), pick(['dmy/', 'es'])))}   Lugar: ${LOC(pick(['Madrid', 'Sevilla', 'Valencia', 'Bilbao']))}`,
    D`Domicilio: ${AD(gAddr('ES'))}`,
    '',
    D`Madre/tutora: ${P(m.full)}  DNI ${NID(digits(8) + chars(1, 'TRWAGMYFPDXBNJZSQVHLCKE'))}  Tel. ${PH(gPhone('ES'))}`,
    D`Padre/tutor: ${P(f.full)}  DNI ${NID(digits(8) + chars(1, 'TRWAGMYFPDXBNJZSQVHLCKE'))}  Tel. ${PH(gPhone('ES'))}`,
    D`Correo para comunicaciones: ${E(gEmail(m, pick(PDOM.ES)))}`,
    `Alergias: ${pick(['ninguna', 'frutos secos', 'lactosa', 'polen'])}   Comedor: ${pick(['Sí', 'No'])}`,
  ]);
});
T('transcript-request-sv', 2, (_i) => {
  const p = person('sv');
  return J([
    'Begäran om utdrag ur Ladok',
    D`Namn: ${P(p.full)}`,
    D`Personnummer: ${NID(`${fmtDate(randDate(1990, 2004), 'compact')}-${digits(4)}`)}`,
    D`E-post: ${E(gEmail(p, pick(PDOM.SE)))}   Mobil: ${PH(gPhone('SE'))}`,
    D`Postadress: ${AD(gAddr('SE'))}`,
    `Jag vill ha ett officiellt resultatintyg på engelska skickat per post. Tack!`,
    D`/${P(p.first)}`,
  ]);
});
T('listing-en', 2, (i) => {
  const cc = ['US', 'AU', 'CA'][i],
    a = person(pick(['en', 'in', 'cn', 'gh']));
  return J([
    D`JUST LISTED - ${AD(gAddr(cc))}`,
    '',
    `${int(2, 5)} bed · ${int(1, 3)} bath · ${int(900, 3400)} sq ft · built ${int(1925, 2019)}`,
    'Sun-filled corner home with a renovated kitchen, quartz counters and a detached garage. Walking distance to the park and the light rail.',
    '',
    D`Open house: ${DT(gDate(cc === 'US' ? 'us' : 'en'))}, 1-3pm`,
    D`Listing agent: ${P(a.western)}, ${ORG(pick(['Harbourview Property Group', 'Keystone Realty']))}`,
    D`Call or text ${PH(gPhone(cc))} · ${E(`${slug(a.first)}@${cdom('Harbourview Property Group')}`)}`,
  ]);
});
T('viewing-nl', 2, (_i) => {
  const p = person('nl'),
    mk = person('nl');
  return J([
    'Onderwerp: Bevestiging bezichtiging',
    '',
    D`Beste ${P(p.first)},`,
    '',
    D`Hierbij bevestigen wij de bezichtiging van de woning aan de ${AD(gAddr('NL'))} op ${DT(gDate('nl'))} om ${int(9, 18)}:${pick(['00', '30'])} uur.`,
    D`U wordt ontvangen door ${P(mk.full)} van ${ORG('Tulpenhof Makelaars')}. Verhinderd? Bel ${PH(gPhone('NL'))} of mail naar ${E(`${slug(mk.first)}@tulpenhof-makelaars.nl`)}.`,
    'Neem een geldig legitimatiebewijs mee.',
    '',
    'Met vriendelijke groet,',
    D`${P(mk.first)}`,
  ]);
});
T('rental-contract-pt', 2, (_i) => {
  const s = person('pt'),
    t = person(pick(['pt', 'br']));
  return J([
    'CONTRATO DE ARRENDAMENTO PARA FIM HABITACIONAL',
    D`PRIMEIRO OUTORGANTE (senhorio): ${P(s.full)}, contribuinte n.º ${NID(digits(9))}, residente na ${AD(gAddr('PT'))}.`,
    D`SEGUNDO OUTORGANTE (arrendatário): ${P(t.full)}, contribuinte n.º ${NID(digits(9))}, telemóvel ${PH(gPhone('PT'))}, e-mail ${E(gEmail(t, pick(PDOM.PT)))}.`,
    D`Cláusula 1.ª - O primeiro outorgante dá de arrendamento a fração sita na ${AD(gAddr('PT'))}.`,
    D`Cláusula 3.ª - A renda mensal de ${int(600, 1400)},00 € será paga por transferência para o IBAN ${IB(gIban('PT', false))} até ao dia 8 de cada mês.`,
    D`Lisboa, ${DT(gDate('pt'))}`,
  ]);
});
T('apartment-application-jp', 2, (_i) => {
  const p = person('jp'),
    g = person('jp');
  return J([
    'Nyūkyo mōshikomisho (rental application) - romaji copy',
    D`Mōshikomisha shimei: ${P(p.full)}`,
    D`Seinengappi: ${DOB(gDob('jp'))}`,
    D`Genjūsho: ${AD(gAddr('JP'))}`,
    D`Keitai denwa: ${PH(gPhone('JP'))}   Mēru: ${E(gEmail(p, pick(PDOM.JP)))}`,
    D`Kinmusaki: ${ORG(pick(['Sakura Denki K.K.', 'Minato Logistics', 'Kyoto Craft Beer']))}  (nenshū ${int(300, 900)} man-en)`,
    D`Rentai hoshōnin: ${P(g.full)} (chichi)  denwa ${PH(gPhone('JP'))}`,
    D`Kibō nyūkyo-bi: ${DT(gDate('jp'))}`,
  ]);
});
T('gym-membership-au', 2, (_i) => {
  const p = person(pick(['en', 'cn', 'in', 'vn', 'ph'])),
    ec = person('en');
  return J([
    D`${ORG('Ridgeback Fitness')} - Membership Agreement`,
    `Plan: ${pick(['Anytime 24/7', 'Off-peak', 'Student'])} · $${int(12, 25)}.95 per week`,
    '',
    D`Member: ${P(p.western)}`,
    D`DOB: ${DOB(fmtDate(randDate(1965, 2006), pick(['dmy/', 'en'])))}`,
    D`Mobile: ${PH(gPhone('AU'))}`,
    D`Email: ${E(gEmail(p, pick(PDOM.AU)))}`,
    D`Home address: ${AD(gAddr('AU'))}`,
    D`Emergency contact: ${P(ec.western)} - ${PH(gPhone('AU'))}`,
    D`Direct debit: BSB ${NID(`${digits(3)}-${digits(3)}`)} Account ${NID(digits(8))} (fortnightly)`,
    'Medical conditions we should know about: none declared',
  ]);
});
T('loyalty-tr', 2, (i) => {
  const p = person('tr');
  return J([
    D`${ORG('Anadolu Gıda A.Ş.')} Sadakat Kartı Başvuru Formu`,
    D`Ad Soyad: ${P(p.full)}`,
    D`Doğum Tarihi: ${DOB(gDob('tr'))}`,
    D`Cep Telefonu: ${PH(gPhone('TR'))}`,
    D`E-posta: ${E(gEmail(p, pick(PDOM.TR)))}`,
    D`Adres: ${AD(gAddr('TR', i === 2))}`,
    '[X] Kampanyalardan SMS ile haberdar olmak istiyorum',
    '[ ] Kişisel verilerimin işlenmesine ilişkin aydınlatma metnini okudum',
  ]);
});
T('dating-profile-en', 2, (i) => {
  const p = person(pick(['en', 'br', 'it', 'ng', 'in', 'es']));
  return J([
    D`${P(p.given)}, ${int(24, 41)}`,
    pick([
      'Coffee snob, trail runner, terrible at karaoke.',
      'Nurse by day, amateur baker by night.',
      'Moved here for work, stayed for the tacos.',
    ]),
    D`Looking for someone to explore ${LOC(pick(['Lisbon', 'Chicago', 'Melbourne', 'Toronto']))} with. I'm not on here much - text me on ${PH(gPhone(pick(['US', 'GB', 'AU', 'CA'])))} or find me as ${USR('@' + slug(p.given) + '.' + pick(['runs', 'bakes', 'travels']))}.`,
    i === 2 ? D`(My best friend ${P(pick(CULT[p.c].f))} made me write this.)` : '',
  ]);
});
T('social-bio-id', 2, (_i) => {
  const p = person('id');
  return J([
    D`✨ ${P(p.full)} ✨`,
    '📍 Bandung | Jualan kue kering & hampers lebaran',
    D`📲 Order via WA: ${PH(gPhone('ID'))} (fast respon)`,
    D`📧 Endorse/kerja sama: ${E(gEmail(p, pick(PDOM.ID)))}`,
    D`🏠 Pick up: ${AD(gAddr('ID'))}`,
  ]);
});

// ---------------------------------------------------------------- reviews, news, subtitles, chats, mail, calendars, minutes, recruiting
const ts = (_y = 2024) => `${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}`;
T('reviews-en', 2, (_i) => {
  const r = [person(), person('en'), person()],
    staff = [pick(CULT.en.f), pick(CULT.in.f)];
  return J([
    D`★★★★★ ${P(`${r[0].given} ${r[0].last[0]}.`)} - "Booked a deep clean for our flat. ${P(staff[0])} and ${P(staff[1])} were on time and incredibly thorough."`,
    D`★★☆☆☆ ${P(r[1].western)} - "Technician cancelled twice. When I finally reached the office on ${PH(gPhone(pick(['US', 'GB'])))} nobody could tell me why."`,
    D`★★★★☆ ${P(`${r[2].given} ${r[2].last}`)} - "Good value. Ask for ${P(pick(CULT.en.f))}, she knows what she's doing."`,
    D`Response from the owner: Hi ${P(r[1].given)}, we're sorry! Please email ${E(`${pick(['bookings', 'care'])}@${cdom('Saltmarsh Media')}`)} and we'll make it right.`,
  ]);
});
T('reviews-de-it', 2, (i) => {
  const d = person('de'),
    it = person('it');
  return i === 0
    ? J([
        D`${P(`${d.given} ${d.last[0]}.`)} · vor 2 Wochen · ★★★★★`,
        D`Super Beratung in der Filiale ${LOC('Leipzig')}! Herr ${P(pick(CULT.de.l))} hat sich eine Stunde Zeit genommen. Termin am besten direkt unter ${PH(gPhone('DE'))} ausmachen.`,
      ])
    : J([
        D`${P(it.full)} ★★☆☆☆`,
        D`Camera carina ma il check-in è stato un disastro: la signora ${P(pick(CULT.it.l))} non rispondeva al ${PH(gPhone('IT'))} e abbiamo aspettato un'ora davanti al portone in ${AD(gAddr('IT'))}.`,
      ]);
});
T('news-en', 2, (_i) => {
  const a = person(pick(['en', 'ng', 'in', 'gh'])),
    b = person(pick(['en', 'cn', 'ar'])),
    c = person('en');
  const town = pick(['Harrogate', 'Dayton', 'Ballarat', 'Kamloops']);
  return J([
    D`Residents of ${LOC(town)} say they were given less than 48 hours' notice before the ${ORG(pick(['Brightwell Logistics', 'Kestrel Analytics']))} depot began round-the-clock operations.`,
    D`"We were not told anything," said ${P(a.western)}, ${int(30, 80)}, who has lived on the street for two decades. "The lorries start at four in the morning."`,
    D`Council leader ${P(b.western)} said the planning permission had been granted in ${DT(pick(MONTHS.en) + ' ' + int(2019, 2023))} and that a review was "under way". ${P(b.last)} declined to say when it would conclude.`,
    D`A spokesperson for the company referred questions to its chief operating officer, ${P(c.western)}.`,
  ]);
});
T('news-pt-fr', 3, (i) => {
  if (i === 2) {
    const a = person('fr'),
      b = person('fr');
    return J([
      D`La maire de ${LOC('Rennes')}, ${P(a.western)}, a annoncé lundi la fermeture temporaire de la piscine municipale.`,
      D`« C'est une décision difficile », a reconnu ${P(b.western)}, adjoint aux sports, qui promet une réouverture avant l'été. Interrogé, ${P(b.last)} n'a pas donné de chiffre.`,
    ]);
  }
  const a = person('pt'),
    b = person('pt');
  return J([
    D`O presidente da junta de freguesia de ${LOC(pick(['Arroios', 'Campanhã', 'Benfica']))}, ${P(a.western)}, garantiu ontem que as obras na escola terminam em ${DT(pick(MONTHS.pt))}.`,
    D`"Os pais podem estar descansados", afirmou ${P(a.last)} aos jornalistas. Já ${P(b.western)}, da associação de pais, diz que "ninguém acredita nos prazos".`,
  ]);
});
const srtTime = (s) =>
  `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)},${digits(3)}`;
T('podcast-srt', 2, (_i) => {
  const host = person(pick(['en', 'gh', 'in'])),
    guest = person(),
    t0 = int(30, 3000);
  const cue = (k, body) => J([String(k), `${srtTime(t0 + k * 4)} --> ${srtTime(t0 + k * 4 + 3)}`, body, '']);
  return J([
    cue(1, D`Welcome back to Small Print. I'm ${P(host.western)}.`),
    cue(2, D`And today I'm joined by ${P(guest.western)}, who spent ten years as a debt collector.`),
    cue(3, D`- Thanks for having me, ${P(host.given)}.\n- Of course.`),
    cue(4, D`If you've got a story for us, leave a voicemail on ${PH(gPhone(pick(['US', 'GB'])))}`),
    cue(
      5,
      D`or email ${E(`tips@${pick(['smallprintpod.fm', 'smallprint.show'])}`)}. ${P(guest.given)}, where do we start?`,
    ),
  ]);
});
T('video-vtt', 2, (_i) => {
  const a = person(pick(['br', 'pt'])),
    b = person(pick(['br', 'es']));
  return J([
    'WEBVTT',
    '',
    `00:00:${pad(int(10, 40), 2)}.000 --> 00:00:${pad(int(41, 59), 2)}.500`,
    D`<v ${P(a.western)}>Oi gente, hoje o vídeo é com a ${P(b.given)}!`,
    '',
    `00:01:${pad(int(0, 20), 2)}.000 --> 00:01:${pad(int(21, 40), 2)}.000`,
    D`<v ${P(b.western)}>Quem quiser encomendar, chama no zap ${PH(gPhone('BR'))}`,
    '',
    `00:01:${pad(int(41, 50), 2)}.000 --> 00:01:${pad(int(51, 59), 2)}.000`,
    D`<v ${P(a.western)}>Eu deixo o e-mail dela na descrição: ${E(gEmail(b, pick(PDOM.BR)))}`,
  ]);
});
T('support-chat-en', 3, (i) => {
  const c = person(pick(['en', 'in', 'ng', 'cn', 'ar', 'ph'])),
    ag = pick(['Kayla', 'Dwayne', 'Priya', 'Marco', 'Ana Paula', 'Jericho']);
  const cc = pick(['US', 'GB', 'AU']);
  const t = () => `[${pad(int(9, 17), 2)}:${pad(int(0, 59), 2)}]`;
  const lines = [
    `Chat transcript · ${pick(['Northwind Outfitters', 'Saltmarsh Media'])} Help Centre`,
    D`${t()} ${P(ag)} (Agent): Hi, you're chatting with ${P(ag)}. How can I help?`,
    D`${t()} ${P(c.western)}: hi, my order never arrived and the tracking hasnt updated in a week`,
    D`${t()} ${P(ag)} (Agent): I'm sorry to hear that! Could you confirm the email on the account?`,
    D`${t()} ${P(c.western)}: ${E(gEmail(c, pick(PDOM[cc])))}`,
    D`${t()} ${P(ag)} (Agent): Thanks ${P(c.given)}. And the delivery address?`,
    D`${t()} ${P(c.western)}: ${AD(gAddr(cc))}`,
  ];
  if (i % 2 === 0)
    lines.push(
      D`${t()} ${P(c.western)}: can you just refund to my card? its ${CC(gCard())} exp ${pad(int(1, 12), 2)}/${int(26, 30)}`,
      D`${t()} ${P(ag)} (Agent): Please never share full card numbers in chat - I've masked it on our side. The refund goes back to the original payment method automatically.`,
    );
  else
    lines.push(
      D`${t()} ${P(c.western)}: also my number changed, its ${PH(gPhone(cc))} now`,
      D`${t()} ${P(ag)} (Agent): Updated. A replacement ships today.`,
    );
  return J(lines);
});
T('support-chat-es', 2, (_i) => {
  const c = person('es'),
    ag = pick(CULT.es.f);
  return J([
    D`${P(ag)}: ¡Hola! Soy ${P(ag)}, del equipo de atención al cliente. ¿En qué puedo ayudarte?`,
    D`${P(c.full)}: hola, quiero cambiar la dirección de entrega del pedido ${orderNo()}`,
    D`${P(ag)}: Claro. ¿Me indicas la nueva dirección y un teléfono de contacto?`,
    D`${P(c.full)}: ${AD(gAddr('ES'))}, tel ${PH(gPhone('ES'))}`,
    D`${P(c.full)}: y si no estoy, que lo deje con mi vecina ${P(pick(CULT.es.f))} del ${int(1, 5)}º`,
    D`${P(ag)}: Hecho. Te llegará la confirmación a ${E(gEmail(c, pick(PDOM.ES)))}.`,
  ]);
});
T('whatsapp-ptbr', 2, (_i) => {
  const a = person('br'),
    b = person('br'),
    d = `${pad(int(1, 28), 2)}/${pad(int(1, 12), 2)}/${int(23, 25)}`;
  const tt = () => `[${d}, ${pad(int(8, 22), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}]`;
  return J([
    D`${tt()} ${P(a.given)}: ${P(b.given.toLowerCase())} me passa teu endereço pra eu mandar o convite`,
    D`${tt()} ${P(b.western)}: ${AD(gAddr('BR'))}`,
    D`${tt()} ${P(b.western)}: e o pix pra dividir a conta é ${E(gEmail(b, 'gmail.com'))}`,
    D`${tt()} ${P(a.given)}: blz! qualquer coisa liga no ${PH(gPhone('BR'))} que é o número novo`,
    D`${tt()} ${P(b.western)}: 👍 fala com o ${P(pick(['Thiago', 'Caio', 'Gustavo']))} tb`,
  ]);
});
function sigBlock(p, { title, org, phone, email, addr } = {}) {
  return J([
    D`${P(p.western)}`,
    title ? `${title}` : null,
    org ? D`${ORG(org)}` : null,
    addr ? D`${AD(addr)}` : null,
    phone ? D`${pick(['T', 'Tel', 'M', 'Mob', 'Direct'])}: ${PH(phone)}` : null,
    email ? D`${E(email)}` : null,
  ]);
}
T('email-thread-en', 2, (i) => {
  const a = person(pick(['en', 'in', 'ng', 'cn'])),
    b = person(pick(['en', 'de', 'nl', 'sv'])),
    org = pick(COMPANIES.slice(0, 6));
  const ea = gEmail(a, cdom(org)),
    eb = gEmail(b, cdom('Copperleaf Software'));
  return J([
    D`From: ${P(b.western)} <${E(eb)}>`,
    D`To: ${P(a.western)} <${E(ea)}>`,
    'Subject: RE: onboarding call next week',
    '',
    D`Thanks ${P(a.given)} - Thursday works. I'll bring ${P(person('en').western)} from our finance team.`,
    '',
    D`${P(b.given)}`,
    '',
    '-----Original Message-----',
    D`On ${DT(gDate('en'))} at ${ts()}, ${P(a.western)} <${E(ea)}> wrote:`,
    D`> Hi ${P(b.given)},`,
    '> Would Thursday 10:00 suit you for the kick-off? The dial-in is in the invite.',
    D`> If anything changes just ring my mobile.`,
    '>',
    quoteFrag(
      sigBlock(a, {
        title: pick(['Customer Success Manager', 'Head of Operations', 'Account Executive']),
        org,
        phone: gPhone(pick(['GB', 'US', 'IN'])),
        addr: i === 1 ? gAddr('GB') : null,
      }),
    ),
  ]);
});
function quoteFrag(f) {
  // prefix every line of a fragment with "> " and keep its spans
  const out = new Frag();
  let _lineStart = true;
  const starts = f.text.split('\n');
  let pos = 0;
  const map = [];
  for (let li = 0; li < starts.length; li++) {
    if (li) {
      out.text += '\n';
    }
    out.text += '> ';
    for (let k = 0; k < starts[li].length; k++) {
      map[pos + k] = out.text.length + k;
    }
    map[pos + starts[li].length] = out.text.length + starts[li].length;
    out.text += starts[li];
    pos += starts[li].length + 1;
  }
  const mv = (s) => ({ ...s, start: map[s.start], end: map[s.end - 1] + 1 });
  out.spans = f.spans.map(mv);
  out.neutral = f.neutral.map(mv);
  for (const s of [...out.spans, ...out.neutral]) s.value = out.text.slice(s.start, s.end);
  return out;
}
T('email-thread-it', 2, (_i) => {
  const a = person('it'),
    b = person('it');
  const ea = gEmail(a, pick(PDOM.IT)),
    eb = gEmail(b, 'studiolegale-' + slug(b.last) + '.it');
  return J([
    D`Da: ${P(b.full)} <${E(eb)}>`,
    D`A: ${E(ea)}`,
    `Oggetto: R: documenti per il rogito`,
    '',
    D`Gentile ${P(a.full)},`,
    D`confermo la ricezione. Per il saldo può usare l'IBAN ${IB(gIban('IT', false))} intestato allo studio.`,
    '',
    'Cordiali saluti',
    D`Avv. ${P(b.full)}`,
    D`Tel. ${PH(gPhone('IT'))}`,
    '',
    D`Il giorno ${DT(gDate('it'))}, ${P(a.full)} <${E(ea)}> ha scritto:`,
    quoteFrag(
      J([
        D`Buongiorno avvocato,`,
        D`le allego la carta d'identità e il codice fiscale. Il mio cellulare è ${PH(gPhone('IT'))}.`,
        D`${P(a.given)}`,
      ]),
    ),
  ]);
});
T('email-outlook-de', 2, (_i) => {
  const a = person('de'),
    b = person(pick(['de', 'tr', 'pl']));
  return J([
    D`Von: ${P(`${a.last}, ${a.first}`)} <${E(gEmail(a, cdom('Nordlicht Versand GmbH')))}>`,
    D`Gesendet: ${DT(`${pick(['Montag', 'Dienstag', 'Freitag'])}, ${gDate('de')}`)} ${ts()}`,
    D`An: ${P(`${b.last}, ${b.first}`)} <${E(gEmail(b, cdom('Nordlicht Versand GmbH')))}>`,
    'Betreff: AW: Urlaubsvertretung KW 32',
    '',
    D`Hallo ${P(b.first)},`,
    D`während meines Urlaubs übernimmt ${P(person('de').full)} (Durchwahl -${digits(2)}). Im Notfall bin ich privat unter ${PH(gPhone('DE'))} erreichbar.`,
    '',
    'Viele Grüße',
    D`${P(a.first)}`,
  ]);
});
T('calendar-ics', 2, (_i) => {
  const o = person(pick(['en', 'in', 'nl', 'de'])),
    at = [person(), person(), person('en')],
    org = pick(COMPANIES.slice(0, 8)),
    dom = cdom(org);
  const dial = gPhone(pick(['US', 'GB', 'NL']));
  return J([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Copperleaf//Calendar 4.2//EN',
    'BEGIN:VEVENT',
    D`UID:${NT('UID', `${uuid()}@${dom}`)}`,
    `DTSTART:${int(2024, 2025)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}T${pad(int(8, 16), 2)}0000Z`,
    `SUMMARY:${pick(['Quarterly business review', 'Contract renewal', 'Design review: checkout v3'])}`,
    D`ORGANIZER;CN=${P(o.western)}:mailto:${E(gEmail(o, dom))}`,
    ...at.map(
      (a) =>
        D`ATTENDEE;CN=${P(a.western)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:${E(gEmail(a, pick(['gmail.com', dom, 'outlook.com'])))}`,
    ),
    D`LOCATION:${AD(gAddr(pick(['GB', 'US', 'NL'])))}`,
    D`DESCRIPTION:Dial-in: ${PH(dial)} PIN ${digits(6)}#\\nParking: ask reception for ${P(pick(CULT.en.f))}.`,
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
});
T('calendar-invite-nl', 2, (_i) => {
  const o = person('nl'),
    a = person('nl');
  return J([
    D`${P(o.full)} heeft u uitgenodigd: Overleg huurverlenging`,
    D`Wanneer: ${DT(gDate('nl'))} 14:00-15:00 (CET)`,
    D`Waar: ${AD(gAddr('NL'))}`,
    D`Deelnemers: ${P(o.full)} (organisator), ${P(a.full)}, ${E(gEmail(person('nl'), pick(PDOM.NL)))}`,
    D`Inbellen: ${PH(gPhone('NL'))}, vergadercode ${digits(3)} ${digits(3)} ${digits(3)}`,
  ]);
});
T('minutes-en', 2, (_i) => {
  const ps = Array.from({ length: 5 }, () => person(pick(['en', 'in', 'ng', 'cn', 'pl', 'gh', 'ar'])));
  return J([
    D`Minutes - ${ORG(pick(['Riverbend Community College', 'Quayside Credit Union']))} Facilities Committee`,
    D`Date: ${DT(gDate('en'))}   Location: Room 2.14`,
    '',
    D`Present: ${P(ps[0].western)} (Chair), ${P(ps[1].western)}, ${P(ps[2].western)}, ${P(ps[3].western)}`,
    D`Apologies: ${P(ps[4].western)}`,
    '',
    '1. Minutes of the previous meeting were approved.',
    D`2. Car park resurfacing: ${P(ps[1].last)} reported three quotes; the committee chose the lowest.`,
    D`3. AOB: ${P(ps[2].given)} asked that contractors sign in at reception.`,
    '',
    'Actions',
    D`- ${P(ps[1].given)} to confirm the contractor and circulate the schedule`,
    D`- ${P(ps[3].western)} to email the revised key-holder list to ${E(gEmail(ps[0], cdom('Quayside Credit Union')))}`,
  ]);
});
T('minutes-sv', 2, (_i) => {
  const ps = Array.from({ length: 4 }, () => person('sv'));
  return J([
    D`Protokoll styrelsemöte ${ORG('BRF Linnégatan 12')}`,
    D`Datum: ${DT(gDate('sv'))}`,
    D`Närvarande: ${P(ps[0].full)} (ordf.), ${P(ps[1].full)} (sekr.), ${P(ps[2].full)}`,
    D`Frånvarande: ${P(ps[3].full)}`,
    D`§ 3 Fasadrenovering: ${P(ps[2].first)} har fått in två offerter. Beslut fattas på nästa möte.`,
    D`§ 4 Nya medlemmar: lägenhet 1102 överlåts till ${P(person('sv').full)}, tel. ${PH(gPhone('SE'))}.`,
    D`Vid protokollet: ${P(ps[1].full)}`,
  ]);
});
T('cv-en', 2, (_i) => {
  const p = person(pick(['in', 'ng', 'cn', 'en', 'ar', 'vn'])),
    ref = person('en'),
    cc = pick(['GB', 'US', 'IN', 'CA']);
  return J([
    D`${P(p.western.toUpperCase())}`,
    D`${AD(gAddr(cc))} · ${PH(gPhone(cc))} · ${E(gEmail(p, pick(PDOM[cc])))}`,
    D`linkedin.com/in/${USR(slug(p.given) + '-' + slug(p.last) + '-' + chars(6, HEX))}`,
    '',
    'PROFILE',
    'Backend engineer with 7 years of experience building payment systems in Go and Kotlin.',
    '',
    'EXPERIENCE',
    D`${ORG(pick(['Kestrel Analytics', 'Bluefin Payroll Services']))} - Senior Software Engineer (2021-present)`,
    '- Led migration of the ledger service to event sourcing',
    '',
    'REFERENCES',
    D`${P(ref.western)}, Engineering Director - ${E(gEmail(ref, cdom('Kestrel Analytics')))} - ${PH(gPhone(cc))}`,
  ]);
});
T('cv-de-pl', 4, (i) => {
  if (i < 2) {
    const p = person('de');
    return J([
      'Lebenslauf',
      '',
      'Persönliche Daten',
      D`Name: ${P(p.full)}`,
      D`Geburtsdatum/-ort: ${DOB(gDob('de'))} in ${LOC(pick(['Bremen', 'Kassel', 'Rostock']))}`,
      D`Anschrift: ${AD(gAddr('DE'))}`,
      D`Telefon: ${PH(gPhone('DE'))}`,
      D`E-Mail: ${E(gEmail(p, pick(PDOM.DE)))}`,
      'Familienstand: ledig',
      '',
      'Berufserfahrung',
      D`seit 2019  ${ORG('Nordlicht Versand GmbH')}, Teamleitung Logistik`,
    ]);
  }
  const p = person('pl');
  return J([
    'CURRICULUM VITAE',
    D`${P(p.full)}`,
    D`Data urodzenia: ${DOB(gDob('pl'))}`,
    D`Adres: ${AD(gAddr('PL'))}`,
    D`Tel.: ${PH(gPhone('PL'))}  E-mail: ${E(gEmail(p, pick(PDOM.PL)))}`,
    '',
    'Doświadczenie zawodowe',
    D`2020-obecnie  ${ORG('Mazowsze Finanse sp. z o.o.')} - księgowa`,
    '',
    'Wyrażam zgodę na przetwarzanie moich danych osobowych dla potrzeb niezbędnych do realizacji procesu rekrutacji.',
  ]);
});
T('interview-notes', 2, (_i) => {
  const c = person(pick(['in', 'cn', 'ng', 'br', 'tr', 'ua'])),
    i1 = person('en'),
    i2 = person(pick(['de', 'nl', 'in'])),
    rf = person(c.c);
  return J([
    D`Interview debrief - Senior Data Analyst - candidate: ${P(c.western)}`,
    D`Panel: ${P(i1.western)}, ${P(i2.western)}`,
    '',
    D`${P(i1.given)}: strong SQL, walked through the churn model clearly. Some gaps on experiment design.`,
    D`${P(i2.given)}: good culture add. ${P(c.given)} asked thoughtful questions about on-call.`,
    D`Reference check: spoke with ${P(rf.western)} (former manager) on ${PH(gPhone(pick(['IN', 'BR', 'TR', 'GB'])))} - positive, "would rehire".`,
    D`Candidate's current notice period: 2 months. Contact: ${E(gEmail(c, 'gmail.com'))}`,
    'Decision: proceed to offer.',
  ]);
});

// ---------------------------------------------------------------- developer material I: VCS, traces, infra config
const ENVKEYS = [
  ['ANTHROPIC_API_KEY', 'anthropic'],
  ['OPENAI_API_KEY', 'openai'],
  ['GITHUB_TOKEN', 'ghp'],
  ['GH_PAT', 'ghpat'],
  ['SLACK_BOT_TOKEN', 'slackBot'],
  ['STRIPE_SECRET_KEY', 'stripe'],
  ['GOOGLE_MAPS_API_KEY', 'google'],
  ['SENDGRID_API_KEY', 'sendgrid'],
  ['TWILIO_API_KEY', 'twilio'],
  ['HF_TOKEN', 'hf'],
  ['NPM_TOKEN', 'npm'],
  ['GITLAB_TOKEN', 'gitlab'],
  ['DD_API_KEY', 'datadog'],
  ['SHOPIFY_ADMIN_TOKEN', 'shopify'],
  ['MAILGUN_API_KEY', 'mailgun'],
  ['POSTMAN_API_KEY', 'postman'],
  ['DIGITALOCEAN_TOKEN', 'digitalocean'],
  ['LINEAR_API_KEY', 'linear'],
  ['NOTION_TOKEN', 'notion'],
  ['TELEGRAM_BOT_TOKEN', 'telegram'],
  ['GROQ_API_KEY', 'groq'],
  ['REPLICATE_API_TOKEN', 'replicate'],
  ['SQUARE_ACCESS_TOKEN', 'square'],
  ['AIRTABLE_TOKEN', 'airtable'],
  ['SENTRY_AUTH_TOKEN', 'sentry'],
  ['AZURE_OPENAI_KEY', 'azure'],
  ['CLOUDFLARE_API_TOKEN', 'cloudflare'],
  ['MISTRAL_API_KEY', 'mistral'],
  ['STRIPE_RESTRICTED_KEY', 'stripeRk'],
  ['SLACK_APP_TOKEN', 'slackApp'],
  ['FCM_SERVER_KEY', 'firebase'],
  ['OPENAI_LEGACY_KEY', 'openaiLegacy'],
  ['GITHUB_APP_TOKEN', 'ghs'],
  ['DD_APP_KEY', 'datadogApp'],
  ['OPENAI_SVC_KEY', 'openaiSvc'],
  ['STRIPE_KEY_V1', 'stripeOld'],
  ['GH_OAUTH_TOKEN', 'gho'],
  ['SLACK_USER_TOKEN', 'slackUser'],
];
const gitDate = () =>
  `${pick(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])} ${pick(MONTHS.en).slice(0, 3)} ${int(1, 28)} ${pad(int(8, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)} ${int(2023, 2025)} ${pick(['+0000', '+0100', '+0530', '-0700', '+0900', '-0300'])}`;
const devPerson = () => person(pick(['en', 'in', 'cn', 'de', 'pl', 'br', 'ng', 'jp', 'ua', 'tr', 'nl', 'vn', 'kr']));
T('git-log', 3, (_i) => {
  const ps = [devPerson(), devPerson(), devPerson()],
    em = ps.map((p) => gEmail(p, pick(['gmail.com', 'users.noreply.github.com', 'copperleaf.io', 'proton.me']))),
    [k, pv] = pick(ENVKEYS);
  const c = (p, e, msg, extra = []) =>
    J([
      `commit ${sha()}`,
      D`Author: ${P(p.western)} <${E(e)}>`,
      `Date:   ${gitDate()}`,
      '',
      ...msg.map((m) => D`    ${m}`),
      ...extra,
      '',
    ]);
  return J([
    c(
      ps[0],
      em[0],
      [
        pick([
          'fix(api): retry idempotent POSTs on 502',
          'chore: bump eslint to 9.x',
          'feat: add CSV export to reports page',
        ]),
      ],
      [D`    Co-authored-by: ${P(ps[1].western)} <${E(em[1])}>`],
    ),
    c(ps[1], em[1], [
      'remove hard-coded credentials from seed script',
      '',
      D`The old value was ${k}=${AK(gKey(pv))}`,
      'and has been rotated. Do not reuse.',
    ]),
    c(
      ps[2],
      em[2],
      [pick(['docs: update README badges', 'refactor: split billing module', 'test: cover timezone edge cases'])],
      [D`    Signed-off-by: ${P(ps[2].western)} <${E(em[2])}>`, D`    Reviewed-by: ${P(ps[0].given)}`],
    ),
  ]);
});
T('git-blame', 3, (i) => {
  const ps = [devPerson(), devPerson(), devPerson()],
    d = () =>
      `${int(2021, 2025)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)} ${pick(['+0000', '+0200', '-0500', '+0800'])}`;
  const b = (p, ln, code) => D`${sha(8)} (${P(p.western.padEnd(0))} ${d()} ${String(ln).padStart(3)}) ${code}`;
  const kind = i % 3;
  return J([
    b(ps[0], 41, 'const client = new PaymentsClient({'),
    kind === 0
      ? b(ps[1], 42, D`  apiKey: '${AK(gKey('stripe'))}',`)
      : kind === 1
        ? b(ps[1], 42, D`  apiKey: process.env.SENDGRID_KEY || '${AK(gKey('sendgrid'))}',`)
        : b(ps[1], 42, D`  token: "${AK(gKey('slackBot'))}", // TODO move to vault`),
    b(ps[0], 43, `  timeoutMs: ${pick([3000, 5000, 10000])},`),
    b(ps[2], 44, D`  webhookHost: '${IP(gIPv4())}',`),
    b(ps[0], 45, '});'),
  ]);
});
T('stack-java', 3, (_i) => {
  const p = devPerson(),
    ip = gIPv4('priv'),
    pw = gPw('url');
  return J([
    `${int(2024, 2025)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${digits(3)} ERROR 1 --- [nio-8080-exec-${int(1, 9)}] c.k.billing.InvoiceService`,
    D`org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection for user ${E(gEmail(p, 'kestrel-analytics.com'))}`,
    D`Caused by: org.postgresql.util.PSQLException: Connection to ${IP(ip)}:5432 refused. URL=jdbc:postgresql://${IP(ip)}:5432/billing?user=billing_svc&password=${PW(pw)}`,
    '\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)',
    '\tat org.postgresql.Driver.makeConnection(Driver.java:443)',
    '\tat com.zaxxer.hikari.pool.HikariPool.createPoolEntry(HikariPool.java:476)',
    `\tat com.kestrel.billing.InvoiceService.generate(InvoiceService.java:${int(80, 300)})`,
    '\t... 87 common frames omitted',
  ]);
});
T('stack-python-locals', 3, (_i) => {
  const p = devPerson(),
    pw = gPw('any');
  return J([
    'Traceback (most recent call last):',
    '  File "/srv/app/accounts/views.py", line 118, in login',
    '    user = backend.authenticate(request, email=email, password=password)',
    '  File "/srv/app/accounts/backends.py", line 52, in authenticate',
    '    raise LockedOut(email)',
    'accounts.errors.LockedOut: too many attempts',
    '',
    'Local variables (frame 1):',
    D`    email = '${E(gEmail(p, pick(PDOM.US)))}'`,
    D`    password = '${PW(pw)}'`,
    D`    remote_addr = '${IP(gIP())}'`,
    `    attempts = ${int(5, 12)}`,
    D`    full_name = '${P(p.western)}'`,
  ]);
});
T('node-error', 2, (i) => {
  const key = i ? gKey('openai') : gKey('anthropic');
  return J([
    D`Error: connect ECONNREFUSED ${IP(gIPv4('priv'))}:6379`,
    '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {',
    '  errno: -111,',
    "  code: 'ECONNREFUSED',",
    "  syscall: 'connect',",
    '}',
    'Loaded config: {',
    "  env: 'production',",
    D`  llm: { provider: '${i ? 'openai' : 'anthropic'}', apiKey: '${AK(key)}' },`,
    D`  redis: { host: '${IP(gIPv4('priv'))}', port: 6379 },`,
    D`  admin: '${E(gEmail(devPerson(), 'copperleaf.io'))}'`,
    '}',
  ]);
});
T('k8s-secret', 3, (i) => {
  const pw = gPw('env'),
    b64pw = Buffer.from(gPw('env')).toString('base64'),
    [k, pv] = pick(ENVKEYS);
  return J([
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${pick(['billing', 'orders', 'notifier'])}-secrets`,
    '  namespace: prod',
    'type: Opaque',
    'stringData:',
    D`  DB_PASSWORD: "${PW(pw)}"`,
    D`  ${k}: ${AK(gKey(pv))}`,
    i === 2 ? D`  SMTP_PASSWORD: '${PW(gPw('env'))}'` : null,
    'data:',
    D`  REDIS_PASSWORD: ${ENC(b64pw)}`,
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: upstreams',
    'data:',
    D`  PAYMENTS_HOST: "${IP(gIPv4('priv'))}"`,
    D`  LEGACY_DB_HOST: "${IP(gIPv4('priv'))}"`,
    D`  ALLOWED_CIDR: "${NT('CIDR', `10.${int(0, 255)}.0.0/16`)}"`,
  ]);
});
T('helm-values', 3, (_i) => {
  const ip = gIPv4('pub'),
    p = devPerson(),
    pw = gPw('url');
  return J([
    `# values-${pick(['prod', 'staging'])}.yaml`,
    'image:',
    `  repository: ghcr.io/copperleaf/api`,
    `  tag: "v${int(1, 4)}.${int(0, 20)}.${int(0, 9)}"`,
    'ingress:',
    '  enabled: true',
    '  hosts:',
    '    - host: api.copperleaf.io',
    'service:',
    '  type: LoadBalancer',
    D`  loadBalancerIP: ${IP(ip)}`,
    'env:',
    D`  DATABASE_URL: "postgres://api:${PW(pw)}@${IP(gIPv4('priv'))}:5432/api"`,
    D`  SMTP_USER: ${E(`${pick(['alerts', 'noreply'])}@copperleaf.io`)}`,
    D`  SMTP_PASS: "${PW(gPw('env'))}"`,
    D`  ONCALL_CONTACT: "${P(p.western)} ${PH(gPhone(pick(['US', 'GB', 'DE', 'IN'])))}"`,
    'postgresql:',
    '  auth:',
    '    username: api',
    D`    password: ${PW(gPw('env'))}`,
  ]);
});
T('docker-compose', 3, (_i) => {
  return J([
    'services:',
    '  db:',
    '    image: postgres:16',
    '    environment:',
    '      POSTGRES_USER: app',
    D`      POSTGRES_PASSWORD: ${PW(gPw('env'))}`,
    '    ports:',
    '      - "5432:5432"',
    '  api:',
    '    build: .',
    '    environment:',
    D`      - AWS_ACCESS_KEY_ID=${AWS(gAwsId())}`,
    D`      - AWS_SECRET_ACCESS_KEY=${AWS(gAwsSecret())}`,
    D`      - REDIS_URL=redis://:${PW(gPw('url'))}@cache:6379/0`,
    D`      - ${pick(['MAILGUN_API_KEY', 'SENDGRID_API_KEY'])}=${AK(gKey(pick(['mailgun', 'sendgrid'])))}`,
    '    extra_hosts:',
    D`      - "ledger.internal:${IP(gIPv4('priv'))}"`,
    '  cache:',
    '    image: redis:7',
    D`    command: redis-server --requirepass ${PW(gPw('env'))}`,
  ]);
});
T('terraform', 3, (i) => {
  return J([
    'provider "aws" {',
    `  region     = "${pick(['eu-west-1', 'us-east-1', 'ap-southeast-2', 'sa-east-1'])}"`,
    D`  access_key = "${AWS(gAwsId())}"`,
    D`  secret_key = "${AWS(gAwsSecret())}"`,
    '}',
    '',
    'resource "aws_security_group_rule" "office" {',
    '  type        = "ingress"',
    '  from_port   = 22',
    '  to_port     = 22',
    '  protocol    = "tcp"',
    D`  cidr_blocks = ["${IP(gIPv4('pub'))}/32", "${NT('CIDR', `172.${int(16, 31)}.0.0/16`)}"]`,
    '}',
    '',
    'resource "aws_db_instance" "main" {',
    '  engine         = "postgres"',
    '  instance_class = "db.t3.medium"',
    '  username       = "dbadmin"',
    D`  password       = "${PW(gPw('env'))}"`,
    '}',
    i === 2 ? D`\n# owner: ${P(devPerson().western)} (${E(gEmail(devPerson(), 'copperleaf.io'))})` : null,
  ]);
});
T('github-actions', 3, (i) => {
  const k = i === 0 ? ['NPM_TOKEN', 'npm'] : i === 1 ? ['SLACK_BOT_TOKEN', 'slackBot'] : ['HF_TOKEN', 'hf'];
  return J([
    'name: deploy',
    'on:',
    '  push:',
    '    branches: [main]',
    'env:',
    D`  ${k[0]}: ${AK(gKey(k[1]))}   # FIXME: use secrets`,
    '  NODE_VERSION: 20',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Deploy over SSH',
    '        env:',
    '          SSH_KEY: |',
    D`            ${PK(gPem(pick(['openssh', 'rsa1k', 'ec']), { indent: '            ' }))}`,
    '        run: |',
    '          echo "$SSH_KEY" > key && chmod 600 key',
    D`          ssh -i key deploy@${IP(gIPv4('pub'))} ./release.sh`,
  ]);
});
T('npmrc-pypirc-netrc', 3, (i) => {
  if (i === 0)
    return J([
      '# ~/.npmrc',
      D`//registry.npmjs.org/:_authToken=${AK(gKey('npm'))}`,
      D`//npm.pkg.github.com/:_authToken=${AK(gKey('ghp'))}`,
      '@copperleaf:registry=https://npm.pkg.github.com',
      D`email=${E(gEmail(devPerson(), 'copperleaf.io'))}`,
      'always-auth=true',
    ]);
  if (i === 1)
    return J([
      '# ~/.pypirc',
      '[distutils]',
      'index-servers =',
      '    pypi',
      '    internal',
      '',
      '[pypi]',
      'username = __token__',
      D`password = ${AK(gKey('pypi'))}`,
      '',
      '[internal]',
      'repository = https://pypi.copperleaf.io/simple/',
      'username = ci-bot',
      D`password = ${PW(gPw('env'))}`,
    ]);
  const p = devPerson();
  return J([
    '# ~/.netrc',
    D`machine api.heroku.com`,
    D`  login ${E(gEmail(p, 'gmail.com'))}`,
    D`  password ${AK(uuid())}`,
    'machine git.copperleaf.io',
    '  login deploy',
    D`  password ${PW(gPw('env'))}`,
  ]);
});
T('jupyter', 3, (i) => {
  if (i === 2)
    return J([
      'In [4]: import os; {k: v for k, v in os.environ.items() if "KEY" in k or "TOKEN" in k}',
      'Out[4]:',
      D`{'OPENAI_API_KEY': '${AK(gKey('openai'))}',`,
      D` 'HF_TOKEN': '${AK(gKey('hf'))}',`,
      D` 'WANDB_API_KEY': '${AK(chars(40, HEX))}'}`,
    ]);
  const rows = Array.from({ length: 4 }, () => person(pick(['en', 'in', 'cn', 'br', 'ng', 'de'])));
  return J([
    'In [7]: df[["name", "email", "phone", "dob"]].head(4)',
    'Out[7]:',
    '                 name                          email            phone         dob',
    ...rows.map(
      (p, k) =>
        D`${k}  ${P(p.western.padStart(18).trim())}  ${E(gEmail(p, pick(PDOM.US)))}  ${PH(gPhone('US'))}  ${DOB(fmtDate(randDate(1950, 2004), 'iso'))}`,
    ),
  ]);
});
T('sql-insert', 4, (i) => {
  const cols =
    i % 2
      ? '(id, first_name, last_name, email, phone, date_of_birth, ssn, password_hash)'
      : '(id, full_name, email, phone, billing_address, card_number, created_at)';
  const row = (id) => {
    const p = person(pick(['en', 'es', 'in', 'cn', 'ng', 'vn']));
    return i % 2
      ? D`  (${id}, '${P(p.first)}', '${P(p.last.replace(/'/g, "''"))}', '${E(gEmail(p, pick(PDOM.US)))}', '${PH(gPhone('US'))}', '${DOB(fmtDate(randDate(1945, 2004), 'iso'))}', '${SSN(gSSN('-'))}', '${HASH('$2b$12$' + chars(53, AN + './'))}')`
      : D`  (${id}, '${P(p.western.replace(/'/g, "''"))}', '${E(gEmail(p, pick(PDOM.US)))}', '${PH(gPhone(pick(['US', 'CA'])))}', '${AD(gAddr(pick(['US', 'CA'])))}', '${CC(gCard(null, ''))}', '${DT(`${int(2022, 2025)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:00')`;
  };
  const id0 = int(1000, 9000);
  return J([
    `INSERT INTO ${i % 2 ? 'users' : 'customers'} ${cols} VALUES`,
    J([row(id0), row(id0 + 1), row(id0 + 2)], ',\n'),
    ';',
  ]);
});
T('curl-commands', 4, (i) => {
  const v = [
    () =>
      J([
        `curl https://api.anthropic.com/v1/messages \\`,
        D`  -H "x-api-key: ${AK(gKey('anthropic'))}" \\`,
        '  -H "anthropic-version: 2023-06-01" \\',
        '  -H "content-type: application/json" \\',
        `  -d '{"model":"claude-sonnet-4","max_tokens":256,"messages":[{"role":"user","content":"hi"}]}'`,
      ]),
    () =>
      J([
        `curl -X POST https://api.stripe.com/v1/refunds \\`,
        D`  -u ${AK(gKey('stripe'))}: \\`,
        `  -d charge=ch_${chars(24, AN)}`,
        '',
        D`curl -u ${AK(gKey('twilio'))}:${AK(gKey('hex32'))} https://api.twilio.com/2010-04-01/Accounts/${NID('AC' + chars(32, HEX))}/Messages.json \\`,
        D`  --data-urlencode "To=${PH('+1' + pick(US_AREAS) + exch() + digits(4))}" --data-urlencode "Body=Your code is ${digits(6)}"`,
      ]),
    () =>
      J([
        `curl -X POST "https://api.datadoghq.eu/api/v1/events" \\`,
        D`  -H "DD-API-KEY: ${AK(gKey('datadog'))}" \\`,
        D`  -H "DD-APPLICATION-KEY: ${AK(gKey('datadogApp'))}" \\`,
        `  -d '{"title":"deploy","text":"v${int(1, 9)}.${int(0, 30)}.0"}'`,
      ]),
    () => {
      const p = devPerson();
      return J([
        `curl -s https://api.copperleaf.io/v2/users \\`,
        D`  -H "Authorization: Bearer ${JW(gJwt({ email: gEmail(p, 'copperleaf.io'), role: 'admin' }))}" \\`,
        '  -H "Content-Type: application/json" \\',
        D`  -d '{"email":"${E(gEmail(p, 'gmail.com'))}","name":"${P(p.western)}","phone":"${PH(gPhone('GB'))}"}'`,
      ]);
    },
  ];
  return v[i]();
});

// ---------------------------------------------------------------- developer material II: HTTP captures, logs, tables, config files
const clf = () =>
  `${pad(int(1, 28), 2)}/${pick(MONTHS.en).slice(0, 3)}/${int(2024, 2025)}:${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)} +0000`;
const UA = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'curl/8.5.0',
  'okhttp/4.12.0',
  'python-requests/2.31.0',
];
T('postman-export', 2, (i) => {
  const p = devPerson();
  return D`{
  "info": { "name": "${i ? 'Billing API' : 'CRM sync'}", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "auth": { "type": "bearer", "bearer": [ { "key": "token", "value": "${JW(gJwt({ email: gEmail(p, 'copperleaf.io') }))}", "type": "string" } ] },
  "variable": [
    { "key": "baseUrl", "value": "https://${IP(gIPv4('pub'))}:8443" },
    { "key": "apiKey", "value": "${AK(gKey(i ? 'linear' : 'airtable'))}" }
  ],
  "item": [ { "name": "Create contact", "request": { "method": "POST", "url": "{{baseUrl}}/contacts",
    "body": { "mode": "raw", "raw": "{\\"name\\":\\"${P(p.western)}\\",\\"email\\":\\"${E(gEmail(p, 'gmail.com'))}\\"}" } } } ]
}`;
});
T('har-snippet', 2, (i) => {
  const p = devPerson();
  return D`{ "log": { "entries": [ {
  "startedDateTime": "${int(2024, 2025)}-0${int(1, 9)}-1${int(0, 9)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:11.482Z",
  "serverIPAddress": "${IP(i ? gIPv6() : gIPv4('pub'))}",
  "request": {
    "method": "POST", "url": "https://shop.northwind.io/api/login",
    "headers": [
      { "name": "Cookie", "value": "sid=${JW(gJwt({ uid: int(1000, 99999) }, 'HS256'))}; theme=dark" },
      { "name": "User-Agent", "value": "${pick(UA)}" }
    ],
    "postData": { "mimeType": "application/x-www-form-urlencoded", "text": "email=${E(gEmail(p, 'gmail.com').replace('@', '%40'))}&password=${PW(gPw('url'))}&remember=1" }
  },
  "response": { "status": 200, "headers": [ { "name": "Set-Cookie", "value": "refresh=${NT('TOKEN', chars(64, B64U))}; HttpOnly; Secure" } ] }
} ] } }`;
});
T('sentry-event', 2, (_i) => {
  const p = devPerson();
  return D`{
  "event_id": "${chars(32, HEX)}",
  "level": "error",
  "exception": { "values": [ { "type": "PaymentDeclined", "value": "card ${CC(gCard(null, ''))} declined: insufficient_funds" } ] },
  "user": { "id": "${int(10000, 999999)}", "email": "${E(gEmail(p, pick(PDOM.US)))}", "ip_address": "${IP(gIP())}", "username": "${USR(slug(p.given) + int(1, 99))}" },
  "request": { "url": "https://app.pixelgrove.io/checkout", "headers": { "Authorization": "Bearer ${AK(gKey(pick(['square', 'stripeOld'])))}", "X-Forwarded-For": "${IP(gIPv4('pub'))}" } },
  "contexts": { "device": { "model": "${pick(['iPhone15,2', 'Pixel 8', 'SM-S918B'])}" } },
  "extra": { "customer_name": "${P(p.western)}", "shipping_phone": "${PH(gPhone(pick(['US', 'GB', 'DE'])))}" }
}`;
});
T('nginx-access', 3, (i) => {
  const line = (ip, req, st, ua) => D`${IP(ip)} - - [${clf()}] "${req}" ${st} ${int(120, 48000)} "-" "${ua}"`;
  const p = devPerson();
  return J([
    line(gIPv4('pub'), 'GET /api/v1/products?page=2 HTTP/1.1', 200, pick(UA)),
    line(gIPv6(), 'POST /api/v1/cart HTTP/2.0', 201, pick(UA)),
    line(
      gIPv4('pub'),
      D`GET /newsletter/unsubscribe?email=${E(gEmail(p, pick(PDOM.GB)))}&src=mail HTTP/1.1`,
      302,
      pick(UA),
    ),
    line(gIPv4('priv'), 'GET /healthz HTTP/1.1', 200, 'kube-probe/1.29'),
    i === 1
      ? line(
          gIPv4('pub'),
          D`GET /reset?user=${USR(slug(p.last))}&phone=${PH('%2B44' + '7' + pick(['723', '811', '958']) + digits(6))} HTTP/1.1`,
          404,
          pick(UA),
        )
      : line(gIPv4('pub'), 'GET /wp-login.php HTTP/1.1', 404, 'Mozilla/5.0 (compatible; scanner)'),
  ]);
});
T('apache-error', 2, (_i) =>
  J([
    D`[${pick(['Tue', 'Wed', 'Sat'])} ${pick(MONTHS.en).slice(0, 3)} ${int(1, 28)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${digits(6)} ${int(2024, 2025)}] [php:error] [pid ${int(1000, 40000)}] [client ${IP(gIPv4('pub'))}:${int(1024, 65000)}] PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [1045] Access denied for user 'shop'@'${IP(gIPv4('priv'))}' (using password: YES) in /var/www/html/config.php:14`,
    D`[${pick(['Tue', 'Wed', 'Sat'])} ${pick(MONTHS.en).slice(0, 3)} ${int(1, 28)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${digits(6)} ${int(2024, 2025)}] [auth_basic:error] [pid ${int(1000, 40000)}] [client ${IP(gIPv6())}:${int(1024, 65000)}] AH01618: user ${E(gEmail(devPerson(), 'gmail.com'))} not found: /admin`,
    D`[${pick(['Tue', 'Wed', 'Sat'])} ${pick(MONTHS.en).slice(0, 3)} ${int(1, 28)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${digits(6)} ${int(2024, 2025)}] [proxy:error] [pid ${int(1000, 40000)}] (111)Connection refused: AH00957: http: attempt to connect to ${IP(gIPv4('priv'))}:8080 (backend) failed`,
  ]),
);
T('syslog-auth', 3, (i) => {
  const host = pick(['web-01', 'bastion', 'db-replica-2', 'nas']),
    t = () =>
      `${pick(MONTHS.en).slice(0, 3)} ${String(int(1, 28)).padStart(2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}`;
  const u = slug(pick(CULT[pick(['en', 'in', 'de', 'pl'])].f));
  return J([
    D`${t()} ${host} sshd[${int(1000, 65000)}]: Accepted publickey for ${USR(u)} from ${IP(gIPv4('pub'))} port ${int(30000, 65000)} ssh2: ED25519 SHA256:${chars(43, B64)}`,
    D`${t()} ${host} sshd[${int(1000, 65000)}]: Failed password for invalid user admin from ${IP(gIPv4('pub'))} port ${int(30000, 65000)} ssh2`,
    D`${t()} ${host} sshd[${int(1000, 65000)}]: Failed password for root from ${IP(gIPv6())} port ${int(30000, 65000)} ssh2`,
    D`${t()} ${host} sudo: ${USR(u)} : TTY=pts/0 ; PWD=/home/${u} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
    i === 2
      ? D`${t()} ${host} login[${int(100, 999)}]: FAILED LOGIN (1) on '/dev/tty1' FOR 'UNKNOWN', User not known to the underlying authentication module (typed: ${PW(gPw('env'))})`
      : D`${t()} ${host} dhclient[${int(400, 900)}]: DHCPACK of ${IP(gIPv4('priv'))} from ${IP(gIPv4('priv'))}`,
  ]);
});
T('csv-customers', 3, (i) => {
  const hdr = [
    'customer_id,first_name,last_name,email,phone,street_address,date_of_birth',
    'id;nome;cognome;email;cellulare;indirizzo;data_nascita',
    'klantnr,voornaam,achternaam,e-mail,telefoon,adres,geboortedatum',
  ][i];
  const cc = ['US', 'IT', 'NL'][i],
    cu = ['en', 'it', 'nl'][i],
    sep = i === 1 ? ';' : ',';
  const row = () => {
    const p = person(pick([cu, cu, 'in', 'ng', 'tr', 'cn']));
    return D`${nz(5)}${sep}${P(p.first)}${sep}${P(p.last)}${sep}${E(gEmail(p, pick(PDOM[cc])))}${sep}${PH(gPhone(cc))}${sep}"${AD(gAddr(cc))}"${sep}${DOB(gDob(cu === 'en' ? 'us' : cu))}`;
  };
  return J([hdr, row(), row(), row(), row()]);
});
T('markdown-table', 3, (i) => {
  const ps = Array.from({ length: 4 }, () => devPerson());
  if (i === 2)
    return J([
      '## Server inventory',
      '',
      '| host | public IP | private IP | owner |',
      '|---|---|---|---|',
      ...ps
        .slice(0, 3)
        .map(
          (p, k) =>
            D`| ${pick(['api', 'worker', 'db', 'cache'])}-${k + 1} | ${IP(gIPv4('pub'))} | ${IP(gIPv4('priv'))} | ${P(p.given)} |`,
        ),
    ]);
  return J([
    i ? '### On-call rota (Q3)' : '## Team directory',
    '',
    '| Name | Role | Email | Phone |',
    '| --- | --- | --- | --- |',
    ...ps.map(
      (p) =>
        D`| ${P(p.western)} | ${pick(['SRE', 'Backend', 'EM', 'Data', 'Security'])} | ${E(gEmail(p, 'copperleaf.io'))} | ${PH(gPhone(pick(['US', 'GB', 'DE', 'IN', 'PL', 'BR'])))}${chance(0.3) ? gExt() : ''} |`,
    ),
    '',
    i ? 'Escalate to the EM if the primary does not ack within 15 minutes.' : 'Ping #team-platform for anything else.',
  ]);
});
T('env-file', 4, (i) => {
  const ks = sample(ENVKEYS, 5);
  return J([
    `# .env.${pick(['production', 'local', 'staging'])} - DO NOT COMMIT`,
    'NODE_ENV=production',
    `PORT=${pick([3000, 8080, 8000])}`,
    D`DATABASE_URL=postgresql://app_user:${PW(gPw('url'))}@${IP(gIPv4(i % 2 ? 'pub' : 'priv'))}:5432/app`,
    ...ks.map(([k, pv]) => D`${k}=${AK(gKey(pv))}`),
    i === 3 ? D`TWILIO_ACCOUNT_SID=${NID('AC' + chars(32, HEX))}\nTWILIO_AUTH_TOKEN=${AK(gKey('hex32'))}` : null,
    D`ADMIN_EMAIL=${E(gEmail(devPerson(), 'copperleaf.io'))}`,
    D`SESSION_SECRET=${PW(gPw('env'))}`,
  ]);
});
T('aws-credentials', 3, (i) => {
  if (i === 2)
    return J([
      '$ aws sts get-session-token --duration-seconds 3600',
      '{',
      '    "Credentials": {',
      D`        "AccessKeyId": "${AWS(gAwsId('ASIA'))}",`,
      D`        "SecretAccessKey": "${AWS(gAwsSecret())}",`,
      D`        "SessionToken": "${NT('AWS_SESSION_TOKEN', 'IQoJb3JpZ2luX2VjE' + chars(300, B64))}",`,
      `        "Expiration": "${int(2024, 2025)}-0${int(1, 9)}-1${int(0, 9)}T${pad(int(0, 23), 2)}:00:00+00:00"`,
      '    }',
      '}',
    ]);
  return J([
    '# ~/.aws/credentials',
    '[default]',
    D`aws_access_key_id = ${AWS(gAwsId())}`,
    D`aws_secret_access_key = ${AWS(gAwsSecret())}`,
    '',
    `[${pick(['prod-admin', 'billing-ro', 'ci'])}]`,
    D`aws_access_key_id=${AWS(gAwsId())}`,
    D`aws_secret_access_key=${AWS(gAwsSecret())}`,
    'region=eu-central-1',
  ]);
});
T('gcp-service-account', 2, (i) => {
  const proj = pick(['pixelgrove-prod', 'kestrel-ml-381207', 'northwind-data']);
  return D`{
  "type": "service_account",
  "project_id": "${proj}",
  "private_key_id": "${NT('KEY_ID', chars(40, HEX))}",
  "private_key": "${PK(gPem(i ? 'pkcs8' : 'pkcs8ec', { eol: '\\n' }))}\\n",
  "client_email": "${E(`${pick(['etl-runner', 'ci-deployer', 'bq-reader'])}@${proj}.iam.gserviceaccount.com`)}",
  "client_id": "${nz(21)}",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}`;
});
T('ssh-key-paste', 3, (i) => {
  const a = devPerson(),
    b = devPerson();
  if (i === 0)
    return J([
      D`${P(a.given.toLowerCase())}: ok here's the deploy key, can you add it to the box?`,
      '```',
      D`$ cat ~/.ssh/id_ed25519`,
      D`${PK(gPem('openssh'))}`,
      '```',
      D`${P(b.given.toLowerCase())}: dude that's the PRIVATE half 😬 rotate it and send me the .pub`,
    ]);
  if (i === 1)
    return J([
      D`Issue #${int(100, 4000)}: TLS handshake fails after cert renewal`,
      D`Opened by ${P(a.western)}`,
      '',
      'Steps: generated a new key and CSR with openssl, nginx refuses to start. Here is what I have in /etc/ssl/private/site.key:',
      '',
      '-----BEGIN EC PARAMETERS-----',
      'BggqhkjOPQMBBw==',
      '-----END EC PARAMETERS-----',
      D`${PK(gPem('ec'))}`,
      '',
      D`Server IP is ${IP(gIPv4('pub'))} if that helps.`,
    ]);
  return J([
    D`From: ${P(a.western)} <${E(gEmail(a, 'copperleaf.io'))}>`,
    'Subject: legacy SFTP key for the bank feed',
    '',
    D`Hi ${P(b.given)}, the old partner still needs RSA. Passphrase is ${PW(gPw('any'))}.`,
    '',
    D`${PK(gPem('rsa', { proc: true }))}`,
  ]);
});
T('jwt-debug-log', 3, (i) => {
  const p = devPerson(),
    t = () =>
      `${int(2024, 2025)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}Z`;
  if (i === 2)
    return J([
      'HTTP/1.1 200 OK',
      'Content-Type: application/json',
      '',
      '{',
      D`  "access_token": "${JW(gJwt({ email: gEmail(p, 'gmail.com'), email_verified: true }, 'RS256'))}",`,
      D`  "id_token": "${JW(gJwt({ name: p.western, email: gEmail(p, 'gmail.com') }, 'RS256'))}",`,
      D`  "refresh_token": "${NT('TOKEN', chars(54, B64U))}",`,
      '  "token_type": "Bearer",',
      '  "expires_in": 3600',
      '}',
    ]);
  return J([
    D`${t()} DEBUG auth.middleware request from ${IP(gIP())} authorization="Bearer ${JW(gJwt({ email: gEmail(p, 'copperleaf.io'), roles: ['user'] }))}"`,
    D`${t()} INFO  auth.middleware token ok sub=${int(1000, 99999)} user=${E(gEmail(p, 'copperleaf.io'))}`,
    D`${t()} WARN  auth.middleware expired token from ${IP(gIPv4('pub'))}: ${JW(gJwt({ tenant: pick(['acme', 'globex', 'initech']) }, 'HS256'))}`,
  ]);
});
T('connection-strings', 3, (i) => {
  if (i === 0)
    return D`{
  "ConnectionStrings": {
    "Default": "Server=${IP(gIPv4('priv'))},1433;Database=Orders;User Id=sa;Password=${PW(gPw('conn'))};TrustServerCertificate=True",
    "Reporting": "Host=${IP(gIPv4('priv'))};Port=5432;Username=report;Password=${PW(gPw('conn'))}"
  },
  "Smtp": { "User": "${E('mailer@' + cdom('Groupe Vérane'))}", "Password": "${PW(gPw('json'))}" }
}`;
  if (i === 1)
    return J([
      '# settings.py',
      'DATABASES = {',
      "    'default': {",
      "        'ENGINE': 'django.db.backends.postgresql',",
      D`        'HOST': '${IP(gIPv4('pub'))}',`,
      "        'USER': 'django',",
      D`        'PASSWORD': '${PW(gPw('json'))}',`,
      '    }',
      '}',
      D`ALLOWED_HOSTS = ['app.pixelgrove.io', '${IP(gIPv4('pub'))}']`,
      D`EMAIL_HOST_USER = '${E(gEmail(devPerson(), 'gmail.com'))}'`,
      D`EMAIL_HOST_PASSWORD = '${PW(chars(4, LO) + ' ' + chars(4, LO) + ' ' + chars(4, LO) + ' ' + chars(4, LO))}'`,
      D`STRIPE_SECRET_KEY = '${AK(gKey('stripe'))}'`,
    ]);
  return J([
    '# application.properties',
    D`spring.datasource.url=jdbc:mysql://${IP(gIPv4('priv'))}:3306/shop`,
    'spring.datasource.username=shop',
    D`spring.datasource.password=${PW(gPw('env'))}`,
    D`spring.data.mongodb.uri=mongodb+srv://analytics:${PW(gPw('url'))}@cluster0.${chars(5, LO + DG)}.mongodb.net/events`,
    D`spring.rabbitmq.addresses=amqp://worker:${PW(gPw('url'))}@${IP(gIPv4('priv'))}:5672`,
    D`spring.mail.username=${E(gEmail(devPerson(), 'outlook.com'))}`,
    D`spring.mail.password=${PW(gPw('env'))}`,
  ]);
});
T('ansible-inventory', 2, (_i) =>
  J([
    '[web]',
    ...[1, 2].map((k) => D`web0${k} ansible_host=${IP(gIPv4('pub'))} ansible_user=deploy`),
    '',
    '[db]',
    D`db01 ansible_host=${IP(gIPv4('priv'))}`,
    '',
    '[all:vars]',
    D`ansible_password=${PW(gPw('env'))}`,
    D`ansible_become_pass=${PW(gPw('env'))}`,
    D`grafana_admin_email=${E(gEmail(devPerson(), 'copperleaf.io'))}`,
  ]),
);
T('cisco-config', 2, (_i) =>
  J([
    `hostname ${pick(['BR-EDGE-01', 'HQ-CORE-SW2'])}`,
    '!',
    D`enable secret 9 ${HASH('$9$' + chars(14, AN + './') + '$' + chars(43, AN + './'))}`,
    D`username netops privilege 15 secret ${PW(gPw('env'))}`,
    '!',
    'interface GigabitEthernet0/0',
    ' description WAN uplink',
    D` ip address ${IP(gIPv4('pub'))} 255.255.255.252`,
    '!',
    'interface Vlan10',
    D` ip address ${IP(gIPv4('priv'))} 255.255.255.0`,
    '!',
    D`snmp-server community ${PW(gPw('env'))} RO`,
    D`ntp server ${IP(gIPv4('pub'))}`,
    D`logging host ${IP(gIPv4('priv'))}`,
    D`tacacs-server host ${IP(gIPv4('priv'))} key ${PW(gPw('env'))}`,
  ]),
);
T('logcat-android', 2, (_i) => {
  const p = devPerson(),
    t = () =>
      `${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${digits(3)}`;
  return J([
    D`${t()}  ${int(3000, 9000)}  ${int(3000, 9000)} D OkHttp  : --> POST https://api.northwind.io/v2/session`,
    D`${t()}  ${int(3000, 9000)}  ${int(3000, 9000)} D OkHttp  : {"email":"${E(gEmail(p, 'gmail.com'))}","password":"${PW(gPw('json'))}","device":"${pick(['Pixel 7', 'SM-A546B'])}"}`,
    D`${t()}  ${int(3000, 9000)}  ${int(3000, 9000)} D OkHttp  : <-- 200 OK (${int(80, 900)}ms) {"token":"${JW(gJwt({ uid: int(1000, 99999) }))}"}`,
    D`${t()}  ${int(3000, 9000)}  ${int(3000, 9000)} I Analytics: user_props name=${P(p.western)} phone=${PH(gPhone(pick(['BR', 'ID', 'IN', 'TR'])))}`,
    D`${t()}  ${int(3000, 9000)}  ${int(3000, 9000)} W NetMon  : dns fallback to ${IP(gIPv4('pub'))}`,
  ]);
});
T('firebase-config', 2, (i) =>
  J([
    '// src/firebase.js',
    'const firebaseConfig = {',
    D`  apiKey: "${AK(gKey('google'))}",`,
    `  authDomain: "${pick(['pixelgrove', 'tokobaru-app'])}.firebaseapp.com",`,
    `  projectId: "${pick(['pixelgrove', 'tokobaru-app'])}",`,
    `  messagingSenderId: "${nz(12)}",`,
    `  appId: "1:${nz(12)}:web:${chars(22, HEX)}"`,
    '};',
    '',
    D`// server-side only, remove before release: ${AK(gKey('firebase'))}`,
    i ? D`const mapsKey = "${AK(gKey('google'))}";` : null,
  ]),
);
T('ci-log', 2, (_i) => {
  return J([
    `Running with gitlab-runner 16.${int(0, 11)}.0 on docker-runner-${int(1, 9)}`,
    '$ echo "Logging in to registry"',
    'Logging in to registry',
    D`$ docker login -u ci-bot -p ${PW(gPw('env'))} registry.copperleaf.io`,
    'WARNING! Using --password via the CLI is insecure. Use --password-stdin.',
    'Login Succeeded',
    '$ docker login -u ci-bot -p [MASKED] ghcr.io',
    D`$ export GITLAB_TOKEN=${AK(gKey('gitlab'))}`,
    D`$ curl -sf http://${IP(gIPv4('priv'))}:9000/minio/health/live`,
    `Job succeeded`,
  ]);
});
T('kubeconfig', 2, (_i) =>
  J([
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' + chars(120, B64)}`,
    D`    server: https://${IP(gIPv4('pub'))}:6443`,
    `  name: ${pick(['prod-eu', 'staging'])}`,
    'users:',
    '- name: ci-deployer',
    '  user:',
    D`    token: ${JW(gJwt({ 'kubernetes.io/serviceaccount/namespace': 'ci', sub: 'system:serviceaccount:ci:deployer' }, 'RS256'))}`,
    '- name: admin',
    '  user:',
    D`    client-key-data: ${ENC('LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ' + chars(160, B64))}`,
  ]),
);
T('openvpn-profile', 2, (i) => {
  const owner = devPerson();
  return J([
    'client',
    'dev tun',
    'proto udp',
    D`remote ${IP(gIPv4('pub'))} 1194`,
    D`remote ${IP(gIPv4('pub'))} 443`,
    'resolv-retry infinite',
    'nobind',
    'auth-user-pass',
    '<ca>',
    '-----BEGIN CERTIFICATE-----',
    ...chars(256, B64).match(/.{64}/g),
    '-----END CERTIFICATE-----',
    '</ca>',
    '<key>',
    D`${PK(gPem(i ? 'pkcs8' : 'rsa'))}`,
    '</key>',
    D`# issued to ${P(owner.western)} - ${E(gEmail(owner, 'copperleaf.io'))}`,
  ]);
});

// ---------------------------------------------------------------- clinical records (MRN / DOB under many labels)
const drName = (c) => person(c || pick(['en', 'in', 'ng', 'cn', 'ar', 'de']));
T('pharmacy-label-en', 3, (_i) => {
  const p = person(pick(['en', 'in', 'es', 'vn', 'ng'])),
    dr = drName(),
    cc = pick(['US', 'CA']);
  return J([
    D`${ORG(pick(['Maple Leaf Pharmacy', 'Riverside Drug', 'CareFirst Pharmacy #' + int(100, 999)]))}`,
    D`${AD(gAddr(cc))}   ${PH(gPhone(cc))}`,
    '',
    D`Rx# ${NID(digits(7))}   Filled: ${DT(gDate('us'))}`,
    D`${P(p.western.toUpperCase())}`,
    D`DOB: ${DOB(fmtDate(randDate(1938, 2010), pick(['mdy/', 'iso'])))}   MRN: ${MRN(gMrn())}`,
    `${pick(['AMOXICILLIN 500 MG CAPSULE', 'LISINOPRIL 10 MG TABLET', 'METFORMIN 850 MG TABLET', 'SERTRALINE 50 MG TABLET'])}`,
    `TAKE ${pick(['ONE', 'TWO'])} ${pick(['CAPSULE', 'TABLET'])} BY MOUTH ${pick(['TWICE DAILY', 'ONCE DAILY', 'EVERY 8 HOURS'])}`,
    D`Prescriber: Dr. ${P(dr.western)}   Refills: ${int(0, 5)}`,
  ]);
});
T('lab-report-de', 3, (_i) => {
  const p = person(pick(['de', 'de', 'tr', 'pl'])),
    dr = person('de');
  return J([
    D`${ORG('Labor Dr. Wagner & Kollegen MVZ')} · ${AD(gAddr('DE'))} · Tel. ${PH(gPhone('DE'))}`,
    'LABORBEFUND',
    '',
    D`Patient/in: ${P(`${p.last}, ${p.first}`)}   geb. ${DOB(gDob('de'))}`,
    D`Patientennummer: ${MRN(gMrn())}   Fallnummer: ${NID(digits(10))}`,
    D`Einsender: Dr. med. ${P(dr.full)}, Hausarztpraxis`,
    D`Eingang: ${DT(gDate('de'))}`,
    '',
    `HbA1c        ${int(5, 9)},${int(0, 9)} %      (< 5,7)`,
    `Kreatinin    ${int(0, 1)},${digits(2)} mg/dl (0,5-1,0)`,
    `TSH          ${int(0, 4)},${digits(2)} mU/l  (0,27-4,2)`,
  ]);
});
T('dental-it', 2, (_i) => {
  const p = person('it'),
    dr = person('it');
  return J([
    D`Studio Odontoiatrico ${pick(['Dott.', 'Dr.'])} ${P(dr.full)}`,
    D`${AD(gAddr('IT'))} - tel. ${PH(gPhone('IT'))}`,
    '',
    D`Paziente: ${P(p.full)}   Data di nascita: ${DOB(gDob('it'))}`,
    D`N. cartella clinica: ${MRN(gMrn())}`,
    D`Recapiti: ${PH(gPhone('IT'))} · ${E(gEmail(p, pick(PDOM.IT)))}`,
    D`Prossimo appuntamento: ${DT(gDate('it'))} ore ${int(9, 18)}:${pick(['00', '30'])} - igiene professionale`,
  ]);
});
T('vaccination-br', 2, (_i) => {
  const p = person('br');
  return J([
    D`CARTÃO DE VACINAÇÃO - ${ORG('UBS Vila Madalena')}`,
    D`Nome: ${P(p.full)}`,
    D`Data de nascimento: ${DOB(gDob('pt'))}`,
    D`Prontuário nº ${MRN(gMrn())}   Cartão SUS: ${NID(`${digits(3)} ${digits(4)} ${digits(4)} ${digits(4)}`)}`,
    D`Mãe: ${P(person('br').full)}`,
    D`Endereço: ${AD(gAddr('BR'))}`,
    D`Influenza - dose anual - ${DT(gDate('pt'))} - lote ${chars(2, UP)}${digits(4)}`,
  ]);
});
T('physio-referral-au', 2, (_i) => {
  const p = person(pick(['en', 'cn', 'gh', 'vn'])),
    gp = drName('en');
  return J([
    D`Referral to ${ORG('Harbourside Physiotherapy')}`,
    '',
    D`Patient: ${P(p.western)}  UR No. ${MRN(gMrn())}`,
    D`DOB ${DOB(fmtDate(randDate(1950, 2005), 'dmy/'))}  Medicare ${NID(`${digits(4)} ${digits(5)} ${digits(1)}`)}`,
    D`Address: ${AD(gAddr('AU'))}   Ph: ${PH(gPhone('AU'))}`,
    '',
    D`Dear colleague, thank you for seeing ${P(p.given)} for right shoulder impingement following a fall at work.`,
    '',
    'Kind regards,',
    D`Dr ${P(gp.western)} (GP)`,
    D`${PH(gPhone('AU'))}`,
  ]);
});
T('radiology-fr', 2, (_i) => {
  const p = person('fr'),
    dr = person('fr');
  return J([
    "COMPTE RENDU D'EXAMEN - IRM du genou droit",
    D`Patient(e) : ${P(`${up(p.last)} ${p.first}`)}, né(e) le ${DOB(gDob('fr'))}`,
    D`IPP : ${MRN(gMrn())}   N° de séjour : ${NID(digits(9))}`,
    D`Médecin prescripteur : Dr ${P(dr.western)}`,
    D`Date de l'examen : ${DT(gDate('fr'))}`,
    '',
    'Conclusion : fissure horizontale de la corne postérieure du ménisque interne.',
    D`Contact secrétariat : ${PH(gPhone('FR'))}`,
  ]);
});
T('hospital-bill-us', 3, (i) => {
  const p = person(pick(['en', 'es', 'ng', 'ph', 'in'])),
    g = person(p.c);
  return J([
    D`${ORG('Lumen Health Partners')} - Patient Statement`,
    D`Remit to: ${AD(gAddr('US', true))}`,
    '',
    D`Patient: ${P(p.western)}   MRN ${MRN(gMrn())}   DOB ${DOB(fmtDate(randDate(1945, 2015), pick(['mdy/', 'mdyy'])))}`,
    D`Guarantor: ${P(g.western)}   SSN ${SSN(gSSN())}`,
    D`Guarantor address: ${AD(gAddr('US'))}`,
    D`Insurance: ${ORG('BlueRidge Health Plan')} member ID ${NID(chars(3, UP) + digits(9))}`,
    D`Date of service: ${DT(gDate('us'))}   Amount due: $${int(40, 3200)}.${digits(2)}`,
    i === 1 ? D`Paid by card ${CC(gCard('visa'))} - thank you!` : D`Questions? Call ${PH(gPhone('US'))}, Mon-Fri 8-5.`,
  ]);
});
T('hospital-letter-nl', 2, (i) => {
  const p = person('nl');
  return J([
    'Afspraakbevestiging polikliniek Dermatologie',
    '',
    D`Geachte ${i ? 'heer' : 'mevrouw'} ${P(p.last)},`,
    '',
    D`Hierbij bevestigen wij uw afspraak op ${DT(gDate('nl'))} om ${int(8, 16)}.${pick(['00', '15', '30', '45'])} uur.`,
    D`Patiëntnummer: ${MRN(gMrn())}   Geboortedatum: ${DOB(gDob('nl'))}`,
    D`Kunt u niet komen? Bel dan ${PH(gPhone('NL'))}.`,
    '',
    'Met vriendelijke groet,',
    D`${ORG('Ziekenhuis Rijnoever')}`,
  ]);
});
T('fhir-patient', 2, (_i) => {
  const p = person(pick(['en', 'es', 'cn', 'in'])),
    cc = 'US';
  return D`{
  "resourceType": "Patient",
  "identifier": [ { "type": { "coding": [ { "code": "MR" } ] }, "system": "urn:oid:2.16.840.1.113883.19.5", "value": "${MRN(gMrn())}" } ],
  "name": [ { "use": "official", "family": "${P(p.last)}", "given": [ "${P(p.first)}" ] } ],
  "telecom": [ { "system": "phone", "value": "${PH(gPhone(cc))}", "use": "mobile" }, { "system": "email", "value": "${E(gEmail(p, pick(PDOM.US)))}" } ],
  "gender": "${pick(['female', 'male'])}",
  "birthDate": "${DOB(fmtDate(randDate(1940, 2012), 'iso'))}",
  "address": [ { "use": "home", "text": "${AD(gAddr(cc))}" } ]
}`;
});
T('hl7-adt', 2, (_i) => {
  const p = person(pick(['en', 'es', 'vn'])),
    dob = fmtDate(randDate(1940, 2010), 'compact');
  const st = `${int(10, 9999)} ${pick(['Oak St', 'Main St', 'Cedar Ave'])}^^${pick(['Austin^TX^78704', 'Denver^CO^80205', 'Boise^ID^83702'])}`;
  return J([
    `MSH|^~\\&|EPIC|LUMEN|HIS|LUMEN|${int(2024, 2025)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}${digits(4)}||ADT^A04|${digits(8)}|P|2.5.1`,
    D`PID|1||${MRN(gMrn())}^^^LUMEN^MR||${P(up(p.last))}^${P(up(p.first))}||${DOB(dob)}|${pick(['F', 'M'])}|||${AD(st)}||${PH(`(${pick(US_AREAS)})${exch()}-${digits(4)}`)}|||||${NID(digits(9))}|${SSN(gSSN(''))}`,
    D`NK1|1|${P(up(person(p.c).last))}^${P(up(pick(CULT[p.c].f)))}|SPO|||${PH(gPhone('US'))}`,
    D`PV1|1|O|CLINIC^${int(100, 400)}^1|||||${digits(6)}^${P(up(person('en').last))}^${P(up(pick(CULT.en.f)))}`,
  ]);
});
T('patient-portal-msg', 2, (_i) => {
  const p = person(pick(['en', 'in', 'ar', 'cn'])),
    dr = drName();
  return J([
    D`To: Dr. ${P(dr.last)}`,
    'Subject: refill request',
    '',
    D`Hi Dr. ${P(dr.last)}, this is ${P(p.western)} (DOB ${DOB(fmtDate(randDate(1950, 2000), pick(['mdy/', 'us'])))}, MRN ${MRN(gMrn())}). I'm running low on my inhaler and the pharmacy said they need a new script.`,
    D`Best number to reach me is ${PH(gPhone('US'))}. Thanks!`,
    D`${P(p.given)}`,
  ]);
});
T('rekam-medis-id', 2, (_i) => {
  const p = person('id');
  return J([
    D`${ORG('RSUD Kota Bandung')} - Kartu Berobat`,
    D`No. Rekam Medis: ${MRN(gMrn())}`,
    D`Nama Pasien: ${P(p.full)}`,
    D`Tgl. Lahir: ${DOB(gDob('id'))}`,
    D`Alamat: ${AD(gAddr('ID'))}`,
    D`No. HP: ${PH(gPhone('ID'))}`,
    D`No. BPJS: ${NID(digits(13))}`,
  ]);
});
T('randevu-tr', 2, (_i) => {
  const p = person('tr'),
    dr = person('tr');
  return J([
    'MHRS Randevu Bilgisi',
    D`Hasta: ${P(p.full)}   T.C. Kimlik No: ${NID(nz(11))}`,
    D`Doğum Tarihi: ${DOB(gDob('tr'))}   Dosya No: ${MRN(gMrn())}`,
    D`Hekim: Uzm. Dr. ${P(dr.full)} - Kardiyoloji`,
    D`Randevu: ${DT(gDate('tr'))} ${pad(int(8, 16), 2)}:${pick(['00', '20', '40'])}`,
    D`İletişim: ${PH(gPhone('TR'))}`,
  ]);
});
T('clinic-jp-sv', 2, (i) => {
  if (i === 0) {
    const p = person('jp');
    return J([
      'Uketsuke memo (romaji)',
      D`Karte bangō: ${MRN(gMrn())}`,
      D`Shimei: ${P(p.full)}-sama`,
      D`Seinengappi: ${DOB(gDob('jp'))}`,
      D`Renraku-saki: ${PH(gPhone('JP'))}`,
      D`Jūsho: ${AD(gAddr('JP'))}`,
      'Shushō: zutsū, netsu 38.2',
    ]);
  }
  const p = person('sv');
  return J([
    'Kallelse till Vårdcentralen Linnéstaden',
    D`${P(p.full)}`,
    D`${AD(gAddr('SE', true))}`,
    '',
    D`Journal-ID: ${MRN(gMrn())}   Födelsedatum: ${DOB(gDob('sv'))}`,
    D`Tid: ${DT(gDate('sv'))} kl. ${int(8, 16)}:${pick(['00', '30'])} hos distriktsläkare ${P(person('sv').full)}.`,
    D`Av- och ombokning: ${PH(gPhone('SE'))}`,
  ]);
});
T('informe-alta-es-pl', 3, (i) => {
  if (i < 2) {
    const p = person('es'),
      dr = person('es');
    return J([
      'INFORME DE ALTA HOSPITALARIA',
      D`Paciente: ${P(p.full)}`,
      D`NHC: ${MRN(gMrn())}   CIP: ${NID(chars(4, UP) + digits(10))}`,
      D`Fecha de nacimiento: ${DOB(gDob('es'))}`,
      D`Domicilio: ${AD(gAddr('ES'))}`,
      D`Fecha de ingreso: ${DT(gDate('es'))}   Fecha de alta: ${DT(gDate('es'))}`,
      D`Médico responsable: Dra. ${P(dr.full)}`,
    ]);
  }
  const p = person('pl');
  return J([
    'KARTA INFORMACYJNA LECZENIA SZPITALNEGO',
    D`Pacjent: ${P(p.full)}`,
    D`Nr historii choroby: ${MRN(gMrn())}   PESEL: ${NID(digits(11))}`,
    D`Data urodzenia: ${DOB(gDob('pl'))}`,
    D`Adres: ${AD(gAddr('PL'))}`,
    D`Lekarz prowadzący: lek. med. ${P(person('pl').full)}`,
  ]);
});

// ---------------------------------------------------------------- passwords in prose (12 languages), cards, SSNs, IBANs, more MRN / AWS / JWT / PEM
const WIFI = [
  ['en', (s, p) => D`wifi is ${s} and the password is ${p}`],
  ['br', (s, p) => D`a rede é ${s} e a senha do wifi é ${p}`],
  ['pt', (s, p) => D`a rede chama-se ${s}, a palavra-passe é ${p}`],
  ['it', (s, p) => D`la rete è ${s}, la password del wifi è ${p}`],
  ['nl', (s, p) => D`netwerk ${s}, het wifi-wachtwoord is ${p}`],
  ['de', (s, p) => D`WLAN ${s}, das Passwort lautet ${p}`],
  ['fr', (s, p) => D`le réseau c'est ${s} et le mot de passe du wifi c'est ${p}`],
  ['es', (s, p) => D`la red es ${s} y la contraseña del wifi es ${p}`],
  ['pl', (s, p) => D`sieć ${s}, hasło do wifi to ${p}`],
  ['id', (s, p) => D`wifinya ${s}, password-nya ${p} ya`],
  ['tr', (s, p) => D`wifi adı ${s}, şifresi ${p}`],
  ['jp', (s, p) => D`wifi wa ${s} de, pasuwādo wa ${p} desu`],
  ['sv', (s, p) => D`nätverket heter ${s} och wifi-lösenordet är ${p}`],
];
T('wifi-password-multi', 4, (i) => {
  const lines = [];
  for (let k = 0; k < 3; k++) {
    const [c, f] = WIFI[(i * 3 + k) % WIFI.length];
    const host = person(c),
      guest = person(c);
    lines.push(
      D`${P(host.given.toLowerCase())}: ${f(NT('SSID', pick(['Casa', 'FRITZ!Box 7590 ', 'Vodafone-', 'TP-Link_', 'Ziggo', 'Livebox-', 'MEO-', 'Telia-']) + chars(4, UP + DG)), PW(gPw('env')))}`,
      D`${P(guest.given)}: 👍`,
    );
  }
  return J(lines);
});
const PWCHAT = [
  (p) => D`my password for the benefits portal is ${p} if you need to log in for me`,
  (p) => D`mi contraseña del banco es ${p}, no se la digas a nadie`,
  (p) => D`o login é meu e-mail e a senha é ${p}`,
  (p) => D`mein Passwort für das Kundenkonto ist ${p}`,
  (p) => D`il mio codice di accesso è ${p}`,
  (p) => D`mijn wachtwoord is ${p}, kun jij even inloggen?`,
  (p) => D`mon mot de passe c'est ${p} (avec la majuscule)`,
  (p) => D`hasło do konta: ${p}`,
  (p) => D`kata sandi akun shopee aku ${p}`,
  (p) => D`e-devlet şifrem ${p}, sen bir bak`,
  (p) => D`pasuwādo wa ${p} desu`,
  (p) => D`lösenordet till Netflix är ${p}`,
];
T('password-chat-multi', 4, (i) => {
  const lines = [];
  for (let k = 0; k < 3; k++) {
    const a = person(),
      b = person();
    lines.push(D`${P(a.given)} → ${P(b.given)}: ${PWCHAT[(i * 3 + k) % PWCHAT.length](PW(gPw('env')))}`);
  }
  return J([
    ...lines,
    i === 3
      ? D`IT ticket #${int(10000, 99999)}: user ${E(gEmail(person(), 'copperleaf.io'))} reports their temp password ${PW(gPw('env'))} no longer works`
      : 'Please use the password manager next time.',
  ]);
});
T('signup-form-multi', 3, (i) => {
  const [c, cc, lab] = [
    [
      'de',
      'DE',
      [
        'Registrierung',
        'Vorname',
        'Nachname',
        'E-Mail-Adresse',
        'Passwort',
        'Passwort wiederholen',
        'Geburtsdatum',
        'Mobilnummer',
      ],
    ],
    [
      'fr',
      'FR',
      [
        'Créer un compte',
        'Prénom',
        'Nom',
        'Adresse e-mail',
        'Mot de passe',
        'Confirmer le mot de passe',
        'Date de naissance',
        'Téléphone portable',
      ],
    ],
    [
      'id',
      'ID',
      [
        'Daftar Akun',
        'Nama depan',
        'Nama belakang',
        'Email',
        'Kata sandi',
        'Ulangi kata sandi',
        'Tanggal lahir',
        'Nomor HP',
      ],
    ],
  ][i];
  const p = person(c);
  return J([
    lab[0],
    D`${lab[1]}: ${P(p.first)}`,
    D`${lab[2]}: ${P(p.last)}`,
    D`${lab[3]}: ${E(gEmail(p, pick(PDOM[cc])))}`,
    D`${lab[4]}: ${PW(gPw('any'))}`,
    `${lab[5]}: ••••••••••`,
    D`${lab[6]}: ${DOB(gDob(c))}`,
    D`${lab[7]}: ${PH(gPhone(cc))}`,
  ]);
});
T('temp-password-email', 2, (i) => {
  const p = person(i ? 'br' : 'en');
  return i
    ? J([
        'Assunto: Sua nova senha de acesso',
        '',
        D`Olá, ${P(p.given)}!`,
        D`Recebemos um pedido de redefinição de senha para ${E(gEmail(p, pick(PDOM.BR)))}.`,
        D`Senha provisória: ${PW(gPw('any'))}`,
        'Por segurança, troque-a no primeiro acesso.',
      ])
    : J([
        'Subject: Your account has been created',
        '',
        D`Hello ${P(p.western)},`,
        D`Username: ${USR(slug(p.first) + '.' + slug(p.last))}`,
        D`Temporary password: ${PW(gPw('any'))}`,
        D`Sign in at https://portal.bluefin-payroll.com and change it within 24 hours. Questions: ${PH(gPhone('US'))}`,
      ]);
});
T('card-phone-order', 3, (_i) => {
  const c = person(pick(['en', 'in', 'ng', 'es'])),
    ag = pick(CULT.en.f),
    cc = pick(['US', 'GB', 'CA']);
  return J([
    `CALL TRANSCRIPT - order line - ${pick(['inbound', 'callback'])}`,
    D`AGENT (${P(ag)}): Thanks for calling, can I take your name?`,
    D`CALLER: It's ${P(c.western)}.`,
    D`AGENT: And the card number when you're ready?`,
    D`CALLER: ${CC(gCard(pick(['visa', 'mc', 'amex']), ' '))}, expiry ${pad(int(1, 12), 2)} ${int(26, 31)}.`,
    D`AGENT: Billing address?`,
    D`CALLER: ${AD(gAddr(cc))}.`,
    D`AGENT: Lovely. We'll text confirmation to ${PH(gPhone(cc))}, is that right?`,
    "CALLER: Yes, that's my mobile.",
  ]);
});
T('booking-card-guarantee', 3, (i) => {
  const g = person(['jp', 'en', 'it'][i]);
  if (i === 0)
    return J([
      'Yoyaku kakunin - Ryokan Hanamizuki',
      D`Yoyaku-sha: ${P(g.full)}-sama`,
      D`Renraku-saki: ${PH(gPhone('JP'))} / ${E(gEmail(g, pick(PDOM.JP)))}`,
      D`Shukuhaku-bi: ${DT(gDate('jp'))} kara 2-haku`,
      D`Kurejitto kādo (hoshō): ${CC(gCard('jcb'))}`,
      'Chōshoku: ari, yūshoku: kaiseki',
    ]);
  if (i === 1)
    return J([
      'Reservation #' + digits(8),
      D`Guest: ${P(g.western)}   Guests: 2 adults`,
      D`Arrival: ${DT(gDate('en'))}   Nights: ${int(1, 6)}`,
      D`Card guarantee: ${CC(gCard(pick(['visa', 'mc', 'disc']), '-'))} exp ${pad(int(1, 12), 2)}/${int(26, 30)}`,
      D`Phone: ${PH(gPhone('GB'))}`,
      'Special requests: late check-in, quiet room',
    ]);
  return J([
    'Conferma prenotazione - Agriturismo Le Querce',
    D`Ospite: ${P(g.full)}`,
    D`Carta a garanzia: ${CC(gCard(pick(['visa', 'mc']), ''))} (scad. ${pad(int(1, 12), 2)}/${int(26, 30)})`,
    D`Cellulare: ${PH(gPhone('IT'))}`,
    D`Arrivo previsto: ${DT(gDate('it'))}`,
  ]);
});
T('card-block-chat', 2, (i) => {
  const p = person(i ? 'tr' : 'pt');
  return i
    ? J([
        D`Müşteri (${P(p.full)}): kartımı kaybettim, hemen bloke edin lütfen`,
        'Temsilci: Geçmiş olsun. Kart numaranızı yazar mısınız?',
        D`Müşteri: ${CC(gCard(pick(['visa', 'mc']), ' '))}`,
        D`Temsilci: Kartınız bloke edildi. Yeni kartınız kayıtlı adresinize gönderilecek: ${AD(gAddr('TR'))}`,
      ])
    : J([
        D`Cliente (${P(p.full)}): bom dia, fui roubado ontem, quero cancelar o cartão ${CC(gCard('visa', ' '))}`,
        D`Assistente: Lamento, ${P(p.given)}. O cartão foi cancelado. Confirma o telemóvel ${PH(gPhone('PT'))} para receber o código?`,
        'Cliente: sim, é esse',
      ]);
});
T('ssn-family-tax-email', 2, (_i) => {
  const h = person(pick(['en', 'es', 'in'])),
    w = person(h.c),
    k1 = pick(CULT[h.c].f),
    k2 = pick(CULT[h.c].f);
  return J([
    D`From: ${P(h.western)} <${E(gEmail(h, pick(PDOM.US)))}>`,
    D`To: ${E('prep@' + pick(['cornerstonetax.com', 'ledgerline-cpa.com']))}`,
    'Subject: info for our 1040',
    '',
    D`Hi ${P(pick(CULT.en.f))}, here's everything you asked for:`,
    '',
    D`Me: ${P(h.western)}, SSN ${SSN(gSSN())}, DOB ${DOB(fmtDate(randDate(1970, 1990), 'mdy/'))}`,
    D`Spouse: ${P(w.western)}, SSN ${SSN(gSSN())}, DOB ${DOB(fmtDate(randDate(1970, 1990), 'mdy/'))}`,
    D`Kids: ${P(k1)} (SSN ${SSN(gSSN())}, born ${DOB(fmtDate(randDate(2008, 2016), 'us'))}) and ${P(k2)} (SSN ${SSN(gSSN(' '))}, born ${DOB(fmtDate(randDate(2012, 2020), 'us'))})`,
    '',
    D`Refund to checking, routing ${NID(nz(9))} account ${NID(nz(10))}. Our new address is ${AD(gAddr('US'))}.`,
  ]);
});
T('credit-application-us', 3, (i) => {
  const a = person(pick(['en', 'es', 'ng', 'ph', 'cn'])),
    b = person(a.c);
  return J([
    'AUTO LOAN CREDIT APPLICATION',
    D`Applicant: ${P(a.western)}   SSN: ${SSN(gSSN())}   DOB: ${DOB(fmtDate(randDate(1960, 2003), 'mdy/'))}`,
    D`Address: ${AD(gAddr('US'))}   Years at address: ${int(1, 15)}`,
    D`Phone: ${PH(gPhone('US'))}   Email: ${E(gEmail(a, pick(PDOM.US)))}`,
    D`Employer: ${ORG(pick(COMPANIES.slice(0, 6)))}   Gross monthly income: $${int(2500, 12000)}`,
    i
      ? D`Co-applicant: ${P(b.western)}   SSN: ${SSN(gSSN(pick(['-', ''])))}   DOB: ${DOB(fmtDate(randDate(1960, 2003), 'mdy/'))}`
      : 'Co-applicant: none',
    'I authorize the dealer to obtain my credit report.',
  ]);
});
T('invoice-footer-iban', 3, (i) => {
  const [c, cc, co] = [
    ['de', 'DE', 'Nordlicht Versand GmbH'],
    ['nl', 'NL', 'Oranjeboom Lease B.V.'],
    ['fr', 'FR', 'Groupe Vérane'],
  ][i];
  const boss = person(c);
  return J([
    `${['Rechnung', 'Factuur', 'Facture'][i]} ${int(2024, 2025)}-${digits(5)}`,
    '…',
    '—',
    D`${ORG(co)} · ${AD(gAddr(cc))} · ${PH(gPhone(cc))} · ${E(`${pick(ROLEMAIL)}@${cdom(co)}`)}`,
    D`${['Geschäftsführer', 'Directeur', 'Gérant'][i]}: ${P(boss.full)}`,
    D`${IB(gIban(cc, false))} (${pick(['Hausbank', 'ING', 'Crédit Agricole'])}) · ${IB(gIban(pick(['BE', 'LU', 'AT', 'CH']), false))} · ${IB(gIban(pick(['IE', 'EE', 'LT', 'MT']), false))}`,
  ]);
});
T('refund-iban-request', 3, (i) => {
  const [c, cc] = [
    ['es', 'ES'],
    ['de', 'AT'],
    ['nl', 'BE'],
  ][i];
  const p = person(c);
  const body = [
    D`Hola, soy ${P(p.full)}. Devolví el pedido ${orderNo()} hace dos semanas y aún no he recibido el reembolso. Podéis hacerlo a mi cuenta ${IB(gIban('ES', chance(0.5)))}. Gracias.`,
    D`Sehr geehrte Damen und Herren, bitte überweisen Sie die Kaution auf mein Konto ${IB(gIban('AT', false))} (Kontoinhaberin: ${P(p.full)}). Mit freundlichen Grüßen, ${P(p.full)}, Tel. ${PH(gPhone('DE'))}`,
    D`Beste, graag de terugbetaling op rekening ${IB(gIban('BE', false))} t.n.v. ${P(p.full)}. Mvg, ${P(p.first)}`,
  ][i];
  return J([body, D`— ${E(gEmail(p, pick(PDOM[cc === 'AT' ? 'DE' : cc === 'BE' ? 'NL' : cc])))}`]);
});
T('rent-split-chat', 2, (i) => {
  const a = person(i ? 'de' : 'sv'),
    b = person(i ? 'tr' : 'sv'),
    c = person(i ? 'pl' : 'sv');
  return J([
    D`${P(a.given.toLowerCase())}: ok rent's due, send your share to ${IB(gIban(i ? 'DE' : 'SE', true))}`,
    D`${P(b.given.toLowerCase())}: sent 👍`,
    D`${P(c.given.toLowerCase())}: i'll pay next week, salary's late. or ${P(b.given.toLowerCase())} can you cover me?`,
    D`${P(b.given.toLowerCase())}: lol no. use my ${i ? 'PayPal' : 'Swish'} ${i ? E(gEmail(b, 'gmail.com')) : PH(gPhone('SE'))} if you want to pay me back for the internet`,
  ]);
});
T('appointment-sms-mrn', 3, (i) => {
  const p = person(pick(['en', 'in', 'br', 'es'])),
    clinic = pick(['Lumen Health', 'Riverside Clinic', 'St Brigid Day Surgery']);
  return J([
    D`SMS to ${PH(gPhone(pick(['US', 'GB', 'AU'])))}:`,
    D`${clinic}: Hi ${P(p.given)}, reminder of your appt on ${DT(gDate('en'))} at ${int(8, 16)}:${pick(['00', '30'])}. Please bring photo ID. Ref MRN ${MRN(gMrn())}. Reply C to confirm, R to reschedule.`,
    i === 2 ? D`Reply from patient: C - ${P(p.given.toLowerCase())}` : null,
  ]);
});
T('discharge-summary-en', 2, (_i) => {
  const p = person(pick(['en', 'ng', 'in', 'cn'])),
    att = drName(),
    nok = person(p.c);
  return J([
    'DISCHARGE SUMMARY',
    D`Patient: ${P(p.western)}   Hospital No.: ${MRN(gMrn())}   NHS No.: ${NID(`${digits(3)} ${digits(3)} ${digits(4)}`)}`,
    D`D.O.B.: ${DOB(fmtDate(randDate(1935, 1990), pick(['dmy/', 'dMony'])))}`,
    D`Admitted: ${DT(gDate('en'))}   Discharged: ${DT(gDate('en'))}`,
    D`Consultant: Mr ${P(att.western)} (Orthopaedics)`,
    'Diagnosis: fractured neck of femur, left; hemiarthroplasty performed.',
    D`Next of kin: ${P(nok.western)} (daughter), ${PH(gPhone('GB'))}`,
    D`GP: Dr ${P(drName('en').last)}, ${AD(gAddr('GB'))}`,
  ]);
});
T('aws-in-code', 3, (i) => {
  if (i === 0)
    return J([
      'import boto3',
      '',
      's3 = boto3.client(',
      "    's3',",
      D`    aws_access_key_id='${AWS(gAwsId())}',`,
      D`    aws_secret_access_key='${AWS(gAwsSecret())}',`,
      "    region_name='eu-west-2',",
      ')',
      "s3.upload_file('report.csv', 'finance-exports', 'q3/report.csv')",
    ]);
  if (i === 1)
    return J([
      D`${P(devPerson().given.toLowerCase())}: here's the link for the PDF, expires in an hour`,
      D`https://finance-exports.s3.eu-west-2.amazonaws.com/q3/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${AWS(gAwsId())}%2F${int(2024, 2025)}0${int(1, 9)}1${int(0, 9)}%2Feu-west-2%2Fs3%2Faws4_request&X-Amz-Date=${int(2024, 2025)}0${int(1, 9)}1${int(0, 9)}T${digits(6)}Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=${NT('TOKEN', chars(64, HEX))}`,
    ]);
  return J([
    '# serverless.yml',
    'service: thumbnailer',
    'provider:',
    '  name: aws',
    '  runtime: nodejs20.x',
    '  environment:',
    D`    AWS_KEY: ${AWS(gAwsId())}`,
    D`    AWS_SECRET: ${AWS(gAwsSecret())}`,
    D`    ALERT_EMAIL: ${E(gEmail(devPerson(), 'copperleaf.io'))}`,
  ]);
});
T('supabase-env-jwt', 2, (_i) => {
  const ref = chars(20, LO);
  return J([
    `NEXT_PUBLIC_SUPABASE_URL=https://${ref}.supabase.co`,
    D`NEXT_PUBLIC_SUPABASE_ANON_KEY=${JW(gJwt({ iss: 'supabase', ref, role: 'anon' }, 'HS256'))}`,
    D`SUPABASE_SERVICE_ROLE_KEY=${JW(gJwt({ iss: 'supabase', ref, role: 'service_role' }, 'HS256'))}`,
    D`RESEND_API_KEY=${AK(gKey('resend'))}`,
    D`DATABASE_PASSWORD=${PW(gPw('env'))}`,
  ]);
});
T('jwt-browser', 2, (i) => {
  const p = devPerson();
  return i
    ? J([
        '> localStorage',
        D`Storage {auth_token: '${JW(gJwt({ email: gEmail(p, 'gmail.com'), plan: 'pro' }))}', theme: 'dark', lastVisited: '/dashboard', length: 3}`,
        D`> document.cookie`,
        D`'_ga=GA1.1.${digits(9)}.${digits(10)}; session=${JW(gJwt({ sid: uuid() }, 'HS256'))}'`,
      ])
    : J([
        '// websocket client',
        D`const ws = new WebSocket("wss://rt.northwind.io/socket?token=${JW(gJwt({ uid: int(1000, 99999), ch: 'orders' }, 'HS256'))}");`,
        D`ws.onopen = () => ws.send(JSON.stringify({ hello: "${E(gEmail(p, 'northwind.io'))}" }));`,
      ]);
});
T('pem-in-code', 3, (i) => {
  if (i === 0)
    return J([
      '# tests/fixtures/signing.py  (copied from prod, oops)',
      'PRIVATE_KEY = """',
      D`${PK(gPem('rsa1k'))}`,
      '"""',
      D`KEY_OWNER = "${E(gEmail(devPerson(), 'copperleaf.io'))}"`,
    ]);
  if (i === 1)
    return D`APNS_AUTH_KEY="${PK(gPem('pkcs8ec', { eol: '\\n' }))}"\nAPNS_KEY_ID=${NT('KEY_ID', chars(10, UP + DG))}\nAPNS_TEAM_ID=${NT('KEY_ID', chars(10, UP + DG))}`;
  return J([
    '$ terraform output -raw ssh_private_key',
    D`${PK(gPem('enc'))}`,
    '$ terraform output instance_ip',
    D`"${IP(gIPv4('pub'))}"`,
  ]);
});

// ---------------------------------------------------------------- secret-dense material: scanners, code, dev chat, card exports
T('secret-scan-report', 2, (_i) => {
  const ks = sample(ENVKEYS, 4),
    files = [
      'src/config/prod.ts',
      'scripts/seed.py',
      'deploy/old/.env.bak',
      'notebooks/eda.ipynb',
      'mobile/app/build.gradle',
      'infra/legacy/main.tf',
    ];
  return J([
    '[',
    J(
      ks.map(([k, pv], _n) => {
        const f = pick(files),
          ln = int(3, 240),
          p = devPerson();
        return D`  {"RuleID": "${k.toLowerCase().replace(/_/g, '-')}", "File": "${f}", "StartLine": ${ln}, "Secret": "${AK(gKey(pv))}", "Commit": "${sha()}", "Author": "${P(p.western)}", "Email": "${E(gEmail(p, 'copperleaf.io'))}"}`;
      }),
      ',\n',
    ),
    ']',
  ]);
});
T('dev-chat-paste', 3, (i) => {
  const a = devPerson(),
    b = devPerson(),
    n = (p) => p.given.toLowerCase();
  const v = [
    () =>
      J([
        D`${P(n(a))}: can someone test the webhook? bot token is ${AK(gKey('slackBot'))}`,
        D`${P(n(b))}: don't paste tokens in #general 🙃 revoking`,
        D`${P(n(a))}: sorry. new one's in 1password`,
        D`${P(n(b))}: also the staging box is ${IP(gIPv4('pub'))}, user deploy, pw ${PW(gPw('env'))}`,
      ]),
    () =>
      J([
        D`[${ts()}] ${P(b.western)}: HF upload failing with 401`,
        D`[${ts()}] ${P(a.western)}: which token? paste the first chars`,
        D`[${ts()}] ${P(b.western)}: ${AK(gKey('hf'))}`,
        D`[${ts()}] ${P(a.western)}: that's read-only. use the org one: ${AK(gKey('hf'))}`,
      ]),
    () =>
      J([
        D`${P(n(a))}: prod groq key is ${AK(gKey('groq'))} and replicate ${AK(gKey('replicate'))}`,
        D`${P(n(b))}: and notion? ${AK(gKey('notion'))} is dead`,
        D`${P(n(a))}: use ${AK(gKey('notion'))}`,
      ]),
  ];
  return v[i]();
});
T('code-sdk-init', 4, (i) => {
  const v = [
    () =>
      J([
        'import anthropic, openai',
        '',
        D`claude = anthropic.Anthropic(api_key="${AK(gKey('anthropic'))}")`,
        D`gpt = openai.OpenAI(api_key="${AK(gKey('openaiSvc'))}")`,
        "resp = claude.messages.create(model='claude-3-5-haiku-latest', max_tokens=64, messages=[{'role': 'user', 'content': 'ping'}])",
      ]),
    () =>
      J([
        "import { WebClient } from '@slack/web-api';",
        "import { Octokit } from '@octokit/rest';",
        D`const slack = new WebClient('${AK(gKey('slackUser'))}');`,
        D`const gh = new Octokit({ auth: '${AK(gKey('ghpat'))}' });`,
        D`const linear = { headers: { Authorization: '${AK(gKey('linear'))}' } };`,
      ]),
    () =>
      J([
        'package main',
        '',
        'const (',
        D`\tshopifyToken = "${AK(gKey('shopify'))}"`,
        D`\tdoToken      = "${AK(gKey('digitalocean'))}"`,
        D`\tpostmanKey   = "${AK(gKey('postman'))}"`,
        ')',
      ]),
    () =>
      J([
        'headers = {',
        D`    "Authorization": "Bearer ${JW(gJwt({ client_id: chars(22, AN), scope: 'payments:write' }, 'RS256'))}",`,
        D`    "Ocp-Apim-Subscription-Key": "${AK(gKey('azure'))}",`,
        D`    "X-Cloudflare-Token": "${AK(gKey('cloudflare'))}",`,
        '}',
        D`requests.post("https://${IP(gIPv4('pub'))}/v1/charge", headers=headers, json={"amount": ${int(100, 9999)}})`,
      ]),
  ];
  return v[i]();
});
T('payment-debug-log', 2, (_i) => {
  const p = person(pick(['en', 'de', 'br', 'in']));
  return J([
    D`${int(2024, 2025)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}Z DEBUG checkout.gateway request={"pan":"${CC(gCard(null, ''))}","exp":"${pad(int(1, 12), 2)}${int(26, 31)}","cvv":"${digits(3)}","holder":"${P(up(p.western))}","email":"${E(gEmail(p, 'gmail.com'))}","ip":"${IP(gIP())}"}`,
    D`${int(2024, 2025)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}Z WARN  checkout.gateway retry with backup card ${CC(gCard(null, ' '))} for order ${orderNo()}`,
  ]);
});
T('card-csv-export', 2, (_i) => {
  const row = () => {
    const p = person(pick(['en', 'es', 'fr', 'jp', 'br', 'in']));
    return D`${P(p.western)},${CC(gCard(null, pick(['', ' ', '-'])))},${pad(int(1, 12), 2)}/${int(26, 31)},${E(gEmail(p, pick(PDOM.US)))},${money()}`;
  };
  return J(['cardholder,pan,expiry,email,last_charge', row(), row(), row(), row()]);
});
T('car-rental-es-it', 2, (i) => {
  const p = person(i ? 'it' : 'es');
  return i
    ? J([
        'Contratto di noleggio n. ' + digits(7),
        D`Conducente: ${P(p.full)}  nato il ${DOB(gDob('it'))}`,
        D`Patente: ${NID('U1' + chars(7, UP + DG) + chars(1, UP))}`,
        D`Indirizzo: ${AD(gAddr('IT'))}`,
        D`Carta di credito: ${CC(gCard('mc', ' '))}`,
        D`Ritiro: ${DT(gDate('it'))} - Aeroporto di Bologna`,
      ])
    : J([
        'Contrato de alquiler ' + digits(7),
        D`Conductor principal: ${P(p.full)}`,
        D`Fecha de nacimiento: ${DOB(gDob('es'))}`,
        D`Permiso de conducir: ${NID(digits(8) + chars(1, UP))}`,
        D`Tarjeta de crédito: ${CC(gCard('visa', ' '))}`,
        D`Teléfono: ${PH(gPhone('ES'))}`,
      ]);
});
T('cloudtrail-event', 2, (i) => {
  const p = devPerson();
  return D`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDA${chars(17, B32)}","arn":"arn:aws:iam::${digits(12)}:user/${USR(slug(p.given) + '.' + slug(p.last))}","accessKeyId":"${AWS(gAwsId(i ? 'ASIA' : 'AKIA'))}","userName":"${USR(slug(p.given) + '.' + slug(p.last))}"},"eventTime":"${int(2024, 2025)}-0${int(1, 9)}-1${int(0, 9)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:0${int(0, 9)}Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"${IP(gIPv4('pub'))}","userAgent":"aws-cli/2.15.0"}`;
});
T('donation-iban-multi', 2, (i) => {
  const [a, b] = [person(i ? 'nl' : 'it'), person(i ? 'de' : 'pt')];
  return i
    ? J([
        D`Steun de voedselbank! Doneer via ${IB(gIban('NL', false))} t.n.v. Stichting Voedselhulp. Vragen? Bel ${P(a.full)}: ${PH(gPhone('NL'))}.`,
        D`Auch aus Deutschland: Spenden bitte an ${IB(gIban('DE', false))}, Ansprechpartnerin ${P(b.full)}.`,
      ])
    : J([
        D`Raccolta fondi per la squadra under 12: bonifico su ${IB(gIban('IT', false))} intestato a ${P(a.full)} (tesoriere).`,
        D`Para os pais portugueses: transferência para ${IB(gIban('PT', false))}, contacto ${P(b.full)} ${PH(gPhone('PT'))}.`,
      ]);
});
T('lab-requisition-en', 2, (_i) => {
  const p = person(pick(['en', 'in', 'gh', 'ph'])),
    dr = drName();
  return J([
    'LABORATORY REQUISITION',
    D`Patient: ${P(`${up(p.last)}, ${p.first}`)}   Sex: ${pick(['F', 'M'])}   DOB: ${DOB(fmtDate(randDate(1940, 2015), pick(['mdy/', 'dMONy'])))}`,
    D`Med Rec #: ${MRN(gMrn())}   Encounter: ${NID(digits(10))}`,
    D`Ordering provider: ${P(dr.western)}, MD   Callback: ${PH(gPhone('US'))}`,
    'Tests: CBC w/ diff, CMP, lipid panel (fasting)',
    D`Collected: ${DT(gDate('us'))} 07:42`,
  ]);
});

// ---------------------------------------------------------------- more PEM variants
T('pem-misc', 4, (i) => {
  if (i === 0)
    return J([
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: shop-tls',
      'type: kubernetes.io/tls',
      'stringData:',
      '  tls.crt: |',
      '    -----BEGIN CERTIFICATE-----',
      ...chars(192, B64)
        .match(/.{64}/g)
        .map((l) => '    ' + l),
      '    -----END CERTIFICATE-----',
      '  tls.key: |',
      D`    ${PK(gPem('pkcs8', { indent: '    ' }))}`,
    ]);
  if (i === 1)
    return J([
      '$ vault kv get -field=key secret/payments/sftp',
      D`${PK(gPem('openssh'))}`,
      D`$ sftp -i /tmp/k partner@${IP(gIPv4('pub'))}`,
    ]);
  if (i === 2)
    return D`jwt.signing.key=${PK(gPem('rsa1k', { eol: '\\n' }))}\njwt.issuer=https://auth.copperleaf.io\njwt.test-token=${JW(gJwt({ sub: 'svc-reports' }, 'RS256'))}`;
  return J([
    D`${P(devPerson().given.toLowerCase())}: the old jenkins agent key, in case anyone needs to get into ${IP(gIPv4('priv'))}:`,
    D`${PK(gPem('ec'))}`,
  ]);
});

// ================================================================ HARD NEGATIVES (no spans, no neutral)
const EPO_CO = [
  'Ford Motor',
  'Morgan Stanley',
  'Johnson & Johnson',
  'Goldman Sachs',
  'Hewlett-Packard',
  'Procter & Gamble',
  'Mercedes-Benz',
  'Louis Vuitton',
  'Ferrari N.V.',
  'Dell Technologies',
  "McDonald's",
  'Siemens',
  'Philips',
  'Heineken',
  'Bosch',
  'Michelin',
  'Boeing',
  'Porsche',
  'Walt Disney Co.',
  "Kellogg's",
  'Marriott International',
  'Hilton Worldwide',
  "Ben & Jerry's",
  'Wells Fargo',
  'Lehman Brothers',
  'Charles Schwab Corp.',
  'Toyota',
  'Suzuki Motor',
  'Peugeot',
  'Lamborghini',
  'Dassault Systèmes',
  'Carlsberg',
  'Ferrero',
];
NEG('neg-eponym-companies', 6, (_i) => {
  const [a, b, c] = sample(EPO_CO, 3);
  return J([
    `${a} shares rose ${int(1, 9)}.${int(0, 9)}% on ${pick(['Tuesday', 'Thursday', 'Friday'])} after ${b} raised its price target to $${int(40, 400)}.`,
    `Analysts at ${c} expect second-quarter revenue of $${int(2, 90)}.${int(0, 9)} billion, against $${int(2, 90)}.${int(0, 9)} billion a year earlier.`,
    pick([
      'The Dow Jones Industrial Average closed flat.',
      'The FTSE 100 slipped 0.3%.',
      'The DAX ended the session 42 points higher.',
      'The Nikkei 225 hit a record close.',
    ]),
  ]);
});
NEG('neg-eponym-medical', 4, (_i) => {
  const d = sample(
    [
      "Alzheimer's disease",
      "Parkinson's disease",
      "Crohn's disease",
      'Hodgkin lymphoma',
      'Down syndrome',
      'Tourette syndrome',
      "Cushing's syndrome",
      "Graves' disease",
      "Hashimoto's thyroiditis",
      "Bell's palsy",
      'Guillain-Barré syndrome',
      "Raynaud's phenomenon",
    ],
    3,
  );
  return J([
    `Patients with ${d[0]} were excluded from the trial; those with ${d[1]} were analysed as a separate cohort.`,
    `Screening uses the Apgar score at birth, the Glasgow Coma Scale in the emergency department and Doppler ultrasound for suspected thrombosis.`,
    `A leaflet on ${d[2]} is available at reception. First-aid training covers the Heimlich manoeuvre and the recovery position.`,
  ]);
});
NEG('neg-laws-awards', 4, (_i) => {
  const l = sample(
      [
        'Sarbanes-Oxley Act',
        'Dodd-Frank Act',
        "Megan's Law",
        'Magnitsky Act',
        'Glass-Steagall Act',
        'Taft-Hartley Act',
      ],
      2,
    ),
    a = sample(
      [
        'Nobel Prize in Chemistry',
        'Pulitzer Prize',
        'Fields Medal',
        'Turing Award',
        'Booker Prize',
        'Rhodes Scholarship',
        'Fulbright grant',
        'Abel Prize',
      ],
      2,
    );
  return J([
    `Compliance training for ${int(2024, 2026)} covers the ${l[0]} and, for US subsidiaries, the ${l[1]}.`,
    `The department celebrated its second ${a[0]} this decade; two postdocs also won a ${a[1]}.`,
    'Historians still debate whether the Marshall Plan or local reforms did more for the recovery.',
  ]);
});
NEG('neg-algorithms', 4, (_i) => {
  const al = sample(
    [
      "Dijkstra's algorithm",
      'a Bloom filter',
      'a Kalman filter',
      'the fast Fourier transform',
      "Bayes' theorem",
      'the Levenshtein distance',
      'a Gaussian blur',
      'a Turing machine',
      'Huffman coding',
      'a Markov chain',
      'the Newton-Raphson method',
      "Euler's method",
      'Floyd-Warshall',
      "Kruskal's algorithm",
      'the Fisher-Yates shuffle',
      'the Hamming distance',
      'the Jaccard index',
      "Student's t-test",
      'Monte Carlo sampling',
      'Bellman-Ford',
      'the Knuth-Morris-Pratt search',
    ],
    4,
  );
  return J([
    `## Design notes`,
    `Route planning uses ${al[0]} on the road graph; negative edges are impossible, so we skip ${al[1]}.`,
    `Deduplication runs ${al[2]} (k=${int(3, 9)}, false-positive rate ${int(1, 5)}%) before ${al[3]}.`,
    '```python',
    `def score(a, b):\n    return 1 - distance(a, b) / max(len(a), len(b))`,
    '```',
  ]);
});
NEG('neg-streets-places', 4, (i) => {
  const v = [
    "In the stories, the detective's lodgings on Baker Street are always full of pipe smoke; today the street is lined with souvenir shops and a busy Tube station.",
    "Walk from Abbey Road to King's Cross in about forty minutes, or take the Jubilee line from St John's Wood and change at Green Park.",
    'Na Avenida Paulista, o MASP abre às 10h. Depois, desça a Rua Augusta até a Praça Roosevelt.',
    'Vom Alexanderplatz geht man die Karl-Marx-Allee entlang bis zum Frankfurter Tor. Die Friedrichstraße ist sonntags ruhig.',
    "Depuis l'aéroport Charles-de-Gaulle, le RER B rejoint Châtelet en 35 minutes ; les Champs-Élysées sont à trois stations.",
    'Flights land at JFK or LaGuardia; Lincoln Center and Rockefeller Center are both on the subway map, and Washington DC is three hours by train.',
    'A Lisboa, il tram 28 passa per Rua Garrett e Largo do Chiado. A Milano, Corso Buenos Aires è la via dello shopping.',
    'Victoria Station to Gatwick takes half an hour; the Queen Elizabeth Olympic Park is easier from Stratford.',
  ];
  return J([v[(i * 2) % v.length], v[(i * 2 + 1) % v.length]]);
});
NEG('neg-ships-storms', 3, (_i) =>
  J([
    pick([
      'Hurricane Katrina made landfall in August 2005; Hurricane Sandy followed seven years later.',
      'Storm Ciarán brought gusts of 100 mph to the Channel coast.',
      'Typhoon Haiyan remains one of the strongest tropical cyclones ever recorded.',
      'Cyclone Idai flooded large parts of Beira in March 2019.',
    ]),
    pick([
      'The Titanic sank on her maiden voyage; the Queen Mary 2 still crosses the Atlantic every few weeks.',
      'HMS Victory is preserved in dry dock at Portsmouth.',
      'The Vasa capsized in Stockholm harbour in 1628 and was raised in 1961.',
    ]),
    `Forecasters expect ${int(12, 21)} named storms this season.`,
  ]),
);
NEG('neg-sports', 3, (_i) => {
  const t = sample(
    [
      'Manchester United',
      'Real Madrid',
      'Boca Juniors',
      'Ajax',
      'Juventus',
      'Galatasaray',
      'Flamengo',
      'Legia Warszawa',
      'Benfica',
      'Persija Jakarta',
      'Borussia Dortmund',
      'Olympique Lyonnais',
      'Malmö FF',
    ],
    2,
  );
  return J([
    `${t[0]} ${int(0, 4)}-${int(0, 4)} ${t[1]}`,
    `Attendance: ${int(20, 80)},${digits(3)} · Possession ${int(35, 65)}% · Shots on target ${int(1, 9)}-${int(1, 9)}`,
    pick([
      'The return leg is at the Santiago Bernabéu next Wednesday.',
      'Next fixture: away at the Estádio da Luz.',
      'The LA Lakers beat the Boston Celtics 112-104 in the late game.',
      'Both sides remain in contention for the Champions League places.',
    ]),
  ]);
});
NEG('neg-release-notes', 5, (_i) => {
  const v = `${int(1, 9)}.${int(0, 30)}.${int(0, 12)}`;
  return J([
    `## v${v} (build ${int(1000, 99999)})`,
    '',
    'Added',
    `- Export to Parquet (#${int(100, 9999)})`,
    `- Will now retry idempotent requests up to ${int(2, 5)} times`,
    '',
    'Fixed',
    `- Crash on Windows 10.0.${int(17763, 22631)}.${int(100, 4000)} when the path contains spaces (${sha(7)})`,
    `- Memory leak in the image cache introduced in ${int(1, 9)}.${int(0, 20)}.0-rc.${int(1, 5)}`,
    '',
    'Changed',
    `- Minimum Node.js is now 18.${int(0, 20)}; protobuf bumped to ${int(3, 5)}.${int(20, 29)}.${int(0, 9)}`,
    `- Docker base image: node:20.${int(0, 18)}-alpine3.${int(18, 20)}`,
    '',
    `Full diff: ${sha(12)}...${sha(12)}`,
  ]);
});
NEG('neg-hashes-uuids', 5, (_i) =>
  J([
    `$ sha256sum dist/*`,
    `${sha(64)}  dist/app-linux-x64.tar.gz`,
    `${sha(64)}  dist/app-darwin-arm64.tar.gz`,
    `$ md5sum backup.sql.gz`,
    `${sha(32)}  backup.sql.gz`,
    `image: registry.copperleaf.io/api@sha256:${sha(64)}`,
    `request_id=${uuid()} trace_id=${sha(32)} span_id=${sha(16)}`,
    `ETag: "${sha(40)}"`,
    `commit ${sha(40)} (tag: v${int(1, 5)}.${int(0, 9)}.${int(0, 9)})`,
  ]),
);
NEG('neg-order-tracking', 5, (_i) =>
  J([
    `Your order ${orderNo()} has shipped!`,
    `Carrier: ${pick(['UPS', 'DHL Express', 'PostNL', 'Correios', 'InPost'])}   Tracking: ${pick([`1Z${chars(6, UP + DG)}${digits(10)}`, `JD${digits(18)}`, `3S${chars(4, UP)}${digits(9)}`, `${chars(2, UP)}${digits(9)}BR`, `9400 ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(2)}`])}`,
    `Items: ${int(1, 4)} × ${pick(['USB-C cable 2 m', 'Ceramic mug 350 ml', 'Notebook A5 dotted'])} (SKU ${chars(3, UP)}-${digits(5)}) @ ${money('€')}`,
    `ISBN 978-${int(0, 9)}-${digits(3)}-${digits(5)}-${int(0, 9)} · EAN 87${digits(11)}`,
    `Invoice INV-${int(2024, 2025)}-${digits(6)} · VAT ${int(7, 23)}% · Total ${money('€')}`,
    'Estimated delivery: 2-4 business days.',
  ]),
);
NEG('neg-timestamps-coords', 3, (_i) =>
  J([
    `${int(2024, 2025)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${digits(3)}Z  lat=${int(-60, 60)}.${digits(6)} lon=${int(-170, 170)}.${digits(6)} alt=${int(0, 3000)}m speed=${int(0, 120)}km/h`,
    `Trailhead: ${int(40, 50)}°${int(0, 59)}′${int(0, 59)}″N ${int(1, 12)}°${int(0, 59)}′${int(0, 59)}″E · elevation gain ${int(200, 1400)} m · duration ${int(1, 6)}h${pad(int(0, 59), 2)}`,
    `cron: "${int(0, 59)} ${int(0, 23)} * * 1-5"   timeout: ${int(30, 900)}s   epoch ${int(1700000000, 1760000000)}`,
  ]),
);
NEG('neg-doc-placeholders', 5, (i) => {
  const v = [
    () =>
      J([
        '# Example from the AWS CLI docs',
        'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
        'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ]),
    () =>
      J([
        'Test cards (sandbox only):',
        '- 4242 4242 4242 4242 - succeeds',
        '- 4000 0000 0000 9995 - insufficient funds',
        '- 4111 1111 1111 1111 - generic Visa',
        'Use any future expiry and any 3-digit CVC.',
      ]),
    () =>
      J([
        'Sample request body:',
        '{ "name": "John Doe", "email": "user@example.com", "phone": "+1 555-0142" }',
        'Replace John Doe and Jane Doe with real customer data in production.',
      ]),
    () =>
      J([
        'Documentation ranges: use 192.0.2.10, 198.51.100.7 or 203.0.113.25 for IPv4 and 2001:db8::1 for IPv6 in all examples.',
        'Mail examples use alice@example.org and bob@example.net.',
      ]),
    () =>
      J([
        'Decode the sample token from jwt.io to see the structure:',
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      ]),
  ];
  return v[i]();
});
NEG('neg-config-placeholders', 4, (i) => {
  const v = [
    () =>
      J([
        '# .env.example',
        'OPENAI_API_KEY=your-api-key-here',
        'ANTHROPIC_API_KEY=',
        'DATABASE_URL=postgres://user:<password>@localhost:5432/app',
        'STRIPE_SECRET_KEY=sk_live_********************',
        'SESSION_SECRET=changeme',
      ]),
    () =>
      J([
        'env:',
        '  - name: DB_PASSWORD',
        '    valueFrom:',
        '      secretKeyRef:',
        '        name: db-credentials',
        '        key: password',
        '  - name: API_TOKEN',
        '    value: "{{ .Values.apiToken }}"',
      ]),
    () =>
      J([
        '- name: Publish',
        '  run: npm publish',
        '  env:',
        '    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
        '    AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}',
      ]),
    () =>
      J([
        'const client = new Client({',
        '  apiKey: process.env.SENDGRID_API_KEY,',
        "  password: '****',",
        "  token: 'REDACTED',",
        "  secret: 'xxxxxxxxxxxxxxxx',",
        '});',
        'if (!config.password) throw new Error("password is required");',
      ]),
  ];
  return v[i]();
});
NEG('neg-non-birth-dates', 4, (i) => {
  const v = [
    () =>
      J([
        `Invoice date: ${gDate('en')}`,
        `Due date: ${gDate('en')}`,
        'Payment terms: 30 days net',
        `Service period: ${pick(MONTHS.en)} ${int(2023, 2025)}`,
      ]),
    () =>
      J([
        `Rechnungsdatum: ${gDate('de')}`,
        `Lieferdatum: ${gDate('de')}`,
        `Zahlbar bis: ${gDate('de')}`,
        'Skonto: 2 % bei Zahlung innerhalb von 10 Tagen',
      ]),
    () =>
      J([
        `The company was founded in ${int(1850, 1990)} and listed on ${fmtDate(randDate(1990, 2010), 'en')}.`,
        `The treaty was signed on ${fmtDate(randDate(1800, 1950), 'en')}; the bridge opened on ${fmtDate(randDate(1900, 2000), 'us')}.`,
      ]),
    () =>
      J([
        `Consulta marcada para ${gDate('pt')} às 14h30.`,
        `Appuntamento confermato: ${gDate('it')} ore 9:15.`,
        `Cita: ${gDate('es')} a las 11:00.`,
        `Afspraak: ${gDate('nl')} om 10.45 uur.`,
      ]),
  ];
  return v[i]();
});
NEG('neg-public-keys-certs', 3, (i) => {
  const v = [
    () =>
      J([
        '-----BEGIN PUBLIC KEY-----',
        ...('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' + chars(348, B64)).match(/.{1,64}/g),
        '-----END PUBLIC KEY-----',
      ]),
    () =>
      J([
        '-----BEGIN CERTIFICATE-----',
        ...('MIIDdzCCAl+gAwIBAgIE' + chars(300, B64)).match(/.{1,64}/g),
        '-----END CERTIFICATE-----',
      ]),
    () =>
      J([
        '# authorized_keys',
        `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${chars(43, B64)} deploy@ci-runner`,
        `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${chars(200, B64)} backup@nas`,
        '-----BEGIN PGP PUBLIC KEY BLOCK-----',
        '',
        ...('mQINBG' + chars(180, B64)).match(/.{1,64}/g),
        '-----END PGP PUBLIC KEY BLOCK-----',
      ]),
  ];
  return v[i]();
});
NEG('neg-eponym-food-headings', 3, (i) => {
  const v = [
    () =>
      J([
        'MENU',
        'Starters: Caesar salad · Eggs Benedict · Carpaccio',
        'Mains: Beef Wellington · Pasta alla Norma · Chicken Kiev',
        'Desserts: Pavlova · Victoria sponge · Peach Melba',
        'Drinks: Earl Grey · Bellini · Bloody Mary',
      ]),
    () =>
      J([
        'Summary',
        'Grace period',
        'Mark as read',
        'Bill of materials',
        'Frank discussion of risks',
        'Amber alert thresholds',
        'Rose garden maintenance schedule',
        'Will and testament templates (not legal advice)',
      ]),
    () =>
      J([
        'OVERVIEW',
        'Scope',
        'Background',
        'Method',
        'Results',
        'Discussion',
        'Appendix A - Glossary',
        'Appendix B - Change history',
      ]),
  ];
  return v[i]();
});
NEG('neg-months-weekdays', 3, (i) => {
  const v = [
    () =>
      J([
        'Opening hours',
        'Monday-Friday 08:00-18:00',
        'Saturday 09:00-13:00',
        'Sunday closed',
        'Closed in August and from 24 December to 2 January.',
      ]),
    () =>
      J([
        'Öffnungszeiten: Montag bis Freitag 9-17 Uhr, im Juni und Juli samstags 10-14 Uhr.',
        'Horário: de segunda a sexta, das 9h às 18h; em maio, também aos sábados.',
        'Jam buka: Senin-Jumat 08.00-16.00, bulan Mei tutup pada hari Jumat.',
      ]),
    () =>
      J([
        'Mei en juni zijn de drukste maanden; in april is het rustiger.',
        'Juni ist der beste Monat für Wanderungen, im März liegt oft noch Schnee.',
        'Ocak ve Şubat aylarında tesis kapalıdır.',
        'Maj och juni passar bäst för cykelturer.',
      ]),
  ];
  return v[i]();
});
NEG('neg-cities-itinerary', 4, (_i) => {
  const c = sample(
    [
      'Lisbon',
      'Porto',
      'Bologna',
      'Rotterdam',
      'Kraków',
      'Yogyakarta',
      'Izmir',
      'Kyoto',
      'Gothenburg',
      'Valencia',
      'Lyon',
      'Curitiba',
      'Bengaluru',
      'Hobart',
      'Halifax',
    ],
    3,
  );
  return J([
    `Day 1: fly ${chars(2, UP)}${int(100, 9999)} to ${c[0]} (arr. ${pad(int(6, 22), 2)}:${pad(int(0, 59), 2)}), check in, evening food tour.`,
    `Day 2: train to ${c[1]} (${int(1, 4)}h ${int(0, 59)}m), seat ${int(1, 80)}${pick(['A', 'B', 'C', 'D'])}, coach ${int(1, 12)}.`,
    `Day 3: day trip to ${c[2]}; return by ${pad(int(17, 22), 2)}:00.`,
    `Budget: ${money('€')} per person, excluding flights.`,
  ]);
});
NEG('neg-product-reviews', 3, (_i) =>
  J([
    `★★★★☆ ${pick(['Great suction, battery lasts about 50 minutes on eco mode.', 'Sound is clear but the ear tips are too big.', 'Sturdy, heavy, heats evenly. Worth the price.'])}`,
    `★★☆☆☆ ${pick(['Stopped charging after three months. Support asked for the serial number and never replied.', 'The app keeps logging me out after the update.', 'Arrived with a cracked lid.'])}`,
    `Compared with the ${pick(['Dyson V15', 'Kindle Paperwhite', 'Philips Hue bridge', 'Le Creuset casserole', 'Galaxy S24'])}, this one is ${pick(['lighter', 'cheaper', 'louder'])}.`,
    `${int(12, 900)} people found this helpful`,
  ]),
);
NEG('neg-recipe', 2, (_i) =>
  J([
    `Serves ${int(2, 8)}`,
    `- ${int(100, 500)} g flour`,
    `- ${int(2, 4)} eggs`,
    `- ${int(100, 300)} ml milk`,
    `- 1 tsp baking powder`,
    `Bake at ${pick([180, 190, 200])}°C (${pick([350, 375, 400])}°F) for ${int(20, 45)} minutes.`,
    'Tip: let the batter rest for 30 minutes.',
  ]),
);
NEG('neg-stacktrace-clean', 3, (_i) =>
  J([
    `Exception in thread "main" com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type \`java.time.LocalDate\` from String "${pick(['31/02/2024', 'tomorrow', ''])}"`,
    '\tat com.fasterxml.jackson.databind.DeserializationContext.reportInputMismatch(DeserializationContext.java:1752)',
    '\tat org.hibernate.engine.jdbc.spi.SqlExceptionHelper.logExceptions(SqlExceptionHelper.java:138)',
    `Listening on 0.0.0.0:${pick([3000, 8080, 8443])} and [::1]:${pick([3000, 8080])}; health check http://127.0.0.1:${pick([9000, 9090])}/ready`,
    `Retrying in ${int(1, 30)}s (attempt ${int(2, 5)}/5)`,
  ]),
);
NEG('neg-sql-schema', 3, (i) => {
  const v = [
    () =>
      J([
        'CREATE TABLE customers (',
        '  id BIGSERIAL PRIMARY KEY,',
        '  first_name TEXT NOT NULL,',
        '  last_name TEXT NOT NULL,',
        '  email CITEXT UNIQUE,',
        '  phone TEXT,',
        '  date_of_birth DATE,',
        '  ssn_encrypted BYTEA,',
        '  password_hash TEXT NOT NULL',
        ');',
      ]),
    () =>
      J([
        'const schema = z.object({',
        '  email: z.string().email(),',
        '  password: z.string().min(12),',
        '  phone: z.string().regex(/^\\+?[0-9 ()-]{7,20}$/),',
        '  iban: z.string().length(22).optional(),',
        '});',
      ]),
    () =>
      J([
        'def validate(user):',
        '    if not user.password or len(user.password) < 8:',
        '        raise ValueError("password too short")',
        '    if "@" not in user.email:',
        '        raise ValueError("invalid email")',
        '    return True',
      ]),
  ];
  return v[i]();
});
NEG('neg-agenda-roles', 2, (_i) =>
  J([
    'AGENDA',
    '1. Welcome by the Chair',
    "2. Treasurer's report",
    '3. Report from the Secretary',
    '4. Election of the Auditor',
    '5. Any other business',
    'The Vice-Chair will take the minutes.',
  ]),
);
NEG('neg-invalid-numbers', 4, (i) => {
  const badCard = () => {
    const b = '4' + digits(14);
    const good = luhnCheck(b);
    return (b + String((+good + 1 + int(0, 8)) % 10)).match(/.{4}/g).join(' ');
  };
  const badIban = () => {
    const v = gIban('DE', true);
    const cd = +v.slice(2, 4);
    return `DE${pad(((cd + int(1, 50)) % 97) + 2, 2)}${v.slice(4)}`.match(/.{1,4}/g).join(' ');
  };
  const v = [
    () =>
      J([`Reference: ${badCard()}`, `Batch: B${digits(4)}-${digits(4)}`, `Serial no. ${chars(3, UP)}-${digits(9)}`]),
    () =>
      J([
        'Examples of numbers that are NOT valid SSNs: 000-12-3456, 666-45-1234, 987-65-4321, 123-00-4567.',
        `Part numbers: ${digits(3)}-${digits(2)}-${digits(4)}-R, ${digits(3)}-${digits(3)}-${digits(4)}-B`,
      ]),
    () =>
      J([
        `Mandate ref (invalid checksum, rejected): ${badIban()}`,
        `Error code ${int(1000, 9999)}: IBAN check digits do not match.`,
      ]),
    () =>
      J([
        `Lot ${badCard()} expires ${gDate('en')}`,
        `Catalogue no. ${int(300, 999)}.${digits(3)}.${digits(3)}.${digits(3)}`,
        `Room ${int(100, 999)}, extension ${digits(4)}`,
      ]),
  ];
  return v[i]();
});
NEG('neg-network-nonip', 3, (_i) =>
  J([
    `netmask 255.255.255.0  broadcast-domain 10.0.0.0/8  default route 0.0.0.0/0`,
    `SNMP OID 1.3.6.1.2.1.${int(1, 9)}.${int(1, 9)}.0 polled every ${int(30, 300)}s`,
    `kernel ${int(4, 6)}.${int(1, 19)}.0-${int(10, 200)}-generic, firmware ${int(1, 9)}.${int(0, 9)}.${int(0, 99)}.${int(0, 999)}`,
    'loopback 127.0.0.1 and ::1 are excluded from the allow-list',
    `bind 0.0.0.0:${pick([53, 443, 8443])}`,
  ]),
);
NEG('neg-multilingual-prose', 6, (i) => {
  const v = [
    'A inflação desacelerou em março, segundo o IBGE, puxada pela queda nos preços dos alimentos.',
    'Il treno regionale per Bologna è stato soppresso per lavori sulla linea.',
    'Het KNMI verwacht morgen code geel vanwege zware windstoten langs de kust.',
    'Die Bundesbahn meldet Verspätungen auf der Strecke Hamburg-Berlin.',
    "La SNCF annonce une grève reconduite jusqu'à jeudi sur les lignes TER.",
    'El ayuntamiento amplía el horario de la biblioteca municipal durante los exámenes.',
    'Pociąg do Gdańska odjedzie z peronu trzeciego z opóźnieniem około 20 minut.',
    'Harga cabai di pasar tradisional naik menjelang akhir bulan.',
    "Yarın İstanbul'da sağanak yağış bekleniyor; vapur seferlerinde aksama olabilir.",
    'Ashita wa Tōkyō de ame no yohō desu. Densha no daiya ni chūi shite kudasai.',
    'SMHI varnar för halka i Norrland under natten.',
    'The library will close early on Friday for the stock-take.',
  ];
  return J([v[(i * 2) % v.length], v[(i * 2 + 1) % v.length]]);
});
NEG('neg-masked-values', 3, (i) => {
  const v = [
    () =>
      J([
        `Paid with Visa ending in ${digits(4)}`,
        `Card: **** **** **** ${digits(4)}`,
        `SSN: XXX-XX-${digits(4)}`,
        `IBAN: DE** **** **** **** **${digits(2)} ${digits(2)}`,
      ]),
    () =>
      J([
        `We sent a code to +44 ****** ${digits(3)} and to j•••••@g•••.com.`,
        'Password: ••••••••',
        'API key: sk-…' + chars(4, AN) + ' (created 3 days ago)',
      ]),
    () =>
      J([
        '[REDACTED NAME] called about [REDACTED ADDRESS].',
        'Phone: [REDACTED]   Email: [REDACTED]',
        'DOB: **/**/****',
      ]),
  ];
  return v[i]();
});
NEG('neg-math-science', 2, (_i) =>
  J([
    "Avogadro's number is 6.022 × 10^23 mol⁻¹; the Planck constant is 6.626 × 10⁻³⁴ J·s.",
    "Newton's second law, Ohm's law and the Doppler effect all appear in unit 3.",
    `Convert ${int(-20, 40)} °C to Fahrenheit and Kelvin. The Hubble constant is about ${int(67, 74)} km/s/Mpc.`,
  ]),
);

// @@TEMPLATES@@

// ================================================================ build, self-check, write
function build() {
  const recs = [];
  for (const t of TEMPLATES) {
    R = mulberry32((SEED ^ hashStr(t.name)) >>> 0);
    for (let i = 0; i < t.n; i++) {
      const f = t.fn(i);
      if (!(f instanceof Frag)) throw new Error(`${t.name}#${i}: template must return a Frag`);
      recs.push({ tpl: t.name, neg: t.neg, i, f });
    }
  }
  R = mulberry32(SEED ^ 0x9e3779b9);
  return shuffle(recs);
}
const SECRET_TYPES = new Set([
  'API_KEY',
  'AWS_ACCESS_KEY',
  'PRIVATE_KEY',
  'JWT',
  'PASSWORD',
  'CREDIT_CARD',
  'US_SSN',
  'IBAN',
]);
const TYPES = [
  'EMAIL',
  'PHONE',
  'US_SSN',
  'CREDIT_CARD',
  'IBAN',
  'IP_ADDRESS',
  'PERSON',
  'ADDRESS',
  'DATE_OF_BIRTH',
  'MEDICAL_RECORD_NUMBER',
  'API_KEY',
  'AWS_ACCESS_KEY',
  'PRIVATE_KEY',
  'JWT',
  'PASSWORD',
];
function check(recs) {
  const errs = [],
    seen = new Map();
  const fail = (r, msg) => errs.push(`${r.tpl}#${r.i}: ${msg}`);
  for (const r of recs) {
    const { text, spans, neutral } = r.f;
    if (/undefined|\[object Object\]|NaN/.test(text)) fail(r, 'text contains undefined/NaN/[object Object]');
    if (r.neg && (spans.length || neutral.length)) fail(r, 'hard negative has spans or neutral');
    if (!r.neg && !spans.length) fail(r, 'positive template produced no span');
    const all = [...spans.map((s) => ({ ...s, g: 1 })), ...neutral].sort((a, b) => a.start - b.start || a.end - b.end);
    for (let k = 0; k < all.length; k++) {
      const s = all[k];
      if (!(s.start >= 0 && s.end <= text.length && s.start < s.end))
        fail(r, `span out of bounds ${JSON.stringify(s)}`);
      if (text.slice(s.start, s.end) !== s.value) fail(r, `span text mismatch ${JSON.stringify(s)}`);
      if (s.value !== s.value.trim()) fail(r, `span has outer whitespace ${JSON.stringify(s.value)}`);
      if (k && all[k - 1].end > s.start)
        fail(r, `overlap ${JSON.stringify(all[k - 1].value)} / ${JSON.stringify(s.value)}`);
    }
    for (const s of spans) {
      const v = s.value,
        t = s.type;
      if (!TYPES.includes(t)) fail(r, `bad type ${t}`);
      if (t === 'CREDIT_CARD' && (!luhnValid(v) || !/^[\d -]+$/.test(v))) fail(r, `Luhn ${v}`);
      if (t === 'IBAN' && !ibanValid(v)) fail(r, `IBAN ${v}`);
      if (t === 'US_SSN') {
        const d = v.replace(/[- ]/g, '');
        if (
          !/^\d{9}$/.test(d) ||
          d.startsWith('000') ||
          d.startsWith('666') ||
          d[0] === '9' ||
          d.slice(3, 5) === '00' ||
          d.slice(5) === '0000'
        )
          fail(r, `SSN ${v}`);
      }
      if (t === 'JWT') {
        const p = v.split('.');
        try {
          if (p.length !== 3) throw 0;
          JSON.parse(Buffer.from(p[0], 'base64url').toString());
          JSON.parse(Buffer.from(p[1], 'base64url').toString());
        } catch {
          fail(r, `JWT ${v.slice(0, 30)}`);
        }
      }
      if (t === 'PRIVATE_KEY' && !(v.startsWith('-----BEGIN') && /-----END [A-Z ]+-----$/.test(v)))
        fail(r, `PEM ${v.slice(0, 30)}`);
      if (t === 'AWS_ACCESS_KEY' && !(/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(v) || /^[A-Za-z0-9/+]{40}$/.test(v)))
        fail(r, `AWS ${v}`);
      if (SECRET_TYPES.has(t)) {
        const k = t + ':' + normKey(v);
        if (seen.has(k)) fail(r, `secret repeats (also in ${seen.get(k)}): ${v.slice(0, 40)}`);
        seen.set(k, `${r.tpl}#${r.i}`);
      }
      // every other occurrence of a labelled value in the same text must be labelled too
      if (v.length >= 4) {
        const re = new RegExp(
          (t === 'PERSON' ? '(?<![\\p{L}\\p{M}])' : '') +
            v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') +
            (t === 'PERSON' ? '(?![\\p{L}\\p{M}])' : ''),
          'gu',
        );
        for (const m of text.matchAll(re))
          if (!spans.some((o) => o.start <= m.index && o.end >= m.index + v.length))
            fail(r, `unlabelled repeat of ${t} ${JSON.stringify(v.slice(0, 40))} at ${m.index}`);
      }
    }
  }
  return errs;
}
const recs = build();
const errs = check(recs);
if (errs.length) {
  console.error(`SELF-CHECK FAILED (${errs.length}):\n` + errs.slice(0, 60).join('\n'));
  process.exit(1);
}
const out = [],
  perType = Object.fromEntries(TYPES.map((t) => [t, 0]));
let nSpans = 0,
  nNeg = 0;
recs.forEach((r, k) => {
  const o = {
    id: `probe5-${pad(k + 1, 5)}`,
    text: r.f.text,
    spans: r.f.spans.map(({ start, end, type }) => ({ start, end, type })),
  };
  if (r.f.neutral.length) o.neutral = r.f.neutral.map(({ start, end, type }) => ({ start, end, type }));
  o.source = `probe5:${r.tpl}#${r.i}`;
  for (const s of o.spans) perType[s.type]++;
  nSpans += o.spans.length;
  if (!o.spans.length) nNeg++;
  out.push(JSON.stringify(o));
});
const missing = TYPES.filter((t) => !perType[t]);
if (missing.length) {
  console.error('SELF-CHECK FAILED: no spans of ' + missing.join(', '));
  process.exit(1);
}
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'probe-5.jsonl'), out.join('\n') + '\n');
console.log(
  `probe-5.jsonl: ${recs.length} records, ${nSpans} gold spans, ${nNeg} hard negatives, ${TEMPLATES.length} templates (${TEMPLATES.filter((t) => !t.neg).length} positive, ${TEMPLATES.filter((t) => t.neg).length} negative)`,
);
for (const t of TYPES) console.log(`  ${t.padEnd(22)} ${perType[t]}`);
