// zod's API, with `.openapi()` on every schema (@hono/zod-openapi adds it when loaded, so it is loaded
// first). Import it as a namespace, `import * as z from "../schemas/zod"`: the bundler then keeps only
// the parts of zod that are used. Never `z` from "@hono/zod-openapi" or `{ z }` from "zod": in the
// deployed bundle those are a stub (src/schemas/zod-root.ts says why).
import "@hono/zod-openapi";
export * from "zod";
