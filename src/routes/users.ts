import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env";
import { requireBearer } from "../http/auth";
import { toUserOut } from "../http/presenters";
import { validationHook } from "../http/validation";
import { FullName, Username } from "../schemas/fields";
import { bearerSecurity, inputProblems, json, jsonBody, problem, signedInProblems, UserOut } from "../schemas/responses";
import { deleteCurrentUser, getCurrentUser, updateCurrentUser } from "../services/profile-service";

const ProfileUpdate = z
  .strictObject({ full_name: FullName.optional(), username: Username.optional() })
  .openapi("ProfileUpdate");
const PasswordConfirmation = z.strictObject({ password: z.string().min(1).max(1024) }).openapi("PasswordConfirmation");


const getMeRoute = createRoute({
  method: "get",
  path: "/users/me",
  tags: ["users"],
  summary: "The signed-in user",
  security: bearerSecurity,
  middleware: [requireBearer()] as const,
  responses: { 200: json(UserOut, "The user."), ...signedInProblems },
});

const updateMeRoute = createRoute({
  method: "patch",
  path: "/users/me",
  tags: ["users"],
  summary: "Change full name or username (absent: unchanged, null: cleared)",
  security: bearerSecurity,
  middleware: [requireBearer()] as const,
  request: { body: jsonBody(ProfileUpdate) },
  responses: { 200: json(UserOut, "The updated user."), 409: problem("`username_taken`."), ...signedInProblems, ...inputProblems },
});

const deleteMeRoute = createRoute({
  method: "delete",
  path: "/users/me",
  tags: ["users"],
  summary: "Delete the account (password required); sessions and codes go with it",
  security: bearerSecurity,
  middleware: [requireBearer()] as const,
  request: { body: jsonBody(PasswordConfirmation) },
  responses: { 204: { description: "Deleted." }, 403: problem("`invalid_password`."), ...signedInProblems, ...inputProblems },
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
  await deleteCurrentUser(c.get("deps"), c.get("caller"), c.req.valid("json").password);
  return c.body(null, 204);
});
