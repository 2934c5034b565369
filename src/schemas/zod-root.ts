// What `import … from "zod"` means in the deployed bundle (wrangler.toml's [alias]); tests and tools
// outside the bundle get zod itself. zod's root export `z` is the namespace of its whole API, and
// @hono/zod-openapi hands it to extendZodWithOpenApi() as a value, so a bundler must keep every part of
// zod, every one of its locales included: about half of the bundle's raw bytes. Here every named export is
// zod's own (the same modules, so the same classes the routes' schemas are made of), but `z` carries only
// what extendZodWithOpenApi reads. Our modules import zod as a namespace (src/schemas/zod.ts), and that
// lets the bundler drop what they never use.
import { ZodType } from "zod/v4";

export * from "zod/v4";

const extendable = { ZodType };

/** Anything else read from this `z` is a mistake that would only show in the bundle: say so there. */
export const z = new Proxy(extendable, {
  get(target, key) {
    if (key in target) return target[key as keyof typeof target];
    throw new Error(`z.${String(key)} from "zod" or "@hono/zod-openapi" in the bundle: import * as z from "src/schemas/zod" instead`);
  },
}) as unknown as typeof import("zod").z;

export default z;
