import { z } from "@hono/zod-openapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { systemClock } from "../../src/clock";
import { FullName, Username } from "../../src/schemas/fields";
import { call, createVerifiedUser, dbQuery, PASSWORD, signIn, uniqueEmail, workerWith } from "./helpers";

// Property: whatever malformed request arrives, the answer is a 4xx problem (RFC 6749 JSON for
// /auth/token), never a 5xx, and nothing is written. ≥ 10 000 generated requests across every
// endpoint that takes input.

interface Target {
  method: string;
  path: string;
  fields: string[];
  auth?: boolean;
}

const RUNS = 10_500;

// Every generated request comes from a new client address; through the rate limiter that is 10 000
// keys, which the local limiter (a Durable Object) slows down on. Limits have their own test; this
// one is about input, so it calls the worker without the limiter bindings.
const fuzzed = workerWith(systemClock, { ...env, MAIL_RATE_LIMITER: undefined, AUTH_RATE_LIMITER: undefined });

const TARGETS: Target[] = [
  { method: "POST", path: "/auth/register", fields: ["email", "password", "full_name", "username"] },
  { method: "POST", path: "/users", fields: ["email", "password"] },
  { method: "POST", path: "/auth/verify", fields: ["email", "code", "password"] },
  { method: "POST", path: "/auth/verify/resend", fields: ["email"] },
  { method: "POST", path: "/auth/login", fields: ["email", "password"] },
  { method: "POST", path: "/users/login", fields: ["email", "password"] },
  { method: "POST", path: "/auth/refresh", fields: ["refresh_token"] },
  { method: "POST", path: "/auth/forgot-password", fields: ["email"] },
  { method: "POST", path: "/auth/reset-password", fields: ["email", "code", "new_password"] },
  { method: "POST", path: "/auth/token", fields: ["grant_type", "username", "password", "refresh_token"] },
  { method: "GET", path: "/users/me", fields: [], auth: true },
  { method: "PATCH", path: "/users/me", fields: ["full_name", "username"], auth: true },
  { method: "DELETE", path: "/users/me", fields: ["password"], auth: true },
  { method: "POST", path: "/users/me/password", fields: ["current_password", "new_password"], auth: true },
  { method: "POST", path: "/users/me/email", fields: ["new_email", "password"], auth: true },
  { method: "POST", path: "/users/me/email/verify", fields: ["code"], auth: true },
  { method: "GET", path: "/sessions", fields: [], auth: true },
  { method: "GET", path: "/users", fields: [], auth: true },
  { method: "POST", path: "/auth/logout", fields: [], auth: true },
];

// Values no field accepts as valid input: wrong types, edge strings, NULs, huge text.
const hostile = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "a\u0000@b.c", "\uD800", "\u202Eevil", "ＡＤＭＩＮ@example.test", "x".repeat(5000), "1".repeat(7), "12345"),
);

const forgedToken = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.tuple(fc.base64String({ maxLength: 40 }), fc.base64String({ maxLength: 80 }), fc.base64String({ maxLength: 80 })).map((p) => p.join(".")),
  fc.constant("eyJhbGciOiJub25lIn0.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ."),
);

type Shape =
  | { kind: "json"; body: unknown }
  | { kind: "raw"; text: string; contentType: string };

// PATCH /users/me takes optional fields, so `{}` or a plain string as full_name is a valid body: with the
// real token it would change the user and answer 200. That is not malformed input, so the generator
// leaves out every body the documented rules accept, and any 2xx from PATCH is a validation hole.
const ProfileUpdate = z.strictObject({ full_name: FullName.optional(), username: Username.optional() });
const validProfileUpdate = (shape: Shape) => {
  try {
    // Judged as the server reads it: the body as sent (JSON turns -Infinity and NaN into null).
    return ProfileUpdate.safeParse(JSON.parse(shape.kind === "raw" ? shape.text : (JSON.stringify(shape.body) ?? "null"))).success;
  } catch {
    return false; // not JSON at all
  }
};

const bodyFor = (t: Target): fc.Arbitrary<Shape> => {
  const shapes = anyBody(t);
  return t.method === "PATCH" && t.path === "/users/me" ? shapes.filter((shape) => !validProfileUpdate(shape)) : shapes;
};

const anyBody = (t: Target): fc.Arbitrary<Shape> =>
  fc.oneof(
    // Known fields with hostile values, some missing, plus unknown extras.
    fc
      .tuple(fc.subarray(t.fields), fc.array(hostile, { minLength: t.fields.length, maxLength: t.fields.length }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), hostile, { maxKeys: 2 }))
      .map(([keys, values, extra]) => ({ kind: "json" as const, body: { ...extra, ...Object.fromEntries(keys.map((k, i) => [k, values[i]])) } })),
    // Any JSON at all as the body.
    fc.jsonValue({ maxDepth: 2 }).map((body) => ({ kind: "json" as const, body })),
    // Not JSON, or the wrong content type.
    fc
      .tuple(fc.string({ maxLength: 80 }), fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml", ""))
      .map(([text, contentType]) => ({ kind: "raw" as const, text, contentType })),
  );

/**
 * A digest of every row a query returns (count and md5 of the rows' text, in a stable order): any row
 * added, removed or changed in any column changes it.
 */
async function digest(query: string, params: unknown[] = []): Promise<string> {
  const [[rows, sum]] = (await dbQuery(
    `select count(*), coalesce(md5(string_agg(r::text, ',' order by r::text)), '') from (${query}) r`,
    params,
  )) as [[string, string]];
  return `${rows} rows, md5 ${sum}`;
}

/**
 * The tables no malformed request may change. login_failures and code_failures are left out: a request
 * can be well-formed but wrong (a real token with a wrong password on DELETE /users/me or
 * POST /users/me/password, a six-digit string on /users/me/email/verify), and counting such a failure
 * is the lockout working, not a write the fuzzer should flag.
 */
async function snapshot(logoutSessionId: string) {
  return {
    users: await digest("select * from users"),
    // A generated logout may end the session kept for it (that is what logout is for); nothing else changes.
    sessions: await digest("select to_jsonb(s) - (case when s.id = $1::uuid then 'revoked_at' else '' end) from sessions s", [logoutSessionId]),
    one_time_codes: await digest("select * from one_time_codes"),
  };
}

const request = fc.constantFrom(...TARGETS).chain((target) =>
  fc.record({ target: fc.constant(target), shape: bodyFor(target), token: fc.option(forgedToken, { nil: undefined }), useRealToken: fc.boolean() }),
);

describe("fuzzing every endpoint with malformed requests", () => {
  it("answers each with a 4xx problem, never a 5xx, and writes nothing", { timeout: 240_000 }, async () => {
    const { email, token: realToken } = await createVerifiedUser();
    // Logout gets a session of its own: a real logout would otherwise end the one every other
    // authenticated request uses, and the rest of the run would test nothing but 401s.
    const { token: logoutToken, refreshToken: logoutRefresh } = await signIn(email);
    // A live email-change code, so a malformed code sent to /users/me/email/verify has one to wrongly
    // spend an attempt of (a string of six digits, the only well-formed code, is vanishingly rare here).
    const change = await call("POST", "/users/me/email", { token: realToken, body: { new_email: uniqueEmail("fuzz-moved"), password: PASSWORD } });
    expect(change.status).toBe(202);
    const before = await snapshot(logoutRefresh.split(".")[0]!);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ target, shape, token, useRealToken }) => {
        const headers: Record<string, string> = {};
        let rawBody: string | undefined;
        if (shape.kind === "raw") {
          rawBody = shape.text;
          if (shape.contentType) headers["content-type"] = shape.contentType;
        } else {
          rawBody = JSON.stringify(shape.body) ?? "null";
          headers["content-type"] = target.path === "/auth/token" ? "application/x-www-form-urlencoded" : "application/json";
        }
        // Protected routes get a real token half the time (so the body is what fails), a forged one otherwise.
        const bearer = target.auth && useRealToken ? (target.path === "/auth/logout" ? logoutToken : realToken) : token;
        const res = await fuzzed(target.method, target.path, { rawBody: target.method === "GET" ? undefined : rawBody, headers, token: bearer });
        sent++;
        const text = await res.text();
        const ok = res.status >= 200 && res.status < 300;
        if (ok) {
          // Only requests that carry no invalid input may succeed: reads and logout with a real token,
          // and the always-202 endpoints whose body happened to be valid.
          expect(`${target.method} ${target.path} ${res.status}`).toMatch(/^(GET \/users\/me|GET \/sessions|POST \/auth\/logout|POST \/auth\/verify\/resend|POST \/auth\/forgot-password) 2/);
          return;
        }
        expect(res.status, `${target.method} ${target.path} -> ${text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${target.method} ${target.path} -> ${text}`).toBeLessThan(500);
        const type = res.headers.get("content-type") ?? "";
        // The token endpoint answers every error in RFC 6749's shape, not as a problem.
        if (target.path === "/auth/token") expect(JSON.parse(text)).toHaveProperty("error");
        else expect(type, text).toMatch(/^application\/problem\+json/);
      }),
      // A failure prints its seed and path; fast-check's shrinking then finds the smallest request.
      { numRuns: RUNS },
    );
    // A property that holds runs exactly numRuns times; fewer would mean requests were never sent.
    expect(sent).toBe(RUNS);
    const after = await snapshot(logoutRefresh.split(".")[0]!);
    for (const table of Object.keys(before) as (keyof typeof before)[]) expect(after[table], `${table} changed`).toBe(before[table]);
  });
});
