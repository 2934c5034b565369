import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { call, codeFromMail, codeUnlike, countRows, createVerifiedUser, expectProblem, mailsTo, PASSWORD, roundTrips, signIn, uniqueEmail, workerWith } from "./helpers";

const NEW_PASSWORD = "a brand new passphrase";
const forgot = (email: string, via = call) => via("POST", "/auth/forgot-password", { body: { email } });
const reset = (body: Record<string, unknown>, via = call) => via("POST", "/auth/reset-password", { body });
const login = (email: string, password: string) => call("POST", "/auth/login", { body: { email, password } });
const resetMails = async (email: string, count = 1) => (await mailsTo(email, count)).filter((m) => /reset/i.test(m.subject));

describe("forgot and reset password", () => {
  it("mails a reset code; the reset sets the password in one round trip and signs out every session", async () => {
    const { email, token } = await createVerifiedUser();
    const other = await signIn(email);
    expect((await forgot(email)).status).toBe(202);
    const code = await codeFromMail(email, 2);
    const [mail] = await resetMails(email, 2);
    expect(mail!.text).toContain("https://accounts.test/reset-password");
    expect(mail!.html).toContain(code);

    const { result, trips } = await roundTrips(() => reset({ email, code, new_password: NEW_PASSWORD }));
    expect(result.status).toBe(204);
    expect(trips).toBe(1);
    for (const t of [token, other.token]) await expectProblem(await call("GET", "/users/me", { token: t }), 401, "invalid_token");
    await expectProblem(await login(email, PASSWORD), 401, "invalid_credentials");
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    // Used once, then void.
    await expectProblem(await reset({ email, code, new_password: "yet another passphrase" }), 400, "invalid_code");
  });

  it("refuses a wrong code, and the right one after 5 wrong tries", async () => {
    const { email } = await createVerifiedUser();
    await forgot(email);
    const code = await codeFromMail(email, 2);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 5; i++) await expectProblem(await reset({ email, code: wrong, new_password: NEW_PASSWORD }), 400, "invalid_code");
    await expectProblem(await reset({ email, code, new_password: NEW_PASSWORD }), 400, "invalid_code");
    expect((await login(email, PASSWORD)).status).toBe(200);
  });

  it("refuses an expired code, sends at most one code a minute, and a newer code voids the older", async () => {
    const clock = fixedClock("2026-11-22T09:00:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser();
    await forgot(email, worker);
    const first = await codeFromMail(email, 2);
    await forgot(email, worker);
    expect((await resetMails(email, 2)).length).toBe(1);

    clock.advance(16 * 60 * 1000);
    await expectProblem(await reset({ email, code: first, new_password: NEW_PASSWORD }, worker), 400, "code_expired");
    await forgot(email, worker);
    const second = await codeUnlike(first, email, 3, () => forgot(email, worker), clock);
    await expectProblem(await reset({ email, code: first, new_password: NEW_PASSWORD }, worker), 400, "invalid_code");
    expect((await reset({ email, code: second, new_password: NEW_PASSWORD }, worker)).status).toBe(204);
  });

  it("verifies an unverified address and voids its registration code (pre-hijack)", async () => {
    const email = uniqueEmail("unverified");
    await call("POST", "/auth/register", { body: { email, password: "attacker password 9" } });
    const registrationCode = await codeFromMail(email);
    await forgot(email);
    const resetCode = await codeFromMail(email, 2);
    expect((await reset({ email, code: resetCode, new_password: NEW_PASSWORD })).status).toBe(204);
    await expectProblem(await call("POST", "/auth/verify", { body: { email, code: registrationCode, password: "attacker password 9" } }), 400, "invalid_code");
    await expectProblem(await login(email, "attacker password 9"), 401, "invalid_credentials");
    const ok = await login(email, NEW_PASSWORD);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { user: { email_verified: boolean } }).user.email_verified).toBe(true);
  });

  it("validates the new password like registration does", async () => {
    const res = await expectProblem(await reset({ email: uniqueEmail(), code: "123456", new_password: "short" }), 422);
    expect(res.errors!.map((e) => e.loc.join("."))).toEqual(["body.new_password"]);
  });
});

describe("no enumeration", () => {
  it("forgot-password, resend and register give byte-identical answers for known and unknown addresses", async () => {
    const { email: known } = await createVerifiedUser();
    const unverified = uniqueEmail("pending");
    await call("POST", "/auth/register", { body: { email: unverified, password: PASSWORD } });
    for (const [path, body] of [
      ["/auth/forgot-password", (email: string) => ({ email })],
      ["/auth/verify/resend", (email: string) => ({ email })],
      ["/auth/register", (email: string) => ({ email, password: "some other password" })],
    ] as const) {
      const answers = await Promise.all(
        [known, unverified, uniqueEmail("nobody")].map(async (email) => {
          const res = await call("POST", path, { body: body(email) });
          return `${res.status} ${res.headers.get("content-type")} ${await res.text()}`;
        }),
      );
      expect(answers[0]).toMatch(/^202 /);
      expect(new Set(answers).size, path).toBe(1);
    }
    expect(await countRows("select count(*) from users where email = $1", [known])).toBe(1);
  });
});
