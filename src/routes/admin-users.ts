import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env";
import { requireBearer } from "../http/auth";
import { toUserOut } from "../http/presenters";
import { validationHook } from "../http/validation";
import { FullName, QueryText, Username } from "../schemas/fields";
import { bearerSecurity, inputProblems, json, jsonBody, problem, signedInProblems, UserOut } from "../schemas/responses";
import { deleteUser, getUser, listUsers, updateUser } from "../services/admin-service";

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: "limit", in: "query" }, example: 20 }),
  cursor: QueryText(200).optional().openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` of the previous page." }),
  q: QueryText(100).trim().optional().openapi({ param: { name: "q", in: "query" }, description: "Prefix of email, username or full name." }),
});
const UserPage = z.object({ items: z.array(UserOut), next_cursor: z.string().nullable() }).openapi("UserPage");
const UserId = z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) });
const UserUpdate = z
  .strictObject({ full_name: FullName.optional(), username: Username.optional(), role: z.enum(["user", "admin"]).optional() })
  .openapi("UserUpdate");

const common = { tags: ["admin"], security: bearerSecurity, middleware: requireBearer() };
const hidden = { 404: problem("`user_not_found`: no such user, or not yours to see."), 422: problem("The id is not a UUID.") };

const listRoute = createRoute({
  ...common,
  method: "get",
  path: "/users",
  summary: "List users (admin), oldest first, with an opaque cursor",
  request: { query: ListQuery },
  responses: {
    200: json(UserPage, "A page of users."),
    403: problem("`forbidden`: not an admin (checked before anything else)."),
    ...signedInProblems,
    422: problem("Bad `limit`, `cursor` or `q` (a cursor this API did not return, control characters)."),
  },
});

const getRoute = createRoute({
  ...common,
  method: "get",
  path: "/users/{id}",
  summary: "A user (yourself, or anyone for an admin)",
  request: { params: UserId },
  responses: { 200: json(UserOut, "The user."), ...signedInProblems, ...hidden },
});

const patchRoute = createRoute({
  ...common,
  method: "patch",
  path: "/users/{id}",
  summary: "Change a user (yourself, or anyone for an admin; only admins set `role`)",
  description: "A changed role revokes every session of the user: tokens that state the old role cannot be refreshed.",
  request: { params: UserId, body: jsonBody(UserUpdate) },
  responses: {
    200: json(UserOut, "The updated user."),
    403: problem("`forbidden`: only admins change roles."),
    409: problem("`username_taken` or `last_admin`."),
    ...signedInProblems,
    ...inputProblems,
    ...hidden,
  },
});

const deleteRoute = createRoute({
  ...common,
  method: "delete",
  path: "/users/{id}",
  summary: "Delete a user (admin); their sessions and codes go too",
  request: { params: UserId },
  responses: {
    204: { description: "Deleted." },
    403: problem("`forbidden`: not an admin."),
    409: problem("`last_admin`: the last admin cannot be deleted."),
    ...signedInProblems,
    ...hidden,
  },
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
