// Runs one scenario's load in a child process (dev/bench/load.ts) and waits for its numbers.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Job } from "./load";
import type { LoadResult, Scenario } from "./scenarios";

const LOAD_SCRIPT = fileURLToPath(new URL("./load.ts", import.meta.url));
const live = new Set<ChildProcess>();

/** `seconds` of load on `scenario`. */
export const runLoad = (scenario: Scenario, seconds: number) => runJob({ scenario, seconds });

/** Exactly `amount` requests, every one answered before it returns. */
export const runCounted = (scenario: Scenario, amount: number) => runJob({ scenario, amount });

function runJob(job: Job): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(LOAD_SCRIPT, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    live.add(child);
    let settled = false;
    child.once("message", (message: { result?: LoadResult; error?: string }) => {
      settled = true;
      if (message.result) resolve(message.result);
      else reject(new Error(`load process failed: ${message.error}`));
    });
    child.once("exit", (code) => {
      live.delete(child);
      if (!settled) reject(new Error(`load process exited with ${code} before reporting`));
    });
    child.send(job);
  });
}

/** Kills any load process still running (on Ctrl-C or an error). */
export function killLoadProcesses(): void {
  for (const child of live) child.kill("SIGKILL");
}
