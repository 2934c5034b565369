import type { MiddlewareHandler } from "hono";
import type { Env } from "../env";
import { AppError } from "../errors";
import type { AppEnv } from "./app-env";

type LimiterName = "MAIL_RATE_LIMITER" | "AUTH_RATE_LIMITER";

// The binding's window; wrangler.toml allows 10 or 60 seconds, both limiters use 60.
const PERIOD_SECONDS = 60;

/**
 * Limits one client IP on one route with a Workers Rate Limiting binding. The counters live in
 * Cloudflare's edge (locally, in workerd), so this costs no database round trip.
 */
export const rateLimit =
  (limiter: LimiterName): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const binding = (c.env as Env)[limiter];
    if (binding) {
      const ip = c.req.header("cf-connecting-ip") ?? "unknown";
      const { success } = await binding.limit({ key: `${c.req.routePath}|${ip}` });
      if (!success) {
        throw new AppError(429, "rate_limited", "Too many requests from your address. Wait a minute and try again.", {
          headers: { "Retry-After": String(PERIOD_SECONDS) },
        });
      }
    }
    await next();
  };
