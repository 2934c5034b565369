import { describe, expect, it } from "vitest";
import { call, createVerifiedUser, expectProblem, ORIGIN, PASSWORD } from "./helpers";

describe("a known path asked with a method it does not take", () => {
  it.each([
    ["DELETE", "/auth/login", "POST"],
    ["GET", "/auth/register", "POST"],
    // Not "id is not a UUID": /users/login is a path of its own.
    ["GET", "/users/login", "POST"],
    ["POST", "/users/me", "DELETE, GET, HEAD, PATCH, PUT"],
    ["POST", "/users/8b7c4c62-5a2d-4c5e-9f3e-0d6b5e2f1a90", "DELETE, GET, HEAD, PATCH"],
    ["PUT", "/.well-known/jwks.json", "GET, HEAD"],
  ])("%s %s answers 405 with Allow: %s", async (method, path, allow) => {
    const res = await call(method, path);
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe(allow);
  });

  it("leaves unknown paths a 404", async () => {
    await expectProblem(await call("GET", "/no/such/thing"), 404, "not_found");
  });
});

describe("problem types", () => {
  it("resolve to a page that explains the code", async () => {
    const problem = await expectProblem(await call("GET", "/users/me"), 401, "invalid_token");
    const page = await call("GET", new URL(problem.type, `${ORIGIN}/api/v1/users/me`).pathname);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("invalid_token");
    expect(html).toContain("401");
    expect((await call("GET", "/problems/no_such_code")).status).toBe(404);
  });

  it("are all listed on one page", async () => {
    const html = await (await call("GET", "/problems")).text();
    for (const code of ["rate_limited", "validation_error", "method_not_allowed"]) expect(html).toContain(`/problems/${code}`);
  });
});

describe("WWW-Authenticate (RFC 6750 §3.1)", () => {
  it("names only the scheme when no credentials were sent", async () => {
    const res = await call("GET", "/users/me");
    await expectProblem(res, 401, "invalid_token");
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("names the error when a token was refused", async () => {
    const res = await call("GET", "/users/me", { token: "not.a.token" });
    await expectProblem(res, 401, "invalid_token");
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("is a JWK Set any origin may read, with an ETag that revalidates to 304", async () => {
    const res = await call("GET", "/.well-known/jwks.json", { headers: { origin: "https://elsewhere.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/jwk-set+json");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
    expect(((await res.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    const again = await call("GET", "/.well-known/jwks.json", { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });
});

describe("the OAuth 2.0 token endpoint", () => {
  const grant = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    call("POST", "/auth/token", { rawBody: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

  it("says which scope it granted when another was asked for (RFC 6749 §5.1)", async () => {
    const { email } = await createVerifiedUser();
    const res = await grant({ grant_type: "password", username: email, password: PASSWORD, scope: "openid profile" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: "bearer", scope: "account" });
  });

  it("is a public client's endpoint: client credentials, in the form or as Basic, are ignored", async () => {
    const { email } = await createVerifiedUser();
    const basic = `Basic ${btoa("some-client:some-secret")}`;
    const res = await grant({ grant_type: "password", username: email, password: PASSWORD, client_id: "another-client" }, { authorization: basic });
    expect(res.status).toBe(200);
  });
});
