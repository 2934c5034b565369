import { z } from "@hono/zod-openapi";

// Lower-cased before it is checked or stored: the database holds one spelling per address.
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email({ message: "Not a valid email address." })
  .openapi({ example: "ada@example.com", format: "email" });

const codePoints = (s: string) => [...s.normalize("NFKC")].length;

/** 8 to 128 characters after Unicode NFKC normalisation (what is hashed). */
export const Password = z
  .string()
  .max(1024, "Must be at most 128 characters.")
  .refine((s) => codePoints(s) >= 8, "Must be at least 8 characters.")
  .refine((s) => codePoints(s) <= 128, "Must be at most 128 characters.")
  .openapi({ minLength: 8, maxLength: 128, format: "password", example: "correct horse battery" });

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const noControlCharacters = [(s: string) => !CONTROL_CHARACTERS.test(s), "Must not contain control characters."] as const;

/** Free text from a query string: a NUL or other control character is bad input, not something to search for. */
export const QueryText = (max: number) => z.string().max(max).refine(...noControlCharacters);

export const FullName = z
  .string()
  .trim()
  .min(1, "Must not be empty; send null to clear it.")
  .max(100)
  .refine(...noControlCharacters)
  .nullable()
  .openapi({ example: "Ada Lovelace" });

export const Username = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{1,30})[A-Za-z0-9]$/, "3 to 32 letters, digits, '_', '.' or '-', starting and ending with a letter or digit.")
  .nullable()
  .openapi({ example: "ada_l" });

export const Code = z.string().regex(/^\d{6}$/, "Must be the 6 digits from the email.").openapi({ example: "042917" });
