import { fromBase64, toBase64Url, utf8 } from "./encoding";
import { randomBytes } from "./random";

/**
 * A small secret the server must read back (a TOTP seed, unlike a password or a code, cannot be stored
 * as a hash), encrypted at rest: AES-256-GCM under a key derived from TOKEN_SECRET for one purpose, so a
 * leaked table is useless without the worker's secret. The owner (e.g. the user id) is authenticated as
 * additional data, so a ciphertext copied onto another user's row does not open there.
 *
 * Stored as `v1.<iv>.<ciphertext and tag>` (base64url): self-describing, so the scheme can change later
 * and rows of both generations be read while it does.
 */
export type SecretBoxPurpose = "totp-secret";

const VERSION = "v1";
// GCM's native nonce length. Random nonces are safe for 2^32 boxes under one key (NIST SP 800-38D), and a
// box is written only when a user sets up a factor.
const IV_BYTES = 12;
const FORMAT = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/; // 12 bytes; at least the 16-byte tag

// Deriving a key costs an import and an HKDF: once per isolate for each (secret, purpose).
const keys = new Map<string, Map<string, Promise<CryptoKey>>>();

function boxKey(tokenSecret: string, purpose: SecretBoxPurpose): Promise<CryptoKey> {
  let byPurpose = keys.get(tokenSecret);
  if (!byPurpose) keys.set(tokenSecret, (byPurpose = new Map()));
  let key = byPurpose.get(purpose);
  if (!key) {
    key = deriveKey(tokenSecret, purpose);
    byPurpose.set(purpose, key);
    // A failure is not remembered: the next call tries again.
    key.catch(() => byPurpose.delete(purpose));
  }
  return key;
}

async function deriveKey(tokenSecret: string, purpose: SecretBoxPurpose): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", utf8(tokenSecret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    // The salt names this scheme, the info its purpose: no other use of TOKEN_SECRET derives this key.
    { name: "HKDF", hash: "SHA-256", salt: utf8("secret-box"), info: utf8(`${VERSION} ${purpose}`) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

// The version is authenticated too, so a v1 box can never be read as a later scheme's.
const additionalData = (owner: string): Uint8Array => utf8(`${VERSION}\u0000${owner}`);

export async function sealSecret(tokenSecret: string, purpose: SecretBoxPurpose, owner: string, plaintext: Uint8Array): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(owner) },
    await boxKey(tokenSecret, purpose),
    plaintext,
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

/** The plaintext, or null if the text is malformed, was altered, belongs to another owner or another key. */
export async function openSecret(tokenSecret: string, purpose: SecretBoxPurpose, owner: string, stored: string): Promise<Uint8Array | null> {
  const m = FORMAT.exec(stored);
  // A base64 text of 4n+1 characters encodes no whole bytes (atob would throw).
  if (!m || m[2]!.length % 4 === 1) return null;
  const iv = fromBase64(m[1]!);
  const sealed = fromBase64(m[2]!);
  // Base64 has spare bits at the end: only the one spelling this module writes is accepted.
  if (toBase64Url(iv) !== m[1] || toBase64Url(sealed) !== m[2]) return null;
  const key = await boxKey(tokenSecret, purpose);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: additionalData(owner) }, key, sealed));
  } catch {
    // GCM's tag did not verify: any change to the IV, ciphertext, owner or key ends here.
    return null;
  }
}
