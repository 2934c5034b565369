import { sendMailLater, type Deps } from "../context";
import { issueResetCode, resetPasswordWithCode } from "../repositories/credentials-repository";
import { passwordChangedMail, passwordResetMail } from "../mail/templates";
import { CODE_MAX_ATTEMPTS, hashCode } from "../security/one-time-code";
import { hashPassword } from "../security/password";
import { isAdminEmail } from "./admin-emails";
import { CODE_MIN_INTERVAL_SECONDS, CODE_TTL_MINUTES, codeError, guessBudget, prepareCode } from "./codes";

/**
 * Always the same answer in the same time: one statement runs whether or not the address has an
 * account, and the mail goes out after the response.
 */
export async function forgotPassword(deps: Deps, email: string): Promise<void> {
  const { code, ...prepared } = prepareCode(deps, "reset_password", email);
  const issued = await issueResetCode(deps.db, { email, ...prepared, minIntervalSeconds: CODE_MIN_INTERVAL_SECONDS });
  if (issued) sendMailLater(deps, "password_reset", passwordResetMail(email, code, deps.config.appUrl, CODE_TTL_MINUTES));
}

/** One round trip after hashing: consume the code, set the password, revoke every session. */
export async function resetPassword(deps: Deps, input: { email: string; code: string; newPassword: string }): Promise<void> {
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  const outcome = await resetPasswordWithCode(deps.db, {
    email: input.email,
    codeHash: hashCode(deps.config.tokenSecret, "reset_password", input.email, input.code),
    passwordHash,
    now,
    maxAttempts: CODE_MAX_ATTEMPTS,
    budget: guessBudget(deps, "address", input.email),
    grantAdmin: isAdminEmail(deps, input.email),
  });
  if (outcome.kind !== "reset") throw codeError(outcome, now);
  sendMailLater(deps, "password_changed", passwordChangedMail(input.email, deps.config.appUrl));
}
