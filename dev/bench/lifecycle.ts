// A bench process's end: what it set up is undone in reverse order, once, whichever way the run ends
// (done, failed, Ctrl-C), and the process exits with the run's code.

/** Functions undoing what a run set up (close a database, stop a worker); pushed as things start. */
export const cleanups: (() => unknown)[] = [];

let cleaning: Promise<void> | undefined;
let stopFirst: () => void = () => {};

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    stopFirst();
    for (const fn of cleanups.splice(0).reverse()) await Promise.resolve().then(fn).catch((err: unknown) => console.error("cleanup:", err));
  })();
  return cleaning;
}

/**
 * Runs `main` to its exit code, cleaning up after it, or after a failure or a signal; `first` stops what
 * must stop before anything is torn down (load generators still sending requests).
 */
export function runBench(main: () => Promise<number>, first: () => void = () => {}): void {
  stopFirst = first;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  main()
    .then(async (code) => {
      await cleanUp();
      process.exit(code);
    })
    .catch(async (err: unknown) => {
      console.error(err);
      await cleanUp();
      process.exit(1);
    });
}
