// The Node side's one way to point the Neon driver at a local SQL endpoint. neonConfig is process-wide,
// so the change lasts only while `work` runs; the worker has its own (src/db/client.ts).
import { neonConfig } from "@neondatabase/serverless";

/** Runs `work` with the driver's SQL sent to `endpointUrl` (e.g. "http://127.0.0.1:4444"); without one, to the URL's host. */
export async function throughLocalEndpoint<T>(endpointUrl: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!endpointUrl) return work();
  const previous = neonConfig.fetchEndpoint;
  const sqlUrl = `${endpointUrl.replace(/\/+$/, "")}/sql`;
  neonConfig.fetchEndpoint = () => sqlUrl;
  try {
    return await work();
  } finally {
    neonConfig.fetchEndpoint = previous;
  }
}
