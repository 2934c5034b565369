import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import type { Context } from "hono";
import { apiRoute, OAUTH_SCOPE } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { clientInfo } from "../http/client-info";
import { OAUTH_NO_STORE, oauthErrorResponse } from "../http/oauth-error";
import { toOAuthTokenResponse } from "../http/presenters";
import { enforceRateLimit } from "../http/rate-limit";
import { Email, PresentedPassword } from "../schemas/fields";
import { documented, json } from "../schemas/responses";
import { login } from "../services/login-service";
import { refreshSession } from "../services/session-service";
import { completeMfaLogin } from "../services/totp-service";
import type { IssuedTokens } from "../services/session-tokens";

// RFC 6749 §4.3 (password) and §6 (refresh). Client credentials, if a client sends them, are
// ignored: this is a public client's endpoint. A requested scope is ignored too (§3.3 allows it): every
// token grants the one scope there is, and the answer always says so (§5.1).
// Auth0's grant types for the second factor (its MFA API): no RFC names one, and client libraries that
// speak Auth0's know these, with `mfa_token` from the `mfa_required` error.
const MFA_OTP_GRANT = "http://auth0.com/oauth/grant-type/mfa-otp";
const MFA_RECOVERY_GRANT = "http://auth0.com/oauth/grant-type/mfa-recovery-code";

const optional = {
  scope: z.string().max(1000).optional().openapi({ description: `Ignored: every token is granted \`${OAUTH_SCOPE}\`.` }),
  client_id: z.string().max(200).optional().openapi({ description: "Ignored: a public client needs no identification." }),
  client_secret: z.string().max(200).optional().openapi({ description: "Ignored: a public client has no secret." }),
};
const TokenRequest = z
  .discriminatedUnion("grant_type", [
    z.object({ grant_type: z.literal("password"), username: z.string().min(1).max(254), password: PresentedPassword, ...optional }),
    z.object({ grant_type: z.literal("refresh_token"), refresh_token: z.string().min(1).max(200), ...optional }),
    z.object({ grant_type: z.literal(MFA_OTP_GRANT), mfa_token: z.string().min(1).max(200), otp: z.string().min(1).max(40), ...optional }),
    z.object({ grant_type: z.literal(MFA_RECOVERY_GRANT), mfa_token: z.string().min(1).max(200), recovery_code: z.string().min(1).max(40), ...optional }),
  ])
  .openapi("TokenRequest");

// From the union itself, so the list an unsupported grant type is answered with cannot leave one out.
const GRANT_TYPES: readonly string[] = TokenRequest.options.map((option) => option.shape.grant_type.value);

const OAuthTokens = documented(() =>
  z
    .object({
      access_token: z.string(),
      token_type: z.literal("bearer"),
      expires_in: z.number().int(),
      refresh_token: z.string(),
      refresh_expires_in: z.number().int(),
      scope: z.literal(OAUTH_SCOPE).openapi({ description: "The scope granted, whatever was asked for." }),
    })
    .openapi("OAuthTokenResponse"),
);

const tokenRoute = apiRoute({
  method: "post",
  path: "/auth/token",
  operationId: "oauthToken",
  tag: "auth",
  access: "public",
  errorStyle: "oauth",
  summary: "OAuth 2.0 token endpoint (password, refresh_token and Auth0's MFA grants)",
  description:
    "For OAuth 2.0 client libraries. A public client's endpoint: no client authentication, and `client_id` / `client_secret` (in the form or as HTTP Basic) are ignored. Every answer, errors included, is RFC 6749's JSON with `Cache-Control: no-store`; a grant that fails (wrong password, unverified address, locked account, invalid or reused refresh token) is `invalid_grant`, an unknown grant type `unsupported_grant_type`. The password grant counts against the same limits as /auth/login. With two-factor authentication on, the password grant answers 403 `mfa_required` with an `mfa_token` (Auth0's form); the grant `http://auth0.com/oauth/grant-type/mfa-otp` with `mfa_token` and `otp` (or `…/mfa-recovery-code` with `recovery_code`) then issues the tokens; a wrong code or a dead ticket is `invalid_grant`.",
  request: { body: { required: true, content: { "application/x-www-form-urlencoded": { schema: TokenRequest } } } },
  // Its own middleware would spend the password budget on refresh grants too: the handler limits password grants only.
  problems: [
    "rate_limited",
    "invalid_credentials",
    "email_not_verified",
    "account_locked",
    "invalid_token",
    "refresh_token_reused",
    "mfa_required",
    "invalid_mfa_ticket",
    "invalid_code",
    "too_many_attempts",
  ],
  responses: () => ({ 200: json(OAuthTokens(), "RFC 6749 §5.1 access token response.") }),
});

/** The token endpoint's path: its errors are answered as RFC 6749 errors from the first middleware on (src/app.ts). */
export const TOKEN_PATH = tokenRoute.path;

async function readForm(c: Context<AppEnv>): Promise<Record<string, string> | string> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return "Send the request as application/x-www-form-urlencoded.";
  // Decoded from bytes: workerd warns when .text() reads a body whose type is not text/*.
  const params = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const form: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in form) return `Parameter '${key}' is repeated.`;
    form[key] = value;
  }
  return form;
}

export const oauthTokenRoutes = new OpenAPIHono<AppEnv>();

// Registered for the document only; the handler parses with the same schema itself so that every
// failure, content type included, is answered in RFC 6749's error format rather than problem+json.
// Errors thrown below (wrong password, rate limit, outage) reach onError, which answers them the same way.
oauthTokenRoutes.openAPIRegistry.registerPath(tokenRoute);

oauthTokenRoutes.post(tokenRoute.path, async (c) => {
  const form = await readForm(c);
  if (typeof form === "string") return oauthErrorResponse(400, "invalid_request", form);
  if (!form.grant_type) return oauthErrorResponse(400, "invalid_request", "Parameter 'grant_type' is required.");
  if (!GRANT_TYPES.includes(form.grant_type)) {
    return oauthErrorResponse(400, "unsupported_grant_type", `Supported grant types: ${GRANT_TYPES.join(", ")}.`);
  }
  const parsed = TokenRequest.safeParse(form);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "request");
    return oauthErrorResponse(400, "invalid_request", `Parameter '${field}' is missing or malformed.`);
  }
  const request = parsed.data;
  let tokens: IssuedTokens;
  if (request.grant_type === "password") {
    await enforceRateLimit(c, "password");
    const email = Email.safeParse(request.username);
    if (!email.success) return oauthErrorResponse(400, "invalid_grant", "The email or password is not correct.");
    tokens = await login(c.get("deps"), { email: email.data, password: request.password }, clientInfo(c));
  } else if (request.grant_type === "refresh_token") {
    tokens = await refreshSession(c.get("deps"), request.refresh_token);
  } else {
    await enforceRateLimit(c, "secondFactor");
    const code = request.grant_type === MFA_OTP_GRANT ? request.otp : request.recovery_code;
    tokens = await completeMfaLogin(c.get("deps"), { ticket: request.mfa_token, code }, clientInfo(c));
  }
  return c.json({ ...toOAuthTokenResponse(tokens), scope: OAUTH_SCOPE }, 200, OAUTH_NO_STORE);
});
