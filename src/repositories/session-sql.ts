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
}

/**
 * `INSERT INTO sessions ... SELECT ... FROM <source>`: creates the session only if the CTE named
 * `source` produced the user row, so a login or verification that lost a race creates nothing.
 */
export const insertSessionFromCte = (source: string, s: NewSession): SQL => sql`
  INSERT INTO sessions (id, user_id, refresh_hash, user_agent, ip, created_at, last_used_at, expires_at, absolute_expires_at)
  SELECT ${s.id}::uuid, id, ${s.refreshHash}, ${s.userAgent}, ${s.ip}, ${s.createdAt}::timestamptz, ${s.createdAt}::timestamptz,
         ${s.expiresAt}::timestamptz, ${s.absoluteExpiresAt}::timestamptz
  FROM ${sql.raw(source)}
  RETURNING id`;

/** The one definition of a live session: neither revoked nor past either of its expiries (`s` is the sessions row). */
export const liveSession = (now: SqlParam<Date>): SQL =>
  sql`s.revoked_at IS NULL AND s.expires_at > ${now}::timestamptz AND s.absolute_expires_at > ${now}::timestamptz`;

/**
 * True while the session behind an access token is alive. Every authenticated statement includes it,
 * so revocation takes effect at once without an extra round trip.
 */
export const sessionIsLive = (userId: SqlParam<string>, sessionId: SqlParam<string>, now: SqlParam<Date>): SQL => sql`EXISTS (
  SELECT 1 FROM sessions s WHERE s.id = ${sessionId}::uuid AND s.user_id = ${userId}::uuid AND ${liveSession(now)})`;
