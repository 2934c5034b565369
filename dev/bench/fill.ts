// Fills a bench database to a chosen number of accounts inside Postgres: set-based INSERT … SELECT over
// generate_series, not through the API (a million registrations through the worker would take a day of
// scrypt). Every row is a pure function of the account's number i and the population's size (through
// hashint8extended), so a fill is repeatable and its chunks can go in on several connections at once.
//
// What account i gets:
// - email `<first>.<last><i>@<domain>`, full name `<First> <Last>` (85%), username `<f><last><i>` (60%),
//   names drawn from lists with a spread of initials, as real ones have (see SEARCHES); created_at rising
//   with i over five years, a little jitter;
// - 0.3% are unverified registrations from the last 14 days (half past PENDING_ACCOUNT_MAX_AGE, so the
//   cron has some to delete), with a verification code and maybe a wished-for username;
// - 1 to 19 sessions (10 on average): half live, 30% expired, 20% revoked, from an assortment of browsers;
// - codes: 2% a password-reset code (live, expired or spent), 0.3% an email-change code;
// - guessing counters: 0.6% have failed sign-ins (two login_failures rows: their network and '*'), some of
//   them for addresses without an account; 0.2% a code_failures row; spread over three days (a day is
//   when they stop counting).
// Every password hash is the same real scrypt hash of one known password, so any account can sign in.
import pg from "pg";

const FIRST_NAMES = [
  "Aaron", "Abigail", "Adam", "Adriana", "Ahmed", "Aisha", "Alan", "Alejandro", "Alex", "Alice", "Amara", "Amelia", "Ana", "Andre",
  "Andrew", "Anna", "Arjun", "Ava", "Beatriz", "Ben", "Bianca", "Boris", "Bruno", "Camila", "Carlos", "Caroline", "Chen", "Chloe",
  "Chris", "Claire", "Daniel", "David", "Diana", "Diego", "Dmitri", "Elena", "Eli", "Elif", "Emily", "Emma", "Eric", "Ethan",
  "Fatima", "Felix", "Fiona", "Francesca", "Gabriel", "George", "Grace", "Hana", "Hannah", "Harry", "Hassan", "Helen", "Henry", "Hugo",
  "Ibrahim", "Ines", "Isaac", "Isabella", "Ivan", "Jack", "Jacob", "James", "Jane", "Javier", "Jessica", "Jin", "Joao", "John",
  "Jose", "Julia", "Kai", "Karen", "Kenji", "Kevin", "Laura", "Leila", "Leo", "Liam", "Lily", "Lucas", "Lucy", "Luis",
  "Maria", "Mark", "Marta", "Mateo", "Maya", "Mei", "Michael", "Mohammed", "Nadia", "Noah", "Nora", "Oliver", "Olivia", "Omar",
  "Oscar", "Paul", "Pedro", "Priya", "Quentin", "Rachel", "Rafael", "Ravi", "Rosa", "Ryan", "Sakura", "Samuel", "Sara", "Sebastian",
  "Sofia", "Sophie", "Stefan", "Tariq", "Thomas", "Tom", "Uma", "Valentina", "Victor", "William", "Xavier", "Yara", "Yusuf", "Zoe",
];

const LAST_NAMES = [
  "Abbott", "Adams", "Ahmed", "Ali", "Alvarez", "Andersen", "Baker", "Barbosa", "Becker", "Bennett", "Bianchi", "Brown", "Campbell",
  "Castro", "Chen", "Clark", "Costa", "Cruz", "Davies", "Diaz", "Dubois", "Edwards", "Evans", "Fernandez", "Fischer", "Fontaine",
  "Garcia", "Gomez", "Gonzalez", "Green", "Gupta", "Hall", "Hansen", "Harris", "Hoffmann", "Hughes", "Ibrahim", "Ivanov", "Jackson",
  "Jensen", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "Kim", "Klein", "Kowalski", "Kumar", "Larsen", "Lee", "Lewis", "Li",
  "Lopez", "Martin", "Martinez", "Meyer", "Miller", "Moore", "Morales", "Muller", "Murphy", "Nakamura", "Nguyen", "Nielsen",
  "Novak", "Nowak", "Okafor", "Oliveira", "Olsen", "Ortiz", "Park", "Patel", "Perez", "Petrov", "Popescu", "Quinn", "Ramirez",
  "Reyes", "Ricci", "Roberts", "Robinson", "Rodriguez", "Romano", "Rossi", "Russo", "Sanchez", "Santos", "Sato", "Schmidt",
  "Schneider", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Thomas", "Torres", "Turner", "Usman", "Vargas",
  "Walker", "Wang", "Weber", "White", "Williams", "Wilson", "Wright", "Xu", "Yamamoto", "Yilmaz", "Young", "Zhang", "Zimmermann",
];

// Repeats weight the big providers, as in real sign-ups.
const DOMAINS = [
  "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com", "outlook.com", "outlook.com", "hotmail.com", "yahoo.com",
  "icloud.com", "icloud.com", "proton.me", "gmx.de", "web.de", "orange.fr", "mail.ru", "qq.com", "fastmail.com", "example.org",
];

const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0",
  "okhttp/4.12.0",
];

/**
 * Prefix searches that fill a page at both sizes: a few letters of a first name for emails and names, an
 * initial for usernames, each matching 2 to 6% of accounts (20 to 60 at 1 000, tens of thousands at a
 * million; broad ones also match on the other columns). So both sizes do a page's work and the ratio shows
 * what the table's size alone adds, while an order that had to sort every match would show at once.
 */
export const SEARCHES = {
  email: "ma",
  username: "s",
  name: "Al",
} as const;

/** What the fill needs to know besides the range: the whole population's size spreads created_at over it. */
export interface Population {
  /** The account count the database will end up with (created_at rises with i / total). */
  total: number;
  /** The moment every "live", "expired" and "past retention" is relative to. */
  now: Date;
  /** One real password hash, stored for every account. */
  passwordHash: string;
}

export interface FillProgress {
  done: number;
  of: number;
}

// Helpers in pg_temp (gone with the connection). All IMMUTABLE one-line SQL functions, which Postgres inlines.
const HELPERS = [
  // A number in [0, 1) from (key, stream): the same every time, unrelated between streams.
  `CREATE FUNCTION pg_temp.r(k bigint, s bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS 'SELECT (hashint8extended(k, s) & 140737488355327)::float8 / 140737488355328.0'`,
  // A version-4-shaped UUID from (key, stream): account i's id is uuid(i, 100), so sessions and codes can
  // name their user without a join; cheaper than gen_random_uuid() and repeatable.
  `CREATE FUNCTION pg_temp.uuid(k bigint, s bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$SELECT overlay(overlay(encode(int8send(hashint8extended(k, s)) || int8send(hashint8extended(k, s + 1)), 'hex')
                          placing '4' from 13) placing '8' from 17)::uuid$$`,
  `CREATE FUNCTION pg_temp.pending(i bigint) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS 'SELECT pg_temp.r(i, 0) < 0.003'`,
  // Unverified: registered in the last 14 days. Verified: rising with i from five years ago to yesterday.
  // (STABLE, as timestamptz arithmetic is, so Postgres may inline it.)
  `CREATE FUNCTION pg_temp.created(i bigint, total bigint, now timestamptz) RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
     AS $$SELECT CASE WHEN pg_temp.pending(i) THEN now - interval '14 days' * pg_temp.r(i, 9)
                      ELSE now - interval '1 day' - interval '1826 days' * (1 - (i - 1)::float8 / total) + interval '2 hours' * pg_temp.r(i, 10) END$$`,
  // A stored HMAC's shape: 43 characters of base64url.
  `CREATE FUNCTION pg_temp.token(k bigint, s bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$SELECT translate(encode(int8send(hashint8extended(k, s)) || int8send(hashint8extended(k, s + 1)) ||
                                  int8send(hashint8extended(k, s + 2)) || int8send(hashint8extended(k, s + 3)), 'base64'), '+/=', '-_')$$`,
  `CREATE FUNCTION pg_temp.ip(k bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$SELECT (1 + floor(pg_temp.r(k, 50) * 222))::int::text || '.' || floor(pg_temp.r(k, 51) * 256)::int::text || '.' ||
                 floor(pg_temp.r(k, 52) * 256)::int::text || '.' || (1 + floor(pg_temp.r(k, 53) * 254))::int::text$$`,
];

// Statements name their values {like_this}; bind() numbers the ones a statement uses (Postgres must be
// able to type every parameter it is sent).
const pick = (array: string, stream: number, key = "i") => `(${array})[1 + floor(pg_temp.r(${key}, ${stream}) * array_length(${array}, 1))::int]`;
const NOW = "{now}";
const CREATED = `pg_temp.created(i, {total}, ${NOW})`;
const RANGE = "generate_series({from}, {to}) AS i";

interface FillValues {
  first: string[];
  last: string[];
  domains: string[];
  agents: string[];
  hash: string;
  now: Date;
  total: number;
  from: number;
  to: number;
}

const TYPES: Record<keyof FillValues, string> = {
  first: "text[]", last: "text[]", domains: "text[]", agents: "text[]", hash: "text", now: "timestamptz", total: "bigint", from: "bigint", to: "bigint",
};

function bind(statement: string, values: FillValues): { text: string; values: unknown[] } {
  const used: (keyof FillValues)[] = [];
  const text = statement.replace(/\{(\w+)\}/g, (_, name: keyof FillValues) => {
    if (!(name in TYPES)) throw new Error(`fill: no value named ${name}`);
    if (!used.includes(name)) used.push(name);
    return `$${used.indexOf(name) + 1}::${TYPES[name]}`;
  });
  return { text, values: used.map((name) => values[name]) };
}

const INSERT_USERS = `
  INSERT INTO users (id, email, full_name, username, pending_username, password_hash, role, email_verified_at, last_login_at, created_at, updated_at)
  SELECT pg_temp.uuid(i, 100),
         lower(n.first || '.' || n.last || i) || '@' || ${pick("{domains}", 3)},
         CASE WHEN pg_temp.r(i, 4) < 0.85 THEN n.first || ' ' || n.last END,
         CASE WHEN NOT p.pending AND pg_temp.r(i, 5) < 0.6 THEN lower(left(n.first, 1) || n.last) || i END,
         CASE WHEN p.pending AND pg_temp.r(i, 5) < 0.5 THEN lower(left(n.first, 1) || n.last) || i END,
         {hash},
         CASE WHEN NOT p.pending AND pg_temp.r(i, 6) < 0.0001 THEN 'admin' ELSE 'user' END,
         CASE WHEN NOT p.pending THEN p.created + interval '5 minutes' * pg_temp.r(i, 7) END,
         CASE WHEN NOT p.pending AND pg_temp.r(i, 8) < 0.8 THEN greatest(p.created, ${NOW} - interval '180 days' * pg_temp.r(i, 11)) END,
         p.created,
         CASE WHEN p.pending THEN p.created ELSE p.created + (${NOW} - p.created) * pg_temp.r(i, 12) END
  FROM ${RANGE}
  CROSS JOIN LATERAL (SELECT ${pick("{first}", 1)} AS first, ${pick("{last}", 2)} AS last OFFSET 0) AS n
  CROSS JOIN LATERAL (SELECT pg_temp.pending(i) AS pending, ${CREATED} AS created OFFSET 0) AS p`;

// Session k of account i: kind 0 live, 1 expired, 2 revoked; never older than its account.
const INSERT_SESSIONS = `
  INSERT INTO sessions (id, user_id, refresh_hash, previous_refresh_hash, rotated_at, user_agent, ip, created_at, last_used_at,
                        expires_at, absolute_expires_at, revoked_at)
  SELECT pg_temp.uuid(k, 200), pg_temp.uuid(i, 100), pg_temp.token(k, 1),
         CASE WHEN u.used > c.created THEN pg_temp.token(k, 5) END, CASE WHEN u.used > c.created THEN u.used END,
         ${pick("{agents}", 24, "k")}, pg_temp.ip(k),
         c.created, u.used, least(u.used + interval '7 days', c.created + interval '30 days'), c.created + interval '30 days',
         CASE WHEN kd.kind = 2 THEN u.used END
  FROM ${RANGE}
  CROSS JOIN LATERAL generate_series(1, 1 + floor(pg_temp.r(i, 20) * 19)::int) AS j
  CROSS JOIN LATERAL (SELECT i * 64 + j AS k) AS kk
  CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.r(k, 21) < 0.5 THEN 0 WHEN pg_temp.r(k, 21) < 0.8 THEN 1 ELSE 2 END AS kind OFFSET 0) AS kd
  CROSS JOIN LATERAL (SELECT greatest(${CREATED} + interval '1 minute', CASE kd.kind
      WHEN 0 THEN ${NOW} - interval '29 days' * pg_temp.r(k, 22)
      WHEN 1 THEN ${NOW} - interval '31 days' - interval '720 days' * pg_temp.r(k, 22)
      ELSE ${NOW} - interval '60 days' * pg_temp.r(k, 22) END) AS created OFFSET 0) AS c
  CROSS JOIN LATERAL (SELECT CASE kd.kind
      WHEN 0 THEN greatest(c.created, ${NOW} - interval '6.9 days' * pg_temp.r(k, 23))
      WHEN 1 THEN c.created + interval '20 days' * pg_temp.r(k, 23)
      ELSE c.created + least(${NOW} - c.created, interval '30 days') * pg_temp.r(k, 23) END AS used OFFSET 0) AS u
  WHERE NOT pg_temp.pending(i)`;

const INSERT_CODES = `
  INSERT INTO one_time_codes (user_id, purpose, code_hash, new_email, attempts, created_at, expires_at, consumed_at)
  SELECT pg_temp.uuid(i, 100), code.purpose, pg_temp.token(i * 64 + code.n, 10), code.new_email, floor(pg_temp.r(i * 64 + code.n, 30) * 3)::int,
         code.created, code.created + interval '15 minutes', code.consumed
  FROM ${RANGE}
  CROSS JOIN LATERAL (SELECT pg_temp.r(i, 33) AS state, pg_temp.r(i, 34) AS age OFFSET 0) AS s
  CROSS JOIN LATERAL (
    SELECT 'verify_email' AS purpose, 0 AS n, NULL::text AS new_email, ${CREATED} AS created, NULL::timestamptz AS consumed
    WHERE pg_temp.pending(i)
    UNION ALL
    SELECT 'reset_password', 1, NULL,
           CASE WHEN s.state < 0.25 THEN ${NOW} - interval '10 minutes' * s.age ELSE ${NOW} - interval '15 minutes' - interval '30 days' * s.age END,
           CASE WHEN s.state >= 0.7 THEN ${NOW} - interval '30 days' * s.age END
    WHERE NOT pg_temp.pending(i) AND pg_temp.r(i, 31) < 0.02
    UNION ALL
    SELECT 'change_email', 2, 'new.' || i || '@example.net', ${NOW} - interval '2 days' * s.age, NULL
    WHERE NOT pg_temp.pending(i) AND pg_temp.r(i, 32) < 0.003
  ) AS code`;

const INSERT_LOGIN_FAILURES = `
  INSERT INTO login_failures (subject, network, failures, locked_until, last_failure_at)
  SELECT f.subject, n.network, f.failures, CASE WHEN pg_temp.r(i, 43) < 0.1 THEN f.at + interval '30 seconds' END, f.at
  FROM ${RANGE}
  CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.pending(i) OR pg_temp.r(i, 40) < 0.002 THEN pg_temp.token(i, 60) ELSE pg_temp.uuid(i, 100)::text END AS subject,
                             1 + floor(pg_temp.r(i, 44) * 4)::int AS failures, ${NOW} - interval '3 days' * pg_temp.r(i, 42) AS at OFFSET 0) AS f
  CROSS JOIN LATERAL (VALUES (pg_temp.ip(i)), ('*')) AS n(network)
  WHERE pg_temp.r(i, 40) < 0.006`;

const INSERT_CODE_FAILURES = `
  INSERT INTO code_failures (subject, purpose, failures, window_started_at)
  SELECT pg_temp.token(i, 70), CASE WHEN pg_temp.r(i, 47) < 0.5 THEN 'verify_email' ELSE 'reset_password' END,
         1 + floor(pg_temp.r(i, 48) * 10)::int, ${NOW} - interval '3 days' * pg_temp.r(i, 49)
  FROM ${RANGE}
  WHERE pg_temp.r(i, 45) < 0.002`;

const INSERTS = [INSERT_USERS, INSERT_SESSIONS, INSERT_CODES, INSERT_LOGIN_FAILURES, INSERT_CODE_FAILURES];

export const FILLED_TABLES = ["users", "sessions", "one_time_codes", "login_failures", "code_failures"] as const;

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

// Below this many new accounts, rows go into the indexes as they come; above it, dropping the indexes and
// building them afresh afterwards (a sort each) is several times quicker than millions of random inserts.
const REBUILD_INDEXES_FROM = 20_000;

interface DroppedIndex {
  table: string;
  name: string;
  /**
   * CREATE INDEX …; for a constraint's index (a primary key) the index first, then the constraint on it,
   * so the rebuilds of one table can run side by side (ADD PRIMARY KEY would lock out the others).
   */
  create: string[];
}

/**
 * Drops the filled tables' indexes, except those a foreign key relies on (users' primary key), and
 * returns what rebuilds them: whatever the migrations define today, including indexes added later.
 */
async function dropIndexes(client: pg.Client): Promise<DroppedIndex[]> {
  const { rows } = await client.query<{ tbl: string; name: string; def: string; conname: string | null; contype: string | null }>(`
    SELECT t.relname AS tbl, ix.relname AS name, pg_get_indexdef(i.indexrelid) AS def, c.conname, c.contype
    FROM pg_index i
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_class ix ON ix.oid = i.indexrelid
    LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
    WHERE t.relname = ANY ($1) AND t.relnamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)`, [[...FILLED_TABLES]]);
  const dropped: DroppedIndex[] = [];
  for (const r of rows) {
    const table = `public.${pg.escapeIdentifier(r.tbl)}`;
    if (r.conname) {
      await client.query(`ALTER TABLE ${table} DROP CONSTRAINT ${pg.escapeIdentifier(r.conname)}`);
      const kind = r.contype === "p" ? "PRIMARY KEY" : "UNIQUE";
      dropped.push({
        table: r.tbl,
        name: r.name,
        create: [r.def, `ALTER TABLE ${table} ADD CONSTRAINT ${pg.escapeIdentifier(r.conname)} ${kind} USING INDEX ${pg.escapeIdentifier(r.name)}`],
      });
    } else {
      await client.query(`DROP INDEX public.${pg.escapeIdentifier(r.name)}`);
      dropped.push({ table: r.tbl, name: r.name, create: [r.def] });
    }
  }
  return dropped;
}

export interface FillTimes {
  /** Inserting the rows. */
  insertSeconds: number;
  /** Rebuilding the indexes dropped for a large fill (0 when none were). */
  indexSeconds: number;
}

/**
 * Accounts `from`..`to` (1-based) and everything that belongs to them, in chunks spread over `parallel`
 * connections (one Postgres backend each: a core each). Foreign-key triggers are skipped where the role
 * may (session_replication_role, superusers): the rows are consistent by construction, and checking ten
 * million session rows one by one would double the fill.
 */
export async function fillAccounts(
  databaseUrl: string,
  range: { from: number; to: number },
  population: Population,
  opts: { parallel: number; chunk?: number; onProgress?: (p: FillProgress) => void },
): Promise<FillTimes> {
  if (range.to < range.from) return { insertSeconds: 0, indexSeconds: 0 };
  const started = performance.now();
  const of = range.to - range.from + 1;
  const chunk = opts.chunk ?? 25_000;
  const chunks: [number, number][] = [];
  for (let a = range.from; a <= range.to; a += chunk) chunks.push([a, Math.min(range.to, a + chunk - 1)]);
  const parallel = Math.max(1, opts.parallel);

  const admin = await connect(databaseUrl);
  let dropped: DroppedIndex[] = [];
  try {
    if (of >= REBUILD_INDEXES_FROM) dropped = await dropIndexes(admin);
    let done = 0;
    const worker = async () => {
      const client = await connect(databaseUrl);
      try {
        // The row estimates of nested generate_series are large enough to trigger JIT, which compiled for
        // 16 s per chunk of sessions to run for a fraction of that.
        await client.query("SET jit = off");
        await client.query("SET synchronous_commit = off");
        await client.query("SET session_replication_role = replica").catch(() => undefined);
        for (const helper of HELPERS) await client.query(helper);
        for (let next = chunks.shift(); next; next = chunks.shift()) {
          const values: FillValues = {
            first: FIRST_NAMES, last: LAST_NAMES, domains: DOMAINS, agents: USER_AGENTS,
            hash: population.passwordHash, now: population.now, total: population.total, from: next[0], to: next[1],
          };
          for (const statement of INSERTS) await client.query(bind(statement, values));
          done += next[1] - next[0] + 1;
          opts.onProgress?.({ done, of });
        }
      } finally {
        await client.end();
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
  } finally {
    await admin.end();
  }
  const inserted = performance.now();
  await rebuildIndexes(databaseUrl, dropped, parallel);
  return { insertSeconds: (inserted - started) / 1000, indexSeconds: (performance.now() - inserted) / 1000 };
}

/** The dropped indexes again, biggest table first, over `parallel` connections. */
async function rebuildIndexes(databaseUrl: string, dropped: DroppedIndex[], parallel: number): Promise<void> {
  const order = (table: string) => FILLED_TABLES.indexOf(table as (typeof FILLED_TABLES)[number]);
  const queue = [...dropped].sort((a, b) => (a.table === "sessions" ? -1 : 0) - (b.table === "sessions" ? -1 : 0) || order(a.table) - order(b.table));
  const worker = async () => {
    const client = await connect(databaseUrl);
    try {
      await client.query("SET maintenance_work_mem = '256MB'");
      for (let next = queue.shift(); next; next = queue.shift()) for (const statement of next.create) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
}

/**
 * VACUUM (ANALYZE): fresh statistics and a visibility map, so autovacuum has nothing to do mid-measurement;
 * then a CHECKPOINT (where the role may), so the fill's gigabyte of WAL is not being checkpointed, and
 * commits not waiting behind it, while the bench measures.
 */
export async function vacuumAnalyze(databaseUrl: string): Promise<void> {
  const client = await connect(databaseUrl);
  try {
    await client.query(`VACUUM (ANALYZE) ${FILLED_TABLES.join(", ")}`);
    await client.query("CHECKPOINT").catch(() => undefined);
  } finally {
    await client.end();
  }
}

export interface TableSize {
  rows: number;
  bytes: number;
}

/** Exact row counts and on-disk size (table, indexes, TOAST) of the filled tables. */
export async function tableSizes(client: pg.Client): Promise<Record<(typeof FILLED_TABLES)[number], TableSize>> {
  const out = {} as Record<(typeof FILLED_TABLES)[number], TableSize>;
  for (const table of FILLED_TABLES) {
    const { rows } = await client.query<{ n: string; bytes: string }>(`SELECT count(*) AS n, pg_total_relation_size('${table}') AS bytes FROM ${table}`);
    out[table] = { rows: Number(rows[0]!.n), bytes: Number(rows[0]!.bytes) };
  }
  return out;
}
