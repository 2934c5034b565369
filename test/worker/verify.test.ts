import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { call, workerWith, codeFromMail, codeUnlike, countRows, expectProblem, mailsTo, PASSWORD, roundTrips, uniqueEmail, type TokenBody } from "./helpers";

async function registered(email = uniqueEmail("verify")) {
  expect((await call("POST", "/auth/register", { body: { email, password: PASSWORD } })).status).toBe(202);
  return { email, code: await codeFromMail(email) };
}

const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("POST /auth/verify", () => {
  it("verifies, opens a session and returns tokens in one round trip", async () => {
    const { email, code } = await registered();
    const { result: res, trips } = await roundTrips(() => call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } }));
    expect(res.status).toBe(200);
    expect(trips).toBe(1);
    const body = (await res.json()) as TokenBody;
    expect(body.token_type).toBe("bearer");
    expect(body.expires_in).toBe(1800);
    expect(body.refresh_token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(body.user).toMatchObject({ email, email_verified: true, role: "user" });
    expect(await countRows("select count(*) from sessions s join users u on u.id = s.user_id where u.email = $1", [email])).toBe(1);
    const me = await call("GET", "/users/me", { token: body.access_token });
    expect(me.status).toBe(200);
  });

  it("refuses a used code", async () => {
    const { email, code } = await registered();
    expect((await call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } })).status).toBe(200);
    await expectProblem(await call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } }), 400, "invalid_code");
  });

  it("refuses a wrong code and an unknown address alike", async () => {
    const { email, code } = await registered();
    const wrong = await expectProblem(await call("POST", "/auth/verify", { body: { email, code: wrongCodeFor(code), password: PASSWORD } }), 400, "invalid_code");
    const unknown = await expectProblem(await call("POST", "/auth/verify", { body: { email: uniqueEmail("nobody"), code, password: PASSWORD } }), 400, "invalid_code");
    expect(unknown.detail).toBe(wrong.detail);
  });

  it("counts attempts: after 5 wrong codes even the right one is refused", async () => {
    const { email, code } = await registered();
    for (let i = 0; i < 5; i++) {
      await expectProblem(await call("POST", "/auth/verify", { body: { email, code: wrongCodeFor(code), password: PASSWORD } }), 400, "invalid_code");
    }
    const sixth = await expectProblem(await call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } }), 400, "invalid_code");
    expect(sixth.detail).toMatch(/too many/i);
    // Five tries, and the one refused past the cap.
    expect(await countRows("select attempts from one_time_codes c join users u on u.id = c.user_id where u.email = $1", [email])).toBe(6);
  });
});

describe("verification codes and time", () => {
  const clock = fixedClock("2026-11-22T12:00:00Z");
  const worker = workerWith(clock);
  const send = (path: string, body: unknown, via = worker) => via("POST", path, { body });

  it("refuses a code after 15 minutes with code_expired", async () => {
    clock.set("2026-11-22T12:00:00Z");
    const email = uniqueEmail("expiry");
    expect((await send("/auth/register", { email, password: PASSWORD })).status).toBe(202);
    const code = await codeFromMail(email);
    clock.advance(15 * 60 * 1000 + 1000);
    await expectProblem(await send("/auth/verify", { email, code, password: PASSWORD }), 400, "code_expired");
  });

  it("accepts a code just inside 15 minutes", async () => {
    clock.set("2026-11-22T12:00:00Z");
    const email = uniqueEmail("inside");
    await send("/auth/register", { email, password: PASSWORD });
    const code = await codeFromMail(email);
    clock.advance(14 * 60 * 1000);
    expect((await send("/auth/verify", { email, code, password: PASSWORD })).status).toBe(200);
  });

  it("resend answers 202 whatever the address, voids the old code, and mails at most once a minute", async () => {
    clock.set("2026-11-22T12:00:00Z");
    const email = uniqueEmail("resend");
    await send("/auth/register", { email, password: PASSWORD });
    const first = await codeFromMail(email);

    const tooSoon = await send("/auth/verify/resend", { email });
    expect(tooSoon.status).toBe(202);
    clock.advance(61_000);
    const resent = await send("/auth/verify/resend", { email });
    const unknown = await send("/auth/verify/resend", { email: uniqueEmail("nobody") });
    expect(resent.status).toBe(202);
    expect(await unknown.text()).toBe(await resent.text());

    const messages = await mailsTo(email, 2);
    expect(messages.length).toBe(2);
    const second = await codeUnlike(first, email, 2, () => send("/auth/verify/resend", { email }), clock);
    await expectProblem(await send("/auth/verify", { email, code: first, password: PASSWORD }), 400, "invalid_code");
    expect((await send("/auth/verify", { email, code: second, password: PASSWORD })).status).toBe(200);
  });

  it("grants admin at verification to an address in ADMIN_EMAILS", async () => {
    clock.set("2026-11-22T12:00:00Z");
    const email = uniqueEmail("boss");
    const adminWorker = workerWith(clock, { ...env, ADMIN_EMAILS: `other@example.test,${email.toUpperCase()}` });
    await send("/auth/register", { email, password: PASSWORD }, adminWorker);
    const res = await send("/auth/verify", { email, code: await codeFromMail(email), password: PASSWORD }, adminWorker);
    expect(((await res.json()) as TokenBody).user.role).toBe("admin");
  });
});
