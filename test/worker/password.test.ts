import { describe, expect, it } from "vitest";
import { CURRENT_PARAMS, hashPassword, verifyPassword } from "../../src/security/password";
import { scryptNative, scryptNoble } from "../../src/security/scrypt";
import { randomDigits } from "../../src/security/random";

const enc = (s: string) => new TextEncoder().encode(s);

describe("password hashing in workerd", () => {
  it("native node:crypto scrypt and @noble/hashes give identical bytes", async () => {
    const salt = enc("0123456789abcdef");
    const params = { ln: 10, r: 8, p: 2 };
    const [a, b] = await Promise.all([scryptNative(enc("pässword"), salt, params, 32), scryptNoble(enc("pässword"), salt, params, 32)]);
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
  });
});

describe("one-time code digits", () => {
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
