import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ROLES } from "../domain/roles";
import type { AppEnv } from "../http/app-env";
import { requireBearer } from "../http/auth";
import { toUserOut } from "../http/presenters";
import { validationHook } from "../http/validation";
import { FullName, QueryText, Username } from "../schemas/fields";
import { bearerSecurity, INPUT_PROBLEMS, json, jsonBody, problemResponses, SIGNED_IN_PROBLEMS, UserOut } from "../schemas/responses";
import { deleteUser, getUser, listUsers, updateUser } from "../services/admin-service";

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: "limit", in: "query" }, example: 20 }),
  cursor: QueryText(200).optional().openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` of the previous page." }),
  q: QueryText(100).trim().optional().openapi({ param: { name: "q", in: "query" }, description: "Prefix of email, username or full name." }),
});
const UserPage = z.object({ items: z.array(UserOut), next_cursor: z.string().nullable() }).openapi("UserPage");
const UserId = z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) });
const UserUpdate = z
  .strictObject({ full_name: FullName.optional(), username: Username.optional(), role: z.enum(ROLES).optional() })
  .openapi("UserUpdate");

const common = { tags: ["admin"], security: bearerSecurity, middleware: requireBearer() };
// Another user answers 404 to anyone but an admin: to them it does not exist. A malformed id is a 422.
const ABOUT_A_USER = [...SIGNED_IN_PROBLEMS, "user_not_found", "validation_error"] as const;

const listRoute = createRoute({
  ...common,
  method: "get",
  path: "/users",
  summary: "List users (admin), oldest first, with an opaque cursor",
  request: { query: ListQuery },
  responses: { 200: json(UserPage, "A page of users."), ...problemResponses(...SIGNED_IN_PROBLEMS, "forbidden", "validation_error") },
});

const getRoute = createRoute({
  ...common,
  method: "get",
  path: "/users/{id}",
  summary: "A user (yourself, or anyone for an admin)",
  request: { params: UserId },
  responses: { 200: json(UserOut, "The user."), ...problemResponses(...ABOUT_A_USER) },
});

const patchRoute = createRoute({
  ...common,
  method: "patch",
  path: "/users/{id}",
  summary: "Change a user (yourself, or anyone for an admin; only admins set `role`)",
  description: "A changed role revokes every session of the user: tokens that state the old role cannot be refreshed.",
  request: { params: UserId, body: jsonBody(UserUpdate) },
  responses: { 200: json(UserOut, "The updated user."), ...problemResponses(...ABOUT_A_USER, ...INPUT_PROBLEMS, "forbidden", "username_taken", "last_admin") },
});

const deleteRoute = createRoute({
  ...common,
  method: "delete",
  path: "/users/{id}",
  summary: "Delete a user (admin); their sessions and codes go too",
  request: { params: UserId },
  responses: { 204: { description: "Deleted." }, ...problemResponses(...ABOUT_A_USER, "forbidden", "last_admin") },
});

export const adminUserRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

adminUserRoutes.openapi(listRoute, async (c) => {
  const page = await listUsers(c.get("deps"), c.get("caller"), c.req.valid("query"));
  return c.json({ items: page.users.map(toUserOut), next_cursor: page.nextCursor }, 200);
});

adminUserRoutes.openapi(getRoute, async (c) => c.json(toUserOut(await getUser(c.get("deps"), c.get("caller"), c.req.valid("param").id)), 200));

adminUserRoutes.openapi(patchRoute, async (c) => {
  const body = c.req.valid("json");
  const user = await updateUser(c.get("deps"), c.get("caller"), c.req.valid("param").id, {
    fullName: body.full_name,
    username: body.username,
    role: body.role,
  });
  return c.json(toUserOut(user), 200);
});

adminUserRoutes.openapi(deleteRoute, async (c) => {
  await deleteUser(c.get("deps"), c.get("caller"), c.req.valid("param").id);
  return c.body(null, 204);
});
