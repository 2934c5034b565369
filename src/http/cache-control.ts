import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";

/**
 * API answers carry tokens or personal data, or problems about them: nothing may keep a copy (RFC 9111
 * no-store; RFC 6749 §5.1 asks it of every token response). A route that serves something public sets
 * its own Cache-Control, which is left alone.
 */
export const noStoreByDefault = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
};
