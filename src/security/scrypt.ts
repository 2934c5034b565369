import { scryptAsync } from "@noble/hashes/scrypt.js";

export interface ScryptParams {
  /** log2 of the CPU/memory cost N */
  ln: number;
  r: number;
  p: number;
}

export type ScryptImpl = (password: Uint8Array, salt: Uint8Array, params: ScryptParams, keyLength: number) => Promise<Uint8Array>;

type NodeScrypt = (
  password: Uint8Array,
  salt: Uint8Array,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
  callback: (err: Error | null, key: Uint8Array) => void,
) => void;

// 128·N·r bytes for the work area plus slack; Node's default cap (32 MiB) is too tight for p>1 variants.
const maxmem = (params: ScryptParams) => 256 * 2 ** params.ln * params.r + 1024 * 1024;

let nativeScrypt: NodeScrypt | null | undefined;

async function loadNative(): Promise<NodeScrypt | null> {
  if (nativeScrypt === undefined) {
    try {
      const mod = (await import("node:crypto")) as unknown as { scrypt?: NodeScrypt };
      nativeScrypt = typeof mod.scrypt === "function" ? mod.scrypt : null;
    } catch {
      nativeScrypt = null;
    }
  }
  return nativeScrypt;
}

/** workerd's native scrypt (nodejs_compat): about twice as fast as the portable one. */
export const scryptNative: ScryptImpl = async (password, salt, params, keyLength) => {
  const native = await loadNative();
  if (!native) throw new Error("node:crypto scrypt is not available in this runtime");
  return new Promise((resolve, reject) =>
    native(password, salt, keyLength, { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: maxmem(params) }, (err, key) =>
      err ? reject(err) : resolve(new Uint8Array(key)),
    ),
  );
};

/** Pure-JS scrypt from @noble/hashes; gives byte-identical output where node:crypto is missing. */
export const scryptNoble: ScryptImpl = (password, salt, params, keyLength) =>
  scryptAsync(password, salt, { N: 2 ** params.ln, r: params.r, p: params.p, dkLen: keyLength, maxmem: maxmem(params) });

/** Native when the runtime has it, otherwise the portable implementation. */
export const scrypt: ScryptImpl = async (password, salt, params, keyLength) =>
  (await loadNative()) ? scryptNative(password, salt, params, keyLength) : scryptNoble(password, salt, params, keyLength);
