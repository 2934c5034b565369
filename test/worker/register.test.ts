import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock";
import { call, workerWith, countRows, createVerifiedUser, expectProblem, mailsTo, PASSWORD, roundTrips, uniqueEmail } from "./helpers";

const register = (body: Record<string, unknown>, path = "/auth/register") => call("POST", path, { body });

describe("POST /auth/register (verification on)", () => {
  it("answers 202 and mails a 6-digit code; the user is unverified until the code is used", async () => {
    const email = uniqueEmail();
    const { result: res, trips } = await roundTrips(() => register({ email, password: PASSWORD, full_name: "Ada" }));
    expect(res.status).toBe(202);
    expect(trips).toBe(1); // the budget: one statement (the mail goes out after the answer)
    const [mail] = await mailsTo(email);
    expect(mail!.subject).toMatch(/verification code/i);
    expect(mail!.text).toMatch(/\b\d{6}\b/);
    expect(mail!.html).toContain("<p");
    expect(await countRows("select count(*) from users where email = $1 and email_verified_at is null", [email])).toBe(1);
    const login = await call("POST", "/auth/login", { body: { email, password: PASSWORD } });
    await expectProblem(login, 403, "email_not_verified");
  });

  it("gives byte-identical answers for a new, an unverified and a verified address", async () => {
    const fresh = uniqueEmail();
    const { email: verified } = await createVerifiedUser();
    const unverified = uniqueEmail();
    await register({ email: unverified, password: PASSWORD });

    const answers = await Promise.all(
      [fresh, unverified, verified].map(async (email) => {
        const res = await register({ email, password: "another password 1" });
        return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
      }),
    );
    expect(answers[0]!.status).toBe(202);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it("mails the owner of a verified address a notice instead of a code, and changes nothing", async () => {
    const { email } = await createVerifiedUser();
    const before = await mailsTo(email);
    await register({ email, password: "hijacker password" });
    const after = await mailsTo(email, before.length + 1);
    expect(after.length).toBe(before.length + 1);
    expect(after[0]!.subject).toMatch(/already|tried to register/i);
    expect(after[0]!.text).not.toMatch(/\b\d{6}\b/);
    const ok = await call("POST", "/auth/login", { body: { email, password: PASSWORD } });
    expect(ok.status).toBe(200);
    const bad = await call("POST", "/auth/login", { body: { email, password: "hijacker password" } });
    await expectProblem(bad, 401, "invalid_credentials");
  });

  it("never creates a second row for the same address in another letter case", async () => {
    const email = uniqueEmail("case");
    await register({ email, password: PASSWORD });
    const res = await register({ email: email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(202);
    expect(await countRows("select count(*) from users where lower(email) = lower($1)", [email])).toBe(1);
  });

  it("refuses a taken username (any letter case) with 409 username_taken", async () => {
    const username = `u${crypto.randomUUID().slice(0, 8)}`;
    await createVerifiedUser({ username });
    const res = await register({ email: uniqueEmail(), password: PASSWORD, username: username.toUpperCase() });
    await expectProblem(res, 409, "username_taken");
  });

  it("answers a taken username the same whatever the address's state, and writes nothing", async () => {
    const username = `u${crypto.randomUUID().slice(0, 8)}`;
    const { email: owner } = await createVerifiedUser({ username });
    const { email: verified } = await createVerifiedUser();
    const pending = uniqueEmail("pending");
    await register({ email: pending, password: PASSWORD });
    const answers = await Promise.all(
      [owner, verified, pending, uniqueEmail("fresh")].map(async (email) => {
        const body = await expectProblem(await register({ email, password: "a different password", username }), 409, "username_taken");
        return { ...body, instance: undefined };
      }),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(await countRows("select count(*) from users where email = $1 and pending_username is not null", [pending])).toBe(0);
  });

  it("accepts POST /users as an alias", async () => {
    const email = uniqueEmail("alias");
    expect((await register({ email, password: PASSWORD }, "/users")).status).toBe(202);
    expect(await countRows("select count(*) from users where email = $1", [email])).toBe(1);
  });
});

describe("POST /auth/register (verification off)", () => {
  const simpleEnv = { ...env, REQUIRE_EMAIL_VERIFICATION: "false" };
  const simple = workerWith(systemClock, simpleEnv);
  const send = (path: string, body: unknown) => simple("POST", path, { body });

  it("creates the user at once (201) and lets them log in", async () => {
    const email = uniqueEmail("simple");
    const res = await send("/auth/register", { email, password: PASSWORD, full_name: "Grace Hopper", username: null });
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: Record<string, unknown> };
    expect(user).toMatchObject({ email, full_name: "Grace Hopper", username: null, role: "user", email_verified: true, totp_enabled: false });
    expect(Object.keys(user).sort()).toEqual(["created_at", "email", "email_verified", "full_name", "id", "role", "totp_enabled", "updated_at", "username"]);
    expect((await send("/auth/login", { email, password: PASSWORD })).status).toBe(200);
  });

  it("answers 409 email_taken for a duplicate in any letter case, leaving one row", async () => {
    const email = uniqueEmail("dupe");
    expect((await send("/auth/register", { email, password: PASSWORD })).status).toBe(201);
    await expectProblem(await send("/users", { email: email.toUpperCase(), password: PASSWORD }), 409, "email_taken");
    expect(await countRows("select count(*) from users where email = $1", [email])).toBe(1);
  });
});
