import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env";
import { AppError } from "../errors";
import type { AppEnv } from "./app-env";
import { clientInfo } from "./client-info";

/**
 * What is counted, per client network, whatever path it arrives on: login and its aliases, the token
 * endpoint's password grant and the re-authentication of delete / password / email change all spend the
 * one `password` budget; register and its alias one `register` budget. Each operation names the Workers
 * Rate Limiting binding ([[ratelimits]] in wrangler.toml) that holds its counters.
 * Not /auth/refresh: the browser app calls it on every page load and many people share one address
 * (offices, carrier NAT); its token has 128 random bits to guess, a made-up one is refused before the
 * database, and reuse detection guards a stolen one.
 */
const OPERATIONS = {
  register: "MAIL_RATE_LIMITER",
  resendVerification: "MAIL_RATE_LIMITER",
  forgotPassword: "MAIL_RATE_LIMITER",
  password: "AUTH_RATE_LIMITER",
  verifyEmail: "AUTH_RATE_LIMITER",
  resetPassword: "AUTH_RATE_LIMITER",
  secondFactor: "AUTH_RATE_LIMITER",
  passkey: "AUTH_RATE_LIMITER",
} as const satisfies Record<string, keyof Env>;

export type LimitedOperation = keyof typeof OPERATIONS;

// The binding's window; wrangler.toml allows 10 or 60 seconds, both limiters use 60.
const PERIOD_SECONDS = 60;

/**
 * Counts one request of `operation` from the caller's network (IPv4 address or IPv6 /64) and refuses it
 * past the limit. The counters live in Cloudflare's edge (locally, in workerd): no database round trip.
 */
export async function enforceRateLimit(c: Context<AppEnv>, operation: LimitedOperation): Promise<void> {
  const binding = c.env[OPERATIONS[operation]];
  if (!binding) return;
  const { success } = await binding.limit({ key: `${operation}|${clientInfo(c).network}` });
  if (!success) {
    throw new AppError("rate_limited", undefined, { headers: { "Retry-After": String(PERIOD_SECONDS) } });
  }
}

/** The same, as a route's middleware. */
export const rateLimit =
  (operation: LimitedOperation): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    await enforceRateLimit(c, operation);
    await next();
  };
