import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { call, createVerifiedUser, expectProblem, PASSWORD, uniqueEmail, workerWith } from "./helpers";

// Failed password checks are counted per address and client network (long lockout there), and per
// address across networks (a backoff of seconds). Every test names its networks with CF-Connecting-IP.

const from = (ip: string) => ({ "cf-connecting-ip": ip });

function loginVia(worker: ReturnType<typeof workerWith>, email: string) {
  return (password: string, ip: string) => worker("POST", "/auth/login", { body: { email, password }, headers: from(ip) });
}

describe("lockout per client network", () => {
  it("locks one network after 5 failures with backoff, hides whether the password was right, and unlocks on time", async () => {
    const clock = fixedClock("2026-11-22T07:00:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser({}, worker);
    const login = loginVia(worker, email);
    const attacker = "192.0.2.10";

    for (let i = 0; i < 5; i++) await expectProblem(await login("wrong password", attacker), 401, "invalid_credentials");
    const right = await login(PASSWORD, attacker);
    const rightBody = await expectProblem(right, 429, "account_locked");
    expect(right.headers.get("retry-after")).toBe("30");
    const wrong = await login("wrong password", attacker);
    const wrongBody = await expectProblem(wrong, 429, "account_locked");
    expect({ ...wrongBody, instance: undefined }).toEqual({ ...rightBody, instance: undefined });

    clock.advance(31_000);
    // The next failure after a lock doubles it.
    await expectProblem(await login("wrong again", attacker), 401, "invalid_credentials");
    const relocked = await login(PASSWORD, attacker);
    await expectProblem(relocked, 429, "account_locked");
    expect(relocked.headers.get("retry-after")).toBe("60");

    clock.advance(61_000);
    expect((await login(PASSWORD, attacker)).status).toBe(200);
  });

  it("does not lock the account for other networks: the owner signs in from theirs while the attacker's is locked", async () => {
    const clock = fixedClock("2026-11-22T07:10:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser({}, worker);
    const login = loginVia(worker, email);
    for (let i = 0; i < 8; i++) await login("wrong password", "192.0.2.20");
    await expectProblem(await login(PASSWORD, "192.0.2.20"), 429, "account_locked");
    expect((await login(PASSWORD, "198.51.100.20")).status).toBe(200);
    // An IPv6 attacker's whole /64 is one network; the owner's other /64 is not. (Another account: the
    // eight failures above already count towards this one's short all-networks backoff.)
    const { email: other } = await createVerifiedUser({}, worker);
    const loginOther = loginVia(worker, other);
    for (let i = 0; i < 5; i++) await loginOther("wrong password", `2001:db8:aa:1::${i + 1}`);
    await expectProblem(await loginOther(PASSWORD, "2001:db8:aa:1:ffff::9"), 429, "account_locked");
    expect((await loginOther(PASSWORD, "2001:db8:aa:2::1")).status).toBe(200);
  });

  it("slows guesses spread over many networks with a backoff of seconds, not minutes", async () => {
    const clock = fixedClock("2026-11-22T07:20:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser({}, worker);
    const login = loginVia(worker, email);
    // A botnet: 10 networks, one guess each.
    for (let i = 0; i < 10; i++) await expectProblem(await login("wrong password", `203.0.113.${i + 1}`), 401, "invalid_credentials");
    const owner = await login(PASSWORD, "198.51.100.30");
    await expectProblem(owner, 429, "account_locked");
    expect(Number(owner.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    clock.advance(Number(owner.headers.get("retry-after")) * 1000);
    expect((await login(PASSWORD, "198.51.100.30")).status).toBe(200);
    // However long it goes on, the wait stays at 30 s at most.
    for (let i = 0; i < 12; i++) {
      clock.advance(31_000);
      await login("wrong password", `203.0.113.${i + 20}`);
    }
    const later = await login(PASSWORD, "198.51.100.30");
    expect(later.status === 200 || Number(later.headers.get("retry-after")) <= 30).toBe(true);
  });

  it("counts a burst of 20 parallel failures as the 5 that lock, not as 20: a 30-second lock", async () => {
    const clock = fixedClock("2026-11-22T07:30:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser({}, worker);
    const login = loginVia(worker, email);
    const answers = await Promise.all(Array.from({ length: 20 }, () => login("wrong password", "192.0.2.40")));
    for (const r of answers) expect([401, 429]).toContain(r.status);
    const locked = await login(PASSWORD, "192.0.2.40");
    await expectProblem(locked, 429, "account_locked");
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    clock.advance(31_000);
    expect((await login(PASSWORD, "192.0.2.40")).status).toBe(200);
  });

  it("treats an unknown address exactly like a known one: 401 five times, then 429", async () => {
    const clock = fixedClock("2026-11-22T07:40:00Z");
    const worker = workerWith(clock);
    const { email: known } = await createVerifiedUser({}, worker);
    const answers = async (email: string) => {
      const out = [];
      for (let i = 0; i < 6; i++) {
        const res = await loginVia(worker, email)("wrong password", "192.0.2.50");
        const body = (await res.json()) as { code: string; detail: string };
        out.push(`${res.status} ${body.code} ${body.detail} ${res.headers.get("retry-after")}`);
      }
      return out;
    };
    const forKnown = await answers(known);
    const forUnknown = await answers(uniqueEmail("ghost"));
    expect(forKnown.map((a) => a.split(" ")[0])).toEqual(["401", "401", "401", "401", "401", "429"]);
    expect(forUnknown).toEqual(forKnown);
  });

  it("the token endpoint counts and reports a lock like login does (invalid_grant)", async () => {
    const { email } = await createVerifiedUser();
    const ip = "192.0.2.60";
    for (let i = 0; i < 5; i++) await call("POST", "/auth/login", { body: { email, password: "wrong password" }, headers: from(ip) });
    const res = await call("POST", "/auth/token", {
      rawBody: `grant_type=password&username=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`,
      headers: { "content-type": "application/x-www-form-urlencoded", ...from(ip) },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
    expect(res.headers.get("retry-after")).toBeTruthy();
  });
});

describe("re-authentication counts like a login", () => {
  // A stolen access token must not buy unlimited password guesses through delete / password / email change.
  const attempts = [
    { name: "DELETE /users/me", method: "DELETE", path: "/users/me", body: (password: string) => ({ password }) },
    { name: "POST /users/me/password", method: "POST", path: "/users/me/password", body: (password: string) => ({ current_password: password, new_password: "a brand new password" }) },
    { name: "POST /users/me/email", method: "POST", path: "/users/me/email", body: (password: string) => ({ new_email: uniqueEmail("new"), password }) },
  ];

  it.each(attempts)("$name: 5 wrong passwords lock that network, for it and for login alike", async ({ method, path, body }) => {
    const { email, token } = await createVerifiedUser();
    const thief = "192.0.2.70";
    for (let i = 0; i < 5; i++) await expectProblem(await call(method, path, { token, body: body("wrong password"), headers: from(thief) }), 403, "invalid_password");
    // Even the right password is refused now, and nothing happened.
    await expectProblem(await call(method, path, { token, body: body(PASSWORD), headers: from(thief) }), 429, "account_locked");
    await expectProblem(await call("POST", "/auth/login", { body: { email, password: PASSWORD }, headers: from(thief) }), 429, "account_locked");
    expect((await call("GET", "/users/me", { token })).status).toBe(200);
    expect((await call("POST", "/auth/login", { body: { email, password: PASSWORD }, headers: from("198.51.100.70") })).status).toBe(200);
  });
});
