import type { Deps } from "../context";
import { AppError, sessionEnded } from "../errors";
import type { UserWithPassword } from "../repositories/user-record";
import { findUserWithPasswordBySession } from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { verifyPassword } from "../security/password";
import { callerSession } from "./caller";

/**
 * For sensitive changes a valid access token is not enough: the caller's session must be live and
 * the current password given again, so a stolen token alone cannot take the account over.
 */
export async function reauthenticate(deps: Deps, caller: AccessClaims, password: string): Promise<UserWithPassword> {
  const user = await findUserWithPasswordBySession(deps.db, callerSession(deps, caller));
  if (!user) throw sessionEnded();
  if (!(await verifyPassword(password, user.passwordHash)).ok) throw new AppError(403, "invalid_password", "The password is not correct.");
  return user;
}
