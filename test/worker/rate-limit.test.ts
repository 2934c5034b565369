import { describe, expect, it } from "vitest";
import { call, expectProblem, PASSWORD, uniqueEmail } from "./helpers";

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
