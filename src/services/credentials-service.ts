import { sendMailLater, type Deps } from "../context";
import { AppError, sessionEnded } from "../errors";
import { emailChangeCodeMail, emailChangedMail, emailChangeRequestedMail, passwordChangedMail } from "../mail/templates";
import { changePassword, confirmEmailChange, issueEmailChangeCode } from "../repositories/credentials-repository";
import type { UserRecord } from "../repositories/user-record";
import type { AccessClaims } from "../security/access-token";
import { CODE_MAX_ATTEMPTS, hashCode } from "../security/one-time-code";
import { hashPassword } from "../security/password";
import { CODE_MIN_INTERVAL_SECONDS, CODE_TTL_MINUTES, codeError, prepareCode } from "./codes";
import { callerSession, conflictFor, emailTaken } from "./caller";
import { reauthenticate } from "./reauthenticate";

/** Two round trips: read and check the current password, then set the new one and revoke the other sessions. */
export async function changeOwnPassword(deps: Deps, caller: AccessClaims, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const user = await reauthenticate(deps, caller, input.currentPassword);
  const passwordHash = await hashPassword(input.newPassword);
  const changed = await changePassword(deps.db, { ...callerSession(deps, caller), passwordHash });
  if (!changed) throw sessionEnded();
  sendMailLater(deps, "password_changed", passwordChangedMail(user.email, deps.config.appUrl));
}

/** Mails a code to the new address and a notice to the current one; the switch waits for the code. */
export async function requestEmailChange(deps: Deps, caller: AccessClaims, input: { newEmail: string; password: string }): Promise<void> {
  const user = await reauthenticate(deps, caller, input.password);
  if (input.newEmail === user.email) throw new AppError(409, "email_unchanged", "That is already your email address.");
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
    case "taken":
      throw emailTaken();
    case "too_soon":
      throw new AppError(429, "too_many_requests", "A code was sent less than a minute ago. Wait a moment before asking again.", {
        headers: { "Retry-After": String(CODE_MIN_INTERVAL_SECONDS) },
      });
    case "issued":
      sendMailLater(deps, "email_change_code", emailChangeCodeMail(input.newEmail, code, deps.config.appUrl, CODE_TTL_MINUTES));
      sendMailLater(deps, "email_change_notice", emailChangeRequestedMail(user.email, input.newEmail, deps.config.appUrl));
  }
}

/** One round trip: consume the code and switch the address. */
export async function confirmOwnEmailChange(deps: Deps, caller: AccessClaims, code: string): Promise<UserRecord> {
  let outcome;
  try {
    outcome = await confirmEmailChange(deps.db, {
      userId: caller.sub,
      sessionId: caller.sid,
      codeHash: hashCode(deps.config.tokenSecret, "change_email", caller.sub, code),
      now: deps.clock.now(),
      maxAttempts: CODE_MAX_ATTEMPTS,
    });
  } catch (err) {
    // Someone took the address between the request and the confirmation.
    throw conflictFor(err) ?? err;
  }
  if (outcome.kind === "signed_out") throw sessionEnded();
  if (outcome.kind !== "changed") throw codeError(outcome.kind);
  sendMailLater(deps, "email_changed", emailChangedMail(outcome.previousEmail, outcome.user.email, deps.config.appUrl));
  return outcome.user;
}
