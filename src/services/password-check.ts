import type { Deps } from "../context";
import { AppError, retryAfter } from "../errors";
import { recordFailedPasswordCheck, type PasswordCheckTarget } from "../repositories/user-repository";
import { spendDummyPasswordCheck, verifyPassword, type PasswordCheck } from "../security/password";
import { PASSWORD_FAILURE_LIMITS } from "./guessing-limits";

function accountLocked(until: Date, now: Date): AppError {
  const { seconds, headers } = retryAfter(until, now);
  return new AppError("account_locked", `Too many failed sign-ins. Try again in ${seconds} seconds, or reset your password.`, { headers });
}

/**
 * The one way a password is checked, wherever it is asked for (login, the token endpoint, the
 * re-authentication of delete / password / email change), so every guess counts against the same
 * limits. The hash is always computed, for an unknown address and a locked one too, so neither time nor
 * answer tells them apart: a lock answers 429 whether or not the password was right. A wrong password is
 * counted (one more round trip) and answered with `wrong()`. Resolves only for the right password of an
 * existing account.
 */
export async function checkPassword(
  deps: Deps,
  target: PasswordCheckTarget,
  password: string,
  network: string,
  wrong: () => AppError,
): Promise<PasswordCheck> {
  const now = deps.clock.now();
  let check: PasswordCheck = { ok: false, needsRehash: false };
  if (target.user) check = await verifyPassword(password, target.user.passwordHash);
  else await spendDummyPasswordCheck(password);
  if (target.lockedUntil && target.lockedUntil > now) throw accountLocked(target.lockedUntil, now);
  if (!check.ok) {
    await recordFailedPasswordCheck(deps.db, { subject: target.subject, network, limits: PASSWORD_FAILURE_LIMITS, now });
    throw wrong();
  }
  return check;
}
