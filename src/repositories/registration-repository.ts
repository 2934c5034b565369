import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { ADMIN_ROLE } from "../domain/roles";
import { computedColumns } from "../db/rows";
import { codeAttemptCtes, codeFailure, codeOutcome, codeOutcomeColumns, issueCodeSql, type CodeFailure, type GuessBudget } from "./code-sql";
import { forgetAllFailuresSql } from "./login-failure-sql";
import { openSessionCtes, type NewSession } from "./session-sql";
import { userRecord, type UserRecord } from "./user-record";

export interface NewAccount {
  email: string;
  passwordHash: string;
  fullName: string | null;
  username: string | null;
  now: Date;
}

/** Verification off: one INSERT; a duplicate email or username fails on its unique index. Never an admin. */
export async function insertVerifiedUser(db: Database, a: NewAccount): Promise<UserRecord> {
  const result = await db.execute(sql`
    INSERT INTO users (email, password_hash, full_name, username, email_verified_at, created_at, updated_at)
    VALUES (${a.email}, ${a.passwordHash}, ${a.fullName}, ${a.username}, ${a.now}::timestamptz,
            ${a.now}::timestamptz, ${a.now}::timestamptz)
    RETURNING ${userRecord.sql()}`);
  return userRecord.decode(result.rows[0]!);
}

const pendingOutcome = computedColumns({ username_taken: "boolean", pending: "boolean", issued: "boolean" });

export type PendingOutcome = { kind: "code_issued" } | { kind: "code_recently_sent" } | { kind: "already_verified" } | { kind: "username_taken" };

const usernameTaken = (username: string | null) =>
  username === null ? sql`false` : sql`EXISTS (SELECT 1 FROM users WHERE lower(username) = lower(${username}))`;

/**
 * Verification on, one statement. A username that an account already has is refused before anything is
 * written, whatever the state of the address. Otherwise: create the unverified user, or update an
 * unverified one with this registration's password hash (salted by the address, see registrationSalt),
 * name and wished-for username, and issue a verification code (at most one a minute). A verified account
 * is left untouched. None of this decides what the account will be: verification takes the password from
 * whoever holds the code, and keeps the registration's name and username only if that password is the
 * registration's (consumeVerificationCode). Concurrent registrations of one address meet at the unique
 * index, so exactly one row ever exists.
 */
export async function upsertPendingRegistration(
  db: Database,
  a: NewAccount & { codeHash: string; codeExpiresAt: Date; minIntervalSeconds: number },
): Promise<PendingOutcome> {
  const result = await db.execute(sql`
    WITH taken AS (SELECT ${usernameTaken(a.username)} AS yes),
    account AS (
      INSERT INTO users (email, password_hash, full_name, pending_username, created_at, updated_at)
      SELECT ${a.email}, ${a.passwordHash}, ${a.fullName}, ${a.username}, ${a.now}::timestamptz, ${a.now}::timestamptz
      WHERE NOT (SELECT yes FROM taken)
      ON CONFLICT (email) DO UPDATE
        SET password_hash = excluded.password_hash, full_name = excluded.full_name,
            pending_username = excluded.pending_username, updated_at = excluded.updated_at
        WHERE users.email_verified_at IS NULL
      RETURNING id
    ), code AS (${issueCodeSql({
      purpose: "verify_email",
      source: sql`SELECT id AS user_id, NULL::text AS new_email FROM account`,
      codeHash: a.codeHash,
      now: a.now,
      expiresAt: a.codeExpiresAt,
      minIntervalSeconds: a.minIntervalSeconds,
    })})
    SELECT (SELECT yes FROM taken) AS username_taken, EXISTS (SELECT 1 FROM account) AS pending, EXISTS (SELECT 1 FROM code) AS issued`);
  const row = pendingOutcome.decode(result.rows[0]!);
  if (row.username_taken) return { kind: "username_taken" };
  if (!row.pending) return { kind: "already_verified" };
  return row.issued ? { kind: "code_issued" } : { kind: "code_recently_sent" };
}

export type VerifyOutcome = { kind: "verified"; user: UserRecord } | CodeFailure;

const unverifiedUserByEmail = (email: string) => sql`(SELECT id FROM users WHERE email = ${email} AND email_verified_at IS NULL)`;

/**
 * One statement: count the attempt against the code and the address's guess budget, consume the code if
 * it matches, and activate the account with the password sent with the code. The registration's name and
 * wished-for username are kept only when that password is the registration's own (same hash: its salt comes
 * from the address), so whoever registered without the mailbox cannot leave a profile on the account the
 * mailbox owner activates. The username is claimed only if it is still free. Grants admin if listed,
 * forgets past failed sign-ins and opens a session.
 */
export async function consumeVerificationCode(
  db: Database,
  v: {
    email: string;
    codeHash: string;
    passwordHash: string;
    maxAttempts: number;
    budget: GuessBudget;
    grantAdmin: boolean;
    now: Date;
    session: NewSession;
  },
): Promise<VerifyOutcome> {
  const now = sql`${v.now}::timestamptz`;
  const attempt = { purpose: "verify_email" as const, userId: unverifiedUserByEmail(v.email), codeHash: v.codeHash, now: v.now, maxAttempts: v.maxAttempts, budget: v.budget };
  const keepsRegistration = sql`u.password_hash = ${v.passwordHash}`;
  const result = await db.execute(sql`
    WITH ${codeAttemptCtes(attempt)},
    verified AS (
      UPDATE users u
      SET email_verified_at = ${now},
          password_hash = ${v.passwordHash},
          full_name = CASE WHEN ${keepsRegistration} THEN u.full_name END,
          username = CASE WHEN ${keepsRegistration} AND NOT EXISTS (SELECT 1 FROM users o WHERE lower(o.username) = lower(u.pending_username))
                          THEN u.pending_username END,
          pending_username = NULL,
          role = CASE WHEN ${v.grantAdmin}::boolean THEN ${ADMIN_ROLE} ELSE u.role END,
          updated_at = ${now}
      FROM attempt a
      WHERE u.id = a.user_id AND a.ok AND u.email_verified_at IS NULL
      RETURNING u.*
    ), forgotten AS (${forgetAllFailuresSql(sql`(SELECT id::text FROM verified)`)}),
    ${openSessionCtes("verified", v.session)}
    SELECT ${userRecord.sql("v")}, ${codeOutcomeColumns}
    FROM (SELECT 1) AS one
    LEFT JOIN verified v ON true`);
  const row = result.rows[0]!;
  const user = userRecord.decodeJoined(row);
  return user ? { kind: "verified", user } : codeFailure(codeOutcome.decode(row), attempt);
}

/**
 * Resend: a fresh code (voiding the old one) for an unverified account, at most one a minute.
 * Returns false when nothing was issued (unknown, verified, or too soon), which callers must not reveal.
 */
export async function reissueVerificationCode(
  db: Database,
  r: { email: string; codeHash: string; now: Date; codeExpiresAt: Date; minIntervalSeconds: number },
): Promise<boolean> {
  const result = await db.execute(
    issueCodeSql({
      purpose: "verify_email",
      source: sql`SELECT id AS user_id, NULL::text AS new_email FROM users WHERE email = ${r.email} AND email_verified_at IS NULL`,
      codeHash: r.codeHash,
      now: r.now,
      expiresAt: r.codeExpiresAt,
      minIntervalSeconds: r.minIntervalSeconds,
    }),
  );
  return result.rows.length > 0;
}
