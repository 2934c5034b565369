import * as z from "./zod";
import { PROBLEM_CODES, problemSpec, type ProblemCode, type ProblemHeader, type ProblemSpec } from "../domain/problems";
import { OAUTH_ERROR_CODES, toOAuthError } from "../http/oauth-error";

// The document's failure responses, written by src/api-document.ts from the problems each route lists
// (http/api-route.ts). Only the document needs them: the worker, which serves it prebuilt, never loads this.

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(PROBLEM_CODES).openapi({ description: "The stable machine word; one of the catalogue's." }),
    instance: z.string().optional(),
    errors: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })).optional(),
    mfa_ticket: z.string().optional().openapi({
      description: "With `mfa_required` only: the ticket to send to POST /auth/login/mfa with a code (single use, 5 tries).",
    }),
    expires_in: z.number().int().optional().openapi({ description: "With `mfa_required` only: seconds the ticket lives (300)." }),
  })
  .openapi("Problem");

/** RFC 6749 §5.2's error body: what the OAuth token endpoint answers instead of a problem. */
export const OAuthError = z
  .object({
    error: z.enum(OAUTH_ERROR_CODES),
    error_description: z.string(),
    mfa_token: z.string().optional().openapi({
      description: "With `mfa_required` only: the ticket for the `http://auth0.com/oauth/grant-type/mfa-otp` (or `mfa-recovery-code`) grant.",
    }),
    expires_in: z.number().int().optional().openapi({ description: "With `mfa_required` only: seconds the mfa_token lives." }),
  })
  .openapi("OAuthError");

/** Problem+json everywhere, but RFC 6749 error bodies on the OAuth token endpoint. */
export type ErrorStyle = "problem" | "oauth";

const HEADERS: Record<ProblemHeader, { description: string; schema: { type: "integer" | "string"; minimum?: number } }> = {
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 1 } },
  "WWW-Authenticate": {
    description: '`Bearer` when the request had no token; `Bearer error="invalid_token"` when the token was refused (RFC 6750 §3).',
    schema: { type: "string" },
  },
};

/**
 * The OpenAPI responses for the problems an operation can answer, from the catalogue (domain/problems.ts):
 * grouped by status, each code with the sentence it says, and the headers they carry. In the OAuth style,
 * grouped by the status and error the token endpoint answers them with (http/oauth-error.ts).
 */
export function problemResponses(codes: readonly ProblemCode[], style: ErrorStyle = "problem") {
  const byStatus = new Map<number, { lines: Set<string>; specs: ProblemSpec[] }>();
  for (const code of new Set(codes)) {
    const spec = problemSpec(code);
    const { status, line } =
      style === "oauth"
        ? (({ status, error }) => ({ status, line: `\`${error}\` (${code})` }))(toOAuthError({ status: spec.status, code }))
        : { status: spec.status, line: `\`${code}\`: ${spec.detail}` };
    const group = byStatus.get(status) ?? { lines: new Set<string>(), specs: [] };
    group.lines.add(line);
    group.specs.push(spec);
    byStatus.set(status, group);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, { lines, specs }]) => {
      // Documented where every answer of the status has it; the OAuth endpoint never names a scheme.
      const headers = (Object.keys(HEADERS) as ProblemHeader[]).filter(
        (header) => specs.every((spec) => spec.header === header) && !(style === "oauth" && header === "WWW-Authenticate"),
      );
      return [
        status,
        {
          description: [...lines].join(style === "oauth" ? ", " : " "),
          ...(headers.length ? { headers: Object.fromEntries(headers.map((h) => [h, HEADERS[h]])) } : {}),
          content: style === "oauth" ? { "application/json": { schema: OAuthError } } : { "application/problem+json": { schema: Problem } },
        },
      ];
    }),
  );
}
