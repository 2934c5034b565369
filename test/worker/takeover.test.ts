import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fixedClock, systemClock } from "../../src/clock";
import worker from "../../src/index";
import { codeFromMail, countRows, dbQuery, expectProblem, mailsTo, uniqueEmail, workerWith, type TokenBody } from "./helpers";

// Issue 13, defects 1 and 2: whoever proves control of the mailbox decides the password and profile of
// the account that is activated; registering an address proves nothing.

const VICTIM = { password: "victim's own passphrase", full_name: "Vera Victim" };
const ATTACKER = { password: "attacker passphrase 666", full_name: "Mallory" };

type Via = ReturnType<typeof workerWith>;

async function registerAs(via: Via, email: string, who: { password: string; full_name: string }, username?: string) {
  const res = await via("POST", "/auth/register", { body: { email, ...who, ...(username ? { username } : {}) } });
  expect(res.status).toBe(202);
}

async function verifyAs(via: Via, email: string, password: string, code: string) {
  const res = await via("POST", "/auth/verify", { body: { email, code, password } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as TokenBody).user;
}

/** After the mailbox owner verified: only their password signs in, and nothing of the attacker's stayed. */
async function expectOwnedByVictim(via: Via, email: string) {
  expect((await via("POST", "/auth/login", { body: { email, password: VICTIM.password } })).status).toBe(200);
  await expectProblem(await via("POST", "/auth/login", { body: { email, password: ATTACKER.password } }), 401, "invalid_credentials");
  const [row] = await dbQuery("select full_name, username from users where email = $1", [email]);
  expect(row![0]).not.toBe(ATTACKER.full_name);
  expect(row![1]).toBeNull();
}

describe("pending-account takeover", () => {
  // Codes go out at most once a minute per address: the clock moves 61 s between steps, so every
  // registration and resend below really mails a fresh code that voids the one before.
  const step = (clock: ReturnType<typeof fixedClock>) => clock.advance(61_000);

  it("victim registers, attacker registers, victim verifies with the newest code: the victim's password, no attacker profile", async () => {
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const via = workerWith(clock);
    const email = uniqueEmail("victim");
    await registerAs(via, email, VICTIM);
    step(clock);
    await registerAs(via, email, ATTACKER, `mal${crypto.randomUUID().slice(0, 6)}`);
    const user = await verifyAs(via, email, VICTIM.password, await codeFromMail(email, 2));
    expect(user.full_name).toBeNull();
    await expectOwnedByVictim(via, email);
  });

  it("with the older code in the mailbox the attacker's registration voided, the victim uses the newer one", async () => {
    const clock = fixedClock("2026-11-23T09:10:00Z");
    const via = workerWith(clock);
    const email = uniqueEmail("victim");
    await registerAs(via, email, VICTIM);
    const older = await codeFromMail(email, 1);
    step(clock);
    await registerAs(via, email, ATTACKER);
    const newer = await codeFromMail(email, 2);
    if (newer !== older) await expectProblem(await via("POST", "/auth/verify", { body: { email, code: older, password: VICTIM.password } }), 400, "invalid_code");
    await verifyAs(via, email, VICTIM.password, newer);
    await expectOwnedByVictim(via, email);
  });

  it("attacker registers and resends, the victim never registered: verifying with the mailed code gives the victim's password", async () => {
    const clock = fixedClock("2026-11-23T09:20:00Z");
    const via = workerWith(clock);
    const email = uniqueEmail("victim");
    await registerAs(via, email, ATTACKER);
    step(clock);
    expect((await via("POST", "/auth/verify/resend", { body: { email } })).status).toBe(202);
    await verifyAs(via, email, VICTIM.password, await codeFromMail(email, 2));
    await expectOwnedByVictim(via, email);
  });

  it("attacker first, then the victim: the victim's own registration (name and username) is what they get", async () => {
    const clock = fixedClock("2026-11-23T09:30:00Z");
    const via = workerWith(clock);
    const email = uniqueEmail("victim");
    const username = `vera${crypto.randomUUID().slice(0, 6)}`;
    await registerAs(via, email, ATTACKER);
    step(clock);
    await registerAs(via, email, VICTIM, username);
    const user = await verifyAs(via, email, VICTIM.password, await codeFromMail(email, 2));
    expect(user).toMatchObject({ full_name: VICTIM.full_name, username, email_verified: true });
    await expectProblem(await via("POST", "/auth/login", { body: { email, password: ATTACKER.password } }), 401, "invalid_credentials");
  });

  it("the attacker cannot finish it without the code, and an ADMIN_EMAILS address becomes the mailbox owner's admin account", async () => {
    const clock = fixedClock("2026-11-23T09:40:00Z");
    const email = uniqueEmail("boss");
    const via = workerWith(clock, { ...env, ADMIN_EMAILS: email });
    await registerAs(via, email, ATTACKER);
    await expectProblem(await via("POST", "/auth/verify", { body: { email, code: "000000", password: ATTACKER.password } }), 400, "invalid_code");
    await expectProblem(await via("POST", "/auth/login", { body: { email, password: ATTACKER.password } }), 403, "email_not_verified");
    const user = await verifyAs(via, email, VICTIM.password, await codeFromMail(email));
    expect(user.role).toBe("admin");
    await expectOwnedByVictim(via, email);
  });
});

describe("unverified registrations expire", () => {
  const runCron = (at: Date, bindings: object = env) =>
    worker.scheduled(createScheduledController({ scheduledTime: at.getTime(), cron: "23 * * * *" }), bindings as typeof env);

  it("are deleted by the hourly job after PENDING_ACCOUNT_MAX_AGE (7 days by default), freeing the address", async () => {
    const registeredAt = new Date("2026-11-01T08:00:00Z");
    const via = workerWith(fixedClock(registeredAt));
    const email = uniqueEmail("pending");
    await registerAs(via, email, ATTACKER);
    await runCron(new Date(registeredAt.getTime() + 6 * 24 * 3600 * 1000));
    expect(await countRows("select count(*) from users where email = $1", [email])).toBe(1);
    await runCron(new Date(registeredAt.getTime() + 7 * 24 * 3600 * 1000 + 60_000));
    expect(await countRows("select count(*) from users where email = $1", [email])).toBe(0);
  });

  it("follow a configured PENDING_ACCOUNT_MAX_AGE and never touch verified accounts", async () => {
    const registeredAt = new Date("2026-11-02T08:00:00Z");
    const via = workerWith(fixedClock(registeredAt));
    const pending = uniqueEmail("pending");
    const verified = uniqueEmail("verified");
    await registerAs(via, pending, ATTACKER);
    await registerAs(via, verified, VICTIM);
    await verifyAs(via, verified, VICTIM.password, await codeFromMail(verified));
    await runCron(new Date(registeredAt.getTime() + 2 * 3600 * 1000), { ...env, PENDING_ACCOUNT_MAX_AGE: "3600" });
    expect(await countRows("select count(*) from users where email = $1", [pending])).toBe(0);
    expect(await countRows("select count(*) from users where email = $1", [verified])).toBe(1);
  });
});

describe("ADMIN_EMAILS with verification off", () => {
  const simpleEnv = { ...env, REQUIRE_EMAIL_VERIFICATION: "false" };

  it("does not make the first registrant admin; a password reset (proof of the mailbox) does", async () => {
    const email = uniqueEmail("boss");
    const via = workerWith(systemClock, { ...simpleEnv, ADMIN_EMAILS: email });
    const created = await via("POST", "/auth/register", { body: { email, password: ATTACKER.password } });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { user: { role: string } }).user.role).toBe("user");
    const login = await via("POST", "/auth/login", { body: { email, password: ATTACKER.password } });
    expect(((await login.json()) as TokenBody).user.role).toBe("user");

    expect((await via("POST", "/auth/forgot-password", { body: { email } })).status).toBe(202);
    const [mail] = await mailsTo(email);
    const code = /\b(\d{6})\b/.exec(mail!.text)![1]!;
    expect((await via("POST", "/auth/reset-password", { body: { email, code, new_password: VICTIM.password } })).status).toBe(204);
    const after = await via("POST", "/auth/login", { body: { email, password: VICTIM.password } });
    expect(((await after.json()) as TokenBody).user.role).toBe("admin");
  });
});
