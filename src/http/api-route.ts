import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ProblemCode } from "../domain/problems";
import type { ErrorStyle } from "../schemas/problem-responses";
import { INPUT_PROBLEMS } from "../schemas/responses";
import type { AppEnv } from "./app-env";
import type { KnownRoute } from "./method-not-allowed";
import { API_BASE_PATH } from "./paths";
import { requireBearer } from "./auth";
import { rateLimit, type LimitedOperation } from "./rate-limit";
import { REFRESH_COOKIE_NAME } from "./refresh-cookie";

/** The document's tags, each with what it groups. */
export const API_TAGS = {
  auth: "Registration, verification, sign-in, tokens and password recovery.",
  users: "The signed-in user's own account.",
  sessions: "The signed-in user's sessions (devices).",
  admin: "Other users' accounts: admins see and change anyone, everyone else only themselves.",
  health: "Liveness, readiness and what a front end needs to know about this deployment.",
  keys: "The public keys that verify this service's access tokens.",
} as const;

/** The one OAuth scope: the signed-in user's own account, which is what every access token grants. */
export const OAUTH_SCOPE = "account";

/** The document's security schemes, by name. */
export const SECURITY_SCHEMES = {
  bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
  // Swagger UI's Authorize button signs in through the token endpoint's password grant.
  oauth2: {
    type: "oauth2",
    flows: {
      password: {
        tokenUrl: `${API_BASE_PATH}/auth/token`,
        refreshUrl: `${API_BASE_PATH}/auth/token`,
        scopes: { [OAUTH_SCOPE]: "The signed-in user's own account: every operation that takes an access token." },
      },
    },
  },
  refreshCookie: {
    type: "apiKey",
    in: "cookie",
    name: REFRESH_COOKIE_NAME,
    description: "The HttpOnly refresh cookie the browser app holds; sent only to /api/v1/auth paths.",
  },
} as const;

/**
 * Who may call an operation: anyone; a holder of an access token (either scheme); anyone with a refresh
 * token, in the body or in the refresh cookie.
 */
type Access = "public" | "bearer" | "refresh";

const SECURITY: Record<Access, Partial<Record<keyof typeof SECURITY_SCHEMES, string[]>>[]> = {
  public: [],
  bearer: [{ bearerAuth: [] }, { oauth2: [] }],
  refresh: [{ refreshCookie: [] }, {}],
};

/** What an operation depends on, each adding the failures it can cause. */
type Needs = "nothing" | "config" | "database";

export interface ApiRouteSpec extends Omit<RouteConfig, "security" | "middleware" | "operationId" | "tags" | "responses"> {
  /** Stable and camelCase: generated clients name their methods after it. */
  operationId: string;
  tag: keyof typeof API_TAGS;
  access: Access;
  /** The per-network budget this operation spends (http/rate-limit.ts). */
  rateLimit?: LimitedOperation;
  /** Default "database". */
  needs?: Needs;
  /** The problems the operation's own logic answers; those of its access, input, limit and needs are added. */
  problems?: readonly ProblemCode[];
  /** How errors are answered; the OAuth token endpoint answers RFC 6749 errors. */
  errorStyle?: ErrorStyle;
  /**
   * The successes, as a function: only the document reads them, so only its generator builds them (and the
   * schemas they name, `documented` in schemas/responses.ts). Handlers are typed by what it returns.
   */
  responses: () => RouteConfig["responses"];
}

/**
 * What the document says an operation answers: its successes and every problem it can answer, in which
 * style. src/api-document.ts builds the responses from it (the failures with schemas/problem-responses.ts);
 * the worker, which serves the document prebuilt, never does. It rides along under a symbol, which every
 * copy of the route (zod-openapi's, aliasRoute's) keeps and JSON leaves out.
 */
export const ROUTE_RESPONSES = Symbol("routeResponses");

export interface RouteResponses {
  successes: () => RouteConfig["responses"];
  problems: ProblemCode[];
  style: ErrorStyle;
}

/**
 * The one way routes are defined: the operation's metadata, and from it the middleware it runs (rate
 * limit, then bearer check) and every answer it can give in the document, so neither is written twice.
 */
export function apiRoute<const S extends ApiRouteSpec>(spec: S) {
  const { tag, access, rateLimit: operation, needs = "database", problems = [], errorStyle = "problem", responses, ...route } = spec;
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  const implied: ProblemCode[] = [];
  if (operation) {
    middleware.push(rateLimit(operation));
    implied.push("rate_limited");
  }
  if (access === "bearer") {
    middleware.push(requireBearer());
    implied.push("invalid_token");
  }
  if (route.request?.body) implied.push(...INPUT_PROBLEMS, "body_too_large");
  if (route.request?.params || route.request?.query) implied.push("validation_error");
  if (needs !== "nothing") implied.push("configuration_error", "internal_error");
  if (needs === "database") implied.push("service_unavailable");
  return createRoute({
    ...route,
    tags: [tag],
    security: SECURITY[access],
    // Only when there is some: a route registered for the document alone must not carry the key.
    ...(middleware.length ? { middleware } : {}),
    responses: {},
    [ROUTE_RESPONSES]: { successes: responses, problems: [...problems, ...implied], style: errorStyle } satisfies RouteResponses,
  }) as unknown as DefinedRoute<S>;
}

/** The route as Hono sees it; its typed responses are the successes only (failures are thrown). */
type DefinedRoute<S extends ApiRouteSpec> = Omit<S, "tag" | "access" | "rateLimit" | "needs" | "problems" | "errorStyle" | "responses"> & {
  responses: ReturnType<S["responses"]>;
  tags: string[];
  middleware: MiddlewareHandler<AppEnv>[];
};

/** The same operation under a second path (the routes the services this replaces used). */
export const aliasRoute = <S extends { path: string }>(route: S, alias: { path: string; operationId: string; summary: string }) =>
  ({ ...route, ...alias }) as S;

/** Every documented operation's method and full path (an operation with its own server is at the origin's root). */
export const documentedRoutes = (registry: OpenAPIHono["openAPIRegistry"]): KnownRoute[] =>
  registry.definitions.flatMap((definition) =>
    definition.type === "route"
      ? [{ method: definition.route.method, path: `${definition.route.servers?.[0]?.url === "/" ? "" : API_BASE_PATH}${definition.route.path}` }]
      : [],
  );
