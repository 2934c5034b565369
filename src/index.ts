import { createApp } from "./app";
import { getConfig } from "./config";
import { getDatabase } from "./db/client";
import type { Env } from "./env";
import { createLogger } from "./log";
import { pruneExpiredRecords } from "./services/maintenance-service";

const app = createApp();

export default {
  fetch: app.fetch,
  // The cron's scheduled time is "now" for the job, so a test can run it at any moment it likes.
  async scheduled(controller, env) {
    const config = getConfig(env);
    const log = createLogger({ cron: controller.cron });
    await pruneExpiredRecords(getDatabase(config.databaseUrl, config.neonLocalEndpoint), config, new Date(controller.scheduledTime), log);
  },
} satisfies ExportedHandler<Env>;
