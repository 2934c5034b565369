import { Hono } from "hono";
import { AppError } from "../errors";
import type { AppEnv } from "../http/app-env";

/** Under the API's base path; the prebuilt file sits at the same path among the static assets. */
export const API_DOCUMENT_PATH = "/openapi.json";

export const apiDocumentRoutes = new Hono<AppEnv>();

// The document is built with the code (npm run openapi:document writes static/api/v1/openapi.json, and a
// test fails when it differs from what the routes say), so no isolate spends start-up or its first request
// generating it, and the generators stay out of the bundle. /api/* reaches the worker first
// (wrangler.toml), so it is answered here, with the API's headers, from the assets binding.
apiDocumentRoutes.get(API_DOCUMENT_PATH, async (c) => {
  const asset = await c.env.ASSETS?.fetch(new URL(c.req.path, c.req.url));
  // Unknown asset paths answer the app's index.html (single-page-application fallback).
  if (!asset?.ok || !asset.headers.get("content-type")?.startsWith("application/json")) {
    throw new AppError("configuration_error", "The API document is missing from the static assets: deploy with npm run deploy, which builds it.");
  }
  return new Response(asset.body, { headers: { "Content-Type": "application/json" } });
});
