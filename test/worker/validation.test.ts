import { describe, expect, it } from "vitest";
import { call, countRows, createVerifiedUser, expectProblem, PASSWORD, uniqueEmail } from "./helpers";

type Case = { name: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; status: number; loc?: string };

const longText = (n: number) => "x".repeat(n);

/** Bad input for each JSON endpoint; each must be a 4xx problem naming the field, and write nothing. */
const endpoints: { method: string; path: string; auth?: boolean; valid: Record<string, unknown>; cases: Case[] }[] = [
  {
    method: "POST",
    path: "/auth/register",
    valid: { email: "valid@example.test", password: PASSWORD },
    cases: [
      { name: "missing email", body: { password: PASSWORD }, status: 422, loc: "body.email" },
      { name: "missing password", body: { email: "a@example.test" }, status: 422, loc: "body.password" },
      { name: "email of wrong type", body: { email: 42, password: PASSWORD }, status: 422, loc: "body.email" },
      { name: "bad email", body: { email: "not-an-email", password: PASSWORD }, status: 422, loc: "body.email" },
      { name: "email too long", body: { email: `${longText(250)}@example.test`, password: PASSWORD }, status: 422, loc: "body.email" },
      { name: "short password", body: { email: "a@example.test", password: "short" }, status: 422, loc: "body.password" },
      { name: "password too long", body: { email: "a@example.test", password: longText(129) }, status: 422, loc: "body.password" },
      { name: "password of wrong type", body: { email: "a@example.test", password: 12345678 }, status: 422, loc: "body.password" },
      { name: "full_name too long", body: { email: "a@example.test", password: PASSWORD, full_name: longText(101) }, status: 422, loc: "body.full_name" },
      { name: "bad username", body: { email: "a@example.test", password: PASSWORD, username: "no spaces!" }, status: 422, loc: "body.username" },
      { name: "extra field", body: { email: "a@example.test", password: PASSWORD, role: "admin" }, status: 422, loc: "body.role" },
      { name: "array body", body: [], status: 422, loc: "body" },
    ],
  },
  {
    method: "POST",
    path: "/auth/login",
    valid: { email: "valid@example.test", password: PASSWORD },
    cases: [
      { name: "missing password", body: { email: "a@example.test" }, status: 422, loc: "body.password" },
      { name: "bad email", body: { email: "@", password: PASSWORD }, status: 422, loc: "body.email" },
      { name: "null email", body: { email: null, password: PASSWORD }, status: 422, loc: "body.email" },
      { name: "huge password", body: { email: "a@example.test", password: longText(5000) }, status: 422, loc: "body.password" },
    ],
  },
  {
    method: "POST",
    path: "/auth/verify",
    valid: { email: "valid@example.test", code: "123456", password: PASSWORD },
    cases: [
      { name: "code too short", body: { email: "a@example.test", code: "12345", password: PASSWORD }, status: 422, loc: "body.code" },
      { name: "code with letters", body: { email: "a@example.test", code: "12a456", password: PASSWORD }, status: 422, loc: "body.code" },
      { name: "code as number", body: { email: "a@example.test", code: 123456, password: PASSWORD }, status: 422, loc: "body.code" },
      { name: "missing email", body: { code: "123456", password: PASSWORD }, status: 422, loc: "body.email" },
      { name: "missing password", body: { email: "a@example.test", code: "123456" }, status: 422, loc: "body.password" },
      { name: "short password", body: { email: "a@example.test", code: "123456", password: "short" }, status: 422, loc: "body.password" },
    ],
  },
  {
    method: "POST",
    path: "/auth/verify/resend",
    valid: { email: "valid@example.test" },
    cases: [{ name: "bad email", body: { email: "nope" }, status: 422, loc: "body.email" }],
  },
  {
    method: "POST",
    path: "/auth/forgot-password",
    valid: { email: "valid@example.test" },
    cases: [{ name: "email of wrong type", body: { email: ["a@example.test"] }, status: 422, loc: "body.email" }],
  },
  {
    method: "POST",
    path: "/auth/reset-password",
    valid: { email: "valid@example.test", code: "123456", new_password: PASSWORD },
    cases: [
      { name: "missing new_password", body: { email: "a@example.test", code: "123456" }, status: 422, loc: "body.new_password" },
      { name: "short new_password", body: { email: "a@example.test", code: "123456", new_password: "x" }, status: 422, loc: "body.new_password" },
      { name: "bad code", body: { email: "a@example.test", code: "abc", new_password: PASSWORD }, status: 422, loc: "body.code" },
    ],
  },
  {
    method: "POST",
    path: "/users/me/password",
    auth: true,
    valid: { current_password: "wrong but well-formed", new_password: PASSWORD },
    cases: [
      { name: "missing current_password", body: { new_password: PASSWORD }, status: 422, loc: "body.current_password" },
      { name: "new_password too long", body: { current_password: PASSWORD, new_password: longText(129) }, status: 422, loc: "body.new_password" },
    ],
  },
  {
    method: "POST",
    path: "/users/me/email",
    auth: true,
    valid: { new_email: "valid-new@example.test", password: "wrong but well-formed" },
    cases: [
      { name: "bad new_email", body: { new_email: "nope", password: PASSWORD }, status: 422, loc: "body.new_email" },
      { name: "missing password", body: { new_email: "a@example.test" }, status: 422, loc: "body.password" },
    ],
  },
  {
    method: "POST",
    path: "/users/me/email/verify",
    auth: true,
    valid: { code: "123456" },
    cases: [{ name: "missing code", body: {}, status: 422, loc: "body.code" }],
  },
  {
    method: "PATCH",
    path: "/users/me",
    auth: true,
    valid: { full_name: "Fine" },
    cases: [
      { name: "full_name of wrong type", body: { full_name: 7 }, status: 422, loc: "body.full_name" },
      { name: "empty full_name", body: { full_name: "   " }, status: 422, loc: "body.full_name" },
      { name: "control characters", body: { full_name: "a\u0000b" }, status: 422, loc: "body.full_name" },
      { name: "username too long", body: { username: longText(40) }, status: 422, loc: "body.username" },
    ],
  },
  {
    method: "DELETE",
    path: "/users/me",
    auth: true,
    valid: { password: "wrong but well-formed" },
    cases: [{ name: "missing password", body: {}, status: 422, loc: "body.password" }],
  },
];

// Transport-level failures every JSON endpoint shares.
const transportCases: Case[] = [
  { name: "malformed JSON", rawBody: '{"email": ', status: 400, loc: "body" },
  { name: "empty body with JSON content type", rawBody: "", status: 400, loc: "body" },
  { name: "wrong content type", rawBody: "email=a@example.test", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, loc: "header.content-type" },
  { name: "text/plain", rawBody: '{"email":"a@example.test"}', headers: { "content-type": "text/plain" }, status: 415, loc: "header.content-type" },
];

describe.each(endpoints)("$method $path rejects bad input", ({ method, path, auth, valid, cases }) => {
  it.each([...cases, ...transportCases])("$name → $status problem naming $loc", async (c) => {
    const token = auth ? (await createVerifiedUser()).token : undefined;
    const usersBefore = await countRows("select count(*) from users");
    const res = await call(method, path, { token, body: c.body, rawBody: c.rawBody, headers: c.headers });
    const problem = await expectProblem(res, c.status);
    if (c.loc) expect(problem.errors?.map((e) => e.loc.join("."))).toContain(c.loc);
    expect(await countRows("select count(*) from users")).toBe(usersBefore);
  });

  it("accepts the well-formed body (so the cases above fail for the reason they name)", async () => {
    const token = auth ? (await createVerifiedUser()).token : undefined;
    const res = await call(method, path, { token, body: { ...valid, ...(path === "/auth/register" ? { email: uniqueEmail() } : {}) } });
    expect(res.status).toBeLessThan(500);
    expect([415, 422]).not.toContain(res.status);
    if (res.status === 400) expect(((await res.json()) as { code: string }).code).not.toBe("malformed_body");
  });
});

describe("request limits", () => {
  it("answers 413 for a body over 16 KiB", async () => {
    await expectProblem(await call("POST", "/auth/login", { rawBody: JSON.stringify({ email: "a@example.test", password: longText(20_000) }) }), 413, "body_too_large");
  });

  it("answers 404 problem for an unknown API route", async () => {
    await expectProblem(await call("GET", "/nope"), 404, "not_found");
  });
});

describe("a new password's length", () => {
  const register = (password: string) => call("POST", "/auth/register", { body: { email: uniqueEmail(), password } });

  it.each([
    ["8 letters", "abcdefgh"],
    // 4 ligatures as sent, 8 letters after NFKC (what is hashed): the design's count.
    ["4 ligatures, 8 letters after NFKC", "ﬀﬀﬀﬀ"],
    // 8 characters as sent, 144 after NFKC: the document's count, which a client generated from it uses.
    ["8 characters as sent, 144 after NFKC", "ﷺ".repeat(8)],
    ["128 emoji (256 UTF-16 units)", "😀".repeat(128)],
  ])("accepts %s", async (_, password) => {
    expect((await register(password)).status).toBe(202);
  });

  it.each([
    ["7 letters", "abcdefg", "at least 8"],
    ["129 letters", "a".repeat(129), "at most 128"],
  ])("refuses %s", async (_, password, message) => {
    const problem = await expectProblem(await register(password), 422, "validation_error");
    expect(problem.errors?.[0]?.msg).toContain(message);
  });
});

describe("field errors", () => {
  it("tell a field of the wrong type from a missing one", async () => {
    const res = await call("POST", "/auth/register", { body: { email: 123, password: PASSWORD, full_name: null, username: ["x"] } });
    const problem = await expectProblem(res, 422, "validation_error");
    const byField = Object.fromEntries((problem.errors ?? []).map((e) => [e.loc.join("."), e]));
    expect(byField["body.email"]).toMatchObject({ type: "invalid_type" });
    expect(byField["body.email"]!.msg).not.toBe("Field required.");
    expect(byField["body.username"]).toMatchObject({ type: "invalid_type" });
    const missing = await expectProblem(await call("POST", "/auth/register", { body: { password: PASSWORD } }), 422);
    expect(missing.errors).toEqual([{ loc: ["body", "email"], msg: "Field required.", type: "missing" }]);
  });
});
