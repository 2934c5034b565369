import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Logger } from "../log";
import { pruneExpired } from "../repositories/maintenance-repository";
import { CODE_GUESS_LIMIT, PASSWORD_FAILURE_LIMITS } from "./guessing-limits";

/**
 * The cron job, one batch: sessions that can never be used again, spent codes, unverified accounts past
 * PENDING_ACCOUNT_MAX_AGE (their address becomes free) and guessing counters that no longer count.
 */
export async function pruneExpiredRecords(db: Database, config: Config, now: Date, log: Logger): Promise<void> {
  const deleted = await pruneExpired(db, now, {
    pendingAccountMaxAge: config.pendingAccountMaxAge,
    loginFailureMemory: PASSWORD_FAILURE_LIMITS.memorySeconds,
    codeBudgetWindow: CODE_GUESS_LIMIT.windowSeconds,
  });
  log("info", "pruned expired records", { ...deleted });
}
