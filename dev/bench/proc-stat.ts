// A process's line in /proc/<pid>/stat: its command name and the fields after it.
import { readFileSync } from "node:fs";

// USER_HZ: the unit of utime and stime (`getconf CLK_TCK`), 100 on Linux.
const TICKS_PER_SECOND = 100;

/**
 * The command name sits in parentheses and may hold spaces, so the fields are counted from the last ")":
 * fields[1] is the parent pid, fields[11] and fields[12] the user and system CPU ticks (all threads).
 * Null when the process is gone.
 */
export function readProcStat(pid: number): { name: string; fields: string[] } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    return { name: stat.slice(stat.indexOf("(") + 1, close), fields: stat.slice(close + 2).split(" ") };
  } catch {
    return null;
  }
}

/**
 * CPU time a process has used, all its threads. What workerd spends per request is what Workers bill,
 * and unlike throughput it hardly depends on what else the machine is doing.
 */
export function cpuSeconds(pid: number | null): number | null {
  const stat = pid === null ? null : readProcStat(pid);
  return stat ? (Number(stat.fields[11]) + Number(stat.fields[12])) / TICKS_PER_SECOND : null;
}

/**
 * Waits (at most `limitMs`) until the process uses under a tenth of a core over 200 ms: a server that was
 * handed more work than it finished before the load generator hung up (hashes queued behind each other)
 * goes on with it after its slice, and would take that CPU from whichever slice comes next.
 */
export async function waitIdle(pid: number | null, limitMs = 5000): Promise<void> {
  let last = cpuSeconds(pid);
  for (let waited = 0; last !== null && waited < limitMs; waited += 200) {
    await new Promise((r) => setTimeout(r, 200));
    const now = cpuSeconds(pid);
    if (now === null || now - last < 0.02) return;
    last = now;
  }
}
