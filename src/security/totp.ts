import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import type { CHash } from "@noble/hashes/utils.js";
import { toBase32 } from "./base32";
import { constantTimeEqual } from "./constant-time";
import { utf8 } from "./encoding";
import { randomBytes } from "./random";

/**
 * RFC 6238 time-based one-time passwords, as every authenticator app computes them by default:
 * HMAC-SHA-1, 6 digits, a new code every 30 seconds. Apps that read the otpauth URI's algorithm/digits/
 * period fields are the minority (Google Authenticator ignores them), so the defaults are the only
 * settings this service issues; the options exist for the RFC's test vectors (the SHA-2 ones bring
 * their own hash, so the bundle carries only SHA-1).
 */
export const TOTP_ALGORITHM = "SHA1";
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** 160 bits, the secret length RFC 4226 §4 recommends (and the output length of HMAC-SHA-1). */
export const TOTP_SECRET_BYTES = 20;
/** Codes of this many steps before and after the current one are accepted, for clocks that drift. */
export const TOTP_WINDOW_STEPS = 1;

export interface TotpOptions {
  /** A @noble/hashes hash; SHA-1 (TOTP_ALGORITHM) unless given. */
  hash?: CHash;
  digits?: number;
  periodSeconds?: number;
}

export const newTotpSecret = (): Uint8Array => randomBytes(TOTP_SECRET_BYTES);

/** The RFC's T: whole periods since the Unix epoch. */
export const totpStep = (now: Date, periodSeconds = TOTP_PERIOD_SECONDS): number => Math.floor(now.getTime() / 1000 / periodSeconds);

/** The code for one time step (RFC 4226's HOTP with the step as the counter). */
export function totpCode(secret: Uint8Array, step: number, options: TotpOptions = {}): string {
  const digits = options.digits ?? TOTP_DIGITS;
  // RFC 4226 asks for at least 6 digits and names 7 and 8 as the longer choices; the 31-bit value runs out at 10.
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError(`TOTP digits must be 6 to 8, not ${digits}`);
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`a TOTP step must be a non-negative integer, not ${step}`);
  const counter = new Uint8Array(8);
  const view = new DataView(counter.buffer);
  view.setUint32(0, Math.floor(step / 0x1_0000_0000));
  view.setUint32(4, step >>> 0);
  const mac = hmac(options.hash ?? sha1, secret, counter);
  // Dynamic truncation (RFC 4226 §5.3): 31 bits at an offset named by the last byte's low nibble.
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = new DataView(mac.buffer, mac.byteOffset + offset, 4).getUint32(0) & 0x7fff_ffff;
  return String(value % 10 ** digits).padStart(digits, "0");
}

/**
 * The codes of `count` consecutive steps from `fromStep`, oldest first: what a check that compares a
 * code in the database (one statement, no read first) would send along.
 */
export function totpCodes(secret: Uint8Array, fromStep: number, count: number, options: TotpOptions = {}): string[] {
  return Array.from({ length: count }, (_, i) => totpCode(secret, fromStep + i, options));
}

/**
 * The step whose code `code` is, among the current step and TOTP_WINDOW_STEPS either side, or null.
 * Every step of the window is computed and compared (in constant time), whichever matches, so the time
 * taken says nothing about which step matched or how close a guess came. If two steps of the window
 * happen to share the code, the earliest is returned: the caller refuses any step at or before the last
 * one it accepted (RFC 6238 §5.2, no code is good twice), and the earliest is the answer that never lets
 * a code just used count again.
 */
export function matchTotp(secret: Uint8Array, code: string, now: Date, options: TotpOptions = {}): number | null {
  const digits = options.digits ?? TOTP_DIGITS;
  // The format is no secret: a malformed code is refused before any work.
  if (code.length !== digits || !/^[0-9]+$/.test(code)) return null;
  const given = utf8(code);
  const current = totpStep(now, options.periodSeconds);
  let matched: number | null = null;
  // Latest first, so the earliest match is the one left standing.
  for (let step = current + TOTP_WINDOW_STEPS; step >= current - TOTP_WINDOW_STEPS; step--) {
    if (step < 0) continue; // before the epoch (only a test's clock is ever there): no such step
    if (constantTimeEqual(utf8(totpCode(secret, step, options)), given)) matched = step;
  }
  return matched;
}

export interface OtpauthAccount {
  secret: Uint8Array;
  /** The service's name as the app shows it, e.g. "Example Accounts". */
  issuer: string;
  /** Whose secret this is, as the app shows it under the issuer: usually the email address. */
  account: string;
}

/**
 * Google's Key-URI format, which every authenticator app reads from a QR code:
 * otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30.
 * The label's two parts and the issuer parameter are percent-encoded separately (a space as %20, never
 * "+", which some apps show literally); the issuer appears in both places, as the format recommends,
 * so older apps that read only the label and newer ones that read only the parameter agree.
 */
export function otpauthUri({ secret, issuer, account }: OtpauthAccount): string {
  // The label's colon separates issuer from account; apps split on the first one, so the issuer has none.
  if (issuer.includes(":")) throw new RangeError("an otpauth issuer cannot contain a colon");
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = [
    `secret=${toBase32(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    `algorithm=${TOTP_ALGORITHM}`,
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_PERIOD_SECONDS}`,
  ].join("&");
  return `otpauth://totp/${label}?${query}`;
}
