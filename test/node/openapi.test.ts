import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { API_DOCUMENT_FILE, apiDocumentText } from "../../src/api-document";

// In Node rather than workerd: the validator compiles JSON Schemas with `new Function`, which workerd forbids.
describe("the OpenAPI document the worker serves", () => {
  const served = readFileSync(API_DOCUMENT_FILE, "utf8");

  it("is what the routes say: regenerated after every change to them", () => {
    // On failure: npm run openapi:document, and commit the file.
    expect(served).toBe(apiDocumentText());
  });

  it("validates against the OpenAPI 3.1 schema", async () => {
    const doc = JSON.parse(served) as { openapi: string };
    const result = await new Validator().validate(doc as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });
});
