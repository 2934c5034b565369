import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { databaseErrorInfo } from "../db/errors";
import { AppError, ConfigError } from "../errors";
import { createLogger } from "../log";
import type { AppEnv } from "./app-env";
import { problemResponse } from "./problem";

// SQLSTATE classes that mean "the database is not available right now", not "the query is wrong".
const UNAVAILABLE = /^(08|53|57P|40001|40P01)/;

/** Hono's own exceptions (body parsing, content type, body limit), restated as problems. */
function fromHttpException(err: HTTPException): [number, string, string, { loc: string[]; msg: string; type: string }[]?] {
  switch (err.status) {
    case 400:
      return [400, "malformed_body", "The request body is not valid JSON.", [{ loc: ["body"], msg: "Malformed JSON.", type: "json_invalid" }]];
    case 413:
      return [413, "body_too_large", "The request body is too large."];
    case 415:
      return [415, "unsupported_media_type", "Send the body as application/json.", [{ loc: ["header", "content-type"], msg: "Unsupported media type.", type: "content_type" }]];
    default:
      return [err.status, "http_error", err.message || "The request could not be processed."];
  }
}

/** The one place errors become responses. Known errors map to their problem; the rest are logged as a 500. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get("requestId");
  const log = c.get("log") ?? createLogger({ request_id: requestId });
  if (err instanceof AppError) {
    return problemResponse(err.status, err.code, err.detail, { ...err.extra, requestId });
  }
  if (err instanceof HTTPException) {
    const [status, code, detail, errors] = fromHttpException(err);
    return problemResponse(status, code, detail, { errors, requestId });
  }
  if (err instanceof ConfigError) {
    log("error", "configuration error", { variable: err.variable, error: err.message });
    return problemResponse(500, "configuration_error", `The service is misconfigured (${err.variable}); the operator has to fix it.`, { requestId });
  }
  const db = databaseErrorInfo(err);
  if (db && (db.code === undefined || UNAVAILABLE.test(db.code))) {
    log("error", "database unavailable", { db_code: db.code, error: db.message });
    return problemResponse(503, "service_unavailable", "The database is not reachable right now. Try again shortly.", {
      headers: { "Retry-After": "5" },
      requestId,
    });
  }
  // Unknown: log the type and message only (a drizzle error's own message embeds query parameters).
  log("error", "unhandled error", db ? { db_code: db.code, error: db.message } : { error: err.name, message: err.message, stack: err.stack });
  return problemResponse(500, "internal_error", "Something went wrong on our side.", { requestId });
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`, { requestId: c.get("requestId") });
