#!/usr/bin/env node
// Builds probe-4.jsonl: an independent, blind PII / secrets evaluation set.
// Deterministic (seeded PRNG), no dependencies. Run from the repo root:
//   node eval/probes/build-4.mjs
// Every text is assembled from literal pieces and labelled values through the
// D`...` tagged template below, so span offsets are computed, never counted.
import { writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'probe-4.jsonl');

// ---------------------------------------------------------------- PRNG
function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(0x9e0b4a17);
const ri = (a, b) => a + Math.floor(rand() * (b - a + 1));
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const chance = (p) => rand() < p;
const pad = (n, w) => String(n).padStart(w, '0');
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const DIG = '0123456789';
const ALNUM = UP + LO + DIG;
const HEX = '0123456789abcdef';
const B64URL = ALNUM + '-_';
const str = (alphabet, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
};
const digits = (n) => str(DIG, n);
const bytes = (n) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ri(0, 255);
  return b;
};
const shuffle = (arr) => {
  const a = arr.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
const sample = (arr, k) => shuffle(arr).slice(0, k);
// values that must be unique across the whole set (secrets, identifiers)
const SEEN = new Set();
const fresh = (fn) => {
  for (let i = 0; i < 1000; i++) {
    const v = fn();
    if (!SEEN.has(v)) {
      SEEN.add(v);
      return v;
    }
  }
  throw new Error('fresh(): could not draw a new value');
};

// ---------------------------------------------------------------- document builder
// Span markers: interpolate S.X(value) for a gold span, N.X(value) for a neutral span,
// a nested D`` document, an array (concatenated), or a plain string (literal text).
const mk = (type) => (value) => ({ __gold: true, type, value: String(value) });
const mkN = (type) => (value) => ({ __neutral: true, type, value: String(value) });
const PER = mk('PERSON');
const ADR = mk('ADDRESS');
const EM = mk('EMAIL');
const PH = mk('PHONE');
const SSN = mk('US_SSN');
const CC = mk('CREDIT_CARD');
const IBN = mk('IBAN');
const IP = mk('IP_ADDRESS');
const DOB = mk('DATE_OF_BIRTH');
const MRN = mk('MEDICAL_RECORD_NUMBER');
const API = mk('API_KEY');
const AWS = mk('AWS_ACCESS_KEY');
const PK = mk('PRIVATE_KEY');
const JWT = mk('JWT');
const PW = mk('PASSWORD');
const LOC = mkN('LOCATION');
const NID = mkN('NATIONAL_ID');
const USR = mkN('USERNAME');
const XID = mkN('ID_NUMBER');

function D(strings, ...vals) {
  const doc = { __doc: true, text: '', spans: [], neutral: [] };
  const add = (v) => {
    if (v === null || v === undefined || v === false) return;
    if (Array.isArray(v)) return v.forEach(add);
    if (typeof v === 'object' && v.__doc) {
      const off = doc.text.length;
      doc.text += v.text;
      for (const s of v.spans) doc.spans.push({ ...s, start: s.start + off, end: s.end + off });
      for (const s of v.neutral) doc.neutral.push({ ...s, start: s.start + off, end: s.end + off });
      return;
    }
    if (typeof v === 'object' && (v.__gold || v.__neutral)) {
      const start = doc.text.length;
      doc.text += v.value;
      (v.__gold ? doc.spans : doc.neutral).push({ start, end: doc.text.length, type: v.type, value: v.value });
      return;
    }
    doc.text += String(v);
  };
  strings.forEach((s, i) => {
    doc.text += s;
    if (i < vals.length) add(vals[i]);
  });
  return doc;
}
const join_ = (parts, sep) => parts.flatMap((p, i) => (i ? [sep, p] : [p]));

// ---------------------------------------------------------------- check-digit helpers
const luhnOk = (num) => {
  let sum = 0;
  let dbl = false;
  for (let i = num.length - 1; i >= 0; i--) {
    let d = num.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
};
const luhnDigit = (partial) => {
  for (let d = 0; d <= 9; d++) if (luhnOk(partial + d)) return String(d);
  throw new Error('luhn');
};
const mod97 = (s) => {
  let r = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const c of v) r = (r * 10 + (c.charCodeAt(0) - 48)) % 97;
  }
  return r;
};
const IBAN_LEN = {
  DE: 22,
  FR: 27,
  ES: 24,
  IT: 27,
  NL: 18,
  PL: 28,
  SE: 24,
  TR: 26,
  CZ: 24,
  PT: 25,
  GB: 22,
  BE: 16,
  AT: 20,
  CH: 21,
  IE: 22,
  BR: 29,
};
const ibanOk = (raw) => {
  const s = raw.replace(/ /g, '');
  return (
    /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s) &&
    IBAN_LEN[s.slice(0, 2)] === s.length &&
    mod97(s.slice(4) + s.slice(0, 4)) === 1
  );
};

// ---------------------------------------------------------------- financial identifiers
const CARD_BRANDS = {
  visa: () => ['4', 16],
  mc: () => [pick(['51', '52', '53', '54', '55', String(ri(2221, 2720))]), 16],
  amex: () => [pick(['34', '37']), 15],
  disc: () => [pick(['6011', '65', '644', '649']), 16],
  jcb: () => [String(ri(3528, 3589)), 16],
  diners: () => [pick(['36', '38', '300', '305']), 14],
};
const cardIssuerOk = (n) =>
  (/^4/.test(n) && [13, 16, 19].includes(n.length)) ||
  (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(n) && n.length === 16) ||
  (/^3[47]/.test(n) && n.length === 15) ||
  (/^(6011|65|64[4-9])/.test(n) && n.length === 16) ||
  (/^35(2[89]|[3-8]\d)/.test(n) && n.length === 16) ||
  (/^3(6|8|0[0-5])/.test(n) && n.length === 14);
function cardNumber(brand = pick(['visa', 'visa', 'visa', 'mc', 'mc', 'amex', 'disc', 'jcb', 'diners'])) {
  return fresh(() => {
    const [prefix, len] = CARD_BRANDS[brand]();
    const body = prefix + digits(len - prefix.length - 1);
    return body + luhnDigit(body);
  });
}
function fmtCard(n, style = pick(['space', 'space', 'dash', 'plain'])) {
  if (style === 'plain') return n;
  const sep = style === 'dash' ? '-' : ' ';
  if (n.length === 15) return [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep);
  if (n.length === 14) return [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep);
  return n.match(/.{1,4}/g).join(sep);
}
const card = (brand, style) => fmtCard(cardNumber(brand), style);
const brandName = (n) =>
  /^4/.test(n)
    ? 'Visa'
    : /^3[47]/.test(n)
      ? 'American Express'
      : /^3/.test(n) && n.length === 14
        ? 'Diners Club'
        : /^35/.test(n)
          ? 'JCB'
          : /^6/.test(n)
            ? 'Discover'
            : 'Mastercard';
const BANK_ALPHA = {
  NL: ['ABNA', 'INGB', 'RABO', 'SNSB', 'TRIO', 'KNAB', 'BUNQ'],
  GB: ['NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL', 'MONZ'],
  IE: ['AIBK', 'BOFI', 'IPBS'],
};
function ibanRaw(cc) {
  return fresh(() => {
    let bban;
    if (cc === 'NL') bban = pick(BANK_ALPHA.NL) + digits(10);
    else if (cc === 'GB' || cc === 'IE') bban = pick(BANK_ALPHA[cc]) + digits(14);
    else if (cc === 'IT') bban = pick(UP.replace(/[IO]/g, '')) + digits(22);
    else if (cc === 'BR') bban = digits(23) + 'C' + '1';
    else if (cc === 'TR') bban = digits(5) + '0' + digits(16);
    else bban = digits(IBAN_LEN[cc] - 4);
    const check = 98 - mod97(bban + cc + '00');
    return cc + pad(check, 2) + bban;
  });
}
const fmtIban = (s, grouped = chance(0.65)) => (grouped ? s.match(/.{1,4}/g).join(' ') : s);
const iban = (cc, grouped) => fmtIban(ibanRaw(cc), grouped);
function ssnParts() {
  let area;
  do area = ri(1, 899);
  while (area === 666);
  return [pad(area, 3), pad(ri(1, 99), 2), pad(ri(1, 9999), 4)];
}
const ssn = (sep = pick(['-', '-', '-', ' ', ''])) => fresh(() => ssnParts().join(sep));
const ssnOk = (v) => {
  const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(v);
  if (!m) return false;
  const a = Number(m[1]);
  return a !== 0 && a !== 666 && a < 900 && m[2] !== '00' && m[3] !== '0000';
};

// ---------------------------------------------------------------- network
function ipv4Public() {
  for (;;) {
    const a = ri(1, 223);
    const b = ri(0, 255);
    if ([10, 100, 127, 169, 172, 192, 198, 203, 0].includes(a)) continue;
    return `${a}.${b}.${ri(0, 255)}.${ri(1, 254)}`;
  }
}
const ipv4Private = () =>
  pick([
    () => `10.${ri(0, 255)}.${ri(0, 255)}.${ri(1, 254)}`,
    () => `192.168.${ri(0, 255)}.${ri(1, 254)}`,
    () => `172.${ri(16, 31)}.${ri(0, 255)}.${ri(1, 254)}`,
  ])();
function ipv6() {
  const prefix = pick([
    '2a02:8108',
    '2a01:4f8',
    '2001:67c',
    '2600:1f18',
    '2a00:1450',
    '2607:f8b0',
    '2a0a:e5c0',
    '2804:14c',
  ]);
  const groups = [];
  for (let i = 0; i < 6; i++) groups.push(str(HEX, ri(1, 4)).replace(/^0+(?=.)/, ''));
  if (chance(0.5)) return `${prefix}:${groups[0]}:${groups[1]}::${groups[4]}`;
  return `${prefix}:${groups.join(':')}`;
}

// ---------------------------------------------------------------- secrets
const b64 = (u8) => Buffer.from(u8).toString('base64');
const b64url = (s) => Buffer.from(s).toString('base64url');
const awsKeyId = (p = chance(0.8) ? 'AKIA' : 'ASIA') => fresh(() => p + str('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16));
const awsSecret = () => fresh(() => str(ALNUM + '+/', 40).replace(/^[+/]/, 'k'));
const KEYGEN = {
  anthropic: () => `sk-ant-api03-${str(B64URL, 93)}AA`,
  openai: () => `sk-proj-${str(B64URL, 74)}T3BlbkFJ${str(B64URL, 74)}`,
  openaiLegacy: () => `sk-${str(ALNUM, 20)}T3BlbkFJ${str(ALNUM, 20)}`,
  ghp: () => `ghp_${str(ALNUM, 36)}`,
  gho: () => `gho_${str(ALNUM, 36)}`,
  ghs: () => `ghs_${str(ALNUM, 36)}`,
  ghpat: () => `github_pat_11${str(UP + DIG, 20)}_${str(ALNUM, 59)}`,
  glpat: () => `glpat-${str(B64URL, 20)}`,
  slackBot: () => `xoxb-${digits(12)}-${digits(13)}-${str(ALNUM, 24)}`,
  slackUser: () => `xoxp-${digits(12)}-${digits(12)}-${digits(13)}-${str(HEX, 32)}`,
  stripe: () => `sk_live_${str(ALNUM, 99)}`,
  stripeR: () => `rk_live_${str(ALNUM, 99)}`,
  google: () => `AIza${str(B64URL, 35)}`,
  sendgrid: () => `SG.${str(B64URL, 22)}.${str(B64URL, 43)}`,
  npm: () => `npm_${str(ALNUM, 36)}`,
  hf: () => `hf_${str(ALNUM, 34)}`,
  twilio: () => `SK${str(HEX, 32)}`,
  mailgun: () => `key-${str(HEX, 32)}`,
  shopify: () => `shpat_${str(HEX, 32)}`,
  bearerHex: () => str(HEX, 40),
  bearerB64: () => str(B64URL, 48),
  datadog: () => str(HEX, 32),
};
const apiKey = (kind) => fresh(KEYGEN[kind]);
const PW_WORDS = [
  'Marmalade',
  'kiwi',
  'Sunset',
  'orbit',
  'Canyon',
  'velvet',
  'Lantern',
  'pebble',
  'Falcon',
  'tundra',
  'Mango',
  'quartz',
  'Harbor',
  'nimbus',
  'Cobalt',
  'saffron',
  'Walrus',
  'ember',
  'Juniper',
  'maple',
  'Tornado',
  'pickle',
  'Zephyr',
  'otter',
  'Biscuit',
  'Gdansk',
  'Fjord',
  'azul',
  'Sommer',
  'estrela',
  'Kavun',
  'Hvezda',
];
function password(kind = pick(['word', 'word', 'rand', 'rand', 'phrase', 'leet'])) {
  return fresh(() => {
    if (kind === 'word')
      return (
        pick(PW_WORDS) + pick(['#', '!', '_', '$', '*', '.', '@', '%']) + digits(ri(2, 4)) + pick(['', '!', '?', '&'])
      );
    if (kind === 'rand') return str(ALNUM + '!#$%&*+-?^_', ri(14, 22));
    if (kind === 'url') return str(ALNUM + '-_.~', ri(16, 28));
    if (kind === 'conn') return str(ALNUM + '!#$%*+-?_', ri(14, 24));
    if (kind === 'phrase')
      return [pick(PW_WORDS), pick(PW_WORDS), pick(PW_WORDS)].map((w) => w.toLowerCase()).join('-') + digits(2);
    return (
      pick(['P@ss', 'S3cur3', 'W1nt3r', 'H0me', 'Adm1n', 'L0nd0n', 'Qw3rty']) +
      pick(['!', '#', '$']) +
      digits(4) +
      str(LO, 2)
    );
  });
}
function jwt(payload, alg = pick(['HS256', 'HS256', 'RS256', 'ES256'])) {
  const header = alg === 'HS256' ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: str(B64URL, 22) };
  const sigLen = { HS256: 32, RS256: 256, ES256: 64 }[alg];
  return fresh(
    () =>
      `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${Buffer.from(bytes(sigLen)).toString('base64url')}`,
  );
}
const jwtOk = (t) => {
  const p = t.split('.');
  if (p.length !== 3 || !p.every((x) => /^[A-Za-z0-9_-]+$/.test(x))) return false;
  try {
    JSON.parse(Buffer.from(p[0], 'base64url').toString('utf8'));
    JSON.parse(Buffer.from(p[1], 'base64url').toString('utf8'));
    return true;
  } catch {
    return false;
  }
};
const DER = {
  rsa1024: [0x30, 0x82, 0x02, 0x5c, 0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00],
  rsa2048: [0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00],
  pkcs8rsa: [
    0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
    0x01, 0x05, 0x00, 0x04, 0x82, 0x04, 0xa7,
  ],
  pkcs8ec: [
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20,
  ],
  ec: [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20],
};
const lines = (s, w) => s.match(new RegExp(`.{1,${w}}`, 'g')).join('\n');
function sshString(u8) {
  const out = new Uint8Array(4 + u8.length);
  new DataView(out.buffer).setUint32(0, u8.length);
  out.set(u8, 4);
  return out;
}
const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const asc = (s) => new TextEncoder().encode(s);
function pem(kind = pick(['rsa1024', 'rsa1024', 'pkcs8ec', 'ec', 'openssh', 'pkcs8rsa'])) {
  return fresh(() => {
    if (kind === 'openssh') {
      const pub = bytes(32);
      const pubBlob = cat(sshString(asc('ssh-ed25519')), sshString(pub));
      const chk = bytes(4);
      let priv = cat(
        chk,
        chk,
        sshString(asc('ssh-ed25519')),
        sshString(pub),
        sshString(cat(bytes(32), pub)),
        sshString(
          asc(`${pick(['deploy', 'ci', 'ops', 'build'])}@${pick(['runner-07', 'bastion', 'laptop', 'jenkins'])}`),
        ),
      );
      const padN = (8 - (priv.length % 8)) % 8;
      priv = cat(
        priv,
        Uint8Array.from({ length: padN }, (_, i) => i + 1),
      );
      const one = Uint8Array.from([0, 0, 0, 1]);
      const body = cat(
        asc('openssh-key-v1\0'),
        sshString(asc('none')),
        sshString(asc('none')),
        sshString(new Uint8Array(0)),
        one,
        sshString(pubBlob),
        sshString(priv),
      );
      return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines(b64(body), 70)}\n-----END OPENSSH PRIVATE KEY-----`;
    }
    const total = { rsa1024: 608, rsa2048: 1192, pkcs8rsa: 1217, pkcs8ec: 138, ec: 121 }[kind];
    const head = DER[kind];
    let body;
    if (kind === 'pkcs8ec')
      body = cat(Uint8Array.from(head), bytes(32), Uint8Array.from([0xa1, 0x44, 0x03, 0x42, 0x00, 0x04]), bytes(64));
    else if (kind === 'ec')
      body = cat(
        Uint8Array.from(head),
        bytes(32),
        Uint8Array.from([
          0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04,
        ]),
        bytes(64),
      );
    else body = cat(Uint8Array.from(head), bytes(total - head.length));
    const label = kind === 'ec' ? 'EC PRIVATE KEY' : kind.startsWith('pkcs8') ? 'PRIVATE KEY' : 'RSA PRIVATE KEY';
    return `-----BEGIN ${label}-----\n${lines(b64(body), 64)}\n-----END ${label}-----`;
  });
}
const pemOk = (v) => {
  const s = v
    .replace(/\\n/g, '\n')
    .replace(/\r/g, '')
    .replace(/\n[ \t]+/g, '\n');
  const m =
    /^-----BEGIN ((?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY)-----\n([A-Za-z0-9+/=\n]+)\n-----END ([A-Z ]+)-----\n?$/.exec(
      s,
    );
  return !!m && m[1] === m[3] && Buffer.from(m[2].replace(/\n/g, ''), 'base64').length > 64;
};

// ---------------------------------------------------------------- names (given | family) per culture
const NAMES = {
  en: {
    g: [
      'Rose',
      'Hunter',
      'Will',
      'Grace',
      'Faith',
      'Hope',
      'Joy',
      'Summer',
      'Dawn',
      'Amber',
      'Ivy',
      'Violet',
      'Jack',
      'Mark',
      'Bill',
      'Frank',
      'Chase',
      'Mason',
      'Taylor',
      'Brooke',
      'Robin',
      'Jay',
      'Sterling',
      'Austin',
      'Sydney',
      'Madison',
      'Jordan',
      'Lincoln',
      'Florence',
      'Georgia',
      'Savannah',
      'Dallas',
      'Victoria',
      'Chester',
      'Melody',
      'Penny',
      'Holly',
      'Heather',
      'Wade',
      'Clay',
      'Dale',
      'Forrest',
      'Bonnie',
      'Earl',
      'Margaret',
      'Kevin',
      'Shanice',
      'DeShawn',
      'Latoya',
      'Tyrone',
      'Kayleigh',
      'Bethany',
      'Gareth',
      'Nigel',
      'Eileen',
      'Harold',
      'Brianna',
      'Cody',
      'Dwayne',
    ],
    f: [
      'Baker',
      'Hunter',
      'Rose',
      'Young',
      'King',
      'Black',
      'Green',
      'Wood',
      'Fox',
      'Hill',
      'Banks',
      'Price',
      'Bell',
      'Cross',
      'Stone',
      'Frost',
      'Snow',
      'Day',
      'Long',
      'Little',
      'Strong',
      'Sharp',
      'Wise',
      'Fisher',
      'Walker',
      'Church',
      'Moon',
      'Bird',
      'Swift',
      'Lamb',
      'Marsh',
      'Best',
      'Page',
      'English',
      'Holiday',
      'Mills',
      'Glass',
      'Cash',
      'Love',
      'Smith',
      'Johnson',
      'Williams',
      'Thompson',
      'Harris',
      'Clarke',
      "O'Neill",
      'MacLeod',
      'McAllister',
      'Fitzgerald',
      'Smith-Jones',
      'Ashworth-Clarke',
      'St. Clair',
      'Washington',
      'Okonkwo-Reed',
      'Pemberton',
    ],
  },
  ie: {
    g: ['Siobhán', 'Niamh', 'Aoife', 'Seán', 'Pádraig', 'Ciarán', 'Róisín', 'Éabha', 'Cathal', 'Oisín'],
    f: [
      "O'Sullivan",
      'Ní Bhriain',
      'Mac Giolla Phádraig',
      'Ó Súilleabháin',
      'Byrne',
      "O'Brien",
      'Walsh',
      'Kavanagh',
      'Ní Dhomhnaill',
      'Gallagher',
    ],
  },
  es: {
    g: [
      'María José',
      'Javier',
      'Lucía',
      'Álvaro',
      'Inmaculada',
      'Íñigo',
      'Begoña',
      'Rocío',
      'Sergio',
      'Nuria',
      'Ainhoa',
      'José Manuel',
      'Guadalupe',
      'Jesús',
      'Xabier',
      'Montserrat',
    ],
    f: [
      'García-López',
      'Ruiz de la Fuente',
      'Martínez Sánchez',
      'Fernández',
      'de la Cruz',
      'Iglesias Romero',
      'Núñez',
      'Ibáñez Ortega',
      'Muñoz',
      'Gutiérrez de Mendoza',
      'Etxeberria',
      'Del Valle',
      'Peña Castillo',
      'Sáenz',
    ],
  },
  fr: {
    g: [
      'Jean-Luc',
      'Éloïse',
      'Amélie',
      'François',
      'Hélène',
      'Gaëlle',
      'Loïc',
      'Noémie',
      'Benoît',
      'Anaïs',
      'Thérèse',
      'Jérôme',
      'Maëlys',
      'Aurélien',
      'Céline',
    ],
    f: [
      'Lefèvre',
      'Dubois',
      'de la Roche',
      'Moreau',
      'Rousseau',
      'Lemaître',
      'Du Pont',
      'Fontaine',
      'Girard',
      'Bézier',
      "d'Arcy",
      'Chevalier',
      'Le Goff',
      'Boucher',
      'Mercier-Lacroix',
    ],
  },
  de: {
    g: [
      'Jürgen',
      'Friederike',
      'Lukas',
      'Hannelore',
      'Maximilian',
      'Sophie',
      'Björn',
      'Gudrun',
      'Jörg',
      'Annika',
      'Dieter',
      'Käthe',
      'Tobias',
      'Ulrike',
      'Matthias',
      'Wiebke',
    ],
    f: [
      'Müller',
      'von Arnim',
      'Schmidt',
      'Weißmann',
      'Schäfer',
      'Hoffmann',
      'Köhler',
      'Groß',
      'Becker-Lindner',
      'zu Dohna',
      'Krüger',
      'Wagner',
      'Böhm',
      'Fuchs',
      'Neumann',
      'Hartmann',
    ],
  },
  it: {
    g: [
      'Giuseppe',
      'Chiara',
      'Lorenzo',
      'Francesca',
      'Niccolò',
      'Giulia',
      'Matteo',
      'Alessandra',
      'Gianluca',
      'Beatrice',
      'Pierpaolo',
      'Ilaria',
      'Salvatore',
      'Federica',
    ],
    f: [
      'Esposito',
      "D'Angelo",
      'De Luca',
      'Romano',
      'Colombo',
      'Ricci',
      'Marino',
      'Bianchi',
      'Greco',
      'Di Stefano',
      'Lo Russo',
      'Ferraro',
      'Mancini',
      'Dall’Olio',
    ],
  },
  pt: {
    g: [
      'João Pedro',
      'Maria da Conceição',
      'Inês',
      'Gonçalo',
      'Beatriz',
      'Tiago',
      'Leonor',
      'Rui',
      'Francisca',
      'Duarte',
    ],
    f: [
      'dos Santos',
      'Ferreira',
      'Pereira',
      'Oliveira da Costa',
      'Rodrigues',
      'Gonçalves',
      'Sousa',
      'Magalhães',
      'Carvalho',
      'Lopes Baptista',
    ],
  },
  br: {
    g: [
      'Thiago',
      'Larissa',
      'Caio',
      'Fernanda',
      'Luíza',
      'Rafael',
      'Juliana',
      'Vinícius',
      'Gabriela',
      'Anderson',
      'Thaís',
      'Wellington',
    ],
    f: [
      'da Silva',
      'Souza',
      'Costa',
      'Nascimento',
      'Araújo',
      'Barbosa',
      'Ribeiro',
      'Cavalcanti',
      'Lima',
      'Moreira',
      'de Albuquerque',
      'Teixeira',
    ],
  },
  nl: {
    g: ['Sanne', 'Daan', 'Lotte', 'Bram', 'Femke', 'Joost', 'Anouk', 'Sjoerd', 'Marieke', 'Thijs', 'Ilse', 'Gijs'],
    f: [
      'van der Berg',
      'de Vries',
      'van den Heuvel',
      'van Dijk',
      'Bakker',
      'Jansen',
      'de Jong',
      'Visser',
      'Smit',
      'van Leeuwen',
      'ter Horst',
      "'t Hart",
      'Verhoeven',
      'van der Meer',
    ],
  },
  pl: {
    g: [
      'Łukasz',
      'Agnieszka',
      'Małgorzata',
      'Krzysztof',
      'Zofia',
      'Paweł',
      'Katarzyna',
      'Grzegorz',
      'Joanna',
      'Wojciech',
      'Bożena',
      'Jędrzej',
    ],
    f: [
      'Wiśniewski',
      'Nowak-Zielińska',
      'Wójcik',
      'Kowalczyk',
      'Lewandowska',
      'Dąbrowski',
      'Szymańska',
      'Kamiński',
      'Grabowska',
      'Pietrzak',
      'Zając',
      'Woźniak',
    ],
  },
  sv: {
    g: ['Åsa', 'Björn', 'Linnéa', 'Göran', 'Ingrid', 'Måns', 'Sofia', 'Pär', 'Elin', 'Oskar', 'Ebba', 'Jöns'],
    f: [
      'Lindqvist',
      'Håkansson',
      'Andersson',
      'Sjöberg',
      'Öberg',
      'Nyström',
      'Bergström',
      'Ek',
      'Åkesson',
      'Lundgren',
      'af Klint',
      'Strand',
    ],
  },
  tr: {
    g: ['Ayşe', 'Mehmet', 'Çağla', 'Emre', 'Gülşen', 'Oğuzhan', 'Zeynep', 'Burak', 'İrem', 'Mustafa', 'Şeyma', 'Kerem'],
    f: ['Yılmaz', 'Öztürk', 'Şahin', 'Kaya', 'Demir', 'Çelik', 'Aydın', 'Arslan', 'Doğan', 'Kılıç', 'Güneş', 'Erdoğdu'],
  },
  cs: {
    g: [
      'Jiří',
      'Petra',
      'Tomáš',
      'Lucie',
      'Jaroslav',
      'Kateřina',
      'Vojtěch',
      'Zdeňka',
      'Ondřej',
      'Markéta',
      'Radek',
      'Šárka',
    ],
    f: [
      'Dvořák',
      'Nováková',
      'Černý',
      'Svobodová',
      'Procházka',
      'Kučerová',
      'Veselý',
      'Horáková',
      'Němec',
      'Marešová',
      'Pokorný',
      'Růžička',
    ],
  },
  ar: {
    g: ['Youssef', 'Fatima', 'Omar', 'Layla', 'Karim', 'Nour', 'Hassan', 'Amira', 'Tariq', 'Yasmin'],
    f: [
      'El-Amrani',
      'Al-Hassan',
      'Haddad',
      'Khoury',
      'Benali',
      'Mansour',
      'Al Mazrouei',
      'Saleh',
      'Abu-Ghazaleh',
      'Nasser',
    ],
  },
  zh: {
    g: ['Wei', 'Xiaoming', 'Li Na', 'Jing', 'Hao', 'Mei', 'Yutong', 'Jun', 'Zhiwei', 'Xinyi'],
    f: ['Zhang', 'Wang', 'Chen', 'Liu', 'Huang', 'Zhou', 'Xu', 'Lin', 'Guo', 'Tang'],
  },
  ja: {
    g: ['Haruto', 'Yui', 'Sota', 'Aoi', 'Ren', 'Hina', 'Kenji', 'Sakura', 'Daiki', 'Emi'],
    f: ['Sato', 'Tanaka', 'Takahashi', 'Watanabe', 'Ito', 'Nakamura', 'Kobayashi', 'Yamamoto', 'Inoue', 'Matsumoto'],
  },
  ko: {
    g: ['Min-jun', 'Seo-yeon', 'Ji-ho', 'Ha-eun', 'Do-yun', 'Su-bin', 'Jae-won', 'Eun-ji'],
    f: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Yoon', 'Han'],
  },
  in: {
    g: [
      'Priya',
      'Arjun',
      'Ananya',
      'Rohan',
      'Lakshmi',
      'Vikram',
      'Sneha',
      'Aditya',
      'Deepika',
      'Sanjay',
      'Kavya',
      'Harpreet',
    ],
    f: [
      'Venkataraman',
      'Mehta',
      'Iyer',
      'Chatterjee',
      'Reddy',
      'Nair',
      'Banerjee',
      'Patel',
      'Deshpande',
      'Gill',
      'Krishnamurthy',
      'Sengupta',
    ],
  },
  ng: {
    g: ['Chinedu', 'Adaeze', 'Oluwaseun', 'Ngozi', 'Emeka', 'Folake', 'Tunde', 'Chiamaka', 'Ifeanyi', 'Yetunde'],
    f: ['Okafor', 'Nwosu', 'Adebayo', 'Eze', 'Okonkwo', 'Adeyemi', 'Balogun', 'Obi', 'Olawale', 'Chukwu'],
  },
  vi: {
    g: ['Thị Lan', 'Văn Hùng', 'Minh Anh', 'Quốc Bảo', 'Thu Trang', 'Đức Huy'],
    f: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Đặng'],
  },
  el: {
    g: ['Eleni', 'Georgios', 'Dimitra', 'Konstantinos', 'Vasiliki', 'Nikos'],
    f: ['Papadopoulou', 'Papadopoulos', 'Georgiou', 'Konstantinidis', 'Nikolaidou', 'Vlachos'],
  },
  ru: {
    g: ['Dmitri', 'Anastasia', 'Sergei', 'Ekaterina', 'Alexei', 'Olga'],
    f: ['Ivanov', 'Smirnova', 'Kuznetsov', 'Popova', 'Sokolov', 'Volkova'],
  },
  ms: { g: ['Ahmad', 'Faizal', 'Hafiz', 'Azlan', 'Nur Aisyah', 'Siti Aminah', 'Farah', 'Nurul Huda'], f: [] },
};
const MS_FATHER = ['Ismail', 'Abdullah', 'Rahman', 'Hamzah', 'Yusof', 'Osman'];
const CULTURES = {
  us: ['en', 'en', 'en', 'en', 'en', 'es', 'zh', 'in', 'ng', 'vi', 'ko', 'ar', 'ie', 'it', 'pl', 'el', 'ja'],
  uk: ['en', 'en', 'en', 'en', 'ie', 'in', 'ng', 'pl', 'ar', 'zh', 'el'],
  ie: ['ie', 'ie', 'en', 'pl'],
  au: ['en', 'en', 'en', 'zh', 'vi', 'el', 'it', 'in', 'ms'],
  ca: ['en', 'en', 'fr', 'zh', 'in', 'ko', 'ar'],
  in: ['in'],
  es: ['es', 'es', 'es', 'es', 'ar', 'ru'],
  fr: ['fr', 'fr', 'fr', 'fr', 'ar', 'vi', 'pt'],
  de: ['de', 'de', 'de', 'de', 'tr', 'pl', 'ar', 'ru', 'it', 'el'],
  it: ['it', 'it', 'it', 'it', 'ar'],
  pt: ['pt', 'pt', 'pt', 'br'],
  br: ['br', 'br', 'br', 'ja', 'it'],
  nl: ['nl', 'nl', 'nl', 'nl', 'tr', 'ar', 'ms'],
  pl: ['pl'],
  se: ['sv', 'sv', 'sv', 'sv', 'ar', 'el'],
  tr: ['tr'],
  cz: ['cs'],
  ae: ['ar', 'in', 'ms'],
  sg: ['zh', 'ms', 'in', 'ko'],
};
function name(cult) {
  if (cult === 'ms') {
    const g = pick(NAMES.ms.g);
    const female = /^(Nur|Siti|Farah)/.test(g);
    const family = `${female ? 'binti' : 'bin'} ${pick(MS_FATHER)}`;
    return { given: g, family, full: `${g} ${family}` };
  }
  const L = NAMES[cult];
  const given = pick(L.g);
  const family = pick(L.f);
  if ((cult === 'zh' || cult === 'ko' || cult === 'vi') && chance(0.5))
    return { given, family, full: `${family} ${given}` };
  if (cult === 'en' && chance(0.2))
    return { given, family, full: `${given} ${pick(UP.replace(/[QXZUIOY]/g, ''))}. ${family}` };
  return { given, family, full: `${given} ${family}` };
}
const personName = (cc) => name(pick(CULTURES[cc]));
const translit = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const MAIL_DOMAINS = {
  us: ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me', 'comcast.net', 'att.net'],
  uk: ['btinternet.com', 'gmail.com', 'outlook.co.uk', 'sky.com', 'virginmedia.com'],
  ie: ['eircom.net', 'gmail.com', 'outlook.ie'],
  au: ['bigpond.com', 'optusnet.com.au', 'gmail.com'],
  ca: ['rogers.com', 'shaw.ca', 'videotron.ca', 'gmail.com'],
  in: ['gmail.com', 'rediffmail.com', 'yahoo.co.in'],
  es: ['gmail.com', 'hotmail.es', 'telefonica.net', 'yahoo.es'],
  fr: ['orange.fr', 'free.fr', 'laposte.net', 'gmail.com', 'sfr.fr'],
  de: ['web.de', 'gmx.de', 't-online.de', 'posteo.de', 'mailbox.org'],
  it: ['libero.it', 'virgilio.it', 'gmail.com', 'tiscali.it'],
  pt: ['sapo.pt', 'gmail.com', 'netcabo.pt'],
  br: ['uol.com.br', 'bol.com.br', 'gmail.com', 'terra.com.br'],
  nl: ['ziggo.nl', 'kpnmail.nl', 'gmail.com', 'xs4all.nl'],
  pl: ['wp.pl', 'onet.pl', 'o2.pl', 'interia.pl', 'gmail.com'],
  se: ['telia.com', 'gmail.com', 'hotmail.se', 'bredband.net'],
  tr: ['gmail.com', 'hotmail.com.tr', 'yandex.com.tr'],
  cz: ['seznam.cz', 'email.cz', 'centrum.cz'],
  ae: ['gmail.com', 'emirates.net.ae'],
  sg: ['gmail.com', 'singnet.com.sg'],
};
function emailFor(n, domain) {
  const g = translit(n.given).split(' ');
  const f = translit(n.family)
    .split(' ')
    .filter((w) => !['bin', 'binti'].includes(w));
  const fam = f.join(pick(['', '.', '']));
  const local = pick([
    () => `${g[0]}.${fam}`,
    () => `${g[0][0]}${fam}`,
    () => `${g[0]}${fam}${ri(1, 99)}`,
    () => `${g[0]}_${f[f.length - 1]}`,
    () => `${fam}.${g[0][0]}`,
    () => `${g.join('')}.${f[f.length - 1]}${ri(70, 99)}`,
  ])();
  return `${local}@${domain}`;
}

// ---------------------------------------------------------------- phones
function usParts() {
  let a, e;
  do a = `${ri(2, 9)}${ri(0, 8)}${ri(0, 9)}`;
  while (/^.11$/.test(a) || a === '555');
  do e = `${ri(2, 9)}${ri(0, 9)}${ri(0, 9)}`;
  while (/^.11$/.test(e) || e === '555');
  return [a, e, digits(4)];
}
const g2 = () => digits(2);
const PHONE = {
  us: () => {
    const [a, e, s] = usParts();
    return pick([`(${a}) ${e}-${s}`, `${a}-${e}-${s}`, `+1 ${a} ${e} ${s}`, `${a}.${e}.${s}`, `+1 (${a}) ${e}-${s}`]);
  },
  ca: () => {
    const [, e, s] = usParts();
    return pick([
      `(${pick(['416', '604', '514', '613', '403'])}) ${e}-${s}`,
      `+1 ${pick(['647', '778', '438'])}-${e}-${s}`,
    ]);
  },
  uk: () =>
    pick([
      `+44 7${digits(3)} ${digits(6)}`,
      `07${digits(3)} ${digits(6)}`,
      `020 7${digits(3)} ${digits(4)}`,
      `0161 ${ri(2, 9)}${digits(2)} ${digits(4)}`,
      `+44 (0)113 ${ri(2, 9)}${digits(2)} ${digits(4)}`,
    ]),
  ie: () =>
    pick([
      `+353 8${ri(3, 9)} ${digits(3)} ${digits(4)}`,
      `08${ri(3, 9)} ${digits(3)} ${digits(4)}`,
      `(091) ${ri(2, 9)}${digits(5)}`,
    ]),
  au: () =>
    pick([
      `+61 4${digits(2)} ${digits(3)} ${digits(3)}`,
      `04${digits(2)} ${digits(3)} ${digits(3)}`,
      `(02) 9${digits(3)} ${digits(4)}`,
      `(03) 9${digits(3)} ${digits(4)}`,
    ]),
  in: () =>
    pick([
      `+91 ${ri(7, 9)}${digits(4)} ${digits(5)}`,
      `0${ri(7, 9)}${digits(4)}-${digits(5)}`,
      `+91-80-${ri(2, 6)}${digits(7)}`,
    ]),
  es: () =>
    pick([
      `+34 6${digits(2)} ${digits(3)} ${digits(3)}`,
      `6${digits(2)} ${g2()} ${g2()} ${g2()}`,
      `91 ${digits(3)} ${g2()} ${g2()}`,
      `+34 93 ${digits(3)} ${g2()} ${g2()}`,
    ]),
  fr: () =>
    pick([
      `+33 6 ${g2()} ${g2()} ${g2()} ${g2()}`,
      `06 ${g2()} ${g2()} ${g2()} ${g2()}`,
      `07.${g2()}.${g2()}.${g2()}.${g2()}`,
      `01 ${g2()} ${g2()} ${g2()} ${g2()}`,
      `+33 (0)4 ${g2()} ${g2()} ${g2()} ${g2()}`,
    ]),
  de: () =>
    pick([
      `+49 30 ${digits(8)}`,
      `0151 ${digits(8)}`,
      `+49 (0)89 ${digits(4)} ${digits(4)}`,
      `0176-${digits(8)}`,
      `040 / ${digits(3)} ${digits(2)} ${digits(3)}`,
      `+49 172 ${digits(7)}`,
    ]),
  it: () =>
    pick([
      `+39 3${digits(2)} ${digits(3)} ${digits(4)}`,
      `3${digits(2)} ${digits(7)}`,
      `02 ${digits(4)} ${digits(4)}`,
      `+39 06 ${digits(8)}`,
    ]),
  pt: () =>
    pick([
      `+351 9${ri(1, 6)}${ri(0, 9)} ${digits(3)} ${digits(3)}`,
      `9${ri(1, 6)}${ri(0, 9)} ${digits(3)} ${digits(3)}`,
      `21 ${digits(3)} ${digits(4)}`,
    ]),
  br: () =>
    pick([
      `+55 11 9${digits(4)}-${digits(4)}`,
      `(21) 9${digits(4)}-${digits(4)}`,
      `(31) 3${digits(3)}-${digits(4)}`,
      `+55 (41) 9${digits(4)}-${digits(4)}`,
    ]),
  nl: () =>
    pick([
      `+31 6 ${digits(8)}`,
      `06-${digits(8)}`,
      `020-${digits(7)}`,
      `+31 (0)30 ${digits(3)} ${digits(4)}`,
      `06 ${g2()} ${g2()} ${g2()} ${g2()}`,
    ]),
  pl: () =>
    pick([
      `+48 ${ri(5, 8)}${digits(2)} ${digits(3)} ${digits(3)}`,
      `${ri(5, 8)}${digits(2)}-${digits(3)}-${digits(3)}`,
      `(22) ${digits(3)} ${g2()} ${g2()}`,
      `+48 12 ${digits(3)} ${g2()} ${g2()}`,
    ]),
  se: () =>
    pick([
      `+46 70 ${digits(3)} ${g2()} ${g2()}`,
      `070-${digits(3)} ${g2()} ${g2()}`,
      `08-${digits(3)} ${digits(3)} ${g2()}`,
      `+46 (0)31 ${digits(3)} ${g2()} ${g2()}`,
    ]),
  tr: () =>
    pick([
      `+90 5${digits(2)} ${digits(3)} ${g2()} ${g2()}`,
      `0 (5${digits(2)}) ${digits(3)} ${g2()} ${g2()}`,
      `0 (212) ${digits(3)} ${g2()} ${g2()}`,
      `05${digits(2)} ${digits(3)} ${digits(4)}`,
    ]),
  cz: () =>
    pick([
      `+420 6${digits(2)} ${digits(3)} ${digits(3)}`,
      `7${digits(2)} ${digits(3)} ${digits(3)}`,
      `+420 2${digits(2)} ${digits(3)} ${digits(3)}`,
    ]),
  ae: () => `+971 5${ri(0, 8)} ${digits(3)} ${digits(4)}`,
  sg: () => `+65 ${pick(['8', '9'])}${digits(3)} ${digits(4)}`,
};
const phone = (cc) => PHONE[cc]();

// ---------------------------------------------------------------- addresses: [line1, line2, ...] joined by ', ' or '\n'
const US_STREETS = [
  'Maple Ridge',
  'Oak',
  'Cedar Hollow',
  'Willow Creek',
  'Lincoln',
  'Washington',
  'Sycamore',
  'Juniper',
  'Magnolia',
  'Elm',
  'Pine Valley',
  'Harrison',
  'Mill Pond',
  'Orchard',
  'Chestnut',
  'Lakeview',
  'Foxglove',
  'Prairie Wind',
  'Birch',
  'Church',
];
const US_CITIES = [
  ['Columbus', 'OH', '432'],
  ['Austin', 'TX', '787'],
  ['Tacoma', 'WA', '984'],
  ['Raleigh', 'NC', '276'],
  ['Boise', 'ID', '837'],
  ['Albany', 'NY', '122'],
  ['Tucson', 'AZ', '857'],
  ['Madison', 'WI', '537'],
  ['Savannah', 'GA', '314'],
  ['Portland', 'OR', '972'],
  ['Burlington', 'VT', '054'],
  ['Des Moines', 'IA', '503'],
  ['Fresno', 'CA', '937'],
  ['Newark', 'NJ', '071'],
  ['Omaha', 'NE', '681'],
  ['Duluth', 'MN', '558'],
  ['Knoxville', 'TN', '379'],
  ['Santa Fe', 'NM', '875'],
  ['Lansing', 'MI', '489'],
  ['Charleston', 'SC', '294'],
];
const UK_STREETS = [
  'Kingsley',
  'Victoria',
  'Station',
  'Church',
  'Mill',
  'Park',
  'Albert',
  'Granby',
  'Hawthorn',
  'Meadow',
  'Chapel',
  'Queens',
  'Beech',
  'Cromwell',
];
const UK_TOWNS = [
  ['Leeds', 'LS6'],
  ['Bristol', 'BS7'],
  ['Manchester', 'M14'],
  ['Glasgow', 'G12'],
  ['Cardiff', 'CF24'],
  ['Norwich', 'NR2'],
  ['York', 'YO10'],
  ['Brighton', 'BN1'],
  ['Edinburgh', 'EH9'],
  ['London', 'N16'],
  ['London', 'SE15'],
  ['Sheffield', 'S11'],
  ['Belfast', 'BT9'],
];
const ukPost = (out) => `${out} ${ri(1, 9)}${str('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
const ADDR = {
  us: () => {
    const [city, st, zp] = pick(US_CITIES);
    const zip = zp + digits(2) + (chance(0.15) ? '-' + digits(4) : '');
    if (chance(0.08)) return [`P.O. Box ${ri(100, 9999)}`, `${city}, ${st} ${zip}`];
    const l1 = `${ri(12, 9899)} ${pick(['N ', 'S ', 'E ', 'W ', '', '', '', ''])}${pick(US_STREETS)} ${pick(['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pl', 'Terrace', 'Pkwy', 'Street', 'Avenue'])}`;
    const unit = pick([
      '',
      '',
      '',
      `Apt ${ri(1, 24)}${pick(['', 'A', 'B', 'C'])}`,
      `Unit ${ri(100, 950)}`,
      `Suite ${ri(100, 900)}`,
      `#${ri(2, 40)}`,
    ]);
    if (unit.startsWith('#')) return [`${l1} ${unit}`, `${city}, ${st} ${zip}`];
    return unit ? [l1, unit, `${city}, ${st} ${zip}`] : [l1, `${city}, ${st} ${zip}`];
  },
  ca: () => [
    `${ri(10, 9999)} ${pick(['Dundas St W', 'Rue Saint-Denis', 'Commercial Dr', 'Bank St', '17 Ave SW'])}`,
    `${pick(['Toronto, ON', 'Montréal, QC', 'Vancouver, BC', 'Ottawa, ON', 'Calgary, AB'])} ${pick(UP.replace(/[DFIOQUWZ]/g, ''))}${ri(1, 9)}${pick(UP.replace(/[DFIOQU]/g, ''))} ${ri(0, 9)}${pick(UP.replace(/[DFIOQU]/g, ''))}${ri(0, 9)}`,
  ],
  uk: () => {
    const [town, out] = pick(UK_TOWNS);
    const l = [
      `${ri(1, 180)} ${pick(UK_STREETS)} ${pick(['Road', 'Street', 'Lane', 'Close', 'Avenue', 'Crescent', 'Gardens', 'Mews', 'Terrace'])}`,
    ];
    if (chance(0.35)) l.unshift(`Flat ${ri(1, 12)}${pick(['', 'a', 'b'])}`);
    l.push(`${town} ${ukPost(out)}`);
    if (chance(0.3)) l.push('United Kingdom');
    return l;
  },
  ie: () => [
    `${pick(['Apt 12', 'Apt 3', 'No. 7', ''])} ${ri(1, 90)} ${pick(['Harbour View', 'Main Street', 'Sea Road', 'Bóthar na Trá'])}`.trim(),
    `${pick(['Salthill, Galway H91', 'Rathmines, Dublin 6 D06', 'Douglas, Cork T12'])} ${str('ACDEFHKNPRTVWXY0123456789', 4)}`,
  ],
  au: () => [
    `${chance(0.4) ? `Unit ${ri(1, 20)}/` : ''}${ri(1, 250)} ${pick(['Bondi Rd', 'Glebe Point Rd', 'Chapel St', 'Brunswick St', 'Hay St', 'Ann St'])}`,
    `${pick(['Bondi NSW 2026', 'Glebe NSW 2037', 'Prahran VIC 3181', 'Fitzroy VIC 3065', 'Perth WA 6000', 'Fortitude Valley QLD 4006'])}`,
  ],
  in: () => [
    `Flat ${ri(101, 904)}, ${pick(['Sai Krupa Apartments', 'Green Glen Layout', 'Prestige Shantiniketan', 'Lodha Amara'])}`,
    `${ri(2, 18)}th Cross, ${pick(['Indiranagar', 'Koramangala', 'Jayanagar'])}`,
    `Bengaluru, Karnataka 5600${pad(ri(1, 99), 2)}`,
  ],
  es: () => {
    const city = pick([
      ['Madrid', '280'],
      ['Barcelona', '080'],
      ['Valencia', '460'],
      ['Sevilla', '410'],
      ['Zaragoza', '500'],
      ['Bilbao', '480'],
      ['Málaga', '290'],
      ['Granada', '180'],
    ]);
    const st = `${pick(['Calle de', 'C/', 'Avda. de', 'Calle', 'Paseo de', 'Plaza de'])} ${pick(['Alcalá', 'la Princesa', 'Bravo Murillo', 'San Vicente Mártir', 'Gran Vía', 'los Reyes Católicos', 'Santa Engracia', 'Ercilla'])} ${ri(1, 240)}`;
    return [
      `${st}, ${ri(1, 9)}º ${pick(['A', 'B', 'C', 'D', 'izda.', 'dcha.'])}`,
      `${city[1]}${pad(ri(1, 50), 2)} ${city[0]}`,
    ];
  },
  fr: () => {
    const city = pick([
      ['Lyon', '6900'],
      ['Paris', '750'],
      ['Marseille', '130'],
      ['Toulouse', '310'],
      ['Nantes', '440'],
      ['Lille', '590'],
      ['Bordeaux', '330'],
      ['Strasbourg', '670'],
      ['Rennes', '350'],
    ]);
    const cp = city[1].length === 4 ? city[1] + ri(1, 9) : city[1] + pad(ri(1, 20), 2);
    const l = [
      `${ri(1, 140)}${pick(['', '', ' bis', ' ter'])} ${pick(['rue des Lilas', 'avenue Jean Jaurès', 'boulevard Voltaire', 'impasse du Moulin', 'allée des Tilleuls', 'place de la République', 'rue de la Paix', 'quai Saint-Vincent', 'chemin des Vignes'])}`,
      `${cp} ${city[0]}`,
    ];
    if (chance(0.3)) l.unshift(pick(['Bât. B, Apt 12', 'Résidence Les Tilleuls', 'Escalier C, 3e étage']));
    return l;
  },
  de: () => {
    const city = pick([
      ['Berlin', () => `1${ri(0, 4)}${digits(3)}`],
      ['Hamburg', () => `2${ri(0, 2)}${digits(3)}`],
      ['München', () => `8${ri(0, 1)}${digits(3)}`],
      ['Köln', () => `5${ri(0, 1)}${digits(3)}`],
      ['Frankfurt am Main', () => `60${digits(3)}`],
      ['Leipzig', () => `04${digits(3)}`],
      ['Dresden', () => `01${digits(3)}`],
      ['Freiburg im Breisgau', () => `79${digits(3)}`],
      ['Stuttgart', () => `70${digits(3)}`],
    ]);
    const l = [
      `${pick(['Hauptstraße', 'Goethestraße', 'Am Lindenhof', 'Kastanienallee', 'Schillerplatz', 'Bergmannstr.', 'Rosenweg', 'Mühlenweg', 'Lindenstraße', 'Karl-Marx-Allee', 'Im Wiesengrund'])} ${ri(1, 180)}${pick(['', '', '', 'a', 'b'])}`,
      `${city[1]()} ${city[0]}`,
    ];
    if (chance(0.15)) l.push('Deutschland');
    return l;
  },
  it: () => {
    const c = pick([
      ['Milano', 'MI', '201'],
      ['Roma', 'RM', '001'],
      ['Torino', 'TO', '101'],
      ['Bologna', 'BO', '401'],
      ['Firenze', 'FI', '501'],
      ['Napoli', 'NA', '801'],
      ['Palermo', 'PA', '901'],
      ['Verona', 'VR', '371'],
    ]);
    const l = [
      `${pick(['Via Giuseppe Garibaldi', 'Corso Vittorio Emanuele II', 'Viale dei Mille', 'Piazza della Repubblica', 'Via Roma', 'Via dei Serragli', 'Via Toledo', 'Largo Augusto'])}${chance(0.5) ? ', ' : ' '}${ri(1, 220)}${pick(['', '', '/A', ' bis'])}`,
      `${c[2]}${pad(ri(0, 60), 2)} ${c[0]} ${chance(0.5) ? `(${c[1]})` : c[1]}`,
    ];
    if (chance(0.25)) l.splice(1, 0, `scala ${pick(['A', 'B', 'C'])}, int. ${ri(1, 30)}`);
    return l;
  },
  pt: () => [
    `${pick(['Rua Augusta', 'Avenida da Liberdade', 'Rua de Santa Catarina', 'Travessa do Carmo', 'Rua Ferreira Borges'])}, ${ri(1, 300)}, ${pick(['2.º Esq.', '1.º Dto.', 'r/c', '4.º B'])}`,
    `${pick(['1100', '1250', '4000', '3000', '4700', '8000'])}-${digits(3)} ${pick(['Lisboa', 'Porto', 'Coimbra', 'Braga', 'Faro'])}`,
  ],
  br: () => {
    const c = pick([
      ['São Paulo', 'SP', '0'],
      ['Rio de Janeiro', 'RJ', '2'],
      ['Belo Horizonte', 'MG', '3'],
      ['Curitiba', 'PR', '8'],
      ['Porto Alegre', 'RS', '9'],
      ['Recife', 'PE', '5'],
      ['Salvador', 'BA', '4'],
    ]);
    return [
      `${pick(['Rua das Flores', 'Avenida Paulista', 'Rua Oscar Freire', 'Rua XV de Novembro', 'Avenida Atlântica', 'Rua da Aurora'])}, ${ri(10, 2500)}${pick(['', ` - Apto ${ri(11, 1504)}`, ` - Bloco B, Apto ${ri(11, 804)}`])}`,
      `${pick(['Pinheiros', 'Copacabana', 'Savassi', 'Centro', 'Boa Vista', 'Moinhos de Vento'])}, ${c[0]} - ${c[1]}`,
      `${c[2]}${digits(4)}-${digits(3)}`,
    ];
  },
  nl: () => {
    const c = pick([
      ['Amsterdam', '10'],
      ['Rotterdam', '30'],
      ['Utrecht', '35'],
      ['Den Haag', '25'],
      ['Groningen', '97'],
      ['Eindhoven', '56'],
      ['Leiden', '23'],
      ['Haarlem', '20'],
    ]);
    return [
      `${pick(['Prinsengracht', 'Oudegracht', 'Kerkstraat', 'Vondellaan', 'Laan van Meerdervoort', 'Herengracht', 'Stationsweg', 'Biltstraat'])} ${ri(1, 400)}${pick(['', '', '-1', '-II', 'A', ' bis', '-hs'])}`,
      `${c[1]}${digits(2)} ${str('ABCDEGHJKLMNPRTVWXZ', 2)} ${c[0]}`,
    ];
  },
  pl: () => {
    const c = pick([
      ['Warszawa', '0', 0, 4],
      ['Kraków', '3', 0, 1],
      ['Gdańsk', '8', 0, 0],
      ['Wrocław', '5', 0, 4],
      ['Poznań', '6', 0, 1],
      ['Łódź', '9', 0, 4],
      ['Lublin', '2', 0, 0],
    ]);
    return [
      `ul. ${pick(['Marszałkowska', 'Długa', 'Piotrkowska', 'Floriańska', 'Świętojańska', 'Kościuszki', 'Mickiewicza', 'Grunwaldzka'])} ${ri(1, 200)}${pick(['', '', `/${ri(1, 80)}`, ` m. ${ri(1, 60)}`])}`,
      `${c[1]}${ri(c[2], c[3])}-${digits(3)} ${c[0]}`,
    ];
  },
  se: () => {
    const c = pick([
      ['Stockholm', '11'],
      ['Göteborg', '41'],
      ['Malmö', '21'],
      ['Uppsala', '75'],
      ['Lund', '22'],
      ['Umeå', '90'],
    ]);
    return [
      `${pick(['Storgatan', 'Drottninggatan', 'Kungsgatan', 'Vasagatan', 'Södra Förstadsgatan', 'Östra Ågatan', 'Björkvägen'])} ${ri(1, 90)}${pick(['', '', 'A', 'B'])}${chance(0.3) ? `, lgh ${ri(1001, 1304)}` : ''}`,
      `${c[1]}${ri(0, 9)} ${g2()} ${c[0]}`,
    ];
  },
  tr: () => {
    const c = pick([
      ['Kadıköy/İstanbul', '347'],
      ['Beşiktaş/İstanbul', '343'],
      ['Çankaya/Ankara', '066'],
      ['Karşıyaka/İzmir', '355'],
      ['Nilüfer/Bursa', '161'],
      ['Muratpaşa/Antalya', '071'],
    ]);
    return [
      `${pick(['Caferağa', 'Moda', 'Bahçelievler', 'Kızılay', 'Bostanlı', 'Ataköy'])} Mah. ${pick(['Atatürk Cad.', 'Bağdat Cad.', 'Gazi Mustafa Kemal Blv.', 'Cumhuriyet Sk.', 'Lale Sk.'])} No: ${ri(1, 250)} ${pick(['D: ', 'Daire: ', 'Kat: 3 D: '])}${ri(1, 24)}`,
      `${c[1]}${digits(2)} ${c[0]}`,
    ];
  },
  cz: () => {
    const c = pick([
      ['Praha 2', '120'],
      ['Praha 10', '100'],
      ['Brno', '602'],
      ['Ostrava', '702'],
      ['Plzeň', '301'],
      ['Olomouc', '779'],
    ]);
    return [
      `${pick(['Vinohradská', 'Korunní', 'Masarykova', 'Nádražní', 'Husova', 'Palackého', 'Dukelských hrdinů'])} ${ri(100, 2500)}/${ri(1, 90)}`,
      `${c[1]} ${g2()} ${c[0]}`,
    ];
  },
  ae: () => [
    `Villa ${ri(1, 90)}, Street ${ri(1, 40)}, ${pick(['Al Barsha 2', 'Jumeirah 1', 'Al Wasl'])}`,
    'Dubai, United Arab Emirates',
  ],
  sg: () => [
    `Blk ${ri(100, 699)} ${pick(['Ang Mo Kio Ave 3', 'Tampines St 21', 'Bedok North Rd'])}, #${pad(ri(2, 16), 2)}-${ri(100, 450)}`,
    `Singapore ${ri(4, 5)}${digits(5)}`,
  ],
};
const addrLines = (cc) => ADDR[cc]();
const addr1 = (cc) => addrLines(cc).join(', ');
const addrML = (cc) => addrLines(cc).join('\n');

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
  tr: ['Ocak', 'Şubat', 'Mart', 'Nisan', 'Mayıs', 'Haziran', 'Temmuz', 'Ağustos', 'Eylül', 'Ekim', 'Kasım', 'Aralık'],
  cs: [
    'ledna',
    'února',
    'března',
    'dubna',
    'května',
    'června',
    'července',
    'srpna',
    'září',
    'října',
    'listopadu',
    'prosince',
  ],
};
const rdate = (y1, y2) => ({ y: ri(y1, y2), m: ri(1, 12), d: ri(1, 28) });
const dobDate = (min = 1938, max = 2007) => rdate(min, max);
function fmtDate(dt, style) {
  const { y, m, d } = dt;
  const D2 = pad(d, 2);
  const M2 = pad(m, 2);
  switch (style) {
    case 'us':
      return `${M2}/${D2}/${y}`;
    case 'usShort':
      return `${m}/${d}/${y}`;
    case 'iso':
      return `${y}-${M2}-${D2}`;
    case 'dmy/':
      return `${D2}/${M2}/${y}`;
    case 'dmy.':
      return `${D2}.${M2}.${y}`;
    case 'dmy-':
      return `${D2}-${M2}-${y}`;
    case 'cz':
      return `${d}. ${m}. ${y}`;
    case 'hl7':
      return `${y}${M2}${D2}`;
    case 'enLong':
      return `${d} ${MONTHS.en[m - 1]} ${y}`;
    case 'usLong':
      return `${MONTHS.en[m - 1]} ${d}, ${y}`;
    case 'enAbbr':
      return `${D2}-${MONTHS.en[m - 1].slice(0, 3).toUpperCase()}-${y}`;
    case 'de':
      return `${d}. ${MONTHS.de[m - 1]} ${y}`;
    case 'es':
      return `${d} de ${MONTHS.es[m - 1]} de ${y}`;
    case 'pt':
      return `${d} de ${MONTHS.pt[m - 1]} de ${y}`;
    default:
      if (MONTHS[style]) return `${d} ${MONTHS[style][m - 1]} ${y}`;
      throw new Error('date style ' + style);
  }
}

// ---------------------------------------------------------------- medical record numbers
const mrn = (style = pick(['d8', 'dash', 'h7', 'e9', 'alpha'])) =>
  fresh(() =>
    ({
      d8: () => pad(ri(100000, 99999999), 8),
      dash: () => `${digits(3)}-${digits(3)}-${digits(3)}`,
      h7: () => `H${ri(1000000, 9999999)}`,
      e9: () => `E${digits(9)}`,
      alpha: () => `${pick(['MRN', 'PT', 'UH', 'SJH'])}-${ri(100000, 999999)}`,
      d6: () => String(ri(100000, 999999)),
      d10: () => String(ri(1000000000, 9999999999)),
    })[style](),
  );

// ---------------------------------------------------------------- a person bundle
function who(cc, opts = {}) {
  const nm = opts.cult ? name(opts.cult) : personName(cc);
  const dom = opts.domain ?? pick(MAIL_DOMAINS[cc]);
  return {
    ...nm,
    name: nm.full,
    email: emailFor(nm, dom),
    phone: phone(opts.phoneCc ?? cc),
    lines: addrLines(opts.addrCc ?? cc),
    get addr() {
      return this.lines.join(', ');
    },
    get addrML() {
      return this.lines.join('\n');
    },
    dob: dobDate(opts.minYear, opts.maxYear),
  };
}

// ---------------------------------------------------------------- misc non-PII look-alikes
const uuid = () =>
  `${str(HEX, 8)}-${str(HEX, 4)}-4${str(HEX, 3)}-${pick(['8', '9', 'a', 'b'])}${str(HEX, 3)}-${str(HEX, 12)}`;
const hexid = (n) => str(HEX, n);
const vin = () => str('ABCDEFGHJKLMNPRSTUVWXYZ0123456789', 17);
// thousands grouping without Intl, so the output does not depend on the ICU build
const group = (n, sep) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
const money = (a, b) => `${group(ri(a, b), ',')}.${pad(ri(0, 99), 2)}`;
const moneyEu = (a, b) => `${group(ri(a, b), '.')},${pad(ri(0, 99), 2)}`;
// long digit strings that are deliberately NOT valid card numbers
const nonLuhn = (n) => {
  for (;;) {
    const s = String(ri(1, 9)) + digits(n - 1);
    if (!luhnOk(s)) return s;
  }
};
const DNI_L = 'TRWAGMYFPDXBNJZSQVHLCKE';
const dni = () => {
  const n = ri(10000000, 99999999);
  return `${n}${DNI_L[n % 23]}`;
};
const nie = () => {
  const p = ri(0, 2);
  const n = ri(1000000, 9999999);
  return `${'XYZ'[p]}${n}${DNI_L[Number(`${p}${n}`) % 23]}`;
};
const cpf = () => `${digits(3)}.${digits(3)}.${digits(3)}-${digits(2)}`;
const pesel = (dt) => `${pad(dt.y % 100, 2)}${pad(dt.m + (dt.y >= 2000 ? 20 : 0), 2)}${pad(dt.d, 2)}${digits(5)}`;
const tckn = () => `${ri(1, 9)}${digits(10)}`;

// ---------------------------------------------------------------- template registry
const TEMPLATES = [];
const T = (id, meta, fn) => TEMPLATES.push({ id, n: 4, neg: false, ...meta, fn });

// ================================================================= insurance
T('ins-auto-fnol-us', { domain: 'insurance', lang: 'en' }, () => {
  const c = who('us');
  const o = who('us');
  return D`FIRST NOTICE OF LOSS — PERSONAL AUTO
Claim #: CLM-${ri(2023, 2025)}-${digits(7)}    Policy: PAP ${digits(3)}-${digits(4)}-${digits(2)}
Date of loss: ${fmtDate(rdate(2024, 2025), 'us')}    Reported via: phone (IVR transfer)

Insured driver: ${PER(c.name)}
DOB: ${DOB(fmtDate(c.dob, pick(['us', 'usShort'])))}
Garaging address: ${ADR(c.addr)}
Best contact: ${PH(c.phone)} / ${EM(c.email)}

Other party: ${PER(o.name)}, ${PH(o.phone)} (carrier: ${pick(['Progressive', 'GEICO', 'State Farm', 'Allstate'])}, policy # unknown)
Vehicle: ${ri(2012, 2024)} ${pick(['Honda Civic', 'Ford F-150', 'Toyota RAV4', 'Subaru Outback', 'Tesla Model 3'])}, VIN ${vin()}
Narrative: Insured was stopped at the light on ${pick(['Lincoln Ave', 'Route 9', 'Main St', 'Washington Blvd'])} when OV struck the rear bumper. Police report #${digits(8)}. No injuries reported at scene; tow to ${pick(['Caliber Collision', 'Gerber Collision', 'Maaco'])}.`;
});

T('ins-adjuster-notes-us', { domain: 'insurance', lang: 'en' }, () => {
  const c = who('us');
  const k = who('us');
  const day = { ...rdate(2025, 2025), d: ri(1, 25) };
  const d = (off) => fmtDate({ ...day, d: day.d + off }, 'usShort');
  const adj = pick(['KLM', 'RTB', 'JWS', 'AMV']);
  return D`CLAIM FILE NOTES — HO-${digits(8)} (water, sudden & accidental)
${d(0)} 09:14 ${adj}: Called insured ${PER(c.name)} at ${PH(c.phone)}, no answer, left VM w/ callback #.
${d(0)} 13:52 ${adj}: Insured returned call. ID verified with SSN ${SSN(ssn())} and DOB ${DOB(fmtDate(c.dob, 'us'))}. States supply line under kitchen sink failed overnight at risk location ${ADR(c.addr)}. Mitigation vendor on site since 11am.
${d(1)} 10:30 ${adj}: Recorded statement taken (14 min). Insured's contractor is ${PER(k.name)} of ${pick(['Hill Country Restoration', 'Baker Brothers Plumbing', 'Summit Renovations LLC'])}, cell ${PH(k.phone)}, ${EM(k.email)}.
${d(2)} 16:05 ${adj}: Reserve set at $${money(8000, 42000)}. Payment by ACH once insured emails voided check; do NOT accept bank details by phone.
${d(3)} 08:40 ${adj}: Diary 14 days. Ref. ticket ${uuid()}.`;
});

T('ins-kfz-schaden-de', { domain: 'insurance', lang: 'de' }, () => {
  const v = who('de');
  const g = who('de');
  const city = v.lines[1].replace(/^\d+ /, '');
  return D`Schadenmeldung Kfz-Haftpflicht
Schaden-Nr.: KH-${ri(2024, 2025)}-${digits(7)}   Vers.-Schein-Nr.: ${digits(3)}.${digits(6)}-${ri(1, 9)}

Versicherungsnehmer/in: ${PER(v.name)}
geb. am: ${DOB(fmtDate(v.dob, 'dmy.'))}
Anschrift: ${ADR(v.addr)}
Telefon (tagsüber): ${PH(v.phone)}
E-Mail: ${EM(v.email)}

Unfallort: Kreuzung Goethestraße / Schillerplatz, ${city}
Unfallgegner: ${PER(g.name)}, Kennzeichen ${pick(['B', 'HH', 'M', 'K', 'F', 'L'])}-${str(UP, 2)} ${ri(10, 9999)}, Tel. ${PH(g.phone)}
Schadenhergang: Der Unfallgegner hat beim Ausparken mein stehendes Fahrzeug an der Fahrertür beschädigt. Polizei war vor Ort (Tagebuch-Nr. ${digits(4)}/${ri(24, 25)}).

Bankverbindung für die Regulierung:
IBAN ${IBN(iban('DE', true))}
Kontoinhaber: ${PER(v.name)}`;
});

T('ins-sinistre-habitation-fr', { domain: 'insurance', lang: 'fr' }, () => {
  const a = who('fr');
  const n = who('fr');
  const civ = pick(['M.', 'Mme']);
  return D`DÉCLARATION DE SINISTRE — MULTIRISQUE HABITATION
Contrat n° MRH${digits(9)}    Réf. dossier : SIN/${ri(2024, 2025)}/${digits(6)}

Assuré(e) : ${civ} ${PER(a.name)}
Né(e) le : ${DOB(fmtDate(a.dob, pick(['dmy/', 'fr'])))}
Adresse du risque :
${ADR(a.addrML)}
Tél. : ${PH(a.phone)} — Courriel : ${EM(a.email)}

Nature du sinistre : dégât des eaux constaté le ${fmtDate(rdate(2025, 2025), 'fr')} (fuite provenant de l'appartement du dessus, occupé par ${pick(['M.', 'Mme'])} ${PER(n.name)}, tél. ${PH(n.phone)}).
Constat amiable signé : oui. Photos jointes (12).
RIB pour l'indemnisation : ${IBN(iban('FR', true))}

Fait à ${pick(['Lyon', 'Nantes', 'Lille', 'Rennes'])}, le ${fmtDate(rdate(2025, 2025), 'dmy/')}.`;
});

// ================================================================= real estate / tenancy
T('re-lease-us', { domain: 'real-estate', lang: 'en' }, () => {
  const l = who('us');
  const t1 = who('us');
  const t2 = who('us');
  const start = rdate(2025, 2025);
  return D`RESIDENTIAL LEASE AGREEMENT (excerpt, page 1 of 9)

This Lease is made on ${fmtDate(start, 'usLong')} between ${PER(l.name)} ("Landlord") and ${PER(t1.name)} and ${PER(t2.name)} (jointly, "Tenants").

1. PREMISES. Landlord leases to Tenants the dwelling at ${ADR(t1.addr)}, including parking space #${ri(1, 60)} and storage cage ${str(UP, 1)}${ri(1, 30)}.
2. TERM. Twelve (12) months beginning ${fmtDate({ ...start, d: 1 }, 'us')}.
3. RENT. $${money(1200, 3900)} per month, due on the 1st, payable by Zelle to ${EM(l.email)} or by check mailed to ${ADR(l.addr)}.
4. SECURITY DEPOSIT. One month's rent, held at ${pick(['Wells Fargo', 'Chase', 'Bank of America'])} per state law.
17. NOTICES. Landlord: ${PH(l.phone)}. Tenants: ${PH(t1.phone)} (${PER(t1.given)}), ${PH(t2.phone)} (${PER(t2.given)}).

Screening addendum — Tenant 1 SSN: ${SSN(ssn())}   Tenant 2 SSN: ${SSN(ssn())}`;
});

T('re-arrendamiento-es', { domain: 'real-estate', lang: 'es' }, () => {
  const a = who('es');
  const b = who('es');
  const city = pick(['Madrid', 'Valencia', 'Sevilla', 'Bilbao']);
  return D`CONTRATO DE ARRENDAMIENTO DE VIVIENDA

En ${city}, a ${fmtDate(rdate(2025, 2025), 'es')}.

REUNIDOS
De una parte, D.ª ${PER(a.name)}, mayor de edad, con DNI ${NID(dni())} y domicilio en ${ADR(a.addr)}, en adelante «la ARRENDADORA».
De otra parte, D. ${PER(b.name)}, nacido el ${DOB(fmtDate(b.dob, 'dmy/'))}, con NIE ${NID(nie())}, teléfono ${PH(b.phone)} y correo electrónico ${EM(b.email)}, en adelante «el ARRENDATARIO».

CLÁUSULAS
PRIMERA.- Objeto. La arrendadora cede en arrendamiento la vivienda sita en ${ADR(addr1('es'))}, con referencia catastral ${digits(7)}${str(UP, 2)}${digits(4)}${str(UP, 1)}${digits(4)}${str(UP, 2)}.
TERCERA.- Renta. La renta anual se fija en ${ri(8, 22)}.${ri(100, 999)} euros, pagaderos por meses anticipados mediante transferencia a la cuenta ${IBN(iban('ES'))}, de la que es titular la arrendadora.
DECIMOQUINTA.- Notificaciones: a los domicilios arriba indicados o por correo electrónico.`;
});

T('re-huur-nl', { domain: 'real-estate', lang: 'nl' }, () => {
  const v = who('nl');
  const h = who('nl');
  return D`HUUROVEREENKOMST WOONRUIMTE (model ROZ 2024)

De ondergetekenden:
1. ${PER(v.name)}, wonende te ${ADR(v.addr)}, hierna te noemen 'verhuurder';
2. ${PER(h.name)}, geboren op ${DOB(fmtDate(h.dob, pick(['nl', 'dmy-'])))}, tel. ${PH(h.phone)}, e-mail ${EM(h.email)}, hierna te noemen 'huurder';

Artikel 1 — Het gehuurde
1.1 Verhuurder verhuurt aan huurder de zelfstandige woonruimte gelegen aan ${ADR(addr1('nl'))}, kadastraal bekend als gemeente ${pick(['Utrecht', 'Leiden', 'Haarlem'])}, sectie ${str(UP, 1)}, nummer ${ri(1000, 9999)}.
Artikel 4 — Betalingsverplichting
4.1 De huurprijs bedraagt € ${ri(950, 2400)},00 per maand en wordt vóór de eerste dag van de maand overgemaakt op ${IBN(iban('NL'))} t.n.v. ${PER(v.name)}.
4.3 De waarborgsom bedraagt twee maanden kale huur.`;
});

T('re-rental-application-uk', { domain: 'real-estate', lang: 'en-GB' }, () => {
  const a = who('uk');
  const g = who('uk');
  return D`TENANT REFERENCING — APPLICATION FORM
Agency ref: ${str(UP, 3)}/${digits(5)}   Property: 2-bed flat, ${pick(['Headingley', 'Clifton', 'Didsbury', 'Roath'])}

Applicant: ${pick(['Mr', 'Ms', 'Mx', 'Dr'])} ${PER(a.name)}
Date of birth: ${DOB(fmtDate(a.dob, 'enLong'))}
Current address (since ${MONTHS.en[ri(0, 11)]} ${ri(2019, 2023)}):
${ADR(a.addrML)}
Previous address: ${ADR(addr1('uk'))}
Mobile: ${PH(a.phone)}   Email: ${EM(a.email)}
Employer: ${pick(['Marks & Spencer plc', 'NHS Leeds Teaching Hospitals', 'Rolls-Royce Holdings', 'Greggs'])} — ${pick(['Store Manager', 'Staff Nurse', 'Test Engineer', 'Area Supervisor'])}, £${ri(24, 68)},${ri(100, 999)} p.a.
Guarantor: ${PER(g.name)} (${pick(['mother', 'father', 'aunt', 'former employer'])}), ${PH(g.phone)}
Right to Rent share code: ${str('ABCDEFGHJKLMNPRSTUVWXYZ23456789', 3)} ${str('ABCDEFGHJKLMNPRSTUVWXYZ23456789', 3)} ${str('ABCDEFGHJKLMNPRSTUVWXYZ23456789', 3)}`;
});

// ================================================================= education
const codiceFiscale = () =>
  `${str(UP, 6)}${digits(2)}${pick('ABCDEHLMPRST'.split(''))}${digits(2)}${str(UP, 1)}${digits(3)}${str(UP, 1)}`;
T('edu-transcript-request-us', { domain: 'education', lang: 'en' }, () => {
  const s = who('us', { minYear: 1975, maxYear: 2003 });
  const former = `${s.given} ${pick(NAMES.en.f)}`;
  return D`Registrar's Office — Transcript Request (web form #${digits(6)})
Submitted: ${fmtDate(rdate(2025, 2025), 'us')} ${ri(8, 19)}:${pad(ri(0, 59), 2)}

Student name: ${PER(s.name)}
Former name(s) while enrolled: ${PER(former)}
Student ID: ${XID(`${ri(900, 999)}${digits(6)}`)}
Date of birth: ${DOB(fmtDate(s.dob, 'us'))}
Last 4 of SSN (optional): ${digits(4)}
Dates of attendance: Fall ${ri(1995, 2015)} – Spring ${ri(2016, 2020)}   Degree: B.S. ${pick(['Mechanical Engineering', 'Nursing', 'Accounting', 'Biology'])}
Deliver official PDF to: ${EM(s.email)}
Mail sealed paper copy to:
${ADR(s.addrML)}
Daytime phone: ${PH(s.phone)}
Fee: $15.00 paid, ${pick(['Visa', 'Mastercard', 'Amex'])} ending in ${digits(4)}, auth code ${str(UP + DIG, 6)}`;
});

T('edu-iscrizione-it', { domain: 'education', lang: 'it' }, () => {
  const k = who('it', { minYear: 2015, maxYear: 2020 });
  const p1 = who('it');
  const p2 = { ...name(pick(CULTURES.it)), phone: phone('it') };
  const scuola = pick(['Giovanni Pascoli', 'Maria Montessori', 'Gianni Rodari', 'Grazia Deledda', 'Leonardo da Vinci']);
  return D`MODULO DI ISCRIZIONE — Scuola Primaria «${scuola}» — a.s. ${ri(2025, 2026)}/${ri(2026, 2027)}

DATI DELL'ALUNNO/A
Cognome e nome: ${PER(`${k.family} ${k.given}`)}
Nato/a a ${pick(['Bologna', 'Verona', 'Napoli', 'Torino'])} il ${DOB(fmtDate(k.dob, 'dmy/'))}
Codice fiscale: ${NID(codiceFiscale())}
Residente in: ${ADR(k.addr)}

DATI DEI GENITORI / TUTORI
Genitore 1: ${PER(p1.name)} — cellulare ${PH(p1.phone)} — e-mail ${EM(p1.email)}
Genitore 2: ${PER(p2.full)} — tel. ${PH(p2.phone)}
Tempo scuola richiesto: [x] 40 ore (tempo pieno)   [ ] 27 ore
Allergie / intolleranze alimentari: ${pick(['nessuna', 'frutta a guscio', 'lattosio'])}
Servizio pre-scuola dalle 7:30: ${pick(['sì', 'no'])}`;
});

T('edu-stypendium-pl', { domain: 'education', lang: 'pl' }, () => {
  const s = who('pl', { minYear: 1999, maxYear: 2006 });
  const m = name('pl');
  const o = name('pl');
  return D`WNIOSEK O PRZYZNANIE STYPENDIUM SOCJALNEGO — rok akademicki 2025/2026
Wydział ${pick(['Mechaniczny', 'Prawa i Administracji', 'Chemii', 'Filologiczny'])}, kierunek: ${pick(['Automatyka i robotyka', 'Prawo', 'Biotechnologia', 'Filologia angielska'])}

Imię i nazwisko studenta: ${PER(s.name)}
Nr albumu: ${ri(100000, 399999)}
PESEL: ${NID(pesel(s.dob))}
Data urodzenia: ${DOB(fmtDate(s.dob, 'dmy.'))}
Adres stałego zamieszkania: ${ADR(s.addr)}
Telefon: ${PH(s.phone)}   E-mail: ${EM(s.email)}
Numer rachunku bankowego do wypłaty stypendium: ${IBN(iban('PL', true))}

Skład rodziny studenta:
1. ${PER(m.full)} — matka
2. ${PER(o.full)} — ojciec
Dochód netto na osobę w rodzinie: ${ri(800, 1600)},${pad(ri(0, 99), 2)} zł`;
});

T('edu-teacher-email', { domain: 'education', lang: 'en' }, () => {
  const t = who('us', { domain: pick(['lincolnusd.org', 'mapleridge.k12.or.us', 'stjudeschool.org']) });
  const p = who('us');
  const kid = pick(['Ava', 'Noah', 'Liam', 'Mia', 'Hunter', 'Grace']);
  const dt = fmtDate(rdate(2025, 2025), 'usLong');
  return D`From: ${PER(t.name)} <${EM(t.email)}>
To: ${PER(p.name)} <${EM(p.email)}>
Subject: RE: ${PER(kid)}'s absence + science fair form
Date: ${dt}

Hi ${PER(p.given)},

Thanks for letting me know. ${PER(kid)} can make up the Unit 4 quiz on Tuesday during study hall. The science fair permission slip is due Friday; I attached a blank copy (the sample on page 2 shows "Jane Doe" — just replace with your info).

Best,
${PER(t.name)}
Grade 5, Room 214
Direct line: ${PH(t.phone)}

> On ${dt}, ${PER(p.name)} <${EM(p.email)}> wrote:
> Hello, ${PER(kid)} had a fever and will be out tomorrow. You can reach me on my cell ${PH(p.phone)} if anything comes up.
> Thanks, ${PER(p.given)}`;
});

// ================================================================= government / tax
T('gov-w9-us', { domain: 'government-tax', lang: 'en' }, () => {
  const p = who('us');
  const biz = `${p.family} ${pick(['Consulting LLC', 'Landscaping', 'Design Studio', '& Sons Roofing'])}`;
  return D`Form W-9 (Rev. March 2024) — Request for Taxpayer Identification Number and Certification
1 Name of entity/individual: ${PER(p.name)}
2 Business name/disregarded entity name, if different from above: ${biz}
3a Federal tax classification: [X] Individual/sole proprietor  [ ] C corp  [ ] S corp  [ ] Partnership
4 Exemptions: (codes apply only to certain entities) — none
5-6 Address, city, state, and ZIP code: ${ADR(p.addr)}
7 List account number(s) here (optional): VND-${digits(5)}

Part I  Taxpayer Identification Number (TIN)
Social security number: ${SSN(ssn(pick(['-', ' '])))}
Employer identification number: (blank)

Part II  Certification
Signature of U.S. person: /s/ ${PER(p.name)}     Date: ${fmtDate(rdate(2025, 2025), 'us')}
Requester: accounts payable, fax or email to ${EM(`ap@${pick(['northwindtraders', 'contoso', 'fabrikam'])}.com`)}`;
});

T('gov-cp2000-reply-us', { domain: 'government-tax', lang: 'en' }, () => {
  const a = who('us');
  const b = { ...name(pick(CULTURES.us)) };
  const nd = rdate(2025, 2025);
  return D`${PER(a.name)}
${ADR(a.addrML)}

${fmtDate({ ...nd, m: Math.min(nd.m + 1, 12) }, 'usLong')}

Internal Revenue Service
${LOC('Austin, TX 73301-0010')}

Re: Notice CP2000 dated ${fmtDate(nd, 'usLong')} — Tax year ${ri(2022, 2023)}
Taxpayers: ${PER(a.name)} and ${PER(b.full)}
SSNs: ${SSN(ssn('-'))} / ${SSN(ssn('-'))}
Daytime phone: ${PH(a.phone)}

To whom it may concern:
We disagree with the proposed change. The Form 1099-NEC from ${pick(['Johnson Controls', 'Ben & Jerry’s Homemade', 'Sherwin-Williams', 'Harley-Davidson Motor Co.'])} ($${money(2000, 9000)}) was already reported on Schedule C, line 1. A copy of the return page is enclosed (page 3 of 7, notice CP2000, control number ${digits(4)}${str(UP, 1)}).
Please send any further correspondence to the address above.

Sincerely,
${PER(a.name)}`;
});

T('gov-iptu-br', { domain: 'government-tax', lang: 'pt-BR' }, () => {
  const r = who('br', { minYear: 1940, maxYear: 1965 });
  const dr = name('br');
  return D`PREFEITURA MUNICIPAL — SECRETARIA MUNICIPAL DA FAZENDA
REQUERIMENTO DE ISENÇÃO DE IPTU — Protocolo nº ${digits(6)}/${ri(2025, 2026)}

Requerente: ${PER(r.name)}
CPF: ${NID(cpf())}   RG: ${NID(`${digits(2)}.${digits(3)}.${digits(3)}-${ri(0, 9)}`)}
Data de nascimento: ${DOB(fmtDate(r.dob, 'dmy/'))}
Endereço do imóvel: ${ADR(r.addr)}
Inscrição imobiliária: ${digits(3)}.${digits(3)}.${digits(4)}-${ri(0, 9)}
Telefone: ${PH(r.phone)}   E-mail: ${EM(r.email)}

Fundamentação: aposentado(a) com renda mensal inferior a dois salários mínimos, proprietário(a) de um único imóvel (Lei Complementar nº ${ri(100, 999)}/20${ri(10, 22)}). Segue anexo laudo médico emitido pelo Dr. ${PER(dr.full)}, CRM-${pick(['SP', 'RJ', 'MG'])} ${ri(10000, 199999)}.
Nestes termos, pede deferimento.`;
});

T('gov-skatteverket-se', { domain: 'government-tax', lang: 'sv' }, () => {
  const p = who('se');
  const pn = `${p.dob.y}${pad(p.dob.m, 2)}${pad(p.dob.d, 2)}-${digits(4)}`;
  return D`Skatteverket — Ansökan om ändrad preliminär skatt (SKV 4314)
Inkomstår ${ri(2025, 2026)}

Namn: ${PER(p.name)}
Personnummer: ${NID(pn)}
Adress: ${ADR(p.addr)}
Telefon dagtid: ${PH(p.phone)}
E-post: ${EM(p.email)}

Beräknad inkomst av tjänst: ${ri(380, 720)} 000 kr
Avdrag för resor till och från arbetet: ${ri(8, 30)} 000 kr
Skäl: byte av arbetsgivare från ${pick(['Volvo Cars', 'IKEA of Sweden AB', 'Ericsson'])} den 1 ${MONTHS.sv[ri(0, 11)]}.
Eventuell återbetalning till kontot: ${IBN(iban('SE'))}

Underskrift: ${PER(p.name)}    Datum: ${fmtDate(rdate(2025, 2025), 'iso')}`;
});

// ================================================================= legal
T('legal-demand-letter-us', { domain: 'legal', lang: 'en' }, () => {
  const r = who('us');
  const c = who('us');
  const at = who('us', { domain: pick(['hartleypruitt.com', 'lowe-baker-law.com', 'mcallisterfirm.com']) });
  const firm = pick(['Hartley, Pruitt & Lowe LLP', 'Baker McAllister PLLC', 'Church & Frost, Attorneys at Law']);
  const title = pick(['Mr.', 'Ms.', 'Mx.']);
  return D`${firm}
${ADR(addr1('us'))}
Tel ${PH(at.phone)}

VIA CERTIFIED MAIL (RRR ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)}) AND EMAIL (${EM(r.email)})

${fmtDate(rdate(2025, 2025), 'usLong')}

${title} ${PER(r.name)}
${ADR(r.addrML)}

Re: Demand for return of security deposit — Our client: ${PER(c.name)}

Dear ${title} ${PER(r.family)}:

This firm represents ${PER(c.name)}, your former tenant. Under the lease dated ${fmtDate(rdate(2022, 2024), 'usLong')}, you were required to return the deposit of $${money(1500, 4000)} within 21 days. More than 60 days have passed. Unless payment is received within ten (10) days, we are instructed to file in small claims court without further notice.

Please direct all communication to the undersigned at ${PH(at.phone)} or ${EM(at.email)}. Do not contact our client directly.

Very truly yours,
${PER(at.name)}, Esq.`;
});

T('legal-complaint-caption-ca', { domain: 'legal', lang: 'en' }, () => {
  const at = who('us', { domain: pick(['frostlegal.com', 'wiselaw.net', 'pagebell.law']) });
  const pl = personName('us');
  const up = pl.full.toUpperCase();
  const county = pick(['ALAMEDA', 'SAN DIEGO', 'SACRAMENTO', 'FRESNO']);
  return D`${PER(at.name)} (SBN ${ri(150000, 349999)})
${EM(at.email)}
${pick(['FROST & PAGE LLP', 'WISE LAW GROUP, APC', 'BELL STONE LLP'])}
${ADR(addrML('us'))}
Telephone: ${PH(at.phone)}

Attorneys for Plaintiff ${PER(up)}

SUPERIOR COURT OF THE STATE OF CALIFORNIA
FOR THE COUNTY OF ${county}

${PER(up)}, an individual,
                Plaintiff,
        v.
${pick(['GRACE HOLDINGS', 'WILL & HUNTER LOGISTICS', 'SYDNEY AUSTIN PROPERTY MGMT'])}, INC., a Delaware corporation; and DOES 1 through 25, inclusive,
                Defendants.

Case No. ${ri(22, 25)}CV${digits(6)}
COMPLAINT FOR DAMAGES: (1) WRONGFUL TERMINATION; (2) FEHA RETALIATION
JURY TRIAL DEMANDED

1. Plaintiff ${PER(pl.full)} ("Plaintiff") is, and at all relevant times was, an individual residing in the County of ${county[0] + county.slice(1).toLowerCase()}.
2. Plaintiff is ignorant of the true names of defendants sued herein as DOES 1 through 25 and therefore sues them by such fictitious names.`;
});

T('legal-anwaltsschreiben-de', { domain: 'legal', lang: 'de' }, () => {
  const e = who('de');
  const m = who('de');
  const ra = who('de', { domain: pick(['kanzlei-hoffmann-krueger.de', 'ra-becker.de', 'wagner-partner.de']) });
  const frau = chance(0.5);
  return D`Rechtsanwälte ${pick(['Hoffmann & Krüger PartG mbB', 'Becker Wagner Neumann', 'Fuchs · Hartmann · Böhm'])}
${ADR(addr1('de'))} · Tel. ${PH(ra.phone)} · ${EM(ra.email)}

${frau ? 'Frau' : 'Herrn'}
${PER(e.name)}
${ADR(e.addrML)}

Unser Zeichen: ${ri(100, 999)}/${ri(24, 25)} ${str(UP, 2)}          ${pick(['Leipzig', 'Köln', 'Hamburg'])}, den ${fmtDate(rdate(2025, 2025), 'dmy.')}

Forderung unserer Mandantin ${PER(m.name)} aus dem Kaufvertrag vom ${fmtDate(rdate(2024, 2025), 'de')}

Sehr geehrte${frau ? ' Frau' : 'r Herr'} ${PER(e.family)},

wir zeigen an, dass uns ${PER(m.name)} mit der Wahrnehmung ihrer Interessen beauftragt hat. Ordnungsgemäße Bevollmächtigung wird anwaltlich versichert.
Der Kaufpreis für das gebrauchte E-Bike (Rechnung Nr. ${ri(2024, 2025)}-${digits(4)}) in Höhe von ${moneyEu(900, 3200)} € ist trotz Mahnung offen. Wir fordern Sie auf, den Betrag bis zum ${fmtDate(rdate(2025, 2025), 'dmy.')} auf unser Anderkonto
IBAN: ${IBN(iban('DE', true))}
zu überweisen.

Mit freundlichen Grüßen
${PER(ra.name)}
Rechtsanwältin`;
});

T('legal-diffida-it', { domain: 'legal', lang: 'it' }, () => {
  const d = who('it');
  const c = who('it');
  const av = who('it', { domain: pick(['pec.avvocatimilano.it', 'legalmail.it', 'pec.ordineavvocatiroma.it']) });
  return D`Avv. ${PER(av.name)}
Patrocinante in Cassazione
Studio: ${ADR(addr1('it'))} — tel. ${PH(av.phone)} — PEC ${EM(av.email)}

Spett.le
Sig. ${PER(d.name)}
${ADR(d.addrML)}
a mezzo PEC: ${EM(d.email)}

Oggetto: diffida ad adempiere e costituzione in mora ex art. 1219 c.c.

Egregio Signore,
scrivo in nome e per conto del Sig. ${PER(c.name)} (C.F. ${NID(codiceFiscale())}), nato il ${DOB(fmtDate(c.dob, 'dmy/'))}, che mi ha conferito mandato.
Con la presente La diffido a corrispondere, entro e non oltre quindici giorni dal ricevimento, la somma di € ${moneyEu(1500, 9000)} relativa alla fattura n. ${ri(10, 300)}/${ri(2024, 2025)}, mediante bonifico sul conto intestato al mio assistito, IBAN ${IBN(iban('IT'))}.
In difetto, sarò costretto ad adire le vie legali senza ulteriore avviso.

Distinti saluti.
Avv. ${PER(av.name)}`;
});

// ================================================================= travel
const airName = (n) =>
  `${translit(n.family).toUpperCase().replace(/ /g, '')}/${translit(n.given).toUpperCase().replace(/ /g, '')}`;
T('travel-eticket', { domain: 'travel', lang: 'en' }, () => {
  const p1 = who(pick(['us', 'uk', 'de', 'nl', 'pl', 'in']));
  const p2 = name(pick(CULTURES.us));
  const al = pick([
    ['LH', 'Lufthansa'],
    ['KL', 'KLM'],
    ['IB', 'Iberia'],
    ['TP', 'TAP Air Portugal'],
    ['LO', 'LOT Polish Airlines'],
  ]);
  const d1 = rdate(2025, 2026);
  return D`ELECTRONIC TICKET ITINERARY / RECEIPT
Booking reference: ${str('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 6)}    Issued by: ${al[1]}    Date of issue: ${fmtDate(rdate(2025, 2025), 'enAbbr')}

PASSENGER                          TICKET NUMBER       FREQUENT FLYER
${PER(airName(p1))} ${pick(['MR', 'MS', 'MRS', 'DR'])}             ${ri(100, 299)} ${digits(10)}      ${al[0]} ${digits(9)}
${PER(airName(p2))} ${pick(['MR', 'MS', 'MSTR', 'MISS'])}             ${ri(100, 299)} ${digits(10)}      -

FLIGHT   DATE     FROM                TO                  DEP    ARR    CLASS  BAGS
${al[0]} ${ri(100, 1999)}  ${fmtDate(d1, 'enAbbr')}  ${pick(['FRA Frankfurt', 'AMS Amsterdam', 'MAD Madrid', 'WAW Warsaw'])}  ${pick(['SYD Sydney', 'AUS Austin', 'JFK New York', 'ORD Chicago'])}  ${pad(ri(6, 22), 2)}:${pad(ri(0, 59), 2)}  ${pad(ri(6, 22), 2)}:${pad(ri(0, 59), 2)}  Y      1PC

Contact (APIS): ${EM(p1.email)} / ${PH(p1.phone)}
Form of payment: CC ${pick(['VI', 'CA', 'AX'])}XXXXXXXXXXXX${digits(4)}   Total: EUR ${moneyEu(400, 2400)}
Endorsements: NON-REF / CHG FEE APPLIES. Baggage policy: see ${al[1].toLowerCase().replace(/ /g, '')}.com/baggage`;
});

T('travel-hotel-folio-fr', { domain: 'travel', lang: 'fr' }, () => {
  const g = who(pick(['fr', 'fr', 'de', 'it', 'uk']));
  const arr = { ...rdate(2025, 2025), d: ri(1, 22) };
  const nights = ri(1, 5);
  const cn = cardNumber();
  return D`HÔTEL ${pick(['BEAU RIVAGE', 'LES AUGUSTINS', 'DU PARC', 'CÉSAR'])} ★★★★ — ${pick(['Lyon', 'Bordeaux', 'Nice', 'Strasbourg'])}
FACTURE / INVOICE N° ${ri(2025, 2025)}-${digits(6)}    Folio ${digits(5)}

Client / Guest : ${pick(['M.', 'Mme', 'Mr', 'Ms'])} ${PER(g.name)}
Adresse / Address :
${ADR(g.addrML)}
Tél. : ${PH(g.phone)}    E-mail : ${EM(g.email)}
Chambre / Room : ${ri(101, 618)}   Arrivée : ${fmtDate(arr, 'dmy/')}   Départ : ${fmtDate({ ...arr, d: arr.d + nights }, 'dmy/')}

Date        Description                          Montant (EUR)
${fmtDate(arr, 'dmy/')}  Hébergement / Room (${nights} nuit(s))       ${moneyEu(180, 900)}
${fmtDate(arr, 'dmy/')}  Taxe de séjour                       ${ri(2, 12)},${pad(ri(0, 99), 2)}
${fmtDate(arr, 'dmy/')}  Bar — Kir royal x2, Peach Melba        ${ri(20, 45)},00

Garantie (saisie réception) : ${brandName(cn)} ${CC(fmtCard(cn))} exp. ${pad(ri(1, 12), 2)}/${ri(26, 30)}
Règlement / Payment : carte bancaire — TVA ${pick(['FR', 'FR'])}${digits(11)}`;
});

T('travel-airbnb-chat-es', { domain: 'travel', lang: 'es' }, () => {
  const h = who('es');
  const g = who(pick(['es', 'es', 'fr', 'de', 'uk']));
  const s = name(pick(CULTURES.es));
  const hh = `${pad(ri(9, 13), 2)}:${pad(ri(10, 50), 2)}`;
  return D`Mensajes · Reserva ${str('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 10)} · ${ri(2, 6)} huéspedes

${PER(h.given)} (Anfitrión) · ${hh}
¡Hola ${PER(g.given)}! Bienvenidos. La dirección exacta es ${ADR(h.addr)}. La llave está en el cajetín junto al portal; el código te lo mando el mismo día.
La red wifi es "${pick(['MOVISTAR_', 'DIGI_', 'vodafone'])}${str(UP + DIG, 4)}" y la contraseña: ${PW(password(pick(['word', 'rand', 'leet'])))}

${PER(g.name)} · ${hh}
Genial, muchas gracias. Llegamos sobre las 20h en el AVE desde ${pick(['Sevilla', 'Madrid', 'Barcelona'])}. Mi móvil es ${PH(g.phone)} por si acaso.

${PER(h.given)} (Anfitrión) · ${hh}
Perfecto. Si no me localizas, llama a mi hermana ${PER(s.full)}: ${PH(phone('es'))}. Ella vive en el mismo edificio.`;
});

const bahnCard = () => {
  for (;;) {
    const s = '708141' + digits(10);
    if (!luhnOk(s)) return s.match(/.{4}/g).join(' ');
  }
};
T('travel-bahn-de', { domain: 'travel', lang: 'de' }, () => {
  const r = who('de');
  const r2 = name(pick(CULTURES.de));
  const d = rdate(2025, 2026);
  const c1 = pick(['Hamburg', 'Köln', 'Frankfurt(Main)', 'Berlin']);
  const c2 = pick(['München', 'Stuttgart', 'Dresden', 'Leipzig']);
  return D`Ihre Buchungsbestätigung — Auftragsnummer ${ri(100000000, 999999999)}
Vielen Dank für Ihre Buchung, ${PER(r.name)}!

Reisende: ${PER(r.name)}, ${PER(r2.full)}
BahnCard 25, 2. Klasse, Nr. ${bahnCard()} (gültig bis ${fmtDate(rdate(2026, 2027), 'dmy.')})
Geburtsdatum BahnCard-Inhaber/in: ${DOB(fmtDate(r.dob, 'dmy.'))}

Hinfahrt am ${fmtDate(d, 'dmy.')}
${c1} Hbf ab ${pad(ri(5, 20), 2)}:${pad(ri(0, 59), 2)} Gl. ${ri(1, 14)} → ${c2} Hbf an ${pad(ri(9, 23), 2)}:${pad(ri(0, 59), 2)}   ICE ${ri(500, 1699)}
Sitzplatzreservierung: Wg. ${ri(1, 14)}, Pl. ${ri(11, 118)}, ${ri(11, 118)} (Großraum, Fenster)

Rechnungsadresse: ${ADR(r.addr)}
Zahlungsmittel: PayPal (${EM(r.email)})
Betrag: ${moneyEu(39, 260)} € inkl. 7 % MwSt.`;
});

// ================================================================= telecom / utilities
T('tel-mobile-bill-uk', { domain: 'telecom', lang: 'en-GB' }, () => {
  const a = who('uk');
  const mon = MONTHS.en[ri(0, 11)];
  const row = () =>
    D`${pad(ri(1, 28), 2)} ${mon.slice(0, 3)}  ${pad(ri(7, 22), 2)}:${pad(ri(0, 59), 2)}  ${PH(pick([phone('uk'), phone('uk'), phone('ie'), phone('pl'), phone('in')]))}  ${pad(ri(0, 1), 2)}:${pad(ri(0, 59), 2)}:${pad(ri(0, 59), 2)}  £${ri(0, 2)}.${pad(ri(0, 99), 2)}\n`;
  return D`${pick(['EE', 'Vodafone UK', 'Three', 'O2'])} — Your bill for ${mon} ${ri(2025, 2025)}
Account holder: ${pick(['Mr', 'Mrs', 'Ms', 'Miss'])} ${PER(a.name)}
Account number: ${digits(9)}    Bill number: ${digits(8)}
Billing address:
${ADR(a.addrML)}
Your number: ${PH(a.phone)}    Plan: SIM Only 100GB (24m)

Itemised calls — numbers outside your allowance
Date    Time   Number called     Duration  Cost
${[row(), row(), row()]}
Data used this month: ${ri(3, 98)}.${ri(0, 9)}GB of 100GB
Paid by Direct Debit — sort code ${digits(2)}-**-**, account ending ${digits(4)}, on or after ${ri(1, 28)} ${mon}.`;
});

T('util-factura-luz-es', { domain: 'utility', lang: 'es' }, () => {
  const c = who('es');
  const dt = rdate(2025, 2025);
  return D`FACTURA DE ELECTRICIDAD — ${pick(['Iberdrola Clientes', 'Endesa Energía', 'Naturgy Iberia', 'Holaluz'])}
Nº factura: ${str(UP, 2)}${digits(10)}   Fecha de emisión: ${fmtDate(dt, 'dmy/')}
Periodo de facturación: del ${fmtDate({ ...dt, d: 1 }, 'dmy/')} al ${fmtDate({ ...dt, d: 28 }, 'dmy/')} (${ri(28, 31)} días)

DATOS DEL CONTRATO
Titular: ${PER(c.name)}
NIF: ${NID(dni())}
Dirección de suministro: ${ADR(c.addr)}
CUPS: ${XID(`ES0021${digits(12)}${str(UP, 2)}`)}
Potencia contratada: P1 ${ri(3, 6)},${ri(0, 9)} kW · P2 ${ri(3, 6)},${ri(0, 9)} kW
Teléfono de contacto: ${PH(c.phone)}    Email: ${EM(c.email)}

Domiciliación bancaria (mandato SEPA ${digits(8)}): ${IBN(iban('ES', true))}
Consumo total: ${ri(120, 620)} kWh — Importe total: ${moneyEu(35, 190)} €
Bono social: no aplicado. Atención al cliente: 900 ${digits(3)} ${digits(3)} (gratuito).`;
});

T('tel-vyuctovani-cz', { domain: 'telecom', lang: 'cs' }, () => {
  const z = who('cz');
  return D`Vyúčtování služeb elektronických komunikací — ${pick(['O2 Czech Republic a.s.', 'T-Mobile Czech Republic a.s.', 'Vodafone Czech Republic a.s.'])}
Číslo smlouvy: ${digits(8)}   Variabilní symbol: ${digits(10)}   Zúčtovací období: ${((m) => `1. ${m}. 2025 – ${m === 2 ? 28 : 30}. ${m}. 2025`)(ri(1, 12))}

Zákazník: ${PER(z.name)}
Datum narození: ${DOB(fmtDate(z.dob, 'cz'))}
Adresa: ${ADR(z.addr)}
Telefonní číslo: ${PH(z.phone)}
E-mail pro zasílání vyúčtování: ${EM(z.email)}

Tarif NEO Modrý (neomezená data)       ${ri(400, 900)},00 Kč
Roaming EU — Rakousko, ${ri(1, 9)} dní          0,00 Kč
Celkem k úhradě:                          ${ri(400, 1200)},00 Kč
Způsob platby: inkaso z účtu ${IBN(iban('CZ', true))}, splatnost ${ri(1, 28)}. ${ri(1, 12)}. 2025`;
});

T('tel-abonelik-tr', { domain: 'telecom', lang: 'tr' }, () => {
  const a = who('tr');
  return D`ABONELİK SÖZLEŞMESİ — ${pick(['Türk Telekom', 'Turkcell Superonline', 'Vodafone Net'])} Fiber İnternet (100 Mbps)
Abone No: ${digits(10)}   Başvuru Tarihi: ${fmtDate(rdate(2025, 2025), 'dmy.')}

Ad Soyad: ${PER(a.name)}
T.C. Kimlik No: ${NID(tckn())}
Doğum Tarihi: ${DOB(fmtDate(a.dob, pick(['dmy.', 'tr'])))}
Tesis Adresi: ${ADR(a.addr)}
Cep Telefonu: ${PH(a.phone)}
E-posta: ${EM(a.email)}

Otomatik ödeme talimatı — IBAN: ${IBN(iban('TR', true))}
Modem kablosuz ağ adı: TurkTelekom_T${str(HEX.toUpperCase(), 4)}   Wi-Fi şifresi: ${PW(password(pick(['rand', 'word'])))}
Kurulum randevusu: ${fmtDate(rdate(2025, 2025), 'dmy.')} 09:00–12:00 arası. Teknisyen gelmeden önce sizi arayacaktır.`;
});

// ================================================================= e-commerce / support
T('ecom-return-rma-us', { domain: 'e-commerce', lang: 'en' }, () => {
  const c = who('us');
  const cn = cardNumber(pick(['visa', 'mc', 'amex', 'disc']));
  return D`RETURN AUTHORIZATION REQUEST
RMA #: RMA-${digits(7)}    Order #: ${ri(100, 999)}-${digits(7)}-${digits(7)}    Order date: ${fmtDate(rdate(2025, 2025), 'us')}

Customer: ${PER(c.name)}
Ship-from address: ${ADR(c.addr)}
Email: ${EM(c.email)}    Phone: ${PH(c.phone)}

Items:
  SKU HNT-WFT1000RMA-${ri(5, 11)}  Hunter Original Tall Rain Boot — Size ${ri(5, 11)}     x1   $175.00
  SKU RGB-41-SL                 Rose Gold Sport Loop for Apple Watch 41mm   x1   $49.00
Reason: ${pick(['Wrong size', 'Arrived damaged', 'Not as described', 'Changed my mind'])}
Refund method: original payment (${pick(['Visa', 'Mastercard', 'Amex'])} ending ${digits(4)})

Customer comments: "Please refund to my other card instead, ${CC(fmtCard(cn))} exp ${pad(ri(1, 12), 2)}/${ri(26, 30)}, the original one was cancelled. Thanks!"
Return label: UPS 1Z${str(UP + DIG, 6)}${digits(10)} — drop off at any ${pick(['Staples', 'The UPS Store', 'Michaels'])}.`;
});

T('ecom-support-thread', { domain: 'support', lang: 'en' }, () => {
  const c = who(pick(['us', 'uk', 'au', 'ca']));
  const ag = name('en');
  const cn = card();
  const ord = `#${ri(100000, 999999)}`;
  const when = `${fmtDate(rdate(2025, 2025), 'usLong')} ${ri(1, 12)}:${pad(ri(0, 59), 2)} ${pick(['AM', 'PM'])}`;
  return D`Ticket ${ord.replace('#', '#T')} — "Charged twice for order ${ord}"
Status: Pending · Priority: Normal · Channel: Email · Tags: billing, duplicate_charge

— ${PER(c.name)} <${EM(c.email)}> · ${when}
Hi, I was charged twice ($${money(20, 400)}) on my card ${CC(cn)} (CVV ${digits(3)}) for the same order. Can you refund one of them? My number is ${PH(c.phone)} if that's easier.

— ${PER(ag.full)} (${pick(['Grace Hopper Hardware', 'Austin Outdoor Supply', 'Will & Co. Home'])} Customer Care) · ${when}
Hi ${PER(c.given)}, thanks for reaching out, and sorry for the trouble! For your security please never send full card numbers or the security code by email — I've removed them from our notes. I can see both authorizations; the second one is a pending hold and will drop off within 3–5 business days.
Best, ${PER(ag.given)}

> On ${when}, ${PER(c.name)} wrote:
> Hi, I was charged twice on my card ${CC(cn)} (CVV ...) for the same order.`;
});

T('ecom-zendesk-json', { domain: 'support', lang: 'en', n: 4 }, () => {
  const c = who(pick(['us', 'uk', 'de', 'nl', 'in']));
  const user = translit(c.given).replace(/ /g, '').slice(0, 1) + translit(c.family).replace(/ /g, '');
  return D`{
  "ticket": {
    "id": ${ri(10000, 99999)},
    "subject": "Can't log in after password reset",
    "status": "open",
    "requester": { "name": "${PER(c.name)}", "email": "${EM(c.email)}", "phone": "${PH(c.phone)}" },
    "via": { "channel": "web", "source": { "from": { "ip_address": "${IP(chance(0.7) ? ipv4Public() : ipv6())}" } } },
    "created_at": "${fmtDate(rdate(2025, 2025), 'iso')}T${pad(ri(0, 23), 2)}:${pad(ri(0, 59), 2)}:${pad(ri(0, 59), 2)}Z",
    "tags": ["login", "sydney_office", "sso_disabled"],
    "custom_fields": [{ "id": 360001234, "value": "${uuid()}" }],
    "comments": [
      { "author_id": ${ri(1000, 9999)}, "public": true, "body": "I reset my password to ${PW(password(pick(['word', 'rand', 'leet'])))} like the email said and it still says invalid credentials. Username is ${USR(user)}." },
      { "author_id": ${ri(100, 999)}, "public": false, "body": "Internal: account locked after 5 attempts from ${IP(ipv4Public())}. Unlocked via admin console; asked user to rotate the password since it was posted in the ticket." }
    ]
  }
}`;
});

T('ecom-reclamacao-br', { domain: 'e-commerce', lang: 'pt-BR' }, () => {
  const c = who('br');
  const loja = pick(['Magazine Luiza', 'Casas Bahia', 'Americanas', 'Mercado Livre']);
  return D`Reclamação #${digits(9)} — ${loja} — "Produto não entregue e sem reembolso"
Publicada em ${fmtDate(rdate(2025, 2025), 'dmy/')} · ${pick(['São Paulo - SP', 'Recife - PE', 'Curitiba - PR'])}

Olá, meu nome é ${PER(c.name)}. Comprei um ${pick(['fogão Brastemp 5 bocas', 'smartphone Galaxy A55', 'air fryer Mondial', 'notebook Dell Inspiron'])} no dia ${fmtDate(rdate(2025, 2025), 'dmy/')} (pedido ${digits(10)}) e até hoje não recebi. O rastreio (${str(UP, 2)}${digits(9)}BR) mostra "objeto em trânsito" há 20 dias.
Já liguei várias vezes no SAC e ninguém resolve. Meus dados: telefone ${PH(c.phone)}, e-mail ${EM(c.email)}. Endereço de entrega: ${ADR(c.addr)}.
Quero o estorno via Pix na chave ${EM(emailFor(c, pick(MAIL_DOMAINS.br)))} ou o produto entregue.

Resposta da empresa · ${fmtDate(rdate(2025, 2025), 'dmy/')}
Olá, ${PER(c.given)}! Lamentamos o ocorrido. Seu caso foi encaminhado ao time de logística (protocolo ${digits(12)}) e você receberá retorno em até 48 horas úteis.`;
});

T('ecom-kundtjanst-se', { domain: 'e-commerce', lang: 'sv' }, () => {
  const c = who('se');
  const shop = pick(['elgiganten', 'clasohlson', 'jollyroom', 'mio']);
  return D`Till: ${EM(`kundtjanst@${shop}.se`)}
Från: ${PER(c.name)} <${EM(c.email)}>
Ämne: Reklamation — order ${digits(8)}

Hej!

Jag beställde en ${pick(['diskmaskin', 'barnvagn', 'soffa Karlstad 3-sits', 'kaffebryggare'])} den ${fmtDate(rdate(2025, 2025), 'sv')} och den levererades med en spricka i fronten. Bilder bifogas.
Ni kan hämta den på min adress: ${ADR(c.addr)}. Portkod finns på följesedeln, jag är hemma efter kl. 16 på vardagar.
Ring gärna på ${PH(c.phone)} om ni behöver mer information.

Vänliga hälsningar
${PER(c.name)}`;
});

// ================================================================= incidents / on-call
const ORGS = ['acme-platform', 'northwind-eng', 'grace-labs', 'hunter-analytics', 'fabrikam-dev', 'sydney-robotics'];
const REPOS = ['checkout-web', 'billing-service', 'data-pipeline', 'mobile-api', 'infra-live', 'ml-eval'];
const isoTs = () =>
  `${fmtDate(rdate(2025, 2025), 'iso')}T${pad(ri(0, 23), 2)}:${pad(ri(0, 59), 2)}:${pad(ri(0, 59), 2)}Z`;
const corpMail = (n, dom) => emailFor(n, dom);
T('inc-security-report', { domain: 'incident', lang: 'en' }, () => {
  const dom = pick(['acme.io', 'northwind.dev', 'gracelabs.com']);
  const rep = name(pick(CULTURES.us));
  const oc = name(pick(CULTURES.uk));
  const own = name(pick(CULTURES.de));
  const repo = `${pick(ORGS)}/${pick(REPOS)}`;
  return D`# Incident Report — SEC-${ri(2024, 2025)}-${pad(ri(1, 200), 4)}: AWS credentials committed to public repository

**Severity:** High   **Status:** Contained   **Reporter:** ${PER(rep.full)} (${EM(corpMail(rep, dom))})

## Summary
On ${fmtDate(rdate(2025, 2025), 'usLong')} at 03:12 UTC the secret scanner alerted on a commit to \`${repo}\` (commit \`${hexid(40)}\`) that added \`scripts/backfill.sh\` with a hard-coded IAM user key.

| Field | Value |
|---|---|
| Access key ID | \`${AWS(awsKeyId('AKIA'))}\` |
| Secret access key | \`${AWS(awsSecret())}\` |
| IAM user | \`svc-${repo.split('/')[1]}-ci\` |
| First use by third party | ${isoTs()} |

## Timeline (UTC)
- 03:12 alert fired (rule \`aws-access-token\`, fingerprint \`${hexid(16)}\`)
- 03:19 on-call ${PER(oc.full)} paged
- 03:27 key deactivated; CloudTrail shows \`ListBuckets\` and \`GetCallerIdentity\` from ${IP(ipv4Public())} and ${IP(ipv6())}
- 04:05 CI moved to OIDC federation; no static keys remain

## Follow-up
- [ ] Enable push protection for all repositories (owner: ${PER(own.full)})
- [ ] Review S3 access logs for bucket \`${repo.split('/')[1]}-exports\` (ticket SEC-${digits(4)})`;
});

T('inc-oncall-handover', { domain: 'incident', lang: 'en' }, () => {
  const out = name(pick(CULTURES.us));
  const inn = name(pick(CULTURES.in));
  const dba = who(pick(['us', 'uk', 'in']));
  const tam = who('us', { domain: pick(['datadoghq.com', 'cloudflare.com', 'mongodb.com']) });
  const pw1 = password('rand');
  return D`#ops-handover · ${fmtDate(rdate(2025, 2025), 'usLong')}
Outgoing: ${PER(out.full)} → Incoming: ${PER(inn.full)}

1. db-prod-2 replica lag still spiky (~40s at peak). Failover NOT needed. If it goes >300s page the DBA on-call, ${PER(dba.name)}, on ${PH(dba.phone)}.
2. Temporary bastion while the VPN is being migrated: \`ssh ops@${IP(ipv4Private())}\` via jump host ${IP(ipv4Public())}. Break-glass account password is ${PW(pw1)} — rotate Monday!!
3. Reporting replica (read-only): \`postgresql://report_ro:${PW(password('url'))}@db-report.internal:5432/analytics\`
4. Vendor escalation: TAM is ${PER(tam.name)}, ${PH(tam.phone)}, ${EM(tam.email)} (case #${digits(8)}).
5. Ignore pages from canary-${ri(1, 9)} in eu-west-1 — known flaky, fix in v${ri(2, 4)}.${ri(0, 20)}.${ri(0, 9)}.`;
});

T('inc-postmortem-ci-leak', { domain: 'incident', lang: 'en' }, () => {
  const author = name(pick(CULTURES.us));
  const user = who('us');
  const tok = apiKey(pick(['ghp', 'ghpat']));
  return D`Postmortem: customer export job printed secrets to build logs
Author: ${PER(author.full)} · Blameless format · ${fmtDate(rdate(2025, 2025), 'iso')}

What happened
A debug flag left in \`export-worker\` v${ri(1, 3)}.${ri(0, 30)}.${ri(0, 9)} logged the full HTTP request, including headers, to the CI output, which is visible to all contractors.

Excerpt from job #${ri(10000, 99999)} (now deleted):
    [debug] GET https://api.github.com/repos/${pick(ORGS)}/${pick(REPOS)}/releases
    [debug]   Authorization: token ${API(tok)}
    [debug]   User-Agent: export-worker
    [debug] exporting account ${ri(1000, 9999)} owner=${EM(user.email)} last_login_ip=${IP(ipv4Public())}

Impact: one GitHub token and ${ri(3, 40)} customer email addresses exposed for ~${ri(2, 9)} hours. Token revoked at ${pad(ri(0, 23), 2)}:${pad(ri(0, 59), 2)} UTC; no unauthorised use found in the audit log.
Action items: remove debug logging (PR #${ri(1000, 9999)}), add log scrubbing, scope tokens to single repositories.`;
});

// ================================================================= code / config
T('code-pr-review', { domain: 'code-review', lang: 'en' }, () => {
  const h1 = pick(['mkowalczyk', 'grace-h', 'rhunter-dev', 'dvries', 'a-nwosu', 'tsato']);
  const h2 = pick(['lsmith42', 'will-baker', 'jfontaine', 'priya-v', 'oeztuerk']);
  const useOpenAi = chance(0.5);
  return D`**${USR(h1)}** reviewed \`src/llm/client.ts\` · ${ri(2, 9)} hours ago

\`\`\`diff
@@ -11,7 +11,7 @@ import Anthropic from '@anthropic-ai/sdk';
 export function makeClient() {
-  return new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
+  return new Anthropic({ apiKey: '${API(apiKey('anthropic'))}' });
 }
\`\`\`

> 🚨 Please don't hard-code the key — it's in the branch history now, so it has to be revoked even if you force-push. Read it from \`process.env.ANTHROPIC_API_KEY\` and add it to the repo secrets.

**${USR(h2)}** replied · ${ri(1, 50)} minutes ago
> Ugh, sorry — rotating now. ${useOpenAi ? D`Should I also rotate the OpenAI one in \`scripts/eval.py\`? It's \`${API(apiKey(pick(['openai', 'openaiLegacy'])))}\`.` : D`The staging key in \`.env.example\` is just \`sk-ant-xxxx\`, that one's fine right?`}

**${USR(h1)}** replied
> Yes. And squash before merging please. Approving once CI is green (${hexid(7)}).`;
});

T('code-dockerfile', { domain: 'code-config', lang: 'en' }, () => {
  const m = who(pick(['us', 'de', 'nl', 'pl']), {
    domain: pick(['acme.io', 'hunter-analytics.com', 'grace-labs.dev']),
  });
  return D`# syntax=docker/dockerfile:1.7
FROM node:20.${ri(10, 18)}-alpine AS build
ARG NPM_TOKEN
WORKDIR /app
COPY package.json package-lock.json ./
RUN echo "//registry.npmjs.org/:_authToken=${API(apiKey('npm'))}" > .npmrc \\
 && npm ci --ignore-scripts \\
 && rm -f .npmrc
COPY . .
RUN npm run build

FROM node:20.${ri(10, 18)}-alpine
LABEL maintainer="${PER(m.name)} <${EM(m.email)}>" \\
      org.opencontainers.image.revision="${hexid(40)}"
ENV NODE_ENV=production \\
    PORT=8080 \\
    DATABASE_URL=postgres://app:${PW(password('url'))}@db.internal:5432/app \\
    STRIPE_SECRET_KEY=${API(apiKey(pick(['stripe', 'stripeR'])))} \\
    LOG_LEVEL=info
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
CMD ["node", "dist/server.js"]`;
});

T('code-k8s-secret', { domain: 'code-config', lang: 'en' }, () => {
  const app = pick(['payments-api', 'notifications', 'search-indexer', 'crm-sync']);
  return D`apiVersion: v1
kind: Secret
metadata:
  name: ${app}-env
  namespace: prod
  labels:
    app.kubernetes.io/name: ${app}
    team: ${pick(['austin', 'sydney', 'victoria'])}-squad
type: Opaque
stringData:
  DB_USER: ${app.replace('-', '_')}
  DB_PASSWORD: "${PW(password(pick(['rand', 'conn'])))}"
  SENDGRID_API_KEY: ${API(apiKey('sendgrid'))}
  ${pick([D`SLACK_BOT_TOKEN: ${API(apiKey('slackBot'))}`, D`TWILIO_API_KEY: ${API(apiKey('twilio'))}`, D`MAILGUN_API_KEY: ${API(apiKey('mailgun'))}`])}
  FEATURE_FLAGS: "checkout_v2,grace_period_retry"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: prod
spec:
  replicas: ${ri(2, 6)}
  template:
    spec:
      containers:
        - name: ${app}
          image: registry.${pick(ORGS)}.io/${app}@sha256:${hexid(64)}
          envFrom:
            - secretRef:
                name: ${app}-env`;
});

T('code-npmrc-question', { domain: 'code-config', lang: 'en' }, () => {
  const u = who(pick(['us', 'uk', 'in', 'br']));
  return D`Title: npm publish returns 403 for scoped package @${pick(['acme', 'northwind', 'gracelabs'])}/ui even though I'm logged in

I'm trying to publish to GitHub Packages from my laptop and keep getting "403 Forbidden - PUT https://npm.pkg.github.com/@acme%2fui". npm whoami works. Here is my ~/.npmrc:

    registry=https://registry.npmjs.org/
    @acme:registry=https://npm.pkg.github.com
    //npm.pkg.github.com/:_authToken=${API(apiKey(pick(['ghp', 'gho'])))}
    //registry.npmjs.org/:_authToken=${API(apiKey('npm'))}
    email=${EM(u.email)}
    always-auth=true

Node v20.${ri(10, 18)}.${ri(0, 3)}, npm ${ri(9, 10)}.${ri(0, 9)}.${ri(0, 4)}. What am I missing?

— Answer (accepted): your token lacks the write:packages scope. Also, you've just posted two live tokens; revoke both now and create new ones.`;
});

T('code-ci-log', { domain: 'ci-log', lang: 'en' }, () => {
  const ts = () =>
    `2025-${pad(ri(1, 12), 2)}-${pad(ri(1, 28), 2)}T${pad(ri(0, 23), 2)}:${pad(ri(0, 59), 2)}:${pad(ri(0, 59), 2)}.${digits(7)}Z`;
  return D`${ts()} ##[group]Run ./scripts/deploy.sh production
${ts()} env:
${ts()}   AWS_REGION: eu-central-1
${ts()}   AWS_ACCESS_KEY_ID: ***
${ts()}   AWS_SECRET_ACCESS_KEY: ***
${ts()} ##[endgroup]
${ts()} + source ./.deploy/creds.prod
${ts()} + export AWS_ACCESS_KEY_ID=${AWS(awsKeyId())}
${ts()} + AWS_ACCESS_KEY_ID=${AWS(awsKeyId('AKIA'))}
${ts()} + export AWS_SECRET_ACCESS_KEY=${AWS(awsSecret())}
${ts()} + curl -fsS -H 'Authorization: Bearer ${API(apiKey(pick(['bearerHex', 'bearerB64'])))}' https://deploy-hooks.internal/notify
${ts()} {"ok":true,"deploy_id":"${uuid()}"}
${ts()} + aws s3 sync dist/ s3://www-prod-assets --delete
${ts()} upload: dist/index.html to s3://www-prod-assets/index.html
${ts()} ##[error]Process completed with exit code 1.`;
});

T('code-curl-history', { domain: 'code-config', lang: 'en' }, () => {
  const cmds = [
    () => D`curl https://api.anthropic.com/v1/messages \\
  -H "x-api-key: ${API(apiKey('anthropic'))}" \\
  -H "anthropic-version: 2023-06-01" \\
  -H "content-type: application/json" \\
  -d '{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"Summarise ticket 4821"}]}'`,
    () => D`curl https://api.stripe.com/v1/refunds -u ${API(apiKey('stripe'))}: -d payment_intent=pi_${str(ALNUM, 24)}`,
    () => D`curl -X POST -H "Authorization: Bearer ${API(apiKey('slackBot'))}" -H 'Content-type: application/json' \\
  --data '{"channel":"C0${str(UP + DIG, 8)}","text":"deploy of build ${ri(1000, 9999)} finished"}' https://slack.com/api/chat.postMessage`,
    () =>
      D`curl -s "https://maps.googleapis.com/maps/api/geocode/json?address=Sydney+Opera+House&key=${API(apiKey('google'))}" | jq '.results[0].geometry'`,
    () =>
      D`curl https://api.openai.com/v1/chat/completions -H "Authorization: Bearer ${API(apiKey('openai'))}" -H "Content-Type: application/json" -d @prompt.json`,
    () => D`curl -H "Authorization: Bearer ${API(apiKey('hf'))}" https://huggingface.co/api/whoami-v2`,
    () =>
      D`curl -s -H "Authorization: Bearer ${JWT(quickJwt())}" https://api.internal.${pick(['acme.io', 'gracelabs.com'])}/v1/me | jq .`,
    () => D`http POST :8080/admin/reindex "Authorization:Bearer ${JWT(quickJwt())}"`,
  ];
  const chosen = sample(cmds, ri(2, 3));
  let n = ri(480, 1900);
  return D`$ history | tail -n 40 | grep curl
${chosen.map((c) => {
  n += ri(1, 30);
  return D`  ${n}  ${c()}\n`;
})}  ${n + 40}  curl -I https://example.com`;
});

T('code-appsettings-json', { domain: 'code-config', lang: 'en' }, () => {
  const host = `${pick(['orders', 'crm', 'hr'])}-${pick(['prod', 'weu', 'sql01'])}`;
  return D`{
  "ConnectionStrings": {
    "Default": "Server=tcp:${host}.database.windows.net,1433;Initial Catalog=orders;User ID=ordersapp;Password=${PW(password('conn'))};Encrypt=True;TrustServerCertificate=False;",
    "Redis": "${host}.redis.cache.windows.net:6380,password=${PW(password('conn'))},ssl=True,abortConnect=False",
    "Mongo": "mongodb+srv://svc_orders:${PW(password('url'))}@cluster0.${str(LO + DIG, 5)}.mongodb.net/orders?retryWrites=true&w=majority"
  },
  "Smtp": { "Host": "smtp.sendgrid.net", "Port": 587, "User": "apikey", "Password": "${API(apiKey('sendgrid'))}" },
  "Logging": { "LogLevel": { "Default": "Information", "Microsoft.AspNetCore": "Warning" } },
  "AllowedHosts": "*",
  "Build": { "Version": "${ri(1, 9)}.${ri(0, 30)}.${ri(0, 300)}", "Commit": "${hexid(40)}" }
}`;
});

const SVC = mkN('SERVICE_ACCOUNT');
T('code-django-settings', { domain: 'code-config', lang: 'en' }, () => {
  const a = who(pick(['us', 'uk', 'it', 'br']));
  const ops = who(pick(['us', 'uk', 'it', 'br']), { domain: pick(['gmail.com', 'outlook.com']) });
  return D`# shop/settings/production.py
from .base import *  # noqa

DEBUG = False
ALLOWED_HOSTS = ["shop.${pick(['grace-goods', 'austin-bikes', 'victoria-tea'])}.com"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "${PW(password(pick(['rand', 'word', 'phrase'])))}",
        "HOST": "${IP(ipv4Private())}",
        "PORT": "5432",
    }
}

EMAIL_HOST = "smtp.gmail.com"
EMAIL_HOST_USER = "${EM(ops.email)}"
EMAIL_HOST_PASSWORD = "${PW(fresh(() => str(LO, 16)))}"  # Google app password

AWS_ACCESS_KEY_ID = "${AWS(awsKeyId('AKIA'))}"
AWS_SECRET_ACCESS_KEY = "${AWS(awsSecret())}"
AWS_STORAGE_BUCKET_NAME = "shop-media-prod"

ADMINS = [("${PER(a.name)}", "${EM(a.email)}")]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]`;
});

T('code-terraform', { domain: 'code-config', lang: 'en' }, () => {
  return D`terraform {
  required_version = ">= 1.6.0"
}

provider "aws" {
  region     = "${pick(['eu-central-1', 'us-east-2', 'ap-southeast-2'])}"
  access_key = "${AWS(awsKeyId('AKIA'))}"
  secret_key = "${AWS(awsSecret())}"
}

provider "github" {
  owner = "${pick(ORGS)}"
  token = "${API(apiKey(pick(['ghpat', 'ghp'])))}"
}

resource "aws_db_instance" "main" {
  identifier          = "orders-${pick(['prod', 'stg'])}"
  engine              = "postgres"
  engine_version      = "16.${ri(1, 4)}"
  instance_class      = "db.t4g.medium"
  username            = "dbadmin"
  password            = "${PW(password(pick(['rand', 'conn'])))}"
  skip_final_snapshot = false
  tags = { Owner = "team-sydney", CostCenter = "CC-${digits(4)}" }
}`;
});

T('code-gcp-service-account', { domain: 'code-config', lang: 'en' }, () => {
  const proj = `${pick(['grace', 'hunter', 'austin', 'victoria', 'lincoln'])}-${pick(['analytics', 'prod', 'ml', 'etl'])}-${digits(6)}`;
  const sa = `${pick(['deployer', 'bq-reader', 'ci-runner'])}@${proj}.iam.gserviceaccount.com`;
  const key = pem(pick(['pkcs8rsa', 'pkcs8ec'])).replace(/\n/g, '\\n');
  return D`{
  "type": "service_account",
  "project_id": "${proj}",
  "private_key_id": "${hexid(40)}",
  "private_key": "${PK(key)}\\n",
  "client_email": "${SVC(sa)}",
  "client_id": "${digits(21)}",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "universe_domain": "googleapis.com"
}`;
});

T('code-ssh-key-paste', { domain: 'code-config', lang: 'en' }, () => {
  const k = pem(pick(['openssh', 'openssh', 'rsa1024', 'ec']));
  return D`hey, can you check why this doesn't work? ssh keeps saying "Load key "/home/dev/.ssh/id_deploy": invalid format". I copied it straight out of the vault:

${PK(k)}

and my ~/.ssh/config is

Host prod-bastion
    HostName ${IP(ipv4Public())}
    User deploy
    Port 22${ri(10, 99)}
    IdentityFile ~/.ssh/id_deploy
Host 10.40.*
    ProxyJump prod-bastion

the fingerprint in the vault says SHA256:${str(ALNUM + '+/', 43)} if that helps`;
});

T('code-docker-compose', { domain: 'code-config', lang: 'en' }, () => {
  const pg = password(pick(['url', 'rand']).replace('rand', 'url'));
  return D`# docker-compose.yml — local stack (shared in #dev-env, please don't copy to prod)
services:
  db:
    image: postgres:16.${ri(1, 4)}
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${PW(pg)}
    ports: ["5432:5432"]
  minio:
    image: minio/minio:RELEASE.2024-0${ri(1, 9)}-1${ri(0, 9)}T01-41-38Z
    environment:
      MINIO_ROOT_USER: admin
      MINIO_ROOT_PASSWORD: ${PW(password('rand'))}
  app:
    build: .
    environment:
      - DATABASE_URL=postgres://app:${PW(pg)}@db:5432/app
      - OPENAI_API_KEY=${API(apiKey(pick(['openai', 'openaiLegacy'])))}
      - SMTP_PASSWORD=\${SMTP_PASSWORD:?set SMTP_PASSWORD in .env}
      - SENTRY_DSN=
    depends_on: [db, minio]`;
});

T('code-firebase-js', { domain: 'code-config', lang: 'en' }, () => {
  const proj = `${pick(['will-and-grace', 'hunter-app', 'rose-florist', 'jordan-fitness'])}-${str(LO + DIG, 5)}`;
  const sender = digits(12);
  return D`// src/lib/firebase.ts
import { initializeApp } from 'firebase/app';
import { Loader } from '@googlemaps/js-api-loader';

const firebaseConfig = {
  apiKey: '${API(apiKey('google'))}',
  authDomain: '${proj}.firebaseapp.com',
  projectId: '${proj}',
  storageBucket: '${proj}.appspot.com',
  messagingSenderId: '${sender}',
  appId: '1:${sender}:web:${hexid(22)}',
  measurementId: 'G-${str(UP + DIG, 10)}',
};

export const app = initializeApp(firebaseConfig);
export const maps = new Loader({ apiKey: '${API(apiKey('google'))}', version: 'weekly', libraries: ['places'] });
// TODO(${USR(pick(['rgrace', 'whunter', 'sbaker']))}): move keys to env before launch`;
});

T('code-http-request-dump', { domain: 'code-config', lang: 'en' }, () => {
  const c = who(pick(['us', 'de', 'fr', 'au']));
  const now = ri(1735689600, 1767225600);
  const t1 = jwt({
    sub: uuid(),
    iss: 'https://auth.shop.example',
    aud: 'orders-api',
    scope: 'orders:write profile',
    iat: now,
    exp: now + 3600,
  });
  const t2 = jwt({ sid: hexid(32), uid: ri(10000, 999999), role: 'customer', iat: now - 120 }, 'HS256');
  return D`POST /api/v2/orders HTTP/1.1
Host: api.${pick(['grace-goods', 'hunter-outdoor', 'victoria-tea'])}.io
Authorization: Bearer ${JWT(t1)}
Cookie: session=${JWT(t2)}; _ga=GA1.2.${digits(9)}.${digits(10)}; theme=dark
X-Forwarded-For: ${IP(ipv4Public())}, ${IP(ipv4Private())}
X-Request-Id: ${uuid()}
User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15
Content-Type: application/json

{"customer":{"name":"${PER(c.name)}","email":"${EM(c.email)}","phone":"${PH(c.phone)}"},"items":[{"sku":"SYD-${digits(4)}","qty":${ri(1, 3)}}],"coupon":"SPRING${ri(10, 30)}"}`;
});

T('code-spring-properties', { domain: 'code-config', lang: 'en' }, () => {
  const m = who(pick(['us', 'in', 'pl', 'nl']), { domain: pick(['hunter-hr.com', 'acme.io', 'northwind.dev']) });
  return D`# application-prod.properties
server.port=8443
spring.datasource.url=jdbc:mysql://${IP(ipv4Private())}:3306/hr?useSSL=true&serverTimezone=UTC
spring.datasource.username=hr_app
spring.datasource.password=${PW(password(pick(['rand', 'word'])))}
spring.jpa.hibernate.ddl-auto=validate
spring.mail.host=smtp.office365.com
spring.mail.port=587
spring.mail.username=${EM(m.email)}
spring.mail.password=${PW(password(pick(['word', 'leet'])))}
app.slack.bot-token=${API(apiKey('slackBot'))}
app.huggingface.token=${API(apiKey('hf'))}
app.payroll.export.cron=0 30 2 * * MON-FRI
management.endpoints.web.exposure.include=health,info,prometheus`;
});

T('code-git-remote-token', { domain: 'code-config', lang: 'en' }, () => {
  const org = pick(ORGS);
  const repo = pick(REPOS);
  const tok = apiKey(pick(['ghs', 'ghp', 'ghpat']));
  return D`$ git remote -v
origin	https://x-access-token:${API(tok)}@github.com/${org}/${repo}.git (fetch)
origin	https://x-access-token:${API(tok)}@github.com/${org}/${repo}.git (push)
$ git push origin release/${ri(1, 5)}.${ri(0, 20)}
remote: Permission to ${org}/${repo}.git denied to ${USR(pick(['github-actions[bot]', 'deploy-bot', 'renovate[bot]']))}.
fatal: unable to access 'https://github.com/${org}/${repo}.git/': The requested URL returned error: 403
$ git clone https://oauth2:${API(apiKey('glpat'))}@gitlab.com/${pick(['platform', 'infra', 'data'])}/${repo}-mirror.git
Cloning into '${repo}-mirror'...
remote: Enumerating objects: ${ri(1000, 90000)}, done.`;
});

T('code-env-file', { domain: 'code-config', lang: 'en' }, () => {
  const lines_ = shuffle([
    D`ANTHROPIC_API_KEY=${API(apiKey('anthropic'))}`,
    D`OPENAI_API_KEY=${API(apiKey(pick(['openai', 'openaiLegacy'])))}`,
    D`STRIPE_SECRET_KEY=${API(apiKey('stripe'))}`,
    D`STRIPE_PUBLISHABLE_KEY=pk_test_${str(ALNUM, 24)}`,
    D`SLACK_BOT_TOKEN=${API(apiKey('slackBot'))}`,
    D`TWILIO_API_KEY=${API(apiKey('twilio'))}`,
    D`MAILGUN_API_KEY=${API(apiKey('mailgun'))}`,
    D`SHOPIFY_ADMIN_TOKEN=${API(apiKey('shopify'))}`,
    D`DATADOG_API_KEY=${API(apiKey('datadog'))}`,
  ]).slice(0, ri(4, 6));
  return D`# .env.local — DO NOT COMMIT (copied from 1Password → "Dev env")
NODE_ENV=development
PORT=3000
${join_(lines_, '\n')}
AWS_ACCESS_KEY_ID=${AWS(awsKeyId())}
AWS_SECRET_ACCESS_KEY=${AWS(awsSecret())}
ADMIN_PASSWORD=${PW(password(pick(['word', 'leet', 'rand'])))}
# the values below are placeholders, ask ops
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxx
SENTRY_DSN=`;
});

// ================================================================= logs
const MON3 = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
];
const quickJwt = () => {
  const now = ri(1735689600, 1767225600);
  return jwt({
    sub: String(ri(1000, 999999)),
    email_verified: true,
    iat: now,
    exp: now + ri(600, 86400),
    iss: pick(['https://login.acme.io', 'auth0', 'keycloak']),
  });
};
T('log-nginx-access', { domain: 'logs', lang: 'en' }, () => {
  const day = `${pad(ri(1, 28), 2)}/${pick(MON3)}/2025`;
  const u = who(pick(['us', 'uk', 'de', 'fr']));
  const t = (s) => `[${day}:${pad(ri(0, 23), 2)}:${pad(ri(0, 59), 2)}:${s} +0000]`;
  const lines_ = shuffle([
    D`${IP(ipv4Public())} - - ${t(pad(ri(0, 59), 2))} "GET /static/app.${hexid(8)}.js HTTP/2.0" 200 48213 "https://shop.example.com/" "${pick(UAS)}"`,
    D`${IP(ipv6())} - - ${t(pad(ri(0, 59), 2))} "POST /api/v1/password/reset?email=${EM(u.email)} HTTP/1.1" 202 17 "-" "${pick(UAS)}"`,
    D`${IP(ipv4Public())} - - ${t(pad(ri(0, 59), 2))} "GET /download/invoice/${ri(10000, 99999)}.pdf?token=${JWT(quickJwt())} HTTP/1.1" 200 91022 "-" "${pick(UAS)}"`,
    D`${IP(ipv4Public())} - - ${t(pad(ri(0, 59), 2))} "GET /wp-login.php HTTP/1.1" 404 153 "-" "${pick(UAS)}"`,
    D`${IP(ipv4Private())} - ${USR('healthcheck')} ${t(pad(ri(0, 59), 2))} "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"`,
    D`${IP(ipv4Public())} - - ${t(pad(ri(0, 59), 2))} "GET /api/v1/orders/${uuid()} HTTP/2.0" 401 61 "-" "${pick(UAS)}"`,
  ]).slice(0, ri(4, 6));
  return D`${join_(lines_, '\n')}`;
});

T('log-sshd-syslog', { domain: 'logs', lang: 'en' }, () => {
  const host = pick(['bastion-01', 'db-backup', 'web-03', 'ip-10-0-3-17']);
  const md = `${pick(MON3)} ${String(ri(1, 28)).padStart(2, ' ')}`;
  let sec = ri(0, 20 * 3600);
  const ts = () => {
    sec += ri(1, 400);
    return `${md} ${pad(Math.floor(sec / 3600), 2)}:${pad(Math.floor(sec / 60) % 60, 2)}:${pad(sec % 60, 2)}`;
  };
  const att = ipv4Public();
  return D`${ts()} ${host} sshd[${ri(1000, 65000)}]: Failed password for invalid user admin from ${IP(att)} port ${ri(30000, 65000)} ssh2
${ts()} ${host} sshd[${ri(1000, 65000)}]: Failed password for root from ${IP(att)} port ${ri(30000, 65000)} ssh2
${ts()} ${host} sshd[${ri(1000, 65000)}]: Accepted publickey for deploy from ${IP(ipv4Public())} port ${ri(30000, 65000)} ssh2: ED25519 SHA256:${str(ALNUM + '+/', 43)}
${ts()} ${host} sshd[${ri(1000, 65000)}]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)
${ts()} ${host} sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/mysql -u root -p${PW(password('conn'))} -e SHOW PROCESSLIST
${ts()} ${host} CRON[${ri(1000, 65000)}]: (root) CMD (/usr/local/bin/backup.sh --target s3://backups-${ri(2024, 2025)})
${ts()} ${host} kernel: [${ri(10000, 99999)}.${digits(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=${Array.from({ length: 6 }, () => str(HEX, 2)).join(':')} SRC=${IP(ipv4Public())} DST=${IP(ipv4Private())} LEN=44 TOS=0x00 TTL=${ri(40, 250)} PROTO=TCP SPT=${ri(1024, 65000)} DPT=23`;
});

T('log-json-app', { domain: 'logs', lang: 'en' }, () => {
  const u = who(pick(['us', 'uk', 'nl', 'es', 'pl']));
  let tm = ri(1735689600, 1767225600) * 1000;
  const tt = () => (tm += ri(3, 900));
  const host = `api-${hexid(10)}-${str(LO + DIG, 5)}`;
  return D`{"level":30,"time":${tt()},"pid":${ri(7, 99)},"hostname":"${host}","reqId":"req-${ri(1, 99)}","req":{"method":"POST","url":"/v1/login","remoteAddress":"${IP(ipv4Public())}","remotePort":${ri(30000, 65000)}},"msg":"incoming request"}
{"level":40,"time":${tt()},"pid":${ri(7, 99)},"hostname":"${host}","reqId":"req-${ri(1, 99)}","user":{"email":"${EM(u.email)}","displayName":"${PER(u.name)}"},"attempt":${ri(2, 5)},"msg":"login failed: bad credentials"}
{"level":50,"time":${tt()},"pid":${ri(7, 99)},"hostname":"${host}","reqId":"req-${ri(1, 99)}","body":{"username":"${EM(u.email)}","password":"${PW(password())}","remember":true},"err":{"type":"ZodError","message":"Expected string, received null at path otp"},"msg":"request validation failed"}
{"level":30,"time":${tt()},"pid":${ri(7, 99)},"hostname":"${host}","reqId":"req-${ri(1, 99)}","userId":"usr_${str(ALNUM, 14)}","accessToken":"${JWT(quickJwt())}","msg":"token issued"}
{"level":30,"time":${tt()},"pid":${ri(7, 99)},"hostname":"${host}","reqId":"req-${ri(1, 99)}","res":{"statusCode":200},"responseTime":${ri(3, 400)}.${digits(3)},"msg":"request completed"}`;
});

T('log-postfix-mail', { domain: 'logs', lang: 'en', allowEmail: true }, () => {
  const a = who(pick(['us', 'de', 'nl', 'fr']));
  const b = who('us', { domain: pick(['hunter-legal.com', 'rosefinancial.net', 'sydneydental.com.au']) });
  const qid = str('0123456789ABCDEF', 10);
  const ts = `${pick(MON3)} ${String(ri(1, 28)).padStart(2, ' ')} ${pad(ri(0, 23), 2)}:${pad(ri(0, 59), 2)}`;
  const sec = () => `${ts}:${pad(ri(0, 59), 2)}`;
  const gip = ipv4Public();
  return D`${sec()} mx1 postfix/smtpd[${ri(1000, 9999)}]: connect from mail-${str(LO, 2)}1-f${ri(10, 99)}.google.com[${IP(gip)}]
${sec()} mx1 postfix/smtpd[${ri(1000, 9999)}]: ${qid}: client=mail-${str(LO, 2)}1-f${ri(10, 99)}.google.com[${IP(gip)}]
${sec()} mx1 postfix/cleanup[${ri(1000, 9999)}]: ${qid}: message-id=<CA${str(ALNUM + '+_', 40)}@mail.gmail.com>
${sec()} mx1 postfix/qmgr[${ri(1000, 9999)}]: ${qid}: from=<${EM(a.email)}>, size=${ri(2000, 900000)}, nrcpt=1 (queue active)
${sec()} mx1 postfix/lmtp[${ri(1000, 9999)}]: ${qid}: to=<${EM(b.email)}>, relay=mail.local[private/dovecot-lmtp], delay=${ri(0, 2)}.${ri(1, 9)}, status=sent (250 2.0.0 Saved)
${sec()} mx1 postfix/smtpd[${ri(1000, 9999)}]: warning: unknown[${IP(ipv4Public())}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6
${sec()} mx1 postfix/smtpd[${ri(1000, 9999)}]: NOQUEUE: reject: RCPT from unknown[${IP(ipv4Public())}]: 554 5.7.1 <${EM(`${pick(['info', 'billing', 'admin'])}@${b.email.split('@')[1]}`)}>: Relay access denied; proto=ESMTP helo=<User>`;
});

// ================================================================= data formats
T('fmt-markdown-contacts', { domain: 'data-table', lang: 'en' }, () => {
  const dom = pick(['acme.io', 'grace-labs.com', 'northwind.dev', 'hunter-analytics.com']);
  const rows_ = Array.from({ length: ri(3, 5) }, () => {
    const cc = pick(['us', 'uk', 'de', 'nl', 'pl', 'in', 'br', 'au']);
    const n = name(pick(CULTURES[cc]));
    return D`| ${PER(n.full)} | ${pick(['Eng Manager', 'SRE', 'Product Designer', 'Data Scientist', 'Support Lead', 'Recruiter'])} | ${EM(emailFor(n, dom))} | ${PH(phone(cc))} | ${pick(['Austin', 'Sydney', 'Berlin', 'Amsterdam', 'Kraków', 'Bengaluru', 'São Paulo', 'Remote'])} |\n`;
  });
  return D`## On-call escalation contacts (Q${ri(1, 4)})

| Name | Role | Email | Mobile | Office |
|------|------|-------|--------|--------|
${rows_}
Escalate in this order. The shared pager alias is not a person — don't call it after 22:00 local.`;
});

T('fmt-html-hcard', { domain: 'html', lang: 'en' }, () => {
  const cc = pick(['us', 'uk', 'de', 'fr', 'it', 'au']);
  const p = who(cc);
  return D`<div class="h-card contact-card">
  <img class="u-photo" src="/img/staff/${hexid(12)}.jpg" alt="">
  <h3 class="p-name">${PER(p.name)}</h3>
  <p class="p-job-title">${pick(['Independent Financial Adviser', 'Physiotherapist', 'Notary', 'Piano Teacher', 'Wedding Photographer'])}</p>
  <p class="p-adr h-adr">${ADR(p.lines.join('<br>'))}</p>
  <a class="u-email" href="mailto:${EM(p.email)}">${EM(p.email)}</a>
  <a class="p-tel" href="tel:${PH(p.phone.replace(/[^+\d]/g, ''))}">${PH(p.phone)}</a>
  <small>Member since ${ri(2009, 2024)} · ID ${ri(10000, 99999)}</small>
</div>`;
});

T('fmt-sepa-xml', { domain: 'xml', lang: 'de/nl' }, () => {
  const dcc = pick(['DE', 'NL', 'AT', 'BE']);
  const dbt = name(pick(CULTURES[{ DE: 'de', NL: 'nl', AT: 'de', BE: 'nl' }[dcc]]));
  const txs = Array.from({ length: ri(1, 3) }, () => {
    const ccc = pick(['DE', 'NL', 'FR', 'ES', 'IT', 'PL', 'PT']);
    const cr = name(pick(CULTURES[{ DE: 'de', NL: 'nl', FR: 'fr', ES: 'es', IT: 'it', PL: 'pl', PT: 'pt' }[ccc]]));
    return D`      <CdtTrfTxInf>
        <PmtId><EndToEndId>E2E-${digits(10)}</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">${ri(20, 4000)}.${pad(ri(0, 99), 2)}</InstdAmt></Amt>
        <Cdtr><Nm>${PER(cr.full)}</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>${IBN(iban(ccc, false))}</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>Rechnung ${ri(2025, 2025)}-${digits(4)} / Kundennr ${digits(6)}</Ustrd></RmtInf>
      </CdtTrfTxInf>
`;
  });
  return D`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>MSG-${digits(12)}</MsgId><CreDtTm>${isoTs().replace('Z', '')}</CreDtTm><NbOfTxs>${txs.length}</NbOfTxs></GrpHdr>
    <PmtInf>
      <PmtInfId>PMT-${digits(8)}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <Dbtr><Nm>${PER(dbt.full)}</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>${IBN(iban(dcc, false))}</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>${str(UP, 4)}${dcc}${str(UP + DIG, 2)}</BICFI></FinInstnId></DbtrAgt>
${txs}    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>`;
});

T('fmt-yaml-fixtures', { domain: 'yaml', lang: 'en' }, () => {
  const users = Array.from({ length: ri(2, 3) }, () => {
    const cc = pick(['us', 'uk', 'ca', 'au']);
    const p = who(cc);
    return D`  - id: ${ri(1, 999)}
    full_name: "${PER(p.name)}"
    email: ${EM(p.email)}
    password: "${PW(password())}"
    date_of_birth: ${DOB(fmtDate(p.dob, 'iso'))}
    phone: "${PH(p.phone)}"
    address: "${ADR(p.addr)}"
    created_at: ${fmtDate(rdate(2021, 2025), 'iso')}
`;
  });
  return D`# fixtures/users.prod-snapshot.yml
# exported from prod to reproduce bug ${pick(['PAY', 'ACC', 'CRM'])}-${ri(100, 9999)}. TODO: anonymise before merging!!
users:
${users}roles:
  - { user_id: 1, role: admin }`;
});

T('fmt-csv-crm-export', { domain: 'csv', lang: 'en' }, () => {
  const rows_ = Array.from({ length: ri(3, 5) }, () => {
    const cc = pick(['us', 'us', 'ca', 'uk', 'ie']);
    const p = who(cc);
    return D`${ri(10000, 99999)},"${PER(p.name)}",${EM(p.email)},${PH(p.phone)},"${ADR(p.addr)}",${fmtDate(rdate(2019, 2025), 'iso')},${pick(['Gold', 'Silver', 'Bronze', 'Lead'])},${ri(0, 40000)}.${pad(ri(0, 99), 2)}\n`;
  });
  return D`contact_id,full_name,email,phone,mailing_address,customer_since,tier,lifetime_value_usd
${rows_}`;
});

T('fmt-ics-invite', { domain: 'calendar', lang: 'en' }, () => {
  const dom = pick(['grace-labs.com', 'acme.io', 'lincoln-partners.com']);
  const o = name(pick(CULTURES.us));
  const a1 = name(pick(CULTURES.uk));
  const a2 = who(pick(['de', 'nl', 'fr']));
  const d = rdate(2025, 2026);
  const dt = `${d.y}${pad(d.m, 2)}${pad(d.d, 2)}`;
  return D`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:${uuid()}
DTSTART;TZID=Europe/London:${dt}T140000
DTEND;TZID=Europe/London:${dt}T150000
SUMMARY:Quarterly review — Victoria / Austin accounts
LOCATION:Room Ada Lovelace (3rd floor) & Teams
ORGANIZER;CN="${PER(o.full)}":mailto:${EM(emailFor(o, dom))}
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN="${PER(a1.full)}":mailto:${EM(emailFor(a1, dom))}
ATTENDEE;ROLE=OPT-PARTICIPANT;CN="${PER(a2.name)}":mailto:${EM(a2.email)}
DESCRIPTION:Dial-in (audio only): ${PH(phone('uk'))}\\nConference ID: ${ri(100, 999)} ${ri(100, 999)} ${ri(100, 999)}#\\nIf you can't make it call my mobile ${PH(phone('us'))}.
END:VEVENT
END:VCALENDAR`;
});

// ================================================================= email threads
const weekday = (dt) =>
  ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][
    new Date(Date.UTC(dt.y, dt.m - 1, dt.d)).getUTCDay()
  ];
const plate = (cc) =>
  ({
    us: () => `${ri(1, 9)}${str(UP, 3)}${digits(3)}`,
    de: () => `${pick(['B', 'HH', 'M', 'K'])}-${str(UP, 2)} ${ri(10, 9999)}`,
    uk: () => `${str(UP, 2)}${ri(10, 74)} ${str(UP, 3)}`,
  })[cc]();
T('mail-thread-en', { domain: 'email', lang: 'en' }, () => {
  const cc = pick(['us', 'uk']);
  const co = pick([
    'Lincoln & Hope Architects',
    'Victoria Street Capital',
    'Baker Rose Engineering',
    'Summit Grace Facilities',
  ]);
  const dom =
    co
      .toLowerCase()
      .replace(/[^a-z]+/g, '')
      .slice(0, 14) + '.com';
  const a = who(cc, { domain: dom });
  const b = who(pick(['us', 'uk', 'in', 'de']), {
    domain: pick(['northwind.dev', 'contoso-energy.com', 'fabrikam.co.uk']),
  });
  const c = name(pick(CULTURES[cc]));
  const d1 = { ...rdate(2025, 2025), d: ri(2, 28) };
  const d0 = { ...d1, d: d1.d - 1 };
  return D`From: ${PER(a.name)} <${EM(a.email)}>
Sent: ${weekday(d1)}, ${fmtDate(d1, 'usLong')} 10:14 AM
To: ${PER(b.name)} <${EM(b.email)}>
Cc: ${PER(c.full)} <${EM(emailFor(c, dom))}>
Subject: RE: Site visit next week

Hi ${PER(b.given)},

Thursday at 10 works for me. I'll bring the signed NDA and the drawings (rev. C). I'll be in a grey Volvo XC60, plate ${plate(cc)}, in case security asks.

Kind regards,
${PER(a.name)}
Senior Project Manager | ${co}
${ADR(addrML(cc))}
T ${PH(phone(cc))} | M ${PH(a.phone)}
This e-mail and any attachments are confidential. If you received it in error, please notify the sender and delete it.

-----Original Message-----
From: ${PER(b.name)} <${EM(b.email)}>
Sent: ${weekday(d0)}, ${fmtDate(d0, 'usLong')} 4:52 PM
To: ${PER(a.name)} <${EM(a.email)}>
Subject: Site visit next week

Hi ${PER(a.given)}, could we do Thursday morning? Our plant is at ${ADR(b.addr)}. Ask reception for me or call my mobile ${PH(b.phone)}.
Thanks, ${PER(b.given)}`;
});

T('mail-thread-de', { domain: 'email', lang: 'de' }, () => {
  const firma = pick([
    'Hoffmann Haustechnik GmbH',
    'Porsche Immobilien Service',
    'Müller & Schäfer Bau GmbH',
    'Siemens-Gärten GbR',
  ]);
  const a = who('de', { domain: pick(['hoffmann-haustechnik.de', 'ms-bau.de', 'immo-service.de']) });
  const k = who('de');
  const gf = name('de');
  return D`Von: ${PER(a.name)} <${EM(a.email)}>
Gesendet: ${pick(['Montag', 'Dienstag', 'Mittwoch'])}, ${fmtDate(rdate(2025, 2025), 'de')} 08:47
An: ${EM(k.email)}
Betreff: AW: Angebot Badsanierung – Besichtigungstermin

Guten Morgen ${pick(['Frau', 'Herr'])} ${PER(k.family)},

vielen Dank für Ihre Rückmeldung. Unser Monteur kommt am Donnerstag zwischen 8 und 10 Uhr zu Ihnen in die ${ADR(k.addr)}. Bitte halten Sie den Zugang zum Keller frei.

Mit freundlichen Grüßen
${PER(a.name)}
Projektleitung

${firma}
${ADR(addrML('de'))}
Tel.: ${PH(phone('de'))} | Mobil: ${PH(a.phone)}
Geschäftsführer: ${PER(gf.full)} · Amtsgericht ${pick(['Charlottenburg', 'München', 'Köln'])} HRB ${ri(10000, 250000)} · USt-IdNr. DE${digits(9)}

-----Ursprüngliche Nachricht-----
Von: ${PER(k.name)} <${EM(k.email)}>
Betreff: Angebot Badsanierung

Sehr geehrte Damen und Herren, bitte rufen Sie mich für einen Termin unter ${PH(k.phone)} an (ab 17 Uhr).`;
});

T('mail-bec-iban-fr', { domain: 'email', lang: 'fr' }, () => {
  const s = who('fr', { domain: pick(['fontaine-transports.fr', 'girard-emballages.com', 'lemaitre-sa.fr']) });
  const r = who('fr', { domain: pick(['chevalier-distribution.fr', 'boucher-industrie.fr']) });
  return D`De : ${PER(s.name)} <${EM(s.email)}>
À : ${PER(r.name)} <${EM(r.email)}>
Objet : URGENT — changement de nos coordonnées bancaires

Bonjour ${PER(r.given)},

Suite à un changement de banque, merci de bien vouloir effectuer le règlement de nos factures n° F${ri(2025, 2025)}-${digits(4)} et F${ri(2025, 2025)}-${digits(4)} sur notre nouveau compte :
IBAN : ${IBN(iban(pick(['FR', 'FR', 'PT', 'ES']), true))}
BIC : ${str(UP, 6)}${str(UP + DIG, 2)}
L'ancien compte (${IBN(iban('FR', true))}) sera clôturé à la fin du mois.
Merci de me confirmer la prise en compte par retour de mail, et non par téléphone car je suis en déplacement.

Cordialement,
${PER(s.name)}
Responsable comptabilité fournisseurs
Ligne directe : ${PH(s.phone)}`;
});

T('mail-nomina-es', { domain: 'email', lang: 'es' }, () => {
  const rh = who('es', {
    domain: pick(['grupo-ibanez.es', 'castillo-logistica.com', 'muñoz-asesores.es'.replace('ñ', 'n')]),
  });
  const e = who('es');
  return D`De: ${PER(rh.name)} <${EM(rh.email)}>
Para: ${PER(e.name)} <${EM(e.email)}>
Asunto: Alta en nómina — datos pendientes

Hola ${PER(e.given)}:

Bienvenido/a al equipo. Para tramitar el alta en la Seguridad Social y la primera nómina he registrado los siguientes datos; revísalos, por favor:

· Nombre completo: ${PER(e.name)}
· Fecha de nacimiento: ${DOB(fmtDate(e.dob, pick(['dmy/', 'es'])))}
· NIF: ${NID(dni())}   · Nº afiliación SS: ${NID(`${digits(2)}/${digits(8)}/${digits(2)}`)}
· Domicilio: ${ADR(e.addr)}
· Teléfono: ${PH(e.phone)}
· Cuenta para el abono de la nómina: ${IBN(iban('ES', true))}

La nómina se paga el último día hábil de cada mes. Cualquier duda, llámame al ${PH(rh.phone)}.

Un saludo,
${PER(rh.name)}
Recursos Humanos`;
});

// ================================================================= meeting minutes
T('minutes-hoa-en', { domain: 'meeting-minutes', lang: 'en' }, () => {
  const board = Array.from({ length: 4 }, () => name(pick(CULTURES.us)));
  const ow = who('us');
  const ctr = who('us');
  const d = rdate(2025, 2025);
  return D`MAPLE RIDGE HOMEOWNERS ASSOCIATION — BOARD MEETING MINUTES
Date: ${fmtDate(d, 'usLong')}, 7:00 PM, clubhouse
Present: ${PER(board[0].full)} (President), ${PER(board[1].full)} (Treasurer), ${PER(board[2].full)} (Secretary), ${PER(board[3].full)}
Quorum: yes (4 of 5). Minutes of the previous meeting approved.

1. Treasurer's report: operating account $${money(20000, 90000)}; reserve $${money(100000, 400000)}. Two owners more than 90 days delinquent (see closed session).
2. Architectural request — ${PER(ow.name)}, ${ADR(ow.addr)}: fence replacement, 6 ft cedar. Approved 4–0.
3. Pool resurfacing: bid from ${PER(ctr.name)} (${pick(['Blue Wave Pools', 'Austin Aquatics', 'Crystal Clear LLC'])}) $${money(18000, 40000)}. Contact ${PH(ctr.phone)}, ${EM(ctr.email)}. Secretary to request two more bids.
4. Owner comment: ${PER(ow.given)} asked that minutes be emailed to ${EM(ow.email)} instead of mailed.
Next meeting: ${fmtDate({ ...d, m: (d.m % 12) + 1 }, 'usLong')}. Adjourned 8:42 PM.`;
});

T('notulen-vve-nl', { domain: 'meeting-minutes', lang: 'nl' }, () => {
  const vz = name(pick(CULTURES.nl));
  const pm = name(pick(CULTURES.nl));
  const l = Array.from({ length: 3 }, () => name(pick(CULTURES.nl)));
  const nw = who('nl');
  return D`NOTULEN ALGEMENE LEDENVERGADERING VvE ${pick(['Residentie Oranjepark', 'Het Lindenhof', 'De Vondelhoeve'])}
Datum: ${fmtDate(rdate(2025, 2025), 'nl')}, 19.30 uur, buurthuis De Ster

Aanwezig: ${PER(vz.full)} (voorzitter), ${PER(pm.full)} (penningmeester), ${PER(l[0].full)}, ${PER(l[1].full)}, ${PER(l[2].full)}; bij volmacht: 3 leden.

1. Opening en mededelingen
De voorzitter heet ${PER(nw.name)} welkom als nieuwe eigenaar van ${ADR(nw.addr)}. Contact: ${PH(nw.phone)}, ${EM(nw.email)}.
2. Financiën
De penningmeester licht de jaarrekening toe. Het reservefonds bedraagt € ${ri(40, 180)}.${ri(100, 999)}. De maandelijkse bijdrage blijft gelijk en wordt geïnd op rekening ${IBN(iban('NL'))} t.n.v. VvE.
3. Onderhoud
Het schilderwerk van de kozijnen (MJOP-post ${ri(2026, 2030)}) wordt een jaar naar voren gehaald. Offerte van Schildersbedrijf Van Dijk & Zn. ligt ter inzage.
4. Rondvraag — geen.
Sluiting om 21.15 uur.`;
});

// ================================================================= chat exports
T('chat-whatsapp-br', { domain: 'chat', lang: 'pt-BR' }, () => {
  const a = who('br');
  const b = who('br');
  const d = rdate(2025, 2025);
  let m = ri(600, 1300);
  const ts = () => {
    m += ri(1, 9);
    return `[${fmtDate(d, 'dmy/')} ${pad(Math.floor(m / 60) % 24, 2)}:${pad(m % 60, 2)}:${pad(ri(0, 59), 2)}]`;
  };
  const cn = card(pick(['visa', 'mc']), 'space');
  return D`${ts()} ${PER(a.name)}: oi amor, conseguiu comprar os ingressos do show?
${ts()} ${PER(b.name)}: ainda não, o site pede o cartão de novo 🙄
${ts()} ${PER(a.name)}: usa o meu então: ${CC(cn)} validade ${pad(ri(1, 12), 2)}/${ri(26, 31)} cvv ${digits(3)}
${ts()} ${PER(b.name)}: foi!! 2 ingressos pista, chegam no e-mail ${EM(b.email)}
${ts()} ${PER(a.name)}: 👏👏 manda entregar a camiseta lá em casa: ${ADR(a.addr)}
${ts()} ${PER(b.name)}: ok. Te faço o Pix da minha parte, chave é meu celular ${PH(b.phone)} né?
${ts()} ${PER(a.name)}: não, usa a chave aleatória ${uuid()}
${ts()} ${PER(b.name)}: <Mídia oculta>`;
});

T('chat-slack-export', { domain: 'chat', lang: 'en' }, () => {
  const p1 = name(pick(CULTURES.us));
  const p2 = name(pick(CULTURES.in));
  const p3 = name(pick(CULTURES.uk));
  const h = (n) => translit(n.given).replace(/ /g, '').slice(0, 1) + translit(n.family).replace(/ /g, '').slice(0, 8);
  let mm = ri(9 * 60, 15 * 60);
  const t = () => {
    mm += ri(1, 25);
    return `${Math.floor(mm / 60)}:${pad(mm % 60, 2)}`;
  };
  return D`#team-platform — exported ${fmtDate(rdate(2025, 2025), 'iso')}

${PER(p1.full)} (@${USR(h(p1))})  ${t()}
anyone know why the staging bot can't post? getting not_in_channel

${PER(p2.full)} (@${USR(h(p2))})  ${t()}
it was reinstalled yesterday, new token is ${API(apiKey('slackBot'))} — you need to /invite it again

${PER(p3.full)} (@${USR(h(p3))})  ${t()}
:rotating_light: please don't paste tokens in channels, use the vault. also for the record this is the JWT the bot gets back from our auth svc, signature fails:
\`${JWT(quickJwt())}\`

${PER(p2.given)} (@${USR(h(p2))})  ${t()}
sorry! rotating. fwiw the vault login for the shared staging account is still ${PW(password('word'))}, someone should change that too

${PER(p1.full)} (@${USR(h(p1))})  ${t()}
:+1: created JIRA PLAT-${ri(1000, 9999)}`;
});

T('chat-teams-de', { domain: 'chat', lang: 'de' }, () => {
  const a = name('de');
  const b = name(pick(CULTURES.de));
  const k = who('de');
  const ts = () => `[${pad(ri(8, 17), 2)}:${pad(ri(0, 59), 2)}]`;
  return D`${ts()} ${PER(`${a.family}, ${a.given}`)}
Hi, kannst du mir kurz das neue WLAN-Passwort für die Außenstelle ${pick(['Freiburg', 'Leipzig', 'Köln'])} schicken? Das alte geht nicht mehr.

${ts()} ${PER(`${b.family}, ${b.given}`)}
Klar: SSID "Gast-${str(UP, 3)}", Passwort ${PW(password(pick(['word', 'rand'])))}
Bitte nicht weitergeben 😉

${ts()} ${PER(`${a.family}, ${a.given}`)}
Danke! Und der Kunde für den Termin morgen ist ${PER(k.name)}, ${ADR(k.addr)}, Tel. ${PH(k.phone)} — passt das mit 10 Uhr?

${ts()} ${PER(`${b.family}, ${b.given}`)}
Ja, Ticket ${ri(2025, 2025)}-${digits(5)} ist angelegt.`;
});

// ================================================================= clinical
const nhsNumber = () => {
  for (;;) {
    const d = digits(9);
    const sum = [...d].reduce((acc, c, i) => acc + Number(c) * (10 - i), 0);
    let chk = 11 - (sum % 11);
    if (chk === 11) chk = 0;
    if (chk === 10) continue;
    const n = d + chk;
    return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  }
};
const ageAt = (dob) => 2025 - dob.y;
T('clin-soap-note-us', { domain: 'clinical', lang: 'en' }, () => {
  const p = who('us');
  const rel = name(pick(CULTURES.us));
  const dr = name(pick(CULTURES.us));
  return D`${pick(['RIVERSIDE FAMILY MEDICINE', 'LINCOLN PARK PEDIATRICS & ADULT CARE', 'ST. AUSTIN URGENT CARE'])} — PROGRESS NOTE
Patient: ${PER(p.name)}    MRN: ${MRN(mrn(pick(['d8', 'e9', 'alpha'])))}    DOB: ${DOB(fmtDate(p.dob, 'us'))} (${ageAt(p.dob)} y)
Date of service: ${fmtDate(rdate(2025, 2025), 'us')}    Provider: ${PER(dr.full)}, MD    Visit type: established, in person

S: Presents with 3 days of right ear pain and low-grade fever. PMH notable for Hashimoto's thyroiditis and Raynaud's phenomenon. Lives with daughter, ${PER(rel.full)}, who is the emergency contact (${PH(phone('us'))}).
O: BP 128/82, HR 76, T 37.9 °C, SpO2 98% RA. R TM erythematous and bulging. No mastoid tenderness.
A/P: 1. Acute otitis media, right (H66.91) — amoxicillin 875 mg PO BID x 10 d.  2. Levothyroxine 75 mcg, continue.  3. RTC 2 weeks or sooner if worse.
Patient prefers portal messages to ${EM(p.email)}; home phone ${PH(p.phone)}.
Electronically signed by ${PER(dr.full)}, MD on ${fmtDate(rdate(2025, 2025), 'us')} ${ri(8, 18)}:${pad(ri(0, 59), 2)}`;
});

T('clin-referral-uk', { domain: 'clinical', lang: 'en-GB' }, () => {
  const p = who('uk', { minYear: 1940, maxYear: 1975 });
  const gp = name(pick(CULTURES.uk));
  const con = name(pick(CULTURES.uk));
  const pr = pick(['Kingsley Road Surgery', 'The Grace Medical Practice', 'Victoria Park Health Centre']);
  return D`${pr}
${ADR(addrML('uk'))}
Tel: ${PH(phone('uk'))}   Secure email: ${EM(
    `${pr
      .toLowerCase()
      .replace(/[^a-z]+/g, '.')
      .replace(/\.$/, '')}@nhs.net`,
  )}

${fmtDate(rdate(2025, 2025), 'enLong')}

Dr ${PER(con.full)}
Consultant Rheumatologist
${pick(["St James's University Hospital", 'Royal Victoria Infirmary', 'Addenbrooke’s Hospital'])}

Dear Dr ${PER(con.family)},

Re: ${PER(p.name)}, DOB ${DOB(fmtDate(p.dob, pick(['dmy/', 'enLong'])))}, NHS No. ${NID(nhsNumber())}, Hospital No. ${MRN(mrn(pick(['h7', 'd8'])))}
${ADR(p.addrML)}
Tel: ${PH(p.phone)}

Thank you for seeing this ${ageAt(p.dob)}-year-old with a six-week history of bilateral shoulder and hip girdle stiffness, worse in the morning. CRP 48, ESR 62. Background of Addison's disease (on hydrocortisone) and a previous Colles' fracture. I wonder about polymyalgia rheumatica but have held off steroids given the Addison's pending your advice.

Yours sincerely,
Dr ${PER(gp.full)}
GP Partner`;
});

T('clin-laborbefund-de', { domain: 'clinical', lang: 'de' }, () => {
  const p = who('de');
  const e = name('de');
  const v = name('de');
  const row = (par, val, unit, ref) => `${par.padEnd(22)}${val.padEnd(10)}${unit.padEnd(10)}${ref}\n`;
  return D`${pick(['Labor Dr. Fuchs & Kollegen MVZ GmbH', 'Synlab MVZ Leipzig', 'Labor Becker-Lindner'])} · ${ADR(addr1('de'))}
BEFUNDBERICHT — Auftragsnummer ${digits(10)}

Patient/in: ${PER(`${p.family}, ${p.given}`)}    geb. ${DOB(fmtDate(p.dob, 'dmy.'))}    ${pick(['w', 'm'])}
Patienten-Nr.: ${MRN(mrn(pick(['d8', 'd10'])))}    Fall-Nr.: ${XID(digits(9))}
Einsender: Dr. med. ${PER(e.full)}, Praxis für Allgemeinmedizin
Eingang: ${fmtDate(rdate(2025, 2025), 'dmy.')} ${pad(ri(7, 12), 2)}:${pad(ri(0, 59), 2)}

Parameter             Ergebnis  Einheit   Referenzbereich
${row('Hämoglobin', `${ri(11, 16)},${ri(0, 9)}`, 'g/dl', '12,0 – 16,0')}${row('Leukozyten', `${ri(4, 11)},${ri(0, 9)}`, '/nl', '3,9 – 10,2')}${row('TSH basal', `${ri(0, 4)},${digits(2)}`, 'mU/l', '0,27 – 4,20')}${row('HbA1c', `${ri(5, 8)},${ri(0, 9)}`, '%', '< 5,7')}
Beurteilung: leicht erhöhter HbA1c-Wert, Kontrolle in 3 Monaten empfohlen.
Validiert: ${PER(v.full)}, Fachärztin für Laboratoriumsmedizin`;
});

T('clin-pharmacy-label-us', { domain: 'clinical', lang: 'en' }, () => {
  const p = who('us');
  const dr = name(pick(CULTURES.us));
  const drug = pick([
    ['CARBIDOPA/LEVODOPA 25-100MG TAB', "PARKINSON'S DISEASE"],
    ['MESALAMINE DR 1.2G TAB', "CROHN'S DISEASE"],
    ['DONEPEZIL 10MG TAB', "ALZHEIMER'S DEMENTIA"],
    ['PYRIDOSTIGMINE 60MG TAB', 'MYASTHENIA GRAVIS'],
  ]);
  return D`${pick(['WALGREENS', 'CVS PHARMACY', 'RITE AID', 'KROGER PHARMACY'])} #${ri(1000, 19999)}  ${ADR(addr1('us'))}  ${PH(phone('us'))}
Rx# ${ri(1000000, 9999999)}-${ri(1000, 9999)}          Filled: ${fmtDate(rdate(2025, 2025), 'us')}
${PER(p.name.toUpperCase())}
${ADR(p.addr.toUpperCase())}
DOB: ${DOB(fmtDate(p.dob, 'us'))}
TAKE 1 TABLET BY MOUTH ${pick(['TWICE DAILY', 'THREE TIMES DAILY', 'AT BEDTIME'])} FOR ${drug[1]}
${drug[0]}   QTY: ${pick([30, 60, 90])}   REFILLS: ${ri(0, 5)}
PRESCRIBER: DR. ${PER(dr.full.toUpperCase())}
NDC ${digits(5)}-${digits(4)}-${digits(2)}   MFR: ${pick(['TEVA', 'SUN PHARMA', 'AUROBINDO'])}   DISCARD AFTER: ${fmtDate(rdate(2026, 2026), 'us')}`;
});

T('clin-informe-alta-es', { domain: 'clinical', lang: 'es' }, () => {
  const p = who('es', { minYear: 1935, maxYear: 1970 });
  const dr = name('es');
  const ing = { ...rdate(2025, 2025), d: ri(1, 20) };
  return D`HOSPITAL UNIVERSITARIO ${pick(['MARQUÉS DE VALDECILLA', 'VIRGEN DEL ROCÍO', 'RAMÓN Y CAJAL', 'LA PAZ'])} — Servicio de Medicina Interna
INFORME DE ALTA HOSPITALARIA

Paciente: ${PER(p.name)}
NHC: ${MRN(mrn(pick(['d6', 'd8'])))}    CIP: ${NID(`${str(UP, 4)}${digits(10)}`)}
Fecha de nacimiento: ${DOB(fmtDate(p.dob, 'dmy/'))}    Sexo: ${pick(['Mujer', 'Hombre'])}
Domicilio: ${ADR(p.addr)}    Teléfono: ${PH(p.phone)}
Fecha de ingreso: ${fmtDate(ing, 'dmy/')}    Fecha de alta: ${fmtDate({ ...ing, d: ing.d + ri(2, 8) }, 'dmy/')}

Motivo de ingreso: neumonía adquirida en la comunidad (LID).
Antecedentes: HTA, DM2, enfermedad de Crohn en remisión. Vive con su hija.
Evolución: buena respuesta a ceftriaxona + azitromicina. Afebril desde el 3.er día.
Tratamiento al alta: amoxicilina/clavulánico 875/125 mg c/8 h, 5 días. Control por su médico de Atención Primaria en 7–10 días.

Médico responsable: Dra. ${PER(dr.full)} — Nº colegiado ${digits(9)}`;
});

T('clin-referto-it', { domain: 'clinical', lang: 'it' }, () => {
  const p = who('it');
  const dr = name('it');
  return D`AZIENDA OSPEDALIERO-UNIVERSITARIA ${pick(['CAREGGI', "SANT'ORSOLA-MALPIGHI", 'POLICLINICO UMBERTO I'])} — U.O. Cardiologia
REFERTO DI VISITA CARDIOLOGICA

Paziente: ${PER(p.name)}    Nato/a il: ${DOB(fmtDate(p.dob, pick(['dmy/', 'it'])))}
N. cartella clinica: ${MRN(mrn(pick(['d8', 'alpha', 'd10'])))}    C.F.: ${NID(codiceFiscale())}
Residenza: ${ADR(p.addr)}    Recapito: ${PH(p.phone)}
Data visita: ${fmtDate(rdate(2025, 2025), 'dmy/')}

Anamnesi: palpitazioni parossistiche da circa 2 anni. Nota sindrome di Wolff-Parkinson-White diagnosticata in età giovanile, mai trattata.
ECG: ritmo sinusale, FC 68 bpm, PR corto, onda delta.
Conclusioni: si consiglia studio elettrofisiologico ed eventuale ablazione transcatetere.

Il medico: Dott.ssa ${PER(dr.full)}`;
});

T('clin-compte-rendu-fr', { domain: 'clinical', lang: 'fr' }, () => {
  const p = who('fr');
  const mt = name('fr');
  const orl = name('fr');
  return D`Centre Hospitalier ${pick(['Lyon-Sud', 'Régional de Lille', 'Universitaire de Rennes'])} — Service d'ORL et chirurgie cervico-faciale
Compte rendu de consultation du ${fmtDate(rdate(2025, 2025), 'dmy/')}

Patient(e) : ${pick(['M.', 'Mme'])} ${PER(`${p.family.toUpperCase()} ${p.given}`)}
Né(e) le : ${DOB(fmtDate(p.dob, pick(['dmy/', 'fr'])))}
IPP : ${MRN(mrn(pick(['d8', 'd10'])))}
Adresse : ${ADR(p.addr)}
Médecin traitant : Dr ${PER(mt.full)}

Cher confrère,
J'ai vu en consultation votre patient(e) pour des crises de vertiges rotatoires avec acouphènes et plénitude de l'oreille gauche. L'audiogramme montre une surdité de perception sur les fréquences graves. Le tableau est évocateur d'une maladie de Ménière. Je propose un traitement par bétahistine et un contrôle dans trois mois.
Bien confraternellement,
Dr ${PER(orl.full)}`;
});

T('clin-hl7-adt', { domain: 'clinical', lang: 'en (HL7 v2)' }, () => {
  const p = who('us');
  const nk = name(pick(CULTURES.us));
  const dr = name(pick(CULTURES.us));
  const [l1, ...rest] = p.lines;
  const last = rest[rest.length - 1];
  const m = /^(.*), ([A-Z]{2}) (\S+)$/.exec(last);
  const hAddr = `${l1.toUpperCase()}^${rest.length > 1 ? rest[0].toUpperCase() : ''}^${m ? m[1].toUpperCase() : 'BOISE'}^${m ? m[2] : 'ID'}^${m ? m[3] : '83702'}^USA`;
  const [a, e, s] = usParts();
  const ts = `${fmtDate(rdate(2025, 2025), 'hl7')}${pad(ri(0, 23), 2)}${pad(ri(0, 59), 2)}`;
  const up7 = (x) =>
    x
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase();
  const hn = (n) => `${up7(n.family)}^${up7(n.given)}`;
  return D`MSH|^~\\&|EPIC|${pick(['RMC', 'SJH', 'UHC'])}|HL7GW|ADT|${ts}||ADT^A01|${digits(10)}|P|2.5.1
EVN|A01|${ts}
PID|1||${MRN(mrn(pick(['d8', 'e9'])))}^^^${pick(['RMC', 'SJH'])}^MR||${PER(hn(p))}^^^^||${DOB(fmtDate(p.dob, 'hl7'))}|${pick(['F', 'M'])}|||${ADR(hAddr)}||${PH(`(${a})${e}-${s}`)}^PRN^PH|||S||${digits(9)}
NK1|1|${PER(hn(nk))}|${pick(['DAU', 'SPO', 'SON', 'MTH'])}|||${PH(phone('us'))}
PV1|1|I|4W^412^B^${pick(['RMC', 'SJH'])}||||${digits(7)}^${PER(hn(dr))}^^^^DR|||MED||||1|||${digits(7)}^${PER(hn(dr))}^^^^DR|IN||||||||||||||||||||||||${ts}`;
});

T('clin-skierowanie-pl', { domain: 'clinical', lang: 'pl' }, () => {
  const p = who('pl', { minYear: 1945, maxYear: 1985 });
  const dr = name('pl');
  return D`SKIEROWANIE DO PORADNI KARDIOLOGICZNEJ
${pick(['Przychodnia Rodzinna „Zdrowie”', 'NZOZ Medicus', 'Centrum Medyczne Wola'])} · ${ADR(addr1('pl'))}

Pacjent: ${PER(p.name)}    PESEL: ${NID(pesel(p.dob))}
Data urodzenia: ${DOB(fmtDate(p.dob, pick(['dmy.', 'pl'])))}
Adres zamieszkania: ${ADR(p.addr)}
Telefon: ${PH(p.phone)}
Nr historii choroby: ${MRN(mrn(pick(['d6', 'dash'])))}

Rozpoznanie: I48 — migotanie przedsionków napadowe. Choroby współistniejące: choroba Hashimoto, nadciśnienie tętnicze.
Cel skierowania: konsultacja, rozważenie ablacji.
Lekarz kierujący: lek. med. ${PER(dr.full)}, nr PWZ ${ri(1000000, 9999999)}
Data wystawienia: ${fmtDate(rdate(2025, 2025), 'dmy.')}`;
});

// ================================================================= more positives: HR, TLS secret, car rental
T('hr-onboarding-us', { domain: 'hr-payroll', lang: 'en' }, () => {
  const e = who('us');
  const ec = { ...name(pick(CULTURES.us)), phone: phone('us') };
  const sp = name(pick(CULTURES.us));
  const kid = `${pick(['Ava', 'Hunter', 'Grace', 'Mason', 'Lily', 'Noah'])} ${e.family}`;
  return D`NEW HIRE ONBOARDING — PAYROLL & BENEFITS (CONFIDENTIAL)
Employee: ${PER(e.name)}    Employee ID: ${XID(`E${digits(6)}`)}    Start date: ${fmtDate(rdate(2025, 2025), 'us')}
Department: ${pick(['Finance', 'Warehouse Ops', 'Customer Success', 'Engineering'])}    Manager: see HRIS

SSN: ${SSN(ssn('-'))}    Date of birth: ${DOB(fmtDate(e.dob, 'us'))}
Home address: ${ADR(e.addr)}
Personal email: ${EM(e.email)}    Mobile: ${PH(e.phone)}

Direct deposit: ${pick(['Chase', 'Wells Fargo', 'Navy Federal CU', 'Ally Bank'])} — routing ${XID(digits(9))}, account ${XID(digits(ri(10, 12)))} (checking), 100%
W-4: Married filing jointly; Step 3 dependents $${pick(['2,000', '4,000', '0'])}
Emergency contact: ${PER(ec.full)} (${pick(['spouse', 'sister', 'father', 'friend'])}), ${PH(ec.phone)}
Medical plan dependents: ${PER(sp.full)} (spouse, DOB ${DOB(fmtDate(dobDate(1960, 2000), 'us'))}), ${PER(kid)} (child, DOB ${DOB(fmtDate(dobDate(2012, 2024), 'us'))})
I-9 List A document: U.S. passport, verified in person by HR on day 1.`;
});

const fakeCert = () =>
  `-----BEGIN CERTIFICATE-----\n${lines(b64(cat(Uint8Array.from([0x30, 0x82, 0x01, 0xd3, 0x30, 0x82, 0x01, 0x79, 0xa0, 0x03, 0x02, 0x01, 0x02]), bytes(ri(300, 420)))), 64)}\n-----END CERTIFICATE-----`;
const indent = (s, n) => s.replace(/\n/g, '\n' + ' '.repeat(n));
T('code-k8s-tls-secret', { domain: 'code-config', lang: 'en', n: 5 }, () => {
  const host = `${pick(['shop', 'api', 'grafana', 'sso'])}.${pick(['grace-labs.com', 'hunter-analytics.com', 'austin-bikes.com'])}`;
  return D`# tls-secret.yaml — generated by ${pick(['mkcert', 'openssl', 'step-ca'])} on ${fmtDate(rdate(2025, 2025), 'iso')}
apiVersion: v1
kind: Secret
metadata:
  name: ${host.split('.')[0]}-tls
  namespace: ingress
  annotations:
    cert-manager.io/issuer-name: letsencrypt-prod
type: kubernetes.io/tls
stringData:
  tls.crt: |
    ${indent(fakeCert(), 4)}
  tls.key: |
    ${PK(indent(pem(pick(['ec', 'pkcs8ec', 'rsa1024'])), 4))}
---
# ingress uses host ${host}, sha256 fingerprint ${Array.from({ length: 8 }, () => str('0123456789ABCDEF', 2)).join(':')}…`;
});

T('rent-noleggio-it', { domain: 'travel', lang: 'it' }, () => {
  const c = who('it');
  const c2 = who('it');
  const cn = cardNumber(pick(['visa', 'mc', 'amex']));
  const d = rdate(2025, 2026);
  return D`CONTRATTO DI NOLEGGIO N. ${str(UP, 2)}${digits(8)} — ${pick(['Maggiore', 'Sicily by Car', 'Locauto'])}
Ritiro: ${pick(['Aeroporto di Catania Fontanarossa', 'Milano Linate', 'Roma Fiumicino T3', 'Bologna G. Marconi'])}, ${fmtDate(d, 'dmy/')} ore ${pad(ri(7, 20), 2)}:${pick(['00', '15', '30', '45'])}

Conducente principale: ${PER(c.name)}
Nato/a il: ${DOB(fmtDate(c.dob, 'dmy/'))}
Patente n.: ${NID(`${str(UP, 1)}${ri(1, 9)}${digits(7)}${str(UP, 1)}`)}   rilasciata da MIT-UCO
Residenza: ${ADR(c.addr)}
Cellulare: ${PH(c.phone)}   E-mail: ${EM(c.email)}

Carta di credito a garanzia: ${CC(fmtCard(cn))}  scad. ${pad(ri(1, 12), 2)}/${ri(26, 31)}  — deposito cauzionale € ${pick(['500', '800', '1.200'])},00
Veicolo: ${pick(['Fiat 500 Hybrid', 'Jeep Renegade', 'Lancia Ypsilon', 'Alfa Romeo Tonale'])}, targa ${str(UP, 2)} ${digits(3)} ${str(UP, 2)}, km uscita ${ri(5000, 60000)}, carburante 8/8
Secondo conducente: ${PER(c2.name)}, nato/a il ${DOB(fmtDate(c2.dob, 'dmy/'))}

Firma del cliente ______________________   Copertura Super Kasko: ${pick(['sì', 'no'])}`;
});

// ================================================================= HARD NEGATIVES (no gold spans)
const NEG = { neg: true, n: 6 };
const anyDate = (style) => fmtDate(rdate(2019, 2026), style);
const dateRange = (s1, s2 = s1) => {
  const a = { ...rdate(2025, 2026), d: ri(1, 14) };
  return [fmtDate(a, s1), fmtDate({ ...a, d: a.d + ri(3, 14) }, s2)];
};
const ean13 = () => {
  for (;;) {
    const b = pick(['40', '50', '87', '76', '80', '30']) + digits(10);
    const sum = [...b].reduce((acc, c, i) => acc + Number(c) * (i % 2 ? 3 : 1), 0);
    const e = b + ((10 - (sum % 10)) % 10);
    if (!(luhnOk(e) && cardIssuerOk(e))) return e;
  }
};
const paras = (pool, a, b) => sample(pool, ri(a, b)).map((f) => (typeof f === 'function' ? f() : f));

T('neg-press-brands', { domain: 'news-business', lang: 'en', ...NEG }, () => {
  const pct = () => `${ri(1, 19)}.${ri(0, 9)}%`;
  const pool = [
    () =>
      `${pick(['Johnson Controls', 'Sherwin-Williams', 'Harley-Davidson', 'Hewlett Packard Enterprise'])} raised its full-year outlook on ${anyDate('usLong')}, citing ${pct()} organic growth in North America.`,
    () =>
      `Shares of Ben & Jerry's parent rose after the ice-cream maker confirmed it will keep its Vermont plant open through fiscal ${ri(2025, 2027)}.`,
    () =>
      `Marks & Spencer and John Lewis both reported stronger Christmas trading, while Sainsbury's warned on margins.`,
    () =>
      `Analysts at Morgan Stanley and Goldman Sachs expect Tommy Hilfiger and Calvin Klein owner PVH to cut ${ri(2, 9)}% of office roles.`,
    () =>
      `Louis Vuitton, Christian Dior and Hermès led the luxury index ${pick(['higher', 'lower'])}; Hugo Boss slipped ${pct()}.`,
    () => `Diageo said Johnnie Walker volumes fell, while Brown-Forman reported flat sales of Jack Daniel's in Europe.`,
    () =>
      `Tim Hortons, Wendy's and McDonald's are testing ${pick(['AI drive-thru ordering', 'plant-based breakfast menus', 'loyalty price freezes'])} in ${pick(['Austin', 'Sydney', 'Victoria', 'Charlotte', 'Madison'])}.`,
    () =>
      `Charles Schwab completed its migration of ${ri(2, 9)} million accounts; Wells Fargo and Dow Jones were not involved in the deal.`,
    () =>
      `Rolls-Royce, Aston Martin and Mercedes-Benz all cited supply constraints in ${pick(['Q1', 'Q2', 'Q3', 'Q4'])}.`,
    () =>
      `Estée Lauder, Ralph Lauren and Giorgio Armani will share a pop-up at ${pick(['Westfield Sydney', 'The Domain, Austin', 'Galeries Lafayette'])} from ${anyDate('usLong')}.`,
    () => `Ted Baker and Paul Smith stores on Regent Street will close early on Boxing Day, the landlord said.`,
    () =>
      `Dell Technologies, Ford Motor Co. and Procter & Gamble are among ${ri(30, 90)} firms joining the ${pick(['Grace Hopper', 'Ada Lovelace', 'Alan Turing'])} Fellowship programme.`,
    () =>
      `Ernst & Young and Baker McKenzie advised ${pick(['Philips', 'Siemens Healthineers', 'Ferrero'])} on the €${ri(1, 9)}.${ri(1, 9)}bn acquisition.`,
  ];
  return D`${pick(['NEW YORK', 'LONDON', 'PARIS', 'FRANKFURT'])} (${pick(['Reuters-style wire', 'Market Brief', 'Daily Ticker'])}) — ${anyDate('usLong')}

${join_(paras(pool, 3, 5), '\n\n')}

Ticker snapshot: ${pick(['JCI', 'SHW', 'HOG', 'HPE'])} ${ri(20, 400)}.${pad(ri(0, 99), 2)} (${pick(['+', '−'])}${ri(0, 4)}.${ri(0, 9)}%), ${pick(['MKS.L', 'RL', 'EL', 'PVH'])} ${ri(20, 400)}.${pad(ri(0, 99), 2)}.`;
});

T('neg-travel-guide', { domain: 'travel-guide', lang: 'en', ...NEG }, () => {
  const pool = [
    `Sydney's Circular Quay is the starting point for ferries to Manly; arrive before 9:00 to avoid the queues at Wharf 3.`,
    `Austin, Texas hosts SXSW every March — book early, because hotels on Congress Avenue sell out months ahead.`,
    `Victoria, the capital of British Columbia, is a 90-minute ferry ride from Vancouver; the Inner Harbour is walkable.`,
    `In Florence, the Uffizi is closed on Mondays. Tickets for the Accademia (home of Michelangelo's David) are timed.`,
    `Adelaide's Fringe runs for a month from late February; the Garden of Unearthly Delights is in Rundle Park.`,
    `Charlotte and Raleigh are both good bases for the Blue Ridge Parkway; Asheville is two hours west.`,
    `Regina, Saskatchewan, is home to the RCMP Heritage Centre; Lincoln, Nebraska, has the Sunken Gardens.`,
    `Madison, Wisconsin sits between two lakes; the farmers' market circles the Capitol Square on Saturdays.`,
    `Savannah's 22 squares are best explored on foot. Paris, Texas has its own Eiffel Tower — with a red cowboy hat.`,
    `Every Beatles fan walks the zebra crossing on Abbey Road; Penny Lane is a bus ride away in Liverpool.`,
    `Baker Street station has a Sherlock Holmes-themed platform; the museum at "221B" is a few minutes' walk.`,
    `Route 66 officially starts in Chicago on Adams Street and ends at the Santa Monica Pier.`,
    `Santiago de Compostela's cathedral welcomes pilgrims with the Pilgrim's Mass at noon; São Paulo's MASP is free on Tuesdays.`,
    `Jackson Hole's Town Square has antler arches at each corner; Georgetown's canal path is flat and good for cycling.`,
  ];
  return D`${pick(['Weekend escapes', 'City hopping on a budget', 'Ten things to know before you go', 'Slow travel notes'])} — updated ${anyDate('enLong')}

${join_(
  paras(pool, 3, 5).map((p, i) => `${i + 1}. ${p}`),
  '\n',
)}

Opening hours change seasonally; check the official tourism site before you travel. Prices quoted in local currency, correct as of ${anyDate('usLong')}.`;
});

T('neg-release-notes', { domain: 'software-release', lang: 'en', ...NEG }, () => {
  const v = [ri(1, 9), ri(0, 30), ri(0, 12)];
  const pool = [
    () => `Fix Levenshtein distance for strings containing surrogate pairs (#${ri(1000, 9999)})`,
    () => `Replace the Bloom filter with a cuckoo filter; false-positive rate now ${ri(1, 9)}e-${ri(3, 6)}`,
    () => `Use Dijkstra with a pairing heap for route planning (${ri(2, 9)}x faster on the Victoria dataset)`,
    () => `Kalman smoothing for GPS traces is now opt-in (\`smoothing: "kalman"\`)`,
    () => `Bump lodash from 4.17.20 to 4.17.21 (dependabot[bot], ${hexid(7)})`,
    () => `Bump @types/node from 20.${ri(1, 12)}.${ri(0, 9)} to 20.${ri(13, 17)}.${ri(0, 9)} (renovate[bot])`,
    () => `Security: patch CVE-${ri(2023, 2025)}-${ri(10000, 49999)} in the YAML loader`,
    () => `Migration ${uuid()} adds an index on orders(created_at)`,
    () => `Docker image digest: sha256:${hexid(64)}`,
    () => `Fourier-based resampler no longer allocates per frame`,
    () => `Thanks to everyone at the Grace Hopper Celebration open-source day for the Hamming-distance patch`,
    () => `Boyer–Moore search is used for patterns longer than ${ri(8, 32)} bytes`,
    () => `Markov chain text generator moved to the examples/ folder`,
  ];
  return D`## v${v.join('.')} — ${anyDate('iso')}

### Changes
${join_(
  paras(pool, 4, 7).map((p) => `- ${p}`),
  '\n',
)}

### Build
commit ${hexid(40)}
tag v${v.join('.')} signed with key ${str('0123456789ABCDEF', 16)}
artifacts: app-${v.join('.')}-linux-x64.tar.gz (sha256 ${hexid(64)})

Full changelog: compare/v${v[0]}.${v[1]}.${Math.max(0, v[2] - 1)}...v${v.join('.')}`;
});

T('neg-order-tracking', { domain: 'e-commerce', lang: 'en/de', ...NEG }, () => {
  const de = chance(0.4);
  const usps = () => {
    const s = `9400${nonLuhn(18)}`;
    return `${s.slice(0, 4)} ${s.slice(4, 8)} ${s.slice(8, 12)} ${s.slice(12, 16)} ${s.slice(16, 20)} ${s.slice(20)}`;
  };
  const ean = ean13;
  if (de)
    return D`Ihre Bestellung ${ri(300, 399)}-${digits(7)}-${digits(7)} ist unterwegs!

Sendungsnummer: ${pick([`JJD${digits(18)}`, `00340434${digits(12)}`, `${digits(12)}`])} (${pick(['DHL Paket', 'Hermes', 'GLS', 'DPD'])})
Voraussichtliche Zustellung: ${anyDate('de')}, zwischen 10:00 und 14:00 Uhr
Artikel: ${pick(['Dr. Martens 1460 Stiefel, Gr. 42', 'Porsche Design Chronograph', 'Hugo Boss Hemd Slim Fit', 'Ferrero Rocher 30er Packung'])} — EAN ${ean()}, Menge ${ri(1, 3)}
Bei Nichtantreffen wird das Paket in der nächsten Packstation (Nr. ${ri(100, 299)}) hinterlegt.
Rücksendungen bis ${anyDate('dmy.')} kostenlos über das Rücksendeportal. Gutscheincode für Ihre nächste Bestellung: ${str(UP + DIG, 4)}-${str(UP + DIG, 4)}-${str(UP + DIG, 4)}`;
  return D`Your order #${ri(100000, 999999)} has shipped!

${pick([() => `Carrier: UPS Ground\nTracking number: 1Z${str(UP + DIG, 6)}${digits(10)}`, () => `Carrier: USPS Priority Mail\nTracking number: ${usps()}`, () => `Carrier: FedEx Home Delivery\nTracking number: ${digits(12)}`])()}
Estimated delivery: ${anyDate('usLong')} by 8 PM
Items:
  - ${pick(["Ben & Jerry's Cookie Dough Pint x4", 'Calvin Klein Boxer Briefs 3-Pack', 'Tommy Hilfiger Crew Sweater', 'Levi Strauss 501 Original'])} (SKU ${str(UP, 3)}-${digits(5)}) — $${money(10, 120)}
  - Gift wrap (${pick(['Rose Gold', 'Victoria Plaid', 'Grace Floral'])} pattern) — $4.99
Order total: $${money(20, 300)}. Need to make a change? Visit the Orders page in your account — we'll never ask for your password by email.`;
});

T(
  'neg-placeholder-docs',
  {
    domain: 'api-docs',
    lang: 'en',
    ...NEG,
    allowCard: true,
    allowSsn: true,
    allowIban: true,
    allowIp: true,
    allowEmail: true,
  },
  () => {
    const rows_ = sample(
      [
        '| email | `jane.doe@example.com` | RFC 2606 reserved domain |',
        '| phone | `+1 555-0100` | 555-0100 to 555-0199 are reserved for fiction |',
        '| card | `4242 4242 4242 4242` | Stripe test Visa; any future expiry, any CVC |',
        '| card (declined) | `4000 0000 0000 0002` | always declines |',
        '| ssn | `123-45-6789` | sample value used on old SSA cards, never issued |',
        '| iban | `DE89 3704 0044 0532 0130 00` | ISO 13616 documentation example |',
        '| ip | `192.0.2.10` | TEST-NET-1 (RFC 5737), not routable |',
        '| ipv6 | `2001:db8::1` | documentation prefix (RFC 3849) |',
        '| name | `John Doe` / `Erika Mustermann` | placeholder names |',
        '| date of birth | `1970-01-01` | dummy value, use any date |',
      ],
      ri(5, 8),
    );
    return D`## Authentication

Pass your key in the \`x-api-key\` header. Replace \`YOUR_API_KEY\` with the key from the dashboard — never commit real keys to git.

    curl https://api.example.com/v1/items \\
      -H "x-api-key: YOUR_API_KEY" \\
      -H "Authorization: Bearer <ACCESS_TOKEN>"

AWS examples in these docs use the published sample credentials \`AKIAIOSFODNN7EXAMPLE\` / \`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\`; they do not work against real accounts.

## Sandbox test data

| field | example value | note |
|---|---|---|
${rows_.join('\n')}

All sandbox objects are deleted every ${ri(7, 30)} days. Rate limit: ${ri(10, 100)} requests per second per key.`;
  },
);

T('neg-blank-forms', { domain: 'forms', lang: 'multi', ...NEG }, () => {
  const forms = {
    es: 'SOLICITUD DE EMPADRONAMIENTO\nNombre: ______________  Apellidos: ______________________\nDNI/NIE: _________  Fecha de nacimiento: __/__/____ (DD/MM/AAAA)\nDomicilio: Calle/Plaza ________________ nº ___ piso ___ puerta ___\nCódigo postal: _____  Municipio: ______________\nTeléfono: ______________  Correo electrónico: ______________@__________\nFirma del solicitante:',
    de: 'ANMELDUNG BEI DER MELDEBEHÖRDE\nFamilienname: ____________  Vorname(n): ____________\nGeburtsdatum (TT.MM.JJJJ): __.__.____   Geburtsort: ____________\nNeue Wohnung — Straße, Hausnummer: ______________________\nPLZ, Ort: _____ ____________\nTelefon (freiwillig): ____________\nE-Mail (freiwillig): ____________\nUnterschrift der meldepflichtigen Person',
    fr: "FORMULAIRE D'INSCRIPTION — Médiathèque municipale\nNom : ____________  Prénom : ____________\nDate de naissance (JJ/MM/AAAA) : __/__/____\nAdresse : ______________________________\nCode postal : _____  Ville : ______________\nTéléphone : __ __ __ __ __   Courriel : ____________\nJe certifie l'exactitude des renseignements ci-dessus.",
    pl: 'WNIOSEK O WYDANIE KARTY BIBLIOTECZNEJ\nImię i nazwisko: ____________________\nPESEL: ___________\nData urodzenia (DD.MM.RRRR): __.__.____\nAdres zamieszkania: ul. ____________ nr ___ m. ___\nKod pocztowy: __-___  Miejscowość: ____________\nTelefon: ___ ___ ___  E-mail: ____________',
    it: 'MODULO DI RICHIESTA CERTIFICATO\nCognome: ____________  Nome: ____________\nNato/a a ____________ il __/__/____ (GG/MM/AAAA)\nCodice fiscale: ________________\nResidente in via ____________ n. ___ CAP _____ Comune ____________\nRecapito telefonico: ____________  PEC/e-mail: ____________',
    tr: 'ÜYELİK BAŞVURU FORMU\nAdı Soyadı: ____________________\nT.C. Kimlik No: ___________\nDoğum Tarihi (GG.AA.YYYY): __.__.____\nAdres: ______________ Mah. ______________ Cad./Sk. No: ___ Daire: ___\nİlçe/İl: ____________ / ____________\nCep Telefonu: 0 (5__) ___ __ __   E-posta: ____________',
    cs: 'PŘIHLÁŠKA K TRVALÉMU POBYTU\nJméno a příjmení: ____________________\nDatum narození (DD.MM.RRRR): __.__.____\nRodné číslo: ______/____\nAdresa: ulice ____________ č. p. ____/___, PSČ ___ __, obec ____________\nTelefon: +420 ___ ___ ___   E-mail: ____________',
    sv: 'ANSÖKAN OM PARKERINGSTILLSTÅND\nNamn: ____________________\nPersonnummer (ÅÅÅÅMMDD-XXXX): ________-____\nUtdelningsadress: ____________________\nPostnummer: ___ __  Postort: ____________\nTelefon: ____________  E-post: ____________',
    nl: 'AANVRAAGFORMULIER PARKEERVERGUNNING\nAchternaam: ____________  Voorletters: ____\nGeboortedatum (dd-mm-jjjj): __-__-____\nStraat en huisnummer: ______________________\nPostcode: ____ __  Woonplaats: ____________\nTelefoonnummer: ____________  E-mailadres: ____________\nKenteken voertuig: __-___-_',
    pt: 'FICHA DE CADASTRO\nNome completo: ____________________\nCPF: ___.___.___-__   Data de nascimento: __/__/____ (DD/MM/AAAA)\nEndereço: Rua ____________, nº ___, Bairro ____________\nCEP: _____-___   Cidade/UF: ____________\nTelefone: (__) _____-____   E-mail: ____________',
  };
  const langs = sample(Object.keys(forms), ri(1, 2));
  return D`${join_(
    langs.map((l) => forms[l]),
    '\n\n———\n\n',
  )}

${pick(['Versión 3.2 — revisión ' + anyDate('dmy/'), 'Stand: ' + anyDate('dmy.'), 'Rev. ' + anyDate('iso'), 'Form ' + str(UP, 2) + '-' + digits(3)])}`;
});

T('neg-code-identifiers', { domain: 'source-code', lang: 'en (TS/Python)', ...NEG }, () => {
  const snippets = [
    `export interface Customer {\n  fullName: string;\n  email: string;\n  ssn?: string; // stored encrypted, never logged\n  dateOfBirth?: Date;\n}`,
    'const SSN_PATTERN = /^(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}$/;\nexport const isSsn = (s: string) => SSN_PATTERN.test(s);',
    "export function maskCard(pan: string): string {\n  return pan.replace(/\\d(?=\\d{4})/g, '•');\n}",
    "const password = process.env.DB_PASSWORD ?? fail('DB_PASSWORD is not set');\nif (password.length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError();",
    "const apiKey = await secrets.get('anthropic/api-key');\nconst client = new Anthropic({ apiKey });",
    "def validate_iban(iban: str) -> bool:\n    s = iban.replace(' ', '').upper()\n    return int(''.join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1",
    "test('rejects email without TLD', () => {\n  expect(isEmail('user@localhost')).toBe(false);\n});",
    'ALTER TABLE patients ADD COLUMN mrn_hash CHAR(64) NOT NULL;\nCREATE UNIQUE INDEX patients_mrn_hash_idx ON patients (mrn_hash);',
    'class PasswordResetToken(models.Model):\n    user = models.ForeignKey(User, on_delete=models.CASCADE)\n    token_hash = models.CharField(max_length=64)\n    expires_at = models.DateTimeField()',
    "const privateKeyPath = path.join(os.homedir(), '.ssh', 'id_ed25519');\nconst key = await fs.readFile(privateKeyPath, 'utf8');",
    "// TODO(grace): rename hunterScore -> leadScore; Will's migration handles the backfill\nexport const hunterScore = (lead: Lead) => lead.visits * 0.3 + lead.replies * 0.7;",
    "export const redactPhone = (s: string) => s.replace(/\\+?\\d[\\d\\s().-]{6,}\\d/g, '[PHONE]');",
  ];
  return D`${join_(sample(snippets, ri(3, 4)), '\n\n')}`;
});

T('neg-ci-k8s-refs', { domain: 'ci-config', lang: 'en', ...NEG }, () => {
  const gha = D`name: release
on:
  push:
    tags: ['v*']
jobs:
  publish:
    runs-on: ubuntu-24.04
    permissions: { id-token: write, contents: read }
    steps:
      - uses: actions/checkout@${hexid(40)} # v4.${ri(1, 2)}.${ri(0, 7)}
      - uses: actions/setup-node@v4
        with: { node-version: ${pick([18, 20, 22])}, registry-url: 'https://registry.npmjs.org' }
      - run: npm ci && npm publish --provenance
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::${digits(12)}:role/gha-release
          aws-region: ${pick(['eu-central-1', 'us-east-1', 'ap-southeast-2'])}`;
  const k8s = D`apiVersion: apps/v1
kind: Deployment
metadata: { name: ${pick(['billing', 'search', 'notifier'])}, labels: { team: ${pick(['victoria', 'austin', 'florence'])} } }
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/${pick(ORGS)}/app@sha256:${hexid(64)}
          env:
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: db-credentials, key: password } }
            - name: STRIPE_API_KEY
              valueFrom: { secretKeyRef: { name: stripe, key: secret-key } }
            - name: LOG_LEVEL
              value: info
          resources: { limits: { cpu: ${ri(250, 2000)}m, memory: ${ri(256, 4096)}Mi } }`;
  return D`${join_(shuffle([gha, k8s]).slice(0, ri(1, 2)), '\n---\n')}`;
});

T('neg-public-keys', { domain: 'crypto-material', lang: 'en', ...NEG }, () => {
  const pub = `-----BEGIN PUBLIC KEY-----\n${lines(b64(cat(Uint8Array.from([0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04]), bytes(64))), 64)}\n-----END PUBLIC KEY-----`;
  const sshPub = `ssh-ed25519 ${b64(cat(sshString(asc('ssh-ed25519')), sshString(bytes(32))))} ${pick(['deploy@ci-runner-03', 'build@jenkins', 'ops@bastion'])}`;
  const parts = [
    `Public key for verifying webhook signatures (safe to publish):\n\n${pub}`,
    `Add this to ~/.ssh/authorized_keys on the build host:\n\n${sshPub}`,
    `Server certificate (leaf) for reference:\n\n${fakeCert()}`,
    `Release signing key fingerprint: ${Array.from({ length: 10 }, () => str('0123456789ABCDEF', 4)).join(' ')}`,
    `SHA256SUMS\n${hexid(64)}  app-${ri(1, 4)}.${ri(0, 9)}.${ri(0, 9)}-linux-amd64.tar.gz\n${hexid(64)}  app-${ri(1, 4)}.${ri(0, 9)}.${ri(0, 9)}-darwin-arm64.tar.gz`,
  ];
  return D`${join_(sample(parts, ri(2, 3)), '\n\n')}`;
});

T('neg-recipes-eponyms', { domain: 'food', lang: 'multi', ...NEG, n: 5 }, () => {
  const pool = [
    () =>
      `Eggs Benedict for ${ri(2, 6)}: poach the eggs for 3 minutes, toast the English muffins, and finish with hollandaise (${ri(150, 250)} g butter).`,
    () =>
      `Caesar salad dressing: 2 anchovy fillets, 1 garlic clove, 1 egg yolk, juice of ½ lemon, ${ri(40, 80)} g Parmigiano.`,
    () => `Beef Wellington rests for 10 minutes before slicing; core temperature ${ri(52, 57)} °C for medium-rare.`,
    () => `Peach Melba was created at the Savoy for the soprano who gave it its name; raspberry coulis is essential.`,
    () =>
      `Pizza Margherita: 00 flour, ${ri(60, 70)}% hydration, San Marzano tomatoes, fior di latte, basil. Bake at ${ri(430, 480)} °C for 90 seconds.`,
    () => `Carpaccio di manzo con rucola e scaglie di grana; servire con un Bellini o un Americano.`,
    () =>
      `La tarta de Santiago lleva ${ri(200, 300)} g de almendra molida, 4 huevos y ralladura de limón; se decora con la cruz de Santiago.`,
    () =>
      `Crêpes Suzette : flambez au Grand Marnier et servez aussitôt. Pour la Sachertorte, comptez ${ri(50, 70)} minutes à 170 °C.`,
    () => `Pavlova: 4 egg whites, ${ri(200, 240)} g caster sugar, 1 tsp white vinegar; bake low and slow at 120 °C.`,
    () =>
      `For a Tom Collins you need gin, lemon, sugar and soda; a Shirley Temple swaps the gin for grenadine and ginger ale.`,
    () => `Use Granny Smith apples for tarte Tatin, and serve Earl Grey or Lady Grey tea alongside.`,
    () =>
      `Nachos were, so the story goes, first made in Piedras Negras in 1943; a Bloody Mary is the classic brunch pairing.`,
  ];
  return D`${pick(['Sunday brunch menu', 'Kochkurs – Rezeptkarte', 'Ricettario di casa', 'Recetario familiar', 'Carnet de recettes'])} (${anyDate('enLong')})

${join_(
  paras(pool, 3, 5).map((p) => `• ${p}`),
  '\n',
)}

Serves ${ri(2, 8)}. Prep ${ri(10, 40)} min, cook ${ri(5, 120)} min. Allergens: ${pick(['eggs, milk, gluten', 'nuts', 'fish, eggs', 'none'])}.`;
});

T('neg-drug-leaflet', { domain: 'pharma-leaflet', lang: 'en/de', ...NEG, n: 5 }, () => {
  if (chance(0.5))
    return D`PACKAGE LEAFLET: INFORMATION FOR THE USER
${pick(['Levodopa/Carbidopa 100 mg/25 mg tablets', 'Donepezil 10 mg film-coated tablets', 'Mesalazine 1.2 g gastro-resistant tablets'])}

What this medicine is used for: ${pick(["Parkinson's disease", "mild to moderate Alzheimer's disease", "ulcerative colitis and Crohn's disease"])}. Do not take it if you have had Stevens–Johnson syndrome or Hodgkin lymphoma without talking to your doctor first.
Children with Down syndrome may need a lower dose; the Apgar score of newborns was unaffected in studies.
Usual dose: ${ri(1, 3)} tablet(s) ${pick(['once', 'twice', 'three times'])} daily. Maximum ${ri(4, 8)} tablets in 24 hours.
Batch: ${str(UP, 2)}${digits(4)}${str(UP, 1)}   EXP: ${pad(ri(1, 12), 2)}/${ri(2026, 2029)}   NDC ${digits(5)}-${digits(3)}-${digits(2)}
Store below 25 °C. Keep out of the sight and reach of children.
This leaflet was last revised in ${MONTHS.en[ri(0, 11)]} ${ri(2022, 2025)}.`;
  return D`GEBRAUCHSINFORMATION: INFORMATION FÜR PATIENTEN
${pick(['Levothyroxin-Natrium 75 µg Tabletten', 'Ibuprofen 400 mg Filmtabletten', 'Metformin 850 mg Tabletten'])}

Anwendungsgebiete: ${pick(['Hashimoto-Thyreoiditis und andere Formen der Schilddrüsenunterfunktion', 'leichte bis mäßig starke Schmerzen, Fieber', 'Diabetes mellitus Typ 2'])}.
Nicht einnehmen bei Morbus Addison ohne ausreichende Behandlung oder bei bekanntem Cushing-Syndrom.
Dosierung: ${ri(1, 2)} Tablette(n) täglich, morgens nüchtern, mindestens 30 Minuten vor dem Frühstück.
Ch.-B.: ${str(UP, 1)}${digits(6)}   Verwendbar bis: ${pad(ri(1, 12), 2)}.${ri(2026, 2029)}   PZN ${digits(8)}
Pharmazeutischer Unternehmer: ${pick(['Merck', 'Bayer Vital', 'Boehringer Ingelheim'])}. Stand der Information: ${MONTHS.de[ri(0, 11)]} ${ri(2022, 2025)}.`;
});

T('neg-legal-boilerplate', { domain: 'legal-policy', lang: 'en', ...NEG, n: 5 }, () => {
  const pool = [
    () => `This Policy is effective as of ${anyDate('usLong')} and supersedes all prior versions.`,
    `We maintain internal controls over financial reporting as required by Section 404 of the Sarbanes-Oxley Act of 2002.`,
    `Consumer financial information is handled in accordance with the Gramm-Leach-Bliley Act and the Dodd-Frank Wall Street Reform and Consumer Protection Act.`,
    () =>
      `Offices are closed on Martin Luther King Jr. Day, Presidents' Day, Juneteenth and the day after Thanksgiving; support resumes at 8:00 a.m. CT.`,
    () =>
      `Subject to Section ${ri(2, 14)}.${ri(1, 9)}(${pick(['a', 'b', 'c'])}), either party may terminate on ${ri(30, 90)} days' written notice.`,
    `Nothing in this Agreement shall be construed as creating a partnership, joint venture or agency relationship between the parties.`,
    `Claims shall be resolved by binding arbitration administered under the AAA Commercial Rules; the seat of arbitration is Austin, Texas.`,
    `Our subprocessors include Amazon Web Services, Inc., Johnson Controls (building access only) and Marriott International (event venues).`,
    () =>
      `Fees are payable within ${pick([15, 30, 45])} days of invoice (invoice numbers take the form INV-${ri(2025, 2026)}-NNNNN).`,
  ];
  return D`${pick(['TERMS OF SERVICE', 'PRIVACY & DATA HANDLING POLICY', 'MASTER SERVICES AGREEMENT — GENERAL TERMS'])}

${join_(
  paras(pool, 4, 6).map((p, i) => `${i + 1}. ${p}`),
  '\n',
)}

Version ${ri(2, 9)}.${ri(0, 9)} · Document ID ${uuid()}`;
});

T('neg-sports-news', { domain: 'sports', lang: 'en/es/pt', ...NEG, n: 5 }, () => {
  const pool = [
    () =>
      `The Stanley Cup returns to ${pick(['Edmonton', 'Florida', 'Victoria'])} for a public parade on ${anyDate('usLong')}.`,
    () =>
      `Spain lead the Davis Cup tie 2–1 after the doubles; the Ryder Cup moves to ${pick(['Adare Manor', 'Bethpage Black'])} next.`,
    () => `The Rose Bowl kicks off at 2 p.m. PT; the Heisman Trophy ceremony is in New York the weekend before.`,
    () =>
      `Kansas City lifted the Vince Lombardi Trophy; Boston won the Larry O'Brien Trophy for the ${ri(17, 18)}th time.`,
    () => `El Real Madrid jugará en el Santiago Bernabéu el ${anyDate('es')}; entradas desde ${ri(40, 150)} €.`,
    () => `O jogo no Estádio Mané Garrincha terminou 2 a 1; o Maracanã recebe a final em ${anyDate('pt')}.`,
    () => `Jordan Brand unveiled the new home kit; the Grey Cup halftime show was announced for Regina.`,
    () =>
      `The Sydney to Hobart yacht race starts on Boxing Day; line honours are expected in under ${ri(1, 2)} days ${ri(1, 23)} hours.`,
    () =>
      `Tickets for the Victoria Park derby went on sale at 10:00; section 114, rows A–K, are reserved for season-ticket holders.`,
  ];
  return D`${pick(['SPORTS ROUND-UP', 'Resumen deportivo', 'Giro esportivo', 'Weekend preview'])} — ${anyDate('iso')}

${join_(paras(pool, 3, 5), '\n\n')}`;
});

T('neg-company-financials', { domain: 'finance-corporate', lang: 'de/en', ...NEG, n: 5 }, () => {
  const co = pick([
    'Porsche Holding SE',
    'Siemens Healthineers AG',
    'Hugo Boss AG',
    'Ferrero International S.A.',
    'Philips N.V.',
  ]);
  return D`${co} — ${pick(['Quartalsmitteilung Q', 'Interim statement Q'])}${ri(1, 3)} ${ri(2024, 2025)}

${pick(['Umsatz', 'Revenue'])}: EUR ${ri(1, 40)},${ri(1, 9)} ${pick(['Mrd.', 'bn'])} (${pick(['+', '−'])}${ri(0, 12)},${ri(0, 9)} %)
EBIT-Marge: ${ri(5, 22)},${ri(0, 9)} %   Free Cashflow: EUR ${ri(100, 2500)} Mio.
ISIN: ${pick(['DE', 'NL', 'LU'])}000${str(UP + DIG, 6)}${ri(0, 9)}   WKN: ${str(UP + DIG, 6)}   LEI: ${str(UP + DIG, 18)}${digits(2)}
Registergericht: Amtsgericht ${pick(['Stuttgart', 'München', 'Hamburg'])}, HRB ${ri(10000, 99999)}   USt-IdNr.: DE${digits(9)}
Zahlstelle: BIC ${pick(['DEUTDEFF', 'COBADEFFXXX', 'INGDDEFFXXX', 'ABNANL2A'])}
Nächster Termin: Hauptversammlung am ${anyDate('dmy.')}, Dividendenvorschlag EUR ${ri(0, 4)},${pad(ri(0, 99), 2)} je Aktie.
Investor Relations: ir-Website, Rubrik „Publikationen“. Alle Angaben ungeprüft.`;
});

T('neg-stats-table', { domain: 'statistics', lang: 'multi', ...NEG, n: 5 }, () => {
  const hi = ri(0, 5);
  const hdr = [
    ['Miasto', 'Ludność', 'Zmiana r/r', 'Rok'],
    ['Město', 'Počet obyvatel', 'Změna', 'Rok'],
    ['Stad', 'Befolkning', 'Förändring', 'År'],
    ['Şehir', 'Nüfus', 'Değişim', 'Yıl'],
    ['Ciudad', 'Población', 'Variación', 'Año'],
    ['City', 'Population', 'Change', 'Year'],
  ][hi];
  const cities = sample(
    [
      'Sydney',
      'Victoria',
      'Austin',
      'Florence',
      'Adelaide',
      'Charlotte',
      'Regina',
      'Lincoln',
      'Madison',
      'Eugene',
      'Alexandria',
      'Augusta',
      'Santiago',
      'São José',
      'San Sebastián',
      'Port Elizabeth',
      'Marysville',
      'Saint-Denis',
    ],
    ri(4, 7),
  );
  return D`| ${hdr.join(' | ')} |
|${hdr.map(() => '---').join('|')}|
${cities.map((c) => {
  const en = hdr[0] === 'City';
  const pop = String(ri(40, 5400) * 1000 + ri(0, 999)).replace(
    /\B(?=(\d{3})+(?!\d))/g,
    en ? ',' : hdr[0] === 'Ciudad' ? '.' : ' ',
  );
  return `| ${c} | ${pop} | ${pick(['+', '−'])}${ri(0, 4)}${en ? '.' : ','}${ri(0, 9)} % | ${ri(2019, 2024)} |\n`;
})}
${['Źródło: spis ludności, dane szacunkowe.', 'Zdroj: odhady statistického úřadu.', 'Källa: nationella statistikbyråer.', 'Kaynak: ulusal istatistik kurumları.', 'Fuente: institutos nacionales de estadística.', 'Source: national statistics offices, estimates.'][hi]}`;
});

T('neg-masked-kb', { domain: 'support-kb', lang: 'en/es', ...NEG, n: 6 }, () => {
  const es = chance(0.35);
  const l4 = digits(4);
  const poolEs = [
    () => `La tarjeta terminada en ${digits(4)} ha sido rechazada. Revise la fecha de caducidad (MM/AA).`,
    () => `Su contraseña debe tener al menos 12 caracteres, una mayúscula y un símbolo.`,
    () => `Solo mostramos los cuatro últimos dígitos de su cuenta: ES** **** **** **** **** ${digits(4)}.`,
    () => `Hemos enviado un código al teléfono terminado en ••${digits(2)} y al correo m•••••@h•••••.es.`,
    () => `Contraseña: ******** (oculta). Para cambiarla, vaya a Ajustes → Seguridad.`,
    () => `El cargo de ${ri(5, 90)},${pad(ri(0, 99), 2)} € aparecerá en su extracto el ${anyDate('es')}.`,
  ];
  const pool = [
    () => `Your ${pick(['Visa', 'Mastercard', 'Amex'])} ending in ${l4} will be charged on ${anyDate('usLong')}.`,
    () => `Verification: we will only ever show the last four digits of your SSN, e.g. ***-**-${digits(4)}.`,
    () => `Password: ******** (hidden). To change it, use Settings → Security → Change password.`,
    () => `Refunds go to the account on file: IBAN DE** **** **** **** **${digits(2)} ${digits(2)}.`,
    () => `We sent a code to j•••••@g•••.com and to the phone number ending in ••${digits(2)}.`,
    () => `API keys are shown once at creation and afterwards only as sk-…${str(ALNUM, 4)}.`,
  ];
  if (es)
    return D`Centro de ayuda › Pagos y seguridad
Última actualización: ${anyDate('es')}

${join_(paras(poolEs, 3, 5), '\n')}

¿Le ha resultado útil este artículo? Sí / No`;
  return D`${pick(['Help Center › Billing & account security', 'Knowledge base article KB' + digits(5)])}
Last updated ${anyDate('usLong')}

${join_(paras(pool, 4, 6), '\n')}

Was this article helpful? Yes / No`;
});

T('neg-street-notices', { domain: 'municipal-notice', lang: 'nl/pl/cs/tr/de', ...NEG, n: 6 }, () => {
  const pool = {
    nl: () =>
      `GEMEENTE ${pick(['UTRECHT', 'LEIDEN', 'HAARLEM'])} — WEGWERKZAAMHEDEN\nVan ${dateRange('nl').join(' tot en met ')} is de Willem van Noortstraat afgesloten tussen het Wilhelminapark en de Johan de Wittstraat. Buslijn ${ri(2, 30)} rijdt via de Prins Hendriklaan.`,
    pl: () =>
      `URZĄD MIASTA — KOMUNIKAT\nW dniach ${dateRange('dmy.').join('–')} zamknięty zostanie plac Jana Pawła II oraz odcinek ulicy Marii Skłodowskiej-Curie od ronda Romana Dmowskiego. Tramwaje linii ${ri(1, 30)} kursują objazdem przez al. Jerozolimskie.`,
    cs: () =>
      `MAGISTRÁT — OZNÁMENÍ O UZAVÍRCE\nOd ${anyDate('cz')} bude uzavřeno náměstí Václava Havla a ulice Karla Čapka v úseku od tramvajové zastávky Palackého náměstí. Objížďka vede ulicí Boženy Němcové.`,
    tr: () =>
      `BELEDİYE DUYURUSU\n${anyDate('dmy.')} tarihinde Atatürk Bulvarı ile Cemal Gürsel Caddesi kavşağında asfalt çalışması yapılacaktır. İsmet İnönü Meydanı'ndaki otobüs durağı geçici olarak kaldırılmıştır.`,
    de: () =>
      `STADTVERWALTUNG — VERKEHRSHINWEIS\nWegen Kanalarbeiten ist die Konrad-Adenauer-Straße zwischen Willy-Brandt-Platz und Goethestraße vom ${dateRange('dmy.').join(' bis ')} gesperrt. Die Umleitung erfolgt über den Theodor-Heuss-Ring.`,
  };
  const keys = sample(Object.keys(pool), ri(1, 2));
  return D`${join_(
    keys.map((k) => pool[k]()),
    '\n\n',
  )}`;
});

T('neg-product-catalog', { domain: 'product-catalog', lang: 'en', ...NEG, n: 5 }, () => {
  const items = sample(
    [
      'Hunter Original Tall Rain Boot',
      'Will & Grace: The Complete Series (DVD)',
      'Rose Gold Watch Strap 20mm',
      'Victoria Sponge Cake Mix 400g',
      "Ben & Jerry's Cookie Dough 465ml",
      'Dr. Martens 1460 Smooth Leather',
      "Jack Daniel's Old No. 7 70cl",
      'Tommy Hilfiger Essential Polo',
      'Calvin Klein Eternity EDP 100ml',
      'Earl Grey Tea, 50 bags',
      'Granny Smith Apples, 1kg',
      'Marie Biscuits 200g',
      'Victorinox Swiss Army Knife',
      'Baker Street Sherlock Puzzle 1000pc',
      'Charlotte Tilbury Lipstick',
    ],
    ri(4, 7),
  );
  return D`sku,product_name,ean,price_gbp,stock,launched
${items.map((n) => `${str(UP, 3)}-${digits(5)},"${n}",${ean13()},${ri(1, 120)}.${pad(ri(0, 99), 2)},${ri(0, 900)},${anyDate('iso')}\n`)}`;
});

// fewer instances for templates whose value mix is already well covered
const THREE = [
  'mail-thread-de',
  'minutes-hoa-en',
  'notulen-vve-nl',
  'fmt-markdown-contacts',
  'fmt-csv-crm-export',
  'fmt-ics-invite',
  'ecom-kundtjanst-se',
  'ecom-reclamacao-br',
  'tel-mobile-bill-uk',
  'travel-eticket',
  'travel-bahn-de',
  'travel-airbnb-chat-es',
  're-rental-application-uk',
  'edu-teacher-email',
  'edu-iscrizione-it',
  'gov-iptu-br',
  'legal-complaint-caption-ca',
  'legal-diffida-it',
  'ins-sinistre-habitation-fr',
  'mail-thread-en',
  'chat-teams-de',
  'chat-whatsapp-br',
  'fmt-html-hcard',
  'clin-compte-rendu-fr',
  'clin-referto-it',
  'clin-skierowanie-pl',
  'util-factura-luz-es',
  'tel-vyuctovani-cz',
  'tel-abonelik-tr',
  'log-postfix-mail',
  'code-firebase-js',
  'code-spring-properties',
  'code-django-settings',
  'code-terraform',
  'inc-postmortem-ci-leak',
  'code-npmrc-question',
  're-huur-nl',
];
for (const id of THREE) {
  const t = TEMPLATES.find((x) => x.id === id);
  if (!t) throw new Error('unknown template ' + id);
  t.n = 3;
}
// ================================================================= generation
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
const SECRET_TYPES = new Set(['API_KEY', 'AWS_ACCESS_KEY', 'PRIVATE_KEY', 'JWT', 'PASSWORD']);
const made = [];
for (const t of TEMPLATES) for (let i = 0; i < t.n; i++) made.push({ t, doc: t.fn() });
const rows = shuffle(made).map(({ t, doc }, i) => ({ id: `probe4-${pad(i + 1, 5)}`, t, doc }));

// ================================================================= self-checks
const VALID = {
  EMAIL: (v) => /^[^\s@<>"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(v),
  PHONE: (v) =>
    /^[+(0-9][0-9 ().\-/]+[0-9]$/.test(v) && v.replace(/\D/g, '').length >= 7 && v.replace(/\D/g, '').length <= 15,
  US_SSN: ssnOk,
  CREDIT_CARD: (v) =>
    /^[0-9][0-9 -]+[0-9]$/.test(v) && luhnOk(v.replace(/[ -]/g, '')) && cardIssuerOk(v.replace(/[ -]/g, '')),
  IBAN: ibanOk,
  IP_ADDRESS: (v) => isIP(v) !== 0,
  PERSON: (v) => /^[\p{L}'][\p{L}\p{M} .,'’\-/^]*[\p{L}.]$/u.test(v),
  ADDRESS: (v) => /\d/.test(v) && v.length >= 10,
  DATE_OF_BIRTH: (v) => /(19|20)\d\d/.test(v),
  MEDICAL_RECORD_NUMBER: (v) => /^[A-Za-z0-9][A-Za-z0-9-/.]{4,}$/.test(v),
  API_KEY: (v) => /^\S{16,}$/.test(v),
  AWS_ACCESS_KEY: (v) => /^(AKIA|ASIA)[A-Z2-7]{16}$/.test(v) || /^[A-Za-z0-9/+]{40}$/.test(v),
  PRIVATE_KEY: pemOk,
  JWT: jwtOk,
  PASSWORD: (v) => /^\S{6,}$/.test(v),
};
const fail = (id, msg) => {
  throw new Error(`self-check failed [${id}]: ${msg}`);
};
const covered = (spans, s, e) => spans.some((x) => x.start <= s && e <= x.end);
const ids = new Set();
const secretOwner = new Map();
for (const { id, t, doc } of rows) {
  const { text } = doc;
  if (ids.has(id)) fail(id, 'duplicate id');
  ids.add(id);
  if (typeof text !== 'string' || !text.length) fail(id, 'empty text');
  const gold = doc.spans.slice().sort((a, b) => a.start - b.start);
  const neutral = doc.neutral.slice().sort((a, b) => a.start - b.start);
  if (t.neg && gold.length) fail(id, `negative template ${t.id} has spans`);
  if (!t.neg && !gold.length) fail(id, `positive template ${t.id} has no spans`);
  let prevEnd = 0;
  for (const s of gold) {
    if (!TYPES.includes(s.type)) fail(id, `unknown type ${s.type}`);
    if (s.start < prevEnd) fail(id, `overlapping spans at ${s.start}`);
    if (s.start < 0 || s.end > text.length || s.start >= s.end) fail(id, 'span out of range');
    if (text.slice(s.start, s.end) !== s.value) fail(id, `span text mismatch ${s.type}`);
    if (s.value.trim() !== s.value) fail(id, `span has outer whitespace ${s.type} ${JSON.stringify(s.value)}`);
    if (!VALID[s.type](s.value)) fail(id, `invalid ${s.type}: ${JSON.stringify(s.value)}`);
    prevEnd = s.end;
    if (SECRET_TYPES.has(s.type)) {
      const o = secretOwner.get(s.value);
      if (o && o !== id) fail(id, `secret reused from ${o}: ${s.value.slice(0, 20)}`);
      secretOwner.set(s.value, id);
    }
  }
  let nPrev = 0;
  for (const s of neutral) {
    if (s.start < nPrev || text.slice(s.start, s.end) !== s.value) fail(id, 'bad neutral span');
    if (gold.some((g) => g.start < s.end && s.start < g.end)) fail(id, 'neutral overlaps gold');
    nPrev = s.end;
  }
  // guards against forgotten labels / accidental PII in negatives
  for (const m of text.matchAll(/(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g)) {
    const touchesGold = gold.some((g) => g.start < m.index + m[0].length && m.index < g.end);
    if (
      !touchesGold &&
      !covered(neutral, m.index, m.index + m[0].length) &&
      !/@(example\.(com|org|net)|[\w.-]+\.(example|test|invalid|local|internal))$/.test(m[0]) &&
      !t.allowEmail
    )
      fail(id, `unlabelled email ${m[0]}`);
  }
  for (const m of text.matchAll(/(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])/g)) {
    const isVersion = /[A-Za-z]\/$/.test(text.slice(Math.max(0, m.index - 2), m.index));
    if (isIP(m[0]) && !isVersion && !covered(gold, m.index, m.index + m[0].length) && !t.allowIp)
      fail(id, `unlabelled IPv4 ${m[0]}`);
  }
  for (const m of text.matchAll(/(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g)) {
    const dgt = m[0].replace(/[ -]/g, '');
    if (luhnOk(dgt) && cardIssuerOk(dgt) && !covered(gold, m.index, m.index + m[0].length) && !t.allowCard)
      fail(id, `unlabelled card-like number ${m[0]}`);
  }
  for (const m of text.matchAll(/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g)) {
    if (ibanOk(m[0]) && !covered(gold, m.index, m.index + m[0].length) && !t.allowIban)
      fail(id, `unlabelled IBAN ${m[0]}`);
  }
  for (const m of text.matchAll(/(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g)) {
    if (ssnOk(m[0]) && !covered(gold, m.index, m.index + m[0].length) && !t.allowSsn)
      fail(id, `unlabelled SSN ${m[0]}`);
  }
  for (const re of [
    /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g,
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/g,
    /\b(AKIA|ASIA)[A-Z2-7]{16}\b/g,
    /\b(sk-ant-|sk-proj-|ghp_|github_pat_|xox[bp]-|sk_live_|rk_live_|AIza|glpat-|npm_|hf_)[\w-]{10,}/g,
  ]) {
    for (const m of text.matchAll(re))
      if (!/x{6,}|X{6,}|EXAMPLE/.test(m[0]) && !covered(gold, m.index, m.index + m[0].length) && !t.allowSecretLike)
        fail(id, `unlabelled secret-like ${m[0].slice(0, 24)}`);
  }
}
const nNeg = rows.filter((r) => r.t.neg).length;
if (rows.length < 350 || rows.length > 420) fail('*', `record count ${rows.length} outside 350-420`);
if (nNeg / rows.length < 0.22 || nNeg / rows.length > 0.3)
  fail('*', `negative share ${(nNeg / rows.length).toFixed(3)}`);
if (new Set(TEMPLATES.map((t) => t.id)).size !== TEMPLATES.length) fail('*', 'duplicate template id');

// ================================================================= output
const out = rows.map(({ id, t, doc }) => {
  const rec = {
    id,
    text: doc.text,
    spans: doc.spans.map(({ start, end, type }) => ({ start, end, type })).sort((a, b) => a.start - b.start),
  };
  if (doc.neutral.length)
    rec.neutral = doc.neutral.map(({ start, end, type }) => ({ start, end, type })).sort((a, b) => a.start - b.start);
  rec.source = `probe4:${t.id}`;
  return JSON.stringify(rec);
});
writeFileSync(OUT, out.join('\n') + '\n');
const perType = {};
for (const { doc } of rows) for (const s of doc.spans) perType[s.type] = (perType[s.type] || 0) + 1;
console.log(`wrote ${rows.length} records (${nNeg} span-free) from ${TEMPLATES.length} templates to ${OUT}`);
console.log(JSON.stringify(perType));
