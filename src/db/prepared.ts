import { fillPlaceholders, type Placeholder, type SQL } from "drizzle-orm";
import type { Database, QueryResult } from "./client";
import { toQuery } from "./query";

/** A value in a statement's SQL: the value itself, or the placeholder a prepared statement fills in. */
export type SqlParam<T> = T | Placeholder;

/**
 * A statement for the hottest paths: its SQL text is built from drizzle's `sql` template once per
 * isolate, so a call only fills in its named placeholders (`sql.placeholder("now")`) instead of
 * rebuilding the text on every request (what that saves: README, Performance). Errors and
 * Server-Timing go through the same driver path as `db.execute`.
 */
export function preparedStatement<V extends object>(statement: SQL): (db: Database, values: V) => Promise<QueryResult> {
  const { sql, params } = toQuery(statement);
  return (db, values) => db.executeQuery({ sql, params: fillPlaceholders(params, values as Record<string, unknown>) });
}
