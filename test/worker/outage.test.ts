import { afterEach, describe, expect, it } from "vitest";
import { call, countRows, createVerifiedUser, expectProblem, PASSWORD, setDatabaseAvailable, uniqueEmail } from "./helpers";

describe("when the database is unreachable", () => {
  afterEach(() => setDatabaseAvailable(true));

  it("answers 503 problem+json with Retry-After, writes nothing, and recovers without a restart", async () => {
    const { token, email } = await createVerifiedUser();
    const newcomer = uniqueEmail("outage");
    await setDatabaseAvailable(false);

    for (const res of [
      await call("GET", "/users/me", { token }),
      await call("POST", "/auth/register", { body: { email: newcomer, password: PASSWORD } }),
      await call("POST", "/auth/login", { body: { email, password: PASSWORD } }),
      await call("PATCH", "/users/me", { token, body: { full_name: "Never Saved" } }),
      await call("GET", "/api/v1/health/db"),
    ]) {
      const problem = await expectProblem(res, 503, "service_unavailable");
      expect(res.headers.get("retry-after")).toBe("5");
      expect(problem.detail).not.toMatch(/select|insert|update|password|\$scrypt/i);
    }

    await setDatabaseAvailable(true);
    expect(await countRows("select count(*) from users where email = $1", [newcomer])).toBe(0);
    const me = await call("GET", "/users/me", { token });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { full_name: string | null }).full_name).toBeNull();
    expect((await call("POST", "/auth/register", { body: { email: newcomer, password: PASSWORD } })).status).toBe(202);
  });
});
