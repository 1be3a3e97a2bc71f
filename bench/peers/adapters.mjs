// Adapters for bench/peers.mjs: one per library, each with the same three entry points.
//   load()          -> undefined, or throws when the package is not installed (caught by the bench)
//   redact(text)    -> the redacted text (what a user of the library gets; may be a Promise)
//   detect(text)    -> [{ start, end, type }] in our type names, UTF-16 offsets, end exclusive
//
// Type mappings are explicit: a peer type that is not in its table is dropped from `detect`, so it
// counts neither as a hit nor as a false positive in the per-type table (peers detect types we do
// not score, such as URLs, ZIP codes or Indian voter ids).
//
// Peers that return only redacted text get their spans back by aligning the output with the input
// (the literal runs between placeholders are matched back in order), as the shared eval's peer
// adapters do. A text that already contains a placeholder word is not aligned (no spans).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FORMATTED_TYPES } from '../redaction-corpus.mjs';

const require = createRequire(fileURLToPath(new URL('./package.json', import.meta.url)));
const versionOf = (name) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`./node_modules/${name}/package.json`, import.meta.url)), 'utf8'))
    .version;

/** redact-pii 3.4.0 placeholder -> our type. */
export const REDACT_PII_TYPES = Object.freeze({
  PERSON_NAME: 'PERSON',
  EMAIL_ADDRESS: 'EMAIL',
  CREDIT_CARD_NUMBER: 'CREDIT_CARD',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  PHONE_NUMBER: 'PHONE',
  US_PHONE_NUMBER: 'PHONE',
  IP_ADDRESS: 'IP_ADDRESS',
  STREET_ADDRESS: 'ADDRESS',
  PASSWORD: 'PASSWORD',
  CREDENTIALS: 'PASSWORD',
});
const REDACT_PII_PLACEHOLDERS = [
  ...Object.keys(REDACT_PII_TYPES),
  'ZIPCODE',
  'URL',
  'DIGITS',
  'USERNAME',
  'UK_NATIONAL_INSURANCE_NUMBER',
  'CANADA_ZIP_CODE',
];

/** @redactpii/node 1.0.17 placeholder -> our type. */
export const REDACTPII_NODE_TYPES = Object.freeze({
  PERSON_NAME: 'PERSON',
  EMAIL_ADDRESS: 'EMAIL',
  CREDIT_CARD_NUMBER: 'CREDIT_CARD',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  PHONE_NUMBER: 'PHONE',
});
const REDACTPII_NODE_PLACEHOLDERS = [...Object.keys(REDACTPII_NODE_TYPES), 'DIGITS', 'REDACTED'];

/** @openai/guardrails 0.2.1 `PIIEntity` -> our type (default entities; PERSON and NRP are off by default). */
export const GUARDRAILS_TYPES = Object.freeze({
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  US_SSN: 'US_SSN',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN_CODE: 'IBAN',
  IP_ADDRESS: 'IP_ADDRESS',
});

/**
 * @openredaction/openredaction 1.0.4 detection type -> our type. It has ~560 pattern names; these
 * are the ones it reported on the eval set and the bench corpus that mean one of our types.
 */
export function openRedactionType(type) {
  const name = String(type).toUpperCase();
  if (name === 'EMAIL') return 'EMAIL';
  if (/^PHONE|MOBILE|TELEPHONE/.test(name)) return 'PHONE';
  if (name === 'SSN' || name === 'US_SSN') return 'US_SSN';
  if (name === 'CREDIT_CARD') return 'CREDIT_CARD';
  if (name === 'IBAN') return 'IBAN';
  if (/^IPV?[46]?(_ADDRESS)?$/.test(name)) return 'IP_ADDRESS';
  if (name === 'NAME' || name === 'PERSON') return 'PERSON';
  if (/^ADDRESS|STREET/.test(name)) return 'ADDRESS';
  if (/DATE_OF_BIRTH|^DOB$/.test(name)) return 'DATE_OF_BIRTH';
  if (/MEDICAL_RECORD|^MRN$/.test(name)) return 'MEDICAL_RECORD_NUMBER';
  if (name === 'AWS_ACCESS_KEY') return 'AWS_ACCESS_KEY';
  if (/PRIVATE_KEY/.test(name)) return 'PRIVATE_KEY';
  if (/JWT/.test(name)) return 'JWT';
  if (/PASSWORD/.test(name)) return 'PASSWORD';
  if (/API_KEY|TOKEN|SECRET|ACCESS_KEY/.test(name)) return 'API_KEY';
  return undefined;
}

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Spans of the placeholders in `redacted`, found by matching the literal runs back into `original`. */
export function alignRedaction(original, redacted, placeholderRegex) {
  const parts = [];
  let last = 0;
  for (const match of redacted.matchAll(placeholderRegex)) {
    parts.push({ literal: redacted.slice(last, match.index) }, { placeholder: match[1] ?? match[0] });
    last = match.index + match[0].length;
  }
  parts.push({ literal: redacted.slice(last) });
  const placeholders = parts.filter((part) => part.placeholder !== undefined);
  if (placeholders.length === 0) return [];
  const source = `^${parts.map((part) => (part.placeholder !== undefined ? '([\\s\\S]+?)' : escapeRegex(part.literal))).join('')}$`;
  let match;
  try {
    match = new RegExp(source, 'd').exec(original);
  } catch {
    match = null;
  }
  if (!match) return [];
  return placeholders.map((part, index) => ({
    start: match.indices[index + 1][0],
    end: match.indices[index + 1][1],
    placeholder: part.placeholder,
  }));
}

function wordsRegex(words) {
  return new RegExp(`\\b(?:${words.join('|')})\\b`, 'g');
}

function mapSpans(spans, table) {
  const out = [];
  for (const span of spans) {
    const type = table[span.placeholder];
    if (type !== undefined) out.push({ start: span.start, end: span.end, type });
  }
  return out;
}

/** The libraries, in report order. `secure-claude` is loaded from the working tree, not from bench/peers. */
export function createAdapters({ dataModule }) {
  return [
    {
      name: 'secure-claude',
      version: 'working tree',
      config: 'createRedactor() / createDetector(), all 15 types',
      load() {
        this.redactor = dataModule.createRedactor({ types: dataModule.SENSITIVE_TYPES });
        this.detector = dataModule.createDetector();
      },
      redact(text) {
        return this.redactor.redact(text).text;
      },
      detect(text) {
        return this.detector.detect(text).map(({ start, end, type }) => ({ start, end, type }));
      },
    },
    {
      name: 'secure-claude (formatted types)',
      version: 'working tree',
      config: `the ${FORMATTED_TYPES.length} formatted types bench/redaction.mjs calls the peer set (no PERSON, ADDRESS, PASSWORD, DATE_OF_BIRTH, MEDICAL_RECORD_NUMBER)`,
      load() {
        this.redactor = dataModule.createRedactor({ types: FORMATTED_TYPES });
        this.detector = dataModule.createDetector({ types: FORMATTED_TYPES });
      },
      redact(text) {
        return this.redactor.redact(text).text;
      },
      detect(text) {
        return this.detector.detect(text).map(({ start, end, type }) => ({ start, end, type }));
      },
    },
    {
      name: '@redactpii/node',
      config: 'new Redactor(), default rules, no API key (offline)',
      load() {
        this.version = versionOf('@redactpii/node');
        const { Redactor } = require('@redactpii/node');
        this.instance = new Redactor();
        this.placeholders = wordsRegex(REDACTPII_NODE_PLACEHOLDERS);
      },
      redact(text) {
        return this.instance.redact(text);
      },
      async detect(text) {
        this.placeholders.lastIndex = 0;
        if (this.placeholders.test(text)) return [];
        return mapSpans(
          alignRedaction(text, await this.instance.redact(text), this.placeholders),
          REDACTPII_NODE_TYPES,
        );
      },
    },
    {
      name: 'redact-pii',
      config: 'new SyncRedactor(), built-in redactors (no cloud DLP)',
      load() {
        this.version = versionOf('redact-pii');
        const { SyncRedactor } = require('redact-pii');
        this.instance = new SyncRedactor();
        this.placeholders = wordsRegex(REDACT_PII_PLACEHOLDERS);
      },
      redact(text) {
        return this.instance.redact(text);
      },
      detect(text) {
        this.placeholders.lastIndex = 0;
        if (this.placeholders.test(text)) return [];
        return mapSpans(alignRedaction(text, this.instance.redact(text), this.placeholders), REDACT_PII_TYPES);
      },
    },
    {
      name: '@openredaction/openredaction',
      config: 'new OpenRedaction(), default configuration',
      load() {
        this.version = versionOf('@openredaction/openredaction');
        const { OpenRedaction } = require('@openredaction/openredaction');
        this.instance = new OpenRedaction();
      },
      async redact(text) {
        return (await this.instance.detect(text)).redacted;
      },
      async detect(text) {
        const result = await this.instance.detect(text);
        const out = [];
        for (const detection of result.detections ?? []) {
          const type = openRedactionType(detection.type);
          if (type !== undefined) out.push({ start: detection.position[0], end: detection.position[1], type });
        }
        return out;
      },
    },
    {
      name: '@openai/guardrails',
      config: '`pii` check, default entities, masking mode (regex only; no network, no model)',
      load() {
        this.version = versionOf('@openai/guardrails');
        const guardrails = require('@openai/guardrails');
        this.check = guardrails.pii;
        this.checkConfig = guardrails.PIIConfig.parse({});
        this.placeholders = /<([A-Z_]+)>/g;
      },
      async redact(text) {
        return (await this.check(null, text, this.checkConfig)).info.checked_text;
      },
      async detect(text) {
        this.placeholders.lastIndex = 0;
        // It masks the NFKC-normalized text; alignment needs the input unchanged by normalization.
        if (this.placeholders.test(text) || text.normalize('NFKC') !== text) return [];
        const masked = (await this.check(null, text, this.checkConfig)).info.checked_text;
        return mapSpans(alignRedaction(text, masked, this.placeholders), GUARDRAILS_TYPES);
      },
    },
  ];
}
