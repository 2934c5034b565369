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
export const scryptMemoryCap = (params: ScryptParams) => 256 * 2 ** params.ln * params.r + 1024 * 1024;

// Loaded at the first hash rather than at start-up, and kept once loaded, never as a pending import (see
// db/client.ts for why). workerd's node:crypto (nodejs_compat, which wrangler.toml sets) runs BoringSSL's
// scrypt, twice as fast as a JS one; @noble/hashes' is the reference the tests compare it with, and is not
// in the bundle.
let nodeScrypt: NodeScrypt | undefined;

async function loadNodeScrypt(): Promise<NodeScrypt> {
  if (!nodeScrypt) {
    const { scrypt } = (await import("node:crypto")) as unknown as { scrypt?: NodeScrypt };
    if (typeof scrypt !== "function") throw new Error("node:crypto has no scrypt: the worker needs the nodejs_compat flag");
    nodeScrypt = scrypt;
  }
  return nodeScrypt;
}

export const scrypt: ScryptImpl = async (password, salt, params, keyLength) => {
  const native = await loadNodeScrypt();
  return new Promise((resolve, reject) =>
    native(password, salt, keyLength, { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: scryptMemoryCap(params) }, (err, key) =>
      err ? reject(err) : resolve(new Uint8Array(key)),
    ),
  );
};
