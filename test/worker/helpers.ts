import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import { createApp } from "../../src/app";
import type { Clock } from "../../src/clock";
import type { RecordedAnswer } from "../setup/answer-recorder";
import { SoftwareAuthenticator, type CreationOptionsJSON, type RequestOptionsJSON } from "./software-authenticator";

export const ORIGIN = "https://accounts.test";
export const PASSWORD = "correct horse battery staple";

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Send this exact body text (with the JSON content type unless headers say otherwise). */
  rawBody?: string;
}

// Every simulated client gets its own address unless a test names one, as on the internet, so the
// per-IP rate limits count each test's requests apart.
const randomClientIp = () => `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

function buildRequest(method: string, path: string, opts: CallOptions): Request {
  const headers: Record<string, string> = { ...opts.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "cf-connecting-ip")) headers["cf-connecting-ip"] = randomClientIp();
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  // API paths may be given relative to /api/v1; anything starting with /api, /. or a top-level page is taken as is.
  const url = /^\/(api|\.well-known|docs|redoc|health|problems)/.test(path) ? `${ORIGIN}${path}` : `${ORIGIN}/api/v1${path}`;
  return new Request(url, { method, headers, body });
}

// Every answer is also sent to the Node-side recorder (test/setup/answer-recorder.ts), which checks it
// against the OpenAPI document; batched, and flushed after each file (test/setup/flush-answers.ts).
let unsent: RecordedAnswer[] = [];

async function recorded(request: Request, res: Response): Promise<Response> {
  unsent.push({
    method: request.method,
    path: new URL(request.url).pathname + new URL(request.url).search,
    status: res.status,
    contentType: res.headers.get("content-type"),
    headers: Object.fromEntries(["retry-after", "www-authenticate", "allow"].flatMap((h) => (res.headers.has(h) ? [[h, res.headers.get(h)!]] : []))),
    body: request.method === "HEAD" ? "" : await res.clone().text(),
  });
  if (unsent.length >= 200) await flushAnswers();
  return res;
}

export async function flushAnswers(): Promise<void> {
  if (unsent.length === 0) return;
  const batch = unsent;
  unsent = [];
  const res = await fetch(`${env.TEST_ANSWER_RECORDER_URL}/answers`, { method: "POST", body: JSON.stringify(batch) });
  await res.arrayBuffer();
}

/** One HTTP request into the deployed worker (its default export), the way a client sends it. */
export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const request = buildRequest(method, path, opts);
  return recorded(request, await SELF.fetch(request));
}

/**
 * A worker built with a fixed clock (or other bindings), called through its fetch handler with
 * background work (mail) awaited, for tests about time.
 */
export function workerWith(clock: Clock, bindings: object = env) {
  const app = createApp({ clock });
  return async (method: string, path: string, opts: CallOptions = {}): Promise<Response> => {
    const ctx = createExecutionContext();
    const request = buildRequest(method, path, opts);
    const res = await app.fetch(request, bindings, ctx);
    await waitOnExecutionContext(ctx);
    return recorded(request, res);
  };
}

export const uniqueEmail = (tag = "user") => `${tag}-${crypto.randomUUID().slice(0, 12)}@example.test`;

export interface CaughtMail {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  created_at: string;
}

/** Mail is sent after the response (waitUntil), so wait briefly until `count` messages have arrived. */
export async function mailsTo(address: string, count = 1): Promise<CaughtMail[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await fetch(`${env.TEST_MAIL_CATCHER_URL}/api/messages?to=${encodeURIComponent(address)}`);
    const messages = (await res.json()) as CaughtMail[];
    if (messages.length >= count || Date.now() > deadline) return messages;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The 6-digit code in the newest of `count` messages to the address. */
export async function codeFromMail(address: string, count = 1): Promise<string> {
  const messages = await mailsTo(address, count);
  expect(messages.length).toBeGreaterThanOrEqual(count);
  const code = /\b(\d{6})\b/.exec(messages[0]!.text)?.[1];
  expect(code, "mail contains a 6-digit code").toBeDefined();
  return code!;
}

/**
 * A code that differs from `old`: the newest once `mails` messages reached the address, or, while it
 * equals `old` (two random 6-digit codes coincide once in a million), the next one `askAgain` gets
 * after the clock steps past the one-code-a-minute limit. Tests that show a newer code voids an older
 * one need two that differ; a service that keeps mailing the same code fails here.
 */
export async function codeUnlike(
  old: string,
  email: string,
  mails: number,
  askAgain: () => Promise<Response>,
  clock: { advance(ms: number): void },
): Promise<string> {
  for (let tries = 0; tries < 5; tries++) {
    const code = await codeFromMail(email, mails + tries);
    if (code !== old) return code;
    clock.advance(61_000);
    expect((await askAgain()).status).toBe(202);
  }
  throw new Error(`${email} was mailed the code ${old} again and again: it should be random`);
}

export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
  user: { id: string; email: string; role: string; email_verified: boolean; full_name: string | null; username: string | null };
}

type Caller = (method: string, path: string, opts?: CallOptions) => Promise<Response>;

/** Registers, reads the code from the catcher, verifies: a signed-in, verified user. */
export async function createVerifiedUser(
  overrides: { email?: string; password?: string; full_name?: string; username?: string } = {},
  via: Caller = call,
) {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? PASSWORD;
  const reg = await via("POST", "/auth/register", { body: { ...overrides, email, password } });
  expect(reg.status).toBe(202);
  const code = await codeFromMail(email);
  const res = await via("POST", "/auth/verify", { body: { email, code, password } });
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as TokenBody;
  return { email, password, tokens, token: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** Signs in again: a second session for the same user. */
export async function signIn(email: string, password = PASSWORD, via: Caller = call, headers: Record<string, string> = {}) {
  const res = await via("POST", "/auth/login", { body: { email, password }, headers });
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as TokenBody;
  return { tokens, token: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** How many SQL requests (single statements or batches) the worker sent while `fn` ran. */
export async function roundTrips<T>(fn: () => Promise<T>): Promise<{ result: T; trips: number }> {
  const read = async () => ((await (await fetch(`${env.TEST_SQL_ENDPOINT_URL}/_stats`)).json()) as { requests: number }).requests;
  const before = await read();
  const result = await fn();
  return { result, trips: (await read()) - before };
}

/** Asserts an RFC 9457 problem response and returns its body. */
export async function expectProblem(res: Response, status: number, code?: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as { status: number; code: string; detail: string; title: string; type: string; errors?: { loc: (string | number)[]; msg: string; type: string }[] };
  expect(body.status).toBe(status);
  expect(typeof body.detail).toBe("string");
  if (code) expect(body.code).toBe(code);
  return body;
}

/** Makes the local SQL endpoint refuse (or serve again) every request, as an unreachable database would. */
export async function setDatabaseAvailable(available: boolean): Promise<void> {
  const res = await fetch(`${env.TEST_SQL_ENDPOINT_URL}/_control/available`, { method: "POST", body: JSON.stringify({ available }) });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

// The test's own SQL, sent past the worker: marked so the endpoint does not count it among the service's statements.
const TEST_SQL_HEADERS = { "Neon-Connection-String": env.DATABASE_URL!, "Neon-Array-Mode": "true", "Neon-Raw-Text-Output": "true", "X-Own-Statements": "test" };

/** Reads the database directly through the local endpoint (values in Postgres text format). */
export async function dbQuery(query: string, params: unknown[] = []): Promise<(string | null)[][]> {
  const res = await fetch(`${env.TEST_SQL_ENDPOINT_URL}/sql`, {
    method: "POST",
    headers: TEST_SQL_HEADERS,
    body: JSON.stringify({ query, params }),
  });
  const body = (await res.json()) as { rows: (string | null)[][]; message?: string };
  if (!res.ok) throw new Error(body.message);
  return body.rows;
}

export const countRows = async (query: string, params: unknown[] = []) => Number((await dbQuery(query, params))[0]![0]);

/** Runs statements as one transaction through the endpoint, as a concurrent request's batch would. */
export async function dbBatch(queries: { query: string; params?: unknown[] }[]): Promise<void> {
  const res = await fetch(`${env.TEST_SQL_ENDPOINT_URL}/sql`, {
    method: "POST",
    headers: TEST_SQL_HEADERS,
    body: JSON.stringify({ queries: queries.map((q) => ({ query: q.query, params: q.params ?? [] })) }),
  });
  if (!res.ok) throw new Error(((await res.json()) as { message: string }).message);
  await res.arrayBuffer();
}

/**
 * RFC 6238's code (HMAC-SHA-1, 6 digits, 30 s) for a base32 secret at `at`, written here independently of
 * src/security/totp.ts (WebCrypto's HMAC, its own base32 decoding), as an authenticator app computes it.
 */
export async function authenticatorCode(base32Secret: string, at: Date | number = Date.now()): Promise<string> {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of base32Secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = new Uint8Array(Math.floor(bits.length / 8)).map((_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
  const step = Math.floor((typeof at === "number" ? at : at.getTime()) / 30_000);
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(step));
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, counter));
  const offset = mac[19]! & 0xf;
  const value = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(value % 1_000_000).padStart(6, "0");
}

/** Turns TOTP on for a signed-in user (start, then confirm with the app's code at `at`): the secret and the recovery codes. */
export async function enableTotp(token: string, via: Caller = call, at: Date | number = Date.now()) {
  const start = await via("POST", "/users/me/totp", { token, body: { password: PASSWORD } });
  expect(start.status, await start.clone().text()).toBe(200);
  const { secret, otpauth_uri } = (await start.json()) as { secret: string; otpauth_uri: string };
  const confirm = await via("POST", "/users/me/totp/confirm", { token, body: { code: await authenticatorCode(secret, at) } });
  expect(confirm.status, await confirm.clone().text()).toBe(200);
  const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
  return { secret, otpauthUri: otpauth_uri, recoveryCodes: recovery_codes };
}

/** A password sign-in that must ask for the second factor: its ticket. */
export async function mfaTicket(email: string, via: Caller = call, password = PASSWORD): Promise<string> {
  const res = await via("POST", "/auth/login", { body: { email, password } });
  const body = (await res.json()) as { code: string; mfa_ticket: string; expires_in: number };
  expect(res.status, JSON.stringify(body)).toBe(403);
  expect(body.code).toBe("mfa_required");
  return body.mfa_ticket;
}

/** The origin the test config allows for passkey ceremonies (WEBAUTHN_ORIGINS). */
export const PASSKEY_ORIGIN = "https://accounts.test";

/** Registration options for a signed-in user (the password again). */
export async function passkeyRegistrationOptions(token: string, via: Caller = call): Promise<CreationOptionsJSON> {
  const res = await via("POST", "/users/me/passkeys/options", { token, body: { password: PASSWORD } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as CreationOptionsJSON;
}

/** Adds a passkey on `authenticator` for a signed-in user: the stored passkey. */
export async function addPasskey(token: string, authenticator = new SoftwareAuthenticator(PASSKEY_ORIGIN), via: Caller = call) {
  const credential = await authenticator.register(await passkeyRegistrationOptions(token, via));
  const res = await via("POST", "/users/me/passkeys", { token, body: { credential, name: "Test key" } });
  expect(res.status, await res.clone().text()).toBe(201);
  return { authenticator, passkey: (await res.json()) as { id: string; name: string } };
}

/** Sign-in options (a fresh challenge). */
export async function passkeySignInOptions(via: Caller = call): Promise<RequestOptionsJSON> {
  const res = await via("POST", "/auth/passkey/options");
  expect(res.status).toBe(200);
  return (await res.json()) as RequestOptionsJSON;
}
