import type { MiddlewareHandler } from "hono";
import { invalidToken } from "../errors";
import { verifyAccessToken } from "../security/access-token";
import type { AppEnv } from "./app-env";

/**
 * Checks the bearer token in memory (signature, pinned algorithm, issuer, audience, expiry) and puts
 * its claims on the context. Whether the session is still live is checked by the route's own query.
 */
export const requireBearer = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const header = c.req.header("authorization");
  const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim()) : null;
  if (!match) throw invalidToken("Send an access token as 'Authorization: Bearer <token>'.");
  const { keys, config, clock } = c.get("deps");
  const { issuer, audience, accessTtl } = config.jwt;
  c.set("caller", await verifyAccessToken(keys, match[1]!, { issuer, audience, ttlSeconds: accessTtl }, clock.now()));
  await next();
};
