import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { sql } from "drizzle-orm";
import { getConfig } from "../config";
import { getDatabase } from "../db/client";
import { apiRoute } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { json } from "../schemas/responses";
import { VERSION } from "../version";

const healthRoute = apiRoute({
  method: "get",
  path: "/health",
  operationId: "health",
  tag: "health",
  access: "public",
  needs: "nothing",
  summary: "Liveness: the worker answers",
  responses: () => ({ 200: json(z.object({ status: z.literal("ok"), version: z.string() }).openapi("Health"), "Alive.") }),
});

const dbHealthRoute = apiRoute({
  method: "get",
  path: "/health/db",
  operationId: "databaseHealth",
  tag: "health",
  access: "public",
  summary: "Readiness: one round trip to the database",
  responses: () => ({
    200: json(z.object({ status: z.literal("ok"), latency_ms: z.number() }).openapi("DatabaseHealth"), "The database answered."),
  }),
});

export const healthRoutes = new OpenAPIHono<AppEnv>();

healthRoutes.openapi(healthRoute, (c) => c.json({ status: "ok" as const, version: VERSION }, 200));

// Needs only the database: it builds no Deps (no key import, no mailer), so it measures just the round trip.
healthRoutes.openapi(dbHealthRoute, async (c) => {
  const config = getConfig(c.env);
  const started = performance.now();
  await getDatabase(config.databaseUrl, config.neonLocalEndpoint).execute(sql`SELECT 1`);
  return c.json({ status: "ok" as const, latency_ms: Math.round((performance.now() - started) * 10) / 10 }, 200);
});
