// What "@asteasolutions/zod-to-openapi" means in the deployed bundle (wrangler.toml's [alias]): a list of
// what @hono/zod-openapi registers (the 405 check reads the routes' methods and paths from it), and nothing
// of the documentation. The worker serves the document prebuilt (src/routes/api-document.ts); tools and
// tests generate it from the same schemas with the real package, so neither its generators (5-6 KiB
// gzipped) nor its registry and metadata helpers (~1.5 KiB) ship, and no schema's metadata.

type Definition =
  | { type: "route"; route: unknown }
  | { type: "webhook"; webhook: unknown }
  | { type: "component"; componentType: string; name: string; component: unknown }
  | { type: "schema" | "parameter"; schema: unknown };

/** The calls @hono/zod-openapi makes, kept in order; nothing here reads a schema. */
export class OpenAPIRegistry {
  readonly definitions: Definition[] = [];

  registerPath(route: unknown): void {
    this.definitions.push({ type: "route", route });
  }

  registerWebhook(webhook: unknown): void {
    this.definitions.push({ type: "webhook", webhook });
  }

  registerComponent(componentType: string, name: string, component: unknown) {
    this.definitions.push({ type: "component", componentType, name, component });
    return { name, ref: { $ref: `#/components/${componentType}/${name}` } };
  }

  register<T>(_refId: string, schema: T): T {
    this.definitions.push({ type: "schema", schema });
    return schema;
  }

  registerParameter<T>(_refId: string, schema: T): T {
    this.definitions.push({ type: "parameter", schema });
    return schema;
  }
}

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
