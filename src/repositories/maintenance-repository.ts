import { sql } from "drizzle-orm";
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
}

const ago = (now: Date, seconds: number) => sql`${now}::timestamptz - make_interval(secs => ${seconds}::int)`;

/** Deletes what can never matter again, in one batch: one round trip, all or nothing. */
export async function pruneExpired(db: Database, now: Date, keep: RetentionPolicy): Promise<Pruned> {
  const at = sql`${now}::timestamptz`;
  const [sessions, codes, pendingAccounts, loginFailures, codeFailures] = await db.batch([
    db.execute(sql`DELETE FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= ${at} OR absolute_expires_at <= ${at}`),
    db.execute(sql`DELETE FROM one_time_codes WHERE consumed_at IS NOT NULL OR expires_at <= ${at}`),
    db.execute(sql`DELETE FROM users WHERE email_verified_at IS NULL AND updated_at <= ${ago(now, keep.pendingAccountMaxAge)}`),
    db.execute(sql`DELETE FROM login_failures WHERE last_failure_at <= ${ago(now, keep.loginFailureMemory)} AND (locked_until IS NULL OR locked_until <= ${at})`),
    db.execute(sql`DELETE FROM code_failures WHERE window_started_at <= ${ago(now, keep.codeBudgetWindow)}`),
  ]);
  const count = (r: { rowCount?: number | null }) => r.rowCount ?? 0;
  return {
    sessions: count(sessions),
    codes: count(codes),
    pendingAccounts: count(pendingAccounts),
    loginFailures: count(loginFailures),
    codeFailures: count(codeFailures),
  };
}
