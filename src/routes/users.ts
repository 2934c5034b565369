import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env";
import { requireBearer } from "../http/auth";
import { clientInfo } from "../http/client-info";
import { rateLimit } from "../http/rate-limit";
import { toUserOut } from "../http/presenters";
import { validationHook } from "../http/validation";
import { Code, Email, FullName, Password, Username } from "../schemas/fields";
import { Accepted, bearerSecurity, INPUT_PROBLEMS, json, jsonBody, problemResponses, SIGNED_IN_PROBLEMS, UserOut } from "../schemas/responses";
import { changeOwnPassword, confirmOwnEmailChange, requestEmailChange } from "../services/credentials-service";
import { deleteCurrentUser, getCurrentUser, updateCurrentUser } from "../services/profile-service";

const ProfileUpdate = z
  .strictObject({ full_name: FullName.optional(), username: Username.optional() })
  .openapi("ProfileUpdate");
const CurrentPassword = z.string().min(1).max(1024);
const PasswordConfirmation = z.strictObject({ password: CurrentPassword }).openapi("PasswordConfirmation");
const PasswordChange = z.strictObject({ current_password: CurrentPassword, new_password: Password }).openapi("PasswordChange");
const EmailChange = z.strictObject({ new_email: Email, password: CurrentPassword }).openapi("EmailChange");
const EmailChangeConfirmation = z.strictObject({ code: Code }).openapi("EmailChangeConfirmation");

// The password check counts like a sign-in: the same lock, the same rate limit.
const REAUTHENTICATION_PROBLEMS = ["invalid_password", "account_locked", "rate_limited"] as const;


const getMeRoute = createRoute({
  method: "get",
  path: "/users/me",
  tags: ["users"],
  summary: "The signed-in user",
  security: bearerSecurity,
  middleware: [requireBearer()] as const,
  responses: { 200: json(UserOut, "The user."), ...problemResponses(...SIGNED_IN_PROBLEMS) },
});

const updateMeRoute = createRoute({
  method: "patch",
  path: "/users/me",
  tags: ["users"],
  summary: "Change full name or username (absent: unchanged, null: cleared)",
  security: bearerSecurity,
  middleware: [requireBearer()] as const,
  request: { body: jsonBody(ProfileUpdate) },
  responses: { 200: json(UserOut, "The updated user."), ...problemResponses(...SIGNED_IN_PROBLEMS, ...INPUT_PROBLEMS, "username_taken") },
});

const deleteMeRoute = createRoute({
  method: "delete",
  path: "/users/me",
  tags: ["users"],
  summary: "Delete the account (password required); sessions and codes go with it",
  security: bearerSecurity,
  // The password check counts like a login's: same rate limit, same failure counters.
  middleware: [rateLimit("password"), requireBearer()] as const,
  request: { body: jsonBody(PasswordConfirmation) },
  responses: {
    204: { description: "Deleted." },
    ...problemResponses(...SIGNED_IN_PROBLEMS, ...INPUT_PROBLEMS, ...REAUTHENTICATION_PROBLEMS, "last_admin"),
  },
});

const changePasswordRoute = createRoute({
  method: "post",
  path: "/users/me/password",
  tags: ["users"],
  summary: "Change the password; every other session is signed out",
  security: bearerSecurity,
  // The password check counts like a login's: same rate limit, same failure counters.
  middleware: [rateLimit("password"), requireBearer()] as const,
  request: { body: jsonBody(PasswordChange) },
  responses: {
    204: { description: "Changed." },
    ...problemResponses(...SIGNED_IN_PROBLEMS, ...INPUT_PROBLEMS, ...REAUTHENTICATION_PROBLEMS),
  },
});

const changeEmailRoute = createRoute({
  method: "post",
  path: "/users/me/email",
  tags: ["users"],
  summary: "Start changing the email address: a code goes to the new address, a notice to the current one",
  description:
    "Answers 202 whether or not the new address has an account: a free address gets the code, a taken one a notice instead, so the answer tells nothing about other accounts.",
  security: bearerSecurity,
  // The password check counts like a login's: same rate limit, same failure counters.
  middleware: [rateLimit("password"), requireBearer()] as const,
  request: { body: jsonBody(EmailChange) },
  responses: {
    202: json(Accepted, "Accepted; the new address gets a code (or, if it has an account, a notice)."),
    ...problemResponses(...SIGNED_IN_PROBLEMS, ...INPUT_PROBLEMS, ...REAUTHENTICATION_PROBLEMS, "email_unchanged", "too_many_requests"),
  },
});

const confirmEmailRoute = createRoute({
  method: "post",
  path: "/users/me/email/verify",
  tags: ["users"],
  summary: "Finish changing the email address with the code sent to it",
  security: bearerSecurity,
  middleware: [requireBearer()] as const,
  request: { body: jsonBody(EmailChangeConfirmation) },
  responses: {
    200: json(UserOut, "The user with the new address."),
    ...problemResponses(...SIGNED_IN_PROBLEMS, ...INPUT_PROBLEMS, "invalid_code", "code_expired", "email_taken", "too_many_attempts"),
  },
});

export const userRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

userRoutes.openapi(getMeRoute, async (c) => c.json(toUserOut(await getCurrentUser(c.get("deps"), c.get("caller"))), 200));

for (const route of [updateMeRoute, { ...updateMeRoute, method: "put" as const, summary: "Same as PATCH /users/me" }]) {
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
