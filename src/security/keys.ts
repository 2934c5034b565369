import { importJWK, type JWK } from "jose";
import type { Ed25519PrivateJwk, Ed25519PublicJwk } from "../config";

export const JWT_ALGORITHM = "EdDSA";

export interface KeySet {
  kid: string;
  signingKey: CryptoKey;
  /** Every key a token may be signed with: the current one and older ones still in rotation. */
  verifyingKeys: Map<string, CryptoKey>;
  /** What GET /.well-known/jwks.json publishes: public parts only. */
  jwks: { keys: JWK[] };
}

const publicPart = ({ kty, crv, x, kid }: Ed25519PublicJwk): JWK => ({ kty, crv, x, kid, alg: JWT_ALGORITHM, use: "sig" });

async function build(privateJwk: Ed25519PrivateJwk, olderKeys: Ed25519PublicJwk[]): Promise<KeySet> {
  const signingKey = (await importJWK({ ...privateJwk, alg: JWT_ALGORITHM }, JWT_ALGORITHM)) as CryptoKey;
  const published = [publicPart(privateJwk), ...olderKeys.filter((k) => k.kid !== privateJwk.kid).map(publicPart)];
  const verifyingKeys = new Map<string, CryptoKey>();
  for (const jwk of published) verifyingKeys.set(jwk.kid!, (await importJWK(jwk, JWT_ALGORITHM)) as CryptoKey);
  return { kid: privateJwk.kid, signingKey, verifyingKeys, jwks: { keys: published } };
}

const cache = new WeakMap<Ed25519PrivateJwk, Promise<KeySet>>();

/** Imported once per isolate (keyed by the parsed config object, itself cached per isolate). */
export function loadKeySet(privateJwk: Ed25519PrivateJwk, olderKeys: Ed25519PublicJwk[]): Promise<KeySet> {
  let keys = cache.get(privateJwk);
  if (!keys) {
    keys = build(privateJwk, olderKeys);
    cache.set(privateJwk, keys);
  }
  return keys;
}
