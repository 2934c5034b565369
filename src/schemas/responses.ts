import { z } from "@hono/zod-openapi";
import { PROBLEM_CODES, problemSpec, type ProblemCode } from "../domain/problems";
import { ROLES } from "../domain/roles";

export const UserOut = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    full_name: z.string().nullable(),
    username: z.string().nullable(),
    role: z.enum(ROLES),
    email_verified: z.boolean(),
    created_at: z.string().datetime(),
    updated_at: z.string().datetime(),
  })
  .openapi("UserOut");

export const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires." }),
    refresh_token: z.string().optional().openapi({
      description: "`<session id>.<secret>`. Absent when /auth/refresh used the HttpOnly cookie: the new token is then in the cookie only.",
    }),
    refresh_expires_in: z.number().int(),
    user: UserOut,
  })
  .openapi("TokenResponse");

export const Accepted = z
  .object({ status: z.literal("accepted"), detail: z.string() })
  .openapi("Accepted");

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(PROBLEM_CODES).openapi({ description: "The stable machine word; one of the catalogue's." }),
    instance: z.string().optional(),
    errors: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })).optional(),
  })
  .openapi("Problem");

/**
 * The OpenAPI responses for the problems a route can answer, from the catalogue (domain/problems.ts):
 * grouped by status, each code with the sentence it says.
 */
export function problemResponses(...codes: ProblemCode[]) {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    const { status } = problemSpec(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        description: list.map((code) => `\`${code}\`: ${problemSpec(code).detail}`).join(" "),
        content: { "application/problem+json": { schema: Problem } },
      },
    ]),
  );
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/** What every JSON-body endpoint can answer to bad input. */
export const INPUT_PROBLEMS = ["malformed_body", "unsupported_media_type", "validation_error"] as const satisfies ProblemCode[];

/** What every endpoint behind a bearer token can answer. */
export const SIGNED_IN_PROBLEMS = ["invalid_token"] as const satisfies ProblemCode[];

/** Either scheme works for the API; Swagger UI's Authorize button uses the OAuth2 password flow. */
export const bearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { oauth2: [] }];
