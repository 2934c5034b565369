// An authenticator app for the browser tests: RFC 6238 written again with Node's crypto, so the service's
// own implementation is checked against an independent one.
import { createHmac } from "node:crypto";

export function base32Bytes(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/\s+/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  return Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
}

/** What an authenticator app shows for `key` at `time` (RFC 6238: HMAC-SHA-1, 30 s, 6 digits). */
export function authenticatorCode(key: Buffer, time = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/**
 * A code for a time step later than any used so far: the service accepts each step once per account, and
 * the steps next to now (±1, for clocks that drift), so a next code is usually there without waiting. The
 * step before now only while it has 5 s left in the window: on a loaded machine the request can land after
 * the step turns, and the code is then two steps old.
 */
export async function freshCode(key: Buffer, used: { last: number }): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max(Math.floor((Date.now() + 5_000) / 30_000) - 1, used.last + 1);
    if (step <= now + 1) {
      used.last = step;
      return authenticatorCode(key, step * 30_000);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
