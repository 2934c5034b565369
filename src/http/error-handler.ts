import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { databaseErrorInfo } from "../db/errors";
import { AppError, ConfigError, type FieldError } from "../errors";
import { createLogger } from "../log";
import type { AppEnv } from "./app-env";
import { oauthErrorResponse, toOAuthError } from "./oauth-error";
import { problemResponse } from "./problem";

// SQLSTATE classes that mean "the database is not available right now", not "the query is wrong".
const UNAVAILABLE = /^(08|53|57P|40001|40P01)/;

interface Answer {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** Hono's own exceptions (body parsing, content type, body limit), restated as problems. */
function fromHttpException(err: HTTPException): Answer {
  switch (err.status) {
    case 400:
      return { status: 400, code: "malformed_body", detail: "The request body is not valid JSON.", errors: [{ loc: ["body"], msg: "Malformed JSON.", type: "json_invalid" }] };
    case 413:
      return { status: 413, code: "body_too_large", detail: "The request body is too large." };
    case 415:
      return {
        status: 415,
        code: "unsupported_media_type",
        detail: "Send the body as application/json.",
        errors: [{ loc: ["header", "content-type"], msg: "Unsupported media type.", type: "content_type" }],
      };
    default:
      return { status: err.status, code: "http_error", detail: err.message || "The request could not be processed." };
  }
}

/** The one place errors become answers. Known errors map to their problem; the rest are logged as a 500. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get("requestId");
  const log = c.get("log") ?? createLogger({ request_id: requestId });
  const answer = describe(err, log);
  if (c.get("errorStyle") === "oauth") {
    const { status, error } = toOAuthError(answer.status, answer.code);
    return oauthErrorResponse(status, error, answer.detail, answer.headers);
  }
  return problemResponse(answer.status, answer.code, answer.detail, { errors: answer.errors, headers: answer.headers, requestId });
};

function describe(err: Error, log: ReturnType<typeof createLogger>): Answer {
  if (err instanceof AppError) return { status: err.status, code: err.code, detail: err.detail, ...err.extra };
  if (err instanceof HTTPException) return fromHttpException(err);
  if (err instanceof ConfigError) {
    log("error", "configuration error", { variable: err.variable, error: err.message });
    return { status: 500, code: "configuration_error", detail: `The service is misconfigured (${err.variable}); the operator has to fix it.` };
  }
  const db = databaseErrorInfo(err);
  if (db && (db.code === undefined || UNAVAILABLE.test(db.code))) {
    log("error", "database unavailable", { db_code: db.code, error: db.message });
    return { status: 503, code: "service_unavailable", detail: "The database is not reachable right now. Try again shortly.", headers: { "Retry-After": "5" } };
  }
  // Unknown: log the type and message only (a drizzle error's own message embeds query parameters).
  log("error", "unhandled error", db ? { db_code: db.code, error: db.message } : { error: err.name, message: err.message, stack: err.stack });
  return { status: 500, code: "internal_error", detail: "Something went wrong on our side." };
}

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`, { requestId: c.get("requestId") });
