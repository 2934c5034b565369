import { fromUtf8 } from "./encoding";

/**
 * A strict CBOR (RFC 8949) decoder for what WebAuthn sends: attestation objects, COSE keys and
 * authenticator extensions. Only what those use is read (integers, byte and text strings, arrays, maps,
 * false/true/null, all of definite length); anything else is refused rather than guessed at. The bytes
 * come from whoever calls the API, so every length is checked against the bytes left before it is used,
 * and nesting is bounded: a forged length or depth costs nothing.
 */

export type CborValue = number | string | Uint8Array | boolean | null | CborValue[] | CborMap;
/** A map keeps its integer keys as numbers (COSE labels are integers; 1 and "1" are different keys). */
export type CborMap = Map<number | string, CborValue>;

export class CborError extends Error {
  override name = "CborError";
}

/**
 * How many arrays and maps may enclose an item. WebAuthn's deepest is 3 (an attestation statement's
 * certificate chain: attestation object → attStmt → x5c → certificate), so 4 leaves one to spare.
 */
const MAX_NESTING = 4;

function text(bytes: Uint8Array): string {
  try {
    return fromUtf8(bytes);
  } catch {
    throw new CborError("a text string that is not UTF-8");
  }
}

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at: number,
  ) {}

  take(length: number): Uint8Array {
    if (length > this.bytes.length - this.at) throw new CborError("truncated");
    const start = this.at;
    this.at += length;
    return this.bytes.subarray(start, this.at);
  }

  /** The head's argument (§3): the value of an integer, the length of a string, the count of an array or map. */
  argument(info: number): number {
    if (info < 24) return info;
    if (info === 31) throw new CborError("an indefinite length");
    if (info > 27) throw new CborError("a reserved additional information value");
    let value = 0;
    // 24..27: the argument follows in 1, 2, 4 or 8 bytes, big-endian.
    for (const byte of this.take(2 ** (info - 24))) value = value * 256 + byte;
    // Exact up to here; past it a number would silently round.
    if (value > Number.MAX_SAFE_INTEGER) throw new CborError("an integer over 2^53 - 1");
    return value;
  }

  item(nesting: number): CborValue {
    if (nesting > MAX_NESTING) throw new CborError(`nested more than ${MAX_NESTING} deep`);
    const initial = this.take(1)[0]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) {
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      throw new CborError("a float, a break or a simple value other than false, true and null");
    }
    if (major === 6) throw new CborError("a tag");
    const argument = this.argument(info);
    switch (major) {
      case 0:
        return argument;
      case 1:
        return -1 - argument;
      case 2:
        return this.take(argument);
      case 3:
        return text(this.take(argument));
      case 4:
        return this.array(argument, nesting + 1);
      default:
        return this.map(argument, nesting + 1);
    }
  }

  // Nothing is allocated by count: items are added as they are read, each at least a byte, so a forged
  // count runs out of bytes (truncated) long before it could run out of memory.
  private array(count: number, nesting: number): CborValue[] {
    const items: CborValue[] = [];
    for (let i = 0; i < count; i++) items.push(this.item(nesting));
    return items;
  }

  private map(count: number, nesting: number): CborMap {
    const map: CborMap = new Map();
    for (let i = 0; i < count; i++) {
      const key = this.item(nesting);
      if (typeof key !== "number" && typeof key !== "string") throw new CborError("a map key that is not an integer or a text string");
      // Two readers could each take a different one of the two: refused, as RFC 8949 §5.6 allows.
      if (map.has(key)) throw new CborError(`a duplicate map key ${JSON.stringify(key)}`);
      map.set(key, this.item(nesting));
    }
    return map;
  }
}

/** One item starting at `start`, and where it ended: in authenticator data, more follows the COSE key. */
export function decodeCborItem(bytes: Uint8Array, start = 0): { value: CborValue; end: number } {
  const reader = new Reader(bytes, start);
  const value = reader.item(0);
  return { value, end: reader.at };
}

/** `bytes` as exactly one item: anything after it is refused. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const { value, end } = decodeCborItem(bytes);
  if (end !== bytes.length) throw new CborError(`bytes left after the item: ${bytes.length - end}`);
  return value;
}
