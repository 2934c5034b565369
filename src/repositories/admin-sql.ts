import { sql, type SQL } from "drizzle-orm";
import { ADMIN_ROLE } from "../domain/roles";

// Locks every admin row before counting, so two admins demoting or deleting themselves or each other at
// once cannot both pass the "another admin remains" check: the second waits, then counts without the first.
export const adminsCte = sql`admins AS (SELECT count(*) AS n FROM (SELECT 1 FROM users WHERE role = ${ADMIN_ROLE} FOR UPDATE) AS locked)`;

/** True unless the row (alias) is the last admin; needs `adminsCte` in the statement. */
export const leavesAnAdmin = (alias: string): SQL => sql`(${sql.raw(alias)}.role <> ${ADMIN_ROLE} OR (SELECT n FROM admins) > 1)`;
