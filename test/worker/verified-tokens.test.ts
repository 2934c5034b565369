import { describe, expect, it } from "vitest";
import { VerifiedTokenCache } from "../../src/security/verified-tokens";

// The rules of the cache itself; test/worker/access-token.test.ts shows verifyAccessToken relies on it.
describe("VerifiedTokenCache", () => {
  const claims = { sub: "user" };

  it("answers from notBefore until just before exp, for the scope it was checked against only", () => {
    const cache = new VerifiedTokenCache<typeof claims>();
    expect(cache.get("t", "iss aud", 150)).toBeUndefined();
    cache.set("t", "iss aud", claims, 100, 200);
    expect(cache.get("t", "iss aud", 99)).toBeUndefined();
    expect(cache.get("t", "iss aud", 100)).toBe(claims);
    expect(cache.get("t", "iss aud", 199)).toBe(claims);
    expect(cache.get("t", "iss other-aud", 150)).toBeUndefined();
    expect(cache.get("other-token", "iss aud", 150)).toBeUndefined();
    expect(cache.get("t", "iss aud", 200)).toBeUndefined();
  });

  it("holds at most maxEntries, making room by dropping the oldest", () => {
    const cache = new VerifiedTokenCache<typeof claims>(2);
    for (const token of ["a", "b", "c"]) cache.set(token, "s", claims, 0, 1000);
    expect(cache.get("a", "s", 10)).toBeUndefined();
    expect(cache.get("b", "s", 10)).toBe(claims);
    expect(cache.get("c", "s", 10)).toBe(claims);
  });
});
