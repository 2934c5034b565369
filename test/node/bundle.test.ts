// The deployed bundle is the source, built differently: minified, and with "zod" standing for
// src/schemas/zod-root.ts (wrangler.toml). The worker tests run the source, so these check that the
// bundle serves the same document and answers bad input the same way, and that nothing in src uses the
// one thing the bundle's "zod" leaves out.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../dev/bench/build";
import { generateSigningJwk, generateTokenSecret } from "../../dev/stack/secrets";
import { API_DOCUMENT_FILE } from "../../src/api-document";
import { createApp } from "../../src/app";
import { getConfig } from "../../src/config";
import type { Env } from "../../src/env";
import { signAccessToken } from "../../src/security/access-token";
import { loadKeySet } from "../../src/security/keys";

function sources(dir = "src"): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [{ file: path, text: readFileSync(path, "utf8") }] : [];
  });
}

describe("zod in src", () => {
  it("is imported as a namespace, never as the `z` object the bundle stubs out", () => {
    const offending = sources().flatMap(({ file, text }) =>
      [...text.matchAll(/^import\s+(?!type\b)(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*"(zod|@hono\/zod-openapi)"/gm)]
        .filter((m) => m[1]!.split(",").some((name) => /^\s*z(\s+as\s+[\w$]+)?\s*$/.test(name)))
        .map((m) => `${file}: ${m[0]}`),
    );
    expect(offending).toEqual([]);
  });
});

type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

/** The assets binding as this test needs it: the files under static/ (nothing here asks for a missing one). */
const staticAssets = {
  fetch: async (input: RequestInfo | URL) => {
    const path = new URL(input instanceof Request ? input.url : input).pathname;
    return new Response(readFileSync(join("static", path)), { headers: { "content-type": path.endsWith(".json") ? "application/json" : "text/plain" } });
  },
} as unknown as Fetcher;

describe("the deployed bundle", () => {
  const workdir = mkdtempSync(join(tmpdir(), "accounts-bundle-test-"));
  const env = {
    DATABASE_URL: "postgresql://app:app@db.localtest.me/app",
    JWT_PRIVATE_KEY: generateSigningJwk(),
    JWT_ISSUER: "https://accounts.test",
    JWT_AUDIENCE: "accounts-test",
    TOKEN_SECRET: generateTokenSecret(),
    RESEND_API_KEY: "re_test_key",
    MAIL_FROM: "Accounts <no-reply@accounts.test>",
    APP_URL: "https://accounts.test",
    ASSETS: staticAssets,
  } as unknown as Env;
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  const source = createApp();
  const fromSource: Fetcher = async (path, init) => source.request(path, init, env, ctx);
  let fromBundle: Fetcher;
  let bearer: string;
  let code: string;
  let schemasAtLoad = 0;

  beforeAll(async () => {
    const built = await buildWorker(join(workdir, "app"));
    code = readFileSync(built.scriptPath, "utf8");
    // zod calls this hook (zod/compile's way in) for every schema it constructs: here, those the bundle builds as it loads.
    const zodConfig = ((globalThis as { __zod_globalConfig?: { postProcessor?: () => void } }).__zod_globalConfig ??= {});
    zodConfig.postProcessor = () => void schemasAtLoad++;
    let worker: { default: { fetch: (req: Request, env: Env, ctx: ExecutionContext) => Promise<Response> } };
    try {
      worker = await import(built.scriptPath);
    } finally {
      delete zodConfig.postProcessor;
    }
    fromBundle = (path, init) => worker.default.fetch(new Request(`http://localhost${path}`, init), env, ctx);
    const config = getConfig(env);
    const keys = await loadKeySet(config.jwt.privateKey, config.jwt.publicKeys);
    const claims = { sub: crypto.randomUUID(), sid: crypto.randomUUID(), role: "user" as const };
    bearer = `Bearer ${await signAccessToken(keys, claims, { issuer: config.jwt.issuer, audience: config.jwt.audience, ttlSeconds: 600 }, new Date())}`;
  }, 120_000);
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  // drizzle names its classes in strings (entityKind), which minifying keeps. Statements are drizzle's `sql`
  // templates sent by src/db/client.ts; its neon-http database (every query builder) and the tables of
  // src/db/schema.ts (every pg-core column type) would add ~18 KiB gzipped and start-up work to every isolate.
  it("carries drizzle's sql template only: no drizzle database, dialect or table", () => {
    for (const kind of ["NeonHttpSession", "PgDatabase", "PgDialect", "PgSelectBuilder", "PgTable"]) expect(code).not.toContain(`"${kind}"`);
  });

  // workerd's node:crypto hashes (src/security/scrypt.ts), and imported bcrypt hashes are checked by
  // src/security/bcrypt.ts; @noble/hashes' scrypt and bcryptjs (by their messages) are the tests' references only.
  it("hashes with the runtime's scrypt and carries no JavaScript scrypt or bcrypt library", () => {
    expect(code.includes('"N" expected a power of 2')).toBe(false);
    expect(code.includes("Illegal number of rounds")).toBe(false);
  });

  it("serves the prebuilt OpenAPI document byte for byte, and carries nothing only the document needs", async () => {
    const res = await fromBundle("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(readFileSync(API_DOCUMENT_FILE));
    // zod-to-openapi's generator classes, by their messages.
    expect(code.includes("Unknown zod object type")).toBe(false);
    // Nor its registry (src/http/zod-to-openapi-registry.ts lists the routes for the 405 check).
    expect(code.includes("schemaWithRefId")).toBe(false);
    // Nor the failure responses only the document has (src/schemas/problem-responses.ts), by their texts.
    for (const text of ["Seconds to wait before trying again.", "The stable machine word"]) expect(code.includes(text), text).toBe(false);
  });

  // Every schema is work for every new isolate: it builds the ones that check requests and configuration,
  // not the responses' (the document's generator builds those: `documented` in src/schemas/responses.ts).
  // 367 today; 519 with the responses', 579 with config's old chains.
  it("builds at start-up only the schemas that check input", () => {
    expect(schemasAtLoad, "the hook counts").toBeGreaterThan(100);
    expect(schemasAtLoad).toBeLessThanOrEqual(400);
  });

  it("answers bad input exactly as the source does", async () => {
    const json = (method: string, body: unknown, auth = false): RequestInit => ({
      method,
      headers: { "content-type": "application/json", ...(auth ? { authorization: bearer } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const cases: [string, RequestInit?][] = [
      ["/api/v1/auth/register", json("POST", {})],
      ["/api/v1/auth/register", json("POST", { email: "not-an-email", password: "x" })],
      ["/api/v1/auth/register", json("POST", { email: " A@B.CO ", password: "short", extra: 1 })],
      ["/api/v1/auth/register", json("POST", { email: 123, password: null, full_name: "a\u0000b", username: "-x" })],
      ["/api/v1/auth/register", json("POST", { email: "a@b.co", password: "😀".repeat(129), full_name: " ", username: "ab" })],
      ["/api/v1/auth/register", json("POST", [])],
      ["/api/v1/auth/register", json("POST", "{not json")],
      ["/api/v1/auth/login", json("POST", { email: "a@b.co" })],
      ["/api/v1/auth/login", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }],
      ["/api/v1/auth/verify", json("POST", { email: "a@b.co", code: "12ab" })],
      ["/api/v1/auth/reset-password", json("POST", { email: "a@b.co", code: "123456", new_password: "" })],
      ["/api/v1/auth/refresh", json("POST", { refresh_token: 5 })],
      ["/api/v1/auth/token", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=bogus" }],
      ["/api/v1/auth/token", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=password&username=x" }],
      ["/api/v1/users/me", json("PATCH", { full_name: "   ", username: "a" }, true)],
      ["/api/v1/users/me", json("PATCH", { unknown: 1 }, true)],
      ["/api/v1/users/me/password", json("POST", {}, true)],
      ["/api/v1/users?limit=abc&q=%00", { headers: { authorization: bearer } }],
      ["/api/v1/users/not-a-uuid", { headers: { authorization: bearer } }],
      ["/api/v1/sessions/xyz", { method: "DELETE", headers: { authorization: bearer } }],
      ["/api/v1/users/me", { headers: { authorization: "Bearer abc.def.ghi" } }],
      ["/api/v1/users/me"],
      ["/api/v1/auth/login", { method: "DELETE" }],
      ["/api/v1/nothing-here"],
      ["/api/v1/health"],
    ];
    // Request ids and token ids differ from run to run; everything else must not.
    const answer = async (res: Response) =>
      `${res.status} ${res.headers.get("content-type")} ${res.headers.get("allow") ?? ""} ${res.headers.get("www-authenticate") ?? ""}\n${(await res.text()).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")}`;
    const statuses: number[] = [];
    for (const [path, init] of cases) {
      const expected = await answer(await fromSource(path, init));
      const res = await fromBundle(path, init);
      statuses.push(res.status);
      expect(await answer(res), `${init?.method ?? "GET"} ${path}`).toBe(expected);
    }
    // The cases reach validation (422), not just the token check or config.
    expect(statuses.filter((s) => s === 422).length).toBeGreaterThan(10);
  });
});
