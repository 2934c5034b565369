// The worker exactly as it deploys: wrangler's dry-run bundle, and its gzipped size.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { WRANGLER_OFFLINE_ENV } from "../stack/local-env";

export interface BuiltWorker {
  scriptPath: string;
  rawBytes: number;
  gzipBytes: number;
}

export async function buildWorker(outdir: string, configPath = "wrangler.toml"): Promise<BuiltWorker> {
  await promisify(execFile)("node_modules/.bin/wrangler", ["deploy", "--dry-run", "--config", configPath, "--outdir", outdir], {
    env: { ...process.env, ...WRANGLER_OFFLINE_ENV },
    maxBuffer: 16 * 1024 * 1024,
  });
  // Named after the config's `main` (index.js for the service).
  const script = readdirSync(outdir).find((f) => f.endsWith(".js"));
  if (!script) throw new Error(`wrangler wrote no bundle to ${outdir}`);
  const scriptPath = join(outdir, script);
  const code = readFileSync(scriptPath);
  return { scriptPath, rawBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
