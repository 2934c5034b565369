// A source row, checked by this service's own rules (the API's zod schemas, sign-in's hash recogniser),
// becomes an account to insert, or a line for the report.
import { ADMIN_ROLE, DEFAULT_ROLE, type Role } from "../../src/domain/roles";
import { Email, FullName, Username } from "../../src/schemas/fields";
import { passwordHashScheme } from "../../src/security/password";
import { accountId } from "./account-id";
import type { ColumnMap } from "./column-map";
import type { NotImported, Reason } from "./report";
import type { SourceRow } from "./source";

/** What one row becomes in users (the columns the batch statement takes), with where it came from. */
export interface AccountToImport {
  row: number;
  sourceId: string;
  emailAsGiven: string;
  id: string;
  email: string;
  passwordHash: string;
  fullName: string | null;
  /** Set only on a verified account: an unverified one keeps it as pending_username, which reserves nothing. */
  username: string | null;
  pendingUsername: string | null;
  role: Role;
  verified: boolean;
  createdAt: string | null;
}

/** Something other than NULL or blanks: an empty name or username is no name, not a wrong one. */
const present = (value: string | null): value is string => value !== null && value.trim() !== "";

/** first_name and last_name joined, or null when both are empty. */
const joinedName = (first: string | null, last: string | null): string | null =>
  [first, last].filter(present).map((part) => part.trim()).join(" ") || null;

const firstIssue = (error: { issues: readonly { message: string }[] }) => error.issues[0]?.message ?? "refused";

/**
 * Checks rows in the order read, remembering which row took each address and username: of two rows that
 * share one (after normalising), the first that passes every other check keeps it and the later one is
 * reported. A rejected row takes nothing.
 */
export class RowChecker {
  private readonly emails = new Map<string, { row: number; id: string }>();
  private readonly usernames = new Map<string, { row: number; id: string }>();

  constructor(private readonly source: { name: string; map: ColumnMap }) {}

  check(r: SourceRow, row: number): AccountToImport | NotImported {
    const reject = (reason: Reason, detail?: string): NotImported => ({ row, id: r.id, email: r.email, reason, ...(detail ? { detail } : {}) });
    const map = this.source.map;

    if (r.id === null) return reject("missing_id");
    if (!present(r.email)) return reject("missing_email");
    const email = Email.safeParse(r.email);
    if (!email.success) return reject("invalid_email", firstIssue(email.error));
    if (map.is_active && r.is_active === false) return reject("inactive");
    if (!present(r.password)) return reject("missing_password");
    if (!passwordHashScheme(r.password)) return reject("unknown_hash_format");

    const rawName = map.full_name ? r.full_name : joinedName(r.first_name, r.last_name);
    let fullName: string | null = null;
    if (present(rawName)) {
      const parsed = FullName.safeParse(rawName);
      if (!parsed.success) return reject("invalid_full_name", firstIssue(parsed.error));
      fullName = parsed.data;
    }
    let username: string | null = null;
    if (present(r.username)) {
      const parsed = Username.safeParse(r.username);
      if (!parsed.success) return reject("invalid_username", firstIssue(parsed.error));
      username = parsed.data;
    }
    // No is_verified column: the old service had no verification, and its accounts signed in as they were.
    const verified = map.is_verified ? r.is_verified === true : true;

    const sameEmail = this.emails.get(email.data);
    if (sameEmail) return reject("duplicate_email", `row ${sameEmail.row} (id ${sameEmail.id}) has ${email.data}`);
    const usernameKey = verified && username ? username.toLowerCase() : null;
    const sameUsername = usernameKey ? this.usernames.get(usernameKey) : undefined;
    if (sameUsername) return reject("username_taken", `row ${sameUsername.row} (id ${sameUsername.id}) has it`);
    this.emails.set(email.data, { row, id: r.id });
    if (usernameKey) this.usernames.set(usernameKey, { row, id: r.id });

    return {
      row,
      sourceId: r.id,
      emailAsGiven: r.email,
      id: accountId(this.source.name, r.id),
      email: email.data,
      passwordHash: r.password,
      fullName,
      username: verified ? username : null,
      pendingUsername: verified ? null : username,
      role: r.is_superuser === true ? ADMIN_ROLE : DEFAULT_ROLE,
      verified,
      createdAt: r.created_at,
    };
  }
}

export const isAccount = (checked: AccountToImport | NotImported): checked is AccountToImport => "passwordHash" in checked;
