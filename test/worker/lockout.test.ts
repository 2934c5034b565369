import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { call, countRows, createVerifiedUser, dbBatch, expectProblem, PASSWORD, workerWith } from "./helpers";

describe("account lockout", () => {
  it("locks after 5 failures with backoff, hides whether the password was right, and unlocks on time", async () => {
    const clock = fixedClock("2026-11-22T07:00:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser({}, worker);
    const login = (password: string) => worker("POST", "/auth/login", { body: { email, password } });

    for (let i = 0; i < 5; i++) await expectProblem(await login("wrong password"), 401, "invalid_credentials");
    const right = await login(PASSWORD);
    const rightBody = await expectProblem(right, 429, "account_locked");
    expect(right.headers.get("retry-after")).toBe("30");
    const wrong = await login("wrong password");
    const wrongBody = await expectProblem(wrong, 429, "account_locked");
    expect({ ...wrongBody, instance: undefined }).toEqual({ ...rightBody, instance: undefined });

    clock.advance(31_000);
    // The next failure after a lock doubles it.
    await expectProblem(await login("wrong again"), 401, "invalid_credentials");
    const relocked = await login(PASSWORD);
    await expectProblem(relocked, 429, "account_locked");
    expect(relocked.headers.get("retry-after")).toBe("60");

    clock.advance(61_000);
    expect((await login(PASSWORD)).status).toBe(200);
    expect(await countRows("select failed_login_count from users where email = $1", [email])).toBe(0);
  });

  it("the token endpoint reports a locked account as invalid_grant", async () => {
    const { email } = await createVerifiedUser();
    for (let i = 0; i < 5; i++) await call("POST", "/auth/login", { body: { email, password: "wrong password" } });
    const res = await call("POST", "/auth/token", {
      rawBody: `grant_type=password&username=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("counts every one of 8 concurrent failures", async () => {
    const { email } = await createVerifiedUser();
    const held = dbBatch([{ query: "update users set failed_login_count = failed_login_count where email = $1", params: [email] }, { query: "select pg_sleep(0.3)" }]);
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/auth/login", { body: { email, password: "wrong password" } })));
    await held;
    for (const r of answers) expect([401, 429]).toContain(r.status);
    expect(await countRows("select failed_login_count from users where email = $1", [email])).toBe(8);
  });
});
