import { keyedHash } from "./hmac";
import { randomBytes } from "./random";

/**
 * Single-use codes that stand in for the authenticator when it is lost. People copy them onto paper and
 * type them back months later, so they are written in Crockford's base32: digits and lower-case letters
 * without i, l, o and u (the first three pass for 1 and 0, and are read back as such). Ten symbols of 5 bits
 * are 50 bits each, shown as two groups of five: `xxxxx-xxxxx`. Only their keyed hashes are stored.
 */
export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const SYMBOLS = 10;
const GROUP = 5;

const format = (symbols: string): string => `${symbols.slice(0, GROUP)}-${symbols.slice(GROUP)}`;

function newRecoveryCode(): string {
  // 32 symbols divide 256 evenly, so the low 5 bits of each random byte pick one without bias.
  return format(Array.from(randomBytes(SYMBOLS), (byte) => ALPHABET[byte & 31]).join(""));
}

/** A fresh set of distinct codes, in the form normalizeRecoveryCode gives. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  // A repeat within a set (one chance in 2^50 per pair) would leave fewer usable codes than shown.
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newRecoveryCode());
  return [...codes];
}

// Crockford's reading of the letters that look like digits.
const LOOKALIKES: Record<string, string> = { i: "1", l: "1", o: "0" };

/**
 * A typed code in the form it was issued (`xxxxx-xxxxx`, lower case), or null if it cannot be one: any
 * case, with or without the dash, with spaces anywhere, and i/l/o read as 1/1/0.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const stripped = input.replace(/[\s-]/g, "");
  // Checked before lower-casing: the Kelvin sign "K" lower-cases to an ASCII "k" and must not pass for one.
  if (!/^[0-9A-Za-z]+$/.test(stripped)) return null;
  const symbols = stripped.toLowerCase().replace(/[ilo]/g, (c) => LOOKALIKES[c]!);
  if (symbols.length !== SYMBOLS || ![...symbols].every((c) => ALPHABET.includes(c))) return null;
  return format(symbols);
}

/**
 * What is stored for a code: a keyed hash bound to its user, so a leaked table reveals no code and one
 * user's code never matches another's. The code is normalised first, so every spelling of it hashes
 * alike; a text that is no code at all is hashed as given, which matches nothing stored (only well-formed
 * codes are), so the caller needs no branch of its own for it.
 */
export const recoveryCodeHash = (tokenSecret: string, userId: string, code: string): string =>
  keyedHash(tokenSecret, "recovery-code", userId, normalizeRecoveryCode(code) ?? code);
