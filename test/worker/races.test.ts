import { describe, expect, it } from "vitest";
import { call, codeFromMail, countRows, dbBatch, PASSWORD, uniqueEmail } from "./helpers";

// These are real races on Postgres (CI sets TEST_DATABASE_URL); on PGlite they serialise but must still hold.
// Statements take a millisecond, so requests fired together rarely overlap on their own: where it
// matters, a batch holds the contested row while the requests arrive, so they all queue on its lock
// and are released at once.
function holdCodeRow(email: string) {
  return dbBatch([
    { query: "update one_time_codes set attempts = attempts where user_id = (select id from users where email = $1)", params: [email] },
    { query: "select pg_sleep(0.3)" },
  ]);
}
const settle = () => new Promise((r) => setTimeout(r, 50));

describe("concurrent requests", () => {
  // Each registration hashes its password first (~140 ms of one core), so these reach the database
  // spread out; the unique index and ON CONFLICT are what make the outcome hold when they do collide.
  it("50 simultaneous registrations of one address (mixed case) leave one user and one live code", async () => {
    const email = uniqueEmail("race");
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call("POST", "/auth/register", { body: { email: i % 2 ? email.toUpperCase() : email, password: `${PASSWORD} ${i}` } }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(await countRows("select count(*) from users where email = $1", [email])).toBe(1);
    expect(await countRows("select count(*) from one_time_codes c join users u on u.id = c.user_id where u.email = $1", [email])).toBe(1);
  });

  it("victim and attacker registering one address at the same moment: the mailbox owner's verification decides, in either order", async () => {
    for (let round = 0; round < 3; round++) {
      const email = uniqueEmail("race-takeover");
      const answers = await Promise.all([
        call("POST", "/auth/register", { body: { email, password: "victim passphrase 1", full_name: "Victim" } }),
        call("POST", "/auth/register", { body: { email, password: "attacker passphrase 1", full_name: "Mallory" } }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([202, 202]);
      const verified = await call("POST", "/auth/verify", { body: { email, code: await codeFromMail(email), password: "victim passphrase 1" } });
      expect(verified.status).toBe(200);
      expect(((await verified.json()) as { user: { full_name: string | null } }).user.full_name).not.toBe("Mallory");
      expect((await call("POST", "/auth/login", { body: { email, password: "attacker passphrase 1" } })).status).toBe(401);
      expect((await call("POST", "/auth/login", { body: { email, password: "victim passphrase 1" } })).status).toBe(200);
    }
  });

  it("20 simultaneous wrong codes: 5 counted tries at the code, 10 against the address's daily budget, each answer saying which", async () => {
    const email = uniqueEmail("race-code");
    await call("POST", "/auth/register", { body: { email, password: PASSWORD } });
    const code = await codeFromMail(email);
    const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, "0");
    const held = holdCodeRow(email);
    await settle();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call("POST", "/auth/verify", { body: { email, code: wrong, password: PASSWORD } })));
    await held;
    const said = await Promise.all(answers.map(async (r) => `${r.status} ${((await r.json()) as { detail: string }).detail}`));
    const count = (pattern: RegExp) => said.filter((s) => pattern.test(s)).length;
    // Each try sees the code as it is after the tries before it, however they raced.
    expect(count(/^400 The code is not valid/)).toBe(5);
    expect(count(/^400 Too many wrong attempts for this code/)).toBe(5);
    expect(count(/^429 Too many wrong codes for this address/)).toBe(10);
    expect(await countRows("select attempts from one_time_codes c join users u on u.id = c.user_id where u.email = $1", [email])).toBe(6);
    expect((await call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } })).status).toBe(429);
  });

  it("the same correct code submitted 10 times at once verifies exactly once", async () => {
    const email = uniqueEmail("race-once");
    await call("POST", "/auth/register", { body: { email, password: PASSWORD } });
    const code = await codeFromMail(email);
    const held = holdCodeRow(email);
    await settle();
    const answers = await Promise.all(Array.from({ length: 10 }, () => call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } })));
    await held;
    expect(answers.filter((r) => r.status === 200).length).toBe(1);
    expect(await countRows("select count(*) from sessions s join users u on u.id = s.user_id where u.email = $1", [email])).toBe(1);
  });
});
