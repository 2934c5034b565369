import { sql } from "drizzle-orm";
import { ADMIN_ROLE, DEFAULT_ROLE, ROLES } from "../domain/roles";
import { check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Stored lower-cased; the check constraint makes the plain unique index case-insensitive
    // without a citext extension, and lets ON CONFLICT (email) name a real column.
    email: text("email").notNull(),
    fullName: text("full_name"),
    username: text("username"),
    // An unverified registration's wished-for username: not reserved (no unique index), claimed at
    // verification only if the verifier kept the registration's password and the name is still free.
    pendingUsername: text("pending_username"),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull().default(DEFAULT_ROLE),
    emailVerifiedAt: timestamptz("email_verified_at"),
    lastLoginAt: timestamptz("last_login_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
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
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // HMAC of the current refresh secret; the previous one is kept only for the reuse window.
    refreshHash: text("refresh_hash").notNull(),
    previousRefreshHash: text("previous_refresh_hash"),
    rotatedAt: timestamptz("rotated_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: timestamptz("created_at").notNull(),
    lastUsedAt: timestamptz("last_used_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    absoluteExpiresAt: timestamptz("absolute_expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
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
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify_email", "reset_password", "change_email"] }).notNull(),
    codeHash: text("code_hash").notNull(),
    // What a change-email code switches to. Verification codes carry nothing: the password comes with
    // the code, from whoever read the mail.
    newEmail: text("new_email"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    consumedAt: timestamptz("consumed_at"),
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
    subject: text("subject").notNull(),
    network: text("network").notNull(),
    failures: integer("failures").notNull(),
    lockedUntil: timestamptz("locked_until"),
    lastFailureAt: timestamptz("last_failure_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.network] }), index("login_failures_last_failure_at_idx").on(t.lastFailureAt)],
);

/** Wrong one-time codes per address (or user, for email changes) and purpose, across every code sent. */
export const codeFailures = pgTable(
  "code_failures",
  {
    subject: text("subject").notNull(),
    purpose: text("purpose", { enum: ["verify_email", "reset_password", "change_email"] }).notNull(),
    failures: integer("failures").notNull(),
    windowStartedAt: timestamptz("window_started_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.purpose] }), index("code_failures_window_started_at_idx").on(t.windowStartedAt)],
);

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
