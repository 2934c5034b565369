import { neon, neonConfig, types, type FullQueryResults, type HTTPQueryOptions, type NeonQueryFunction } from "@neondatabase/serverless";
import type { Query, SQL } from "drizzle-orm";
import { timed } from "../timing";
import { QueryFailed } from "./errors";
import { toQuery } from "./query";

/** A statement's result: rows as objects (column name → value, see TEXT_TYPES) and the rows it touched. */
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

// Dates, times and intervals stay the text Postgres sent (drizzle's neon-http driver sets the same
// parsers): db/rows.ts decodes them, e.g. timestamptz into a Date. Every other type parses as the driver does.
const TEXT_TYPES = new Set([
  types.builtins.TIMESTAMPTZ,
  types.builtins.TIMESTAMP,
  types.builtins.DATE,
  types.builtins.INTERVAL,
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
]);
const asText = (value: string) => value;
// Per query: the driver reads parsers from each query's options, in a transaction too.
const PARSERS: HTTPQueryOptions<false, true> = {
  types: { getTypeParser: (oid, format) => (TEXT_TYPES.has(oid) ? asText : types.getTypeParser(oid, format)) },
};
// What drizzle asked the driver for: rows as objects, with the result's row count.
const RESULTS = { arrayMode: false, fullResults: true } as const;

async function failingAsQueryFailed<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw new QueryFailed(err);
  }
}

function database(client: NeonQueryFunction<false, true>): Database {
  // Lazy: the driver sends a query when it is awaited, or gathers it into a transaction.
  const query = ({ sql, params }: Query) => client.query(sql, params, PARSERS);
  const executeQuery = (q: Query) => failingAsQueryFailed(() => query(q));
  return {
    executeQuery,
    // Built before anything is sent, so a statement that cannot be built fails as the bug it is.
    execute: (statement) => executeQuery(toQuery(statement)),
    batch: (statements) => {
      const queries = statements.map((statement) => query(toQuery(statement)));
      return failingAsQueryFailed(() => client.transaction(queries));
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

// Every SQL round trip goes through this fetch, so Server-Timing can report database time and count.
neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => timed("db", () => fetch(input, init));

/**
 * One client per isolate and database URL. With a local endpoint configured, the Neon driver posts to
 * it instead of resolving the URL's host (neonConfig is process-wide, so it is set here, the only place
 * that builds clients).
 */
export function getDatabase(databaseUrl: string, localEndpoint?: string): Database {
  const key = `${databaseUrl}|${localEndpoint ?? ""}`;
  let db = clients.get(key);
  if (!db) {
    if (localEndpoint) {
      const url = `${localEndpoint.replace(/\/+$/, "")}/sql`;
      neonConfig.fetchEndpoint = () => url;
    }
    db = database(neon(withApplicationName(databaseUrl), RESULTS));
    clients.set(key, db);
  }
  return db;
}
