import { describe, expect, it } from "vitest";
import { call, countRows, createVerifiedUser, expectProblem, PASSWORD, roundTrips } from "./helpers";

describe("GET /users/me", () => {
  it("returns the user in one round trip, without secrets", async () => {
    const { token, email, tokens } = await createVerifiedUser({ full_name: "Ada Lovelace" });
    const { result: res, trips } = await roundTrips(() => call("GET", "/users/me", { token }));
    expect(trips).toBe(1);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ ...tokens.user, email, full_name: "Ada Lovelace", recovery_codes_left: 0 });
    expect(text).not.toMatch(/scrypt|password|hash/i);
  });
});

describe("PATCH and PUT /users/me", () => {
  it("changes only the fields sent, in one round trip; null clears", async () => {
    const { token } = await createVerifiedUser({ full_name: "Old Name" });
    const username = `n${crypto.randomUUID().slice(0, 8)}`;
    const { result: res, trips } = await roundTrips(() => call("PATCH", "/users/me", { token, body: { username } }));
    expect(trips).toBe(1);
    expect(await res.json()).toMatchObject({ full_name: "Old Name", username });
    const cleared = await call("PUT", "/users/me", { token, body: { full_name: null } });
    expect(await cleared.json()).toMatchObject({ full_name: null, username });
    const me = await call("GET", "/users/me", { token });
    expect(await me.json()).toMatchObject({ full_name: null, username });
  });

  it("refuses a username another user holds, in any letter case", async () => {
    const username = `t${crypto.randomUUID().slice(0, 8)}`;
    await createVerifiedUser({ username });
    const { token } = await createVerifiedUser();
    await expectProblem(await call("PATCH", "/users/me", { token, body: { username: username.toUpperCase() } }), 409, "username_taken");
  });

  it("refuses to let a user set their own role or email here", async () => {
    const { token } = await createVerifiedUser();
    const res = await expectProblem(await call("PATCH", "/users/me", { token, body: { role: "admin", email: "x@example.test" } }), 422);
    expect(res.errors!.map((e) => e.loc.join("."))).toEqual(expect.arrayContaining(["body.role", "body.email"]));
  });
});

describe("DELETE /users/me", () => {
  it("wants the password, then removes the user with its sessions and codes", async () => {
    const { token, email, tokens } = await createVerifiedUser();
    await expectProblem(await call("DELETE", "/users/me", { token, body: { password: "not it at all" } }), 403, "invalid_password");
    const { result: res, trips } = await roundTrips(() => call("DELETE", "/users/me", { token, body: { password: PASSWORD } }));
    expect(res.status).toBe(204);
    expect(trips).toBeLessThanOrEqual(2);
    await expectProblem(await call("GET", "/users/me", { token }), 401, "invalid_token");
    await expectProblem(await call("POST", "/auth/login", { body: { email, password: PASSWORD } }), 401, "invalid_credentials");
    expect(await countRows("select count(*) from users where email = $1", [email])).toBe(0);
    expect(await countRows("select count(*) from sessions where user_id = $1", [tokens.user.id])).toBe(0);
    expect(await countRows("select count(*) from one_time_codes where user_id = $1", [tokens.user.id])).toBe(0);
  });

  it("ends access at once for every token of a deleted session", async () => {
    const { token, email } = await createVerifiedUser();
    const second = (await (await call("POST", "/auth/login", { body: { email, password: PASSWORD } })).json()) as { access_token: string };
    expect((await call("DELETE", "/users/me", { token, body: { password: PASSWORD } })).status).toBe(204);
    await expectProblem(await call("GET", "/users/me", { token: second.access_token }), 401, "invalid_token");
  });
});
