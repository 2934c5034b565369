// What each scenario sends. Plain data, so it can cross to the load process; the load process turns
// `kind` into autocannon's per-connection request logic.

export type Scenario =
  | { name: string; kind: "get"; url: string; path: string; headers?: Record<string, string>; connections: number; budget: number | null }
  | { name: string; kind: "login"; url: string; email: string; password: string; connections: number; budget: number | null }
  | { name: string; kind: "register"; url: string; runId: string; password: string; connections: number; budget: number | null }
  /** Each connection rotates its own session's refresh token, one request after the other. */
  | { name: string; kind: "refresh"; url: string; refreshTokens: string[]; connections: number; budget: number | null };

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  completed: number;
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
  socketErrors: number;
  timeouts: number;
  seconds: number;
  statusCounts: Record<string, number>;
}
