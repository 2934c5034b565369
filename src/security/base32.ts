/**
 * RFC 4648 base32, as authenticator apps read a TOTP secret from an otpauth URI or from a person typing
 * it in: upper case, no padding (Google's Key-URI format says the padding "should be omitted").
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function toBase32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff; // at most 4 carried bits + 8 new ones are ever needed
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

// Lengths (mod 8) that whole bytes can produce: 8 bits -> 2 symbols, 16 -> 4, 24 -> 5, 32 -> 7, 40 -> 8.
const POSSIBLE_TAIL = new Set([0, 2, 4, 5, 7]);

/**
 * The bytes of a base32 text, or null. Forgiving where people are (any case, spaces between groups as
 * apps display them, trailing `=` padding) and strict about everything else: any other character, a
 * length no byte string encodes to, or non-zero spare bits at the end (a second spelling of the same
 * bytes) is refused rather than guessed at.
 */
export function fromBase32(text: string): Uint8Array | null {
  const stripped = text.replace(/ /g, "").replace(/=+$/, "");
  // Checked before upper-casing: "ß", "ı" and "ſ" upper-case to ASCII letters and must not sneak in.
  if (!/^[A-Za-z2-7]*$/.test(stripped) || !POSSIBLE_TAIL.has(stripped.length % 8)) return null;
  const symbols = stripped.toUpperCase();
  const out = new Uint8Array(Math.floor((symbols.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (const symbol of symbols) {
    const value = ALPHABET.indexOf(symbol);
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
