import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AppError } from "../errors";
import type { IssuedTokens } from "../services/session-tokens";
import { API_BASE_PATH } from "./paths";
import type { AppEnv } from "./app-env";

// The browser app never sees its refresh token: it lives in this cookie, sent only to the auth routes.
// The __Secure- prefix makes browsers refuse it over plain HTTP (localhost counts as secure).
const NAME = "refresh_token";
const OPTIONS = { path: `${API_BASE_PATH}/auth`, httpOnly: true, secure: true, sameSite: "Strict", prefix: "secure" } as const;
/** The cookie's name as browsers send it (the prefix included). */
export const REFRESH_COOKIE_NAME = `__Secure-${NAME}`;

export function setRefreshCookie(c: Context<AppEnv>, tokens: IssuedTokens): void {
  setCookie(c, NAME, tokens.refreshToken, { ...OPTIONS, maxAge: tokens.refreshExpiresIn });
}

export function clearRefreshCookie(c: Context<AppEnv>): void {
  deleteCookie(c, NAME, OPTIONS);
}

/**
 * The cookie's refresh token, if the request may use it. SameSite=Strict already keeps other sites'
 * requests from carrying it; the Origin and Fetch Metadata checks are a second lock for older
 * browsers and same-site-but-other-origin pages.
 */
export function refreshTokenFromCookie(c: Context<AppEnv>): string | undefined {
  const token = getCookie(c, NAME, "secure");
  if (!token) return undefined;
  const origin = c.req.header("origin");
  const allowed = origin === undefined || origin === new URL(c.req.url).origin || c.get("deps").config.corsOrigins.includes(origin);
  if (!allowed || c.req.header("sec-fetch-site") === "cross-site") {
    throw new AppError("cross_site_request");
  }
  return token;
}
