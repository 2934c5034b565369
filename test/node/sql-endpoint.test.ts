// The local SQL endpoint through the real @neondatabase/serverless driver, against every backend available:
// in-memory PGlite always, and the Postgres in TEST_DATABASE_URL when it is set.
import { randomUUID } from "node:crypto";
import { neon, neonConfig, type NeonQueryFunction } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSqlEndpoint, type SqlEndpoint } from "../../dev/stack/sql-endpoint";

const backends = [
  { name: "pglite", databaseUrl: undefined },
  ...(process.env.TEST_DATABASE_URL ? [{ name: "postgres", databaseUrl: process.env.TEST_DATABASE_URL }] : []),
];

// neonConfig is global, so each backend's client gets its own host name and is routed by it.
const endpointByHost = new Map<string, string>();
neonConfig.fetchEndpoint = (host) => {
  const url = endpointByHost.get(host);
  if (!url) throw new Error(`no test endpoint for host ${host}`);
  return url;
};

describe.each(backends)("SQL endpoint on $name", ({ name, databaseUrl }) => {
  let endpoint: SqlEndpoint;
  let sql: NeonQueryFunction<false, false>;
  // Unique per run, so runs sharing a Postgres do not collide.
  const table = `endpoint_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

  beforeAll(async () => {
    endpoint = await startSqlEndpoint({ port: 0, databaseUrl });
    const host = `${name}.endpoint.test`;
    endpointByHost.set(host, `${endpoint.url}/sql`);
    sql = neon(`postgresql://tester:secret@${host}/db`);
    await sql.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, email text NOT NULL CONSTRAINT ${table}_email_key UNIQUE, n int)`);
  }, 60_000);

  afterAll(async () => {
    await sql.query(`DROP TABLE IF EXISTS ${table}`);
    await endpoint.close();
  });

  const rowsIn = async () => (await sql.query(`SELECT email FROM ${table} ORDER BY id`)).map((r) => r.email as string);
  const clear = () => sql.query(`DELETE FROM ${table}`);

  it("round-trips every common type, as values the driver parses", async () => {
    const when = new Date("2026-11-22T13:01:26.237Z");
    const [row] = await sql.query(
      `SELECT $1::uuid AS uuid, $2::timestamptz AS ts, $3::bool AS yes, false AS no, $4::int4 AS i4, $5::int8 AS i8,
              $6::numeric AS num, $7::text AS txt, $8::json AS j, $9::jsonb AS jb, $10::text[] AS texts, $11::int[] AS ints,
              $12::bytea AS bin`,
      [
        "7b0f3e1c-5a7e-4f43-9b1e-0c2d5e6f7a8b", when, true, 42, 2n ** 53n + 1n,
        "12.50", "héllo, \"world\" \\ '", { a: [1, "x"], b: null }, { nested: { ok: true } }, ["a", "b c", null, 'q"uote'], [1, 2, 3],
        Buffer.from([0, 1, 254, 255]),
      ],
    );
    expect(row).toEqual({
      uuid: "7b0f3e1c-5a7e-4f43-9b1e-0c2d5e6f7a8b",
      ts: when,
      yes: true,
      no: false,
      i4: 42,
      i8: "9007199254740993",
      num: "12.50",
      txt: "héllo, \"world\" \\ '",
      j: { a: [1, "x"], b: null },
      jb: { nested: { ok: true } },
      texts: ["a", "b c", null, 'q"uote'],
      ints: [1, 2, 3],
      bin: Buffer.from([0, 1, 254, 255]),
    });
  });

  it("passes values in Postgres text format and NULL as null", async () => {
    const result = await sql.query(
      `SELECT true AS b, '2026-11-22 13:01:26.237+00'::timestamptz AS ts, '{1,2}'::int[] AS a, 5::int8 AS i8, '\\x0aff'::bytea AS bin,
              NULL::text AS t, NULL::int AS i, NULL::timestamptz AS z, NULL::jsonb AS j, NULL::text[] AS arr`,
      [],
      { arrayMode: true, fullResults: true, types: { getTypeParser: () => (v: string) => v } },
    );
    expect(result.rows).toEqual([["t", "2026-11-22 13:01:26.237+00", "{1,2}", "5", "\\x0aff", null, null, null, null, null]]);
  });

  it("accepts NULL parameters", async () => {
    const [row] = await sql.query("SELECT $1::text AS t, $2::int AS i, $3::timestamptz AS z, $4::jsonb AS j", [null, null, null, null]);
    expect(row).toEqual({ t: null, i: null, z: null, j: null });
  });

  it("answers fullResults with command, rowCount and fields", async () => {
    const result = await sql.query("SELECT 1 AS x, 'a'::text AS y", [], { fullResults: true });
    expect(result).toMatchObject({
      command: "SELECT",
      rowCount: 1,
      fields: [
        { name: "x", dataTypeID: 23 },
        { name: "y", dataTypeID: 25 },
      ],
      rows: [{ x: 1, y: "a" }],
    });
    const arrays = await sql.query("SELECT 1 AS x", [], { fullResults: true, arrayMode: true });
    expect(arrays.rows).toEqual([[1]]);
  });

  it("reports rows affected for writes and rows returned for reads", async () => {
    await clear();
    const insert = await sql.query(`INSERT INTO ${table} (email, n) VALUES ('a@x', 1), ('b@x', 2), ('c@x', 3)`, [], { fullResults: true });
    expect(insert).toMatchObject({ command: "INSERT", rowCount: 3, rows: [] });
    const returning = await sql.query(`INSERT INTO ${table} (email, n) VALUES ('d@x', 4), ('e@x', 5) RETURNING email`, [], { fullResults: true });
    expect(returning).toMatchObject({ command: "INSERT", rowCount: 2, rows: [{ email: "d@x" }, { email: "e@x" }] });
    const update = await sql.query(`UPDATE ${table} SET n = n + 1 WHERE n >= $1`, [3], { fullResults: true });
    expect(update).toMatchObject({ command: "UPDATE", rowCount: 3 });
    const del = await sql.query(`DELETE FROM ${table} WHERE n > $1`, [4], { fullResults: true });
    expect(del).toMatchObject({ command: "DELETE", rowCount: 2 });
    const select = await sql.query(`SELECT * FROM ${table}`, [], { fullResults: true });
    expect(select).toMatchObject({ command: "SELECT", rowCount: 3 });
    // A two-word tag ("CREATE INDEX") gives its first word and no count, as in Neon's proxy.
    const ddl = await sql.query(`CREATE INDEX IF NOT EXISTS ${table}_n_idx ON ${table} (n)`, [], { fullResults: true });
    expect(ddl).toMatchObject({ command: "CREATE", rowCount: null });
  });

  it("runs a batch as one transaction and rolls all of it back on error", async () => {
    await clear();
    const [first, second] = await sql.transaction([
      sql`INSERT INTO ${sql.unsafe(table)} (email) VALUES ('one@x') RETURNING email`,
      sql`SELECT count(*)::int AS n FROM ${sql.unsafe(table)}`,
    ]);
    expect(first).toEqual([{ email: "one@x" }]);
    expect(second).toEqual([{ n: 1 }]);

    await clear();
    const failing = sql.transaction([
      sql`INSERT INTO ${sql.unsafe(table)} (email) VALUES ('dup@x')`,
      sql`INSERT INTO ${sql.unsafe(table)} (email) VALUES ('other@x')`,
      sql`INSERT INTO ${sql.unsafe(table)} (email) VALUES ('dup@x')`,
    ]);
    await expect(failing).rejects.toMatchObject({ name: "NeonDbError", code: "23505", constraint: `${table}_email_key` });
    expect(await rowsIn()).toEqual([]);
  });

  it("hands Postgres error fields to the caller", async () => {
    await clear();
    await sql.query(`INSERT INTO ${table} (email) VALUES ('taken@x')`);
    const err: unknown = await sql.query(`INSERT INTO ${table} (email) VALUES ($1)`, ["taken@x"]).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "NeonDbError",
      message: `duplicate key value violates unique constraint "${table}_email_key"`,
      severity: "ERROR",
      code: "23505",
      constraint: `${table}_email_key`,
      table,
      schema: "public",
      detail: "Key (email)=(taken@x) already exists.",
    });
    await expect(sql.query("SELECT nope FROM nowhere")).rejects.toMatchObject({ code: "42P01", position: "18" });
  });

  it("refuses several statements in one query, as Neon does", async () => {
    await expect(sql.query("SELECT 1; SELECT 2")).rejects.toMatchObject({ code: "42601", message: expect.stringMatching(/multiple commands/) });
  });

  it("applies the batch isolation, read-only and deferrable headers", async () => {
    const chosen = await sql.transaction(
      [sql`SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro, current_setting('transaction_deferrable') AS def`],
      { isolationLevel: "Serializable", readOnly: true, deferrable: true },
    );
    expect(chosen).toEqual([[{ iso: "serializable", ro: "on", def: "on" }]]);
    const defaults = await sql.transaction([sql`SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro`]);
    expect(defaults).toEqual([[{ iso: "read committed", ro: "off" }]]);
    const write = sql.transaction([sql`INSERT INTO ${sql.unsafe(table)} (email) VALUES ('ro@x')`], { readOnly: true });
    await expect(write).rejects.toMatchObject({ code: "25006" });
  });

  it("counts one request per query and one per batch", async () => {
    const before = endpoint.requestCount();
    await sql`SELECT 1`;
    await sql.transaction([sql`SELECT 1`, sql`SELECT 2`, sql`SELECT 3`]);
    await sql.query("SELECT broken(").catch(() => undefined);
    expect(endpoint.requestCount()).toBe(before + 3);
    const stats = (await (await fetch(`${endpoint.url}/_stats`)).json()) as { requests: number };
    expect(stats.requests).toBe(endpoint.requestCount());
  });

  it("simulates an outage the driver reports as a server error, and recovers", async () => {
    endpoint.setAvailable(false);
    try {
      await expect(sql`SELECT 1`).rejects.toThrow(/^Server error \(HTTP status 503\): .*database unavailable/);
      await expect(sql.transaction([sql`SELECT 1`])).rejects.toThrow(/HTTP status 503/);
    } finally {
      endpoint.setAvailable(true);
    }
    expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);

    const control = (available: boolean) => fetch(`${endpoint.url}/_control/available`, { method: "POST", body: JSON.stringify({ available }) });
    expect((await control(false)).status).toBe(200);
    await expect(sql`SELECT 1`).rejects.toThrow(/HTTP status 503/);
    expect((await control(true)).status).toBe(200);
    expect(await sql`SELECT 2 AS ok`).toEqual([{ ok: 2 }]);
  });

  it("keeps answering a statement after its table changed under it", async () => {
    await clear();
    await sql.query(`INSERT INTO ${table} (email, n) VALUES ('kept@x', 1)`);
    // Parallel, so every pooled connection has the statement prepared before the table changes.
    const selectAll = () => Promise.all(Array.from({ length: 20 }, () => sql.query(`SELECT * FROM ${table} WHERE n >= $1`, [0])));
    const inBatches = () => Promise.all(Array.from({ length: 20 }, () => sql.transaction([sql`SELECT * FROM ${sql.unsafe(table)} WHERE n >= ${0}`])));
    await selectAll();
    await inBatches();
    await sql.query(`ALTER TABLE ${table} ADD COLUMN note text NOT NULL DEFAULT 'new'`);
    const withNewColumn = [{ id: expect.any(Number), email: "kept@x", n: 1, note: "new" }];
    try {
      for (const rows of await selectAll()) expect(rows).toEqual(withNewColumn);
      for (const [rows] of await inBatches()) expect(rows).toEqual(withNewColumn);
    } finally {
      await sql.query(`ALTER TABLE ${table} DROP COLUMN note`);
    }
  });

  it("answers malformed requests with 400 and a message, and CORS preflights harmlessly", async () => {
    const post = (body: string, headers: Record<string, string> = {}) => fetch(`${endpoint.url}/sql`, { method: "POST", body, headers });
    const badJson = await post("{not json");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toMatch(/not valid JSON/);
    const noQuery = await post(JSON.stringify({ params: [] }));
    expect(noQuery.status).toBe(400);
    await noQuery.body?.cancel();
    const badLevel = await post(JSON.stringify({ queries: [{ query: "SELECT 1", params: [] }] }), { "Neon-Batch-Isolation-Level": "Chaotic" });
    expect(await badLevel.json()).toEqual({ message: "invalid isolation level" });

    const preflight = await fetch(`${endpoint.url}/sql`, { method: "OPTIONS", headers: { "Access-Control-Request-Headers": "neon-connection-string" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  });
});
