import type { Deps } from "../context";
import { AppError, sessionEnded, validationError } from "../errors";
import { deleteUserAsAdmin, findVisibleUser, listUsersPage, updateVisibleUser, type PageKey } from "../repositories/admin-repository";
import { ADMIN_ROLE, type Role } from "../domain/roles";
import type { UserRecord } from "../repositories/user-record";
import type { ProfileChanges } from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { fromBase64, toBase64Url, utf8 } from "../security/encoding";
import { callerSession, conflictFor, lastAdmin } from "./caller";

const adminsOnly = () => new AppError("forbidden");
// Not 403: to anyone but the user and admins, other accounts simply do not exist.
const noSuchUser = () => new AppError("user_not_found");

// Cursors are opaque to clients: base64url of the page key, validated when read back.
const encodeCursor = (key: PageKey) => toBase64Url(utf8(JSON.stringify([key.createdAt, key.id])));

// created_at as Postgres prints it: "2026-11-22 13:01:26.237123+00".
const POSTGRES_TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?[+-](0\d|1[0-5])(?::[0-5]\d)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A real moment, not just the right shape: "2024-99-99 99:99:99+00" would make Postgres fail the query. */
function isTimestamp(text: string): boolean {
  const m = POSTGRES_TIMESTAMPTZ.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
}

function decodeCursor(cursor: string): PageKey {
  try {
    const [createdAt, id, ...rest] = JSON.parse(new TextDecoder().decode(fromBase64(cursor))) as unknown[];
    if (rest.length === 0 && typeof createdAt === "string" && isTimestamp(createdAt) && typeof id === "string" && UUID.test(id)) {
      return { createdAt, id };
    }
  } catch {
    // Falls through to the validation error.
  }
  throw validationError([{ loc: ["query", "cursor"], msg: "Not a cursor this API returned.", type: "value_error" }]);
}

export async function listUsers(
  deps: Deps,
  caller: AccessClaims,
  query: { limit: number; cursor?: string; q?: string },
): Promise<{ users: UserRecord[]; nextCursor: string | null }> {
  // The token's role first: nobody else's input reaches a query only admins may run. (A role change
  // revokes the user's sessions, so a live session's token states its role; the query checks it again.)
  if (caller.role !== ADMIN_ROLE) throw adminsOnly();
  const page = await listUsersPage(deps.db, {
    ...callerSession(deps, caller),
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor) : null,
    q: query.q || null,
  });
  if (!page.callerRole) throw sessionEnded();
  if (page.callerRole !== ADMIN_ROLE) throw adminsOnly();
  return { users: page.users, nextCursor: page.next ? encodeCursor(page.next) : null };
}

export async function getUser(deps: Deps, caller: AccessClaims, targetId: string): Promise<UserRecord> {
  const { callerRole, user } = await findVisibleUser(deps.db, { ...callerSession(deps, caller), targetId });
  if (!callerRole) throw sessionEnded();
  if (!user) throw noSuchUser();
  return user;
}

export async function updateUser(deps: Deps, caller: AccessClaims, targetId: string, changes: ProfileChanges & { role?: Role }): Promise<UserRecord> {
  let outcome;
  try {
    outcome = await updateVisibleUser(deps.db, { ...callerSession(deps, caller), targetId, changes });
  } catch (err) {
    throw conflictFor(err) ?? err;
  }
  switch (outcome.kind) {
    case "updated":
      return outcome.user;
    case "signed_out":
      throw sessionEnded();
    case "not_found":
      throw noSuchUser();
    case "forbidden":
      throw new AppError("forbidden", "Only an admin can change roles.");
    case "last_admin":
      throw lastAdmin();
  }
}

export async function deleteUser(deps: Deps, caller: AccessClaims, targetId: string): Promise<void> {
  const outcome = await deleteUserAsAdmin(deps.db, { ...callerSession(deps, caller), targetId });
  switch (outcome.kind) {
    case "deleted":
      return;
    case "signed_out":
      throw sessionEnded();
    case "forbidden":
      throw adminsOnly();
    case "not_found":
      throw noSuchUser();
    case "last_admin":
      throw lastAdmin();
  }
}
