/** The Worker's bindings: vars from wrangler.toml, secrets, and the static-assets fetcher. */
export interface Env {
  ASSETS: Fetcher;
  /** Workers Rate Limiting bindings ([[ratelimits]] in wrangler.toml); absent means no limit. */
  MAIL_RATE_LIMITER?: RateLimit;
  AUTH_RATE_LIMITER?: RateLimit;
  DATABASE_URL?: string;
  NEON_LOCAL_ENDPOINT?: string;
  JWT_PRIVATE_KEY?: string;
  JWT_PUBLIC_KEYS?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  ACCESS_TOKEN_TTL?: string;
  REFRESH_TOKEN_TTL?: string;
  SESSION_MAX_AGE?: string;
  REFRESH_REUSE_WINDOW?: string;
  PENDING_ACCOUNT_MAX_AGE?: string;
  TOKEN_SECRET?: string;
  RESEND_API_KEY?: string;
  RESEND_API_URL?: string;
  MAIL_FROM?: string;
  APP_URL?: string;
  REQUIRE_EMAIL_VERIFICATION?: string;
  ADMIN_EMAILS?: string;
  CORS_ORIGINS?: string;
  MAIL_CATCHER_URL?: string;
  LOG_LEVEL?: string;
}
