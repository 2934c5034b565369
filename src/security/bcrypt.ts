import { constantTimeEqual } from "./constant-time";
import { utf8 } from "./encoding";

/**
 * bcrypt (Provos and Mazières' eksblowfish), checking only: the hashes of accounts imported from passlib
 * (legacy-password.ts), each replaced by our scrypt at its first right password. $2a$, $2b$ and $2y$ are
 * one algorithm here, as in passlib's backend and bcryptjs: the key is the password's UTF-8 bytes and a
 * NUL, of which the first 72 bytes count.
 */

// bcrypt's base64: its own alphabet, no padding.
const ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const FORMAT = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
const P_WORDS = 18;
const S_WORDS = 1024;
const KEY_BYTES = P_WORDS * 4;
// "OrpheanBeholderScryDoubt", encrypted 64 times: the hash.
const MAGIC = utf8("OrpheanBeholderScryDoubt");

/** The cost a bcrypt hash states (log2 of its rounds), or undefined when `stored` is not one. */
export const bcryptCost = (stored: string): number | undefined => {
  const m = FORMAT.exec(stored);
  return m ? Number(m[1]) : undefined;
};

/** Whether `password` opens the bcrypt hash `stored`; its cost is the caller's to bound (it doubles the work per step). */
export function verifyBcrypt(password: string, stored: string): boolean {
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const cost = Number(m[1]);
  const salt = decode(m[2]!, 16);
  const password72 = new Uint8Array(KEY_BYTES);
  const bytes = utf8(password);
  const keyLength = Math.min(bytes.length + 1, KEY_BYTES); // the NUL is in the key when it fits
  password72.set(bytes.subarray(0, keyLength));
  const key = cyclicWords(password72.subarray(0, keyLength), P_WORDS);
  const saltKey = cyclicWords(salt, P_WORDS);
  const saltWords = cyclicWords(salt, 4);

  const { P, S } = initialState();
  expandKey(P, S, key, saltWords);
  for (let round = 2 ** cost; round > 0; round--) {
    expandKey(P, S, key);
    expandKey(P, S, saltKey);
  }
  const text = cyclicWords(MAGIC, 6);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 6; j += 2) encipher(text, j, P, S);
  const hash = new Uint8Array(24);
  const view = new DataView(hash.buffer);
  for (let i = 0; i < 6; i++) view.setInt32(i * 4, text[i]!);
  // bcrypt keeps 23 of the 24 bytes.
  return constantTimeEqual(utf8(encode(hash.subarray(0, 23))), utf8(m[3]!));
}

/** `count` big-endian words from `bytes`, starting over at its end as often as needed. */
function cyclicWords(bytes: Uint8Array, count: number): Int32Array {
  const words = new Int32Array(count);
  for (let i = 0, at = 0; i < count; i++) {
    for (let k = 0; k < 4; k++, at = (at + 1) % bytes.length) words[i] = (words[i]! << 8) | bytes[at]!;
  }
  return words;
}

/**
 * Blowfish's key schedule with bcrypt's salt: the key into the P-array, then P and S replaced by the
 * running encryption of the salt's words (or of zeros, without a salt).
 */
function expandKey(P: Int32Array, S: Int32Array, key: Int32Array, salt?: Int32Array): void {
  for (let i = 0; i < P_WORDS; i++) P[i]! ^= key[i]!;
  const block = new Int32Array(2);
  let s = 0;
  for (const table of [P, S]) {
    for (let i = 0; i < table.length; i += 2) {
      if (salt) {
        block[0]! ^= salt[s++ & 3]!;
        block[1]! ^= salt[s++ & 3]!;
      }
      encipher(block, 0, P, S);
      table[i] = block[0]!;
      table[i + 1] = block[1]!;
    }
  }
}

/** One Blowfish block (two words at `at`), in place: sixteen Feistel rounds. */
function encipher(block: Int32Array, at: number, P: Int32Array, S: Int32Array): void {
  let l = block[at]! ^ P[0]!;
  let r = block[at + 1]!;
  for (let i = 1; i < 17; i += 2) {
    r ^= (((S[l >>> 24]! + S[256 | ((l >>> 16) & 255)]!) ^ S[512 | ((l >>> 8) & 255)]!) + S[768 | (l & 255)]!) ^ P[i]!;
    l ^= (((S[r >>> 24]! + S[256 | ((r >>> 16) & 255)]!) ^ S[512 | ((r >>> 8) & 255)]!) + S[768 | (r & 255)]!) ^ P[i + 1]!;
  }
  block[at] = r ^ P[17]!;
  block[at + 1] = l;
}

function encode(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    text += ALPHABET[b0 >> 2]! + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)]!;
    if (i + 1 < bytes.length) text += ALPHABET[((b1 & 15) << 2) | (b2 >> 6)]!;
    if (i + 2 < bytes.length) text += ALPHABET[b2 & 63]!;
  }
  return text;
}

/** The first `length` bytes `text` encodes (the bits of its last character past them are ignored). */
function decode(text: string, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let bits = 0;
  let count = 0;
  let at = 0;
  for (const char of text) {
    bits = (bits << 6) | ALPHABET.indexOf(char);
    count += 6;
    if (count >= 8) {
      count -= 8;
      if (at < length) bytes[at++] = (bits >> count) & 255;
    }
  }
  return bytes;
}

// Blowfish starts from the hexadecimal digits of π's fraction: 18 words of P, then 4 × 256 of S. They are
// computed at the first bcrypt check (a few milliseconds, once per isolate) instead of shipping 4 KiB of
// incompressible constants in every bundle.
let piWords: Int32Array | undefined;

function initialState(): { P: Int32Array; S: Int32Array } {
  piWords ??= piFractionWords(P_WORDS + S_WORDS);
  return { P: piWords.slice(0, P_WORDS), S: piWords.slice(P_WORDS) };
}

/** The first `count` 32-bit words of π's fraction, by the Chudnovsky series summed by binary splitting. */
export function piFractionWords(count: number): Int32Array {
  const guard = 64n;
  const bits = BigInt(count * 32) + guard;
  // Each term adds ~47.1 bits.
  const terms = BigInt(Math.ceil(Number(bits) / 47.11) + 2);
  const [, q, t] = split(0n, terms);
  // π = 426880·√10005·Q/T, in fixed point with `bits` fraction bits.
  const pi = (426880n * sqrtFixed(10005n, bits) * q) / t;
  const fraction = (pi - (3n << bits)) >> guard;
  const hex = fraction.toString(16).padStart(count * 8, "0");
  return Int32Array.from({ length: count }, (_, i) => Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16) | 0);
}

/** P, Q and T of the Chudnovsky terms a to b−1. */
function split(a: bigint, b: bigint): [bigint, bigint, bigint] {
  if (b - a === 1n) {
    if (a === 0n) return [1n, 1n, 13591409n];
    const p = (6n * a - 5n) * (2n * a - 1n) * (6n * a - 1n);
    const q = a * a * a * 10939058860032000n; // 640320³ / 24
    return [p, q, (a & 1n ? -p : p) * (13591409n + 545140134n * a)];
  }
  const m = (a + b) / 2n;
  const [p1, q1, t1] = split(a, m);
  const [p2, q2, t2] = split(m, b);
  return [p1 * p2, q1 * q2, q2 * t1 + p1 * t2];
}

/** ⌊√n · 2^bits⌋ by Newton's method, from just above the root (so it only descends). */
function sqrtFixed(n: bigint, bits: bigint): bigint {
  const square = n << (2n * bits);
  let x = (BigInt(Math.ceil(Math.sqrt(Number(n)) * 2 ** 40)) + 1n) << (bits - 40n);
  for (;;) {
    const next = (x + square / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}
