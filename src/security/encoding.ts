const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

// Fatal: bytes that are not UTF-8 are refused, not patched with U+FFFD. ignoreBOM: a leading U+FEFF is
// part of the text, not a byte order mark to drop.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** `bytes` as UTF-8 text, exactly; throws a TypeError when they are not UTF-8. */
export const fromUtf8 = (bytes: Uint8Array): string => strictDecoder.decode(bytes);

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export const toBase64Url = (bytes: Uint8Array): string =>
  toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
