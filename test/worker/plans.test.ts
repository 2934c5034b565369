// Every statement the service sent during the whole run (the SQL endpoint keeps each distinct one with its
// first parameters) is EXPLAINed on tables big enough for the planner to prefer an index when there is one:
// none may read users, sessions or one_time_codes sequentially, so their cost does not grow with the
// tables. Runs after every other file but the contract (test/setup/whole-run-last.ts), then removes its rows.
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbBatch, dbQuery } from "./helpers";

const WATCHED = new Set(["users", "sessions", "one_time_codes"]);
const FILLER_USERS = 20_000;
const SESSIONS_PER_USER = 5;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

const seqScansIn = (node: PlanNode): string[] => [
  ...(node["Node Type"] === "Seq Scan" && WATCHED.has(node["Relation Name"] ?? "") ? [node["Relation Name"]!] : []),
  ...(node.Plans ?? []).flatMap(seqScansIn),
];

beforeAll(async () => {
  await dbBatch([
    {
      query: `INSERT INTO users (email, full_name, username, password_hash, email_verified_at, created_at, updated_at)
              SELECT 'filler-' || g || '@plans.test', 'Filler ' || g, 'filler_' || g, 'x',
                     CASE WHEN g % 10 = 0 THEN NULL ELSE now() END, now() - make_interval(mins => g), now()
              FROM generate_series(1, ${FILLER_USERS}) g`,
    },
    {
      query: `INSERT INTO sessions (id, user_id, refresh_hash, created_at, last_used_at, expires_at, absolute_expires_at, revoked_at)
              SELECT gen_random_uuid(), u.id, 'x', now(), now(), now() + interval '1 day', now() + interval '30 days',
                     CASE WHEN n = 1 THEN now() END
              FROM users u CROSS JOIN generate_series(1, ${SESSIONS_PER_USER}) n WHERE u.email LIKE 'filler-%@plans.test'`,
    },
    {
      query: `INSERT INTO one_time_codes (user_id, purpose, code_hash, created_at, expires_at)
              SELECT id, 'reset_password', 'x', now(), now() + interval '15 minutes' FROM users WHERE email LIKE 'filler-%@plans.test'`,
    },
  ]);
  await dbQuery("ANALYZE users, sessions, one_time_codes");
}, 120_000);

afterAll(async () => {
  await dbQuery("DELETE FROM users WHERE email LIKE 'filler-%@plans.test'");
  await dbQuery("ANALYZE users, sessions, one_time_codes");
}, 120_000);

describe("the service's statements, on big tables", () => {
  it("never scan users, sessions or codes sequentially", async () => {
    const statements = (await (await fetch(`${env.TEST_SQL_ENDPOINT_URL}/_statements`)).json()) as { query: string; params: unknown[] }[];
    // A whole run sends every statement of every route and the cron; one file alone sends fewer.
    expect(statements.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const { query, params } of statements) {
      if (!/^\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\b/i.test(query)) continue;
      const [[plan]] = (await dbQuery(`EXPLAIN (FORMAT JSON) ${query}`, params)) as unknown as [[string]];
      const scans = seqScansIn((JSON.parse(plan) as [{ Plan: PlanNode }])[0].Plan);
      if (scans.length) found.push(`${scans.join(", ")}: ${query.replace(/\s+/g, " ").slice(0, 300)}`);
    }
    expect(found).toEqual([]);
  }, 120_000);
});
