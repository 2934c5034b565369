// Starts `npm run dev` (worker, SQL endpoint on in-memory PGlite, mail catcher) on free ports for the
// browser tests, and stops its whole process tree afterwards. A second stack runs with email verification
// off, the other way a deployment can be set up (about 10 s more to start).
import { spawn } from "node:child_process";
import type { TestProject } from "vitest/node";
import { freePort } from "../../dev/stack/http-util";
import type { WorkerVars } from "../../dev/stack/local-env";

export const ADMIN_EMAIL = "admin@example.test";

declare module "vitest" {
  export interface ProvidedContext {
    appUrl: string;
    mailUrl: string;
    sqlUrl: string;
    /** The app of the stack where registering needs no emailed code (REQUIRE_EMAIL_VERIFICATION=false). */
    appUrlWithoutVerification: string;
  }
}

interface Stack {
  appUrl: string;
  mailUrl: string;
  sqlUrl: string;
  stop: () => Promise<void>;
}

async function waitUntilUp(url: string, exited: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("npm run dev exited before the stack was up (its output is above)");
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the dev stack did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function startStack(vars: WorkerVars): Promise<Stack> {
  const [worker, sql, mail] = [await freePort(), await freePort(), await freePort()];
  let output = "";
  const dev = spawn("npm", ["run", "dev"], {
    // Its own process group, so teardown reaches npm, tsx and dev.ts (which stops wrangler in turn).
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DEV_WORKER_PORT: String(worker),
      DEV_SQL_PORT: String(sql),
      DEV_MAIL_PORT: String(mail),
      DEV_DATA_DIR: "memory://",
      // Whatever a developer's .dev.vars says, the tests need a known admin, and the embedded database
      // whatever DATABASE_URL the shell has.
      ...({ ADMIN_EMAILS: ADMIN_EMAIL, DATABASE_URL: "", ...vars } satisfies WorkerVars),
    },
  });
  dev.stdout.on("data", (chunk: Buffer) => (output += chunk));
  dev.stderr.on("data", (chunk: Buffer) => (output += chunk));
  let exited = false;
  const gone = new Promise<void>((resolve) => dev.once("exit", () => ((exited = true), resolve())));

  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-dev.pid!, "SIGINT");
    } catch {
      return;
    }
    const forced = setTimeout(() => {
      try {
        process.kill(-dev.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 15_000);
    await gone;
    clearTimeout(forced);
  };

  try {
    await waitUntilUp(`http://127.0.0.1:${worker}/api/v1/health`, () => exited);
  } catch (err) {
    console.error(output);
    await stop();
    throw err;
  }
  return { appUrl: `http://localhost:${worker}`, mailUrl: `http://127.0.0.1:${mail}`, sqlUrl: `http://127.0.0.1:${sql}`, stop };
}

export default async function setup(project: TestProject) {
  // Whatever a developer's .dev.vars says, most tests need codes mailed.
  const main = await startStack({ REQUIRE_EMAIL_VERIFICATION: "true" });
  // Only once the first is up: two wranglers starting together both pick the same free debugger port.
  let withoutVerification: Stack;
  try {
    withoutVerification = await startStack({ REQUIRE_EMAIL_VERIFICATION: "false" });
  } catch (err) {
    await main.stop();
    throw err;
  }
  project.provide("appUrl", main.appUrl);
  project.provide("mailUrl", main.mailUrl);
  project.provide("sqlUrl", main.sqlUrl);
  project.provide("appUrlWithoutVerification", withoutVerification.appUrl);
  return async () => void (await Promise.all([main.stop(), withoutVerification.stop()]));
}
