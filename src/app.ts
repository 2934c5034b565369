import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { systemClock, type Clock } from "./clock";
import type { AppEnv } from "./http/app-env";
import { provideDeps } from "./http/deps";
import { noStoreByDefault } from "./http/cache-control";
import { answersInOAuthErrors } from "./http/oauth-error";
import { onError, onNotFound } from "./http/error-handler";
import { requestLog } from "./http/request-log";
import { apiCors, apiSecurityHeaders, docsSecurityHeaders } from "./http/security-headers";
import { validationHook } from "./http/validation";
import { adminUserRoutes } from "./routes/admin-users";
import { authRoutes } from "./routes/auth";
import { clientConfigRoutes } from "./routes/client-config";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { oauthTokenRoutes, TOKEN_PATH } from "./routes/oauth-token";
import { sessionRoutes } from "./routes/sessions";
import { userRoutes } from "./routes/users";
import { wellKnownRoutes } from "./routes/well-known";
import { VERSION } from "./version";

export interface AppOptions {
  /** Tests pass a fixed clock; production uses the system clock. */
  clock?: Clock;
}

const MAX_BODY_BYTES = 16 * 1024;

export function createApp({ clock = systemClock }: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("*", requestLog());
  app.use("/api/*", apiSecurityHeaders());
  app.use("/.well-known/*", apiSecurityHeaders());
  app.use("/health*", apiSecurityHeaders());
  app.use("/docs", docsSecurityHeaders());
  app.use("/redoc", docsSecurityHeaders());
  app.use("/api/*", apiCors());
  app.use("/api/*", noStoreByDefault());

  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Before the body limit, so even a 413 from the token endpoint is an RFC 6749 error.
  api.use(TOKEN_PATH, answersInOAuthErrors());
  api.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new HTTPException(413); } }));
  // Registered before provideDeps: health and the API document must answer even when config is broken.
  api.route("/", healthRoutes);
  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Accounts API", version: VERSION, description: "Registration, verification, login, tokens and profiles." },
    servers: [{ url: "/api/v1" }],
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  api.openAPIRegistry.registerComponent("securitySchemes", "oauth2", {
    type: "oauth2",
    flows: { password: { tokenUrl: "/api/v1/auth/token", refreshUrl: "/api/v1/auth/token", scopes: {} } },
  });
  api.route("/", clientConfigRoutes);
  api.use("*", provideDeps({ clock }));
  // Rate limits are part of each route's definition (routes/*.ts: rateLimit(operation)), so an alias
  // shares its operation's budget and no path is spelled twice.
  api.route("/", authRoutes);
  api.route("/", oauthTokenRoutes);
  api.route("/", userRoutes);
  api.route("/", sessionRoutes);
  // After userRoutes: /users/me must win over /users/{id}.
  api.route("/", adminUserRoutes);

  app.route("/api/v1", api);
  // Load balancers probe the bare path; it is the same handler as /api/v1/health.
  app.route("/", healthRoutes);
  app.use("/.well-known/*", provideDeps({ clock }));
  app.route("/", wellKnownRoutes);
  app.route("/", docsRoutes);

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}
