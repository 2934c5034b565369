import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { insertSessionFromCte, type NewSession } from "./session-sql";
import { toDateOrNull, toUserRecord, userColumns, type Role, type UserRecord } from "./user-record";

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
    ), code AS (
      INSERT INTO one_time_codes (user_id, purpose, code_hash, password_hash, attempts, created_at, expires_at)
      SELECT id, 'verify_email', ${a.codeHash}, ${a.passwordHash}, 0, ${a.now}::timestamptz, ${a.codeExpiresAt}::timestamptz
      FROM account
      ON CONFLICT (user_id, purpose) DO UPDATE
        SET code_hash = excluded.code_hash, password_hash = excluded.password_hash, attempts = 0,
            created_at = excluded.created_at, expires_at = excluded.expires_at, consumed_at = NULL
      RETURNING user_id
    )
    SELECT count(*)::int AS issued FROM code`);
  return Number(result.rows[0]?.issued) > 0 ? { kind: "code_issued" } : { kind: "already_verified" };
}

export type VerifyOutcome =
  | { kind: "verified"; user: UserRecord }
  | { kind: "invalid" }
  | { kind: "expired" }
  | { kind: "exhausted" };

/**
 * One statement: count the attempt, consume the code if it matches, mark the user verified with the
 * password the code was issued for, and open a session. The guard (unconsumed, under the attempt cap,
 * unexpired) is re-checked by Postgres on the locked row, so racing submissions can neither exceed
 * the cap nor both succeed.
 */
export async function consumeVerificationCode(
  db: Database,
  v: { email: string; codeHash: string; maxAttempts: number; grantAdmin: boolean; now: Date; session: NewSession },
): Promise<VerifyOutcome> {
  const result = await db.execute(sql`
    WITH current AS (
      SELECT c.attempts, c.expires_at, c.consumed_at
      FROM one_time_codes c JOIN users u ON u.id = c.user_id
      WHERE u.email = ${v.email} AND c.purpose = 'verify_email'
    ), attempt AS (
      UPDATE one_time_codes c
      SET attempts = c.attempts + 1,
          consumed_at = CASE WHEN c.code_hash = ${v.codeHash} THEN ${v.now}::timestamptz END
      FROM users u
      WHERE u.email = ${v.email} AND c.user_id = u.id AND c.purpose = 'verify_email'
        AND c.consumed_at IS NULL AND c.attempts < ${v.maxAttempts}::int AND c.expires_at > ${v.now}::timestamptz
      RETURNING c.user_id, c.password_hash, c.consumed_at IS NOT NULL AS ok
    ), verified AS (
      UPDATE users u
      SET email_verified_at = COALESCE(u.email_verified_at, ${v.now}::timestamptz),
          password_hash = a.password_hash,
          role = CASE WHEN ${v.grantAdmin}::boolean THEN 'admin' ELSE u.role END,
          failed_login_count = 0, locked_until = NULL, updated_at = ${v.now}::timestamptz
      FROM attempt a
      WHERE u.id = a.user_id AND a.ok
      RETURNING u.*
    ), session AS (${insertSessionFromCte("verified", v.session)})
    SELECT ${userColumns("v")},
           cur.attempts, cur.expires_at AS code_expires_at, cur.consumed_at AS code_consumed_at
    FROM (SELECT 1) AS one
    LEFT JOIN verified v ON true
    LEFT JOIN current cur ON true`);
  const row = result.rows[0]!;
  if (row.id) return { kind: "verified", user: toUserRecord(row) };
  if (row.attempts === null || row.attempts === undefined || row.code_consumed_at !== null) return { kind: "invalid" };
  if (toDateOrNull(row.code_expires_at)! <= v.now) return { kind: "expired" };
  if (Number(row.attempts) >= v.maxAttempts) return { kind: "exhausted" };
  return { kind: "invalid" };
}

/**
 * Resend: a fresh code (voiding the old one) for an unverified account, at most one a minute.
 * Returns false when nothing was issued (unknown, verified, or too soon), which callers must not reveal.
 */
export async function reissueVerificationCode(
  db: Database,
  r: { email: string; codeHash: string; now: Date; codeExpiresAt: Date; minIntervalSeconds: number },
): Promise<boolean> {
  const result = await db.execute(sql`
    INSERT INTO one_time_codes (user_id, purpose, code_hash, password_hash, attempts, created_at, expires_at)
    SELECT id, 'verify_email', ${r.codeHash}, password_hash, 0, ${r.now}::timestamptz, ${r.codeExpiresAt}::timestamptz
    FROM users WHERE email = ${r.email} AND email_verified_at IS NULL
    ON CONFLICT (user_id, purpose) DO UPDATE
      SET code_hash = excluded.code_hash, password_hash = excluded.password_hash, attempts = 0,
          created_at = excluded.created_at, expires_at = excluded.expires_at, consumed_at = NULL
      WHERE one_time_codes.created_at <= ${r.now}::timestamptz - make_interval(secs => ${r.minIntervalSeconds}::int)
    RETURNING user_id`);
  return result.rows.length > 0;
}
