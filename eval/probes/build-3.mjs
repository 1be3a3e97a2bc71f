// Probe set 3: an independent, blind evaluation set for the PII / secrets detector.
// Built without reading the detector, its tests or the other probe sets.
//
//   node eval/probes/build-3.mjs      (from the repository root)
//
// Writes eval/probes/probe-3.jsonl deterministically (seeded mulberry32 PRNG).
// Every text is assembled from literal pieces and labelled values through a builder that
// records offsets as it appends, so span offsets are never counted by hand. The run ends with
// self-checks (offsets, overlaps, ids, Luhn, IBAN mod-97, SSN rules, JWT/PEM shape, distinct
// secrets) and throws on any failure.

/* eslint-disable @typescript-eslint/no-unused-expressions -- b.x`...` tagged-template calls append to the record */
import { writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'probe-3.jsonl');
const SEED = 0x5eed3;

// ---------------------------------------------------------------- PRNG and helpers
function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const LOWNUM = LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';

class Rng {
  constructor(seed) {
    this.f = mulberry32(seed);
  }
  next() {
    return this.f();
  }
  int(lo, hi) {
    return lo + Math.floor(this.f() * (hi - lo + 1));
  }
  pick(arr) {
    return arr[Math.floor(this.f() * arr.length)];
  }
  chance(p) {
    return this.f() < p;
  }
  str(alphabet, n) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.f() * alphabet.length)];
    return s;
  }
  digits(n) {
    return this.str(DIGITS, n);
  }
  shuffle(arr) {
    const a = arr.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.f() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
  sample(arr, k) {
    return this.shuffle(arr).slice(0, k);
  }
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const stripAccents = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ß/g, 'ss')
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae');
const slug = (s) =>
  stripAccents(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

// ---------------------------------------------------------------- name lists (mixed origin)
const GIVEN = [
  'Grace',
  'Will',
  'Mark',
  'Hope',
  'Faith',
  'Joy',
  'Summer',
  'Ray',
  'Frank',
  'Bill',
  'Jack',
  'April',
  'June',
  'Chase',
  'Hunter',
  'Sandy',
  'Priya',
  'Arjun',
  'Aditya',
  'Ananya',
  'Rohan',
  'Kavya',
  'Sanjay',
  'Deepika',
  'Wei',
  'Mei',
  'Xiaoling',
  'Jun',
  'Hiroshi',
  'Yuki',
  'Aiko',
  'Kenji',
  'Haruto',
  'Sakura',
  'Olusegun',
  'Chiamaka',
  'Kwame',
  'Amara',
  'Yaw',
  'Efua',
  'Tendai',
  'Thandiwe',
  'Sipho',
  'Bongani',
  'Fatima',
  'Omar',
  'Youssef',
  'Leila',
  'Tariq',
  'Aisha',
  'Zainab',
  'Ibrahim',
  'Hamza',
  'Nadia',
  'Mehmet',
  'Elif',
  'Dmitri',
  'Anastasia',
  'Katarzyna',
  'Piotr',
  'Magdalena',
  'Jürgen',
  'Lukas',
  'Anneliese',
  'Sören',
  'Björn',
  'Ingrid',
  'Astrid',
  'Mikael',
  'Sanna',
  'Aino',
  'Matteo',
  'Giulia',
  'Francesca',
  'Lorenzo',
  'Camille',
  'Théo',
  'Léa',
  'Mathilde',
  'Baptiste',
  'Joaquín',
  'Lucía',
  'Mateus',
  'João',
  'Thiago',
  'Beatriz',
  'Inês',
  'Sofía',
  'Valentina',
  'Diego',
  'Carmen',
  'Daan',
  'Sanne',
  'Joris',
  'Femke',
  'Siobhan',
  'Niamh',
  'Declan',
  'Ciarán',
  'Hannah',
  'Oliver',
  'Charlotte',
  'Ethan',
  'Emily',
  'James',
  'Olivia',
  'Noah',
  'Zoe',
  'Liam',
  'Isabella',
  'Chloe',
  'Daniel',
  'Keisha',
  'DeShawn',
  'Jamal',
  'Aaliyah',
  'Minh',
  'Linh',
  'Jae-won',
  'Seo-yeon',
  'Min-jun',
  'Ana',
  'Luca',
  'Emma',
  'Paul',
  'Rosa',
  'Ali',
];
const SURNAME = [
  'Baker',
  'Rose',
  'Young',
  'Smith',
  'Cooper',
  'King',
  'Fisher',
  'Hill',
  'Brown',
  'Walker',
  'Wood',
  'Green',
  'Black',
  'Stone',
  'Banks',
  'Price',
  'Bell',
  'Marsh',
  'Lane',
  'Field',
  'Moss',
  'Hunt',
  'Short',
  'Long',
  'Little',
  'Friend',
  'Patel',
  'Sharma',
  'Iyer',
  'Reddy',
  'Banerjee',
  'Khan',
  'Chaudhry',
  'Nakamura',
  'Tanaka',
  'Sato',
  'Watanabe',
  'Kobayashi',
  'Chen',
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Huang',
  'Nguyen',
  'Tran',
  'Pham',
  'Kim',
  'Park',
  'Choi',
  'Okafor',
  'Adeyemi',
  'Mensah',
  'Owusu',
  'Nwosu',
  'Abubakar',
  'Dlamini',
  'Moyo',
  'Haddad',
  'Nasser',
  'Al-Farsi',
  'El-Amin',
  'Yilmaz',
  'Demir',
  'Kaya',
  'Ivanov',
  'Petrova',
  'Sokolov',
  'Kowalski',
  'Nowak',
  'Wiśniewska',
  'Zieliński',
  'Müller',
  'Schneider',
  'Schmidt',
  'Becker',
  'Hoffmann',
  'Weiß',
  'Fischer',
  'Andersson',
  'Johansson',
  'Lindqvist',
  'Nilsson',
  'Hansen',
  'Virtanen',
  'Korhonen',
  'Rossi',
  'Bianchi',
  'Esposito',
  'Romano',
  'Ricci',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'Girard',
  'Fontaine',
  'García',
  'Fernández',
  'López',
  'Martínez',
  'Rodríguez',
  'Sánchez',
  'Silva',
  'Santos',
  'Oliveira',
  'Pereira',
  'Costa',
  'Ferreira',
  'de Vries',
  'van den Berg',
  'Jansen',
  'Bakker',
  'Visser',
  "O'Brien",
  'Murphy',
  'Kelly',
  'McCarthy',
  'Washington',
  'Ford',
  'Gallagher',
  'Kapoor',
  'Mwangi',
  'Osei',
  'Takahashi',
  'Duarte',
];
const MIDDLE_INITIALS = 'ABCDEFGHJKLMNPRSTW';

// Companies, products and places named after people: never PERSON (near-misses).
const EPONYM_ORGS = [
  'Ford Motor Company',
  'Dell Technologies',
  'Johnson & Johnson',
  'Morgan Stanley',
  'Goldman Sachs',
  'Wells Fargo',
  'Hewlett-Packard',
  'Procter & Gamble',
  "McDonald's",
  'Ernst & Young',
  'Deloitte',
  "Kellogg's",
  'Tesla',
  'Chanel',
  'Ferrari',
  'Porsche',
  'Siemens',
  'Philips',
  'Mercedes-Benz',
  'Lloyds Bank',
  'Barclays',
  "Sainsbury's",
  'Marks & Spencer',
  'Dyson',
  'Bosch',
  'Heineken',
  'Charles Schwab',
  'Merrill Lynch',
  'John Deere',
  'Thomson Reuters',
  'Levi Strauss & Co.',
  "Ben & Jerry's",
  "Jack Daniel's",
  'Walt Disney Company',
  'Boeing',
  'Cadbury',
];
const ORGS = [
  'Northwind Logistics',
  'Kestrel Analytics',
  'Brightpath Health',
  'Bluefin Insurance',
  'Larkspur Bank',
  'Coppergate Retail',
  'Halcyon Software',
  'Riverbend Clinic',
  'Ostara Pharma',
  'Meridian Freight',
  'Tidewater Energy',
  'Quillon Legal',
  'Sable & Finch',
  'Vantor Systems',
  'Greenleaf Grocers',
];
const FREE_MAIL = [
  'gmail.com',
  'outlook.com',
  'yahoo.com',
  'protonmail.com',
  'icloud.com',
  'hotmail.co.uk',
  'web.de',
  'gmx.de',
  'orange.fr',
  'libero.it',
  'wp.pl',
  'uol.com.br',
  'yahoo.co.jp',
  'rediffmail.com',
  'ziggo.nl',
];
const CORP_DOMAINS = [
  'northwind-logistics.com',
  'kestrel-analytics.io',
  'brightpathhealth.org',
  'bluefin-insurance.co.uk',
  'larkspurbank.com',
  'coppergate.shop',
  'halcyon.dev',
  'riverbendclinic.org',
  'ostara-pharma.de',
  'meridianfreight.nl',
  'tidewater.energy',
  'quillonlegal.fr',
];

// ---------------------------------------------------------------- people, emails, phones
function person(r, opts = {}) {
  const given = opts.given ?? r.pick(GIVEN);
  const surname = opts.surname ?? r.pick(SURNAME);
  const mid = !opts.noMiddle && r.chance(0.15) ? ` ${r.pick(MIDDLE_INITIALS)}.` : '';
  return { given, surname, full: `${given}${mid} ${surname}` };
}
function emailOf(r, p, domain) {
  const d = domain ?? r.pick(r.chance(0.5) ? FREE_MAIL : CORP_DOMAINS);
  const g = slug(p.given);
  const s = slug(p.surname);
  const local = r.pick([
    `${g}.${s}`,
    `${g[0]}${s}`,
    `${g}${s}${r.int(1, 99)}`,
    `${g}_${s}`,
    `${s}.${g}`,
    `${g}.${s[0]}`,
    `${g}`,
  ]);
  return `${local}@${d}`;
}

const PHONE_FMT = {
  US: (r) => {
    const a = r.pick(['212', '415', '312', '617', '206', '512', '303', '404', '713', '919', '646', '503']);
    const e = `${r.int(2, 9)}${r.digits(2)}`;
    const l = r.digits(4);
    return r.pick([
      `(${a}) ${e}-${l}`,
      `${a}-${e}-${l}`,
      `+1 ${a} ${e} ${l}`,
      `+1-${a}-${e}-${l}`,
      `${a}.${e}.${l}`,
      `1 (${a}) ${e}-${l}`,
    ]);
  },
  CA: (r) => {
    const a = r.pick(['416', '514', '604', '613', '403', '902']);
    const e = `${r.int(2, 9)}${r.digits(2)}`;
    return r.pick([`(${a}) ${e}-${r.digits(4)}`, `+1 ${a}-${e}-${r.digits(4)}`]);
  },
  UK: (r) =>
    r.pick([
      `+44 7${r.digits(3)} ${r.digits(6)}`,
      `07${r.digits(3)} ${r.digits(6)}`,
      `020 ${r.int(3, 8)}${r.digits(3)} ${r.digits(4)}`,
      `+44 (0)161 ${r.digits(3)} ${r.digits(4)}`,
      `0113 ${r.digits(3)} ${r.digits(4)}`,
    ]),
  DE: (r) =>
    r.pick([
      `+49 30 ${r.digits(8)}`,
      `0171 ${r.digits(7)}`,
      `+49 (0)89 ${r.digits(4)} ${r.digits(4)}`,
      `040 / ${r.digits(6)}`,
      `+49 152 ${r.digits(4)} ${r.digits(4)}`,
    ]),
  FR: (r) => {
    const pairs = () => [0, 0, 0, 0].map(() => r.digits(2)).join(' ');
    return r.pick([
      `+33 6 ${pairs()}`,
      `06 ${pairs()}`,
      `01 ${pairs()}`,
      `+33 (0)1 ${pairs()}`,
      `07.${r.digits(2)}.${r.digits(2)}.${r.digits(2)}.${r.digits(2)}`,
    ]);
  },
  NL: (r) => r.pick([`+31 6 ${r.digits(4)} ${r.digits(4)}`, `06-${r.digits(8)}`, `020-${r.digits(3)} ${r.digits(4)}`]),
  ES: (r) =>
    r.pick([
      `+34 6${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
      `91 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
      `6${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    ]),
  IT: (r) =>
    r.pick([
      `+39 3${r.digits(2)} ${r.digits(3)} ${r.digits(4)}`,
      `02 ${r.digits(4)} ${r.digits(4)}`,
      `3${r.digits(2)}-${r.digits(7)}`,
    ]),
  BR: (r) =>
    r.pick([
      `+55 11 9${r.digits(4)}-${r.digits(4)}`,
      `(21) 9${r.digits(4)}-${r.digits(4)}`,
      `(11) 3${r.digits(3)}-${r.digits(4)}`,
    ]),
  IN: (r) =>
    r.pick([
      `+91 9${r.digits(4)} ${r.digits(5)}`,
      `+91-98${r.digits(8)}`,
      `080-${r.digits(4)} ${r.digits(4)}`,
      `09${r.digits(3)} ${r.digits(6)}`,
    ]),
  JP: (r) =>
    r.pick([
      `+81 3-${r.digits(4)}-${r.digits(4)}`,
      `090-${r.digits(4)}-${r.digits(4)}`,
      `06-${r.digits(4)}-${r.digits(4)}`,
      `+81 80 ${r.digits(4)} ${r.digits(4)}`,
    ]),
  AU: (r) =>
    r.pick([
      `+61 2 ${r.digits(4)} ${r.digits(4)}`,
      `04${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
      `(03) ${r.digits(4)} ${r.digits(4)}`,
      `+61 4${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    ]),
  PL: (r) =>
    r.pick([
      `+48 5${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
      `22 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
      `6${r.digits(2)}-${r.digits(3)}-${r.digits(3)}`,
    ]),
  SE: (r) =>
    r.pick([
      `+46 70 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
      `08-${r.digits(3)} ${r.digits(3)} ${r.digits(2)}`,
      `073-${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    ]),
  NO: (r) =>
    r.pick([`+47 ${r.digits(3)} ${r.digits(2)} ${r.digits(3)}`, `9${r.digits(2)} ${r.digits(2)} ${r.digits(3)}`]),
  DK: (r) => r.pick([`+45 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`]),
  FI: (r) => r.pick([`+358 40 ${r.digits(3)} ${r.digits(4)}`, `040 ${r.digits(3)} ${r.digits(4)}`]),
};
const phone = (r, cc = 'US') => PHONE_FMT[cc](r);

// ---------------------------------------------------------------- addresses (lines; caller joins)
const US_CITIES = [
  ['Springfield', 'IL', '627'],
  ['Austin', 'TX', '787'],
  ['Portland', 'OR', '972'],
  ['Columbus', 'OH', '432'],
  ['Raleigh', 'NC', '276'],
  ['Denver', 'CO', '802'],
  ['Madison', 'WI', '537'],
  ['Tucson', 'AZ', '857'],
  ['Albany', 'NY', '122'],
  ['Boise', 'ID', '837'],
  ['Savannah', 'GA', '314'],
  ['Burlington', 'VT', '054'],
];
const US_STREETS = [
  'Maple',
  'Oak',
  'Cedar',
  'Elm',
  'Willow',
  'Lakeview',
  'Sunset',
  'Highland',
  'Pine Ridge',
  'Chestnut',
  'Magnolia',
  'Prospect',
];
const UK_TOWNS = [
  ['Leeds', 'LS'],
  ['Manchester', 'M'],
  ['Bristol', 'BS'],
  ['Edinburgh', 'EH'],
  ['Cardiff', 'CF'],
  ['Norwich', 'NR'],
  ['York', 'YO'],
  ['Brighton', 'BN'],
  ['Glasgow', 'G'],
];
const UK_STREETS = [
  'Kingsley',
  'Victoria',
  'Church',
  'Mill',
  'Station',
  'Albion',
  'Beechwood',
  'Grosvenor',
  'Harcourt',
  'Queens',
];
const PC_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

const ADDR = {
  US: (r) => {
    const [city, st, z] = r.pick(US_CITIES);
    const l1 = `${r.int(12, 9850)} ${r.pick(US_STREETS)} ${r.pick(['Street', 'Avenue', 'Drive', 'Lane', 'Court', 'Blvd', 'St', 'Ave', 'Rd'])}`;
    const lines = [l1];
    if (r.chance(0.35))
      lines.push(
        r.pick([`Apt ${r.int(1, 40)}${r.pick(['', 'B', 'C'])}`, `Suite ${r.int(100, 950)}`, `Unit ${r.int(1, 20)}`]),
      );
    lines.push(`${city}, ${st} ${z}${r.digits(2)}`);
    if (r.chance(0.3)) lines.push('USA');
    return lines;
  },
  UK: (r) => {
    const [town, area] = r.pick(UK_TOWNS);
    const lines = [];
    if (r.chance(0.3)) lines.push(`Flat ${r.int(1, 12)}`);
    lines.push(
      `${r.int(1, 220)} ${r.pick(UK_STREETS)} ${r.pick(['Road', 'Lane', 'Street', 'Close', 'Avenue', 'Crescent', 'Gardens'])}`,
    );
    lines.push(town);
    lines.push(`${area}${r.int(1, 19)} ${r.int(1, 9)}${r.str(PC_LETTERS, 2)}`);
    if (r.chance(0.35)) lines.push('United Kingdom');
    return lines;
  },
  DE: (r) => {
    const city = r.pick([
      ['Berlin', '10'],
      ['München', '80'],
      ['Hamburg', '20'],
      ['Köln', '50'],
      ['Leipzig', '04'],
      ['Stuttgart', '70'],
      ['Freiburg im Breisgau', '79'],
    ]);
    const street = r.pick([
      'Hauptstraße',
      'Lindenallee',
      'Goethestraße',
      'Am Mühlbach',
      'Schillerweg',
      'Bahnhofstraße',
      'Kastanienweg',
      'Friedrichstr.',
    ]);
    const lines = [`${street} ${r.int(1, 140)}${r.pick(['', '', 'a', 'b'])}`, `${city[1]}${r.digits(3)} ${city[0]}`];
    if (r.chance(0.3)) lines.push('Deutschland');
    return lines;
  },
  FR: (r) => {
    const city = r.pick([
      ['Paris', '750'],
      ['Lyon', '690'],
      ['Marseille', '130'],
      ['Toulouse', '310'],
      ['Nantes', '440'],
      ['Lille', '590'],
      ['Bordeaux', '330'],
    ]);
    const lines = [
      `${r.int(1, 120)}${r.pick(['', '', ' bis'])} ${r.pick(['rue des Lilas', 'avenue Jean Jaurès', 'boulevard Voltaire', 'rue de la République', 'impasse des Tilleuls', 'rue Victor Hugo', 'quai de la Loire'])}`,
    ];
    if (r.chance(0.25)) lines.push(`Bât. ${r.pick(['A', 'B', 'C'])}, ${r.int(1, 6)}e étage`);
    lines.push(`${city[1]}${r.digits(2)} ${city[0]}`);
    if (r.chance(0.3)) lines.push('France');
    return lines;
  },
  NL: (r) => {
    const lines = [
      `${r.pick(['Keizersgracht', 'Prinsengracht', 'Lindenlaan', 'Dorpsstraat', 'Kerkstraat', 'Molenweg', 'Stationsplein'])} ${r.int(1, 450)}${r.pick(['', '', '-II', 'A', ' bis'])}`,
    ];
    lines.push(
      `${r.int(1011, 9999)} ${r.str('ABCDEGHJKLMNPRSTVWXZ', 2)} ${r.pick(['Amsterdam', 'Utrecht', 'Rotterdam', 'Den Haag', 'Eindhoven', 'Groningen', 'Haarlem'])}`,
    );
    if (r.chance(0.3)) lines.push('Nederland');
    return lines;
  },
  JP: (r) => {
    const [ward, city, pc] = r.pick([
      ['Shibuya-ku', 'Tokyo', '150'],
      ['Minato-ku', 'Tokyo', '106'],
      ['Kita-ku', 'Osaka', '530'],
      ['Naka-ku', 'Nagoya', '460'],
      ['Chuo-ku', 'Sapporo', '060'],
      ['Sakyo-ku', 'Kyoto', '606'],
    ]);
    const lines = [];
    if (r.chance(0.4))
      lines.push(
        `${r.pick(['Sunny Heights', 'Maison Aoyama', 'Park Court', 'Grand Mansion'])} ${r.int(1, 12)}0${r.int(1, 9)}`,
      );
    lines.push(
      `${r.int(1, 5)}-${r.int(1, 30)}-${r.int(1, 20)} ${r.pick(['Jingumae', 'Roppongi', 'Umeda', 'Sakae', 'Odori Nishi', 'Tanaka-cho'])}`,
    );
    lines.push(`${ward}, ${city} ${pc}-${r.digits(4)}`);
    if (r.chance(0.4)) lines.push('Japan');
    return lines;
  },
  IN: (r) => {
    const [city, state, pin] = r.pick([
      ['Bengaluru', 'Karnataka', '560'],
      ['Mumbai', 'Maharashtra', '400'],
      ['Chennai', 'Tamil Nadu', '600'],
      ['Pune', 'Maharashtra', '411'],
      ['Hyderabad', 'Telangana', '500'],
      ['New Delhi', 'Delhi', '110'],
    ]);
    return [
      `Flat ${r.int(1, 12)}0${r.int(1, 9)}, ${r.pick(['Sai Residency', 'Prestige Lakeside', 'Green Acres Apartments', 'Shanti Nivas', 'Lotus Towers'])}`,
      `${ordinal(r.int(1, 40))} ${r.pick(['Cross', 'Main Road', 'Street'])}, ${r.pick(['Indiranagar', 'Koramangala', 'Andheri West', 'Adyar', 'Kothrud', 'Banjara Hills', 'Saket'])}`,
      `${city}, ${state} ${pin}${r.digits(3)}`,
    ].concat(r.chance(0.3) ? ['India'] : []);
  },
  BR: (r) => {
    const [city, uf, cep] = r.pick([
      ['São Paulo', 'SP', '01'],
      ['Rio de Janeiro', 'RJ', '22'],
      ['Belo Horizonte', 'MG', '30'],
      ['Curitiba', 'PR', '80'],
      ['Porto Alegre', 'RS', '90'],
    ]);
    return [
      `${r.pick(['Rua Augusta', 'Avenida Paulista', 'Rua das Laranjeiras', 'Rua XV de Novembro', 'Avenida Atlântica'])}, ${r.int(10, 2500)}${r.chance(0.5) ? `, apto ${r.int(11, 180)}` : ''}`,
      `${r.pick(['Consolação', 'Bela Vista', 'Laranjeiras', 'Centro', 'Copacabana', 'Savassi'])}, ${city} - ${uf}`,
      `CEP ${cep}${r.digits(3)}-${r.digits(3)}`,
    ];
  },
  CA: (r) => {
    const [city, prov, fsa, street] = r.pick([
      ['Toronto', 'ON', 'M5V', 'King Street West'],
      ['Montréal', 'QC', 'H3B', 'Rue Sainte-Catherine O'],
      ['Vancouver', 'BC', 'V6B', 'Granville Street'],
      ['Ottawa', 'ON', 'K1P', 'Bank Street'],
      ['Calgary', 'AB', 'T2P', '17 Ave SW'],
      ['Halifax', 'NS', 'B3H', 'Spring Garden Road'],
    ]);
    return [
      `${r.int(10, 4800)} ${street}${r.chance(0.4) ? `, Unit ${r.int(100, 2400)}` : ''}`,
      `${city}, ${prov} ${fsa} ${r.int(1, 9)}${r.pick(['A', 'B', 'C', 'E', 'G', 'H', 'J', 'K'])}${r.int(1, 9)}`,
    ].concat(r.chance(0.3) ? ['Canada'] : []);
  },
  AU: (r) => {
    const [sub, st, pc] = r.pick([
      ['Bondi', 'NSW', '2026'],
      ['Fitzroy', 'VIC', '3065'],
      ['Fortitude Valley', 'QLD', '4006'],
      ['Subiaco', 'WA', '6008'],
      ['Glenelg', 'SA', '5045'],
      ['Sandy Bay', 'TAS', '7005'],
    ]);
    return [
      `${r.chance(0.4) ? `Unit ${r.int(1, 30)}, ` : ''}${r.int(1, 300)} ${r.pick(['Beach Road', 'Brunswick Street', 'Ann Street', 'Rokeby Road', 'Jetty Road', 'Churchill Avenue'])}`,
      `${sub} ${st} ${pc}`,
    ].concat(r.chance(0.3) ? ['Australia'] : []);
  },
  ES: (r) => {
    const [city, cp] = r.pick([
      ['Madrid', '280'],
      ['Barcelona', '080'],
      ['Valencia', '460'],
      ['Sevilla', '410'],
      ['Bilbao', '480'],
    ]);
    return [
      `${r.pick(['Calle de Alcalá', 'Carrer de Mallorca', 'Avenida de la Constitución', 'Calle Mayor', 'Gran Vía'])} ${r.int(1, 300)}, ${r.int(1, 8)}º ${r.pick(['A', 'B', 'C', 'Izda.', 'Dcha.'])}`,
      `${cp}${r.digits(2)} ${city}`,
    ].concat(r.chance(0.3) ? ['España'] : []);
  },
  IT: (r) => {
    const [city, cap, pr] = r.pick([
      ['Milano', '201', 'MI'],
      ['Roma', '001', 'RM'],
      ['Torino', '101', 'TO'],
      ['Bologna', '401', 'BO'],
      ['Napoli', '801', 'NA'],
    ]);
    return [
      `${r.pick(['Via Roma', 'Via Giuseppe Garibaldi', 'Corso Vittorio Emanuele II', 'Viale dei Mille', 'Piazza Dante'])} ${r.int(1, 200)}`,
      `${cap}${r.digits(2)} ${city} (${pr})`,
    ].concat(r.chance(0.3) ? ['Italia'] : []);
  },
  PL: (r) => {
    const [city, pc] = r.pick([
      ['Warszawa', '00'],
      ['Kraków', '31'],
      ['Gdańsk', '80'],
      ['Wrocław', '50'],
      ['Poznań', '61'],
    ]);
    return [
      `ul. ${r.pick(['Marszałkowska', 'Długa', 'Floriańska', 'Piotrkowska', 'Świętojańska', 'Kwiatowa'])} ${r.int(1, 150)}${r.chance(0.5) ? `/${r.int(1, 60)}` : ''}`,
      `${pc}-${r.digits(3)} ${city}`,
    ].concat(r.chance(0.3) ? ['Polska'] : []);
  },
  SE: (r) => {
    const [city, pc] = r.pick([
      ['Stockholm', '11'],
      ['Göteborg', '41'],
      ['Malmö', '21'],
      ['Uppsala', '75'],
    ]);
    return [
      `${r.pick(['Drottninggatan', 'Storgatan', 'Kungsgatan', 'Linnégatan', 'Södra Vägen'])} ${r.int(1, 120)}${r.chance(0.3) ? ', lgh 1102' : ''}`,
      `${pc}${r.digits(1)} ${r.digits(2)} ${city}`,
    ].concat(r.chance(0.3) ? ['Sverige'] : []);
  },
  NO: (r) => [
    `${r.pick(['Karl Johans gate', 'Storgata', 'Bygdøy allé', 'Thorvald Meyers gate'])} ${r.int(1, 90)}`,
    `0${r.int(150, 480)} Oslo`,
  ],
  DK: (r) => [
    `${r.pick(['Nørrebrogade', 'Vesterbrogade', 'Strandvejen', 'Amagerbrogade'])} ${r.int(1, 200)}, ${r.int(1, 5)}. tv.`,
    `${r.int(1050, 2500)} København ${r.pick(['N', 'V', 'Ø', 'S'])}`,
  ],
  FI: (r) => [
    `${r.pick(['Mannerheimintie', 'Hämeentie', 'Aleksanterinkatu', 'Fredrikinkatu'])} ${r.int(1, 90)} B ${r.int(1, 40)}`,
    `00${r.int(10, 99)}0 Helsinki`,
  ],
};
function ordinal(n) {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
  return `${n}${s}`;
}
const addrLines = (r, cc = 'US') => ADDR[cc](r);
const addr1 = (r, cc = 'US') => addrLines(r, cc).join(', ');
const addrBlock = (r, cc = 'US') => addrLines(r, cc).join('\n');

// ---------------------------------------------------------------- dates
const MONTHS_EN = [
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
const MONTHS_DE = [
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
const MONTHS_FR = [
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
const MONTHS_ES = [
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
const MONTHS_PT = [
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
];
const MONTHS_IT = [
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
];
const MONTHS_NL = [
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
];

function randDate(r, y0, y1) {
  return { y: r.int(y0, y1), m: r.int(1, 12), d: r.int(1, 28) };
}
const birth = (r) => randDate(r, 1938, 2006);
const recent = (r) => randDate(r, 2022, 2025);
function fmtDate(dt, style) {
  const { y, m, d } = dt;
  switch (style) {
    case 'iso':
      return `${y}-${pad(m)}-${pad(d)}`;
    case 'us':
      return `${pad(m)}/${pad(d)}/${y}`;
    case 'eu':
      return `${pad(d)}/${pad(m)}/${y}`;
    case 'dot':
      return `${pad(d)}.${pad(m)}.${y}`;
    case 'dash':
      return `${pad(d)}-${pad(m)}-${y}`;
    case 'long':
      return `${MONTHS_EN[m - 1]} ${d}, ${y}`;
    case 'uk':
      return `${d} ${MONTHS_EN[m - 1]} ${y}`;
    case 'short':
      return `${d} ${MONTHS_EN[m - 1].slice(0, 3)} ${y}`;
    case 'de':
      return `${d}. ${MONTHS_DE[m - 1]} ${y}`;
    case 'fr':
      return `${d === 1 ? '1er' : d} ${MONTHS_FR[m - 1]} ${y}`;
    case 'es':
      return `${d} de ${MONTHS_ES[m - 1]} de ${y}`;
    case 'pt':
      return `${d} de ${MONTHS_PT[m - 1]} de ${y}`;
    case 'it':
      return `${d} ${MONTHS_IT[m - 1]} ${y}`;
    case 'nl':
      return `${d} ${MONTHS_NL[m - 1]} ${y}`;
    default:
      throw new Error(`date style ${style}`);
  }
}

// ---------------------------------------------------------------- identifiers with checksums
function luhnOk(num) {
  const ds = num.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < ds.length; i++) {
    let v = Number(ds[ds.length - 1 - i]);
    if (i % 2 === 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return ds.length >= 12 && sum % 10 === 0;
}
function luhnComplete(partial) {
  for (let c = 0; c <= 9; c++) if (luhnOk(partial + c)) return partial + c;
  throw new Error('luhn');
}
function card(r, brand = r.pick(['visa', 'visa', 'mc', 'mc2', 'amex', 'disc']), sep = r.pick([' ', '-', '', ' '])) {
  let prefix, len;
  if (brand === 'visa') [prefix, len] = ['4' + r.digits(5), 16];
  else if (brand === 'mc') [prefix, len] = [String(r.int(51, 55)) + r.digits(4), 16];
  else if (brand === 'mc2') [prefix, len] = [String(r.int(2221, 2720)) + r.digits(2), 16];
  else if (brand === 'amex') [prefix, len] = [r.pick(['34', '37']) + r.digits(4), 15];
  else [prefix, len] = ['6011' + r.digits(2), 16];
  const num = luhnComplete(prefix + r.digits(len - prefix.length - 1));
  const groups = len === 15 ? [num.slice(0, 4), num.slice(4, 10), num.slice(10)] : num.match(/.{4}/g);
  return groups.join(sep);
}

const IBAN_SPEC = {
  DE: (r) => r.digits(18),
  GB: (r) => r.str(UPPER, 4) + r.digits(14),
  FR: (r) => r.digits(10) + r.str(UPPER + DIGITS, 11) + r.digits(2),
  NL: (r) => r.str(UPPER, 4) + r.digits(10),
  ES: (r) => r.digits(20),
  IT: (r) => r.str(UPPER, 1) + r.digits(10) + r.str(UPPER + DIGITS, 12),
  PL: (r) => r.digits(24),
  BE: (r) => r.digits(12),
  PT: (r) => r.digits(21),
  CH: (r) => r.digits(5) + r.str(UPPER + DIGITS, 12),
  AT: (r) => r.digits(16),
  SE: (r) => r.digits(20),
  NO: (r) => r.digits(11),
  DK: (r) => r.digits(14),
  FI: (r) => r.digits(14),
  IE: (r) => r.str(UPPER, 4) + r.digits(14),
  BR: (r) => r.digits(23) + r.str(UPPER, 1) + r.str(UPPER + DIGITS, 1),
};
function mod97(s) {
  let rem = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}
function ibanOk(iban) {
  const s = iban.replace(/\s/g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  return mod97(s.slice(4) + s.slice(0, 4)) === 1;
}
function iban(r, cc = 'DE', grouped = r.chance(0.6)) {
  const bban = IBAN_SPEC[cc](r);
  const check = 98 - mod97(bban + cc + '00');
  const s = cc + pad(check) + bban;
  return grouped ? s.match(/.{1,4}/g).join(' ') : s;
}

function ssnOk(v) {
  const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(v);
  if (!m) return false;
  const [a, g, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return a !== 0 && a !== 666 && a < 900 && g !== 0 && s !== 0;
}
function ssn(r, sep = r.pick(['-', '-', '-', ' ', ''])) {
  let a;
  do a = r.int(1, 899);
  while (a === 666);
  return `${pad(a, 3)}${sep}${pad(r.int(1, 99))}${sep}${pad(r.int(1, 9999), 4)}`;
}

const ipv4 = (r) =>
  r.pick([
    () =>
      `${r.pick([r.int(11, 99), r.int(101, 126), r.int(128, 223)])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `192.168.${r.int(0, 20)}.${r.int(2, 254)}`,
    () => `172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(1, 254)}`,
  ])();
const ipv6 = (r) => {
  const h = () => r.str(HEX, r.int(1, 4)).replace(/^0+(?=.)/, '');
  return r.pick([
    () => `2001:67c:${h()}:${h()}::${h()}`,
    () => `2a02:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}`,
    () => `fe80::${h()}:${h()}:${h()}:${h()}`,
    () => `2606:4700:${h()}::${h()}:${h()}`,
  ])();
};
const ip = (r) => (r.chance(0.75) ? ipv4(r) : ipv6(r));

const mrn = (r) =>
  r.pick([
    () => r.digits(7),
    () => `MRN-${r.digits(8)}`,
    () => `${r.str(UPPER, 1)}${r.digits(7)}`,
    () => `${r.int(2015, 2024)}-${r.digits(6)}`,
    () => `HSP${r.digits(6)}`,
    () => `${r.digits(3)}-${r.digits(3)}-${r.digits(3)}`,
    () => `P${r.digits(9)}`,
  ])();

// ---------------------------------------------------------------- secrets (random, right shape, never real)
const b64url = (s) => Buffer.from(s).toString('base64url');
const uuid = (r) =>
  `${r.str(HEX, 8)}-${r.str(HEX, 4)}-4${r.str(HEX, 3)}-${r.pick(['8', '9', 'a', 'b'])}${r.str(HEX, 3)}-${r.str(HEX, 12)}`;
const API = {
  anthropic: (r) => `sk-ant-api03-${r.str(B64URL, 93)}AA`,
  openai: (r) => `sk-proj-${r.str(B64URL, 20)}T3BlbkFJ${r.str(B64URL, 20)}`,
  openaiLegacy: (r) => `sk-${r.str(ALNUM, 20)}T3BlbkFJ${r.str(ALNUM, 20)}`,
  github: (r) => `ghp_${r.str(ALNUM, 36)}`,
  githubPat: (r) => `github_pat_11${r.str(UPPER + DIGITS, 20)}_${r.str(ALNUM, 59)}`,
  slack: (r) => `xoxb-${r.digits(11)}-${r.digits(13)}-${r.str(ALNUM, 24)}`,
  slackUser: (r) => `xoxp-${r.digits(11)}-${r.digits(12)}-${r.digits(13)}-${r.str(HEX, 32)}`,
  stripe: (r) => `sk_live_51${r.str(ALNUM, 97)}`,
  stripeRk: (r) => `rk_live_51${r.str(ALNUM, 60)}`,
  google: (r) => `AIza${r.str(B64URL, 35)}`,
  sendgrid: (r) => `SG.${r.str(B64URL, 22)}.${r.str(B64URL, 43)}`,
  hf: (r) => `hf_${r.str(UPPER + LOWER, 34)}`,
  npm: (r) => `npm_${r.str(ALNUM, 36)}`,
  gitlab: (r) => `glpat-${r.str(B64URL, 20)}`,
  twilio: (r) => `SK${r.str(HEX, 32)}`,
  mailgun: (r) => `key-${r.str(HEX, 32)}`,
  hex32: (r) => r.str(HEX, 32),
  hex40: (r) => r.str(HEX, 40),
  b64: (r) => r.str(ALNUM, 28) + r.pick(['', '==']),
};
const apiKey = (r, kind) =>
  API[
    kind ??
      r.pick([
        'anthropic',
        'openai',
        'github',
        'githubPat',
        'slack',
        'stripe',
        'stripeRk',
        'google',
        'sendgrid',
        'hf',
        'npm',
        'gitlab',
      ])
  ](r);
const awsKeyId = (r) => `${r.chance(0.8) ? 'AKIA' : 'ASIA'}${r.str('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
const awsSecret = (r) => r.str(B64, 40);
function jwt(r, claims = {}) {
  const alg = r.pick(['HS256', 'RS256', 'HS512']);
  const header = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const now = r.int(1700000000, 1740000000);
  const payload = b64url(
    JSON.stringify({ sub: claims.sub ?? uuid(r), iat: now, exp: now + r.pick([900, 3600, 86400]), ...claims }),
  );
  const sig = r.str(B64URL, alg === 'HS256' ? 43 : alg === 'HS512' ? 86 : 342);
  return `${header}.${payload}.${sig}`;
}
function pem(r, kind = r.pick(['RSA', 'PKCS8', 'EC', 'OPENSSH']), nl = '\n') {
  let label, body, width;
  if (kind === 'RSA')
    [label, body, width] = ['RSA PRIVATE KEY', 'MIIEpAIBAAKCAQEA' + r.str(B64, 64 * r.int(6, 11) + 20), 64];
  else if (kind === 'PKCS8')
    [label, body, width] = [
      'PRIVATE KEY',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ' + r.str(B64, 64 * r.int(6, 11) + 10),
      64,
    ];
  else if (kind === 'EC') [label, body, width] = ['EC PRIVATE KEY', 'MHcCAQEEI' + r.str(B64, 149) + '==', 64];
  else
    [label, body, width] = [
      'OPENSSH PRIVATE KEY',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW' + r.str(B64, 70 * 4 + 12),
      70,
    ];
  const lines = body.match(new RegExp(`.{1,${width}}`, 'g'));
  return `-----BEGIN ${label}-----${nl}${lines.join(nl)}${nl}-----END ${label}-----`;
}
const PW_WORDS = [
  'maple',
  'harbor',
  'falcon',
  'tiger',
  'orbit',
  'velvet',
  'copper',
  'lantern',
  'summit',
  'quartz',
  'meadow',
  'raven',
  'cobalt',
  'ember',
  'willow',
  'nimbus',
];
function password(r, urlSafe = false) {
  const cap = (w) => w[0].toUpperCase() + w.slice(1);
  const sym = urlSafe
    ? r.pick(['!', '_', '-', '.', '~', '*'])
    : r.pick(['!', '#', '$', '%', '&', '*', '?', '@', '^', '+']);
  const v = r.pick([
    () => `${cap(r.pick(PW_WORDS))}${sym}${cap(r.pick(PW_WORDS))}${r.int(10, 99)}`,
    () => r.str(ALNUM, r.int(10, 14)) + sym + r.str(ALNUM, 3),
    () => `${r.pick(PW_WORDS)}-${r.pick(PW_WORDS)}-${r.int(100, 999)}-${r.pick(PW_WORDS)}`,
    () => `${cap(r.pick(PW_WORDS))}${r.int(1970, 2024)}${sym}`,
    () => `${r.str(LOWER, 3)}${r.digits(2)}${sym}${r.str(UPPER, 2)}${r.str(LOWNUM, 6)}`,
  ])();
  return v;
}

// ---------------------------------------------------------------- record builder
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
class B {
  constructor() {
    this.text = '';
    this.spans = [];
    this.neutral = [];
  }
  t(s) {
    this.text += s;
    return this;
  }
  s(type, value) {
    if (!TYPES.has(type)) throw new Error(`unknown type ${type}`);
    if (typeof value !== 'string' || value.length === 0) throw new Error(`empty ${type} value`);
    const start = this.text.length;
    this.text += value;
    this.spans.push({ start, end: this.text.length, type, value });
    return this;
  }
  n(type, value) {
    const start = this.text.length;
    this.text += value;
    this.neutral.push({ start, end: this.text.length, type, value });
    return this;
  }
  // tagged template: interpolations are plain strings or S()/N() span markers
  x(strings, ...vals) {
    strings.forEach((str, i) => {
      this.t(str);
      if (i < vals.length) {
        const v = vals[i];
        if (v && typeof v === 'object') v.neutral ? this.n(v.type, v.value) : this.s(v.type, v.value);
        else if (v !== undefined && v !== null && v !== false) this.t(String(v));
      }
    });
    return this;
  }
}
const S = (type, value) => ({ type, value });
const N = (type, value) => ({ type, value, neutral: true });
const P = (v) => S('PERSON', v);
const EM = (v) => S('EMAIL', v);
const PH = (v) => S('PHONE', v);
const SS = (v) => S('US_SSN', v);
const CC = (v) => S('CREDIT_CARD', v);
const IB = (v) => S('IBAN', v);
const IPA = (v) => S('IP_ADDRESS', v);
const AD = (v) => S('ADDRESS', v);
const DB = (v) => S('DATE_OF_BIRTH', v);
const MR = (v) => S('MEDICAL_RECORD_NUMBER', v);
const KEY = (v) => S('API_KEY', v);
const AWS = (v) => S('AWS_ACCESS_KEY', v);
const PK = (v) => S('PRIVATE_KEY', v);
const JW = (v) => S('JWT', v);
const PW = (v) => S('PASSWORD', v);

// ---------------------------------------------------------------- templates
// T(name, count, negative, fn(r, b)); a negative template must produce no spans.
const TEMPLATES = [];
const T = (name, count, neg, fn) => TEMPLATES.push({ name, count, neg, fn });
const hhmm = (r) => `${pad(r.int(7, 20))}:${pad(r.int(0, 59))}`;
const orderNo = (r) =>
  r.pick([`#${r.int(100000, 999999)}`, `ORD-${r.int(2023, 2025)}-${r.digits(6)}`, `${r.str(UPPER, 2)}${r.digits(8)}`]);
const ticketNo = (r) =>
  r.pick([`TCK-${r.digits(6)}`, `#${r.int(10000, 99999)}`, `INC${r.digits(7)}`, `SR-${r.digits(5)}`]);
const sha = (r, n = 40) => r.str(HEX, n);
const money = (r, sym = '$') => `${sym}${r.int(5, 4999).toLocaleString('en-US')}.${pad(r.int(0, 99))}`;

T('support_chat', 6, false, (r, b) => {
  const c = person(r);
  const a = person(r, { noMiddle: true });
  const org = r.pick(ORGS);
  let m0 = r.int(420, 1200);
  const tick = () => {
    m0 += r.int(0, 3);
    return `${pad(Math.floor(m0 / 60))}:${pad(m0 % 60)}`;
  };
  b.x`[${tick()}] ${P(a.given)} (${org}): Hi, thanks for reaching out! Can I get the name and email on the account?\n`;
  b.x`[${tick()}] Customer: sure, it's ${P(c.full)}, ${EM(emailOf(r, c))}\n`;
  b.x`[${tick()}] ${P(a.given)} (${org}): Thanks ${P(c.given)}. I see order ${orderNo(r)} placed on ${fmtDate(recent(r), 'short')}. What seems to be the problem?\n`;
  if (r.chance(0.5)) {
    b.x`[${tick()}] Customer: it never arrived. I moved last month, the new address is ${AD(addr1(r, 'US'))}. You can text me at ${PH(phone(r, 'US'))} when it ships.\n`;
  } else {
    b.x`[${tick()}] Customer: I was charged twice on my card ending in ${r.digits(4)}. Full number is ${CC(card(r))} if you need it, exp ${pad(r.int(1, 12))}/${r.int(26, 30)}.\n`;
  }
  b.x`[${tick()}] ${P(a.given)} (${org}): Got it, I've opened ticket ${ticketNo(r)} and escalated to billing. You'll hear back within 24h.`;
});

T('hr_onboarding', 6, false, (r, b) => {
  const e = person(r);
  const ec = person(r);
  const org = r.pick(ORGS);
  const dob = fmtDate(birth(r), r.pick(['us', 'iso', 'long']));
  b.x`NEW HIRE ONBOARDING FORM — ${org}\n`;
  b.x`Employee ID: E-${r.digits(5)}\nStart date: ${fmtDate(recent(r), 'us')}\n`;
  b.x`Legal name: ${P(e.full)}\nPreferred first name: ${P(e.given)}\n`;
  b.x`Date of birth: ${DB(dob)}\nSocial Security Number: ${SS(ssn(r))}\n`;
  b.x`Home address: ${AD(addr1(r, 'US'))}\n`;
  b.x`Personal email: ${EM(emailOf(r, e, r.pick(FREE_MAIL)))}\nMobile: ${PH(phone(r, 'US'))}\n`;
  b.x`Emergency contact: ${P(ec.full)} (${r.pick(['spouse', 'mother', 'brother', 'partner', 'friend'])}), ${PH(phone(r, 'US'))}\n`;
  b.x`Department: ${r.pick(['Finance', 'Engineering', 'Customer Success', 'Operations'])} / Manager: ${P(person(r).full)}\n`;
  b.x`I-9 documents verified on ${fmtDate(recent(r), 'us')}. Laptop asset tag LT-${r.digits(5)}.`;
});

T('clinical_note', 6, false, (r, b) => {
  const p = person(r);
  const doc = person(r, { noMiddle: true });
  const ref = person(r, { noMiddle: true });
  const dobD = birth(r);
  b.x`PROGRESS NOTE\nPatient: ${P(p.full)}    MRN: ${MR(mrn(r))}    DOB: ${DB(fmtDate(dobD, r.pick(['us', 'iso'])))}\n`;
  b.x`Visit: ${fmtDate(recent(r), 'us')}  Attending: Dr. ${P(doc.full)}, MD\n\n`;
  b.x`S: ${2024 - dobD.y} y/o presents with ${r.pick(['3 days of productive cough and low-grade fever', 'worsening lower back pain after lifting', 'follow-up for type 2 diabetes (E11.9)', 'palpitations, intermittent, no syncope'])}. `;
  b.x`Denies chest pain. Current meds: ${r.pick(['metformin 500 mg BID', 'lisinopril 10 mg daily', 'atorvastatin 20 mg qHS', 'levothyroxine 75 mcg daily'])}.\n`;
  b.x`O: BP ${r.int(110, 150)}/${r.int(70, 95)}, HR ${r.int(58, 102)}, SpO2 ${r.int(94, 99)}% RA, T ${(36 + r.next() * 2).toFixed(1)} C.\n`;
  b.x`A/P: ${r.pick(['Likely viral URI; supportive care.', 'Mechanical LBP; PT referral.', 'A1c 7.4%, titrate metformin.', 'Order Holter monitor, TSH.'])} `;
  b.x`Refer to Dr. ${P(ref.surname)} (${r.pick(['cardiology', 'physiotherapy', 'endocrinology', 'ENT'])}). RTC in ${r.int(2, 6)} weeks.`;
});

T('env_file', 6, false, (r, b) => {
  const dom = r.pick(CORP_DOMAINS);
  b.x`# .env.${r.pick(['production', 'staging', 'local'])} — do not commit\nNODE_ENV=production\nPORT=${r.pick([3000, 8080, 8000])}\n`;
  b.x`DATABASE_URL=postgres://${r.pick(['app', 'svc_api', 'postgres', 'orders_rw'])}:${PW(password(r, true))}@${r.chance(0.5) ? IPA(ipv4(r)) : `db.internal.${dom}`}:5432/${r.pick(['app', 'orders', 'crm'])}\n`;
  const opts = r.shuffle([
    () => b.x`ANTHROPIC_API_KEY=${KEY(apiKey(r, 'anthropic'))}\n`,
    () => b.x`OPENAI_API_KEY=${KEY(apiKey(r, 'openai'))}\n`,
    () => b.x`STRIPE_SECRET_KEY=${KEY(apiKey(r, 'stripe'))}\n`,
    () =>
      b.x`AWS_ACCESS_KEY_ID=${AWS(awsKeyId(r))}\nAWS_SECRET_ACCESS_KEY=${AWS(awsSecret(r))}\nAWS_REGION=${r.pick(['eu-west-1', 'us-east-1', 'ap-southeast-2'])}\n`,
    () => b.x`SESSION_SECRET=${KEY(apiKey(r, 'hex40'))}\n`,
    () => b.x`SENDGRID_API_KEY=${KEY(apiKey(r, 'sendgrid'))}\n`,
    () => b.x`REDIS_PASSWORD=${PW(password(r))}\n`,
  ]);
  opts.slice(0, r.int(2, 5)).forEach((f) => f());
  b.x`LOG_LEVEL=${r.pick(['info', 'debug', 'warn'])}\nFEATURE_FLAGS=new_checkout,beta_search`;
});

T('shipping_email', 6, false, (r, b) => {
  const c = person(r);
  const cc = r.pick(['US', 'UK', 'CA', 'AU']);
  b.x`Subject: Your order ${orderNo(r)} has shipped!\n\nHi ${P(c.given)},\n\nGood news — your package is on its way.\n\nShipping to:\n${P(c.full)}\n${AD(addrBlock(r, cc))}\n`;
  b.x`Phone on file: ${PH(phone(r, cc))}\n\n`;
  b.x`Carrier: ${{ US: 'UPS Ground', UK: 'Royal Mail Tracked 24', CA: 'Canada Post', AU: 'Australia Post' }[cc]}\nTracking number: ${r.pick([`1Z${r.str(UPPER + DIGITS, 16)}`, `JD${r.digits(18)}`, `${r.str(UPPER, 2)}${r.digits(9)}GB`])}\n`;
  b.x`Estimated delivery: ${fmtDate(recent(r), 'long')}\nOrder total: ${money(r)}\n\nThanks for shopping with ${r.pick(['Coppergate Retail', 'Greenleaf Grocers', 'Sable & Finch'])}!`;
});

T('http_dump', 5, false, (r, b) => {
  const c = person(r);
  const dom = r.pick(CORP_DOMAINS);
  b.x`POST /api/v2/customers HTTP/1.1\nHost: api.${dom}\nAuthorization: Bearer ${JW(jwt(r, { scope: 'customers:write' }))}\n`;
  b.x`X-Forwarded-For: ${IPA(ipv4(r))}, ${IPA(ipv4(r))}\nUser-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15\n`;
  b.x`X-Request-Id: ${uuid(r)}\nContent-Type: application/json\nContent-Length: ${r.int(90, 240)}\n\n`;
  b.x`{"name":"${P(c.full)}","email":"${EM(emailOf(r, c))}","phone":"${PH(phone(r, r.pick(['US', 'UK', 'DE'])))}","marketing_opt_in":${r.pick(['true', 'false'])}}\n\n`;
  b.x`HTTP/1.1 201 Created\nDate: Tue, ${r.int(1, 28)} Oct 2024 ${hhmm(r)}:${pad(r.int(0, 59))} GMT\nLocation: /api/v2/customers/cus_${r.str(ALNUM, 14)}`;
});

T('de_letter', 5, false, (r, b) => {
  const p = person(r);
  const org = r.pick(['Stadtwerke Nordhafen', 'FitPlus Studios GmbH', 'Kabelnetz Süd AG', 'Mobilfunk Direkt']);
  b.x`${P(p.full)}\n${AD(addrBlock(r, 'DE'))}\n\n${org}\nKundenservice\n\n${r.pick(['Berlin', 'Hamburg', 'Köln'])}, den ${fmtDate(recent(r), 'dot')}\n\n`;
  b.x`Betreff: Kündigung meines Vertrags, Kundennummer ${r.digits(8)}\n\nSehr geehrte Damen und Herren,\n\n`;
  b.x`hiermit kündige ich meinen Vertrag fristgerecht zum ${fmtDate(recent(r), 'de')}. Zur Identifikation: ${P(p.full)}, geb. ${DB(fmtDate(birth(r), 'dot'))}.\n`;
  b.x`Bitte überweisen Sie das Restguthaben auf folgendes Konto:\nIBAN: ${IB(iban(r, 'DE'))}\nKontoinhaber: ${P(p.full)}\n`;
  b.x`Für Rückfragen erreichen Sie mich unter ${PH(phone(r, 'DE'))} oder ${EM(emailOf(r, p, r.pick(['web.de', 'gmx.de', 't-online.de'])))}.\n\nMit freundlichen Grüßen\n${P(p.full)}`;
});

T('neg_release_notes', 5, true, (r, b) => {
  const v = `${r.int(2, 9)}.${r.int(0, 30)}.${r.int(0, 12)}`;
  b.x`## v${v} (${fmtDate(recent(r), 'iso')})\n\n### Fixes\n- Fix race condition in cache invalidation (#${r.int(1000, 9999)}, ${sha(r, 7)})\n`;
  b.x`- Bump axios from 1.6.${r.int(0, 8)} to 1.7.${r.int(0, 9)} (#${r.int(1000, 9999)})\n- Retry webhook delivery with exponential backoff (max 5 attempts, base 250 ms)\n`;
  b.x`### Build\n- commit: ${sha(r)}\n- image: ghcr.io/halcyon/api:${v}@sha256:${sha(r, 64)}\n- build number: ${fmtDate(recent(r), 'iso').replace(/-/g, '')}.${r.int(1, 9)}\n`;
  b.x`- checksum (sha512, base64): ${r.str(B64, 86)}==\n- OID: 1.3.6.1.4.1.${r.int(1000, 60000)}.${r.int(1, 9)}.${r.int(1, 9)}\n\nUpgrade notes: schema migration 0${r.int(40, 99)}_add_index runs automatically; expect ~${r.int(2, 15)} min downtime.`;
});

T('neg_finance_news', 5, true, (r, b) => {
  const [a, c, d] = r.sample(EPONYM_ORGS, 3);
  b.x`MARKETS WRAP — ${fmtDate(recent(r), 'long')}\n\n${a} shares rose ${(r.next() * 4).toFixed(2)}% to ${money(r)} after quarterly revenue of $${r.int(2, 90)}.${r.int(1, 9)} billion beat estimates. `;
  b.x`Analysts at ${c} raised their price target to $${r.int(20, 400)}, citing margin expansion in the ${r.pick(['North America', 'EMEA', 'Asia-Pacific'])} segment. `;
  b.x`Meanwhile ${d} slipped ${(r.next() * 3).toFixed(1)}% on guidance; the stock (ticker ${r.str(UPPER, r.int(2, 4))}) trades at ${r.int(9, 40)}x forward earnings. `;
  b.x`The 10-year Treasury yield was ${(3 + r.next() * 2).toFixed(3)}%, and the next FOMC decision is due ${fmtDate(recent(r), 'long')}.`;
});

T('neg_placeholder_env', 5, true, (r, b) => {
  b.x`# .env.example — copy to .env and fill in real values. NEVER commit the real file.\n`;
  b.x`DATABASE_URL=postgres://user:\${DB_PASSWORD}@localhost:5432/app\n`;
  b.x`${r.pick(['OPENAI_API_KEY=<your-openai-key>', 'OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxx', 'ANTHROPIC_API_KEY=sk-ant-...', 'ANTHROPIC_API_KEY="<API_KEY>"'])}\n`;
  b.x`AWS_ACCESS_KEY_ID=${r.pick(['AKIAIOSFODNN7EXAMPLE', 'AKIAXXXXXXXXXXXXXXXX', 'your-access-key-id'])}\n`;
  b.x`AWS_SECRET_ACCESS_KEY=${r.pick(['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '****************************************', '<secret>'])}\n`;
  b.x`STRIPE_SECRET_KEY=${r.pick(['sk_test_xxxxxxxxxxxxxxxxxxxxxxxx', 'sk_live_REPLACE_ME', '${STRIPE_KEY}'])}\n`;
  b.x`ADMIN_PASSWORD=${r.pick(['changeme', '<password>', '********', '${ADMIN_PASSWORD}'])}\nJWT_SECRET=\nPORT=${r.pick([3000, 8080])}\n`;
});

T('discharge_summary', 5, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  const cons = person(r, { noMiddle: true });
  const gp = person(r, { noMiddle: true });
  const adm = recent(r);
  b.x`DISCHARGE SUMMARY — ${r.pick(['Riverbend Clinic', "St Aidan's Hospital", 'Royal Infirmary (Ward 7B)'])}\n\n`;
  b.x`Name: ${P(`${p.surname.toUpperCase()}, ${p.given}`)}\nHospital No.: ${MR(mrn(r))}\nD.O.B.: ${DB(fmtDate(birth(r), r.pick(['eu', 'short', 'uk'])))}\n`;
  b.x`Admitted: ${fmtDate(adm, 'eu')}   Discharged: ${fmtDate({ ...adm, d: Math.min(28, adm.d + r.int(1, 6)) }, 'eu')}\nConsultant: Dr ${P(cons.full)}\n\n`;
  b.x`Diagnosis: ${r.pick(['Community-acquired pneumonia (J18.9)', 'NSTEMI (I21.4)', 'Acute cholecystitis (K81.0)', 'Cellulitis left lower limb (L03.116)'])}\n`;
  b.x`Hospital course: Treated with ${r.pick(['IV co-amoxiclav then oral step-down', 'dual antiplatelet therapy and angiography', 'laparoscopic cholecystectomy on day 2', 'IV flucloxacillin for 72 h'])}. Observations stable for 48 h prior to discharge. No Parkinson's or Alzheimer's history; Glasgow Coma Scale 15.\n`;
  b.x`Discharge medications: ${r.pick(['amoxicillin 500 mg TDS x5 days', 'aspirin 75 mg OD, ticagrelor 90 mg BD', 'paracetamol 1 g QDS PRN', 'flucloxacillin 1 g QDS x7 days'])}\n`;
  b.x`Follow-up: GP (Dr ${P(gp.surname)}) to review in 1 week; outpatient clinic in ${r.int(4, 8)} weeks.\nNext of kin: ${P(person(r).full)}, tel. ${PH(phone(r, 'UK'))}`;
});

T('insurance_claim', 5, false, (r, b) => {
  const uk = r.chance(0.5);
  const p = person(r);
  const other = person(r, { noMiddle: true });
  b.x`${uk ? 'MOTOR CLAIM NOTIFICATION' : 'AUTO CLAIM — FIRST NOTICE OF LOSS'} — Bluefin Insurance\nClaim ref: CLM-${r.int(2023, 2025)}-${r.digits(6)}   Policy no.: ${r.str(UPPER, 3)}${r.digits(7)}\n\n`;
  b.x`Policyholder: ${P(p.full)}\nDate of birth: ${DB(fmtDate(birth(r), uk ? 'eu' : 'us'))}\nAddress: ${AD(addr1(r, uk ? 'UK' : 'US'))}\n`;
  b.x`Contact: ${PH(phone(r, uk ? 'UK' : 'US'))} / ${EM(emailOf(r, p))}\n`;
  if (!uk) b.x`SSN (for 1099 reporting): ${SS(ssn(r))}\n`;
  b.x`\nIncident date: ${fmtDate(recent(r), uk ? 'uk' : 'long')} at approx. ${hhmm(r)}\nLocation: junction of ${r.pick(['Victoria Road and Mill Lane', 'Oak Ave and 5th Street', 'the A64 slip road', 'Lincoln Blvd near the Jefferson exit'])}\n`;
  b.x`Vehicle: ${r.pick(['2019 Ford Focus', '2021 Tesla Model 3', '2017 Volkswagen Golf', '2020 Toyota Corolla'])}, reg ${r.str(UPPER, 2)}${r.digits(2)} ${r.str(UPPER, 3)}\n`;
  b.x`Description: Insured states the third party (${P(other.full)}, tel ${PH(phone(r, uk ? 'UK' : 'US'))}) reversed into the driver-side door. Estimate from body shop: ${money(r, uk ? '£' : '$')}.\n`;
  b.x`Settlement to: ${uk ? IB(iban(r, 'GB')) : CC(card(r, 'visa'))}`;
});

T('kyc_form', 5, false, (r, b) => {
  const cc = r.pick(['NL', 'FR', 'ES', 'IT', 'DE', 'PL']);
  const p = person(r);
  b.x`KYC REVIEW — case KYC-${r.digits(6)} (${r.pick(['approved', 'pending docs', 'escalated to EDD'])})\n`;
  b.x`Customer: ${P(p.full)}\nDate of birth: ${DB(fmtDate(birth(r), r.pick(['iso', 'dot', 'eu'])))}\nNationality: ${{ NL: 'Dutch', FR: 'French', ES: 'Spanish', IT: 'Italian', DE: 'German', PL: 'Polish' }[cc]}\n`;
  b.x`Residential address: ${AD(addr1(r, cc))}\nEmail: ${EM(emailOf(r, p))}   Mobile: ${PH(phone(r, cc))}\n`;
  b.x`Funding account: ${IB(iban(r, cc))}\nSource of funds: ${r.pick(['salary', 'sale of property', 'inheritance', 'business income'])}; expected monthly volume €${r.int(1, 40)},000\n`;
  b.x`Onboarding IP: ${IPA(ip(r))} (geo matches declared country)\nPEP/sanctions screening: no match (list version ${fmtDate(recent(r), 'iso')})\nReviewer: ${P(person(r, { noMiddle: true }).full)}`;
});

T('freelancer_invoice', 5, false, (r, b) => {
  const cc = r.pick(['DE', 'NL', 'FR', 'UK', 'ES']);
  const p = person(r, { noMiddle: true });
  const client = person(r, { noMiddle: true });
  const ibCc = cc === 'UK' ? 'GB' : cc;
  const n = r.int(1, 4);
  b.x`INVOICE ${r.pick(['INV', 'RE', 'FAC'])}-${r.int(2024, 2025)}-${pad(r.int(1, 140), 4)}\nIssue date: ${fmtDate(recent(r), 'iso')}   Due: net 30\n\n`;
  b.x`From:\n${P(p.full)}\n${AD(addrBlock(r, cc))}\n${EM(emailOf(r, p, r.pick(FREE_MAIL)))}\nVAT ID: ${ibCc}${r.digits(9)}\n\n`;
  b.x`Bill to: ${r.pick(ORGS)}, attn. ${P(client.full)} (Accounts Payable)\n\n`;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const h = r.int(4, 60);
    const rate = r.pick([65, 80, 95, 120]);
    total += h * rate;
    b.x`${i + 1}. ${r.pick(['UX research sprint', 'Backend API development', 'Copywriting — product pages', 'Data pipeline maintenance', 'Translation DE>EN'])}  ${h} h x €${rate} = €${(h * rate).toLocaleString('en-US')}.00\n`;
  }
  b.x`\nTotal due: €${total.toLocaleString('en-US')}.00 (reverse charge)\nPlease pay to IBAN ${IB(iban(r, ibCc))}, BIC ${r.str(UPPER, 6)}${r.str(UPPER + DIGITS, 2)}, quoting the invoice number.`;
});

T('meeting_minutes', 6, false, (r, b) => {
  const ppl = [0, 1, 2, 3, 4].map(() => person(r, { noMiddle: true }));
  const room = r.pick(['Turing', 'Lovelace', 'Hopper', 'Curie', 'Tesla']);
  b.x`Minutes — ${r.pick(['Q3 Planning', 'Vendor Review', 'Incident Retro', 'Launch Readiness'])} — ${fmtDate(recent(r), 'long')}, room ${room}\n`;
  b.x`Attendees: ${P(ppl[0].full)} (chair), ${P(ppl[1].full)}, ${P(ppl[2].full)}, ${P(ppl[3].full)}\nApologies: ${P(ppl[4].full)}\n\n`;
  b.x`1. Hardware refresh: quote from Dell for ${r.int(20, 200)} Latitude laptops came in ${r.int(3, 12)}% under the HP bid. ${P(ppl[1].given)} to confirm warranty terms.\n`;
  b.x`2. Budget: FY spend at ${r.int(60, 98)}% of plan. ${P(ppl[2].given)} flagged the Morgan Stanley audit fee as a one-off.\n`;
  b.x`3. AOB: ${P(ppl[3].given)} reminded everyone that the ${r.pick(['Lincoln', 'Washington', 'Hamilton', 'Wellington'])} office closes for refurbishment on ${fmtDate(recent(r), 'uk')}.\n\n`;
  b.x`Actions:\n- ${P(ppl[1].given)}: Dell warranty follow-up (due ${fmtDate(recent(r), 'short')})\n- ${P(ppl[0].given)}: circulate revised budget\n`;
  b.x`Next meeting: same time, room ${room === 'Turing' ? 'Hopper' : 'Turing'}.`;
});

T('slack_thread', 6, false, (r, b) => {
  const a = person(r, { noMiddle: true });
  const c = person(r, { noMiddle: true });
  let m = r.int(540, 640);
  const t = () => {
    m += r.int(1, 25);
    return `${Math.floor(m / 60) > 12 ? Math.floor(m / 60) - 12 : Math.floor(m / 60)}:${pad(m % 60)} ${m >= 720 ? 'PM' : 'AM'}`;
  };
  const leak = r.pick([
    () => ['the Slack bot token', KEY(apiKey(r, 'slack'))],
    () => ['the Stripe restricted key', KEY(apiKey(r, 'stripeRk'))],
    () => ['my GitHub PAT', KEY(apiKey(r, 'githubPat'))],
    () => ['the HF token', KEY(apiKey(r, 'hf'))],
    () => ['the AWS key id', AWS(awsKeyId(r))],
  ])();
  b.x`#${r.pick(['eng-backend', 'ops', 'data-platform', 'release-train'])}\n\n`;
  b.x`${P(a.full)}  ${t()}\nhey @${P(c.given)} quick one — I think I pasted ${leak[0]} in the wrong channel earlier: ${leak[1]}\ncan you rotate it? 🙏\n\n`;
  b.x`${P(c.full)}  ${t()}\non it. revoked + reissued, new one is in Vault under ${r.pick(['kv/prod/bots', 'secret/data/ci', 'kv/team/ml'])}. @${P(a.given)} please delete the message too\n\n`;
  b.x`${P(a.full)}  ${t()}\ndone. also fyi the bastion moved to ${IPA(ip(r))}, old host is decommissioned after build ${r.int(4000, 9000)}`;
});

T('code_review', 5, false, (r, b) => {
  const rev = person(r, { noMiddle: true });
  const handle = `${slug(rev.given)}${r.pick(['-dev', '', r.digits(2)])}`;
  const [file, decl, keyV] = r.pick([
    () => ['src/payments/client.ts', 'const stripe = new Stripe(', KEY(apiKey(r, 'stripe'))],
    () => ['app/services/summarizer.py', 'client = anthropic.Anthropic(api_key=', KEY(apiKey(r, 'anthropic'))],
    () => ['internal/llm/provider.go', 'cfg := openai.DefaultConfig(', KEY(apiKey(r, 'openai'))],
    () => ['lib/geo/lookup.rb', 'GEOCODER = Google::Maps.new(key: ', KEY(apiKey(r, 'google'))],
  ])();
  b.x`Review by ${N('USERNAME', `@${handle}`)} on PR #${r.int(100, 4000)} (${sha(r, 7)})\n\n${file}, line ${r.int(10, 300)}:\n`;
  b.x`+    ${decl}"${keyV}")\n\n`;
  b.x`> 🔴 Blocking: this is a live credential committed to the repo. Please load it from the environment (\`process.env\` / \`os.environ\`) and rotate the key — it's in the git history now.\n\n`;
  const cust = person(r, { noMiddle: true });
  b.x`${file.replace(/\.\w+$/, '_test')}${file.slice(file.lastIndexOf('.'))}, line ${r.int(5, 80)}:\n+    fixture = {"email": "${EM(emailOf(r, cust))}", "name": "${P(cust.full)}"}\n\n`;
  b.x`> 🟡 Nit: test fixtures should use synthetic data, this looks like a real customer record. Otherwise LGTM once the key is gone. — ${P(rev.given)}`;
});

T('yaml_config', 5, false, (r, b) => {
  const q = r.pick(['"', "'", '']);
  const c = person(r, { noMiddle: true });
  b.x`# application-prod.yml\nserver:\n  port: ${r.pick([8080, 8443])}\nspring:\n  datasource:\n`;
  b.x`    url: jdbc:${r.pick(['mysql', 'postgresql'])}://${IPA(ipv4(r))}:${r.pick([3306, 5432])}/${r.pick(['crm', 'billing', 'inventory'])}?ssl=true\n`;
  b.x`    username: ${r.pick(['crm_app', 'billing_rw', 'svc_inventory'])}\n    password: ${q}${PW(password(r))}${q}\n    hikari:\n      maximum-pool-size: ${r.int(5, 40)}\n`;
  b.x`  mail:\n    host: smtp.sendgrid.net\n    port: 587\n    username: apikey\n    password: ${KEY(apiKey(r, 'sendgrid'))}\n`;
  b.x`app:\n  jwt:\n    secret: ${q}${KEY(r.str(B64, 44))}${q}\n    ttl-minutes: ${r.pick([15, 30, 60])}\n`;
  b.x`  ops-contact: ${EM(emailOf(r, c, r.pick(CORP_DOMAINS)))}\n  version: ${r.int(1, 5)}.${r.int(0, 20)}.${r.int(0, 9)}\n  build-sha: ${sha(r, 12)}`;
});

T('json_config', 5, false, (r, b) => {
  b.x`{\n  "service": "${r.pick(['notifier', 'ingest-worker', 'search-api'])}",\n  "version": "${r.int(1, 4)}.${r.int(0, 30)}.${r.int(0, 9)}",\n`;
  b.x`  "github": { "owner": "halcyon", "token": "${KEY(apiKey(r, r.pick(['github', 'githubPat'])))}" },\n`;
  b.x`  "slack": { "botToken": "${KEY(apiKey(r, 'slack'))}", "channel": "C0${r.str(UPPER + DIGITS, 9)}" },\n`;
  if (r.chance(0.6)) b.x`  "maps": { "apiKey": "${KEY(apiKey(r, 'google'))}" },\n`;
  b.x`  "db": { "host": "${IPA(ipv4(r))}", "port": 5432, "user": "notifier", "password": "${PW(password(r))}" },\n`;
  b.x`  "retry": { "max": ${r.int(3, 8)}, "backoffMs": ${r.pick([250, 500, 1000])} },\n  "requestId": "${uuid(r)}"\n}`;
});

T('toml_config', 4, false, (r, b) => {
  const c = person(r, { noMiddle: true });
  b.x`# config.toml\n[server]\nport = ${r.pick([8000, 9090])}\nworkers = ${r.int(2, 16)}\n\n[database]\n`;
  b.x`url = "mysql://${r.pick(['reporting', 'etl'])}:${PW(password(r, true))}@${r.chance(0.5) ? IPA(ipv4(r)) : 'mysql.internal'}:3306/warehouse"\npool_size = ${r.int(4, 20)}\n\n`;
  b.x`[huggingface]\ntoken = "${KEY(apiKey(r, 'hf'))}"\nmodel = "${r.pick(['mistral-7b-instruct', 'bge-small-en', 'whisper-small'])}"\n\n`;
  b.x`[[alerts]]\nname = "${c.given.toLowerCase()}-oncall"\nemail = "${EM(emailOf(r, c, r.pick(CORP_DOMAINS)))}"\nphone = "${PH(phone(r, r.pick(['US', 'UK', 'DE', 'IN'])))}"`;
});

T('docker_compose', 5, false, (r, b) => {
  const pw = password(r, true);
  b.x`version: "3.9"\nservices:\n  db:\n    image: postgres:16.${r.int(0, 4)}\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ${PW(pw)}\n    ports:\n      - "5432:5432"\n`;
  b.x`  api:\n    image: registry.gitlab.com/halcyon/api:${sha(r, 8)}\n    environment:\n      - DATABASE_URL=postgresql://app:${PW(pw)}@db:5432/app\n`;
  b.x`      - GITLAB_TOKEN=${KEY(apiKey(r, 'gitlab'))}\n      - NPM_TOKEN=${KEY(apiKey(r, 'npm'))}\n`;
  if (r.chance(0.5))
    b.x`      - AWS_ACCESS_KEY_ID=${AWS(awsKeyId(r))}\n      - AWS_SECRET_ACCESS_KEY=${AWS(awsSecret(r))}\n`;
  b.x`    depends_on: [db, cache]\n  cache:\n    image: redis:7.2-alpine\n    command: redis-server --requirepass ${PW(password(r, true))}\n`;
});

T('shell_history', 5, false, (r, b) => {
  let n = r.int(300, 1900);
  const L = () => `${String(n++).padStart(5)}  `;
  b.x`$ history | tail -n 9\n${L()}cd ~/work/billing-service\n${L()}git pull --rebase origin main\n`;
  b.x`${L()}export AWS_ACCESS_KEY_ID=${AWS(awsKeyId(r))}\n${L()}export AWS_SECRET_ACCESS_KEY=${AWS(awsSecret(r))}\n${L()}aws s3 ls s3://halcyon-invoices-${r.int(2023, 2025)}/ --region eu-west-1\n`;
  const flag = r.pick(['q', 'eq', 'plain']);
  const pwv = PW(flag === 'plain' ? r.str(ALNUM, 12) : password(r));
  if (flag === 'q') b.x`${L()}mysql -h ${IPA(ipv4(r))} -u root -p'${pwv}' billing\n`;
  else if (flag === 'eq')
    b.x`${L()}psql "host=${IPA(ipv4(r))} user=billing password=${pwv} dbname=billing sslmode=require"\n`;
  else b.x`${L()}mysql -h ${IPA(ipv4(r))} -u root -p${pwv} billing\n`;
  b.x`${L()}curl -s -H "Authorization: token ${KEY(apiKey(r, 'github'))}" https://api.github.com/user | jq .login\n`;
  b.x`${L()}ssh deploy@${IPA(ipv4(r))} 'sudo systemctl restart billing'\n${L()}git log --oneline -3\n${L()}history | tail -n 9`;
});

const personNoApos = (r, o = {}) => {
  let p;
  do p = person(r, o);
  while (p.full.includes("'"));
  return p;
};
const isoTs = (r) =>
  `${r.int(2023, 2025)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}T${pad(r.int(0, 23))}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}.${r.digits(3)}Z`;

T('ci_log', 5, false, (r, b) => {
  const ts = isoTs(r).slice(0, 19);
  let s = r.int(0, 40);
  const L = () => `${ts}.${pad(s++, 3)}${r.digits(4)}Z `;
  b.x`${L()}##[group]Run ./scripts/release.sh\n${L()}env:\n${L()}  NPM_TOKEN: ***\n${L()}  NODE_VERSION: 20.${r.int(10, 18)}.${r.int(0, 3)}\n${L()}##[endgroup]\n`;
  b.x`${L()}+ set -x\n${L()}+ curl -fsS -u ci-bot:${PW(password(r))} https://nexus.internal.halcyon.dev/repository/npm-private/\n`;
  b.x`${L()}+ echo '//registry.npmjs.org/:_authToken=${KEY(apiKey(r, 'npm'))}'\n`;
  b.x`${L()}npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access\n`;
  b.x`${L()}npm notice package: @halcyon/sdk@${r.int(1, 6)}.${r.int(0, 20)}.${r.int(0, 9)}  shasum: ${sha(r)}\n`;
  b.x`${L()}Deploying to canary ${IPA(ipv4(r))} (job ${r.int(100000, 999999)}, attempt 2)\n`;
  b.x`${L()}##[error]Process completed with exit code ${r.pick([1, 22, 127])}.`;
});

T('stack_trace', 6, false, (r, b) => {
  const v = r.int(0, 2);
  if (v === 0) {
    const host = ipv4(r);
    const pw = password(r, true);
    b.x`Traceback (most recent call last):\n  File "/srv/etl/worker.py", line ${r.int(40, 300)}, in load_batch\n    conn = psycopg2.connect(settings.DSN)\n`;
    b.x`  File "/usr/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect\n    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)\n`;
    b.x`psycopg2.OperationalError: connection to server at "${IPA(host)}", port 5432 failed: FATAL:  password authentication failed for user "etl"\n\n`;
    b.x`[debug] settings.DSN = 'postgresql://etl:${PW(pw)}@${IPA(host)}:5432/warehouse'`;
  } else if (v === 1) {
    b.x`2024-${pad(r.int(1, 12))}-${pad(r.int(1, 28))} ${hhmm(r)}:${pad(r.int(0, 59))}.${r.digits(3)} ERROR [main] o.s.boot.SpringApplication - Application run failed\n`;
    b.x`com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n\tat com.zaxxer.hikari.pool.HikariPool.createPoolEntry(HikariPool.java:${r.int(400, 500)})\n\tat com.zaxxer.hikari.pool.HikariPool.<init>(HikariPool.java:115)\n`;
    b.x`Caused by: java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n`;
    b.x`Effective JDBC URL: jdbc:mysql://${IPA(ipv4(r))}:3306/orders?user=orders_rw&password=${PW(password(r, true))}&useSSL=true`;
  } else {
    const c = person(r);
    b.x`error: duplicate key value violates unique constraint "users_email_key"\n    at Parser.parseErrorMessage (/app/node_modules/pg-protocol/dist/parser.js:${r.int(200, 400)}:98)\n`;
    b.x`    at async UserRepo.create (/app/dist/repos/user.js:${r.int(20, 90)}:17) {\n  code: '23505',\n  detail: 'Key (email)=(${EM(emailOf(r, c))}) already exists.',\n`;
    b.x`  table: 'users',\n  constraint: 'users_email_key'\n}\nrequest_id=${uuid(r)} client_ip=${IPA(ip(r))} user_agent="okhttp/4.12.0"`;
  }
});

T('sql_dump', 5, false, (r, b) => {
  b.x`-- MySQL dump 10.13  Distrib 8.0.${r.int(30, 39)}, for Linux (x86_64)\n-- Host: localhost    Database: crm\n\nLOCK TABLES \`customers\` WRITE;\n`;
  b.x`INSERT INTO \`customers\` (\`id\`, \`full_name\`, \`email\`, \`phone\`, \`dob\`, \`ssn\`, \`created_at\`) VALUES\n`;
  const n = r.int(2, 4);
  for (let i = 0; i < n; i++) {
    const p = personNoApos(r);
    b.x`(${r.int(1000, 9999)}, '${P(p.full)}', '${EM(emailOf(r, p))}', '${PH(phone(r, 'US'))}', '${DB(fmtDate(birth(r), 'iso'))}', '${SS(ssn(r, '-'))}', '${fmtDate(recent(r), 'iso')} ${hhmm(r)}:00')${i === n - 1 ? ';' : ','}\n`;
  }
  b.x`UNLOCK TABLES;`;
});

T('csv_export', 5, false, (r, b) => {
  b.x`customer_id,first_name,last_name,email,phone,city,signup_date,plan,mrr_usd\n`;
  const n = r.int(3, 5);
  for (let i = 0; i < n; i++) {
    const p = person(r, { noMiddle: true });
    const cc = r.pick(['US', 'UK', 'CA', 'AU', 'IN']);
    b.x`C${r.digits(6)},${P(p.given)},${P(p.surname)},${EM(emailOf(r, p))},${PH(phone(r, cc))},${r.pick(['Austin', 'Leeds', 'Toronto', 'Perth', 'Pune', 'Denver'])},${fmtDate(recent(r), 'iso')},${r.pick(['starter', 'pro', 'enterprise'])},${r.int(0, 900)}.00\n`;
  }
});

T('email_signature', 5, false, (r, b) => {
  const cc = r.pick(['US', 'UK', 'DE', 'NL', 'AU', 'CA']);
  const p = person(r);
  const org = r.pick(ORGS);
  b.x`${r.pick(["Thanks for your patience on this — I'll send the revised SOW by Thursday.", 'Happy to jump on a call next week to go through the renewal.', 'Please find the signed NDA attached.'])}\n\n${r.pick(['Best regards,', 'Kind regards,', 'Cheers,'])}\n\n`;
  b.x`${P(p.full)}\n${r.pick(['Senior Account Manager', 'Head of Procurement', 'Director, Partnerships', 'Customer Success Lead'])} | ${org}\n`;
  b.x`M: ${PH(phone(r, cc))}`;
  if (r.chance(0.6)) b.x` | D: ${PH(phone(r, cc))}`;
  b.x`\nE: ${EM(emailOf(r, p, r.pick(CORP_DOMAINS)))}\n${AD(addr1(r, cc))}\n\n`;
  b.x`This e-mail and any attachments are confidential and intended solely for the addressee. ${org} is registered in ${r.pick(['England and Wales (No. 0' + r.digits(7) + ')', 'Delaware', 'Amsterdam (KvK ' + r.digits(8) + ')'])}.`;
});

T('fr_support', 5, false, (r, b) => {
  const p = person(r);
  const fem = r.chance(0.5);
  b.x`Objet : Impossible de me connecter à mon espace client\n\nBonjour,\n\nJe m'appelle ${P(p.full)}, ${fem ? 'cliente' : 'client'} depuis ${r.int(2012, 2022)} (n° client ${r.digits(3)}-${r.digits(3)}). `;
  b.x`Depuis la mise à jour du ${fmtDate(recent(r), 'fr')}, je n'arrive plus à me connecter. Mon adresse e-mail est ${EM(emailOf(r, p, r.pick(['orange.fr', 'free.fr', 'laposte.net', 'gmail.com'])))} et mon portable le ${PH(phone(r, 'FR'))}.\n`;
  b.x`Pour vérifier mon identité : je suis ${fem ? 'née' : 'né'} le ${DB(fmtDate(birth(r), r.pick(['fr', 'eu'])))} et j'habite au ${AD(addr1(r, 'FR'))}.\n\n`;
  b.x`Pouvez-vous également mettre à jour mon RIB pour les prélèvements ? IBAN : ${IB(iban(r, 'FR'))}\n\nCordialement,\n${P(p.full)}`;
});

T('es_intake', 5, false, (r, b) => {
  const p = person(r);
  const doc = person(r, { noMiddle: true });
  b.x`FORMULARIO DE ADMISIÓN — Clínica San Rafael\n\nNombre completo: ${P(p.full)}\nFecha de nacimiento: ${DB(fmtDate(birth(r), r.pick(['es', 'eu'])))}\n`;
  b.x`N.º de historia clínica: ${MR(mrn(r))}\nDomicilio: ${AD(addr1(r, 'ES'))}\nTeléfono: ${PH(phone(r, 'ES'))}\nCorreo electrónico: ${EM(emailOf(r, p))}\n`;
  b.x`Alergias: ${r.pick(['penicilina', 'ninguna conocida', 'frutos secos', 'látex'])}\nMotivo de consulta: ${r.pick(['dolor lumbar de 2 semanas', 'revisión anual', 'cefalea recurrente', 'control de hipertensión'])}\n`;
  b.x`Médico de cabecera: Dra. ${P(doc.full)}\nFecha de la cita: ${fmtDate(recent(r), 'es')}, ${hhmm(r)} h`;
});

T('pt_br_order', 5, false, (r, b) => {
  const p = person(r);
  b.x`Olá, ${P(p.given)}!\n\nRecebemos o seu pedido nº ${r.digits(9)} em ${fmtDate(recent(r), 'pt')}. Confira os dados de entrega:\n\n`;
  b.x`Destinatário: ${P(p.full)}\n${AD(addrBlock(r, 'BR'))}\nCelular: ${PH(phone(r, 'BR'))}\nE-mail: ${EM(emailOf(r, p, r.pick(['uol.com.br', 'gmail.com', 'bol.com.br', 'terra.com.br'])))}\n\n`;
  if (r.chance(0.6))
    b.x`Para compras acima de R$ 1.000 pedimos confirmação: data de nascimento informada ${DB(fmtDate(birth(r), 'eu'))}.\n`;
  b.x`Forma de pagamento: cartão final ${r.digits(4)}, ${r.int(2, 10)}x sem juros de R$ ${r.int(30, 400)},${pad(r.int(0, 99))}\nPrazo de entrega: ${r.int(3, 12)} dias úteis.\n\nEquipe Loja Jacarandá`;
});

T('it_hr', 5, false, (r, b) => {
  const p = person(r);
  const hr = person(r, { noMiddle: true });
  b.x`Oggetto: Assunzione — pratica n. ${r.int(2024, 2025)}/${r.digits(4)}\n\nGentile ${P(hr.full)},\n\nle invio i dati del nuovo collaboratore per l'inserimento in anagrafica:\n\n`;
  b.x`- ${P(p.full)}, nato a ${r.pick(['Torino', 'Bari', 'Verona', 'Palermo'])} il ${DB(fmtDate(birth(r), r.pick(['it', 'eu'])))}\n- residente in ${AD(addr1(r, 'IT'))}\n`;
  b.x`- cellulare ${PH(phone(r, 'IT'))}, e-mail ${EM(emailOf(r, p, r.pick(['libero.it', 'gmail.com', 'tiscali.it'])))}\n- IBAN per l'accredito dello stipendio: ${IB(iban(r, 'IT'))}\n\n`;
  b.x`Data di inizio: ${fmtDate(recent(r), 'it')}, livello ${r.pick(['D1', 'C2', 'B3'])} CCNL Commercio.\n\nCordiali saluti,\n${P(person(r, { noMiddle: true }).full)}\nUfficio Personale`;
});

T('nl_signup', 5, false, (r, b) => {
  const p = person(r);
  const agent = person(r, { noMiddle: true });
  b.x`Beste ${P(p.given)},\n\nBedankt voor je aanmelding bij SportCity Utrecht. Controleer je gegevens:\n\n`;
  b.x`Naam: ${P(p.full)}\nGeboortedatum: ${DB(fmtDate(birth(r), r.pick(['nl', 'dash'])))}\nAdres: ${AD(addr1(r, 'NL'))}\nTelefoon: ${PH(phone(r, 'NL'))}\n`;
  b.x`IBAN (automatische incasso): ${IB(iban(r, 'NL'))}\nLidnummer: ${r.digits(7)}, ingangsdatum ${fmtDate(recent(r), 'nl')}\n\n`;
  b.x`Klopt er iets niet? Mail naar ${EM('leden@sportcity.nl')}.\n\nMet vriendelijke groet,\n${P(agent.full)}\nLedenadministratie`;
});

T('pl_complaint', 4, false, (r, b) => {
  const p = person(r);
  b.x`ZGŁOSZENIE REKLAMACYJNE nr RK/${r.digits(5)}/${r.int(2024, 2025)}\n\nImię i nazwisko: ${P(p.full)}\nData urodzenia: ${DB(fmtDate(birth(r), 'dot'))}\n`;
  b.x`Adres: ${AD(addr1(r, 'PL'))}\nTelefon: ${PH(phone(r, 'PL'))}\nE-mail: ${EM(emailOf(r, p, r.pick(['wp.pl', 'onet.pl', 'interia.pl', 'gmail.com'])))}\n`;
  b.x`Numer rachunku do zwrotu: ${IB(iban(r, 'PL'))}\n\nOpis: Pralka model WX-${r.int(100, 999)} zakupiona ${fmtDate(recent(r), 'dot')} przestała odprowadzać wodę po ${r.int(2, 9)} tygodniach. Proszę o zwrot ${r.int(900, 3200)},00 zł.`;
});

T('nordic_message', 6, false, (r, b) => {
  const cc = r.pick(['SE', 'NO', 'DK', 'FI']);
  const p = person(r, { noMiddle: true });
  const ib = { SE: 'SE', NO: 'NO', DK: 'DK', FI: 'FI' }[cc];
  const dob = DB(fmtDate(birth(r), cc === 'SE' ? 'iso' : 'dot'));
  if (cc === 'SE')
    b.x`Hej!\n\nJag heter ${P(p.full)} och flyttade nyss till ${AD(addr1(r, 'SE'))}. Kan ni uppdatera min adress? Jag är född ${dob}. Mitt nummer är ${PH(phone(r, 'SE'))}.\nÅterbetalning till konto ${IB(iban(r, ib))}.\n\nMvh ${P(p.given)}`;
  else if (cc === 'NO')
    b.x`Hei,\n\njeg heter ${P(p.full)}, født ${dob}, og bor i ${AD(addr1(r, 'NO'))}. Jeg ble trukket to ganger for ordre ${r.digits(8)}. Ring meg gjerne på ${PH(phone(r, 'NO'))}.\nKontonummer for refusjon: ${IB(iban(r, ib))}\n\nHilsen ${P(p.given)}`;
  else if (cc === 'DK')
    b.x`Hej,\n\nmit navn er ${P(p.full)} (født den ${dob}). Min nye adresse er ${AD(addr1(r, 'DK'))}, og mit mobilnummer er ${PH(phone(r, 'DK'))}.\nIBAN: ${IB(iban(r, ib))}\n\nVenlig hilsen\n${P(p.full)}`;
  else
    b.x`Hei,\n\nnimeni on ${P(p.full)}, syntynyt ${dob}. Osoitteeni on ${AD(addr1(r, 'FI'))} ja puhelinnumeroni ${PH(phone(r, 'FI'))}.\nTilinumero: ${IB(iban(r, ib))}\n\nTerveisin ${P(p.given)}`;
});

// ---- negatives: near-misses without any labelled value
function ean13(r) {
  for (;;) {
    const base = r.pick(['400', '501', '871', '590', '760', '890']) + r.digits(9);
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(base[i]) * (i % 2 ? 3 : 1);
    const code = base + ((10 - (sum % 10)) % 10);
    if (!luhnOk(code)) return code; // never a valid card number
  }
}

T('neg_order_status', 5, true, (r, b) => {
  b.x`Hi there,\n\nThanks for getting in touch about order ${orderNo(r)}. It left our ${r.pick(['Leicester', 'Memphis', 'Venlo', 'Reno'])} warehouse on ${fmtDate(recent(r), 'long')} and is now with the carrier.\n\n`;
  b.x`Tracking: ${r.pick([`1Z${r.str(UPPER + DIGITS, 16)}`, `${r.digits(12)}`, `JJD${r.digits(17)}`])}\nParcels: ${r.int(1, 3)} of ${r.int(3, 4)} (weight ${(r.next() * 12).toFixed(2)} kg)\nReturn window closes: ${fmtDate(recent(r), 'long')}\n\n`;
  b.x`If the status hasn't changed in 48 hours, reply to this thread quoting ticket ${ticketNo(r)} and we'll open a trace with the courier.\n\nThe Coppergate Retail team`;
});

T('neg_product_catalog', 5, true, (r, b) => {
  const items = r.sample(
    [
      `Dell Latitude 7450, 16 GB / 512 GB, SKU DL-7450-${r.digits(4)}`,
      `Ford F-150 cabin air filter, part FL-${r.digits(4)}-B`,
      `Johnson & Johnson Band-Aid assorted, 40 ct`,
      `Philips Sonicare brush heads (4-pack)`,
      `Dyson V15 Detect replacement battery`,
      `Levi's 501 Original, W32 L34`,
      `Cadbury Dairy Milk 200 g`,
      `Bosch GSR 18V-55 drill driver`,
      `Heineken 0.0 (24 x 330 ml)`,
      `Tesla Wall Connector Gen 3`,
      `Hewlett-Packard 305XL ink cartridge`,
    ],
    4,
  );
  b.x`SKU export — ${r.pick(['spring', 'back-to-school', 'holiday'])} catalogue (generated ${fmtDate(recent(r), 'iso')})\n\n`;
  for (const it of items)
    b.x`• ${it} — EAN ${ean13(r)} — ${money(r, r.pick(['$', '€', '£']))} — stock ${r.int(0, 900)}\n`;
  b.x`\nPrices exclude VAT. Bulk tier: ${r.int(5, 15)}% off above ${r.int(20, 100)} units.`;
});

T('neg_medical_guideline', 5, true, (r, b) => {
  b.x`Clinical guideline excerpt (rev. ${fmtDate(recent(r), 'iso')}) — ${r.pick(['Hodgkin lymphoma staging', "Parkinson's disease: initial therapy", "Crohn's disease maintenance", "Graves' disease management", "Alzheimer's disease: cognitive screening"])}\n\n`;
  b.x`1. Confirm diagnosis per ICD-10 ${r.pick(['C81.90', 'G20', 'K50.90', 'E05.00', 'G30.9'])}; document ECOG/Hoehn and Yahr stage.\n`;
  b.x`2. First-line: ${r.pick(['levodopa/carbidopa 100/25 mg TID', 'ABVD x 4 cycles', 'azathioprine 2-2.5 mg/kg/day', 'methimazole 10-30 mg daily', 'donepezil 5 mg nightly'])}; reassess in ${r.int(4, 12)} weeks.\n`;
  b.x`3. Screen with the Mini-Mental State Examination (cut-off 24/30) or the Glasgow Coma Scale where relevant; consider Cushing's or Addison's disease in the differential.\n`;
  b.x`4. Billing: CPT ${r.int(99202, 99215)}, modifier 25 if a separate E/M service is performed. Lot numbers and batch IDs go in field 12B.`;
});

T('neg_algorithms', 5, true, (r, b) => {
  b.x`Design doc: ${r.pick(['route planner v2', 'anomaly detection for payments', 'fuzzy customer dedupe', 'sensor fusion'])}\n\n`;
  b.x`We replace the greedy search with Dijkstra's algorithm (A* with a haversine heuristic for long routes). Noise is smoothed with a Kalman filter; `;
  b.x`spectral features come from a fast Fourier transform over ${r.pick([256, 512, 1024])}-sample windows. For dedupe we use Levenshtein distance <= ${r.int(1, 3)} plus Jaro-Winkler > 0.${r.int(88, 96)}, `;
  b.x`and score anomalies with a Gaussian mixture (k=${r.int(3, 9)}) updated by Bayesian inference. Hash partitioning follows the Fowler-Noll-Vo (FNV-1a) scheme.\n\n`;
  b.x`Benchmarks (p95): ${r.int(8, 90)} ms on ${r.int(1, 9)}M rows, build ${sha(r, 10)}, ticket ARCH-${r.int(100, 999)}.`;
});

T('neg_masked_log', 5, true, (r, b) => {
  b.x`${isoTs(r)} INFO  auth: token refresh ok (key=sk-****${r.str(ALNUM, 4)}, scopes=read,write)\n`;
  b.x`${isoTs(r)} INFO  billing: charged card ending ${r.digits(4)} amount=${money(r)} currency=USD\n`;
  b.x`${isoTs(r)} WARN  db: connect postgres://app:*****@db-primary:5432/app (attempt 2/5)\n`;
  b.x`${isoTs(r)} INFO  user: profile updated user_id=${uuid(r)} fields=[email,phone] values=[REDACTED]\n`;
  b.x`${isoTs(r)} DEBUG aws: using credentials from instance profile (AccessKeyId=AKIA************)\n`;
  b.x`${isoTs(r)} INFO  http: GET /v1/orders/${r.digits(8)} 200 ${r.int(3, 400)}ms trace=${r.str(HEX, 32)}`;
});

T('neg_k8s_manifest', 5, true, (r, b) => {
  const app = r.pick(['orders-api', 'search', 'notifier', 'ledger']);
  b.x`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  labels: { app: ${app}, version: "${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}" }\nspec:\n  replicas: ${r.int(2, 8)}\n  template:\n    spec:\n      containers:\n`;
  b.x`        - name: ${app}\n          image: ghcr.io/halcyon/${app}@sha256:${sha(r, 64)}\n          resources: { limits: { cpu: "${r.int(1, 4)}", memory: ${r.pick([512, 1024, 2048])}Mi } }\n          env:\n`;
  b.x`            - name: DB_PASSWORD\n              valueFrom: { secretKeyRef: { name: ${app}-db, key: password } }\n            - name: STRIPE_API_KEY\n              valueFrom: { secretKeyRef: { name: stripe, key: api-key } }\n`;
  b.x`            - name: LOG_LEVEL\n              value: info\n            - name: TZ\n              value: Europe/Amsterdam`;
});

T('neg_hashes', 5, true, (r, b) => {
  b.x`$ sha256sum dist/*\n${sha(r, 64)}  dist/app-linux-amd64\n${sha(r, 64)}  dist/app-darwin-arm64\n\n$ git log --oneline -4\n`;
  for (let i = 0; i < 4; i++)
    b.x`${sha(r, 7)} ${r.pick(['chore(deps): bump lodash to 4.17.21', 'fix: handle empty cart', 'feat: add CSV export', 'ci: cache pnpm store', 'refactor: split user service'])}\n`;
  b.x`\n"integrity": "sha512-${r.str(B64, 86)}=="\nrequest-id: ${uuid(r)}\ncorrelation: ${r.str(HEX, 16)}-${r.str(HEX, 16)}`;
});

T('neg_travel', 5, true, (r, b) => {
  const [dep, arr] = r.sample(
    [
      'John F. Kennedy International (JFK)',
      'Charles de Gaulle (CDG)',
      'Ronald Reagan Washington National (DCA)',
      'Indira Gandhi International (DEL)',
      'Leonardo da Vinci–Fiumicino (FCO)',
      'Jomo Kenyatta International (NBO)',
      'George Bush Intercontinental (IAH)',
      'Liverpool John Lennon (LPL)',
    ],
    2,
  );
  b.x`Booking reference ${r.str('ABCDEFGHJKLMNPQRSTUVWXYZ', 6)} — Traveller 1 of ${r.int(1, 4)}\n\n`;
  b.x`Outbound ${r.str(UPPER, 2)}${r.int(100, 9999)}: ${dep} → ${arr}\nDeparts ${fmtDate(recent(r), 'short')} ${hhmm(r)}, terminal ${r.int(1, 5)}, gate ${r.str('ABCDE', 1)}${r.int(1, 60)}, seat ${r.int(1, 40)}${r.str('ABCDEF', 1)}\n`;
  b.x`Fare: ${money(r)} incl. taxes (fare basis ${r.str(UPPER, 4)}${r.int(1, 9)}${r.str(UPPER, 2)})\nBaggage: 1 x 23 kg. Check-in opens 24 h before departure. Hotel: Marriott ${r.pick(['Marquis', 'Riverside', 'City Centre'])}, confirmation ${r.digits(8)}.`;
});

T('neg_support_macro', 5, true, (r, b) => {
  b.x`Macro: ${r.pick(['Refund approved', 'Address change', 'Password reset help', 'Shipping delay'])} (v${r.int(2, 9)}, last edited ${fmtDate(recent(r), 'iso')})\n\n`;
  b.x`Hi {{customer.first_name}},\n\nThanks for contacting us about order {{order.id}}. `;
  b.x`${r.pick(["We've issued a refund of {{refund.amount}} to the card ending in {{card.last4}}.", "We've updated the delivery address to <NEW_ADDRESS>.", 'Use the link below to choose a new password — we will never ask for your password by email.', 'Your parcel is delayed; the new estimate is {{eta}}.'])}\n`;
  b.x`If you need anything else, reply here or call us on <SUPPORT_PHONE>.\n\nBest,\n{{agent.name}}\n[Internal: set ticket priority P${r.int(2, 4)}, tag ${r.pick(['refund', 'addr', 'pwreset', 'delay'])}]`;
});

T('neg_analytics_report', 5, true, (r, b) => {
  b.x`Weekly growth report — week ${r.int(1, 52)}, ${r.int(2024, 2025)}\n\n`;
  for (const reg of r.sample(['Berlin', 'São Paulo', 'Toronto', 'Sydney', 'Mumbai', 'Lyon', 'Kraków', 'Osaka'], 4))
    b.x`${reg}: ${r.int(200, 9000).toLocaleString('en-US')} sign-ups (${r.pick(['+', '-'])}${(r.next() * 20).toFixed(1)}% WoW), conversion ${(r.next() * 9).toFixed(2)}%\n`;
  b.x`\nChurn: ${(r.next() * 5).toFixed(2)}% | ARPU: ${money(r)} | NPS: ${r.int(20, 70)}\nTop referrer: Morgan Stanley wealth newsletter (${r.int(100, 900)} clicks). Dashboard ID ${uuid(r)}.`;
});

T('neg_inventory_csv', 5, true, (r, b) => {
  b.x`sku,description,gtin,bin,lot,expiry,qty,unit_cost\n`;
  for (let i = 0; i < r.int(3, 5); i++)
    b.x`${r.str(UPPER, 3)}-${r.digits(5)},${r.pick(['Nitrile gloves L', 'Saline 0.9% 500ml', 'Gauze 10x10', 'Syringe 5ml', 'Thermal labels 4x6'])},${ean13(r)},${r.str('ABCDEF', 1)}-${pad(r.int(1, 40))}-${pad(r.int(1, 9))},L${r.digits(6)},${fmtDate(randDate(r, 2025, 2028), 'iso')},${r.int(0, 5000)},${r.int(0, 90)}.${pad(r.int(0, 99))}\n`;
});

T('neg_redacted_transcript', 5, true, (r, b) => {
  b.x`Call transcript ${ticketNo(r)} (auto-redacted ${fmtDate(recent(r), 'iso')})\n\n`;
  b.x`Agent: Thank you for calling, may I have your name?\nCaller: It's [NAME].\nAgent: And the last four of your social?\nCaller: ***-**-${r.digits(4)}.\n`;
  b.x`Agent: Thanks. Date of birth?\nCaller: [DOB REDACTED].\nAgent: I can see the card ending ${r.digits(4)} was declined at ${r.pick(['a Ford dealership', 'the Marriott', 'a Walgreens', "Sainsbury's"])} for ${money(r)}. `;
  b.x`I'll lift the block now. Anything else?\nCaller: No, that's all.\n[Call duration ${r.int(2, 14)}:${pad(r.int(0, 59))}]`;
});

T('neg_contract_clause', 5, true, (r, b) => {
  const [a, c] = r.sample(EPONYM_ORGS, 2);
  b.x`MASTER SERVICES AGREEMENT — Schedule ${r.int(2, 6)}\n\n${r.int(4, 9)}.${r.int(1, 9)} Fees. ${a} ("Customer") shall pay ${c} ("Supplier") the fees in Annex B within ${r.pick([30, 45, 60])} days of invoice. `;
  b.x`Late amounts accrue interest at ${r.int(2, 8)}% above the base rate.\n${r.int(4, 9)}.${r.int(1, 9)} Term. This Agreement commences on ${fmtDate(recent(r), 'uk')} (the "Effective Date") and continues for ${r.int(12, 48)} months.\n`;
  b.x`${r.int(10, 14)}.1 Governing law. This Agreement is governed by the laws of the State of ${r.pick(['Washington', 'Delaware', 'New York'])}; venue lies in ${r.pick(['King County', 'Wilmington', 'Manhattan'])}. Agreement No. MSA-${r.digits(6)}, PO ${r.digits(10)}.`;
});

T('neg_versions_useragents', 5, true, (r, b) => {
  b.x`Environment details for bug ${ticketNo(r)}:\n- OS: Windows 11 Pro 23H2, build 10.0.${r.int(22000, 22631)}.${r.int(1000, 4000)}\n`;
  b.x`- Browser: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 130)}.0.${r.int(6000, 6800)}.${r.int(50, 200)} Safari/537.36\n`;
  b.x`- App: ${r.int(3, 7)}.${r.int(0, 40)}.${r.int(0, 9)} (build ${r.int(1000, 9999)}), SDK ${r.int(1, 3)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(1000, 9999)}\n- Screen: 2560x1440 @ 1.5x, GPU driver 31.0.${r.int(15, 101)}.${r.int(1000, 5999)}\n`;
  b.x`- Coordinates in the bug report: ${(r.next() * 90).toFixed(4)}, ${(r.next() * 180 - 90).toFixed(4)}\n- ISBN of the manual: 978-${r.int(0, 9)}-${r.digits(3)}-${r.digits(5)}-${r.int(0, 9)}`;
});

T('neg_error_messages', 5, true, (r, b) => {
  b.x`Known error messages (support KB article KB-${r.digits(5)}):\n\n`;
  b.x`E${r.int(1000, 1999)} "401 Unauthorized: the API key provided is invalid or has been revoked" → ask the customer to generate a new key in Settings → API.\n`;
  b.x`E${r.int(2000, 2999)} "Password must be at least 12 characters and include a symbol" → expected; no action.\n`;
  b.x`E${r.int(3000, 3999)} "JWT expired at ${isoTs(r)}" → client clock skew; advise NTP sync.\n`;
  b.x`E${r.int(4000, 4999)} "IBAN checksum failed" → customer typo; never read the IBAN back over the phone.\n`;
  b.x`E${r.int(5000, 5999)} "Rate limit exceeded (${r.int(60, 600)} req/min)" → retry after the Retry-After header.`;
});

// ---- developer material with secrets
T('private_key_paste', 6, false, (r, b) => {
  const a = person(r, { noMiddle: true });
  const kind = r.pick(['RSA', 'OPENSSH', 'EC', 'PKCS8']);
  b.x`${P(a.given)}: the deploy job can't reach ${r.pick(['staging', 'the build box', 'prod-eu'])}, here's the key from my laptop, can you add it to the runner?\n\n\`\`\`\n${PK(pem(r, kind))}\n\`\`\`\n\n`;
  b.x`host is ${IPA(ipv4(r))}, user \`deploy\`, port ${r.pick([22, 2222])}. fingerprint SHA256:${r.str(B64, 43)}`;
});

T('service_account_json', 4, false, (r, b) => {
  const proj = `${r.pick(['analytics', 'billing', 'ml-serving', 'crm-sync'])}-${r.int(100000, 999999)}`;
  const svc = `${r.pick(['etl-runner', 'bq-export', 'sheets-sync'])}@${proj}.iam.gserviceaccount.com`;
  b.x`{\n  "type": "service_account",\n  "project_id": "${proj}",\n  "private_key_id": "${N('KEY_ID', r.str(HEX, 40))}",\n`;
  b.x`  "private_key": "${PK(pem(r, 'PKCS8', '\\n'))}\\n",\n  "client_email": "${EM(svc)}",\n  "client_id": "${r.digits(21)}",\n`;
  b.x`  "auth_uri": "https://accounts.google.com/o/oauth2/auth",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}`;
});

T('jwt_debug', 6, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  const tok = jwt(r, { email: emailOf(r, p), role: r.pick(['admin', 'member', 'viewer']) });
  const v = r.int(0, 2);
  if (v === 0)
    b.x`Can you tell me why this token is rejected by the gateway? It was issued a few minutes ago.\n\n${JW(tok)}\n\nThe error is \`invalid_token: signature verification failed\` and the kid header is missing.`;
  else if (v === 1)
    b.x`Set-Cookie: session=${JW(tok)}; Path=/; HttpOnly; Secure; SameSite=Lax\nSet-Cookie: theme=dark; Path=/\n\nwhy does the browser drop the session cookie on Safari? the token looks fine to me`;
  else
    b.x`$ curl -s https://api.halcyon.dev/v1/me -H 'Authorization: Bearer ${JW(tok)}'\n{"error":"token_expired","expired_at":"${isoTs(r)}"}`;
});

T('password_prose', 5, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  const pw1 = password(r);
  const pw2 = password(r);
  b.x`Support ticket ${ticketNo(r)} — from ${P(p.full)} <${EM(emailOf(r, p))}>\n\n`;
  b.x`${r.pick(['Hello', 'Hi team', 'Good morning'])}, I can't log in to the portal since ${r.pick(['Monday', 'the update', 'yesterday'])}. `;
  b.x`My password was ${PW(pw1)} and I reset it to ${PW(pw2)} this morning but it still says "invalid credentials". `;
  b.x`The 2FA code I received was ${r.digits(6)} if that helps. Username is ${N('USERNAME', `${slug(p.given)}.${slug(p.surname)}`)}.\n\nThanks,\n${P(p.given)}`;
});

T('connection_strings', 4, false, (r, b) => {
  b.x`# connection strings found in the legacy wiki page "Prod access (old)"\n\n`;
  const opts = r.shuffle([
    () =>
      b.x`mongodb+srv://${r.pick(['admin', 'reporting'])}:${PW(password(r, true))}@cluster0.${r.str(LOWNUM, 5)}.mongodb.net/${r.pick(['shop', 'events'])}?retryWrites=true&w=majority\n`,
    () => b.x`redis://default:${PW(password(r, true))}@${IPA(ipv4(r))}:6379/0\n`,
    () => b.x`amqp://${r.pick(['orders', 'worker'])}:${PW(password(r, true))}@${IPA(ipv4(r))}:5672/%2f\n`,
    () =>
      b.x`Server=tcp:${r.pick(['sql-prod-01', 'halcyon-sql'])}.database.windows.net,1433;Initial Catalog=crm;User ID=sa_crm;Password=${PW(password(r, true))};Encrypt=True;\n`,
    () =>
      b.x`postgresql://${r.pick(['ledger', 'app_ro'])}:${PW(password(r, true))}@${IPA(ipv4(r))}/ledger?sslmode=verify-full\n`,
  ]);
  opts.slice(0, r.int(2, 4)).forEach((f) => f());
  b.x`\n(these should all be rotated — owner unknown, last edit ${fmtDate(recent(r), 'iso')})`;
});

T('cli_flags', 4, false, (r, b) => {
  const opts = r.shuffle([
    () => b.x`docker login registry.halcyon.dev -u ci -p ${PW(password(r, true))}\n`,
    () => b.x`PGPASSWORD=${PW(password(r, true))} pg_dump -h ${IPA(ipv4(r))} -U backup ledger > ledger.sql\n`,
    () =>
      b.x`openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:${PW(password(r, true))}\n`,
    () => b.x`sshpass -p '${PW(password(r))}' ssh admin@${IPA(ipv4(r))}\n`,
    () =>
      b.x`./manage.py createsuperuser --username ops --email ${EM(emailOf(r, person(r), r.pick(CORP_DOMAINS)))} --password=${PW(password(r, true))}\n`,
    () => b.x`htpasswd -b /etc/nginx/.htpasswd grafana ${PW(password(r, true))}\n`,
  ]);
  b.x`# runbook: ${r.pick(['restore ledger DB', 'rotate registry creds', 'bootstrap monitoring'])} (copy-paste carefully)\n`;
  opts.slice(0, r.int(2, 4)).forEach((f) => f());
});

T('dotfiles_tokens', 4, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  b.x`$ cat ~/.npmrc\n@halcyon:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=${KEY(apiKey(r, 'github'))}\n//registry.npmjs.org/:_authToken=${KEY(apiKey(r, 'npm'))}\n\n`;
  b.x`$ cat ~/.netrc\nmachine github.com\n  login ${N('USERNAME', slug(p.given) + r.digits(2))}\n  password ${KEY(apiKey(r, 'githubPat'))}\n\n`;
  b.x`$ cat ~/.pypirc\n[pypi]\nusername = __token__\npassword = ${KEY(`pypi-AgEIcHlwaS5vcmc${r.str(B64URL, 60)}`)}`;
});

T('terraform_tfvars', 4, false, (r, b) => {
  b.x`# terraform.tfvars (${r.pick(['prod', 'staging'])}) — accidentally attached to ticket ${ticketNo(r)}\n`;
  b.x`region            = "${r.pick(['eu-central-1', 'us-west-2'])}"\ninstance_type     = "${r.pick(['t3.medium', 'm6i.large'])}"\n`;
  b.x`aws_access_key    = "${AWS(awsKeyId(r))}"\naws_secret_key    = "${AWS(awsSecret(r))}"\n`;
  b.x`db_master_password = "${PW(password(r))}"\ndatadog_api_key   = "${KEY(apiKey(r, 'hex32'))}"\n`;
  b.x`allowed_cidrs     = ["${IPA(ipv4(r))}/32", "${IPA(ipv4(r))}/32"]\ntags = { owner = "platform", cost_center = "CC-${r.digits(4)}" }`;
});

T('gitlab_ci', 3, false, (r, b) => {
  b.x`# .gitlab-ci.yml\nstages: [test, deploy]\nvariables:\n  DOCKER_DRIVER: overlay2\n  SONAR_TOKEN: "${KEY(r.str(HEX, 40))}"\n`;
  b.x`  SLACK_WEBHOOK_TOKEN: "${KEY(apiKey(r, 'slack'))}"\n\ndeploy:\n  stage: deploy\n  script:\n    - curl --header "PRIVATE-TOKEN: ${KEY(apiKey(r, 'gitlab'))}" "https://gitlab.com/api/v4/projects/${r.int(1000000, 9999999)}/releases"\n`;
  b.x`    - ./deploy.sh --env prod --version $CI_COMMIT_SHORT_SHA\n  only: [main]`;
});

T('jupyter_cell', 4, false, (r, b) => {
  b.x`In [${r.int(1, 9)}]:\nimport os\nfrom openai import OpenAI\nos.environ["OPENAI_API_KEY"] = "${KEY(apiKey(r, r.pick(['openai', 'openaiLegacy'])))}"\n`;
  if (r.chance(0.5)) b.x`os.environ["ANTHROPIC_API_KEY"] = "${KEY(apiKey(r, 'anthropic'))}"\n`;
  b.x`client = OpenAI()\ndf = pd.read_csv("s3://halcyon-ml/${r.pick(['churn', 'tickets', 'reviews'])}_${fmtDate(recent(r), 'iso')}.csv")\ndf.shape\n\nOut[${r.int(2, 9)}]:\n(${r.int(1000, 90000)}, ${r.int(5, 40)})`;
});

T('payment_dispute', 5, false, (r, b) => {
  const p = person(r);
  const cc = r.pick(['US', 'UK', 'CA']);
  b.x`Subject: Unauthorised charge — please help\n\nHello,\n\nThere is a charge of ${money(r, cc === 'UK' ? '£' : '$')} from "${r.pick(['APPLE.COM/BILL', 'AMZN Mktp', 'SQ *CAFE LUNA', 'PAYPAL *STEAM'])}" on ${fmtDate(recent(r), 'long')} that I did not make. `;
  b.x`Card number ${CC(card(r))}, expiry ${pad(r.int(1, 12))}/${r.int(26, 31)}, name on card ${P(p.full.toUpperCase())}.\n`;
  b.x`Billing address: ${AD(addr1(r, cc))}. Best number to reach me is ${PH(phone(r, cc))}.\n\nRegards,\n${P(p.full)}`;
});

T('nginx_access_log', 4, false, (r, b) => {
  const paths = [
    '/api/v1/login',
    '/checkout',
    '/static/app.3f9a1c.js',
    '/healthz',
    '/api/v1/orders?page=2',
    '/wp-login.php',
  ];
  for (let i = 0; i < r.int(4, 6); i++) {
    const addr = r.chance(0.7) ? ipv4(r) : ipv6(r);
    b.x`${IPA(addr)} - - [${r.int(1, 28)}/Oct/2024:${hhmm(r)}:${pad(r.int(0, 59))} +0000] "${r.pick(['GET', 'POST'])} ${r.pick(paths)} HTTP/1.1" ${r.pick([200, 200, 302, 401, 404, 499])} ${r.int(0, 90000)} "-" "${r.pick(['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.4.0', 'python-requests/2.31.0', 'Go-http-client/1.1'])}" rt=${r.next().toFixed(3)}\n`;
  }
});

T('network_inventory', 3, false, (r, b) => {
  b.x`hostname,role,mgmt_ip,ipv6,mac,firmware,rack\n`;
  for (let i = 0; i < r.int(3, 5); i++) {
    b.x`${r.pick(['core', 'edge', 'fw', 'tor'])}-${r.pick(['ams', 'fra', 'lhr'])}-${pad(r.int(1, 20))},${r.pick(['router', 'firewall', 'switch'])},${IPA(ipv4(r))},${IPA(ipv6(r))},`;
    b.x`${[0, 0, 0, 0, 0, 0].map(() => r.str(HEX, 2)).join(':')},${r.int(15, 22)}.${r.int(1, 4)}R${r.int(1, 9)}-S${r.int(1, 9)},R${r.int(1, 40)}U${r.int(1, 42)}\n`;
  }
});

// ---- health, finance, HR, logistics (second batch)
T('pharmacy_rx', 3, false, (r, b) => {
  const p = person(r);
  const doc = person(r, { noMiddle: true });
  b.x`PRESCRIPTION — Greenleaf Pharmacy #${r.int(100, 999)}\nRx #${r.digits(7)}   Filled: ${fmtDate(recent(r), 'us')}\n\n`;
  b.x`Patient: ${P(p.full)}   DOB: ${DB(fmtDate(birth(r), 'us'))}\nPatient ID: ${MR(mrn(r))}\nAddress: ${AD(addr1(r, 'US'))}\nPhone: ${PH(phone(r, 'US'))}\n\n`;
  b.x`${r.pick(['Amoxicillin 875 mg', 'Sertraline 50 mg', 'Albuterol HFA 90 mcg', 'Prednisone 10 mg'])} — qty ${r.int(10, 90)}, refills ${r.int(0, 5)}\nSig: ${r.pick(['1 tab PO BID x 10 days', '1 tab PO daily', '2 puffs q4-6h PRN wheeze', 'taper per schedule'])}\n`;
  b.x`Prescriber: ${P(doc.full)}, MD  DEA ${r.str(UPPER, 2)}${r.digits(7)}  NPI ${r.digits(10)}\nInsurance: BIN ${r.digits(6)} PCN ${r.str(UPPER, 4)} Group ${r.str(UPPER + DIGITS, 8)}`;
});

T('lab_results', 3, false, (r, b) => {
  const p = person(r);
  b.x`LABORATORY REPORT\nName: ${P(p.full)}   Sex: ${r.pick(['F', 'M'])}   Date of birth: ${DB(fmtDate(birth(r), r.pick(['iso', 'uk'])))}\nMedical record no.: ${MR(mrn(r))}   Accession: ${r.str(UPPER, 2)}${r.digits(8)}\n`;
  const col = recent(r);
  b.x`Collected: ${fmtDate(col, 'iso')} ${hhmm(r)}   Reported: ${fmtDate({ ...col, d: Math.min(28, col.d + r.int(0, 2)) }, 'iso')}\nOrdering provider: Dr. ${P(person(r, { noMiddle: true }).full)}\n\n`;
  b.x`TEST              RESULT    UNITS     REF RANGE\nHemoglobin        ${(11 + r.next() * 5).toFixed(1)}      g/dL      12.0-16.0\nWBC               ${(3 + r.next() * 9).toFixed(1)}       10^3/uL   4.0-11.0\n`;
  b.x`Glucose, fasting  ${r.int(70, 180)}       mg/dL     70-99\nTSH               ${(0.3 + r.next() * 5).toFixed(2)}      mIU/L     0.45-4.50\nHbA1c             ${(4.8 + r.next() * 4).toFixed(1)}       %         <5.7`;
});

T('referral_letter_uk', 3, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  const gp = person(r, { noMiddle: true });
  b.x`${r.pick(['Oakfield Surgery', 'Riverside Medical Centre', 'Harbour Lane Practice'])}\n${AD(addrBlock(r, 'UK'))}\nTel: ${PH(phone(r, 'UK'))}\n\n${fmtDate(recent(r), 'uk')}\n\n`;
  const dob = birth(r);
  b.x`Dear Colleague,\n\nRe: ${P(p.full)}, DOB ${DB(fmtDate(dob, 'eu'))}\n${AD(addrBlock(r, 'UK'))}\n\n`;
  b.x`Thank you for seeing this ${2024 - dob.y}-year-old ${r.pick(['teacher', 'retired engineer', 'nurse', 'lorry driver'])} with ${r.pick(['a 6-month history of exertional chest tightness', 'recurrent right-sided renal colic', 'a new pigmented lesion on the back', 'progressive dysphagia to solids'])}. `;
  b.x`${P(p.given)} has tried ${r.pick(['GTN spray', 'tamsulosin', 'no treatment', 'omeprazole 20 mg'])} with limited benefit. Hospital number if known: ${MR(mrn(r))}.\n\nYours sincerely,\n\nDr ${P(gp.full)}\nGeneral Practitioner`;
});

T('w9_tax', 3, false, (r, b) => {
  const p = person(r);
  const lines = addrLines(r, 'US').filter((l) => l !== 'USA');
  b.x`Form W-9 (Rev. March 2024) — Request for Taxpayer Identification Number and Certification\n\n`;
  b.x`1 Name (as shown on your income tax return): ${P(p.full)}\n2 Business name/disregarded entity name, if different: ${r.pick(['', `${p.surname} Consulting LLC`, '—'])}\n`;
  b.x`3 Federal tax classification: ${r.pick(['Individual/sole proprietor', 'Single-member LLC'])}\n5 Address (number, street, and apt. or suite no.): ${AD(lines.slice(0, -1).join(', '))}\n`;
  b.x`6 City, state, and ZIP code: ${AD(lines[lines.length - 1])}\n\nPart I Taxpayer Identification Number (TIN)\nSocial security number: ${SS(ssn(r, r.pick(['-', ' '])))}\n\n`;
  b.x`Signature of U.S. person: /s/ ${P(p.full)}   Date: ${fmtDate(recent(r), 'us')}`;
});

T('tenant_application_au', 3, false, (r, b) => {
  const p = person(r);
  const ref = person(r, { noMiddle: true });
  b.x`RENTAL APPLICATION — ${r.pick(['Ray White', 'LJ Hooker', 'Harcourts'])} ${r.pick(['Bondi', 'Fitzroy', 'Subiaco'])}\n\nApplicant: ${P(p.full)}\nDate of birth: ${DB(fmtDate(birth(r), 'eu'))}\n`;
  b.x`Mobile: ${PH(phone(r, 'AU'))}   Email: ${EM(emailOf(r, p))}\nCurrent address: ${AD(addr1(r, 'AU'))} (${r.int(1, 6)} yrs)\nPrevious address: ${AD(addr1(r, 'AU'))}\n`;
  b.x`Employer: ${r.pick(ORGS)}, ${r.pick(['nurse', 'software developer', 'barista', 'accountant'])}, $${r.int(900, 3200)}/wk\nReference: ${P(ref.full)} (previous property manager) ${PH(phone(r, 'AU'))}\n`;
  b.x`Property applied for: inspection ${fmtDate(recent(r), 'short')}, rent $${r.int(450, 1200)}/wk, bond 4 weeks.`;
});

T('wire_transfer_mt103', 3, false, (r, b) => {
  const [c1, c2] = r.sample(['DE', 'NL', 'FR', 'IT', 'ES', 'BE', 'AT'], 2);
  const cmap = { BE: 'NL', AT: 'DE' };
  const o = person(r, { noMiddle: true });
  const ben = person(r, { noMiddle: true });
  b.x`{1:F01${r.str(UPPER, 6)}AXXX${r.digits(10)}}{2:I103${r.str(UPPER, 6)}XXXXN}{4:\n:20:${r.str(UPPER + DIGITS, 12)}\n:23B:CRED\n:32A:${String(r.int(24, 25))}${pad(r.int(1, 12))}${pad(r.int(1, 28))}EUR${r.int(500, 90000)},00\n`;
  b.x`:50K:/${IB(iban(r, c1, false))}\n${P(o.full.toUpperCase())}\n${AD(
    addrLines(r, cmap[c1] ?? c1)
      .slice(0, 2)
      .join('\n')
      .toUpperCase(),
  )}\n`;
  b.x`:59:/${IB(iban(r, c2, false))}\n${P(ben.full.toUpperCase())}\n${AD(
    addrLines(r, cmap[c2] ?? c2)
      .slice(0, 2)
      .join('\n')
      .toUpperCase(),
  )}\n`;
  b.x`:70:INV ${r.int(2024, 2025)}-${r.digits(4)} CONSULTING\n:71A:SHA\n-}`;
});

T('appointment_sms', 3, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  const doc = person(r, { noMiddle: true });
  const cc = r.pick(['UK', 'US', 'AU', 'CA']);
  b.x`SMS to ${PH(phone(r, cc))}: Hi ${P(p.given)}, reminder of your appointment with Dr ${P(doc.surname)} on ${fmtDate(recent(r), 'short')} at ${hhmm(r)}. `;
  b.x`Reply Y to confirm or N to cancel. To rebook call ${PH(phone(r, cc))}. Ref ${r.str(UPPER, 3)}${r.digits(4)}. Msg&data rates may apply.`;
});

T('voicemail_transcript', 3, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  const col = person(r, { noMiddle: true });
  const cc = r.pick(['UK', 'US', 'IN']);
  b.x`Voicemail from ${PH(phone(r, cc))} (${r.int(0, 1)}:${pad(r.int(10, 59))}, auto-transcribed, confidence 0.${r.int(80, 97)}):\n\n`;
  b.x`"Hi, this is ${P(p.full)} from ${r.pick(ORGS)}, calling about invoice ${r.digits(5)} — it still shows as unpaid on our side. `;
  b.x`Could you call me back on ${PH(phone(r, cc))}? If I'm not around, ask for ${P(col.given)} in accounts, extension ${r.int(100, 499)}. `;
  b.x`Or email me, it's ${N('SPOKEN_EMAIL', `${slug(p.given)} dot ${slug(p.surname)} at ${r.pick(['gmail', 'outlook'])} dot com`)}. Thanks, bye."`;
});

T('travel_passenger', 3, false, (r, b) => {
  const p = person(r, { noMiddle: true });
  const d = birth(r);
  const mon = MONTHS_EN[d.m - 1].slice(0, 3).toUpperCase();
  b.x`PNR ${r.str('ABCDEFGHJKLMNPQRSTUVWXYZ', 6)}\n1.1${P(
    `${stripAccents(p.surname)
      .toUpperCase()
      .replace(/[^A-Z]/g, '')}/${stripAccents(p.given)
      .toUpperCase()
      .replace(/[^A-Z]/g, '')}`,
  )} ${r.pick(['MR', 'MS', 'MRS'])}\n`;
  b.x`  1 ${r.str(UPPER, 2)} ${r.int(100, 999)}Y ${pad(r.int(1, 28))}${r.pick(['JAN', 'MAR', 'JUN', 'SEP', 'NOV'])} ${r.pick(['LHRJFK', 'AMSNRT', 'FRAGRU', 'CDGYUL'])} HK1 ${pad(r.int(6, 22))}${pad(r.int(0, 59))}\n`;
  b.x`SSR DOCS YY HK1 P/${r.pick(['GBR', 'NLD', 'DEU', 'BRA'])}/*********/DOB ${DB(`${pad(d.d)}${mon}${String(d.y).slice(2)}`)}/${r.pick(['M', 'F'])}\n`;
  b.x`SSR CTCM YY HK1/${PH(phone(r, r.pick(['UK', 'NL', 'DE', 'BR'])).replace(/[^\d+]/g, ''))}\nSSR CTCE YY HK1/${N('ENCODED_EMAIL', emailOf(r, p, r.pick(FREE_MAIL)).toUpperCase().replace('@', '//'))}\n`;
  b.x`TKT/TIME LIMIT ${pad(r.int(1, 28))}${r.pick(['OCT', 'DEC'])}\nFQTV ${r.str(UPPER, 2)}${r.digits(9)}`;
});

T('event_registration_json', 3, false, (r, b) => {
  b.x`{"event":"${r.pick(['DevOps Days Lisbon', 'FinTech Summit Warsaw', 'HealthData Forum Lyon'])}","exported":"${isoTs(r)}","attendees":[\n`;
  const n = r.int(2, 4);
  for (let i = 0; i < n; i++) {
    const p = personNoApos(r, { noMiddle: true });
    b.x`  {"ticket":"T-${r.digits(6)}","first":"${P(p.given)}","last":"${P(p.surname)}","email":"${EM(emailOf(r, p))}","company":"${r.pick([...ORGS, ...EPONYM_ORGS.slice(0, 8)])}","diet":"${r.pick(['none', 'vegan', 'halal', 'gluten-free'])}"}${i < n - 1 ? ',' : ''}\n`;
  }
  b.x`]}`;
});

T('json_app_log', 3, false, (r, b) => {
  for (let i = 0; i < r.int(2, 4); i++) {
    const p = personNoApos(r, { noMiddle: true });
    const ev = r.pick(['login.success', 'login.failed', 'password.reset_requested', 'profile.updated']);
    b.x`{"ts":"${isoTs(r)}","level":"${ev === 'login.failed' ? 'warn' : 'info'}","event":"${ev}","user":{"id":${r.int(10000, 999999)},"email":"${EM(emailOf(r, p))}","name":"${P(p.full)}"},"client_ip":"${IPA(ip(r))}","trace_id":"${r.str(HEX, 32)}"}\n`;
  }
});

T('incident_postmortem', 3, false, (r, b) => {
  const ic = person(r, { noMiddle: true });
  const eng = person(r, { noMiddle: true });
  let m = r.int(0, 900);
  const hhmm = () => {
    m += r.int(4, 50);
    return `${pad(Math.floor(m / 60) % 24)}:${pad(m % 60)}`;
  };
  b.x`Postmortem: leaked AWS credentials (SEV-${r.int(1, 2)}), ${fmtDate(recent(r), 'long')}\nIncident commander: ${P(ic.full)}   Author: ${P(eng.full)}\n\nTimeline (UTC)\n`;
  b.x`${hhmm(r)}  GitHub secret scanning alert on a public gist containing ${AWS(awsKeyId(r))}.\n${hhmm(r)}  ${P(eng.given)} confirms the key belongs to the ci-artifacts IAM user; CloudTrail shows ListBuckets calls from ${IPA(ipv4(r))} and ${IPA(ipv6(r))}.\n`;
  b.x`${hhmm(r)}  Key deactivated; ${P(ic.given)} pages the security on-call.\n${hhmm(r)}  Replacement key issued via Vault; no data exfiltration found in S3 access logs.\n\n`;
  b.x`Root cause: a debugging script printed the environment. Action items: SEC-${r.int(100, 999)} (pre-commit secret scanning), SEC-${r.int(100, 999)} (move CI to OIDC, no static keys).`;
});

T('performance_review', 4, false, (r, b) => {
  const e = person(r, {
    given: r.pick(['Grace', 'Will', 'Mark', 'Hope', 'June', 'April', 'Faith', 'Joy', 'Ray', 'Summer']),
    surname: r.pick(['Baker', 'Rose', 'Young', 'Hill', 'Stone', 'Banks', 'Price', 'Little', 'Long', 'Friend']),
    noMiddle: true,
  });
  const mgr = person(r, {
    given: r.pick(['Hunter', 'Chase', 'Frank', 'Bill', 'Jack', 'Sandy']),
    surname: r.pick(['King', 'Cooper', 'Fisher', 'Marsh', 'Lane', 'Field', 'Short', 'Wood']),
    noMiddle: true,
  });
  b.x`Mid-year review — ${P(e.full)} (reviewer: ${P(mgr.full)})\n\n`;
  b.x`${P(e.given)} had a strong half: ticket backlog fell by ${r.int(20, 60)}% and customer satisfaction rose to ${r.int(85, 98)}%. `;
  b.x`She will own the renewal playbook next quarter; we agreed to mark the onboarding project as done and to give the young team in ${r.pick(['Leeds', 'Porto', 'Pune'])} more room. `;
  b.x`Growth area: say no more often — a baker's dozen of side projects is too many. The grace period for the old pricing ends in ${r.pick(['June', 'April', 'March'].filter((m) => m !== e.given))}, so ${P(e.surname)} should hand the pricing FAQ to ${P(mgr.given)} by then.\n\nRating: ${r.pick(['Exceeds', 'Strong', 'Meets+'])}`;
});

T('jp_shipping', 3, false, (r, b) => {
  const p = person(r, {
    given: r.pick(['Hiroshi', 'Yuki', 'Aiko', 'Kenji', 'Haruto', 'Sakura']),
    surname: r.pick(['Nakamura', 'Tanaka', 'Sato', 'Watanabe', 'Kobayashi', 'Takahashi']),
    noMiddle: true,
  });
  const familyFirst = r.chance(0.5);
  const nm = familyFirst ? `${p.surname.toUpperCase()} ${p.given}` : p.full;
  b.x`Dear ${r.pick(['Mr.', 'Ms.'])} ${P(nm)},\n\nThank you for your order (No. ${r.digits(3)}-${r.digits(7)}-${r.digits(7)}). Your parcel will be delivered by Yamato Transport to:\n\n`;
  b.x`${AD(addrBlock(r, 'JP'))}\nTEL ${PH(phone(r, 'JP'))}\n\nPreferred delivery window: ${r.pick(['08:00-12:00', '14:00-16:00', '19:00-21:00'])}. Cash on delivery: ¥${r.int(1, 90)},${r.digits(3)}.`;
});

T('in_kyc', 3, false, (r, b) => {
  const p = person(r, {
    given: r.pick(['Priya', 'Arjun', 'Aditya', 'Ananya', 'Rohan', 'Kavya', 'Sanjay', 'Deepika']),
    surname: r.pick(['Patel', 'Sharma', 'Iyer', 'Reddy', 'Banerjee', 'Kapoor', 'Chaudhry']),
  });
  b.x`Account opening — video KYC summary (agent ID AG${r.digits(5)})\n\nCustomer name: ${P(p.full)}\nDate of birth: ${DB(fmtDate(birth(r), r.pick(['eu', 'dash'])))}\n`;
  b.x`Communication address: ${AD(addr1(r, 'IN'))}\nMobile: ${PH(phone(r, 'IN'))}   Email: ${EM(emailOf(r, p, r.pick(['gmail.com', 'rediffmail.com', 'yahoo.co.in'])))}\n`;
  b.x`Occupation: ${r.pick(['salaried', 'self-employed', 'student'])}, annual income ₹${r.int(3, 40)},00,000\nVideo call IP: ${IPA(ipv4(r))}, geo-tag ${r.pick(['Bengaluru', 'Pune', 'Chennai'])}. Liveness passed. Nominee: ${P(person(r, { noMiddle: true }).full)}.`;
});

T('ca_address_change', 3, false, (r, b) => {
  const p = person(r);
  b.x`CHANGE OF ADDRESS REQUEST — Larkspur Bank (Canada)\nClient no. ${r.digits(9)}\n\nName: ${P(p.full)}\nDate of birth (YYYY-MM-DD): ${DB(fmtDate(birth(r), 'iso'))}\n\n`;
  b.x`Old address:\n${AD(addrBlock(r, 'CA'))}\n\nNew address:\n${AD(addrBlock(r, 'CA'))}\n\nEffective: ${fmtDate(recent(r), 'iso')}\nDaytime phone: ${PH(phone(r, 'CA'))}\nEmail: ${EM(emailOf(r, p))}`;
});

T('crm_note', 4, false, (r, b) => {
  const c = person(r, { noMiddle: true });
  const col = person(r, { noMiddle: true });
  const cc = r.pick(['UK', 'DE', 'US', 'IN', 'NL']);
  b.x`[CRM] Account: ${r.pick(EPONYM_ORGS.slice(0, 20))} — opportunity OPP-${r.digits(6)} (${r.pick(['Discovery', 'Negotiation', 'Closed Won'])}), ARR $${r.int(20, 900)}k\n`;
  b.x`${fmtDate(recent(r), 'iso')} call with ${P(c.full)} (${r.pick(['VP Procurement', 'Head of IT', 'CFO'])}). ${P(c.given)} prefers WhatsApp: ${PH(phone(r, cc))}. `;
  b.x`Budget signed off for Q${r.int(1, 4)}; legal review owned by ${P(col.full)} (${EM(emailOf(r, col, r.pick(CORP_DOMAINS)))}). `;
  b.x`Next step: send revised quote Q-${r.digits(5)} by ${fmtDate(recent(r), 'short')}; ${P(c.given)} is travelling to ${r.pick(['Frankfurt', 'Singapore', 'Austin'])} the week after.`;
});

T('es_phone_order', 4, false, (r, b) => {
  const p = person(r);
  const agent = person(r, { noMiddle: true });
  b.x`Nota de pedido telefónico — ${fmtDate(recent(r), 'es')}, agente ${P(agent.given)}\n\n`;
  b.x`Cliente: ${P(p.full)}, tel. ${PH(phone(r, 'ES'))}. Solicita ${r.int(1, 6)} unidades del modelo ${r.str(UPPER, 2)}-${r.int(100, 999)} (${r.int(20, 400)},${pad(r.int(0, 99))} € c/u).\n`;
  b.x`Pago con tarjeta ${CC(card(r, r.pick(['visa', 'mc', 'mc2', 'amex'])))}, caducidad ${pad(r.int(1, 12))}/${r.int(26, 31)}. `;
  b.x`Entrega en ${AD(addr1(r, 'ES'))}; factura a nombre de la empresa ${r.pick(['Talleres Ford Sevilla S.L.', 'Distribuciones Goya S.A.', 'Ferretería López e Hijos'])}.\nEnviar confirmación a ${EM(emailOf(r, p, r.pick(['gmail.com', 'telefonica.net', 'hotmail.es'])))}.`;
});

T('neg_api_docs', 5, true, (r, b) => {
  const prov = r.pick(['Anthropic', 'OpenAI', 'Stripe', 'GitHub', 'SendGrid']);
  b.x`## Authentication (${prov} integration guide, updated ${fmtDate(recent(r), 'long')})\n\n`;
  b.x`Set your key as an environment variable — never hard-code it:\n\n\`\`\`bash\nexport ${prov.toUpperCase()}_API_KEY="${r.pick(['your-api-key-here', '<YOUR_API_KEY>', 'sk-...', '${SECRET_FROM_VAULT}'])}"\n\`\`\`\n\n`;
  b.x`Requests must include \`Authorization: Bearer <token>\`. Tokens look like \`eyJhbGciOi...\` (truncated here) and expire after ${r.pick([15, 60])} minutes.\n`;
  b.x`To test webhooks, use the dashboard's "Send test event" button rather than real payments. Rate limits: ${r.int(50, 500)} requests/minute per key; exceeding them returns HTTP 429 with a Retry-After header.\n`;
  b.x`Webhook signing secrets start with \`whsec_\` followed by the secret; store them alongside the key. Example request id: req_${r.str(ALNUM, 14)}.`;
});

// ---------------------------------------------------------------- end of templates

// ---------------------------------------------------------------- build, validate, write

function seedOf(name) {
  let h = SEED;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
const SECRET_TYPES = new Set(['API_KEY', 'AWS_ACCESS_KEY', 'PRIVATE_KEY', 'JWT']);
const fail = (msg, rec) => {
  throw new Error(`${msg}\n  in ${rec ? JSON.stringify(rec.text.slice(0, 200)) : '?'}`);
};

function checkValue(type, v, rec) {
  const bad = (why) => fail(`${type} ${JSON.stringify(v.slice(0, 80))}: ${why}`, rec);
  if (v !== v.trim()) bad('leading/trailing whitespace');
  switch (type) {
    case 'CREDIT_CARD':
      if (!luhnOk(v) || !/^[\d -]+$/.test(v)) bad('Luhn');
      break;
    case 'IBAN':
      if (!ibanOk(v)) bad('mod-97');
      break;
    case 'US_SSN':
      if (!ssnOk(v)) bad('SSN rules');
      break;
    case 'EMAIL':
      if (!/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(v)) bad('shape');
      break;
    case 'IP_ADDRESS':
      if (!isIP(v)) bad('not an IP');
      break;
    case 'JWT': {
      const parts = v.split('.');
      if (parts.length !== 3 || !v.startsWith('eyJ')) bad('shape');
      JSON.parse(Buffer.from(parts[0], 'base64url').toString());
      JSON.parse(Buffer.from(parts[1], 'base64url').toString());
      break;
    }
    case 'PRIVATE_KEY':
      if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----$/.test(v)) bad('PEM');
      break;
    case 'AWS_ACCESS_KEY':
      if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(v) && !/^[A-Za-z0-9/+]{40}$/.test(v)) bad('shape');
      break;
    case 'PHONE':
      if ((v.match(/\d/g) || []).length < 7) bad('too few digits');
      break;
    case 'PERSON':
      if (/^(Mr|Mrs|Ms|Dr|Prof)\.?\s/.test(v) || /,\s*(MD|PhD|RN)$/.test(v)) bad('title/credential inside');
      break;
    default:
      break;
  }
}

function validate(records) {
  const ids = new Set();
  const secretOwner = new Map();
  for (const rec of records) {
    if (ids.has(rec.id)) fail(`duplicate id ${rec.id}`);
    ids.add(rec.id);
    const all = [
      ...rec.spans.map((s) => ({ ...s, k: 'span' })),
      ...(rec.neutral ?? []).map((s) => ({ ...s, k: 'neutral' })),
    ].sort((a, c) => a.start - c.start);
    for (let i = 0; i < all.length; i++) {
      const s = all[i];
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end <= rec.text.length))
        fail(`span out of range ${JSON.stringify(s)}`, rec);
      if (s.end <= s.start) fail(`empty span ${JSON.stringify(s)}`, rec);
      if (i > 0 && all[i - 1].end > s.start)
        fail(`overlapping spans ${JSON.stringify(all[i - 1])} / ${JSON.stringify(s)}`, rec);
      if (rec.text.slice(s.start, s.end) !== s.value) fail(`span text mismatch ${JSON.stringify(s)}`, rec);
    }
    for (const s of rec.spans) {
      checkValue(s.type, s.value, rec);
      if (SECRET_TYPES.has(s.type)) {
        const prev = secretOwner.get(s.value);
        if (prev && prev !== rec.id) fail(`secret reused across records ${s.value.slice(0, 30)}`, rec);
        secretOwner.set(s.value, rec.id);
      }
      // every other whole-word occurrence of a labelled value must be labelled too
      let from = 0;
      for (;;) {
        const at = rec.text.indexOf(s.value, from);
        if (at < 0) break;
        from = at + 1;
        const before = rec.text[at - 1] ?? ' ';
        const after = rec.text[at + s.value.length] ?? ' ';
        if (/[\p{L}\p{N}_]/u.test(before) || /[\p{L}\p{N}_]/u.test(after)) continue;
        if (!rec.spans.some((o) => o.start <= at && o.end >= at + s.value.length))
          fail(`unlabelled repeat of ${s.type} ${JSON.stringify(s.value)}`, rec);
      }
    }
  }
}

function main() {
  const names = new Set();
  const built = [];
  for (const tpl of TEMPLATES) {
    if (names.has(tpl.name)) throw new Error(`duplicate template ${tpl.name}`);
    names.add(tpl.name);
    const r = new Rng(seedOf(tpl.name));
    for (let i = 0; i < tpl.count; i++) {
      const b = new B();
      tpl.fn(r, b);
      if (tpl.neg && b.spans.length) throw new Error(`negative template ${tpl.name} produced spans`);
      if (!tpl.neg && !b.spans.length) throw new Error(`positive template ${tpl.name} produced no spans`);
      built.push({ text: b.text, spans: b.spans, neutral: b.neutral, tpl: tpl.name });
    }
  }
  const order = new Rng(SEED).shuffle(built);
  const records = order.map((rec, i) => ({ id: `probe3-${pad(i + 1, 5)}`, ...rec }));
  validate(records);

  const out = records.map((rec) => {
    const o = { id: rec.id, text: rec.text, spans: rec.spans.map(({ start, end, type }) => ({ start, end, type })) };
    if (rec.neutral.length) o.neutral = rec.neutral.map(({ start, end, type }) => ({ start, end, type }));
    return JSON.stringify(o);
  });
  writeFileSync(OUT, out.join('\n') + '\n');

  const perType = {};
  for (const rec of records) for (const s of rec.spans) perType[s.type] = (perType[s.type] ?? 0) + 1;
  const totalSpans = Object.values(perType).reduce((a, c) => a + c, 0);
  console.log(`wrote ${OUT}`);
  console.log(
    `records: ${records.length}  templates: ${TEMPLATES.length} (${TEMPLATES.filter((t) => t.neg).length} negative)  spans: ${totalSpans}  neutral: ${records.reduce((a, c) => a + c.neutral.length, 0)}`,
  );
  console.log(`records without spans: ${records.filter((x) => !x.spans.length).length}`);
  for (const t of [...TYPES]) console.log(`  ${t.padEnd(22)} ${perType[t] ?? 0}`);
}

main();
