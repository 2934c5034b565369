import { mkdirSync } from "node:fs";
import { PGlite, type QueryOptions, type Results } from "@electric-sql/pglite";
import { transactionModes, type SqlBackend, type SqlParam, type SqlResult } from "./sql-backend";

type Row = SqlParam[];

const passThrough = (value: string) => value;

/**
 * Query options that keep every value as text both ways.
 *
 * PGlite merges per-query parsers over its own table by spreading (`{...instanceParsers, ...options.parsers}`),
 * so a Proxy would be lost: the raw-text table has to name every OID the instance has a parser for
 * (built-ins plus the array types it registers at start-up). OIDs without a parser are already passed
 * through as text. Serializers must be replaced too: PGlite's bytea serializer rejects the `\x...` text the
 * driver sends, and its json serializer would quote a JSON string a second time.
 */
function rawTextOptions(db: PGlite): QueryOptions {
  const identityFor = (table: Record<string, unknown>) => Object.fromEntries(Object.keys(table).map((oid) => [oid, passThrough]));
  return { rowMode: "array", parsers: identityFor(db.parsers), serializers: identityFor(db.serializers) };
}

function toResult(result: Results<Row>): SqlResult {
  return {
    command: result.command ?? "",
    rowCount: result.rowCount ?? null,
    fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    rows: result.rows,
  };
}

/** PGlite in `dataDir` (created if missing), or in memory when it is undefined or "memory://". */
export async function openPgliteBackend(dataDir?: string): Promise<SqlBackend> {
  const inMemory = !dataDir || dataDir.startsWith("memory://");
  // PGlite does not create missing parent folders (a fresh clone has no .data/).
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(inMemory ? undefined : dataDir);
  const options = rawTextOptions(db);

  return {
    description: inMemory ? "PGlite (in memory)" : `PGlite in ${dataDir}`,

    async query(text, params) {
      return toResult(await db.query<Row>(text, [...params], options));
    },

    // transaction() holds PGlite's single connection until it ends, so concurrent requests cannot interleave.
    batch(statements, txOptions) {
      return db.transaction(async (tx) => {
        const modes = transactionModes(txOptions);
        if (modes) await tx.query(`SET TRANSACTION ${modes}`);
        const results: SqlResult[] = [];
        for (const s of statements) results.push(toResult(await tx.query<Row>(s.query, [...s.params], options)));
        return results;
      });
    },

    close: () => db.close(),
  };
}
