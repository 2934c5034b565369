import type { ConfigVariable } from "./config";

/**
 * The Worker's bindings: the static-assets fetcher, the rate limiters, and every configuration variable
 * (vars from wrangler.toml, secrets), whose names come from the config schema (src/config.ts).
 */
export type Env = {
  ASSETS: Fetcher;
  /** Workers Rate Limiting bindings ([[ratelimits]] in wrangler.toml); absent means no limit. */
  MAIL_RATE_LIMITER?: RateLimit;
  AUTH_RATE_LIMITER?: RateLimit;
} & { [V in ConfigVariable]?: string };
