import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { sessionColumns } from "../db/columns";
import { preparedStatement } from "../db/prepared";
import { computedColumns, tableColumns } from "../db/rows";
import type { sessions } from "../db/schema";
import { liveSession as live, sessionIsLive } from "./session-sql";
import { userRecord, type UserRecord } from "./user-record";

/** A session as the sessions list shows it (always read as `s`). */
const sessionRecord = tableColumns<typeof sessions>()(sessionColumns, ["id", "userAgent", "ip", "createdAt", "lastUsedAt", "expiresAt"]);
export type SessionRecord = ReturnType<typeof sessionRecord.decode>;

export type RotationOutcome =
  | { kind: "rotated"; user: UserRecord; expiresAt: Date; amr: string[] }
  | { kind: "reused" }
  | { kind: "invalid" };

export interface Rotation {
  sessionId: string;
  presentedHash: string;
  successorHash: string;
  now: Date;
  refreshTtl: number;
  reuseWindow: number;
}

const rotationNow = sql`${sql.placeholder("now")}::timestamptz`;
const presentedIsCurrent = sql`s.refresh_hash = ${sql.placeholder("presentedHash")}`;
const presentedIsRecentParent = sql`s.previous_refresh_hash = ${sql.placeholder("presentedHash")}
  AND s.rotated_at > ${rotationNow} - make_interval(secs => ${sql.placeholder("reuseWindow")}::int)`;
const rotation = preparedStatement<Rotation>(sql`
    WITH touched AS (
      UPDATE sessions s SET
        previous_refresh_hash = CASE WHEN ${presentedIsCurrent} THEN s.refresh_hash ELSE s.previous_refresh_hash END,
        rotated_at = CASE WHEN ${presentedIsCurrent} THEN ${rotationNow} ELSE s.rotated_at END,
        refresh_hash = CASE WHEN ${presentedIsCurrent} THEN ${sql.placeholder("successorHash")} ELSE s.refresh_hash END,
        revoked_at = CASE WHEN ${presentedIsCurrent} OR ${presentedIsRecentParent} THEN NULL ELSE ${rotationNow} END,
        last_used_at = ${rotationNow},
        expires_at = LEAST(${rotationNow} + make_interval(secs => ${sql.placeholder("refreshTtl")}::int), s.absolute_expires_at)
      WHERE s.id = ${sql.placeholder("sessionId")}::uuid AND ${live(sql.placeholder("now"))}
      RETURNING s.user_id, s.expires_at, s.amr, s.revoked_at IS NOT NULL AS reused, s.refresh_hash = ${sql.placeholder("successorHash")} AS has_successor
    )
    SELECT t.reused, t.has_successor, t.expires_at AS session_expires_at, array_to_string(t.amr, ',') AS session_amr, ${userRecord.sql("u")}
    FROM touched t JOIN users u ON u.id = t.user_id`);

/**
 * One statement, safe under any number of concurrent calls with the same token. The presented token is
 * authentic (the caller checked its tag), so it is this session's current token or a superseded one:
 * - current: rotate (current becomes previous, the successor's hash current);
 * - the current token's parent, replaced less than the reuse window ago: leave it, the caller answers
 *   with the same (derived) successor (two tabs refreshing at once);
 * - any other superseded generation, or the parent after the window: reuse, the session is revoked.
 * Racing callers queue on the row lock; Postgres re-checks the WHERE on the row the winner wrote, so
 * the losers see "parent, inside the window" and get the winner's successor instead of a second child.
 */
const rotationState = computedColumns({ reused: "boolean", has_successor: "boolean", session_expires_at: "timestamp", session_amr: "text" });

export async function rotateRefreshToken(db: Database, r: Rotation): Promise<RotationOutcome> {
  const result = await rotation(db, r);
  const row = result.rows[0];
  if (!row) return { kind: "invalid" };
  const { reused, has_successor, session_expires_at, session_amr } = rotationState.decode(row);
  if (reused) return { kind: "reused" };
  if (!has_successor) return { kind: "invalid" };
  const amr = session_amr.split(",").filter(Boolean);
  return { kind: "rotated", user: userRecord.decode(row), expiresAt: session_expires_at, amr };
}

/** Revokes the caller's own session. False when it was already over (the token is then dead too). */
export async function revokeSession(db: Database, p: { userId: string; sessionId: string; now: Date }): Promise<boolean> {
  const result = await db.execute(sql`
    UPDATE sessions s SET revoked_at = ${p.now}::timestamptz
    WHERE s.id = ${p.sessionId}::uuid AND s.user_id = ${p.userId}::uuid AND ${live(p.now)}
    RETURNING s.id`);
  return result.rows.length > 0;
}

const revocation = computedColumns({ caller_live: "integer", revoked: "integer" });

/**
 * Revokes the user's sessions: every one, or every one but the caller's, or just `targetId`, each
 * only if the caller's own session is still live. Returns null when it is not (the caller is signed out).
 */
export async function revokeSessions(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; scope: "all" | "others" | { targetId: string } },
): Promise<number | null> {
  const target =
    p.scope === "all"
      ? sql`true`
      : p.scope === "others"
        ? sql`s.id <> ${p.sessionId}::uuid`
        : sql`s.id = ${p.scope.targetId}::uuid`;
  const result = await db.execute(sql`
    WITH caller AS (SELECT 1 WHERE ${sessionIsLive(p.userId, p.sessionId, p.now)}),
    revoked AS (
      UPDATE sessions s SET revoked_at = ${p.now}::timestamptz
      WHERE s.user_id = ${p.userId}::uuid AND ${live(p.now)} AND ${target} AND EXISTS (SELECT 1 FROM caller)
      RETURNING s.id
    )
    SELECT (SELECT count(*) FROM caller)::int AS caller_live, (SELECT count(*) FROM revoked)::int AS revoked`);
  const row = revocation.decode(result.rows[0]!);
  return row.caller_live > 0 ? row.revoked : null;
}

/**
 * The user's live sessions, newest first. The caller's own session is always among them while it is
 * live, so an empty list means the caller is signed out: no separate liveness query is needed.
 */
export async function listLiveSessions(db: Database, p: { userId: string; sessionId: string; now: Date }): Promise<SessionRecord[]> {
  const result = await db.execute(sql`
    SELECT ${sessionRecord.sql("s")} FROM sessions s
    WHERE s.user_id = ${p.userId}::uuid AND ${live(p.now)} AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
    ORDER BY s.created_at DESC, s.id`);
  return result.rows.map(sessionRecord.decode);
}

const callerState = computedColumns({ caller_live: "boolean" });

/** One of the user's live sessions; `callerLive` false means the caller is signed out. */
export async function findLiveSession(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; targetId: string },
): Promise<{ callerLive: boolean; session: SessionRecord | null }> {
  const result = await db.execute(sql`
    SELECT ${sessionIsLive(p.userId, p.sessionId, p.now)} AS caller_live, ${sessionRecord.sql("s")}
    FROM (SELECT 1) AS one
    LEFT JOIN sessions s ON s.id = ${p.targetId}::uuid AND s.user_id = ${p.userId}::uuid AND ${live(p.now)}`);
  const row = result.rows[0]!;
  return { callerLive: callerState.decode(row).caller_live, session: sessionRecord.decodeJoined(row) };
}
