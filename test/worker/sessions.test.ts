import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock";
import { call, createVerifiedUser, expectProblem, PASSWORD, roundTrips, signIn, workerWith } from "./helpers";

interface SessionOut {
  id: string;
  current: boolean;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
}

const sidOf = (token: string) => (JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string }).sid;
const me = (token: string) => call("GET", "/users/me", { token });

describe("logout", () => {
  it("POST /auth/logout ends this session at once, in one round trip; others live on", async () => {
    const { email, token } = await createVerifiedUser();
    const other = await signIn(email);
    const { result, trips } = await roundTrips(() => call("POST", "/auth/logout", { token }));
    expect(result.status).toBe(204);
    expect(trips).toBe(1);
    await expectProblem(await me(token), 401, "invalid_token");
    await expectProblem(await call("POST", "/auth/logout", { token }), 401, "invalid_token");
    expect((await me(other.token)).status).toBe(200);
  });

  it("POST /auth/logout/all ends every session of the user", async () => {
    const { email, token, refreshToken } = await createVerifiedUser();
    const other = await signIn(email);
    const { result, trips } = await roundTrips(() => call("POST", "/auth/logout/all", { token: other.token }));
    expect(result.status).toBe(204);
    expect(trips).toBe(1);
    for (const t of [token, other.token]) await expectProblem(await me(t), 401, "invalid_token");
    await expectProblem(await call("POST", "/auth/refresh", { body: { refresh_token: refreshToken } }), 401, "invalid_token");
  });
});

describe("GET /sessions", () => {
  it("lists live sessions in one round trip, marking the current one and recording agent and IP", async () => {
    const { email, token } = await createVerifiedUser();
    const phone = await signIn(email, undefined, call, { "user-agent": "Phone/2.0", "cf-connecting-ip": "198.51.100.7" });
    const { result, trips } = await roundTrips(() => call("GET", "/sessions", { token: phone.token }));
    expect(trips).toBe(1);
    const sessions = (await result.json()) as SessionOut[];
    expect(sessions).toHaveLength(2);
    const current = sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ id: sidOf(phone.token), user_agent: "Phone/2.0", ip: "198.51.100.7" });
    expect(sessions.map((s) => s.id)).toContain(sidOf(token));
    for (const s of sessions) expect(Date.parse(s.expires_at)).toBeGreaterThan(Date.parse(s.created_at));
  });

  it("shows last_used_at moving when the session is refreshed", async () => {
    const { token, refreshToken } = await createVerifiedUser();
    const before = ((await (await call("GET", "/sessions", { token })).json()) as SessionOut[])[0]!;
    await new Promise((r) => setTimeout(r, 5));
    const refreshed = (await (await call("POST", "/auth/refresh", { body: { refresh_token: refreshToken } })).json()) as { access_token: string };
    const after = ((await (await call("GET", "/sessions", { token: refreshed.access_token })).json()) as SessionOut[])[0]!;
    expect(Date.parse(after.last_used_at)).toBeGreaterThan(Date.parse(before.last_used_at));
  });
});

describe("one session by id", () => {
  it("GET /sessions/{id} shows your own session; another user's is 404, like a missing one", async () => {
    const alice = await createVerifiedUser();
    const bob = await createVerifiedUser();
    const own = await call("GET", `/sessions/${sidOf(alice.token)}`, { token: alice.token });
    expect(await own.json()).toMatchObject({ id: sidOf(alice.token), current: true });
    await expectProblem(await call("GET", `/sessions/${sidOf(bob.token)}`, { token: alice.token }), 404, "session_not_found");
    await expectProblem(await call("GET", `/sessions/${crypto.randomUUID()}`, { token: alice.token }), 404, "session_not_found");
    const bad = await expectProblem(await call("GET", "/sessions/not-a-uuid", { token: alice.token }), 422);
    expect(bad.errors![0]!.loc).toEqual(["path", "id"]);
  });

  it("DELETE /sessions/{id} revokes your other session; another user's stays alive (404)", async () => {
    const alice = await createVerifiedUser();
    const laptop = await signIn(alice.email);
    const bob = await createVerifiedUser();
    await expectProblem(await call("DELETE", `/sessions/${sidOf(bob.token)}`, { token: alice.token }), 404, "session_not_found");
    expect((await me(bob.token)).status).toBe(200);
    expect((await call("DELETE", `/sessions/${sidOf(laptop.token)}`, { token: alice.token })).status).toBe(204);
    await expectProblem(await me(laptop.token), 401, "invalid_token");
    expect((await me(alice.token)).status).toBe(200);
    await expectProblem(await call("DELETE", `/sessions/${sidOf(laptop.token)}`, { token: alice.token }), 404, "session_not_found");
  });

  it("DELETE /sessions revokes every session but the current one", async () => {
    const { email, token } = await createVerifiedUser();
    const others = [await signIn(email), await signIn(email)];
    expect((await call("DELETE", "/sessions", { token })).status).toBe(204);
    for (const o of others) await expectProblem(await me(o.token), 401, "invalid_token");
    const left = (await (await call("GET", "/sessions", { token })).json()) as SessionOut[];
    expect(left.map((s) => s.id)).toEqual([sidOf(token)]);
  });

  it("a signed-out caller gets 401 on every session route", async () => {
    const { token } = await createVerifiedUser();
    await call("POST", "/auth/logout", { token });
    for (const [method, path] of [["GET", "/sessions"], ["DELETE", "/sessions"], ["GET", `/sessions/${sidOf(token)}`], ["DELETE", `/sessions/${sidOf(token)}`], ["POST", "/auth/logout/all"]] as const) {
      await expectProblem(await call(method, path, { token }), 401, "invalid_token");
    }
  });
});

describe("sessions per user", () => {
  it("are capped at MAX_SESSIONS_PER_USER: a sign-in beyond it revokes the oldest, in login's two round trips", async () => {
    const worker = workerWith(systemClock, { ...env, MAX_SESSIONS_PER_USER: "3" });
    const { email, token: first, refreshToken: firstRefresh } = await createVerifiedUser({}, worker);
    const second = await signIn(email, PASSWORD, worker);
    const third = await signIn(email, PASSWORD, worker);
    expect((await me(first)).status).toBe(200);

    const { result: fourth, trips } = await roundTrips(() => signIn(email, PASSWORD, worker));
    expect(trips).toBe(2);
    // The oldest is gone, token and refresh token alike; the newest three live on.
    expect((await me(first)).status).toBe(401);
    expect((await call("POST", "/auth/refresh", { body: { refresh_token: firstRefresh } })).status).toBe(401);
    for (const { token } of [second, third, fourth]) expect((await me(token)).status).toBe(200);
    const live = (await (await call("GET", "/sessions", { token: fourth.token })).json()) as unknown[];
    expect(live).toHaveLength(3);
  });
});
