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
  /** workerd's CPU time (all threads) per request answered, or the peer's process's on its rows; null where /proc could not be read. */
  workerCpuPerRequestUs: number | null;
  roundTripsPerRequest: number | null;
  budget: number | null;
  ratioToHello: number | null;
  /** On the FastAPI peer's rows: the name of our scenario it was measured against. */
  peerOf?: string;
}

export interface PeerRatio {
  scenario: string;
  oursRequestsPerSecond: number;
  fastapiRequestsPerSecond: number;
  /** Ours over FastAPI's, both measured in the same slices. */
  ratio: number;
  oursCpuPerRequestUs: number | null;
  fastapiCpuPerRequestUs: number | null;
}

const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));

export function printTable(rows: ScenarioReport[]): void {
  const header = ["scenario", "conns", "req/s", "p50 ms", "p99 ms", "errors", "server CPU/req", "db trips/req (budget)", "vs hello"];
  const widths = [31, 6, 9, 8, 8, 7, 15, 22, 9];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i > 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) {
    const trips = r.roundTripsPerRequest === null ? "—" : `${r.roundTripsPerRequest.toFixed(2)} (${r.budget ?? "—"})`;
    const ratio = r.ratioToHello === null ? "—" : `${(r.ratioToHello * 100).toFixed(1)}%`;
    const cpu = r.workerCpuPerRequestUs === null ? "—" : cpuTime(r.workerCpuPerRequestUs);
    console.log(
      line([r.name, String(r.connections), r.requestsPerSecond.toFixed(r.requestsPerSecond < 100 ? 1 : 0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors), cpu, trips, ratio]),
    );
  }
}

const cpuTime = (us: number) => (us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(0)} µs`);

/**
 * Ours against the FastAPI peer's, scenario by scenario: the ratios, printed under the table; `status`
 * is the peer's line (why it is missing, if it is).
 */
export function printPeerRatios(rows: ScenarioReport[], status: string): PeerRatio[] {
  const ratios = rows.flatMap((theirs): PeerRatio[] => {
    const ours = rows.find((r) => r.name === theirs.peerOf);
    if (!theirs.peerOf || !ours) return [];
    return [{
      scenario: ours.name,
      oursRequestsPerSecond: ours.requestsPerSecond,
      fastapiRequestsPerSecond: theirs.requestsPerSecond,
      ratio: ours.requestsPerSecond / theirs.requestsPerSecond,
      oursCpuPerRequestUs: ours.workerCpuPerRequestUs,
      fastapiCpuPerRequestUs: theirs.workerCpuPerRequestUs,
    }];
  });
  if (!ratios.length) {
    console.log(`ours vs FastAPI: not measured: FastAPI peer ${status}`);
    return ratios;
  }
  console.log("ours vs FastAPI (FastAPI, async SQLAlchemy + asyncpg, bcrypt 12; one uvicorn worker), in the same slices:");
  for (const r of ratios) {
    const rate = (n: number) => n.toFixed(n < 100 ? 1 : 0);
    const cpu = r.oursCpuPerRequestUs !== null && r.fastapiCpuPerRequestUs !== null ? `; server CPU per request ${cpuTime(r.oursCpuPerRequestUs)} vs ${cpuTime(r.fastapiCpuPerRequestUs)}` : "";
    // Login is a password hash either side: scrypt (ours) against bcrypt 12, so its ratio is the hashes'.
    const note = r.scenario === "POST /auth/login" ? " (scrypt vs bcrypt: informational)" : "";
    console.log(`  ${r.scenario.padEnd(18)} ${rate(r.oursRequestsPerSecond)} vs ${rate(r.fastapiRequestsPerSecond)} req/s = ${r.ratio.toFixed(2)}×${cpu}${note}`);
  }
  return ratios;
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
