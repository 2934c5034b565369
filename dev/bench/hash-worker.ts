// Password hashing alone, inside workerd, with the service's own code and parameters:
//   GET /scrypt?impl=native|noble&n=N   N raw scrypt runs; answers the derived key (base64) to compare bytes
//   GET /verify                         one verifyPassword(), exactly the hash work of one login
import { CURRENT_PARAMS, hashPassword, verifyPassword } from "../../src/security/password";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { scrypt, scryptMemoryCap, type ScryptImpl } from "../../src/security/scrypt";
import { toBase64, utf8 } from "../../src/security/encoding";

// The portable JS scrypt the service does not ship, for comparison, with the same memory cap.
const scryptNoble: ScryptImpl = (password, salt, params, keyLength) =>
  scryptAsync(password, salt, { N: 2 ** params.ln, r: params.r, p: params.p, dkLen: keyLength, maxmem: scryptMemoryCap(params) });

const PASSWORD = "correct horse battery staple";
const SALT = new Uint8Array(16).map((_, i) => i * 7 + 1);
let stored: Promise<string> | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/verify") {
      stored ??= hashPassword(PASSWORD);
      const { ok } = await verifyPassword(PASSWORD, await stored);
      return new Response(ok ? "ok" : "mismatch", { status: ok ? 200 : 500 });
    }
    if (url.pathname === "/scrypt") {
      const impl = url.searchParams.get("impl") === "noble" ? scryptNoble : scrypt;
      const n = Math.min(50, Math.max(1, Number(url.searchParams.get("n")) || 1));
      let key: Uint8Array = new Uint8Array();
      for (let i = 0; i < n; i++) key = await impl(utf8(PASSWORD), SALT, CURRENT_PARAMS, 32);
      return Response.json({ key: toBase64(key), params: CURRENT_PARAMS });
    }
    return new Response("not found", { status: 404 });
  },
};
