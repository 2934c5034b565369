import type { MiddlewareHandler } from "hono";
import { problemSpec } from "../domain/problems";
import type { AppError } from "../errors";
import type { AppEnv } from "./app-env";

/** RFC 6749 §5.1: token responses, and their errors, must not be cached. */
export const OAUTH_NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

export const OAUTH_ERROR_CODES = ["invalid_request", "invalid_grant", "mfa_required", "unsupported_grant_type", "temporarily_unavailable", "server_error"] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/**
 * A problem (status and code) as the token endpoint states it: RFC 6749 §5.2's codes (the catalogue
 * names a failed grant's), status 400 for the protocol's own errors; a body too large, a rate limit, an
 * outage or a fault keep their status.
 */
export function toOAuthError({ status, code }: Pick<AppError, "status" | "code">): { status: number; error: OAuthErrorCode } {
  const { oauth } = problemSpec(code);
  // Auth0's answer to a password grant that needs a second factor (403 and its `mfa_token`), which OAuth libraries for it know.
  if (oauth === "mfa_required") return { status: 403, error: oauth };
  if (oauth) return { status: 400, error: oauth };
  if (status === 429 || status === 503) return { status, error: "temporarily_unavailable" };
  if (status >= 500) return { status, error: "server_error" };
  return { status: status === 413 ? 413 : 400, error: "invalid_request" };
}

export function oauthErrorResponse(
  status: number,
  error: OAuthErrorCode,
  description: string,
  headers: Record<string, string> = {},
  members: Record<string, string | number> = {},
): Response {
  return new Response(JSON.stringify({ error, error_description: description, ...members }), {
    status,
    headers: { "Content-Type": "application/json", ...headers, ...OAUTH_NO_STORE },
  });
}

/** Marks a route whose every error, from any middleware on, is answered in RFC 6749's shape (see onError). */
export const answersInOAuthErrors = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  c.set("errorStyle", "oauth");
  await next();
};
