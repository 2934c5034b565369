import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock";
import { call, codeFromMail, createVerifiedUser, PASSWORD, uniqueEmail, workerWith } from "./helpers";

describe("security headers", () => {
  it.each([
    ["GET", "/api/v1/health"],
    ["GET", "/api/v1/users/me"],
    ["GET", "/api/v1/nope"],
    ["GET", "/.well-known/jwks.json"],
  ])("%s %s carries a locked-down policy, success or error", async (method, path) => {
    const res = await call(method, path);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("lets the docs pages run only our own scripts", async () => {
    for (const path of ["/docs", "/redoc"]) {
      const csp = (await call("GET", path)).headers.get("content-security-policy")!;
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });
});

describe("Cache-Control", () => {
  it("says no-store on every answer that carries a token or personal data, and on their errors", async () => {
    const { email, token, refreshToken } = await createVerifiedUser();
    const pending = uniqueEmail("fresh");
    await call("POST", "/auth/register", { body: { email: pending, password: PASSWORD } });
    const answers: [string, Response][] = [
      ["verify", await call("POST", "/auth/verify", { body: { email: pending, code: await codeFromMail(pending), password: PASSWORD } })],
      ["login", await call("POST", "/auth/login", { body: { email, password: PASSWORD } })],
      ["users/login", await call("POST", "/users/login", { body: { email, password: PASSWORD } })],
      ["refresh", await call("POST", "/auth/refresh", { body: { refresh_token: refreshToken } })],
      ["me", await call("GET", "/users/me", { token })],
      ["sessions", await call("GET", "/sessions", { token })],
      ["users", await call("GET", "/users", { token })],
      ["wrong password", await call("POST", "/auth/login", { body: { email, password: "wrong password" } })],
      ["no token", await call("GET", "/users/me")],
    ];
    for (const [name, res] of answers) expect(`${name} ${res.headers.get("cache-control")}`).toBe(`${name} no-store`);
    expect(answers[0]![1].status).toBe(200);
  });

  it("leaves public answers cacheable", async () => {
    expect((await call("GET", "/.well-known/jwks.json")).headers.get("cache-control")).toMatch(/public/);
  });
});

describe("CORS", () => {
  const worker = workerWith(systemClock, { ...env, CORS_ORIGINS: "https://app.example.test, https://admin.example.test" });
  const preflight = (origin: string) =>
    worker("OPTIONS", "/users/me", { headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" } });

  it("allows the configured origins", async () => {
    const res = await preflight("https://admin.example.test");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://admin.example.test");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const get = await worker("GET", "/api/v1/health", { headers: { origin: "https://app.example.test" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
  });

  it("gives other origins nothing", async () => {
    const res = await preflight("https://evil.example.test");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const plain = await call("GET", "/users/me", { headers: { origin: "https://app.example.test" } });
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("Server-Timing", () => {
  it("reports database time with the exact round-trip count, hashing time, and the total", async () => {
    const { email, token } = await createVerifiedUser();
    const me = (await call("GET", "/users/me", { token })).headers.get("server-timing")!;
    expect(me).toMatch(/^db;dur=[\d.]+;desc="1 round trip", total;dur=[\d.]+$/);
    const login = (await call("POST", "/auth/login", { body: { email, password: PASSWORD } })).headers.get("server-timing")!;
    expect(login).toMatch(/^db;dur=[\d.]+;desc="2 round trips", hash;dur=[\d.]+, total;dur=[\d.]+$/);
    const health = (await call("GET", "/api/v1/health")).headers.get("server-timing")!;
    expect(health).toMatch(/desc="0 round trips"/);
  });
});
