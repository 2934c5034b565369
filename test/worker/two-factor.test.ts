// Two-factor authentication with TOTP, through the API: enrolment, the two-step sign-in, recovery codes,
// replay, the ticket's and the account's limits, the OAuth token endpoint, and races on one code.
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixedClock } from "../../src/clock";
import {
  authenticatorCode,
  codeFromMail,
  countRows,
  createVerifiedUser,
  dbBatch,
  dbQuery,
  enableTotp,
  expectProblem,
  mfaTicket,
  PASSWORD,
  roundTrips,
  workerWith,
  type TokenBody,
} from "./helpers";

/** A worker whose clock starts 5 s into a TOTP step (so a test's steps are its own) and moves only when told. */
function steppedWorker() {
  const start = Math.floor(Date.now() / 30_000) * 30_000 + 5_000;
  const clock = fixedClock(new Date(start));
  return { w: workerWith(clock), clock, code: (secret: string) => authenticatorCode(secret, clock.now()) };
}

/** A 6-digit code that is not `code` (nor, but once in 10^5, any code of the steps around it). */
const otherThan = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");

/** When the user last finished signing in, as the database has it. */
const lastSignIn = async (userId: string) => {
  const [[at]] = (await dbQuery("select last_login_at from users where id = $1", [userId])) as [[string | null]];
  return at === null ? null : new Date(at).getTime();
};

const claims = (jwt: string) => JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { amr?: string[]; sid: string };

async function enrolled() {
  const t = steppedWorker();
  const user = await createVerifiedUser({}, t.w);
  const totp = await enableTotp(user.token, t.w, t.clock.now());
  // The confirming code's step is used: sign-ins start one step later.
  t.clock.advance(30_000);
  return { ...t, user, ...totp };
}

describe("enrolment", () => {
  it("gives a 160-bit base32 secret and its otpauth URI, then 10 recovery codes for a first valid code; GET /users/me says so", async () => {
    const t = steppedWorker();
    const user = await createVerifiedUser({}, t.w);
    expect(await (await t.w("GET", "/users/me", { token: user.token })).json()).toMatchObject({ totp_enabled: false, recovery_codes_left: 0 });
    const start = await t.w("POST", "/users/me/totp", { token: user.token, body: { password: PASSWORD } });
    expect(start.status).toBe(200);
    const { secret, otpauth_uri } = (await start.json()) as { secret: string; otpauth_uri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauth_uri).toBe(
      `otpauth://totp/Accounts%20Test:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Accounts%20Test&algorithm=SHA1&digits=6&period=30`,
    );
    expect((await dbQuery("select totp_pending_secret from users where id = $1", [user.tokens.user.id]))[0]![0]).not.toContain(secret);

    await expectProblem(await t.w("POST", "/users/me/totp/confirm", { token: user.token, body: { code: otherThan(await t.code(secret)) } }), 400, "invalid_code");
    const confirm = await t.w("POST", "/users/me/totp/confirm", { token: user.token, body: { code: await t.code(secret) } });
    expect(confirm.status).toBe(200);
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
    expect(recovery_codes).toHaveLength(10);
    expect(new Set(recovery_codes).size).toBe(10);
    for (const c of recovery_codes) expect(c).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect(await countRows("select count(*) from recovery_codes where user_id = $1 and code_hash = any($2::text[])", [user.tokens.user.id, `{${recovery_codes.join(",")}}`])).toBe(0);

    const me = (await (await t.w("GET", "/users/me", { token: user.token })).json()) as { totp_enabled: boolean; recovery_codes_left: number };
    expect(me).toMatchObject({ totp_enabled: true, recovery_codes_left: 10 });
    await expectProblem(await t.w("POST", "/users/me/totp", { token: user.token, body: { password: PASSWORD } }), 409, "totp_already_enabled");
    await expectProblem(await t.w("POST", "/users/me/totp", { token: user.token, body: { password: "not the password" } }), 403, "invalid_password");
  });

  it("refuses to confirm without a started enrolment, or after 15 minutes", async () => {
    const t = steppedWorker();
    const user = await createVerifiedUser({}, t.w);
    await expectProblem(await t.w("POST", "/users/me/totp/confirm", { token: user.token, body: { code: "123456" } }), 409, "totp_enrolment_expired");
    const { secret } = (await (await t.w("POST", "/users/me/totp", { token: user.token, body: { password: PASSWORD } })).json()) as { secret: string };
    t.clock.advance(15 * 60_000);
    await expectProblem(await t.w("POST", "/users/me/totp/confirm", { token: user.token, body: { code: await t.code(secret) } }), 409, "totp_enrolment_expired");
  });
});

describe("signing in with TOTP on", () => {
  it("asks for the second factor (no tokens, no session), then opens the ticket's session with amr pwd+otp, kept through refresh", async () => {
    const { w, clock, user, secret, code } = await enrolled();
    const signedInBefore = await lastSignIn(user.tokens.user.id);
    const sessionsBefore = await countRows("select count(*) from sessions where user_id = $1", [user.tokens.user.id]);
    const { result: login, trips: loginTrips } = await roundTrips(() => w("POST", "/auth/login", { body: { email: user.email, password: PASSWORD } }));
    expect(loginTrips).toBe(2);
    expect(login.headers.get("set-cookie")).toBeNull();
    const problem = (await expectProblem(login, 403, "mfa_required")) as unknown as { mfa_ticket: string; expires_in: number; access_token?: string };
    expect(problem.expires_in).toBe(300);
    expect(problem.access_token).toBeUndefined();
    expect(await countRows("select count(*) from sessions where user_id = $1", [user.tokens.user.id])).toBe(sessionsBefore);
    // Half a sign-in is not one.
    expect(await lastSignIn(user.tokens.user.id)).toBe(signedInBefore);

    const { result: second, trips } = await roundTrips(async () => w("POST", "/auth/login/mfa", { body: { mfa_ticket: problem.mfa_ticket, code: await code(secret) } }));
    expect(trips).toBe(1);
    expect(second.status).toBe(200);
    const tokens = (await second.json()) as TokenBody;
    expect(claims(tokens.access_token).amr).toEqual(["pwd", "otp"]);
    expect(claims(tokens.access_token).sid).toBe(problem.mfa_ticket.split(".")[1]);
    expect(claims(user.token).amr).toEqual(["pwd"]);
    expect(await lastSignIn(user.tokens.user.id)).toBe(clock.now().getTime());

    const refreshed = await w("POST", "/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(claims(((await refreshed.json()) as TokenBody).access_token).amr).toEqual(["pwd", "otp"]);

    // The ticket is spent.
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: problem.mfa_ticket, code: await code(secret) } }), 401, "invalid_mfa_ticket");
  });

  it("takes 5 answers per ticket: after 5 wrong codes even the right one is refused", async () => {
    const { w, user, secret, code } = await enrolled();
    const ticket = await mfaTicket(user.email, w);
    const right = await code(secret);
    const wrong = otherThan(right);
    for (let i = 0; i < 5; i++) await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: wrong } }), 400, "invalid_code");
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: right } }), 401, "invalid_mfa_ticket");
    // A new ticket still works.
    expect((await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: right } })).status).toBe(200);
  });

  it("refuses an expired ticket, a forged one, and another user's", async () => {
    const { w, user, secret, code } = await enrolled();
    const ticket = await mfaTicket(user.email, w);
    const [, id, s] = ticket.split(".");
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: `${user.tokens.user.id}.${id}.${"A".repeat(43)}`, code: await code(secret) } }), 401, "invalid_mfa_ticket");
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: `${crypto.randomUUID()}.${id}.${s}`, code: await code(secret) } }), 401, "invalid_mfa_ticket");
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: "nonsense", code: await code(secret) } }), 401, "invalid_mfa_ticket");
    await dbQuery("update mfa_tickets set expires_at = now() - interval '1 second', created_at = created_at - interval '5 minutes' where id = $1", [id]);
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: await code(secret) } }), 401, "invalid_mfa_ticket");
  });

  it("accepts a code's time step once: the same code on a new ticket is refused, the next step's code is not", async () => {
    const { w, clock, user, secret, code } = await enrolled();
    const first = await code(secret);
    expect((await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: first } })).status).toBe(200);
    const ticket = await mfaTicket(user.email, w);
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: first } }), 400, "invalid_code");
    clock.advance(30_000);
    expect((await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: await code(secret) } })).status).toBe(200);
  });

  it("accepts a code of the step before and after now (RFC 6238's ±1), not two steps away", async () => {
    const { w, clock, user, secret } = await enrolled();
    const now = clock.now().getTime();
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: await authenticatorCode(secret, now + 60_000) } }), 400, "invalid_code");
    expect((await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: await authenticatorCode(secret, now + 30_000) } })).status).toBe(200);
  });

  it("refuses a ticket issued before TOTP was last turned on, for a code and for a recovery code", async () => {
    const { w, user, secret, code, recoveryCodes } = await enrolled();
    const ticket = await mfaTicket(user.email, w);
    await dbQuery("update users set totp_enabled_at = now() + interval '1 hour' where id = $1", [user.tokens.user.id]);
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: recoveryCodes[0]! } }), 400, "invalid_code");
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: await code(secret) } }), 400, "invalid_code");
  });

  it("accepts each recovery code once, typed in any case without the dash", async () => {
    const { w, clock, user, recoveryCodes } = await enrolled();
    const typed = recoveryCodes[3]!.replace("-", "").toUpperCase();
    const res = await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: typed } });
    expect(res.status).toBe(200);
    expect(await lastSignIn(user.tokens.user.id)).toBe(clock.now().getTime());
    expect(claims(((await res.json()) as TokenBody).access_token).amr).toEqual(["pwd", "otp"]);
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: recoveryCodes[3]! } }), 400, "invalid_code");
    const signedIn = (await (await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: recoveryCodes[4]! } })).json()) as TokenBody;
    expect(await (await w("GET", "/users/me", { token: signedIn.access_token })).json()).toMatchObject({ totp_enabled: true, recovery_codes_left: 8 });
  });

  it("limits wrong answers per account across tickets: the 11th in 15 minutes is 429 with Retry-After", async () => {
    const { w, user, secret, code } = await enrolled();
    const right = await code(secret);
    const wrong = otherThan(right);
    for (let i = 0; i < 10; i++) {
      const ticket = await mfaTicket(user.email, w);
      await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: wrong } }), 400, "invalid_code");
    }
    const res = await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: right } });
    await expectProblem(res, 429, "too_many_attempts");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("stays on after a password reset: the next sign-in still asks for the second factor; a ticket from before is void", async () => {
    const { w, user, secret, code } = await enrolled();
    const before = await mfaTicket(user.email, w);
    expect((await w("POST", "/auth/forgot-password", { body: { email: user.email } })).status).toBe(202);
    const resetCode = await codeFromMail(user.email, 2);
    expect((await w("POST", "/auth/reset-password", { body: { email: user.email, code: resetCode, new_password: "a brand new password" } })).status).toBe(204);
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: before, code: await code(secret) } }), 401, "invalid_mfa_ticket");
    const after = await mfaTicket(user.email, w, "a brand new password");
    expect((await w("POST", "/auth/login/mfa", { body: { mfa_ticket: after, code: await code(secret) } })).status).toBe(200);
  });

  it("voids the tickets of the old password when the password changes", async () => {
    const { w, user, secret, code } = await enrolled();
    const before = await mfaTicket(user.email, w);
    const changed = await w("POST", "/users/me/password", { token: user.token, body: { current_password: PASSWORD, new_password: "a brand new password" } });
    expect(changed.status).toBe(204);
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: before, code: await code(secret) } }), 401, "invalid_mfa_ticket");
  });
});

describe("turning TOTP off and replacing recovery codes", () => {
  it("turning off needs the password and a current code (not the one already used); then sign-in needs the password only", async () => {
    const { w, clock, user, secret, code } = await enrolled();
    clock.advance(-30_000);
    const used = await code(secret);
    clock.advance(30_000);
    await expectProblem(await w("DELETE", "/users/me/totp", { token: user.token, body: { password: "not the password", code: await code(secret) } }), 403, "invalid_password");
    await expectProblem(await w("DELETE", "/users/me/totp", { token: user.token, body: { password: PASSWORD, code: otherThan(await code(secret)) } }), 400, "invalid_code");
    await expectProblem(await w("DELETE", "/users/me/totp", { token: user.token, body: { password: PASSWORD, code: used } }), 400, "invalid_code");
    expect((await w("DELETE", "/users/me/totp", { token: user.token, body: { password: PASSWORD, code: await code(secret) } })).status).toBe(204);
    expect(await (await w("GET", "/users/me", { token: user.token })).json()).toMatchObject({ totp_enabled: false, recovery_codes_left: 0 });
    const login = await w("POST", "/auth/login", { body: { email: user.email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(claims(((await login.json()) as TokenBody).access_token).amr).toEqual(["pwd"]);
    await expectProblem(await w("DELETE", "/users/me/totp", { token: user.token, body: { password: PASSWORD, code: "123456" } }), 409, "totp_not_enabled");
  });

  it("new recovery codes (asked for with a recovery code) replace the old ones", async () => {
    const { w, user, recoveryCodes } = await enrolled();
    const res = await w("POST", "/users/me/totp/recovery-codes", { token: user.token, body: { password: PASSWORD, code: recoveryCodes[0]! } });
    expect(res.status).toBe(200);
    const fresh = ((await res.json()) as { recovery_codes: string[] }).recovery_codes;
    expect(fresh).toHaveLength(10);
    expect(await (await w("GET", "/users/me", { token: user.token })).json()).toMatchObject({ recovery_codes_left: 10 });
    await expectProblem(await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: recoveryCodes[1]! } }), 400, "invalid_code");
    expect((await w("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(user.email, w), code: fresh[0]! } })).status).toBe(200);
  });
});

describe("admins and TOTP", () => {
  afterEach(() => vi.restoreAllMocks());

  it("an admin resets a user's TOTP, with an audit line naming both; others may not", async () => {
    const { w, user } = await enrolled();
    const other = await createVerifiedUser({}, w);
    await expectProblem(await w("DELETE", `/users/${user.tokens.user.id}/totp`, { token: other.token }), 403, "forbidden");
    await dbQuery("update users set role = 'admin' where id = $1", [other.tokens.user.id]);
    const admin = (await (await w("POST", "/auth/login", { body: { email: other.email, password: PASSWORD } })).json()) as TokenBody;
    await expectProblem(await w("DELETE", `/users/${crypto.randomUUID()}/totp`, { token: admin.access_token }), 404, "user_not_found");
    const before = (await (await w("GET", `/users/${user.tokens.user.id}`, { token: admin.access_token })).json()) as { totp_enabled: boolean };
    expect(before.totp_enabled).toBe(true);
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    expect((await w("DELETE", `/users/${user.tokens.user.id}/totp`, { token: admin.access_token })).status).toBe(204);
    const audit = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.message).startsWith("audit:"));
    expect(audit).toMatchObject({ admin_id: other.tokens.user.id, user_id: user.tokens.user.id, was_enabled: true });
    expect((await w("POST", "/auth/login", { body: { email: user.email, password: PASSWORD } })).status).toBe(200);
    const seen = (await (await w("GET", `/users/${user.tokens.user.id}`, { token: admin.access_token })).json()) as { totp_enabled: boolean };
    expect(seen.totp_enabled).toBe(false);
    await dbQuery("update users set role = 'user' where id = $1", [other.tokens.user.id]);
  });
});

describe("the OAuth token endpoint with TOTP on", () => {
  const form = (fields: Record<string, string>) => ({
    rawBody: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });

  it("answers the password grant with Auth0's mfa_required and mfa_token, and issues tokens for the mfa-otp grant", async () => {
    const { w, user, secret, code, recoveryCodes } = await enrolled();
    const res = await w("POST", "/auth/token", form({ grant_type: "password", username: user.email, password: PASSWORD }));
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: string; error_description: string; mfa_token: string };
    expect(body.error).toBe("mfa_required");
    expect(body.mfa_token).toMatch(/\./);
    const wrong = await w("POST", "/auth/token", form({ grant_type: "http://auth0.com/oauth/grant-type/mfa-otp", mfa_token: body.mfa_token, otp: otherThan(await code(secret)) }));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_grant");
    const ok = await w("POST", "/auth/token", form({ grant_type: "http://auth0.com/oauth/grant-type/mfa-otp", mfa_token: body.mfa_token, otp: await code(secret) }));
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string; scope: string };
    expect(claims(tokens.access_token).amr).toEqual(["pwd", "otp"]);

    const again = (await (await w("POST", "/auth/token", form({ grant_type: "password", username: user.email, password: PASSWORD }))).json()) as { mfa_token: string };
    const viaRecovery = await w("POST", "/auth/token", form({ grant_type: "http://auth0.com/oauth/grant-type/mfa-recovery-code", mfa_token: again.mfa_token, recovery_code: recoveryCodes[0]! }));
    expect(viaRecovery.status).toBe(200);
  });
});

describe("racing second steps", () => {
  // Holds the user's row so that the racing requests queue on its lock and are released together
  // (on Postgres; PGlite serialises them, and the outcome must hold there too).
  const holdUser = (id: string) =>
    dbBatch([{ query: "update users set totp_last_step = totp_last_step where id = $1", params: [id] }, { query: "select pg_sleep(0.3)" }]);

  it("the same ticket and code twice at once: one sign-in", async () => {
    const { w, user, secret, code } = await enrolled();
    const ticket = await mfaTicket(user.email, w);
    const c = await code(secret);
    const held = holdUser(user.tokens.user.id);
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all([0, 1].map(() => w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: c } })));
    await held;
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([400, 401]).toContain(statuses[1]);
  });

  it("one code on two tickets at once: one sign-in", async () => {
    const { w, user, secret, code } = await enrolled();
    const tickets = [await mfaTicket(user.email, w), await mfaTicket(user.email, w)];
    const c = await code(secret);
    const held = holdUser(user.tokens.user.id);
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all(tickets.map((ticket) => w("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: c } })));
    await held;
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await countRows("select count(*) from sessions where id = any($1::uuid[])", [`{${tickets.map((t) => t.split(".")[1]).join(",")}}`])).toBe(1);
  });
});
