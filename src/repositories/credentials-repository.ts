import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { ADMIN_ROLE } from "../domain/roles";
import { computedColumns } from "../db/rows";
import { codeAttemptCtes, codeFailure, codeOutcome, codeOutcomeColumns, issueCodeSql, type CodeFailure, type GuessBudget } from "./code-sql";
import { forgetAllFailuresSql } from "./login-failure-sql";
import { dropMfaTicketsSql, sessionIsLive } from "./session-sql";
import { userRecord, type UserRecord } from "./user-record";

interface CodeIssue {
  codeHash: string;
  now: Date;
  codeExpiresAt: Date;
  minIntervalSeconds: number;
}

/** Forgot password: a reset code for the address's account, if there is one and none was sent in the interval. */
export async function issueResetCode(db: Database, r: CodeIssue & { email: string }): Promise<boolean> {
  const result = await db.execute(
    issueCodeSql({
      purpose: "reset_password",
      source: sql`SELECT id AS user_id, NULL::text AS new_email FROM users WHERE email = ${r.email}`,
      codeHash: r.codeHash,
      now: r.now,
      expiresAt: r.codeExpiresAt,
      minIntervalSeconds: r.minIntervalSeconds,
    }),
  );
  return result.rows.length > 0;
}

const resetOutcome = computedColumns({ changed: "integer" });

export type ResetOutcome = { kind: "reset" } | CodeFailure;

/**
 * One statement: consume the reset code, set the new password, revoke every session and drop every
 * two-factor ticket (a sign-in half done with the old password). The code proves
 * the mailbox, so the address counts as verified, ADMIN_EMAILS applies, and every failed sign-in is
 * forgotten. An account that was never verified is activated by whoever reset it, so a registration's
 * name and wished-for username (possibly someone else's) are dropped.
 */
export async function resetPasswordWithCode(
  db: Database,
  r: { email: string; codeHash: string; passwordHash: string; now: Date; maxAttempts: number; budget: GuessBudget; grantAdmin: boolean },
): Promise<ResetOutcome> {
  const now = sql`${r.now}::timestamptz`;
  const attempt = { purpose: "reset_password" as const, userId: sql`(SELECT id FROM users WHERE email = ${r.email})`, codeHash: r.codeHash, now: r.now, maxAttempts: r.maxAttempts, budget: r.budget };
  const result = await db.execute(sql`
    WITH ${codeAttemptCtes(attempt)},
    changed AS (
      UPDATE users u
      SET password_hash = ${r.passwordHash}, email_verified_at = COALESCE(u.email_verified_at, ${now}),
          full_name = CASE WHEN u.email_verified_at IS NULL THEN NULL ELSE u.full_name END, pending_username = NULL,
          role = CASE WHEN ${r.grantAdmin}::boolean THEN ${ADMIN_ROLE} ELSE u.role END, updated_at = ${now}
      FROM attempt a WHERE u.id = a.user_id AND a.ok
      RETURNING u.id
    ), revoked AS (
      UPDATE sessions SET revoked_at = ${now}
      WHERE user_id IN (SELECT id FROM changed) AND revoked_at IS NULL
      RETURNING id
    ), voided AS (
      -- A pending verification code would otherwise still activate the account for its holder.
      DELETE FROM one_time_codes WHERE user_id IN (SELECT id FROM changed) AND purpose = 'verify_email'
    ), tickets AS (${dropMfaTicketsSql(sql`SELECT id FROM changed`)}
    ), forgotten AS (${forgetAllFailuresSql(sql`(SELECT id::text FROM changed)`)})
    SELECT (SELECT count(*) FROM changed)::int AS changed, ${codeOutcomeColumns}`);
  const row = result.rows[0]!;
  return resetOutcome.decode(row).changed > 0 ? { kind: "reset" } : codeFailure(codeOutcome.decode(row), attempt);
}

/**
 * Sets a new password, revokes every other session of the user and drops their two-factor tickets, in
 * one statement, if the caller's session is still live. False otherwise.
 */
export async function changePassword(
  db: Database,
  c: { userId: string; sessionId: string; passwordHash: string; now: Date },
): Promise<boolean> {
  const now = sql`${c.now}::timestamptz`;
  const result = await db.execute(sql`
    WITH changed AS (
      UPDATE users SET password_hash = ${c.passwordHash}, updated_at = ${now}
      WHERE id = ${c.userId}::uuid AND ${sessionIsLive(c.userId, c.sessionId, c.now)}
      RETURNING id
    ), revoked AS (
      UPDATE sessions SET revoked_at = ${now}
      WHERE user_id IN (SELECT id FROM changed) AND id <> ${c.sessionId}::uuid AND revoked_at IS NULL
      RETURNING id
    ), tickets AS (${dropMfaTicketsSql(sql`SELECT id FROM changed`)})
    SELECT count(*)::int AS changed FROM changed`);
  return resetOutcome.decode(result.rows[0]!).changed > 0;
}

const emailChangeRequest = computedColumns({ caller_live: "boolean", taken: "boolean", issued: "boolean" });

export type EmailChangeRequest = { kind: "issued"; taken: boolean } | { kind: "too_soon" } | { kind: "signed_out" };

/**
 * Issues a change-email code carrying the new address, at most one per interval, whether or not another
 * account has the address: the caller sees the same either way, and only the mail differs (the service
 * sends a code only to a free address). A taken address fails at confirmation on the unique index anyway.
 */
export async function issueEmailChangeCode(
  db: Database,
  r: CodeIssue & { userId: string; sessionId: string; newEmail: string },
): Promise<EmailChangeRequest> {
  const result = await db.execute(sql`
    WITH caller AS (SELECT 1 WHERE ${sessionIsLive(r.userId, r.sessionId, r.now)}),
    issued AS (${issueCodeSql({
      purpose: "change_email",
      source: sql`SELECT ${r.userId}::uuid AS user_id, ${r.newEmail}::text AS new_email WHERE EXISTS (SELECT 1 FROM caller)`,
      codeHash: r.codeHash,
      now: r.now,
      expiresAt: r.codeExpiresAt,
      minIntervalSeconds: r.minIntervalSeconds,
    })})
    SELECT EXISTS (SELECT 1 FROM caller) AS caller_live, EXISTS (SELECT 1 FROM users WHERE email = ${r.newEmail}) AS taken,
           EXISTS (SELECT 1 FROM issued) AS issued`);
  const row = emailChangeRequest.decode(result.rows[0]!);
  if (!row.caller_live) return { kind: "signed_out" };
  return row.issued ? { kind: "issued", taken: row.taken } : { kind: "too_soon" };
}

const emailChange = computedColumns({ caller_live: "boolean", previous_email: "text" });

export type EmailChangeOutcome = { kind: "changed"; user: UserRecord; previousEmail: string } | CodeFailure | { kind: "signed_out" };

/**
 * One statement: consume the change-email code and switch the address (unique index decides a race).
 * The code proves the new mailbox, so ADMIN_EMAILS applies to it.
 */
export async function confirmEmailChange(
  db: Database,
  c: { userId: string; sessionId: string; codeHash: string; now: Date; maxAttempts: number; budget: GuessBudget; adminEmails: string[] },
): Promise<EmailChangeOutcome> {
  const live = sessionIsLive(c.userId, c.sessionId, c.now);
  const attempt = { purpose: "change_email" as const, userId: sql`${c.userId}::uuid`, codeHash: c.codeHash, now: c.now, maxAttempts: c.maxAttempts, budget: c.budget, guard: live };
  const result = await db.execute(sql`
    WITH before AS (SELECT email FROM users WHERE id = ${c.userId}::uuid),
    ${codeAttemptCtes(attempt)},
    changed AS (
      UPDATE users u SET email = a.new_email, email_verified_at = ${c.now}::timestamptz, updated_at = ${c.now}::timestamptz,
        role = CASE WHEN a.new_email IN (SELECT jsonb_array_elements_text(${JSON.stringify(c.adminEmails)}::jsonb)) THEN ${ADMIN_ROLE} ELSE u.role END
      FROM attempt a WHERE u.id = a.user_id AND a.ok
      RETURNING u.*
    )
    SELECT ${userRecord.sql("ch")}, (SELECT email FROM before) AS previous_email, ${live} AS caller_live, ${codeOutcomeColumns}
    FROM (SELECT 1) AS one LEFT JOIN changed ch ON true`);
  const row = result.rows[0]!;
  const { caller_live, previous_email } = emailChange.decode(row);
  if (!caller_live) return { kind: "signed_out" };
  const user = userRecord.decodeJoined(row);
  if (user) return { kind: "changed", user, previousEmail: previous_email };
  return codeFailure(codeOutcome.decode(row), attempt);
}
