import type { Context } from "hono";
import type { ClientInfo } from "../context";
import { clientNetwork } from "../security/client-network";

/** CF-Connecting-IP is set by Cloudflare's edge and cannot be forged by the client there. */
export function clientInfo(c: Context): ClientInfo {
  const ip = c.req.header("cf-connecting-ip") ?? null;
  return { userAgent: c.req.header("user-agent") ?? null, ip, network: clientNetwork(ip) };
}
