// Neon's SQL-over-HTTP wire format, as @neondatabase/serverless 1.2 speaks it and Neon's proxy answers it
// (proxy/src/serverless/sql_over_http.rs): request bodies, batch headers, result and error bodies.
import type { IncomingHttpHeaders } from "node:http";
import type { IsolationLevel, SqlParam, SqlResult, SqlStatement, TransactionOptions } from "./sql-backend";

/** A request the endpoint cannot run; answered with HTTP 400 and `{message}`, as Neon does. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

export type SqlRequest = { kind: "single"; statement: SqlStatement } | { kind: "batch"; statements: SqlStatement[]; options: TransactionOptions };

const ISOLATION_LEVELS: readonly string[] = ["ReadUncommitted", "ReadCommitted", "RepeatableRead", "Serializable"] satisfies IsolationLevel[];

// The driver already sends every parameter as text or null; other JSON scalars are accepted the way
// Neon's proxy accepts them (their JSON text), which keeps hand-written requests (curl) working.
function toParam(value: unknown, index: number): SqlParam {
  if (value === null || typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object" && !Array.isArray(value)) return JSON.stringify(value);
  throw new ProtocolError(`parameter $${index + 1}: send arrays as a Postgres array literal such as {1,2}`);
}

function toStatement(value: unknown): SqlStatement {
  if (typeof value !== "object" || value === null) throw new ProtocolError("each query must be an object");
  const { query, params = [] } = value as { query?: unknown; params?: unknown };
  if (typeof query !== "string") throw new ProtocolError('"query" must be a string');
  if (!Array.isArray(params)) throw new ProtocolError('"params" must be an array');
  return { query, params: params.map(toParam) };
}

// Like Neon, only the exact text "true" turns a flag on.
function batchOptions(headers: IncomingHttpHeaders): TransactionOptions {
  const level = headers["neon-batch-isolation-level"];
  if (level !== undefined && (typeof level !== "string" || !ISOLATION_LEVELS.includes(level))) throw new ProtocolError("invalid isolation level");
  return {
    isolationLevel: level as IsolationLevel | undefined,
    readOnly: headers["neon-batch-read-only"] === "true",
    deferrable: headers["neon-batch-deferrable"] === "true",
  };
}

/** `{"query","params"}` or `{"queries":[...]}`; the batch headers apply to batches only. */
export function parseSqlRequest(body: string, headers: IncomingHttpHeaders): SqlRequest {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch (err) {
    throw new ProtocolError(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof payload === "object" && payload !== null && "queries" in payload) {
    const { queries } = payload;
    if (!Array.isArray(queries)) throw new ProtocolError('"queries" must be an array');
    return { kind: "batch", statements: queries.map(toStatement), options: batchOptions(headers) };
  }
  return { kind: "single", statement: toStatement(payload) };
}

/** The success body. Values are always raw text in array mode: the only form the driver asks for. */
export function resultBody(result: SqlResult) {
  return { command: result.command, rowCount: result.rowCount, fields: result.fields, rows: result.rows, rowAsArray: true };
}

// The fields the driver copies from an error body onto its NeonDbError (index.mjs, `hi`).
const ERROR_FIELDS = [
  "severity", "code", "detail", "hint", "position", "internalPosition", "internalQuery", "where",
  "schema", "table", "column", "dataType", "constraint", "file", "line", "routine",
] as const;

/** Postgres reported this error (both pg and PGlite errors carry a severity and a five-character SQLSTATE). */
function isPostgresError(err: unknown): err is Error & Partial<Record<(typeof ERROR_FIELDS)[number], unknown>> {
  const e = err as { severity?: unknown; code?: unknown } | null;
  return err instanceof Error && typeof e?.severity === "string" && typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code);
}

/**
 * Neon's status codes: 400 for what Postgres refused (with its error fields, which the driver copies) and
 * for malformed requests; 500 when the database could not be reached or something else broke, which the
 * driver throws as "Server error (HTTP status 500): <body>".
 */
export function errorResponse(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof ProtocolError) return { status: 400, body: { message: err.message } };
  if (isPostgresError(err)) {
    const body: Record<string, unknown> = { message: err.message };
    for (const field of ERROR_FIELDS) if (err[field] !== undefined) body[field] = err[field];
    return { status: 400, body };
  }
  return { status: 500, body: { message: err instanceof Error ? err.message : String(err) } };
}
