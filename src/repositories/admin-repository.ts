import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import type { ProfileChanges } from "./user-repository";
import { adminsCte, leavesAnAdmin } from "./admin-sql";
import { sessionIsLive } from "./session-sql";
import { ADMIN_ROLE, isRole, type Role } from "../domain/roles";
import { computedColumns, type RawRow } from "../db/rows";
import { userRecord, type UserRecord } from "./user-record";

export interface Viewer {
  userId: string;
  sessionId: string;
  now: Date;
}

/** `caller`: the viewer's role, present only while their session is live. Read in the same statement as the work. */
const callerCte = (v: Viewer) => sql`caller AS (SELECT role FROM users WHERE id = ${v.userId}::uuid AND ${sessionIsLive(v.userId, v.sessionId, v.now)})`;
const callerIsAdmin = sql`EXISTS (SELECT 1 FROM caller WHERE role = ${ADMIN_ROLE})`;

export type CallerRole = Role | null;

// The caller's role while their session is live, NULL once it is over.
const callerState = computedColumns({ caller_role: "text?" });
const callerRoleOf = (row: RawRow): CallerRole => {
  const role = callerState.decode(row).caller_role;
  return isRole(role) ? role : null;
};

/**
 * Where a page ends. The list runs in the stable (created_at, id) order: `value` is created_at as Postgres
 * prints it, which keeps the microseconds a JavaScript Date would drop. A search runs in the order of the
 * text that matched (see searchStream): `value` is that text.
 */
export interface PageKey {
  value: string;
  id: string;
}

const pageKey = computedColumns({ page_value: "text" });

const likePrefix = (q: string) => `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// What a search matches, each with its index (db/schema.ts), compared byte by byte.
const SEARCHED = [sql`u.email COLLATE "C"`, sql`lower(u.username) COLLATE "C"`, sql`lower(u.full_name) COLLATE "C"`];

/**
 * The accounts whose `SEARCHED[i]` matches and is the first text of theirs that does (in the order, then
 * the list's), in that text's order from its index, at most `limit`. Each account is in exactly one stream,
 * so the three merged in (text, id) order page through every match once, reading about a page of rows
 * whether ten accounts match or a hundred thousand.
 */
function searchStream(i: number, pattern: string, after: PageKey | null, limit: number): SQL {
  const text = SEARCHED[i]!;
  const matchedEarlier = SEARCHED.flatMap((other, j) =>
    j === i ? [] : [sql`coalesce(${other} LIKE ${pattern} AND ${other} ${j < i ? sql`<=` : sql`<`} ${text}, false)`],
  );
  return sql`(SELECT ${userRecord.sql("u")}, ${text} AS page_value FROM users u
    WHERE ${callerIsAdmin} AND ${text} LIKE ${pattern} AND NOT (${sql.join(matchedEarlier, sql` OR `)})
      ${after ? sql`AND (${text}, u.id) > (${after.value}, ${after.id}::uuid)` : sql``}
    ORDER BY ${text}, u.id LIMIT ${limit}::int)`;
}

export async function listUsersPage(
  db: Database,
  v: Viewer & { limit: number; after: PageKey | null; q: string | null },
): Promise<{ callerRole: CallerRole; users: UserRecord[]; next: PageKey | null }> {
  const fetched = v.limit + 1;
  let page: SQL;
  if (v.q) {
    const pattern = likePrefix(v.q);
    const streams = SEARCHED.map((_, i) => searchStream(i, pattern, v.after, fetched));
    page = sql`SELECT * FROM (${sql.join(streams, sql` UNION ALL `)}) AS matched ORDER BY page_value, id LIMIT ${fetched}::int`;
  } else {
    page = sql`SELECT ${userRecord.sql("u")}, u.created_at::text AS page_value FROM users u
      WHERE ${callerIsAdmin} ${v.after ? sql`AND (u.created_at, u.id) > (${v.after.value}::timestamptz, ${v.after.id}::uuid)` : sql``}
      ORDER BY u.created_at, u.id LIMIT ${fetched}::int`;
  }
  const result = await db.execute(sql`
    WITH ${callerCte(v)}
    SELECT (SELECT role FROM caller) AS caller_role, page.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (${page}) AS page ON true`);
  const rows = result.rows.flatMap((row) => {
    const user = userRecord.decodeJoined(row);
    return user ? [{ user, key: { value: pageKey.decode(row).page_value, id: user.id } }] : [];
  });
  const last = rows.length > v.limit ? rows[v.limit - 1]! : null;
  return { callerRole: callerRoleOf(result.rows[0]!), users: rows.slice(0, v.limit).map((r) => r.user), next: last?.key ?? null };
}

/** A user the viewer may see: themselves, or anyone when they are an admin. */
export async function findVisibleUser(db: Database, v: Viewer & { targetId: string }): Promise<{ callerRole: CallerRole; user: UserRecord | null }> {
  const result = await db.execute(sql`
    WITH ${callerCte(v)}
    SELECT (SELECT role FROM caller) AS caller_role, ${userRecord.sql("t")}
    FROM (SELECT 1) AS one
    LEFT JOIN users t ON t.id = ${v.targetId}::uuid AND EXISTS (SELECT 1 FROM caller) AND (t.id = ${v.userId}::uuid OR ${callerIsAdmin})`);
  const row = result.rows[0]!;
  return { callerRole: callerRoleOf(row), user: userRecord.decodeJoined(row) };
}

const targetState = computedColumns({ visible: "boolean" });

export type ViewerUpdate =
  | { kind: "updated"; user: UserRecord }
  | { kind: "signed_out" }
  | { kind: "not_found" }
  | { kind: "forbidden" }
  | { kind: "last_admin" };

/**
 * Profile fields for self or admin; `role` only by an admin, never demoting the last one. A changed role
 * revokes every session of the user, so no token still carrying the old role can be refreshed. One statement.
 */
export async function updateVisibleUser(
  db: Database,
  v: Viewer & { targetId: string; changes: ProfileChanges & { role?: Role } },
): Promise<ViewerUpdate> {
  const { changes } = v;
  const sets = [sql`updated_at = ${v.now}::timestamptz`];
  if (changes.fullName !== undefined) sets.push(sql`full_name = ${changes.fullName}`);
  if (changes.username !== undefined) sets.push(sql`username = ${changes.username}`);
  if (changes.role !== undefined) sets.push(sql`role = ${changes.role}`);
  const demoting = changes.role === "user";
  const result = await db.execute(sql`
    WITH ${callerCte(v)},
    target AS (
      SELECT t.id, t.role AS old_role FROM users t
      WHERE t.id = ${v.targetId}::uuid AND EXISTS (SELECT 1 FROM caller) AND (t.id = ${v.userId}::uuid OR ${callerIsAdmin})
    )${demoting ? sql`, ${adminsCte}` : sql``},
    updated AS (
      UPDATE users u SET ${sql.join(sets, sql`, `)}
      FROM target WHERE u.id = target.id
        ${changes.role !== undefined ? sql`AND ${callerIsAdmin}` : sql``}
        ${demoting ? sql`AND ${leavesAnAdmin("u")}` : sql``}
      RETURNING u.*, target.old_role
    ), revoked AS (
      UPDATE sessions s SET revoked_at = ${v.now}::timestamptz
      WHERE s.user_id IN (SELECT id FROM updated WHERE role <> old_role) AND s.revoked_at IS NULL
    )
    SELECT (SELECT role FROM caller) AS caller_role, EXISTS (SELECT 1 FROM target) AS visible, ${userRecord.sql("up")}
    FROM (SELECT 1) AS one LEFT JOIN updated up ON true`);
  const row = result.rows[0]!;
  const callerRole = callerRoleOf(row);
  if (!callerRole) return { kind: "signed_out" };
  if (!targetState.decode(row).visible) return { kind: "not_found" };
  const user = userRecord.decodeJoined(row);
  if (user) return { kind: "updated", user };
  return changes.role !== undefined && callerRole !== ADMIN_ROLE ? { kind: "forbidden" } : { kind: "last_admin" };
}

const deletion = computedColumns({ deleted: "boolean", existed: "boolean" });

export type AdminDelete = { kind: "deleted" } | { kind: "signed_out" } | { kind: "forbidden" } | { kind: "not_found" } | { kind: "last_admin" };

/** An admin deletes a user (sessions and codes cascade), never the last admin. One statement. */
export async function deleteUserAsAdmin(db: Database, v: Viewer & { targetId: string }): Promise<AdminDelete> {
  const result = await db.execute(sql`
    WITH ${callerCte(v)}, ${adminsCte},
    deleted AS (
      DELETE FROM users u WHERE u.id = ${v.targetId}::uuid AND ${callerIsAdmin}
        AND ${leavesAnAdmin("u")}
      RETURNING u.id
    )
    SELECT (SELECT role FROM caller) AS caller_role, EXISTS (SELECT 1 FROM deleted) AS deleted,
           EXISTS (SELECT 1 FROM users WHERE id = ${v.targetId}::uuid) AS existed`);
  const row = result.rows[0]!;
  const callerRole = callerRoleOf(row);
  if (!callerRole) return { kind: "signed_out" };
  if (callerRole !== ADMIN_ROLE) return { kind: "forbidden" };
  const { deleted, existed } = deletion.decode(row);
  if (deleted) return { kind: "deleted" };
  return existed ? { kind: "last_admin" } : { kind: "not_found" };
}
