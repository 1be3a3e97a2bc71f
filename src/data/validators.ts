/** Checksums and issuance rules that turn a format match into a finding. All are total on any string. */
import { electronicFormatIBAN, validateIBAN, ValidationErrorsIBAN } from 'ibantools';

/** Luhn (mod 10) over the digits of `value`; 12 to 19 digits, as card numbers have. */
export function isLuhnValid(value: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let index = value.length - 1; index >= 0; index--) {
    const code = value.charCodeAt(index);
    if (code < 48 || code > 57) continue;
    let digit = code - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
    digits++;
  }
  return digits >= 12 && digits <= 19 && sum % 10 === 0;
}

/**
 * A card number: Luhn-valid and issued under a known prefix (2-6, or JCB's 1800), so Luhn-valid
 * order numbers starting 0, 7, 8 or 9 are not cards. Twelve digits only for Maestro prefixes.
 */
export function isCardNumber(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  const first = firstDigit(digits);
  const knownIssuer = (first >= 2 && first <= 6) || digits.startsWith('1800');
  if (!knownIssuer || !isLuhnValid(digits) || isRepeatedDigit(digits)) return false;
  return digits.length >= 13 || /^(?:50|5[6-8]|6304|6390|67)/.test(digits);
}

function firstDigit(value: string): number {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) return code - 48;
  }
  return -1;
}

function isRepeatedDigit(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  return /^(\d)\1+$/.test(digits);
}

/**
 * ISO 13616 IBAN, by `ibantools`: a registered country, that country's length and account format
 * (BBAN), and mod-97 of the rearranged number equal to 1. Case-insensitive; spaces and hyphens
 * ignored. A run of a UUID (`bc54f65c-2e8c-4420-b106`) passes mod-97 one time in 97, never all three.
 * A national check digit inside the account number (Spain's, France's RIB key) is not asked for:
 * an IBAN with a wrong one still names an account, and test data seldom computes it.
 */
export function isIbanValid(value: string): boolean {
  const compact = electronicFormatIBAN(value);
  if (compact === null) return false;
  return validateIBAN(compact).errorCodes.every((code) => code === ValidationErrorsIBAN.WrongAccountBankBranchChecksum);
}

/**
 * US Social Security number issuance rules: area not 000, 666 or 900-999; group not 00; serial
 * not 0000. Separators are ignored.
 */
export function isSsnValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 9) return false;
  const area = digits.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (digits.slice(3, 5) === '00') return false;
  if (digits.slice(5) === '0000') return false;
  return true;
}

/**
 * A UK NHS number (or Scottish CHI number): ten digits whose last is the mod-11 check digit of the
 * first nine weighted 10 down to 2. A remainder giving check digit 10 is never issued, nor is a run of
 * one digit. Spaces and dashes are ignored.
 */
export function isNhsNumberValid(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits) || isRepeatedDigit(digits)) return false;
  let sum = 0;
  for (let index = 0; index < 9; index++) sum += Number(digits[index]) * (10 - index);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(digits[9]);
}

/** IPv4 dotted quad with octets 0-255, not in `0.x.x.x` or `255.x.x.x` (masks, not hosts). */
export function isIpv4Valid(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 4) return false;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return false;
    if (part.length > 1 && part[0] === '0') return false;
    if (Number(part) > 255) return false;
  }
  // `0.x.x.x` names this network and `255.x.x.x` is reserved: in text they are masks
  // (`255.255.255.0`, a wildcard `0.0.0.255`), not hosts.
  return parts[0] !== '0' && parts[0] !== '255';
}

/** An IPv6 address has at most one `::` and at most eight groups. */
export function isIpv6Valid(value: string): boolean {
  const doubleColons = value.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = value.split(':').filter((group) => group.length > 0);
  if (doubleColons === 0 && groups.length !== 8) return false;
  if (groups.length > 8) return false;
  return groups.every((group) => group.length <= 4) && groups.length >= 2;
}

/** A phone number has 7 to 15 digits (E.164) and is not a run of one digit. */
export function isPhoneValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 && !/^(\d)\1+$/.test(digits);
}

/**
 * An international number: `+` and a country code stand for themselves, but `00` may start any
 * reference (`MR-0045892`, `Account 0012345678`), so after `00` at least nine digits must follow,
 * as every country's numbers but a few small islands' have with their country code.
 */
export function isInternationalPhoneValid(value: string): boolean {
  const plain = value.replace(/^%2B/i, '+');
  if (!isPhoneValid(plain)) return false;
  const digits = plain.replace(/\D/g, '');
  return !digits.startsWith('00') || digits.length - 2 >= 9;
}

/** `05-11-2023`, `03.02.24`: a day, a month and a year with one separator, which a trunk number may look like. */
const NUMERIC_DATE = /^(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|[12]\d|3[01])\1(?:(?:19|20)\d{2}|\d{2})$/;

/** A phone number that is no numeric date: `05-11-2023` is a day, not a trunk number. */
export function isPhoneNotDate(value: string): boolean {
  // `08.00-16.00`: opening hours, a range of times.
  return isPhoneValid(value) && !NUMERIC_DATE.test(value) && !/^\d{1,2}[.:]\d{2} ?[-–] ?\d{1,2}[.:]\d{2}$/.test(value);
}

/**
 * A generic secret value (config line or labelled token) looks random enough: at least one digit
 * or symbol mixed with letters, and not a placeholder such as `changeme` or `${VAR}`.
 */
export function isSecretValueLikely(value: string): boolean {
  if (value.length < 4) return false;
  // `?` starts a SQL parameter (`?`, `?pw`) or a shell default's message, not a value with symbols
  // after it (`?Ml#C9dM+J^U!`).
  if (/^[[<{$%]|^\?\w*$|^(?:null|none|true|false|undefined|string|password|secret|changeme|xxx+|\*+|\.+)$/i.test(value))
    return false;
  // A masked value: `••••••••`, `●●●●`.
  if (/^[•●·∙*]+$/.test(value)) return false;
  if (DOCUMENTATION_PLACEHOLDER.test(value)) return false;
  // Prose ("the password is incorrect"), URLs and code (`os.environ.get`, `getenv`) are not values;
  // lower-case letters are one only as a generated password is written: twelve or more, with four
  // consonants in a row, which few words have (Google's app passwords: `dzoogmgsydidwmwk`).
  if ((/^[a-z]+$/.test(value) && !isLetterOnlyGenerated(value)) || value.includes('://')) return false;
  // SQL keywords (`PASSWORD EXPIRE`), capitalized words (`"PW": "Palau"`) and attribute names (`name=`).
  if (/^[A-Z]+$|^[A-Z][a-z]+$|^[A-Za-z_-]+=$/.test(value)) return false;
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) && !/\d/.test(value)) return false;
  // More code: a subscript (`request.form[`), a snake_case name (`confirm_password:`,
  // `generate_password`), a named SQL parameter or symbol (`:password`), a YAML tag (`!vault`).
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\[$|^[a-z]+(?:_[a-z]+)+:?$|^:[A-Za-z_]\w*$|^![A-Za-z]+$/.test(value))
    return false;
  return !/getenv|environ|process\.env|\$\{/i.test(value);
}

function isLetterOnlyGenerated(value: string): boolean {
  return value.length >= 12 && /[bcdfghjklmnpqrstvwxz]{4}/.test(value);
}

/**
 * A value that stands for a secret rather than being one: a placeholder word (`changeme`, `****`)
 * or a reference (`${DB_PASSWORD}`, `<password>`, `{{ secret }}`, `%PASS%`, a URL).
 */
function isPlaceholderValue(value: string): boolean {
  return (
    /^(?:null|none|true|false|undefined|password|pass|passwd|pwd|secret|changeme|xxx+|\*+|\.+)$/i.test(value) ||
    /^[[<{$%?]|\$\{|\{\{|:\/\//.test(value) ||
    DOCUMENTATION_PLACEHOLDER.test(value)
  );
}

/**
 * A placeholder of documentation in capitals: `YOUR_PASSWORD_HERE`, `REPLACE_ME`, `CHANGE_ME`,
 * `<YOUR-TOKEN>` aside (a bracket is a reference already). `?` starts the message of a shell
 * default (`${POSTGRES_PASSWORD:?set it in .env}`).
 */
const DOCUMENTATION_PLACEHOLDER =
  /^(?=[A-Z0-9_-]+$)(?:.*[_-])?(?:YOUR|REPLACE|CHANGE_?ME|PLACEHOLDER|INSERT|ENTER)(?:[_-]|$)|^[A-Z0-9_-]+_HERE$/;

/**
 * The value of an environment assignment (`POSTGRES_PASSWORD=mysecretpassword`): any word counts,
 * lower case too, since no prose reads `NAME_PASSWORD=`; placeholders and references do not.
 */
export function isAssignedSecretValue(value: string): boolean {
  return value.length >= 4 && !isPlaceholderValue(value);
}

/**
 * A password whose place says what it is: a URL's user part (`redis://:pw9@host`), the MySQL
 * client's `-p`, a Terraform password variable's `default`. Any value counts, however short or
 * plain, but placeholders and references do not.
 */
export function isPasswordByPlace(value: string): boolean {
  return !isPlaceholderValue(value);
}

/**
 * A token-shaped API key: long enough and with mixed character classes, so plain words are not
 * keys. 16 characters with two classes, or 12 to 15 with upper case, lower case and digits.
 */
export function isTokenLikely(value: string): boolean {
  // A URL (`"auth_uri": "https://accounts.google.com/o/oauth2/auth"`) or an assignment of its own
  // (`SMTP_PASSWORD=changeme`) is no key.
  if (value.length < 12 || value.includes('://') || /^[A-Z][A-Z0-9_]*=/.test(value)) return false;
  // A member of code (`models.CharField`, `os.environ.Get`): dotted names with no digit.
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) && !/\d/.test(value)) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (classes < (value.length < 16 ? 3 : 2)) return false;
  return !/^[a-z]+(?:[_-][a-z]+)*$/i.test(value);
}

const PLACEHOLDER_WORDS =
  /example|sample|dummy|placeholder|redacted|fake|your[_-]?(?:api|key|token|secret)|x{5,}|\*{3,}|\.{3}/i;
const ASCENDING = '0123456789abcdefghijklmnopqrstuvwxyz';
const DESCENDING = [...ASCENDING].reverse().join('');

/**
 * A documentation placeholder rather than an issued credential: it spells `EXAMPLE` or `xxxxx`,
 * holds a run of six consecutive characters (`123456`, `abcdef`, `654321`), or uses almost no distinct
 * characters (`ghp_1010110010…`). Issued tokens are random, and the chance that one of them holds
 * such a run is below one in a million per token.
 */
export function isPlaceholderToken(value: string): boolean {
  if (PLACEHOLDER_WORDS.test(value)) return true;
  const lower = value.toLowerCase();
  if (hasConsecutiveRun(lower, ASCENDING) || hasConsecutiveRun(lower, DESCENDING)) return true;
  // Diversity of the random part: a provider prefix such as `ghp_` or `sk-ant-api03-` is not random.
  const body = lower.replace(/^(?:[a-z0-9]{1,10}[_.-]){1,3}/, '');
  return body.length >= 16 && new Set(body).size <= 4;
}

function hasConsecutiveRun(value: string, alphabet: string): boolean {
  let run = 1;
  for (let index = 1; index < value.length; index++) {
    const previous = alphabet.indexOf(value[index - 1] as string);
    run = previous !== -1 && alphabet[previous + 1] === value[index] ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/**
 * Shannon entropy of `value` in bits per character. Random base64 scores about 5 to 6 on 32
 * characters, hex at most 4, English words about 3.
 */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const share = count / value.length;
    entropy -= share * Math.log2(share);
  }
  return entropy;
}

/**
 * An unlabelled string that can only be a machine-generated secret: 32 or more characters with
 * upper case, lower case and digits, high entropy, and no placeholder shape. Hex digests (at most
 * 4 bits per character, no mixed case) and identifiers never pass.
 */
export function isHighEntropySecret(value: string): boolean {
  if (value.length < 32 || !isTokenLikely(value) || isPlaceholderToken(value)) return false;
  // A Subresource Integrity digest (`"integrity": "sha512-…"`, npm lockfiles) is a public hash.
  if (/^sha(?:1|256|384|512)-/.test(value)) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  if (/^[A-Za-z]+(?:[_/.-][A-Za-z]+)+$/.test(value)) return false;
  return shannonEntropy(value) >= 4.3;
}

/** A base64 blob that decodes to a PEM private key or a JSON Web Key with private parameters. */
export function isEncodedPrivateKey(value: string): boolean {
  const decoded = Buffer.from(value.slice(0, 4096), 'base64').toString('latin1');
  if (/-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY/.test(decoded)) return true;
  return /"kty"\s*:/.test(decoded) && /"(?:d|p|q|k)"\s*:\s*"[A-Za-z0-9_-]{16,}/.test(decoded);
}
