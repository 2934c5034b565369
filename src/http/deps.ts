import type { MiddlewareHandler } from "hono";
import type { Clock } from "../clock";
import { getConfig } from "../config";
import type { Deps } from "../context";
import { getDatabase } from "../db/client";
import { ResendMailer } from "../mail/resend";
import type { Mailer } from "../mail/mailer";
import { loadKeySet } from "../security/keys";
import type { AppEnv } from "./app-env";

export interface DepsOptions {
  clock: Clock;
}

const mailers = new WeakMap<object, Mailer>();

/**
 * Builds the per-request Deps from per-isolate singletons: config parsed once, one DB client, keys
 * imported once, one mailer. Only the request-scoped logger and waitUntil are new each time.
 */
export const provideDeps =
  ({ clock }: DepsOptions): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const config = getConfig(c.env);
    let mailer = mailers.get(config);
    if (!mailer) {
      mailer = new ResendMailer(config.mail);
      mailers.set(config, mailer);
    }
    const log = c.get("log");
    const deps: Deps = {
      config,
      db: getDatabase(config.databaseUrl, config.neonLocalEndpoint),
      keys: await loadKeySet(config.jwt.privateKey, config.jwt.publicKeys),
      clock,
      mailer,
      log,
      defer(what, task) {
        const run = task().catch((err: unknown) =>
          log("error", "background task failed", { task: what, error: err instanceof Error ? err.message : String(err) }),
        );
        try {
          c.executionCtx.waitUntil(run);
        } catch {
          // No execution context (a direct app.fetch in a test without one): the promise still runs.
        }
      },
    };
    c.set("deps", deps);
    await next();
  };
