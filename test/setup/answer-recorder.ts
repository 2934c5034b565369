// Every answer the worker tests receive (test/worker/helpers.ts sends them here) is checked against the
// OpenAPI document, in Node because ajv compiles schemas with `new Function`, which workerd forbids:
// the status must be one the operation documents, the body must match the documented schema for that
// status and content type, and a header documented for it must be there. test/worker/contract.test.ts,
// which runs last, asks for the verdict on the whole run.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { generateApiDocument } from "../../src/api-document";

export interface RecordedAnswer {
  method: string;
  /** Path and query as requested, e.g. /api/v1/users/me. */
  path: string;
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  body: string;
}

interface Operation {
  key: string;
  /** As the document spells it: /users/{id}. */
  docPath: string;
  pattern: RegExp;
  isStatic: boolean;
  method: string;
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;
}

interface OpenApiDocument {
  servers: { url: string }[];
  paths: Record<string, Record<string, Omit<Operation, "key" | "docPath" | "pattern" | "isStatic" | "method"> & { servers?: { url: string }[] }>>;
  components: { schemas: Record<string, unknown> };
}

export async function openApiDocument(): Promise<OpenApiDocument> {
  return generateApiDocument() as unknown as OpenApiDocument;
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const full = `${op.servers?.[0]?.url === "/" ? "" : doc.servers[0]!.url}${path}`;
      return {
        key: `${method.toUpperCase()} ${path}`,
        docPath: path,
        pattern: new RegExp(`^${full.replace(/\./g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`),
        isStatic: !path.includes("{"),
        method: method.toUpperCase(),
        responses: op.responses,
      };
    }),
  );
}

/** The documented operation a request was for: a parameterless path wins over a template, as in the router. */
function operationFor(operations: Operation[], method: string, path: string): Operation | undefined {
  const pathOnly = path.split("?")[0]!;
  const matching = operations.filter((op) => op.pattern.test(pathOnly));
  // /users/login is a path of its own (POST only): never /users/{id}, whatever the method.
  const paths = matching.some((op) => op.isStatic) ? matching.filter((op) => op.isStatic) : matching;
  return paths.find((op) => op.method === (method === "HEAD" ? "GET" : method));
}

export interface Verdict {
  answers: number;
  /** Operation key → statuses seen. */
  seen: Record<string, number[]>;
  violations: string[];
}

export async function startAnswerRecorder(): Promise<{ url: string; close(): Promise<void> }> {
  const doc = await openApiDocument();
  const operations = operationsOf(doc);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "openapi.json", components: doc.components, paths: doc.paths } as object);
  const pointer = (...parts: string[]) => `openapi.json#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

  const seen = new Map<string, Set<number>>();
  const violations: string[] = [];
  let answers = 0;

  const check = (a: RecordedAnswer) => {
    answers++;
    const op = operationFor(operations, a.method, a.path);
    const what = `${a.method} ${a.path} → ${a.status}`;
    if (!op) return; // Not an operation: a page, the document itself, an unknown path or a wrong method.
    seen.set(op.key, (seen.get(op.key) ?? new Set()).add(a.status));
    const response = op.responses[String(a.status)];
    if (!response) {
      violations.push(`${what}: ${op.key} does not document ${a.status}`);
      return;
    }
    for (const header of Object.keys(response.headers ?? {})) {
      if (["Retry-After", "WWW-Authenticate"].includes(header) && !a.headers[header.toLowerCase()]) violations.push(`${what}: no ${header} header`);
    }
    const documented = Object.keys(response.content ?? {});
    if (documented.length === 0 || a.method === "HEAD") {
      if (a.body.length > 0 && a.method !== "HEAD") violations.push(`${what}: a body where none is documented`);
      return;
    }
    const type = (a.contentType ?? "").split(";")[0]!.trim();
    if (!documented.includes(type)) {
      violations.push(`${what}: content type ${type || "(none)"}, documented ${documented.join(", ")}`);
      return;
    }
    const validate = ajv.getSchema(pointer("paths", op.docPath, op.method.toLowerCase(), "responses", String(a.status), "content", type, "schema"));
    let body: unknown;
    try {
      body = JSON.parse(a.body);
    } catch {
      violations.push(`${what}: the body is not JSON`);
      return;
    }
    if (!validate) violations.push(`${what}: no schema found in the document for it`);
    else if (!validate(body)) violations.push(`${what}: body does not match the documented schema: ${ajv.errorsText(validate.errors)}`);
  };

  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/verdict") {
      const verdict: Verdict = { answers, seen: Object.fromEntries([...seen].map(([k, v]) => [k, [...v].sort()])), violations };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(verdict));
      return;
    }
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk));
    req.on("end", () => {
      for (const answer of JSON.parse(text) as RecordedAnswer[]) check(answer);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
