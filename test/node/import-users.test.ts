// npm run import:users (dev/import/): accounts copied from a FastAPI service's Postgres keep working here.
//
// How: the old services' tables are built for real, on the Postgres in TEST_DATABASE_URL (CI's; the import
// reads its source with node-postgres, which PGlite cannot stand in for), in a throwaway source database:
// layout A (fastapi-users: uuid ids, hashed_password, full_name, is_active / is_superuser / is_verified,
// a naive created_at), layout B (serial ids, username, password, first and last name) and, for --map, a
// table whose columns have other names. Their hashes are the ones passlib itself made
// (test/fixtures/legacy-hashes.json). The destination is a second throwaway database, migrated and served
// by the local Neon-compatible endpoint: the path db:migrate and the import write through. Signing in
// goes over HTTP into the deployable bundle (wrangler's dry-run build, ~2 s) on workerd (miniflare's API,
// as the bench hosts it), whose Neon driver reaches the same database through the same endpoint. Why not
// test/worker: its tests run inside workerd, which can run neither node-postgres nor the command, and its
// database is the whole suite's.
//
// Without TEST_DATABASE_URL only the checks that need no database run; the rest are skipped, saying so.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../dev/bench/build";
import { hostWorker, type HostedWorker } from "../../dev/bench/worker-host";
import { accountId } from "../../dev/import/account-id";
import { parseMapOption, resolveColumnMap, type SourceColumn } from "../../dev/import/column-map";
import type { NotImported } from "../../dev/import/report";
import { BatchFailed, importUsers, type ImportOptions } from "../../dev/import/run-import";
import type { SourceRow } from "../../dev/import/source";
import { isAccount, RowChecker } from "../../dev/import/validate";
import { LOCAL_NEON_URL, type WorkerVars } from "../../dev/stack/local-env";
import { migrateDatabase } from "../../dev/stack/migrate-db";
import { generateSigningJwk, generateTokenSecret } from "../../dev/stack/secrets";
import { startSqlEndpoint, type SqlEndpoint } from "../../dev/stack/sql-endpoint";
import { hashPassword } from "../../src/security/password";
import fixtures from "../fixtures/legacy-hashes.json";

const fixture = (scheme: string) => fixtures.find((f) => f.scheme === scheme)!;
const columns = (...names: string[]): SourceColumn[] =>
  names.map((n) => {
    const [name, dataType = "character varying"] = n.split(":");
    return { name: name!, dataType };
  });

describe("column map", () => {
  it("finds layout A (fastapi-users) and layout B by their column names", () => {
    const a = columns("id:uuid", "email", "hashed_password", "full_name", "is_active:boolean", "is_superuser:boolean", "is_verified:boolean", "created_at:timestamp without time zone");
    expect(resolveColumnMap(a)).toEqual({
      id: "id", email: "email", password: "hashed_password", full_name: "full_name",
      is_active: "is_active", is_superuser: "is_superuser", is_verified: "is_verified", created_at: "created_at",
    });
    const b = columns("id:integer", "email", "username", "password", "first_name", "last_name", "is_verified:boolean");
    expect(resolveColumnMap(b)).toEqual({
      id: "id", email: "email", password: "password", first_name: "first_name", last_name: "last_name", username: "username", is_verified: "is_verified",
    });
    // A full name wins over first and last names.
    expect(resolveColumnMap(columns("id", "email", "password", "full_name", "first_name", "last_name"))).toEqual({ id: "id", email: "email", password: "password", full_name: "full_name" });
  });

  it("takes --map over the defaults, and an empty column as 'do not read'", () => {
    const map = parseMapOption(["email=mail,password=pw_hash", "id=member_no", "username="]);
    expect(map).toEqual({ email: "mail", password: "pw_hash", id: "member_no", username: null });
    expect(resolveColumnMap(columns("member_no:integer", "mail", "pw_hash", "password", "username"), map)).toEqual({ id: "member_no", email: "mail", password: "pw_hash" });
  });

  it("refuses what cannot work, before reading a row", () => {
    expect(() => parseMapOption(["mail=email"])).toThrow(/fields: id, email/);
    expect(() => resolveColumnMap(columns("id", "email"))).toThrow(/no column for password .*--map password=<column>/);
    expect(() => resolveColumnMap(columns("id", "email", "password"), { email: "mail" })).toThrow(/no column "mail"/);
    expect(() => resolveColumnMap(columns("id", "email", "password", "is_active:text"))).toThrow(/is_active from column is_active: its type text/);
  });
});

describe("row checks", () => {
  const map = resolveColumnMap(columns("id", "email", "password", "username", "first_name", "last_name", "is_verified:boolean", "is_active:boolean", "is_superuser:boolean"));
  const row = (over: Partial<SourceRow>): SourceRow => ({
    id: "1", email: "a@example.com", password: fixture("pbkdf2_sha256").hash, full_name: null, first_name: null, last_name: null,
    username: null, is_verified: true, is_active: true, is_superuser: false, created_at: null, ...over,
  });

  it("normalises the address as the API does, and keeps the first row of a duplicate", () => {
    const checker = new RowChecker({ name: "db/public.users", map });
    const first = checker.check(row({ id: "1", email: " Bob@X.com " }), 1);
    expect(isAccount(first) && first.email).toBe("bob@x.com");
    expect(checker.check(row({ id: "2", email: "bob@x.COM" }), 2)).toEqual({ row: 2, id: "2", email: "bob@x.COM", reason: "duplicate_email", detail: "row 1 (id 1) has bob@x.com" });
  });

  it("reports what our rules refuse; a refused row claims nothing", () => {
    const checker = new RowChecker({ name: "db/public.users", map });
    const reasons = [
      row({ email: "no at sign" }),
      row({ email: "   " }),
      row({ password: "md5$5f4dcc3b5aa765d61d8327deb882cf99" }),
      row({ password: "hunter2hunter2" }),
      row({ password: "$2b$31$" + "a".repeat(53) }),
      row({ is_active: false }),
      row({ first_name: "Eve\u0007" }),
      row({ username: "-x-" }),
    ].map((r, i) => checker.check({ ...r, id: String(i) }, i + 1));
    expect(reasons.map((r) => (isAccount(r) ? "imported" : r.reason))).toEqual([
      "invalid_email", "missing_email", "unknown_hash_format", "unknown_hash_format", "unknown_hash_format", "inactive", "invalid_full_name", "invalid_username",
    ]);
    // Every one of them had a@example.com: none took it.
    expect(isAccount(checker.check(row({ id: "ok" }), 9))).toBe(true);
  });

  it("copies every hash sign-in can check: passlib's, and this service's scrypt", async () => {
    const checker = new RowChecker({ name: "db/public.users", map });
    const hashes = [...fixtures.map((f) => f.hash), await hashPassword("correct horse battery")];
    const checked = hashes.map((password, i) => checker.check(row({ id: String(i), email: `h${i}@example.com`, password }), i + 1));
    expect(checked.filter((c) => !isAccount(c))).toEqual([]);
  });

  it("joins first and last names, makes a superuser admin, and gives an unverified account only a pending username", () => {
    const checker = new RowChecker({ name: "db/public.users", map });
    const admin = checker.check(row({ id: "1", first_name: " Ada ", last_name: "Lovelace", is_superuser: true, username: "ada" }), 1);
    expect(admin).toMatchObject({ fullName: "Ada Lovelace", role: "admin", username: "ada", pendingUsername: null, verified: true });
    const unverified = checker.check(row({ id: "2", email: "b@example.com", is_verified: false, username: "Ada" }), 2);
    // Pending usernames reserve nothing (as for a registration), so a verified "ada" does not stand in its way.
    expect(unverified).toMatchObject({ username: null, pendingUsername: "Ada", verified: false });
  });

  it("keeps a UUID id and derives one from any other, the same on every run and per table", () => {
    const uuid = randomUUID();
    expect(accountId("db/public.users", uuid.toUpperCase())).toBe(uuid);
    const derived = accountId("db/public.users", "42");
    expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(accountId("db/public.users", "42")).toBe(derived);
    expect(accountId("other/public.users", "42")).not.toBe(derived);
  });
});

describe("the destination", () => {
  let endpoint: SqlEndpoint;
  beforeAll(async () => {
    endpoint = await startSqlEndpoint({ port: 0 }); // in-memory PGlite: no Postgres needed
  }, 60_000);
  afterAll(() => endpoint.close());

  it("must be migrated: the import says so before it reads a row, then goes ahead once it is", async () => {
    const destination = { databaseUrl: LOCAL_NEON_URL, localEndpoint: endpoint.url, description: "test" };
    // Nothing listens there: the source is never opened.
    const opts = { from: "postgresql://nobody@127.0.0.1:1/none", table: "users", reportPath: join(tmpdir(), `unused-${randomUUID()}.jsonl`) };
    await expect(importUsers(destination, opts)).rejects.toThrow(/has no users table: run npm run db:migrate with the same DATABASE_URL first/);
    await migrateDatabase(LOCAL_NEON_URL, { localEndpoint: endpoint.url });
    await expect(importUsers(destination, opts)).rejects.toThrow(/ECONNREFUSED/);
  });
});

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

describe.skipIf(!TEST_DATABASE_URL)("importing from a real Postgres (needs TEST_DATABASE_URL; skipped without it)", () => {
  const run = `imp_${process.pid}_${randomUUID().slice(0, 8)}`;
  const sourceDb = `${run}_src`;
  const targetDb = `${run}_dst`;
  // Collected (not run) without TEST_DATABASE_URL too: nothing here may need it until beforeAll.
  const urlOf = (db: string) => {
    const url = new URL(TEST_DATABASE_URL ?? "postgresql://skipped");
    url.pathname = `/${db}`;
    return url.toString();
  };
  const sourceUrl = urlOf(sourceDb);
  const targetUrl = urlOf(targetDb);
  let workdir: string;
  let server: pg.Client;
  let source: pg.Client;
  let target: pg.Client;
  let endpoint: SqlEndpoint;
  let worker: HostedWorker;
  const destination = () => ({ databaseUrl: LOCAL_NEON_URL, localEndpoint: endpoint.url, description: "test" });
  const reportOf = (path: string) =>
    readFileSync(path, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as NotImported);
  const importFrom = (table: string, opts: Partial<ImportOptions> = {}) =>
    importUsers(destination(), { from: sourceUrl, table, reportPath: join(workdir, `${table}-${randomUUID().slice(0, 6)}.jsonl`), ...opts });
  /** Every column of every account here, to compare before and after. */
  const everyAccount = async () => (await target.query(`SELECT to_jsonb(u) AS row FROM users u ORDER BY id`)).rows.map((r) => r.row as object);
  const account = async (email: string) => (await target.query(`SELECT * FROM users WHERE email = $1`, [email])).rows[0];
  const signIn = (email: string, password: string) =>
    fetch(`${worker.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });

  // An account made here before the import, that has signed in: nothing may change it.
  const HERE = { email: "here@example.com", username: "taken_here" };

  // Layout A: fastapi-users' table (plus the peer's full_name). `expect` is what the import must do with
  // the row: "imported", or the reason it reports.
  const layoutA = [
    { email: "Ada.Lovelace@Example.COM ", f: "bcrypt $2b$", name: "Ada Lovelace", superuser: true, expect: "imported" },
    { email: "grace@example.com", f: "bcrypt $2a$", name: "Grace Hopper", expect: "imported" },
    { email: "ywing@example.com", f: "bcrypt $2y$", name: "", expect: "imported" },
    { email: "long@example.com", f: "bcrypt $2b$ over 72 bytes", name: "Long Password", expect: "imported" },
    { email: "umlaut@example.com", f: "bcrypt $2b$ non-ASCII", name: "Jürgen Ünïcode", expect: "imported" },
    { email: "pbkdf2@example.com", f: "pbkdf2_sha256", name: "Pat Kdf", expect: "imported" },
    { email: "pbkdf2-umlaut@example.com", f: "pbkdf2_sha256 non-ASCII", name: "Pät", expect: "imported" },
    { email: "rounds@example.com", f: "pbkdf2_sha256 150000 rounds", name: "Many Rounds", expect: "imported" },
    { email: "unverified@example.com", f: "pbkdf2_sha256", name: "Not Yet", verified: false, expect: "imported" },
    { email: "Bob@X.com", f: "bcrypt $2b$", name: "Bob", expect: "imported" },
    { email: " bob@x.com ", f: "pbkdf2_sha256", name: "Bob Again", expect: "duplicate_email" },
    { email: "not-an-address", f: "bcrypt $2b$", name: "X", expect: "invalid_email" },
    { email: "md5@example.com", hash: "md5$5f4dcc3b5aa765d61d8327deb882cf99", name: "Md Five", expect: "unknown_hash_format" },
    { email: "plain@example.com", hash: "hunter2hunter2", name: "Plain Text", expect: "unknown_hash_format" },
    { email: "gone@example.com", f: "bcrypt $2b$", name: "Disabled", active: false, expect: "inactive" },
    { email: "HERE@example.com", f: "bcrypt $2b$", name: "Here Already", expect: "already_here" },
    { email: "bell@example.com", f: "bcrypt $2b$", name: "Ding\u0007", expect: "invalid_full_name" },
  ].map((r, i) => ({
    ...r,
    id: randomUUID(),
    hash: r.hash ?? fixture(r.f!).hash,
    password: r.f ? fixture(r.f).password : undefined,
    // A day apart, oldest first: the order rows are read in, so Bob@X.com is the first of the two Bobs.
    createdAt: new Date(Date.UTC(2020, 0, 1 + i, 3, 4, 5, 678)),
  }));
  const importedA = layoutA.filter((r) => r.expect === "imported");

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), "import-users-test-"));
    server = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await server.connect();
    await server.query(`CREATE DATABASE ${sourceDb}`);
    await server.query(`CREATE DATABASE ${targetDb}`);
    // Not UTC, so that reading a naive created_at as UTC is seen to be deliberate.
    await server.query(`ALTER DATABASE ${sourceDb} SET timezone = 'America/New_York'`);
    source = new pg.Client({ connectionString: sourceUrl });
    target = new pg.Client({ connectionString: targetUrl });
    await Promise.all([source.connect(), target.connect()]);

    await source.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY, email varchar(320) NOT NULL, hashed_password varchar(1024) NOT NULL, full_name varchar(255) NOT NULL,
        is_active boolean NOT NULL DEFAULT true, is_superuser boolean NOT NULL DEFAULT false, is_verified boolean NOT NULL DEFAULT false,
        created_at timestamp without time zone DEFAULT now());
      CREATE UNIQUE INDEX ix_users_email ON users (email);
      CREATE SCHEMA service_b;
      CREATE TABLE service_b.users (
        id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, username varchar(50) UNIQUE, password varchar(255) NOT NULL,
        first_name varchar(100), last_name varchar(100), is_verified boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now());
      CREATE SCHEMA legacy;
      CREATE TABLE legacy.members (member_no integer PRIMARY KEY, mail text, pw_hash text, display_name text, joined date, admin smallint);`);
    for (const r of layoutA) {
      await source.query(
        `INSERT INTO users (id, email, hashed_password, full_name, is_active, is_superuser, is_verified, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [r.id, r.email, r.hash, r.name, r.active ?? true, r.superuser ?? false, r.verified ?? true, r.createdAt.toISOString().replace("T", " ").replace("Z", "")],
      );
    }

    endpoint = await startSqlEndpoint({ port: 0, databaseUrl: targetUrl });
    await migrateDatabase(LOCAL_NEON_URL, { localEndpoint: endpoint.url });
    await target.query(
      `INSERT INTO users (email, username, password_hash, email_verified_at, last_login_at) VALUES ($1, $2, '$scrypt$ln=14,r=8,p=5$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', now(), now())`,
      [HERE.email, HERE.username],
    );

    const built = await buildWorker(join(workdir, "worker"));
    worker = await hostWorker(built.scriptPath, {
      DATABASE_URL: LOCAL_NEON_URL,
      NEON_LOCAL_ENDPOINT: endpoint.url,
      JWT_PRIVATE_KEY: generateSigningJwk(),
      JWT_ISSUER: "https://accounts.test",
      JWT_AUDIENCE: "accounts-test",
      TOKEN_SECRET: generateTokenSecret(),
      RESEND_API_KEY: "re_test_key",
      RESEND_API_URL: "http://127.0.0.1:9",
      MAIL_FROM: "Accounts <no-reply@accounts.test>",
      APP_URL: "https://accounts.test",
      REQUIRE_EMAIL_VERIFICATION: "true",
    } satisfies WorkerVars);
  }, 120_000);

  afterAll(async () => {
    await worker?.dispose();
    await endpoint?.close();
    await Promise.all([source?.end(), target?.end()]);
    for (const db of [sourceDb, targetDb]) await server?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await server?.end();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it("--dry-run reads and checks everything, against this database too, reports, and writes nothing", async () => {
    const before = await everyAccount();
    const summary = await importFrom("users", { dryRun: true, batchSize: 4 });
    expect(await everyAccount()).toEqual(before);
    expect(summary).toMatchObject({ dryRun: true, read: layoutA.length, imported: importedA.length, alreadyHere: 1 });
    expect(reportOf(summary.reportPath).map((l) => [l.email, l.reason])).toEqual(layoutA.filter((r) => r.expect !== "imported").map((r) => [r.email, r.expect]));
  });

  it("imports layout A: addresses as the API normalises them, ids kept, admins, unverified accounts, times, hashes as they were", async () => {
    const summary = await importFrom("users", { batchSize: 4 });
    expect(summary).toMatchObject({ read: layoutA.length, imported: importedA.length, alreadyHere: 1, importedBefore: 0 });
    const report = reportOf(summary.reportPath);
    expect(report.map((l) => [l.row, l.id, l.email, l.reason])).toEqual(
      layoutA.flatMap((r, i) => (r.expect === "imported" ? [] : [[i + 1, r.id, r.email, r.expect]])),
    );
    expect(report.find((l) => l.reason === "duplicate_email")!.detail).toBe(`row 10 (id ${layoutA[9]!.id}) has bob@x.com`);
    expect(JSON.stringify(report)).not.toContain("$2b$");

    for (const r of importedA) {
      const email = r.email.trim().toLowerCase();
      const row = await account(email);
      expect(row, email).toMatchObject({
        id: r.id,
        full_name: r.name || null,
        username: null,
        password_hash: r.hash,
        role: r.superuser ? "admin" : "user",
        last_login_at: null,
      });
      expect(row.created_at.toISOString()).toBe(r.createdAt.toISOString());
      expect(row.email_verified_at === null).toBe(r.verified === false);
    }
    expect(await account(HERE.email)).toMatchObject({ full_name: null, username: HERE.username });
  });

  it("signs in through the worker with the original passwords; the hash becomes scrypt and signs in again", async () => {
    for (const r of importedA.filter((r) => r.verified !== false)) {
      const email = r.email.trim().toLowerCase();
      const first = await signIn(email, r.password!);
      expect(first.status, `${r.f}: ${await first.clone().text()}`).toBe(200);
      expect(((await first.json()) as { user: { id: string; email: string } }).user).toMatchObject({ id: r.id, email });
      expect((await account(email)).password_hash, r.f).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$/);
      expect((await signIn(r.email, r.password!)).status, `${r.f}, again`).toBe(200);
    }
    // Imported unverified: the password is right, but the address must be proven first, as for a registration.
    const unverified = importedA.find((r) => r.verified === false)!;
    const refused = await signIn(unverified.email, unverified.password!);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("email_not_verified");
    expect((await account(unverified.email)).password_hash).toBe(unverified.hash);
  }, 120_000);

  it("a re-run imports nothing and changes no account, signed in or not", async () => {
    const before = await everyAccount();
    const summary = await importFrom("users", { batchSize: 4 });
    expect(await everyAccount()).toEqual(before);
    expect(summary).toMatchObject({ imported: 0, alreadyHere: importedA.length + 1, importedBefore: importedA.length });
    const report = reportOf(summary.reportPath);
    expect(report.filter((l) => l.reason === "already_here").map((l) => l.detail)).toEqual(
      layoutA.filter((r) => r.expect === "imported" || r.expect === "already_here").map((r) => (r.expect === "imported" ? `imported before (account ${r.id})` : "an account here has this address")),
    );
  });

  it("imports layout B with the command itself: derived ids, joined names, usernames as our rules have them", async () => {
    const b = [
      { email: "carol@example.com", username: "carol", first: "Carol", last: "Danvers", f: "bcrypt $2a$", expect: "imported" },
      { email: "carol2@example.com", username: "Carol", first: "Other", last: null, f: "pbkdf2_sha256", expect: "username_taken" },
      { email: "mallory@example.com", username: "Taken_Here", first: null, last: null, f: "pbkdf2_sha256", expect: "username_taken" },
      { email: "dash@example.com", username: "-dash-", first: null, last: null, f: "pbkdf2_sha256", expect: "invalid_username" },
      { email: "dave@example.com", username: "dave", first: null, last: "Only", f: "pbkdf2_sha256", verified: false, expect: "imported" },
      { email: "ADA.LOVELACE@example.com", username: "ada", first: "Ada", last: null, f: "pbkdf2_sha256", expect: "already_here" },
    ];
    for (const [i, r] of b.entries()) {
      await source.query(
        `INSERT INTO service_b.users (email, username, password, first_name, last_name, is_verified, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [r.email, r.username, fixture(r.f).hash, r.first, r.last, r.verified ?? true, new Date(Date.UTC(2021, 4, 6 + i, 7, 8, 9))],
      );
    }
    const reportPath = join(workdir, "layout-b.jsonl");
    const { stdout } = await promisify(execFile)(
      "node_modules/.bin/tsx",
      ["dev/import-users.ts", "--from", sourceUrl, "--table", "service_b.users", "--report", reportPath],
      { env: { ...process.env, DATABASE_URL: targetUrl } },
    );
    expect(stdout).toContain(`${sourceDb}/service_b.users → Postgres`);
    expect(stdout).toContain(`imported 2 of 6 rows from ${sourceDb}/service_b.users`);
    expect(stdout).toContain("already here: 1 (imported before: 0; the others are accounts made here, or changed here since)");
    expect(stdout).toMatch(/username_taken +2 /);
    expect(reportOf(reportPath).map((l) => [l.row, l.email, l.reason, l.detail])).toEqual([
      [2, "carol2@example.com", "username_taken", "row 1 (id 1) has it"],
      [3, "mallory@example.com", "username_taken", "an account here has it"],
      [4, "dash@example.com", "invalid_username", expect.stringMatching(/^3 to 32 letters/)],
      [6, "ADA.LOVELACE@example.com", "already_here", "an account here has this address"],
    ]);

    const carol = await account("carol@example.com");
    expect(carol).toMatchObject({ id: accountId(`${sourceDb}/service_b.users`, "1"), full_name: "Carol Danvers", username: "carol", pending_username: null });
    expect(carol.created_at.toISOString()).toBe("2021-05-06T07:08:09.000Z");
    expect(await account("dave@example.com")).toMatchObject({ full_name: "Only", username: null, pending_username: "dave", email_verified_at: null });
    expect((await signIn("carol@example.com", fixture("bcrypt $2a$").password)).status).toBe(200);
  }, 60_000);

  it("reads other column names with --map; a batch is one statement, whole or not at all, and a re-run goes on", async () => {
    await source.query(`INSERT INTO legacy.members VALUES
      (1, 'm1@example.com', $1, 'Member One', '2019-02-03', 1),
      (2, 'm2@example.com', $1, 'Member Two', '2019-02-04', 0),
      (3, 'm3@example.com', $1, 'Member Three', '2019-02-05', 0),
      (4, 'm4@example.com', $1, 'Member Four', '2019-02-06', 0)`, [fixture("pbkdf2_sha256").hash]);
    const map = parseMapOption(["id=member_no,email=mail,password=pw_hash,full_name=display_name,created_at=joined,is_superuser=admin"]);
    // This database refuses the fourth row: its batch (rows 3 and 4) must fail whole, the one before it stay.
    await target.query(`ALTER TABLE users ADD CONSTRAINT test_refuses_m4 CHECK (email <> 'm4@example.com')`);
    try {
      await expect(importFrom("legacy.members", { map, batchSize: 2 })).rejects.toThrow(BatchFailed);
    } finally {
      await target.query(`ALTER TABLE users DROP CONSTRAINT test_refuses_m4`);
    }
    expect((await target.query(`SELECT email FROM users WHERE email LIKE 'm_@example.com' ORDER BY email`)).rows.map((r) => r.email)).toEqual([
      "m1@example.com",
      "m2@example.com",
    ]);

    const summary = await importFrom("legacy.members", { map, batchSize: 2 });
    expect(summary).toMatchObject({ read: 4, imported: 2, alreadyHere: 2, importedBefore: 2 });
    const m1 = await account("m1@example.com");
    expect(m1).toMatchObject({ id: accountId(`${sourceDb}/legacy.members`, "1"), full_name: "Member One", role: "admin" });
    expect(m1.created_at.toISOString()).toBe("2019-02-03T00:00:00.000Z");
    expect(await account("m3@example.com")).toMatchObject({ full_name: "Member Three", role: "user" });
  });
});
