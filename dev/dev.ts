// npm run dev: the whole local stack in one process tree. Ctrl-C stops all of it.
import { spawn } from "node:child_process";
import { CONFIG_VARIABLES } from "../src/config";
import { writeApiDocument } from "./openapi-document";
import { startMailCatcher } from "./stack/mail-catcher";
import { devStackSettings, ensureDevVars, LOCAL_NEON_URL, localStackVars, readDevVars, WRANGLER_OFFLINE_ENV, type WorkerVars } from "./stack/local-env";
import { migrateDatabase } from "./stack/migrate-db";
import { startSqlEndpoint } from "./stack/sql-endpoint";

// Worker variables a developer may override from the shell (they win over .dev.vars): every one the
// worker reads, but DATABASE_URL, which in the shell picks the database behind the local endpoint instead.
const OVERRIDABLE = CONFIG_VARIABLES.filter((v) => v !== "DATABASE_URL");

async function main() {
  if (ensureDevVars()) console.log("created .dev.vars with a fresh signing key and secrets");
  const devVars = readDevVars();
  // What /api/v1/openapi.json serves, so a route changed since the last build shows in /docs.
  if (writeApiDocument()) console.log("rewrote static/api/v1/openapi.json: the routes changed it");
  const { ports, dataDir } = devStackSettings();

  // DATABASE_URL in the shell selects the Postgres behind the endpoint; otherwise embedded PGlite.
  const backendUrl = process.env.DATABASE_URL || undefined;
  const endpoint = await startSqlEndpoint({ port: ports.sql, databaseUrl: backendUrl, dataDir });
  const catcher = await startMailCatcher({ port: ports.mail });
  await migrateDatabase(LOCAL_NEON_URL, { localEndpoint: endpoint.url });

  // The stack's own URLs first; a variable set in the shell (say a real RESEND_API_URL) still wins.
  const vars: WorkerVars = { ...localStackVars(ports) };
  for (const k of OVERRIDABLE) {
    const value = process.env[k];
    if (value !== undefined && value !== devVars[k]) vars[k] = value;
  }
  // Its own process group, so stopping can take down wrangler and the workerd it starts, whatever
  // signal reached us (a terminal's Ctrl-C or a supervisor's SIGTERM).
  const wrangler = spawn(
    "node_modules/.bin/wrangler",
    ["dev", "--ip", "127.0.0.1", "--port", String(ports.worker), ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])],
    { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...WRANGLER_OFFLINE_ENV }, detached: true },
  );
  const wranglerExited = new Promise<void>((resolve) => wrangler.once("exit", () => resolve()));
  const signalWrangler = (signal: NodeJS.Signals) => {
    try {
      process.kill(-wrangler.pid!, signal);
    } catch {
      // Already gone.
    }
  };

  console.log(`
  app + API     http://localhost:${ports.worker}        (API under /api/v1, docs at /docs and /redoc)
  mail catcher  ${catcher.url}         (read verification codes here)
  SQL endpoint  ${endpoint.url}         (Neon HTTP protocol; ${backendUrl ? "Postgres from DATABASE_URL" : `PGlite in ${dataDir}`})
  Ctrl-C stops everything.
`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    signalWrangler("SIGINT");
    const forced = setTimeout(() => signalWrangler("SIGKILL"), 5000);
    await wranglerExited;
    clearTimeout(forced);
    await Promise.allSettled([catcher.close(), endpoint.close()]);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  wrangler.on("exit", (code) => void stop(code ?? 0));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
