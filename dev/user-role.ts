// npm run user:role -- <email> <admin|user>: grants or revokes admin, against DATABASE_URL or the local database.
import { neon } from "@neondatabase/serverless";
import { ADMIN_ROLE, isRole, ROLES } from "../src/domain/roles";
import { withDatabase } from "./stack/database-target";
import { throughLocalEndpoint } from "./stack/neon-routing";

const [email, role] = process.argv.slice(2);
if (!email || !isRole(role)) {
  console.error(`usage: npm run user:role -- <email> <${ROLES.join("|")}>`);
  process.exit(2);
}

withDatabase((target) => throughLocalEndpoint(target.localEndpoint, async () => {
  const sql = neon(target.databaseUrl);
  // One statement, as the API does it: the last admin is never demoted (admin rows locked before counting),
  // and a changed role revokes the user's sessions, so no token stating the old role can be refreshed.
  const [row] = await sql.query(
    `WITH admins AS (SELECT count(*) AS n FROM (SELECT 1 FROM users WHERE role = $3 FOR UPDATE) AS locked),
     target AS (SELECT id, role FROM users WHERE email = lower($1)),
     updated AS (
       UPDATE users u SET role = $2, updated_at = now() FROM target t
       WHERE u.id = t.id AND NOT (t.role = $3 AND $2 <> $3 AND (SELECT n FROM admins) <= 1)
       RETURNING u.id, t.role AS old_role
     ),
     revoked AS (
       UPDATE sessions SET revoked_at = now()
       WHERE user_id IN (SELECT id FROM updated WHERE old_role <> $2) AND revoked_at IS NULL RETURNING id
     )
     SELECT (SELECT count(*) FROM target)::int AS found, (SELECT count(*) FROM updated)::int AS updated,
            (SELECT count(*) FROM revoked)::int AS revoked`,
    [email.trim(), role, ADMIN_ROLE],
  );
  if (!row || row.found === 0) {
    console.error(`no user with email ${email} (${target.description})`);
    process.exitCode = 1;
    return;
  }
  if (row.updated === 0) {
    console.error(`${email} is the last admin; make someone else admin first (${target.description})`);
    process.exitCode = 1;
    return;
  }
  console.log(`${email} is now ${role} (${target.description}); ${row.revoked} session(s) signed out, so old tokens cannot be refreshed`);
})).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
