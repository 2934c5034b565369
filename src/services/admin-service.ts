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

// Cursors are opaque to clients: base64url of the page key, validated when read back. A search's cursor is
// marked as one: its key is the matched text, not a moment, and it means nothing to the plain list.
const SEARCH_MARK = "q";
const encodeCursor = (key: PageKey, searching: boolean) =>
  toBase64Url(utf8(JSON.stringify(searching ? [SEARCH_MARK, key.value, key.id] : [key.value, key.id])));

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

// Longer than any email, username or name. Postgres text holds no NUL, nor a lone surrogate (JSON can
// carry one; \p{Cs} with the u flag matches only those).
const isMatchedText = (text: string) => text.length <= 1000 && !text.includes("\0") && !/\p{Cs}/u.test(text);

function decodeCursor(cursor: string, searching: boolean): PageKey {
  try {
    const parts = JSON.parse(new TextDecoder().decode(fromBase64(cursor))) as unknown[];
    const [value, id, ...rest] = searching && parts[0] === SEARCH_MARK ? parts.slice(1) : searching ? [] : parts;
    const valid = searching ? typeof value === "string" && isMatchedText(value) : typeof value === "string" && isTimestamp(value);
    if (rest.length === 0 && valid && typeof id === "string" && UUID.test(id)) return { value: value as string, id };
  } catch {
    // Falls through to the validation error.
  }
  throw validationError([{ loc: ["query", "cursor"], msg: "Not a cursor this API returned for this query.", type: "value_error" }]);
}

export async function listUsers(
  deps: Deps,
  caller: AccessClaims,
  query: { limit: number; cursor?: string; q?: string },
): Promise<{ users: UserRecord[]; nextCursor: string | null }> {
  // The token's role first: nobody else's input reaches a query only admins may run. (A role change
  // revokes the user's sessions, so a live session's token states its role; the query checks it again.)
  if (caller.role !== ADMIN_ROLE) throw adminsOnly();
  const searching = Boolean(query.q);
  const page = await listUsersPage(deps.db, {
    ...callerSession(deps, caller),
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor, searching) : null,
    q: searching ? query.q! : null,
  });
  if (!page.callerRole) throw sessionEnded();
  if (page.callerRole !== ADMIN_ROLE) throw adminsOnly();
  return { users: page.users, nextCursor: page.next ? encodeCursor(page.next, searching) : null };
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
