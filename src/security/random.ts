import { toBase64Url } from "./encoding";

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** An unguessable token: 32 bytes (256 bits) from the CSPRNG, base64url. */
export const randomToken = (bytes = 32): string => toBase64Url(randomBytes(bytes));

/**
 * A uniformly random decimal string of `digits` digits. Rejection sampling keeps every value
 * equally likely (a plain `% 10^n` would favour the low ones). `fill` is the CSPRNG; tests pass their
 * own words to see the rejection happen.
 */
export function randomDigits(digits: number, fill: (words: Uint32Array) => unknown = (words) => crypto.getRandomValues(words)): string {
  const range = 10 ** digits;
  const limit = Math.floor(0x1_0000_0000 / range) * range;
  const word = new Uint32Array(1);
  for (;;) {
    fill(word);
    if (word[0]! < limit) return String(word[0]! % range).padStart(digits, "0");
  }
}
