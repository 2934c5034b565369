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
import { hashPassword } from "../security/password";
import { conflictFor } from "./caller";
import { CODE_MIN_INTERVAL_SECONDS, CODE_TTL_MINUTES, codeError, prepareCode } from "./codes";
import { grantOf, issueTokens, prepareSession, type IssuedTokens } from "./session-tokens";

export interface Registration {
  email: string;
  password: string;
  fullName: string | null;
  username: string | null;
}

export type RegistrationResult = { kind: "created"; user: UserRecord } | { kind: "pending" };

const isAdminEmail = (deps: Deps, email: string) => deps.config.adminEmails.includes(email);

/**
 * With verification on, the answer is the same whatever the address's state (202): new and unverified
 * addresses get a code bound to this registration's password, a verified one gets a notice instead.
 * The password is hashed before the one statement that writes, so registration is one round trip.
 */
export async function register(deps: Deps, input: Registration): Promise<RegistrationResult> {
  const now = deps.clock.now();
  const passwordHash = await hashPassword(input.password);
  const account = { email: input.email, passwordHash, fullName: input.fullName, username: input.username, now };
  try {
    if (!deps.config.requireEmailVerification) {
      const role = isAdminEmail(deps, input.email) ? "admin" : "user";
      return { kind: "created", user: await insertVerifiedUser(deps.db, { ...account, role }) };
    }
    const { code, codeHash, codeExpiresAt } = prepareCode(deps, "verify_email", input.email);
    const outcome = await upsertPendingRegistration(deps.db, { ...account, codeHash, codeExpiresAt });
    sendMailLater(
      deps,
      outcome.kind,
      outcome.kind === "code_issued"
        ? verificationCodeMail(input.email, code, deps.config.appUrl, CODE_TTL_MINUTES)
        : alreadyRegisteredMail(input.email, deps.config.appUrl),
    );
    return { kind: "pending" };
  } catch (err) {
    throw conflictFor(err) ?? err;
  }
}

export async function verifyEmail(deps: Deps, input: { email: string; code: string }, client: ClientInfo): Promise<IssuedTokens> {
  const prepared = prepareSession(deps, client);
  const outcome = await consumeVerificationCode(deps.db, {
    email: input.email,
    codeHash: hashCode(deps.config.tokenSecret, "verify_email", input.email, input.code),
    maxAttempts: CODE_MAX_ATTEMPTS,
    grantAdmin: isAdminEmail(deps, input.email),
    now: deps.clock.now(),
    session: prepared.session,
  });
  if (outcome.kind !== "verified") throw codeError(outcome.kind);
  return issueTokens(deps, outcome.user, grantOf(prepared));
}

/** Always succeeds from the caller's point of view: whether a mail went out is not revealed. */
export async function resendVerification(deps: Deps, email: string): Promise<void> {
  if (!deps.config.requireEmailVerification) return;
  const { code, ...prepared } = prepareCode(deps, "verify_email", email);
  const issued = await reissueVerificationCode(deps.db, { email, ...prepared, minIntervalSeconds: CODE_MIN_INTERVAL_SECONDS });
  if (issued) sendMailLater(deps, "verification_resend", verificationCodeMail(email, code, deps.config.appUrl, CODE_TTL_MINUTES));
}
