import type { ClientInfo, Deps } from "../context";
import { AppError } from "../errors";
import { findLoginCandidate, recordSuccessfulLogin } from "../repositories/user-repository";
import { hashPassword } from "../security/password";
import { subjectOf } from "../security/subjects";
import { checkPassword } from "./password-check";
import { recordPasswordStep } from "../repositories/mfa-repository";
import { MfaRequired, prepareMfaTicket } from "./totp-service";
import { grantOf, issueTokens, prepareSession, type IssuedTokens } from "./session-tokens";

const invalidCredentials = () => new AppError("invalid_credentials");

/**
 * Two round trips: read the account and its locks, check the password in the worker, then one statement
 * that records the outcome (and opens the session on success). An unknown address is read, hashed,
 * counted and locked exactly like a known one.
 */
export async function login(deps: Deps, input: { email: string; password: string }, client: ClientInfo): Promise<IssuedTokens> {
  const target = await findLoginCandidate(deps.db, {
    email: input.email,
    addressSubject: subjectOf(deps.config.tokenSecret, "address", input.email),
    network: client.network,
  });
  const check = await checkPassword(deps, target, input.password, client.network, invalidCredentials);
  const candidate = target.user!;
  if (deps.config.requireEmailVerification && !candidate.emailVerifiedAt) {
    throw new AppError("email_not_verified");
  }
  const rehashedPassword = check.needsRehash ? await hashPassword(input.password) : null;
  if (target.totpSecret) {
    // TOTP on: the same two round trips, but the second stores a ticket for the second step instead of a session.
    const { ticket, presented } = await prepareMfaTicket(deps, candidate.id, target.totpSecret, client);
    const stored = await recordPasswordStep(deps.db, { userId: candidate.id, network: client.network, rehashedPassword, now: deps.clock.now(), ticket });
    if (!stored) throw invalidCredentials();
    throw new MfaRequired(presented);
  }
  const prepared = prepareSession(deps, client);
  const user = await recordSuccessfulLogin(deps.db, {
    userId: candidate.id,
    network: client.network,
    rehashedPassword,
    now: deps.clock.now(),
    session: prepared.session,
  });
  // The account was deleted between the two statements.
  if (!user) throw invalidCredentials();
  return issueTokens(deps, user, grantOf(prepared));
}
