// Copies the API-docs front ends from node_modules into static/vendor so /docs and /redoc are served
// from our own origin (no CDN). Runs on `npm install`; the copies are git-ignored.
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = [
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
  ["redoc/bundles/redoc.standalone.js", "redoc/redoc.standalone.js"],
];
for (const [from, to] of files) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.warn(`vendor-assets: ${from} is not installed; /docs or /redoc will lack it`);
    continue;
  }
  const target = join(root, "static", "vendor", to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target);
}
