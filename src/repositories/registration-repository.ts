import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { insertSessionFromCte, type NewSession } from "./session-sql";
import { codeAttemptCtes, codeFailure, codeStateColumns, issueCodeSql, type CodeFailure } from "./code-sql";
import { toUserRecord, userColumns, type Role, type UserRecord } from "./user-record";

export interface NewAccount {
  email: string;
  passwordHash: string;
  fullName: string | null;
  username: string | null;
  now: Date;
}

/** Verification off: one INSERT; a duplicate email or username fails on its unique index. */
export async function insertVerifiedUser(db: Database, a: NewAccount & { role: Role }): Promise<UserRecord> {
  const result = await db.execute(sql`
    INSERT INTO users (email, password_hash, full_name, username, role, email_verified_at, created_at, updated_at)
    VALUES (${a.email}, ${a.passwordHash}, ${a.fullName}, ${a.username}, ${a.role}, ${a.now}::timestamptz,
            ${a.now}::timestamptz, ${a.now}::timestamptz)
    RETURNING ${userColumns()}`);
  return toUserRecord(result.rows[0]!);
}

export type PendingOutcome = { kind: "code_issued" } | { kind: "already_verified" };

/**
 * Verification on, one statement: create the user, or refresh an unverified one, and issue its
 * verification code carrying *this* registration's password hash. A verified account is left untouched.
 * Concurrent registrations of one address meet at the unique index, so exactly one row ever exists.
 * Always a fresh code (no interval): the newest registration's code must be the only live one.
 */
export async function upsertPendingRegistration(
  db: Database,
  a: NewAccount & { codeHash: string; codeExpiresAt: Date },
): Promise<PendingOutcome> {
  const result = await db.execute(sql`
    WITH account AS (
      INSERT INTO users (email, password_hash, full_name, username, created_at, updated_at)
      VALUES (${a.email}, ${a.passwordHash}, ${a.fullName}, ${a.username}, ${a.now}::timestamptz, ${a.now}::timestamptz)
      ON CONFLICT (email) DO UPDATE
        SET password_hash = excluded.password_hash, full_name = excluded.full_name,
            username = excluded.username, updated_at = excluded.updated_at
        WHERE users.email_verified_at IS NULL
      RETURNING id
    ), code AS (${issueCodeSql({
      purpose: "verify_email",
      source: sql`SELECT id AS user_id, ${a.passwordHash}::text AS password_hash, NULL::text AS new_email FROM account`,
      codeHash: a.codeHash,
      now: a.now,
      expiresAt: a.codeExpiresAt,
      minIntervalSeconds: 0,
    })})
    SELECT count(*)::int AS issued FROM code`);
  return Number(result.rows[0]?.issued) > 0 ? { kind: "code_issued" } : { kind: "already_verified" };
}

export type VerifyOutcome = { kind: "verified"; user: UserRecord } | { kind: CodeFailure };

const userByEmail = (email: string) => sql`(SELECT id FROM users WHERE email = ${email})`;

/**
 * One statement: count the attempt, consume the code if it matches, mark the user verified with the
 * password the code was issued for, grant admin if listed, and open a session.
 */
export async function consumeVerificationCode(
  db: Database,
  v: { email: string; codeHash: string; maxAttempts: number; grantAdmin: boolean; now: Date; session: NewSession },
): Promise<VerifyOutcome> {
  const result = await db.execute(sql`
    WITH ${codeAttemptCtes({ purpose: "verify_email", userId: userByEmail(v.email), codeHash: v.codeHash, now: v.now, maxAttempts: v.maxAttempts })},
    verified AS (
      UPDATE users u
      SET email_verified_at = COALESCE(u.email_verified_at, ${v.now}::timestamptz),
          password_hash = a.password_hash,
          role = CASE WHEN ${v.grantAdmin}::boolean THEN 'admin' ELSE u.role END,
          failed_login_count = 0, locked_until = NULL, updated_at = ${v.now}::timestamptz
      FROM attempt a
      WHERE u.id = a.user_id AND a.ok
      RETURNING u.*
    ), session AS (${insertSessionFromCte("verified", v.session)})
    SELECT ${userColumns("v")}, ${codeStateColumns}
    FROM (SELECT 1) AS one
    LEFT JOIN verified v ON true
    LEFT JOIN code_before cb ON true`);
  const row = result.rows[0]!;
  if (row.id) return { kind: "verified", user: toUserRecord(row) };
  return { kind: codeFailure(row, v.now, v.maxAttempts) };
}

/**
 * Resend: a fresh code (voiding the old one) for an unverified account, at most one a minute.
 * Returns false when nothing was issued (unknown, verified, or too soon), which callers must not reveal.
 */
export async function reissueVerificationCode(
  db: Database,
  r: { email: string; codeHash: string; now: Date; codeExpiresAt: Date; minIntervalSeconds: number },
): Promise<boolean> {
  const result = await db.execute(
    issueCodeSql({
      purpose: "verify_email",
      source: sql`SELECT id AS user_id, password_hash, NULL::text AS new_email FROM users WHERE email = ${r.email} AND email_verified_at IS NULL`,
      codeHash: r.codeHash,
      now: r.now,
      expiresAt: r.codeExpiresAt,
      minIntervalSeconds: r.minIntervalSeconds,
    }),
  );
  return result.rows.length > 0;
}
