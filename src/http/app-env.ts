import type { Deps } from "../context";
import type { Env } from "../env";
import type { Logger } from "../log";
import type { AccessClaims } from "../security/access-token";

/** Hono's typing of this app: the Worker bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    log: Logger;
    deps: Deps;
    caller: AccessClaims;
    /** Set on the OAuth token endpoint: errors are answered in RFC 6749's shape, not as problems. */
    errorStyle: "oauth";
  };
}
