import type { ClientInfo, Deps } from "../context";
import { AppError } from "../errors";
import { findLoginCandidate, recordFailedLogin, recordSuccessfulLogin, type LockoutPolicy } from "../repositories/user-repository";
import { hashPassword, spendDummyPasswordCheck, verifyPassword } from "../security/password";
import { grantOf, issueTokens, prepareSession, type IssuedTokens } from "./session-tokens";

const invalidCredentials = () => new AppError(401, "invalid_credentials", "The email or password is not correct.");

/** Five wrong passwords in a row lock the account for 30 s, doubling with each further one, up to 15 min. */
export const LOCKOUT: LockoutPolicy = { threshold: 5, baseSeconds: 30, maxSeconds: 15 * 60 };

function accountLocked(until: Date, now: Date): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError(429, "account_locked", `Too many failed sign-ins. Try again in ${seconds} seconds, or reset your password.`, {
    headers: { "Retry-After": String(seconds) },
  });
}

/**
 * Two round trips: read the account, check the password in the worker, then one statement that
 * records the outcome (and opens the session on success). An unknown email and a locked account
 * spend the same hashing work as a wrong password, so timing reveals neither.
 */
export async function login(deps: Deps, input: { email: string; password: string }, client: ClientInfo): Promise<IssuedTokens> {
  const candidate = await findLoginCandidate(deps.db, input.email);
  if (!candidate) {
    await spendDummyPasswordCheck(input.password);
    throw invalidCredentials();
  }
  const now = deps.clock.now();
  const check = await verifyPassword(input.password, candidate.passwordHash);
  // Checked after hashing, and whatever the result: a locked account costs the same time and says
  // nothing about whether this password was right.
  if (candidate.lockedUntil && candidate.lockedUntil > now) throw accountLocked(candidate.lockedUntil, now);
  if (!check.ok) {
    await recordFailedLogin(deps.db, candidate.id, now, LOCKOUT);
    throw invalidCredentials();
  }
  if (deps.config.requireEmailVerification && !candidate.emailVerifiedAt) {
    throw new AppError(403, "email_not_verified", "Verify your email address first; we sent you a code.");
  }
  const prepared = prepareSession(deps, client);
  const user = await recordSuccessfulLogin(deps.db, {
    userId: candidate.id,
    rehashedPassword: check.needsRehash ? await hashPassword(input.password) : null,
    now,
    session: prepared.session,
  });
  // The account was deleted between the two statements.
  if (!user) throw invalidCredentials();
  return issueTokens(deps, user, grantOf(prepared));
}
