import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { codeFromMail, createVerifiedUser, expectProblem, PASSWORD, uniqueEmail, workerWith } from "./helpers";

// Issue 13, defect 4: minting new codes (re-registering, forgot-password, resend) does not mint new
// guesses. Each address has 10 wrong guesses a day per purpose, across every code it is sent.

const wrongFor = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, "0");

describe("the daily budget of wrong codes per address", () => {
  it("verification: 10 wrong guesses over two codes, then even the right code is refused with 429 until the day is over", async () => {
    const clock = fixedClock("2026-11-24T10:00:00Z");
    const via = workerWith(clock);
    const email = uniqueEmail("guessed");
    const verify = (code: string) => via("POST", "/auth/verify", { body: { email, code, password: PASSWORD } });
    await via("POST", "/auth/register", { body: { email, password: PASSWORD } });
    const first = await codeFromMail(email);
    for (let i = 1; i <= 5; i++) await expectProblem(await verify(wrongFor(first, i)), 400, "invalid_code");
    clock.advance(61_000);
    // A fresh code, but not a fresh budget.
    await via("POST", "/auth/register", { body: { email, password: PASSWORD } });
    const second = await codeFromMail(email, 2);
    for (let i = 1; i <= 5; i++) await expectProblem(await verify(wrongFor(second, i)), 400, "invalid_code");
    const refused = await verify(second);
    await expectProblem(refused, 429, "too_many_attempts");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);

    clock.advance(retryAfter * 1000);
    await via("POST", "/auth/verify/resend", { body: { email } });
    expect((await verify(await codeFromMail(email, 3))).status).toBe(200);
  });

  it("password reset: forgot-password again and again does not buy more guesses", async () => {
    const clock = fixedClock("2026-11-24T11:00:00Z");
    const via = workerWith(clock);
    const { email } = await createVerifiedUser({}, via);
    const reset = (code: string) => via("POST", "/auth/reset-password", { body: { email, code, new_password: "hijacked password 1" } });
    let code = "";
    for (let round = 0; round < 2; round++) {
      await via("POST", "/auth/forgot-password", { body: { email } });
      code = await codeFromMail(email, round + 2);
      for (let i = 1; i <= 5; i++) await expectProblem(await reset(wrongFor(code, i)), 400);
      clock.advance(61_000);
    }
    await via("POST", "/auth/forgot-password", { body: { email } });
    await expectProblem(await reset(await codeFromMail(email, 4)), 429, "too_many_attempts");
    expect((await via("POST", "/auth/login", { body: { email, password: PASSWORD } })).status).toBe(200);
  });

  it("an address without an account runs out the same way, so the 429 tells nothing", async () => {
    const via = workerWith(fixedClock("2026-11-24T12:00:00Z"));
    const ghost = uniqueEmail("ghost");
    const one = [];
    for (let i = 0; i < 11; i++) one.push((await via("POST", "/auth/verify", { body: { email: ghost, code: "123456", password: PASSWORD } })).status);
    expect(one).toEqual([...Array(10).fill(400), 429]);
  });

  it("email change: the signed-in user's budget, whatever new codes they ask for", async () => {
    const clock = fixedClock("2026-11-24T13:00:00Z");
    const via = workerWith(clock);
    const { token } = await createVerifiedUser({}, via);
    const confirm = (code: string) => via("POST", "/users/me/email/verify", { token, body: { code } });
    let target = "";
    for (let round = 0; round < 2; round++) {
      target = uniqueEmail("target");
      expect((await via("POST", "/users/me/email", { token, body: { new_email: target, password: PASSWORD } })).status).toBe(202);
      const code = await codeFromMail(target);
      for (let i = 1; i <= 5; i++) await expectProblem(await confirm(wrongFor(code, i)), 400, "invalid_code");
      clock.advance(61_000);
    }
    await expectProblem(await confirm(await codeFromMail(target)), 429, "too_many_attempts");
  });
});
