import { normalizePassword } from "../security/password";
import * as z from "./zod";

// Each field says in the OpenAPI document exactly what it accepts (pattern, minLength/maxLength), so that
// a body valid under the document is a body the server accepts. JSON Schema counts a string's length in
// Unicode code points, so the server does too (JavaScript's .length counts UTF-16 units: an emoji is 2).

const codePoints = (s: string) => [...s].length;

/** A string of `min` to `max` code points, documented as such (the first check bounds the work of counting). */
const text = (min: number, max: number, messages: { short?: string; long?: string } = {}) =>
  z
    .string()
    .max(max * 2, messages.long ?? `Must be at most ${max} characters.`)
    .refine((s) => codePoints(s) >= min, messages.short ?? (min === 1 ? "Must not be empty." : `Must be at least ${min} characters.`))
    .refine((s) => codePoints(s) <= max, messages.long ?? `Must be at most ${max} characters.`)
    .openapi({ minLength: min, maxLength: max });

/** zod's email rule (a deliberately plain one: no quoted or IP-literal addresses), as the document's pattern. */
const EMAIL_PATTERN = z.regexes.email;

// Trimmed and lower-cased before it is checked or stored: the database holds one spelling per address.
// The pattern admits no surrounding spaces and either case, so whatever it admits the server accepts.
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, { message: "Required.", abort: true })
  .max(254)
  .regex(EMAIL_PATTERN, "Not a valid email address.")
  .openapi({ example: "ada@example.com", format: "email", minLength: 3, maxLength: 254, pattern: EMAIL_PATTERN.source });

const PASSWORD_LENGTH = { min: 8, max: 128 };
const fitsPassword = (length: number) => length >= PASSWORD_LENGTH.min && length <= PASSWORD_LENGTH.max;

/**
 * 8 to 128 characters after Unicode NFKC normalisation, which is what is hashed (the same password typed
 * on another keyboard matches) — or as sent. JSON Schema cannot count after normalisation (one character
 * can become up to 18), so the document states the count as sent, and whatever it admits is accepted.
 */
export const Password = z
  .string()
  .max(1024, `Must be at most ${PASSWORD_LENGTH.max} characters.`)
  .superRefine((s, ctx) => {
    const sent = codePoints(s);
    if (fitsPassword(sent) || fitsPassword(codePoints(normalizePassword(s)))) return;
    const message = sent < PASSWORD_LENGTH.min ? `Must be at least ${PASSWORD_LENGTH.min} characters.` : `Must be at most ${PASSWORD_LENGTH.max} characters.`;
    ctx.addIssue({ code: "custom", message });
  })
  .openapi({
    format: "password",
    minLength: PASSWORD_LENGTH.min,
    maxLength: PASSWORD_LENGTH.max,
    description: "8 to 128 characters (Unicode code points), counted after NFKC normalisation or as sent; compared in NFKC form.",
    example: "correct horse battery",
  });

/** A password being checked rather than set: whatever it is, it is only compared. */
export const PresentedPassword = text(1, 1024);

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const noControlCharacters = [(s: string) => !CONTROL_CHARACTERS.test(s), "Must not contain control characters."] as const;
// The same rules for the document (JSON Schema patterns are ECMA-262 regexes; \s is exactly what trim() removes).
const NO_CONTROL_PATTERN = "^[^\\u0000-\\u001F\\u007F]*$";
const NOT_BLANK_PATTERN = "^[^\\u0000-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u001F\\u007F]*$";

/** Free text from a query string: a NUL or other control character is bad input, not something to search for. */
export const QueryText = (max: number) => text(0, max).refine(...noControlCharacters).openapi({ pattern: NO_CONTROL_PATTERN });

/** Trimmed; 1 to `max` characters, with a visible one; no control characters (Postgres text takes no NUL). */
export const VisibleText = (max: number, empty = "Must not be empty.") =>
  z
    .string()
    .trim()
    .max(max * 2, `Must be at most ${max} characters.`)
    .refine((s) => codePoints(s) >= 1, empty)
    .refine((s) => codePoints(s) <= max, `Must be at most ${max} characters.`)
    .refine(...noControlCharacters)
    .openapi({ minLength: 1, maxLength: max, pattern: NOT_BLANK_PATTERN });

export const FullName = VisibleText(100, "Must not be empty; send null to clear it.")
  .nullable()
  .openapi({
    example: "Ada Lovelace",
    description: "1 to 100 characters, not all spaces, no control characters; surrounding spaces are dropped.",
  });

export const Username = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{1,30})[A-Za-z0-9]$/, "3 to 32 letters, digits, '_', '.' or '-', starting and ending with a letter or digit.")
  .nullable()
  .openapi({ example: "ada_l" });

export const Code = z.string().regex(/^\d{6}$/, "Must be the 6 digits from the email.").openapi({ example: "042917" });

/** Any UUID spelling Postgres reads (the database decides whether it names something: 404, not 422). */
export const Uuid = z
  .string()
  .regex(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/, "Must be a UUID.")
  .openapi({ format: "uuid" });
