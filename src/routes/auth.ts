import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { aliasRoute, apiRoute } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { clientInfo } from "../http/client-info";
import { clearRefreshCookie, refreshTokenFromCookie, setRefreshCookie } from "../http/refresh-cookie";
import { toTokenResponse, toUserOut } from "../http/presenters";
import { validationHook } from "../http/validation";
import { missingToken } from "../errors";
import { Accepted, json, jsonBody, TokenResponse, UserOut } from "../schemas/responses";
import { Code, Email, FullName, Password, PresentedPassword, Username } from "../schemas/fields";
import { login } from "../services/login-service";
import { completeMfaLogin } from "../services/totp-service";
import { register, resendVerification, verifyEmail } from "../services/registration-service";
import { forgotPassword, resetPassword } from "../services/recovery-service";
import { logout, logoutEverywhere, refreshSession } from "../services/session-service";

const RegisterIn = z
  .strictObject({ email: Email, password: Password, full_name: FullName.optional(), username: Username.optional() })
  .openapi("RegisterIn");
const LoginIn = z.strictObject({ email: Email, password: PresentedPassword }).openapi("LoginIn");
const VerifyIn = z
  .strictObject({
    email: Email,
    code: Code,
    password: Password.openapi({
      description:
        "The account's password from now on. Whoever holds the code decides it, whichever registration sent the code; the registration's name and username are kept only if this is the password it was made with.",
    }),
  })
  .openapi("VerifyIn");
const MfaLoginIn = z
  .strictObject({
    mfa_ticket: z.string().min(1).max(200).openapi({ description: "The `mfa_ticket` of the sign-in's `mfa_required` answer." }),
    code: z.string().min(1).max(40).openapi({
      description: "The authenticator app's 6-digit code, or one of the recovery codes (any case, with or without the dash).",
    }),
  })
  .openapi("MfaLoginIn");
const EmailIn = z.strictObject({ email: Email }).openapi("EmailIn");
const ResetPasswordIn = z.strictObject({ email: Email, code: Code, new_password: Password }).openapi("ResetPasswordIn");
const RefreshIn = z
  .strictObject({ refresh_token: z.string().min(1).max(200).optional() })
  .openapi("RefreshIn", { description: "Omit the body (or the field) to use the HttpOnly refresh cookie instead." });

// Identical bytes whatever the address's state, so the answer reveals nothing about who has an account.
const ACCEPTED = { status: "accepted", detail: "If the address can receive mail, a message is on its way." } as const;

const registerRoute = apiRoute({
  method: "post",
  path: "/auth/register",
  operationId: "register",
  tag: "auth",
  access: "public",
  summary: "Create an account",
  description:
    "With email verification on (default) answers 202 whatever the address's state and mails a code (at most one a minute); the account is activated by POST /auth/verify, with the password sent there. Off, 201 with the user. A username another account has is 409 either way.",
  rateLimit: "register",
  request: { body: jsonBody(RegisterIn) },
  problems: ["email_taken", "username_taken"],
  responses: () => ({
    201: json(z.object({ user: UserOut() }), "Created (verification off)."),
    202: json(Accepted(), "Accepted; a code (or a notice for an existing account) was mailed."),
  }),
});

const verifyRoute = apiRoute({
  method: "post",
  path: "/auth/verify",
  operationId: "verifyEmail",
  tag: "auth",
  access: "public",
  summary: "Verify an email address with its code, set the password, and sign in",
  rateLimit: "verifyEmail",
  request: { body: jsonBody(VerifyIn) },
  problems: ["invalid_code", "code_expired", "username_taken", "too_many_attempts"],
  responses: () => ({
    200: json(TokenResponse(), "Verified; a session was opened."),
  }),
});

const resendRoute = apiRoute({
  method: "post",
  path: "/auth/verify/resend",
  operationId: "resendVerification",
  tag: "auth",
  access: "public",
  summary: "Mail a new verification code",
  rateLimit: "resendVerification",
  request: { body: jsonBody(EmailIn) },
  responses: () => ({ 202: json(Accepted(), "Accepted, whatever the address's state.") }),
});

const loginRoute = apiRoute({
  method: "post",
  path: "/auth/login",
  operationId: "login",
  tag: "auth",
  access: "public",
  summary: "Sign in with email and password",
  rateLimit: "password",
  request: { body: jsonBody(LoginIn) },
  description:
    "With two-factor authentication on, a right password opens no session: the answer is 403 `mfa_required` with `mfa_ticket` and `expires_in`; POST /auth/login/mfa finishes the sign-in.",
  problems: ["invalid_credentials", "email_not_verified", "account_locked", "mfa_required"],
  responses: () => ({
    200: json(TokenResponse(), "Signed in; a session was opened."),
  }),
});

const mfaLoginRoute = apiRoute({
  method: "post",
  path: "/auth/login/mfa",
  operationId: "loginMfa",
  tag: "auth",
  access: "public",
  summary: "Finish a sign-in with two-factor authentication: the ticket and a TOTP or recovery code",
  description:
    "One round trip. A code is good once (a TOTP code's time step is never accepted twice for the account, on any ticket); a ticket takes 5 answers in 5 minutes and opens one session; the account takes 10 wrong answers per 15 minutes across all its tickets. The tokens carry `amr: [\"pwd\", \"otp\"]`.",
  rateLimit: "secondFactor",
  request: { body: jsonBody(MfaLoginIn) },
  problems: ["invalid_mfa_ticket", "invalid_code", "too_many_attempts"],
  responses: () => ({
    200: json(TokenResponse(), "Signed in; the session the ticket named was opened."),
  }),
});

const refreshRoute = apiRoute({
  method: "post",
  path: "/auth/refresh",
  operationId: "refresh",
  tag: "auth",
  access: "refresh",
  summary: "Exchange a refresh token for a new pair (rotation)",
  description:
    "Every use rotates the token. Presenting the previous token again within the reuse window returns the same successor; any other superseded token, of any generation, revokes the session. When the token came from the cookie, the answer carries no `refresh_token` (the new one is in the cookie only).",
  request: { body: { required: false, content: { "application/json": { schema: RefreshIn } } } },
  problems: ["invalid_token", "refresh_token_reused", "cross_site_request"],
  responses: () => ({
    200: json(TokenResponse(), "A new access token and the successor refresh token (also set as the cookie)."),
  }),
});

const logoutRoute = apiRoute({
  method: "post",
  path: "/auth/logout",
  operationId: "logout",
  tag: "auth",
  access: "bearer",
  summary: "Sign out this session",
  responses: () => ({ 204: { description: "This session is revoked; its tokens stop working at once." } }),
});

const logoutAllRoute = apiRoute({
  method: "post",
  path: "/auth/logout/all",
  operationId: "logoutAll",
  tag: "auth",
  access: "bearer",
  summary: "Sign out every session of this user",
  responses: () => ({ 204: { description: "Every session is revoked." } }),
});

const forgotPasswordRoute = apiRoute({
  method: "post",
  path: "/auth/forgot-password",
  operationId: "forgotPassword",
  tag: "auth",
  access: "public",
  summary: "Mail a password reset code",
  rateLimit: "forgotPassword",
  request: { body: jsonBody(EmailIn) },
  responses: () => ({ 202: json(Accepted(), "Accepted, whatever the address's state (at most one mail a minute).") }),
});

const resetPasswordRoute = apiRoute({
  method: "post",
  path: "/auth/reset-password",
  operationId: "resetPassword",
  tag: "auth",
  access: "public",
  summary: "Set a new password with the mailed code; every session is signed out",
  rateLimit: "resetPassword",
  request: { body: jsonBody(ResetPasswordIn) },
  problems: ["invalid_code", "code_expired", "too_many_attempts"],
  responses: () => ({
    204: { description: "Password set; the address counts as verified; all sessions revoked." },
  }),
});

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

for (const route of [registerRoute, aliasRoute(registerRoute, { path: "/users", operationId: "createUser", summary: "Create an account (alias of /auth/register)" })]) {
  authRoutes.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const result = await register(c.get("deps"), {
      email: body.email,
      password: body.password,
      fullName: body.full_name ?? null,
      username: body.username ?? null,
    });
    return result.kind === "created" ? c.json({ user: toUserOut(result.user) }, 201) : c.json(ACCEPTED, 202);
  });
}

authRoutes.openapi(verifyRoute, async (c) => {
  const tokens = await verifyEmail(c.get("deps"), c.req.valid("json"), clientInfo(c));
  setRefreshCookie(c, tokens);
  return c.json(toTokenResponse(tokens), 200);
});

authRoutes.openapi(resendRoute, async (c) => {
  await resendVerification(c.get("deps"), c.req.valid("json").email);
  return c.json(ACCEPTED, 202);
});

for (const route of [loginRoute, aliasRoute(loginRoute, { path: "/users/login", operationId: "loginAlias", summary: "Sign in (alias of /auth/login)" })]) {
  authRoutes.openapi(route, async (c) => {
    const tokens = await login(c.get("deps"), c.req.valid("json"), clientInfo(c));
    setRefreshCookie(c, tokens);
    return c.json(toTokenResponse(tokens), 200);
  });
}

authRoutes.openapi(mfaLoginRoute, async (c) => {
  const body = c.req.valid("json");
  const tokens = await completeMfaLogin(c.get("deps"), { ticket: body.mfa_ticket, code: body.code }, clientInfo(c));
  setRefreshCookie(c, tokens);
  return c.json(toTokenResponse(tokens), 200);
});

authRoutes.openapi(refreshRoute, async (c) => {
  const fromBody = c.req.valid("json").refresh_token;
  const presented = fromBody ?? refreshTokenFromCookie(c);
  if (!presented) throw missingToken("Send a refresh_token, or the refresh cookie.");
  const tokens = await refreshSession(c.get("deps"), presented);
  setRefreshCookie(c, tokens);
  // A cookie's token stays out of reach of the page's scripts: the body does not repeat it.
  const { refresh_token, ...withoutRefreshToken } = toTokenResponse(tokens);
  return c.json(fromBody === undefined ? withoutRefreshToken : { ...withoutRefreshToken, refresh_token }, 200);
});

authRoutes.openapi(logoutRoute, async (c) => {
  clearRefreshCookie(c);
  await logout(c.get("deps"), c.get("caller"));
  return c.body(null, 204);
});

authRoutes.openapi(logoutAllRoute, async (c) => {
  clearRefreshCookie(c);
  await logoutEverywhere(c.get("deps"), c.get("caller"));
  return c.body(null, 204);
});

authRoutes.openapi(forgotPasswordRoute, async (c) => {
  await forgotPassword(c.get("deps"), c.req.valid("json").email);
  return c.json(ACCEPTED, 202);
});

authRoutes.openapi(resetPasswordRoute, async (c) => {
  const body = c.req.valid("json");
  await resetPassword(c.get("deps"), { email: body.email, code: body.code, newPassword: body.new_password });
  return c.body(null, 204);
});
