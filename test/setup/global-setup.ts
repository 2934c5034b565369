import type { TestProject } from "vitest/node";
import { startMailCatcher } from "../../dev/stack/mail-catcher";
import { migrateDatabase } from "../../dev/stack/migrate-db";
import { startSqlEndpoint } from "../../dev/stack/sql-endpoint";

declare module "vitest" {
  interface ProvidedContext {
    sqlEndpointUrl: string;
    mailCatcherUrl: string;
  }
}

/**
 * Starts the real local stack for the worker tests: the Neon-compatible endpoint (in-memory PGlite,
 * or the Postgres in TEST_DATABASE_URL) and the Resend-compatible catcher, on free ports.
 */
export default async function setup(project: TestProject) {
  const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
  const endpoint = await startSqlEndpoint({ port: 0, databaseUrl });
  const catcher = await startMailCatcher({ port: 0 });
  await migrateDatabase("postgresql://app:app@db.localtest.me/app", { localEndpoint: endpoint.url });
  project.provide("sqlEndpointUrl", endpoint.url);
  project.provide("mailCatcherUrl", catcher.url);
  console.log(`worker tests: database ${databaseUrl ? "Postgres (TEST_DATABASE_URL)" : "PGlite (in memory)"}`);
  return async () => {
    await catcher.close();
    await endpoint.close();
  };
}
