import { z } from "@hono/zod-openapi";

export const UserOut = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    full_name: z.string().nullable(),
    username: z.string().nullable(),
    role: z.enum(["user", "admin"]),
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
    code: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })).optional(),
  })
  .openapi("Problem");

/** The OpenAPI description of an error response with the given status. */
export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/** Errors every JSON-body endpoint can answer. */
export const inputProblems = {
  400: problem("Malformed JSON."),
  415: problem("Content type is not application/json."),
  422: problem("A field is missing, malformed or unknown; `errors` names each one."),
} as const;

/** Either scheme works for the API; Swagger UI's Authorize button uses the OAuth2 password flow. */
export const bearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { oauth2: [] }];

export const signedInProblems = {
  401: problem("`invalid_token`: missing, invalid or expired token, or the session has ended."),
} as const;
