import type { Deps } from "../context";
import { AppError, retryAfter } from "../errors";
import type { CodeFailure, GuessBudget } from "../repositories/code-sql";
import { CODE_TTL_SECONDS, generateCode, hashCode, type CodePurpose } from "../security/one-time-code";
import { subjectOf } from "../security/subjects";
import { CODE_GUESS_LIMIT } from "./guessing-limits";

/** Codes by mail are limited per address and purpose, so no endpoint can flood an inbox. */
export const CODE_MIN_INTERVAL_SECONDS = 60;

export const CODE_TTL_MINUTES = CODE_TTL_SECONDS / 60;

export interface PreparedCode {
  code: string;
  codeHash: string;
  now: Date;
  codeExpiresAt: Date;
}

/** A fresh code, its stored form, and its expiry. `subject` binds it (the address, or the user id). */
export function prepareCode(deps: Deps, purpose: CodePurpose, subject: string): PreparedCode {
  const code = generateCode();
  const now = deps.clock.now();
  return {
    code,
    codeHash: hashCode(deps.config.tokenSecret, purpose, subject, code),
    now,
    codeExpiresAt: new Date(now.getTime() + CODE_TTL_SECONDS * 1000),
  };
}

/** The guess budget of an address (verification, reset) or of a user (email change). */
export const guessBudget = (deps: Deps, kind: "address" | "user", value: string): GuessBudget => ({
  subject: subjectOf(deps.config.tokenSecret, kind, value),
  ...CODE_GUESS_LIMIT,
});

/** The one wording of every code failure, whatever the code was for. */
export function codeError(failure: CodeFailure, now: Date): AppError {
  switch (failure.kind) {
    case "expired":
      return new AppError("code_expired");
    case "exhausted":
      return new AppError("invalid_code", "Too many wrong attempts for this code. Request a new one.");
    case "invalid":
      return new AppError("invalid_code");
    case "budget_spent": {
      const { seconds, headers } = retryAfter(failure.retryAt, now);
      const wait = seconds > 90 * 60 ? `${Math.ceil(seconds / 3600)} hours` : `${Math.ceil(seconds / 60)} minutes`;
      return new AppError("too_many_attempts", `Too many wrong codes for this address. Try again in ${wait}.`, { headers });
    }
  }
}
