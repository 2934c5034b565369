import { sql } from "drizzle-orm";
import { DEFAULT_ROLE, isRole, type Role } from "../domain/roles";

/** A user as services see it. The password hash is only present where a query asked for it. */
export interface UserRecord {
  id: string;
  email: string;
  fullName: string | null;
  username: string | null;
  role: Role;
  emailVerifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserWithPassword extends UserRecord {
  passwordHash: string;
}

const USER_COLUMN_NAMES = ["id", "email", "full_name", "username", "role", "email_verified_at", "created_at", "updated_at"];

/** The columns every user-returning statement selects, for raw SQL (the CTEs drizzle cannot express). */
export const userColumns = (alias?: string) =>
  sql.raw(USER_COLUMN_NAMES.map((c) => (alias ? `${alias}.${c}` : c)).join(", "));

type Row = Record<string, unknown>;

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const toDateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : toDate(v));

export function toUserRecord(row: Row): UserRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    fullName: (row.full_name as string | null) ?? null,
    username: (row.username as string | null) ?? null,
    role: isRole(row.role) ? row.role : DEFAULT_ROLE,
    emailVerifiedAt: toDateOrNull(row.email_verified_at),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export const toUserWithPassword = (row: Row): UserWithPassword => ({ ...toUserRecord(row), passwordHash: String(row.password_hash) });

export { toDate, toDateOrNull };
