// What a fresh isolate costs: a new workerd process per sample (miniflare's API, the dry-run bundle,
// nothing bound but the worker's variables), our worker and a one-line worker built the same way, taking turns.
//   ready            new Miniflare() until its sockets answer: workerd starts, compiles and runs the
//                    script's global scope (Workers refuses a script whose start-up takes over 1 s)
//   start-up CPU     workerd's CPU time (all threads, ns from /proc/<pid>/task/*/schedstat) when ready;
//                    ours minus hello's is what the script's global scope costs
//   first requests   each path's latency on that fresh process, one after the other, and the CPU they took;
//                    /health/db is the first to reach the database, so it pays for loading the Neon
//                    driver (src/db/neon-driver.ts) besides its round trip
// Run alone: tsx dev/bench/cold-start.ts [samples]   (builds both workers, opens the bench's database;
// prints the same table)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { buildWorker } from "./build";
import { openBenchDatabase } from "./database";
import { median } from "./memory";
import { benchWorkerVars } from "./worker-vars";
import { descendantPids } from "./worker-host";

/** What every sample asks a fresh process, in this order. */
export const COLD_PATHS = ["/api/v1/health", "/api/v1/client-config", "/api/v1/health/db"] as const;

export interface ColdSample {
  readyMs: number;
  /** workerd's CPU time when ready (null if /proc could not be read). */
  startupCpuMs: number | null;
  /** Per path: milliseconds from sending to the whole body read. */
  firstRequestMs: number[];
  /** workerd's CPU time over the first requests. */
  firstRequestsCpuMs: number | null;
  statuses: number[];
}

export interface ColdSummary {
  samples: number;
  readyMs: number;
  startupCpuMs: number | null;
  firstRequestMs: Record<string, number>;
  firstRequestsCpuMs: number | null;
}

export interface ColdStartReport {
  paths: readonly string[];
  app: ColdSummary & { rawBytes: number; gzipBytes: number };
  hello: ColdSummary & { rawBytes: number; gzipBytes: number };
  /** App minus hello, medians: what our script adds to a fresh isolate. */
  extraReadyMs: number;
  extraStartupCpuMs: number | null;
  /** App over hello, medians. */
  readyRatio: number;
  startupCpuRatio: number | null;
  /** Statuses other than 200 seen from the app (a correctness failure). */
  badStatuses: string[];
}

/** workerd's CPU time in ms, every thread, from the scheduler's nanosecond counters. */
export function processCpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    }
    return ns / 1e6;
  } catch {
    return null;
  }
}

/** One fresh workerd serving `scriptPath`: ready time, its CPU, then each path once. */
export async function coldSample(scriptPath: string, vars: Record<string, string>, paths: readonly string[] = COLD_PATHS): Promise<ColdSample> {
  const running = new Set(descendantPids(process.pid, "workerd"));
  const contents = readFileSync(scriptPath, "utf8");
  const started = performance.now();
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: scriptPath, contents }],
    modulesRoot: scriptPath.replace(/\/[^/]+$/, ""),
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
    bindings: vars,
    host: "127.0.0.1",
    port: 0,
    handleStructuredLogs: () => {},
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    stripCfConnectingIp: false,
  });
  try {
    const url = (await mf.unsafeGetDirectURL()).toString().replace(/\/$/, "");
    const readyMs = performance.now() - started;
    const pid = descendantPids(process.pid, "workerd").find((p) => !running.has(p)) ?? null;
    const startupCpuMs = processCpuMs(pid);
    const firstRequestMs: number[] = [];
    const statuses: number[] = [];
    for (const path of paths) {
      const t0 = performance.now();
      const res = await fetch(url + path);
      await res.arrayBuffer();
      firstRequestMs.push(performance.now() - t0);
      statuses.push(res.status);
    }
    const after = processCpuMs(pid);
    return { readyMs, startupCpuMs, firstRequestMs, statuses, firstRequestsCpuMs: after === null || startupCpuMs === null ? null : after - startupCpuMs };
  } finally {
    await mf.dispose();
  }
}

function summarize(samples: ColdSample[], paths: readonly string[]): ColdSummary {
  const known = <T>(values: (T | null)[]) => (values.every((v) => v !== null) ? (values as T[]) : null);
  const cpu = known(samples.map((s) => s.startupCpuMs));
  const requestCpu = known(samples.map((s) => s.firstRequestsCpuMs));
  return {
    samples: samples.length,
    readyMs: median(samples.map((s) => s.readyMs)),
    startupCpuMs: cpu && median(cpu),
    firstRequestMs: Object.fromEntries(paths.map((p, i) => [p, median(samples.map((s) => s.firstRequestMs[i]!))])),
    firstRequestsCpuMs: requestCpu && median(requestCpu),
  };
}

type Built = { scriptPath: string; rawBytes: number; gzipBytes: number };

/**
 * `samples` fresh processes each of hello and the app, taking turns (hello first), medians of each; both
 * get `vars`, the app's configuration, whose database must answer.
 */
export async function probeColdStart(app: Built, hello: Built, vars: Record<string, string>, samples = 5, paths: readonly string[] = COLD_PATHS): Promise<ColdStartReport> {
  const appSamples: ColdSample[] = [];
  const helloSamples: ColdSample[] = [];
  // One unmeasured start of each: the first workerd launch also pays for reading the binary from disk.
  await coldSample(hello.scriptPath, vars, paths);
  await coldSample(app.scriptPath, vars, paths);
  for (let i = 0; i < samples; i++) {
    helloSamples.push(await coldSample(hello.scriptPath, vars, paths));
    appSamples.push(await coldSample(app.scriptPath, vars, paths));
  }
  const a = summarize(appSamples, paths);
  const h = summarize(helloSamples, paths);
  const badStatuses = appSamples.flatMap((s) => s.statuses.flatMap((status, i) => (status === 200 ? [] : [`${paths[i]} ${status}`])));
  return {
    paths,
    app: { ...a, rawBytes: app.rawBytes, gzipBytes: app.gzipBytes },
    hello: { ...h, rawBytes: hello.rawBytes, gzipBytes: hello.gzipBytes },
    extraReadyMs: a.readyMs - h.readyMs,
    extraStartupCpuMs: a.startupCpuMs === null || h.startupCpuMs === null ? null : a.startupCpuMs - h.startupCpuMs,
    readyRatio: a.readyMs / h.readyMs,
    startupCpuRatio: a.startupCpuMs === null || h.startupCpuMs === null ? null : a.startupCpuMs / h.startupCpuMs,
    badStatuses,
  };
}

const ms = (v: number | null) => (v === null ? "—" : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));

export function printColdStart(report: ColdStartReport): void {
  const header = ["cold start (median)", "gzip", "ready", "start-up CPU", ...report.paths.map((p) => `1st ${p.replace("/api/v1", "")}`), "their CPU"];
  const widths = [22, 10, 9, 12, ...report.paths.map(() => 18), 10];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i > 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const [name, s] of [[`hello (${report.hello.samples} runs)`, report.hello], [`app (${report.app.samples} runs)`, report.app]] as const) {
    console.log(line([name, `${(s.gzipBytes / 1024).toFixed(1)} KiB`, ms(s.readyMs), ms(s.startupCpuMs), ...report.paths.map((p) => ms(s.firstRequestMs[p]!)), ms(s.firstRequestsCpuMs)]));
  }
  const cpu = report.extraStartupCpuMs === null ? "" : `, start-up CPU +${ms(report.extraStartupCpuMs)} (${report.startupCpuRatio!.toFixed(2)}× hello)`;
  console.log(`the script's start-up: ready +${ms(report.extraReadyMs)} (${report.readyRatio.toFixed(2)}× hello)${cpu}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const workdir = mkdtempSync(join(tmpdir(), "accounts-cold-"));
  const db = await openBenchDatabase();
  try {
    const [app, hello] = await Promise.all([buildWorker(join(workdir, "app")), buildWorker(join(workdir, "hello"), "dev/bench/hello.wrangler.toml")]);
    const vars = { ...benchWorkerVars("http://127.0.0.1:9/unused"), NEON_LOCAL_ENDPOINT: db.endpoint.url };
    printColdStart(await probeColdStart(app, hello, vars, Number(process.argv[2] ?? 5)));
  } finally {
    await db.close();
    rmSync(workdir, { recursive: true, force: true });
  }
}
