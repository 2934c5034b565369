// A passkey authenticator in software, for the API tests: what a browser and a platform authenticator
// send back from navigator.credentials.create() / get() (the JSON forms, as @simplewebauthn/browser and
// PublicKeyCredential.toJSON() give them), made with WebCrypto and a small CBOR encoder written here, so
// the worker's checks meet bytes they did not make themselves. Each option can be bent to make the
// response a test wants refused.

type Alg = "ES256" | "EdDSA" | "RS256";

const COSE_ALG: Record<Alg, number> = { ES256: -7, EdDSA: -8, RS256: -257 };

export interface CreationOptionsJSON {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: string; alg: number }[];
  excludeCredentials: { id: string }[];
}

export interface RequestOptionsJSON {
  challenge: string;
  rpId: string;
}

export const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const fromB64url = (text: string): Uint8Array => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const utf8 = (text: string) => new TextEncoder().encode(text);
const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// CBOR (RFC 8949) for what WebAuthn uses: integers, byte and text strings, booleans, arrays, maps.
export type Cbor = number | string | boolean | Uint8Array | Cbor[] | Map<number | string, Cbor>;
function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 256) return Uint8Array.of((major << 5) | 24, n);
  if (n < 65536) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  return Uint8Array.of((major << 5) | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}
export function cbor(value: Cbor): Uint8Array {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") return concat(head(3, utf8(value).length), utf8(value));
  if (typeof value === "boolean") return Uint8Array.of(value ? 0xf5 : 0xf4);
  if (value instanceof Uint8Array) return concat(head(2, value.length), value);
  if (Array.isArray(value)) return concat(head(4, value.length), ...value.map(cbor));
  return concat(head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
}

/** WebCrypto's ECDSA r‖s → the ASN.1 DER WebAuthn sends. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    const body = trimmed[0]! & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed;
    return concat(Uint8Array.of(0x02, body.length), body);
  };
  const seq = concat(int(raw.subarray(0, 32)), int(raw.subarray(32)));
  return concat(Uint8Array.of(0x30, seq.length), seq);
}

export interface Bend {
  origin?: string;
  rpId?: string;
  type?: string;
  challenge?: string;
  userVerified?: boolean;
  crossOrigin?: boolean;
  /** The counter to report (default: one more than last time, or 0 for a synced-style credential). */
  signCount?: number;
  /** Flip a bit of the signature. */
  badSignature?: boolean;
  /** Rewrite the client data's JSON text. */
  clientDataJSON?: (json: string) => string;
  /** Rewrite the credential public key's bytes (a COSE key in CBOR) inside the authenticator data. */
  coseKey?: (key: Uint8Array) => Uint8Array;
  /** Rewrite the authenticator data, before it is signed or put in the attestation object. */
  authData?: (authData: Uint8Array) => Uint8Array;
  /** Make the attestation object's bytes around the authenticator data (default: "none", as CBOR). */
  attestationObject?: (authData: Uint8Array) => Uint8Array;
}

export class SoftwareAuthenticator {
  readonly credentialId = b64url(crypto.getRandomValues(new Uint8Array(16)));
  private keys?: CryptoKeyPair;
  private counter: number;
  userHandle: string | null = null;

  constructor(
    readonly origin: string,
    readonly alg: Alg = "ES256",
    /** A synced passkey (backup-eligible, backed up, counter always 0), like iCloud Keychain's or Google's. */
    readonly synced = false,
  ) {
    this.counter = synced ? 0 : 1;
  }

  private async keyPair(): Promise<CryptoKeyPair> {
    if (this.alg === "ES256") return (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    if (this.alg === "EdDSA") return (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
  }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey("jwk", this.keys!.publicKey)) as JsonWebKey;
    const m = new Map<number, Cbor>();
    if (this.alg === "ES256") [[1, 2], [3, -7], [-1, 1], [-2, fromB64url(jwk.x!)], [-3, fromB64url(jwk.y!)]].forEach(([k, v]) => m.set(k as number, v as Cbor));
    else if (this.alg === "EdDSA") [[1, 1], [3, -8], [-1, 6], [-2, fromB64url(jwk.x!)]].forEach(([k, v]) => m.set(k as number, v as Cbor));
    else [[1, 3], [3, -257], [-1, fromB64url(jwk.n!)], [-2, fromB64url(jwk.e!)]].forEach(([k, v]) => m.set(k as number, v as Cbor));
    return cbor(m);
  }

  private async authData(rpId: string, bend: Bend, attested: Uint8Array | null): Promise<Uint8Array> {
    const flags =
      0x01 | (bend.userVerified === false ? 0 : 0x04) | (this.synced ? 0x18 : 0) | (attested ? 0x40 : 0);
    const count = bend.signCount ?? this.counter;
    const counter = Uint8Array.of(count >>> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff);
    const authData = concat(await sha256(utf8(rpId)), Uint8Array.of(flags), counter, attested ?? new Uint8Array());
    return bend.authData ? bend.authData(authData) : authData;
  }

  private clientData(type: string, challenge: string, bend: Bend): Uint8Array {
    const json = JSON.stringify({ type: bend.type ?? type, challenge: bend.challenge ?? challenge, origin: bend.origin ?? this.origin, crossOrigin: bend.crossOrigin ?? false });
    return utf8(bend.clientDataJSON ? bend.clientDataJSON(json) : json);
  }

  /** navigator.credentials.create(): a new key pair, answered with "none" attestation. */
  async register(options: CreationOptionsJSON, bend: Bend = {}) {
    if (!options.pubKeyCredParams.some((p) => p.alg === COSE_ALG[this.alg])) throw new Error(`${this.alg} was not offered`);
    this.keys = await this.keyPair();
    this.userHandle = options.user.id;
    const id = fromB64url(this.credentialId);
    const coseKey = await this.coseKey();
    const attested = concat(new Uint8Array(16), Uint8Array.of(id.length >> 8, id.length & 0xff), id, bend.coseKey ? bend.coseKey(coseKey) : coseKey);
    const authData = await this.authData(bend.rpId ?? options.rp.id, bend, attested);
    const attestationObject = bend.attestationObject
      ? bend.attestationObject(authData)
      : cbor(new Map<string, Cbor>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key" as const,
      response: { clientDataJSON: b64url(this.clientData("webauthn.create", options.challenge, bend)), attestationObject: b64url(attestationObject), transports: ["internal", "hybrid"] },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }

  /** navigator.credentials.get(): signs authenticatorData ‖ SHA-256(clientDataJSON). */
  async assert(options: RequestOptionsJSON, bend: Bend = {}) {
    // Never registered anywhere: a key of its own all the same, as a passkey of another site would have.
    this.keys ??= await this.keyPair();
    if (!this.synced && bend.signCount === undefined) this.counter += 1;
    const authData = await this.authData(bend.rpId ?? options.rpId, bend, null);
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, bend);
    const message = concat(authData, await sha256(clientDataJSON));
    const algorithm = this.alg === "ES256" ? { name: "ECDSA", hash: "SHA-256" } : this.alg === "EdDSA" ? { name: "Ed25519" } : { name: "RSASSA-PKCS1-v1_5" };
    let signature: Uint8Array = new Uint8Array(await crypto.subtle.sign(algorithm, this.keys!.privateKey, message));
    if (this.alg === "ES256") signature = rawToDer(signature);
    if (bend.badSignature) signature[signature.length - 1] = signature[signature.length - 1]! ^ 1;
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key" as const,
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: this.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }
}
