import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";

// Pages only: scripts and styles are our own static files (no CDN, no inline script), so a strict
// Content-Security-Policy holds on them too.
const page = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>${head}</head><body>${body}</body></html>`;

const swaggerPage = page(
  "API docs",
  '<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">',
  '<div id="swagger-ui"></div><script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script><script src="/assets/swagger-init.js"></script>',
);

const redocPage = page(
  "API reference",
  '<link rel="stylesheet" href="/assets/redoc.css">',
  '<div id="redoc"></div><script src="/vendor/redoc/redoc.standalone.js"></script><script src="/assets/redoc-init.js"></script>',
);

export const docsRoutes = new Hono<AppEnv>();

docsRoutes.get("/docs", (c) => c.html(swaggerPage));
docsRoutes.get("/redoc", (c) => c.html(redocPage));
