import type { ClientInfo, Deps } from "../context";
import { sessionEnded } from "../errors";
import type { UserRecord } from "../repositories/user-record";
import { deleteUserBySession, findUserBySession, updateProfile, type ProfileChanges, type SelfView } from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { callerSession, conflictFor, lastAdmin } from "./caller";
import { reauthenticate } from "./reauthenticate";

export async function getCurrentUser(deps: Deps, caller: AccessClaims): Promise<SelfView> {
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

/** Two round trips: re-authenticate, then delete (sessions and codes cascade), never the last admin. */
export async function deleteCurrentUser(deps: Deps, caller: AccessClaims, password: string, client: ClientInfo): Promise<void> {
  await reauthenticate(deps, caller, password, client);
  const outcome = await deleteUserBySession(deps.db, callerSession(deps, caller));
  if (outcome === "signed_out") throw sessionEnded();
  if (outcome === "last_admin") throw lastAdmin();
}
