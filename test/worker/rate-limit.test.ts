import { describe, expect, it } from "vitest";
import { call, createVerifiedUser, expectProblem, PASSWORD, uniqueEmail } from "./helpers";

// Limits come from wrangler.toml's [[ratelimits]]: 10 a minute per IP and route for mail-sending
// endpoints, 30 for endpoints that check a secret.

// The limiter counts in fixed one-minute windows aligned to the wall clock, as Cloudflare's does: a test
// still running when its window ends would see the count start again. It starts in a fresh window when
// the current one has less than `neededMs` left.
async function withinOneWindow(neededMs: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe("per-IP rate limits", () => {
  it("mail-sending endpoints allow 10 a minute per address, then answer 429 with Retry-After", async () => {
    await withinOneWindow(10_000);
    const ip = "203.0.113.77";
    for (let i = 0; i < 10; i++) {
      expect((await call("POST", "/auth/forgot-password", { body: { email: uniqueEmail() }, headers: { "cf-connecting-ip": ip } })).status).toBe(202);
    }
    const limited = await call("POST", "/auth/forgot-password", { body: { email: uniqueEmail() }, headers: { "cf-connecting-ip": ip } });
    await expectProblem(limited, 429, "rate_limited");
    expect(limited.headers.get("retry-after")).toBe("60");
    // Another address, and another route from the same address, are counted apart.
    expect((await call("POST", "/auth/forgot-password", { body: { email: uniqueEmail() }, headers: { "cf-connecting-ip": "203.0.113.78" } })).status).toBe(202);
    expect((await call("POST", "/auth/verify/resend", { body: { email: uniqueEmail() }, headers: { "cf-connecting-ip": ip } })).status).toBe(202);
  });

  it("counts a whole IPv6 /64 as one client", async () => {
    await withinOneWindow(10_000);
    const forgot = (ip: string) => call("POST", "/auth/forgot-password", { body: { email: uniqueEmail() }, headers: { "cf-connecting-ip": ip } });
    for (let i = 0; i < 10; i++) expect((await forgot(`2001:db8:77:1::${(i + 1).toString(16)}`)).status).toBe(202);
    await expectProblem(await forgot("2001:db8:77:1:dead:beef:0:1"), 429, "rate_limited");
    expect((await forgot("2001:db8:77:2::1")).status).toBe(202);
  });

  it("gives each operation one budget, whatever path or alias it comes by", async () => {
    await withinOneWindow(20_000);
    const headers = { "cf-connecting-ip": "203.0.113.95" };
    const form = { ...headers, "content-type": "application/x-www-form-urlencoded" };
    const { token } = await createVerifiedUser();
    // 30 password checks a minute from one network: login, its alias, the token endpoint and re-authentication share them.
    const checks = [
      ...Array.from({ length: 10 }, () => () => call("POST", "/auth/login", { body: { email: uniqueEmail("nobody"), password: PASSWORD }, headers })),
      ...Array.from({ length: 10 }, () => () => call("POST", "/users/login", { body: { email: uniqueEmail("nobody"), password: PASSWORD }, headers })),
      ...Array.from({ length: 6 }, () => () => call("POST", "/auth/token", { rawBody: `grant_type=password&username=${uniqueEmail("nobody")}&password=x`, headers: form })),
      ...Array.from({ length: 4 }, () => () => call("DELETE", "/users/me", { token, body: { password: "wrong password" }, headers })),
    ];
    for (const check of checks) expect((await check()).status).not.toBe(429);
    await expectProblem(await call("POST", "/users/login", { body: { email: uniqueEmail(), password: PASSWORD }, headers }), 429, "rate_limited");
    await expectProblem(await call("DELETE", "/users/me", { token, body: { password: PASSWORD }, headers }), 429, "rate_limited");
    const viaToken = await call("POST", "/auth/token", { rawBody: "grant_type=password&username=a%40b.test&password=x", headers: form });
    expect(viaToken.status).toBe(429);
    expect(viaToken.headers.get("cache-control")).toBe("no-store");
    expect(viaToken.headers.get("retry-after")).toBe("60");
    expect(await viaToken.json()).toMatchObject({ error: "temporarily_unavailable" });
    // Register and its alias: one budget too.
    const regIp = { "cf-connecting-ip": "203.0.113.96" };
    for (let i = 0; i < 10; i++) await call("POST", i % 2 ? "/users" : "/auth/register", { body: { email: uniqueEmail(), password: PASSWORD }, headers: regIp });
    await expectProblem(await call("POST", "/users", { body: { email: uniqueEmail(), password: PASSWORD }, headers: regIp }), 429, "rate_limited");
  });

  it("login allows 30 a minute per address", async () => {
    const ip = "203.0.113.90";
    const attempt = () => call("POST", "/auth/login", { body: { email: uniqueEmail("nobody"), password: PASSWORD }, headers: { "cf-connecting-ip": ip } });
    const statuses = [];
    await withinOneWindow(15_000);
    for (let i = 0; i < 31; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});
