import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import { timed } from "../timing";
import * as schema from "./schema";

export type Database = NeonHttpDatabase<typeof schema>;

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
 * One drizzle client per isolate and database URL. With a local endpoint configured, the Neon driver
 * posts to it instead of resolving the URL's host (neonConfig is process-wide, so it is set here, the
 * only place that builds clients).
 */
export function getDatabase(databaseUrl: string, localEndpoint?: string): Database {
  const key = `${databaseUrl}|${localEndpoint ?? ""}`;
  let db = clients.get(key);
  if (!db) {
    if (localEndpoint) {
      const url = `${localEndpoint.replace(/\/+$/, "")}/sql`;
      neonConfig.fetchEndpoint = () => url;
    }
    db = drizzle({ client: neon(withApplicationName(databaseUrl)), schema });
    clients.set(key, db);
  }
  return db;
}
