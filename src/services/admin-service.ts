import type { Deps } from "../context";
import { AppError, sessionEnded, validationError } from "../errors";
import { deleteUserAsAdmin, findVisibleUser, listUsersPage, updateVisibleUser, type PageKey } from "../repositories/admin-repository";
import type { Role, UserRecord } from "../repositories/user-record";
import type { ProfileChanges } from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { fromBase64, toBase64Url, utf8 } from "../security/encoding";
import { callerSession, conflictFor } from "./caller";

const adminsOnly = () => new AppError(403, "forbidden", "Only an admin can do this.");
// Not 403: to anyone but the user and admins, other accounts simply do not exist.
const noSuchUser = () => new AppError(404, "user_not_found", "No such user.");
const lastAdmin = () => new AppError(409, "last_admin", "This is the last admin; make someone else admin first.");

// Cursors are opaque to clients: base64url of the page key, validated when read back.
const encodeCursor = (key: PageKey) => toBase64Url(utf8(JSON.stringify([key.createdAt, key.id])));

function decodeCursor(cursor: string): PageKey {
  try {
    const [createdAt, id] = JSON.parse(new TextDecoder().decode(fromBase64(cursor))) as unknown[];
    if (typeof createdAt === "string" && /^\d{4}-\d\d-\d\d [\d:.]+[+-]\d\d(:\d\d)?$/.test(createdAt) && typeof id === "string" && /^[0-9a-f-]{36}$/.test(id)) {
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
  const page = await listUsersPage(deps.db, {
    ...callerSession(deps, caller),
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor) : null,
    q: query.q || null,
  });
  if (!page.callerRole) throw sessionEnded();
  if (page.callerRole !== "admin") throw adminsOnly();
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
      throw new AppError(403, "forbidden", "Only an admin can change roles.");
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
