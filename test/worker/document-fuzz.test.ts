import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateApiDocument } from "../../src/api-document";
import { systemClock } from "../../src/clock";
import { createVerifiedUser, workerWith } from "./helpers";
import { arbitraryOf, stringFits, type Schema } from "./schema-arbitrary";

// Property: a body valid under the OpenAPI document is a body the server accepts. Whatever the
// operation then decides (a wrong password, a taken username), it is never refused as malformed or
// invalid, and never a 5xx. Bodies come from the document's own schemas (schema-arbitrary.ts).

const RUNS_PER_OPERATION = 40;
const REFUSALS = ["malformed_body", "validation_error", "unsupported_media_type"];

const document = generateApiDocument() as unknown as {
  paths: Record<string, Record<string, { operationId: string; security?: object[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};

const withJsonBodies = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, op]) => {
    const schema = op.requestBody?.content["application/json"]?.schema;
    return schema ? [{ name: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, schema, bearer: (op.security ?? []).length > 0 }] : [];
  }),
);

// Limits have their own tests; this one is about input.
const worker = workerWith(systemClock, { ...env, MAIL_RATE_LIMITER: undefined, AUTH_RATE_LIMITER: undefined });

describe("bodies valid under the OpenAPI document", () => {
  it("covers every operation that takes a JSON body", () => {
    expect(withJsonBodies.length).toBeGreaterThanOrEqual(15);
  });

  it("knows the rules the server enforces: the generator's own check refuses what the server refuses", () => {
    const email = document.components.schemas.LoginIn!.properties!.email!;
    expect(stringFits(email, "a!b@example.com")).toBe(false);
    expect(stringFits(email, "ada@example.com")).toBe(true);
    const fullName = document.components.schemas.ProfileUpdate!.properties!.full_name!;
    expect(stringFits(fullName, "   ")).toBe(false);
    expect(stringFits(fullName, "Ada\u0000")).toBe(false);
    expect(stringFits(fullName, "😀".repeat(100))).toBe(true);
  });

  // Hashing operations (register, password changes) take seconds for 40 bodies; longer on a loaded machine.
  it.each(withJsonBodies.map((op) => [op.name, op] as const))("%s accepts every one", { timeout: 180_000 }, async (_, op) => {
    const { token, tokens } = await createVerifiedUser();
    const path = `/api/v1${op.path.replace("{id}", tokens.user.id)}`;
    await fc.assert(
      fc.asyncProperty(arbitraryOf(op.schema, document.components.schemas), async (body) => {
        const res = await worker(op.method, path, { body, token: op.bearer ? token : undefined });
        const text = await res.text();
        const code = res.headers.get("content-type")?.includes("problem") ? (JSON.parse(text) as { code: string }).code : null;
        expect(res.status, `${JSON.stringify(body)} → ${text}`).toBeLessThan(500);
        expect(REFUSALS, `${JSON.stringify(body)} → ${text}`).not.toContain(code);
      }),
      { numRuns: RUNS_PER_OPERATION },
    );
  });
});
