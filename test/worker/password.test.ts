import { describe, expect, it } from "vitest";
import { CURRENT_PARAMS, hashPassword, verifyPassword } from "../../src/security/password";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { scrypt } from "../../src/security/scrypt";
import { randomDigits } from "../../src/security/random";

const enc = (s: string) => new TextEncoder().encode(s);

describe("password hashing in workerd", () => {
  it("workerd's node:crypto scrypt gives @noble/hashes' bytes", async () => {
    const salt = enc("0123456789abcdef");
    const [a, b] = await Promise.all([scrypt(enc("pässword"), salt, { ln: 10, r: 8, p: 2 }, 32), scryptAsync(enc("pässword"), salt, { N: 1024, r: 8, p: 2, dkLen: 32 })]);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it("stores a self-describing PHC-style string at the configured cost", async () => {
    const stored = await hashPassword("correct horse");
    expect(stored).toMatch(new RegExp(`^\\$scrypt\\$ln=${CURRENT_PARAMS.ln},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p}\\$[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=$`));
    expect(await hashPassword("correct horse")).not.toBe(stored);
    expect(await verifyPassword("correct horse", stored)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword("correct horsE", stored)).toEqual({ ok: false, needsRehash: false });
  });

  it("flags hashes made with other parameters for rehashing, only when the password is right", async () => {
    const old = await hashPassword("correct horse", { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword("correct horse", old)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword("wrong", old)).toEqual({ ok: false, needsRehash: false });
  });

  it("refuses malformed stored strings instead of throwing", async () => {
    expect((await verifyPassword("x", "plaintext")).ok).toBe(false);
    expect((await verifyPassword("x", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA")).ok).toBe(false);
    // A salt of one base64 character: no encoder makes it, and atob throws on it.
    expect((await verifyPassword("x", "$scrypt$ln=14,r=8,p=5$A$AAAA")).ok).toBe(false);
  });
});

/** Stands in for crypto.getRandomValues: hands out these words in order, and says how many are left. */
function scriptedWords(...words: number[]) {
  const queue = [...words];
  const fill = (array: Uint32Array) => {
    for (let i = 0; i < array.length; i++) {
      if (queue.length === 0) throw new Error("asked for more random words than the test scripted");
      array[i] = queue.shift()!;
    }
  };
  return { fill, left: () => queue.length };
}

// The largest multiple of 10^6 below 2^32: words from here up would make the low codes likelier.
const SIX_DIGIT_LIMIT = 4_294_000_000;

describe("one-time code digits", () => {
  it("skip random words at and above the rejection limit", () => {
    const source = scriptedWords(SIX_DIGIT_LIMIT, 0xffff_ffff, SIX_DIGIT_LIMIT - 1);
    expect(randomDigits(6, source.fill)).toBe("999999");
    expect(source.left()).toBe(0);
  });

  it("take the first word below the limit, modulo 10^6 and zero-padded", () => {
    const source = scriptedWords(1_000_042, 7);
    expect(randomDigits(6, source.fill)).toBe("000042");
    expect(source.left()).toBe(1);
  });

  // The bias rejection removes is invisible at this size; this catches a generator that is plainly broken.
  it("are six decimal digits and roughly uniform in their first digit", () => {
    const counts = new Array(10).fill(0) as number[];
    for (let i = 0; i < 5000; i++) {
      const code = randomDigits(6);
      expect(code).toMatch(/^\d{6}$/);
      counts[Number(code[0])]!++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(380);
  });
});
