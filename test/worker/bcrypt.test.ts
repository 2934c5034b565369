// Our bcrypt check (src/security/bcrypt.ts) against the published vectors, passlib's own hashes (also
// signed in with through the API in legacy-passwords.test.ts) and bcryptjs, the library it replaced,
// on random passwords: ASCII, accented, astral, around the 72-byte limit.
import bcrypt from "bcryptjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { piFractionWords, verifyBcrypt } from "../../src/security/bcrypt";
import fixtures from "../fixtures/legacy-hashes.json";

// OpenBSD's and jBCrypt's test vectors.
const VECTORS: [string, string][] = [
  ["", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."],
  ["a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"],
  ["abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"],
  ["abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC"],
  ["~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO"],
];

const password = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ minLength: 70, maxLength: 74 }),
);

describe("bcrypt", () => {
  it("starts Blowfish from π's hexadecimal fraction", () => {
    const words = Array.from(piFractionWords(18 + 1024), (w) => (w >>> 0).toString(16).padStart(8, "0"));
    // P1, P18, S1's first word and S4's last, as Blowfish's specification prints them.
    expect([words[0], words[17], words[18], words[1041]]).toEqual(["243f6a88", "8979fb1b", "d1310ba6", "3ac372e6"]);
  });

  it.each(VECTORS)("opens the published vector for %j, and not with a byte more", (text, hash) => {
    expect(verifyBcrypt(text, hash)).toBe(true);
    expect(verifyBcrypt(`${text}!`, hash)).toBe(false);
  });

  it("opens passlib's hashes ($2a$, $2b$, $2y$, non-ASCII, past 72 bytes) and only with their passwords", () => {
    for (const f of fixtures.filter((f) => f.scheme.startsWith("bcrypt"))) {
      expect(verifyBcrypt(f.password, f.hash), f.scheme).toBe(true);
      expect(verifyBcrypt(f.password.slice(1), f.hash), f.scheme).toBe(false);
    }
  });

  it("agrees with bcryptjs on random passwords, right and wrong", () => {
    fc.assert(
      fc.property(password, password, fc.constantFrom("2a", "2b", "2y"), (text, other, ident) => {
        const hash = bcrypt.hashSync(text, 4).replace(/^\$2b\$/, `$${ident}$`);
        expect(verifyBcrypt(text, hash)).toBe(true);
        expect(verifyBcrypt(other, hash)).toBe(bcrypt.compareSync(other, hash));
      }),
      { numRuns: 60 },
    );
  });

  it("opens nothing that is not a whole bcrypt hash", () => {
    const [text, hash] = VECTORS[2]!;
    for (const bad of [hash.slice(0, -1), `${hash}a`, hash.replace("$2a$", "$2x$"), hash.replace("$06$", "$6$"), hash.replace(/.$/, "*"), ""]) {
      expect(verifyBcrypt(text, bad), bad).toBe(false);
    }
  });
});
