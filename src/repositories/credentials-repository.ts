import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { codeAttemptCtes, codeFailure, codeStateColumns, issueCodeSql, type CodeFailure } from "./code-sql";
import { sessionIsLive } from "./session-sql";
import { toUserRecord, userColumns, type UserRecord } from "./user-record";

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
      source: sql`SELECT id AS user_id, NULL::text AS password_hash, NULL::text AS new_email FROM users WHERE email = ${r.email}`,
      codeHash: r.codeHash,
      now: r.now,
      expiresAt: r.codeExpiresAt,
      minIntervalSeconds: r.minIntervalSeconds,
    }),
  );
  return result.rows.length > 0;
}

export type ResetOutcome = { kind: "reset" } | { kind: CodeFailure };

/**
 * One statement: consume the reset code, set the new password (the code proves the mailbox, so the
 * address counts as verified), clear the lockout and revoke every session.
 */
export async function resetPasswordWithCode(
  db: Database,
  r: { email: string; codeHash: string; passwordHash: string; now: Date; maxAttempts: number },
): Promise<ResetOutcome> {
  const now = sql`${r.now}::timestamptz`;
  const result = await db.execute(sql`
    WITH ${codeAttemptCtes({ purpose: "reset_password", userId: sql`(SELECT id FROM users WHERE email = ${r.email})`, codeHash: r.codeHash, now: r.now, maxAttempts: r.maxAttempts })},
    changed AS (
      UPDATE users u
      SET password_hash = ${r.passwordHash}, email_verified_at = COALESCE(u.email_verified_at, ${now}),
          failed_login_count = 0, locked_until = NULL, updated_at = ${now}
      FROM attempt a WHERE u.id = a.user_id AND a.ok
      RETURNING u.id
    ), revoked AS (
      UPDATE sessions SET revoked_at = ${now}
      WHERE user_id IN (SELECT id FROM changed) AND revoked_at IS NULL
      RETURNING id
    ), voided AS (
      -- A pending verification code would otherwise still activate the registration's old password.
      DELETE FROM one_time_codes WHERE user_id IN (SELECT id FROM changed) AND purpose = 'verify_email'
    )
    SELECT (SELECT count(*) FROM changed)::int AS changed, ${codeStateColumns}
    FROM (SELECT 1) AS one LEFT JOIN code_before cb ON true`);
  const row = result.rows[0]!;
  return Number(row.changed) > 0 ? { kind: "reset" } : { kind: codeFailure(row, r.now, r.maxAttempts) };
}

/**
 * Sets a new password and revokes every other session of the user, in one statement, if the
 * caller's session is still live. False otherwise.
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
    )
    SELECT count(*)::int AS changed FROM changed`);
  return Number(result.rows[0]!.changed) > 0;
}

export type EmailChangeRequest = { kind: "issued" } | { kind: "too_soon" } | { kind: "taken" } | { kind: "signed_out" };

/** Issues a change-email code carrying the new address, unless the address is taken or one was sent in the interval. */
export async function issueEmailChangeCode(
  db: Database,
  r: CodeIssue & { userId: string; sessionId: string; newEmail: string },
): Promise<EmailChangeRequest> {
  const result = await db.execute(sql`
    WITH caller AS (SELECT 1 WHERE ${sessionIsLive(r.userId, r.sessionId, r.now)}),
    taken AS (SELECT 1 FROM users WHERE email = ${r.newEmail}),
    issued AS (${issueCodeSql({
      purpose: "change_email",
      source: sql`SELECT ${r.userId}::uuid AS user_id, NULL::text AS password_hash, ${r.newEmail}::text AS new_email
                  WHERE EXISTS (SELECT 1 FROM caller) AND NOT EXISTS (SELECT 1 FROM taken)`,
      codeHash: r.codeHash,
      now: r.now,
      expiresAt: r.codeExpiresAt,
      minIntervalSeconds: r.minIntervalSeconds,
    })})
    SELECT EXISTS (SELECT 1 FROM caller) AS caller_live, EXISTS (SELECT 1 FROM taken) AS taken,
           EXISTS (SELECT 1 FROM issued) AS issued`);
  const row = result.rows[0]!;
  if (!row.caller_live) return { kind: "signed_out" };
  if (row.taken) return { kind: "taken" };
  return row.issued ? { kind: "issued" } : { kind: "too_soon" };
}

export type EmailChangeOutcome = { kind: "changed"; user: UserRecord; previousEmail: string } | { kind: CodeFailure } | { kind: "signed_out" };

/** One statement: consume the change-email code and switch the address (unique index decides a race). */
export async function confirmEmailChange(
  db: Database,
  c: { userId: string; sessionId: string; codeHash: string; now: Date; maxAttempts: number },
): Promise<EmailChangeOutcome> {
  const live = sessionIsLive(c.userId, c.sessionId, c.now);
  const result = await db.execute(sql`
    WITH before AS (SELECT email FROM users WHERE id = ${c.userId}::uuid),
    ${codeAttemptCtes({ purpose: "change_email", userId: sql`${c.userId}::uuid`, codeHash: c.codeHash, now: c.now, maxAttempts: c.maxAttempts, guard: live })},
    changed AS (
      UPDATE users u SET email = a.new_email, email_verified_at = ${c.now}::timestamptz, updated_at = ${c.now}::timestamptz
      FROM attempt a WHERE u.id = a.user_id AND a.ok
      RETURNING u.*
    )
    SELECT ${userColumns("ch")}, (SELECT email FROM before) AS previous_email, ${live} AS caller_live, ${codeStateColumns}
    FROM (SELECT 1) AS one LEFT JOIN changed ch ON true LEFT JOIN code_before cb ON true`);
  const row = result.rows[0]!;
  if (!row.caller_live) return { kind: "signed_out" };
  if (row.id) return { kind: "changed", user: toUserRecord(row), previousEmail: String(row.previous_email) };
  return { kind: codeFailure(row, c.now, c.maxAttempts) };
}
