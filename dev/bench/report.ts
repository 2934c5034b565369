// The bench's table and its JSON twin.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface ScenarioReport {
  name: string;
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  completed: number;
  /** workerd's CPU time (all threads) per request answered; null where /proc could not be read. */
  workerCpuPerRequestUs: number | null;
  roundTripsPerRequest: number | null;
  budget: number | null;
  ratioToHello: number | null;
}

const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));

export function printTable(rows: ScenarioReport[]): void {
  const header = ["scenario", "conns", "req/s", "p50 ms", "p99 ms", "errors", "workerd CPU/req", "db trips/req (budget)", "vs hello"];
  const widths = [22, 6, 9, 8, 8, 7, 15, 22, 9];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i > 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) {
    const trips = r.roundTripsPerRequest === null ? "—" : `${r.roundTripsPerRequest.toFixed(2)} (${r.budget ?? "—"})`;
    const ratio = r.ratioToHello === null ? "—" : `${(r.ratioToHello * 100).toFixed(1)}%`;
    const cpu = r.workerCpuPerRequestUs === null ? "—" : r.workerCpuPerRequestUs >= 10_000 ? `${(r.workerCpuPerRequestUs / 1000).toFixed(1)} ms` : `${r.workerCpuPerRequestUs.toFixed(0)} µs`;
    console.log(
      line([r.name, String(r.connections), r.requestsPerSecond.toFixed(r.requestsPerSecond < 100 ? 1 : 0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors), cpu, trips, ratio]),
    );
  }
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
