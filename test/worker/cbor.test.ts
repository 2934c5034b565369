// The CBOR decoder passkeys are read with (src/security/cbor.ts), on its own: each kind of item
// WebAuthn uses, where one item ends, and every refusal, which must be a CborError (the passkey code turns
// only those into refusals; anything else would be a 500). The HTTP side is in passkey-parsing.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CborError, decodeCbor, decodeCborItem } from "../../src/security/cbor";
import { cbor, concat, type Cbor } from "./software-authenticator";

const bytes = (...values: number[]) => Uint8Array.from(values);
const refusal = (input: Uint8Array) => {
  try {
    decodeCbor(input);
  } catch (err) {
    expect(err).toBeInstanceOf(CborError);
    return (err as Error).message;
  }
  throw new Error("decoded");
};

describe("the CBOR decoder", () => {
  it("reads integers of every head size, up to 2^53 - 1 either way", () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x17], 23],
      [[0x18, 0x18], 24],
      [[0x19, 0x01, 0x00], 256],
      [[0x1a, 0x00, 0x01, 0x00, 0x00], 65536],
      [[0x1b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], 2 ** 32],
      [[0x1b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], Number.MAX_SAFE_INTEGER],
      [[0x20], -1],
      [[0x38, 0x18], -25],
      [[0x39, 0x01, 0x00], -257],
      [[0x3b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], -(2 ** 53)],
    ];
    for (const [input, value] of cases) expect(decodeCbor(bytes(...input))).toBe(value);
  });

  it("refuses integers and lengths a number would round", () => {
    expect(refusal(bytes(0x1b, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00))).toBe("an integer over 2^53 - 1");
    expect(refusal(bytes(0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe("an integer over 2^53 - 1");
    expect(refusal(bytes(0x5b, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00))).toBe("an integer over 2^53 - 1");
  });

  it("reads strings, arrays, maps and false/true/null, keeping integer and text keys apart", () => {
    const value: Cbor = new Map<number | string, Cbor>([
      [1, 2],
      ["1", "two"],
      [-2, bytes(1, 2, 3)],
      ["list", [true, false, [], new Map()]],
    ]);
    expect(decodeCbor(cbor(value))).toEqual(value);
    expect(decodeCbor(bytes(0xf6))).toBeNull();
    // A leading U+FEFF is text, not a byte order mark to drop.
    expect(decodeCbor(bytes(0x63, 0xef, 0xbb, 0xbf))).toBe("\ufeff");
  });

  it("answers where an item ended, from where it was asked to start", () => {
    const data = concat(bytes(0xff, 0xff), cbor(new Map([[1, 2]])), bytes(0x01, 0x02));
    expect(decodeCborItem(data, 2)).toEqual({ value: new Map([[1, 2]]), end: 5 });
    expect(refusal(data.subarray(2))).toBe("bytes left after the item: 2");
  });

  it.each([
    ["nothing", [], "truncated"],
    ["a head cut short", [0x19, 0x01], "truncated"],
    ["a byte string longer than what is left", [0x45, 0x01, 0x02], "truncated"],
    ["a text string claiming 4 GiB", [0x7a, 0xff, 0xff, 0xff, 0xff, 0x61], "truncated"],
    ["an array claiming more items than bytes are left", [0x9b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "truncated"],
    ["a map claiming more entries than bytes are left", [0xa2, 0x01, 0x02, 0x03], "truncated"],
    ["an indefinite-length byte string", [0x5f, 0x41, 0x00, 0xff], "an indefinite length"],
    ["an indefinite-length text string", [0x7f, 0x61, 0x61, 0xff], "an indefinite length"],
    ["an indefinite-length array", [0x9f, 0x01, 0xff], "an indefinite length"],
    ["an indefinite-length map", [0xbf, 0x01, 0x02, 0xff], "an indefinite length"],
    ["a reserved additional information value", [0x1c], "a reserved additional information value"],
    ["a tag", [0xc2, 0x41, 0x01], "a tag"],
    ["a half float", [0xf9, 0x3c, 0x00], "a float, a break or a simple value other than false, true and null"],
    ["a double", [0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0], "a float, a break or a simple value other than false, true and null"],
    ["undefined", [0xf7], "a float, a break or a simple value other than false, true and null"],
    ["a one-byte simple value", [0xf8, 0x20], "a float, a break or a simple value other than false, true and null"],
    ["a lone break", [0xff], "a float, a break or a simple value other than false, true and null"],
    ["a text string that is not UTF-8", [0x62, 0xc3, 0x28], "a text string that is not UTF-8"],
    ["a byte string as a map key", [0xa1, 0x41, 0x00, 0x01], "a map key that is not an integer or a text string"],
    ["an array as a map key", [0xa1, 0x80, 0x01], "a map key that is not an integer or a text string"],
    ["an integer key twice", [0xa2, 0x21, 0x01, 0x21, 0x02], "a duplicate map key -2"],
    ["a text key twice", [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x01], 'a duplicate map key "a"'],
    ["an item inside five arrays", [0x81, 0x81, 0x81, 0x81, 0x81, 0x01], "nested more than 4 deep"],
  ])("refuses %s", (_, input, message) => {
    expect(refusal(bytes(...input))).toBe(message);
  });

  it("takes an item inside four arrays or maps", () => {
    expect(decodeCbor(bytes(0x81, 0x81, 0xa1, 0x01, 0x81, 0x01))).toEqual([[new Map([[1, [1]]])]]);
  });

  it("on any bytes, answers an item or a CborError, nothing else", () => {
    const sample = cbor(new Map<string, Cbor>([["fmt", "packed"], ["attStmt", new Map<string, Cbor>([["alg", -7], ["x5c", [bytes(1, 2)]]])], ["authData", new Uint8Array(40)]]));
    const mutated = fc
      .array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })
      .map((edits) => {
        const copy = sample.slice();
        for (const [at, byte] of edits) copy[at] = byte;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), fc.nat(8), (input, start) => {
        try {
          decodeCborItem(input, start);
        } catch (err) {
          if (!(err instanceof CborError)) throw err;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
