import { describe, expect, it } from "vitest";
import { hashPassword } from "../../src/security/password";
import { call, countRows, createVerifiedUser, dbQuery, expectProblem, PASSWORD, roundTrips, uniqueEmail, type TokenBody } from "./helpers";

const login = (email: string, password: string, path = "/auth/login") => call("POST", path, { body: { email, password } });

describe("POST /auth/login", () => {
  it("signs in with at most 2 round trips, opening a session the access token names", async () => {
    const { email } = await createVerifiedUser();
    const { result: res, trips } = await roundTrips(() =>
      call("POST", "/auth/login", { body: { email, password: PASSWORD }, headers: { "user-agent": "test-agent/1.0", "cf-connecting-ip": "203.0.113.9" } }),
    );
    expect(res.status).toBe(200);
    expect(trips).toBeLessThanOrEqual(2);
    const body = (await res.json()) as TokenBody;
    expect(body.user.email).toBe(email);
    const [, payload] = body.access_token.split(".");
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: body.user.id, role: "user", iss: "https://accounts.test", aud: "accounts-test" });
    expect(claims.exp as number - (claims.iat as number)).toBe(1800);
    expect(body.refresh_token.startsWith(`${claims.sid as string}.`)).toBe(true);
    const [session] = await dbQuery("select user_agent, ip, refresh_hash from sessions where id = $1", [claims.sid]);
    expect(session!.slice(0, 2)).toEqual(["test-agent/1.0", "203.0.113.9"]);
    expect(session![2]).not.toContain(body.refresh_token.split(".")[1]);
  });

  it("accepts the email in any letter case and via POST /users/login", async () => {
    const { email } = await createVerifiedUser();
    expect((await login(email.toUpperCase(), PASSWORD, "/users/login")).status).toBe(200);
  });

  it("answers a wrong password and an unknown email identically (401 invalid_credentials)", async () => {
    const { email } = await createVerifiedUser();
    const wrong = await expectProblem(await login(email, "not the password"), 401, "invalid_credentials");
    const unknown = await expectProblem(await login(uniqueEmail("ghost"), "not the password"), 401, "invalid_credentials");
    expect({ ...unknown, instance: undefined }).toEqual({ ...wrong, instance: undefined });
  });

  it("counts failures per network and across networks; a success forgets only its own network's", async () => {
    const { email, tokens } = await createVerifiedUser();
    const from = (ip: string) => ({ "cf-connecting-ip": ip });
    await call("POST", "/auth/login", { body: { email, password: "wrong password 1" }, headers: from("192.0.2.91") });
    await call("POST", "/auth/login", { body: { email, password: "wrong password 2" }, headers: from("192.0.2.91") });
    await call("POST", "/auth/login", { body: { email, password: "wrong password 3" }, headers: from("192.0.2.92") });
    const failures = (network: string) =>
      countRows("select coalesce(sum(failures), 0) from login_failures where subject = $1 and network = $2", [tokens.user.id, network]);
    expect(await failures("192.0.2.91")).toBe(2);
    expect(await failures("192.0.2.92")).toBe(1);
    expect(await failures("*")).toBe(3);
    expect((await call("POST", "/auth/login", { body: { email, password: PASSWORD }, headers: from("192.0.2.91") })).status).toBe(200);
    expect(await failures("192.0.2.91")).toBe(0);
    expect(await failures("192.0.2.92")).toBe(1);
  });

  it("checks the password against NFKC-normalised text", async () => {
    const password = "ｐａｓｓｗｏｒｄ ﬁne"; // full-width letters and a ligature
    const { email } = await createVerifiedUser({ password });
    expect((await login(email, "password fine")).status).toBe(200);
  });

  it("rehashes a password stored with older scrypt parameters on the next successful login", async () => {
    const { email } = await createVerifiedUser();
    await dbQuery("update users set password_hash = $1 where email = $2", [await hashPassword(PASSWORD, { ln: 10, r: 8, p: 1 }), email]);
    expect((await login(email, PASSWORD)).status).toBe(200);
    const [[stored]] = (await dbQuery("select password_hash from users where email = $1", [email])) as [[string]];
    expect(stored).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$/);
    expect((await login(email, PASSWORD)).status).toBe(200);
  });
});
