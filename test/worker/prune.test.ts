import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { getDatabase } from "../../src/db/client";
import worker from "../../src/index";
import { createLogger } from "../../src/log";
import { pruneExpiredRecords } from "../../src/services/maintenance-service";
import { call, countRows, createVerifiedUser, dbQuery, roundTrips, signIn } from "./helpers";

const runCron = (at: Date) => worker.scheduled(createScheduledController({ scheduledTime: at.getTime(), cron: "23 * * * *" }), env);

const sessionsOf = (userId: string) => countRows("select count(*) from sessions where user_id = $1", [userId]);

describe("the scheduled pruning job", () => {
  it("deletes revoked sessions and used codes, keeping live ones", async () => {
    const { email, tokens, token } = await createVerifiedUser();
    const second = await signIn(email);
    expect((await call("POST", "/auth/logout", { token: second.token })).status).toBe(204);
    expect(await sessionsOf(tokens.user.id)).toBe(2);

    await runCron(new Date());
    expect(await sessionsOf(tokens.user.id)).toBe(1);
    expect(await countRows("select count(*) from one_time_codes where user_id = $1", [tokens.user.id])).toBe(0);
    expect((await call("GET", "/users/me", { token })).status).toBe(200);
  });

  it("deletes sessions once they have expired", async () => {
    const { tokens } = await createVerifiedUser();
    await runCron(new Date(Date.now() + 24 * 3600 * 1000));
    expect(await sessionsOf(tokens.user.id)).toBe(1);
    await runCron(new Date(Date.now() + 8 * 24 * 3600 * 1000));
    expect(await sessionsOf(tokens.user.id)).toBe(0);
  });

  it("forgets guessing counters a day after their last failure", async () => {
    const { email, tokens } = await createVerifiedUser();
    await call("POST", "/auth/login", { body: { email, password: "wrong password" } });
    await call("POST", "/auth/verify", { body: { email: "nobody-prune@example.test", code: "123456", password: "whatever password" } });
    const counters = async () =>
      (await countRows("select count(*) from login_failures where subject = $1", [tokens.user.id])) + (await countRows("select count(*) from code_failures"));
    expect(await counters()).toBeGreaterThanOrEqual(3);
    await runCron(new Date(Date.now() + 12 * 3600 * 1000));
    expect(await countRows("select count(*) from login_failures where subject = $1", [tokens.user.id])).toBe(2);
    await runCron(new Date(Date.now() + 25 * 3600 * 1000));
    expect(await counters()).toBe(0);
  });

  it("does bounded work per run, whatever the backlog, and catches up over runs", async () => {
    const { tokens } = await createVerifiedUser();
    await dbQuery(
      `INSERT INTO sessions (id, user_id, refresh_hash, created_at, last_used_at, expires_at, absolute_expires_at)
       SELECT gen_random_uuid(), $1, 'x', now() - interval '2 days', now() - interval '2 days', now() - interval '1 day', now() - interval '1 day'
       FROM generate_series(1, 120)`,
      [tokens.user.id],
    );
    const config = getConfig(env);
    const prune = () => pruneExpiredRecords(getDatabase(config.databaseUrl, config.neonLocalEndpoint), config, new Date(), createLogger({}), { batch: 20, rounds: 2 });
    // Other tests' ended sessions are part of the backlog too; a run never does more than its budget.
    const { result: first, trips } = await roundTrips(prune);
    expect(trips).toBe(2);
    expect(first).toMatchObject({ rounds: 2, caughtUp: false });
    expect(first.sessions).toBeLessThanOrEqual(2 * 2 * 20);
    for (let run = 0; run < 50 && !(await prune()).caughtUp; run++);
    expect(await sessionsOf(tokens.user.id)).toBe(1);
  });
});
