import { LOCAL_NEON_URL, PGLITE_DIR } from "./local-env";
import { startSqlEndpoint } from "./sql-endpoint";

export interface DatabaseTarget {
  /** What the Neon driver is given. */
  databaseUrl: string;
  /** Set when the driver must go through a local endpoint. */
  localEndpoint?: string;
  description: string;
}

/**
 * For the Node-side scripts (db:migrate, user:role): a Neon URL in DATABASE_URL is used directly over
 * Neon's HTTP API; any other Postgres, or none (the local PGlite folder), through a temporary local
 * endpoint, so the same driver runs either way. Stop `npm run dev` first when using PGlite: its
 * folder has one writer at a time.
 */
export async function withDatabase<T>(work: (target: DatabaseTarget) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (url && new URL(url).hostname.endsWith(".neon.tech")) return work({ databaseUrl: url, description: "Neon" });
  const endpoint = await startSqlEndpoint({ port: 0, databaseUrl: url || undefined, dataDir: PGLITE_DIR });
  try {
    return await work({ databaseUrl: LOCAL_NEON_URL, localEndpoint: endpoint.url, description: url ? "Postgres" : `PGlite in ${PGLITE_DIR}` });
  } finally {
    await endpoint.close();
  }
}
