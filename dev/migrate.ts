// npm run db:migrate: applies drizzle/ to DATABASE_URL (see database-target.ts for where that leads).
import { withDatabase } from "./stack/database-target";
import { migrateDatabase } from "./stack/migrate-db";

withDatabase(async (target) => {
  await migrateDatabase(target.databaseUrl, { localEndpoint: target.localEndpoint });
  console.log(`migrated (${target.description})`);
}).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
