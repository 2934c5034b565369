import { tableColumns } from "../db/rows";
import { users } from "../db/schema";

const PUBLIC = ["id", "email", "fullName", "username", "role", "emailVerifiedAt", "createdAt", "updatedAt"] as const;

/** A user as services see it: the users table's columns a UserOut shows. */
export const userRecord = tableColumns(users, PUBLIC);
export type UserRecord = ReturnType<typeof userRecord.decode>;

/** The same with the password hash, only where a statement needs it (a password check). */
export const userWithPassword = tableColumns(users, [...PUBLIC, "passwordHash"]);
export type UserWithPassword = ReturnType<typeof userWithPassword.decode>;
