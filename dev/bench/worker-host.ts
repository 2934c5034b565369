// Serves a built worker on workerd through miniflare's API: the production runtime without wrangler
// dev's Node-side proxy (which alone costs ~3x locally) and without miniflare's entry and outbound
// workers. The top-level `miniflare` is the 4.x wrangler ships; it runs the same bundle wrangler builds.
import { readdirSync, readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { readProcStat } from "./proc-stat";

export interface HostedWorker {
  url: string;
  /** Set when asked for: workerd's DevTools port (for heap readings). */
  inspectorPort?: number;
  /** The workerd process serving it (for memory readings). */
  workerdPid(): number | null;
  /** Runs the worker's scheduled handler (the cron) once, as if fired at `scheduledTime`; resolves when it is done. */
  scheduled(scheduledTime: Date, cron: string): Promise<{ outcome: string }>;
  dispose(): Promise<void>;
}

export async function hostWorker(scriptPath: string, bindings: Record<string, string>, opts: { inspectorPort?: number } = {}): Promise<HostedWorker> {
  const running = new Set(descendantPids(process.pid, "workerd"));
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: scriptPath, contents: readFileSync(scriptPath, "utf8") }],
    modulesRoot: scriptPath.replace(/\/[^/]+$/, ""),
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
    bindings,
    host: "127.0.0.1",
    port: 0,
    // One JSON log line per request is part of the work measured; printing them is not.
    handleStructuredLogs: () => {},
    inspectorPort: opts.inspectorPort,
    // Requests go straight to the worker's own socket, as in production. Miniflare's usual URL puts its
    // entry worker (a JavaScript proxy that adds headers and routes) in front, which takes a large share
    // of workerd's time on the hello route and makes every ratio to hello look better than it is.
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    // Miniflare otherwise sends every subrequest through one more JavaScript worker of its own (it copies
    // the headers to drop CF-Connecting-IP and refetches), which about doubles what a database round trip
    // costs workerd (README, Performance). Production strips that header outside the isolate, and the
    // bench sends none.
    stripCfConnectingIp: false,
  });
  const url = (await mf.unsafeGetDirectURL()).toString().replace(/\/$/, "");
  const pid = descendantPids(process.pid, "workerd").find((p) => !running.has(p)) ?? null;
  let fetcher: ReturnType<typeof mf.getWorker> | undefined;
  return {
    url,
    inspectorPort: opts.inspectorPort,
    workerdPid: () => pid,
    scheduled: async (scheduledTime, cron) => (await (fetcher ??= mf.getWorker())).scheduled({ scheduledTime, cron }),
    dispose: () => mf.dispose(),
  };
}

/** Process ids below `root` whose command name is `name`, read from /proc. */
export function descendantPids(root: number, name: string): number[] {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of safeReaddir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readProcStat(pid);
    if (!stat) continue; // Gone meanwhile.
    const ppid = Number(stat.fields[1]);
    names.set(pid, stat.name);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    if (names.get(pid) === name) found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
