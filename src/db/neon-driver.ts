import { neon, neonConfig, types, type HTTPQueryOptions, type NeonQueryFunction } from "@neondatabase/serverless";
import { timed } from "../timing";

// Imported by db/client.ts on the first query, never at load: the driver is a third of the bundle (it
// carries node-postgres for its WebSocket mode, which this service never uses), and evaluating it was a
// sixth of a fresh isolate's start-up that requests which never reach the database need not pay.

// Dates, times and intervals stay the text Postgres sent (drizzle's neon-http driver sets the same
// parsers): db/rows.ts decodes them, e.g. timestamptz into a Date. Every other type parses as the driver does.
const TEXT_TYPES = new Set([
  types.builtins.TIMESTAMPTZ,
  types.builtins.TIMESTAMP,
  types.builtins.DATE,
  types.builtins.INTERVAL,
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
]);
const asText = (value: string) => value;

/** Per query: the driver reads parsers from each query's options, in a transaction too. */
export const PARSERS: HTTPQueryOptions<false, true> = {
  types: { getTypeParser: (oid, format) => (TEXT_TYPES.has(oid) ? asText : types.getTypeParser(oid, format)) },
};

// What drizzle asked the driver for: rows as objects, with the result's row count.
const RESULTS = { arrayMode: false, fullResults: true } as const;

// Every SQL round trip goes through this fetch, so Server-Timing can report database time and count.
neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => timed("db", () => fetch(input, init));

/**
 * The driver's query function for a connection string. With a local endpoint, it posts there instead of
 * resolving the URL's host (neonConfig is process-wide, so it is set here, the only place that builds clients).
 */
export function connect(connectionString: string, localEndpoint?: string): NeonQueryFunction<false, true> {
  if (localEndpoint) {
    const url = `${localEndpoint.replace(/\/+$/, "")}/sql`;
    neonConfig.fetchEndpoint = () => url;
  }
  return neon(connectionString, RESULTS);
}
