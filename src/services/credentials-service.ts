import { sendMailLater, type ClientInfo, type Deps } from "../context";
import { AppError, sessionEnded } from "../errors";
import { emailChangeCodeMail, emailChangedMail, emailChangeRequestedMail, emailInUseMail, passwordChangedMail } from "../mail/templates";
import { changePassword, confirmEmailChange, issueEmailChangeCode } from "../repositories/credentials-repository";
import type { UserRecord } from "../repositories/user-record";
import type { AccessClaims } from "../security/access-token";
import { CODE_MAX_ATTEMPTS, hashCode } from "../security/one-time-code";
import { hashPassword } from "../security/password";
import { CODE_MIN_INTERVAL_SECONDS, CODE_TTL_MINUTES, codeError, guessBudget, prepareCode } from "./codes";
import { callerSession, conflictFor } from "./caller";
import { reauthenticate } from "./reauthenticate";

/** Two round trips: read and check the current password, then set the new one and revoke the other sessions. */
export async function changeOwnPassword(
  deps: Deps,
  caller: AccessClaims,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<void> {
  const user = await reauthenticate(deps, caller, input.currentPassword, client);
  const passwordHash = await hashPassword(input.newPassword);
  const changed = await changePassword(deps.db, { ...callerSession(deps, caller), passwordHash });
  if (!changed) throw sessionEnded();
  sendMailLater(deps, "password_changed", passwordChangedMail(user.email, deps.config.appUrl));
}

/**
 * Answers alike whether or not the new address already has an account: a free address gets the code, a
 * taken one a notice (so its owner learns of the attempt, and the caller learns nothing); the current
 * address gets a notice either way. The switch waits for the code.
 */
export async function requestEmailChange(deps: Deps, caller: AccessClaims, input: { newEmail: string; password: string }, client: ClientInfo): Promise<void> {
  const user = await reauthenticate(deps, caller, input.password, client);
  if (input.newEmail === user.email) throw new AppError("email_unchanged");
  const { code, ...prepared } = prepareCode(deps, "change_email", caller.sub);
  const outcome = await issueEmailChangeCode(deps.db, {
    userId: caller.sub,
    sessionId: caller.sid,
    newEmail: input.newEmail,
    ...prepared,
    minIntervalSeconds: CODE_MIN_INTERVAL_SECONDS,
  });
  switch (outcome.kind) {
    case "signed_out":
      throw sessionEnded();
    case "too_soon":
      throw new AppError("too_many_requests", undefined, { headers: { "Retry-After": String(CODE_MIN_INTERVAL_SECONDS) } });
    case "issued":
      sendMailLater(
        deps,
        outcome.taken ? "email_in_use" : "email_change_code",
        outcome.taken
          ? emailInUseMail(input.newEmail, deps.config.appUrl)
          : emailChangeCodeMail(input.newEmail, code, deps.config.appUrl, CODE_TTL_MINUTES),
      );
      sendMailLater(deps, "email_change_notice", emailChangeRequestedMail(user.email, input.newEmail, deps.config.appUrl));
  }
}

/** One round trip: consume the code and switch the address. */
export async function confirmOwnEmailChange(deps: Deps, caller: AccessClaims, code: string): Promise<UserRecord> {
  const now = deps.clock.now();
  let outcome;
  try {
    outcome = await confirmEmailChange(deps.db, {
      userId: caller.sub,
      sessionId: caller.sid,
      codeHash: hashCode(deps.config.tokenSecret, "change_email", caller.sub, code),
      now,
      maxAttempts: CODE_MAX_ATTEMPTS,
      budget: guessBudget(deps, "user", caller.sub),
      adminEmails: deps.config.adminEmails,
    });
  } catch (err) {
    // Someone took the address between the request and the confirmation.
    throw conflictFor(err) ?? err;
  }
  if (outcome.kind === "signed_out") throw sessionEnded();
  if (outcome.kind !== "changed") throw codeError(outcome, now);
  sendMailLater(deps, "email_changed", emailChangedMail(outcome.previousEmail, outcome.user.email, deps.config.appUrl));
  return outcome.user;
}
