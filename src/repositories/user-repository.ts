import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedStatement } from "../db/prepared";
import { adminsCte, leavesAnAdmin } from "./admin-sql";
import { forgetNetworkFailuresSql, lockedUntilSql, recordFailureSql, type PasswordFailureLimits } from "./login-failure-sql";
import { openSessionCtes, sessionIsLive, type NewSession } from "./session-sql";
import { computedColumns, type RawRow } from "../db/rows";
import { userRecord, userWithPassword, type UserRecord, type UserWithPassword } from "./user-record";

export interface PasswordCheckTarget {
  /** The account, with its password hash; null when the address has none. */
  user: UserWithPassword | null;
  /** What login_failures counts this address under: the account's id, or the address's keyed hash. */
  subject: string;
  /** The later of this network's and all networks' locks, if any. */
  lockedUntil: Date | null;
  /** The account's sealed TOTP secret when TOTP is on (read by login and re-authentication). */
  totpSecret?: string | null;
}

const lockState = computedColumns({ subject: "text", locked_until: "timestamp?" });
const totpState = computedColumns({ totp_secret: "text?" });

const toPasswordCheckTarget = (row: RawRow): PasswordCheckTarget => {
  const { subject, locked_until } = lockState.decode(row);
  return { user: userWithPassword.decodeJoined(row), subject, lockedUntil: locked_until };
};

/** Login's read: the account (if any) and the address's locks, in one round trip. */
export async function findLoginCandidate(db: Database, c: { email: string; addressSubject: string; network: string }): Promise<PasswordCheckTarget> {
  const subject = sql`COALESCE(u.id::text, ${c.addressSubject})`;
  const result = await db.execute(sql`
    SELECT ${userWithPassword.sql("u")}, u.totp_secret, ${subject} AS subject, ${lockedUntilSql(subject, c.network)} AS locked_until
    FROM (SELECT 1) AS one LEFT JOIN users u ON u.email = ${c.email}`);
  const row = result.rows[0]!;
  return { ...toPasswordCheckTarget(row), totpSecret: totpState.decode(row).totp_secret };
}

/**
 * A successful login in one statement: store a rehashed password when the parameters changed, forget
 * this network's failures, and open the session, which only happens if the user row still exists.
 */
export async function recordSuccessfulLogin(
  db: Database,
  l: { userId: string; network: string; rehashedPassword: string | null; now: Date; session: NewSession },
): Promise<UserRecord | null> {
  const result = await db.execute(sql`
    WITH account AS (
      UPDATE users
      SET last_login_at = ${l.now}::timestamptz, password_hash = COALESCE(${l.rehashedPassword}::text, password_hash)
      WHERE id = ${l.userId}::uuid
      RETURNING ${userRecord.sql()}
    ), forgotten AS (${forgetNetworkFailuresSql(sql`${l.userId}`, l.network)}),
    ${openSessionCtes("account", l.session)}
    SELECT * FROM account`);
  const row = result.rows[0];
  return row ? userRecord.decode(row) : null;
}

/** Counts a failed password check (login or re-authentication) for the network and for all networks. */
export async function recordFailedPasswordCheck(
  db: Database,
  f: { subject: string; network: string; limits: PasswordFailureLimits; now: Date },
): Promise<void> {
  await db.execute(recordFailureSql(f.subject, f.network, f.limits, f.now));
}

export interface SessionPrincipal {
  userId: string;
  sessionId: string;
  now: Date;
}

const userBySession = preparedStatement<{ userId: string; sessionId: string; now: Date }>(sql`
  SELECT ${userRecord.sql()},
         (SELECT count(*) FROM recovery_codes r WHERE r.user_id = users.id AND r.used_at IS NULL) AS recovery_codes_left
  FROM users
  WHERE id = ${sql.placeholder("userId")}::uuid
    AND ${sessionIsLive(sql.placeholder("userId"), sql.placeholder("sessionId"), sql.placeholder("now"))}`);

const secondFactor = computedColumns({ recovery_codes_left: "integer" });

export type SelfView = UserRecord & { recoveryCodesLeft: number };

/**
 * The caller's user as they see themselves (with their second factor's state), read together with its
 * session's liveness: one round trip for an authenticated read.
 */
export async function findUserBySession(db: Database, p: SessionPrincipal): Promise<SelfView | null> {
  const result = await userBySession(db, { userId: p.userId, sessionId: p.sessionId, now: p.now });
  const row = result.rows[0];
  if (!row) return null;
  const { recovery_codes_left } = secondFactor.decode(row);
  return { ...userRecord.decode(row), recoveryCodesLeft: recovery_codes_left };
}

/** Re-authentication's read: the caller's user (while its session is live) and its locks from this network. */
export async function findReauthenticationTarget(db: Database, p: SessionPrincipal & { network: string }): Promise<PasswordCheckTarget | null> {
  const subject = sql`${p.userId}::text`;
  const result = await db.execute(sql`
    SELECT ${userWithPassword.sql()}, totp_secret, ${subject} AS subject, ${lockedUntilSql(subject, p.network)} AS locked_until FROM users
    WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}`);
  const row = result.rows[0];
  return row ? { ...toPasswordCheckTarget(row), totpSecret: totpState.decode(row).totp_secret } : null;
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
    RETURNING ${userRecord.sql()}`);
  const row = result.rows[0];
  return row ? userRecord.decode(row) : null;
}

const selfDelete = computedColumns({ caller_live: "boolean", deleted: "boolean" });

export type SelfDelete = "deleted" | "signed_out" | "last_admin";

/** Deletes the user (sessions and codes cascade) if the session that asked is still live and it is not the last admin. */
export async function deleteUserBySession(db: Database, p: SessionPrincipal): Promise<SelfDelete> {
  const result = await db.execute(sql`
    WITH caller AS (SELECT id FROM users WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}),
    ${adminsCte},
    deleted AS (DELETE FROM users u WHERE u.id IN (SELECT id FROM caller) AND ${leavesAnAdmin("u")} RETURNING u.id)
    SELECT EXISTS (SELECT 1 FROM caller) AS caller_live, EXISTS (SELECT 1 FROM deleted) AS deleted`);
  const row = selfDelete.decode(result.rows[0]!);
  return row.deleted ? "deleted" : row.caller_live ? "last_admin" : "signed_out";
}
