// What the SQL endpoint needs from a database: one statement, or several in one transaction, with every
// value in Postgres text format so the endpoint can pass it to the Neon driver untouched.

/** A column as the Neon driver reads it (it only needs the name and the type OID to pick a parser). */
export interface SqlField {
  name: string;
  dataTypeID: number;
}

export interface SqlResult {
  /** First word of the command tag: SELECT, INSERT, UPDATE, DELETE, CREATE, ... */
  command: string;
  /** The command tag's count (rows returned or affected); null for tags without one, e.g. CREATE TABLE. */
  rowCount: number | null;
  fields: SqlField[];
  /** Values in Postgres text format, SQL NULL as null. */
  rows: (string | null)[][];
}

export type SqlParam = string | null;

export interface SqlStatement {
  query: string;
  params: SqlParam[];
}

export type IsolationLevel = "ReadUncommitted" | "ReadCommitted" | "RepeatableRead" | "Serializable";

export interface TransactionOptions {
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  deferrable?: boolean;
}

export interface SqlBackend {
  /** For start-up messages and logs. */
  readonly description: string;
  query(text: string, params: readonly SqlParam[]): Promise<SqlResult>;
  /** All statements in one transaction: every result, or the first error and nothing committed. */
  batch(statements: readonly SqlStatement[], options: TransactionOptions): Promise<SqlResult[]>;
  close(): Promise<void>;
}

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  ReadUncommitted: "ISOLATION LEVEL READ UNCOMMITTED",
  ReadCommitted: "ISOLATION LEVEL READ COMMITTED",
  RepeatableRead: "ISOLATION LEVEL REPEATABLE READ",
  Serializable: "ISOLATION LEVEL SERIALIZABLE",
};

/** The transaction modes for BEGIN / SET TRANSACTION, e.g. "ISOLATION LEVEL SERIALIZABLE, READ ONLY"; "" for none. */
export function transactionModes(options: TransactionOptions): string {
  const modes: string[] = [];
  if (options.isolationLevel) modes.push(ISOLATION_SQL[options.isolationLevel]);
  if (options.readOnly) modes.push("READ ONLY");
  if (options.deferrable) modes.push("DEFERRABLE");
  return modes.join(", ");
}

/** A real Postgres when a URL is given, otherwise PGlite (loaded only then: its WebAssembly is large). */
export async function openBackend(opts: { databaseUrl?: string; dataDir?: string }): Promise<SqlBackend> {
  if (opts.databaseUrl) {
    const { openPgBackend } = await import("./backend-pg");
    return openPgBackend(opts.databaseUrl);
  }
  const { openPgliteBackend } = await import("./backend-pglite");
  return openPgliteBackend(opts.dataDir);
}
