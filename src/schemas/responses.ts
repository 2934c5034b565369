import * as z from "./zod";
import type { ProblemCode } from "../domain/problems";
import { ROLES } from "../domain/roles";
import { PresentedPassword } from "./fields";

/**
 * A schema only responses name, built the first time the document asks for it (and then the same one, so
 * its component is one): routes' `responses` are functions that only the generator calls, so the worker,
 * which serves the document prebuilt, never builds these at start-up.
 */
export const documented = <T extends z.ZodType>(build: () => T): (() => T) => {
  let schema: T | undefined;
  return () => (schema ??= build());
};

export const UserOut = documented(() =>
  z
    .object({
      id: z.string().uuid(),
      email: z.string(),
      full_name: z.string().nullable(),
      username: z.string().nullable(),
      role: z.enum(ROLES),
      email_verified: z.boolean(),
      totp_enabled: z.boolean().openapi({ description: "Whether sign-in asks for a TOTP code after the password (two-factor authentication)." }),
      created_at: z.string().datetime(),
      updated_at: z.string().datetime(),
    })
    .openapi("UserOut"),
);

/** The signed-in user's own view: UserOut and how many recovery codes are left. */
export const MeOut = documented(() =>
  UserOut()
    .extend({ recovery_codes_left: z.number().int().openapi({ description: "Unused recovery codes (0 while TOTP is off)." }) })
    .openapi("MeOut"),
);

export const TokenResponse = documented(() =>
  z
    .object({
      access_token: z.string(),
      token_type: z.literal("bearer"),
      expires_in: z.number().int().openapi({ description: "Seconds until the access token expires." }),
      refresh_token: z.string().optional().openapi({
        description: "`<session id>.<secret>`. Absent when /auth/refresh used the HttpOnly cookie: the new token is then in the cookie only.",
      }),
      refresh_expires_in: z.number().int(),
      user: UserOut(),
    })
    .openapi("TokenResponse"),
);

export const Accepted = documented(() => z.object({ status: z.literal("accepted"), detail: z.string() }).openapi("Accepted"));

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

/** The body of a sensitive change that asks for the password again. */
export const PasswordConfirmation = z.strictObject({ password: PresentedPassword }).openapi("PasswordConfirmation");

/** What re-authenticating with the password can answer: it counts like a sign-in (the same lock, the same rate limit). */
export const REAUTHENTICATION_PROBLEMS = ["invalid_password", "account_locked"] as const satisfies ProblemCode[];
