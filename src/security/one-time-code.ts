import { keyedHash } from "./hmac";
import { randomDigits } from "./random";

export type CodePurpose = "verify_email" | "reset_password" | "change_email";

export const CODE_TTL_SECONDS = 15 * 60;
export const CODE_MAX_ATTEMPTS = 5;

export const generateCode = (): string => randomDigits(6);

/**
 * Codes are stored only as an HMAC bound to their purpose and address, so a leaked table reveals
 * nothing and a code for one address or purpose never matches another.
 */
export const hashCode = (tokenSecret: string, purpose: CodePurpose, email: string, code: string): string =>
  keyedHash(tokenSecret, `code:${purpose}`, email, code);
