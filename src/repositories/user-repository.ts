import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedStatement } from "../db/prepared";
import { insertSessionFromCte, sessionIsLive, type NewSession } from "./session-sql";
import { toDateOrNull, toUserRecord, toUserWithPassword, userColumns, type UserRecord, type UserWithPassword } from "./user-record";

export interface LoginCandidate extends UserWithPassword {
  failedLoginCount: number;
  lockedUntil: Date | null;
}

export async function findLoginCandidate(db: Database, email: string): Promise<LoginCandidate | null> {
  const result = await db.execute(sql`
    SELECT ${userColumns()}, password_hash, failed_login_count, locked_until FROM users WHERE email = ${email}`);
  const row = result.rows[0];
  if (!row) return null;
  return { ...toUserWithPassword(row), failedLoginCount: Number(row.failed_login_count), lockedUntil: toDateOrNull(row.locked_until) };
}

/**
 * A successful login in one statement: reset the failure counter, store a rehashed password when the
 * parameters changed, and open the session, which only happens if the user row still exists.
 */
export async function recordSuccessfulLogin(
  db: Database,
  l: { userId: string; rehashedPassword: string | null; now: Date; session: NewSession },
): Promise<UserRecord | null> {
  const result = await db.execute(sql`
    WITH account AS (
      UPDATE users
      SET failed_login_count = 0, locked_until = NULL, last_login_at = ${l.now}::timestamptz,
          password_hash = COALESCE(${l.rehashedPassword}::text, password_hash)
      WHERE id = ${l.userId}::uuid
      RETURNING ${userColumns()}
    ), session AS (${insertSessionFromCte("account", l.session)})
    SELECT * FROM account`);
  const row = result.rows[0];
  return row ? toUserRecord(row) : null;
}

export interface LockoutPolicy {
  /** Consecutive failures that lock the account. */
  threshold: number;
  /** First lock, in seconds; each further failure doubles it, up to maxSeconds. */
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * Counts a failed password in the same statement that reads the counter, so racing failures all
 * count, and locks the account with exponential backoff once the threshold is reached.
 */
export async function recordFailedLogin(db: Database, userId: string, now: Date, policy: LockoutPolicy): Promise<{ failures: number; lockedUntil: Date | null }> {
  const result = await db.execute(sql`
    UPDATE users SET
      failed_login_count = failed_login_count + 1,
      locked_until = CASE WHEN failed_login_count + 1 >= ${policy.threshold}::int
        THEN ${now}::timestamptz + make_interval(secs => LEAST(${policy.maxSeconds}::int,
               ${policy.baseSeconds}::int * power(2, failed_login_count + 1 - ${policy.threshold}::int)))
        ELSE locked_until END
    WHERE id = ${userId}::uuid
    RETURNING failed_login_count, locked_until`);
  const row = result.rows[0];
  return { failures: Number(row?.failed_login_count ?? 0), lockedUntil: toDateOrNull(row?.locked_until) };
}

export interface SessionPrincipal {
  userId: string;
  sessionId: string;
  now: Date;
}

const userBySession = preparedStatement<{ userId: string; sessionId: string; now: Date }>(sql`
  SELECT ${userColumns()} FROM users
  WHERE id = ${sql.placeholder("userId")}::uuid
    AND ${sessionIsLive(sql.placeholder("userId"), sql.placeholder("sessionId"), sql.placeholder("now"))}`);

/** The caller's user, read together with its session's liveness: one round trip for an authenticated read. */
export async function findUserBySession(db: Database, p: SessionPrincipal): Promise<UserRecord | null> {
  const result = await userBySession(db, { userId: p.userId, sessionId: p.sessionId, now: p.now });
  const row = result.rows[0];
  return row ? toUserRecord(row) : null;
}

export async function findUserWithPasswordBySession(db: Database, p: SessionPrincipal): Promise<UserWithPassword | null> {
  const result = await db.execute(sql`
    SELECT ${userColumns()}, password_hash FROM users
    WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}`);
  const row = result.rows[0];
  return row ? toUserWithPassword(row) : null;
}

export interface ProfileChanges {
  fullName?: string | null;
  username?: string | null;
}

/** Applies only the fields present; absent means unchanged, null means cleared. */
export async function updateProfile(db: Database, p: SessionPrincipal, changes: ProfileChanges): Promise<UserRecord | null> {
  const sets = [sql`updated_at = ${p.now}::timestamptz`];
  if (changes.fullName !== undefined) sets.push(sql`full_name = ${changes.fullName}`);
  if (changes.username !== undefined) sets.push(sql`username = ${changes.username}`);
  const result = await db.execute(sql`
    UPDATE users SET ${sql.join(sets, sql`, `)}
    WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
    RETURNING ${userColumns()}`);
  const row = result.rows[0];
  return row ? toUserRecord(row) : null;
}

/** Deletes the user (sessions and codes cascade) if the session that asked is still live. */
export async function deleteUserBySession(db: Database, p: SessionPrincipal): Promise<boolean> {
  const result = await db.execute(sql`
    DELETE FROM users WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)} RETURNING id`);
  return result.rows.length > 0;
}
