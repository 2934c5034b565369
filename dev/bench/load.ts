// The load process: runs autocannon for one scenario and reports to its parent over IPC. A separate
// process, so the load generator does not share an event loop with the endpoint it is measuring.
import autocannon from "autocannon";
import type { LoadResult, Scenario } from "./scenarios";

/** Load for a number of seconds, or until a number of requests have all been answered. */
export type Job = { scenario: Scenario; seconds: number } | { scenario: Scenario; amount: number };

const JSON_HEADERS = { "content-type": "application/json" };

function options(scenario: Scenario): autocannon.Options {
  const base = { url: scenario.url, connections: scenario.connections, pipelining: 1 };
  switch (scenario.kind) {
    case "get":
      return { ...base, url: scenario.url + scenario.path, method: "GET", headers: scenario.headers };
    case "login":
      return {
        ...base,
        url: `${scenario.url}/api/v1/auth/login`,
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ email: scenario.email, password: scenario.password }),
      };
    case "register": {
      let n = 0;
      return {
        ...base,
        requests: [
          {
            method: "POST",
            path: "/api/v1/auth/register",
            headers: JSON_HEADERS,
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ email: `bench-${scenario.runId}-${process.pid}-${++n}@example.test`, password: scenario.password }),
            }),
          },
        ],
      };
    }
    case "refresh": {
      // autocannon resets a connection's context after every request, so the chains live here: a
      // request takes an idle chain, its response stores the successor and frees the chain. There are
      // as many chains as connections, so one is always idle.
      const chains = [...scenario.refreshTokens];
      const idle = chains.map((_, i) => i);
      return {
        ...base,
        requests: [
          {
            method: "POST",
            path: "/api/v1/auth/refresh",
            headers: JSON_HEADERS,
            setupRequest: (req, context: { chain?: number }) => {
              context.chain = idle.pop()!;
              return { ...req, body: JSON.stringify({ refresh_token: chains[context.chain] }) };
            },
            onResponse: (status, body, context: { chain?: number }) => {
              if (context.chain === undefined) return;
              if (status === 200) chains[context.chain] = (JSON.parse(body) as { refresh_token: string }).refresh_token;
              idle.push(context.chain);
            },
          },
        ],
      };
    }
  }
}

async function run(job: Job): Promise<LoadResult> {
  const statusCounts: Record<string, number> = {};
  const length = "amount" in job ? { amount: job.amount } : { duration: job.seconds };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options(job.scenario), ...length }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client, status) => {
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    });
  });
  const completed = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    requestsPerSecond: completed / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed,
    errors: result.non2xx + result.errors + result.timeouts,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    statusCounts,
  };
}

process.once("message", (job: Job) => {
  run(job).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err: unknown) => process.send!({ error: String(err) }, () => process.exit(1)),
  );
});
