import type { Database } from "../db/client";
import type { Logger } from "../log";
import { pruneExpired } from "../repositories/session-repository";

/** The cron job: drop sessions that can never be used again and spent codes, in one batch. */
export async function pruneExpiredRecords(db: Database, now: Date, log: Logger): Promise<void> {
  const deleted = await pruneExpired(db, now);
  log("info", "pruned expired records", { sessions: deleted.sessions, codes: deleted.codes });
}
