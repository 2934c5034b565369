import { sql, type SQL } from "drizzle-orm";
import type { SqlParam } from "../db/prepared";

/** A session about to be created; its id and refresh hash are made in the worker before the statement. */
export interface NewSession {
  id: string;
  refreshHash: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  /** RFC 8176 authentication methods of the sign-in, e.g. ["pwd"] or ["pwd", "otp"]. */
  amr: readonly string[];
  /** How many live sessions the user may have, this one included (MAX_SESSIONS_PER_USER). */
  maxLivePerUser: number;
}

/**
 * Two CTEs for a statement that signs someone in: `session` creates the session only if the CTE named
 * `source` produced the user row, so a login or verification that lost a race creates nothing; `capped`
 * revokes the user's oldest live sessions beyond the cap, so one account cannot grow the table without
 * bound. (Two sign-ins racing may leave one session over the cap until the next sign-in.)
 */
export const openSessionCtes = (source: string, s: NewSession): SQL => sql`
  session AS (
    INSERT INTO sessions (id, user_id, refresh_hash, user_agent, ip, created_at, last_used_at, expires_at, absolute_expires_at, amr)
    SELECT ${s.id}::uuid, id, ${s.refreshHash}, ${s.userAgent}, ${s.ip}, ${s.createdAt}::timestamptz, ${s.createdAt}::timestamptz,
           ${s.expiresAt}::timestamptz, ${s.absoluteExpiresAt}::timestamptz, ${textArray(s.amr)}::text[]
    FROM ${sql.raw(source)}
    RETURNING id
  ),
  capped AS (
    UPDATE sessions SET revoked_at = ${s.createdAt}::timestamptz
    WHERE id IN (
      SELECT s.id FROM sessions s
      WHERE s.user_id = (SELECT id FROM ${sql.raw(source)}) AND ${liveSession(s.createdAt)}
      ORDER BY s.created_at DESC, s.id DESC
      OFFSET ${s.maxLivePerUser - 1}::int
    )
  )`;

/** A Postgres array literal of plain words (method names, base64url hashes: nothing to quote). */
export const textArray = (items: readonly string[]): string => {
  if (items.some((item) => !/^[A-Za-z0-9_-]+$/.test(item))) throw new RangeError("textArray takes plain words only");
  return `{${items.join(",")}}`;
};

/** The one definition of a live session: neither revoked nor past either of its expiries (`s` is the sessions row). */
export const liveSession = (now: SqlParam<Date>): SQL =>
  sql`s.revoked_at IS NULL AND s.expires_at > ${now}::timestamptz AND s.absolute_expires_at > ${now}::timestamptz`;

/**
 * True while the session behind an access token is alive. Every authenticated statement includes it,
 * so revocation takes effect at once without an extra round trip.
 */
export const sessionIsLive = (userId: SqlParam<string>, sessionId: SqlParam<string>, now: SqlParam<Date>): SQL => sql`EXISTS (
  SELECT 1 FROM sessions s WHERE s.id = ${sessionId}::uuid AND s.user_id = ${userId}::uuid AND ${liveSession(now)})`;

/**
 * Drops the users' open two-factor tickets (sessions waiting for their second step): when a password
 * changes or an admin resets TOTP, a ticket earned before must not still finish a sign-in.
 */
export const dropMfaTicketsSql = (userIds: SQL): SQL => sql`DELETE FROM mfa_tickets WHERE user_id IN (${userIds})`;
