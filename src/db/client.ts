import type { FullQueryResults, NeonQueryFunction } from "@neondatabase/serverless";
import type { Query, SQL } from "drizzle-orm";
import { QueryFailed } from "./errors";
import { toQuery } from "./query";

/** A statement's result: rows as objects (column name → value, parsed as db/neon-driver.ts says) and the rows it touched. */
export type QueryResult = FullQueryResults<false>;

/**
 * The database as the repositories use it: drizzle's `sql` templates, sent by the Neon driver over HTTP.
 * No ORM: drizzle's query builders are never used, and its neon-http database brings all of them (and
 * every column type) into the bundle. Every failure is a QueryFailed (db/errors.ts).
 */
export interface Database {
  execute(statement: SQL): Promise<QueryResult>;
  /** A statement already turned into text and parameters (db/prepared.ts). */
  executeQuery(query: Query): Promise<QueryResult>;
  /** The statements in one round trip and one transaction: all of them happen, or none. */
  batch(statements: readonly SQL[]): Promise<QueryResult[]>;
}

async function failingAsQueryFailed<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw new QueryFailed(err);
  }
}

type Driver = typeof import("./neon-driver");
let driver: Driver | undefined;

/**
 * The driver on the first query, not at load (see db/neon-driver.ts). The module is kept, never a pending
 * import: each request that finds it missing imports it itself, since a promise begun in one request and
 * awaited by another would wait forever once the first had ended (workerd ties I/O to its request).
 */
async function loadDriver(): Promise<Driver> {
  return (driver ??= await import("./neon-driver"));
}

function database(connectionString: string, localEndpoint?: string): Database {
  let client: NeonQueryFunction<false, true> | undefined;
  const connected = async () => {
    const { connect, PARSERS } = await loadDriver();
    return { client: (client ??= connect(connectionString, localEndpoint)), parsers: PARSERS };
  };
  // Lazy: the driver sends a query when it is awaited, or gathers it into a transaction.
  const executeQuery = ({ sql, params }: Query) =>
    failingAsQueryFailed(async () => {
      const { client, parsers } = await connected();
      return client.query(sql, params, parsers);
    });
  return {
    executeQuery,
    // Built before anything is sent, so a statement that cannot be built fails as the bug it is.
    execute: (statement) => executeQuery(toQuery(statement)),
    batch: (statements) => {
      const queries = statements.map(toQuery);
      return failingAsQueryFailed(async () => {
        const { client, parsers } = await connected();
        return client.transaction(queries.map(({ sql, params }) => client.query(sql, params, parsers)));
      });
    },
  };
}

const clients = new Map<string, Database>();

// Shows this service in pg_stat_activity and Neon's monitoring. Given in the URL, it also spares the driver
// appending its own on every query (it re-resolves the connection string per query; README, Performance).
const APPLICATION_NAME = "edge-accounts";

function withApplicationName(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.searchParams.has("application_name")) return databaseUrl;
  url.searchParams.set("application_name", APPLICATION_NAME);
  return url.toString();
}

/** One client per isolate, database URL and local endpoint (db/neon-driver.ts). */
export function getDatabase(databaseUrl: string, localEndpoint?: string): Database {
  const key = `${databaseUrl}|${localEndpoint ?? ""}`;
  let db = clients.get(key);
  if (!db) {
    db = database(withApplicationName(databaseUrl), localEndpoint);
    clients.set(key, db);
  }
  return db;
}
