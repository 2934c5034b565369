// npm run openapi:document: writes the API's OpenAPI document to the static asset the worker serves at
// /api/v1/openapi.json (src/api-document.ts says why it is prebuilt). npm run dev, build and deploy do it first.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { API_DOCUMENT_FILE, apiDocumentText } from "../src/api-document";

/** Writes the file when it is missing or the routes changed it; says whether it did. */
export function writeApiDocument(): boolean {
  const text = apiDocumentText();
  if (existsSync(API_DOCUMENT_FILE) && readFileSync(API_DOCUMENT_FILE, "utf8") === text) return false;
  writeFileSync(API_DOCUMENT_FILE, text);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(writeApiDocument() ? `wrote ${API_DOCUMENT_FILE}` : `${API_DOCUMENT_FILE} is up to date`);
}
