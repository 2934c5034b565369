// The bench's database: a throwaway database on the Postgres in DATABASE_URL (dropped afterwards, so no
// one's data is touched), or in-memory PGlite; behind the local Neon-compatible endpoint either way.
import pg from "pg";
import { LOCAL_NEON_URL } from "../stack/local-env";
import { migrateDatabase } from "../stack/migrate-db";
import { startSqlEndpoint, type SqlEndpoint } from "../stack/sql-endpoint";

export interface BenchDatabase {
  endpoint: SqlEndpoint;
  description: string;
  /** The throwaway database itself, for tools that talk to Postgres directly (unset on PGlite). */
  databaseUrl?: string;
  close(): Promise<void>;
}

async function admin<T = unknown>(serverUrl: string, statement: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query(statement)).rows as T[];
  } finally {
    await client.end();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Drops the databases of earlier runs that did not clean up (killed, or Ctrl-C: miniflare's own exit
 * hook can end the process before our cleanup reaches the database). The name carries the run's pid.
 */
async function dropAbandoned(serverUrl: string, prefix: string): Promise<void> {
  const rows = await admin<{ datname: string }>(serverUrl, `SELECT datname FROM pg_database WHERE datname ~ '^${prefix}_[0-9]+_[0-9]+$'`);
  for (const { datname } of rows) {
    if (!alive(Number(datname.split("_").at(-1)))) await admin(serverUrl, `DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

/**
 * A new database on the Postgres at `serverUrl`, `<prefix>_<time>_<pid>`, after dropping those of the
 * same prefix whose run is gone. `keep`: named `<prefix>_kept_<time>` instead, which later runs do not
 * take for abandoned, and `drop` leaves it; dropping it is then up to whoever kept it.
 */
export async function createThrowawayDatabase(serverUrl: string, prefix: string, keep = false): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  await dropAbandoned(serverUrl, prefix);
  const name = keep ? `${prefix}_kept_${Date.now()}` : `${prefix}_${Date.now()}_${process.pid}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (!keep) await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * `keep`: leave the database behind for inspection (`bench_kept_<time>`, see createThrowawayDatabase).
 * `settings`: Postgres settings for every session on the database (ALTER DATABASE … SET), in place before
 * the endpoint connects.
 */
export async function openBenchDatabase(
  serverUrl = process.env.DATABASE_URL || undefined,
  opts: { keep?: boolean; settings?: Record<string, string> } = {},
): Promise<BenchDatabase> {
  let databaseUrl: string | undefined;
  let drop = async () => {};
  if (serverUrl) {
    const created = await createThrowawayDatabase(serverUrl, "bench", opts.keep);
    drop = created.drop;
    for (const [setting, value] of Object.entries(opts.settings ?? {})) {
      await admin(serverUrl, `ALTER DATABASE ${created.name} SET ${setting} = ${pg.escapeLiteral(value)}`);
    }
    databaseUrl = created.url;
  }
  try {
    const endpoint = await startSqlEndpoint({ port: 0, databaseUrl });
    await migrateDatabase(LOCAL_NEON_URL, { localEndpoint: endpoint.url });
    return {
      endpoint,
      description: serverUrl ? `Postgres ${new URL(serverUrl).host} (${opts.keep ? `kept database ${new URL(databaseUrl!).pathname.slice(1)}` : "throwaway database"})` : "PGlite (in memory)",
      databaseUrl,
      close: async () => {
        await endpoint.close();
        await drop();
      },
    };
  } catch (err) {
    await drop();
    throw err;
  }
}
