// A batch of checked rows into users: ONE statement, so a batch is written whole or not at all, and
// accounts already here are never touched (no UPDATE anywhere, ON CONFLICT DO NOTHING).
import type { NeonQueryFunction } from "@neondatabase/serverless";
import type { AccountToImport } from "./validate";
import type { NotImported } from "./report";

// The batch arrives as one jsonb parameter (one round trip whatever its size) and is compared with what
// is here through the unique indexes the service already has: the primary key, users_email_key and
// users_username_key on lower(username). An account needs nothing but its users row: sessions, codes,
// counters and passkeys come later, and passkey_count and the TOTP columns start at their defaults.
const CHECKED = `
  input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
      n int, id uuid, email text, password_hash text, full_name text, username text, pending_username text,
      role text, verified boolean, created_at timestamptz)
  ),
  checked AS (
    SELECT i.*,
      (SELECT u.email FROM users u WHERE u.id = i.id) AS email_of_id,
      EXISTS (SELECT 1 FROM users u WHERE u.email = i.email) AS email_here,
      i.username IS NOT NULL AND EXISTS (SELECT 1 FROM users u WHERE lower(u.username) = lower(i.username)) AS username_here
    FROM input i
  )`;

const FREE = `email_of_id IS NULL AND NOT email_here AND NOT username_here`;

/** The columns of users a batch writes. */
const WRITTEN_COLUMNS = ["id", "email", "password_hash", "full_name", "username", "pending_username", "role", "email_verified_at", "created_at", "updated_at"];

/** The database is not one the batches can go into: not migrated, or not this service's. */
export class DestinationNotReady extends Error {
  override name = "DestinationNotReady";
}

/**
 * Checked before a row is read: a destination without these columns would otherwise fail at the first
 * batch with Postgres's words ("relation users does not exist") instead of saying what to do.
 */
export async function checkDestination(sql: NeonQueryFunction<false, false>): Promise<void> {
  const rows = (await sql.query(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'users'",
  )) as unknown as { column_name: string }[];
  const present = new Set(rows.map((r) => r.column_name));
  const missing = WRITTEN_COLUMNS.filter((c) => !present.has(c));
  if (missing.length === 0) return;
  const what = present.size === 0 ? "has no users table" : `has a users table without ${missing.join(", ")}`;
  throw new DestinationNotReady(`The destination database ${what}: run npm run db:migrate with the same DATABASE_URL first.`);
}

/**
 * The statement reads the table once, as it was before the batch (a data-modifying CTE's rows are not
 * visible to the rest of its statement), so every row of the answer says what stood in its way. The
 * INSERT takes only rows nothing stood in the way of; ON CONFLICT DO NOTHING still covers an account made
 * here between the read and the write. `updated_at` is the import's time, which is also when an unverified
 * account's time to verify starts (the hourly prune counts PENDING_ACCOUNT_MAX_AGE from it).
 */
const IMPORT_STATEMENT = `
  WITH ${CHECKED},
  inserted AS (
    INSERT INTO users (${WRITTEN_COLUMNS.join(", ")})
    SELECT id, email, password_hash, full_name, username, pending_username, role,
           CASE WHEN verified THEN $2::timestamptz END, COALESCE(created_at, $2::timestamptz), $2::timestamptz
    FROM checked WHERE ${FREE}
    ORDER BY n
    ON CONFLICT DO NOTHING
    RETURNING id
  )
  SELECT c.n, c.email_of_id, c.email_here, c.username_here, ins.id IS NOT NULL AS imported
  FROM checked c LEFT JOIN inserted ins ON ins.id = c.id`;

/** --dry-run: the same checks, read only; "imported" then means "would be". */
const DRY_RUN_STATEMENT = `
  WITH ${CHECKED}
  SELECT c.n, c.email_of_id, c.email_here, c.username_here, ${FREE} AS imported
  FROM checked c`;

interface RowOutcome {
  n: number;
  email_of_id: string | null;
  email_here: boolean;
  username_here: boolean;
  imported: boolean;
}

export interface BatchResult {
  imported: AccountToImport[];
  notImported: NotImported[];
  /** Of those not imported: already here under the same id and address, as an earlier run left them. */
  importedBefore: number;
}

/** Why a row was not inserted, from what the statement found here before the batch. */
function notImported(account: AccountToImport, found: RowOutcome): NotImported & { before: boolean } {
  const line = (reason: NotImported["reason"], detail: string, before = false) => ({
    row: account.row,
    id: account.sourceId,
    email: account.emailAsGiven,
    reason,
    detail,
    before,
  });
  if (found.email_of_id === account.email) return line("already_here", `imported before (account ${account.id})`, true);
  if (found.email_of_id !== null) return line("already_here", `account ${account.id} is here with another address (changed here since it was imported?)`);
  if (found.email_here) return line("already_here", "an account here has this address");
  if (found.username_here) return line("username_taken", "an account here has it");
  return line("already_here", "an account with this address, id or username was made here while the import ran");
}

/** Sends one batch (import, or with `dryRun` only the checks) and sorts its rows into imported and not. */
export async function writeBatch(sql: NeonQueryFunction<false, false>, accounts: readonly AccountToImport[], opts: { now: Date; dryRun: boolean }): Promise<BatchResult> {
  if (accounts.length === 0) return { imported: [], notImported: [], importedBefore: 0 };
  const rows = accounts.map((a, n) => ({
    n,
    id: a.id,
    email: a.email,
    password_hash: a.passwordHash,
    full_name: a.fullName,
    username: a.username,
    pending_username: a.pendingUsername,
    role: a.role,
    verified: a.verified,
    created_at: a.createdAt,
  }));
  const batch = JSON.stringify(rows);
  const outcomes = (await (opts.dryRun ? sql.query(DRY_RUN_STATEMENT, [batch]) : sql.query(IMPORT_STATEMENT, [batch, opts.now.toISOString()]))) as unknown as RowOutcome[];
  const result: BatchResult = { imported: [], notImported: [], importedBefore: 0 };
  for (const found of [...outcomes].sort((a, b) => a.n - b.n)) {
    const account = accounts[found.n]!;
    if (found.imported) {
      result.imported.push(account);
      continue;
    }
    const { before, ...line } = notImported(account, found);
    result.notImported.push(line);
    if (before) result.importedBefore++;
  }
  return result;
}
