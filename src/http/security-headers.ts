import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { getConfig } from "../config";
import type { AppEnv } from "./app-env";

// JSON never needs to load anything or be framed.
const apiPolicy = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };

// Swagger UI and ReDoc load only our own files, but both set inline styles at run time and ReDoc
// starts a worker from a blob: URL; scripts stay 'self' only.
const docsPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'", "data:"],
  workerSrc: ["'self'", "blob:"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

const withPolicy = (contentSecurityPolicy: Record<string, string[]>) =>
  secureHeaders({
    contentSecurityPolicy,
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    strictTransportSecurity: "max-age=63072000; includeSubDomains",
    // Other origins' pages may call the API under CORS; CORP only governs no-cors loads.
    crossOriginResourcePolicy: "cross-origin",
  });

export const apiSecurityHeaders = (): MiddlewareHandler<AppEnv> => withPolicy(apiPolicy);
export const docsSecurityHeaders = (): MiddlewareHandler<AppEnv> => withPolicy(docsPolicy);

/** Cross-origin browser access only for the origins in CORS_ORIGINS; bearer tokens, no cookies. */
export const apiCors = (): MiddlewareHandler<AppEnv> =>
  cors({
    // Same-origin and server-to-server calls send no Origin: they need no config read at all.
    origin: (origin, c) => (origin && getConfig(c.env).corsOrigins.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id", "Retry-After", "Server-Timing"],
    maxAge: 600,
  });
