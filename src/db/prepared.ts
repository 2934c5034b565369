import type { Placeholder, SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Database } from "./client";

type Row = Record<string, unknown>;
type Prepared = ReturnType<Database["_"]["session"]["prepareQuery"]>;

/** A value in a statement's SQL: the value itself, or the placeholder a prepared statement fills in. */
export type SqlParam<T> = T | Placeholder;

const dialect = new PgDialect();

/**
 * A statement for the hottest paths: its SQL text is built from drizzle's `sql` template once per
 * isolate and prepared once per database client, so a call only fills in its named placeholders
 * (`sql.placeholder("now")`) instead of rebuilding the text on every request (what that saves: README,
 * Performance). Errors and Server-Timing go through the same driver path as `db.execute`.
 */
export function preparedStatement<V extends object>(statement: SQL): (db: Database, values: V) => Promise<{ rows: Row[] }> {
  const query = dialect.sqlToQuery(statement);
  const perClient = new WeakMap<Database, Prepared>();
  return async (db, values) => {
    let prepared = perClient.get(db);
    if (!prepared) {
      prepared = db._.session.prepareQuery(query, undefined, undefined, false);
      perClient.set(db, prepared);
    }
    return (await prepared.execute(values as Record<string, unknown>)) as { rows: Row[] };
  };
}
