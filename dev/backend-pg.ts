import pg from "pg";
import type { CustomTypesConfig, QueryArrayConfig, QueryArrayResult } from "pg";
import { transactionModes, type SqlBackend, type SqlParam, type SqlResult } from "./sql-backend";

type Row = SqlParam[];

// Every value stays in the text format Postgres sent; the Neon driver parses it on the client side.
const RAW_TEXT: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as CustomTypesConfig["getTypeParser"],
};

// The extended protocol (Parse/Bind/Execute) even without parameters, as Neon's proxy does: it prepares
// every statement, so text with several statements is refused instead of silently running them all.
// @types/pg does not declare queryMode, but pg 8 honours it (lib/query.js requiresPreparation).
function statement(text: string, values: readonly SqlParam[]): QueryArrayConfig<SqlParam[]> & { queryMode: "extended" } {
  return { text, values: [...values], rowMode: "array", queryMode: "extended" };
}

function toResult(result: QueryArrayResult<Row>): SqlResult {
  return {
    // pg leaves it null for an empty query (typed as string); Neon answers "" then.
    command: result.command ?? "",
    rowCount: result.rowCount,
    fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    rows: result.rows,
  };
}

export function openPgBackend(databaseUrl: string): SqlBackend {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, keepAlive: true, types: RAW_TEXT });
  let closed = false;
  // An idle client losing its server (restart, outage) is reported here; without a listener it would crash the process.
  // pool.end() resolves before its clients' goodbyes reach the server, so a DROP DATABASE … WITH (FORCE) right
  // after closing can still cut them: nothing to report then.
  pool.on("error", (err) => {
    if (!closed) console.error(`sql endpoint: idle Postgres connection failed: ${err.message}`);
  });

  return {
    description: `Postgres ${new URL(databaseUrl).host}`,

    async query(text, params) {
      return toResult(await pool.query<Row>(statement(text, params)));
    },

    async batch(statements, options) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(`BEGIN ${transactionModes(options)}`);
        const results: SqlResult[] = [];
        for (const s of statements) results.push(toResult(await client.query<Row>(statement(s.query, s.params))));
        await client.query("COMMIT");
        return results;
      } catch (err) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          // A connection that cannot roll back is in an unknown state: it must not go back to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },

    close: () => {
      closed = true;
      return pool.end();
    },
  };
}
