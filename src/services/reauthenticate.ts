import type { ClientInfo, Deps } from "../context";
import { AppError, sessionEnded } from "../errors";
import type { UserWithPassword } from "../repositories/user-record";
import { findReauthenticationTarget } from "../repositories/user-repository";
import type { AccessClaims } from "../security/access-token";
import { callerSession } from "./caller";
import { checkPassword } from "./password-check";

const invalidPassword = () => new AppError("invalid_password");

/**
 * For sensitive changes a valid access token is not enough: the caller's session must be live and the
 * current password given again, checked and counted exactly like a login, so a stolen token does not
 * buy unlimited guesses.
 */
export async function reauthenticate(
  deps: Deps,
  caller: AccessClaims,
  password: string,
  client: ClientInfo,
): Promise<UserWithPassword & { totpSecret: string | null }> {
  const target = await findReauthenticationTarget(deps.db, { ...callerSession(deps, caller), network: client.network });
  if (!target) throw sessionEnded();
  await checkPassword(deps, target, password, client.network, invalidPassword);
  return { ...target.user!, totpSecret: target.totpSecret ?? null };
}
