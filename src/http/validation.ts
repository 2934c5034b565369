import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { validationError, type FieldError } from "../errors";

// Hono's validator targets, named the way the API's clients know them.
const LOCATION: Record<string, string> = { json: "body", form: "body", query: "query", param: "path", header: "header", cookie: "cookie" };

/** Whether the input has a value at `path` (zod 4 does not say in its issues unless asked to). */
function isPresent(input: unknown, path: PropertyKey[]): boolean {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return false;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value !== undefined;
}

/** `input` is what was validated: a wrong type where the input has nothing is a missing field. */
export function toFieldErrors(target: string, issues: z.core.$ZodIssue[], input: unknown): FieldError[] {
  const root = LOCATION[target] ?? target;
  return issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ loc: [root, ...path, key], msg: "Unknown field.", type: "extra_forbidden" }));
    }
    const missing = issue.code === "invalid_type" && !isPresent(input, issue.path);
    return [{ loc: [root, ...path], msg: missing ? "Field required." : issue.message, type: missing ? "missing" : issue.code }];
  });
}

/**
 * The zod-openapi hook every route shares: a failed parse becomes one 422 problem naming each field.
 * (@hono/zod-validator hands the hook the validated input as `data`, on failure too.)
 */
export const validationHook: Hook<unknown, any, any, unknown> = (result, _c) => {
  if (!result.success) throw validationError(toFieldErrors(result.target, result.error.issues, (result as { data?: unknown }).data));
};
