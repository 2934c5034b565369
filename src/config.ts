import * as z from "zod";
import { ConfigError } from "./errors";
import type { Env } from "./env";

// One transform rather than a chain (regex, to number, int, min, optional, default): each link of a chain is
// a schema that every new isolate builds at start-up, and these six variables' chains were a third of the
// configuration's schemas. Fifteen digits at most keeps the number exact.
const wholeNumber = (fallback: number, min: number, of = "") =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      const value = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
      if (value >= min) return value;
      ctx.addIssue({ code: "custom", message: `must be a whole number${of}, at least ${min}` });
      return z.NEVER;
    });

const seconds = (fallback: number, min = 1) => wholeNumber(fallback, min, " of seconds");

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : v === "true" || v === "1"));

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean));

const ed25519PrivateJwk = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  d: z.string().min(1),
  x: z.string().min(1),
  kid: z.string().min(1),
});
const ed25519PublicJwk = ed25519PrivateJwk.omit({ d: true });

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be JSON" });
      return z.NEVER;
    }
  }).pipe(schema);

/**
 * The Worker's variables, one entry each: how it is checked and what it defaults to. Everything else
 * about configuration derives from this object: the Env type (src/env.ts), the Config type and its
 * mapping (below), the variables `npm run dev` passes through, and the checks on the tooling's lists
 * and README's table (test/node/config-sources.test.ts).
 */
export const variablesSchema = z.object({
  DATABASE_URL: z.string().url(),
  NEON_LOCAL_ENDPOINT: z.string().url().optional(),
  JWT_PRIVATE_KEY: json(ed25519PrivateJwk),
  JWT_PUBLIC_KEYS: json(z.array(ed25519PublicJwk)).optional(),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  ACCESS_TOKEN_TTL: seconds(30 * 60),
  REFRESH_TOKEN_TTL: seconds(7 * 24 * 3600),
  SESSION_MAX_AGE: seconds(30 * 24 * 3600),
  REFRESH_REUSE_WINDOW: seconds(10, 0),
  PENDING_ACCOUNT_MAX_AGE: seconds(7 * 24 * 3600),
  MAX_SESSIONS_PER_USER: wholeNumber(50, 1),
  TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  RESEND_API_KEY: z.string().min(1),
  RESEND_API_URL: z.string().url().default("https://api.resend.com"),
  MAIL_FROM: z.string().min(3),
  APP_URL: z.string().url(),
  REQUIRE_EMAIL_VERIFICATION: flag(true),
  ADMIN_EMAILS: list.transform((emails) => emails.map((e) => e.toLowerCase())),
  CORS_ORIGINS: list,
  TOTP_ISSUER: z.string().min(1).max(100).refine((v) => !v.includes(":"), "cannot contain a colon").optional(),
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a lower-case host name, without scheme or port")
    .optional(),
  WEBAUTHN_RP_NAME: z.string().min(1).max(100).optional(),
  WEBAUTHN_ORIGINS: list.pipe(z.array(z.string().regex(/^https?:\/\/[^/?#\s]+$/, "must be origins (scheme://host[:port]), comma-separated"))),
  MAIL_CATCHER_URL: z.string().url().optional(),
});

export type ConfigVariable = keyof typeof variablesSchema.shape;

export const CONFIG_VARIABLES = Object.keys(variablesSchema.shape) as ConfigVariable[];

/** Variables only the local stack sets (npm run dev, the tests, the bench); a deployment leaves them out. */
export const LOCAL_TOOLING_VARIABLES = ["NEON_LOCAL_ENDPOINT", "MAIL_CATCHER_URL"] as const satisfies ConfigVariable[];

/** The variables as the code uses them. */
const configSchema = variablesSchema.transform((e) => ({
  databaseUrl: e.DATABASE_URL,
  /** Local stacks only: send SQL to this Neon-compatible endpoint instead of the URL's host. */
  neonLocalEndpoint: e.NEON_LOCAL_ENDPOINT,
  jwt: {
    privateKey: e.JWT_PRIVATE_KEY,
    publicKeys: e.JWT_PUBLIC_KEYS ?? [],
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
    accessTtl: e.ACCESS_TOKEN_TTL,
  },
  refreshTtl: e.REFRESH_TOKEN_TTL,
  sessionMaxAge: e.SESSION_MAX_AGE,
  /** Seconds during which a just-rotated refresh token still yields the same successor (concurrent tabs). */
  refreshReuseWindow: e.REFRESH_REUSE_WINDOW,
  /** Seconds an unverified registration is kept (from its last registration) before the cron deletes it. */
  pendingAccountMaxAge: e.PENDING_ACCOUNT_MAX_AGE,
  /** Live sessions one user may have; a sign-in beyond it revokes the oldest. */
  maxSessionsPerUser: e.MAX_SESSIONS_PER_USER,
  tokenSecret: e.TOKEN_SECRET,
  mail: { apiKey: e.RESEND_API_KEY, apiUrl: e.RESEND_API_URL.replace(/\/+$/, ""), from: e.MAIL_FROM },
  appUrl: e.APP_URL.replace(/\/+$/, ""),
  requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
  adminEmails: e.ADMIN_EMAILS,
  corsOrigins: e.CORS_ORIGINS,
  /** The name authenticator apps show above the account: TOTP_ISSUER, or APP_URL's host name. */
  totpIssuer: e.TOTP_ISSUER ?? new URL(e.APP_URL).hostname,
  /**
   * The WebAuthn relying party passkeys are bound to: its id (a host name: APP_URL's unless set; a passkey
   * works on that host and its subdomains), the name browsers show, and the exact origins a ceremony may
   * come from (APP_URL's origin unless set).
   */
  relyingParty: {
    id: e.WEBAUTHN_RP_ID ?? new URL(e.APP_URL).hostname,
    name: e.WEBAUTHN_RP_NAME ?? e.TOTP_ISSUER ?? new URL(e.APP_URL).hostname,
    origins: e.WEBAUTHN_ORIGINS.length ? e.WEBAUTHN_ORIGINS : [new URL(e.APP_URL).origin],
  },
  /** Local stacks only: the page where caught mail can be read; the browser app links to it. */
  mailCatcherUrl: e.MAIL_CATCHER_URL,
}));

export type Ed25519PrivateJwk = z.infer<typeof ed25519PrivateJwk>;
export type Ed25519PublicJwk = z.infer<typeof ed25519PublicJwk>;

export type Config = z.output<typeof configSchema>;

/** Reads and checks the Worker's env. Throws a ConfigError naming the first bad variable. */
export function parseConfig(env: Env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "unknown");
    const present = (env as unknown as Record<string, unknown>)[variable] !== undefined;
    throw new ConfigError(variable, present ? `is malformed: ${issue.message}` : "is required but not set");
  }
  return parsed.data;
}

const cache = new WeakMap<Env, Config>();

/** Parsed once per isolate: the env object is stable for the isolate's life. */
export function getConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env);
    cache.set(env, config);
  }
  return config;
}
