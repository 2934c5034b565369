import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { apiRoute } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { clientInfo } from "../http/client-info";
import { toUserOut } from "../http/presenters";
import { validationHook } from "../http/validation";
import { Code, Email, FullName, Password, PresentedPassword, Username } from "../schemas/fields";
import { Accepted, documented, json, jsonBody, MeOut, PasswordConfirmation, REAUTHENTICATION_PROBLEMS, UserOut } from "../schemas/responses";
import { changeOwnPassword, confirmOwnEmailChange, requestEmailChange } from "../services/credentials-service";
import { confirmTotpEnrolment, disableTotp, regenerateRecoveryCodes, startTotpEnrolment } from "../services/totp-service";
import { deleteCurrentUser, getCurrentUser, updateCurrentUser } from "../services/profile-service";

const ProfileUpdate = z
  .strictObject({ full_name: FullName.optional(), username: Username.optional() })
  .openapi("ProfileUpdate");
const PasswordChange = z.strictObject({ current_password: PresentedPassword, new_password: Password }).openapi("PasswordChange");
const EmailChange = z.strictObject({ new_email: Email, password: PresentedPassword }).openapi("EmailChange");
const EmailChangeConfirmation = z.strictObject({ code: Code }).openapi("EmailChangeConfirmation");

const getMeRoute = apiRoute({
  method: "get",
  path: "/users/me",
  operationId: "getMe",
  tag: "users",
  access: "bearer",
  summary: "The signed-in user, with whether two-factor authentication is on",
  responses: () => ({ 200: json(MeOut(), "The user.") }),
});

const updateMeRoute = apiRoute({
  method: "patch",
  path: "/users/me",
  operationId: "updateMe",
  tag: "users",
  access: "bearer",
  summary: "Change full name or username (absent: unchanged, null: cleared)",
  request: { body: jsonBody(ProfileUpdate) },
  problems: ["username_taken"],
  responses: () => ({ 200: json(UserOut(), "The updated user.") }),
});

const deleteMeRoute = apiRoute({
  method: "delete",
  path: "/users/me",
  operationId: "deleteMe",
  tag: "users",
  access: "bearer",
  summary: "Delete the account (password required); sessions and codes go with it",
  // The password check counts like a login's: same rate limit, same failure counters.
  rateLimit: "password",
  request: { body: jsonBody(PasswordConfirmation) },
  problems: [...REAUTHENTICATION_PROBLEMS, "last_admin"],
  responses: () => ({
    204: { description: "Deleted." },
  }),
});

const changePasswordRoute = apiRoute({
  method: "post",
  path: "/users/me/password",
  operationId: "changePassword",
  tag: "users",
  access: "bearer",
  summary: "Change the password; every other session is signed out",
  // The password check counts like a login's: same rate limit, same failure counters.
  rateLimit: "password",
  request: { body: jsonBody(PasswordChange) },
  problems: REAUTHENTICATION_PROBLEMS,
  responses: () => ({
    204: { description: "Changed." },
  }),
});

const changeEmailRoute = apiRoute({
  method: "post",
  path: "/users/me/email",
  operationId: "startEmailChange",
  tag: "users",
  access: "bearer",
  summary: "Start changing the email address: a code goes to the new address, a notice to the current one",
  description:
    "Answers 202 whether or not the new address has an account: a free address gets the code, a taken one a notice instead, so the answer tells nothing about other accounts.",
  // The password check counts like a login's: same rate limit, same failure counters.
  rateLimit: "password",
  request: { body: jsonBody(EmailChange) },
  problems: [...REAUTHENTICATION_PROBLEMS, "email_unchanged", "too_many_requests"],
  responses: () => ({
    202: json(Accepted(), "Accepted; the new address gets a code (or, if it has an account, a notice)."),
  }),
});

const confirmEmailRoute = apiRoute({
  method: "post",
  path: "/users/me/email/verify",
  operationId: "confirmEmailChange",
  tag: "users",
  access: "bearer",
  summary: "Finish changing the email address with the code sent to it",
  request: { body: jsonBody(EmailChangeConfirmation) },
  problems: ["invalid_code", "code_expired", "email_taken", "too_many_attempts"],
  responses: () => ({
    200: json(UserOut(), "The user with the new address."),
  }),
});

const TotpCode = z.string().regex(/^\d{6}$/, "Must be the 6 digits the authenticator app shows.").openapi({ example: "287082" });
const TotpConfirmation = z.strictObject({ code: TotpCode }).openapi("TotpConfirmation");
const TotpEnrolment = documented(() =>
  z
    .object({
      secret: z.string().openapi({ description: "The new secret, 160 bits in base32 (for typing into an app by hand)." }),
      otpauth_uri: z.string().openapi({ description: "otpauth://totp/… for a QR code: issuer, account (the email), SHA1, 6 digits, 30 s." }),
    })
    .openapi("TotpEnrolment"),
);
const RecoveryCodes = documented(() =>
  z
    .object({
      recovery_codes: z.array(z.string()).openapi({ description: "10 single-use codes (`xxxxx-xxxxx`), shown this once; only hashes are kept." }),
    })
    .openapi("RecoveryCodes"),
);

const startTotpRoute = apiRoute({
  method: "post",
  path: "/users/me/totp",
  operationId: "startTotp",
  tag: "users",
  access: "bearer",
  summary: "Start turning on two-factor authentication (TOTP): a fresh secret to put in an authenticator app",
  description: "Needs the password. The secret stays pending for 15 minutes, until POST /users/me/totp/confirm; starting again replaces it.",
  rateLimit: "password",
  request: { body: jsonBody(PasswordConfirmation) },
  problems: [...REAUTHENTICATION_PROBLEMS, "totp_already_enabled"],
  responses: () => ({ 200: json(TotpEnrolment(), "The pending secret and its otpauth URI.") }),
});

const confirmTotpRoute = apiRoute({
  method: "post",
  path: "/users/me/totp/confirm",
  operationId: "confirmTotp",
  tag: "users",
  access: "bearer",
  summary: "Turn on two-factor authentication with a first code from the app; answers the recovery codes, once",
  request: { body: jsonBody(TotpConfirmation) },
  problems: ["invalid_code", "totp_already_enabled", "totp_enrolment_expired"],
  responses: () => ({ 200: json(RecoveryCodes(), "TOTP is on; every later sign-in asks for a code.") }),
});

const BothFactors = z
  .strictObject({
    password: PresentedPassword,
    code: z.string().min(1).max(40).openapi({ description: "The app's current 6-digit code, or an unused recovery code." }),
  })
  .openapi("BothFactors");

const BOTH_FACTOR_PROBLEMS = [...REAUTHENTICATION_PROBLEMS, "invalid_code", "totp_not_enabled", "too_many_attempts"] as const;

const disableTotpRoute = apiRoute({
  method: "delete",
  path: "/users/me/totp",
  operationId: "disableTotp",
  tag: "users",
  access: "bearer",
  summary: "Turn off two-factor authentication (password and a current code or recovery code)",
  rateLimit: "password",
  request: { body: jsonBody(BothFactors) },
  problems: BOTH_FACTOR_PROBLEMS,
  responses: () => ({ 204: { description: "TOTP is off; the recovery codes are gone." } }),
});

const regenerateRecoveryCodesRoute = apiRoute({
  method: "post",
  path: "/users/me/totp/recovery-codes",
  operationId: "regenerateRecoveryCodes",
  tag: "users",
  access: "bearer",
  summary: "Replace the recovery codes (password and a current code or recovery code); the old ones stop working",
  rateLimit: "password",
  request: { body: jsonBody(BothFactors) },
  problems: BOTH_FACTOR_PROBLEMS,
  responses: () => ({ 200: json(RecoveryCodes(), "10 new codes, shown this once.") }),
});

export const userRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

userRoutes.openapi(getMeRoute, async (c) => {
  const me = await getCurrentUser(c.get("deps"), c.get("caller"));
  return c.json({ ...toUserOut(me), recovery_codes_left: me.recoveryCodesLeft }, 200);
});

for (const route of [updateMeRoute, { ...updateMeRoute, method: "put" as const, operationId: "replaceMe", summary: "Same as PATCH /users/me" }]) {
  userRoutes.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const user = await updateCurrentUser(c.get("deps"), c.get("caller"), { fullName: body.full_name, username: body.username });
    return c.json(toUserOut(user), 200);
  });
}

userRoutes.openapi(deleteMeRoute, async (c) => {
  await deleteCurrentUser(c.get("deps"), c.get("caller"), c.req.valid("json").password, clientInfo(c));
  return c.body(null, 204);
});

userRoutes.openapi(changePasswordRoute, async (c) => {
  const body = c.req.valid("json");
  await changeOwnPassword(c.get("deps"), c.get("caller"), { currentPassword: body.current_password, newPassword: body.new_password }, clientInfo(c));
  return c.body(null, 204);
});

userRoutes.openapi(changeEmailRoute, async (c) => {
  const body = c.req.valid("json");
  await requestEmailChange(c.get("deps"), c.get("caller"), { newEmail: body.new_email, password: body.password }, clientInfo(c));
  return c.json({ status: "accepted" as const, detail: "If the new address can be used, a code is on its way to it." }, 202);
});

userRoutes.openapi(confirmEmailRoute, async (c) => {
  const user = await confirmOwnEmailChange(c.get("deps"), c.get("caller"), c.req.valid("json").code);
  return c.json(toUserOut(user), 200);
});

userRoutes.openapi(startTotpRoute, async (c) => {
  const started = await startTotpEnrolment(c.get("deps"), c.get("caller"), c.req.valid("json").password, clientInfo(c));
  return c.json({ secret: started.secret, otpauth_uri: started.otpauthUri }, 200);
});

userRoutes.openapi(confirmTotpRoute, async (c) => {
  const codes = await confirmTotpEnrolment(c.get("deps"), c.get("caller"), c.req.valid("json").code);
  return c.json({ recovery_codes: codes }, 200);
});

userRoutes.openapi(disableTotpRoute, async (c) => {
  await disableTotp(c.get("deps"), c.get("caller"), c.req.valid("json"), clientInfo(c));
  return c.body(null, 204);
});

userRoutes.openapi(regenerateRecoveryCodesRoute, async (c) => {
  const codes = await regenerateRecoveryCodes(c.get("deps"), c.get("caller"), c.req.valid("json"), clientInfo(c));
  return c.json({ recovery_codes: codes }, 200);
});
