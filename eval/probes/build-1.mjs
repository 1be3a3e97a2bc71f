/* eslint-disable @typescript-eslint/no-unused-vars -- a generator kept as its author wrote it, so that it rebuilds the same file byte for byte */
// Independent labelled probe set for a PII / secret detector.
// Deterministic: seeded mulberry32 PRNG, no dependencies.
// Usage: node eval/probes/build-1.mjs   -> writes probe-1.jsonl next to this file and runs a self-check.
import { writeFileSync } from 'node:fs';
import { dirname, join as pjoin } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = pjoin(dirname(fileURLToPath(import.meta.url)), 'probe-1.jsonl');
const TYPES = new Set([
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
]);
const SECRET_TYPES = new Set(['API_KEY', 'AWS_ACCESS_KEY', 'PRIVATE_KEY', 'JWT', 'PASSWORD']);

// ---------------------------------------------------------------- PRNG
function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const R = mulberry32(0x5eed2024);
const int = (a, b) => a + Math.floor(R() * (b - a + 1));
const pick = (arr) => arr[Math.floor(R() * arr.length)];
const chance = (p) => R() < p;
const pad = (n, w) => String(n).padStart(w, '0');
const rs = (set, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += set[Math.floor(R() * set.length)];
  return s;
};
function sample(arr, k) {
  // k items, original order kept
  const idx = arr.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(R() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => arr[i]);
}
const DIG = '0123456789',
  UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  LO = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = UP + LO + DIG,
  HEX = '0123456789abcdef',
  B64 = ALNUM + '+/',
  B64URL = ALNUM + '-_';
const dg = (n) => rs(DIG, n);
const nz = () => String(int(2, 9));
const cap = (w) => w[0].toUpperCase() + w.slice(1);

// ---------------------------------------------------------------- text builder
// A fragment is {__frag, text, spans}. Labelled values are {__label, type, value}.
const L = (type, value) => {
  if (!TYPES.has(type)) throw new Error('bad type ' + type);
  return { __label: true, type, value: String(value) };
};
function add(f, v) {
  if (v == null || v === false) return;
  if (Array.isArray(v)) {
    for (const x of v) add(f, x);
    return;
  }
  if (v.__frag) {
    const off = f.text.length;
    f.text += v.text;
    for (const s of v.spans) f.spans.push({ ...s, start: s.start + off, end: s.end + off });
    return;
  }
  if (v.__label) {
    const start = f.text.length;
    f.text += v.value;
    f.spans.push({ start, end: f.text.length, type: v.type, value: v.value });
    return;
  }
  f.text += String(v);
}
function t(strings, ...vals) {
  const f = { __frag: true, text: '', spans: [] };
  for (let i = 0; i < strings.length; i++) {
    f.text += strings[i];
    if (i < vals.length) add(f, vals[i]);
  }
  return f;
}
function cat(...parts) {
  const f = { __frag: true, text: '', spans: [] };
  for (const p of parts) add(f, p);
  return f;
}
function joinF(items, sep) {
  const out = [];
  items.forEach((x, i) => {
    if (i) out.push(sep);
    out.push(x);
  });
  return cat(...out);
}
const lines = (...xs) =>
  joinF(
    xs.flat().filter((x) => x != null && x !== false),
    '\n',
  );

// ---------------------------------------------------------------- uniqueness of secrets
const seenSecrets = new Set();
function uniq(gen) {
  for (let i = 0; i < 1000; i++) {
    const v = gen();
    if (!seenSecrets.has(v)) {
      seenSecrets.add(v);
      return v;
    }
  }
  throw new Error('could not generate a unique secret');
}

// ---------------------------------------------------------------- names
const CULT = {
  en: {
    g: [
      'James',
      'Olivia',
      'Siobhan',
      'Liam',
      'Emily',
      'Graham',
      'Charlotte',
      'Declan',
      'Hannah',
      'Marcus',
      'Brianna',
      'DeShawn',
      'Megan',
      'Patrick',
    ],
    s: [
      "O'Brien",
      'Thompson',
      'Whitfield',
      'Harrington',
      'Clarke',
      'McAllister',
      'Fairbanks',
      'Pemberton',
      'Ellison',
      'Kavanagh',
      'Goodwin-Price',
      'Ashworth',
      'Mulligan',
      'St. Clair',
    ],
    m: ['Rose', 'James', 'Lee', 'Anne', 'Marie', 'Thomas'],
    mp: 0.3,
  },
  es: {
    g: ['María José', 'Alejandro', 'Lucía', 'Javier', 'Carmen', 'Diego', 'Ana Isabel', 'Sergio', 'Inés'],
    s: [
      'García López',
      'Fernández',
      'Martínez Ruiz',
      'de la Fuente',
      'Sánchez-Vidal',
      'Romero Ortega',
      'Ibáñez',
      'Núñez del Río',
    ],
  },
  pt: {
    g: ['João Pedro', 'Ana Beatriz', 'Thiago', 'Mariana', 'Rafael', 'Letícia', 'Gonçalo'],
    s: ['da Silva Santos', 'Oliveira', 'Carvalho', 'dos Reis', 'Pereira', 'Gonçalves', 'Conceição'],
  },
  fr: {
    g: ['Jean-Baptiste', 'Amélie', 'Théo', 'Camille', 'Guillaume', 'Élodie', 'Anaïs', 'François'],
    s: ['de la Fontaine', 'Lefèvre', 'Moreau', 'Dubois-Martin', 'Girard', 'Lemaître', 'Rousseau'],
  },
  de: {
    g: ['Jürgen', 'Anneliese', 'Lukas', 'Friederike', 'Maximilian', 'Sabine', 'Jörg', 'Ute'],
    s: ['Müller-Lüdenscheidt', 'Schröder', 'Weißmann', 'Hoffmann', 'Krüger', 'Becker', 'Schäfer'],
  },
  it: {
    g: ['Giulia', 'Matteo', 'Francesca', 'Alessandro', 'Chiara', 'Lorenzo'],
    s: ['Rossi', 'Esposito', 'Bianchi', 'Romano', 'De Luca', 'Lo Russo'],
  },
  nl: {
    g: ['Pieter', 'Anouk', 'Sanne', 'Joris', 'Femke', 'Thijs', 'Maarten'],
    s: ['van der Berg', 'de Vries', 'van Dijk', 'Janssen', 'van den Heuvel', 'Bakker', 'de Jong'],
  },
  pl: {
    g: ['Małgorzata', 'Krzysztof', 'Agnieszka', 'Paweł', 'Zofia', 'Grzegorz', 'Łukasz'],
    f: ['Małgorzata', 'Agnieszka', 'Zofia'],
    s: ['Wiśniewski', 'Kowalczyk', 'Nowak', 'Wójcik', 'Lewandowski', 'Zieliński', 'Szymański'],
    fs: (x) => x.replace(/ski$/, 'ska'),
  },
  ru: {
    g: ['Dmitri', 'Yekaterina', 'Aleksandr', 'Natalya', 'Sergei', 'Olga', 'Mikhail'],
    f: ['Yekaterina', 'Natalya', 'Olga'],
    s: ['Ivanov', 'Smirnov', 'Kuznetsov', 'Volkov', 'Popov', 'Sokolov', 'Lebedev'],
    fs: (x) => x + 'a',
    m: ['Sergeyevich', 'Petrovich', 'Andreyevich'],
    mf: ['Ivanovna', 'Aleksandrovna', 'Dmitriyevna'],
    mp: 0.35,
  },
  tr: {
    g: ['Ayşe', 'Mehmet', 'Elif', 'Mustafa', 'Zeynep', 'Emre', 'Gökhan'],
    s: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Öztürk', 'Aydın'],
  },
  ar: {
    g: ['Ahmed', 'Fatima', 'Omar', 'Layla', 'Yousef', 'Noor', 'Khalid'],
    s: ['al-Rashid', 'bin Khalid Al-Farsi', 'Haddad', 'El-Sayed', 'Al-Mansouri', 'Nasser', 'Al-Qasimi'],
  },
  in: {
    g: ['Priya', 'Rahul', 'Ananya', 'Venkatesh', 'Sneha', 'Arjun', 'Lakshmi'],
    s: ['Venkataraman', 'Sharma', 'Iyer', 'Chatterjee', 'Reddy', 'Patel', 'Nair'],
    m: ['Kumar', 'Devi', 'Prasad'],
    mp: 0.3,
  },
  zh: {
    ff: true,
    g: ['Xiuying', 'Wei', 'Jiahao', 'Mingzhu', 'Haoran', 'Yufei', 'Zihan'],
    s: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Zhao', 'Huang'],
  },
  ja: {
    ff: 'maybe',
    g: ['Hiroshi', 'Yuki', 'Haruto', 'Aiko', 'Kenji', 'Sakura', 'Ren'],
    s: ['Tanaka', 'Sato', 'Suzuki', 'Takahashi', 'Watanabe', 'Nakamura', 'Kobayashi'],
  },
  ko: {
    ff: true,
    g: ['Min-jun', 'Seo-yeon', 'Ji-ho', 'Ha-eun', 'Dong-hyun', 'Ye-jin'],
    s: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang'],
  },
  ng: {
    g: ['Chukwuemeka', 'Oluwaseun', 'Ngozi', 'Adebayo', 'Chiamaka', 'Ifeoma', 'Tunde'],
    s: ['Okonkwo', 'Adeyemi', 'Eze', 'Balogun', 'Nwosu', 'Okafor', 'Adeleke'],
  },
  gh: {
    g: ['Kwame', 'Akosua', 'Kofi', 'Ama', 'Yaw', 'Efua', 'Kwabena'],
    s: ['Mensah', 'Boateng', 'Owusu', 'Asante', 'Appiah', 'Osei', 'Darko'],
  },
  ke: {
    g: ['Wanjiru', 'Otieno', 'Akinyi', 'Kiprop', 'Njeri', 'Baraka', 'Chebet'],
    s: ['Kamau', 'Odhiambo', 'Wanjiku', 'Mutua', 'Kariuki', 'Kiplagat', 'Achieng'],
  },
  vi: {
    ff: true,
    g: ['Lan', 'Hùng', 'Anh', 'Thảo', 'Dũng', 'Phương', 'Quân'],
    f: ['Lan', 'Thảo', 'Phương'],
    s: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng'],
    m: ['Văn', 'Minh', 'Đức'],
    mf: ['Thị', 'Ngọc'],
    mp: 1,
  },
  fil: {
    g: ['Maria Cristina', 'Jose', 'Ma. Luisa', 'Rodrigo', 'Angelica', 'Jerome', 'Rowena'],
    s: ['dela Cruz', 'Reyes', 'Santos', 'Bautista', 'Villanueva', 'Mendoza', 'Macaraeg'],
  },
};
const CC_CULT = {
  US: ['en', 'en', 'es', 'in', 'zh', 'ko', 'ng', 'vi', 'fil', 'ar', 'ke'],
  UK: ['en', 'en', 'in', 'ng', 'gh', 'pl', 'ar', 'ke'],
  CA: ['en', 'fr', 'zh', 'in', 'fil', 'ko'],
  DE: ['de', 'de', 'tr', 'pl', 'ru'],
  FR: ['fr', 'fr', 'ar', 'pt', 'vi'],
  ES: ['es'],
  IT: ['it'],
  NL: ['nl', 'nl', 'tr'],
  PL: ['pl'],
  IN: ['in'],
  JP: ['ja'],
  BR: ['pt'],
  AU: ['en', 'zh', 'vi', 'gh', 'in'],
};
function person(cult) {
  const key = cult || pick(Object.keys(CULT));
  const c = CULT[key];
  const ff = c.ff === 'maybe' ? chance(0.5) : !!c.ff;
  const given = pick(c.g);
  const female = !!(c.f && c.f.includes(given));
  const mids = female && c.mf ? c.mf : c.m;
  const middle = mids && chance(c.mp ?? 0.3) ? pick(mids) : null;
  const sur = pick(c.s);
  return { given, surname: female && c.fs ? c.fs(sur) : sur, middle, ff, cult: key };
}
const personFor = (cc) => person(chance(0.8) ? pick(CC_CULT[cc]) : undefined);
function initials(s) {
  return s
    .split(/(\s+|-)/)
    .filter((x) => x !== '')
    .map((x) => (/^\s+$/.test(x) ? ' ' : x === '-' ? '-' : x[0] + '.'))
    .join('');
}
function fullName(p) {
  return (p.ff ? [p.surname, p.middle, p.given] : [p.given, p.middle, p.surname]).filter(Boolean).join(' ');
}
function nm(p, style = 'full') {
  switch (style) {
    case 'full':
      return fullName(p);
    case 'fl':
      return p.ff ? `${p.surname} ${p.given}` : `${p.given} ${p.surname}`;
    case 'mi':
      return p.ff ? fullName(p) : `${p.given} ${(p.middle || pick('ABCDEFGHJKLMNPRSTW'))[0]}. ${p.surname}`;
    case 'initial':
      return `${initials(p.given)} ${p.surname}`;
    case 'caps':
      return fullName(p).toUpperCase();
    case 'lastfirst':
      return `${p.surname.toUpperCase()}, ${p.given}`;
    case 'lastfirst_mixed':
      return `${p.surname}, ${p.given}`;
    case 'lower':
      return p.given.toLowerCase();
    case 'lowerfull':
      return nm(p, 'fl').toLowerCase();
    case 'given':
      return p.given;
    case 'surname':
      return p.surname;
    case 'given_initial':
      return `${p.given} ${p.surname[0].toUpperCase()}.`;
    default:
      throw new Error('style ' + style);
  }
}
const N = (p, style = 'full') => L('PERSON', nm(p, style));
const NS = ['full', 'fl', 'fl', 'mi', 'initial'];

// ---------------------------------------------------------------- emails
function ascii(s) {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/ø/g, 'o');
}
const slug = (s) =>
  ascii(s)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
const PARTICLES = new Set(['de', 'la', 'del', 'van', 'der', 'den', 'da', 'dos', 'bin', 'bint', 'dela', 'st.', 'lo']);
function mailSurname(p) {
  const toks = p.surname.split(' ').filter((x) => !PARTICLES.has(x.toLowerCase()));
  return slug(toks[0] || p.surname);
}
const FREEMAIL = [
  'gmail.com',
  'gmail.com',
  'outlook.com',
  'hotmail.co.uk',
  'yahoo.com',
  'icloud.com',
  'proton.me',
  'web.de',
  'gmx.de',
  'orange.fr',
  'libero.it',
  'wp.pl',
  'ziggo.nl',
  'rediffmail.com',
  'uol.com.br',
  'bigpond.com',
  'yahoo.co.jp',
  'naver.com',
  'hotmail.fr',
  'live.ca',
  'mail.ru',
  'yandex.ru',
];
function emailVal(p, domain) {
  const g = slug(p.given.split(' ')[0]),
    s = mailSurname(p);
  const local = pick([
    `${g}.${s}`,
    `${g[0]}${s}`,
    `${g}${s}${int(1, 99)}`,
    `${s}.${g}`,
    `${g}_${s}`,
    `${g}${int(70, 99)}`,
    `${g[0]}.${s}`,
    `${g}.${s}+${pick(['shop', 'news', 'bills'])}`,
  ]);
  return `${local}@${domain || pick(FREEMAIL)}`;
}
const E = (p, domain) => L('EMAIL', emailVal(p, domain));
const Eraw = (v) => L('EMAIL', v);

const COMPANIES = [
  ['Northwind Traders', 'northwindtraders.com'],
  ['Brightline Analytics', 'brightline.io'],
  ['Kestrel Freight GmbH', 'kestrel-freight.de'],
  ['Tallis & Reed LLP', 'tallisreed.co.uk'],
  ['Maison Verdier SARL', 'maisonverdier.fr'],
  ['Orbital Foods', 'orbitalfoods.com'],
  ['Sunbird Health', 'sunbirdhealth.org'],
  ['Halcyon Robotics', 'halcyon-robotics.com'],
  ['Pinecrest Credit Union', 'pinecrestcu.org'],
  ['Vantage Retail BV', 'vantageretail.nl'],
  ['Zielony Ogród Sp. z o.o.', 'zielonyogrod.pl'],
  ['Ferrante Logistica S.r.l.', 'ferrantelogistica.it'],
  ['Lumen Byte Labs', 'lumenbyte.dev'],
  ['Quokka Payments', 'quokkapay.com.au'],
];
const HOSPITALS = [
  "St. Mary's Hospital",
  'Mercy General Hospital',
  'Royal Infirmary',
  'Northside Medical Center',
  'Riverside Community Hospital',
  "St. Vincent's University Hospital",
  'Lakeshore Regional Medical Center',
  'Good Samaritan Hospital',
  'Johns Hopkins Bayview',
  'Mount Sinai West',
];

// ---------------------------------------------------------------- phones
const phoneFmt = (a) => {
  const e = nz() + dg(2),
    l = dg(4);
  return pick([
    `(${a}) ${e}-${l}`,
    `${a}-${e}-${l}`,
    `+1 ${a} ${e} ${l}`,
    `${a}.${e}.${l}`,
    `+1 (${a}) ${e}-${l}`,
    `1-${a}-${e}-${l}`,
  ]);
};
const PHONE = {
  US: () =>
    phoneFmt(
      pick([
        '212',
        '415',
        '312',
        '617',
        '206',
        '512',
        '303',
        '404',
        '713',
        '305',
        '919',
        '608',
        '503',
        '614',
        '702',
        '615',
      ]),
    ),
  CA: () => phoneFmt(pick(['416', '647', '604', '778', '514', '438', '403', '902', '613', '204'])),
  UK: () =>
    pick([
      () => `07${int(400, 999)} ${dg(6)}`,
      () => `+44 7${int(400, 999)} ${dg(6)}`,
      () => `020 ${nz()}${dg(3)} ${dg(4)}`,
      () => `+44 (0)20 ${nz()}${dg(3)} ${dg(4)}`,
      () => `0113 ${nz()}${dg(2)} ${dg(4)}`,
      () => `0161 ${nz()}${dg(2)} ${dg(4)}`,
      () => `+44 131 ${nz()}${dg(2)} ${dg(4)}`,
    ])(),
  DE: () =>
    pick([
      () => `+49 30 ${nz()}${dg(7)}`,
      () => `030 ${nz()}${dg(3)} ${dg(4)}`,
      () => `+49 151 ${dg(8)}`,
      () => `0171 ${dg(7)}`,
      () => `+49 (0)89 ${nz()}${dg(6)}`,
      () => `0221/${nz()}${dg(5)}`,
    ])(),
  FR: () =>
    pick([
      () => `+33 6 ${dg(2)} ${dg(2)} ${dg(2)} ${dg(2)}`,
      () => `06 ${dg(2)} ${dg(2)} ${dg(2)} ${dg(2)}`,
      () => `01 ${dg(2)} ${dg(2)} ${dg(2)} ${dg(2)}`,
      () => `+33 (0)4 ${dg(2)} ${dg(2)} ${dg(2)} ${dg(2)}`,
      () => `07.${dg(2)}.${dg(2)}.${dg(2)}.${dg(2)}`,
    ])(),
  ES: () =>
    pick([
      () => `+34 6${dg(2)} ${dg(3)} ${dg(3)}`,
      () => `6${dg(2)} ${dg(2)} ${dg(2)} ${dg(2)}`,
      () => `91 ${dg(3)} ${dg(2)} ${dg(2)}`,
      () => `+34 93 ${dg(3)} ${dg(2)} ${dg(2)}`,
    ])(),
  IT: () =>
    pick([
      () => `+39 3${dg(2)} ${dg(3)} ${dg(4)}`,
      () => `3${dg(2)} ${dg(7)}`,
      () => `02 ${dg(4)} ${dg(4)}`,
      () => `+39 06 ${dg(8)}`,
    ])(),
  NL: () =>
    pick([
      () => `+31 6 ${dg(8)}`,
      () => `06-${dg(8)}`,
      () => `020 ${nz()}${dg(2)} ${dg(4)}`,
      () => `+31 (0)30 ${nz()}${dg(2)} ${dg(4)}`,
    ])(),
  PL: () =>
    pick([
      () => `+48 ${pick('5678')}${dg(2)} ${dg(3)} ${dg(3)}`,
      () => `${pick('5678')}${dg(2)}-${dg(3)}-${dg(3)}`,
      () => `22 ${nz()}${dg(2)} ${dg(2)} ${dg(2)}`,
    ])(),
  IN: () =>
    pick([
      () => `+91 ${pick('6789')}${dg(4)} ${dg(5)}`,
      () => `0${pick('6789')}${dg(4)} ${dg(5)}`,
      () => `+91-${pick('6789')}${dg(9)}`,
      () => `080-${nz()}${dg(3)} ${dg(4)}`,
    ])(),
  JP: () =>
    pick([
      () => `+81 90-${dg(4)}-${dg(4)}`,
      () => `090-${dg(4)}-${dg(4)}`,
      () => `03-${nz()}${dg(3)}-${dg(4)}`,
      () => `+81 6-${nz()}${dg(3)}-${dg(4)}`,
      () => `080-${dg(4)}-${dg(4)}`,
    ])(),
  BR: () =>
    pick([
      () => `+55 11 9${dg(4)}-${dg(4)}`,
      () => `(11) 9${dg(4)}-${dg(4)}`,
      () => `(21) ${nz()}${dg(3)}-${dg(4)}`,
      () => `+55 (31) 9${dg(4)}-${dg(4)}`,
    ])(),
  AU: () =>
    pick([
      () => `+61 4${dg(2)} ${dg(3)} ${dg(3)}`,
      () => `04${dg(2)} ${dg(3)} ${dg(3)}`,
      () => `(02) ${nz()}${dg(3)} ${dg(4)}`,
      () => `+61 3 ${nz()}${dg(3)} ${dg(4)}`,
    ])(),
};
const Ph = (cc = 'US') => L('PHONE', PHONE[cc]());
const COUNTRIES = Object.keys(PHONE);

// ---------------------------------------------------------------- addresses
const US_CITIES = [
  ['Springfield', 'IL', '627'],
  ['Austin', 'TX', '787'],
  ['Portland', 'OR', '972'],
  ['Columbus', 'OH', '432'],
  ['Denver', 'CO', '802'],
  ['Atlanta', 'GA', '303'],
  ['Seattle', 'WA', '981'],
  ['Boston', 'MA', '021'],
  ['Phoenix', 'AZ', '850'],
  ['Raleigh', 'NC', '276'],
  ['Madison', 'WI', '537'],
  ['Sacramento', 'CA', '958'],
  ['Brooklyn', 'NY', '112'],
  ['Nashville', 'TN', '372'],
  ['Ann Arbor', 'MI', '481'],
];
const US_STREETS = [
  'Maple Ave',
  'Oak Street',
  'Washington Blvd',
  'Elm St',
  'Lakeview Drive',
  'Pine Ridge Rd',
  'Cedar Lane',
  'Peachtree St NE',
  'Market Street',
  'N Lamar Blvd',
  'SE Hawthorne Blvd',
  'Magnolia Ct',
  'Willow Creek Way',
  'Bedford Ave',
  'W 4th St',
];
function usParts() {
  const [city, st, z3] = pick(US_CITIES);
  const street = `${int(12, 9850)} ${pick(US_STREETS)}`;
  const unit = chance(0.35)
    ? `${pick(['Apt ', 'Apt. ', 'Suite ', 'Unit ', '#'])}${chance(0.5) ? int(1, 40) + pick(['A', 'B', 'C', '']) : int(100, 2400)}`
    : null;
  const zip = z3 + pad(int(1, 99), 2) + (chance(0.12) ? '-' + dg(4) : '');
  return { street, unit, city, st, zip };
}
const ADDR = {
  US() {
    const a = usParts();
    const last = `${a.city}, ${a.st} ${a.zip}`;
    const first = a.unit ? `${a.street}, ${a.unit}` : a.street;
    return { lines: [first, last], single: `${first}, ${last}` };
  },
  UK() {
    const [town, out] = pick([
      ['Leeds', 'LS6'],
      ['Manchester', 'M14'],
      ['Bristol', 'BS8'],
      ['Glasgow', 'G12'],
      ['Cardiff', 'CF24'],
      ['London', 'SW9'],
      ['London', 'E8'],
      ['Norwich', 'NR2'],
      ['Edinburgh', 'EH9'],
      ['Belfast', 'BT7'],
      ['Brighton', 'BN2'],
    ]);
    const pc = `${out} ${int(1, 9)}${rs('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
    const street = `${int(1, 220)} ${pick(['Kingsley Road', 'High Street', 'Church Lane', 'Victoria Terrace', 'Mill Road', 'Albert Street', "Queen's Drive", 'Elm Grove', 'Station Road', 'Marchmont Crescent'])}`;
    const flat = chance(0.3) ? `Flat ${int(1, 12)}${pick(['', 'A', 'B'])}` : null;
    const ls = [flat, street, town, pc].filter(Boolean);
    return { lines: ls, single: `${flat ? flat + ', ' : ''}${street}, ${town} ${pc}` };
  },
  CA() {
    const [city, prov, fsa, streets] = pick([
      ['Toronto', 'ON', 'M4W', ['Bloor St W', 'Queen St E']],
      ['Toronto', 'ON', 'M5V', ['Spadina Ave', 'King St W']],
      ['Vancouver', 'BC', 'V6B', ['Granville St', 'Homer St']],
      ['Montréal', 'QC', 'H2X', ['rue Saint-Denis', 'boulevard René-Lévesque O']],
      ['Calgary', 'AB', 'T2P', ['8 Ave SW', 'Centre St S']],
      ['Halifax', 'NS', 'B3H', ['Spring Garden Rd', 'South Park St']],
      ['Ottawa', 'ON', 'K1P', ['Elgin St', 'Sparks St']],
    ]);
    const pc = `${fsa} ${int(0, 9)}${pick('ABCEGHJKLMNPRSTVWXYZ')}${int(0, 9)}`;
    const num = int(10, 2400);
    const unit = chance(0.4) ? int(101, 2808) : null;
    const street = `${unit ? unit + '-' : ''}${num} ${pick(streets)}`;
    return { lines: [street, `${city} ${prov} ${pc}`], single: `${street}, ${city}, ${prov} ${pc}` };
  },
  DE() {
    const [city, pre] = pick([
      ['Berlin', '10'],
      ['München', '80'],
      ['Köln', '50'],
      ['Hamburg', '20'],
      ['Frankfurt am Main', '60'],
      ['Leipzig', '04'],
      ['Stuttgart', '70'],
      ['Dresden', '01'],
    ]);
    const street = `${pick(['Lindenstraße', 'Hauptstraße', 'Am Weinberg', 'Schillerplatz', 'Bahnhofstr.', 'Goethestraße', 'Kastanienallee', 'Friedrich-Ebert-Ring', 'Münchner Str.', 'Im Rosengarten'])} ${int(1, 180)}${pick(['', '', '', 'a', 'b'])}`;
    const l2 = `${pre}${dg(3)} ${city}`;
    return { lines: [street, l2], single: `${street}, ${l2}` };
  },
  FR() {
    const cp = pick([
      '75011 Paris',
      '75018 Paris',
      '69003 Lyon',
      '13006 Marseille',
      '31000 Toulouse',
      '33800 Bordeaux',
      '44000 Nantes',
      '59800 Lille',
      '67000 Strasbourg',
    ]);
    const street = `${int(1, 140)}${pick(['', '', '', ' bis'])} ${pick(['rue des Lilas', 'avenue Jean Jaurès', 'boulevard Voltaire', 'place Bellecour', 'rue de la République', 'allée des Tilleuls', 'quai de la Fosse', 'rue du Faubourg Saint-Antoine', 'impasse des Acacias'])}`;
    const comp = chance(0.3) ? pick(['Bâtiment B', 'Résidence Les Pins, appt 12', '3e étage, porte gauche']) : null;
    const ls = [comp, street, cp].filter(Boolean);
    return { lines: ls, single: ls.join(', ') };
  },
  ES() {
    const cp = pick([
      '28009 Madrid',
      '28013 Madrid',
      '08036 Barcelona',
      '46001 Valencia',
      '41003 Sevilla',
      '48001 Bilbao',
      '29016 Málaga',
      '50004 Zaragoza',
    ]);
    const street = `${pick(['Calle de Alcalá', 'Avda. Diagonal', 'C/ Mayor', 'Calle del Pez', 'Paseo de la Castellana', 'Calle Sierpes', 'Gran Vía', 'Calle Larios', 'Carrer de Mallorca'])} ${int(1, 480)}, ${int(1, 9)}º ${pick(['A', 'B', 'C', 'D', 'izda.', 'dcha.'])}`;
    return { lines: [street, cp], single: `${street}, ${cp}` };
  },
  IT() {
    const cap5 = pick([
      '20121 Milano MI',
      '00186 Roma RM',
      '10121 Torino TO',
      '50122 Firenze FI',
      '80132 Napoli NA',
      '40126 Bologna BO',
      '30121 Venezia VE',
      '90133 Palermo PA',
    ]);
    const street = `${pick(['Via Garibaldi', 'Corso Vittorio Emanuele II', 'Piazza Navona', 'Viale Monza', 'Via dei Mille', 'Via Roma', 'Via Toledo', 'Largo Augusto', 'Via San Vitale'])} ${int(1, 240)}${pick(['', '', '/A', ', scala B, int. 7'])}`;
    return { lines: [street, cap5], single: `${street}, ${cap5}` };
  },
  NL() {
    const city = pick(['Amsterdam', 'Utrecht', 'Rotterdam', 'Den Haag', 'Eindhoven', 'Groningen', 'Haarlem', 'Leiden']);
    const street = `${pick(['Keizersgracht', 'Oudegracht', 'Witte de Withstraat', 'Laan van Meerdervoort', 'Stratumseind', 'Vismarkt', 'Zijlweg', 'Breestraat', 'Prinsengracht'])} ${int(1, 400)}${pick(['', '', '-H', '-2', 'A', 'B', ' III'])}`;
    const l2 = `${int(1011, 9999)} ${rs('ABCDEGHJKLMNPRSTVWXZ', 2)} ${city}`;
    return { lines: [street, l2], single: `${street}, ${l2}` };
  },
  PL() {
    const [city, pres] = pick([
      ['Warszawa', ['00', '02', '03']],
      ['Kraków', ['30', '31']],
      ['Gdańsk', ['80']],
      ['Wrocław', ['50', '53']],
      ['Poznań', ['60', '61']],
      ['Łódź', ['90', '91']],
      ['Lublin', ['20']],
    ]);
    const st = pick([
      'ul. Marszałkowska',
      'ul. Długa',
      'al. Jerozolimskie',
      'ul. Floriańska',
      'ul. Piotrkowska',
      'ul. Grunwaldzka',
      'ul. Świętokrzyska',
      'Krakowskie Przedmieście',
    ]);
    const street = `${st} ${int(1, 150)}${chance(0.5) ? '/' + int(1, 60) : ' m. ' + int(1, 40)}`;
    const l2 = `${pick(pres)}-${pad(int(1, 999), 3)} ${city}`;
    return { lines: [street, l2], single: `${street}, ${l2}` };
  },
  IN() {
    const v = pick([
      () => [
        `Flat ${int(101, 1204)}, ${pick(['Sai Residency', 'Prestige Lakeside', 'Green Acres Apartments', 'Sobha Dew Flower'])}`,
        `${int(1, 20)}th Cross, ${pick(['Indiranagar', 'Koramangala 5th Block', 'HSR Layout Sector 2', 'Jayanagar 4th Block'])}`,
        `Bengaluru, Karnataka 560${pad(int(1, 110), 3)}`,
      ],
      () => [
        `${int(1, 999)}, ${pick(['Shanti Kunj', 'Sea Breeze CHS', 'Vastu Towers'])}`,
        pick([
          'Linking Road, Bandra West',
          'Hill Road, Bandra West',
          'S.V. Road, Andheri West',
          'LBS Marg, Ghatkopar West',
        ]),
        `Mumbai, Maharashtra 4000${pad(int(1, 99), 2)}`,
      ],
      () => [
        `${pick(['B', 'C', 'D', 'H'])}-${int(1, 250)}, Sector ${int(10, 78)}`,
        `Noida, Uttar Pradesh 2013${pad(int(1, 99), 2)}`,
      ],
      () => [
        `H.No. ${int(1, 12)}-${int(1, 9)}-${int(1, 400)}/${int(1, 9)}, ${pick(['Adarsh Nagar', 'Road No. 12, Banjara Hills', 'Madhapur'])}`,
        `Hyderabad, Telangana 5000${pad(int(1, 99), 2)}`,
      ],
      () => [
        `${int(1, 99)}, ${pick(['Nungambakkam High Road', 'Cathedral Road', '2nd Main Road, Besant Nagar'])}`,
        `Chennai, Tamil Nadu 6000${pad(int(1, 99), 2)}`,
      ],
    ])();
    return { lines: v, single: v.join(', ') };
  },
  JP() {
    if (chance(0.3)) {
      const [zp, area] = pick([
        ['150', '東京都渋谷区渋谷'],
        ['160', '東京都新宿区西新宿'],
        ['530', '大阪府大阪市北区梅田'],
        ['460', '愛知県名古屋市中区錦'],
        ['810', '福岡県福岡市中央区天神'],
      ]);
      const s = `〒${zp}-${dg(4)} ${area}${int(1, 4)}-${int(1, 30)}-${int(1, 20)}`;
      return { lines: [s], single: s, native: true };
    }
    const [area, ward, city, zp] = pick([
      ['Shibuya', 'Shibuya-ku', 'Tokyo', '150'],
      ['Nishi-Shinjuku', 'Shinjuku-ku', 'Tokyo', '160'],
      ['Umeda', 'Kita-ku', 'Osaka', '530'],
      ['Nishiki', 'Naka-ku', 'Nagoya', '460'],
      ['Tenjin', 'Chuo-ku', 'Fukuoka', '810'],
      ['Kita 3-jo Nishi', 'Chuo-ku', 'Sapporo', '060'],
    ]);
    const bldg = chance(0.4) ? `${pick(['Sakura Heights', 'Maison Aoyama', 'Grand Court'])} ${int(101, 1205)}, ` : '';
    const l1 = `${bldg}${int(1, 4)}-${int(1, 30)}-${int(1, 20)} ${area}`;
    const l2 = `${ward}, ${city} ${zp}-${dg(4)}`;
    return { lines: [l1, l2], single: `${l1}, ${l2}` };
  },
  BR() {
    const [city, uf, pre, bairros] = pick([
      ['São Paulo', 'SP', '01', ['Consolação', 'Pinheiros', 'Vila Mariana', 'Moema']],
      ['Rio de Janeiro', 'RJ', '22', ['Copacabana', 'Botafogo', 'Tijuca']],
      ['Belo Horizonte', 'MG', '30', ['Savassi', 'Centro', 'Funcionários']],
      ['Porto Alegre', 'RS', '90', ['Moinhos de Vento', 'Cidade Baixa']],
      ['Recife', 'PE', '51', ['Boa Viagem', 'Casa Forte']],
      ['Curitiba', 'PR', '80', ['Batel', 'Água Verde']],
    ]);
    const street = `${pick(['Rua Augusta', 'Av. Atlântica', 'Rua da Bahia', 'Av. Paulista', 'Rua Oscar Freire', 'Rua dos Andradas', 'Av. Boa Viagem', 'Rua XV de Novembro'])}, ${int(10, 3200)}${chance(0.5) ? ', apto ' + int(11, 1802) : ''} - ${pick(bairros)}`;
    const l2 = `${city} - ${uf}, ${pre}${dg(3)}-${dg(3)}`;
    return { lines: [street, l2], single: `${street}, ${l2}` };
  },
  AU() {
    const [sub, st, pc] = pick([
      ['Bondi', 'NSW', '2026'],
      ['Fitzroy', 'VIC', '3065'],
      ['Fortitude Valley', 'QLD', '4006'],
      ['Unley', 'SA', '5061'],
      ['Subiaco', 'WA', '6008'],
      ['Sandy Bay', 'TAS', '7005'],
      ['Braddon', 'ACT', '2612'],
      ['Newtown', 'NSW', '2042'],
    ]);
    const unit = pick(['', '', `Unit ${int(1, 40)}, `, `${int(1, 30)}/`]);
    const l1 = `${unit}${int(1, 300)} ${pick(['Bondi Road', 'Smith Street', 'Brunswick St', 'King William Rd', 'Rokeby Road', 'Sandy Bay Rd', 'Lonsdale St', 'King Street'])}`;
    const l2 = `${chance(0.5) ? sub.toUpperCase() : sub} ${st} ${pc}`;
    return { lines: [l1, l2], single: `${l1}, ${l2}` };
  },
};
const COUNTRY_NAME = {
  US: ['USA', 'United States'],
  UK: ['United Kingdom', 'UK'],
  CA: ['Canada'],
  DE: ['Germany', 'Deutschland'],
  FR: ['France'],
  ES: ['Spain', 'España'],
  IT: ['Italy', 'Italia'],
  NL: ['Netherlands', 'Nederland'],
  PL: ['Poland', 'Polska'],
  IN: ['India'],
  JP: ['Japan'],
  BR: ['Brazil', 'Brasil'],
  AU: ['Australia'],
};
function addrStr(cc, { multi = false, country = false, upper = false, sep = '\n' } = {}) {
  const a = ADDR[cc]();
  let ls = [...a.lines];
  if (country && !a.native) ls.push(pick(COUNTRY_NAME[cc]));
  let s = multi ? ls.join(sep) : country && !a.native ? `${a.single}, ${ls[ls.length - 1]}` : a.single;
  if (upper) s = s.toUpperCase();
  return s;
}
const A = (cc, opts) => L('ADDRESS', addrStr(cc, opts));

// ---------------------------------------------------------------- dates
const MON = [
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
const MON3 = MON.map((m) => m.slice(0, 3));
const DE_MON = [
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
];
const FR_MON = [
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
];
const ES_MON = [
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
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const dim = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();
function randDate(y0, y1) {
  const y = int(y0, y1),
    m = int(1, 12);
  return { y, m, d: int(1, dim(y, m)) };
}
const birthDate = () => randDate(1936, 2007);
const recentDate = () => randDate(2022, 2025);
function addDays(dt, n) {
  const x = new Date(Date.UTC(dt.y, dt.m - 1, dt.d + n));
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: x.getUTCDate() };
}
const ord = (d) =>
  d + (d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th');
function fd(dt, f) {
  const { y, m, d } = dt;
  switch (f) {
    case 'us':
      return `${pad(m, 2)}/${pad(d, 2)}/${y}`;
    case 'us_nopad':
      return `${m}/${d}/${y}`;
    case 'us_short':
      return `${m}/${d}/${String(y).slice(2)}`;
    case 'us_dash':
      return `${pad(m, 2)}-${pad(d, 2)}-${y}`;
    case 'eu_dot':
      return `${pad(d, 2)}.${pad(m, 2)}.${y}`;
    case 'eu_slash':
      return `${pad(d, 2)}/${pad(m, 2)}/${y}`;
    case 'iso':
      return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
    case 'long_us':
      return `${MON[m - 1]} ${d}, ${y}`;
    case 'long_us_ord':
      return `${MON[m - 1]} ${ord(d)}, ${y}`;
    case 'long_uk':
      return `${d} ${MON[m - 1]} ${y}`;
    case 'ord_uk':
      return `${ord(d)} ${MON[m - 1]} ${y}`;
    case 'd_mon_y':
      return `${d} ${MON3[m - 1]} ${y}`;
    case 'dd_mon_yyyy':
      return `${pad(d, 2)}-${MON3[m - 1].toUpperCase()}-${y}`;
    case 'mon_d_y':
      return `${MON3[m - 1]} ${d}, ${y}`;
    case 'hl7':
      return `${y}${pad(m, 2)}${pad(d, 2)}`;
    case 'de_long':
      return `${d}. ${DE_MON[m - 1]} ${y}`;
    case 'fr_long':
      return `${d === 1 ? '1er' : d} ${FR_MON[m - 1]} ${y}`;
    case 'es_long':
      return `${d} de ${ES_MON[m - 1]} de ${y}`;
    case 'jp':
      return `${y}年${m}月${d}日`;
    default:
      throw new Error('date fmt ' + f);
  }
}
const DOBF_US = ['us', 'us_nopad', 'us_short', 'us_dash', 'iso', 'long_us', 'mon_d_y'];
const DOBF_INTL = ['eu_dot', 'eu_slash', 'iso', 'long_uk', 'd_mon_y', 'dd_mon_yyyy', 'ord_uk'];
const DOBF_ALL = [...DOBF_US, ...DOBF_INTL];
const DOB = (dt, f) => L('DATE_OF_BIRTH', fd(dt, f));
const ageOf = (dt) => 2024 - dt.y;
const time = () => `${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}`;
// monotonically increasing clock for chats and logs within one record
function clock(maxStep = 6) {
  let m = int(6 * 60, 21 * 60);
  return () => {
    m += int(0, maxStep);
    return `${pad(Math.floor(m / 60) % 24, 2)}:${pad(m % 60, 2)}`;
  };
}
function tsClock(dt) {
  let ms = int(0, 20 * 3600 * 1000);
  return () => {
    ms += int(5, 90000);
    const h = Math.floor(ms / 3600000) % 24,
      mi = Math.floor(ms / 60000) % 60,
      se = Math.floor(ms / 1000) % 60;
    return `${fd(dt, 'iso')}T${pad(h, 2)}:${pad(mi, 2)}:${pad(se, 2)}.${pad(ms % 1000, 3)}Z`;
  };
}
const isoTs = (dt) => `${fd(dt, 'iso')}T${time()}:${pad(int(0, 59), 2)}.${dg(3)}Z`;

// ---------------------------------------------------------------- medical record numbers
function nhsVal() {
  for (;;) {
    const d = Array.from({ length: 9 }, () => int(0, 9));
    if (d[0] === 0) continue;
    const s = d.reduce((acc, x, i) => acc + x * (10 - i), 0);
    let c = 11 - (s % 11);
    if (c === 11) c = 0;
    if (c === 10) continue;
    const n = d.join('') + c;
    return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  }
}
const MRN_KINDS = [
  { label: 'MRN: ', gen: () => pad(int(1, 99999999), 8) },
  { label: 'MRN ', gen: () => String(int(1000000, 9999999)) },
  { label: 'Med Rec #', gen: () => `${pick(UP)}-${int(100000, 999999)}` },
  { label: 'Medical record number: ', gen: () => `${int(1000, 9999)}-${int(100, 999)}` },
  { label: 'Patient ID ', gen: () => `PT-${pad(int(1, 9999999), 7)}` },
  { label: 'Hospital No. ', gen: () => `H${int(1000000, 9999999)}` },
  { label: 'Chart no. ', gen: () => `${int(100, 999)}-${pad(int(1, 99), 2)}-${int(0, 9)}` },
  { label: 'chart no. ', gen: () => `${int(100, 999)}-${pad(int(1, 99), 2)}-${int(0, 9)}` },
  { label: 'medical record number ', gen: () => `${int(1000, 9999)}-${int(100, 999)}` },
  { label: 'Patient ID: ', gen: () => `PT-${pad(int(1, 9999999), 7)}` },
  { label: 'MR# ', gen: () => `MR${pad(int(1, 999999), 6)}` },
  { label: 'EMR ID: ', gen: () => `E${int(100000000, 999999999)}` },
  { label: 'Health record no. ', gen: () => `HRN-${int(10, 99)}-${int(100000, 999999)}` },
  { label: 'Hosp. unit no. ', gen: () => `U${int(100000, 999999)}` },
];
const MRN = (v) => L('MEDICAL_RECORD_NUMBER', v);
function mrn({ upper = false, nhs = false } = {}) {
  if (nhs) return cat(upper ? 'NHS NUMBER ' : 'NHS number ', MRN(nhsVal()));
  const k = pick(MRN_KINDS);
  return cat(upper ? k.label.toUpperCase() : k.label, MRN(k.gen()));
}

// ---------------------------------------------------------------- payment / government ids
function luhnComplete(prefix, len) {
  const s = prefix + dg(len - prefix.length - 1);
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = +s[s.length - 1 - i];
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return s + ((10 - (sum % 10)) % 10);
}
function luhnOk(num) {
  const s = num.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = +s[s.length - 1 - i];
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
function ccVal(sepChoice) {
  const brand = pick(['visa', 'visa', 'visa', 'mc', 'mc2', 'amex', 'disc', 'jcb']);
  const num = {
    visa: () => luhnComplete('4', 16),
    mc: () => luhnComplete(String(int(51, 55)), 16),
    mc2: () => luhnComplete(String(int(2221, 2720)), 16),
    amex: () => luhnComplete(pick(['34', '37']), 15),
    disc: () => luhnComplete(pick(['6011', '65']), 16),
    jcb: () => luhnComplete(String(int(3528, 3589)), 16),
  }[brand]();
  const sep = sepChoice ?? pick([' ', ' ', '-', '']);
  if (num.length === 15) return sep ? [num.slice(0, 4), num.slice(4, 10), num.slice(10)].join(sep) : num;
  return sep ? num.match(/.{4}/g).join(sep) : num;
}
const CC = (sep) => L('CREDIT_CARD', ccVal(sep));
function ssnVal(sep = '-') {
  let a;
  do {
    a = int(1, 899);
  } while (a === 666);
  return `${pad(a, 3)}${sep}${pad(int(1, 99), 2)}${sep}${pad(int(1, 9999), 4)}`;
}
const SSN = (sep) => L('US_SSN', ssnVal(sep ?? pick(['-', '-', '-', '-', ' ', ''])));
function ibanCheck(cc, bban) {
  const num = (bban + cc + '00').replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let r = 0;
  for (const ch of num) r = (r * 10 + +ch) % 97;
  return pad(98 - r, 2);
}
function ibanOk(s) {
  const c = s.replace(/\s/g, '');
  const num = (c.slice(4) + c.slice(0, 4)).replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let r = 0;
  for (const ch of num) r = (r * 10 + +ch) % 97;
  return r === 1;
}
const IBAN_BBAN = {
  DE: () => dg(18),
  GB: () => pick(['NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL']) + dg(14),
  FR: () => dg(23),
  ES: () => dg(20),
  IT: () => pick('ABCDEFGHIJKLMNOPQRSTUVWX') + dg(22),
  NL: () => pick(['ABNA', 'INGB', 'RABO', 'TRIO', 'SNSB']) + dg(10),
  PL: () => dg(24),
  BE: () => dg(12),
  CH: () => '00' + dg(15),
  AT: () => dg(16),
  PT: () => '0' + dg(20),
  IE: () => pick(['AIBK', 'BOFI']) + dg(14),
};
const CC_TO_IBAN = { UK: 'GB', DE: 'DE', FR: 'FR', ES: 'ES', IT: 'IT', NL: 'NL', PL: 'PL', BR: 'PT' };
function ibanVal(cc, grouped) {
  const b = IBAN_BBAN[cc]();
  const s = cc + ibanCheck(cc, b) + b;
  const g = grouped ?? chance(0.6);
  return g ? s.replace(/(.{4})/g, '$1 ').trim() : s;
}
const IBAN = (cc, grouped) => L('IBAN', ibanVal(cc || pick(Object.keys(IBAN_BBAN)), grouped));
const BIC = {
  DE: ['DEUTDEFFXXX', 'COBADEFFXXX', 'BYLADEM1001'],
  GB: ['NWBKGB2L', 'BARCGB22', 'LOYDGB2L'],
  FR: ['BNPAFRPPXXX', 'SOGEFRPP'],
  ES: ['CAIXESBBXXX', 'BBVAESMMXXX'],
  IT: ['UNCRITMMXXX', 'BCITITMM'],
  NL: ['ABNANL2A', 'INGBNL2A', 'RABONL2U'],
  PL: ['PKOPPLPWXXX', 'BREXPLPWXXX'],
  BE: ['GEBABEBB'],
  CH: ['UBSWCHZH80A'],
  AT: ['BKAUATWW'],
  PT: ['CGDIPTPL'],
  IE: ['AIBKIE2D'],
};

// ---------------------------------------------------------------- network
function ipv4Val(kind) {
  if (kind === 'private')
    return pick([
      () => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      () => `192.168.${int(0, 255)}.${int(1, 254)}`,
      () => `172.${int(16, 31)}.${int(0, 255)}.${int(1, 254)}`,
    ])();
  let a;
  do {
    a = int(2, 223);
  } while ([10, 127, 172, 192, 100, 169].includes(a));
  return `${a}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
}
function ipv6Val() {
  const pre = pick([
    ['2001', 'db8'],
    ['2a02', '8108'],
    ['2600', '1f18'],
    ['2a01', '4f8'],
    ['2607', 'f8b0'],
    ['2001', '67c'],
    ['2804', '14c'],
    ['2400', 'cb00'],
  ]);
  const g = [...pre];
  for (let i = 0; i < 6; i++) g.push(rs(HEX, int(1, 4)).replace(/^0+(?=.)/, ''));
  if (chance(0.5)) {
    const i = int(3, 4),
      n = int(2, 3);
    return g.slice(0, i).join(':') + '::' + g.slice(i + n).join(':');
  }
  return g.join(':');
}
const IP = (kind) => L('IP_ADDRESS', ipv4Val(kind));
const IP6 = () => L('IP_ADDRESS', ipv6Val());
const hostOrIp = () =>
  chance(0.5)
    ? IP('private')
    : pick([
        'db.internal',
        'localhost',
        'postgres',
        'db-primary.prod.svc.cluster.local',
        'pg.eu-west-1.rds.amazonaws.com',
      ]);
const uuid = () => `${rs(HEX, 8)}-${rs(HEX, 4)}-4${rs(HEX, 3)}-${pick('89ab')}${rs(HEX, 3)}-${rs(HEX, 12)}`;
const sha = (n = 40) => rs(HEX, n);
const APP_DOMAINS = [
  'acme-corp.io',
  'northwind.app',
  'brightline.io',
  'kestrel-freight.de',
  'halcyon-robotics.com',
  'lumenbyte.dev',
  'orbitalfoods.com',
  'quokkapay.com.au',
];

// ---------------------------------------------------------------- secrets
const SECRETS = {
  anthropic: () => `sk-ant-api03-${rs(B64URL, 93)}AA`,
  openai: () => `sk-proj-${rs(B64URL, 58)}T3BlbkFJ${rs(B64URL, 58)}`,
  openaiLegacy: () => `sk-${rs(ALNUM, 20)}T3BlbkFJ${rs(ALNUM, 20)}`,
  ghp: () => `ghp_${rs(ALNUM, 36)}`,
  gho: () => `gho_${rs(ALNUM, 36)}`,
  ghpat: () => `github_pat_11${rs(UP + DIG, 7)}0${rs(ALNUM, 12)}_${rs(ALNUM, 59)}`,
  slackBot: () => `xoxb-${int(100000000000, 999999999999)}-${int(1000000000000, 9999999999999)}-${rs(ALNUM, 24)}`,
  slackUser: () =>
    `xoxp-${int(100000000000, 999999999999)}-${int(100000000000, 999999999999)}-${int(1000000000000, 9999999999999)}-${rs(HEX, 32)}`,
  stripe: () => `sk_live_51${rs(ALNUM, 97)}`,
  stripeShort: () => `sk_live_${rs(ALNUM, 24)}`,
  stripeRk: () => `rk_live_51${rs(ALNUM, 97)}`,
  google: () => `AIza${rs(B64URL, 35)}`,
  gitlab: () => `glpat-${rs(B64URL, 20)}`,
  sendgrid: () => `SG.${rs(B64URL, 22)}.${rs(B64URL, 43)}`,
  hf: () => `hf_${rs(UP + LO, 34)}`,
  npm: () => `npm_${rs(ALNUM, 36)}`,
  twilioKey: () => `SK${rs(HEX, 32)}`,
  mailgun: () => `key-${rs(HEX, 32)}`,
  hex32: () => rs(HEX, 32),
  hex40: () => rs(HEX, 40),
  hex64: () => rs(HEX, 64),
  generic: () =>
    pick([
      () => rs(HEX, 32),
      () => rs(HEX, 40),
      () => rs(ALNUM, 32),
      () => rs(ALNUM, 40),
      () => rs(B64URL, 43),
      () => rs(HEX, 64),
    ])(),
  shopify: () => `shpat_${rs(HEX, 32)}`,
  digitalocean: () => `dop_v1_${rs(HEX, 64)}`,
  pypi: () => `pypi-AgEIcHlwaS5vcmc${rs(B64URL, 64)}`,
  datadogApp: () => rs(HEX, 40),
  awsSecret: () => rs(ALNUM + '/+', 40),
  awsSession: () => `IQoJb3JpZ2luX2VjE${rs(B64, 180)}`,
  cloudflare: () => rs(B64URL, 40),
};
const Key = (name) => L('API_KEY', uniq(SECRETS[name]));
const Aws = (prefix = 'AKIA') =>
  L(
    'AWS_ACCESS_KEY',
    uniq(() => prefix + rs('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)),
  );
const AwsSecret = () => Key('awsSecret');

const PW_WORDS = [
  'falcon',
  'harbor',
  'copper',
  'violet',
  'lantern',
  'maple',
  'orbit',
  'tundra',
  'saffron',
  'quartz',
  'pepper',
  'glacier',
  'nimbus',
  'walrus',
  'cobalt',
  'juniper',
  'thistle',
  'meadow',
  'raven',
  'ember',
  'sonic',
  'pixel',
  'marble',
  'cactus',
  'bramble',
  'zephyr',
  'mango',
  'tiger',
];
const PW_SYMS = {
  any: '!#$%^&*-_=+?.',
  url: '-_.~',
  shell: '-_.+=,%@^',
  env: '!%^*-_=+.,:@~',
  quoted: '!#$%^&*()-_=+[]{}:;,.<>?/~|',
  xml: '!#$%^*-_=+?.',
};
const leet = (s) => s.replace(/[aeoi]/g, (c) => (chance(0.6) ? { a: '4', e: '3', o: '0', i: '1' }[c] : c));
function pwVal(ctx = 'any') {
  const sym = PW_SYMS[ctx];
  switch (int(0, 5)) {
    case 0:
      return pick(UP + LO) + rs(ALNUM + sym + sym, int(11, 19));
    case 1:
      return cap(pick(PW_WORDS)) + pick(sym) + int(10, 9999);
    case 2:
      return cap(pick(PW_WORDS)) + cap(pick(PW_WORDS)) + int(1, 99) + pick(sym);
    case 3:
      return [pick(PW_WORDS), pick(PW_WORDS), pick(PW_WORDS)].join('-') + '-' + int(10, 99);
    case 4:
      return pick(UP + LO) + rs(ALNUM, int(15, 31));
    default:
      return leet(cap(pick(PW_WORDS)) + cap(pick(PW_WORDS))) + pick(sym) + int(1, 99);
  }
}
const Pw = (ctx) =>
  L(
    'PASSWORD',
    uniq(() => pwVal(ctx)),
  );

const PEM_KIND = {
  rsa: { label: 'RSA PRIVATE KEY', start: 'MIIEpAIBAAKCAQEA', w: 64, n: () => int(6, 9) },
  pkcs8: {
    label: 'PRIVATE KEY',
    start: 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ',
    w: 64,
    n: () => int(6, 9),
  },
  ec: { label: 'EC PRIVATE KEY', start: 'MHcCAQEEI', w: 64, n: () => 3 },
  openssh: {
    label: 'OPENSSH PRIVATE KEY',
    start: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    w: 70,
    n: () => int(4, 6),
  },
  enc: {
    label: 'ENCRYPTED PRIVATE KEY',
    start: 'MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI',
    w: 64,
    n: () => int(6, 8),
  },
};
function pemVal(kind, { indent = '', esc = false } = {}) {
  const k = PEM_KIND[kind];
  const n = k.n();
  const total = kind === 'ec' ? 164 : k.w * (n - 1) + int(20, k.w);
  let body = k.start + rs(B64, total - k.start.length);
  if (chance(0.4)) body = body.slice(0, -1) + '=';
  const bl = body.match(new RegExp(`.{1,${k.w}}`, 'g'));
  const ls = [`-----BEGIN ${k.label}-----`, ...bl, `-----END ${k.label}-----`];
  return ls.join(esc ? '\\n' : '\n' + indent);
}
const Pem = (kind, opts) =>
  L(
    'PRIVATE_KEY',
    uniq(() => pemVal(kind, opts)),
  );

const b64u = (s) => Buffer.from(s).toString('base64url');
function jwtVal() {
  const alg = pick(['HS256', 'HS256', 'HS256', 'RS256', 'ES256']);
  const h = { alg, typ: 'JWT' };
  if (alg !== 'HS256' && chance(0.5)) h.kid = rs(B64URL, 16);
  const iat = int(1690000000, 1740000000);
  const p = pick([
    () => ({ sub: String(int(100000, 999999)), role: pick(['user', 'admin', 'service']), iat, exp: iat + 3600 }),
    () => ({
      iss: `https://auth.${pick(APP_DOMAINS)}/`,
      sub: `usr_${rs(ALNUM, 12)}`,
      aud: 'api',
      scope: 'read:orders write:orders',
      iat,
      exp: iat + 900,
    }),
    () => ({ sub: uuid(), tenant: rs(LO, 6), iat, exp: iat + 86400, jti: rs(HEX, 16) }),
    () => ({ user_id: int(1, 99999), session: rs(HEX, 24), iat }),
  ])();
  const sig = rs(B64URL, { HS256: 43, RS256: 342, ES256: 86 }[alg]);
  return `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(p))}.${sig}`;
}
const Jwt = () => L('JWT', uniq(jwtVal));

// ---------------------------------------------------------------- templates
const T = [];
const tpl = (name, n, gen, neg = false) => T.push({ name, n, gen, neg });
const companyP = () => pick(COMPANIES);
const freshDate = (f) => fd(recentDate(), f);

// ================= CLINICAL =================
const DIAG = [
  [
    'Community-acquired pneumonia, right lower lobe',
    'Treated with IV ceftriaxone and azithromycin, switched to oral amoxicillin-clavulanate on day 3. Afebrile for more than 48 h.',
  ],
  [
    'NSTEMI',
    'Troponin peaked at 2.4 ng/mL. Angiography showed 80% LAD stenosis, one drug-eluting stent placed. Started aspirin, ticagrelor and atorvastatin 80 mg.',
  ],
  [
    'Diabetic ketoacidosis',
    'Insulin infusion per protocol; anion gap closed within 18 h. Moved to a basal-bolus regimen, seen by the diabetes educator.',
  ],
  ['Acute cholecystitis', 'Laparoscopic cholecystectomy on hospital day 2, uncomplicated. Tolerating a regular diet.'],
  [
    'COPD exacerbation',
    'Nebulised bronchodilators, prednisolone 40 mg for 5 days and doxycycline. SpO2 93% on room air at discharge.',
  ],
  [
    'Cellulitis, left lower leg',
    'IV cefazolin for 72 h then oral cephalexin. Erythema receding from the marked borders.',
  ],
];
tpl('clin-discharge-summary', 6, () => {
  const p = person(),
    doc = person(),
    b = birthDate(),
    f = pick(DOBF_ALL),
    adm = recentDate(),
    dis = addDays(adm, int(2, 9)),
    [dx, course] = pick(DIAG);
  return t`${pick(HOSPITALS)} — DISCHARGE SUMMARY
Patient: ${N(p, pick(['full', 'caps', 'lastfirst']))}    ${mrn()}
DOB: ${DOB(b, f)}    Admitted: ${fd(adm, f)}    Discharged: ${fd(dis, f)}
Attending: Dr. ${N(doc, pick(['fl', 'initial']))}

Principal diagnosis: ${dx}
Hospital course: ${course}
Disposition: home with ${pick(['family', 'spouse', 'home health services', 'daughter'])}. Follow up with PCP in ${int(5, 14)} days; repeat BMP in 1 week.`;
});
tpl('clin-referral-letter-uk', 5, () => {
  const p = personFor('UK'),
    cons = person(),
    gp = personFor('UK'),
    b = birthDate();
  const complaint = pick([
    'intermittent rectal bleeding',
    'progressive exertional breathlessness',
    'a painless neck lump',
    'worsening knee pain despite physiotherapy',
    'recurrent syncope',
  ]);
  return t`${pick(['Beechwood Medical Practice', 'Riverside Surgery', 'The Old School Surgery', 'Park Lane Health Centre'])}
Tel ${Ph('UK')}
${freshDate('long_uk')}

Dear Dr ${N(cons, 'surname')},

Re: ${N(p, pick(['fl', 'full']))}, DOB ${DOB(b, pick(['eu_slash', 'long_uk', 'd_mon_y']))}, ${mrn({ nhs: true })}
${A('UK')}

Thank you for seeing this ${ageOf(b)}-year-old with a ${int(3, 12)}-month history of ${complaint}. Examination today was otherwise unremarkable; FBC and U&Es attached.

Yours sincerely,
Dr ${N(gp, 'initial')}`;
});
tpl('clin-lab-report', 5, () => {
  const p = person(),
    doc = person(),
    b = birthDate(),
    c = recentDate();
  const df = pick(['iso', 'us', 'eu_dot']);
  return t`${pick(['Quest-West Laboratories', 'Synlab Central Lab', 'Pathology Services — ' + pick(HOSPITALS), 'City Clinical Chemistry'])} — ${pick(['CLINICAL CHEMISTRY', 'LABORATORY REPORT', 'Results report'])}
Name: ${N(p, pick(['lastfirst', 'lastfirst_mixed']))}   Sex: ${pick(['F', 'M'])}   DOB: ${DOB(b, df)}
${mrn()}   Collected: ${fd(c, df)} ${time()}   Accession: ${pick(['A', 'C', 'L'])}${int(10, 99)}-${int(100000, 999999)}
Test            Result   Units     Ref range
Sodium          ${int(131, 147)}      mmol/L    135-145
Potassium       ${(int(32, 55) / 10).toFixed(1)}      mmol/L    3.5-5.1
Creatinine      ${int(55, 140)}       umol/L    45-110
HbA1c           ${(int(50, 92) / 10).toFixed(1)}      %         <5.7
Ordering provider: ${N(doc, pick(['fl', 'initial']))}, MD`;
});
tpl('clin-nursing-note', 5, () => {
  const p = person(),
    rel = person(p.cult),
    nurse = person(),
    cc = pick(['US', 'UK', 'CA', 'AU']);
  return t`${time()} ${pick(['RN note', 'Nursing note', 'Progress note (nursing)'])} — ${pick(['Ward 7B', '4 West', 'Cardiac step-down', 'Surgical ward 2'])}, bed ${int(1, 30)}${pick(['A', 'B'])}
Pt ${N(p, pick(['fl', 'full']))} (${mrn()}) resting, A&Ox${int(3, 4)}. BP ${int(100, 150)}/${int(60, 95)}, HR ${int(58, 110)}, SpO2 ${int(92, 99)}% RA, T ${(int(361, 382) / 10).toFixed(1)}.
Pain ${int(0, 6)}/10, PRN oxycodone 5 mg given at ${time()} with effect.
${pick(['Daughter', 'Son', 'Husband', 'Wife', 'Partner'])} ${N(rel, 'fl')} called for update, callback ${Ph(cc)}.
Plan: continue to monitor, ambulate TID. — ${N(nurse, 'initial')}, RN`;
});
tpl('clin-hl7-adt', 5, () => {
  const p = person(pick(['en', 'es', 'pl', 'vi', 'ko', 'ng', 'in'])),
    doc = person(),
    b = birthDate(),
    a = usParts(),
    dt = recentDate();
  const fac = pick(['MERCYGEN', 'NSMC', 'RIVCH', 'LAKESHORE']);
  const ts = `${fd(dt, 'hl7')}${pad(int(0, 23), 2)}${pad(int(0, 59), 2)}`;
  const pn = ascii(`${p.surname}^${p.given}${chance(0.5) ? '^' + pick('ABCDEFGHJKLMR') : ''}`).toUpperCase();
  const dn = ascii(`${doc.surname}^${doc.given}^${pick('ABCDEJKLMR')}`).toUpperCase();
  const addr = `${a.street}${a.unit ? ' ' + a.unit : ''}^^${a.city}^${a.st}^${a.zip}^USA`.toUpperCase();
  const ph = `(${pick(['415', '312', '617', '206', '303'])})${nz()}${dg(2)}-${dg(4)}`;
  return t`MSH|^~\\&|EPIC|${fac}|LAB|${fac}|${ts}||ADT^A0${pick(['1', '4', '8'])}|MSG${dg(8)}|P|2.5.1
EVN|A01|${ts}
PID|1||${MRN(pad(int(1, 99999999), 8))}^^^${fac}^MR||${L('PERSON', pn)}||${DOB(b, 'hl7')}|${pick(['F', 'M'])}|||${L('ADDRESS', addr)}||${L('PHONE', ph)}|||${pick(['S', 'M', 'W'])}
PV1|1|I|${pick(['4W', 'ICU', '7B'])}^${int(401, 460)}^${pick(['A', 'B'])}||||${int(1000, 9999)}^${L('PERSON', dn)}^^^MD|||MED`;
});
tpl('clin-intake-form', 5, () => {
  const cc = pick(['US', 'US', 'US', 'CA']),
    p = personFor(cc),
    ec = person(),
    b = birthDate(),
    caps = chance(0.5);
  const up = (s) => (caps ? s.toUpperCase() : s);
  return t`NEW PATIENT REGISTRATION — ${pick(['Lakeside Family Medicine', 'Northside Pediatrics', 'Summit Orthopedics', "Harbor Women's Health"])}
Last name: ${L('PERSON', up(p.surname))}        First name: ${L('PERSON', up(p.given))}
Date of birth (MM/DD/YYYY): ${DOB(b, 'us')}
Sex assigned at birth: ${pick(['F', 'M'])}
SSN (optional): ${SSN('-')}
Home address: ${L('ADDRESS', up(addrStr(cc)))}
Mobile phone: ${Ph(cc)}   Email: ${E(p)}
Emergency contact: ${N(ec, 'fl')} (${pick(['spouse', 'mother', 'brother', 'friend'])}) ${Ph(cc)}
Insurance: ${pick(['Aetna PPO', 'Blue Cross Blue Shield', 'UnitedHealthcare Choice Plus', 'Kaiser Permanente HMO'])}, member ID ${rs(UP, 3)}${int(100000000, 999999999)}
Reason for visit: ${pick(['annual physical', 'knee pain', 'new patient visit', 'follow-up on thyroid labs'])}`;
});
const DRUGS = [
  ['Amoxicillin 500 mg capsules', '1 cap PO TID x 7 days', 21],
  ['Lisinopril 10 mg tablets', '1 tab PO daily', 30],
  ['Metformin 500 mg tablets', '1 tab PO BID with meals', 60],
  ['Sertraline 50 mg tablets', '1 tab PO daily in the morning', 30],
  ['Atorvastatin 20 mg tablets', '1 tab PO at bedtime', 90],
  ['Prednisone 20 mg tablets', '2 tabs PO daily x 5 days', 10],
];
tpl('clin-prescription', 5, () => {
  const cc = pick(['US', 'US', 'CA']),
    p = personFor(cc),
    doc = person(),
    b = birthDate(),
    [drug, sig, q] = pick(DRUGS);
  return t`${pick(['Eastside Medical Group', 'Dr. Office — Internal Medicine', 'Valley Urgent Care'])}
Rx   Date: ${freshDate('us')}
Patient: ${N(p, pick(['fl', 'mi', 'full']))}    DOB: ${DOB(b, pick(['us_short', 'us', 'us_nopad']))}
Address: ${A(cc)}
${drug}
Sig: ${sig}
Disp: #${q}   Refills: ${int(0, 5)}
${pick(['Substitution permitted', 'Dispense as written'])}
Prescriber: ${N(doc, pick(['fl', 'mi']))}, ${pick(['MD', 'DO', 'NP', 'PA-C'])}   Tel ${Ph(cc)}`;
});
tpl('clin-radiology-report', 4, () => {
  const p = person(),
    rad = person(),
    b = birthDate(),
    dt = recentDate(),
    sex = pick(['F', 'M']);
  const [exam, hx, find, imp] = pick([
    [
      'CT ABDOMEN/PELVIS WITH CONTRAST',
      'RLQ pain',
      'Appendix is dilated to 11 mm with periappendiceal fat stranding. No free air.',
      'Acute uncomplicated appendicitis.',
    ],
    [
      'MRI LUMBAR SPINE WITHOUT CONTRAST',
      'low back pain radiating to the left leg',
      'L4-L5 left paracentral disc extrusion contacting the traversing L5 nerve root.',
      'L4-L5 disc extrusion as above.',
    ],
    [
      'CHEST X-RAY PA/LAT',
      'cough and fever',
      'Right lower lobe airspace opacity. No pleural effusion. Heart size normal.',
      'Right lower lobe pneumonia.',
    ],
  ]);
  return t`EXAM: ${exam}
PATIENT: ${N(p, 'caps')}   ${mrn({ upper: true })}   DOB: ${DOB(b, pick(['us', 'dd_mon_yyyy', 'iso']))}
DATE OF SERVICE: ${fd(dt, 'us')}
CLINICAL HISTORY: ${ageOf(b)}${sex} with ${hx}.
COMPARISON: ${pick(['None.', `CT dated ${fd(addDays(dt, -int(40, 400)), 'us')}.`])}
FINDINGS: ${find}
IMPRESSION: ${imp}
Electronically signed by ${N(rad, pick(['fl', 'mi']))}, MD on ${fd(dt, 'us')} ${time()}`;
});
tpl('clin-phone-message', 5, () => {
  const cc = pick(['US', 'CA', 'UK', 'AU']),
    p = personFor(cc),
    nurse = person(),
    b = birthDate();
  return t`Telephone encounter ${freshDate(pick(['us', 'iso']))} ${time()}
Caller: ${N(p, pick(['fl', 'full']))} (self) — DOB ${DOB(b, pick(DOBF_ALL))}, ${mrn({ nhs: cc === 'UK' && chance(0.6) })}
Re: ${pick(['refill request metformin 500 mg', 'question about lab results', 'reschedule MRI', 'dizziness since starting amlodipine'])}
Callback number: ${Ph(cc)}. ${pick(['OK to leave detailed message.', 'Prefers text.', 'Do not leave voicemail.'])}
Routed to ${N(nurse, 'fl')}, RN.`;
});
tpl('clin-arztbrief-de', 4, () => {
  const p = personFor('DE'),
    doc = person('de'),
    b = birthDate(),
    adm = recentDate(),
    dis = addDays(adm, int(3, 12)),
    female = chance(0.5);
  return t`${pick(['Klinikum Nord', 'Universitätsklinikum Süd', 'St. Elisabeth Krankenhaus'])} · Klinik für Innere Medizin

Arztbrief
Patient${female ? 'in' : ''}: ${N(p, pick(['fl', 'lastfirst_mixed']))}, ${pick(['geb.', '*'])} ${DOB(b, pick(['eu_dot', 'de_long']))}
Anschrift: ${A('DE')}
Patienten-Nr.: ${MRN(String(int(10000000, 99999999)))}
Stationärer Aufenthalt: ${fd(adm, 'eu_dot')} bis ${fd(dis, 'eu_dot')}

Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,
wir berichten über ${female ? 'Ihre Patientin Frau' : 'Ihren Patienten Herrn'} ${N(p, 'surname')}, die/der sich wegen ${pick(['einer Pneumonie', 'eines Vorhofflimmerns', 'einer dekompensierten Herzinsuffizienz'])} in unserer Behandlung befand.

Mit freundlichen Grüßen
Dr. med. ${N(doc, 'fl')}`;
});
tpl('clin-compte-rendu-fr', 3, () => {
  const p = personFor('FR'),
    doc = person('fr'),
    b = birthDate(),
    adm = recentDate(),
    f = chance(0.5);
  return t`Compte rendu d'hospitalisation — Service de cardiologie
Patient${f ? 'e' : ''} : ${N(p, pick(['fl', 'caps']))}, né${f ? 'e' : ''} le ${DOB(b, pick(['fr_long', 'eu_slash']))}
N° de dossier : ${MRN(`${pick(['D', 'HC'])}${int(100000, 999999)}`)}
Adresse : ${A('FR')}
Hospitalisé${f ? 'e' : ''} du ${fd(adm, 'eu_slash')} au ${fd(addDays(adm, int(2, 8)), 'eu_slash')} pour ${pick(['douleur thoracique', 'fibrillation atriale rapide', 'syncope'])}.
Traitement de sortie : bisoprolol 2,5 mg/j, apixaban 5 mg x2/j.
Dr ${N(doc, 'fl')}`;
});
tpl('clin-informe-alta-es', 3, () => {
  const p = personFor('ES'),
    doc = person('es'),
    b = birthDate(),
    adm = recentDate();
  return t`INFORME DE ALTA — Servicio de Medicina Interna
Paciente: ${N(p, pick(['fl', 'caps']))}
Fecha de nacimiento: ${DOB(b, pick(['eu_slash', 'es_long']))}
Nº historia clínica: ${MRN(String(int(100000, 9999999)))}
Domicilio: ${A('ES')}
Fecha de ingreso: ${fd(adm, 'eu_slash')}   Fecha de alta: ${fd(addDays(adm, int(2, 8)), 'eu_slash')}
Diagnóstico principal: ${pick(['neumonía adquirida en la comunidad', 'insuficiencia cardiaca descompensada', 'pielonefritis aguda'])}
Facultativo: Dr. ${N(doc, 'fl')}`;
});
tpl('clin-immunization-record', 4, () => {
  const cc = pick(['US', 'CA', 'UK', 'AU']),
    p = personFor(cc),
    b = birthDate(),
    d1 = recentDate(),
    d2 = addDays(d1, int(21, 60));
  const [vax, lot1, lot2] = pick([
    ['Comirnaty (Pfizer-BioNTech)', 'FL8095', 'FN2908'],
    ['Shingrix', '7T52K', '9L2RC'],
    ['Hepatitis B (Engerix-B)', 'AHBVC41', 'AHBVC77'],
  ]);
  return t`IMMUNIZATION RECORD
Name: ${N(p, pick(['fl', 'caps', 'mi']))}
Date of birth: ${DOB(b, pick(DOBF_ALL))}
${mrn({ nhs: cc === 'UK' })}
Vaccine                          Date         Lot       Site
${vax.padEnd(32)} ${fd(d1, 'iso')}   ${lot1.padEnd(8)}  L deltoid
${vax.padEnd(32)} ${fd(d2, 'iso')}   ${lot2.padEnd(8)}  R deltoid
Questions? Call the clinic on ${Ph(cc)}.`;
});
tpl('clin-portal-message', 5, () => {
  const p = person(),
    doc = person(),
    b = birthDate();
  const dobPart = pick([
    (x) => t`my date of birth is ${x}`,
    (x) => t`born ${x}`,
    (x) => t`DOB ${x}`,
    (x) => t`my birthday is ${x}`,
  ]);
  const k = pick(MRN_KINDS);
  return t`Subject: ${pick(['Question about my results', 'Refill please', 'Still coughing', 'Appointment'])}

Hi Dr. ${N(doc, 'surname')},
this is ${N(p, 'fl')} — ${dobPart(DOB(b, pick(['long_us', 'us', 'long_uk', 'us_short'])))} and my ${pick(['MRN is', 'medical record number is', 'patient number is', 'chart number is'])} ${MRN(k.gen())}. ${pick(
    [
      'I have had a dry cough for 3 weeks now, should I come in?',
      'Could you renew my levothyroxine 75 mcg? I have 4 tablets left.',
      'I saw my potassium was 5.3 on the portal, is that a problem?',
    ],
  )}
${pick(['Thanks', 'Thank you so much', 'Best'])},
${N(p, 'given')}`;
});
tpl('clin-prior-auth', 4, () => {
  const p = person(),
    doc = person(),
    b = birthDate();
  const [svc, cpt, icd] = pick([
    ['MRI lumbar spine w/o contrast', '72148', 'M54.16'],
    ['Sleep study, attended', '95810', 'G47.33'],
    ['Knee arthroscopy', '29881', 'M23.221'],
  ]);
  return t`PRIOR AUTHORIZATION REQUEST
Payer: ${pick(['Aetna', 'Cigna', 'Humana', 'Blue Shield of California'])}    Fax: ${Ph('US')}
Member name: ${N(p, 'caps')}
Member DOB: ${DOB(b, 'us')}   Subscriber SSN: ${SSN('-')}
Medical record #: ${MRN(String(int(1000000, 99999999)))}
Requested service: ${svc} (CPT ${cpt})   ICD-10: ${icd}
Requesting provider: ${N(doc, 'mi')}, NPI on file   Phone: ${Ph('US')}
Date of request: ${freshDate('us')}`;
});
tpl('clin-ed-triage', 4, () => {
  const cc = pick(['US', 'UK', 'CA', 'AU']),
    p = personFor(cc),
    rel = person(p.cult),
    b = birthDate();
  return t`ED TRIAGE ${time()}  ESI ${int(2, 3)}
${ageOf(b)}${pick(['M', 'F'])} BIBA from ${A(cc)} after ${pick(['a fall from a ladder', 'a low-speed MVC', 'a witnessed syncopal episode'])}. Identified from wallet as ${N(p, 'fl')}, DOB ${DOB(b, pick(DOBF_ALL))}. ${mrn({ nhs: cc === 'UK' })} (last visit ${freshDate('iso')}).
GCS 15, BP ${int(100, 170)}/${int(60, 100)}, HR ${int(60, 120)}. ${pick(['Wife', 'Husband', 'Partner', 'Sister'])} ${N(rel, 'given')} en route, phone ${Ph(cc)}.`;
});
tpl('clin-pharmacy-label', 4, () => {
  const p = personFor('US'),
    doc = person(),
    [drug, sig, q] = pick(DRUGS);
  return t`${pick(['CITY PHARMACY #0412', 'WALGREENS #10233', 'RITE AID #5521', 'HEALTHMART PHARMACY'])}   ${Ph('US')}
Rx# ${int(1000000, 9999999)}   Filled: ${freshDate('us')}   Qty: ${q}
${N(p, 'caps')}
${A('US', { multi: true, upper: true })}
${sig.toUpperCase()}
${drug.toUpperCase()}
Prescriber: DR. ${L('PERSON', doc.surname.toUpperCase())}   Refills: ${int(0, 5)}`;
});
tpl('clin-psych-intake-prose', 4, () => {
  const cc = pick(['US', 'UK', 'CA', 'AU', 'IN']),
    p = personFor(cc),
    doc = person(),
    b = birthDate(),
    she = chance(0.5);
  return t`${N(p, 'fl')} is a ${ageOf(b)}-year-old ${pick(['teacher', 'software engineer', 'nurse', 'retired bus driver', 'graduate student'])} born on ${DOB(b, pick(['long_us', 'long_uk', 'ord_uk']))} in ${pick(['Manila', 'Lagos', 'Kraków', 'Chennai', 'Porto', 'Busan', 'Accra'])}, referred by ${N(doc, pick(['initial', 'fl']))} for low mood and insomnia over the past ${int(2, 9)} months. ${she ? 'She' : 'He'} lives with ${she ? 'her' : 'his'} partner at ${A(cc)} and works part-time. ${mrn({ nhs: cc === 'UK' })}. No prior admissions; denies current suicidal ideation.`;
});

// ================= HR / FINANCE =================
tpl('hr-onboarding-form', 5, () => {
  const cc = pick(['US', 'US', 'US', 'DE', 'NL', 'UK']),
    p = personFor(cc),
    mgr = person(),
    b = birthDate(),
    [co] = companyP();
  const idLine = cc === 'US' ? t`Social Security Number: ${SSN()}` : t`Salary account (IBAN): ${IBAN(CC_TO_IBAN[cc])}`;
  return t`${co} — New Hire Information
Legal name: ${N(p, pick(['full', 'caps']))}
Preferred name: ${N(p, 'given')}
Date of birth: ${DOB(b, cc === 'US' ? pick(DOBF_US) : pick(DOBF_INTL))}
${idLine}
Home address: ${A(cc)}
Personal email: ${E(p)}
Mobile: ${Ph(cc)}
Start date: ${freshDate(cc === 'US' ? 'us' : 'iso')}   Department: ${pick(['Finance', 'Engineering', 'Customer Success', 'Warehouse Ops'])}   Manager: ${N(mgr, 'fl')}`;
});
tpl('hr-payroll-email', 5, () => {
  const cc = pick(['DE', 'UK', 'FR', 'NL', 'ES', 'IT', 'PL']),
    p = personFor(cc),
    hr = person(),
    [co, dom] = companyP();
  const month = pick(MON);
  return t`From: ${Eraw(pick(['payroll', 'hr-payroll', 'lohn', 'paie']) + '@' + dom)}
To: ${E(p, dom)}
Subject: ${pick(['Bank details updated', 'Re: salary account change', 'Your payslip for ' + month])}

Hi ${N(p, 'given')},

${pick([
  t`we've updated your salary account to ${IBAN(CC_TO_IBAN[cc])}. The change applies from the ${month} payroll run.`,
  t`your ${month} salary (net ${int(1800, 5200)},${dg(2)} EUR) was paid to ${IBAN(CC_TO_IBAN[cc])} today.`,
  t`before we switch your salary to the new account ${IBAN(CC_TO_IBAN[cc])}, please confirm the account holder name.`,
])}
If you didn't request this, call us on ${Ph(cc)} straight away.

Best,
${N(hr, 'fl')}
Payroll | ${co}`;
});
tpl('fin-kyc-form', 4, () => {
  const cc = pick(['UK', 'DE', 'FR', 'ES', 'IT', 'NL', 'PL', 'IN', 'BR']),
    p = personFor(cc),
    off = person(),
    b = birthDate();
  const ib = CC_TO_IBAN[cc] || pick(['GB', 'DE', 'NL']);
  return t`CUSTOMER DUE DILIGENCE — INDIVIDUAL
Full name: ${N(p, 'caps')}
Date of birth: ${DOB(b, pick(DOBF_INTL))}
Place of birth: ${pick(['Lyon', 'Porto', 'Gdańsk', 'Pune', 'Recife', 'Izmir', 'Lagos', 'Kumasi', 'Nairobi', 'Osaka'])}
Nationality: ${pick(['French', 'Portuguese', 'Polish', 'Indian', 'Brazilian', 'Turkish', 'Nigerian', 'Ghanaian', 'Kenyan', 'Japanese'])}
Residential address: ${A(cc)}
Tel: ${Ph(cc)}   E-mail: ${E(p)}
Account for incoming funds: ${IBAN(ib)}
Source of funds: ${pick(['salary', 'sale of property', 'inheritance', 'business income'])}
Reviewed by: ${N(off, 'initial')} on ${freshDate('iso')}`;
});
tpl('fin-wire-instructions', 5, () => {
  const ib = pick(['DE', 'GB', 'FR', 'ES', 'IT', 'NL', 'PL', 'BE', 'CH', 'AT', 'PT', 'IE']),
    p = person(),
    bank = pick(BIC[ib]);
  return t`${pick(['Payment instructions', 'Wire details for the deposit', 'Bank details for the rent'])}
Amount: ${pick(['EUR', 'GBP', 'CHF', 'PLN'])} ${int(400, 48000).toLocaleString('en-US')}.00
Beneficiary: ${N(p, pick(['fl', 'full', 'caps']))}
IBAN: ${IBAN(ib)}
BIC/SWIFT: ${bank}
Reference: ${pick(['INV-2024-', 'Booking ', 'Lease ', 'Deposit '])}${int(100, 9999)}
Please email the remittance advice to ${E(p)}.`;
});
tpl('fin-invoice', 5, () => {
  const cc = pick(['US', 'UK', 'DE', 'FR', 'NL', 'IT', 'ES', 'AU', 'CA']),
    p = personFor(cc),
    [co, codom] = companyP(),
    d = recentDate();
  const cur = { US: 'USD', UK: 'GBP', AU: 'AUD', CA: 'CAD' }[cc] || 'EUR';
  const items = sample(
    [
      ['Consulting services (March)', 1, 2400],
      ['Website maintenance', 3, 180],
      ['Hosting, annual plan', 1, 540],
      ['Design workshop', 2, 650],
      ['Travel expenses', 1, 312],
    ],
    2,
  );
  const tot = items.reduce((s, [, q, a]) => s + q * a, 0);
  const pay = CC_TO_IBAN[cc]
    ? t`Pay to IBAN ${IBAN(CC_TO_IBAN[cc])} quoting the invoice number.`
    : t`Pay by card or bank transfer; questions to ${E(person(), codom)}.`;
  return t`INVOICE ${pick(['INV-', 'F', 'RE-'])}${int(2024000, 2024999)}
Issue date: ${fd(d, 'iso')}     Due: ${fd(addDays(d, 30), 'iso')}
From: ${co}
Bill to:
${N(p, pick(['fl', 'full']))}
${A(cc, { multi: true, country: chance(0.5) })}

${items.map(([desc, q, a]) => `${desc.padEnd(34)} ${String(q).padStart(3)}   ${(q * a).toFixed(2)}`).join('\n')}
Total due: ${cur} ${tot.toFixed(2)}
${pay}`;
});
tpl('fin-insurance-claim', 4, () => {
  const p = personFor('US'),
    adj = person(),
    d = recentDate();
  return t`Claim no. CLM-${int(1000000, 9999999)}   Policy HO-${rs(UP, 2)}${int(100000, 999999)}
Policyholder: ${N(p, pick(['fl', 'mi']))}   SSN: ${SSN()}
Date of loss: ${fd(d, 'us')}   Loss type: ${pick(['water damage', 'theft', 'hail', 'kitchen fire'])}
Loss location: ${A('US')}
Deductible paid by card: ${CC()} (exp ${pad(int(1, 12), 2)}/${int(25, 30)})
Contact: ${E(p)} / ${Ph('US')}
Adjuster: ${N(adj, 'fl')}`;
});
tpl('fin-expense-report', 4, () => {
  const p = person(),
    mgr = person(),
    d = recentDate();
  const rows = sample(
    [
      ['Uber', 23.4],
      ['Hotel Ibis Styles', 312],
      ['Lufthansa', 489.9],
      ['Pret A Manger', 11.85],
      ['Deutsche Bahn', 89],
      ['Client dinner — Trattoria Da Enzo', 164.5],
    ],
    3,
  );
  return t`Expense report ER-${int(10000, 99999)} — ${N(p, pick(['fl', 'full']))}
Corporate card: ${CC()}
${rows.map(([m, a], i) => `${fd(addDays(d, i), 'eu_slash')}  ${m.padEnd(34)} ${a.toFixed(2)} EUR`).join('\n')}
Approved by ${N(mgr, 'fl')} on ${fd(addDays(d, 9), 'eu_slash')}`;
});
tpl('fin-w9-form', 3, () => {
  const p = personFor('US');
  return t`Form W-9 (Rev. March 2024) — Request for Taxpayer Identification Number
1 Name (as shown on your income tax return): ${N(p, pick(['fl', 'mi', 'caps']))}
2 Business name, if different: ${pick(['', 'N/A', p.surname.toUpperCase() + ' CONSULTING LLC'])}
3 Federal tax classification: Individual/sole proprietor
Address (number, street, apt., city, state, ZIP): ${A('US')}
Part I — Social security number: ${SSN()}
Signature on file   Date: ${freshDate('us')}`;
});
tpl('hr-reference-check', 4, () => {
  const rec = person(),
    cand = person(),
    ref = person(),
    me = person(),
    b = birthDate(),
    [org, dom] = companyP();
  return t`Hi ${N(rec, 'given')},

Quick update on the ${pick(['senior accountant', 'data engineer', 'warehouse lead', 'staff nurse'])} search: ${N(cand, 'fl')} (DOB ${DOB(b, pick(DOBF_ALL))} per the background-check form) listed ${N(ref, 'fl')} at ${org} as a reference — ${E(ref, dom)}, ${Ph(pick(COUNTRIES))}. I'll call tomorrow morning.

${N(me, 'given')}`;
});
tpl('fin-card-dispute-chat', 4, () => {
  const p = person(),
    agent = person(),
    last4 = dg(4),
    st = pick(['lower', 'lowerfull']),
    tk = clock();
  return t`[${tk()}] ${N(p, st)}: hi i was charged twice for order #${pick(['A', 'W', 'R'])}-${int(10000, 99999)}, card ending ${last4}
[${tk()}] ${N(agent, 'given')} (Billing): Sorry about that! Could you confirm the billing email?
[${tk()}] ${N(p, st)}: ${E(p)}
[${tk()}] ${N(p, st)}: actually here is the full number so you can find it ${CC()} exp ${pad(int(1, 12), 2)}/${int(25, 30)}
[${tk()}] ${N(agent, 'given')} (Billing): Please don't share full card numbers in chat — I've found the duplicate and refunded it.`;
});
tpl('fin-sepa-transfer-de', 3, () => {
  const p = personFor('DE'),
    me = personFor('DE');
  return t`Überweisung ausgeführt ✔
Empfänger: ${N(p, pick(['fl', 'caps']))}
IBAN: ${IBAN('DE', true)}
BIC: ${pick(BIC.DE)}
Betrag: ${int(200, 2400)},00 EUR
Verwendungszweck: Miete ${pick(DE_MON)} ${int(2023, 2025)}, Whg. ${int(1, 12)}
Auftraggeber: ${N(me, 'fl')}, ${IBAN('DE', true)}
Ausführungsdatum: ${freshDate('eu_dot')}`;
});
tpl('hr-payslip', 3, () => {
  const p = personFor('US'),
    [co] = companyP();
  return t`${co} — PAY STATEMENT
Employee: ${N(p, pick(['caps', 'fl']))}    Employee no. E${int(10000, 99999)}
SSN: XXX-XX-${dg(4)}    Pay period: ${((d) => `${fd(d, 'us')} – ${fd(addDays(d, 13), 'us')}`)(recentDate())}
Mailing address: ${A('US')}
Gross pay ${int(2100, 9800)}.${dg(2)}   Federal tax ${int(200, 1500)}.${dg(2)}   Net pay ${int(1800, 7000)}.${dg(2)}
Direct deposit: checking account ending ${dg(4)}`;
});

// ================= SUPPORT / CRM / SHIPPING =================
tpl('sup-chat-login', 5, () => {
  const cc = pick(COUNTRIES),
    p = personFor(cc),
    agent = person(),
    tk = clock(3);
  const intro = pick([t`my name is ${N(p, 'lowerfull')}`, t`this is ${N(p, 'lower')}`, t`it's ${N(p, 'fl')}`]);
  return t`[${tk()}] Visitor: ${pick(['hi', 'hello', 'hey there'])} ${intro}, ${pick(['i cant log in', 'my account is locked', 'i never got the verification code'])}
[${tk()}] ${N(agent, 'given')} (Support): ${pick(['Sorry to hear that!', 'Happy to help.'])} Can you confirm the email on the account?
[${tk()}] Visitor: ${E(p)}
[${tk()}] Visitor: ${pick([t`or maybe ${E(p)}, i have two`, t`my phone on file is ${Ph(cc)}`])}
[${tk()}] ${N(agent, 'given')} (Support): Thanks, I've sent a reset link to that address.`;
});
tpl('sup-email-address-change', 5, () => {
  const cc = pick(COUNTRIES),
    p = personFor(cc);
  const body = pick([
    t`I moved to ${A(cc)} ${pick(['last month', 'on the 1st', 'recently'])} but my ${pick(['order', 'subscription box', 'invoice'])} still went to the old address.`,
    t`please change my delivery address from ${A(cc)} to ${A(cc)} — the old one is no longer valid.`,
  ]);
  return t`Subject: ${pick(['Change of address', 'Update my delivery address', 'Moved house'])} — order ${int(100000, 999999)}

Hello,

${body} Could you update my account (${E(p)})?

${pick(['Thanks', 'Kind regards', 'Cheers', 'Best'])},
${N(p, pick(['fl', 'full']))}
${Ph(cc)}`;
});
tpl('crm-note', 5, () => {
  const p = person(),
    p2 = person(),
    rep = person(),
    [co, dom] = companyP();
  return t`${freshDate('iso')} ${pick(['Call', 'Meeting', 'Email thread'])} — ${co}
Spoke with ${N(p, pick(['fl', 'full']))} (${pick(['IT manager', 'Head of Ops', 'procurement'])}) about ${pick(['the renewal', 'SSO rollout', 'the 3-year pricing'])}. ${N(p2, 'fl')} is the economic buyer; reach ${pick(['her', 'him', 'them'])} at ${E(p2, dom)} or ${Ph(pick(COUNTRIES))}.
Next step: send revised quote Q-${int(1000, 9999)} by ${pick(WEEKDAYS)}. Owner: ${N(rep, 'initial')}`;
});
tpl('ship-label', 6, () => {
  const cc = pick(COUNTRIES),
    p = personFor(cc);
  const carrier = pick([
    ['UPS', 'EXPRESS SAVER', () => `1Z${rs(UP + DIG, 6)}${dg(10)}`],
    ['DHL', 'EXPRESS WORLDWIDE', () => dg(10)],
    ['FEDEX', 'INTL PRIORITY', () => dg(12)],
    ['DPD', 'CLASSIC', () => dg(14)],
  ]);
  return t`${pick(['SHIP TO:', 'DELIVER TO:', 'TO:'])}
${N(p, 'caps')}
${A(cc, { multi: true, country: true, upper: true })}
${chance(0.6) ? t`TEL: ${Ph(cc)}` : 'SIGNATURE REQUIRED'}

${carrier[0]} ${carrier[1]}   ${(int(2, 250) / 10).toFixed(1)} KG   PKG 1/1
TRACKING #: ${carrier[2]()}
REF: PO-${int(10000, 99999)}`;
});
tpl('ship-delivery-note-eu', 6, () => {
  const cc = pick(['DE', 'FR', 'ES', 'IT', 'NL', 'PL']),
    p = personFor(cc);
  const L10N = {
    DE: [
      'Lieferschein Nr.',
      'Datum',
      'Empfänger',
      'Tel.',
      'eu_dot',
      '1 × Bürostuhl ergonomisch, schwarz\n2 × Armlehnen-Set',
    ],
    FR: [
      'Bon de livraison n°',
      'Date',
      'Destinataire',
      'Tél.',
      'eu_slash',
      '1 × Lampe de bureau LED\n1 × Câble USB-C 2 m',
    ],
    ES: [
      'Albarán nº',
      'Fecha',
      'Destinatario',
      'Teléfono',
      'eu_slash',
      '1 × Cafetera italiana 6 tazas\n3 × Paquete café molido 250 g',
    ],
    IT: [
      'Documento di trasporto n.',
      'Data',
      'Destinatario',
      'Tel.',
      'eu_slash',
      '1 × Zaino da trekking 40 L\n2 × Borraccia inox',
    ],
    NL: ['Pakbon nr.', 'Datum', 'Afleveradres', 'Tel.', 'eu_dot', '1 × Fietsbel messing\n1 × Fietsslot ART-2'],
    PL: [
      'List przewozowy nr',
      'Data',
      'Odbiorca',
      'Tel.',
      'eu_dot',
      '1 × Czajnik elektryczny 1,7 l\n1 × Zestaw filiżanek',
    ],
  }[cc];
  return t`${L10N[0]} ${pick(['LS', 'BL', 'DDT', 'WZ'])}-${int(2024, 2025)}-${pad(int(1, 9999), 4)}
${L10N[1]}: ${freshDate(L10N[4])}

${L10N[2]}:
${N(p, pick(['fl', 'full', 'caps']))}
${A(cc, { multi: true })}
${L10N[3]}: ${Ph(cc)}

${L10N[5]}`;
});
tpl('sup-rma-form', 4, () => {
  const cc = pick(COUNTRIES),
    p = personFor(cc);
  return t`RETURN AUTHORIZATION  RMA-${int(10000, 99999)}
Customer: ${N(p, pick(['fl', 'full']))}
Email: ${E(p)}
Phone: ${Ph(cc)}
Pickup address: ${A(cc)}
Item: ${pick(['Halcyon R2 robot vacuum', 'Trailhead 40L backpack', 'Aurora smart bulb 4-pack', 'Nimbus wireless earbuds'])}   Serial: SN${rs(UP + DIG, 10)}
Reason: ${pick(['wrong size', 'arrived damaged', 'stopped charging after 2 weeks', 'changed my mind'])}
Purchase date: ${freshDate('iso')}`;
});
tpl('sup-whatsapp-order', 4, () => {
  const cc = pick(COUNTRIES),
    p = personFor(cc),
    shop = pick(['Lulu Bakes', 'Verde Plants', 'Casa Cerâmica', 'Kofi & Co Coffee']),
    tk = clock(20);
  return t`${tk()} - ${N(p, 'given')}: hey can u send the ${pick(['cake', 'monstera', 'mug set', 'coffee beans'])} to my new place
${tk()} - ${N(p, 'given')}: ${A(cc, { multi: chance(0.4) })}
${tk()} - ${shop}: sure! 🙌 whats ur number for the courier?
${tk()} - ${N(p, 'given')}: ${Ph(cc)}
${tk()} - ${shop}: 👍 shipping tomorrow, order #${int(1000, 9999)}`;
});
tpl('sup-call-transcript', 4, () => {
  const p = personFor('US'),
    agent = person(),
    b = birthDate(),
    [co] = companyP();
  const ssnPart = pick([() => `${dg(4)}.`, () => t`oh, you want the whole thing? It's ${SSN(pick(['-', ' ']))}.`])();
  return t`Agent: Thank you for calling ${co}, this is ${N(agent, 'given')}. Who am I speaking with?
Caller: Hi, it's ${N(p, 'fl')}.
Agent: Thanks. For verification, can I get your date of birth?
Caller: ${DOB(b, pick(['long_us', 'long_us_ord', 'us']))}.
Agent: And the last four of your social?
Caller: ${ssnPart}
Agent: Perfect, you're verified. What can I help with today?`;
});
tpl('sup-account-recovery-ticket', 4, () => {
  const p = person(),
    agent = person(),
    b = birthDate();
  return t`Ticket #${int(10000, 99999)} — Account locked
Requester: ${E(p)}
Summary: user reports ${int(3, 40)} failed logins they didn't make. Last good login ${freshDate('iso')} from ${IP()} (${pick(['Lisbon', 'Toronto', 'Pune', 'Leeds', 'Osaka'])}); failed attempts from ${IP()}, ${IP6()}.
Identity check: name ${N(p, 'fl')}, DOB ${DOB(b, pick(DOBF_ALL))} — matches profile. MFA reset approved by ${N(agent, 'initial')}.`;
});
tpl('crm-csv-export', 4, () => {
  const n = int(3, 5);
  const rows = Array.from({ length: n }, () => {
    const cc = pick(COUNTRIES),
      p = personFor(cc);
    const city = pick(
      {
        US: ['Austin', 'Denver'],
        UK: ['Leeds', 'Bristol'],
        CA: ['Calgary', 'Halifax'],
        DE: ['Köln', 'Leipzig'],
        FR: ['Lyon', 'Nantes'],
        ES: ['Sevilla', 'Bilbao'],
        IT: ['Torino', 'Bologna'],
        NL: ['Utrecht', 'Haarlem'],
        PL: ['Kraków', 'Gdańsk'],
        IN: ['Pune', 'Chennai'],
        JP: ['Osaka', 'Sapporo'],
        BR: ['Recife', 'Curitiba'],
        AU: ['Perth', 'Hobart'],
      }[cc],
    );
    return t`${L('PERSON', p.given)},${L('PERSON', p.surname)},${E(p)},${Ph(cc)},${city},${freshDate('iso')},${pick(['free', 'pro', 'team'])}`;
  });
  return lines('first_name,last_name,email,phone,city,signup_date,plan', rows);
});
tpl('sup-jp-order', 3, () => {
  const p = person('ja');
  return t`ご注文確認 / Order confirmation
Order no. ${int(100, 999)}-${dg(7)}-${dg(7)}
Ship to: ${N(p, 'fl')} 様
${A('JP', { multi: true })}
TEL: ${Ph('JP')}
Delivery window: ${freshDate('iso')} 14:00-16:00`;
});
tpl('sup-br-pedido', 3, () => {
  const p = personFor('BR');
  return t`Pedido #${int(100000, 999999)} confirmado! 🎉
Entregar para: ${N(p, pick(['fl', 'full']))}
Endereço: ${A('BR')}
Telefone: ${Ph('BR')}
E-mail: ${E(p)}
Previsão de entrega: ${freshDate('eu_slash')}`;
});
tpl('sup-in-courier', 3, () => {
  const p = person('in'),
    alt = person('in');
  return t`Booking ID: BK${dg(9)}
Consignee: ${N(p, pick(['fl', 'initial', 'caps']))}
Delivery address:
${A('IN', { multi: true })}
Mobile: ${Ph('IN')}
Alt. contact: ${N(alt, 'fl')} ${Ph('IN')}
COD amount: ₹${int(300, 9000)}   AWB: ${dg(11)}`;
});
tpl('sup-tenancy-enquiry-au', 3, () => {
  const p = personFor('AU'),
    agent = person();
  return t`Hi ${N(agent, 'given')},

I'm ${N(p, 'fl')} and I'd love to inspect the ${pick(['2-bed unit', 'townhouse', 'studio'])} at ${A('AU')} this ${pick(WEEKDAYS)}. I can do any time after 4pm. Best number is ${Ph('AU')}.

Cheers,
${N(p, 'given')}`;
});
tpl('sup-review-reply', 4, () => {
  const p = person(),
    staff = person(),
    biz = pick(['Harbourview B&B', 'Casa Lucia Trattoria', 'Northwind Bikes', 'The Copper Kettle']);
  return t`★★★★★ "${pick(['Lovely stay, spotless rooms', 'Best carbonara outside Rome', 'Fixed my bike in an hour', 'Great scones!'])}" — ${N(p, 'given_initial')}
Reply from ${biz}: Thanks so much, ${N(p, 'given')}! We passed your note on to ${N(staff, 'given')} at the front desk. See you next time.`;
});

// ================= DEVELOPER =================
const dom = () => pick(APP_DOMAINS);
tpl('dev-dotenv', 6, () => {
  const d = dom();
  const opts = [
    t`DATABASE_URL=postgres://${pick(['app', 'orders_svc', 'api', 'postgres'])}:${Pw('url')}@${hostOrIp()}:5432/${pick(['app', 'orders', 'main'])}`,
    t`REDIS_URL=redis://:${Pw('url')}@${hostOrIp()}:6379/0`,
    t`STRIPE_SECRET_KEY=${Key(pick(['stripe', 'stripeShort', 'stripeRk']))}`,
    t`OPENAI_API_KEY=${Key(pick(['openai', 'openaiLegacy']))}`,
    t`ANTHROPIC_API_KEY=${Key('anthropic')}`,
    t`SENDGRID_API_KEY=${Key('sendgrid')}`,
    t`JWT_SECRET=${Key('generic')}`,
    t`AWS_ACCESS_KEY_ID=${Aws()}\nAWS_SECRET_ACCESS_KEY=${AwsSecret()}`,
    t`SMTP_USER=${Eraw('noreply@' + d)}\nSMTP_PASS=${Pw('env')}`,
  ];
  return lines(
    `# ${pick(['.env.production', '.env', '.env.local', 'config/.env.staging'])}`,
    `NODE_ENV=${pick(['production', 'staging'])}`,
    `PORT=${pick([3000, 8080, 4000])}`,
    sample(opts, int(3, 5)),
    `LOG_LEVEL=${pick(['info', 'debug', 'warn'])}`,
    `PUBLIC_URL=https://app.${d}`,
  );
});
tpl('dev-yaml-config', 5, () => {
  const d = dom();
  const integ = pick([
    t`slack:\n  bot_token: ${Key('slackBot')}\n  channel: "#alerts"`,
    t`github:\n  token: ${Key(pick(['ghp', 'ghpat']))}\n  org: ${pick(['acme', 'northwind-dev'])}`,
    t`sendgrid:\n  api_key: "${Key('sendgrid')}"`,
    t`mailgun:\n  domain: mg.${d}\n  api_key: ${Key('mailgun')}`,
  ]);
  const pwl = pick([t`  password: "${Pw('quoted')}"`, t`  password: '${Pw('quoted')}'`, t`  password: ${Pw('env')}`]);
  return t`server:
  port: ${pick([8080, 9000, 3000])}
  base_url: https://api.${d}
database:
  host: ${hostOrIp()}
  port: 5432
  name: ${pick(['orders', 'analytics', 'core'])}
  user: ${pick(['svc_orders', 'app_rw', 'reporting'])}
${pwl}
  pool_size: ${int(5, 40)}
${integ}
mail:
  from: ${Eraw('noreply@' + d)}`;
});
tpl('dev-json-firebase', 4, () => {
  const proj = `${pick(['shoplist', 'tinyrecipes', 'fleet-tracker', 'habitly'])}-${dg(5)}`;
  const extra = chance(0.5) ? t`,\n  "mapsApiKey": "${Key('google')}"` : '';
  return t`{
  "firebase": {
    "apiKey": "${Key('google')}",
    "authDomain": "${proj}.firebaseapp.com",
    "projectId": "${proj}",
    "storageBucket": "${proj}.appspot.com",
    "messagingSenderId": "${dg(12)}",
    "appId": "1:${dg(12)}:web:${rs(HEX, 22)}"
  }${extra}
}`;
});
tpl('dev-toml-smtp', 4, () => {
  const [, d] = companyP(),
    p = person(),
    a1 = person(),
    a2 = person();
  return t`[smtp]
host = "smtp.${pick(['mailgun.org', 'sendgrid.net', 'office365.com', 'gmail.com'])}"
port = 587
username = "${E(p, d)}"
password = "${Pw('quoted')}"
starttls = true

[alerts]
notify = ["${E(a1, d)}", "${E(a2, d)}"]
throttle_minutes = ${int(5, 60)}`;
});
tpl('dev-docker-compose', 5, () => {
  const db = pick([
    () =>
      t`  db:\n    image: postgres:16.2\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ${Pw('env')}\n      POSTGRES_DB: app`,
    () =>
      t`  db:\n    image: mysql:8.3\n    environment:\n      MYSQL_ROOT_PASSWORD: "${Pw('quoted')}"\n      MYSQL_DATABASE: shop`,
    () =>
      t`  mq:\n    image: rabbitmq:3.13-management\n    environment:\n      RABBITMQ_DEFAULT_USER: admin\n      RABBITMQ_DEFAULT_PASS: ${Pw('env')}`,
  ])();
  const api = pick([
    t`      - DATABASE_URL=postgres://app:${Pw('url')}@db:5432/app`,
    t`      - GITHUB_TOKEN=${Key('ghp')}`,
    t`      - HF_TOKEN=${Key('hf')}`,
    t`      - SHOPIFY_ADMIN_TOKEN=${Key('shopify')}`,
  ]);
  return t`version: "3.9"
services:
${db}
  api:
    build: .
    ports:
      - "8080:8080"
    environment:
      - NODE_ENV=production
${api}`;
});
tpl('dev-k8s-secret', 4, () => {
  const app = pick(['billing', 'orders', 'gateway', 'notifier']);
  const extras = sample(
    [
      t`  GITLAB_TOKEN: ${Key('gitlab')}`,
      t`  DATADOG_API_KEY: ${Key('hex32')}`,
      t`  DO_TOKEN: ${Key('digitalocean')}`,
      t`  SLACK_TOKEN: ${Key('slackUser')}`,
    ],
    2,
  );
  return lines(
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${app}-secrets`,
    `  namespace: ${pick(['prod', 'staging', 'default'])}`,
    'type: Opaque',
    'stringData:',
    t`  DB_PASSWORD: "${Pw('quoted')}"`,
    extras,
  );
});
tpl('dev-shell-history', 5, () => {
  let n = int(1000, 4800);
  const cmds = sample(
    [
      () => t`export AWS_ACCESS_KEY_ID=${Aws()}`,
      () => t`export AWS_SECRET_ACCESS_KEY=${AwsSecret()}`,
      () => t`mysql -u root -p'${Pw('shell')}' -h ${IP('private')} ${pick(['shop', 'crm'])}`,
      () => t`ssh -i ~/.ssh/id_ed25519 deploy@${IP()}`,
      () => t`export GITHUB_TOKEN=${Key(pick(['ghp', 'gho']))}`,
      () =>
        t`docker login ${pick(['ghcr.io', 'registry.gitlab.com'])} -u ${pick(['ci-bot', 'deploy'])} -p ${Pw('shell')}`,
      () => t`htpasswd -b /etc/nginx/.htpasswd admin ${Pw('shell')}`,
      () => t`curl -s http://${IP('private')}:9200/_cluster/health`,
    ],
    int(3, 5),
  ).map((f) => f());
  if (chance(0.3)) cmds.splice(1, 0, t`export AWS_ACCESS_KEY_ID=${Aws('ASIA')} AWS_SESSION_TOKEN=${Key('awsSession')}`);
  const all = [
    'cd ~/infra/terraform',
    ...cmds,
    pick(['aws s3 ls', 'git push origin main', 'terraform plan', 'kubectl get pods -n prod']),
    'history | tail -20',
  ];
  return lines(all.map((c) => t`${n++}  ${c}`));
});
tpl('dev-curl-auth', 6, () => {
  const d = dom(),
    p = person();
  return pick([
    () => t`curl https://api.anthropic.com/v1/messages \\
  -H "x-api-key: ${Key('anthropic')}" \\
  -H "anthropic-version: 2023-06-01" \\
  -H "content-type: application/json" \\
  -d '{"model":"claude-3-5-sonnet-20241022","max_tokens":256,"messages":[{"role":"user","content":"ping"}]}'`,
    () => t`curl https://api.openai.com/v1/chat/completions \\
  -H "Authorization: Bearer ${Key('openai')}" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]}'`,
    () =>
      t`curl --header "PRIVATE-TOKEN: ${Key('gitlab')}" "https://gitlab.${d}/api/v4/projects/${int(10, 900)}/pipelines?status=failed"`,
    () => t`curl -X GET "https://api.${d}/v2/orders?limit=50" \\
  -H "Authorization: Bearer ${Jwt()}" \\
  -H "Accept: application/json"`,
    () => t`curl -u ${E(p, d)}:${Pw('shell')} https://jira.${d}/rest/api/2/issue/OPS-${int(100, 9999)}`,
    () =>
      t`curl https://api.stripe.com/v1/charges -u ${Key('stripe')}: -d amount=${int(500, 9000)} -d currency=eur -d source=tok_visa`,
    () => t`curl -X POST https://slack.com/api/chat.postMessage \\
  -H "Authorization: Bearer ${Key('slackBot')}" \\
  -H "Content-type: application/json; charset=utf-8" \\
  --data '{"channel":"C0${rs(UP + DIG, 8)}","text":"deploy finished"}'`,
  ])();
});
tpl('dev-app-log', 5, () => {
  const d = recentDate(),
    p1 = person(),
    p2 = person(),
    ck = tsClock(d);
  const ls = sample(
    [
      () => t`${ck()} INFO  auth      login ok user=${E(p1)} ip=${IP()} session=${uuid()}`,
      () => t`${ck()} WARN  http      429 Too Many Requests ip=${IP6()} path=/api/v1/search`,
      () =>
        t`${ck()} ERROR payments  charge failed customer=${E(p2)} amount=${int(500, 9999)} currency=eur code=card_declined`,
      () => t`${ck()} DEBUG auth      refreshed access_token=${Jwt()}`,
      () =>
        t`${ck()} DEBUG checkout  payload={"card_number":"${CC('')}","exp":"${pad(int(1, 12), 2)}/${int(25, 30)}","amount":${int(500, 9999)}}`,
      () => t`${ck()} INFO  worker    job=${uuid()} status=done duration_ms=${int(20, 9000)}`,
      () => t`${ck()} WARN  proxy     upstream ${IP('private')}:8080 timed out after 30000ms (client ${IP()})`,
    ],
    int(3, 5),
  ).map((f) => f());
  return lines(ls);
});
tpl('dev-python-traceback', 4, () => {
  const n = int(40, 300),
    p = person();
  return pick([
    () => t`Traceback (most recent call last):
  File "/srv/app/billing/tasks.py", line ${n}, in charge_customer
    client = stripe.StripeClient("${Key('stripe')}")
  File "/usr/local/lib/python3.11/site-packages/stripe/_http_client.py", line 412, in request
    raise error.AuthenticationError(msg)
stripe._error.AuthenticationError: Invalid API Key provided: sk_live_********************${rs(ALNUM, 4)}`,
    () => t`Traceback (most recent call last):
  File "/opt/etl/load.py", line ${n}, in <module>
    conn = psycopg2.connect("postgresql://etl:${Pw('url')}@${IP('private')}:5432/warehouse")
psycopg2.OperationalError: connection to server at "${IP('private')}", port 5432 failed: FATAL:  password authentication failed for user "etl"`,
    () => t`com.acme.users.DuplicateEmailException: User with email ${E(p)} already exists
	at com.acme.users.UserService.register(UserService.java:${n})
	at com.acme.users.UserController.signup(UserController.java:${int(20, 90)})
	at java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
Caused by: org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint "users_email_key"`,
  ])();
});
tpl('dev-python-code', 4, () => {
  return pick([
    () => t`import psycopg2
from openai import OpenAI

client = OpenAI(api_key="${Key('openai')}")
conn = psycopg2.connect(
    host="${IP('private')}",
    dbname="analytics",
    user="etl_reader",
    password="${Pw('quoted')}",
)`,
    () => t`import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="${Aws()}",
    aws_secret_access_key="${AwsSecret()}",
    region_name="${pick(['eu-west-1', 'us-east-1', 'ap-south-1'])}",
)`,
    () => t`from huggingface_hub import login
from pymongo import MongoClient

login(token="${Key('hf')}")
mongo = MongoClient("mongodb+srv://admin:${Pw('url')}@cluster0.${rs(LO + DIG, 5)}.mongodb.net/prod")`,
    () => t`# settings.py
SECRET_KEY = "${L(
      'API_KEY',
      uniq(() => 'django-insecure-' + rs(LO + DIG + '!@#$%^&*(-_=+)', 50)),
    )}"
DEBUG = False
EMAIL_HOST_PASSWORD = "${Pw('quoted')}"
ALLOWED_HOSTS = ["${dom()}"]`,
  ])();
});
tpl('dev-js-client', 4, () => {
  const p = person();
  return pick([
    () => t`const { Octokit } = require("@octokit/rest");
const sgMail = require("@sendgrid/mail");

const octokit = new Octokit({ auth: "${Key('ghpat')}" });
sgMail.setApiKey("${Key('sendgrid')}");
const ADMIN_EMAIL = "${E(p, dom())}";`,
    () => t`import twilio from "twilio";

const apiKey = "${Key('twilioKey')}";
const apiSecret = "${Key('generic')}";
export const client = twilio(apiKey, apiSecret, { accountSid: process.env.TWILIO_ACCOUNT_SID });`,
    () => t`import mongoose from "mongoose";

await mongoose.connect("mongodb+srv://admin:${Pw('url')}@cluster0.${rs(LO + DIG, 5)}.mongodb.net/prod?retryWrites=true");
export const mapsKey = '${Key('google')}';`,
    () => t`// TODO move to vault
export const config = {
  anthropicKey: '${Key('anthropic')}',
  redisUrl: 'redis://default:${Pw('url')}@${IP('private')}:6379',
  timeoutMs: 30000,
};`,
  ])();
});
tpl(
  'dev-go-config',
  4,
  () => t`package config

const (
	DefaultRegion      = "${pick(['eu-central-1', 'us-west-2', 'ap-northeast-1'])}"
	awsAccessKeyID     = "${Aws()}"
	awsSecretAccessKey = "${AwsSecret()}"
)

var jwtSigningKey = []byte("${Key('generic')}")

// token used by the integration tests against staging
var testToken = "${Jwt()}"`,
);
tpl('dev-terraform', 4, () => {
  const app = pick(['shop', 'ledger', 'tracker', 'portal']);
  return pick([
    () => t`provider "aws" {
  region     = "${pick(['eu-west-1', 'us-east-1', 'eu-central-1'])}"
  access_key = "${Aws()}"
  secret_key = "${AwsSecret()}"
}

resource "aws_db_instance" "main" {
  identifier     = "${app}-db"
  engine         = "postgres"
  engine_version = "16.2"
  instance_class = "db.t3.medium"
  username       = "dbadmin"
  password       = "${Pw('quoted')}"
}`,
    () => t`provider "datadog" {
  api_key = "${Key('hex32')}"
  app_key = "${Key('datadogApp')}"
}

provider "cloudflare" {
  api_token = "${Key('cloudflare')}"
}`,
  ])();
});
tpl('dev-pem-paste', 7, () => {
  const a = person(),
    b = person();
  return pick([
    () => t`$ cat ~/.ssh/id_ed25519\n${Pem('openssh')}`,
    () => {
      const tk = clock(3);
      return t`[${tk()}] ${N(a, 'lower')}: here's the key for the staging bastion, don't lose it\n${Pem(pick(['rsa', 'openssh']))}\n[${tk()}] ${N(b, 'lower')}: thx, got it`;
    },
    () => t`# /etc/nginx/ssl/${dom()}.key\n${Pem(pick(['rsa', 'pkcs8']))}`,
    () =>
      t`tls:\n  cert_file: /etc/ssl/certs/api.pem\n  key: |\n    ${Pem('ec', { indent: '    ' })}\n  min_version: "1.2"`,
    () => t`-- encrypted key for the signing service (passphrase: ${Pw('quoted')})\n${Pem('enc')}`,
  ])();
});
tpl('dev-gcp-sa-json', 4, () => {
  const proj = `${pick(['acme-prod', 'northwind-data', 'halcyon-ml'])}-${dg(4)}`;
  const sa = pick(['deployer', 'bq-loader', 'ci-runner']);
  return t`{
  "type": "service_account",
  "project_id": "${proj}",
  "private_key": "${Pem('pkcs8', { esc: true })}\\n",
  "client_email": "${Eraw(`${sa}@${proj}.iam.gserviceaccount.com`)}",
  "client_id": "${dg(21)}",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}`;
});
tpl('dev-http-request-jwt', 4, () => {
  const d = dom();
  return pick([
    () => t`GET /api/v2/${pick(['me', 'orders?page=2', 'invoices/latest'])} HTTP/1.1
Host: app.${d}
User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/17.4
Accept: application/json
Authorization: Bearer ${Jwt()}
X-Forwarded-For: ${IP()}`,
    () => t`HTTP/1.1 200 OK
Content-Type: application/json
Set-Cookie: access_token=${Jwt()}; Path=/; HttpOnly; Secure; SameSite=Lax
X-Request-Id: ${uuid()}

{"ok":true,"expires_in":3600}`,
  ])();
});
tpl('dev-git-commit', 4, () => {
  const p = person(),
    co = person(),
    d = recentDate();
  const file = pick(['scripts/sync.py', 'src/github.ts', 'deploy/notify.sh']);
  const old = pick([
    () => t`-API_TOKEN = "${Key(pick(['ghp', 'ghpat']))}"`,
    () => t`-SLACK_TOKEN = "${Key('slackBot')}"`,
    () => t`-NPM_TOKEN = "${Key('npm')}"`,
  ])();
  return t`commit ${sha()}
Author: ${N(p, 'fl')} <${E(p, pick([dom(), 'users.noreply.github.com', 'gmail.com']))}>
Date:   ${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay()]} ${MON3[d.m - 1]} ${d.d} ${time()}:${pad(int(0, 59), 2)} ${d.y} +0${pick(['100', '200', '000'])}

    fix: stop hard-coding the API token
${chance(0.5) ? t`\n    Co-authored-by: ${N(co, 'fl')} <${E(co)}>\n` : ''}
diff --git a/${file} b/${file}
index ${sha(7)}..${sha(7)} 100644
@@ -12,7 +12,7 @@
${old}
+API_TOKEN = os.environ["API_TOKEN"]`;
});
tpl('dev-slack-ops-chat', 5, () => {
  const a = person(),
    b = person(),
    c = person(),
    sa = pick(['lower', 'given']),
    tk = clock(4);
  const user = pick(['app_rw', 'admin', 'svc_reports']);
  return t`[${tk()}] ${N(a, sa)}: anyone have the staging db creds?
[${tk()}] ${N(b, pick(['lower', 'given']))}: user is ${user}, ${pick(['pw is', 'password is', 'pass:'])} ${Pw('any')} — pls don't paste it in public channels
[${tk()}] ${N(a, sa)}: lol you literally just did
[${tk()}] ${N(c, 'fl')}: rotated. new one is in 1Password under "staging-db"`;
});
tpl('dev-cli-db-flags', 5, () => {
  const d = dom();
  const ls = sample(
    [
      () =>
        t`$ psql "host=${IP('private')} port=5432 dbname=orders user=report password=${Pw('shell')} sslmode=require"`,
      () => t`$ mysqldump --user=backup --password='${Pw('shell')}' --host=${IP('private')} shop > shop.sql`,
      () => t`$ redis-cli -h ${IP('private')} -p 6379 -a '${Pw('shell')}' INFO memory`,
      () => t`$ mongosh "mongodb://admin:${Pw('url')}@${IP('private')}:27017/?authSource=admin"`,
      () => t`$ sshpass -p '${Pw('shell')}' ssh ops@${IP()}`,
      () => t`PS C:\\> net user svc_backup ${Pw('shell')} /add`,
      () => t`$ pg_dump "postgresql://readonly:${Pw('url')}@db.${d}:5432/prod" -Fc -f prod.dump`,
    ],
    int(2, 3),
  ).map((f) => f());
  return lines(
    ls,
    pick([
      'psql (16.2, server 15.6)',
      'mysqldump: [Warning] Using a password on the command line interface can be insecure.',
      'OK',
    ]),
  );
});
tpl(
  'dev-ci-yaml',
  4,
  () => t`name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-22.04
    env:
      NPM_TOKEN: ${Key('npm')}
      SONAR_TOKEN: ${Key('hex40')}
      DOCKERHUB_PASSWORD: ${Pw('env')}
      SLACK_WEBHOOK: \${{ secrets.SLACK_WEBHOOK }}
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run build`,
);
tpl('dev-npmrc-pip', 3, () => {
  const d = dom();
  return pick([
    () => t`# ~/.npmrc
registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=${Key('npm')}
@acme:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=${Key('ghp')}`,
    () => t`# /etc/pip.conf
[global]
index-url = https://${pick(['builder', 'ci', 'pypi-reader'])}:${Pw('url')}@pypi.${d}/simple
trusted-host = pypi.${d}
timeout = 60`,
    () => t`# ~/.pypirc
[distutils]
index-servers = pypi

[pypi]
username = __token__
password = ${Key('pypi')}`,
    () => t`# ~/.netrc
machine git.${d}
  login ${pick(['deploy', 'jenkins'])}
  password ${Pw('shell')}`,
  ])();
});
tpl('dev-nginx-access-log', 4, () => {
  const day = recentDate(),
    tk = clock(2);
  const ts = () => `[${pad(day.d, 2)}/${MON3[day.m - 1]}/${day.y}:${tk()}:${pad(int(0, 59), 2)} +0000]`;
  const ua = () =>
    pick([
      '"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"',
      '"curl/8.4.0"',
      '"python-requests/2.31.0"',
      '"Go-http-client/2.0"',
    ]);
  const ls = sample(
    [
      () => t`${IP()} - - ${ts()} "GET /healthz HTTP/1.1" 200 2 "-" ${ua()}`,
      () => t`${IP6()} - - ${ts()} "POST /api/v1/login HTTP/2.0" 401 87 "-" ${ua()}`,
      () => t`${IP()} - - ${ts()} "GET /api/v1/invoices?token=${Key('generic')} HTTP/1.1" 200 5120 "-" ${ua()}`,
      () => t`${IP()} - - ${ts()} "GET /wp-login.php HTTP/1.1" 404 153 "-" ${ua()}`,
      () => t`${IP()} - - ${ts()} "GET /static/app.${sha(8)}.js HTTP/1.1" 304 0 "https://${dom()}/" ${ua()}`,
    ],
    int(3, 4),
  ).map((f) => f());
  return lines(ls);
});
tpl('dev-firewall-request-email', 3, () => {
  const p = person(),
    [co, d] = companyP();
  return t`From: ${N(p, 'fl')} <${E(p, d)}>
To: ${Eraw('netops@' + d)}
Subject: Firewall allowlist request (CHG-${int(10000, 99999)})

Hi team,
please allow inbound 443 from our vendor's egress addresses ${IP()}, ${IP()} and ${IP6()} to api-gw.${d} for the ${co} integration.
Thanks,
${N(p, 'given')}`;
});
tpl('dev-android-strings', 3, () => {
  const p = person();
  return t`<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="app_name">${pick(['ShopList', 'FleetTrack', 'Habitly'])}</string>
    <string name="google_maps_key" translatable="false">${Key('google')}</string>
    <string name="support_email">${E(p, dom())}</string>
    <string name="backend_api_key" translatable="false">${Key('generic')}</string>
</resources>`;
});
tpl('it-temp-password', 5, () => {
  const p = person(),
    d = dom();
  return pick([
    () => t`Subject: Your ${pick(['Workday', 'VPN', 'Jira', 'email'])} account
Hi ${N(p, 'given')},

Your account has been created.
Username: ${E(p, d)}
Temporary password: ${Pw('any')}

You'll be asked to change it at first sign-in. Trouble? Call the service desk on ${Ph(pick(COUNTRIES))}.
— IT Service Desk`,
    () => {
      const tk = clock(2);
      return t`[${tk()}] customer: ok my login is ${E(p)} and the password is ${Pw('any')} can u check why it fails
[${tk()}] agent: Please never send your password in chat. I've forced a reset — check your inbox.`;
    },
    () =>
      t`Hi ${N(p, 'given')}, I've reset your laptop's local admin. New password is ${Pw('any')} (case sensitive). Change it after you log in. Thanks, ${N(person(), 'given')}`,
  ])();
});
tpl('it-wifi-note', 3, () =>
  pick([
    () => t`Guest Wi-Fi
Network: ${pick(['Office-Guest', 'NW-Visitors', 'Halcyon-Guest-5G'])}
Password: ${Pw('any')}
(rotates monthly — ask reception)`,
    () => t`Welcome to the flat! 🏠
Wifi: ${pick(['VodafoneHome-7F2A', 'FRITZ!Box 7590 QX', 'Livebox-42C1'])} / ${Pw('any')}
Bins go out on ${pick(WEEKDAYS)} evening. Checkout by 10:00.`,
  ])(),
);

tpl('dev-k8s-tls-secret', 4, () => {
  const name = pick(['api-tls', 'ingress-cert', 'grpc-gateway-tls']);
  return t`apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: ${pick(['prod', 'edge', 'default'])} }
type: kubernetes.io/tls
stringData:
  tls.crt: |
    -----BEGIN CERTIFICATE-----
    MIID${rs(B64, 60)}
    -----END CERTIFICATE-----
  tls.key: |
    ${Pem('ec', { indent: '    ' })}`;
});
tpl('dev-aws-credentials-file', 4, () => {
  const profiles = sample(['default', 'prod', 'staging', 'billing-readonly', 'terraform'], int(1, 2));
  const blocks = profiles.map(
    (pr) => t`[${pr}]
aws_access_key_id = ${Aws()}
aws_secret_access_key = ${AwsSecret()}${chance(0.4) ? `\nregion = ${pick(['eu-west-1', 'us-east-2', 'ap-southeast-2'])}` : ''}`,
  );
  return lines('# ~/.aws/credentials', joinF(blocks, '\n\n'));
});
tpl('sup-bug-report-devtools', 4, () => {
  const p = person(),
    d = dom();
  return t`Hi support, the dashboard shows "Something went wrong" since this morning. I copied the request from the browser devtools:

curl 'https://app.${d}/api/v1/reports?range=30d' \\
  -H 'accept: application/json' \\
  -H 'authorization: Bearer ${Jwt()}' \\
  -H 'x-client-ip: ${IP()}'

Response was 500. My account is ${E(p)}.
${N(p, pick(['fl', 'given']))}`;
});
tpl('fin-card-payment-form', 4, () => {
  const cc = pick(['US', 'UK', 'CA', 'AU', 'DE', 'FR']),
    p = personFor(cc);
  return t`${pick(['CREDIT CARD AUTHORIZATION FORM', 'Card payment authorisation', 'Booking guarantee — card details'])}
Cardholder name: ${N(p, pick(['fl', 'caps', 'mi']))}
${((
  v,
) => t`Card type: ${/^4/.test(v) ? 'Visa' : /^3[47]/.test(v) ? 'American Express' : /^35/.test(v) ? 'JCB' : /^6/.test(v) ? 'Discover' : 'Mastercard'}
Card number: ${L('CREDIT_CARD', v)}`)(ccVal())}
Expiry: ${pad(int(1, 12), 2)}/${int(25, 31)}
Billing address: ${A(cc)}
Email: ${E(p)}   Phone: ${Ph(cc)}
Amount authorised: ${int(80, 2400)}.00 ${{ US: 'USD', UK: 'GBP', CA: 'CAD', AU: 'AUD' }[cc] || 'EUR'} for stay ${freshDate('iso')} (${int(1, 9)} nights)
Signature: ____________________`;
});
tpl('fin-loan-application', 4, () => {
  const p = personFor('US'),
    co = person(),
    b = birthDate(),
    [emp] = companyP();
  return t`UNIFORM RESIDENTIAL LOAN APPLICATION — Section 1: Borrower Information
Name: ${N(p, pick(['fl', 'mi', 'caps']))}
Social Security Number: ${SSN()}   Date of Birth: ${DOB(b, pick(DOBF_US))}
Current address: ${A('US')}   (${int(1, 15)} yrs)
Home phone: ${Ph('US')}   Email: ${E(p)}
Employer: ${emp}   Monthly income: $${int(3, 18)},${dg(3)}
Co-borrower: ${chance(0.5) ? N(co, 'fl') : 'none'}
Loan amount requested: $${int(120, 900)},000   Application date: ${freshDate('us')}`;
});
tpl('dev-postman-environment', 3, () => {
  const d = dom();
  return t`{
  "name": "${pick(['staging', 'prod-readonly', 'local'])}",
  "values": [
    { "key": "baseUrl", "value": "https://api.${d}", "enabled": true },
    { "key": "accessToken", "value": "${Jwt()}", "enabled": true },
    { "key": "apiKey", "value": "${Key(pick(['generic', 'stripeShort', 'sendgrid']))}", "enabled": true }
  ],
  "_postman_variable_scope": "environment"
}`;
});

// ================= HARD NEGATIVES (no PII at all) =================
const PRODUCTS = ['Kestrel CLI', 'Halcyon SDK', 'Orbit UI', 'lumen-db', 'Northwind Sync'];
tpl(
  'neg-release-notes',
  5,
  () => {
    const v = `${int(1, 9)}.${int(0, 30)}.${int(0, 20)}`;
    const fixes = sample(
      [
        'Fixed a memory leak in the websocket reconnect loop',
        'Fixed crash when the config file is empty',
        'Improved startup time by 40% on cold cache',
        'Dropped support for Node 16',
        'Fixed timezone handling for dates before 1970',
        'Retry uploads with exponential backoff',
        'Corrected German translation of the settings page',
      ],
      3,
    );
    return t`## ${pick(PRODUCTS)} v${v} (${freshDate('iso')})
### Fixed
${fixes.map((f) => `- ${f} (#${int(100, 4000)})`).join('\n')}
### Changed
- Bumped ${pick(['lodash', 'axios', 'openssl', 'protobuf'])} from ${int(1, 3)}.${int(0, 20)}.${int(0, 9)} to ${int(4, 6)}.${int(0, 20)}.${int(0, 9)}
Full changelog: v${int(1, 9)}.${int(0, 9)}.0...v${v} (commit ${sha()})`;
  },
  true,
);
tpl(
  'neg-env-example-docs',
  5,
  () => {
    const ph = () =>
      pick([
        '<your-password>',
        'YOUR_PASSWORD_HERE',
        'changeme',
        'xxxxxxxx',
        '********',
        'REPLACE_ME',
        '<redacted>',
        'password',
      ]);
    return t`## Configuration
Copy \`.env.example\` to \`.env\` and fill in your own values:

DATABASE_URL=postgres://USER:${ph()}@localhost:5432/mydb
OPENAI_API_KEY=${pick(['<your-openai-key>', 'sk-...', 'your_api_key_here'])}
STRIPE_SECRET_KEY=sk_test_...
AWS_ACCESS_KEY_ID=${pick(['YOUR_ACCESS_KEY_ID', '<aws-access-key-id>'])}
SMTP_PASSWORD=${ph()}

Never commit the real \`.env\` file; CI reads the values from the secret store.`;
  },
  true,
);
tpl(
  'neg-templated-secrets',
  5,
  () =>
    pick([
      () => `apiVersion: v1
kind: Secret
metadata:
  name: {{ include "app.fullname" . }}
type: Opaque
stringData:
  DB_PASSWORD: {{ .Values.postgresql.auth.password | quote }}
  API_KEY: {{ required "apiKey is required" .Values.apiKey | quote }}`,
      () => `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set it in .env}
      POSTGRES_USER: \${POSTGRES_USER:-app}`,
      () => `- name: Publish
  run: npm publish
  env:
    NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
    AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}`,
      () => `export DB_PASSWORD="$(vault kv get -field=password secret/${pick(['orders', 'billing'])}/db)"
export API_TOKEN="$(cat /run/secrets/api_token)"
psql "host=$DB_HOST user=app password=$DB_PASSWORD" -c 'select 1'`,
    ])(),
  true,
);
tpl(
  'neg-lab-reference-ranges',
  5,
  () => t`${pick(['Reference intervals (adult)', 'QC run — control level 2', 'Analyzer calibration check'])} — ${pick(['Cobas c 503', 'Architect ci8200', 'Atellica CH 930'])}
Na ${int(135, 145)} mmol/L (135–145)
K ${(int(35, 51) / 10).toFixed(1)} mmol/L (3.5–5.1)
Cl ${int(98, 107)} mmol/L
Glucose ${(int(39, 78) / 10).toFixed(1)} mmol/L
Hb ${(int(120, 170) / 10).toFixed(1)} g/dL
Run date: ${freshDate('iso')}; reagent lot ${rs(UP, 1)}${int(100000, 999999)}; instrument ID ${pick(['CH-02', 'IA-11', 'HEM-4'])}`,
  true,
);
const CO_NEWS = [
  () => `Shares of Johnson & Johnson rose ${int(1, 40) / 10}% after the company raised its full-year guidance.`,
  () => `Morgan Stanley lifted its price target on Eli Lilly to $${int(600, 1100)}.`,
  () => `Procter & Gamble and Marks & Spencer both reported weaker volumes in Q${int(1, 4)}.`,
  () => `Goldman Sachs and Charles Schwab led the financials higher; Wells Fargo lagged.`,
  () => `Ernst & Young will advise Philip Morris International on the spin-off.`,
  () => `Ben & Jerry's parent company said sales in the Americas grew ${int(2, 9)}%.`,
  () => `Tim Hortons plans ${int(100, 400)} new stores, while McDonald's is trimming its menu.`,
  () => `Lockheed Martin won a $${int(1, 9)}.${int(1, 9)}bn contract; John Deere cut its outlook.`,
  () => `Estée Lauder and Ralph Lauren fell after the Dow Jones closed ${int(100, 600)} points lower.`,
];
tpl(
  'neg-company-names-news',
  5,
  () =>
    sample(CO_NEWS, 3)
      .map((f) => f())
      .join(' '),
  true,
);
const PLACE_PROSE = [
  () =>
    `Day ${int(1, 3)}: fly Charlotte (CLT) to Austin, check in at the Hotel Victoria (confirmation ${rs(UP + DIG, 6)}).`,
  () => `Day ${int(4, 6)}: drive from Jackson to Madison; lunch stop in Lincoln.`,
  () => `Day ${int(7, 9)}: train from Florence to Alexandria is not a thing — take the ferry to Victoria instead.`,
  () =>
    `Flight ${pick(['BA', 'LH', 'QF'])} ${int(100, 2999)} to Adelaide departs ${time()}, seat ${int(1, 40)}${pick('ABCDEF')}.`,
  () => `Georgetown, Kingston and Hamilton are all on the Caribbean leg of the cruise.`,
  () => `Conference in São José dos Campos, then two nights in Santiago.`,
];
tpl(
  'neg-travel-itinerary-places',
  5,
  () =>
    sample(PLACE_PROSE, 3)
      .map((f) => f())
      .join('\n'),
  true,
);
tpl(
  'neg-job-log-uuids',
  5,
  () => {
    const d = recentDate();
    const j = uuid();
    const ck = tsClock(d);
    return `${ck()} INFO  scheduler job=${j} type=${pick(['reindex', 'export', 'thumbnail'])} shard=${int(0, 15)} status=started
${ck()} WARN  scheduler job=${j} retry attempt=2 backoff_ms=400 trace_id=${rs(HEX, 32)}
${ck()} INFO  scheduler job=${j} status=done duration_ms=${int(200, 90000)} docs=${int(1000, 900000)}
build=${int(1000, 9999)} commit=${sha(7)} node=worker-${int(1, 40)} image=sha256:${sha(64)}`;
  },
  true,
);
tpl(
  'neg-css-theme',
  4,
  () => `:root {
  --color-primary: #${rs(HEX, 6)};
  --color-accent: #${rs(HEX, 6)};
  --color-muted: #${rs(HEX, 3)};
  --radius: ${int(2, 12)}px;
  --font-body: "Inter", system-ui, sans-serif;
}
.btn-primary { background: var(--color-primary); border-radius: var(--radius); }
.badge--warning { color: #${rs(HEX, 6)}; }`,
  true,
);
tpl(
  'neg-meeting-minutes',
  5,
  () => {
    const d = recentDate();
    return `Minutes — ${pick(['Platform', 'Payments', 'Mobile', 'Data'])} sync, ${fd(d, pick(['long_uk', 'long_us', 'us', 'eu_dot']))}, Room ${pick(['4B-112', '2.17', 'B-305', 'Atlas (3rd floor)'])}
Attendees: ${pick(['Platform team', 'Payments squad'])}, SRE on-call, Product
1. Q${int(1, 4)} roadmap: ${pick(['SSO for enterprise tenants', 'migrate queues to SQS', 'offline mode for the iOS app'])} — agreed.
2. Incident INC-${int(1000, 9999)} post-mortem scheduled for ${fd(addDays(d, int(2, 9)), 'iso')}.
3. Next review: ${fd(addDays(d, 14), 'long_us')}.
Action items: owners to update their tickets by ${pick(WEEKDAYS)}.`;
  },
  true,
);
tpl(
  'neg-product-catalog',
  5,
  () => {
    const items = sample(
      [
        'Dr Pepper Zero 12 x 330 ml',
        "Jack Daniel's Old No. 7 70cl",
        "Mrs. Meyer's Clean Day Hand Soap, Lavender",
        'Ray-Ban Wayfarer RB2140',
        'Tommy Hilfiger Slim Polo',
        'Ford Mustang 1:24 model kit',
        'Dell XPS 13 9340',
        "Ben & Jerry's Cookie Dough 465 ml",
        'Johnnie Walker Black Label 1 L',
        'Hugo Boss Bottled EDT 100 ml',
        'Sam Adams Boston Lager 6-pack',
        'Captain Morgan Spiced Gold',
      ],
      4,
    );
    return [
      'SKU        Item                                          Price',
      ...items.map(
        (x) =>
          `${int(10, 99)}-${int(1000, 9999)}-${pick(['BLK', 'STD', 'XL', '01'])}  ${x.padEnd(44)} ${int(2, 1400)}.${pick(['99', '49', '00'])}`,
      ),
    ].join('\n');
  },
  true,
);
const EPONYMS = [
  "Parkinson's disease is characterised by bradykinesia, rigidity and resting tremor.",
  'The Glasgow Coma Scale ranges from 3 to 15.',
  'Apgar scores are recorded at 1 and 5 minutes after birth.',
  "Hashimoto's thyroiditis is the most common cause of hypothyroidism in iodine-sufficient areas.",
  'A positive Babinski sign suggests an upper motor neuron lesion.',
  'Kawasaki disease should be considered in any child with fever for five days or more.',
  'Guillain-Barré syndrome typically presents with ascending weakness.',
  "Crohn's disease can affect any part of the gastrointestinal tract.",
  'Kaplan-Meier curves were compared with the log-rank test.',
  "Bell's palsy usually resolves within three months.",
  'Hodgkin lymphoma has a bimodal age distribution.',
];
tpl(
  'neg-eponym-medical-education',
  5,
  () => `${pick(['Revision notes', 'Teaching round', 'Quiz answers'])}: ${sample(EPONYMS, 3).join(' ')}`,
  true,
);
tpl(
  'neg-order-shipped',
  5,
  () => {
    const d = recentDate();
    return `Your order #${int(100, 999)}-${dg(7)}-${dg(7)} has shipped! 📦
${int(1, 4)} item(s): ${pick(['Kindle Paperwhite (16 GB)', 'USB-C charger 65 W', 'Lego Technic 42151', 'Yoga mat, 6 mm'])}
${pick([() => `Carrier: UPS   Tracking: 1Z${rs(UP + DIG, 6)}${dg(10)}`, () => `Carrier: DHL   Tracking: JJD${dg(18)}`, () => `Carrier: Royal Mail   Tracking: ${rs(UP, 2)}${dg(9)}GB`, () => `Carrier: PostNL   Tracking: 3S${rs(UP, 4)}${dg(9)}`])()}
Estimated delivery: ${pick(WEEKDAYS)}, ${d.d} ${MON[d.m - 1]}
Manage your order at https://www.example.com/orders`;
  },
  true,
);
tpl(
  'neg-password-policy-doc',
  4,
  () => `Password requirements
- At least ${int(10, 16)} characters, including a number and a symbol.
- Must not match any of your last ${int(3, 24)} passwords.
- Common passwords such as "password123", "Welcome1!", "Summer2024" or "changeme" are rejected.
- The default credentials for the lab VM are admin / admin; change them on first boot.
Passwords expire every ${pick([90, 180, 365])} days. Use the company password manager.`,
  true,
);
tpl(
  'neg-package-lock',
  4,
  () => {
    const pkg = pick(['lodash', 'chalk', 'semver', 'debug', 'ms', 'uuid']);
    const v = `${int(1, 9)}.${int(0, 20)}.${int(0, 9)}`;
    return `"node_modules/${pkg}": {
  "version": "${v}",
  "resolved": "https://registry.npmjs.org/${pkg}/-/${pkg}-${v}.tgz",
  "integrity": "sha512-${rs(B64, 86)}==",
  "license": "MIT"
}`;
  },
  true,
);
tpl(
  'neg-k8s-deployment',
  4,
  () => `spec:
  containers:
    - name: api
      image: ghcr.io/${pick(['acme', 'northwind'])}/api@sha256:${sha(64)}
      env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: api-secrets
              key: db-password
        - name: LOG_LEVEL
          value: info
      resources:
        limits: { cpu: "500m", memory: "512Mi" }`,
  true,
);
tpl(
  'neg-api-docs-placeholders',
  5,
  () =>
    pick([
      () => `### Authentication
All requests need an API key in the \`Authorization\` header:

curl https://api.example.com/v1/widgets \\
  -H "Authorization: Bearer YOUR_API_KEY"

Keys look like \`sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\`; test keys start with \`sk_test_\`. Rotate them from the dashboard.`,
      () => `To connect, set \`DATABASE_URL=postgres://<user>:<password>@<host>:5432/<db>\` and run \`make migrate\`.
Example hosts: db.example.com, staging.example.org. See https://docs.example.com/setup for details.`,
      () => `ssh -i <path-to-key> <user>@<bastion-host>
# the key file must start with "-----BEGIN OPENSSH PRIVATE KEY-----"; paste it into the secret store, not here.`,
      () =>
        `Set the header \`x-api-key: $ANTHROPIC_API_KEY\`. Keys begin with \`sk-ant-\` and are shown only once when created.`,
    ])(),
  true,
);
tpl(
  'neg-ids-and-serials',
  5,
  () => {
    const badLuhn = () => {
      const v = luhnComplete(pick(['4', '5', '6']), 16);
      return v.slice(0, 15) + ((+v[15] + int(1, 9)) % 10);
    };
    const badSsn = () => `${int(900, 999)}-${pad(int(1, 99), 2)}-${pad(int(1, 9999), 4)}`;
    return sample(
      [
        () =>
          `Laptop  serial ${rs(UP + DIG, 10)}  asset tag IT-${int(10000, 99999)}  warranty until ${freshDate('iso')}`,
        () =>
          `Ticket ${pick(['PRJ', 'OPS', 'SEC'])}-${int(100, 9999)}  build 10.0.${int(19041, 22631)}.${int(1000, 4000)}`,
        () => `Meter number ${badLuhn()}  reading ${int(1000, 99999)} kWh`,
        () => `Part no. ${badSsn()}  qty ${int(1, 50)}  bin ${pick('ABCD')}${int(1, 40)}`,
        () => `ISBN 978-${int(0, 1)}-${int(100, 999)}-${int(10000, 99999)}-${int(0, 9)}  (${int(1990, 2023)} edition)`,
        () => `Container ${pick(['MSCU', 'MAEU', 'CMAU'])}${dg(7)}  seal ${dg(8)}`,
        () => `Order ${int(100, 999)}-${dg(7)}-${dg(7)}  return window closes ${freshDate('us')}`,
      ],
      4,
    )
      .map((f) => f())
      .join('\n');
  },
  true,
);
tpl(
  'neg-anonymised-case-report',
  5,
  () => {
    const d = recentDate();
    const sex = pick(['woman', 'man']);
    return `Case ${int(1, 40)}: A ${int(19, 88)}-year-old ${sex} presented on ${fd(d, pick(['us', 'long_uk', 'iso']))} with ${pick(['fever and flank pain', 'acute chest pain', 'a three-day history of confusion'])}. Admitted to Ward ${pick(['7B', '4 West', 'C2'])}, Room ${int(100, 450)}. Labs: Na ${int(128, 146)} mmol/L, CRP ${int(3, 280)} mg/L, WBC ${(int(40, 220) / 10).toFixed(1)} x10^9/L. Discharged on day ${int(2, 12)}; follow-up at ${int(3, 12)} months was unremarkable.`;
  },
  true,
);
tpl(
  'neg-history-prose-dates',
  4,
  () => {
    const a = randDate(1880, 2010),
      b = randDate(1998, 2021);
    return sample(
      [
        `The bridge opened to traffic on ${fd(a, pick(['long_us', 'long_uk']))} and was widened in ${int(1960, 2015)}.`,
        `The idea for the app was born on ${fd(b, pick(['long_us', 'long_uk']))} during a hackathon in Rotterdam.`,
        `Happy birthday to the project: version 1.0 shipped on ${fd(b, 'iso')}.`,
        `The company was founded in ${int(1890, 1990)} in Dayton, Ohio, and moved to Chicago in ${int(1991, 2010)}.`,
        `Records from ${fd(a, 'eu_dot')} show the museum received ${int(1000, 90000)} visitors that year.`,
      ],
      3,
    ).join(' ');
  },
  true,
);
tpl(
  'neg-sql-migration',
  4,
  () => `-- ${int(2023, 2025)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}_create_${pick(['patients', 'customers', 'members'])}.sql
CREATE TABLE ${pick(['patients', 'customers', 'members'])} (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mrn           varchar(16) UNIQUE,
  full_name     text NOT NULL,
  date_of_birth date,
  email         citext NOT NULL,
  ssn_last4     char(4),
  password_hash text NOT NULL,
  created_at    timestamptz DEFAULT now()
);`,
  true,
);
tpl(
  'neg-redacted-fixtures',
  4,
  () =>
    `{"name": "[REDACTED]", "email": "[REDACTED_EMAIL]", "ssn": "***-**-****", "card": "**** **** **** ${dg(4)}", "dob": "XX/XX/XXXX", "api_key": "sk-...${rs(ALNUM, 4)}", "phone": "+1 (XXX) XXX-${dg(4)}"}`,
  true,
);
tpl(
  'neg-iban-card-format-doc',
  4,
  () => `${pick(['How to read an IBAN', 'Payment formats FAQ'])}
An IBAN has a two-letter country code, two check digits and up to 30 alphanumeric characters; the German format is DEkk bbbb bbbb cccc cccc cc.
Visa numbers start with 4 and are usually 16 digits; Amex numbers start with 34 or 37 and have 15 digits.
A US Social Security number has the pattern AAA-GG-SSSS; numbers beginning with 9 are never issued.
Our payout runs on the ${ord(int(1, 28))} of each month.`,
  true,
);
tpl(
  'neg-support-faq',
  4,
  () => `How do I reset my password?
Go to Settings → Security → Change password, or use "Forgot password" on the sign-in page. We will never ask for your password by email or chat.
Where is my order?
Orders ship within ${int(1, 3)} business days. Support hours are Mon–Fri ${pick(['9:00–17:00 CET', '8am–6pm ET', '10:00–18:00 JST'])}.`,
  true,
);

tpl(
  'neg-public-keys-certs',
  5,
  () =>
    pick([
      () => `# ~/.ssh/authorized_keys
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${rs(B64, 43)} deploy@ci
ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${rs(B64, 120)} backup@nas`,
      () => `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE${rs(B64, 28)}
${rs(B64, 24)}==
-----END PUBLIC KEY-----`,
      () => `-----BEGIN CERTIFICATE-----
MIIDdzCCAl+gAwIBAgIE${rs(B64, 44)}
${rs(B64, 64)}
${rs(B64, 64)}
${rs(B64, 40)}=
-----END CERTIFICATE-----
Subject: CN=*.example.com, O=Example Org   Not after: ${freshDate('iso')}`,
      () => `-----BEGIN CERTIFICATE REQUEST-----
MIICijCCAXICAQAwRTELMAkGA1UEBhMCQVUxEzARBgNVBAgMClNvbWUtU3RhdGUx
${rs(B64, 64)}
${rs(B64, 30)}==
-----END CERTIFICATE REQUEST-----`,
    ])(),
  true,
);

// ---------------------------------------------------------------- generate
const records = [];
for (const tp of T) {
  for (let i = 0; i < tp.n; i++) {
    let f = tp.gen();
    if (typeof f === 'string') f = cat(f);
    records.push({ source: `probe:${tp.name}`, neg: tp.neg, f });
  }
}
for (let i = records.length - 1; i > 0; i--) {
  const j = Math.floor(R() * (i + 1));
  [records[i], records[j]] = [records[j], records[i]];
}

// ---------------------------------------------------------------- self-check
const errors = [];
const secretVals = new Map();
const err = (id, msg) => errors.push(`${id}: ${msg}`);
const overlapsSpan = (spans, s, e) => spans.some((x) => x.start < e && s < x.end);
records.forEach((r, i) => {
  r.id = `probe-${pad(i + 1, 5)}`;
  const { text, spans } = r.f;
  if (text !== text.trim()) err(r.id, 'text has leading/trailing whitespace');
  if (text.split('\n').length > 15) err(r.id, `too many lines (${text.split('\n').length})`);
  if (r.neg && spans.length) err(r.id, 'negative record has spans');
  if (!r.neg && !spans.length) err(r.id, 'positive record has no spans');
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  sorted.forEach((s, k) => {
    const got = text.slice(s.start, s.end);
    if (got !== s.value) err(r.id, `span text mismatch ${JSON.stringify(got)} != ${JSON.stringify(s.value)}`);
    if (!(s.end > s.start)) err(r.id, 'empty span');
    if (!TYPES.has(s.type)) err(r.id, 'bad type ' + s.type);
    if (got !== got.trim()) err(r.id, `span has surrounding whitespace ${JSON.stringify(got)}`);
    if (k && sorted[k - 1].end > s.start) err(r.id, 'overlapping spans');
    if (s.type === 'PERSON' && (/^(Dr|Mr|Mrs|Ms|Herr|Frau)\.?\s/.test(got) || /[,;:]$/.test(got)))
      err(r.id, 'PERSON with honorific/trailing punct ' + got);
    if (s.type === 'CREDIT_CARD' && (!luhnOk(got) || !/^(4|5[1-5]|2[2-7]|3[47]|6011|65|35)/.test(got)))
      err(r.id, 'bad card ' + got);
    if (s.type === 'US_SSN') {
      const m = got.match(/^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/);
      if (!m || m[1] === '000' || m[1] === '666' || m[1][0] === '9' || m[2] === '00' || m[3] === '0000')
        err(r.id, 'bad ssn ' + got);
    }
    if (s.type === 'IBAN' && !ibanOk(got)) err(r.id, 'bad iban ' + got);
    if (s.type === 'AWS_ACCESS_KEY' && !/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(got)) err(r.id, 'bad aws key ' + got);
    if (s.type === 'JWT') {
      const parts = got.split('.');
      try {
        JSON.parse(Buffer.from(parts[0], 'base64url').toString());
        JSON.parse(Buffer.from(parts[1], 'base64url').toString());
      } catch {
        err(r.id, 'bad jwt');
      }
      if (parts.length !== 3) err(r.id, 'jwt parts');
    }
    if (
      s.type === 'PRIVATE_KEY' &&
      !/^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*-----END [A-Z ]*PRIVATE KEY-----$/.test(got)
    )
      err(r.id, 'bad pem');
    if (s.type === 'MEDICAL_RECORD_NUMBER' && s.value.includes('MRN')) err(r.id, 'MRN span includes label');
    if (SECRET_TYPES.has(s.type)) {
      if (secretVals.has(got)) err(r.id, `duplicate secret (also in ${secretVals.get(got)})`);
      else secretVals.set(got, r.id);
    }
  });
  // consistency scan: obvious PII shapes outside any span are a labelling bug
  for (const m of text.matchAll(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g)) {
    if (!overlapsSpan(spans, m.index, m.index + m[0].length)) err(r.id, 'unlabelled email-like ' + m[0]);
  }
  for (const m of text.matchAll(/(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g)) {
    if (m[0].split('.').every((o) => +o <= 255) && !overlapsSpan(spans, m.index, m.index + m[0].length))
      err(r.id, 'unlabelled IPv4 ' + m[0]);
  }
  for (const m of text.matchAll(/(?<![\d])(?:\d[ -]?){14,15}\d(?![\d])/g)) {
    const digits = m[0].replace(/\D/g, '');
    if (
      (digits.length === 15 || digits.length === 16) &&
      luhnOk(digits) &&
      /^(4|5[1-5]|3[47]|6011|65)/.test(digits) &&
      !overlapsSpan(spans, m.index, m.index + m[0].length)
    )
      err(r.id, 'unlabelled card-like ' + m[0]);
  }
  for (const m of text.matchAll(
    /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+|-----BEGIN [A-Z ]*PRIVATE KEY-----(?!")|\b(?:ghp|gho|npm|hf)_[A-Za-z0-9]{20,}|\bsk-(?:ant|proj)-[\w-]{20,}|\bxox[bp]-\d/g,
  )) {
    if (!overlapsSpan(spans, m.index, m.index + m[0].length)) err(r.id, 'unlabelled secret-like ' + m[0].slice(0, 30));
  }
});

if (errors.length) {
  console.error(`SELF-CHECK FAILED (${errors.length} problems):`);
  for (const e of errors.slice(0, 60)) console.error('  ' + e);
  process.exit(1);
}

const out =
  records
    .map((r) =>
      JSON.stringify({
        id: r.id,
        text: r.f.text,
        spans: r.f.spans.map(({ start, end, type }) => ({ start, end, type })),
        source: r.source,
      }),
    )
    .join('\n') + '\n';
writeFileSync(OUT, out);

// re-read and verify the file itself
const back = out
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const byType = {};
let nSpans = 0;
for (const r of back)
  for (const s of r.spans) {
    byType[s.type] = (byType[s.type] || 0) + 1;
    nSpans++;
    if (r.text.slice(s.start, s.end).length !== s.end - s.start) throw new Error('offset out of range in ' + r.id);
  }
const negCount = back.filter((r) => !r.spans.length).length;
console.log(`self-check OK`);
console.log(
  `records: ${back.length}  (no-PII hard negatives: ${negCount}, ${((100 * negCount) / back.length).toFixed(1)}%)`,
);
console.log(
  `templates: ${T.length} (${T.filter((x) => !x.neg).length} positive, ${T.filter((x) => x.neg).length} negative)`,
);
console.log(`spans: ${nSpans}`);
for (const ty of TYPES) console.log(`  ${ty.padEnd(22)} ${byType[ty] || 0}`);
console.log(`wrote ${OUT}`);
