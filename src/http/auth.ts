import type { MiddlewareHandler } from "hono";
import { invalidToken, missingToken } from "../errors";
import { verifyAccessToken } from "../security/access-token";
import type { AppEnv } from "./app-env";

const SEND_A_TOKEN = "Send an access token as 'Authorization: Bearer <token>'.";

/**
 * Checks the bearer token in memory (signature, pinned algorithm, issuer, audience, expiry) and puts
 * its claims on the context. Whether the session is still live is checked by the route's own query.
 */
export const requireBearer = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const header = c.req.header("authorization");
  if (header === undefined) throw missingToken(SEND_A_TOKEN);
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match) throw invalidToken(SEND_A_TOKEN);
  const { keys, config, clock } = c.get("deps");
  const { issuer, audience, accessTtl } = config.jwt;
  c.set("caller", await verifyAccessToken(keys, match[1]!, { issuer, audience, ttlSeconds: accessTtl }, clock.now()));
  await next();
};
