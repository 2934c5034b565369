// npm run bench:scale: does the database work per request stay flat as the tables grow? Two throwaway
// databases on the Postgres in DATABASE_URL, one filled to a small size and one to the full size, in bulk
// inside Postgres (dev/bench/fill.ts); in front of each, the local endpoint and the deployable build on
// workerd (the bench's worker host, the real Neon driver). Every operation is measured on both, one
// request at a time and taking turns, so whatever else the machine is doing weighs on both sizes alike;
// then one run of the hourly prune on each.
//   --users=N      accounts at full size (default 1 000 000; ~10 sessions each)
//   --small=N      accounts at the small size (default 1 000)
//   --requests=N   requests per operation and size (default 100; at most 15 s' worth, at least 10)
//   --parallel=N   Postgres connections filling at once (default: the machine's cores)
//   --keep         keep both databases (named in the output) for inspection
// Prints, per operation, p50/p99 latency and time in Postgres at both sizes and the ratio full/small of the
// time in Postgres (target ≤ 1.3×; an operation over it is measured once more and fails only if it misses
// again), the prune's work per run, and EXPLAIN ANALYZE of what misses the
// target; writes dev/bench/results/scale.json. Exits non-zero on a wrong answer or a missed target.
import { cpus, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { hashPassword } from "../../src/security/password";
import { CODE_GUESS_LIMIT, PASSWORD_FAILURE_LIMITS } from "../../src/services/guessing-limits";
import { toBase64Url, utf8 } from "../../src/security/encoding";
import { startMailCatcher } from "../stack/mail-catcher";
import type { WorkerVars } from "../stack/local-env";
import { benchWorkerVars } from "./worker-vars";
import { buildWorker } from "./build";
import { openBenchDatabase, type BenchDatabase } from "./database";
import { fillAccounts, SEARCHES, tableSizes, vacuumAnalyze, FILLED_TABLES, type FillTimes, type TableSize } from "./fill";
import { writeJson } from "./report";
import { tapStatements, type TappedStatement } from "./statement-tap";
import { hostWorker, type HostedWorker } from "./worker-host";
import { cleanups, runBench } from "./lifecycle";

const PASSWORD = "correct horse battery staple";
const TARGET_RATIO = 1.3;
const WARMUP = 10;
const MAX_SECONDS_PER_OPERATION = 15;
const MIN_REQUESTS = 10;
// wrangler.toml's [triggers]; the handler does not look at it.
const CRON = "23 * * * *";
// The worker's default PENDING_ACCOUNT_MAX_AGE (the bench does not set it).
const PENDING_ACCOUNT_MAX_AGE = 7 * 24 * 3600;
// The account whose sessions GET /sessions lists: live ones it shows, ended ones its query must skip.
const CROWD = { live: 50, ended: 150 };

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    small: { type: "string", default: "1000" },
    requests: { type: "string", default: "100" },
    parallel: { type: "string" },
    keep: { type: "boolean", default: false },
  },
  strict: true,
});
const fullSize = Number(args.users);
const smallSize = Number(args.small);
const requestsPerOperation = Number(args.requests);
const parallel = Number(args.parallel ?? cpus().length);
for (const [name, n] of Object.entries({ users: fullSize, small: smallSize, requests: requestsPerOperation, parallel })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
}
if (smallSize >= fullSize) throw new Error("--small must be less than --users");

const elapsed = (since: number) => (performance.now() - since) / 1000;
const count = (n: number) => n.toLocaleString("en-US").replace(/,/g, " ");

// ---- talking to a worker ----

interface Answer {
  status: number;
  body: unknown;
  ms: number;
  /** The worker's own account (Server-Timing db), in workerd's whole milliseconds. */
  workerDbMs: number;
  trips: number;
}

interface RequestSpec {
  method: string;
  path: string;
  token?: string;
  body?: unknown;
}

async function call(url: string, spec: RequestSpec): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (spec.token) headers.authorization = `Bearer ${spec.token}`;
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  const started = performance.now();
  const res = await fetch(url + spec.path, { method: spec.method, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body) });
  const text = await res.text();
  const ms = performance.now() - started;
  // db;dur=<ms>;desc="<n> round trips" (src/http/request-log.ts).
  const timing = /db;dur=([\d.]+);desc="(\d+) round trip/.exec(res.headers.get("server-timing") ?? "");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the error message.
  }
  return { status: res.status, body, ms, workerDbMs: timing ? Number(timing[1]) : NaN, trips: timing ? Number(timing[2]) : NaN };
}

async function expectAnswer(url: string, spec: RequestSpec, expected: number) {
  const answer = await call(url, spec);
  if (answer.status !== expected) throw new Error(`${spec.method} ${spec.path} answered ${answer.status}, expected ${expected}: ${JSON.stringify(answer.body)}`);
  return answer.body as Record<string, unknown>;
}

const signIn = async (url: string, email: string) =>
  (await expectAnswer(url, { method: "POST", path: "/api/v1/auth/login", body: { email, password: PASSWORD } }, 200)) as { access_token: string; refresh_token: string };

// ---- the two sizes ----

interface Side {
  label: "small" | "full";
  accounts: number;
  db: BenchDatabase & { databaseUrl: string };
  sql: pg.Client;
  worker: HostedWorker;
  admin: string;
  crowd: string;
}

interface Prepared {
  fill: FillTimes & { vacuumSeconds: number };
  tables: Record<string, TableSize>;
  searchMatches: Record<string, number>;
  /** The operations' requests on this side. */
  operations: Operation[];
}

interface Operation {
  name: string;
  expect: number;
  next(n: number): RequestSpec;
  /** Sees every expected answer (refresh keeps its chain going with it). */
  onAnswer?(body: unknown): void;
}

/** Two accounts made through the API before any filling: an admin (GET /users) and one with many sessions. */
async function benchAccounts(side: Side): Promise<void> {
  for (const email of [side.admin, side.crowd]) {
    await expectAnswer(side.worker.url, { method: "POST", path: "/api/v1/auth/register", body: { email, password: PASSWORD } }, 201);
  }
  await side.sql.query("UPDATE users SET role = 'admin' WHERE email = $1", [side.admin]);
  // The crowd's other sessions: live ones from the last weeks, and ended ones (expired, revoked).
  await side.sql.query(
    `INSERT INTO sessions (id, user_id, refresh_hash, user_agent, ip, created_at, last_used_at, expires_at, absolute_expires_at, revoked_at)
     SELECT gen_random_uuid(), u.id, md5(random()::text), 'Mozilla/5.0 (scale bench)', '203.0.113.' || (n % 250),
            now() - interval '20 days' - n * interval '1 hour', now() - n * interval '1 minute',
            CASE WHEN n <= $2 THEN now() + interval '6 days' ELSE now() - interval '1 day' END, now() + interval '9 days',
            CASE WHEN n > $2 AND n % 2 = 0 THEN now() - interval '2 days' END
     FROM users u, generate_series(1, $1::int) AS n WHERE u.email = $3`,
    [CROWD.live + CROWD.ended, CROWD.live, side.crowd],
  );
}

async function fill(side: Side, passwordHash: string, now: Date): Promise<Prepared["fill"]> {
  const started = performance.now();
  let lastReport = started;
  const times = await fillAccounts(side.db.databaseUrl, { from: 1, to: side.accounts }, { total: side.accounts, now, passwordHash }, {
    parallel,
    onProgress: ({ done, of }) => {
      if (done === of || performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  ${side.label}: filled ${count(done)} of ${count(of)} accounts (${elapsed(started).toFixed(0)} s)`);
      }
    },
  });
  const vacuumStarted = performance.now();
  await vacuumAnalyze(side.db.databaseUrl);
  const vacuumSeconds = elapsed(vacuumStarted);
  console.log(
    `  ${side.label}: ${times.insertSeconds.toFixed(1)} s inserting, ${times.indexSeconds.toFixed(1)} s building indexes, ${vacuumSeconds.toFixed(1)} s VACUUM ANALYZE and CHECKPOINT`,
  );
  return { ...times, vacuumSeconds };
}

/** Tokens, a cursor deep in the list, sign-in addresses: what the operations send on this side. */
async function prepare(side: Side, fillTimes: Prepared["fill"]): Promise<Prepared> {
  const { sql, worker } = side;
  const tables = await tableSizes(sql);
  console.log(`  ${side.label}: ${FILLED_TABLES.map((t) => `${t} ${count(tables[t].rows)} (${(tables[t].bytes / 2 ** 20).toFixed(0)} MiB)`).join(", ")}`);
  const filled = "email_verified_at IS NOT NULL AND role = 'user' AND email NOT LIKE '%@example.test'";
  // /users/me and refresh: an account from the middle of the list, with its ~10 sessions.
  const me = (await sql.query<{ email: string }>(`SELECT email FROM users WHERE ${filled} ORDER BY created_at OFFSET $1 LIMIT 1`, [Math.floor(side.accounts / 2)])).rows[0]!.email;
  const logins = (await sql.query<{ email: string }>(`SELECT email FROM users WHERE ${filled} ORDER BY random() LIMIT $1`, [requestsPerOperation + WARMUP])).rows.map((r) => r.email);
  const accounts = Number((await sql.query<{ n: string }>("SELECT count(*) AS n FROM users")).rows[0]!.n);
  // A cursor as the API issues them (base64url of [created_at as Postgres prints it, id]), 90% of the way in.
  const deep = (
    await sql.query<{ created: string; id: string }>("SELECT created_at::text AS created, id FROM users ORDER BY created_at, id OFFSET $1 LIMIT 1", [Math.floor(accounts * 0.9)])
  ).rows[0]!;
  const deepCursor = toBase64Url(utf8(JSON.stringify([deep.created, deep.id])));
  const searchMatches: Record<string, number> = {};
  for (const [column, q] of Object.entries(SEARCHES)) {
    const p = `${q.toLowerCase()}%`;
    const { rows } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE email LIKE $1 OR lower(username) LIKE $1 OR lower(full_name) LIKE $1", [p]);
    searchMatches[column] = Number(rows[0]!.n);
  }

  const admin = (await signIn(worker.url, side.admin)).access_token;
  const crowd = (await signIn(worker.url, side.crowd)).access_token;
  const meToken = (await signIn(worker.url, me)).access_token;
  let refreshToken = (await signIn(worker.url, me)).refresh_token;
  const runId = Date.now().toString(36);
  const list = (query: string): Operation["next"] => () => ({ method: "GET", path: `/api/v1/users?limit=20${query}`, token: admin });
  const operations: Operation[] = [
    { name: "GET /users/me", expect: 200, next: () => ({ method: "GET", path: "/api/v1/users/me", token: meToken }) },
    {
      name: "POST /auth/refresh",
      expect: 200,
      next: () => ({ method: "POST", path: "/api/v1/auth/refresh", body: { refresh_token: refreshToken } }),
      onAnswer: (body) => {
        refreshToken = (body as { refresh_token: string }).refresh_token;
      },
    },
    { name: "POST /auth/login", expect: 200, next: (n) => ({ method: "POST", path: "/api/v1/auth/login", body: { email: logins[n % logins.length], password: PASSWORD } }) },
    {
      name: "POST /auth/register",
      expect: 201,
      next: (n) => ({
        method: "POST",
        path: "/api/v1/auth/register",
        body: { email: `scale-${runId}-${n}@example.test`, password: PASSWORD, full_name: "Scale Bench", username: `sb${runId}${n}` },
      }),
    },
    { name: "GET /users (first page)", expect: 200, next: list("") },
    { name: "GET /users (page at 90%)", expect: 200, next: list(`&cursor=${deepCursor}`) },
    { name: "GET /users?q= email", expect: 200, next: list(`&q=${encodeURIComponent(SEARCHES.email)}`) },
    { name: "GET /users?q= username", expect: 200, next: list(`&q=${encodeURIComponent(SEARCHES.username)}`) },
    { name: "GET /users?q= name", expect: 200, next: list(`&q=${encodeURIComponent(SEARCHES.name)}`) },
    { name: `GET /sessions (${CROWD.live} live of ${CROWD.live + CROWD.ended + 1})`, expect: 200, next: () => ({ method: "GET", path: "/api/v1/sessions", token: crowd }) },
  ];
  return { fill: fillTimes, tables, searchMatches, operations };
}

// ---- measuring ----

interface Measured {
  requests: number;
  p50: number;
  p99: number;
  /** Time in Postgres (the endpoint's queries, timed in Node): what the target is judged on. */
  dbP50: number;
  dbP99: number;
  /** The worker's Server-Timing db, p50: whole milliseconds in workerd, too coarse to judge 1.3× by. */
  workerDbP50: number;
  tripsPerRequest: number;
  statementsPerRequest: number;
  errors: number;
  /** The last request's statements, for EXPLAIN. */
  statements: TappedStatement[];
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

class Sampler {
  private n = 0;
  private samples: { answer: Answer; dbMs: number }[] = [];
  private statements = 0;
  private last: TappedStatement[] = [];
  errors = 0;

  constructor(
    private readonly url: string,
    private readonly op: Operation,
  ) {}

  async send(record: boolean): Promise<void> {
    const spec = this.op.next(this.n++);
    const { result: answer, statements, dbMs } = await tapStatements(() => call(this.url, spec));
    if (answer.status === this.op.expect) this.op.onAnswer?.(answer.body);
    else if (this.errors++ < 3) console.error(`  ${this.op.name}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    if (!record) return;
    this.samples.push({ answer, dbMs });
    this.statements += statements.length;
    this.last = statements;
  }

  get recorded(): number {
    return this.samples.length;
  }

  result(): Measured {
    const ms = this.samples.map((s) => s.answer.ms);
    const db = this.samples.map((s) => s.dbMs);
    return {
      requests: this.samples.length,
      p50: percentile(ms, 50),
      p99: percentile(ms, 99),
      dbP50: percentile(db, 50),
      dbP99: percentile(db, 99),
      workerDbP50: percentile(this.samples.map((s) => s.answer.workerDbMs), 50),
      tripsPerRequest: this.samples.reduce((a, s) => a + s.answer.trips, 0) / this.samples.length,
      statementsPerRequest: this.statements / this.samples.length,
      errors: this.errors,
      statements: this.last,
    };
  }
}

/**
 * One operation on both sides, one request at a time, taking turns (small, full, full, small, …) so a
 * slow stretch of a shared machine hits both sizes alike: a few to warm up, then up to
 * `requestsPerOperation` each, within MAX_SECONDS_PER_OPERATION.
 */
async function measurePair(small: Sampler, full: Sampler): Promise<void> {
  for (let i = 0; i < WARMUP; i++) {
    await small.send(false);
    await full.send(false);
  }
  const started = performance.now();
  for (let round = 0; full.recorded < requestsPerOperation && (full.recorded < MIN_REQUESTS || elapsed(started) < MAX_SECONDS_PER_OPERATION); round++) {
    const order = round % 2 === 0 ? [small, full] : [full, small];
    for (const sampler of order) await sampler.send(true);
  }
}

// ---- the prune ----

interface PruneResult {
  seconds: number;
  /** Time in Postgres. */
  dbMs: number;
  outcome: string;
  roundTrips: number;
  statements: number;
  backlogBefore: number;
  backlogAfter: number;
  deleted: Record<string, number>;
  deletedTotal: number;
}

/**
 * What the prune may delete at `now`, by the README's rules: ended sessions, spent or expired codes,
 * unverified accounts past PENDING_ACCOUNT_MAX_AGE, guessing counters that no longer count.
 */
async function pruneBacklog(sql: pg.Client, now: Date): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= $1 OR absolute_expires_at <= $1)
          + (SELECT count(*) FROM one_time_codes WHERE consumed_at IS NOT NULL OR expires_at <= $1)
          + (SELECT count(*) FROM users WHERE email_verified_at IS NULL AND updated_at <= $1 - make_interval(secs => $2))
          + (SELECT count(*) FROM login_failures WHERE last_failure_at <= $1 - make_interval(secs => $3) AND (locked_until IS NULL OR locked_until <= $1))
          + (SELECT count(*) FROM code_failures WHERE window_started_at <= $1 - make_interval(secs => $4)) AS n`,
    [now, PENDING_ACCOUNT_MAX_AGE, PASSWORD_FAILURE_LIMITS.memorySeconds, CODE_GUESS_LIMIT.windowSeconds],
  );
  return Number(rows[0]!.n);
}

/** One run of the cron, as Workers would fire it: what it deleted, in how many round trips and statements. */
async function runPrune({ db, sql, worker }: Side): Promise<PruneResult> {
  const now = new Date();
  const backlogBefore = await pruneBacklog(sql, now);
  const before = await tableSizes(sql);
  const tripsBefore = db.endpoint.requestCount();
  const started = performance.now();
  const { result, statements, dbMs } = await tapStatements(() => worker.scheduled(now, CRON));
  const seconds = elapsed(started);
  const roundTrips = db.endpoint.requestCount() - tripsBefore;
  const after = await tableSizes(sql);
  const deleted = Object.fromEntries(FILLED_TABLES.map((t) => [t, before[t].rows - after[t].rows]));
  return {
    seconds,
    dbMs,
    outcome: result.outcome,
    roundTrips,
    statements: statements.length,
    backlogBefore,
    backlogAfter: await pruneBacklog(sql, now),
    deleted,
    deletedTotal: Object.values(deleted).reduce((a, b) => a + b, 0),
  };
}

function pruneVerdict(full: PruneResult): { bounded: boolean; text: string } {
  if (full.backlogBefore > 0 && full.backlogAfter === 0) {
    return {
      bounded: false,
      text:
        `UNBOUNDED: one run deleted the whole backlog of ${count(full.backlogBefore)} rows in ${full.roundTrips} round trip(s), ` +
        `${full.statements} statements and ${full.seconds.toFixed(1)} s; its work grows with the backlog (a cron run has a Worker's CPU and subrequest limits)`,
    };
  }
  return {
    bounded: true,
    text:
      `bounded: one run deleted ${count(full.deletedTotal)} of ${count(full.backlogBefore)} rows in ${full.roundTrips} round trips, ${full.statements} statements and ` +
      `${full.seconds.toFixed(1)} s, leaving ${count(full.backlogAfter)} for later runs (~${Math.ceil(full.backlogBefore / Math.max(1, full.deletedTotal))} runs to catch up)`,
  };
}

// ---- explaining what scales badly ----

interface Explained {
  operation: string;
  executionMs: number;
  keyLines: string[];
  statement: string;
  plan: string[];
}

/** EXPLAIN ANALYZE of each statement the operation's last request sent (rolled back); the slowest one. */
async function explainSlowest(sql: pg.Client, operation: string, statements: TappedStatement[]): Promise<Explained | null> {
  let slowest: Explained | null = null;
  for (const s of statements) {
    await sql.query("BEGIN");
    try {
      const { rows } = await sql.query<{ "QUERY PLAN": string }>({ text: `EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, values: s.values });
      const plan = rows.map((r) => r["QUERY PLAN"]);
      const executionMs = Number(/Execution Time: ([\d.]+)/.exec(plan.at(-1) ?? "")?.[1] ?? NaN);
      if (!slowest || executionMs > slowest.executionMs) {
        // What grows with the table: full scans, sorts, rows read only to be thrown away.
        const telling = plan.filter((l) => /Seq Scan|Sort Method|Rows Removed by Filter|Bitmap Heap Scan/.test(l));
        const keyLines = (telling.length ? telling : plan.slice(0, 3)).map((l) => l.trim());
        slowest = { operation, executionMs, keyLines: keyLines.slice(0, 6), statement: s.text.replace(/\s+/g, " ").trim(), plan };
      }
    } catch {
      // Run a second time, a write can collide with what the request itself wrote (login's session id,
      // register's address): nothing to learn from it then.
    } finally {
      await sql.query("ROLLBACK");
    }
  }
  return slowest;
}

// ---- the report ----

interface Row {
  operation: string;
  small: Measured;
  full: Measured;
  ratio: number;
  ok: boolean;
  /** The ratio of a first measurement over target, when the row is the second (null: the first was on target). */
  missedFirst: number | null;
}

function printTable(rows: Row[], prune: { small: PruneResult; full: PruneResult }): void {
  const widths = [32, 8, 8, 8, 9, 9, 9, 8, 6];
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2));
  console.log(`\nper request, ms: latency p50/p99 and time in Postgres (db, p50) at ${count(smallSize)} and ${count(fullSize)} accounts; target db ≤ ${TARGET_RATIO}×`);
  console.log(line(["", "p50", "p99", "db", "p50", "p99", "db", "", ""]));
  console.log(line(["operation", `(${count(smallSize)})`, "", "", `(${count(fullSize)})`, "", "", "db ×", ""]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) {
    console.log(line([r.operation, ms(r.small.p50), ms(r.small.p99), ms(r.small.dbP50), ms(r.full.p50), ms(r.full.p99), ms(r.full.dbP50), `${r.ratio.toFixed(2)}×`, r.ok ? (r.missedFirst === null ? "" : `2nd (${r.missedFirst.toFixed(2)}×)`) : "> 1.3"]));
  }
  console.log(line(["prune (one cron run)", ms(prune.small.seconds * 1000), "", ms(prune.small.dbMs), ms(prune.full.seconds * 1000), "", ms(prune.full.dbMs), `${(prune.full.dbMs / prune.small.dbMs).toFixed(1)}×`, ""]));
}

// ---- the run ----

async function openSide(label: Side["label"], accounts: number, app: string, vars: WorkerVars, runId: string): Promise<Side> {
  // Every statement planned for its own parameters, as with Neon's HTTP endpoint, which keeps no prepared
  // statement from one request to the next. The local endpoint prepares each statement once per connection,
  // and after five runs Postgres may switch it to a generic plan on one database and keep re-planning it on
  // the other: the admin list went generic at 1 000 accounts and not at 200 000, which alone made it 1.5x.
  const db = await openBenchDatabase(process.env.DATABASE_URL, { keep: args.keep, settings: { plan_cache_mode: "force_custom_plan" } });
  cleanups.push(() => db.close());
  if (!db.databaseUrl) throw new Error("bench:scale runs on Postgres only");
  const sql = new pg.Client({ connectionString: db.databaseUrl });
  await sql.connect();
  cleanups.push(() => sql.end());
  const worker = await hostWorker(app, { ...vars, NEON_LOCAL_ENDPOINT: db.endpoint.url });
  cleanups.push(() => worker.dispose());
  console.log(`${label}: worker on workerd at ${worker.url}; database: ${db.description}`);
  return {
    label,
    accounts,
    db: db as Side["db"],
    sql,
    worker,
    admin: `scale-admin-${runId}@example.test`,
    crowd: `scale-crowd-${runId}@example.test`,
  };
}

async function main(): Promise<number> {
  const started = performance.now();
  if (!process.env.DATABASE_URL) {
    throw new Error("bench:scale needs a Postgres server: DATABASE_URL=postgresql://user@host:5432/postgres (it works in throwaway databases of its own)");
  }
  const workdir = mkdtempSync(join(tmpdir(), "accounts-scale-"));
  cleanups.push(() => rmSync(workdir, { recursive: true, force: true }));
  console.log(`bench:scale: ${count(smallSize)} and ${count(fullSize)} accounts, up to ${requestsPerOperation} requests per operation and size, ${parallel} filling connections`);
  const [app, passwordHash] = await Promise.all([buildWorker(join(workdir, "app")), hashPassword(PASSWORD)]);
  const catcher = await startMailCatcher({ port: 0 });
  cleanups.push(() => catcher.close());
  const vars: WorkerVars = benchWorkerVars(catcher.url);
  const runId = Date.now().toString(36);
  const small = await openSide("small", smallSize, app.scriptPath, vars, runId);
  const full = await openSide("full", fullSize, app.scriptPath, vars, runId);

  // The bench's own accounts first (the newest in the list), then the fill, relative to one moment.
  for (const side of [small, full]) await benchAccounts(side);
  const now = new Date();
  console.log();
  const smallFill = await fill(small, passwordHash, now);
  const fullFill = await fill(full, passwordHash, now);
  const prepared = { small: await prepare(small, smallFill), full: await prepare(full, fullFill) };

  console.log();
  const rows: Row[] = [];
  for (const [i, smallOp] of prepared.small.operations.entries()) {
    const fullOp = prepared.full.operations[i]!;
    const measure = async () => {
      const samplers = { small: new Sampler(small.worker.url, smallOp), full: new Sampler(full.worker.url, fullOp) };
      await measurePair(samplers.small, samplers.full);
      const row: Row = { operation: smallOp.name, small: samplers.small.result(), full: samplers.full.result(), ratio: 0, ok: true, missedFirst: null };
      row.ratio = row.full.dbP50 / row.small.dbP50;
      row.ok = row.ratio <= TARGET_RATIO;
      return row;
    };
    let row = await measure();
    // A miss is measured once more: a plan that reads more as the table grows misses again, while a busy
    // stretch of a shared machine (a checkpoint, another process's burst) rarely hits the same operation twice.
    if (!row.ok) {
      const first = row.ratio;
      console.log(`  ${row.operation.padEnd(32)} ${first.toFixed(2)}× (over ${TARGET_RATIO}); measuring it again`);
      row = { ...(await measure()), missedFirst: first };
    }
    rows.push(row);
    const side = (m: Measured) => `p50 ${m.p50.toFixed(1)} ms, db ${m.dbP50.toFixed(2)} ms (Server-Timing ${m.workerDbP50})`;
    console.log(
      `  ${row.operation.padEnd(32)} ${side(row.small)} | ${side(row.full)} | ${row.ratio.toFixed(2)}× | ` +
        `${row.full.tripsPerRequest.toFixed(0)} round trip(s), ${row.full.statementsPerRequest.toFixed(0)} statement(s), ${row.full.requests} requests each` +
        `${row.small.errors + row.full.errors ? `, ${row.small.errors + row.full.errors} ERRORS` : ""}`,
    );
  }

  const prune = { small: await runPrune(small), full: await runPrune(full) };
  for (const side of [small, full]) {
    const p = prune[side.label];
    console.log(
      `  prune, ${side.label}: ${p.seconds.toFixed(2)} s (${p.dbMs.toFixed(0)} ms in Postgres, ${(p.dbMs / Math.max(1, p.roundTrips)).toFixed(0)} ms a round trip), ` +
        `${p.roundTrips} round trip(s), ${p.statements} statements, ` +
        `deleted ${count(p.deletedTotal)} rows (${Object.entries(p.deleted).map(([t, n]) => `${t} ${count(n)}`).join(", ")}); backlog ${count(p.backlogBefore)} → ${count(p.backlogAfter)}`,
    );
  }

  printTable(rows, prune);
  const verdict = pruneVerdict(prune.full);
  console.log(`\nprune at ${count(fullSize)} accounts: ${verdict.text}`);

  const explained: Explained[] = [];
  for (const row of rows.filter((r) => !r.ok)) {
    const e = await explainSlowest(full.sql, row.operation, row.full.statements);
    if (!e) continue;
    explained.push(e);
    console.log(`\n${row.operation} at ${count(fullSize)}: slowest statement ${e.executionMs.toFixed(1)} ms in Postgres (EXPLAIN ANALYZE)`);
    for (const l of e.keyLines) console.log(`    ${l}`);
  }
  const matches = (p: Prepared) => Object.values(p.searchMatches).join(" / ");
  console.log(
    `\nsearch matches (email "${SEARCHES.email}" / username "${SEARCHES.username}" / name "${SEARCHES.name}"): ` +
      `${matches(prepared.small)} at ${count(smallSize)}, ${matches(prepared.full)} at ${count(fullSize)}`,
  );

  const errors = rows.reduce((n, r) => n + r.small.errors + r.full.errors, 0);
  const checks = [
    {
      what: `time in Postgres at ${count(fullSize)} accounts within ${TARGET_RATIO}× of at ${count(smallSize)}`,
      ok: rows.every((r) => r.ok),
      value: rows.filter((r) => !r.ok).map((r) => `${r.operation} ${r.ratio.toFixed(2)}×`).join(", ") || "every operation",
    },
    { what: "prune bounded per run", ok: verdict.bounded, value: verdict.bounded ? "yes" : "no: one run deletes the whole backlog" },
    {
      what: "no errors (every answer as expected, every cron run ok)",
      ok: errors === 0 && prune.small.outcome === "ok" && prune.full.outcome === "ok",
      value: `${errors} errors, cron ${prune.small.outcome}/${prune.full.outcome}`,
    },
  ];
  console.log();
  for (const c of checks) console.log(`${c.ok ? "PASS" : "FAIL"}  ${c.what}: ${c.value}`);
  const fillSeconds = (f: Prepared["fill"]) => f.insertSeconds + f.indexSeconds + f.vacuumSeconds;
  const seconds = elapsed(started);
  console.log(`\nbench:scale took ${seconds.toFixed(0)} s, of which filling ${fillSeconds(smallFill).toFixed(0)} s (small) and ${fillSeconds(fullFill).toFixed(0)} s (full)`);
  if (args.keep) for (const side of [small, full]) console.log(`kept: ${side.db.databaseUrl}`);

  const forJson = (m: Measured) => ({ ...m, statements: m.statements.map((t) => t.text.replace(/\s+/g, " ").trim()) });
  writeJson("dev/bench/results/scale.json", {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
    database: full.db.description,
    options: { users: fullSize, small: smallSize, requests: requestsPerOperation, parallel },
    targetRatio: TARGET_RATIO,
    searches: SEARCHES,
    sizes: Object.fromEntries((["small", "full"] as const).map((s) => [s, { fill: prepared[s].fill, tables: prepared[s].tables, searchMatches: prepared[s].searchMatches }])),
    rows: rows.map((r) => ({ ...r, small: forJson(r.small), full: forJson(r.full) })),
    prune: { ...prune, verdict },
    explained,
    checks,
    elapsedSeconds: seconds,
  });
  return checks.every((c) => c.ok) ? 0 : 1;
}

runBench(main);
