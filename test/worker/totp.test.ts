import { describe, expect, it } from "vitest";
import { fromBase32, toBase32 } from "../../src/security/base32";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("base32 (RFC 4648)", () => {
  // §10's test vectors, with the padding this module leaves off.
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "MY======"],
    ["fo", "MZXQ===="],
    ["foo", "MZXW6==="],
    ["foob", "MZXW6YQ="],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI======"],
  ];

  it.each(vectors)("encodes %j as %s without padding", (plain, encoded) => {
    expect(toBase32(enc(plain))).toBe(encoded.replace(/=+$/, ""));
  });

  it.each(vectors)("decodes %j from %s, padded or not, in either case, with spaces", (plain, encoded) => {
    expect(dec(fromBase32(encoded)!)).toBe(plain);
    expect(dec(fromBase32(encoded.replace(/=+$/, ""))!)).toBe(plain);
    expect(dec(fromBase32(encoded.toLowerCase())!)).toBe(plain);
    expect(dec(fromBase32(encoded.replace(/(.{4})/g, "$1 "))!)).toBe(plain);
  });

  it("round-trips random bytes of every length", () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      expect(Array.from(fromBase32(toBase32(bytes))!)).toEqual(Array.from(bytes));
    }
  });

  it("refuses anything else", () => {
    for (const bad of [
      "MZXW6YT1", // 1 is not in the alphabet
      "MZXW6YT8",
      "MZ-XW6YTB",
      "MZXW\t6YTB",
      "MZ=XW6YTB", // padding only at the end
      "M", // lengths no byte string encodes to
      "MZX",
      "MZXW6Y",
      "MZ", // the same byte as "MY", spelt with non-zero spare bits
      "MZXW6YTBOJ",
      "MZXW6Yß", // would upper-case to "MZXW6YSS"
      "ıı", // would upper-case to "II"
    ]) {
      expect(fromBase32(bad), bad).toBeNull();
    }
  });
});
