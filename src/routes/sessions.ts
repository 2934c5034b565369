import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { apiRoute } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { toSessionOut } from "../http/presenters";
import { Uuid } from "../schemas/fields";
import { validationHook } from "../http/validation";
import { documented, json } from "../schemas/responses";
import { getSession, listSessions, revokeOneSession, revokeOtherSessions } from "../services/session-service";

const SessionOut = documented(() =>
  z
    .object({
      id: z.string().uuid(),
      current: z.boolean().openapi({ description: "True for the session the request's access token belongs to." }),
      user_agent: z.string().nullable(),
      ip: z.string().nullable(),
      created_at: z.string().datetime(),
      last_used_at: z.string().datetime(),
      expires_at: z.string().datetime(),
    })
    .openapi("SessionOut"),
);

const SessionId = z.object({ id: Uuid.openapi({ param: { name: "id", in: "path" } }) });

const common = { tag: "sessions", access: "bearer" } as const;

const listRoute = apiRoute({
  ...common,
  operationId: "listSessions",
  method: "get",
  path: "/sessions",
  summary: "The user's live sessions, newest first",
  responses: () => ({ 200: json(z.array(SessionOut()), "Sessions; `current` marks the caller's.") }),
});

const getRoute = apiRoute({
  ...common,
  operationId: "getSession",
  method: "get",
  path: "/sessions/{id}",
  summary: "One of the user's sessions",
  request: { params: SessionId },
  // Another user's session answers like a missing one.
  problems: ["session_not_found"],
  responses: () => ({ 200: json(SessionOut(), "The session.") }),
});

const deleteRoute = apiRoute({
  ...common,
  operationId: "revokeSession",
  method: "delete",
  path: "/sessions/{id}",
  summary: "Revoke one of the user's sessions",
  request: { params: SessionId },
  // Another user's session answers like a missing one.
  problems: ["session_not_found"],
  responses: () => ({ 204: { description: "Revoked; its tokens stop working at once." } }),
});

const deleteOthersRoute = apiRoute({
  ...common,
  operationId: "revokeOtherSessions",
  method: "delete",
  path: "/sessions",
  summary: "Revoke every session but the current one",
  responses: () => ({ 204: { description: "Revoked." } }),
});

export const sessionRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

sessionRoutes.openapi(listRoute, async (c) => c.json((await listSessions(c.get("deps"), c.get("caller"))).map(toSessionOut), 200));

sessionRoutes.openapi(getRoute, async (c) =>
  c.json(toSessionOut(await getSession(c.get("deps"), c.get("caller"), c.req.valid("param").id)), 200),
);

sessionRoutes.openapi(deleteRoute, async (c) => {
  await revokeOneSession(c.get("deps"), c.get("caller"), c.req.valid("param").id);
  return c.body(null, 204);
});

sessionRoutes.openapi(deleteOthersRoute, async (c) => {
  await revokeOtherSessions(c.get("deps"), c.get("caller"));
  return c.body(null, 204);
});
