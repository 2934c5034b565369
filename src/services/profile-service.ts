import type { Deps } from "../context";
import { violatedUniqueConstraint } from "../db/errors";
import { AppError, sessionEnded } from "../errors";
import type { UserRecord } from "../repositories/user-record";
import { deleteUserBySession, findUserBySession, updateProfile, type ProfileChanges } from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { reauthenticate } from "./reauthenticate";

const principal = (deps: Deps, caller: AccessClaims) => ({ userId: caller.sub, sessionId: caller.sid, now: deps.clock.now() });


export async function getCurrentUser(deps: Deps, caller: AccessClaims): Promise<UserRecord> {
  const user = await findUserBySession(deps.db, principal(deps, caller));
  if (!user) throw sessionEnded();
  return user;
}

export async function updateCurrentUser(deps: Deps, caller: AccessClaims, changes: ProfileChanges): Promise<UserRecord> {
  try {
    const user = await updateProfile(deps.db, principal(deps, caller), changes);
    if (!user) throw sessionEnded();
    return user;
  } catch (err) {
    if (violatedUniqueConstraint(err) === "users_username_key") throw new AppError(409, "username_taken", "This username is taken.");
    throw err;
  }
}

/** Two round trips: re-authenticate, then delete (sessions and codes cascade). */
export async function deleteCurrentUser(deps: Deps, caller: AccessClaims, password: string): Promise<void> {
  await reauthenticate(deps, caller, password);
  if (!(await deleteUserBySession(deps.db, principal(deps, caller)))) throw sessionEnded();
}
