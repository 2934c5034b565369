// drizzle-kit's source for the migrations (drizzle/) and the row types; the worker itself never loads
// it: db/rows.ts decodes rows with the same column names and types, from db/columns.ts.
import { sql, type Writable } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type PgBigInt53BuilderInitial,
  type PgBooleanBuilderInitial,
  type PgIntegerBuilderInitial,
  type PgTextBuilderInitial,
  type PgTimestampBuilderInitial,
  type PgUUIDBuilderInitial,
} from "drizzle-orm/pg-core";
import { ADMIN_ROLE, DEFAULT_ROLE, ROLES } from "../domain/roles";
import {
  codeFailureColumns,
  loginFailureColumns,
  mfaTicketColumns,
  oneTimeCodeColumns,
  passkeyColumns,
  recoveryCodeColumns,
  sessionColumns,
  userColumns,
  webauthnChallengeColumns,
  type ColumnSpec,
} from "./columns";

/** The drizzle column a db/columns.ts entry describes, to add keys, defaults and NOT NULL to. */
function column<N extends string>(spec: ColumnSpec<"uuid", N>): PgUUIDBuilderInitial<N>;
function column<N extends string>(spec: ColumnSpec<"text", N>): PgTextBuilderInitial<N, [string, ...string[]]>;
function column<N extends string, U extends string, T extends Readonly<[U, ...U[]]>>(
  spec: ColumnSpec<"text", N>,
  config: { enum: T },
): PgTextBuilderInitial<N, Writable<T>>;
function column<N extends string>(spec: ColumnSpec<"integer", N>): PgIntegerBuilderInitial<N>;
function column<N extends string>(spec: ColumnSpec<"bigint", N>): PgBigInt53BuilderInitial<N>;
function column<N extends string>(spec: ColumnSpec<"boolean", N>): PgBooleanBuilderInitial<N>;
function column<N extends string>(spec: ColumnSpec<"timestamptz", N>): PgTimestampBuilderInitial<N>;
function column<N extends string>(spec: ColumnSpec<"text[]", N>): ReturnType<PgTextBuilderInitial<N, [string, ...string[]]>["array"]>;
function column([name, type]: ColumnSpec, config?: { enum: Readonly<[string, ...string[]]> }): unknown {
  switch (type) {
    case "uuid":
      return uuid(name);
    case "text":
      return text(name, config);
    case "integer":
      return integer(name);
    case "bigint":
      return bigint(name, { mode: "number" });
    case "boolean":
      return boolean(name);
    case "timestamptz":
      return timestamp(name, { withTimezone: true, mode: "date" });
    case "text[]":
      return text(name).array();
  }
}

const u = userColumns;
const s = sessionColumns;
const c = oneTimeCodeColumns;
const l = loginFailureColumns;
const f = codeFailureColumns;
const r = recoveryCodeColumns;
const m = mfaTicketColumns;
const p = passkeyColumns;
const w = webauthnChallengeColumns;

export const users = pgTable(
  "users",
  {
    id: column(u.id).primaryKey().defaultRandom(),
    // Stored lower-cased; the check constraint makes the plain unique index case-insensitive
    // without a citext extension, and lets ON CONFLICT (email) name a real column.
    email: column(u.email).notNull(),
    fullName: column(u.fullName),
    username: column(u.username),
    // An unverified registration's wished-for username: not reserved (no unique index), claimed at
    // verification only if the verifier kept the registration's password and the name is still free.
    pendingUsername: column(u.pendingUsername),
    passwordHash: column(u.passwordHash).notNull(),
    role: column(u.role, { enum: ROLES }).notNull().default(DEFAULT_ROLE),
    emailVerifiedAt: column(u.emailVerifiedAt),
    lastLoginAt: column(u.lastLoginAt),
    createdAt: column(u.createdAt).notNull().defaultNow(),
    updatedAt: column(u.updatedAt).notNull().defaultNow(),
    // TOTP (RFC 6238): the secret sealed under TOKEN_SECRET (security/secret-box), NULL while it is off;
    // the last time step accepted, so no code is good twice; an enrolment started but not yet confirmed.
    totpSecret: column(u.totpSecret),
    totpEnabledAt: column(u.totpEnabledAt),
    totpLastStep: column(u.totpLastStep),
    totpPendingSecret: column(u.totpPendingSecret),
    totpPendingAt: column(u.totpPendingAt),
    // Kept by the statements that add and remove passkeys: the cap of 20 is checked on this row, whose lock
    // makes two registrations racing count one after the other.
    passkeyCount: column(u.passkeyCount).notNull().default(0),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    // Usernames compare case-insensitively too, but keep the letter case the user chose.
    uniqueIndex("users_username_key").on(sql`lower(${t.username})`),
    check("users_email_lowercase", sql`${t.email} = lower(${t.email})`),
    // The admin list's keyset order: a page deep in the cursor costs what the first does.
    index("users_created_at_id_idx").on(t.createdAt, t.id),
    // The admin search: a prefix LIKE on each of these (lower-cased), answered in the order of the text
    // that matched. In the C collation a btree serves both the prefix (as a byte range) and that order,
    // whatever the database's own collation, so a page of a search reads about a page of rows however many
    // accounts match (pg_trgm would also serve infix search, but cannot give the order, is larger, slower
    // to write and needs an extension). `id` breaks ties between equal names.
    index("users_email_search_idx").on(sql`${t.email} COLLATE "C"`, t.id),
    index("users_username_search_idx").on(sql`lower(${t.username}) COLLATE "C"`, t.id),
    index("users_full_name_search_idx").on(sql`lower(${t.fullName}) COLLATE "C"`, t.id),
    // The few admins, counted and locked whenever one is demoted or deleted.
    index("users_admins_idx").on(t.id).where(sql`${t.role} = ${sql.raw(`'${ADMIN_ROLE}'`)}`),
    // Unverified registrations, pruned by age.
    index("users_pending_updated_at_idx").on(t.updatedAt).where(sql`${t.emailVerifiedAt} IS NULL`),
    check("users_role_valid", sql`${t.role} in (${sql.raw(ROLES.map((r) => `'${r}'`).join(", "))})`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    id: column(s.id).primaryKey(),
    userId: column(s.userId)
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // HMAC of the current refresh secret; the previous one is kept only for the reuse window.
    refreshHash: column(s.refreshHash).notNull(),
    previousRefreshHash: column(s.previousRefreshHash),
    rotatedAt: column(s.rotatedAt),
    userAgent: column(s.userAgent),
    ip: column(s.ip),
    createdAt: column(s.createdAt).notNull(),
    lastUsedAt: column(s.lastUsedAt).notNull(),
    expiresAt: column(s.expiresAt).notNull(),
    absoluteExpiresAt: column(s.absoluteExpiresAt).notNull(),
    revokedAt: column(s.revokedAt),
    // RFC 8176 methods the sign-in that opened the session used; every access token of the session carries them.
    amr: column(s.amr).notNull().default(sql`'{pwd}'::text[]`),
  },
  (t) => [
    index("sessions_user_id_idx").on(t.userId),
    // Pruning: expires_at never passes absolute_expires_at, so expiry alone finds every ended session.
    index("sessions_expires_at_idx").on(t.expiresAt),
    index("sessions_revoked_idx").on(t.revokedAt).where(sql`${t.revokedAt} IS NOT NULL`),
  ],
);

export const oneTimeCodes = pgTable(
  "one_time_codes",
  {
    userId: column(c.userId)
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: column(c.purpose, { enum: ["verify_email", "reset_password", "change_email"] }).notNull(),
    codeHash: column(c.codeHash).notNull(),
    // What a change-email code switches to. Verification codes carry nothing: the password comes with
    // the code, from whoever read the mail.
    newEmail: column(c.newEmail),
    attempts: column(c.attempts).notNull().default(0),
    createdAt: column(c.createdAt).notNull(),
    expiresAt: column(c.expiresAt).notNull(),
    consumedAt: column(c.consumedAt),
  },
  // One live code per user and purpose: issuing a new one overwrites (voids) the old.
  (t) => [
    uniqueIndex("one_time_codes_user_purpose_key").on(t.userId, t.purpose),
    // Pruning: spent and expired codes.
    index("one_time_codes_expires_at_idx").on(t.expiresAt),
    index("one_time_codes_consumed_idx").on(t.consumedAt).where(sql`${t.consumedAt} IS NOT NULL`),
  ],
);

/**
 * Failed password checks (login and re-authentication), per address (`subject`, a keyed hash of it, so
 * unknown addresses count like known ones) and client network (IPv4 address or IPv6 /64); the row with
 * network '*' counts every network together.
 */
export const loginFailures = pgTable(
  "login_failures",
  {
    subject: column(l.subject).notNull(),
    network: column(l.network).notNull(),
    failures: column(l.failures).notNull(),
    lockedUntil: column(l.lockedUntil),
    lastFailureAt: column(l.lastFailureAt).notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.network] }), index("login_failures_last_failure_at_idx").on(t.lastFailureAt)],
);

/** Wrong one-time codes per address (or user, for email changes) and purpose, across every code sent. */
export const codeFailures = pgTable(
  "code_failures",
  {
    subject: column(f.subject).notNull(),
    purpose: column(f.purpose, { enum: ["verify_email", "reset_password", "change_email", "mfa"] }).notNull(),
    failures: column(f.failures).notNull(),
    windowStartedAt: column(f.windowStartedAt).notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.purpose] }), index("code_failures_window_started_at_idx").on(t.windowStartedAt)],
);

/** Single-use recovery codes of a user with TOTP on, as keyed hashes (security/recovery-codes). */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    userId: column(r.userId)
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: column(r.codeHash).notNull(),
    usedAt: column(r.usedAt),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/**
 * The second step of a sign-in with TOTP on: the password was right, the session (whose id this is) is
 * opened once a code is. Holds a keyed hash of each code of its lifetime, not the TOTP secret.
 */
export const mfaTickets = pgTable(
  "mfa_tickets",
  {
    id: column(m.id).primaryKey(),
    userId: column(m.userId)
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    secretHash: column(m.secretHash).notNull(),
    firstStep: column(m.firstStep).notNull(),
    stepHashes: column(m.stepHashes).notNull(),
    attempts: column(m.attempts).notNull().default(0),
    createdAt: column(m.createdAt).notNull(),
    expiresAt: column(m.expiresAt).notNull(),
    consumedAt: column(m.consumedAt),
    userAgent: column(m.userAgent),
    ip: column(m.ip),
  },
  (t) => [index("mfa_tickets_user_id_idx").on(t.userId), index("mfa_tickets_expires_at_idx").on(t.expiresAt)],
);

/**
 * A WebAuthn credential (passkey): the public key as a JWK (JSON text, converted from the authenticator's
 * COSE key once, at registration) with its COSE algorithm, and the signature counter last seen.
 */
export const passkeys = pgTable(
  "passkeys",
  {
    id: column(p.id).primaryKey(),
    userId: column(p.userId)
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // base64url, as the browser names it; unique across users (an authenticator makes a new one per account).
    credentialId: column(p.credentialId).notNull(),
    publicKey: column(p.publicKey).notNull(),
    algorithm: column(p.algorithm).notNull(),
    signCount: column(p.signCount).notNull(),
    transports: column(p.transports).notNull(),
    backupEligible: column(p.backupEligible).notNull(),
    backedUp: column(p.backedUp).notNull(),
    name: column(p.name).notNull(),
    createdAt: column(p.createdAt).notNull(),
    lastUsedAt: column(p.lastUsedAt),
  },
  (t) => [uniqueIndex("passkeys_credential_id_idx").on(t.credentialId), index("passkeys_user_id_idx").on(t.userId, t.createdAt)],
);

/**
 * A WebAuthn ceremony's challenge, by its hash: registration's names the user and the session that asked,
 * sign-in's names no one (the passkey says whose it is). Deleted when used, so it is used once.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    challengeHash: column(w.challengeHash).primaryKey(),
    purpose: column(w.purpose, { enum: ["register", "sign_in"] }).notNull(),
    userId: column(w.userId).references(() => users.id, { onDelete: "cascade" }),
    sessionId: column(w.sessionId),
    expiresAt: column(w.expiresAt).notNull(),
  },
  (t) => [index("webauthn_challenges_expires_at_idx").on(t.expiresAt), index("webauthn_challenges_user_id_idx").on(t.userId)],
);

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
