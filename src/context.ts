import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database } from "./db/client";
import type { Logger } from "./log";
import type { Mailer, MailMessage } from "./mail/mailer";
import type { KeySet } from "./security/keys";

/**
 * Everything a service may touch, built once per request from per-isolate singletons. Services get
 * this object instead of reaching for globals, so tests can hand them a fixed clock.
 */
export interface Deps {
  config: Config;
  db: Database;
  keys: KeySet;
  clock: Clock;
  mailer: Mailer;
  log: Logger;
  /** Work that runs after the response is sent (ctx.waitUntil). Failures are logged, never thrown. */
  defer(what: string, task: () => Promise<unknown>): void;
}

/** Who is calling: recorded on the session row and shown in the sessions list; `network` is what guessing limits count. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
  /** The IPv4 address or IPv6 /64 the client belongs to (security/client-network). */
  network: string;
}

/** Queues a message for delivery after the response. */
export function sendMailLater(deps: Deps, kind: string, message: MailMessage): void {
  deps.defer(`mail:${kind}`, () => deps.mailer.send(message));
}
