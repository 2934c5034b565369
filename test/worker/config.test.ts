import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock";
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

  it("rejects a short TOKEN_SECRET", async () => {
    const body = await expectProblem(await get({ ...env, TOKEN_SECRET: "short" }), 500, "configuration_error");
    expect(body.detail).toContain("TOKEN_SECRET");
  });
});
