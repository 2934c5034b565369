import type { MiddlewareHandler } from "hono";
import { createLogger } from "../log";
import type { AppEnv } from "./app-env";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id (the caller's X-Request-Id if it is sane, else a fresh UUID), echoes it,
 * and writes one JSON line when the response is ready: route pattern, status, duration. The URL's
 * query string is never logged (it may carry a cursor or a search term).
 */
export const requestLog = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const started = performance.now();
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  const log = createLogger({ request_id: requestId });
  c.set("requestId", requestId);
  c.set("log", log);
  await next();
  c.res.headers.set("X-Request-Id", requestId);
  log(c.res.status >= 500 ? "error" : "info", "request", {
    method: c.req.method,
    route: c.req.routePath,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Math.round((performance.now() - started) * 10) / 10,
  });
};
