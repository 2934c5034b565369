import { problemSpec, type ProblemCode } from "./domain/problems";

/** A field-level validation problem, in the shape FastAPI-style clients already parse. */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export interface ProblemExtras {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** RFC 9457 extension members the problem carries beside the standard ones (e.g. `mfa_ticket`). */
  members?: Record<string, string | number>;
}

/**
 * The one error type services throw: a code from the catalogue (domain/problems.ts), which fixes the
 * HTTP status, and a sentence for people (the catalogue's, unless a more precise one is given). Nothing
 * from inside (no SQL, no stack).
 */
export class AppError extends Error {
  readonly status: number;
  readonly detail: string;

  constructor(
    readonly code: ProblemCode,
    detail?: string,
    readonly extra: ProblemExtras = {},
  ) {
    const spec = problemSpec(code);
    super(detail ?? spec.detail);
    this.name = "AppError";
    this.status = spec.status;
    this.detail = detail ?? spec.detail;
  }
}

/** A token was sent and refused (RFC 6750 §3.1: the challenge names the error). */
export const invalidToken = (detail?: string) => new AppError("invalid_token", detail, { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });

/** No credentials at all: the challenge names the scheme and no error (RFC 6750 §3.1). */
export const missingToken = (detail: string) => new AppError("invalid_token", detail, { headers: { "WWW-Authenticate": "Bearer" } });

export const validationError = (errors: FieldError[], detail?: string) => new AppError("validation_error", detail, { errors });

/** Thrown when the Worker's configuration is missing or malformed; names the variable, never its value. */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Configuration variable ${variable} ${reason}`);
    this.name = "ConfigError";
  }
}

/** The access token verified, but its session was revoked or its user deleted. */
export const sessionEnded = () => invalidToken("This session has ended. Sign in again.");

/** A wait (a lock, a budget) ending at `until`, as a Retry-After header; at least one second. */
export function retryAfter(until: Date, now: Date): { seconds: number; headers: Record<string, string> } {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return { seconds, headers: { "Retry-After": String(seconds) } };
}
