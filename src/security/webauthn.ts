import { decodeCBORToNativeValueNoLeftoverBytes } from "@oslojs/cbor";
import {
  ClientDataType,
  COSEKeyType,
  coseAlgorithmEdDSA,
  coseAlgorithmES256,
  coseAlgorithmRS256,
  coseEllipticCurveEd25519,
  coseEllipticCurveP256,
  parseAuthenticatorData,
  parseClientDataJSON,
  type AuthenticatorData,
  type COSEPublicKey,
} from "@oslojs/webauthn";
import { sha256 } from "@noble/hashes/sha2.js";
import { constantTimeEqual } from "./constant-time";
import { fromBase64, toBase64Url, utf8 } from "./encoding";

/**
 * WebAuthn's relying-party checks (Level 3, §7.1 and §7.2) for passkeys, on WebCrypto. @oslojs/webauthn
 * parses what the authenticator sent (CBOR, authenticator data, COSE keys); the checks and the signature
 * are here. Attestation is not asked for ("none"): a passkey is trusted because a signed-in user with
 * the password registered it, not because of who made the authenticator, so attestation statements are
 * not verified (SimpleWebAuthn's server library verifies seven formats through ASN.1 and X.509 parsers:
 * 86 KiB gzipped, more than half of this worker).
 */

/** The COSE algorithms offered, in order of preference: Ed25519, P-256, RSA (Windows Hello). */
export const PASSKEY_ALGORITHMS = [coseAlgorithmEdDSA, coseAlgorithmES256, coseAlgorithmRS256] as const;
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

interface ClientChecks {
  type: ClientDataType;
  rp: RelyingParty;
}

/** clientDataJSON: the ceremony's type and origin; answers the challenge it carries, to look up. */
function checkClientData(clientDataJSON: string, { type, rp }: ClientChecks): { challenge: Uint8Array; raw: Uint8Array } {
  const raw = decodeBase64Url(clientDataJSON, "clientDataJSON");
  let data;
  try {
    data = parseClientDataJSON(raw);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (data.type !== type) fail(`clientData.type is not ${type === ClientDataType.Create ? "webauthn.create" : "webauthn.get"}`);
  if (!rp.origins.includes(data.origin)) fail(`origin ${data.origin} is not allowed`);
  if (data.crossOrigin) fail("the ceremony ran in a cross-origin frame");
  return { challenge: data.challenge, raw };
}

/** Authenticator data: for this relying party, the user present and verified (passkeys ask for both). */
function checkAuthenticatorData(raw: Uint8Array, rp: RelyingParty): { data: AuthenticatorData; backupEligible: boolean; backedUp: boolean } {
  let data: AuthenticatorData;
  try {
    data = parseAuthenticatorData(raw);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (!constantTimeEqual(data.relyingPartyIdHash, sha256(utf8(rp.id)))) fail(`the credential is not for rp id ${rp.id}`);
  if (!data.userPresent) fail("the user was not present");
  if (!data.userVerified) fail("the user was not verified");
  // Flags byte (§6.1): BE (bit 3) may the credential be synced; BS (bit 4) is it backed up now.
  const flags = raw[32]!;
  const backupEligible = (flags & 0x08) !== 0;
  const backedUp = (flags & 0x10) !== 0;
  if (backedUp && !backupEligible) fail("backed up but not backup-eligible");
  return { data, backupEligible, backedUp };
}

const bigintBytes = (value: bigint, length?: number): Uint8Array => {
  let hex = value.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  if (length !== undefined) hex = hex.padStart(length * 2, "0");
  return Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16));
};

/** The credential's public key as a JWK, for crypto.subtle.importKey, and its COSE algorithm. */
function publicKeyJwk(key: COSEPublicKey): { jwk: JsonWebKey; algorithm: number } {
  try {
    const algorithm = key.algorithm();
    const type = key.type();
    if (algorithm === coseAlgorithmES256 && type === COSEKeyType.EC2) {
      const { curve, x, y } = key.ec2();
      if (curve !== coseEllipticCurveP256) fail("ES256 on a curve other than P-256");
      return { algorithm, jwk: { kty: "EC", crv: "P-256", x: toBase64Url(bigintBytes(x, 32)), y: toBase64Url(bigintBytes(y, 32)) } };
    }
    if (algorithm === coseAlgorithmEdDSA && type === COSEKeyType.OKP) {
      const { curve, x } = key.okp();
      if (curve !== coseEllipticCurveEd25519) fail("EdDSA on a curve other than Ed25519");
      return { algorithm, jwk: { kty: "OKP", crv: "Ed25519", x: toBase64Url(x) } };
    }
    if (algorithm === coseAlgorithmRS256 && type === COSEKeyType.RSA) {
      const { n, e } = key.rsa();
      if (n < 1n << 2047n) fail("an RSA key under 2048 bits");
      return { algorithm, jwk: { kty: "RSA", n: toBase64Url(bigintBytes(n)), e: toBase64Url(bigintBytes(e)) } };
    }
  } catch (err) {
    if (err instanceof WebAuthnRejected) throw err;
    return fail(`unreadable public key: ${(err as Error).message}`);
  }
  return fail("a public key algorithm that was not offered");
}

const IMPORT: Record<number, SubtleCryptoImportKeyAlgorithm> = {
  [coseAlgorithmES256]: { name: "ECDSA", namedCurve: "P-256" },
  [coseAlgorithmEdDSA]: { name: "Ed25519" },
  [coseAlgorithmRS256]: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
};
const VERIFY: Record<number, SubtleCryptoSignAlgorithm> = {
  [coseAlgorithmES256]: { name: "ECDSA", hash: "SHA-256" },
  [coseAlgorithmEdDSA]: { name: "Ed25519" },
  [coseAlgorithmRS256]: { name: "RSASSA-PKCS1-v1_5" },
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

async function verifySignature(jwk: JsonWebKey, algorithm: number, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  const importAs = IMPORT[algorithm] ?? fail(`unknown algorithm ${algorithm}`);
  const key = await crypto.subtle.importKey("jwk", jwk, importAs, false, ["verify"]);
  const sig = algorithm === coseAlgorithmES256 ? derToRaw(signature) : signature;
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
export function readRegistration(response: RegistrationResponse, rp: RelyingParty): { challengeKey: string; passkey: RegisteredPasskey } {
  const client = checkClientData(response.response.clientDataJSON, { type: ClientDataType.Create, rp });
  const attestation = decodeBase64Url(response.response.attestationObject, "attestationObject");
  let decoded: unknown;
  try {
    decoded = decodeCBORToNativeValueNoLeftoverBytes(attestation, 4);
  } catch {
    return fail("attestationObject is not CBOR");
  }
  const authData = (decoded as { authData?: unknown }).authData;
  if (!(authData instanceof Uint8Array)) return fail("attestationObject has no authData");
  const { data, backupEligible, backedUp } = checkAuthenticatorData(authData, rp);
  const credential = data.credential ?? fail("no credential in the authenticator data");
  const credentialId = toBase64Url(credential.id);
  if (credentialId !== response.rawId || response.id !== response.rawId) fail("the response's id is not the credential's");
  if (credential.id.length > 1023) fail("a credential id over 1023 bytes");
  const { jwk, algorithm } = publicKeyJwk(credential.publicKey);
  return {
    challengeKey: challengeKey(client.challenge),
    passkey: {
      credentialId,
      publicKey: JSON.stringify(jwk),
      algorithm,
      signCount: data.signatureCounter,
      backupEligible,
      backedUp,
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
  const client = checkClientData(response.response.clientDataJSON, { type: ClientDataType.Get, rp });
  const authData = decodeBase64Url(response.response.authenticatorData, "authenticatorData");
  const { data, backedUp } = checkAuthenticatorData(authData, rp);
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
      return { signCount: data.signatureCounter, backedUp };
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
