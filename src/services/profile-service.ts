import type { Deps } from "../context";
import { violatedUniqueConstraint } from "../db/errors";
import { AppError, invalidToken } from "../errors";
import type { UserRecord } from "../repositories/user-record";
import {
  deleteUserBySession,
  findUserBySession,
  findUserWithPasswordBySession,
  updateProfile,
  type ProfileChanges,
} from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { verifyPassword } from "../security/password";

const principal = (deps: Deps, caller: AccessClaims) => ({ userId: caller.sub, sessionId: caller.sid, now: deps.clock.now() });

// A valid signature is not enough: a revoked session or a deleted user ends access at once.
const sessionGone = () => invalidToken("This session has ended. Sign in again.");

export async function getCurrentUser(deps: Deps, caller: AccessClaims): Promise<UserRecord> {
  const user = await findUserBySession(deps.db, principal(deps, caller));
  if (!user) throw sessionGone();
  return user;
}

export async function updateCurrentUser(deps: Deps, caller: AccessClaims, changes: ProfileChanges): Promise<UserRecord> {
  try {
    const user = await updateProfile(deps.db, principal(deps, caller), changes);
    if (!user) throw sessionGone();
    return user;
  } catch (err) {
    if (violatedUniqueConstraint(err) === "users_username_key") throw new AppError(409, "username_taken", "This username is taken.");
    throw err;
  }
}

/** Deleting an account asks for the password again: a stolen access token alone cannot do it. */
export async function deleteCurrentUser(deps: Deps, caller: AccessClaims, password: string): Promise<void> {
  const user = await findUserWithPasswordBySession(deps.db, principal(deps, caller));
  if (!user) throw sessionGone();
  const check = await verifyPassword(password, user.passwordHash);
  if (!check.ok) throw new AppError(403, "invalid_password", "The password is not correct.");
  if (!(await deleteUserBySession(deps.db, principal(deps, caller)))) throw sessionGone();
}
