import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";

// In Node rather than workerd: the validator compiles JSON Schemas with `new Function`, which workerd forbids.
describe("the generated OpenAPI document", () => {
  it("validates against the OpenAPI 3.1 schema", async () => {
    const res = await createApp().request("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string };
    const result = await new Validator().validate(doc as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });
});
