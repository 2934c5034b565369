import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { etag } from "hono/etag";
import { apiRoute } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { documented } from "../schemas/responses";
import { JWT_ALGORITHM } from "../security/keys";

const JWK_SET_TYPE = "application/jwk-set+json";

const Jwks = documented(() =>
  z
    .object({
      keys: z.array(
        z.object({
          kty: z.literal("OKP"),
          crv: z.literal("Ed25519"),
          x: z.string().openapi({ description: "The public key, base64url." }),
          kid: z.string(),
          alg: z.literal(JWT_ALGORITHM),
          use: z.literal("sig"),
        }),
      ),
    })
    .openapi("JWKS"),
);

const jwksRoute = apiRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  operationId: "getJwks",
  tag: "keys",
  access: "public",
  needs: "config",
  // At the origin's root, outside the API's base path, where JWT libraries look for it.
  servers: [{ url: "/", description: "The service's origin" }],
  summary: "Public keys that verify this service's access tokens (current and still-accepted older ones)",
  description:
    "Access tokens are EdDSA (Ed25519) JWTs whose `kid` names one of these keys. Cacheable for 5 minutes, readable from any origin, and revalidated with `If-None-Match`; a key is published here before it signs anything.",
  responses: () => ({
    200: {
      description: "The JSON Web Key Set (RFC 7517 §5).",
      headers: {
        ETag: { description: "Changes when the set of keys does.", schema: { type: "string" } },
        "Cache-Control": { description: "`public, max-age=300`.", schema: { type: "string" } },
        "Access-Control-Allow-Origin": { description: "`*`: any page may fetch the keys.", schema: { type: "string" } },
      },
      content: { [JWK_SET_TYPE]: { schema: Jwks() } },
    },
    304: { description: "Not modified: the `If-None-Match` ETag is still current." },
  }),
});

export const wellKnownRoutes = new OpenAPIHono<AppEnv>();

// ETag and 304 come from Hono's middleware, which hashes the answer's bytes.
wellKnownRoutes.use(jwksRoute.path, etag());

wellKnownRoutes.openapi(jwksRoute, (c) => {
  c.header("Cache-Control", "public, max-age=300");
  c.header("Access-Control-Allow-Origin", "*");
  return c.body(JSON.stringify(c.get("deps").keys.jwks), 200, { "Content-Type": JWK_SET_TYPE });
});

/** Registered in the API document, though served at the origin's root. */
export const JWKS_ROUTE = jwksRoute;
