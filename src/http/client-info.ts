import type { Context } from "hono";
import type { ClientInfo } from "../context";

/** CF-Connecting-IP is set by Cloudflare's edge and cannot be forged by the client there. */
export const clientInfo = (c: Context): ClientInfo => ({
  userAgent: c.req.header("user-agent") ?? null,
  ip: c.req.header("cf-connecting-ip") ?? null,
});
