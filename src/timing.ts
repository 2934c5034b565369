import { AsyncLocalStorage } from "node:async_hooks";

/** Where a request's time went; reported in the Server-Timing header. */
export interface RequestTimings {
  dbMs: number;
  dbRoundTrips: number;
  hashMs: number;
}

const store = new AsyncLocalStorage<RequestTimings>();

/** Runs `work` with a fresh set of timings that the code below it can add to. */
export function withTimings<T>(work: (timings: RequestTimings) => Promise<T>): Promise<T> {
  const timings: RequestTimings = { dbMs: 0, dbRoundTrips: 0, hashMs: 0 };
  return store.run(timings, () => work(timings));
}

/** Times `work` into the current request's timings, if there is a current request. */
export async function timed<T>(kind: "db" | "hash", work: () => Promise<T>): Promise<T> {
  const timings = store.getStore();
  if (!timings) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    const ms = performance.now() - started;
    if (kind === "db") {
      timings.dbMs += ms;
      timings.dbRoundTrips += 1;
    } else {
      timings.hashMs += ms;
    }
  }
}
