import type { Deps } from "../context";
import { AppError } from "../errors";
import type { CodeFailure } from "../repositories/code-sql";
import { CODE_TTL_SECONDS, generateCode, hashCode, type CodePurpose } from "../security/one-time-code";

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

/** The one wording of every code failure, whatever the code was for. */
export function codeError(failure: CodeFailure): AppError {
  switch (failure) {
    case "expired":
      return new AppError(400, "code_expired", "This code has expired. Request a new one.");
    case "exhausted":
      return new AppError(400, "invalid_code", "Too many wrong attempts for this code. Request a new one.");
    case "invalid":
      return new AppError(400, "invalid_code", "The code is not valid.");
  }
}
