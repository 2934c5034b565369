import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { call, codeFromMail, createVerifiedUser, expectProblem, mailsTo, PASSWORD, roundTrips, signIn, uniqueEmail, workerWith } from "./helpers";

const NEW_PASSWORD = "another fine passphrase";
const me = (token: string) => call("GET", "/users/me", { token });

describe("POST /users/me/password", () => {
  it("wants the current password", async () => {
    const { token } = await createVerifiedUser();
    await expectProblem(await call("POST", "/users/me/password", { token, body: { current_password: "nope nope", new_password: NEW_PASSWORD } }), 403, "invalid_password");
    const bad = await expectProblem(await call("POST", "/users/me/password", { token, body: { current_password: PASSWORD, new_password: "short" } }), 422);
    expect(bad.errors!.map((e) => e.loc.join("."))).toEqual(["body.new_password"]);
  });

  it("sets the new password in 2 round trips, revoking every other session but keeping this one", async () => {
    const { email, token } = await createVerifiedUser();
    const other = await signIn(email);
    const { result, trips } = await roundTrips(() => call("POST", "/users/me/password", { token, body: { current_password: PASSWORD, new_password: NEW_PASSWORD } }));
    expect(result.status).toBe(204);
    expect(trips).toBeLessThanOrEqual(2);
    expect((await me(token)).status).toBe(200);
    await expectProblem(await me(other.token), 401, "invalid_token");
    await expectProblem(await call("POST", "/auth/refresh", { body: { refresh_token: other.refreshToken } }), 401, "invalid_token");
    await expectProblem(await call("POST", "/auth/login", { body: { email, password: PASSWORD } }), 401, "invalid_credentials");
    expect((await call("POST", "/auth/login", { body: { email, password: NEW_PASSWORD } })).status).toBe(200);
    const [notice] = await mailsTo(email, 2);
    expect(notice!.subject).toMatch(/password was changed/i);
  });
});

describe("changing the email address", () => {
  it("mails a code to the new address and a notice to the old; the code switches it in one round trip", async () => {
    const { email, token } = await createVerifiedUser();
    const newEmail = uniqueEmail("moved");
    const res = await call("POST", "/users/me/email", { token, body: { new_email: newEmail.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(202);
    const code = await codeFromMail(newEmail);
    const [notice] = await mailsTo(email, 2);
    expect(notice!.text).toContain(newEmail);
    expect(notice!.text).not.toContain(code);
    expect(((await (await me(token)).json()) as { email: string }).email).toBe(email);

    const { result, trips } = await roundTrips(() => call("POST", "/users/me/email/verify", { token, body: { code } }));
    expect(trips).toBe(1);
    expect(await result.json()).toMatchObject({ email: newEmail, email_verified: true });
    expect((await call("POST", "/auth/login", { body: { email: newEmail, password: PASSWORD } })).status).toBe(200);
    await expectProblem(await call("POST", "/auth/login", { body: { email, password: PASSWORD } }), 401, "invalid_credentials");
    const [changed] = await mailsTo(email, 3);
    expect(changed!.subject).toMatch(/was changed/i);
  });

  it("answers a taken address exactly like a free one: the owner of the taken address gets a notice, no code", async () => {
    const { email: taken } = await createVerifiedUser();
    const asker = await createVerifiedUser();
    const other = await createVerifiedUser();
    const free = uniqueEmail("free");
    const answers = await Promise.all(
      [
        [asker.token, taken],
        [other.token, free],
      ].map(async ([token, newEmail]) => {
        const res = await call("POST", "/users/me/email", { token, body: { new_email: newEmail, password: PASSWORD } });
        return `${res.status} ${res.headers.get("content-type")} ${await res.text()}`;
      }),
    );
    expect(answers[0]).toMatch(/^202 /);
    expect(answers[1]).toBe(answers[0]);
    const [notice] = await mailsTo(taken, 2);
    expect(notice!.subject).toMatch(/move an account to your email address/i);
    expect(notice!.text).not.toMatch(/\b\d{6}\b/);
    expect((await mailsTo(free))[0]!.text).toMatch(/\b\d{6}\b/);
    // Asking again within the minute is refused alike for both.
    for (const [token, newEmail] of [[asker.token, taken], [other.token, free]]) {
      await expectProblem(await call("POST", "/users/me/email", { token, body: { new_email: newEmail, password: PASSWORD } }), 429, "too_many_requests");
    }
  });

  it("wants the password, and a new address", async () => {
    const { token, email } = await createVerifiedUser();
    await expectProblem(await call("POST", "/users/me/email", { token, body: { new_email: uniqueEmail(), password: "wrong password" } }), 403, "invalid_password");
    await expectProblem(await call("POST", "/users/me/email", { token, body: { new_email: email, password: PASSWORD } }), 409, "email_unchanged");
  });

  it("refuses a wrong code, a second request within a minute, and an expired code", async () => {
    const clock = fixedClock("2026-11-22T08:00:00Z");
    const worker = workerWith(clock);
    const { token } = await createVerifiedUser({}, worker);
    const target = uniqueEmail("target");
    expect((await worker("POST", "/users/me/email", { token, body: { new_email: target, password: PASSWORD } })).status).toBe(202);
    const code = await codeFromMail(target);
    await expectProblem(await worker("POST", "/users/me/email/verify", { token, body: { code: String((Number(code) + 3) % 1_000_000).padStart(6, "0") } }), 400, "invalid_code");
    await expectProblem(await worker("POST", "/users/me/email", { token, body: { new_email: uniqueEmail("other"), password: PASSWORD } }), 429, "too_many_requests");
    clock.advance(16 * 60 * 1000);
    await expectProblem(await worker("POST", "/users/me/email/verify", { token, body: { code } }), 400, "code_expired");
  });

  it("answers 409 when someone else verifies the address first", async () => {
    const first = await createVerifiedUser();
    const second = await createVerifiedUser();
    const contested = uniqueEmail("contested");
    for (const u of [first, second]) await call("POST", "/users/me/email", { token: u.token, body: { new_email: contested, password: PASSWORD } });
    const codes = (await mailsTo(contested, 2)).map((m) => /\b(\d{6})\b/.exec(m.text)![1]!);
    // Newest first: codes[0] is the second user's, codes[1] the first user's.
    expect((await call("POST", "/users/me/email/verify", { token: first.token, body: { code: codes[1] } })).status).toBe(200);
    await expectProblem(await call("POST", "/users/me/email/verify", { token: second.token, body: { code: codes[0] } }), 409, "email_taken");
  });
});
