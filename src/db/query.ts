import type { Query, SQL } from "drizzle-orm";
import { CasingCache } from "drizzle-orm/casing";

// What drizzle's PgDialect.sqlToQuery does with a `sql` template, without the dialect (it brings every
// query builder along): parameters become $1, $2…, names are double-quoted, inlined strings
// single-quoted. toQuery copies this object before it counts parameters, so one serves every call.
const POSTGRES = {
  casing: new CasingCache(),
  escapeName: (name: string) => `"${name.replace(/"/g, '""')}"`,
  escapeParam: (index: number) => `$${index + 1}`,
  escapeString: (text: string) => `'${text.replace(/'/g, "''")}'`,
};

/** A statement's SQL text and parameters, as the driver takes them. */
export function toQuery(statement: SQL): Query {
  return statement.toQuery(POSTGRES);
}
