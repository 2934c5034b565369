import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";

export interface RetentionPolicy {
  /** Unverified accounts whose last registration is older than this are deleted, freeing the address. */
  pendingAccountMaxAge: number;
  /** login_failures rows whose last failure is older (and no longer locked) are forgotten anyway. */
  loginFailureMemory: number;
  /** code_failures rows whose window has passed count nothing any more. */
  codeBudgetWindow: number;
}

export interface Pruned {
  sessions: number;
  codes: number;
  pendingAccounts: number;
  loginFailures: number;
  codeFailures: number;
  mfaTickets: number;
  webauthnChallenges: number;
}

const ago = (now: Date, seconds: number) => sql`${now}::timestamptz - make_interval(secs => ${seconds}::int)`;

/**
 * Deletes at most `limit` rows of `table` matching `where`, found through the index on its condition:
 * ctid names the rows the subquery found, so the delete touches nothing else.
 */
const deleteSome = (table: string, where: SQL, limit: number) =>
  sql`DELETE FROM ${sql.raw(table)} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${sql.raw(table)} WHERE ${where} LIMIT ${limit}::int))`;

/**
 * One round of pruning, in one batch (one round trip, all or nothing): at most `limit` rows per kind of
 * record that can never matter again. A backlog of any size costs each round the same; the cron runs
 * rounds until one finds less than a full batch, or its budget of rounds is spent.
 */
export async function pruneRound(db: Database, now: Date, keep: RetentionPolicy, limit: number): Promise<Pruned & { full: boolean }> {
  const at = sql`${now}::timestamptz`;
  const results = await db.batch([
    deleteSome("sessions", sql`revoked_at IS NOT NULL`, limit),
    // expires_at never passes absolute_expires_at (rotation keeps it below), so it alone says a session ended.
    deleteSome("sessions", sql`expires_at <= ${at}`, limit),
    deleteSome("one_time_codes", sql`consumed_at IS NOT NULL`, limit),
    deleteSome("one_time_codes", sql`expires_at <= ${at}`, limit),
    deleteSome("users", sql`email_verified_at IS NULL AND updated_at <= ${ago(now, keep.pendingAccountMaxAge)}`, limit),
    deleteSome("login_failures", sql`last_failure_at <= ${ago(now, keep.loginFailureMemory)} AND (locked_until IS NULL OR locked_until <= ${at})`, limit),
    deleteSome("code_failures", sql`window_started_at <= ${ago(now, keep.codeBudgetWindow)}`, limit),
    // A ticket past its five minutes opens nothing; a consumed one expires soon after (it is short-lived).
    deleteSome("mfa_tickets", sql`expires_at <= ${at}`, limit),
    // A passkey ceremony's challenge is deleted when used; one never answered is dropped when it expires.
    deleteSome("webauthn_challenges", sql`expires_at <= ${at}`, limit),
  ]);
  const counts = results.map((r) => r.rowCount ?? 0);
  const [revoked, expired, consumed, lapsed, pendingAccounts, loginFailures, codeFailures, mfaTickets, webauthnChallenges] = counts as [
    number, number, number, number, number, number, number, number, number,
  ];
  return {
    sessions: revoked + expired,
    codes: consumed + lapsed,
    pendingAccounts,
    loginFailures,
    codeFailures,
    mfaTickets,
    webauthnChallenges,
    full: counts.some((n) => n >= limit),
  };
}
