/** A field-level validation problem, in the shape FastAPI-style clients already parse. */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * The one error type services throw. It carries what the client needs (status, a stable machine
 * `code`, a sentence for people) and nothing from inside (no SQL, no stack).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "AppError";
  }
}

export const invalidToken = (detail = "The access token is missing, invalid or expired.") =>
  new AppError(401, "invalid_token", detail, { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });

export const validationError = (errors: FieldError[], detail = "The request has invalid fields.") =>
  new AppError(422, "validation_error", detail, { errors });

/** Thrown when the Worker's configuration is missing or malformed; names the variable, never its value. */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Configuration variable ${variable} ${reason}`);
    this.name = "ConfigError";
  }
}

/** The access token verified, but its session was revoked or its user deleted. */
export const sessionEnded = () => invalidToken("This session has ended. Sign in again.");
