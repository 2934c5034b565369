// Scenarios measured one request at a time (two-factor sign-in, passkeys): each request spends something
// once (a time step's code, a challenge), so load on one account would measure refusals. Their rows go
// in the bench's table with connections 1; req/s is the sequential rate.
import type { ScenarioReport } from "./report";

/** One JSON POST, timed to the whole body read; any status but `expected` stops the bench. */
export async function timedCall(
  url: string,
  path: string,
  body: unknown,
  expected: number,
  bearer?: string,
): Promise<{ ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const res = await fetch(url + path, {
    method: "POST",
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== expected) throw new Error(`bench: ${path} answered ${res.status}: ${text}`);
  return { ms, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;

/** A table row from sequential latencies and the round trips they took together. */
export function rowOf(name: string, latencies: number[], trips: number, budget: number): ScenarioReport {
  const total = latencies.reduce((a, b) => a + b, 0);
  return {
    name,
    connections: 1,
    requestsPerSecond: (latencies.length * 1000) / total,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: 0,
    completed: latencies.length,
    workerCpuPerRequestUs: null,
    roundTripsPerRequest: trips / latencies.length,
    budget,
    ratioToHello: null,
  };
}
