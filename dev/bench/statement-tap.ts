// Sees the SQL the local endpoint sends to Postgres, and how long Postgres takes, without touching the
// endpoint: it runs in this process and talks to Postgres through `pg`, so wrapping pg.Client's query
// shows every statement the worker's requests turn into (text and parameters) and times it with Node's
// clock. The bench uses it for database time per request (workerd's clock moves in whole milliseconds,
// too coarse to compare 1 ms with 1.3 ms), to count statements (a batch is one round trip, several
// statements) and to keep a request's statements for EXPLAIN.
import pg from "pg";

export interface TappedStatement {
  text: string;
  values: unknown[];
}

interface Tap {
  statements: TappedStatement[];
  /** Time in Postgres queries, BEGIN and COMMIT of a batch included (overlapping queries count twice). */
  ms: number;
}

let tap: Tap | null = null;

const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
  const current = tap;
  if (!current) return original.call(this, config, ...rest);
  // The endpoint sends each statement as a config object ({text, values, name, …}); BEGIN, COMMIT and
  // ROLLBACK go as plain strings and are not statements of the application, but take database time.
  if (typeof config === "object" && config !== null && "text" in config) {
    const { text, values } = config as { text: string; values?: unknown[] };
    current.statements.push({ text, values: values ?? [] });
  }
  const started = performance.now();
  const done = () => {
    current.ms += performance.now() - started;
  };
  // pg-pool passes a callback; the endpoint's batches await the promise.
  const callback = rest.findIndex((a) => typeof a === "function");
  if (callback >= 0) {
    const cb = rest[callback] as (...a: unknown[]) => unknown;
    rest[callback] = (...a: unknown[]) => {
      done();
      return cb(...a);
    };
  }
  const result = original.call(this, config, ...rest);
  if (callback < 0 && result instanceof Promise) result.then(done, done);
  return result;
} as typeof pg.Client.prototype.query;

/**
 * Runs `work` and returns its result with the statements sent meanwhile and their time in Postgres.
 * One tap at a time; nothing else of the bench may query Postgres while it runs (it would count too).
 */
export async function tapStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: TappedStatement[]; dbMs: number }> {
  if (tap) throw new Error("statement tap: already tapping");
  const current: Tap = { statements: [], ms: 0 };
  tap = current;
  try {
    const result = await work();
    return { result, statements: current.statements, dbMs: current.ms };
  } finally {
    tap = null;
  }
}
