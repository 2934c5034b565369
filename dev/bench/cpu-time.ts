// CPU time a process has used, all its threads, read from /proc. What workerd spends per request is
// what Workers bill, and unlike throughput it hardly depends on what else the machine is doing.
import { readFileSync } from "node:fs";

// USER_HZ: the unit of /proc/<pid>/stat's utime and stime (`getconf CLK_TCK`), 100 on Linux.
const TICKS_PER_SECOND = 100;

export function cpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
