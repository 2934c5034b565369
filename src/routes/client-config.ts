import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { getConfig } from "../config";
import { ROLES } from "../domain/roles";
import { apiRoute } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { documented, json } from "../schemas/responses";

const ClientConfig = documented(() =>
  z
    .object({
      require_email_verification: z.boolean().openapi({ description: "Whether a new account must enter an emailed code before it can sign in." }),
      mail_catcher_url: z.string().nullable().openapi({ description: "Local stacks only: where caught mail (and its codes) can be read. Null in production." }),
      roles: z.array(z.enum(ROLES)).openapi({ description: "The roles an account can have (an admin may set `role` to one of them)." }),
    })
    .openapi("ClientConfig"),
);

const clientConfigRoute = apiRoute({
  method: "get",
  path: "/client-config",
  operationId: "clientConfig",
  tag: "health",
  access: "public",
  needs: "config",
  summary: "What a sign-in front end needs to know about this deployment (nothing secret)",
  responses: () => ({ 200: json(ClientConfig(), "The settings.") }),
});

export const clientConfigRoutes = new OpenAPIHono<AppEnv>();

clientConfigRoutes.openapi(clientConfigRoute, (c) => {
  const config = getConfig(c.env);
  c.header("Cache-Control", "no-cache");
  return c.json({ require_email_verification: config.requireEmailVerification, mail_catcher_url: config.mailCatcherUrl ?? null, roles: [...ROLES] }, 200);
});
