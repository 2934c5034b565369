// A Resend-compatible mail catcher: the worker's Resend client posts here locally and in tests, and
// nothing is delivered. Point RESEND_API_URL at `url`.
//
//   POST   /emails         Resend's send-email call (bearer key required, any value) -> {"id": "<uuid>"}
//   GET    /api/messages   caught mail as JSON, newest first; ?to=<address> filters (case-insensitive)
//   DELETE /api/messages   forget all caught mail
//   GET    /               a page listing caught mail
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listen, readBody, sendJson } from "./http-util";
import { renderMailPage } from "./mail-page";

export interface MailCatcher {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface CaughtMessage {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  created_at: string;
}

// Enough for any dev session or test run; the oldest go first so memory stays bounded.
const MAX_MESSAGES = 1000;

/** Resend's error body: `{statusCode, name, message}`. */
class ResendError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

const recipients = (value: unknown, field: string, required: boolean): string[] => {
  if (value === undefined || value === null) {
    if (required) throw new ResendError(422, "missing_required_field", `Missing \`${field}\` field.`);
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 && required) throw new ResendError(422, "missing_required_field", `Missing \`${field}\` field.`);
  if (!list.every((v): v is string => typeof v === "string" && v.trim() !== "")) {
    throw new ResendError(422, "validation_error", `Invalid \`${field}\` field: expected an email address or a list of them.`);
  }
  return list;
};

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === "") throw new ResendError(422, "missing_required_field", `Missing \`${field}\` field.`);
  if (typeof value !== "string") throw new ResendError(422, "validation_error", `Invalid \`${field}\` field: expected a string.`);
  return value;
}

const optionalString = (value: unknown): string | null => (typeof value === "string" ? value : null);

function toMessage(bodyText: string): CaughtMessage {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    throw new ResendError(400, "validation_error", "The request body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ResendError(422, "validation_error", "The request body must be a JSON object.");
  const fields = body as Record<string, unknown>;
  return {
    id: randomUUID(),
    from: requiredString(fields, "from"),
    to: recipients(fields.to, "to", true),
    subject: requiredString(fields, "subject"),
    cc: recipients(fields.cc, "cc", false),
    bcc: recipients(fields.bcc, "bcc", false),
    reply_to: recipients(fields.reply_to, "reply_to", false),
    text: optionalString(fields.text),
    html: optionalString(fields.html),
    created_at: new Date().toISOString(),
  };
}

/** "Name <a@b.c>" and "a@b.c" both address a@b.c. */
const addressOf = (recipient: string): string => (/<([^>]*)>/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();

export async function startMailCatcher(opts: { port?: number; host?: string } = {}): Promise<MailCatcher> {
  let messages: CaughtMessage[] = []; // newest first

  async function send(req: IncomingMessage, res: ServerResponse) {
    const bodyText = await readBody(req);
    try {
      if (!/^Bearer \S/.test(req.headers.authorization ?? "")) {
        throw new ResendError(401, "missing_api_key", "Missing API key in the authorization header. Include the following header 'Authorization: Bearer YOUR_API_KEY' in the request.");
      }
      const message = toMessage(bodyText);
      messages.unshift(message);
      if (messages.length > MAX_MESSAGES) messages.length = MAX_MESSAGES;
      sendJson(res, 200, { id: message.id });
    } catch (err) {
      if (!(err instanceof ResendError)) throw err;
      sendJson(res, err.statusCode, { statusCode: err.statusCode, name: err.errorName, message: err.message });
    }
  }

  function list(url: URL): CaughtMessage[] {
    const to = url.searchParams.get("to");
    if (!to) return messages;
    const wanted = addressOf(to);
    return messages.filter((m) => m.to.some((r) => addressOf(r) === wanted));
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://catcher");
    const key = `${req.method} ${url.pathname}`;
    if (key === "POST /emails") return send(req, res);
    if (key === "GET /api/messages") return sendJson(res, 200, list(url));
    if (key === "DELETE /api/messages") {
      messages = [];
      res.writeHead(204);
      return res.end();
    }
    if (key === "GET /") {
      const page = renderMailPage(messages);
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        // The page shows untrusted mail text: escaped, and no script may run even if escaping were missed.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      });
      return res.end(page);
    }
    sendJson(res, 404, { statusCode: 404, name: "not_found", message: "The requested endpoint does not exist." });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      console.error("mail catcher:", err);
      if (!res.headersSent) sendJson(res, 500, { statusCode: 500, name: "internal_server_error", message: String(err) });
      else res.destroy();
    });
  });
  const address = await listen(server, opts.port ?? 0, opts.host ?? "127.0.0.1");
  return { ...address, close: () => closeServer(server) };
}
