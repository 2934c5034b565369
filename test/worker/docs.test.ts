import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock";
import { call, roundTrips, workerWith } from "./helpers";

interface OpenApiDoc {
  openapi: string;
  info: { contact?: { name?: string }; license?: { name?: string } };
  tags: { name: string; description: string }[];
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        tags: string[];
        security?: Record<string, string[]>[];
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, { headers?: Record<string, unknown> }>;
      }
    >
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

const ROUTES = [
  ["post", "/auth/register"],
  ["post", "/users"],
  ["post", "/auth/verify"],
  ["post", "/auth/verify/resend"],
  ["post", "/auth/login"],
  ["post", "/users/login"],
  ["get", "/users/me"],
  ["patch", "/users/me"],
  ["put", "/users/me"],
  ["delete", "/users/me"],
  ["post", "/auth/refresh"],
  ["post", "/auth/token"],
  ["post", "/auth/logout"],
  ["post", "/auth/logout/all"],
  ["get", "/sessions"],
  ["delete", "/sessions"],
  ["get", "/sessions/{id}"],
  ["delete", "/sessions/{id}"],
  ["post", "/auth/forgot-password"],
  ["post", "/auth/reset-password"],
  ["post", "/users/me/password"],
  ["post", "/users/me/email"],
  ["post", "/users/me/email/verify"],
  ["get", "/users"],
  ["get", "/users/{id}"],
  ["patch", "/users/{id}"],
  ["delete", "/users/{id}"],
  ["get", "/health"],
  ["get", "/health/db"],
  ["get", "/.well-known/jwks.json"],
] as const;

// Routes whose request has a JSON body (the others take none, a path parameter, or a form).
const WITH_JSON_BODY = new Set(["post /auth/register", "post /users", "post /auth/verify", "post /auth/verify/resend", "post /auth/login",
  "post /users/login", "patch /users/me", "put /users/me", "delete /users/me", "post /auth/refresh", "post /auth/forgot-password",
  "post /auth/reset-password", "post /users/me/password", "post /users/me/email", "post /users/me/email/verify", "patch /users/{id}"]);

describe("GET /api/v1/openapi.json", () => {
  it("is OpenAPI 3.1 listing every route with request and response schemas", async () => {
    const res = await call("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(op!.responses).length).toBeGreaterThan(0);
      if (WITH_JSON_BODY.has(`${method} ${path}`)) expect(op!.requestBody?.content["application/json"]?.schema, `${method} ${path} body`).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["UserOut", "TokenResponse", "Problem", "RegisterIn"]));
    expect(doc.components.securitySchemes.bearerAuth).toBeDefined();
    expect(doc.paths["/auth/token"]!.post!.requestBody!.content["application/x-www-form-urlencoded"]?.schema).toBeDefined();
    // The refresh cookie is a security scheme of its own, on /auth/refresh only.
    expect(doc.components.securitySchemes.refreshCookie).toEqual(expect.objectContaining({ type: "apiKey", in: "cookie", name: "__Secure-refresh_token" }));
    expect(doc.paths["/auth/refresh"]!.post!.security).toEqual([{ refreshCookie: [] }, {}]);
    // Swagger UI's Authorize button: an OAuth2 password flow against our token endpoint.
    expect(doc.components.securitySchemes.oauth2).toMatchObject({ type: "oauth2", flows: { password: { tokenUrl: "/api/v1/auth/token" } } });
  });
});

describe("the prebuilt document", () => {
  it("is served with the API's headers, and a deployment without it says so instead of serving the app", async () => {
    const res = await call("GET", "/api/v1/openapi.json");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    // The assets binding answers unknown paths with the app's index.html (single-page-application fallback).
    const appShell = { fetch: async () => new Response("<!doctype html>", { headers: { "content-type": "text/html" } }) };
    const missing = await workerWith(systemClock, { ...env, ASSETS: appShell })("GET", "/api/v1/openapi.json");
    expect(missing.status).toBe(500);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(((await missing.json()) as { code: string }).code).toBe("configuration_error");
  });
});

describe("what generated clients and linters rely on", () => {
  const operations = async () => {
    const doc = (await (await call("GET", "/api/v1/openapi.json")).json()) as OpenApiDoc;
    return { doc, ops: Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method} ${path}`, ...op }))) };
  };

  it("names every operation with a unique camelCase operationId", async () => {
    const { ops } = await operations();
    const ids = ops.map((op) => op.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id ?? ""))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    // Stable: clients call these by name.
    expect(ids).toEqual(expect.arrayContaining(["login", "register", "refresh", "getMe", "listUsers", "oauthToken", "getJwks"]));
  });

  it("declares each tag it uses, with a description, and says who runs it", async () => {
    const { doc, ops } = await operations();
    const declared = new Map(doc.tags.map((tag) => [tag.name, tag.description]));
    for (const op of ops) for (const tag of op.tags) expect(declared.get(tag), `${op.key}: tag ${tag}`).toBeTruthy();
    expect(doc.info.contact?.name).toBeTruthy();
    expect(doc.info.license?.name).toBeTruthy();
  });

  it("marks public operations security: [] and the rest with the bearer schemes", async () => {
    const { ops } = await operations();
    const publicOnes = ops.filter((op) => op.security?.length === 0).map((op) => op.key);
    expect(publicOnes).toEqual(expect.arrayContaining(["post /auth/login", "post /auth/register", "get /health", "get /.well-known/jwks.json", "post /auth/token"]));
    for (const op of ops) expect(op.security, op.key).toBeDefined();
    const bearer = ops.filter((op) => op.security?.some((s) => "bearerAuth" in s));
    for (const op of bearer) expect(op.responses["401"]?.headers?.["WWW-Authenticate"], op.key).toBeDefined();
  });

  it("documents 429 with Retry-After on every rate-limited operation, 413 on every body, 503 on every database-backed one", async () => {
    const { ops } = await operations();
    for (const key of ["post /auth/login", "post /users/login", "post /auth/register", "post /users", "post /auth/verify", "delete /users/me", "post /users/me/password"]) {
      expect(ops.find((op) => op.key === key)!.responses["429"]?.headers?.["Retry-After"], key).toBeDefined();
    }
    for (const op of ops.filter((op) => op.requestBody)) expect(op.responses["413"], op.key).toBeDefined();
    for (const op of ops.filter((op) => !["get /health", "get /client-config", "get /.well-known/jwks.json"].includes(op.key))) {
      expect(op.responses["503"]?.headers?.["Retry-After"], op.key).toBeDefined();
    }
  });
});

describe("API docs pages", () => {
  it.each(["/docs", "/redoc"])("%s is HTML that loads only our own scripts", async (path) => {
    const res = await call("GET", path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(src.startsWith("/")).toBe(true);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });
});

describe("health", () => {
  it.each(["/health", "/api/v1/health"])("%s reports ok and the version", async (path) => {
    const res = await call("GET", path);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it.each(["/health/db", "/api/v1/health/db"])("%s measures one database round trip", async (path) => {
    // Counted at the SQL endpoint: a readiness probe that never reached the database (or took
    // several trips) would still answer ok with some latency.
    const { result: res, trips } = await roundTrips(() => call("GET", path));
    expect(trips).toBe(1);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; latency_ms: number };
    expect(body.status).toBe("ok");
    expect(body.latency_ms).toBeGreaterThanOrEqual(0);
  });
});
