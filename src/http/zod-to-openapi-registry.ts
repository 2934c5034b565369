// What "@asteasolutions/zod-to-openapi" means in the deployed bundle (wrangler.toml's [alias]): the registry
// @hono/zod-openapi records routes in (the 405 check reads it), and nothing of the documentation. The
// worker serves the document prebuilt (src/routes/api-document.ts); tools and tests generate it from the
// same schemas with the real package, so no generator (5-6 KiB gzipped) ships, and no schema's metadata.
// @ts-expect-error: the package by its file (the name would be this module again); nothing type-checks through here.
export { OpenAPIRegistry } from "../../node_modules/@asteasolutions/zod-to-openapi/dist/index.mjs";

/**
 * `.openapi()` only documents: the real one clones the schema and wraps eight of its methods to carry the
 * metadata along, ~130 schemas more for an isolate to build at start-up, none of which validates
 * differently. Here it is the schema itself (the bundle test checks the bundle answers as the source does).
 */
export function extendZodWithOpenApi(zod: { ZodType: { prototype: object } }): void {
  Object.assign(zod.ZodType.prototype, {
    openapi() {
      return this;
    },
  });
}

/** Read by OpenAPIHono only for component schemas registered on a sub-app, which this app never does. */
export const getOpenApiMetadata = (): Record<string, never> => ({});

class PrebuiltDocument {
  constructor() {
    throw new Error("The bundle has no OpenAPI generator: the document is prebuilt (npm run openapi:document)");
  }
}

export const OpenApiGeneratorV3 = PrebuiltDocument;
export const OpenApiGeneratorV31 = PrebuiltDocument;
