import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { databaseErrorInfo } from "../db/errors";
import { AppError, ConfigError } from "../errors";
import { createLogger, type Logger } from "../log";
import type { AppEnv } from "./app-env";
import { oauthErrorResponse, toOAuthError } from "./oauth-error";
import { problemResponse } from "./problem";

// SQLSTATE classes that mean "the database is not available right now", not "the query is wrong".
const UNAVAILABLE = /^(08|53|57P|40001|40P01)/;

/** Hono's own exceptions (body parsing, content type, body limit), restated as problems. */
function fromHttpException(err: HTTPException): AppError {
  switch (err.status) {
    case 400:
      return new AppError("malformed_body", undefined, { errors: [{ loc: ["body"], msg: "Malformed JSON.", type: "json_invalid" }] });
    case 413:
      return new AppError("body_too_large");
    case 415:
      return new AppError("unsupported_media_type", undefined, { errors: [{ loc: ["header", "content-type"], msg: "Unsupported media type.", type: "content_type" }] });
    default:
      return new AppError("internal_error");
  }
}

/** The one place errors become answers. Known errors map to their problem; the rest are logged as a 500. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get("requestId");
  const answer = asAppError(err, c.get("log") ?? createLogger({ request_id: requestId }));
  if (c.get("errorStyle") === "oauth") {
    const { status, error } = toOAuthError(answer);
    // RFC 6749 errors name no scheme to authenticate with; a wait (a lock too) keeps its Retry-After.
    const retryAfter = answer.extra.headers?.["Retry-After"];
    // The second factor's ticket, under the name Auth0's MFA grants take it by.
    const ticket = answer.extra.members?.mfa_ticket;
    const members: Record<string, string | number> = ticket === undefined ? {} : { mfa_token: ticket, expires_in: answer.extra.members!.expires_in! };
    return oauthErrorResponse(status, error, answer.detail, retryAfter ? { "Retry-After": retryAfter } : {}, members);
  }
  return problemResponse(answer, requestId);
};

function asAppError(err: Error, log: Logger): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) return fromHttpException(err);
  if (err instanceof ConfigError) {
    log("error", "configuration error", { variable: err.variable, error: err.message });
    return new AppError("configuration_error", `The service is misconfigured (${err.variable}); the operator has to fix it.`);
  }
  const db = databaseErrorInfo(err);
  if (db && (db.code === undefined || UNAVAILABLE.test(db.code))) {
    log("error", "database unavailable", { db_code: db.code, error: db.message });
    return new AppError("service_unavailable", undefined, { headers: { "Retry-After": "5" } });
  }
  // Unknown: log the type and message only (a drizzle error's own message embeds query parameters).
  log("error", "unhandled error", db ? { db_code: db.code, error: db.message } : { error: err.name, message: err.message, stack: err.stack });
  return new AppError("internal_error");
}

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(new AppError("not_found", `No route for ${c.req.method} ${c.req.path}.`), c.get("requestId"));
