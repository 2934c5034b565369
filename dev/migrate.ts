// npm run db:migrate: applies drizzle/ to DATABASE_URL.
// A Neon URL is migrated directly over Neon's HTTP API; any other Postgres (or none: the local PGlite
// folder) through a temporary local endpoint, so the same driver and migrator run either way.
import { PGLITE_DIR, LOCAL_NEON_URL } from "./local-env";
import { migrateDatabase } from "./migrate-db";
import { startSqlEndpoint } from "./sql-endpoint";

async function main() {
  const url = process.env.DATABASE_URL;
  if (url && new URL(url).hostname.endsWith(".neon.tech")) {
    await migrateDatabase(url);
    console.log("migrated (Neon)");
    return;
  }
  const endpoint = await startSqlEndpoint({ port: 0, databaseUrl: url || undefined, dataDir: PGLITE_DIR });
  try {
    await migrateDatabase(LOCAL_NEON_URL, { localEndpoint: endpoint.url });
    console.log(`migrated (${url ? "Postgres" : `PGlite in ${PGLITE_DIR}`})`);
  } finally {
    await endpoint.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
