// What each scenario sends. Plain data, so it can cross to the load process; the load process turns
// `kind` into autocannon's per-connection request logic.

interface Common {
  name: string;
  url: string;
  connections: number;
  budget: number | null;
  /** Set on another service's scenario (the FastAPI peer): the name of ours it is measured against. */
  peerOf?: string;
}

export type Scenario = Common &
  (
    | { kind: "get"; path: string; headers?: Record<string, string> }
    | { kind: "login"; email: string; password: string }
    | { kind: "register"; runId: string; password: string }
    /** Each connection rotates its own session's refresh token, one request after the other. */
    | { kind: "refresh"; refreshTokens: string[] }
  );

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
