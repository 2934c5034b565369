// Applies drizzle-kit's migrations (drizzle/*.sql + drizzle/meta/_journal.json) with the same driver the
// worker uses. drizzle's neon-http migrator sends every statement as its own request and records applied
// migrations only after all of them ran; it does not wrap a migration in a transaction.
import { fileURLToPath } from "node:url";
import { neon } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import { migrate } from "drizzle-orm/neon-http/migrator";
import { throughLocalEndpoint } from "./neon-routing";

const DEFAULT_MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface MigrateOptions {
  /** A local SQL endpoint (e.g. "http://127.0.0.1:4444"); the database URL's host is then never resolved. */
  localEndpoint?: string;
  /** Defaults to the repository's drizzle/ folder. */
  migrationsFolder?: string;
}

export async function migrateDatabase(databaseUrl: string, opts: MigrateOptions = {}): Promise<void> {
  const db = drizzle({ client: neon(databaseUrl) });
  await throughLocalEndpoint(opts.localEndpoint, () =>
    migrate(db, { migrationsFolder: opts.migrationsFolder ?? DEFAULT_MIGRATIONS }).catch(withDatabaseReason),
  );
}

// drizzle reports "Failed query: <sql>" and keeps the database's reason in `cause`; put the reason first.
function withDatabaseReason(err: unknown): never {
  if (err instanceof Error && err.cause instanceof Error) throw new Error(`migration failed: ${err.cause.message}\n${err.message}`, { cause: err });
  throw err;
}
