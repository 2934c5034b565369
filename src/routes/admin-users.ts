import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { ROLES } from "../domain/roles";
import { apiRoute } from "../http/api-route";
import { adminResetTotp } from "../services/totp-service";
import type { AppEnv } from "../http/app-env";
import { toUserOut } from "../http/presenters";
import { validationHook } from "../http/validation";
import { FullName, QueryText, Username, Uuid } from "../schemas/fields";
import { documented, json, jsonBody, UserOut } from "../schemas/responses";
import { deleteUser, getUser, listUsers, updateUser } from "../services/admin-service";

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: "limit", in: "query" }, example: 20 }),
  cursor: QueryText(2000).optional().openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` of the previous page." }),
  q: QueryText(100).trim().optional().openapi({ param: { name: "q", in: "query" }, description: "Prefix of email, username or full name, in any letter case. The matches come in the order of the text that matched (byte order of its lower case), not oldest first." }),
});
const UserPage = documented(() => z.object({ items: z.array(UserOut()), next_cursor: z.string().nullable() }).openapi("UserPage"));
const UserId = z.object({ id: Uuid.openapi({ param: { name: "id", in: "path" } }) });
const UserUpdate = z
  .strictObject({ full_name: FullName.optional(), username: Username.optional(), role: z.enum(ROLES).optional() })
  .openapi("UserUpdate");

const common = { tag: "admin", access: "bearer" } as const;
// Another user answers 404 to anyone but an admin: to them it does not exist.
const ABOUT_A_USER = ["user_not_found"] as const;

const listRoute = apiRoute({
  ...common,
  operationId: "listUsers",
  method: "get",
  path: "/users",
  summary: "List users (admin), oldest first, or search them, with an opaque cursor",
  request: { query: ListQuery },
  problems: ["forbidden"],
  responses: () => ({ 200: json(UserPage(), "A page of users.") }),
});

const getRoute = apiRoute({
  ...common,
  operationId: "getUser",
  method: "get",
  path: "/users/{id}",
  summary: "A user (yourself, or anyone for an admin)",
  request: { params: UserId },
  problems: ABOUT_A_USER,
  responses: () => ({ 200: json(UserOut(), "The user.") }),
});

const patchRoute = apiRoute({
  ...common,
  operationId: "updateUser",
  method: "patch",
  path: "/users/{id}",
  summary: "Change a user (yourself, or anyone for an admin; only admins set `role`)",
  description: "A changed role revokes every session of the user: tokens that state the old role cannot be refreshed.",
  request: { params: UserId, body: jsonBody(UserUpdate) },
  problems: [...ABOUT_A_USER, "forbidden", "username_taken", "last_admin"],
  responses: () => ({ 200: json(UserOut(), "The updated user.") }),
});

const deleteRoute = apiRoute({
  ...common,
  operationId: "deleteUser",
  method: "delete",
  path: "/users/{id}",
  summary: "Delete a user (admin); their sessions and codes go too",
  request: { params: UserId },
  problems: [...ABOUT_A_USER, "forbidden", "last_admin"],
  responses: () => ({ 204: { description: "Deleted." } }),
});

const resetTotpRoute = apiRoute({
  ...common,
  operationId: "resetUserTotp",
  method: "delete",
  path: "/users/{id}/totp",
  summary: "Turn off a user's two-factor authentication (admin), e.g. after a lost phone and lost recovery codes",
  description: "Recovery codes and open sign-in tickets go too. Logged as an audit line naming the admin and the user.",
  request: { params: UserId },
  problems: ["user_not_found", "forbidden"],
  responses: () => ({ 204: { description: "TOTP is off for the user (whether or not it was on)." } }),
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

adminUserRoutes.openapi(resetTotpRoute, async (c) => {
  await adminResetTotp(c.get("deps"), c.get("caller"), c.req.valid("param").id);
  return c.body(null, 204);
});
