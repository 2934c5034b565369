// The source: the old service's Postgres, read directly with node-postgres, in one read-only snapshot.
import pg from "pg";
import { ColumnMapError, IMPORT_FIELDS, resolveColumnMap, type ColumnMap, type ImportField, type SourceColumn } from "./column-map";

/** A source row as read: every field, NULL where the table has no column for it. */
export interface SourceRow {
  id: string | null;
  email: string | null;
  password: string | null;
  full_name: string | null;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  is_verified: boolean | null;
  is_active: boolean | null;
  is_superuser: boolean | null;
  /** ISO 8601 in UTC. */
  created_at: string | null;
}

export interface Source {
  /** The table as `database/schema.table`: names it in messages, and is the namespace of derived ids. */
  name: string;
  map: ColumnMap;
  /** Rows in the snapshot read. */
  total: number;
  /** The next rows in order (oldest first: created_at, then id), or none at the end. */
  nextBatch(size: number): Promise<SourceRow[]>;
  close(): Promise<void>;
}

/** `schema.table` or `table` (then the connection's current schema). */
function splitTableName(table: string): { schema: string | null; name: string } {
  const dot = table.indexOf(".");
  return dot < 0 ? { schema: null, name: table } : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}

/**
 * What each field is read as. Booleans from integer columns are "not 0". A timestamp without time zone is
 * taken as UTC: SQLAlchemy models of FastAPI services fill it with datetime.utcnow().
 */
function selectExpression(field: ImportField, column: SourceColumn, quote: (name: string) => string): string {
  const c = quote(column.name);
  switch (field) {
    case "is_verified":
    case "is_active":
    case "is_superuser":
      return column.dataType === "boolean" ? c : `(${c} <> 0)`;
    case "created_at": {
      const utc = column.dataType === "timestamp with time zone" ? `${c} AT TIME ZONE 'UTC'` : `${c}::timestamp`;
      return `to_char(${utc}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    }
    default:
      return `${c}::text`;
  }
}

const CURSOR = "import_users_rows";

/**
 * Connects, finds the table and its columns (information_schema), settles the column map and opens a
 * cursor over the rows inside a REPEATABLE READ, READ ONLY transaction: the count and every batch come
 * from one snapshot, however long the import takes, and nothing can be written to the source.
 */
export async function openSource(url: string, table: string, overrides: Partial<Record<ImportField, string | null>>): Promise<Source> {
  const client = new pg.Client({ connectionString: url, application_name: "edge-accounts import:users" });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const { schema, name } = splitTableName(table);
    const found = await client.query<{ database: string; schema: string; column_name: string; data_type: string }>(
      `SELECT current_database() AS database, c.table_schema AS schema, c.column_name, c.data_type
       FROM information_schema.columns c
       WHERE c.table_schema = COALESCE($1, current_schema()) AND c.table_name = $2
       ORDER BY c.ordinal_position`,
      [schema, name],
    );
    const first = found.rows[0];
    if (!first) throw new ColumnMapError(`no table ${table} in the source database (or this user may not read it)`);
    const columns: SourceColumn[] = found.rows.map((r) => ({ name: r.column_name, dataType: r.data_type }));
    const map = resolveColumnMap(columns, overrides);

    const quote = (identifier: string) => client.escapeIdentifier(identifier);
    const from = `${quote(first.schema)}.${quote(name)}`;
    const fields = IMPORT_FIELDS.map((field) => {
      const column = map[field] ? columns.find((c) => c.name === map[field])! : undefined;
      return `${column ? selectExpression(field, column, quote) : "NULL"} AS ${field}`;
    });
    // Oldest first, so where two rows claim one address or username the older account keeps it; id makes
    // the order (and so the row numbers in the report) the same on every run.
    const order = [...(map.created_at ? [`${quote(map.created_at)} NULLS LAST`] : []), quote(map.id!)].join(", ");
    const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${from}`);
    await client.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT ${fields.join(", ")} FROM ${from} ORDER BY ${order}`);

    return {
      name: `${first.database}/${first.schema}.${name}`,
      map,
      total: Number(counted.rows[0]!.n),
      nextBatch: async (size) => (await client.query<SourceRow>(`FETCH FORWARD ${Math.max(1, Math.floor(size))} FROM ${CURSOR}`)).rows,
      close: async () => {
        await client.query("COMMIT").catch(() => {});
        await client.end();
      },
    };
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
}
