// Writes the API's OpenAPI document, as the worker serves it at /api/v1/openapi.json, to a file: what
// `npm run lint:openapi` lints. (Not to stdout: the worker's request log goes there.)
import { writeFileSync } from "node:fs";
import { createApp } from "../src/app";

export async function openApiDocument(): Promise<string> {
  const res = await createApp().request("/api/v1/openapi.json");
  if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return `${JSON.stringify(await res.json(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: tsx dev/openapi-document.ts <file>");
  writeFileSync(out, await openApiDocument());
}
