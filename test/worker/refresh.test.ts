import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { call, countRows, createVerifiedUser, dbBatch, expectProblem, roundTrips, signIn, workerWith, type TokenBody } from "./helpers";

const refresh = (refresh_token: string, via = call) => via("POST", "/auth/refresh", { body: { refresh_token } });
const tokensOf = async (res: Response) => {
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as TokenBody;
};

describe("POST /auth/refresh", () => {
  it("rotates on every use, in one round trip, and each new access token works", async () => {
    const { refreshToken, tokens: first } = await createVerifiedUser();
    const { result, trips } = await roundTrips(() => refresh(refreshToken));
    expect(trips).toBe(1);
    const second = await tokensOf(result);
    expect(second.refresh_token).not.toBe(refreshToken);
    expect(second.refresh_token.split(".")[0]).toBe(refreshToken.split(".")[0]);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.user.id).toBe(first.user.id);
    const third = await tokensOf(await refresh(second.refresh_token));
    expect(third.refresh_token).not.toBe(second.refresh_token);
    expect((await call("GET", "/users/me", { token: third.access_token })).status).toBe(200);
  });

  it("answers a parent presented again inside the window with the identical successor", async () => {
    const { refreshToken } = await createVerifiedUser();
    const child = await tokensOf(await refresh(refreshToken));
    const again = await tokensOf(await refresh(refreshToken));
    expect(again.refresh_token).toBe(child.refresh_token);
    expect((await call("GET", "/users/me", { token: again.access_token })).status).toBe(200);
    // The successor is still the one live child: it rotates normally.
    expect((await refresh(child.refresh_token)).status).toBe(200);
  });

  it("revokes the session when the parent comes back after the window; the child then dies too", async () => {
    const clock = fixedClock("2026-11-22T10:00:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser();
    const { refreshToken: parent } = await signIn(email, undefined, worker);
    const child = await tokensOf(await refresh(parent, worker));
    clock.advance(10_001);
    await expectProblem(await refresh(parent, worker), 401, "refresh_token_reused");
    await expectProblem(await refresh(child.refresh_token, worker), 401, "invalid_token");
    await expectProblem(await worker("GET", "/users/me", { token: child.access_token }), 401, "invalid_token");
  });

  it("revokes the session when any older generation comes back, even one rotated twice since, even inside the window", async () => {
    const clock = fixedClock("2026-11-22T11:00:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser();
    const { refreshToken: first } = await signIn(email, undefined, worker);
    const second = await tokensOf(await refresh(first, worker));
    clock.advance(11_000);
    const third = await tokensOf(await refresh(second.refresh_token, worker));
    clock.advance(1_000);
    // A thief who refreshed twice is caught the moment the owner's old token shows up.
    await expectProblem(await refresh(first, worker), 401, "refresh_token_reused");
    await expectProblem(await refresh(third.refresh_token, worker), 401, "invalid_token");
    await expectProblem(await worker("GET", "/users/me", { token: third.access_token }), 401, "invalid_token");
  });

  it("answers a made-up token for a real session with invalid_token, without revoking it or asking the database", async () => {
    const { refreshToken } = await createVerifiedUser();
    const sessionId = refreshToken.split(".")[0]!;
    const forged = `${sessionId}.${"B".repeat(42)}A`;
    const { result, trips } = await roundTrips(() => refresh(forged));
    await expectProblem(result, 401, "invalid_token");
    expect(trips).toBe(0);
    expect((await refresh(refreshToken)).status).toBe(200);
  });

  it("concurrent refreshes with the current token and a two-generations-old one end with the session revoked", async () => {
    const { refreshToken: first } = await createVerifiedUser();
    const second = await tokensOf(await refresh(first));
    const current = (await tokensOf(await refresh(second.refresh_token))).refresh_token;
    const held = dbBatch([
      { query: "update sessions set last_used_at = last_used_at where id = $1", params: [first.split(".")[0]] },
      { query: "select pg_sleep(0.3)" },
    ]);
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh(i % 2 ? current : first)));
    await held;
    const reused = await Promise.all(answers.filter((r) => r.status === 401).map((r) => r.json() as Promise<{ code: string }>));
    expect(reused.some((p) => p.code === "refresh_token_reused")).toBe(true);
    // Whatever order they ran in, nothing handed out survives.
    for (const ok of answers.filter((r) => r.status === 200)) {
      await expectProblem(await refresh(((await ok.json()) as TokenBody).refresh_token), 401, "invalid_token");
    }
    expect(await countRows("select count(*) from sessions where id = $1 and revoked_at is not null", [first.split(".")[0]])).toBe(1);
  });

  it("20 concurrent refreshes with one token: one successor for all, never two live children", async () => {
    const { refreshToken } = await createVerifiedUser();
    // Hold the session row so all 20 statements queue on its lock and then race for it together.
    const held = dbBatch([
      { query: "update sessions set last_used_at = last_used_at where id = $1", params: [refreshToken.split(".")[0]] },
      { query: "select pg_sleep(0.3)" },
    ]);
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(refreshToken)));
    await held;
    const ok = await Promise.all(answers.filter((r) => r.status === 200).map((r) => r.json() as Promise<TokenBody>));
    for (const failed of answers.filter((r) => r.status !== 200)) await expectProblem(failed, 401);
    expect(ok.length).toBeGreaterThan(0);
    const successors = new Set(ok.map((t) => t.refresh_token));
    expect(successors.size).toBe(1);
    const [successor] = [...successors];
    // The one child rotates; afterwards the grandchild is the only live token.
    const grandchild = await tokensOf(await refresh(successor!));
    expect((await refresh(grandchild.refresh_token)).status).toBe(200);
  });

  it("refuses expired sessions and enforces the absolute lifetime even when refreshed daily", async () => {
    const clock = fixedClock("2026-11-22T10:00:00Z");
    const worker = workerWith(clock);
    const { email } = await createVerifiedUser();
    const idle = await signIn(email, undefined, worker);
    clock.advance(7 * 24 * 3600 * 1000 + 1000);
    await expectProblem(await refresh(idle.refreshToken, worker), 401, "invalid_token");

    clock.set("2026-11-22T10:00:00Z");
    let token = (await signIn(email, undefined, worker)).refreshToken;
    for (let day = 1; day <= 29; day++) {
      clock.advance(24 * 3600 * 1000);
      const next = await tokensOf(await refresh(token, worker));
      expect(next.refresh_expires_in).toBeLessThanOrEqual(7 * 24 * 3600);
      token = next.refresh_token;
    }
    clock.advance(24 * 3600 * 1000 + 1000);
    await expectProblem(await refresh(token, worker), 401, "invalid_token");
  });

  it("refuses malformed, unknown and revoked tokens with invalid_token", async () => {
    await expectProblem(await refresh("garbage"), 401, "invalid_token");
    await expectProblem(await refresh(`${crypto.randomUUID()}.${"A".repeat(43)}`), 401, "invalid_token");
    const { refreshToken, token } = await createVerifiedUser();
    await expectProblem(await refresh(`${refreshToken.split(".")[0]}.${"B".repeat(43)}`), 401, "invalid_token");
    expect((await call("POST", "/auth/logout", { token })).status).toBe(204);
    await expectProblem(await refresh(refreshToken), 401, "invalid_token");
    await expectProblem(await call("POST", "/auth/refresh", { body: {} }), 401, "invalid_token");
  });
});

describe("the refresh cookie (browser mode)", () => {
  const cookieOf = (res: Response) => res.headers.get("set-cookie") ?? "";
  const cookieValue = (res: Response) => /__Secure-refresh_token=([^;]*)/.exec(cookieOf(res))?.[1];

  it("is set HttpOnly, Secure, SameSite=Strict, scoped to /api/v1/auth by login, verify and refresh", async () => {
    const { email } = await createVerifiedUser();
    const res = await call("POST", "/auth/login", { body: { email, password: "correct horse battery staple" } });
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^__Secure-refresh_token=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=604800/);
    const body = (await res.json()) as TokenBody;
    expect(decodeURIComponent(cookieValue(res)!)).toBe(body.refresh_token);
  });

  it("is accepted by /auth/refresh when the body has no token, rotated, and never repeated in the body", async () => {
    const { refreshToken } = await createVerifiedUser();
    const res = await call("POST", "/auth/refresh", { headers: { cookie: `__Secure-refresh_token=${refreshToken}`, origin: "https://accounts.test" } });
    const body = await tokensOf(res);
    // A script in the page may read the body; the HttpOnly cookie is where the token lives.
    expect(body).not.toHaveProperty("refresh_token");
    expect(body.access_token).toBeTruthy();
    const successor = decodeURIComponent(cookieValue(res)!);
    expect(successor).not.toBe(refreshToken);
    expect((await refresh(successor)).status).toBe(200);
  });

  it("is refused from another site", async () => {
    const { refreshToken } = await createVerifiedUser();
    const cookie = `__Secure-refresh_token=${refreshToken}`;
    await expectProblem(await call("POST", "/auth/refresh", { headers: { cookie, origin: "https://evil.test" } }), 403, "cross_site_request");
    await expectProblem(await call("POST", "/auth/refresh", { headers: { cookie, "sec-fetch-site": "cross-site" } }), 403, "cross_site_request");
    // Still unused: the refused requests did not rotate it.
    expect((await refresh(refreshToken)).status).toBe(200);
  });

  it("is cleared by logout", async () => {
    const { token } = await createVerifiedUser();
    const res = await call("POST", "/auth/logout", { token });
    expect(res.status).toBe(204);
    expect(cookieOf(res)).toMatch(/__Secure-refresh_token=;.*Max-Age=0/);
  });
});
