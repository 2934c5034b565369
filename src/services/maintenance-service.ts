import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Logger } from "../log";
import { pruneRound, type Pruned } from "../repositories/maintenance-repository";
import { CODE_GUESS_LIMIT, PASSWORD_FAILURE_LIMITS } from "./guessing-limits";

/**
 * How much one cron run may do, whatever the backlog: rounds of at most BATCH rows per kind, each one
 * round trip. 20 round trips stay far inside a Worker's subrequest limit and each statement is an index
 * range of bounded size; 20 × 2000 sessions an hour is more than sign-ins create, so a backlog shrinks
 * run after run.
 */
export const PRUNE_BUDGET = { batch: 2000, rounds: 20 } as const;

/**
 * The cron job: sessions that can never be used again, spent codes, unverified accounts past
 * PENDING_ACCOUNT_MAX_AGE (their address becomes free) and guessing counters that no longer count.
 */
export async function pruneExpiredRecords(
  db: Database,
  config: Config,
  now: Date,
  log: Logger,
  budget: { batch: number; rounds: number } = PRUNE_BUDGET,
): Promise<Pruned & { rounds: number; caughtUp: boolean }> {
  const keep = {
    pendingAccountMaxAge: config.pendingAccountMaxAge,
    loginFailureMemory: PASSWORD_FAILURE_LIMITS.memorySeconds,
    codeBudgetWindow: CODE_GUESS_LIMIT.windowSeconds,
  };
  const total: Pruned = { sessions: 0, codes: 0, pendingAccounts: 0, loginFailures: 0, codeFailures: 0, mfaTickets: 0, webauthnChallenges: 0 };
  let rounds = 0;
  let caughtUp = false;
  while (rounds < budget.rounds && !caughtUp) {
    const { full, ...deleted } = await pruneRound(db, now, keep, budget.batch);
    for (const kind of Object.keys(total) as (keyof Pruned)[]) total[kind] += deleted[kind];
    rounds++;
    caughtUp = !full;
  }
  log(caughtUp ? "info" : "warn", "pruned expired records", { ...total, rounds, caught_up: caughtUp });
  return { ...total, rounds, caughtUp };
}
