/** The roles an account can have. The database's CHECK constraint, the API's schemas and the app derive from this list. */
export const ROLES = ["user", "admin"] as const;

export type Role = (typeof ROLES)[number];

/** What a new account is, and what may see and change every account. */
export const DEFAULT_ROLE: Role = "user";
export const ADMIN_ROLE: Role = "admin";

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
