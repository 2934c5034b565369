// drizzle's neon-http migrator through the local endpoint, with a throwaway migrations folder on in-memory
// PGlite (not on TEST_DATABASE_URL: the migrator's bookkeeping table there belongs to the app's migrations).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../dev/stack/migrate-db";
import { throughLocalEndpoint } from "../../dev/stack/neon-routing";
import { startSqlEndpoint, type SqlEndpoint } from "../../dev/stack/sql-endpoint";

const DATABASE_URL = "postgresql://app:app@db.localtest.me/app";

/** A folder shaped like drizzle-kit's output: NNNN_tag.sql files and meta/_journal.json. */
function writeMigrations(folder: string, migrations: { tag: string; when: number; statements: string[] }[]) {
  mkdirSync(join(folder, "meta"), { recursive: true });
  for (const m of migrations) writeFileSync(join(folder, `${m.tag}.sql`), m.statements.join("\n--> statement-breakpoint\n"));
  const entries = migrations.map((m, idx) => ({ idx, version: "7", when: m.when, tag: m.tag, breakpoints: true }));
  writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "postgresql", entries }));
}

describe("migrateDatabase", () => {
  let endpoint: SqlEndpoint;
  let folder: string;

  beforeAll(async () => {
    endpoint = await startSqlEndpoint({ port: 0 });
    folder = mkdtempSync(join(tmpdir(), "migrations-"));
  }, 60_000);

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await endpoint.close();
  });

  const query = (text: string) => throughLocalEndpoint(endpoint.url, () => neon(DATABASE_URL).query(text));

  it("applies pending migrations once, statement by statement, through the endpoint", async () => {
    writeMigrations(folder, [
      { tag: "0000_first", when: 1_700_000_000_000, statements: ['CREATE TABLE "widgets" ("id" serial PRIMARY KEY, "name" text NOT NULL)', 'CREATE UNIQUE INDEX "widgets_name_idx" ON "widgets" ("name")'] },
    ]);
    const before = endpoint.requestCount();
    await migrateDatabase(DATABASE_URL, { localEndpoint: endpoint.url, migrationsFolder: folder });
    // schema + table for bookkeeping, read last, 2 statements, record it: one request each.
    expect(endpoint.requestCount() - before).toBe(6);
    expect(await query(`SELECT indexname FROM pg_indexes WHERE tablename = 'widgets' ORDER BY indexname`)).toEqual([
      { indexname: "widgets_name_idx" },
      { indexname: "widgets_pkey" },
    ]);

    await migrateDatabase(DATABASE_URL, { localEndpoint: endpoint.url, migrationsFolder: folder });
    expect(await query(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).toEqual([{ n: 1 }]);

    writeMigrations(folder, [
      { tag: "0000_first", when: 1_700_000_000_000, statements: ['CREATE TABLE "widgets" ("id" serial PRIMARY KEY, "name" text NOT NULL)', 'CREATE UNIQUE INDEX "widgets_name_idx" ON "widgets" ("name")'] },
      { tag: "0001_second", when: 1_700_000_100_000, statements: ['ALTER TABLE "widgets" ADD COLUMN "size" integer DEFAULT 1 NOT NULL'] },
    ]);
    await migrateDatabase(DATABASE_URL, { localEndpoint: endpoint.url, migrationsFolder: folder });
    expect(await query(`INSERT INTO widgets (name) VALUES ('w') RETURNING size`)).toEqual([{ size: 1 }]);
    expect(await query(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).toEqual([{ n: 2 }]);
  });

  it("fails with the database's error when a statement is refused", async () => {
    writeMigrations(folder, [{ tag: "0000_bad", when: 1_800_000_000_000, statements: ["CREATE TABLE broken ("] }]);
    await expect(migrateDatabase(DATABASE_URL, { localEndpoint: endpoint.url, migrationsFolder: folder })).rejects.toThrow(/syntax error/);
  });

  it("leaves neonConfig.fetchEndpoint as it found it", async () => {
    const mine = () => "http://127.0.0.1:1/sql";
    neonConfig.fetchEndpoint = mine;
    writeMigrations(folder, []);
    await migrateDatabase(DATABASE_URL, { localEndpoint: endpoint.url, migrationsFolder: folder });
    expect(neonConfig.fetchEndpoint).toBe(mine);
  });
});
