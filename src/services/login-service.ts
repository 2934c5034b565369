import type { ClientInfo, Deps } from "../context";
import { AppError } from "../errors";
import { findLoginCandidate, recordFailedLogin, recordSuccessfulLogin } from "../repositories/user-repository";
import { hashPassword, spendDummyPasswordCheck, verifyPassword } from "../security/password";
import { grantOf, issueTokens, prepareSession, type IssuedTokens } from "./session-tokens";

const invalidCredentials = () => new AppError(401, "invalid_credentials", "The email or password is not correct.");

/**
 * Two round trips: read the account, check the password in the worker, then one statement that
 * records the outcome (and opens the session on success). An unknown email spends the same hashing
 * work as a wrong password, so timing does not reveal which addresses have accounts.
 */
export async function login(deps: Deps, input: { email: string; password: string }, client: ClientInfo): Promise<IssuedTokens> {
  const candidate = await findLoginCandidate(deps.db, input.email);
  if (!candidate) {
    await spendDummyPasswordCheck(input.password);
    throw invalidCredentials();
  }
  const check = await verifyPassword(input.password, candidate.passwordHash);
  if (!check.ok) {
    await recordFailedLogin(deps.db, candidate.id);
    throw invalidCredentials();
  }
  if (deps.config.requireEmailVerification && !candidate.emailVerifiedAt) {
    throw new AppError(403, "email_not_verified", "Verify your email address first; we sent you a code.");
  }
  const prepared = prepareSession(deps, client);
  const user = await recordSuccessfulLogin(deps.db, {
    userId: candidate.id,
    rehashedPassword: check.needsRehash ? await hashPassword(input.password) : null,
    now: deps.clock.now(),
    session: prepared.session,
  });
  // The account was deleted between the two statements.
  if (!user) throw invalidCredentials();
  return issueTokens(deps, user, grantOf(prepared));
}
