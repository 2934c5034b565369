import pg from "pg";
import type { CustomTypesConfig, QueryArrayConfig, QueryArrayResult } from "pg";
import { transactionModes, type SqlBackend, type SqlParam, type SqlResult, type SqlStatement, type TransactionOptions } from "./sql-backend";

type Row = SqlParam[];

// Every value stays in the text format Postgres sent; the Neon driver parses it on the client side.
const RAW_TEXT: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as CustomTypesConfig["getTypeParser"],
};

// Queries and data changes are worth keeping prepared; DDL and the like run once.
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|VALUES)\b/i;
// The app has a few dozen distinct statements; the cap only guards against a client sending endless new texts.
const MAX_PREPARED = 1000;

/**
 * Names for prepared statements, so each distinct query is parsed and planned once per pooled connection
 * instead of on every request (pg sends Parse only the first time a connection sees a name): on a shared
 * machine, Postgres re-planning every query takes CPU from the worker being measured (README,
 * Performance, has the figures). A new generation of names after a table
 * changed under a prepared statement makes every connection prepare afresh.
 */
function preparedNames() {
  const names = new Map<string, string>();
  let generation = 0;
  return {
    nameFor(text: string): string | undefined {
      let name = names.get(text);
      if (name === undefined && names.size < MAX_PREPARED && PREPARABLE.test(text)) names.set(text, (name = `q${generation}_${names.size}`));
      return name;
    },
    forget() {
      names.clear();
      generation++;
    },
  };
}

// Postgres refuses a prepared statement whose result columns changed (e.g. SELECT * after ALTER TABLE
// ADD COLUMN) before running it, so running it again under a fresh name is safe.
const isStalePlan = (err: unknown) =>
  (err as { code?: unknown }).code === "0A000" && /cached plan must not change result type/.test(String((err as Error).message));

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
  const names = preparedNames();
  let closed = false;

  // The extended protocol (Parse/Bind/Execute) even without parameters, as Neon's proxy does: it prepares
  // every statement, so text with several statements is refused instead of silently running them all.
  // @types/pg does not declare queryMode, but pg 8 honours it (lib/query.js requiresPreparation).
  const statement = (text: string, values: readonly SqlParam[]): QueryArrayConfig<SqlParam[]> & { queryMode: "extended" } => ({
    text,
    name: names.nameFor(text),
    values: [...values],
    rowMode: "array",
    queryMode: "extended",
  });

  async function againIfPlanStale<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!isStalePlan(err)) throw err;
      names.forget();
      return run();
    }
  }

  async function runBatch(statements: readonly SqlStatement[], options: TransactionOptions): Promise<SqlResult[]> {
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
  }

  // An idle client losing its server (restart, outage) is reported here; without a listener it would crash the process.
  // pool.end() resolves before its clients' goodbyes reach the server, so a DROP DATABASE … WITH (FORCE) right
  // after closing can still cut them: nothing to report then.
  pool.on("error", (err) => {
    if (!closed) console.error(`sql endpoint: idle Postgres connection failed: ${err.message}`);
  });

  return {
    description: `Postgres ${new URL(databaseUrl).host}`,

    query: (text, params) => againIfPlanStale(async () => toResult(await pool.query<Row>(statement(text, params)))),

    batch: (statements, options) => againIfPlanStale(() => runBatch(statements, options)),

    close: () => {
      closed = true;
      return pool.end();
    },
  };
}
