import fc from "fast-check";

// fast-check arbitraries for the JSON Schemas the API's document uses (objects, strings with pattern and
// length, integers, booleans, enums, nullables, $refs): values valid under the document, as a client
// generated from it could send. Lengths are in code points, as JSON Schema counts them.

export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  minProperties?: number;
  maxProperties?: number;
  minItems?: number;
  maxItems?: number;
}

const codePoints = (s: string) => [...s].length;

/** Whether a string meets a string schema's own rules (pattern and code-point length). */
export function stringFits(schema: Schema, value: string): boolean {
  const length = codePoints(value);
  if (schema.minLength !== undefined && length < schema.minLength) return false;
  if (schema.maxLength !== undefined && length > schema.maxLength) return false;
  return schema.pattern === undefined || new RegExp(schema.pattern, "u").test(value);
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 300, 300);
  const minLength = schema.minLength ?? 0;
  // Pattern-shaped strings, and any Unicode at all (astral characters, combining marks, odd spaces) that
  // happens to fit: both are valid under the document.
  const sources: fc.Arbitrary<string>[] = [
    fc.string({ unit: "grapheme", minLength, maxLength }),
    fc.string({ unit: "binary", minLength, maxLength }),
  ];
  if (schema.pattern) sources.unshift(fc.stringMatching(new RegExp(schema.pattern, "u")), fc.stringMatching(new RegExp(schema.pattern, "u")));
  return fc.oneof(...sources).filter((s) => stringFits(schema, s));
}

export function arbitraryOf(schema: Schema, components: Record<string, Schema>): fc.Arbitrary<unknown> {
  if (schema.$ref) return arbitraryOf(components[schema.$ref.replace("#/components/schemas/", "")]!, components);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? "object"];
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case "null":
          return fc.constant(null);
        case "string":
          return stringArbitrary(schema);
        case "integer":
          return fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
        case "boolean":
          return fc.boolean();
        case "array":
          return fc.array(arbitraryOf(schema.items ?? {}, components), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
        case "object": {
          const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, arbitraryOf(value, components)]));
          const { minProperties = 0, maxProperties = Infinity } = schema;
          return fc
            .record(properties, { requiredKeys: schema.required ?? [] })
            .filter((o) => Object.keys(o).length >= minProperties && Object.keys(o).length <= maxProperties);
        }
        default:
          throw new Error(`no arbitrary for type ${type}`);
      }
    }),
  );
}
