import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { toBase64Url, utf8 } from "./encoding";

/**
 * HMAC-SHA256 under the server's TOKEN_SECRET, with a purpose label so a value computed for one
 * use (a code, a refresh token) can never be replayed as another. Synchronous: it is on hot paths.
 */
export function keyedBytes(secret: string, label: string, ...parts: string[]): Uint8Array {
  return hmac(sha256, utf8(secret), utf8([label, ...parts].join("\u0000")));
}

export const keyedHash = (secret: string, label: string, ...parts: string[]): string => toBase64Url(keyedBytes(secret, label, ...parts));
