import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { fromBase32, toBase32 } from "../../src/security/base32";
import { newRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from "../../src/security/recovery-codes";
import { openSecret, sealSecret } from "../../src/security/secret-box";
import {
  matchTotp,
  newTotpSecret,
  otpauthUri,
  TOTP_SECRET_BYTES,
  totpCode,
  totpCodes,
  totpStep,
} from "../../src/security/totp";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const at = (seconds: number) => new Date(seconds * 1000);

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

describe("TOTP (RFC 6238)", () => {
  // Appendix B. The reference code seeds each hash with the ASCII digits repeated to the hash's size.
  type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";
  const hashes = { SHA1: sha1, SHA256: sha256, SHA512: sha512 };
  const seeds: Record<TotpAlgorithm, Uint8Array> = {
    SHA1: enc("12345678901234567890"),
    SHA256: enc("12345678901234567890123456789012"),
    SHA512: enc("1234567890123456789012345678901234567890123456789012345678901234"),
  };
  const table: [number, number, string, TotpAlgorithm][] = [
    [59, 0x1, "94287082", "SHA1"],
    [59, 0x1, "46119246", "SHA256"],
    [59, 0x1, "90693936", "SHA512"],
    [1111111109, 0x23523ec, "07081804", "SHA1"],
    [1111111109, 0x23523ec, "68084774", "SHA256"],
    [1111111109, 0x23523ec, "25091201", "SHA512"],
    [1111111111, 0x23523ed, "14050471", "SHA1"],
    [1111111111, 0x23523ed, "67062674", "SHA256"],
    [1111111111, 0x23523ed, "99943326", "SHA512"],
    [1234567890, 0x273ef07, "89005924", "SHA1"],
    [1234567890, 0x273ef07, "91819424", "SHA256"],
    [1234567890, 0x273ef07, "93441116", "SHA512"],
    [2000000000, 0x3f940aa, "69279037", "SHA1"],
    [2000000000, 0x3f940aa, "90698825", "SHA256"],
    [2000000000, 0x3f940aa, "38618901", "SHA512"],
    [20000000000, 0x27bc86aa, "65353130", "SHA1"],
    [20000000000, 0x27bc86aa, "77737706", "SHA256"],
    [20000000000, 0x27bc86aa, "47863826", "SHA512"],
  ];

  it.each(table)("at %i s (step %i) the code is %s with %s", (seconds, step, code, algorithm) => {
    expect(totpStep(at(seconds))).toBe(step);
    expect(totpCode(seeds[algorithm], step, { hash: hashes[algorithm], digits: 8 })).toBe(code);
    expect(matchTotp(seeds[algorithm], code, at(seconds), { hash: hashes[algorithm], digits: 8 })).toBe(step);
  });

  it("gives RFC 4226's HOTP values (Appendix D) with the defaults: SHA-1, 6 digits", () => {
    const hotp = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    expect(hotp.map((_, counter) => totpCode(seeds.SHA1, counter))).toEqual(hotp);
    expect(totpCodes(seeds.SHA1, 0, 10)).toEqual(hotp);
    expect(totpCodes(seeds.SHA1, 3, 2)).toEqual(hotp.slice(3, 5));
  });

  it("counts steps of 30 s from the epoch", () => {
    expect(totpStep(at(0))).toBe(0);
    expect(totpStep(at(29.999))).toBe(0);
    expect(totpStep(at(30))).toBe(1);
    expect(totpStep(at(89), 60)).toBe(1);
  });

  it("draws 160-bit secrets from the CSPRNG", () => {
    const a = newTotpSecret();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(TOTP_SECRET_BYTES);
    expect(TOTP_SECRET_BYTES).toBe(20);
    expect(toBase32(a)).toHaveLength(32);
    expect(toBase32(newTotpSecret())).not.toBe(toBase32(a));
  });

  it("accepts the codes of one step either side of now, and no further", () => {
    const secret = newTotpSecret();
    const now = at(1_700_000_015);
    const step = totpStep(now);
    const [m2, m1, zero, p1, p2] = totpCodes(secret, step - 2, 5) as [string, string, string, string, string];
    expect(matchTotp(secret, m1, now)).toBe(step - 1);
    expect(matchTotp(secret, zero, now)).toBe(step);
    expect(matchTotp(secret, p1, now)).toBe(step + 1);
    // A code of ±2 steps could collide with one of the window (one chance in a million per pair): only
    // a code unlike all three is expected to be refused.
    const window = new Set([m1, zero, p1]);
    if (!window.has(m2)) expect(matchTotp(secret, m2, now)).toBeNull();
    if (!window.has(p2)) expect(matchTotp(secret, p2, now)).toBeNull();
  });

  it("has no step before the epoch to match", () => {
    const secret = newTotpSecret();
    expect(matchTotp(secret, totpCode(secret, 0), at(0))).toBe(0);
    expect(matchTotp(secret, totpCode(secret, 1), at(0))).toBe(1);
  });

  it("refuses malformed codes without computing anything", () => {
    const secret = newTotpSecret();
    const now = new Date();
    const code = totpCode(secret, totpStep(now));
    for (const bad of ["", code.slice(1), `${code}0`, ` ${code}`, `${code.slice(0, 3)} ${code.slice(3)}`, "12345a", "１２３４５６"]) {
      expect(matchTotp(secret, bad, now), bad).toBeNull();
    }
  });

  it("refuses digits and steps the RFC does not describe", () => {
    expect(() => totpCode(enc("k"), 1, { digits: 5 })).toThrow(RangeError);
    expect(() => totpCode(enc("k"), 1, { digits: 9 })).toThrow(RangeError);
    expect(() => totpCode(enc("k"), -1)).toThrow(RangeError);
    expect(() => totpCode(enc("k"), 1.5)).toThrow(RangeError);
  });
});

describe("otpauth URI (Google's Key-URI format)", () => {
  it("names issuer and account in the label, and every setting in the query", () => {
    const secret = newTotpSecret();
    const text = otpauthUri({ secret, issuer: "Edge Accounts & Co", account: "ann+2fa@example.test" });
    expect(text).toMatch(/^otpauth:\/\/totp\/Edge%20Accounts%20%26%20Co:ann%2B2fa%40example\.test\?secret=[A-Z2-7]{32}&issuer=Edge%20Accounts%20%26%20Co&algorithm=SHA1&digits=6&period=30$/);
    expect(text).not.toContain("+");
    const url = new URL(text);
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    const [issuer, account] = decodeURIComponent(url.pathname.slice(1)).split(":");
    expect(issuer).toBe("Edge Accounts & Co");
    expect(account).toBe("ann+2fa@example.test");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: toBase32(secret),
      issuer: "Edge Accounts & Co",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
    expect(Array.from(fromBase32(url.searchParams.get("secret")!)!)).toEqual(Array.from(secret));
  });

  it("keeps a colon out of the issuer, and encodes one in the account", () => {
    expect(() => otpauthUri({ secret: newTotpSecret(), issuer: "a:b", account: "x" })).toThrow(RangeError);
    const url = new URL(otpauthUri({ secret: newTotpSecret(), issuer: "Ü", account: "a:b?c#d/e" }));
    expect(url.pathname).toBe("/%C3%9C:a%3Ab%3Fc%23d%2Fe");
    expect(url.hash).toBe("");
  });
});

describe("secret box (AES-256-GCM under TOKEN_SECRET)", () => {
  const tokenSecret = "a-test-token-secret-of-at-least-32-characters";
  const owner = crypto.randomUUID();

  it("opens what it sealed, for the same owner, and never seals the same way twice", async () => {
    const secret = newTotpSecret();
    const sealed = await sealSecret(tokenSecret, "totp-secret", owner, secret);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{48}$/); // 20 bytes + 16-byte tag
    expect(Array.from((await openSecret(tokenSecret, "totp-secret", owner, sealed))!)).toEqual(Array.from(secret));
    expect(await sealSecret(tokenSecret, "totp-secret", owner, secret)).not.toBe(sealed);
  });

  it("refuses another owner, another key, and any change", async () => {
    const sealed = await sealSecret(tokenSecret, "totp-secret", owner, enc("seed"));
    expect(await openSecret(tokenSecret, "totp-secret", crypto.randomUUID(), sealed)).toBeNull();
    expect(await openSecret(`${tokenSecret}x`, "totp-secret", owner, sealed)).toBeNull();
    const [version, iv, body] = sealed.split(".") as [string, string, string];
    const flip = (text: string, i: number) => text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1);
    for (const tampered of [
      `${version}.${flip(iv, 0)}.${body}`,
      `${version}.${iv}.${flip(body, 0)}`,
      `${version}.${iv}.${flip(body, body.length - 2)}`, // inside the tag
      `${version}.${iv}.${body.slice(0, -1)}`,
      `${version}.${iv}.${body}AAAA`,
      `v2.${iv}.${body}`,
      `${version}.${iv}`,
      `${version}.${iv}.${body}.`,
      "",
    ]) {
      expect(await openSecret(tokenSecret, "totp-secret", owner, tampered), tampered).toBeNull();
    }
  });

  it("refuses a second spelling of the same bytes, and lengths base64 cannot have", async () => {
    const sealed = await sealSecret(tokenSecret, "totp-secret", owner, enc("seed"));
    const [, iv, body] = sealed.split(".") as [string, string, string];
    // 4 + 16 bytes: 27 characters, whose last one carries two spare bits.
    expect(body).toHaveLength(27);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(body.at(-1)!);
    const respelt = `v1.${iv}.${body.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(await openSecret(tokenSecret, "totp-secret", owner, respelt)).toBeNull();
    expect(await openSecret(tokenSecret, "totp-secret", owner, `v1.${iv}.${body.slice(0, 25)}`)).toBeNull(); // 4n+1
  });

  it("keeps the keys of different secrets apart, also while they are first derived side by side", async () => {
    const secrets = ["first-fresh-token-secret-of-32-characters!", "second-fresh-token-secret-of-32-characters"];
    const sealed = await Promise.all(secrets.map((s) => sealSecret(s, "totp-secret", owner, enc(s))));
    const opened = await Promise.all(
      secrets.flatMap((s) => sealed.map((box) => openSecret(s, "totp-secret", owner, box))),
    );
    expect(opened.map((b) => b && dec(b))).toEqual([secrets[0], null, null, secrets[1]]);
  });
});

describe("recovery codes", () => {
  it("issues ten distinct codes of ten unambiguous symbols, in two groups", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
      expect(normalizeRecoveryCode(code)).toBe(code);
    }
  });

  it("uses the whole alphabet, evenly enough", () => {
    const counts = new Map<string, number>();
    for (const code of newRecoveryCodes(500)) for (const c of code.replace("-", "")) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 5000 symbols over 32: about 156 each; a symbol never drawn or drawn twice as often means bias.
    for (const n of counts.values()) expect(n).toBeGreaterThan(90);
    for (const n of counts.values()) expect(n).toBeLessThan(240);
  });

  it("reads a code back in any case, with or without the dash and spaces, and Crockford's look-alikes", () => {
    expect(normalizeRecoveryCode("ab3de-fg7hj")).toBe("ab3de-fg7hj");
    expect(normalizeRecoveryCode("AB3DEFG7HJ")).toBe("ab3de-fg7hj");
    expect(normalizeRecoveryCode(" ab3 de - FG7 hj ")).toBe("ab3de-fg7hj");
    expect(normalizeRecoveryCode("0000o-1111l")).toBe("00000-11111");
    expect(normalizeRecoveryCode("OOOOO-IIIII")).toBe("00000-11111");
  });

  it("refuses what cannot be a code", () => {
    for (const bad of ["", "ab3de-fg7h", "ab3de-fg7hjk", "ab3de-fg7hu", "ab3de_fg7hj", "ab3de-fg7h!", "ab3de-fg7h\u212a", "ab3de-fg7hé"]) {
      expect(normalizeRecoveryCode(bad), bad).toBeNull();
    }
  });

  it("hashes a code bound to its user, alike for every spelling, never as the code itself", () => {
    const tokenSecret = "a-test-token-secret-of-at-least-32-characters";
    const [user, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const [code] = newRecoveryCodes(1) as [string];
    const stored = recoveryCodeHash(tokenSecret, user, code);
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain(code.replace("-", ""));
    expect(recoveryCodeHash(tokenSecret, user, code.toUpperCase().replace("-", " "))).toBe(stored);
    expect(recoveryCodeHash(tokenSecret, other, code)).not.toBe(stored);
    expect(recoveryCodeHash(`${tokenSecret}x`, user, code)).not.toBe(stored);
    expect(recoveryCodeHash(tokenSecret, user, "not a code")).not.toBe(stored);
  });
});
