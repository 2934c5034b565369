import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env";
import { json } from "../schemas/responses";

const Jwks = z
  .object({ keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() }).partial()) })
  .openapi("JWKS");

const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["keys"],
  summary: "Public keys that verify this service's access tokens (current and still-accepted older ones)",
  responses: { 200: json(Jwks, "The JSON Web Key Set.") },
});

export const wellKnownRoutes = new OpenAPIHono<AppEnv>();

wellKnownRoutes.openapi(jwksRoute, (c) => {
  // Verifiers may cache for a few minutes; a rotated-in key is published before it signs anything.
  c.header("Cache-Control", "public, max-age=300");
  return c.json(c.get("deps").keys.jwks, 200);
});
