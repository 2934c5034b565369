import { pbkdf2Async } from "@noble/hashes/pbkdf2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bcryptCost, verifyBcrypt } from "./bcrypt";
import { constantTimeEqual } from "./constant-time";
import { fromBase64, utf8 } from "./encoding";

/**
 * The hashes of the FastAPI services this replaces (passlib), checked at sign-in so their users keep
 * their passwords; a right one is replaced by our scrypt in the same statement that records the sign-in.
 * The password is checked as sent (passlib hashed the UTF-8 bytes it was given, without NFKC).
 */

// bcrypt (security/bcrypt.ts): $2a$ / $2b$ / $2y$, the cost as stored; only the first 72 bytes of the
// password count, as in passlib's bcrypt (its truncate_error is off by default). Costs above 14 would take
// seconds of pure-JS work per attempt: such a row cannot be signed in to.
const BCRYPT_COSTS = { min: 4, max: 14 };

// passlib's pbkdf2_sha256: $pbkdf2-sha256$<rounds>$<salt>$<32-byte key>, both in its "ab64" (base64
// with "." for "+", unpadded).
const PBKDF2 = /^\$pbkdf2-sha256\$(\d{1,7})\$([./A-Za-z0-9]{0,64})\$([./A-Za-z0-9]{43})$/;
/** Workers' WebCrypto refuses PBKDF2 above 100 000 iterations; above it @noble/hashes computes it in JS. */
export const WEBCRYPTO_PBKDF2_MAX_ITERATIONS = 100_000;
const PBKDF2_MAX_ITERATIONS = 1_000_000;

export const isLegacyHash = (stored: string): boolean => bcryptCost(stored) !== undefined || PBKDF2.test(stored);

// fromBase64 takes the unpadded form (as for refresh tokens); a length no base64 has throws.
const ab64 = (text: string) => fromBase64(text.replace(/\./g, "+"));

export type LegacyHashScheme = "bcrypt" | "pbkdf2_sha256";

type LegacyHash =
  | { scheme: "bcrypt" }
  | { scheme: "pbkdf2_sha256"; iterations: number; salt: Uint8Array; key: Uint8Array };

/**
 * `stored` read as one of the legacy formats, within the bounds sign-in checks; undefined when no password
 * can match it (another format, a cost or round count out of bounds, a salt no base64 takes).
 */
function parseLegacyHash(stored: string): LegacyHash | undefined {
  const cost = bcryptCost(stored);
  if (cost !== undefined) return cost >= BCRYPT_COSTS.min && cost <= BCRYPT_COSTS.max ? { scheme: "bcrypt" } : undefined;
  const pbkdf2Match = PBKDF2.exec(stored);
  if (!pbkdf2Match) return undefined;
  const iterations = Number(pbkdf2Match[1]);
  if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) return undefined;
  try {
    return { scheme: "pbkdf2_sha256", iterations, salt: ab64(pbkdf2Match[2]!), key: ab64(pbkdf2Match[3]!) };
  } catch {
    return undefined; // a corrupt row: no password matches it
  }
}

/**
 * The passlib scheme of `stored` when sign-in can check a password against it, else undefined: what the
 * import command (dev/import/) asks before it copies a hash, so it never copies one no password opens.
 */
export const legacyHashScheme = (stored: string): LegacyHashScheme | undefined => parseLegacyHash(stored)?.scheme;

async function pbkdf2Sha256(password: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  if (iterations > WEBCRYPTO_PBKDF2_MAX_ITERATIONS) return pbkdf2Async(sha256, password, salt, { c: iterations, dkLen: 32 });
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256));
}

/** True when `password` matches the legacy `stored` hash; false for a mismatch or a hash out of bounds. */
export async function verifyLegacyPassword(password: string, stored: string): Promise<boolean> {
  const hash = parseLegacyHash(stored);
  if (hash?.scheme === "bcrypt") return verifyBcrypt(password, stored);
  if (hash?.scheme === "pbkdf2_sha256") return constantTimeEqual(await pbkdf2Sha256(utf8(password), hash.salt, hash.iterations), hash.key);
  return false;
}
