import type { TestProject } from "vitest/node";
import { startMailCatcher } from "../../dev/stack/mail-catcher";
import { migrateDatabase } from "../../dev/stack/migrate-db";
import { startSqlEndpoint } from "../../dev/stack/sql-endpoint";
import { startAnswerRecorder } from "./answer-recorder";

declare module "vitest" {
  interface ProvidedContext {
    sqlEndpointUrl: string;
    mailCatcherUrl: string;
    answerRecorderUrl: string;
  }
}

/**
 * Starts the real local stack for the worker tests: the Neon-compatible endpoint (in-memory PGlite,
 * or the Postgres in TEST_DATABASE_URL), the Resend-compatible catcher, and the recorder that checks
 * every answer against the OpenAPI document, on free ports.
 */
export default async function setup(project: TestProject) {
  const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
  const endpoint = await startSqlEndpoint({ port: 0, databaseUrl });
  const catcher = await startMailCatcher({ port: 0 });
  await migrateDatabase("postgresql://app:app@db.localtest.me/app", { localEndpoint: endpoint.url });
  project.provide("sqlEndpointUrl", endpoint.url);
  project.provide("mailCatcherUrl", catcher.url);
  const recorder = await startAnswerRecorder();
  project.provide("answerRecorderUrl", recorder.url);
  console.log(`worker tests: database ${databaseUrl ? "Postgres (TEST_DATABASE_URL)" : "PGlite (in memory)"}`);
  return async () => {
    await recorder.close();
    await catcher.close();
    await endpoint.close();
  };
}
