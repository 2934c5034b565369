import { sql, type InferSelectModel, type SQL, type Table } from "drizzle-orm";
import type { ColumnSpec, ColumnType } from "./columns";

/** A row as a raw statement (db.execute) returns it: column name → driver value. Only the decoders here read one. */
export type RawRow = Record<string, unknown>;

export interface Columns<T> {
  /** The columns for a SELECT or RETURNING list, each under its own name (`alias.full_name`). */
  sql(alias?: string): SQL;
  /** One row of the statement's result, as the typed record. */
  decode(row: RawRow): T;
  /** The same, or null where an outer join found nothing (its first column, the key, is NULL). */
  decodeJoined(row: RawRow): T | null;
}

// What drizzle's column of each type makes of the driver's value (mapFromDriverValue): db/client.ts
// leaves timestamps as Postgres's text, which becomes a Date; integers may come as text.
const fromDriver: Record<ColumnType, (value: unknown) => unknown> = {
  uuid: (value) => value,
  text: (value) => value,
  integer: (value) => (typeof value === "string" ? Number.parseInt(value) : value),
  // Steps of 30 s since the epoch: far inside a double's exact integers.
  bigint: (value) => (typeof value === "string" ? Number(value) : value),
  boolean: (value) => (typeof value === "string" ? value === "t" : value),
  // Arrays hold plain words only (hashes, amr values, transports; session-sql's textArray makes sure):
  // no quotes, commas or braces to unescape.
  "text[]": (value) => (typeof value === "string" ? (value === "{}" ? [] : value.slice(1, -1).split(",")) : value),
  timestamptz: (value) => (typeof value === "string" ? new Date(value) : value),
};

/** The db/columns.ts entry a column of a db/schema.ts table was built from: its SQL name is the same. */
type SpecOf<TTable extends Table, K> = ColumnSpec<ColumnType, TTable["_"]["columns"][K & keyof TTable["_"]["columns"]]["_"]["name"]>;

/**
 * Some of a table's columns, by their names and types in db/columns.ts: their SQL names for the
 * hand-written statements (the CTEs drizzle cannot express) and the decoder of their values, typed as
 * the table in db/schema.ts (`tableColumns<typeof users>()(userColumns, keys)`; only its type is used,
 * and it checks that each entry is the one the table's column was built from).
 */
export function tableColumns<TTable extends Table>() {
  return <K extends keyof InferSelectModel<TTable> & string>(
    columns: { readonly [P in K]: SpecOf<TTable, P> },
    keys: readonly K[],
  ): Columns<Pick<InferSelectModel<TTable>, K>> => {
    const picked = keys.map((key) => ({ key, name: columns[key][0], map: fromDriver[columns[key][1]] }));
    const decode = (row: RawRow) => {
      const out: Record<string, unknown> = {};
      for (const { key, name, map } of picked) {
        const value = row[name];
        out[key] = value === null || value === undefined ? null : map(value);
      }
      return out as Pick<InferSelectModel<TTable>, K>;
    };
    const first = picked[0]!.name;
    return {
      sql: (alias) => sql.raw(picked.map(({ name }) => (alias ? `${alias}.${name}` : name)).join(", ")),
      decode,
      decodeJoined: (row) => (row[first] === null || row[first] === undefined ? null : decode(row)),
    };
  };
}

type Kind = "boolean" | "integer" | "text" | "timestamp";
type Value<K extends Kind> = K extends "boolean" ? boolean : K extends "integer" ? number : K extends "text" ? string : Date;
type Spec = Record<string, Kind | `${Kind}?`>;
type Decoded<S extends Spec> = { [N in keyof S]: S[N] extends `${infer K extends Kind}?` ? Value<K> | null : S[N] extends Kind ? Value<S[N]> : never };

function decodeValue(kind: Kind, value: unknown, name: string): boolean | number | string | Date {
  switch (kind) {
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "t" || value === "f") return value === "t";
      break;
    case "integer":
      if (typeof value === "number" || (typeof value === "string" && /^-?\d+$/.test(value))) return Number(value);
      break;
    case "text":
      if (typeof value === "string") return value;
      break;
    case "timestamp":
      if (value instanceof Date) return value;
      if (typeof value === "string") return new Date(value);
      break;
  }
  throw new TypeError(`column ${name}: expected ${kind}, got ${typeof value}`);
}

/**
 * The computed columns a statement returns beside table columns (`EXISTS (...) AS caller_live`), by name
 * and kind; a kind ending in "?" may be NULL. Decoding checks each value, so a statement that drifts
 * from what its caller expects fails loudly instead of being misread.
 */
export function computedColumns<S extends Spec>(spec: S): { decode(row: RawRow): Decoded<S> } {
  const entries = Object.entries(spec).map(([name, kind]) => ({ name, kind: kind.replace("?", "") as Kind, nullable: kind.endsWith("?") }));
  return {
    decode: (row) => {
      const out: Record<string, unknown> = {};
      for (const { name, kind, nullable } of entries) {
        const value = row[name];
        if (value === null || value === undefined) {
          if (!nullable) throw new TypeError(`column ${name}: expected ${kind}, got NULL`);
          out[name] = null;
        } else {
          out[name] = decodeValue(kind, value, name);
        }
      }
      return out as Decoded<S>;
    },
  };
}
