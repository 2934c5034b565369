import { userColumns } from "../db/columns";
import { tableColumns } from "../db/rows";
import type { users } from "../db/schema";

// totpEnabledAt: whether sign-in asks for a second factor, which UserOut says (to the user and to admins);
// a plain column, so no statement that returns a user pays a subquery for it.
const PUBLIC = ["id", "email", "fullName", "username", "role", "emailVerifiedAt", "createdAt", "updatedAt", "totpEnabledAt"] as const;

/** A user as services see it: the users table's columns a UserOut shows. */
export const userRecord = tableColumns<typeof users>()(userColumns, PUBLIC);
export type UserRecord = ReturnType<typeof userRecord.decode>;

/** The same with the password hash, only where a statement needs it (a password check). */
export const userWithPassword = tableColumns<typeof users>()(userColumns, [...PUBLIC, "passwordHash"]);
export type UserWithPassword = ReturnType<typeof userWithPassword.decode>;
