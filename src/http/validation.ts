import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { validationError, type FieldError } from "../errors";

// Hono's validator targets, named the way the API's clients know them.
const LOCATION: Record<string, string> = { json: "body", form: "body", query: "query", param: "path", header: "header", cookie: "cookie" };

export function toFieldErrors(target: string, issues: z.core.$ZodIssue[]): FieldError[] {
  const root = LOCATION[target] ?? target;
  return issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ loc: [root, ...path, key], msg: "Unknown field.", type: "extra_forbidden" }));
    }
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    return [{ loc: [root, ...path], msg: missing ? "Field required." : issue.message, type: missing ? "missing" : issue.code }];
  });
}

/** The zod-openapi hook every route shares: a failed parse becomes one 422 problem naming each field. */
export const validationHook: Hook<unknown, any, any, unknown> = (result, _c) => {
  if (!result.success) throw validationError(toFieldErrors(result.target, result.error.issues));
};
