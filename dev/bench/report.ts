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
  roundTripsPerRequest: number | null;
  budget: number | null;
  ratioToHello: number | null;
}

const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));

export function printTable(rows: ScenarioReport[]): void {
  const header = ["scenario", "conns", "req/s", "p50 ms", "p99 ms", "errors", "db trips/req (budget)", "vs hello"];
  const widths = [22, 6, 9, 8, 8, 7, 22, 9];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i > 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) {
    const trips = r.roundTripsPerRequest === null ? "—" : `${r.roundTripsPerRequest.toFixed(2)} (${r.budget ?? "—"})`;
    const ratio = r.ratioToHello === null ? "—" : `${(r.ratioToHello * 100).toFixed(1)}%`;
    console.log(
      line([r.name, String(r.connections), r.requestsPerSecond.toFixed(r.requestsPerSecond < 100 ? 1 : 0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors), trips, ratio]),
    );
  }
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
