// npm run user:role -- <email> <admin|user>: grants or revokes admin, against DATABASE_URL or the local database.
import { neon, neonConfig } from "@neondatabase/serverless";
import { withDatabase } from "./database-target";

const [email, role] = process.argv.slice(2);
if (!email || (role !== "admin" && role !== "user")) {
  console.error("usage: npm run user:role -- <email> <admin|user>");
  process.exit(2);
}

withDatabase(async (target) => {
  if (target.localEndpoint) neonConfig.fetchEndpoint = () => `${target.localEndpoint}/sql`;
  const sql = neon(target.databaseUrl);
  const rows = await sql.query("UPDATE users SET role = $2, updated_at = now() WHERE email = lower($1) RETURNING id", [email.trim(), role]);
  if (rows.length === 0) {
    console.error(`no user with email ${email} (${target.description})`);
    process.exitCode = 1;
    return;
  }
  console.log(`${email} is now ${role} (${target.description}); the API checks roles in the database, so it applies at once`);
}).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
