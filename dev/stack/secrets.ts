import { generateKeyPairSync, randomBytes } from "node:crypto";

/** A fresh Ed25519 signing key as the JWK the worker's JWT_PRIVATE_KEY expects (with a kid). */
export function generateSigningJwk(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  return JSON.stringify({ kty: jwk.kty, crv: jwk.crv, d: jwk.d, x: jwk.x, kid: `k-${randomBytes(6).toString("hex")}` });
}

export const generateTokenSecret = (): string => randomBytes(32).toString("base64url");
