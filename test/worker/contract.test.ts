// The OpenAPI document against the server, both ways. First, walking the document: every status every
// operation documents is provoked at least once (its body and headers are checked against the document
// by the answer recorder, test/setup/answer-recorder.ts). Then, over the whole run (this file runs last,
// test/setup/whole-run-last.ts): no answer had a status its operation does not document, nor a body or
// header other than documented.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { generateApiDocument } from "../../src/api-document";
import { systemClock } from "../../src/clock";
import type { Verdict } from "../setup/answer-recorder";
import { SoftwareAuthenticator } from "./software-authenticator";
import {
  addPasskey,
  authenticatorCode,
  call,
  codeFromMail,
  enableTotp,
  mfaTicket,
  createVerifiedUser,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  PASSKEY_ORIGIN,
  dbBatch,
  dbQuery,
  flushAnswers,
  PASSWORD,
  setDatabaseAvailable,
  signIn,
  uniqueEmail,
  workerWith,
  type CallOptions,
} from "./helpers";

interface DocOperation {
  operationId: string;
  security?: Record<string, string[]>[];
  servers?: { url: string }[];
  parameters?: { in: string }[];
  requestBody?: { required?: boolean; content: Record<string, unknown> };
  responses: Record<string, unknown>;
}

interface Operation {
  id: string;
  method: string;
  /** The document's path, e.g. /users/{id}. */
  path: string;
  statuses: number[];
  bearer: boolean;
  body: "json" | "form" | null;
  inPath: boolean;
  inQuery: boolean;
}

interface Req {
  method: string;
  /** As call() takes it: absolute. */
  path: string;
  opts?: CallOptions;
}

const document = generateApiDocument() as unknown as {
  servers: { url: string }[];
  paths: Record<string, Record<string, DocOperation>>;
};

const OPERATIONS: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({
    id: op.operationId,
    method: method.toUpperCase(),
    path,
    statuses: Object.keys(op.responses).map(Number),
    bearer: (op.security ?? []).some((s) => "bearerAuth" in s),
    body: op.requestBody ? ("application/json" in op.requestBody.content ? "json" : "form") : null,
    inPath: (op.parameters ?? []).some((p) => p.in === "path"),
    inQuery: (op.parameters ?? []).some((p) => p.in === "query"),
  })),
);

const base = (op: Operation) => (document.paths[op.path]![op.method.toLowerCase()]!.servers?.[0]?.url === "/" ? "" : document.servers[0]!.url);
const urlOf = (op: Operation, id = crypto.randomUUID()) => `${base(op)}${op.path.replace("{id}", id)}`;
const send = (req: Req, via = call) => via(req.method, req.path, req.opts);
const uniqueUsername = () => `u${crypto.randomUUID().slice(0, 8)}`;
const fixedClient = () => ({ "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250)}` });
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  rawBody: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
});

let user: Awaited<ReturnType<typeof createVerifiedUser>> & { id: string };
let admin: Awaited<ReturnType<typeof createVerifiedUser>> & { id: string };

async function freshUser() {
  const created = await createVerifiedUser();
  return { ...created, id: created.tokens.user.id };
}

/** An admin as `npm run user:role` makes one. */
async function freshAdmin() {
  const created = await freshUser();
  await dbQuery("update users set role = 'admin' where id = $1", [created.id]);
  return { ...created, ...(await signIn(created.email)) };
}

/** Makes `who` the only admin while `fn` runs, then gives the others their role back. */
async function asOnlyAdmin<T>(who: { id: string }, fn: () => Promise<T>): Promise<T> {
  const others = (await dbQuery("select id from users where role = 'admin' and id <> $1", [who.id])).map((row) => row[0]!);
  await dbQuery("update users set role = 'user' where id = any($1::uuid[])", [`{${others.join(",")}}`]);
  try {
    return await fn();
  } finally {
    await dbQuery("update users set role = 'admin' where id = any($1::uuid[])", [`{${others.join(",")}}`]);
  }
}

const onPostgres = async () => !(await dbQuery("select version()"))[0]![0]!.includes("PGlite");

/** A signed-in user with TOTP on. */
async function totpUser() {
  const someone = await freshUser();
  return { ...someone, ...(await enableTotp(someone.token)) };
}

/** A user with TOTP on, and a ticket of their password step; the code to send is the next step's (the confirmation used this one's). */
async function secondStep() {
  const someone = await freshUser();
  const { secret, recoveryCodes } = await enableTotp(someone.token);
  return { ...someone, secret, recoveryCodes, ticket: await mfaTicket(someone.email), code: await authenticatorCode(secret, Date.now() + 30_000) };
}

/** A signed-in user with a passkey. */
async function passkeyUser() {
  const someone = await freshUser();
  return { ...someone, ...(await addPasskey(someone.token)) };
}

/** A request each operation answers with success: the same request also provokes 503 (database down) and 500 (broken config). */
const OK: Record<string, () => Promise<Req>> = {
  health: async () => ({ method: "GET", path: "/api/v1/health" }),
  databaseHealth: async () => ({ method: "GET", path: "/api/v1/health/db" }),
  clientConfig: async () => ({ method: "GET", path: "/api/v1/client-config" }),
  getJwks: async () => ({ method: "GET", path: "/.well-known/jwks.json" }),
  register: async () => ({ method: "POST", path: "/api/v1/auth/register", opts: { body: { email: uniqueEmail(), password: PASSWORD } } }),
  createUser: async () => ({ method: "POST", path: "/api/v1/users", opts: { body: { email: uniqueEmail(), password: PASSWORD } } }),
  verifyEmail: async () => {
    const email = uniqueEmail();
    await call("POST", "/auth/register", { body: { email, password: PASSWORD } });
    return { method: "POST", path: "/api/v1/auth/verify", opts: { body: { email, code: await codeFromMail(email), password: PASSWORD } } };
  },
  resendVerification: async () => ({ method: "POST", path: "/api/v1/auth/verify/resend", opts: { body: { email: uniqueEmail() } } }),
  login: async () => ({ method: "POST", path: "/api/v1/auth/login", opts: { body: { email: user.email, password: PASSWORD } } }),
  loginAlias: async () => ({ method: "POST", path: "/api/v1/users/login", opts: { body: { email: user.email, password: PASSWORD } } }),
  loginMfa: async () => {
    const { ticket, code } = await secondStep();
    return { method: "POST", path: "/api/v1/auth/login/mfa", opts: { body: { mfa_ticket: ticket, code } } };
  },
  startTotp: async () => ({ method: "POST", path: "/api/v1/users/me/totp", opts: { token: (await freshUser()).token, body: { password: PASSWORD } } }),
  confirmTotp: async () => {
    const someone = await freshUser();
    const { secret } = (await (await call("POST", "/users/me/totp", { token: someone.token, body: { password: PASSWORD } })).json()) as { secret: string };
    return { method: "POST", path: "/api/v1/users/me/totp/confirm", opts: { token: someone.token, body: { code: await authenticatorCode(secret) } } };
  },
  disableTotp: async () => {
    const { token, secret } = await totpUser();
    return { method: "DELETE", path: "/api/v1/users/me/totp", opts: { token, body: { password: PASSWORD, code: await authenticatorCode(secret, Date.now() + 30_000) } } };
  },
  regenerateRecoveryCodes: async () => {
    const { token, recoveryCodes } = await totpUser();
    return { method: "POST", path: "/api/v1/users/me/totp/recovery-codes", opts: { token, body: { password: PASSWORD, code: recoveryCodes[0]! } } };
  },
  resetUserTotp: async () => ({ method: "DELETE", path: `/api/v1/users/${(await totpUser()).id}/totp`, opts: { token: admin.token } }),
  refresh: async () => ({ method: "POST", path: "/api/v1/auth/refresh", opts: { body: { refresh_token: (await signIn(user.email)).refreshToken } } }),
  logout: async () => ({ method: "POST", path: "/api/v1/auth/logout", opts: { token: (await signIn(user.email)).token } }),
  logoutAll: async () => ({ method: "POST", path: "/api/v1/auth/logout/all", opts: { token: (await freshUser()).token } }),
  forgotPassword: async () => ({ method: "POST", path: "/api/v1/auth/forgot-password", opts: { body: { email: uniqueEmail() } } }),
  resetPassword: async () => {
    const someone = await freshUser();
    await call("POST", "/auth/forgot-password", { body: { email: someone.email } });
    const code = await codeFromMail(someone.email, 2);
    return { method: "POST", path: "/api/v1/auth/reset-password", opts: { body: { email: someone.email, code, new_password: "a brand new password" } } };
  },
  oauthToken: async () => ({ method: "POST", path: "/api/v1/auth/token", opts: form({ grant_type: "password", username: user.email, password: PASSWORD }) }),
  getMe: async () => ({ method: "GET", path: "/api/v1/users/me", opts: { token: user.token } }),
  updateMe: async () => ({ method: "PATCH", path: "/api/v1/users/me", opts: { token: user.token, body: { full_name: "Ada Lovelace" } } }),
  replaceMe: async () => ({ method: "PUT", path: "/api/v1/users/me", opts: { token: user.token, body: { full_name: "Ada King" } } }),
  deleteMe: async () => ({ method: "DELETE", path: "/api/v1/users/me", opts: { token: (await freshUser()).token, body: { password: PASSWORD } } }),
  changePassword: async () => ({
    method: "POST",
    path: "/api/v1/users/me/password",
    opts: { token: (await freshUser()).token, body: { current_password: PASSWORD, new_password: "another fine password" } },
  }),
  startEmailChange: async () => ({
    method: "POST",
    path: "/api/v1/users/me/email",
    opts: { token: (await freshUser()).token, body: { new_email: uniqueEmail("new"), password: PASSWORD } },
  }),
  confirmEmailChange: async () => {
    const someone = await freshUser();
    const newEmail = uniqueEmail("new");
    await call("POST", "/users/me/email", { token: someone.token, body: { new_email: newEmail, password: PASSWORD } });
    return { method: "POST", path: "/api/v1/users/me/email/verify", opts: { token: someone.token, body: { code: await codeFromMail(newEmail) } } };
  },
  listSessions: async () => ({ method: "GET", path: "/api/v1/sessions", opts: { token: user.token } }),
  revokeOtherSessions: async () => ({ method: "DELETE", path: "/api/v1/sessions", opts: { token: (await freshUser()).token } }),
  getSession: async () => {
    const [session] = (await (await call("GET", "/sessions", { token: user.token })).json()) as { id: string }[];
    return { method: "GET", path: `/api/v1/sessions/${session!.id}`, opts: { token: user.token } };
  },
  revokeSession: async () => {
    const other = await signIn(user.email);
    const sessions = (await (await call("GET", "/sessions", { token: other.token })).json()) as { id: string; current: boolean }[];
    return { method: "DELETE", path: `/api/v1/sessions/${sessions.find((s) => s.current)!.id}`, opts: { token: other.token } };
  },
  startPasskeyRegistration: async () => ({ method: "POST", path: "/api/v1/users/me/passkeys/options", opts: { token: (await freshUser()).token, body: { password: PASSWORD } } }),
  addPasskey: async () => {
    const someone = await freshUser();
    const credential = await new SoftwareAuthenticator(PASSKEY_ORIGIN).register(await passkeyRegistrationOptions(someone.token));
    return { method: "POST", path: "/api/v1/users/me/passkeys", opts: { token: someone.token, body: { credential } } };
  },
  listPasskeys: async () => ({ method: "GET", path: "/api/v1/users/me/passkeys", opts: { token: user.token } }),
  renamePasskey: async () => {
    const { token, passkey } = await passkeyUser();
    return { method: "PATCH", path: `/api/v1/users/me/passkeys/${passkey.id}`, opts: { token, body: { name: "Renamed" } } };
  },
  deletePasskey: async () => {
    const { token, passkey } = await passkeyUser();
    return { method: "DELETE", path: `/api/v1/users/me/passkeys/${passkey.id}`, opts: { token } };
  },
  startPasskeySignIn: async () => ({ method: "POST", path: "/api/v1/auth/passkey/options" }),
  signInWithPasskey: async () => {
    const { authenticator } = await passkeyUser();
    return { method: "POST", path: "/api/v1/auth/passkey", opts: { body: { credential: await authenticator.assert(await passkeySignInOptions()) } } };
  },
  listUsers: async () => ({ method: "GET", path: "/api/v1/users?limit=2", opts: { token: admin.token } }),
  getUser: async () => ({ method: "GET", path: `/api/v1/users/${user.id}`, opts: { token: user.token } }),
  updateUser: async () => ({ method: "PATCH", path: `/api/v1/users/${user.id}`, opts: { token: user.token, body: { full_name: "Augusta Ada" } } }),
  deleteUser: async () => ({ method: "DELETE", path: `/api/v1/users/${(await freshUser()).id}`, opts: { token: admin.token } }),
};

/** Statuses no generic request provokes: the operation's own outcomes. */
const SPECIFIC: Record<string, Record<number, () => Promise<Response>>> = {
  register: {
    201: () => send({ method: "POST", path: "/api/v1/auth/register", opts: { body: { email: uniqueEmail(), password: PASSWORD } } }, verificationOff()),
    409: async () => {
      const username = uniqueUsername();
      await freshUser().then((u) => call("PATCH", "/users/me", { token: u.token, body: { username } }));
      return call("POST", "/auth/register", { body: { email: uniqueEmail(), password: PASSWORD, username } });
    },
  },
  verifyEmail: {
    // Only a race answers it: another account takes the username between the check and the claim. The
    // other transaction holds it for longer than verify takes to hash the password and reach the claim.
    409: async () => {
      const username = uniqueUsername();
      const email = uniqueEmail();
      await call("POST", "/auth/register", { body: { email, password: PASSWORD, username } });
      const code = await codeFromMail(email);
      const other = await freshUser();
      const taking = dbBatch([
        { query: "update users set username = $1 where id = $2", params: [username, other.id] },
        { query: "select pg_sleep(3)" },
      ]);
      await new Promise((r) => setTimeout(r, 300));
      const res = await call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } });
      await taking;
      return res;
    },
  },
  login: {
    401: () => call("POST", "/auth/login", { body: { email: uniqueEmail(), password: PASSWORD } }),
    403: async () => {
      const email = uniqueEmail();
      await call("POST", "/auth/register", { body: { email, password: PASSWORD } });
      return call("POST", "/auth/login", { body: { email, password: PASSWORD } });
    },
  },
  loginMfa: {
    401: () => call("POST", "/auth/login/mfa", { body: { mfa_ticket: `${crypto.randomUUID()}.${crypto.randomUUID()}.${"A".repeat(43)}`, code: "123456" } }),
    400: async () => {
      const { ticket, code } = await secondStep();
      return call("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code: String((Number(code) + 500_000) % 1_000_000).padStart(6, "0") } });
    },
    429: async () => {
      const { email, code } = await secondStep();
      const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");
      return repeatUntil(429, async () => call("POST", "/auth/login/mfa", { body: { mfa_ticket: await mfaTicket(email), code: wrong } }), 12);
    },
  },
  disableTotp: {
    400: async () => call("DELETE", "/users/me/totp", { token: (await totpUser()).token, body: { password: PASSWORD, code: "not-a-code" } }),
    403: async () => call("DELETE", "/users/me/totp", { token: (await totpUser()).token, body: { password: "not the password", code: "123456" } }),
    409: async () => call("DELETE", "/users/me/totp", { token: (await freshUser()).token, body: { password: PASSWORD, code: "123456" } }),
    429: async () => {
      const { token } = await totpUser();
      return repeatUntil(429, () => call("DELETE", "/users/me/totp", { token, body: { password: PASSWORD, code: "zzzzz-zzzzz" } }), 12);
    },
  },
  regenerateRecoveryCodes: {
    400: async () => call("POST", "/users/me/totp/recovery-codes", { token: (await totpUser()).token, body: { password: PASSWORD, code: "not-a-code" } }),
    403: async () => call("POST", "/users/me/totp/recovery-codes", { token: (await totpUser()).token, body: { password: "not the password", code: "123456" } }),
    409: async () => call("POST", "/users/me/totp/recovery-codes", { token: (await freshUser()).token, body: { password: PASSWORD, code: "123456" } }),
  },
  resetUserTotp: {
    403: async () => call("DELETE", `/users/${user.id}/totp`, { token: user.token }),
    404: async () => call("DELETE", `/users/${crypto.randomUUID()}/totp`, { token: admin.token }),
  },
  startTotp: {
    403: async () => call("POST", "/users/me/totp", { token: (await freshUser()).token, body: { password: "not the password" } }),
    409: async () => {
      const someone = await freshUser();
      await enableTotp(someone.token);
      return call("POST", "/users/me/totp", { token: someone.token, body: { password: PASSWORD } });
    },
  },
  startPasskeyRegistration: {
    403: async () => call("POST", "/users/me/passkeys/options", { token: (await freshUser()).token, body: { password: "not the password" } }),
    409: async () => {
      const someone = await freshUser();
      await dbQuery("update users set passkey_count = 20 where id = $1", [someone.id]);
      return call("POST", "/users/me/passkeys/options", { token: someone.token, body: { password: PASSWORD } });
    },
  },
  addPasskey: {
    409: async () => {
      const { token, authenticator } = await passkeyUser();
      return call("POST", "/users/me/passkeys", { token, body: { credential: await authenticator.register(await passkeyRegistrationOptions(token)) } });
    },
  },
  renamePasskey: {
    404: async () => call("PATCH", `/users/me/passkeys/${crypto.randomUUID()}`, { token: user.token, body: { name: "Nobody's" } }),
  },
  deletePasskey: {
    404: async () => call("DELETE", `/users/me/passkeys/${crypto.randomUUID()}`, { token: user.token }),
  },
  signInWithPasskey: {
    // An authenticator whose passkey was never added.
    401: async () => call("POST", "/auth/passkey", { body: { credential: await new SoftwareAuthenticator(PASSKEY_ORIGIN).assert(await passkeySignInOptions()) } }),
  },
  confirmTotp: {
    409: async () => call("POST", "/users/me/totp/confirm", { token: (await freshUser()).token, body: { code: "123456" } }),
  },
  refresh: {
    403: async () => {
      const { refreshToken } = await signIn(user.email);
      return call("POST", "/auth/refresh", { headers: { cookie: `__Secure-refresh_token=${refreshToken}`, origin: "https://elsewhere.example" } });
    },
  },
  oauthToken: {
    400: () => call("POST", "/api/v1/auth/token", form({ grant_type: "client_credentials" })),
    403: async () => {
      const { email } = await secondStep();
      return call("POST", "/api/v1/auth/token", form({ grant_type: "password", username: email, password: PASSWORD }));
    },
    429: async () => {
      const headers = fixedClient();
      return repeatUntil(429, () => call("POST", "/api/v1/auth/token", form({ grant_type: "password", username: uniqueEmail(), password: "wrong password" }, headers)));
    },
  },
  updateMe: { 409: async () => call("PATCH", "/users/me", { token: user.token, body: { username: await takenUsername() } }) },
  replaceMe: { 409: async () => call("PUT", "/users/me", { token: user.token, body: { username: await takenUsername() } }) },
  deleteMe: {
    403: async () => call("DELETE", "/users/me", { token: (await freshUser()).token, body: { password: "not the password" } }),
    409: () => asOnlyAdmin(admin, () => call("DELETE", "/users/me", { token: admin.token, body: { password: PASSWORD } })),
  },
  changePassword: {
    403: async () => call("POST", "/users/me/password", { token: (await freshUser()).token, body: { current_password: "not the password", new_password: "another fine password" } }),
  },
  startEmailChange: {
    403: async () => call("POST", "/users/me/email", { token: (await freshUser()).token, body: { new_email: uniqueEmail(), password: "not the password" } }),
    409: async () => {
      const someone = await freshUser();
      return call("POST", "/users/me/email", { token: someone.token, body: { new_email: someone.email, password: PASSWORD } });
    },
  },
  confirmEmailChange: {
    409: async () => {
      const someone = await freshUser();
      const wanted = uniqueEmail("wanted");
      await call("POST", "/users/me/email", { token: someone.token, body: { new_email: wanted, password: PASSWORD } });
      const code = await codeFromMail(wanted);
      await createVerifiedUser({ email: wanted });
      return call("POST", "/users/me/email/verify", { token: someone.token, body: { code } });
    },
    429: async () => {
      const someone = await freshUser();
      await call("POST", "/users/me/email", { token: someone.token, body: { new_email: uniqueEmail("new"), password: PASSWORD } });
      return repeatUntil(429, () => call("POST", "/users/me/email/verify", { token: someone.token, body: { code: "000000" } }));
    },
  },
  getSession: { 404: () => call("GET", `/sessions/${crypto.randomUUID()}`, { token: user.token }) },
  revokeSession: { 404: () => call("DELETE", `/sessions/${crypto.randomUUID()}`, { token: user.token }) },
  listUsers: { 403: () => call("GET", "/users", { token: user.token }) },
  getUser: { 404: () => call("GET", `/users/${admin.id}`, { token: user.token }) },
  updateUser: {
    403: () => call("PATCH", `/users/${user.id}`, { token: user.token, body: { role: "admin" } }),
    404: () => call("PATCH", `/users/${crypto.randomUUID()}`, { token: admin.token, body: { full_name: "Nobody" } }),
    409: () => asOnlyAdmin(admin, () => call("PATCH", `/users/${admin.id}`, { token: admin.token, body: { role: "user" } })),
  },
  deleteUser: {
    403: async () => call("DELETE", `/users/${(await freshUser()).id}`, { token: user.token }),
    404: () => call("DELETE", `/users/${crypto.randomUUID()}`, { token: admin.token }),
    409: () => asOnlyAdmin(admin, () => call("DELETE", `/users/${admin.id}`, { token: admin.token })),
  },
  getJwks: {
    304: async () => {
      const first = await call("GET", "/.well-known/jwks.json");
      return call("GET", "/.well-known/jwks.json", { headers: { "if-none-match": first.headers.get("etag")! } });
    },
  },
};
SPECIFIC.createUser = { 201: () => send({ method: "POST", path: "/api/v1/users", opts: { body: { email: uniqueEmail(), password: PASSWORD } } }, verificationOff()), 409: SPECIFIC.register![409]! };
SPECIFIC.loginAlias = SPECIFIC.login!;

// Provoked only where two transactions really run at once.
const POSTGRES_ONLY = new Set(["verifyEmail 409"]);

const verificationOff = () => workerWith(systemClock, { ...env, REQUIRE_EMAIL_VERIFICATION: "false" });
const misconfigured = () => workerWith(systemClock, { ...env, TOKEN_SECRET: undefined });

async function takenUsername() {
  const username = uniqueUsername();
  const other = await freshUser();
  expect((await call("PATCH", "/users/me", { token: other.token, body: { username } })).status).toBe(200);
  return username;
}

async function repeatUntil(status: number, attempt: () => Promise<Response>, tries = 40): Promise<Response> {
  let res = await attempt();
  for (let i = 1; i < tries && res.status !== status; i++) res = await attempt();
  return res;
}

/** A request that reaches the operation's own checks: with a token if it takes one. */
const reaching = (op: Operation, opts: CallOptions = {}) => call(op.method, urlOf(op), { token: op.bearer ? user.token : undefined, ...opts });

/** The statuses the plumbing answers, the same way for every operation that has them. */
function generic(op: Operation, status: number): (() => Promise<Response>) | undefined {
  const json = op.body === "json";
  switch (status) {
    case 400:
      return json ? () => reaching(op, { rawBody: "{" }) : undefined;
    case 401:
      return op.bearer || op.id === "refresh" ? () => call(op.method, urlOf(op)) : undefined;
    case 413:
      return op.body ? () => call(op.method, urlOf(op), { rawBody: JSON.stringify({ padding: "x".repeat(17 * 1024) }) }) : undefined;
    case 415:
      return json ? () => reaching(op, { rawBody: "{}", headers: { "content-type": "text/plain" } }) : undefined;
    case 422:
      if (json) return () => reaching(op, { body: { unexpected_field: true } });
      if (op.inPath) return () => call(op.method, urlOf(op, "not-a-uuid"), { token: user.token });
      if (op.inQuery) return () => call(op.method, `${urlOf(op)}?limit=0`, { token: user.token });
      return undefined;
    case 429: {
      // The per-network limit comes before anything else; one client asks until it is spent.
      const headers = fixedClient();
      return () => repeatUntil(429, () => call(op.method, urlOf(op), { headers }));
    }
    case 500:
      return async () => send(await OK[op.id]!(), misconfigured());
    default:
      return undefined;
  }
}

/** A success status no specific request is needed for: the one OK's request gets. */
const isPlainSuccess = (op: Operation, status: number) => status >= 200 && status < 300 && !SPECIFIC[op.id]?.[status];

beforeAll(async () => {
  user = await freshUser();
  admin = await freshAdmin();
});

describe("the OpenAPI document, walked", () => {
  it("has a way here to provoke every status of every operation", () => {
    const missing = OPERATIONS.flatMap((op) =>
      op.statuses.filter((status) => status !== 503 && !isPlainSuccess(op, status) && !SPECIFIC[op.id]?.[status] && !generic(op, status)).map((s) => `${op.id} ${s}`),
    );
    expect(missing).toEqual([]);
    expect(OPERATIONS.filter((op) => !OK[op.id]).map((op) => op.id)).toEqual([]);
  });

  it.each(OPERATIONS.map((op) => [`${op.method} ${op.path}`, op] as const))("%s answers each status it documents", async (_, op) => {
    const postgres = await onPostgres();
    for (const status of op.statuses.filter((s) => s !== 503)) {
      if (!postgres && POSTGRES_ONLY.has(`${op.id} ${status}`)) continue;
      const provoke = isPlainSuccess(op, status) ? async () => send(await OK[op.id]!()) : (SPECIFIC[op.id]?.[status] ?? generic(op, status))!;
      const res = await provoke();
      expect(res.status, `${op.id}: expected ${status}, got ${res.status}: ${await res.clone().text()}`).toBe(status);
    }
  });

  it("answers 503 with Retry-After on every operation that needs the database, while it is down", async () => {
    const needing = OPERATIONS.filter((op) => op.statuses.includes(503));
    expect(needing.length).toBeGreaterThan(20);
    const requests = await Promise.all(needing.map((op) => OK[op.id]!()));
    await setDatabaseAvailable(false);
    try {
      for (const [i, req] of requests.entries()) {
        const res = await send(req);
        expect(res.status, `${needing[i]!.id}: ${await res.clone().text()}`).toBe(503);
      }
    } finally {
      await setDatabaseAvailable(true);
    }
  });
});

describe("every answer of the whole run", () => {
  it("has a status its operation documents, and a body and headers as documented", async () => {
    await flushAnswers();
    const verdict = (await (await fetch(`${env.TEST_ANSWER_RECORDER_URL}/verdict`)).json()) as Verdict;
    expect(verdict.answers).toBeGreaterThan(100);
    expect(verdict.violations).toEqual([]);
  });
});
