import type { MiddlewareHandler } from "hono";
import { createLogger } from "../log";
import { withTimings, type RequestTimings } from "../timing";
import type { AppEnv } from "./app-env";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

const round = (ms: number) => Math.round(ms * 10) / 10;

// Clock reads in Workers advance only across I/O, so durations are coarse there; the round-trip
// count is exact and is what the latency budget is about.
function serverTiming(t: RequestTimings, totalMs: number): string {
  const parts = [`db;dur=${round(t.dbMs)};desc="${t.dbRoundTrips} round trip${t.dbRoundTrips === 1 ? "" : "s"}"`];
  if (t.hashMs > 0) parts.push(`hash;dur=${round(t.hashMs)}`);
  parts.push(`total;dur=${round(totalMs)}`);
  return parts.join(", ");
}

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
  const timings = await withTimings(async (t) => {
    await next();
    return t;
  });
  const total = performance.now() - started;
  c.res.headers.set("X-Request-Id", requestId);
  c.res.headers.set("Server-Timing", serverTiming(timings, total));
  log(c.res.status >= 500 ? "error" : "info", "request", {
    method: c.req.method,
    route: c.req.routePath,
    path: c.req.path,
    status: c.res.status,
    duration_ms: round(total),
    db_ms: round(timings.dbMs),
    db_round_trips: timings.dbRoundTrips,
  });
};
