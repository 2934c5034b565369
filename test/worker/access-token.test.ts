import { env } from "cloudflare:test";
import { importJWK, SignJWT, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { fixedClock, systemClock } from "../../src/clock";
import { parseConfig } from "../../src/config";
import { verifyAccessToken } from "../../src/security/access-token";
import { loadKeySet } from "../../src/security/keys";
import { call, workerWith, createVerifiedUser, expectProblem } from "./helpers";

const privateJwk = JSON.parse(env.JWT_PRIVATE_KEY!) as JWK & { kid: string };
const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const claimsOf = (token: string) => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;

async function sign(claims: Record<string, unknown>, opts: { kid?: string; jwk?: JWK } = {}) {
  const key = await importJWK(opts.jwk ?? privateJwk, "EdDSA");
  return new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: opts.kid ?? privateJwk.kid }).sign(key);
}

const me = (token: string) => call("GET", "/users/me", { token });

describe("access tokens on GET /users/me", () => {
  it("rejects a missing or malformed Authorization header", async () => {
    const res = await call("GET", "/users/me");
    await expectProblem(res, 401, "invalid_token");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    await expectProblem(await call("GET", "/users/me", { headers: { authorization: "Basic Zm9vOmJhcg==" } }), 401, "invalid_token");
    await expectProblem(await me("not.a.jwt"), 401, "invalid_token");
  });

  it("accepts a token it signed itself with the same claims", async () => {
    const { token } = await createVerifiedUser();
    const resigned = await sign(claimsOf(token));
    expect((await me(resigned)).status).toBe(200);
  });

  it("rejects a tampered payload", async () => {
    const { token } = await createVerifiedUser();
    const [h, , s] = token.split(".");
    const forged = `${h}.${b64url(JSON.stringify({ ...claimsOf(token), role: "admin" }))}.${s}`;
    await expectProblem(await me(forged), 401, "invalid_token");
  });

  it("rejects alg=none", async () => {
    const { token } = await createVerifiedUser();
    const unsigned = `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claimsOf(token)))}.`;
    await expectProblem(await me(unsigned), 401, "invalid_token");
  });

  it("rejects HS256 signed with the public key (algorithm confusion)", async () => {
    const { token } = await createVerifiedUser();
    const jwks = (await (await call("GET", "/.well-known/jwks.json")).json()) as { keys: JWK[] };
    for (const secret of [JSON.stringify(jwks.keys[0]), jwks.keys[0]!.x!]) {
      const forged = await new SignJWT(claimsOf(token))
        .setProtectedHeader({ alg: "HS256", kid: privateJwk.kid })
        .sign(new TextEncoder().encode(secret));
      await expectProblem(await me(forged), 401, "invalid_token");
    }
  });

  it("rejects the wrong issuer, the wrong audience and an unknown kid", async () => {
    const { token } = await createVerifiedUser();
    const claims = claimsOf(token);
    await expectProblem(await me(await sign({ ...claims, iss: "https://evil.test" })), 401, "invalid_token");
    await expectProblem(await me(await sign({ ...claims, aud: "other-service" })), 401, "invalid_token");
    await expectProblem(await me(await sign(claims, { kid: "unknown-kid" })), 401, "invalid_token");
  });

  it("rejects a token signed by another Ed25519 key under our kid", async () => {
    const { token } = await createVerifiedUser();
    const other = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const forged = await new SignJWT(claimsOf(token)).setProtectedHeader({ alg: "EdDSA", kid: privateJwk.kid }).sign(other.privateKey);
    await expectProblem(await me(forged), 401, "invalid_token");
  });

  it("rejects a valid signature for a session that does not exist", async () => {
    const { token } = await createVerifiedUser();
    await expectProblem(await me(await sign({ ...claimsOf(token), sid: crypto.randomUUID() })), 401, "invalid_token");
  });

  it("remembers a verified token only as long as it is good: revoking its session ends it at once", async () => {
    const { token } = await createVerifiedUser();
    expect((await me(token)).status).toBe(200);
    expect((await me(token)).status).toBe(200); // now known to this isolate: no signature check
    expect((await call("POST", "/auth/logout", { token })).status).toBe(204);
    await expectProblem(await me(token), 401, "invalid_token");
  });

  it("rejects an expired token (fixed clock, no sleeping)", async () => {
    const { token } = await createVerifiedUser();
    const exp = claimsOf(token).exp as number;
    const clock = fixedClock(new Date(exp * 1000 - 1000));
    const worker = workerWith(clock);
    expect((await worker("GET", "/users/me", { token })).status).toBe(200);
    clock.advance(2000);
    await expectProblem(await worker("GET", "/users/me", { token }), 401, "invalid_token");
  });

  it("rejects a token older than ACCESS_TOKEN_TTL whatever its exp says, and one issued in the future", async () => {
    const { token } = await createVerifiedUser();
    const claims = claimsOf(token);
    const now = Math.floor(Date.now() / 1000);
    // Signed with our own key: only the times are wrong.
    const yearLong = await sign({ ...claims, iat: now, exp: now + 365 * 24 * 3600 });
    expect((await me(yearLong)).status).toBe(200);
    const later = workerWith(fixedClock(new Date((now + 31 * 60) * 1000)));
    await expectProblem(await later("GET", "/users/me", { token: yearLong }), 401, "invalid_token");
    await expectProblem(await me(await sign({ ...claims, iat: now - 31 * 60, exp: now + 3600 })), 401, "invalid_token");
    await expectProblem(await me(await sign({ ...claims, iat: now + 3600, exp: now + 3600 + 1800 })), 401, "invalid_token");
    // A little clock skew between machines is fine.
    expect((await me(await sign({ ...claims, iat: now + 5, exp: now + 5 + 1800 }))).status).toBe(200);
  });

  it("accepts tokens from an older key listed in JWT_PUBLIC_KEYS and publishes both keys", async () => {
    const { token } = await createVerifiedUser();
    const next = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const nextJwk = { ...(await crypto.subtle.exportKey("jwk", next.privateKey)), kid: "next-key" };
    const { d: _d, ...oldPublic } = privateJwk;
    const rotatedEnv = { ...env, JWT_PRIVATE_KEY: JSON.stringify(nextJwk), JWT_PUBLIC_KEYS: JSON.stringify([oldPublic]) };
    const rotated = workerWith(systemClock, rotatedEnv);
    expect((await rotated("GET", "/users/me", { token })).status).toBe(200);
    const jwks = (await (await rotated("GET", "/.well-known/jwks.json")).json()) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(["next-key", privateJwk.kid]);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });
});

// Over HTTP the verified-token cache cannot be seen (a cached answer equals a fresh one), so these call
// verifyAccessToken directly, in workerd, on tokens the worker really issued.
describe("verifyAccessToken's memory of verified tokens", () => {
  /**
   * A key set of our own: parseConfig returns new objects and loadKeySet keys its cache by them, so
   * taking keys away from this one leaves the worker's untouched.
   */
  async function ownKeySet() {
    const { jwt } = parseConfig(env);
    const keys = await loadKeySet(jwt.privateKey, jwt.publicKeys);
    return { keys, settings: { issuer: jwt.issuer, audience: jwt.audience, ttlSeconds: jwt.accessTtl } };
  }

  it("answers a token it verified before from memory, with no key left to check its signature", async () => {
    const [{ token }, { token: unseen }] = [await createVerifiedUser(), await createVerifiedUser()];
    const { keys, settings } = await ownKeySet();
    const now = new Date();
    const claims = await verifyAccessToken(keys, token, settings, now);
    expect(claims).toEqual({ sub: claimsOf(token).sub, sid: claimsOf(token).sid, role: "user" });
    keys.verifyingKeys.clear();
    // A fresh check is now impossible, as the token never seen shows: only memory can answer.
    await expect(verifyAccessToken(keys, unseen, settings, now)).rejects.toMatchObject({ code: "invalid_token" });
    expect(await verifyAccessToken(keys, token, settings, now)).toEqual(claims);
  });

  it("does not answer from memory once the token has expired, nor for another issuer or audience", async () => {
    const { token } = await createVerifiedUser();
    const { keys, settings } = await ownKeySet();
    const exp = claimsOf(token).exp as number;
    await verifyAccessToken(keys, token, settings, new Date((exp - 60) * 1000));
    keys.verifyingKeys.clear();
    const refused = { code: "invalid_token" };
    await expect(verifyAccessToken(keys, token, { ...settings, audience: "other-service" }, new Date((exp - 60) * 1000))).rejects.toMatchObject(refused);
    await expect(verifyAccessToken(keys, token, { ...settings, issuer: "https://evil.test" }, new Date((exp - 60) * 1000))).rejects.toMatchObject(refused);
    // Still remembered a second before its expiry (so the refusals above are the scope check's), not at it.
    expect((await verifyAccessToken(keys, token, settings, new Date((exp - 1) * 1000))).sid).toBe(claimsOf(token).sid);
    await expect(verifyAccessToken(keys, token, settings, new Date(exp * 1000))).rejects.toMatchObject(refused);
  });
});
