import type { Deps } from "../context";
import { violatedUniqueConstraint } from "../db/errors";
import { AppError } from "../errors";
import type { AccessClaims } from "../security/access-token";

/** The caller as repositories see it: whose session, checked live at this moment. */
export const callerSession = (deps: Deps, caller: AccessClaims) => ({ userId: caller.sub, sessionId: caller.sid, now: deps.clock.now() });

// Says the address cannot be used, never whose it is.
export const emailTaken = () => new AppError("email_taken");

export const usernameTaken = () => new AppError("username_taken");

/** A statement failed on a unique index the user can do something about: say which, as a 409. */
export function conflictFor(err: unknown): AppError | null {
  const constraint = violatedUniqueConstraint(err);
  if (constraint === "users_email_key") return emailTaken();
  if (constraint === "users_username_key") return usernameTaken();
  return null;
}

export const lastAdmin = () => new AppError("last_admin");
