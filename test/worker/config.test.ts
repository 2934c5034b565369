import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock";
import { parseConfig } from "../../src/config";
import { workerWith, expectProblem } from "./helpers";

const get = (bindings: object) => workerWith(systemClock, bindings)("GET", "/users/me");

describe("configuration", () => {
  it("names a missing secret in a clear 500, without leaking any value", async () => {
    const { TOKEN_SECRET: _omit, ...rest } = env;
    const body = await expectProblem(await get(rest), 500, "configuration_error");
    expect(body.detail).toContain("TOKEN_SECRET");
  });

  it("names a malformed variable", async () => {
    const body = await expectProblem(await get({ ...env, JWT_PRIVATE_KEY: "{not json" }), 500, "configuration_error");
    expect(body.detail).toContain("JWT_PRIVATE_KEY");
    expect(body.detail).not.toContain("{not json");
  });

  it("takes a number variable only as a whole number within its bounds, and tells the operator which bound", async () => {
    for (const [variable, value, says] of [
      ["MAX_SESSIONS_PER_USER", "0", "must be a whole number, at least 1"],
      ["ACCESS_TOKEN_TTL", "1.5", "must be a whole number of seconds, at least 1"],
      ["SESSION_MAX_AGE", "-5", "must be a whole number of seconds, at least 1"],
      ["REFRESH_TOKEN_TTL", "9".repeat(16), "must be a whole number of seconds, at least 1"],
    ] as const) {
      const bindings = { ...env, [variable]: value };
      // The caller learns which variable; the reason goes to the operator's log (ConfigError's message).
      expect((await expectProblem(await get(bindings), 500, "configuration_error")).detail).toContain(variable);
      expect(() => parseConfig(bindings), variable).toThrow(`Configuration variable ${variable} is malformed: ${says}`);
    }
    // The reuse window may be 0 (off); an unset variable takes its default.
    const config = parseConfig({ ...env, REFRESH_REUSE_WINDOW: "0", PENDING_ACCOUNT_MAX_AGE: undefined } as unknown as typeof env);
    expect([config.refreshReuseWindow, config.pendingAccountMaxAge]).toEqual([0, 7 * 24 * 3600]);
  });

  it("rejects a short TOKEN_SECRET", async () => {
    const body = await expectProblem(await get({ ...env, TOKEN_SECRET: "short" }), 500, "configuration_error");
    expect(body.detail).toContain("TOKEN_SECRET");
  });
});

describe("GET /client-config", () => {
  const fetchConfig = async (bindings: object) => {
    const res = await workerWith(systemClock, bindings)("GET", "/client-config");
    expect(res.status).toBe(200);
    return (await res.json()) as { require_email_verification: boolean; mail_catcher_url: string | null };
  };

  const production = { ...env, MAIL_CATCHER_URL: undefined };

  it("tells the browser app whether codes are needed and which roles exist, and links no mail catcher in production", async () => {
    expect(await fetchConfig(production)).toEqual({ require_email_verification: true, mail_catcher_url: null, roles: ["user", "admin"] });
    expect(await fetchConfig({ ...env, REQUIRE_EMAIL_VERIFICATION: "false" })).toMatchObject({ require_email_verification: false });
  });

  it("publishes the local stack's mail catcher page when it is configured", async () => {
    const body = await fetchConfig({ ...env, MAIL_CATCHER_URL: "http://127.0.0.1:8025" });
    expect(body.mail_catcher_url).toBe("http://127.0.0.1:8025");
  });
});
