/* eslint-disable @typescript-eslint/no-unused-vars, no-useless-escape -- a generator kept as its author wrote it, so that it rebuilds the same file byte for byte */
// probe2: independent, labelled PII / secret evaluation set.
// Deterministic (seeded mulberry32), no dependencies.
// Every text is assembled from literal pieces and labelled values; offsets are
// recorded by the builder (never hand-counted) and verified at the end.
//
//   node eval/probes/build-2.mjs            -> writes probe-2.jsonl next to this file and prints stats
//
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'probe-2.jsonl');

// ───────────────────────────── PRNG & helpers ─────────────────────────────
function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(0x0b0e2);
const ri = (a, b) => a + Math.floor(rnd() * (b - a + 1));
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;
function pickN(a, n) {
  const c = [...a],
    o = [];
  while (o.length < n && c.length) o.push(c.splice(Math.floor(rnd() * c.length), 1)[0]);
  return o;
}
const pad = (n, w = 2) => String(n).padStart(w, '0');
const capF = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  LO = 'abcdefghijklmnopqrstuvwxyz',
  DI = '0123456789';
const ALNUM = UP + LO + DI,
  B64URL = ALNUM + '-_',
  HEX = '0123456789abcdef',
  B32AWS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function rs(n, cs) {
  let s = '';
  for (let i = 0; i < n; i++) s += cs[Math.floor(rnd() * cs.length)];
  return s;
}
function randBytes(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}
const hex = (n) => rs(n, HEX);
function uuid() {
  const h = randBytes(16);
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
const b64u = (s) => Buffer.from(s).toString('base64url');
const wrap = (s, w) => s.match(new RegExp(`.{1,${w}}`, 'g')).join('\n');

// ───────────────────────────── document builder ─────────────────────────────
// A "doc" is {isDoc, text, spans}. Labelled values are created with L(type, value);
// plain strings are literal text. cat()/T``/lines() append pieces and record offsets.
const LAB = Symbol('label');
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
function L(type, value) {
  if (!TYPES.includes(type)) throw new Error('bad type ' + type);
  return { [LAB]: true, type, value: String(value) };
}
function cat(...parts) {
  const d = { isDoc: true, text: '', spans: [] };
  const add = (v) => {
    if (v == null || v === false) return;
    if (Array.isArray(v)) {
      v.forEach(add);
      return;
    }
    if (v[LAB]) {
      const s = d.text.length;
      d.text += v.value;
      d.spans.push({ start: s, end: d.text.length, type: v.type, _v: v.value });
      return;
    }
    if (v.isDoc) {
      const off = d.text.length;
      d.text += v.text;
      for (const sp of v.spans) d.spans.push({ ...sp, start: sp.start + off, end: sp.end + off });
      return;
    }
    d.text += String(v);
  };
  parts.forEach(add);
  return d;
}
function T(strings, ...vals) {
  const parts = [];
  strings.forEach((s, i) => {
    parts.push(s);
    if (i < vals.length) parts.push(vals[i]);
  });
  return cat(...parts);
}
function joinDocs(items, sep) {
  const parts = [];
  items
    .flat()
    .filter((x) => x != null && x !== false)
    .forEach((x, i) => {
      if (i) parts.push(sep);
      parts.push(x);
    });
  return cat(...parts);
}
const lines = (...ls) => joinDocs(ls, '\n');

const P = (v) => L('PERSON', v),
  EM = (v) => L('EMAIL', v),
  PH = (v) => L('PHONE', v),
  SSN = (v) => L('US_SSN', v),
  CC = (v) => L('CREDIT_CARD', v),
  IBAN = (v) => L('IBAN', v),
  IP = (v) => L('IP_ADDRESS', v),
  ADR = (v) => L('ADDRESS', v),
  DOB = (v) => L('DATE_OF_BIRTH', v),
  MRN = (v) => L('MEDICAL_RECORD_NUMBER', v),
  KEY = (v) => L('API_KEY', v),
  AWS = (v) => L('AWS_ACCESS_KEY', v),
  PK = (v) => L('PRIVATE_KEY', v),
  JW = (v) => L('JWT', v),
  PW = (v) => L('PASSWORD', v);

// ───────────────────────────── people ─────────────────────────────
const NAMES = {
  en: {
    f: [
      'Margaret',
      'Priya',
      'Siobhan',
      'Aisha',
      'Ngozi',
      'Courtney',
      'Fatima',
      'Imogen',
      'Leilani',
      'Eleanor',
      'Olivia',
      'Mei-Ling',
      'Anne-Marie',
      'Xiomara',
      'Grace',
      'April',
      'Harper',
      'Rosalind',
      'Tamsin',
      'Yasmin',
      'Keiko',
      'Bronwyn',
      'Joy',
      'Dolores',
      'Hannah',
      'Ifeoma',
      'Rebecca',
      'Soo-ah',
      'Marisol',
      'Precious',
    ],
    m: [
      'Theo',
      'Kwame',
      'Declan',
      'Hiroshi',
      'Brandon',
      'Dmitri',
      'Rhys',
      'Tomasz',
      'Yusuf',
      'Ravi',
      'Wei',
      'Jamal',
      'Santiago',
      'Oluwaseun',
      'Jean-Luc',
      'Bartholomew',
      'Hunter',
      'Will',
      'Mason',
      'Chidi',
      'Arjun',
      'Callum',
      'Ezekiel',
      'Faisal',
      'Gareth',
      'Patrick',
      'Desmond',
      'Lachlan',
      'Mateo',
      'Ibrahim',
    ],
    last: [
      'Okafor',
      'Hartley',
      'Raman',
      'Nakamura',
      "O'Sullivan",
      'MacLeod',
      'Fitzgerald-Hughes',
      'van der Merwe',
      'de la Cruz',
      'Abernathy',
      'Lindqvist',
      'Kowalczyk',
      'Mensah',
      'Delacroix',
      'Haddad',
      'Oyelaran',
      'Chen',
      'Whitfield',
      'Castellanos',
      'Brennan',
      'Ashworth',
      'Petrov',
      'Al-Rashid',
      'Nguyen',
      'Baptiste',
      'Thornbury',
      'Ferreira',
      'Sandoval',
      'Kaur',
      'Baker',
      'King',
      'Rose',
      'Young',
      'Summers',
      'Park',
      'Holloway',
      'Adeyemi',
      'Bergström',
      'McAllister',
      'Oduya',
      'Vance-Whitaker',
      'Quintero',
      'Achterberg',
      'DuBois',
      'Iwu',
      'Finch',
      'Hale',
      'Gallagher',
      'Ó Briain',
      'Mwangi',
    ],
  },
  fr: {
    f: ['Camille', 'Élodie', 'Anaïs', 'Margaux', 'Sandrine', 'Clémence', 'Océane', 'Brigitte', 'Maëlle', 'Nathalie'],
    m: ['Jean-Baptiste', 'Thibault', 'Mathéo', 'Loïc', 'Grégoire', 'Yannick', 'Hervé', 'Rémi', 'François', 'Karim'],
    last: [
      'Lefèvre',
      'Moreau',
      'Garnier',
      'Rousseau',
      'Dubois-Marchand',
      'Fontaine',
      'Chevalier',
      'Mercier',
      'Girard',
      'Lemoine',
      'Barbier',
      'Da Silva',
      "N'Diaye",
      'Perrin',
      'Benali',
    ],
  },
  de: {
    f: ['Katharina', 'Anneliese', 'Jana', 'Sabine', 'Lea', 'Ursula', 'Friederike', 'Mia', 'Svenja', 'Elif'],
    m: ['Jürgen', 'Lukas', 'Maximilian', 'Tobias', 'Dieter', 'Florian', 'Henrik', 'Matthias', 'Ole', 'Kai-Uwe'],
    last: [
      'Weißmann',
      'Vogt',
      'Brandstätter',
      'Köhler',
      'von Arnim',
      'Schäfer',
      'Hoffmann',
      'Krüger',
      'Zimmermann',
      'Becker',
      'Neumann',
      'Schulze-Wendt',
      'Öztürk',
      'Lehmann',
      'Fuchs',
    ],
  },
  es: {
    f: ['María José', 'Lucía', 'Nuria', 'Carmen', 'Inmaculada', 'Alba', 'Pilar', 'Rocío', 'Ainhoa', 'Montserrat'],
    m: ['Alejandro', 'Javier', 'José Luis', 'Íñigo', 'Sergio', 'Álvaro', 'Jordi', 'Rubén', 'Francisco Javier', 'Óscar'],
    last: [
      'Fernández',
      'López',
      'Ruiz',
      'Castaño',
      'Ortega',
      'Sanz',
      'Navarro',
      'Gil',
      'Domínguez',
      'Iglesias',
      'Moreno',
      'Vázquez',
      'Herrera',
      'Calvo',
      'Prieto',
      'Medina',
      'Etxeberria',
      'Puig',
    ],
  },
  it: {
    f: [
      'Giulia',
      'Francesca',
      'Chiara',
      'Alessandra',
      'Martina',
      'Federica',
      'Elisabetta',
      'Sara',
      'Ilaria',
      'Benedetta',
    ],
    m: [
      'Lorenzo',
      'Matteo',
      'Giuseppe',
      'Davide',
      'Alessandro',
      'Riccardo',
      'Pierluigi',
      'Stefano',
      'Gianmarco',
      'Salvatore',
    ],
    last: [
      'Bianchi',
      'De Santis',
      'Lombardi',
      "D'Angelo",
      'Esposito',
      'Romano',
      'Colombo',
      'Ferraro',
      'Galli',
      'Marchetti',
      'Ricci',
      'Fontana',
      'Caruso',
      'Della Valle',
      'Lo Russo',
    ],
  },
  pt: {
    f: ['Inês', 'Beatriz', 'Mariana', 'Catarina', 'Joana', 'Leonor', 'Sofia', 'Rita', 'Maria João', 'Filipa'],
    m: ['João Pedro', 'Rui', 'Tiago', 'Duarte', 'Nuno', 'Gonçalo', 'Miguel', 'Afonso', 'Vasco', 'Henrique'],
    last: [
      'Carvalho',
      'Marques',
      'Albuquerque',
      'Sousa Pinto',
      'Gonçalves',
      'Rodrigues',
      'Lopes',
      'Magalhães',
      'Teixeira',
      'Mendes',
      'Azevedo',
      'Brandão',
      'Coelho',
    ],
  },
  nl: {
    f: ['Sanne', 'Femke', 'Lotte', 'Anouk', 'Marieke', 'Eline', 'Fleur', 'Ingeborg', 'Noor', 'Jolien'],
    m: ['Pieter', 'Joost', 'Daan', 'Bram', 'Sjoerd', 'Maarten', 'Thijs', 'Wouter', 'Gijs', 'Ruud'],
    last: [
      'de Vries',
      'van den Berg',
      'Jansen',
      'Bakker',
      'van Dijk',
      'Visser',
      'Smit',
      'de Boer',
      'Mulder',
      'van der Linden',
      'Hendriks',
      'Brouwer',
      'Kuipers',
      "'t Hart",
      'Verhoeven',
    ],
  },
  pl: {
    f: ['Agnieszka', 'Małgorzata', 'Zofia', 'Katarzyna', 'Joanna', 'Ewa', 'Magdalena', 'Aleksandra'],
    m: ['Paweł', 'Krzysztof', 'Tomasz', 'Piotr', 'Grzegorz', 'Marcin', 'Jakub', 'Wojciech'],
    last: [
      'Wiśniewski',
      'Zieliński',
      'Nowak',
      'Wójcik',
      'Lewandowski',
      'Kamiński',
      'Dąbrowski',
      'Kaczmarek',
      'Mazur',
      'Szymański',
      'Woźniak',
      'Jabłoński',
      'Król',
      'Wróblewski',
    ],
  },
};
const PL_VOC = {
  Agnieszka: 'Agnieszko',
  Małgorzata: 'Małgorzato',
  Zofia: 'Zofio',
  Katarzyna: 'Katarzyno',
  Joanna: 'Joanno',
  Ewa: 'Ewo',
  Magdalena: 'Magdaleno',
  Aleksandra: 'Aleksandro',
  Paweł: 'Pawle',
  Krzysztof: 'Krzysztofie',
  Tomasz: 'Tomaszu',
  Piotr: 'Piotrze',
  Grzegorz: 'Grzegorzu',
  Marcin: 'Marcinie',
  Jakub: 'Jakubie',
  Wojciech: 'Wojciechu',
};
const NICK = {
  Margaret: 'Peggy',
  Eleanor: 'Nell',
  Rosalind: 'Roz',
  Bartholomew: 'Bart',
  Oluwaseun: 'Seun',
  Dmitri: 'Dima',
  Ezekiel: 'Zeke',
  Callum: 'Cal',
  Rebecca: 'Becca',
  Patrick: 'Paddy',
  Desmond: 'Des',
  Theo: 'Teddy',
  Imogen: 'Immy',
  Ifeoma: 'Ify',
  Lachlan: 'Lachie',
  Will: 'Billy',
  Dolores: 'Lola',
  Hannah: 'Hanna-Banana',
  Jamal: 'Jay',
  Ibrahim: 'Ibby',
  Precious: 'Pree',
  Courtney: 'Coco',
  Gareth: 'Gaz',
  Santiago: 'Santi',
  Xiomara: 'Xio',
};
const MIDDLE = {
  f: ['Louise', 'Ann', 'Adaeze', 'Rose', 'Marie', 'Jane', 'Abena'],
  m: ['James', 'Kofi', 'Alexander', 'Tobias', 'Emeka', 'Lee', 'Arthur'],
};

function feminizePl(l) {
  return l.replace(/ski$/, 'ska').replace(/cki$/, 'cka').replace(/dzki$/, 'dzka');
}
function person(loc = 'en', g) {
  const gg = g || (chance(0.5) ? 'f' : 'm');
  const N = NAMES[loc];
  const first = pick(N[gg]);
  let last = pick(N.last);
  if (loc === 'es') {
    let l2;
    do {
      l2 = pick(N.last);
    } while (l2 === last);
    last = `${last} ${l2}`;
  }
  if (loc === 'pl' && gg === 'f') last = feminizePl(last);
  const mid = pick(MIDDLE[gg]);
  return {
    first,
    last,
    g: gg,
    loc,
    full: `${first} ${last}`,
    nick: NICK[first],
    init: `${first[0]}. ${last}`,
    fullMid: `${first} ${mid} ${last}`,
    fullMidInit: `${first} ${mid[0]}. ${last}`,
  };
}
function people(loc, n, genders = []) {
  const out = [];
  let guard = 0;
  while (out.length < n) {
    const p = person(loc, genders[out.length]);
    if (guard++ > 500) throw new Error('people');
    if (
      out.some(
        (q) =>
          q.first === p.first ||
          q.last === p.last ||
          q.last.includes(p.last.split(' ')[0]) ||
          p.last.includes(q.last.split(' ')[0]),
      )
    )
      continue;
    out.push(p);
  }
  return out;
}
const X = (p) =>
  p.g === 'f'
    ? {
        he: 'she',
        He: 'She',
        his: 'her',
        His: 'Her',
        him: 'her',
        hon: 'Ms.',
        honUK: 'Mrs',
        mrs: 'Mrs.',
        child: 'daughter',
      }
    : { he: 'he', He: 'He', his: 'his', His: 'His', him: 'him', hon: 'Mr.', honUK: 'Mr', mrs: 'Mr.', child: 'son' };

function ascii(s) {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ß/g, 'ss')
    .replace(/ø/g, 'o');
}
const DOMAINS = {
  en: [
    'gmail.com',
    'outlook.com',
    'yahoo.com',
    'proton.me',
    'icloud.com',
    'hotmail.co.uk',
    'btinternet.com',
    'fastmail.com',
    'aol.com',
  ],
  fr: ['orange.fr', 'free.fr', 'laposte.net', 'gmail.com', 'sfr.fr'],
  de: ['web.de', 'gmx.de', 't-online.de', 'posteo.de', 'gmail.com'],
  es: ['telefonica.net', 'gmail.com', 'hotmail.es', 'yahoo.es'],
  it: ['libero.it', 'virgilio.it', 'gmail.com', 'tiscali.it'],
  pt: ['sapo.pt', 'gmail.com', 'clix.pt', 'outlook.pt'],
  nl: ['ziggo.nl', 'kpnmail.nl', 'gmail.com', 'xs4all.nl'],
  pl: ['wp.pl', 'onet.pl', 'o2.pl', 'interia.pl', 'gmail.com'],
};
function email(p, domain) {
  const f = ascii(p.first)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  const l = ascii(
    p.last.split(' ').filter((w) => !/^(van|der|den|de|la|von|da|del|della|lo|'t)$/i.test(w))[0] || p.last,
  )
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  const local = pick([
    `${f}.${l}`,
    `${f[0]}${l}`,
    `${f}${l}${ri(1, 99)}`,
    `${f}_${l}`,
    `${l}.${f}`,
    `${f}.${l[0]}`,
    `${f}${ri(70, 99)}`,
    `${f[0]}.${l}`,
  ]);
  return `${local}@${domain || pick(DOMAINS[p.loc] || DOMAINS.en)}`;
}
function workEmail(p, domain) {
  const f = ascii(p.first)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  const l = ascii(p.last)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  return `${pick([`${f}.${l}`, `${f[0]}${l}`, `${f}`, `${f}.${l}`])}@${domain}`;
}

// ───────────────────────────── dates ─────────────────────────────
const MON = {
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
};
const ORD_W = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
  'twentieth',
  'twenty-first',
  'twenty-second',
  'twenty-third',
  'twenty-fourth',
  'twenty-fifth',
  'twenty-sixth',
  'twenty-seventh',
  'twenty-eighth',
];
const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const two2w = (n) => (n < 20 ? ONES[n] : TENS[Math.floor(n / 10)] + (n % 10 ? '-' + ONES[n % 10] : ''));
const yearWords = (y) =>
  y >= 2000
    ? `two thousand${y % 100 ? ' and ' + two2w(y % 100) : ''}`
    : `${two2w(Math.floor(y / 100))} ${y % 100 === 0 ? 'hundred' : y % 100 < 10 ? 'oh ' + ONES[y % 100] : two2w(y % 100)}`;
const ordS = (d) =>
  d + (d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th');
const rdate = (y0, y1) => ({ y: ri(y0, y1), m: ri(1, 12), d: ri(1, 28) });
function fmtDate(dt, style) {
  const { y, m, d } = dt;
  switch (style) {
    case 'us':
      return `${pad(m)}/${pad(d)}/${y}`;
    case 'us-short':
      return `${m}/${d}/${String(y).slice(2)}`;
    case 'us-long':
      return `${MON.en[m - 1]} ${d}, ${y}`;
    case 'us-abbr':
      return `${MON.en[m - 1].slice(0, 3)} ${d} ${y}`;
    case 'iso':
      return `${y}-${pad(m)}-${pad(d)}`;
    case 'gb':
      return `${pad(d)}/${pad(m)}/${y}`;
    case 'gb-long':
      return `${d} ${MON.en[m - 1]} ${y}`;
    case 'gb-ord':
      return `${ordS(d)} ${MON.en[m - 1]} ${y}`;
    case 'gb-abbr':
      return `${pad(d)}-${MON.en[m - 1].slice(0, 3)}-${y}`;
    case 'spoken':
      return `${ORD_W[d - 1]} of ${MON.en[m - 1]}, ${yearWords(y)}`;
    case 'spoken2':
      return `${ordS(d)} of ${MON.en[m - 1]} ${y}`;
    case 'de':
      return `${pad(d)}.${pad(m)}.${y}`;
    case 'de-long':
      return `${d}. ${MON.de[m - 1]} ${y}`;
    case 'fr':
      return `${pad(d)}/${pad(m)}/${y}`;
    case 'fr-long':
      return `${d === 1 ? '1er' : d} ${MON.fr[m - 1]} ${y}`;
    case 'es-long':
      return `${d} de ${MON.es[m - 1]} de ${y}`;
    case 'it-long':
      return `${d} ${MON.it[m - 1]} ${y}`;
    case 'pt-long':
      return `${d} de ${MON.pt[m - 1]} de ${y}`;
    case 'nl':
      return `${pad(d)}-${pad(m)}-${y}`;
    case 'nl-long':
      return `${d} ${MON.nl[m - 1]} ${y}`;
    case 'pl':
      return `${pad(d)}.${pad(m)}.${y}`;
    case 'pl-long':
      return `${d} ${MON.pl[m - 1]} ${y} r.`;
    default:
      throw new Error('style ' + style);
  }
}
const dob = (styles, y0 = 1938, y1 = 2006) => fmtDate(rdate(y0, y1), pick([].concat(styles)));
const recent = (styles) => fmtDate(rdate(2022, 2024), pick([].concat(styles)));
const clock = () => `${pad(ri(7, 22))}:${pad(ri(0, 59))}`;
const sec60 = () => pad(ri(0, 59));
const an = (w) => (/^[aeiou]|^8\d?\b|^11\b|^18\b/i.test(String(w)) ? 'an' : 'a');
function mkClock(h0 = ri(7, 18)) {
  let m = h0 * 60 + ri(0, 50);
  return () => {
    m += ri(1, 25);
    return `${pad(Math.floor(m / 60) % 24)}:${pad(m % 60)}`;
  };
}
function dateRange(y = ri(2022, 2024)) {
  const m = ri(1, 11),
    d1 = ri(1, 18);
  return [
    { y, m, d: d1 },
    { y, m, d: d1 + ri(2, 8) },
  ];
}
const clock12 = () => `${ri(1, 12)}:${pad(ri(0, 59))} ${pick(['AM', 'PM'])}`;

// ───────────────────────────── phones ─────────────────────────────
const two = () => pad(ri(0, 99));
const US_AREA = [212, 312, 415, 503, 512, 614, 617, 702, 718, 919, 206, 303, 404, 608, 208, 912, 802, 518, 734, 509];
const ph = {
  us: () => {
    const a = pick(US_AREA),
      e = ri(201, 989),
      n = pad(ri(0, 9999), 4);
    return pick([
      `(${a}) ${e}-${n}`,
      `${a}-${e}-${n}`,
      `${a}.${e}.${n}`,
      `+1 ${a} ${e} ${n}`,
      `+1-${a}-${e}-${n}`,
      `1 (${a}) ${e}-${n}`,
    ]);
  },
  uk: () =>
    pick([
      () => `07${ri(400, 999)} ${pad(ri(0, 999999), 6)}`,
      () => `+44 7${ri(400, 999)} ${pad(ri(0, 999999), 6)}`,
      () => `+44 (0)7${ri(400, 999)} ${ri(100, 999)} ${ri(100, 999)}`,
      () => `020 ${ri(7000, 8999)} ${pad(ri(0, 9999), 4)}`,
      () => `0113 ${ri(200, 499)} ${pad(ri(0, 9999), 4)}`,
      () => `+44 161 ${ri(200, 999)} ${pad(ri(0, 9999), 4)}`,
      () => `0117 ${ri(900, 999)} ${pad(ri(0, 9999), 4)}`,
    ])(),
  de: () =>
    pick([
      () => `+49 30 ${ri(100, 999)} ${ri(1000, 9999)}`,
      () => `030 ${ri(1000000, 9999999)}`,
      () => `0171 ${ri(1000000, 9999999)}`,
      () => `+49 (0)89 ${ri(1000, 9999)} ${ri(1000, 9999)}`,
      () => `+49 151 ${ri(10000000, 99999999)}`,
      () => `0221 / ${ri(100, 999)} ${ri(10, 99)} ${ri(10, 99)}`,
    ])(),
  fr: () =>
    pick([
      () => `06 ${two()} ${two()} ${two()} ${two()}`,
      () => `+33 6 ${two()} ${two()} ${two()} ${two()}`,
      () => `01 ${two()} ${two()} ${two()} ${two()}`,
      () => `+33 (0)4 ${two()} ${two()} ${two()} ${two()}`,
      () => `07.${two()}.${two()}.${two()}.${two()}`,
    ])(),
  es: () =>
    pick([
      () => `6${ri(10, 99)} ${ri(100, 999)} ${ri(100, 999)}`,
      () => `+34 6${ri(10, 99)} ${two()} ${two()} ${two()}`,
      () => `91 ${ri(100, 999)} ${two()} ${two()}`,
      () => `+34 93 ${ri(100, 999)} ${ri(10, 99)} ${ri(10, 99)}`,
    ])(),
  it: () =>
    pick([
      () => `3${ri(20, 49)} ${ri(100, 999)} ${ri(1000, 9999)}`,
      () => `+39 3${ri(20, 49)} ${ri(1000000, 9999999)}`,
      () => `+39 06 ${ri(1000, 9999)} ${ri(1000, 9999)}`,
      () => `02 ${ri(1000, 9999)} ${ri(1000, 9999)}`,
    ])(),
  pt: () =>
    pick([
      () => `9${pick([1, 2, 3, 6])}${ri(0, 9)} ${ri(100, 999)} ${ri(100, 999)}`,
      () => `+351 9${pick([1, 2, 3, 6])}${ri(0, 9)} ${ri(100, 999)} ${ri(100, 999)}`,
      () => `+351 21 ${ri(100, 999)} ${ri(1000, 9999)}`,
      () => `22 ${ri(100, 999)} ${ri(1000, 9999)}`,
    ])(),
  nl: () =>
    pick([
      () => `06-${ri(10000000, 99999999)}`,
      () => `+31 6 ${ri(10000000, 99999999)}`,
      () => `020-${ri(1000000, 9999999)}`,
      () => `+31 (0)30 ${ri(100, 999)} ${ri(1000, 9999)}`,
      () => `06 ${ri(10, 99)} ${ri(10, 99)} ${ri(10, 99)} ${ri(10, 99)}`,
    ])(),
  pl: () =>
    pick([
      () => `${pick([5, 6, 7, 8])}${ri(0, 9)}${ri(0, 9)} ${ri(100, 999)} ${ri(100, 999)}`,
      () => `+48 ${pick([5, 6, 7])}${ri(10, 99)} ${ri(100, 999)} ${ri(100, 999)}`,
      () => `+48 22 ${ri(100, 999)} ${two()} ${two()}`,
      () => `(22) ${ri(100, 999)} ${two()} ${two()}`,
    ])(),
};

// ───────────────────────────── addresses ─────────────────────────────
const US_CITIES = [
  ['Portland', 'OR', '972'],
  ['Austin', 'TX', '787'],
  ['Columbus', 'OH', '432'],
  ['Raleigh', 'NC', '276'],
  ['Tucson', 'AZ', '857'],
  ['Madison', 'WI', '537'],
  ['Boise', 'ID', '837'],
  ['Savannah', 'GA', '314'],
  ['Burlington', 'VT', '054'],
  ['Albany', 'NY', '122'],
  ['Ann Arbor', 'MI', '481'],
  ['Spokane', 'WA', '992'],
  ['Chattanooga', 'TN', '374'],
  ['Lexington', 'KY', '405'],
  ['Santa Fe', 'NM', '875'],
];
const US_STREETS = [
  'Alder Creek',
  'Pinecrest',
  'Maple',
  'Juniper',
  'Willow Bend',
  'Harrison',
  'Oak Hollow',
  'Cedar Ridge',
  'Magnolia',
  'Lakeview',
  'Sycamore',
  'Briarwood',
  'Linden',
  'Elm',
  'Chestnut',
  'Quail Run',
  'Foxglove',
  'Tamarack',
  'Hawthorne',
];
const US_SUF = ['Rd', 'Ave', 'St', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pl', 'Street', 'Avenue', 'Road', 'Drive', 'Lane'];
const UK_TOWNS = [
  ['Leeds', 'LS', 1, 29],
  ['Bristol', 'BS', 1, 16],
  ['Manchester', 'M', 1, 40],
  ['Sheffield', 'S', 1, 36],
  ['Norwich', 'NR', 1, 35],
  ['Cardiff', 'CF', 3, 24],
  ['Edinburgh', 'EH', 1, 17],
  ['Brighton', 'BN', 1, 3],
  ['York', 'YO', 1, 32],
  ['Exeter', 'EX', 1, 6],
];
const UK_STREETS = [
  'Harrowby',
  'Cranbrook',
  'Mill',
  'Kingsley',
  'Chapel',
  'Beech',
  'Orchard',
  'Victoria',
  'Stanmore',
  'Greenbank',
  'Holly',
  'Ashgrove',
  'Wellington',
  'Rosemount',
];
const UK_TYPES = ['Road', 'Lane', 'Street', 'Avenue', 'Close', 'Crescent', 'Terrace', 'Gardens', 'Grove'];
const PCL = 'ABDEFGHJLNPQRSTUWXYZ';
const addr = {
  us: (multi) => {
    const [c, s, z] = pick(US_CITIES);
    const st = `${ri(12, 9870)} ${chance(0.25) ? pick(['N', 'S', 'E', 'W']) + ' ' : ''}${pick(US_STREETS)} ${pick(US_SUF)}`;
    const apt = chance(0.3)
      ? pick([`, Apt ${ri(1, 40)}${pick(['', 'A', 'B', 'C'])}`, `, Unit ${ri(100, 420)}`, ` #${ri(2, 30)}`])
      : '';
    const zip = z + pad(ri(0, 99));
    return multi ? `${st}${apt}\n${c}, ${s} ${zip}` : `${st}${apt}, ${c}, ${s} ${zip}`;
  },
  uk: (multi) => {
    const [t, a, lo, hi] = pick(UK_TOWNS);
    const flat = chance(0.3) ? `Flat ${ri(1, 12)}, ` : '';
    const l1 = `${flat}${ri(1, 220)} ${pick(UK_STREETS)} ${pick(UK_TYPES)}`;
    const pc = `${a}${ri(lo, hi)} ${ri(1, 9)}${rs(2, PCL)}`;
    return multi ? `${l1}\n${t}\n${pc}` : `${l1}, ${t} ${pc}`;
  },
  de: (multi) => {
    const st = pick([
      'Lindenstraße',
      'Schillerstraße',
      'Am Mühlbach',
      'Bahnhofstraße',
      'Goethestraße',
      'Kastanienallee',
      'Hauptstraße',
      'Weidenweg',
      'Sonnenstraße',
      'Bergstraße',
      'Rosenweg',
    ]);
    const [c, p] = pick([
      ['Berlin', '10'],
      ['Hamburg', '22'],
      ['München', '80'],
      ['Köln', '50'],
      ['Leipzig', '04'],
      ['Freiburg im Breisgau', '79'],
      ['Dresden', '01'],
      ['Münster', '48'],
      ['Stuttgart', '70'],
    ]);
    const l1 = `${st} ${ri(1, 140)}${chance(0.2) ? pick(['a', 'b']) : ''}`,
      l2 = `${p}${ri(100, 999)} ${c}`;
    return multi ? `${l1}\n${l2}` : `${l1}, ${l2}`;
  },
  fr: (multi) => {
    const st = `${ri(1, 180)}${chance(0.15) ? ' bis' : ''} ${pick(['rue', 'avenue', 'boulevard', 'impasse', 'allée', 'chemin'])} ${pick(['des Tanneurs', 'Jean-Jaurès', 'Voltaire', 'des Lilas', 'de la République', 'du Moulin', 'Victor-Hugo', 'des Écoles', 'Pasteur', 'de la Gare'])}`;
    const [c, cps] = pick([
      ['Lyon', ['69001', '69002', '69003', '69007']],
      ['Paris', ['75011', '75014', '75018', '75005']],
      ['Marseille', ['13006', '13001', '13008']],
      ['Nantes', ['44000', '44100']],
      ['Toulouse', ['31000', '31400']],
      ['Lille', ['59000', '59800']],
      ['Bordeaux', ['33000', '33800']],
      ['Rennes', ['35000', '35700']],
    ]);
    const apt = chance(0.3) ? pick([`Appt ${ri(1, 60)}, `, `Bât. ${pick(['A', 'B', 'C'])}, `]) : '';
    return multi ? `${apt}${st}\n${pick(cps)} ${c}` : `${apt}${st}, ${pick(cps)} ${c}`;
  },
  es: () => {
    const st = pick([
      'Calle Mayor',
      'Calle de Toledo',
      'Avenida de la Constitución',
      'Paseo de Gracia',
      'Carrer de Provença',
      'Calle del Pez',
      'Calle Alfonso XII',
      'Avenida de Andalucía',
      'Calle San Vicente Mártir',
    ]);
    const [c, cps] = pick([
      ['Madrid', ['28005', '28012', '28045']],
      ['Barcelona', ['08036', '08012']],
      ['Sevilla', ['41001', '41003']],
      ['Valencia', ['46002', '46007']],
      ['Bilbao', ['48001', '48009']],
      ['Zaragoza', ['50001', '50004']],
    ]);
    return chance(0.6)
      ? `${st}, ${ri(1, 150)}, ${ri(1, 8)}º ${pick(['A', 'B', 'C', 'D', 'izda.', 'dcha.'])}, ${pick(cps)} ${c}`
      : `${st} ${ri(1, 150)}, ${pick(cps)} ${c}`;
  },
  it: (multi) => {
    const st = pick([
      'Via Garibaldi',
      'Corso Vittorio Emanuele II',
      'Via dei Mille',
      'Piazza della Repubblica',
      'Viale Monza',
      'Via Roma',
      'Via Nazionale',
      'Via San Francesco',
      'Via del Corso',
    ]);
    const [c, pr, caps] = pick([
      ['Milano', 'MI', ['20121', '20124', '20127']],
      ['Roma', 'RM', ['00184', '00153', '00197']],
      ['Torino', 'TO', ['10123', '10138']],
      ['Bologna', 'BO', ['40126', '40137']],
      ['Napoli', 'NA', ['80134', '80121']],
      ['Firenze', 'FI', ['50122', '50134']],
    ]);
    const n = ri(1, 120);
    return multi
      ? `${st} ${n}\n${pick(caps)} ${c} (${pr})`
      : pick([`${st} ${n}, ${pick(caps)} ${c} (${pr})`, `${st}, ${n} - ${pick(caps)} ${c} ${pr}`]);
  },
  pt: () => {
    const st = pick([
      'Rua das Flores',
      'Avenida da Liberdade',
      'Rua de Santa Catarina',
      'Travessa do Carmo',
      'Rua Augusta',
      'Rua do Almada',
      'Avenida da Boavista',
      'Rua Ferreira Borges',
    ]);
    const [c, p] = pick([
      ['Lisboa', '1250'],
      ['Porto', '4050'],
      ['Coimbra', '3000'],
      ['Braga', '4700'],
      ['Faro', '8000'],
      ['Aveiro', '3810'],
    ]);
    const cp = `${p}-${pad(ri(0, 999), 3)}`;
    return chance(0.6)
      ? `${st}, ${ri(1, 300)}, ${ri(1, 6)}.º ${pick(['Esq.', 'Dto.', 'A', 'B'])}, ${cp} ${c}`
      : `${st} ${ri(1, 300)}, ${cp} ${c}`;
  },
  nl: (multi) => {
    const st = pick([
      'Keizersgracht',
      'Oudegracht',
      'Laan van Meerdervoort',
      'Witte de Withstraat',
      'Vondelstraat',
      'Herengracht',
      'Nieuwe Binnenweg',
      'Lange Voorhout',
      'Stationsweg',
    ]);
    const [c, p] = pick([
      ['Amsterdam', '10'],
      ['Utrecht', '35'],
      ['Den Haag', '25'],
      ['Rotterdam', '30'],
      ['Groningen', '97'],
      ['Eindhoven', '56'],
      ['Leiden', '23'],
    ]);
    const l1 = `${st} ${ri(1, 400)}${pick(['', '', '-A', '-2', ' hs', '-III'])}`,
      l2 = `${p}${ri(10, 99)} ${rs(2, 'ABCDEGHJKLMNPRSTVWXZ')} ${c}`;
    return multi ? `${l1}\n${l2}` : `${l1}, ${l2}`;
  },
  pl: () => {
    const st = pick([
      'ul. Długa',
      'ul. Marszałkowska',
      'al. Jana Pawła II',
      'ul. Piotrkowska',
      'ul. Floriańska',
      'ul. Świętojańska',
      'ul. Ogrodowa',
      'ul. Kwiatowa',
      'ul. Grunwaldzka',
    ]);
    const [c, ks] = pick([
      ['Warszawa', ['00-514', '02-677', '01-208']],
      ['Kraków', ['31-011', '30-384']],
      ['Gdańsk', ['80-831', '80-299']],
      ['Łódź', ['90-132', '93-281']],
      ['Poznań', ['61-758', '60-529']],
      ['Wrocław', ['50-077', '53-611']],
    ]);
    return `${st} ${ri(1, 120)}${chance(0.7) ? pick(['/', ' m. ']) + ri(1, 60) : ''}, ${pick(ks)} ${c}`;
  },
};

// ───────────────────────────── financial ids ─────────────────────────────
function luhnSum(s) {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = +s[s.length - 1 - i];
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}
const luhnValid = (s) => luhnSum(s) % 10 === 0;
function luhnComplete(prefix, len) {
  let s = prefix;
  while (s.length < len - 1) s += ri(0, 9);
  for (let c = 0; c < 10; c++) if (luhnValid(s + c)) return s + c;
  throw new Error('luhn');
}
function card(kind, sepIn) {
  kind = kind || pick(['visa', 'visa', 'mc', 'mc2', 'amex', 'disc']);
  const [pre, len] = {
    visa: ['4' + rs(5, DI), 16],
    mc: ['5' + ri(1, 5) + rs(4, DI), 16],
    mc2: [String(ri(2221, 2720)) + rs(2, DI), 16],
    amex: [pick(['34', '37']) + rs(4, DI), 15],
    disc: ['6011' + rs(2, DI), 16],
  }[kind];
  const n = luhnComplete(pre, len);
  const sep = sepIn ?? pick([' ', ' ', '-', '']);
  return len === 15 ? [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep) : n.match(/.{4}/g).join(sep);
}
function mod97(s) {
  let m = 0;
  for (const ch of s) m = (m * 10 + +ch) % 97;
  return m;
}
const ibanNum = (s) => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
function iban(cc, grouped = chance(0.6)) {
  const spec = {
    DE: () => rs(18, DI),
    FR: () => rs(23, DI),
    ES: () => rs(20, DI),
    IT: () => rs(1, UP) + rs(22, DI),
    NL: () => pick(['INGB', 'ABNA', 'RABO', 'TRIO', 'SNSB', 'KNAB']) + rs(10, DI),
    PL: () => rs(24, DI),
    PT: () => '00' + rs(19, DI),
    GB: () => pick(['NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL', 'MONZ']) + rs(14, DI),
    IE: () => pick(['AIBK', 'BOFI']) + rs(14, DI),
    BE: () => rs(12, DI),
    AT: () => rs(16, DI),
  };
  const bban = spec[cc]();
  const ck = 98 - mod97(ibanNum(bban + cc + '00'));
  const s = cc + pad(ck) + bban;
  return grouped ? s.replace(/(.{4})/g, '$1 ').trim() : s;
}
function ssn(sep = pick(['-', '-', '-', ' ', ''])) {
  let a;
  do {
    a = ri(1, 899);
  } while (a === 666);
  return [pad(a, 3), pad(ri(1, 99)), pad(ri(1, 9999), 4)].join(sep);
}
function nhs() {
  for (;;) {
    const d = [ri(4, 7), ...Array.from({ length: 8 }, () => ri(0, 9))];
    let c = 11 - (d.reduce((a, x, i) => a + x * (10 - i), 0) % 11);
    if (c === 11) c = 0;
    if (c === 10) continue;
    const n = d.join('') + c;
    return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  }
}
function mrn() {
  return pick([
    () => rs(8, DI),
    () => rs(7, DI),
    () => pick(['H', 'E', 'K', 'M']) + rs(7, DI),
    () => `${ri(2012, 2024)}-${rs(6, DI)}`,
    () => `${rs(3, DI)}-${rs(3, DI)}-${rs(3, DI)}`,
    () => `${rs(2, DI)}-${rs(2, DI)}-${rs(2, DI)}`,
    () => '000' + rs(7, DI),
    () => rs(3, UP) + rs(7, DI),
    () => `${rs(4, DI)} ${rs(4, DI)}`,
  ])();
}

// ───────────────────────────── network ─────────────────────────────
const ipv4 = () =>
  `${pick([23, 31, 34, 45, 52, 66, 73, 81, 89, 93, 104, 109, 141, 151, 178, 185, 198, 203, 212, 217])}.${ri(0, 255)}.${ri(0, 255)}.${ri(1, 254)}`;
const ipv4priv = () =>
  pick([
    () => `10.${ri(0, 255)}.${ri(0, 255)}.${ri(1, 254)}`,
    () => `192.168.${ri(0, 20)}.${ri(2, 254)}`,
    () => `172.${ri(16, 31)}.${ri(0, 255)}.${ri(1, 254)}`,
  ])();
function ipv6() {
  const pre = pick(['2a02:c7c', '2601:645', '2a01:4f8', '2607:fb90', '2001:818', '2a00:23c6', '2804:14c']);
  const g = Array.from({ length: 6 }, () => ri(0, 65535).toString(16));
  return chance(0.4) ? `${pre}:${g[0]}:${g[1]}::${g[4]}` : `${pre}:${g.join(':')}`;
}
const anyIp = () => (chance(0.2) ? ipv6() : chance(0.35) ? ipv4priv() : ipv4());

// ───────────────────────────── secrets ─────────────────────────────
const SEEN = new Set();
function uniq(fn) {
  for (let i = 0; i < 100; i++) {
    const v = fn();
    if (!SEEN.has(v)) {
      SEEN.add(v);
      return v;
    }
  }
  throw new Error('uniq');
}
const sec = {
  anth: () => uniq(() => 'sk-ant-api03-' + rs(93, B64URL) + 'AA'),
  oaiProj: () => uniq(() => 'sk-proj-' + rs(74, B64URL) + 'T3BlbkFJ' + rs(74, B64URL)),
  oaiOld: () => uniq(() => 'sk-' + rs(20, ALNUM) + 'T3BlbkFJ' + rs(20, ALNUM)),
  ghp: () => uniq(() => pick(['ghp_', 'ghp_', 'gho_', 'ghs_']) + rs(36, ALNUM)),
  ghpat: () => uniq(() => 'github_pat_11' + rs(20, UP + DI) + '_' + rs(59, ALNUM)),
  slack: () => uniq(() => pick(['xoxb-', 'xoxp-']) + rs(11, DI) + '-' + rs(13, DI) + '-' + rs(24, ALNUM)),
  stripe: () => uniq(() => pick(['sk_live_', 'rk_live_']) + rs(pick([24, 99]), ALNUM)),
  gcp: () => uniq(() => 'AIzaSy' + rs(33, B64URL)),
  glpat: () => uniq(() => 'glpat-' + rs(20, B64URL)),
  npm: () => uniq(() => 'npm_' + rs(36, ALNUM)),
  pypi: () => uniq(() => 'pypi-AgEIcHlwaS5vcmc' + rs(ri(140, 170), B64URL)),
  sendgrid: () => uniq(() => 'SG.' + rs(22, B64URL) + '.' + rs(43, B64URL)),
  twilio: () => uniq(() => 'SK' + hex(32)),
  hf: () => uniq(() => 'hf_' + rs(34, UP + LO)),
  mailgun: () => uniq(() => 'key-' + hex(32)),
  hex32: () => uniq(() => hex(32)),
  hex40: () => uniq(() => hex(40)),
  hex64: () => uniq(() => hex(64)),
  b64: (n = 44) =>
    uniq(() =>
      randBytes(Math.ceil((n * 3) / 4))
        .toString('base64')
        .slice(0, n),
    ),
  opaque: () => uniq(() => rs(ri(40, 64), ALNUM + '-._')),
  uuid: () => uniq(uuid),
  awsId: (p) => uniq(() => (p || pick(['AKIA', 'AKIA', 'ASIA'])) + rs(16, B32AWS)),
  awsSecret: () => uniq(() => rs(40, ALNUM + '+/')),
};
const PW_WORDS = [
  'Marigold',
  'falcon',
  'Tundra',
  'biscuit',
  'Velvet',
  'orchid',
  'Granite',
  'pepper',
  'Nimbus',
  'saffron',
  'Kestrel',
  'walnut',
  'Copper',
  'lantern',
  'Harbor',
  'juniper',
  'Quartz',
  'meadow',
  'Sparrow',
  'tango',
  'Otter',
  'cobalt',
  'Pickle',
  'zephyr',
];
const leet = (w) => w.replace(/a/g, '4').replace(/e/g, '3').replace(/o/g, '0').replace(/i/g, '1');
function password(kind = 'any') {
  const sym = kind === 'url' ? '-_.~' : '!@#%^&*-_=+?.';
  return uniq(() => {
    switch (ri(0, 6)) {
      case 0:
        return pick(PW_WORDS) + pick(sym.split('')) + ri(10, 2099);
      case 1:
        return rs(ri(12, 20), ALNUM + sym);
      case 2:
        return pickN(PW_WORDS, 4)
          .map((w) => w.toLowerCase())
          .join(pick(['-', '.', '_']));
      case 3:
        return capF(leet(pick(PW_WORDS).toLowerCase())) + ri(1, 99) + pick(sym.split(''));
      case 4:
        return pick(PW_WORDS) + capF(pick(PW_WORDS).toLowerCase()) + ri(100, 999);
      case 5:
        return (
          pick(['Welcome', 'Summer', 'Winter', 'Spring', 'Autumn', 'Company', 'Passw0rd', 'Letmein']) +
          ri(2019, 2025) +
          pick(sym.split(''))
        );
      default:
        return rs(ri(8, 10), LO) + ri(10, 99) + rs(2, UP);
    }
  });
}
function jwt(algIn) {
  return uniq(() => {
    const alg = algIn || pick(['HS256', 'HS256', 'RS256', 'ES256']);
    const hdr = chance(0.5) ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: rs(ri(8, 16), ALNUM) };
    const iat = ri(1690000000, 1718000000);
    const pl = {
      sub: pick([`usr_${rs(10, DI)}`, uuid(), `${ri(10000, 999999)}`]),
      iat,
      exp: iat + pick([900, 3600, 86400]),
    };
    if (chance(0.5))
      pl.iss = pick([
        'https://auth.shopfront.io',
        'https://login.brightlane.io',
        'accounts.tidepool.dev',
        'https://sso.kelpmail.net',
      ]);
    if (chance(0.5)) pl.scope = pick(['read:orders write:orders', 'openid profile', 'admin', 'claims:read']);
    if (chance(0.4)) pl.role = pick(['user', 'admin', 'service']);
    const sig = randBytes({ HS256: 32, RS256: 256, ES256: 64 }[alg]).toString('base64url');
    return `${b64u(JSON.stringify(hdr))}.${b64u(JSON.stringify(pl))}.${sig}`;
  });
}
const sshStr = (b) => {
  const x = Buffer.isBuffer(b) ? b : Buffer.from(b);
  const l = Buffer.alloc(4);
  l.writeUInt32BE(x.length);
  return Buffer.concat([l, x]);
};
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const pem = {
  ec: () =>
    uniq(() => {
      const body = Buffer.concat([
        Buffer.from('30770201010420', 'hex'),
        randBytes(32),
        Buffer.from('a00a06082a8648ce3d030107a144034200', 'hex'),
        Buffer.from([4]),
        randBytes(64),
      ]).toString('base64');
      return `-----BEGIN EC PRIVATE KEY-----\n${wrap(body, 64)}\n-----END EC PRIVATE KEY-----`;
    }),
  ed: () =>
    uniq(() => {
      const pub = randBytes(32),
        ck = randBytes(4);
      const pubBlob = Buffer.concat([sshStr('ssh-ed25519'), sshStr(pub)]);
      let priv = Buffer.concat([
        ck,
        ck,
        sshStr('ssh-ed25519'),
        sshStr(pub),
        sshStr(Buffer.concat([randBytes(32), pub])),
        sshStr(pick(['deploy@build-07', 'ci@runner', 'backup@nas'])),
      ]);
      let i = 1;
      while (priv.length % 8) priv = Buffer.concat([priv, Buffer.from([i++])]);
      const body = Buffer.concat([
        Buffer.from('openssh-key-v1\0'),
        sshStr('none'),
        sshStr('none'),
        sshStr(''),
        u32(1),
        sshStr(pubBlob),
        sshStr(priv),
      ]).toString('base64');
      return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(body, 70)}\n-----END OPENSSH PRIVATE KEY-----`;
    }),
  pkcs8ed: () =>
    uniq(
      () =>
        `-----BEGIN PRIVATE KEY-----\n${Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), randBytes(32)]).toString('base64')}\n-----END PRIVATE KEY-----`,
    ),
  // RSA PKCS#8 block as it appears JSON-escaped inside a service-account file (literal backslash-n).
  rsaJsonEscaped: () =>
    uniq(() => {
      const body = Buffer.concat([
        Buffer.from('308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100', 'hex'),
        randBytes(1216 - 38),
      ]).toString('base64');
      return `-----BEGIN PRIVATE KEY-----\\n${body.match(/.{1,64}/g).join('\\n')}\\n-----END PRIVATE KEY-----\\n`.replace(
        /\\n$/,
        '',
      );
    }),
};

// ───────────────────────────── misc ─────────────────────────────
const FENCE = '```';
const HANDLES = [
  'octo-dev42',
  'sunsetcoder',
  'bytewrangler',
  'k8s-wrangler',
  'mx-builds',
  'driftwood-dev',
  'quietfox',
  'rustacean99',
  'lambda-lime',
  'tinkerbox',
  'zeroconf-z',
];
const money = (a, b) => `${ri(a, b)}.${pad(ri(0, 99))}`;

// ───────────────────────────── templates ─────────────────────────────
const TEMPLATES = [];
function tpl(name, n, fn, neg = false) {
  TEMPLATES.push({ name, n, fn, neg });
}

// ============ NARRATIVE ============
tpl('news-community', 5, () => {
  const [a, b, c] = people('en', 3),
    A = X(a);
  const city = pick([
    'BEND, Ore.',
    'DULUTH, Minn.',
    'ASHEVILLE, N.C.',
    'MISSOULA, Mont.',
    'LOWELL, Mass.',
    'FLAGSTAFF, Ariz.',
  ]);
  const role = pick([
    'a retired postal worker',
    'a middle-school science teacher',
    'a volunteer firefighter',
    "a night-shift nurse at St. Luke's",
    'a former Marine who now drives a school bus',
  ]);
  const ev = pick([
    'the ice storm knocked out power across the east side',
    'floodwater closed the Route 9 bridge',
    'the heat wave pushed temperatures past 105 degrees for a fourth day',
  ]);
  return lines(
    T`${city} — When ${ev} last Tuesday, ${P(a.full)}, ${ri(34, 71)}, did not wait for the county.`,
    T`${P(capF(a.last))}, ${role}, opened ${A.his} garage as a shelter and kept it running for three nights on a borrowed generator.`,
    T`"${A.He} just started making soup," said neighbor ${P(b.full)}. "By midnight there were forty people in there."`,
    T`According to ${P(c.full)}, who coordinates Red Cross volunteers in the area, ${P(a.first)}'s effort kept at least two elderly residents out of the emergency room.`,
    chance(0.5)
      ? T`Donations for the shelter fund can be sent to ${EM(pick(['shelterfund', 'eastside.relief', 'donate']) + '@' + pick(['bendmutualaid.org', 'northlandcares.org', 'lowellneighbors.net']))}.`
      : T`The county commission is expected to recognize ${P(a.last)} at its next meeting.`,
  );
});

tpl('biography', 4, (i) => {
  const [s, gm, sp, k] = people('en', 4, [undefined, 'f', undefined, undefined]),
    S = X(s);
  const d = rdate(1941, 1985);
  const prof = pick([
    'marine biologist',
    'structural engineer',
    'jazz pianist',
    'epidemiologist',
    "children's author",
    'urban planner',
  ]);
  const place = pick(['Accra', 'Cork', 'Osaka', 'Kingston', 'Lagos', 'Swansea', 'Manila', 'Halifax']);
  const opener =
    i % 2 === 0
      ? T`${P(s.fullMid)} (born ${DOB(fmtDate(d, pick(['gb-long', 'us-long'])))}) is ${an(prof)} ${prof} best known for ${S.his} work in ${place} and abroad.`
      : T`Born on ${DOB(fmtDate(d, pick(['gb-long', 'us-long', 'gb-ord'])))} in ${place}, ${P(s.full)} became one of the most recognisable ${prof.replace(/'s author$/, "'s authors").replace(/([a-z])$/, '$1s')} of ${S.his} generation.`;
  return lines(
    opener,
    T`${S.He} was the youngest of four children; ${S.his} interest in the work came from ${S.his} grandmother, ${P(gm.full)}, who ran a ferry office on the harbour.`,
    T`After graduating in ${d.y + 22}, ${P(capF(s.last))} joined a small practice, where ${S.he} met the architect ${P(sp.full)}. The two married in ${d.y + ri(25, 31)}.`,
    T`Their ${pick(['son', 'daughter'])}, ${P(k.first)}, later described Professor ${P(s.last)} as "impossible to beat at cards and impossible to stay angry with".`,
    T`In ${Math.min(2023, d.y + ri(38, 55))}, ${P(s.first)} ${P(s.last)} received an honorary doctorate, ${S.his} third.`,
  );
});

tpl('short-story', 5, (i) => {
  const nickNames = Object.keys(NICK).filter((n) => NAMES.en.f.includes(n) || NAMES.en.m.includes(n));
  const bFirst = pick(nickNames);
  const b = { ...person('en', NAMES.en.f.includes(bFirst) ? 'f' : 'm'), first: bFirst, nick: NICK[bFirst] };
  let a, c, d;
  do {
    [a, c, d] = people('en', 3);
  } while ([a, c, d].some((p) => p.first === b.first || p.last === b.last));
  const A = X(a),
    B = X(b);
  const place = pick(['Galway', 'Durban', 'Sapporo', 'Winnipeg', 'Hobart', 'Tbilisi']);
  return lines(
    T`The kettle had been whistling for a full minute before ${P(a.first)} noticed it.`,
    T`"You're miles away," said ${P(b.nick)}, sliding into the chair opposite. "Is it the letter again?"`,
    T`Nobody had called ${P(b.first)} "${P(b.nick)}" since primary school, but ${P(a.first)} still did, when ${A.he} wanted something.`,
    T`${P(a.first)} nodded. ${A.His} brother ${P(c.first)} had written from ${place} for the first time in six years, and the envelope still sat unopened beside the bread bin.`,
    T`"Open it or I will," ${P(b.first)} said. ${B.He} reached across, but ${P(a.first)}'s hand got there first.`,
    T`Through the wall they could hear Mrs. ${P(d.last)} practising scales on the piano, the same four bars, over and over.`,
  );
});

tpl('minutes-prose', 4, () => {
  const [a, b, c, d, e] = people('en', 5);
  const board = pick([
    'Friends of Riverside Library',
    'Hollins Park Allotment Society',
    "Westgate Tenants' Association",
    'Northside Youth Football Club',
  ]);
  return lines(
    T`The quarterly meeting of the ${board} was called to order at 6:05 p.m. by the chair, ${P(a.full)}. Also present were ${P(b.full)}, ${P(c.fullMidInit)} and, by video link, ${P(d.full)}; apologies were received from ${P(e.full)}.`,
    T`${P(b.first)} presented the treasurer's report, noting that the balance stood at $${ri(1200, 9800)} after the spring fair. ${X(c).hon} ${P(c.last)} asked whether the insurance renewal had been budgeted; ${P(b.first)} confirmed it had.`,
    T`It was agreed that ${P(d.first)} would circulate the revised constitution to members by email (${EM(email(d))}) before the end of the month, and that ${P(a.last)} would contact the owner of the Church Street hall about the deposit.`,
    T`The meeting closed at 7:40 p.m. The next meeting will be held on the first Thursday of ${pick(['March', 'June', 'September', 'December'])}.`,
  );
});

tpl('legal-letter', 4, () => {
  const [rec, cl, sol] = people('en', 3),
    R = X(rec);
  const firm = pick(['Calder Ashby LLP', 'Pryce & Lowther Solicitors', 'Harrowgate Pym LLP', 'Eastgate Legal LLP']);
  const firmAddr = addr.uk(false);
  const matter = pick([
    "the boundary wall between your property and our client's",
    'the unpaid balance of £' + money(1200, 8800) + ' for building works',
    "the damage caused to our client's vehicle on the shared driveway",
  ]);
  return lines(
    T`${firm}`,
    T`${ADR(firmAddr)}`,
    '',
    T`Our ref: LIT/${ri(1000, 9999)}   Date: ${recent('gb-long')}`,
    '',
    T`${R.honUK} ${P(rec.full)}`,
    T`${ADR(addr.uk(true))}`,
    '',
    T`Dear ${R.honUK} ${P(rec.last)},`,
    '',
    T`We act for ${P(cl.full)} in connection with ${matter}. Our client instructs us that, despite repeated requests, the matter remains unresolved.`,
    T`Unless we receive your proposals within 14 days of the date of this letter, we are instructed to issue proceedings without further notice.`,
    T`Please direct all further correspondence to the writer, ${P(sol.full)}, at ${EM(workEmail(sol, pick(['calderashby.co.uk', 'prycelowther.com', 'harrowgatepym.law', 'eastgatelegal.co.uk'])))} or on ${PH(ph.uk())}.`,
    '',
    T`Yours sincerely,`,
    T`${P(sol.full)}`,
    T`Partner, ${firm}`,
  );
});

tpl('police-incident', 4, () => {
  const [o, c, w, det] = people('en', 4),
    C = X(c);
  const kind = pick([
    'residential burglary',
    'vehicle break-in',
    'stolen bicycle',
    'package theft',
    'criminal mischief (graffiti)',
  ]);
  return lines(
    T`INCIDENT REPORT — Case No. ${ri(22, 24)}-${ri(10000, 99999)}`,
    T`Reporting officer: Ofc. ${P(o.init)}, Badge ${ri(1000, 9999)}`,
    '',
    T`On ${recent('us-long')} at approximately ${pad(ri(0, 23))}${pad(ri(0, 59))} hrs, I responded to a report of a ${kind} at ${ADR(addr.us(false))}.`,
    T`The complainant, ${P(c.full)} (DOB ${DOB(dob(['us', 'us-short']))}), stated that ${C.he} returned home to find the side door forced. ${C.He} can be reached at ${PH(ph.us())}.`,
    T`A witness, ${P(w.full)}, who lives across the street, said ${X(w).he} saw a white pickup truck leave the area shortly before ${C.he} arrived. ${P(capF(w.last))} could not see the plate.`,
    T`${P(capF(c.last))} estimated the loss at $${ri(300, 6000)}. Property list attached. Case referred to Det. ${P(det.last)} for follow-up.`,
  );
});

tpl('obituary', 4, () => {
  const dg = chance(0.6) ? 'f' : 'm';
  const nickNames = Object.keys(NICK).filter((n) => NAMES.en[dg].includes(n));
  const first = pick(nickNames);
  const dd = { ...person('en', dg), first };
  dd.full = `${dd.first} ${dd.last}`;
  dd.nick = NICK[first];
  const D = X(dd);
  let fa, mo, sp, k1, k2;
  do {
    [fa, mo, sp, k1, k2] = people('en', 5, ['m', 'f', dg === 'f' ? 'm' : 'f', undefined, undefined]);
  } while ([fa, mo, sp, k1, k2].some((p) => p.first === first || p.last === dd.last));
  const bd = rdate(1929, 1950),
    death = rdate(2023, 2024);
  const age = death.y - bd.y - (death.m < bd.m || (death.m === bd.m && death.d < bd.d) ? 1 : 0);
  if (dg === 'm') fa.full = `${fa.first} ${dd.last}`;
  const simple = (l) => l.split(/[\s-]/).pop();
  const hyph = `${k1.first} ${simple(dd.last)}-${simple(k1.last)}`;
  return lines(
    T`${P(dd.full)}, known to all as ${P(dd.nick)}, of ${pick(['Burlington', 'Keene', 'Stowe', 'Bangor', 'Ithaca'])}, passed away peacefully on ${fmtDate(death, 'us-long')} at the age of ${age}.`,
    T`${D.He} was born on ${DOB(fmtDate(bd, 'us-long'))} in ${pick(['Lowell', 'Scranton', 'Galway', 'Montreal', 'Duluth'])}, the ${D.child} of ${P(fa.full)} and ${P(mo.fullMid)}.`,
    T`${P(dd.nick)} worked for thirty-one years at the Main Street pharmacy and never missed a town meeting.`,
    T`${D.He} was predeceased by ${D.his} ${dg === 'f' ? 'husband' : 'wife'}, ${P(sp.first)}, and is survived by ${D.his} children, ${P(hyph)} and ${P(k2.full)}, and five grandchildren.`,
    T`A service will be held at St. Mary's Church on Saturday at 11 a.m. In lieu of flowers, donations may be made to the Alzheimer's Association.`,
  );
});

tpl('school-report', 4, () => {
  const [s, t, fr] = people('en', 3),
    S = X(s),
    Tt = X(t);
  const school = pick([
    'Hollybank Primary School',
    "St Aidan's C of E Academy",
    'Kingswood High School',
    'Ferncliffe Community College',
  ]);
  const tEmail = `${ascii(t.first[0]).toLowerCase()}${ascii(t.last)
    .toLowerCase()
    .replace(
      /[^a-z]/g,
      '',
    )}@${pick(['hollybank.sch.uk', 'staidans.org.uk', 'kingswood-high.sch.uk', 'ferncliffe.ac.uk'])}`;
  return lines(
    T`${school} — End of Term Report, ${pick(['Autumn', 'Spring', 'Summer'])} ${ri(2022, 2024)}`,
    T`Pupil: ${P(s.full)}    Year: ${ri(3, 10)}    Form tutor: ${Tt.honUK} ${P(t.init)}`,
    '',
    T`${P(s.first)} has had a settled and productive term. ${S.His} written work in English shows real maturity, particularly the persuasive letter to the council about the Victoria Park playground.`,
    T`In Science, ${S.he} worked well with ${S.his} lab partner ${P(fr.first)}, although ${S.he} needs to take more care when recording results.`,
    T`${P(s.first)}'s attendance this term was ${ri(88, 100)}%. ${S.He} should be proud of ${S.his} progress.`,
    T`Parents and carers who would like to discuss this report can contact the school office or email ${Tt.honUK} ${P(t.last)} at ${EM(tEmail)}.`,
  );
});

tpl('reference-letter', 4, () => {
  const [c, x, w] = people('en', 3),
    C = X(c);
  const pos = pick(['Senior Data Analyst', 'Clinical Research Coordinator', 'Site Manager', 'Lead Product Designer']);
  const org = pick(['Larkspur Analytics', 'Meridian Health Partners', 'Northgate Construction', 'Tessellate Studio']);
  return lines(
    T`${recent('gb-long')}`,
    '',
    T`To whom it may concern,`,
    '',
    T`It is a pleasure to recommend ${P(c.full)} for the position of ${pos}. I supervised ${P(c.first)} for ${ri(2, 6)} years at ${org}.`,
    T`When our lead engineer, ${P(x.full)}, left at short notice, ${P(capF(c.last))} took over ${X(x).his} projects without missing a single deadline, and ${C.he} did it while mentoring two new hires.`,
    T`${P(c.first)} is calm under pressure and generous with credit. I recommend ${C.him} without reservation.`,
    T`Please feel free to contact me at ${EM(workEmail(w, pick(['larkspur-analytics.com', 'meridianhp.org', 'northgate.build', 'tessellate.studio'])))} or ${PH(pick([ph.uk, ph.us])())}.`,
    '',
    T`Kind regards,`,
    T`Dr ${P(w.full)}`,
    T`Head of Operations, ${org}`,
  );
});

tpl('community-newsletter', 4, () => {
  const [a, b, c, d] = people('en', 4, ['m', 'f', undefined, undefined]);
  return lines(
    T`LINCOLN PARK NEIGHBOURS — ${pick(['Spring', 'Summer', 'Autumn'])} Newsletter`,
    '',
    T`Congratulations to ${P(a.first)} and ${P(b.full)}, who celebrated their 40th wedding anniversary with a street party outside the Main Street bakery.`,
    T`Thanks also to ${P(c.fullMidInit)} for repainting the benches in Washington Square — ${X(c).he} refused to take a penny for the paint.`,
    T`The book club meets on the second Tuesday of the month; this term's pick is a mystery set in Jackson Hole. New members are welcome — just ask for ${P(d.first)} at the library desk.`,
    T`Lost: a grey tabby answering to "Biscuit". Last seen near Abbey Road. Call ${PH(ph.uk())} if found.`,
  );
});

tpl('encyclopedia-entry', 4, (i) => {
  const ent = [
    {
      name: 'Ada Lovelace',
      born: '10 December 1815',
      text: (n) =>
        T`${P(n)} was an English mathematician, chiefly known for her work on Charles Babbage's proposed mechanical general-purpose computer, the Analytical Engine.`,
      extra: ['Charles Babbage'],
    },
    {
      name: 'Marie Curie',
      born: '7 November 1867',
      text: (n) =>
        T`${P(n)} was a Polish and naturalised-French physicist and chemist who conducted pioneering research on radioactivity.`,
    },
    {
      name: 'Frederick Douglass',
      born: 'February 1818',
      text: (n) => T`${P(n)} was an American social reformer, abolitionist, orator and writer.`,
    },
    {
      name: 'Rabindranath Tagore',
      born: '7 May 1861',
      text: (n) =>
        T`${P(n)} was a Bengali poet, writer and composer, and the first non-European to win the Nobel Prize in Literature.`,
    },
  ][i % 4];
  const first = ent.name.split(' ')[0],
    last = ent.name.split(' ').slice(1).join(' ');
  const textLine =
    ent.name === 'Ada Lovelace'
      ? T`${P('Ada Lovelace')} was an English mathematician, chiefly known for her work on ${P('Charles Babbage')}'s proposed mechanical general-purpose computer, the Analytical Engine.`
      : ent.text(ent.name);
  return lines(
    textLine,
    T`${P(last)} was born ${/^\d/.test(ent.born) ? 'on ' : 'in '}${DOB(ent.born)}. Historians have written extensively about ${P(first)}'s early education.`,
    T`Several institutions bear the name today, including the ${last} Institute and a number of schools; the centenary of ${P(last)}'s best-known work was marked with a commemorative stamp.`,
  );
});

// ============ CONVERSATION ============
tpl('slack-chat', 6, (i) => {
  const [a, b, c] = people('en', 3);
  const ch = pick(['#platform-oncall', '#backend', '#data-eng', '#release-train', '#infra']);
  const t0 = ri(8, 17),
    m0 = ri(0, 40);
  const ts = (k) =>
    `${((t0 + Math.floor((m0 + k * 3) / 60) - 1) % 12) + 1}:${pad((m0 + k * 3) % 60)} ${t0 < 12 ? 'AM' : 'PM'}`;
  const variants = [
    () => [
      T`probably the rotated key, try this one: ${KEY(sec.anth())}`,
      T`@${P(c.first)} can you update the vault entry too? prod db pw is now ${PW(password())}`,
    ],
    () => [
      T`staging uses the old org key, here: ${KEY(sec.oaiProj())}`,
      T`don't paste that in a public channel next time lol`,
    ],
    () => [
      [T`AWS creds for the sandbox acct:`, T`${AWS(sec.awsId('AKIA'))}`, T`${AWS(sec.awsSecret())}`],
      T`rotating them tomorrow, don't get attached`,
    ],
    () => [
      T`the bot token got revoked, new one is ${KEY(sec.slack())}`,
      T`ping ${P(c.full)} if it breaks again, ${X(c).he} owns the integration`,
    ],
    () => [T`try curl with the service JWT: ${JW(jwt())}`, T`expires in an hour so hurry`],
    () => [
      T`customer says their ip is ${IP(anyIp())}, can someone check if it's in the WAF blocklist?`,
      T`their email on the account is ${EM(email(person('en')))}`,
    ],
  ];
  const [m1, m2] = variants[i % variants.length]();
  return lines(
    ch,
    T`${P(a.full)}  ${ts(0)}`,
    T`anyone know why staging is 500ing? getting "invalid x-api-key" in the logs`,
    T`${P(b.full)}  ${ts(1)}`,
    m1,
    T`${P(a.full)}  ${ts(2)}`,
    T`thx ${P(b.first)} 🙏`,
    m2,
  );
});

tpl('teams-chat', 4, () => {
  const [a, b, cu] = people('en', 3);
  const d = `${pad(ri(1, 28))}/${pad(ri(1, 12))}`,
    clock = mkClock(ri(8, 16));
  const IB = iban(pick(['GB', 'IE', 'NL', 'DE']));
  return lines(
    T`[${d} ${clock()}] ${P(`${a.last}, ${a.first}`)}`,
    T`Can you check a payment for me? Customer is ${X(cu).hon} ${P(cu.full)}, says the refund never arrived.`,
    T`[${d} ${clock()}] ${P(`${b.last}, ${b.first}`)}`,
    T`Which account did it go to?`,
    T`[${d} ${clock()}] ${P(`${a.last}, ${a.first}`)}`,
    T`${IBAN(IB)} — ref RFD-${ri(100000, 999999)}. ${X(cu).He} also gave ${PH(ph.uk())} as a callback number.`,
    T`[${d} ${clock()}] ${P(`${b.last}, ${b.first}`)}`,
    T`Found it, it bounced. I'll ask ${P(cu.first)} to confirm the IBAN by phone.`,
  );
});

tpl('whatsapp', 5, (i) => {
  const loc = pick(['en', 'en', 'nl', 'es']);
  const [kid, gran, baby] = people(loc, 3, [undefined, undefined, 'f']);
  const bdt = rdate(2023, 2024);
  const d = i % 6 === 1 ? fmtDate(bdt, 'gb') : `${pad(ri(1, 28))}/${pad(ri(1, 12))}/${ri(2022, 2024)}`;
  const t = mkClock(ri(7, 20));
  const A = loc === 'en' ? pick([addr.uk, addr.us])(false) : addr[loc](false);
  const PHN = loc === 'en' ? pick([ph.uk, ph.us])() : ph[loc]();
  const variants = [
    () => [
      T`[${d}, ${t()}] Mum: can you send me your new address for the birthday card xx`,
      T`[${d}, ${t()}] ${P(kid.first)}: ${ADR(A)}`,
      T`[${d}, ${t()}] Mum: lovely. and ${P(gran.first)}'s new number is ${PH(PHN)} if you want to ring`,
    ],
    () => [
      T`[${d}, ${t()}] ${P(kid.full)}: She's here!!! ${P(baby.first)} arrived on ${DOB(fmtDate(bdt, pick(['gb-long', 'gb-ord'])))} at 4.12am, 3.4kg 💕`,
      T`[${d}, ${t()}] Dad: Congratulations darling!! Send pics`,
    ],
    () => [
      T`[${d}, ${t()}] ${P(kid.first)}: can you transfer the £${ri(40, 400)} for the holiday deposit?`,
      T`[${d}, ${t()}] ${P(kid.first)}: ${IBAN(iban(loc === 'nl' ? 'NL' : loc === 'es' ? 'ES' : 'GB'))} name on account ${P(kid.full)}`,
      T`[${d}, ${t()}] Mum: done x`,
    ],
    () => [
      T`[${d}, ${t()}] Dad: wifi password at the cottage?`,
      T`[${d}, ${t()}] ${P(kid.first)}: ${PW(password())}`,
      T`[${d}, ${t()}] Dad: thanks. the owner is ${P(gran.full)}, ${PH(PHN)} if the boiler plays up`,
    ],
    () => [
      T`[${d}, ${t()}] ${P(gran.full)}: the parcel went to the wrong house again`,
      T`[${d}, ${t()}] ${P(gran.full)}: please tell them it's ${ADR(A)} not the old one`,
    ],
    () => [
      T`[${d}, ${t()}] ${P(kid.first)}: my email changed btw, it's ${EM(email(kid))}`,
      T`[${d}, ${t()}] Mum: ok love. are you coming Sunday?`,
    ],
  ];
  return lines(variants[i % variants.length]());
});

tpl('support-call', 5, (i) => {
  const [ag, c] = people('en', 2),
    C = X(c);
  const bank = pick(['Harbourline Bank', 'Cobalt Card Services', 'Westmere Building Society', 'Pinnacle Credit Union']);
  const bd = rdate(1950, 2000);
  const dst = pick(['spoken', 'spoken2', 'gb-long', 'us-long']);
  const dobStr = fmtDate(bd, dst),
    dobPre = dst.startsWith('spoken') ? 'The ' : "It's ";
  let tt = 3;
  const ts = () => {
    tt += ri(3, 14);
    return `[${pad(Math.floor(tt / 3600))}:${pad(Math.floor(tt / 60) % 60)}:${pad(tt % 60)}]`;
  };
  const cardNo = card(null, pick([' ', '']));
  const end = () =>
    i % 2 === 0
      ? [
          T`${ts()} CUSTOMER: Actually that's my old number. The new one is ${PH(pick([ph.uk, ph.us])())}.`,
          T`${ts()} AGENT: Updated. And is ${EM(email(c))} still the right email?`,
          T`${ts()} CUSTOMER: Yes, that's fine.`,
        ]
      : [
          T`${ts()} CUSTOMER: And can you update my address? I moved to ${ADR(pick([addr.uk, addr.us])(false))}.`,
          T`${ts()} AGENT: Of course. I'll post a new card there within five working days.`,
        ];
  return lines(
    T`${ts()} AGENT (${P(ag.first)}): Thank you for calling ${bank}, my name is ${P(ag.first)}, how can I help?`,
    T`${ts()} CUSTOMER: Hi, my card's been declined twice today and I don't know why.`,
    T`${ts()} AGENT: Sorry to hear that. Can I take your full name, please?`,
    T`${ts()} CUSTOMER: It's ${P(c.full)}.`,
    T`${ts()} AGENT: Thanks, ${C.honUK} ${P(c.last)}. And your date of birth?`,
    T`${ts()} CUSTOMER: ${dobPre}${DOB(dobStr)}.`,
    T`${ts()} AGENT: And the long number on the front of the card?`,
    T`${ts()} CUSTOMER: ${CC(cardNo)}.`,
    T`${ts()} AGENT: I can see a fraud hold from this morning. I'll send a code to the mobile ending ${ri(100, 999)}.`,
    end(),
  );
});

tpl('email-thread', 5, (i) => {
  const [a, b, c] = people(pick(['en', 'en', 'fr', 'de', 'nl']), 3);
  const dom = pick(['tidewater-freight.com', 'bluepeak.io', 'orchard-legal.co.uk', 'vantaggio.it', 'koppeling.nl']);
  const ae = workEmail(a, dom),
    be = workEmail(b, pick(['northwind-traders.com', 'alderbrook.org', 'fennel-bio.de']));
  const subj = pick(['Q3 shipment schedule', 'Invoice 2024-0419', 'Onboarding documents', 'Site visit next week']);
  const body = [
    () => T`Hi ${P(b.first)}, thanks — that works. I've asked ${P(c.first)} to set up the call for Thursday.`,
    () =>
      T`Hi ${P(b.first)}, the remittance details are: ${IBAN(iban(pick(['DE', 'NL', 'FR', 'GB'])))}, reference INV-${ri(1000, 9999)}. Please confirm once sent.`,
    () =>
      T`Hi ${P(b.first)}, I've attached the signed forms. My mobile is ${PH(pick([ph.uk, ph.de, ph.nl, ph.fr])())} if anything is missing.`,
  ][i % 3]();
  return lines(
    T`From: ${P(a.full)} <${EM(ae)}>`,
    T`To: ${P(b.full)} <${EM(be)}>`,
    T`Date: ${recent('gb-long')}`,
    T`Subject: Re: ${subj}`,
    '',
    body,
    '',
    T`Best,`,
    T`${P(a.first)}`,
    '',
    T`On ${recent('us-abbr')}, at ${clock()}, ${P(b.full)} <${EM(be)}> wrote:`,
    T`> Hi ${P(a.first)},`,
    T`> Could you resend the details? ${P(c.fullMidInit)} from accounts says the last email bounced.`,
    T`> Thanks,`,
    T`> ${P(b.full)}`,
    T`> ${pick(['Operations Manager', 'Accounts Payable', 'Head of Logistics'])} | m: ${PH(pick([ph.uk, ph.us, ph.de])())}`,
  );
});

tpl('sms', 5, (i) => {
  const [a, b] = people('en', 2);
  return [
    () =>
      T`Hi ${P(a.first)}, it's ${P(b.first)} from Hillside Motors. Your car is ready for collection, call ${PH(ph.uk())} if you want it dropped off.`,
    () =>
      T`Harbourline: your code is ${ri(100000, 999999)}. We will never call you to ask for it. Didn't request this? Call ${PH(ph.uk())}.`,
    () =>
      lines(
        T`Parcel for ${P(a.full)} at ${ADR(addr.uk(false))} could not be delivered.`,
        T`Reschedule within 48h or it will be returned. Ref ${rs(2, UP)}${ri(10000000, 99999999)}GB`,
      ),
    () =>
      T`Mum it's me, lost my phone, this is my new number. can u send £${ri(200, 900)} to ${IBAN(iban('GB', false))} asap? ${P(b.first)} will pay u back fri x`,
    () =>
      T`Reminder: ${P(a.first)} has a dental check-up with Dr ${P(b.last)} on Tue at 3:40pm. Reply C to confirm or call ${PH(ph.us())}.`,
  ][i % 5]();
});

tpl('llm-prompt-paste', 4, (i) => {
  const [a, b] = people('en', 2);
  const variants = [
    () =>
      lines(
        T`User: Can you make this sound more professional? "hey ${P(b.first)}, its ${P(a.first)} again. still havent got my refund for order 88213. my card was ${CC(card())}. call me on ${PH(ph.us())} or just email ${EM(email(a))} thx"`,
        T`Assistant: Certainly. "Dear ${P(b.first)}, I am writing to follow up on the refund for order 88213, which I have not yet received. Please let me know the status at your earliest convenience. Kind regards, ${P(a.first)}"`,
      ),
    () =>
      lines(
        T`User: fix this python, it says 403`,
        T`${FENCE}python`,
        T`import requests`,
        T`r = requests.get("https://api.github.com/user/repos", headers={"Authorization": "token ${KEY(sec.ghp())}"})`,
        T`print(r.status_code)`,
        FENCE,
        T`Assistant: A 403 usually means the token lacks the repo scope. Also, you have pasted a live token — revoke it in Settings → Developer settings and create a new one.`,
      ),
    () =>
      lines(
        T`User: summarise this patient note in plain English for the family:`,
        T`"${P(a.full)}, DOB ${DOB(dob(['us', 'iso']))}, MRN ${MRN(mrn())}. Admitted with community-acquired pneumonia, improving on IV antibiotics, plan step-down to oral in 48h."`,
        T`Assistant: Your relative was admitted with a chest infection. It is getting better with antibiotics through a drip, and the team plans to switch to tablets in about two days.`,
      ),
    () =>
      lines(
        T`User: write a polite reminder to my tenant ${P(a.full)} that rent for ${ADR(addr.us(false))} is 5 days late. Sign it from ${P(b.full)}.`,
        T`Assistant: Dear ${P(a.first)}, this is a friendly reminder that this month's rent is now five days overdue. Please arrange payment at your earliest convenience. Best regards, ${P(b.full)}`,
      ),
  ];
  return variants[i % variants.length]();
});

// ============ HEALTH ============
tpl('triage-note', 5, () => {
  const [p, rel, doc] = people('en', 3),
    Pp = X(p);
  const site = pick([
    'Mercy Valley Medical Center ED',
    "St. Columba's Hospital A&E",
    'Riverside General — Emergency',
    'Lakeshore Regional ED',
  ]);
  const nameForm = pick([`${p.last.toUpperCase()}, ${p.first}`, `${p.last}, ${p.first}`, p.full]);
  const relation = pick(['wife', 'husband', 'son', 'daughter', 'partner', 'neighbour']);
  const complaint = pick([
    'central chest pain radiating to L arm',
    'SOB, productive cough x5 days',
    'fall at home, R hip pain, unable to weight-bear',
    'RLQ abdominal pain, vomiting',
    'sudden severe headache',
  ]);
  const hx = pick([
    "T2DM, HTN, Hashimoto's thyroiditis",
    'COPD, AF on apixaban',
    "Crohn's disease, prior appendicectomy",
    "Asthma; Bell's palsy 2019",
    'nil significant',
  ]);
  return lines(
    T`ED TRIAGE — ${site}`,
    T`Pt: ${P(nameForm)}   DOB: ${DOB(dob(['us', 'iso', 'gb', 'gb-abbr']))}   MRN: ${MRN(mrn())}`,
    T`Arrival ${clock()} via ${pick(['ambulance', 'walk-in', 'private car'])}. Accompanied by ${relation} (${P(rel.full)}, ${PH(pick([ph.us, ph.uk])())}).`,
    T`CC: ${complaint}. Onset ${ri(1, 48)}h ago.`,
    T`PMH: ${hx}. Allergies: ${pick(['NKDA', 'penicillin (rash)', 'sulfa', 'latex'])}.`,
    T`Obs: BP ${ri(100, 170)}/${ri(60, 100)}, HR ${ri(60, 125)}, RR ${ri(12, 26)}, SpO2 ${ri(89, 99)}% RA, T ${ri(36, 39)}.${ri(0, 9)}.`,
    T`ESI ${ri(2, 4)}. ${Pp.He} was seen by Dr. ${P(doc.last)} at ${clock()}.`,
  );
});

tpl('referral-email', 5, () => {
  const [pt, cons, gp] = people('en', 3),
    PT = X(pt);
  const practice = pick(['Elmfield Surgery', 'Wharfedale Medical Practice', 'Castlegate Health Centre']);
  return lines(
    T`From: ${P(gp.full)} <${EM(workEmail(gp, 'nhs.net'))}>`,
    T`To: Rheumatology Referrals <${EM('rheum.referrals@' + pick(['lthtr.nhs.uk', 'nbt.nhs.uk', 'nhs.net']))}>`,
    T`Subject: Referral — ${PT.honUK} ${P(pt.full)}`,
    '',
    T`Dear Dr ${P(cons.last)},`,
    '',
    T`I would be grateful if you could see ${PT.honUK} ${P(pt.fullMid)} (DOB ${DOB(dob(['gb', 'gb-long'], 1940, 1990))}, NHS No. ${MRN(nhs())}, hospital number ${MRN(pick(['R', 'K', 'H']) + rs(7, DI))}).`,
    T`${PT.He} presents with a six-month history of symmetrical small-joint pain and morning stiffness lasting over an hour; CRP ${ri(12, 80)}, RF positive.`,
    T`${PT.He} lives alone at ${ADR(addr.uk(false))} and would prefer morning appointments. ${PT.His} mobile is ${PH(ph.uk())}.`,
    '',
    T`Many thanks,`,
    T`Dr ${P(gp.init)}`,
    T`${practice}`,
  );
});

tpl('insurance-claim', 5, () => {
  const [m, doc, adj] = people('en', 3),
    M = X(m);
  const hosp = pick(['Mercy Valley Medical Center', 'Lakeshore Regional Hospital', 'St. Anselm Health']);
  return lines(
    T`CLAIM NARRATIVE — Claim #CLM-${ri(2022, 2024)}-${ri(100000, 999999)}`,
    '',
    T`On ${recent('us-long')}, our member ${P(m.full)} (Member ID W${rs(9, DI)}, DOB ${DOB(dob(['us', 'us-long']))}) was admitted to ${hosp} following a cycling accident.`,
    T`The hospital's medical record number for this admission is ${MRN(mrn())}. ${M.He} underwent ORIF of the left distal radius performed by Dr. ${P(doc.full)}.`,
    T`${P(capF(m.last))} reports that the other party's insurer has accepted liability; subrogation may apply.`,
    T`Member contact: ${PH(ph.us())}, ${EM(email(m))}. Mailing address on file: ${ADR(addr.us(false))}.`,
    T`Reviewed by: ${P(adj.full)}, Claims Examiner II`,
  );
});

tpl('portal-message', 6, (i) => {
  const [p, kid, doc] = people('en', 3);
  const variants = [
    () =>
      T`hi, this is ${P(p.full)} — my DOB is ${DOB(dob(['us-short', 'us', 'us-long']))} and my MRN is ${MRN(mrn())}. I need a refill of my lisinopril 10mg, the pharmacy says the script expired. thanks`,
    () =>
      lines(
        T`Hello Dr. ${P(doc.last)},`,
        T`My daughter ${P(kid.first)} (dob ${DOB(dob(['us', 'us-short'], 2010, 2021))}, patient ID ${MRN(mrn())}) still has a fever after 3 days of amoxicillin. Should we bring her back in?`,
        T`${P(p.first)} ${P(p.last)}`,
      ),
    () =>
      lines(
        T`Subject: wrong address on my bill`,
        T`My medical record number is ${MRN(mrn())}. The statement went to my old place — please update it to ${ADR(addr.us(false))}.`,
        T`Born ${DOB(dob(['us-long', 'us']))}, in case you need to verify. — ${P(p.full)}`,
      ),
    () =>
      T`Can someone call me back at ${PH(ph.us())}? I'm ${P(p.full)}, date of birth ${DOB(dob(['us', 'iso']))}. Dr. ${P(doc.last)} ordered an MRI but nobody has scheduled it.`,
    () =>
      lines(
        T`To the nurse line:`,
        T`Patient: ${P(kid.full)}  DOB ${DOB(dob(['us'], 2012, 2020))}  MRN# ${MRN(mrn())}`,
        T`Parent: ${P(p.full)}`,
        T`Question: is it OK to give ibuprofen with the new inhaler?`,
      ),
    () =>
      T`I tried to log in but it says my account is locked. MRN ${MRN(mrn())}, birthday ${DOB(dob(['us-short']))}. My email is ${EM(email(p))}. — ${P(p.first)}`,
  ];
  return variants[i % variants.length]();
});

tpl('lab-requisition', 4, () => {
  const [p, doc] = people('en', 2);
  return lines(
    T`LABORATORY REQUISITION — ${pick(['Quest Diagnostics', 'LabCorp', 'Sonora Clinical Labs'])}`,
    T`Patient: ${P(`${p.last}, ${p.first}`)}   Sex: ${p.g === 'f' ? 'F' : 'M'}   DOB: ${DOB(dob(['us', 'iso']))}`,
    T`Patient ID / MRN: ${MRN(mrn())}`,
    T`Ordering provider: ${P(doc.full)}, MD   NPI ${ri(1000000000, 1999999999)}`,
    T`Collection date: ${recent('us')}  ${clock()}   Fasting: ${pick(['Y', 'N'])}`,
    T`Tests: CBC w/ diff; CMP; HbA1c; Lipid panel; TSH`,
    T`Dx codes: ${pick(['E11.9, I10', 'E03.9', 'R53.83, D64.9'])}`,
    T`Bill to: ${pick(['Aetna', 'BlueCross BlueShield', 'Cigna', 'UnitedHealthcare'])}   Policy # ${rs(3, UP)}${rs(9, DI)}`,
    T`Patient phone: ${PH(ph.us())}`,
  );
});

tpl('vaccination-record', 4, (i) => {
  const [p, n1, n2] = people(pick(['en', 'es']), 3);
  const es = p.loc === 'es';
  const dates = [rdate(2021, 2021), rdate(2021, 2022), rdate(2023, 2023)].map((d) => fmtDate(d, 'iso'));
  return lines(
    es ? T`CERTIFICADO DE VACUNACIÓN / VACCINATION RECORD` : T`COVID-19 Vaccination Record Card`,
    es ? T`Nombre / Name: ${P(p.full)}` : T`Last name: ${P(p.last)}    First name: ${P(p.first)}`,
    es
      ? T`Fecha de nacimiento / Date of birth: ${DOB(dob(['gb', 'es-long']))}`
      : T`Date of birth: ${DOB(dob(['us', 'iso']))}`,
    es ? T`N.º de historia clínica: ${MRN(mrn())}` : T`Patient number (medical record #): ${MRN(mrn())}`,
    T`Dose 1  Comirnaty   lot ${rs(2, UP)}${ri(1000, 9999)}   ${dates[0]}   admin: ${P(n1.init)}`,
    T`Dose 2  Comirnaty   lot ${rs(2, UP)}${ri(1000, 9999)}   ${dates[1]}   admin: ${P(n1.init)}`,
    T`Booster Spikevax    lot ${rs(3, DI)}${rs(1, UP)}${ri(10, 99)}A  ${dates[2]}   admin: ${P(n2.full)}, RN`,
  );
});

tpl('dental-record', 4, () => {
  const [p, dds, hyg] = people('en', 3);
  return lines(
    T`${pick(['Bright Smile Dental', 'Harbour View Dentistry', 'Oakridge Family Dental'])} — Treatment Note`,
    T`Patient: ${P(p.fullMidInit)}    Chart #: ${MRN(mrn())}    DOB: ${DOB(dob(['us', 'gb']))}`,
    T`Date of visit: ${recent('us')}    Provider: Dr. ${P(dds.full)}, DDS    Hygienist: ${P(hyg.first)}`,
    T`#${ri(2, 15)} MOD composite, shade A2. #${ri(18, 31)} watch — incipient distal caries.`,
    T`Perio: generalized 2–3 mm, BOP localized LR. Recall 6 months.`,
    T`Emergency contact: ${P(person('en').full)} ${PH(ph.us())}`,
  );
});

tpl('discharge-summary', 4, () => {
  const [p, att, dau] = people('en', 3, [undefined, undefined, 'f']),
    Pp = X(p);
  const age = ri(58, 91),
    stay = dateRange();
  return lines(
    T`DISCHARGE SUMMARY`,
    T`${P(p.full)} (MRN ${MRN(mrn())}), ${an(age)} ${age}-year-old ${p.g === 'f' ? 'woman' : 'man'} with Parkinson's disease, was admitted on ${fmtDate(stay[0], 'us')} with aspiration pneumonia.`,
    T`${Pp.He} completed seven days of antibiotics and was reviewed by speech and language therapy; a modified diet was started.`,
    T`Discharged home on ${fmtDate(stay[1], 'us')} to the care of ${Pp.his} daughter, ${P(dau.full)} (${PH(ph.us())}), who lives with ${Pp.him} at ${ADR(addr.us(false))}.`,
    T`Follow-up: Dr. ${P(att.last)}, neurology clinic, in 4 weeks. Home health referral sent.`,
    T`Attending: ${P(att.full)}, MD`,
  );
});

tpl('rx-label', 3, () => {
  const [p, doc] = people('en', 2);
  return lines(
    T`${pick(['Walgreens', 'CVS Pharmacy', 'Rite Aid'])} #${ri(1000, 19999)}`,
    T`Rx# ${ri(1000000, 9999999)}    Refills: ${ri(0, 5)}`,
    T`${P(p.full.toUpperCase())}`,
    T`DOB ${DOB(dob(['us']))}`,
    T`METFORMIN HCL 500MG TAB — take 1 tablet by mouth twice daily with meals`,
    T`Dr. ${P(doc.init)}    Filled ${recent('us')}    Qty 60`,
  );
});

// ============ FINANCE / HR ============
tpl('payslip', 4, (i) => {
  const us = i % 2 === 0;
  const p = person(us ? 'en' : pick(['de', 'nl', 'fr', 'en']));
  const co = pick([
    'Brightlane Logistics Inc.',
    'Kestrel Foods Ltd',
    'Meridian Dental Group',
    'Tessellate Studio GmbH',
  ]);
  const gross = ri(2800, 9800),
    pp = dateRange();
  if (us) {
    const masked = chance(0.4);
    return lines(
      T`${co} — Earnings Statement`,
      T`Pay period: ${fmtDate(pp[0], 'us')} – ${fmtDate(pp[1], 'us')}    Pay date: ${fmtDate({ ...pp[1], d: pp[1].d + 1 }, 'us')}`,
      T`Employee: ${P(p.full)}    Emp ID: ${ri(10000, 99999)}`,
      masked ? T`SSN: XXX-XX-${pad(ri(1, 9999), 4)}` : T`SSN: ${SSN(ssn('-'))}`,
      T`Address: ${ADR(addr.us(false))}`,
      T`Gross pay  $${gross}.00   Federal W/H $${ri(200, 900)}.${two()}   FICA $${ri(150, 700)}.${two()}`,
      T`Net pay deposited to checking acct ****${ri(1000, 9999)}`,
    );
  }
  const cc = { de: 'DE', nl: 'NL', fr: 'FR', en: 'GB' }[p.loc];
  return lines(
    T`${co} — Payslip ${pick(['March', 'April', 'May', 'June'])} 2024`,
    T`Employee: ${P(p.full)}    Employee no. ${ri(1000, 9999)}    Tax code 1257L`,
    T`Home address: ${ADR(addr[p.loc === 'en' ? 'uk' : p.loc](false))}`,
    T`Gross ${gross}.00   Tax ${ri(300, 1500)}.${two()}   Pension ${ri(50, 300)}.${two()}   Net ${gross - ri(700, 1800)}.${two()}`,
    T`Paid by bank transfer to ${IBAN(iban(cc))}`,
  );
});

tpl('bank-statement', 4, () => {
  const loc = pick(['nl', 'de', 'en', 'fr', 'es']);
  const [h, p1, p2] = people(loc, 3);
  const cc = { nl: 'NL', de: 'DE', en: 'GB', fr: 'FR', es: 'ES' }[loc];
  const bank = {
    nl: 'Rabobank',
    de: 'Sparkasse Südholstein',
    en: 'Harbourline Bank plc',
    fr: 'Crédit Mutuel',
    es: 'Banco Sabadell',
  }[loc];
  const A = loc === 'en' ? addr.uk(true) : loc === 'es' ? addr.es() : addr[loc](true);
  const cp = (p) => pick([p.full, `${p.first[0]}. ${p.last}`, `${p.last.toUpperCase()} ${p.first[0]}`]);
  return lines(
    T`${bank}`,
    T`Statement of account — ${pick(['May', 'June', 'July'])} 2024`,
    '',
    T`${P(h.full)}`,
    T`${ADR(A)}`,
    '',
    T`IBAN: ${IBAN(iban(cc, true))}    BIC: ${rs(4, UP)}${cc}${rs(2, UP)}`,
    T`Date   Description                                   Amount`,
    T`02/05  SEPA transfer to ${P(cp(p1))} — rent May        -${money(600, 1400)}`,
    T`03/05  Card payment ${{ nl: 'ALBERT HEIJN 1123', de: 'REWE MARKT GMBH', en: 'TESCO STORES 3312', fr: 'CARREFOUR CITY', es: 'MERCADONA S.A.' }[loc].padEnd(38)} -${money(5, 80)}`,
    T`05/05  SEPA credit from ${P(cp(p2))} — concert tickets  +${money(20, 120)}`,
    T`09/05  Direct debit ${{ nl: 'Ziggo Services BV', de: 'Telekom Deutschland', en: 'Thames Water', fr: 'EDF', es: 'Iberdrola' }[loc].padEnd(37)} -${money(40, 70)}`,
    T`14/05  Salary Brightlane Logistics                      +${money(2400, 4800)}`,
  );
});

tpl('loan-application', 4, () => {
  const [a, co, ref] = people('en', 3);
  return lines(
    T`PERSONAL LOAN APPLICATION — ${pick(['Pinnacle Credit Union', 'Harbourline Bank', 'Cobalt Lending'])}`,
    T`Applicant: ${P(a.fullMidInit)}`,
    T`Date of birth: ${DOB(dob(['us', 'us-long']))}    SSN: ${SSN(ssn())}`,
    T`Current address: ${ADR(addr.us(false))}  (${ri(1, 12)} yrs)`,
    T`Phone: ${PH(ph.us())}    Email: ${EM(email(a))}`,
    T`Employer: ${pick(['Boeing', 'Wells Fargo', 'Johnson & Johnson', 'Dell Technologies', 'Procter & Gamble'])}, ${pick(['machinist', 'branch manager', 'QA analyst', 'field engineer'])}, $${ri(42, 160)},000/yr`,
    T`Co-applicant: ${P(co.full)}, DOB ${DOB(dob(['us']))}, SSN ${SSN(ssn())}`,
    T`Loan purpose: ${pick(['debt consolidation', 'home improvements (roof)', 'used vehicle', 'medical bills'])}   Amount requested: $${ri(5, 45)},000`,
    T`Reference: ${P(ref.full)}, ${PH(ph.us())}`,
  );
});

tpl('background-check', 4, () => {
  const [s, hr] = people('en', 2),
    S = X(s);
  const y = ri(2014, 2019);
  return lines(
    T`PRE-EMPLOYMENT SCREENING REPORT — CONFIDENTIAL`,
    '',
    T`Subject: ${P(s.full)} (also known as ${P(`${s.first} ${pick(NAMES.en.last.filter((l) => l !== s.last))}`)})`,
    T`SSN provided: ${SSN(ssn())}; verified against the SSA death master file with no match. DOB: ${DOB(dob(['us', 'us-long'], 1962, 2001))}.`,
    T`Address history: ${ADR(addr.us(false))} (${y}–${y + 3}); ${ADR(addr.us(false))} (${y + 3}–present).`,
    T`Employment with ${pick(['Ford Motor Company', 'Charles Schwab', 'Hilton Worldwide', 'Ralph Lauren Corp.'])} was confirmed by ${P(hr.full)} in HR; dates match the application.`,
    T`County criminal search: no records found. ${S.He} holds a valid driver's license; two minor traffic violations in ${y + 1}.`,
  );
});

tpl('expense-claim', 4, () => {
  const [e, c1, c2, ap] = people('en', 4);
  const clientCo = pick(['Goldman Sachs', 'Morgan Stanley', 'Wells Fargo', 'Marriott International']);
  return lines(
    T`EXPENSE CLAIM — ${pick(['EXP', 'EC'])}-${ri(10000, 99999)}`,
    T`Claimant: ${P(e.full)}    Cost centre: ${ri(4000, 4999)}    Corporate card: ${CC(card(pick(['visa', 'amex', 'mc'])))}`,
    T`${recent('us')}  Client dinner, The Wellington Grill — $${money(120, 480)}`,
    T`   Attendees: ${P(c1.full)} and ${P(c2.fullMidInit)} (${clientCo}); ${P(e.first)} ${P(e.last)}`,
    T`${recent('us')}  Taxi to airport — $${money(30, 90)}`,
    T`${recent('us')}  Hotel, 2 nights, Hilton Garden Inn — $${money(260, 620)}`,
    T`Approved by: ${P(ap.init)}  (pending receipts for item 2)`,
  );
});

tpl('visa-application', 4, () => {
  const loc = pick(['en', 'es', 'pt', 'it', 'pl']);
  const a = person(loc),
    [host] = people('en', 1);
  const cc = { en: 'GB', es: 'ES', pt: 'PT', it: 'IT', pl: 'PL' }[loc];
  const A = loc === 'en' ? addr.us(false) : addr[loc](false);
  return lines(
    T`VISITOR VISA APPLICATION — Section 1: Personal details`,
    T`Surname(s): ${P(a.last.toUpperCase())}`,
    T`Given name(s): ${P(a.first)}`,
    T`Date of birth: ${DOB(dob(['gb', 'iso']))}    Place of birth: ${pick(['Lagos', 'Porto', 'Sevilla', 'Bari', 'Gdańsk', 'Manila'])}`,
    T`Passport number: ${rs(2, UP)}${rs(7, DI)}    Issued: ${recent('gb')}`,
    T`Home address: ${ADR(A)}`,
    T`Telephone: ${PH(loc === 'en' ? ph.us() : ph[loc]())}    Email: ${EM(email(a))}`,
    T`Section 3: Host in the United Kingdom`,
    T`Name: ${P(host.full)}    Relationship: ${pick(['friend', 'cousin', 'former colleague'])}`,
    T`Address: ${ADR(addr.uk(false))}`,
  );
});

tpl('tenancy-agreement', 4, () => {
  const [ll, t1, t2] = people('en', 3);
  return lines(
    T`ASSURED SHORTHOLD TENANCY AGREEMENT`,
    '',
    T`This agreement is made on ${recent('gb-long')} between ${P(ll.fullMid)} ("the Landlord") of ${ADR(addr.uk(false))}`,
    T`and ${P(t1.full)} and ${P(t2.full)} ("the Tenants").`,
    '',
    T`1. The Landlord lets the property at ${ADR(addr.uk(false))} ("the Property") for a term of 12 months.`,
    T`2. Rent: £${ri(850, 2400)} per calendar month, payable in advance by standing order to ${IBAN(iban('GB', true))}.`,
    T`3. Deposit: £${ri(900, 2800)}, to be protected with the Deposit Protection Service within 30 days.`,
    T`4. Notices to the Tenants may be served by email to ${EM(email(t1))}.`,
    '',
    T`Signed: ______________ ${P(ll.full)}      ______________ ${P(t1.full)}      ______________ ${P(t2.full)}`,
  );
});

tpl('hr-onboarding-email', 4, () => {
  const [nh, hr] = people('en', 2);
  return lines(
    T`Subject: RE: Welcome aboard — a few details for payroll`,
    '',
    T`Hi ${P(hr.first)},`,
    T`Here you go:`,
    T`Legal name: ${P(nh.fullMid)}`,
    T`SSN: ${SSN(ssn())}`,
    T`DOB: ${DOB(dob(['us', 'us-short', 'iso'], 1975, 2002))}`,
    T`Mailing address: ${ADR(addr.us(false))}`,
    T`Emergency contact: ${P(person('en').full)}, ${PH(ph.us())}`,
    T`I'll bring my passport on day one for the I-9. Thanks!`,
    T`${P(nh.nick || nh.first)}`,
  );
});

tpl('chargeback-dispute', 4, () => {
  const [c, m] = people('en', 2),
    C = X(c);
  const merchant = pick(['Tiffany & Co.', 'Marriott Downtown', 'Dell Technologies online store', "McDonald's #4471"]);
  return lines(
    T`To: Disputes Department, ${pick(['Harbourline Bank', 'Cobalt Card Services', 'Pinnacle Credit Union'])}`,
    T`Re: Disputed transaction of $${money(80, 2400)} on ${recent('us-long')}`,
    '',
    T`I am writing to dispute a charge from ${merchant} on my card ending in the number below. I did not authorise this transaction and I was in another state on the date in question.`,
    T`Cardholder: ${P(c.full)}`,
    T`Card number: ${CC(card())}`,
    T`Billing address: ${ADR(addr.us(false))}`,
    T`Daytime phone: ${PH(ph.us())}`,
    T`I spoke to ${P(m.first)} in your fraud team on the phone, who advised me to put this in writing. Please reverse the charge and issue a replacement card.`,
    '',
    T`Sincerely,`,
    T`${P(c.full)}`,
  );
});

tpl('hotel-booking-confirmation', 4, () => {
  const g = person(pick(['en', 'fr', 'de', 'it']));
  const hotel = pick(['Hotel Garibaldi Milano', 'The Wellington Arms', 'Hôtel des Tanneurs', 'Hilton Garden Inn Köln']);
  const stay = dateRange(2024);
  return lines(
    T`Booking confirmation ${rs(2, UP)}${ri(100000, 999999)} — ${hotel}`,
    '',
    T`Guest: ${P(g.full)}`,
    T`Check-in: ${fmtDate(stay[0], 'gb-long')} (from 15:00)    Check-out: ${fmtDate(stay[1], 'gb-long')} (by 11:00)`,
    T`Room: Superior Double, non-refundable rate`,
    T`Guaranteed with: ${CC(card(pick(['visa', 'mc', 'amex'])))}  exp ${pad(ri(1, 12))}/${ri(25, 29)}`,
    T`Contact: ${EM(email(g))} · ${PH(g.loc === 'en' ? ph.uk() : ph[g.loc]())}`,
    T`Special requests: late arrival, quiet room away from the lift.`,
  );
});

// ============ TECH ============
tpl('github-issue-comment', 6, (i) => {
  const h = pick(HANDLES);
  const head = T`**${h}** commented ${ri(2, 23)} hours ago`;
  const v = [
    () => [
      T`Still broken on 4.2.1 for me. Here's my config:`,
      T`${FENCE}yaml`,
      T`provider: anthropic`,
      T`api_key: ${KEY(sec.anth())}`,
      T`model: claude-3-5-sonnet-latest`,
      T`retries: 3`,
      FENCE,
      T`Running on node 20.11 / macOS 14.4.`,
    ],
    () => [
      T`Same here. \`~/.aws/credentials\`:`,
      FENCE,
      T`[default]`,
      T`aws_access_key_id = ${AWS(sec.awsId('AKIA'))}`,
      T`aws_secret_access_key = ${AWS(sec.awsSecret())}`,
      T`region = eu-west-1`,
      FENCE,
      T`Works with the CLI, fails in the SDK with SignatureDoesNotMatch.`,
    ],
    () => [
      T`repro with docker-compose:`,
      T`${FENCE}yaml`,
      T`services:`,
      T`  db:`,
      T`    image: postgres:16`,
      T`    environment:`,
      T`      POSTGRES_USER: app`,
      T`      POSTGRES_PASSWORD: "${PW(password())}"`,
      T`  api:`,
      T`    environment:`,
      T`      STRIPE_KEY: ${KEY(sec.stripe())}`,
      FENCE,
    ],
    () => [
      T`The webhook still fires twice. My .env (sanitised, mostly):`,
      FENCE,
      T`SLACK_BOT_TOKEN=${KEY(sec.slack())}`,
      T`SENDGRID_API_KEY=${KEY(sec.sendgrid())}`,
      T`LOG_LEVEL=debug`,
      FENCE,
      T`cc @maintainers`,
    ],
    () => [
      T`Getting 401 from the Maps API even though billing is on:`,
      T`${FENCE}js`,
      T`const loader = new Loader({ apiKey: "${KEY(sec.gcp())}", version: "weekly" });`,
      FENCE,
    ],
    () => [
      T`Workaround that worked for me — pin the token in the remote:`,
      FENCE,
      T`git remote set-url origin https://oauth2:${KEY(sec.glpat())}@gitlab.com/acme-infra/terraform-modules.git`,
      FENCE,
      T`(yes I know, rotating it after this)`,
    ],
  ];
  return lines(head, '', v[i % v.length]());
});

tpl('ci-log', 5, (i) => {
  let t = ri(1000, 5000);
  const day = `2024-${pad(ri(1, 9))}-${pad(ri(10, 28))}`,
    hh = pad(ri(6, 22));
  const ts = () => {
    t += ri(1, 900);
    const s = Math.floor(t / 1000);
    return `${day}T${hh}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad(t % 1000, 3)}${rs(4, DI)}Z`;
  };
  const v = [
    () => [
      T`${ts()} ##[group]Run npm publish --access public`,
      T`${ts()} npm publish --access public`,
      T`${ts()} shell: /usr/bin/bash -e {0}`,
      T`${ts()} env:`,
      T`${ts()}   NODE_AUTH_TOKEN: ${KEY(sec.npm())}`,
      T`${ts()} ##[endgroup]`,
      T`${ts()} npm notice Publishing to https://registry.npmjs.org/ with tag latest`,
    ],
    () => [
      T`${ts()} + docker login -u deploy-bot -p '${PW(password())}' registry.internal.example.io`,
      T`${ts()} WARNING! Using --password via the CLI is insecure. Use --password-stdin.`,
      T`${ts()} Login Succeeded`,
      T`${ts()} + docker push registry.internal.example.io/api:${hex(7)}`,
    ],
    () => [
      T`${ts()} + curl -sf -H "Authorization: token ${KEY(sec.ghp())}" https://api.github.com/repos/acme/api/releases`,
      T`${ts()} curl: (22) The requested URL returned error: 401`,
      T`${ts()} ##[error]Process completed with exit code 22.`,
    ],
    () => [
      T`${ts()} Run aws s3 sync ./dist s3://static-prod-assets`,
      T`${ts()}   AWS_ACCESS_KEY_ID: ${AWS(sec.awsId('AKIA'))}`,
      T`${ts()}   AWS_SECRET_ACCESS_KEY: ${AWS(sec.awsSecret())}`,
      T`${ts()}   AWS_DEFAULT_REGION: us-east-1`,
      T`${ts()} upload: dist/index.html to s3://static-prod-assets/index.html`,
    ],
    () => [
      T`${ts()} Step 7/12 : RUN pip install -r requirements.txt --extra-index-url https://__token__:${KEY(sec.pypi())}@pypi.internal.example.io/simple`,
      T`${ts()}  ---> Running in ${hex(12)}`,
      T`${ts()} Collecting numpy==1.26.4`,
    ],
  ];
  return lines(v[i % v.length]());
});

tpl('http-dump', 6, (i) => {
  const c = person(pick(['en', 'fr', 'de', 'es']));
  const host = pick(['api.shopfront.io', 'api.brightlane.io', 'gateway.tidepool.dev', 'orders.kelpmail.net']);
  const auth = [
    () => T`Authorization: Bearer ${JW(jwt())}`,
    () => T`Authorization: Bearer ${KEY(sec.opaque())}`,
    () => T`X-Api-Key: ${KEY(sec.hex32())}`,
    () => T`Authorization: Bearer ${JW(jwt('RS256'))}`,
    () => T`Cookie: session=${KEY(sec.b64(48).replace(/[+/=]/g, 'x'))}; theme=dark`,
    () => T`Authorization: Bearer ${KEY(sec.oaiOld())}`,
  ][i % 6]();
  const phone = c.loc === 'en' ? ph.us() : ph[c.loc]();
  return lines(
    T`> POST /v2/orders HTTP/1.1`,
    T`> Host: ${host}`,
    T`> User-Agent: PostmanRuntime/7.37.${ri(0, 3)}`,
    T`> ${auth}`,
    T`> X-Forwarded-For: ${IP(chance(0.25) ? ipv6() : ipv4())}`,
    T`> Content-Type: application/json`,
    T`>`,
    T`{"customer":{"name":"${P(c.full)}","email":"${EM(email(c))}","phone":"${PH(phone)}"},"items":[{"sku":"TX-${ri(1000, 9999)}","qty":${ri(1, 4)}}]}`,
    T`< HTTP/1.1 201 Created`,
    T`< X-Request-Id: ${uuid()}`,
    T`< Content-Length: ${ri(80, 400)}`,
  );
});

tpl('jupyter', 5, (i) => {
  const n = ri(1, 6);
  const v = [
    () => [
      T`In [${n}]: import boto3, os`,
      T`In [${n + 1}]: os.environ["AWS_ACCESS_KEY_ID"] = "${AWS(sec.awsId())}"`,
      T`   ...: os.environ["AWS_SECRET_ACCESS_KEY"] = "${AWS(sec.awsSecret())}"`,
      T`In [${n + 2}]: s3 = boto3.client("s3", region_name="eu-west-1")`,
      T`In [${n + 3}]: s3.list_objects_v2(Bucket="ml-training-data")["KeyCount"]`,
      T`Out[${n + 3}]: ${ri(100, 9000)}`,
    ],
    () => [
      T`In [${n}]: from openai import OpenAI`,
      T`In [${n + 1}]: client = OpenAI(api_key="${KEY(sec.oaiProj())}")`,
      T`In [${n + 2}]: client.models.list().data[0].id`,
      T`Out[${n + 2}]: 'gpt-4o-mini'`,
    ],
    () => {
      const rows = people(pick(['en', 'de', 'fr']), 3);
      return [
        T`In [${n}]: df = pd.read_csv("crm_export_2024.csv")`,
        T`In [${n + 1}]: df[["name", "email", "city"]].head(3)`,
        T`Out[${n + 1}]:`,
        T`                 name                         email       city`,
        ...rows.map(
          (r, k) => T`${k}  ${P(r.full)}  ${EM(email(r))}  ${pick(['Leeds', 'Lyon', 'Köln', 'Austin', 'Porto'])}`,
        ),
      ];
    },
    () => [
      T`In [${n}]: from huggingface_hub import login`,
      T`In [${n + 1}]: login(token="${KEY(sec.hf())}")`,
      T`Token is valid (permission: write).`,
      T`Your token has been saved to /root/.cache/huggingface/token`,
    ],
    () => [
      T`In [${n}]: import psycopg2`,
      T`In [${n + 1}]: conn = psycopg2.connect(host="${IP(ipv4priv())}", dbname="analytics", user="readonly", password="${PW(password())}")`,
      T`In [${n + 2}]: pd.read_sql("select count(*) from events", conn)`,
      T`Out[${n + 2}]:`,
      T`   count`,
      T`0  ${ri(100000, 9000000)}`,
    ],
  ];
  return lines(v[i % v.length]());
});

tpl('npmrc', 3, (i) =>
  lines(
    T`# ~/.npmrc`,
    T`//registry.npmjs.org/:_authToken=${KEY(sec.npm())}`,
    i === 1
      ? T`@acme:registry=https://npm.pkg.github.com`
      : T`@acme:registry=https://gitlab.com/api/v4/projects/${ri(1000000, 9999999)}/packages/npm/`,
    i === 1
      ? T`//npm.pkg.github.com/:_authToken=${KEY(sec.ghp())}`
      : T`//gitlab.com/api/v4/projects/:_authToken=${KEY(sec.glpat())}`,
    T`save-exact=true`,
  ),
);

tpl('pypirc', 3, () =>
  lines(
    T`[distutils]`,
    T`index-servers =`,
    T`    pypi`,
    T`    internal`,
    '',
    T`[pypi]`,
    T`username = __token__`,
    T`password = ${KEY(sec.pypi())}`,
    '',
    T`[internal]`,
    T`repository = https://pypi.internal.example.io/`,
    T`username = release-bot`,
    T`password = ${PW(password())}`,
  ),
);

tpl('netrc', 3, (i) => {
  const p = person('en'),
    em = email(p);
  return lines(
    T`machine api.heroku.com`,
    T`  login ${EM(em)}`,
    T`  password ${KEY(sec.uuid())}`,
    T`machine git.heroku.com`,
    T`  login ${EM(em)}`,
    T`  password ${KEY(sec.uuid())}`,
    i === 0
      ? T`machine ftp.legacy-hosting.net login backup password ${PW(password())}`
      : T`machine github.com login ${pick(HANDLES)} password ${KEY(sec.ghp())}`,
  );
});

tpl('ansible-vars', 4, () => {
  const ad = person('en');
  return lines(
    T`# group_vars/prod/vars.yml   TODO: move these into vault before merging!!`,
    T`db_host: ${IP(ipv4priv())}`,
    T`db_user: app_rw`,
    T`db_password: "${PW(password())}"`,
    T`redis_password: "${PW(password())}"`,
    T`datadog_api_key: ${KEY(sec.hex32())}`,
    T`smtp_relay_user: apikey`,
    T`smtp_relay_password: "${KEY(sec.sendgrid())}"`,
    T`admin_contact: ${EM(workEmail(ad, 'acme-ops.io'))}`,
    T`ntp_servers: [0.pool.ntp.org, 1.pool.ntp.org]`,
  );
});

tpl('helm-values', 4, () =>
  lines(
    T`# values-prod.yaml`,
    T`replicaCount: 3`,
    T`image:`,
    T`  repository: ghcr.io/acme/api`,
    T`  tag: "2.14.${ri(0, 9)}"`,
    T`postgresql:`,
    T`  auth:`,
    T`    username: api`,
    T`    password: "${PW(password())}"`,
    T`    postgresPassword: "${PW(password())}"`,
    T`config:`,
    T`  jwtSecret: "${KEY(sec.b64(64))}"`,
    T`  stripeSecretKey: "${KEY(sec.stripe())}"`,
    T`  mapsApiKey: "${KEY(sec.gcp())}"`,
    T`resources:`,
    T`  limits: { cpu: 500m, memory: 512Mi }`,
  ),
);

tpl('dockerfile', 4, (i) =>
  lines(
    T`FROM node:20-alpine AS build`,
    T`ARG NPM_TOKEN=${KEY(sec.npm())}`,
    T`WORKDIR /app`,
    T`COPY package*.json ./`,
    T`RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc`,
    T`COPY . .`,
    T`ENV NODE_ENV=production \\`,
    T`    DATABASE_URL=postgres://app:${PW(password('url'))}@${IP(ipv4priv())}:5432/orders \\`,
    i % 2 ? T`    TWILIO_API_KEY=${KEY(sec.twilio())}` : T`    MAILGUN_API_KEY=${KEY(sec.mailgun())}`,
    T`EXPOSE 8080`,
    T`CMD ["node", "dist/server.js"]`,
  ),
);

tpl('crash-dump', 5, (i) => {
  const u = person(pick(['en', 'de', 'fr', 'nl']));
  if (i % 2 === 0) {
    return lines(
      T`[${recent('iso')} ${clock()}:${sec60()}] ERROR Unhandled exception in request handler`,
      T`  user=${EM(email(u))} session=${uuid()} ip=${IP(anyIp())}`,
      T`  auth=Bearer ${JW(jwt())}`,
      T`TypeError: Cannot read properties of undefined (reading 'postcode')`,
      T`    at formatShipping (/srv/app/dist/checkout.js:212:31)`,
      T`    at async placeOrder (/srv/app/dist/checkout.js:88:5)`,
      T`  request.body = {"shipTo":"${ADR(u.loc === 'en' ? addr.uk(false) : addr[u.loc](false))}","recipient":"${P(u.full)}"}`,
    );
  }
  return lines(
    T`Traceback (most recent call last):`,
    T`  File "/opt/sync/worker.py", line 141, in sync_account`,
    T`    client.login(user, password)`,
    T`  File "/opt/sync/imap.py", line 52, in login`,
    T`    raise AuthError(f"login failed for {user}")`,
    T`AuthError: login failed for ${EM(email(u))}`,
    '',
    T`Locals at frame sync_account:`,
    T`  user = '${EM(email(u))}'`,
    T`  password = '${PW(password())}'`,
    T`  remote_addr = '${IP(ipv4())}'`,
  );
});

tpl('private-key-paste', 3, (i) => {
  const [a] = people('en', 1);
  const key = [pem.ed, pem.ec, pem.pkcs8ed][i % 3]();
  return lines(
    T`${P(a.full)}  ${clock12()}`,
    T`here's the deploy key for the staging box, pls don't commit it:`,
    FENCE,
    T`${PK(key)}`,
    FENCE,
    T`host is ${IP(ipv4())}, user ubuntu`,
  );
});

tpl('k8s-secret', 3, () =>
  lines(
    T`apiVersion: v1`,
    T`kind: Secret`,
    T`metadata:`,
    T`  name: payments-api`,
    T`  namespace: prod`,
    T`type: Opaque`,
    T`stringData:`,
    T`  DB_PASSWORD: "${PW(password())}"`,
    T`  JWT_SIGNING_KEY: "${KEY(sec.hex64())}"`,
    T`  SERVICE_TOKEN: "${JW(jwt())}"`,
    T`  AWS_ACCESS_KEY_ID: "${AWS(sec.awsId('AKIA'))}"`,
    T`  AWS_SECRET_ACCESS_KEY: "${AWS(sec.awsSecret())}"`,
  ),
);

tpl('git-remote-urls', 3, () =>
  lines(
    T`$ git remote -v`,
    T`origin\thttps://oauth2:${KEY(sec.glpat())}@gitlab.com/platform/billing.git (fetch)`,
    T`origin\thttps://oauth2:${KEY(sec.glpat())}@gitlab.com/platform/billing.git (push)`,
    T`mirror\thttps://svc-mirror:${PW(password('url'))}@git.internal.example.io/billing.git (fetch)`,
    T`$ git log -1 --format='%H %s'`,
    T`${hex(40)} fix: retry idempotency keys on 409`,
  ),
);

tpl('connection-strings-log', 3, () => {
  const day = recent('iso'),
    ck = mkClock();
  return lines(
    T`${day} ${ck()}:${sec60()} INFO  pool: connecting to postgres://app:${PW(password('url'))}@${IP(ipv4priv())}:5432/orders?sslmode=require`,
    T`${day} ${ck()}:${sec60()} INFO  cache: redis://:${PW(password('url'))}@${IP(ipv4priv())}:6379/0`,
    T`${day} ${ck()}:${sec60()} WARN  mongo: mongodb+srv://svc-reporting:${PW(password('url'))}@cluster0.x1y2z.mongodb.net/reports slow handshake (812ms)`,
    T`${day} ${ck()}:${sec60()} INFO  http: listening on :8080`,
  );
});

tpl('service-account-json', 3, () => {
  const proj = pick(['acme-analytics-prod', 'tidepool-ml-412', 'shopfront-etl']);
  const sa = `${pick(['etl-runner', 'bq-export', 'vertex-batch'])}@${proj}.iam.gserviceaccount.com`;
  return lines(
    T`{`,
    T`  "type": "service_account",`,
    T`  "project_id": "${proj}",`,
    T`  "private_key_id": "${KEY(sec.hex40())}",`,
    T`  "private_key": "${PK(pem.rsaJsonEscaped())}\\n",`,
    T`  "client_email": "${EM(sa)}",`,
    T`  "client_id": "${ri(100000000, 999999999)}${ri(100000000, 999999999)}${ri(100, 999)}",`,
    T`  "token_uri": "https://oauth2.googleapis.com/token"`,
    T`}`,
  );
});

tpl('oauth-token-response', 4, (i) => {
  const idTok = i % 2 === 0;
  return lines(
    T`$ curl -s -X POST https://${pick(['auth.shopfront.io', 'login.brightlane.io', 'sso.kelpmail.net'])}/oauth/token -d grant_type=client_credentials -d client_id=${pick(['reporting-svc', 'mobile-app', 'partner-portal'])} -d client_secret=${KEY(sec.opaque())}`,
    T`{`,
    T`  "access_token": "${JW(jwt())}",`,
    idTok ? T`  "id_token": "${JW(jwt('RS256'))}",` : null,
    T`  "refresh_token": "${KEY(sec.opaque())}",`,
    T`  "token_type": "Bearer",`,
    T`  "expires_in": ${pick([900, 3600, 7200])}`,
    T`}`,
  );
});

tpl('tfvars-tls', 3, (i) =>
  lines(
    T`# terraform.tfvars  (do NOT commit — gitignored? apparently not)`,
    T`region          = "eu-west-2"`,
    T`db_password     = "${PW(password())}"`,
    T`cloudflare_api_token = "${KEY(uniq(() => rs(40, ALNUM + '_-')))}"`,
    T`origin_tls_key  = <<EOT`,
    T`${PK([pem.ec, pem.pkcs8ed, pem.ec][i % 3]())}`,
    T`EOT`,
  ),
);

// ============ MULTILINGUAL ============
tpl('es-carta-fianza', 4, () => {
  const [ll, me] = people('es', 2),
    LLm = ll.g === 'f' ? 'Estimada Sra.' : 'Estimado Sr.';
  return lines(
    T`${pick(['Madrid', 'Sevilla', 'Valencia', 'Bilbao'])}, ${fmtDate(rdate(2023, 2024), 'es-long')}`,
    '',
    T`${LLm} ${P(ll.last.split(' ')[0])}:`,
    '',
    T`Le escribo en relación con el contrato de alquiler del piso situado en ${ADR(addr.es())}, que dejé libre el pasado mes.`,
    T`Han transcurrido más de treinta días y todavía no he recibido la devolución de la fianza. Le ruego que la transfiera a la cuenta ${IBAN(iban('ES'))}, a nombre de ${P(me.full)}.`,
    T`Puede localizarme en el ${PH(ph.es())} o en ${EM(email(me))}.`,
    '',
    T`Atentamente,`,
    T`${P(me.full)}`,
  );
});

tpl('es-informe-clinico', 3, () => {
  const [p, hijo, med] = people('es', 3, [undefined, 'm', undefined]);
  return lines(
    T`INFORME DE URGENCIAS — Hospital Universitario ${pick(['La Paz', 'Virgen del Rocío', 'de Cruces', 'Clínico San Carlos'])}`,
    T`Paciente: ${P(p.full)}    Fecha de nacimiento: ${DOB(dob(['gb', 'es-long']))}`,
    T`N.º de historia clínica: ${MRN(mrn())}`,
    T`Acude acompañad${p.g === 'f' ? 'a' : 'o'} de su hijo, ${P(hijo.full)} (tel. ${PH(ph.es())}), por dolor torácico opresivo de dos horas de evolución.`,
    T`Antecedentes: HTA, dislipemia, enfermedad de Parkinson en tratamiento.`,
    T`ECG: ritmo sinusal, sin alteraciones agudas. Troponinas seriadas negativas.`,
    T`Firmado: Dr${med.g === 'f' ? 'a' : ''}. ${P(med.full)}`,
  );
});

tpl('fr-courrier-resiliation', 4, () => {
  const [me] = people('fr', 1),
    f = me.g === 'f';
  return lines(
    T`${P(me.full)}`,
    T`${ADR(addr.fr(true))}`,
    T`Tél. : ${PH(ph.fr())}`,
    '',
    T`Objet : résiliation de mon abonnement — contrat n° ${ri(10000000, 99999999)}`,
    '',
    T`Madame, Monsieur,`,
    T`Je soussigné${f ? 'e' : ''} ${P(me.full)}, né${f ? 'e' : ''} le ${DOB(dob(['fr-long', 'fr']))} à ${pick(['Nantes', 'Lyon', 'Dakar', 'Lille', 'Brest'])}, vous prie de bien vouloir résilier mon abonnement à compter du ${fmtDate(rdate(2024, 2024), 'fr-long')}.`,
    T`Merci de rembourser le trop-perçu sur mon compte ${IBAN(iban('FR'))} et de m'adresser la confirmation à ${EM(email(me))}.`,
    T`Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.`,
    '',
    T`${P(me.full)}`,
  );
});

tpl('fr-dossier-medical', 3, () => {
  const [p, med, inf] = people('fr', 3);
  return lines(
    T`CENTRE HOSPITALIER ${pick(['DE ROUBAIX', 'UNIVERSITAIRE DE NANTES', 'DE VALENCE'])} — Compte rendu de consultation`,
    T`Patient${p.g === 'f' ? 'e' : ''} : ${P(`${p.last.toUpperCase()} ${p.first}`)}, né${p.g === 'f' ? 'e' : ''} le ${DOB(dob(['fr']))}`,
    T`N° de dossier : ${MRN(mrn())}    IPP : ${MRN(rs(9, DI))}`,
    T`Adressé${p.g === 'f' ? 'e' : ''} par le Dr ${P(med.last)} pour bilan d'une maladie de Crohn.`,
    T`Coloscopie programmée le ${fmtDate(rdate(2024, 2024), 'fr')}. ${inf.g === 'f' ? 'Infirmière référente' : 'Infirmier référent'} : ${P(inf.first)} ${P(inf.last)}.`,
    T`Contact : ${PH(ph.fr())}`,
  );
});

tpl('de-brief-kuendigung', 4, () => {
  const [me, ll] = people('de', 2),
    LL = ll.g === 'f' ? 'Sehr geehrte Frau' : 'Sehr geehrter Herr';
  return lines(
    T`${P(me.full)}`,
    T`${ADR(addr.de(true))}`,
    '',
    T`${P(ll.full)}`,
    T`${ADR(addr.de(true))}`,
    '',
    T`${pick(['Berlin', 'Köln', 'Leipzig'])}, ${fmtDate(rdate(2024, 2024), 'de')}`,
    '',
    T`Kündigung des Mietvertrags`,
    '',
    T`${LL} ${P(capF(ll.last))},`,
    T`hiermit kündige ich das Mietverhältnis fristgerecht zum ${fmtDate(rdate(2024, 2024), 'de-long')}. Bitte überweisen Sie die Kaution auf mein Konto: IBAN ${IBAN(iban('DE'))}.`,
    T`Für die Wohnungsübergabe erreichen Sie mich unter ${PH(ph.de())} oder ${EM(email(me))}.`,
    '',
    T`Mit freundlichen Grüßen`,
    T`${P(me.full)}`,
  );
});

tpl('de-arztbrief', 3, () => {
  const [p, arzt, hausarzt] = people('de', 3),
    stay = dateRange(2024);
  return lines(
    T`Universitätsklinikum ${pick(['Freiburg', 'Münster', 'Leipzig'])} — Klinik für Innere Medizin`,
    T`Betr.: ${p.g === 'f' ? 'Frau' : 'Herrn'} ${P(p.full)}, geb. ${DOB(dob(['de', 'de-long']))}, Patienten-Nr. ${MRN(mrn())}`,
    T`Sehr geehrte${hausarzt.g === 'f' ? ' Frau' : 'r Herr'} Kolleg${hausarzt.g === 'f' ? 'in' : 'e'} ${P(capF(hausarzt.last))},`,
    T`wir berichten über ${p.g === 'f' ? 'Ihre Patientin' : 'Ihren Patienten'}, ${p.g === 'f' ? 'die' : 'der'} sich vom ${fmtDate(stay[0], 'de')} bis ${fmtDate(stay[1], 'de')} in unserer stationären Behandlung befand.`,
    T`Diagnosen: Morbus Basedow, Vorhofflimmern (ED).`,
    T`Mit freundlichen kollegialen Grüßen`,
    T`Dr. med. ${P(arzt.full)}, ${arzt.g === 'f' ? 'Oberärztin' : 'Oberarzt'}`,
  );
});

tpl('it-email-pratica', 4, () => {
  const [me, dott] = people('it', 2);
  const hon = dott.g === 'f' ? 'Gentile dott.ssa' : 'Gentile dott.';
  const nato = me.g === 'f' ? 'nata' : 'nato';
  return lines(
    T`Oggetto: richiesta documentazione — pratica n. ${ri(1000, 9999)}/${ri(2022, 2024)}`,
    '',
    T`${hon} ${P(dott.last)},`,
    T`mi chiamo ${P(me.full)}, ${nato} a ${pick(['Bologna', 'Bari', 'Trento', 'Palermo'])} il ${DOB(dob(['it-long', 'gb']))} e residente in ${ADR(addr.it(false))}.`,
    T`Le scrivo per chiedere copia della documentazione relativa alla mia pratica. Può contattarmi al cell. ${PH(ph.it())} oppure all'indirizzo ${EM(email(me))}.`,
    T`Eventuali rimborsi possono essere accreditati sull'IBAN ${IBAN(iban('IT'))}.`,
    '',
    T`Cordiali saluti,`,
    T`${P(me.full)}`,
  );
});

tpl('pt-mensagem-senhorio', 4, () => {
  const [me, sen] = people('pt', 2);
  return lines(
    T`Olá ${P(sen.first)},`,
    '',
    T`Sou ${me.g === 'f' ? 'a' : 'o'} ${P(me.full)}, ${me.g === 'f' ? 'a nova inquilina' : 'o novo inquilino'} do apartamento na ${ADR(addr.pt())}.`,
    T`Para o contrato, envio os meus dados: data de nascimento ${DOB(dob(['gb', 'pt-long']))}, NIF ${ri(100000000, 299999999)}, telemóvel ${PH(ph.pt())}.`,
    T`A caução pode ser devolvida para o IBAN ${IBAN(iban('PT'))}.`,
    T`Qualquer dúvida, escreva para ${EM(email(me))}.`,
    '',
    T`Obrigad${me.g === 'f' ? 'a' : 'o'},`,
    T`${P(me.first)}`,
  );
});

tpl('pt-consulta', 3, () => {
  const [p, med] = people('pt', 2);
  return lines(
    T`Hospital de ${pick(['Santa Maria', 'São João', 'Braga'])} — Marcação de consulta`,
    T`Utente: ${P(p.full)}`,
    T`N.º de processo clínico: ${MRN(mrn())}    Data de nascimento: ${DOB(dob(['gb']))}`,
    T`Especialidade: Reumatologia    Médic${med.g === 'f' ? 'a' : 'o'}: Dr${med.g === 'f' ? 'a' : ''}. ${P(med.full)}`,
    T`Data: ${fmtDate(rdate(2024, 2024), 'gb')} às ${clock()}. Em caso de impedimento ligue ${PH(ph.pt())}.`,
  );
});

tpl('nl-bericht-verhuizing', 4, () => {
  const [me, cp] = people('nl', 2);
  return lines(
    T`Beste ${P(cp.first)},`,
    '',
    T`Vanaf 1 ${pick(['maart', 'juni', 'september'])} is mijn nieuwe adres ${ADR(addr.nl(false))}.`,
    T`Voor de verzekering: mijn geboortedatum is ${DOB(dob(['nl', 'nl-long']))} en het rekeningnummer blijft ${IBAN(iban('NL'))}.`,
    T`${P(capF(cp.last))} van de administratie had gevraagd om dit per mail te bevestigen, dus bij deze. Bellen kan ook: ${PH(ph.nl())}.`,
    '',
    T`Groet,`,
    T`${P(me.full)}`,
  );
});

tpl('pl-wiadomosc', 4, () => {
  const [me, to] = people('pl', 2);
  const greetDoc = to.g === 'f' ? T`Szanowna Pani ${P(PL_VOC[to.first])},` : T`Szanowny Panie ${P(PL_VOC[to.first])},`;
  const ur = me.g === 'f' ? 'urodzona' : 'urodzony';
  return lines(
    greetDoc,
    '',
    T`w nawiązaniu do rozmowy telefonicznej przesyłam dane do umowy: ${P(me.full)}, ${ur} ${DOB(dob(['pl', 'pl-long']))}, zamieszkał${me.g === 'f' ? 'a' : 'y'} przy ${ADR(addr.pl())}.`,
    T`Numer rachunku do zwrotu kaucji: ${IBAN(iban('PL'))}.`,
    T`Proszę o kontakt pod numerem ${PH(ph.pl())} lub mailowo: ${EM(email(me))}.`,
    '',
    T`Z poważaniem`,
    T`${P(me.full)}`,
  );
});

// ============ HARD NEGATIVES (no PII) ============
const NEG = (name, n, fn) => tpl(name, n, fn, true);

NEG('neg-sports-report', 5, (i) => {
  const fx = [
    ['Aston Villa', 'Nottingham Forest', 'Villa Park'],
    ['Real Sociedad', 'Sevilla', 'Reale Arena'],
    ['Borussia Dortmund', 'Werder Bremen', 'Signal Iduna Park'],
    ['Ajax', 'Feyenoord', 'Johan Cruijff ArenA'],
    ['Benfica', 'Sporting CP', 'Estádio da Luz'],
    ['Lech Poznań', 'Legia Warszawa', 'Enea Stadion'],
    ['Wellington Phoenix', 'Adelaide United', 'Sky Stadium'],
  ][i % 7];
  const [h, a] = [ri(0, 4), ri(0, 3)];
  return lines(
    T`${fx[0]} ${h}–${a} ${fx[1]} — ${fx[2]}, ${recent('gb-long')}`,
    '',
    T`The hosts ${h > a ? 'took control' : 'struggled'} after ${ri(8, 40)} minutes, when a deflected free kick from the left flank looped over the wall and in off the far post.`,
    T`The visitors' goalkeeper made two fine saves before the break, and a late penalty, awarded after a ${ri(2, 5)}-minute VAR review, ${h === a ? 'levelled the score' : 'settled it'}.`,
    T`Attendance: ${ri(18, 74)},${pad(ri(0, 999), 3)}. Possession ${ri(38, 66)}%. Shots ${ri(5, 22)}–${ri(3, 18)}.`,
    T`Next fixture: ${fmtDate(rdate(2024, 2024), 'gb-long')}, away at ${pick(['Everton', 'Villarreal', 'Mainz 05', 'PSV', 'Porto', 'Raków Częstochowa', 'Melbourne Victory'])}.`,
    T`Table: 1. ${fx[0]} ${ri(60, 80)} pts  2. ${pick(['Arsenal', 'Girona', 'Leverkusen', 'Twente', 'Braga', 'Jagiellonia'])} ${ri(55, 70)} pts  3. ${fx[1]} ${ri(40, 60)} pts`,
  );
});

NEG('neg-recipe', 5, (i) => {
  const dish = [
    'Beef Wellington',
    'Eggs Benedict',
    'Peach Melba',
    'Chicken à la King',
    'Bananas Foster',
    'Beef Stroganoff',
    'Caesar Salad',
  ][i % 7];
  return lines(
    T`${dish} (serves ${ri(2, 8)})`,
    '',
    T`Prep ${ri(10, 40)} min · Cook ${ri(15, 90)} min · ${ri(320, 880)} kcal per portion`,
    T`Ingredients: ${ri(2, 6)} tbsp butter, ${ri(100, 500)} g ${pick(['mushrooms', 'peaches', 'beef fillet', 'chicken thighs', 'bananas'])}, ${ri(1, 3)} shallots, ${ri(100, 300)} ml double cream, Worcestershire sauce, Dijon mustard, Maldon salt.`,
    T`1. Preheat the oven to ${ri(180, 220)}°C (${ri(350, 430)}°F / gas mark ${ri(4, 7)}).`,
    T`2. Melt the butter in a heavy pan; add the shallots and cook for ${ri(3, 8)} minutes until soft.`,
    T`3. Stir in the cream and simmer until it coats the back of a spoon. Season to taste.`,
    T`Tip: the Sunday market on Church Street sells excellent ${pick(['chanterelles', 'clotted cream', 'free-range eggs'])} from April to October.`,
  );
});

NEG('neg-product-review', 5, (i) => {
  const prod = [
    'Dyson V15 Detect',
    'Dr. Martens 1460 boots',
    "Ben & Jerry's Phish Food",
    "Levi's 501 Original",
    'Ray-Ban Wayfarer',
    'Ford Mustang Mach-E',
    'Dell XPS 13',
    'Hugo Boss Bottled EDT',
    "Kellogg's Crunchy Nut",
    'Tim Hortons Original Blend',
  ][i % 10];
  const stars = ri(1, 5);
  return lines(
    T`${'★'.repeat(stars)}${'☆'.repeat(5 - stars)}  ${prod} — ${pick(['Worth every penny', 'Not what I expected', 'Solid, with one annoyance', 'Returned after a week'])}`,
    T`Verified purchase · Order #${ri(100, 999)}-${ri(1000000, 9999999)}-${ri(1000000, 9999999)} · Reviewed in the United Kingdom on ${recent('gb-long')}`,
    '',
    T`Bought these in ${pick(['March', 'the January sales', 'spring'])}. After ${ri(2, 16)} weeks of daily use the ${pick(['battery still lasts about 50 minutes', 'stitching is holding up', 'flavour is as good as ever', 'hinge has loosened slightly'])}.`,
    T`Customer service answered within two days and sent a replacement part (RMA ${rs(2, UP)}${ri(100000, 999999)}). Size guide: go half a size down.`,
    T`${ri(3, 240)} people found this helpful`,
  );
});

NEG('neg-release-notes', 5, () => {
  const v = `${ri(1, 9)}.${ri(0, 30)}.${ri(0, 12)}`;
  return lines(
    T`## v${v} (${recent('iso')})`,
    '',
    T`### Fixed`,
    T`- Retry logic no longer double-counts 429 responses (#${ri(1000, 9999)})`,
    T`- \`parseDate\` handles ISO week dates such as 2024-W07-3 (#${ri(1000, 9999)})`,
    T`### Changed`,
    T`- Bump \`lodash\` from 4.17.20 to 4.17.21; bump \`undici\` from 5.28.${ri(0, 3)} to 6.${ri(0, 19)}.0`,
    T`- Default request timeout raised from 10s to 30s`,
    '',
    T`Commit: ${hex(40)}`,
    T`Docker image: ghcr.io/acme/api:${v}@sha256:${hex(64)}`,
    T`Build id: ${uuid()}`,
    T`**Full changelog**: https://github.com/acme/api/compare/${hex(7)}...${hex(7)}`,
  );
});

NEG('neg-docs-placeholders', 7, (i) =>
  [
    () =>
      lines(
        T`## Quick start`,
        T`1. Create a key in the console.`,
        T`2. Export it:`,
        T`${FENCE}bash`,
        T`export ANTHROPIC_API_KEY=<your-api-key>`,
        T`export OPENAI_API_KEY="sk-..."`,
        FENCE,
        T`3. Run \`npm start\`. Never commit real keys; use a secrets manager.`,
      ),
    () =>
      lines(
        T`# .env.example — copy to .env and fill in`,
        T`DATABASE_URL=postgres://user:password@localhost:5432/app`,
        T`STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx`,
        T`GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`,
        T`JWT_SECRET=change-me`,
        T`ADMIN_PASSWORD=changeme`,
        T`SMTP_PASSWORD=`,
      ),
    () =>
      lines(
        T`The AWS documentation uses these example values throughout:`,
        T`  Access key ID: AKIAIOSFODNN7EXAMPLE`,
        T`  Secret access key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
        T`Replace them with your own credentials, which you can create in the IAM console.`,
      ),
    () =>
      lines(
        T`### Authentication`,
        T`Send the token in the \`Authorization\` header:`,
        T`${FENCE}http`,
        T`GET /v1/me HTTP/1.1`,
        T`Authorization: Bearer {{access_token}}`,
        T`X-Api-Key: YOUR_API_KEY_HERE`,
        FENCE,
        T`Tokens look like \`eyJhbGciOi...\` and expire after 3600 seconds.`,
      ),
    () =>
      lines(
        T`To add a deploy key, paste the private key into the field, including the header and footer lines:`,
        T`${FENCE}`,
        T`-----BEGIN OPENSSH PRIVATE KEY-----`,
        T`...`,
        T`-----END OPENSSH PRIVATE KEY-----`,
        FENCE,
        T`The key must not have a passphrase.`,
      ),
    () =>
      lines(
        T`settings.yaml`,
        T`${FENCE}yaml`,
        T`database:`,
        T`  user: postgres`,
        T`  password: "********"   # set via DB_PASSWORD`,
        T`slack:`,
        T`  bot_token: xoxb-your-token-here`,
        T`google:`,
        T`  maps_api_key: "<GOOGLE_MAPS_KEY>"`,
        FENCE,
      ),
    () =>
      lines(
        T`FAQ: Why does login fail with "password must be at least 12 characters"?`,
        T`Password policy: minimum 12 characters, one digit, one symbol. Example of a *format* that passes: \`Correct-Horse-9\` — do not use it.`,
        T`Default credentials on first boot are admin / admin; you will be forced to change them.`,
      ),
  ][i % 7](),
);

NEG('neg-order-notification', 4, () =>
  lines(
    T`Your order #${ri(100, 999)}-${ri(1000000, 9999999)} has shipped!`,
    '',
    T`${ri(1, 4)} × ${pick(['Philips Hue White Ambiance bulb', 'Le Creuset 24 cm casserole', 'Braun Series 7 shaver', 'Lego Technic 42115', 'Stanley Quencher 40 oz'])}`,
    T`Carrier: UPS    Tracking: 1Z${rs(6, UP + DI)}${ri(10, 99)}${ri(10000000, 99999999)}`,
    T`Estimated delivery: ${pick(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])} ${fmtDate(rdate(2024, 2024), 'gb-long')}, 8am–6pm`,
    T`Invoice INV-${ri(2022, 2024)}-${pad(ri(1, 99999), 5)} · Total £${money(15, 480)} (incl. VAT £${money(3, 80)})`,
    T`Collecting instead? Your parcel can wait at the Main Street pickup point for 7 days.`,
    T`Manage your order at shopfront.io/orders — we will never ask for your password by email.`,
  ),
);

NEG('neg-street-names-prose', 5, (i) =>
  lines(
    [
      [
        T`The Main Street shop closes at six on Sundays, and the Baker Street branch will shut for refurbishment from the spring.`,
        T`Traffic on Oxford Street fell ${ri(3, 14)}% year on year, according to the business improvement district.`,
      ],
      [
        T`Wall Street ended higher on ${pick(['Tuesday', 'Thursday'])}, with the S&P 500 up ${ri(1, 19) / 10}% after the Fed held rates.`,
        T`Fleet Street veterans gathered at the old printworks for the last time before it becomes flats.`,
      ],
      [
        T`Tourists still queue to be photographed on the Abbey Road crossing, while Penny Lane's barber shop has become a café.`,
        T`The Downing Street statement said the review would be published "in due course".`,
      ],
      [
        T`Bourbon Street was closed to vehicles for the parade, and Sunset Boulevard saw delays of up to forty minutes.`,
        T`Rodeo Drive retailers reported a record weekend.`,
      ],
      [
        T`Plans for a cycle lane along Victoria Road were shelved after the consultation drew ${ri(300, 2000)} responses.`,
        T`The King Street car park will be resurfaced in ${pick(['May', 'August', 'October'])}.`,
      ],
    ][i % 5],
  ),
);

NEG('neg-markets-news', 5, (i) => {
  const cos = pickN(
    [
      'Johnson & Johnson',
      'Wells Fargo',
      'Morgan Stanley',
      'Goldman Sachs',
      'Procter & Gamble',
      'Hewlett Packard Enterprise',
      'Walt Disney Co.',
      "McDonald's",
      'Ralph Lauren',
      'Charles Schwab',
      'Tiffany & Co.',
      'Mercedes-Benz',
      'Porsche',
      'Ferrero',
      'Philips',
      'Siemens',
    ],
    4,
  );
  return lines(
    T`MARKETS — ${recent('us-long')}`,
    T`Shares of ${cos[0]} rose ${ri(1, 9)}.${ri(0, 9)}% after quarterly revenue beat estimates by $${ri(1, 9)}.${ri(0, 9)} billion, while ${cos[1]} slipped on weaker guidance.`,
    T`${cos[2]} said it would cut about ${ri(2, 9)},${pad(ri(0, 999), 3)} jobs by ${ri(2025, 2027)}; ${cos[3]} announced a $${ri(5, 40)} billion buyback.`,
    T`The Dow closed at ${ri(38000, 40000)}.${two()}, the Nasdaq at ${ri(15000, 17500)}.${two()}. Ten-year Treasury yield: ${ri(38, 47) / 10}%.`,
  );
});

NEG('neg-travel-advisory', 5, () =>
  lines(
    T`TRAVEL UPDATE — ${recent('gb-long')}`,
    T`Flight ${pick(['BA', 'UA', 'LH', 'QF', 'TP'])} ${ri(100, 2999)} from ${pick(['Houston', 'Washington Dulles', 'São Paulo', 'San Francisco'])} to ${pick(['Adelaide', 'St. Petersburg', 'Victoria', 'Alexandria', 'Georgetown'])} will depart from gate ${rs(1, 'ABCDE')}${ri(1, 40)} at ${clock()}.`,
    T`Ferries across Lake Victoria are suspended until further notice; boats to Victoria Falls are running normally.`,
    T`Launch viewing at Cape Canaveral is sold out for ${pick(['Friday', 'Saturday'])}. Shuttle buses leave Jackson Hole every ${ri(10, 30)} minutes.`,
    T`Booking reference format has changed: you now need the six-character code (e.g. ${rs(6, UP + DI)}) plus the ticket number 125-${ri(1000000000, 9999999999)}.`,
  ),
);

NEG('neg-app-log', 5, () => {
  const day = recent('iso');
  const t = () => `${day}T${pad(ri(0, 23))}:${pad(ri(0, 59))}:${pad(ri(0, 59))}.${pad(ri(0, 999), 3)}Z`;
  return lines(
    T`${t()} INFO  req_id=${uuid()} route=GET /api/v2/catalog status=200 dur=${ri(3, 900)}ms cache=${pick(['hit', 'miss'])}`,
    T`${t()} INFO  req_id=${uuid()} user_id=${ri(10000, 999999)} route=POST /api/v2/cart status=201 dur=${ri(20, 900)}ms`,
    T`${t()} WARN  slow query (${ri(500, 4000)}ms) fingerprint=${hex(16)} table=order_items`,
    T`${t()} INFO  artifact sha256=${hex(64)} size=${ri(1, 90)}.${ri(0, 9)}MB`,
    T`${t()} DEBUG agent=Mozilla/5.0 (Windows NT 10.0; Win64; x64) os_build=10.0.19045.${ri(3000, 4500)} app=${ri(3, 6)}.${ri(0, 20)}.${ri(0, 9)}`,
    T`${t()} ERROR job=nightly-export attempt=${ri(1, 3)}/3 err="context deadline exceeded" trace=${hex(32)}`,
  );
});

NEG('neg-config-refs', 6, (i) =>
  [
    () =>
      lines(
        T`database:`,
        T`  host: \${DB_HOST}`,
        T`  user: \${DB_USER}`,
        T`  password: \${DB_PASSWORD}`,
        T`  pool_size: ${ri(5, 40)}`,
        T`auth:`,
        T`  token_ttl_seconds: 3600`,
        T`  password_min_length: 12`,
        T`  api_key_header: X-API-Key`,
      ),
    () =>
      lines(
        T`# roles/app/defaults/main.yml`,
        T`app_db_password: "{{ vault_app_db_password }}"`,
        T`app_api_key: "{{ lookup('env', 'APP_API_KEY') }}"`,
        T`app_secret_key: "{{ vault_app_secret_key }}"`,
        T`app_port: 8080`,
      ),
    () =>
      lines(
        T`env:`,
        T`  - name: DB_PASSWORD`,
        T`    valueFrom:`,
        T`      secretKeyRef:`,
        T`        name: payments-db`,
        T`        key: password`,
        T`  - name: AWS_REGION`,
        T`    value: eu-central-1`,
      ),
    () =>
      lines(
        T`[auth]`,
        T`jwt_algorithm = "RS256"`,
        T`jwt_public_key_path = "/etc/app/jwt.pub"`,
        T`session_secret_env = "SESSION_SECRET"`,
        T`max_login_attempts = 5`,
        T`password_hash = "argon2id"`,
      ),
    () =>
      lines(
        T`provider "aws" {`,
        T`  region     = var.region`,
        T`  access_key = var.aws_access_key_id`,
        T`  secret_key = var.aws_secret_access_key`,
        T`}`,
        T`variable "aws_secret_access_key" { sensitive = true }`,
      ),
    () =>
      lines(
        T`# feature flags`,
        T`FEATURE_NEW_CHECKOUT=true`,
        T`CHECKOUT_TIMEOUT_MS=${ri(1000, 9000)}`,
        T`API_KEY_ROTATION_DAYS=90`,
        T`PASSWORD_RESET_TOKEN_TTL=900`,
        T`SECRET_SCANNING=enabled`,
      ),
  ][i % 6](),
);

NEG('neg-medical-eponyms', 4, (i) =>
  lines(
    T`${["Living with Parkinson's disease", "Understanding Crohn's disease", "Graves' disease: a patient guide", 'Hodgkin lymphoma explained', "What is Bell's palsy?"][i % 5]}`,
    '',
    T`About ${ri(1, 9)} in ${ri(100, 1000)} adults are affected. Symptoms often begin between the ages of ${ri(15, 40)} and ${ri(45, 70)}.`,
    T`Related conditions include Hashimoto's thyroiditis, Alzheimer's disease and Down syndrome; the Apgar score and the Heimlich manoeuvre are unrelated but often searched together.`,
    T`Our clinic runs every Tuesday from 9am. Bring a list of your medicines and any recent test results.`,
    T`Leaflet ref. PIL-${ri(100, 999)}, reviewed ${recent('gb-long')}. Next review due ${fmtDate(rdate(2026, 2027), 'gb-long')}.`,
  ),
);

NEG('neg-science-worksheet', 4, () =>
  lines(
    T`Year 10 Physics — Worksheet ${ri(1, 12)}`,
    T`1. A force of ${ri(2, 90)} newtons acts on a ${ri(1, 20)} kg trolley. Calculate its acceleration.`,
    T`2. Convert ${ri(-40, 120)} degrees Celsius to kelvin and to Fahrenheit.`,
    T`3. Explain the Doppler effect using the example of an ambulance siren.`,
    T`4. Light the Bunsen burner with the air hole closed. Why is the flame yellow?`,
    T`5. The first terms of the Fibonacci sequence are 1, 1, 2, 3, 5, 8. Write the next three.`,
    T`Extension: use Avogadro's constant (6.022 × 10^23) to find the number of atoms in ${ri(2, 50)} g of carbon.`,
  ),
);

NEG('neg-public-keys-certs', 4, (i) =>
  [
    () =>
      lines(
        T`Add this to ~/.ssh/authorized_keys on the build host:`,
        T`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${randBytes(32).toString('base64').slice(0, 43)} ci-runner-${ri(1, 9)}`,
        T`Fingerprint: SHA256:${randBytes(32).toString('base64').slice(0, 43)}`,
      ),
    () =>
      lines(
        T`-----BEGIN PUBLIC KEY-----`,
        T`${wrap(Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex'), randBytes(64)]).toString('base64'), 64)}`,
        T`-----END PUBLIC KEY-----`,
        T`Use this key to verify webhook signatures (ES256).`,
      ),
    () =>
      lines(
        T`-----BEGIN CERTIFICATE-----`,
        T`${wrap('MIIB' + randBytes(270).toString('base64'), 64)}`,
        T`-----END CERTIFICATE-----`,
      ),
    () =>
      lines(
        T`Release signing key fingerprint:`,
        T`  ${Array.from({ length: 10 }, () => hex(4).toUpperCase()).join(' ')}`,
        T`Verify with: gpg --verify app-${ri(1, 5)}.${ri(0, 9)}.tar.gz.asc`,
      ),
  ][i % 4](),
);

NEG('neg-multilingual-news', 6, (i) =>
  [
    () =>
      T`El Ayuntamiento de Valencia aprobó ayer un presupuesto de ${ri(900, 1200)} millones de euros para ${ri(2025, 2026)}. La Calle Colón permanecerá cortada al tráfico hasta el ${fmtDate(rdate(2024, 2024), 'es-long')}.`,
    () =>
      T`La SNCF annonce ${ri(2, 9)} TGV supplémentaires entre Paris et Lyon pendant les vacances. Le trafic sera perturbé sur la ligne B du RER le ${fmtDate(rdate(2024, 2024), 'fr-long')}.`,
    () =>
      T`Die Deutsche Bahn meldet für das erste Halbjahr einen Verlust von ${ri(1, 3)},${ri(1, 9)} Milliarden Euro. Auf der Goethestraße in Frankfurt beginnen am Montag Bauarbeiten.`,
    () =>
      T`Il Comune di Torino ha inaugurato ${ri(3, 12)} km di nuove piste ciclabili. Via Garibaldi resterà chiusa al traffico fino al ${fmtDate(rdate(2024, 2024), 'it-long')}.`,
    () =>
      T`A Câmara Municipal do Porto aprovou a requalificação da Avenida da Boavista. As obras começam a ${fmtDate(rdate(2024, 2024), 'pt-long')} e devem durar ${ri(6, 18)} meses.`,
    () =>
      T`De gemeente Utrecht plant ${ri(200, 900)} extra fietsparkeerplekken bij het station. Urząd Miasta Krakowa zapowiada remont ul. Długiej od ${fmtDate(rdate(2024, 2024), 'pl-long')}.`,
  ][i % 6](),
);

NEG('neg-founding-dates', 4, (i) =>
  [
    () =>
      T`Happy 25th birthday to our flagship store, which opened its doors on ${fmtDate(rdate(1999, 1999), 'gb-long')}! Join us on Saturday for cake and 20% off everything.`,
    () =>
      T`The festival was born on ${fmtDate(rdate(1969, 1975), 'us-long')} in a farmer's field, and this year it celebrates its ${ri(49, 55)}th edition with ${ri(80, 140)} bands.`,
    () =>
      T`Founded on ${fmtDate(rdate(1890, 1990), 'gb-long')}, the society was incorporated in ${ri(1991, 2005)} and registered as a charity (no. ${ri(200000, 1199999)}).`,
    () =>
      lines(
        T`Date of issue: ${recent('gb')}    Expiry date: ${fmtDate(rdate(2027, 2030), 'gb')}`,
        T`Best before: ${fmtDate(rdate(2025, 2025), 'gb')}    Batch: L${ri(1000, 9999)}${rs(2, UP)}`,
      ),
  ][i % 4](),
);

NEG('neg-test-fixtures', 4, (i) =>
  [
    () =>
      lines(
        T`Testing payments`,
        T`In test mode, use card number 4242 4242 4242 4242 with any future expiry date and any CVC.`,
        T`4000 0000 0000 9995 simulates an "insufficient funds" decline.`,
      ),
    () =>
      lines(
        T`SEPA test data`,
        T`Use IBAN DE89 3704 0044 0532 0130 00 for successful debits and the account name "Test Account".`,
        T`Mandates created in test mode are never submitted to a bank.`,
      ),
    () =>
      lines(
        T`Validation rules for the SSN field:`,
        T`- reject 000-00-0000, 666-xx-xxxx and 9xx-xx-xxxx`,
        T`- the placeholder 123-45-6789 must also be rejected`,
        T`- store only the last four digits`,
      ),
    () =>
      lines(
        T`describe("login", () => {`,
        T`  it("rejects a wrong password", async () => {`,
        T`    const res = await login("test-user", "wrong-password");`,
        T`    expect(res.status).toBe(401);`,
        T`  });`,
        T`});`,
      ),
  ][i % 4](),
);

NEG('neg-agenda-roles', 4, () =>
  lines(
    T`${pick(["Residents' Association", 'Parent Teacher Association', 'Rowing Club'])} — Annual General Meeting`,
    T`${pick(['Tuesday', 'Wednesday', 'Thursday'])} ${fmtDate(rdate(2024, 2024), 'gb-long')}, 7.30pm, Community Hall (Victoria Road entrance)`,
    '',
    T`1. Apologies for absence`,
    T`2. Minutes of the last AGM`,
    T`3. Chair's report`,
    T`4. Treasurer's report and accounts for ${ri(2022, 2023)}–${ri(23, 24)}`,
    T`5. Election of officers: Chair, Secretary, Treasurer (nominations to the Secretary by ${pick(['1', '15'])} ${pick(['March', 'April', 'May'])})`,
    T`6. Any other business`,
  ),
);

NEG('neg-helpdesk-ticket', 4, () =>
  lines(
    T`Ticket INC${ri(1000000, 9999999)} — Printer queue stuck on floor ${ri(1, 9)}`,
    T`Priority: P${ri(2, 4)}    Status: ${pick(['In progress', 'Resolved', 'Awaiting user'])}    Assigned group: Service Desk L2`,
    T`Affected CI: prn-${pick(['lon', 'ams', 'nyc'])}-${pad(ri(1, 40))}    Related change: CHG${ri(100000, 999999)}`,
    T`Opened ${recent('iso')} ${clock()}    SLA breach in ${ri(1, 8)}h ${ri(0, 59)}m`,
    T`Work notes: restarted the spooler service, cleared ${ri(3, 60)} stale jobs. Firmware ${ri(2, 4)}.${ri(0, 9)}.${ri(10, 99)} is current. Monitoring for 24h before closing.`,
  ),
);

// ───────────────────────────── generate ─────────────────────────────
const recs = [];
for (const t of TEMPLATES) {
  for (let i = 0; i < t.n; i++) {
    const d = t.fn(i);
    if (!d || !d.isDoc) throw new Error(`template ${t.name} returned no doc`);
    recs.push({ source: `probe2:${t.name}`, doc: d, neg: t.neg, tname: t.name });
  }
}
// deterministic shuffle (separate stream so template edits do not reorder unrelated values)
const shuf = mulberry32(0x5eed);
for (let i = recs.length - 1; i > 0; i--) {
  const j = Math.floor(shuf() * (i + 1));
  [recs[i], recs[j]] = [recs[j], recs[i]];
}

// ───────────────────────────── self-check ─────────────────────────────
const errors = [],
  warnings = [];
const fail = (id, msg) => errors.push(`${id}: ${msg}`);
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const IPV4_RE = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.])/g;
function validIp(v) {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v)) return v.split('.').every((x) => +x >= 0 && +x <= 255 && String(+x) === x);
  if (!/^[0-9a-f:]+$/i.test(v) || !v.includes(':')) return false;
  const dbl = v.split('::');
  if (dbl.length > 2) return false;
  const groups = dbl.flatMap((s) => (s ? s.split(':') : []));
  return (
    groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g)) && (dbl.length === 2 ? groups.length < 8 : groups.length === 8)
  );
}
function validValue(type, v) {
  const digits = v.replace(/[\s-]/g, '');
  switch (type) {
    case 'CREDIT_CARD':
      return /^\d{13,19}$/.test(digits) && luhnValid(digits) && /^(4|5[1-5]|2[2-7]|3[47]|6011|65)/.test(digits);
    case 'IBAN': {
      const s = v.replace(/\s/g, '');
      return /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s) && mod97(ibanNum(s.slice(4) + s.slice(0, 4))) === 1;
    }
    case 'US_SSN': {
      const m = v.match(/^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/);
      return !!m && m[1] !== '000' && m[1] !== '666' && m[1][0] !== '9' && m[2] !== '00' && m[3] !== '0000';
    }
    case 'IP_ADDRESS':
      return validIp(v);
    case 'EMAIL':
      return new RegExp(`^${EMAIL_RE.source}$`).test(v);
    case 'JWT': {
      const parts = v.split('.');
      if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return false;
      try {
        const h = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
        JSON.parse(Buffer.from(parts[1], 'base64url').toString());
        return !!h.alg;
      } catch {
        return false;
      }
    }
    case 'PRIVATE_KEY':
      return /^-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z ]+ )?PRIVATE KEY-----$/.test(v);
    case 'AWS_ACCESS_KEY':
      return /^(AKIA|ASIA)[A-Z2-7]{16}$/.test(v) || /^[A-Za-z0-9/+]{40}$/.test(v);
    case 'PHONE':
      return /\d/.test(v) && v.replace(/\D/g, '').length >= 9 && v.replace(/\D/g, '').length <= 13;
    case 'DATE_OF_BIRTH':
      return /\d|nineteen|two thousand/.test(v);
    case 'MEDICAL_RECORD_NUMBER':
      return /\d{4,}/.test(v.replace(/[\s-]/g, ''));
    default:
      return true;
  }
}
const SECRET_TYPES = new Set(['API_KEY', 'AWS_ACCESS_KEY', 'PRIVATE_KEY', 'JWT', 'PASSWORD']);
const secretOwner = new Map();
const allNameTokens = new Set();
for (const loc of Object.values(NAMES))
  for (const k of ['f', 'm', 'last'])
    for (const n of loc[k])
      for (const w of n.split(/[\s-]+/)) if (w.length >= 3 && /^[A-ZÀ-Ž]/.test(w)) allNameTokens.add(w);
const out = [];
const templateNames = new Set();
recs.forEach((r, k) => {
  const id = `p2-${pad(k + 1, 5)}`;
  const { text } = r.doc;
  const spans = [...r.doc.spans].sort((a, b) => a.start - b.start || a.end - b.end);
  templateNames.add(r.tname);
  if (!text.length) fail(id, 'empty text');
  const nl = text.split('\n').length;
  if (nl > 20) fail(id, `${nl} lines`);
  let prevEnd = -1;
  for (const s of spans) {
    if (!TYPES.includes(s.type)) fail(id, `bad type ${s.type}`);
    if (!(s.start >= 0 && s.end > s.start && s.end <= text.length)) fail(id, `bad bounds ${s.start}-${s.end}`);
    const got = text.slice(s.start, s.end);
    if (got !== s._v) fail(id, `span text mismatch "${got}" != "${s._v}"`);
    if (/^\s|\s$/.test(got)) fail(id, `surrounding whitespace in ${s.type} "${got}"`);
    if (/^[.,;:!?)"'\]]|[,;:!?("'\[]$/.test(got.replace(/^'t /, 't ')) && !['PASSWORD', 'API_KEY'].includes(s.type))
      fail(id, `edge punctuation in ${s.type} "${got}"`);
    if (s.start < prevEnd) fail(id, `overlap at ${s.start}`);
    prevEnd = Math.max(prevEnd, s.end);
    if (!validValue(s.type, got)) fail(id, `invalid ${s.type} value "${got}"`);
    if (SECRET_TYPES.has(s.type)) {
      const o = secretOwner.get(got);
      if (o && o !== id) fail(id, `secret reused from ${o}: ${got.slice(0, 20)}`);
      secretOwner.set(got, id);
    }
    if (s.type === 'PERSON' && /^(Dr|Mr|Mrs|Ms|Miss|Prof|Professor|Ofc|Det)\b/.test(got))
      fail(id, `honorific inside PERSON "${got}"`);
  }
  if (r.neg && spans.length) fail(id, 'negative template produced spans');
  if (!r.neg && !spans.length) fail(id, 'positive template produced no spans');
  const covered = (a, b) => spans.some((s) => s.start <= a && b <= s.end);
  const touched = (a, b) => spans.some((s) => s.start < b && a < s.end);
  for (const m of text.matchAll(EMAIL_RE))
    if (!covered(m.index, m.index + m[0].length))
      (r.neg ? fail : (x, y) => warnings.push(`${x}: ${y}`))(id, `unlabelled email-like "${m[0]}"`);
  for (const m of text.matchAll(IPV4_RE))
    if (!covered(m.index, m.index + m[0].length)) fail(id, `unlabelled IPv4 "${m[0]}"`);
  for (const m of text.matchAll(/\b\d{3}-\d{2}-\d{4}\b/g))
    if (!covered(m.index, m.index + m[0].length) && !r.neg) fail(id, `unlabelled SSN-like "${m[0]}"`);
  for (const m of text.matchAll(/(?:\d[ -]?){13,19}/g)) {
    const dg = m[0].replace(/\D/g, '');
    if (
      dg.length >= 13 &&
      luhnValid(dg) &&
      /^(4|5[1-5]|3[47]|6011)/.test(dg) &&
      !touched(m.index, m.index + m[0].length) &&
      r.tname !== 'neg-test-fixtures'
    )
      warnings.push(`${id}: unlabelled Luhn-valid digits "${m[0]}" (${r.tname})`);
  }
  for (const m of text.matchAll(/[A-ZÀ-Ž][\p{L}'’]+/gu))
    if (allNameTokens.has(m[0]) && !touched(m.index, m.index + m[0].length))
      warnings.push(`${id}: unlabelled name-like token "${m[0]}" (${r.tname})`);
  out.push({ id, text, spans: spans.map(({ start, end, type }) => ({ start, end, type })), source: r.source });
});
// round-trip: the JSON we write must reproduce the same slices
const jsonl = out.map((o) => JSON.stringify(o)).join('\n') + '\n';
for (const line of jsonl.trim().split('\n')) {
  const o = JSON.parse(line);
  const src = recs[+o.id.slice(3) - 1].doc;
  const sorted = [...src.spans].sort((a, b) => a.start - b.start || a.end - b.end);
  o.spans.forEach((s, k) => {
    if (o.text.slice(s.start, s.end) !== sorted[k]._v) fail(o.id, 'round-trip mismatch');
  });
}

// ───────────────────────────── report ─────────────────────────────
const byType = Object.fromEntries(TYPES.map((t) => [t, 0]));
for (const o of out) for (const s of o.spans) byType[s.type]++;
const negCount = out.filter((o) => !o.spans.length).length;
const negTemplates = TEMPLATES.filter((t) => t.neg).length;
console.log(`records: ${out.length}  (no-PII records: ${negCount}, ${((100 * negCount) / out.length).toFixed(1)}%)`);
console.log(
  `templates: ${TEMPLATES.length} (${TEMPLATES.length - negTemplates} positive, ${negTemplates} hard-negative); used: ${templateNames.size}`,
);
console.log(`spans: ${Object.values(byType).reduce((a, b) => a + b, 0)}`);
for (const t of TYPES) console.log(`  ${t.padEnd(22)} ${byType[t]}`);
if (process.argv.includes('--warnings')) for (const w of warnings) console.log('WARN ' + w);
else if (warnings.length) console.log(`${warnings.length} review warnings (run with --warnings to list)`);
if (errors.length) {
  console.error(`SELF-CHECK FAILED (${errors.length}):`);
  for (const e of errors.slice(0, 60)) console.error('  ' + e);
  process.exit(1);
}
writeFileSync(OUT, jsonl);
console.log(`self-check passed; wrote ${OUT}`);
