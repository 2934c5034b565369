import { constantTimeEqual } from "./constant-time";
import { isLegacyHash, legacyHashScheme, verifyLegacyPassword, type LegacyHashScheme } from "./legacy-password";
import { fromBase64, toBase64, utf8 } from "./encoding";
import { keyedBytes } from "./hmac";
import { randomBytes } from "./random";
import { timed } from "../timing";
import { scrypt as rawScrypt, type ScryptParams, type ScryptImpl } from "./scrypt";

// Hashing is the other big cost of a request; its time shows in Server-Timing.
const scrypt: ScryptImpl = (password, salt, params, keyLength) => timed("hash", () => rawScrypt(password, salt, params, keyLength));

/** OWASP's scrypt floor with p=5: 16 MiB per hash, inside the Workers 128 MB isolate limit. */
export const CURRENT_PARAMS: ScryptParams = { ln: 14, r: 8, p: 5 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

// $scrypt$ln=14,r=8,p=5$<salt b64>$<hash b64>: self-describing so the cost can change later.
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

/** Passwords are compared after NFKC so the same text typed on different keyboards matches. */
export const normalizePassword = (password: string): string => password.normalize("NFKC");

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS, salt = randomBytes(SALT_LENGTH)): Promise<string> {
  const key = await scrypt(utf8(normalizePassword(password)), salt, params, KEY_LENGTH);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${toBase64(salt)}$${toBase64(key)}`;
}

/**
 * The salt of an unverified registration's password hash: derived from the address under TOKEN_SECRET
 * instead of drawn at random, so verification can hash the password it is given and compare it with the
 * registration's in the same statement that activates the account, without reading the row first. Still
 * unique per address and unknowable without the secret.
 */
export const registrationSalt = (tokenSecret: string, email: string): Uint8Array =>
  keyedBytes(tokenSecret, "registration-salt", email).subarray(0, SALT_LENGTH);

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash used other parameters than today's: store a fresh one after a successful login. */
  needsRehash: boolean;
}

interface ScryptHash {
  params: ScryptParams;
  salt: Uint8Array;
  key: Uint8Array;
}

/** `stored` as our scrypt format within bounds, or undefined when no password can match it. */
function parseScryptHash(stored: string): ScryptHash | undefined {
  const m = FORMAT.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds keep a corrupt row from asking for gigabytes of memory or minutes of CPU.
  if (params.ln < 10 || params.ln > 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return undefined;
  try {
    return { params, salt: fromBase64(m[4]!), key: fromBase64(m[5]!) };
  } catch {
    return undefined; // base64 of a length no encoder makes: a corrupt row
  }
}

export type PasswordHashScheme = "scrypt" | LegacyHashScheme;

/**
 * The scheme of a stored hash that sign-in can check a password against (ours, or one of the legacy
 * formats), else undefined. The import command copies only hashes this recognises.
 */
export const passwordHashScheme = (stored: string): PasswordHashScheme | undefined =>
  parseScryptHash(stored) ? "scrypt" : legacyHashScheme(stored);

export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  if (isLegacyHash(stored)) return verifyImportedPassword(password, stored);
  const hash = parseScryptHash(stored);
  if (!hash) return { ok: false, needsRehash: false };
  const { params, salt, key: expected } = hash;
  const actual = await scrypt(utf8(normalizePassword(password)), salt, params, expected.length);
  const ok = constantTimeEqual(actual, expected);
  const needsRehash = params.ln !== CURRENT_PARAMS.ln || params.r !== CURRENT_PARAMS.r || params.p !== CURRENT_PARAMS.p;
  return { ok, needsRehash: ok && needsRehash };
}

// A well-formed hash at today's parameters that no password matches: checking against it costs exactly
// what a real check costs, so "no such user" and "wrong password" take the same time.
const DUMMY_HASH = `$scrypt$ln=${CURRENT_PARAMS.ln},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p}$${toBase64(new Uint8Array(SALT_LENGTH))}$${toBase64(new Uint8Array(KEY_LENGTH))}`;

/**
 * An imported account's hash (bcrypt or passlib's pbkdf2_sha256, security/legacy-password.ts): a right
 * password asks for a rehash, which the sign-in stores in its own statement. A wrong one also spends a
 * scrypt check, so guessing against an imported hash costs at least what it costs against ours (a
 * PBKDF2 at 29 000 rounds is a few milliseconds).
 */
async function verifyImportedPassword(password: string, stored: string): Promise<PasswordCheck> {
  const ok = await timed("hash", () => verifyLegacyPassword(password, stored));
  if (!ok) await spendDummyPasswordCheck(password);
  return { ok, needsRehash: ok };
}

/** Spends one password check's work and always fails. */
export async function spendDummyPasswordCheck(password: string): Promise<void> {
  await verifyPassword(password, DUMMY_HASH);
}
