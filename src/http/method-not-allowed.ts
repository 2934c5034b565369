import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { AppEnv } from "./app-env";

export interface KnownRoute {
  method: string;
  /** The full path, parameters in OpenAPI's braces: /api/v1/users/{id}. */
  path: string;
}

interface PathMethods {
  pattern: RegExp;
  /** Paths without parameters win over templates: /users/login is not a user id. */
  isStatic: boolean;
  methods: Set<string>;
}

function index(routes: KnownRoute[]): PathMethods[] {
  const byPath = new Map<string, PathMethods>();
  for (const { method, path } of routes) {
    const entry = byPath.get(path) ?? {
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
      isStatic: !path.includes("{"),
      methods: new Set<string>(),
    };
    entry.methods.add(method.toUpperCase());
    byPath.set(path, entry);
  }
  return [...byPath.values()];
}

/**
 * A known path asked with a method it does not take answers 405 with `Allow` (RFC 9110 §15.5.6), not
 * 404, and before any route can misread it (GET /users/login is not "user id 'login'"). The table is
 * read on first use, once every route is registered.
 */
export function methodNotAllowed(knownRoutes: () => KnownRoute[]): MiddlewareHandler<AppEnv> {
  let table: PathMethods[] | undefined;
  return async (c, next) => {
    table ??= index(knownRoutes());
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    // Preflights are the CORS middleware's to answer.
    if (method === "OPTIONS") return next();
    const matches = table.filter((entry) => entry.pattern.test(c.req.path));
    const exact = matches.filter((entry) => entry.isStatic);
    const allowed = new Set((exact.length ? exact : matches).flatMap((entry) => [...entry.methods]));
    if (allowed.size === 0 || allowed.has(method)) return next();
    if (allowed.has("GET")) allowed.add("HEAD");
    const allow = [...allowed].sort().join(", ");
    throw new AppError("method_not_allowed", `${c.req.path} takes ${allow}, not ${c.req.method}.`, { headers: { Allow: allow } });
  };
}
