// A Neon-compatible SQL-over-HTTP endpoint, so @neondatabase/serverless's neon() works locally unchanged:
// point neonConfig.fetchEndpoint at `${url}/sql`. Behind it: PGlite, or a real Postgres given by URL.
//
//   POST <any path>            one query or a batch (one transaction), Neon's wire format (neon-protocol.ts)
//   GET  /_stats               {"requests": N}: SQL requests so far, a batch counting once (round trips;
//                              those refused during a simulated outage count too)
//   POST /_control/available   {"available": false|true}: simulate a database outage, or end it
//   GET  /_statements          [{query, params}]: each distinct statement served so far, with the parameters
//                              of its first use (for EXPLAIN in tests; at most MAX_STATEMENTS kept), but
//                              not those of requests marked `X-Own-Statements: test` (a test's own SQL)
//
// The Neon-Connection-String header is ignored: the endpoint always serves its own database.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listen, readBody, sendJson } from "./http-util";
import { errorResponse, parseSqlRequest, resultBody, type SqlRequest } from "./neon-protocol";
import { openBackend } from "./sql-backend";

export interface SqlEndpoint {
  url: string;
  port: number;
  requestCount(): number;
  close(): Promise<void>;
  /** While false every SQL request is answered like a database outage (see OUTAGE_STATUS). */
  setAvailable(up: boolean): void;
}

export interface SqlEndpointOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** A Postgres URL; without one, PGlite serves. */
  databaseUrl?: string;
  /** PGlite's folder (e.g. ".data/pglite"); undefined or "memory://" keeps the database in memory. */
  dataDir?: string;
  /** Print every statement with its duration. */
  log?: boolean;
}

// Neon's proxy answers a compute it cannot reach with a 5xx JSON body (500 there; 503 here, so a simulated
// outage is told apart from a bug in this endpoint). The driver throws any status but 400 as
// NeonDbError("Server error (HTTP status 503): <body>") with no SQLSTATE code, as for a real outage.
const OUTAGE_STATUS = 503;
const OUTAGE_BODY = { message: "database unavailable (simulated outage: the local SQL endpoint was set unavailable)" };

// Neon allows any origin (browsers may call it directly); so does this endpoint, preflights included.
const CORS_HEADERS = { "access-control-allow-origin": "*" };

// The service sends a few dozen distinct statements; the cap only bounds memory if something generates SQL.
const MAX_STATEMENTS = 1000;

export async function startSqlEndpoint(opts: SqlEndpointOptions = {}): Promise<SqlEndpoint> {
  const backend = await openBackend(opts);
  let requests = 0;
  let available = true;
  const statements = new Map<string, unknown[]>();

  async function runSql(req: IncomingMessage, res: ServerResponse) {
    requests++;
    const body = await readBody(req);
    if (!available) return sendJson(res, OUTAGE_STATUS, OUTAGE_BODY, CORS_HEADERS);
    const started = performance.now();
    let request: SqlRequest | undefined;
    try {
      request = parseSqlRequest(body, req.headers);
      if (req.headers["x-own-statements"] !== "test") {
        for (const { query, params } of request.kind === "single" ? [request.statement] : request.statements) {
          if (!statements.has(query) && statements.size < MAX_STATEMENTS) statements.set(query, params);
        }
      }
      const payload =
        request.kind === "single"
          ? resultBody(await backend.query(request.statement.query, request.statement.params))
          : { results: (await backend.batch(request.statements, request.options)).map(resultBody) };
      sendJson(res, 200, payload, CORS_HEADERS);
      if (opts.log) logRequest(request, performance.now() - started);
    } catch (err) {
      const { status, body: errorBody } = errorResponse(err);
      sendJson(res, status, errorBody, CORS_HEADERS);
      if (opts.log) logRequest(request, performance.now() - started, errorBody);
    }
  }

  async function setAvailability(req: IncomingMessage, res: ServerResponse) {
    let up: unknown;
    try {
      up = (JSON.parse(await readBody(req)) as { available?: unknown } | null)?.available;
    } catch {
      up = undefined;
    }
    if (typeof up !== "boolean") return sendJson(res, 400, { message: 'expected {"available": true|false}' });
    available = up;
    sendJson(res, 200, { available });
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://endpoint").pathname;
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...CORS_HEADERS,
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
        "access-control-max-age": "86400",
      });
      return res.end();
    }
    if (req.method === "GET" && path === "/_stats") return sendJson(res, 200, { requests });
    if (req.method === "GET" && path === "/_statements") return sendJson(res, 200, [...statements].map(([query, params]) => ({ query, params })));
    if (req.method === "POST" && path === "/_control/available") return setAvailability(req, res);
    if (req.method === "POST") return runSql(req, res);
    sendJson(res, 404, { message: "POST SQL to /sql; GET /_stats, /_statements; POST /_control/available" });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      // Only a broken connection gets here (backend errors are answered in runSql).
      console.error("sql endpoint:", err);
      if (!res.headersSent) sendJson(res, 500, { message: "internal error in the local SQL endpoint" });
      else res.destroy();
    });
  });
  // The driver's fetch (undici) follows the server's Keep-Alive hint; longer than Node's 5 s default means
  // fewer reconnects between the requests of a test or a page load.
  server.keepAliveTimeout = 30_000;

  let address: { url: string; port: number };
  try {
    address = await listen(server, opts.port ?? 0, opts.host ?? "127.0.0.1");
  } catch (err) {
    await backend.close();
    throw err;
  }
  if (opts.log) console.log(`sql endpoint: ${address.url} -> ${backend.description}`);

  return {
    ...address,
    requestCount: () => requests,
    setAvailable(up) {
      available = up;
    },
    async close() {
      await closeServer(server);
      await backend.close();
    },
  };
}

function logRequest(request: SqlRequest | undefined, ms: number, error?: Record<string, unknown>) {
  const statements = !request ? [] : request.kind === "single" ? [request.statement] : request.statements;
  const oneLine = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 200);
  const head = `sql ${ms.toFixed(1)}ms${request?.kind === "batch" ? ` batch of ${statements.length}` : ""}`;
  const tail = error ? `  -> ${String(error.code ?? "error")}: ${String(error.message)}` : "";
  console.log(`${head}${statements.map((s) => `\n  ${oneLine(s.query)}${s.params.length ? `  [${s.params.length} params]` : ""}`).join("")}${tail}`);
}
