// The FastAPI peer: ../shared/peers/fastapi/run.sh starts the stack the original services use (FastAPI,
// async SQLAlchemy + asyncpg, passlib bcrypt 12, python-jose; Debian's packages, one uvicorn worker) on
// the same Postgres as ours, so the bench can measure it in the same slices as ours and print ratios
// measured in the same minutes, not against a number from another day. Whatever keeps it from starting
// is a reason to skip it, never to fail the bench.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../stack/http-util";
import { createThrowawayDatabase } from "./database";
import { cleanups } from "./lifecycle";
import { readProcStat } from "./proc-stat";
import type { Scenario } from "./scenarios";

/** Beside the repository: shared/ sits next to the work tree here and next to CI's clone. */
const RUN_SCRIPT = join(fileURLToPath(new URL("../../", import.meta.url)), "../shared/peers/fastapi/run.sh");
// run.sh installs its Debian packages the first time (about half a minute here), then starts in seconds.
const START_TIMEOUT_MS = 5 * 60_000;
// run.sh's uvicorn writes its log here (a fixed path, so it is only quoted when the peer fails to start).
const PEER_LOG = "/tmp/fastapi-peer.log";

/** Our scenarios the peer has a counterpart of; the peer starts only when one of them runs. */
export const PEER_COUNTERPARTS = ["GET /users/me", "POST /auth/login"];

export interface FastApiPeer {
  url: string;
  /** uvicorn's pid: run.sh starts it with setsid, so it leads its own process group. */
  pid: number;
  /** run.sh's own user's access token, for GET /users/me. */
  token: string;
  /** The bench's user on the peer, for POST /auth/login: the same password as ours. */
  email: string;
  password: string;
  database: string;
}

/**
 * Starts the peer through run.sh on a free port with a throwaway database of its own on the Postgres at
 * `serverUrl`, and registers the bench's user on it. Stopping it and dropping its database are pushed to
 * the cleanups. `{ skipped }` says why it could not be had; it never throws.
 */
export function startFastApiPeer(serverUrl: string | undefined, runId: string, password: string): Promise<FastApiPeer | { skipped: string }> {
  return start(serverUrl, runId, password).catch((err: unknown) => ({ skipped: String(err) }));
}

async function start(serverUrl: string | undefined, runId: string, password: string): Promise<FastApiPeer | { skipped: string }> {
  if (!serverUrl) return { skipped: "no DATABASE_URL: ours runs on PGlite, the peer needs Postgres" };
  if (!existsSync(RUN_SCRIPT)) return { skipped: `${RUN_SCRIPT} not found` };
  const db = await createThrowawayDatabase(serverUrl, "peer");
  cleanups.push(() => db.drop());
  const port = await freePort();
  // Whatever run.sh left on our port if it failed half-way (it exits on an error after starting uvicorn).
  cleanups.push(() => stopPeerOnPort(port));

  console.log("FastAPI peer: starting ../shared/peers/fastapi/run.sh (the first time, it installs its Debian packages)…");
  const run = await runScript(port, { PEER_DATABASE_URL: db.url.replace(/^postgres(ql)?:/, "postgresql+asyncpg:") });
  const started = /PEER_PID=(\d+) PEER_TOKEN=(\S+)/.exec(run.stdout);
  if (run.code !== 0 || !started) return { skipped: `run.sh ${run.code === null ? "timed out" : `exited with ${run.code}`}: ${failureHint(run.stderr)}` };
  const pid = Number(started[1]);
  cleanups.push(() => stopGroup(pid));

  const url = `http://127.0.0.1:${port}`;
  // The peer's email-validator refuses the reserved .test domain that our bench users have.
  const email = `bench-${runId}@example.com`;
  const res = await fetch(`${url}/api/v1/users/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, full_name: "Bench" }),
  }).catch((err: unknown) => ({ status: 0, text: async () => String(err) }));
  if (res.status !== 201) return { skipped: `registering on it answered ${res.status}: ${(await res.text()).slice(0, 200)}` };
  return { url, pid, token: started[2]!, email, password, database: db.name };
}

/**
 * `chosen` with the peer's scenarios, each right after its counterpart of ours and with the same
 * connections, so each pair takes its turns back to back in every round of slices.
 */
export function withPeerScenarios(chosen: Scenario[], peer: FastApiPeer): Scenario[] {
  return chosen.flatMap((ours): Scenario[] => {
    const common = { name: `FastAPI ${ours.name}`, url: peer.url, connections: ours.connections, budget: null, peerOf: ours.name };
    if (ours.name === "GET /users/me") return [ours, { ...common, kind: "get", path: "/api/v1/users/me", headers: { authorization: `Bearer ${peer.token}` } }];
    // The same request body and path as ours: {email, password} to /api/v1/auth/login.
    if (ours.name === "POST /auth/login") return [ours, { ...common, kind: "login", email: peer.email, password: peer.password }];
    return [ours];
  });
}

function runScript(port: number, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout can stop run.sh and whatever it is waiting on (apt-get).
    const child = spawn("bash", [RUN_SCRIPT, String(port)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, START_TIMEOUT_MS);
    child.once("error", (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: String(err) });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The line that says what went wrong: run.sh's last error (apt-get's debconf chatter aside), else the server's log. */
function failureHint(stderr: string): string {
  const lastLine = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("debconf:")).at(-1);
  const fromScript = lastLine(stderr);
  if (fromScript) return fromScript.slice(0, 300);
  const fromLog = existsSync(PEER_LOG) ? lastLine(readFileSync(PEER_LOG, "utf8")) : undefined;
  return fromLog ? `${PEER_LOG}: ${fromLog.slice(0, 300)}` : "no message";
}

/** `kill -- -<pid>`, then a moment for it to go, so its connections are closed before its database is dropped. */
async function stopGroup(pid: number): Promise<void> {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  for (let waited = 0; waited < 5000; waited += 100) {
    const stat = readProcStat(pid);
    if (!stat || stat.fields[0] === "Z") return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A uvicorn serving the peer on our port that run.sh started but did not report (it failed after starting it). */
async function stopPeerOnPort(port: number): Promise<void> {
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    const at = argv.indexOf("--port");
    if (argv.includes("main:app") && at >= 0 && argv[at + 1] === String(port)) await stopGroup(Number(entry));
  }
}
