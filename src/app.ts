import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { systemClock, type Clock } from "./clock";
import { documentedRoutes, SECURITY_SCHEMES } from "./http/api-route";
import type { AppEnv } from "./http/app-env";
import { provideDeps } from "./http/deps";
import { noStoreByDefault } from "./http/cache-control";
import { answersInOAuthErrors } from "./http/oauth-error";
import { onError, onNotFound } from "./http/error-handler";
import { methodNotAllowed } from "./http/method-not-allowed";
import { API_BASE_PATH, PROBLEM_TYPE_PATH } from "./http/paths";
import { requestLog } from "./http/request-log";
import { apiCors, apiSecurityHeaders, docsSecurityHeaders } from "./http/security-headers";
import { validationHook } from "./http/validation";
import { adminUserRoutes } from "./routes/admin-users";
import { apiDocumentRoutes } from "./routes/api-document";
import { authRoutes } from "./routes/auth";
import { clientConfigRoutes } from "./routes/client-config";
import { docsRoutes } from "./routes/docs";
import { problemPages } from "./routes/problem-pages";
import { healthRoutes } from "./routes/health";
import { oauthTokenRoutes, TOKEN_PATH } from "./routes/oauth-token";
import { passkeyRoutes } from "./routes/passkeys";
import { sessionRoutes } from "./routes/sessions";
import { userRoutes } from "./routes/users";
import { JWKS_ROUTE, wellKnownRoutes } from "./routes/well-known";

export interface AppOptions {
  /** Tests pass a fixed clock; production uses the system clock. */
  clock?: Clock;
}

const MAX_BODY_BYTES = 16 * 1024;

export function createApp({ clock = systemClock }: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Its routes are registered by createApi; the 405 check reads them from the registry on first use.
  const api = createApi({ clock });
  app.use("*", requestLog());
  app.use("/api/*", apiSecurityHeaders());
  app.use("/.well-known/*", apiSecurityHeaders());
  app.use("/health*", apiSecurityHeaders());
  app.use("/docs", docsSecurityHeaders());
  app.use("/redoc", docsSecurityHeaders());
  app.use("/api/*", apiCors());
  app.use("/api/*", noStoreByDefault());
  app.use("*", methodNotAllowed(() => documentedRoutes(api.openAPIRegistry)));

  app.route(API_BASE_PATH, api);
  // Load balancers probe the bare path; it is the same handler as /api/v1/health.
  app.route("/", healthRoutes);
  app.use("/.well-known/*", provideDeps({ clock }));
  app.route("/", wellKnownRoutes);
  app.route("/", docsRoutes);
  app.use(`${PROBLEM_TYPE_PATH}*`, apiSecurityHeaders());
  app.route("/", problemPages);

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

/** The API under its base path: every documented operation, and the document itself. */
export function createApi({ clock = systemClock }: AppOptions = {}) {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Before the body limit, so even a 413 from the token endpoint is an RFC 6749 error.
  api.use(TOKEN_PATH, answersInOAuthErrors());
  api.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new HTTPException(413); } }));
  // Registered before provideDeps: health and the API document must answer even when config is broken.
  api.route("/", healthRoutes);
  api.route("/", apiDocumentRoutes);
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) api.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
  // Served at the origin's root (createApp), described with the API.
  api.openAPIRegistry.registerPath(JWKS_ROUTE);
  api.route("/", clientConfigRoutes);
  api.use("*", provideDeps({ clock }));
  // Rate limits are part of each route's definition (apiRoute's `rateLimit`), so an alias
  // shares its operation's budget and no path is spelled twice.
  api.route("/", authRoutes);
  api.route("/", oauthTokenRoutes);
  api.route("/", userRoutes);
  api.route("/", passkeyRoutes);
  api.route("/", sessionRoutes);
  // After userRoutes: /users/me must win over /users/{id}.
  api.route("/", adminUserRoutes);
  return api;
}
