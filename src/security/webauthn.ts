import { sha256 } from "@noble/hashes/sha2.js";
import { CborError, decodeCbor, decodeCborItem, type CborMap } from "./cbor";
import { constantTimeEqual } from "./constant-time";
import { fromBase64, fromUtf8, toBase64Url, utf8 } from "./encoding";

/**
 * WebAuthn's relying-party checks (Level 3, §7.1 and §7.2) for passkeys, on WebCrypto. What the browser
 * and the authenticator send is read here too: client data as JSON, authenticator data and COSE keys by
 * hand, the CBOR in them with ./cbor (strict, and only what WebAuthn uses; a general library cost 6.5 KiB
 * gzipped of the bundle). Attestation is not asked for ("none"): a passkey is trusted because a signed-in
 * user with the password registered it, not because of who made the authenticator, so attestation
 * statements are not verified (SimpleWebAuthn's server library verifies seven formats through ASN.1 and
 * X.509 parsers: 86 KiB gzipped, more than half of this worker).
 */

/** COSE algorithms (RFC 9053), the ones offered. */
const EDDSA = -8;
const ES256 = -7;
const RS256 = -257;

/** The COSE algorithms offered, in order of preference: Ed25519, P-256, RSA (Windows Hello). */
export const PASSKEY_ALGORITHMS = [EDDSA, ES256, RS256] as const;
export const CHALLENGE_BYTES = 32;
/** What the browser is told to wait for the user (ms); challenges live a little longer (5 min). */
export const CEREMONY_TIMEOUT_MS = 4 * 60 * 1000;

export interface RelyingParty {
  id: string;
  name: string;
  /** Exact origins (scheme://host[:port]) a ceremony may come from. */
  origins: readonly string[];
}

/** Why a ceremony was refused, for the logs; the client is told only that the passkey was refused. */
export class WebAuthnRejected extends Error {
  override name = "WebAuthnRejected";
}

const fail = (why: string): never => {
  throw new WebAuthnRejected(why);
};

/** The challenge's key in the database: a hash, so a dump names no live challenge. */
export const challengeKey = (challenge: Uint8Array): string => toBase64Url(sha256(challenge));

const decodeBase64Url = (text: string, what: string): Uint8Array => {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) fail(`${what} is not base64url`);
  try {
    return fromBase64(text);
  } catch {
    return fail(`${what} is not base64url`);
  }
};

/** CBOR the authenticator sent, decoded; malformed is a refusal like any other. */
function readCbor<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof CborError) return fail(`malformed CBOR in ${what}: ${err.message}`);
    throw err;
  }
}

interface ClientChecks {
  type: "webauthn.create" | "webauthn.get";
  rp: RelyingParty;
}

/** CollectedClientData (§5.8.1): the members the checks read, each of the type it must have. */
function readClientData(raw: Uint8Array): { type: string; challenge: Uint8Array; origin: string; crossOrigin: boolean } {
  let data: unknown;
  try {
    data = JSON.parse(fromUtf8(raw));
  } catch {
    return fail("clientDataJSON is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return fail("clientDataJSON is not a JSON object");
  const { type, challenge, origin, crossOrigin = false } = data as Record<string, unknown>;
  if (typeof type !== "string") return fail("clientData.type is missing or not a string");
  if (typeof challenge !== "string") return fail("clientData.challenge is missing or not a string");
  if (typeof origin !== "string") return fail("clientData.origin is missing or not a string");
  if (typeof crossOrigin !== "boolean") return fail("clientData.crossOrigin is not a boolean");
  return { type, challenge: decodeBase64Url(challenge, "clientData.challenge"), origin, crossOrigin };
}

/** clientDataJSON: the ceremony's type and origin; answers the challenge it carries, to look up. */
function checkClientData(clientDataJSON: string, { type, rp }: ClientChecks): { challenge: Uint8Array; raw: Uint8Array } {
  const raw = decodeBase64Url(clientDataJSON, "clientDataJSON");
  const data = readClientData(raw);
  if (data.type !== type) fail(`clientData.type is not ${type}`);
  if (!rp.origins.includes(data.origin)) fail(`origin ${data.origin} is not allowed`);
  if (data.crossOrigin) fail("the ceremony ran in a cross-origin frame");
  return { challenge: data.challenge, raw };
}

interface AuthenticatorData {
  rpIdHash: Uint8Array;
  userPresent: boolean;
  userVerified: boolean;
  /** May the credential be synced to other devices; is it backed up now. */
  backupEligible: boolean;
  backedUp: boolean;
  signCount: number;
  /** Attested credential data: the new credential, at registration. */
  credential: { id: Uint8Array; publicKey: CborMap } | null;
}

/** The flags byte's bits (§6.1). */
const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;
const ED = 0x80;

/**
 * Authenticator data (§6.1): rpIdHash (32 bytes), flags (1), signCount (4, big-endian); then with AT the
 * attested credential data (§6.5.1), with ED the extensions (a CBOR map); nothing after.
 */
function readAuthenticatorData(raw: Uint8Array): AuthenticatorData {
  if (raw.length < 37) fail("authenticator data under 37 bytes");
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const flags = raw[32]!;
  let at = 37;
  let credential: AuthenticatorData["credential"] = null;
  if (flags & AT) {
    // aaguid (16 bytes), credentialIdLength (2, big-endian), credentialId, credentialPublicKey (one CBOR item).
    if (raw.length < at + 18) fail("attested credential data cut short");
    const idLength = view.getUint16(at + 16);
    at += 18;
    if (idLength > raw.length - at) fail("a credential id longer than the authenticator data");
    const id = raw.subarray(at, at + idLength);
    const key = readCbor("the credential public key", () => decodeCborItem(raw, at + idLength));
    if (!(key.value instanceof Map)) return fail("the credential public key is not a CBOR map");
    credential = { id, publicKey: key.value };
    at = key.end;
  }
  if (flags & ED) {
    const extensions = readCbor("the authenticator extensions", () => decodeCborItem(raw, at));
    if (!(extensions.value instanceof Map)) fail("the authenticator extensions are not a CBOR map");
    at = extensions.end;
  }
  if (at !== raw.length) fail(`bytes left after the authenticator data: ${raw.length - at}`);
  return {
    rpIdHash: raw.subarray(0, 32),
    userPresent: (flags & UP) !== 0,
    userVerified: (flags & UV) !== 0,
    backupEligible: (flags & BE) !== 0,
    backedUp: (flags & BS) !== 0,
    signCount: view.getUint32(33),
    credential,
  };
}

/** Authenticator data: for this relying party, the user present and verified (passkeys ask for both). */
function checkAuthenticatorData(raw: Uint8Array, rp: RelyingParty): AuthenticatorData {
  const data = readAuthenticatorData(raw);
  if (!constantTimeEqual(data.rpIdHash, sha256(utf8(rp.id)))) fail(`the credential is not for rp id ${rp.id}`);
  if (!data.userPresent) fail("the user was not present");
  if (!data.userVerified) fail("the user was not verified");
  if (data.backedUp && !data.backupEligible) fail("backed up but not backup-eligible");
  return data;
}

/** COSE_Key (RFC 9052 §7, RFC 9053 §7): the labels and values read. */
const KTY = 1;
const ALG = 3;
const OKP = 1;
const EC2 = 2;
const RSA = 3;
const P256 = 1;
const ED25519 = 6;

/** A byte string parameter of the key, of exactly `length` bytes if given. */
function keyBytes(key: CborMap, label: number, name: string, length?: number): Uint8Array {
  const value = key.get(label);
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) return fail(`unreadable public key: its ${name}`);
  return value;
}

/** JWK integers are big-endian without leading zero bytes (RFC 7518 §2, Base64urlUInt). */
function unsignedBytes(bytes: Uint8Array): Uint8Array {
  let first = 0;
  while (first < bytes.length - 1 && bytes[first] === 0) first++;
  return bytes.subarray(first);
}

/** The credential's public key as a JWK, for crypto.subtle.importKey, and its COSE algorithm. */
function publicKeyJwk(key: CborMap): { jwk: JsonWebKey; algorithm: number } {
  const algorithm = key.get(ALG);
  const type = key.get(KTY);
  if (typeof algorithm !== "number") return fail("unreadable public key: its alg");
  if (typeof type !== "number") return fail("unreadable public key: its kty");
  if (algorithm === ES256 && type === EC2) {
    // crv -1, x -2, y -3: the point's coordinates, each the curve's full 32 bytes.
    const curve = key.get(-1);
    const x = keyBytes(key, -2, "x", 32);
    const y = keyBytes(key, -3, "y", 32);
    if (curve !== P256) fail("ES256 on a curve other than P-256");
    return { algorithm, jwk: { kty: "EC", crv: "P-256", x: toBase64Url(x), y: toBase64Url(y) } };
  }
  if (algorithm === EDDSA && type === OKP) {
    // crv -1, x -2: the key's 32 bytes (any other length would be stored, then fail every sign-in);
    // a private key (d, -4) has no business here.
    const curve = key.get(-1);
    const x = keyBytes(key, -2, "x", 32);
    if (key.has(-4)) fail("a public key carrying its private key");
    if (curve !== ED25519) fail("EdDSA on a curve other than Ed25519");
    return { algorithm, jwk: { kty: "OKP", crv: "Ed25519", x: toBase64Url(x) } };
  }
  if (algorithm === RS256 && type === RSA) {
    // n -1, e -2: a 2048-bit modulus (256 bytes, the top bit set: Windows Hello's size, and the only one
    // this service has ever taken) and a 3-byte exponent (65537).
    const n = keyBytes(key, -1, "n", 256);
    const e = keyBytes(key, -2, "e", 3);
    if (n[0]! < 0x80) fail("an RSA key under 2048 bits");
    return { algorithm, jwk: { kty: "RSA", n: toBase64Url(n), e: toBase64Url(unsignedBytes(e)) } };
  }
  return fail("a public key algorithm that was not offered");
}

const IMPORT: Record<number, SubtleCryptoImportKeyAlgorithm> = {
  [ES256]: { name: "ECDSA", namedCurve: "P-256" },
  [EDDSA]: { name: "Ed25519" },
  [RS256]: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
};
const VERIFY: Record<number, SubtleCryptoSignAlgorithm> = {
  [ES256]: { name: "ECDSA", hash: "SHA-256" },
  [EDDSA]: { name: "Ed25519" },
  [RS256]: { name: "RSASSA-PKCS1-v1_5" },
};

/** An ECDSA signature as WebAuthn sends it (ASN.1 DER SEQUENCE of two INTEGERs) → WebCrypto's r‖s. */
function derToRaw(der: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  let at = 0;
  const byte = () => der[at++] ?? fail("a truncated ECDSA signature");
  if (byte() !== 0x30) fail("an ECDSA signature that is not a DER sequence");
  if (byte() !== der.length - 2) fail("an ECDSA signature of the wrong length");
  for (const offset of [0, 32]) {
    if (byte() !== 0x02) fail("an ECDSA signature without its integers");
    const length = byte();
    if (length < 1 || length > 33 || at + length > der.length) fail("an ECDSA integer of the wrong length");
    let value = der.subarray(at, at + length);
    at += length;
    if (value.length === 33) {
      if (value[0] !== 0) fail("an ECDSA integer of the wrong length");
      value = value.subarray(1);
    }
    out.set(value, offset + 32 - value.length);
  }
  if (at !== der.length) fail("bytes after an ECDSA signature");
  return out;
}

/**
 * The key as WebCrypto verifies with it. Registration imports it once too, so a key that reads well but
 * cannot be used (an EC point off the curve) is refused there, not stored to fail every sign-in later.
 */
async function verifyingKey(jwk: JsonWebKey, algorithm: number): Promise<CryptoKey> {
  const importAs = IMPORT[algorithm] ?? fail(`unknown algorithm ${algorithm}`);
  try {
    return await crypto.subtle.importKey("jwk", jwk, importAs, false, ["verify"]);
  } catch {
    return fail("a public key WebCrypto cannot import");
  }
}

async function verifySignature(jwk: JsonWebKey, algorithm: number, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  const key = await verifyingKey(jwk, algorithm);
  const sig = algorithm === ES256 ? derToRaw(signature) : signature;
  return crypto.subtle.verify(VERIFY[algorithm]!, key, sig, message);
}

// ---------------------------------------------------------------------------------------------------
// Registration (§7.1)

export interface RegistrationResponse {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; attestationObject: string; transports?: string[] };
}

export interface RegisteredPasskey {
  credentialId: string;
  /** JSON text of the public key's JWK. */
  publicKey: string;
  algorithm: number;
  signCount: number;
  backupEligible: boolean;
  backedUp: boolean;
  transports: string[];
}

/** The registration response read and checked, all but its challenge: `challengeKey` is looked up by the caller. */
export async function readRegistration(response: RegistrationResponse, rp: RelyingParty): Promise<{ challengeKey: string; passkey: RegisteredPasskey }> {
  const client = checkClientData(response.response.clientDataJSON, { type: "webauthn.create", rp });
  const attestationObject = decodeBase64Url(response.response.attestationObject, "attestationObject");
  const attestation = readCbor("attestationObject", () => decodeCbor(attestationObject));
  const authData = attestation instanceof Map ? attestation.get("authData") : undefined;
  if (!(authData instanceof Uint8Array)) return fail("attestationObject has no authData");
  const data = checkAuthenticatorData(authData, rp);
  const credential = data.credential ?? fail("no credential in the authenticator data");
  const credentialId = toBase64Url(credential.id);
  if (credentialId !== response.rawId || response.id !== response.rawId) fail("the response's id is not the credential's");
  if (credential.id.length > 1023) fail("a credential id over 1023 bytes");
  const { jwk, algorithm } = publicKeyJwk(credential.publicKey);
  await verifyingKey(jwk, algorithm);
  return {
    challengeKey: challengeKey(client.challenge),
    passkey: {
      credentialId,
      publicKey: JSON.stringify(jwk),
      algorithm,
      signCount: data.signCount,
      backupEligible: data.backupEligible,
      backedUp: data.backedUp,
      transports: [...new Set(response.response.transports ?? [])].filter((t) => /^[a-z-]{1,20}$/.test(t)).slice(0, 8),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Authentication (§7.2)

export interface AuthenticationResponse {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string | null };
}

export interface AssertionRead {
  challengeKey: string;
  credentialId: string;
  /** The user id the authenticator stored with the passkey (its user handle), if it sent one. */
  userHandle: string | null;
  /** Verifies the signature with the stored key; then answers the counter and backup state it reported. */
  verify(stored: { publicKey: string; algorithm: number }): Promise<{ signCount: number; backedUp: boolean }>;
}

/** The assertion read and checked, all but its challenge (looked up by the caller) and its signature (`verify`). */
export function readAssertion(response: AuthenticationResponse, rp: RelyingParty): AssertionRead {
  if (response.id !== response.rawId) fail("the response's id is not its rawId");
  const client = checkClientData(response.response.clientDataJSON, { type: "webauthn.get", rp });
  const authData = decodeBase64Url(response.response.authenticatorData, "authenticatorData");
  const data = checkAuthenticatorData(authData, rp);
  const signature = decodeBase64Url(response.response.signature, "signature");
  const handle = response.response.userHandle ? new TextDecoder().decode(decodeBase64Url(response.response.userHandle, "userHandle")) : null;
  return {
    challengeKey: challengeKey(client.challenge),
    credentialId: response.rawId,
    userHandle: handle,
    async verify(stored) {
      // §7.2 step 20: the signature is over authenticatorData ‖ SHA-256(clientDataJSON).
      const message = new Uint8Array(authData.length + 32);
      message.set(authData);
      message.set(sha256(client.raw), authData.length);
      if (!(await verifySignature(JSON.parse(stored.publicKey) as JsonWebKey, stored.algorithm, signature, message))) fail("the signature does not verify");
      return { signCount: data.signCount, backedUp: data.backedUp };
    },
  };
}

/**
 * §7.2 step 22: a counter that does not move forward, where either side is non-zero, means two copies
 * of the credential exist (a cloned authenticator). Synced passkeys report 0 always.
 */
export const counterRegressed = (stored: number, reported: number): boolean => (stored !== 0 || reported !== 0) && reported <= stored;

// ---------------------------------------------------------------------------------------------------
// Options (the JSON forms of PublicKeyCredentialCreationOptions / RequestOptions, §5.4 and §5.5)

export function creationOptions(p: {
  rp: RelyingParty;
  challenge: Uint8Array;
  user: { id: string; email: string; displayName: string };
  exclude: { credentialId: string; transports: string[] }[];
}) {
  return {
    challenge: toBase64Url(p.challenge),
    rp: { id: p.rp.id, name: p.rp.name },
    // The user handle is the account's id: no personal data, and sign-in can tell whose passkey it is.
    user: { id: toBase64Url(utf8(p.user.id)), name: p.user.email, displayName: p.user.displayName },
    pubKeyCredParams: PASSKEY_ALGORITHMS.map((alg): { type: "public-key"; alg: number } => ({ type: "public-key", alg })),
    timeout: CEREMONY_TIMEOUT_MS,
    attestation: "none" as const,
    excludeCredentials: p.exclude.map((c) => ({ type: "public-key" as const, id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { residentKey: "required" as const, requireResidentKey: true as const, userVerification: "required" as const },
  };
}

export function requestOptions(p: { rp: RelyingParty; challenge: Uint8Array }) {
  return {
    challenge: toBase64Url(p.challenge),
    rpId: p.rp.id,
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: "required" as const,
    // Empty: discoverable credentials, so the browser offers the passkeys it has for this site.
    allowCredentials: [] as never[],
  };
}
