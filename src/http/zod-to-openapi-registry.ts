// What "@asteasolutions/zod-to-openapi" means in the deployed bundle (wrangler.toml's [alias]): the registry
// @hono/zod-openapi records routes in (the 405 check reads it) and the zod extension the schemas' .openapi()
// comes from, without the generators. The worker serves the document prebuilt (src/routes/api-document.ts),
// so the code that turns schemas into JSON Schema (5-6 KiB gzipped, zod's toJSONSchema with it) stays
// with the tools and tests that build it.
// @ts-expect-error: the package by its file (the name would be this module again); nothing type-checks through here.
export { extendZodWithOpenApi, getOpenApiMetadata, OpenAPIRegistry } from "../../node_modules/@asteasolutions/zod-to-openapi/dist/index.mjs";

class PrebuiltDocument {
  constructor() {
    throw new Error("The bundle has no OpenAPI generator: the document is prebuilt (npm run openapi:document)");
  }
}

export const OpenApiGeneratorV3 = PrebuiltDocument;
export const OpenApiGeneratorV31 = PrebuiltDocument;
