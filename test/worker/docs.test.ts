import { describe, expect, it } from "vitest";
import { call, roundTrips } from "./helpers";

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> }>>;
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
    // Swagger UI's Authorize button: an OAuth2 password flow against our token endpoint.
    expect(doc.components.securitySchemes.oauth2).toMatchObject({ type: "oauth2", flows: { password: { tokenUrl: "/api/v1/auth/token" } } });
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
