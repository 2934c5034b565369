import { sendMailLater, type ClientInfo, type Deps } from "../context";
import { alreadyRegisteredMail, verificationCodeMail } from "../mail/templates";
import {
  consumeVerificationCode,
  insertVerifiedUser,
  reissueVerificationCode,
  upsertPendingRegistration,
} from "../repositories/registration-repository";
import type { UserRecord } from "../repositories/user-record";
import { CODE_MAX_ATTEMPTS, hashCode } from "../security/one-time-code";
import { CURRENT_PARAMS, hashPassword, registrationSalt } from "../security/password";
import { isAdminEmail } from "./admin-emails";
import { conflictFor, usernameTaken } from "./caller";
import { CODE_MIN_INTERVAL_SECONDS, CODE_TTL_MINUTES, codeError, guessBudget, prepareCode } from "./codes";
import { grantOf, issueTokens, prepareSession, type IssuedTokens } from "./session-tokens";

export interface Registration {
  email: string;
  password: string;
  fullName: string | null;
  username: string | null;
}

export type RegistrationResult = { kind: "created"; user: UserRecord } | { kind: "pending" };

/** An unverified registration's hash: salted by the address, so verification can compare without a read. */
const registrationHash = (deps: Deps, email: string, password: string) =>
  hashPassword(password, CURRENT_PARAMS, registrationSalt(deps.config.tokenSecret, email));

/**
 * With verification on, the answer is the same whatever the address's state (202): a new or unverified
 * address gets a code (at most one a minute), a verified one a notice instead. Only a username another
 * account already has is refused, and that answer does not depend on the address either. Nothing the
 * registration stores can reach the account without the mailbox: see consumeVerificationCode. The password
 * is hashed before the one statement that writes, so registration is one round trip.
 */
export async function register(deps: Deps, input: Registration): Promise<RegistrationResult> {
  const now = deps.clock.now();
  try {
    if (!deps.config.requireEmailVerification) {
      const passwordHash = await hashPassword(input.password);
      const user = await insertVerifiedUser(deps.db, { email: input.email, passwordHash, fullName: input.fullName, username: input.username, now });
      return { kind: "created", user };
    }
    const passwordHash = await registrationHash(deps, input.email, input.password);
    const { code, codeHash, codeExpiresAt } = prepareCode(deps, "verify_email", input.email);
    const outcome = await upsertPendingRegistration(deps.db, {
      email: input.email,
      passwordHash,
      fullName: input.fullName,
      username: input.username,
      now,
      codeHash,
      codeExpiresAt,
      minIntervalSeconds: CODE_MIN_INTERVAL_SECONDS,
    });
    if (outcome.kind === "username_taken") throw usernameTaken();
    if (outcome.kind === "code_issued") {
      sendMailLater(deps, "verification_code", verificationCodeMail(input.email, code, deps.config.appUrl, CODE_TTL_MINUTES));
    } else if (outcome.kind === "already_verified") {
      sendMailLater(deps, "already_registered", alreadyRegisteredMail(input.email, deps.config.appUrl));
    }
    return { kind: "pending" };
  } catch (err) {
    throw conflictFor(err) ?? err;
  }
}

/**
 * The code proves the mailbox; the password given with it becomes the account's, whichever registration
 * sent the code. One round trip after hashing.
 */
export async function verifyEmail(deps: Deps, input: { email: string; code: string; password: string }, client: ClientInfo): Promise<IssuedTokens> {
  const prepared = prepareSession(deps, client);
  const now = deps.clock.now();
  let outcome;
  try {
    outcome = await consumeVerificationCode(deps.db, {
      email: input.email,
      codeHash: hashCode(deps.config.tokenSecret, "verify_email", input.email, input.code),
      passwordHash: await registrationHash(deps, input.email, input.password),
      maxAttempts: CODE_MAX_ATTEMPTS,
      budget: guessBudget(deps, "address", input.email),
      grantAdmin: isAdminEmail(deps, input.email),
      now,
      session: prepared.session,
    });
  } catch (err) {
    // The wished-for username was taken by someone else in the very same moment; the code stays unused.
    throw conflictFor(err) ?? err;
  }
  if (outcome.kind !== "verified") throw codeError(outcome, now);
  return issueTokens(deps, outcome.user, grantOf(prepared));
}

/** Always succeeds from the caller's point of view: whether a mail went out is not revealed. */
export async function resendVerification(deps: Deps, email: string): Promise<void> {
  if (!deps.config.requireEmailVerification) return;
  const { code, ...prepared } = prepareCode(deps, "verify_email", email);
  const issued = await reissueVerificationCode(deps.db, { email, ...prepared, minIntervalSeconds: CODE_MIN_INTERVAL_SECONDS });
  if (issued) sendMailLater(deps, "verification_resend", verificationCodeMail(email, code, deps.config.appUrl, CODE_TTL_MINUTES));
}
