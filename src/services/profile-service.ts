import type { Deps } from "../context";
import { sessionEnded } from "../errors";
import type { UserRecord } from "../repositories/user-record";
import { deleteUserBySession, findUserBySession, updateProfile, type ProfileChanges } from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { callerSession, conflictFor } from "./caller";
import { reauthenticate } from "./reauthenticate";


export async function getCurrentUser(deps: Deps, caller: AccessClaims): Promise<UserRecord> {
  const user = await findUserBySession(deps.db, callerSession(deps, caller));
  if (!user) throw sessionEnded();
  return user;
}

export async function updateCurrentUser(deps: Deps, caller: AccessClaims, changes: ProfileChanges): Promise<UserRecord> {
  try {
    const user = await updateProfile(deps.db, callerSession(deps, caller), changes);
    if (!user) throw sessionEnded();
    return user;
  } catch (err) {
    throw conflictFor(err) ?? err;
  }
}

/** Two round trips: re-authenticate, then delete (sessions and codes cascade). */
export async function deleteCurrentUser(deps: Deps, caller: AccessClaims, password: string): Promise<void> {
  await reauthenticate(deps, caller, password);
  if (!(await deleteUserBySession(deps.db, callerSession(deps, caller)))) throw sessionEnded();
}
