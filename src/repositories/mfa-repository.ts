import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { computedColumns } from "../db/rows";
import { ADMIN_ROLE } from "../domain/roles";
import { budgetSpentUntil, gateColumns, guessGateSql } from "./code-sql";
import { forgetNetworkFailuresSql } from "./login-failure-sql";
import { dropMfaTicketsSql, openSessionCtes, sessionIsLive, textArray, type NewSession } from "./session-sql";
import { userRecord, type UserRecord } from "./user-record";

/** A second-step ticket about to be stored: made in the worker, so the password step stays two round trips. */
export interface NewMfaTicket {
  id: string;
  secretHash: string;
  firstStep: number;
  /** keyedHash(TOKEN_SECRET, "totp-step", id, step, code) for each step from firstStep on. */
  stepHashes: string[];
  createdAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/**
 * The password step of a sign-in with TOTP on, in one statement: what a successful login records
 * (rehash, this network's failures forgotten), and the ticket instead of a session. Null when the user
 * row is gone.
 */
export async function recordPasswordStep(
  db: Database,
  l: { userId: string; network: string; rehashedPassword: string | null; now: Date; ticket: NewMfaTicket },
): Promise<string | null> {
  const t = l.ticket;
  const result = await db.execute(sql`
    WITH account AS (
      UPDATE users SET password_hash = COALESCE(${l.rehashedPassword}::text, password_hash)
      WHERE id = ${l.userId}::uuid
      RETURNING id
    ), forgotten AS (${forgetNetworkFailuresSql(sql`${l.userId}`, l.network)}),
    ticket AS (
      INSERT INTO mfa_tickets (id, user_id, secret_hash, first_step, step_hashes, attempts, created_at, expires_at, user_agent, ip)
      SELECT ${t.id}::uuid, id, ${t.secretHash}, ${t.firstStep}::bigint, ${textArray(t.stepHashes)}::text[], 0,
             ${t.createdAt}::timestamptz, ${t.expiresAt}::timestamptz, ${t.userAgent}, ${t.ip}
      FROM account
      RETURNING id
    )
    SELECT id FROM ticket`);
  return (result.rows[0]?.id as string | undefined) ?? null;
}

export interface SecondStep {
  userId: string;
  ticketId: string;
  secretHash: string;
  /** keyed step hashes of the presented code for the steps around now (empty for a recovery code). */
  candidates: string[];
  /** The recovery code's hash (null for a TOTP code). */
  recoveryHash: string | null;
  now: Date;
  maxAttempts: number;
  budget: { maxFailures: number; windowSeconds: number };
  session: NewSession;
}

const outcome = computedColumns({
  ticket_live: "boolean",
  budget_allowed: "boolean?",
  budget_window_started_at: "timestamp?",
  accepted: "boolean",
});

export type SecondStepOutcome =
  | { kind: "signed_in"; user: UserRecord }
  | { kind: "invalid_ticket" }
  | { kind: "wrong_code" }
  | { kind: "budget_spent"; retryAt: Date };

/**
 * The second step in one statement:
 * - `ticket`: the live ticket (secret matches, unused, unexpired, tries left); `matched` the latest step
 *   whose stored hash one of the candidates equals (each candidate names its step, so any equality is
 *   the right step);
 * - `gate`: the account's budget of wrong second-factor answers (code_failures, purpose 'mfa'), charged
 *   unless the answer looks right in the statement's snapshot; only a live ticket is charged, so no one
 *   without the password can spend the owner's budget;
 * - `totp`: accepts the step only if it is later than the last accepted one and TOTP was on before the
 *   ticket was made and still is (Postgres re-checks this on the locked row, so of racing requests with
 *   one code, whatever the ticket, one wins); `recovery` marks an unused recovery code used;
 * - `spent`: the ticket's one update (a try, and consumed if an answer was accepted), re-checked on the
 *   locked row, so a ticket is consumed once and tries never pass the cap;
 * - the session (id = the ticket's) opens only if a factor was accepted and the ticket consumed; the
 *   sign-in is the user's last_login_at (set by `totp`, or by `recovery_sign_in` for a recovery code).
 */
export async function completeSecondStep(db: Database, s: SecondStep): Promise<SecondStepOutcome> {
  const now = sql`${s.now}::timestamptz`;
  const uid = sql`${s.userId}::uuid`;
  const liveTicket = sql`t.id = ${s.ticketId}::uuid AND t.user_id = ${uid} AND t.secret_hash = ${s.secretHash}
    AND t.consumed_at IS NULL AND t.expires_at > ${now} AND t.attempts < ${s.maxAttempts}::int`;
  const totpAcceptable = sql`u.id = ${uid} AND u.totp_secret IS NOT NULL AND u.totp_enabled_at <= (SELECT created_at FROM ticket)
    AND (SELECT step FROM matched) IS NOT NULL AND (u.totp_last_step IS NULL OR u.totp_last_step < (SELECT step FROM matched))`;
  const recoveryUsable = sql`r.user_id = ${uid} AND r.code_hash = ${s.recoveryHash}::text AND r.used_at IS NULL
    AND EXISTS (SELECT 1 FROM users u WHERE u.id = ${uid} AND u.totp_secret IS NOT NULL AND u.totp_enabled_at <= (SELECT created_at FROM ticket))`;
  const result = await db.execute(sql`
    WITH ticket AS (
      SELECT t.id, t.user_id, t.created_at, t.first_step, t.step_hashes FROM mfa_tickets t WHERE ${liveTicket}
    ), matched AS (
      SELECT max(t.first_step + h.i - 1) AS step
      FROM ticket t CROSS JOIN LATERAL unnest(t.step_hashes) WITH ORDINALITY AS h(hash, i)
      WHERE h.hash = ANY(${textArray(s.candidates)}::text[])
    ), gate AS (${guessGateSql({
      subject: s.userId,
      purpose: "mfa",
      right: sql`EXISTS (SELECT 1 FROM users u WHERE ${totpAcceptable}) OR EXISTS (SELECT 1 FROM recovery_codes r WHERE ${recoveryUsable})`,
      guard: sql`EXISTS (SELECT 1 FROM ticket)`,
      now: s.now,
      budget: s.budget,
    })}
    ), totp AS (
      UPDATE users u SET totp_last_step = (SELECT step FROM matched), last_login_at = ${now}
      WHERE ${totpAcceptable} AND (SELECT allowed FROM gate)
      RETURNING u.id
    ), recovery AS (
      UPDATE recovery_codes r SET used_at = ${now}
      WHERE ${recoveryUsable} AND (SELECT allowed FROM gate)
      RETURNING r.user_id
    ), spent AS (
      UPDATE mfa_tickets t SET
        attempts = t.attempts + 1,
        consumed_at = CASE WHEN EXISTS (SELECT 1 FROM totp) OR EXISTS (SELECT 1 FROM recovery) THEN ${now} END
      WHERE ${liveTicket} AND (SELECT allowed FROM gate)
      RETURNING t.consumed_at IS NOT NULL AS ok
    ), recovery_sign_in AS (
      -- (a TOTP code's sign-in is recorded by the totp update, the one update of the user row it makes)
      UPDATE users SET last_login_at = ${now}
      WHERE id = ${uid} AND EXISTS (SELECT 1 FROM recovery) AND EXISTS (SELECT 1 FROM spent WHERE ok)
      RETURNING id
    ), winner AS (
      SELECT ${userRecord.sql()} FROM users WHERE id = ${uid} AND EXISTS (SELECT 1 FROM spent WHERE ok)
    ),
    ${openSessionCtes("winner", s.session)}
    SELECT EXISTS (SELECT 1 FROM ticket) AS ticket_live, ${gateColumns}, EXISTS (SELECT 1 FROM session) AS accepted, w.*
    FROM (SELECT 1) AS one LEFT JOIN winner w ON true`);
  const row = result.rows[0]!;
  const o = outcome.decode(row);
  if (o.accepted) return { kind: "signed_in", user: userRecord.decode(row) };
  if (!o.ticket_live) return { kind: "invalid_ticket" };
  const retryAt = budgetSpentUntil(o, s.budget.windowSeconds);
  return retryAt ? { kind: "budget_spent", retryAt } : { kind: "wrong_code" };
}

/** Enrolment's start: a new pending secret, unless TOTP is already on. Null when the session ended. */
export async function startEnrolment(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; sealedSecret: string },
): Promise<"started" | "already_enabled" | null> {
  const result = await db.execute(sql`
    UPDATE users SET
      totp_pending_secret = CASE WHEN totp_secret IS NULL THEN ${p.sealedSecret} ELSE totp_pending_secret END,
      totp_pending_at = CASE WHEN totp_secret IS NULL THEN ${p.now}::timestamptz ELSE totp_pending_at END
    WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
    RETURNING totp_secret IS NULL AS started`);
  const row = result.rows[0];
  if (!row) return null;
  return computedColumns({ started: "boolean" }).decode(row).started ? "started" : "already_enabled";
}

// What turning TOTP off clears on the user row (the user's turning it off, or an admin's reset).
const TOTP_OFF = sql.raw("totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, totp_pending_secret = NULL, totp_pending_at = NULL");

const enrolmentState = computedColumns({ enabled: "boolean", pending_secret: "text?", pending_at: "timestamp?" });

/** The caller's TOTP state, while its session is live. */
export async function findEnrolment(db: Database, p: { userId: string; sessionId: string; now: Date }) {
  const result = await db.execute(sql`
    SELECT totp_secret IS NOT NULL AS enabled, totp_pending_secret AS pending_secret, totp_pending_at AS pending_at FROM users
    WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}`);
  const row = result.rows[0];
  return row ? enrolmentState.decode(row) : null;
}

/**
 * Turns TOTP on with the pending secret the caller's code was checked against (compare-and-swap on it,
 * so a restarted enrolment is not confirmed with the old one's code), records the code's step as used,
 * and replaces the recovery codes.
 */
export async function confirmEnrolment(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; pendingSecret: string; step: number; recoveryHashes: string[] },
): Promise<boolean> {
  const result = await db.execute(sql`
    WITH enabled AS (
      UPDATE users SET totp_secret = totp_pending_secret, totp_enabled_at = ${p.now}::timestamptz, totp_last_step = ${p.step}::bigint,
                       totp_pending_secret = NULL, totp_pending_at = NULL
      WHERE id = ${p.userId}::uuid AND totp_secret IS NULL AND totp_pending_secret = ${p.pendingSecret}
        AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
      RETURNING id
    ), cleared AS (
      DELETE FROM recovery_codes WHERE user_id = (SELECT id FROM enabled)
    ), added AS (
      INSERT INTO recovery_codes (user_id, code_hash)
      SELECT e.id, h FROM enabled e CROSS JOIN unnest(${textArray(p.recoveryHashes)}::text[]) AS h
    )
    SELECT id FROM enabled`);
  return result.rows.length > 0;
}

export interface FactorChange {
  userId: string;
  sessionId: string;
  now: Date;
  /** The sealed secret the code was checked against: the change applies only while it is still the one. */
  sealedSecret: string;
  /** The step the TOTP code matched (null: no TOTP match). */
  step: number | null;
  /** The recovery code's hash (null when a TOTP code was given). */
  recoveryHash: string | null;
  budget: { maxFailures: number; windowSeconds: number };
  /** Turn TOTP off (secret, recovery codes), or replace the recovery codes with these hashes. */
  then: { kind: "disable" } | { kind: "regenerate"; recoveryHashes: string[] };
}

export type FactorChangeOutcome = "done" | "wrong_code" | { retryAt: Date } | "gone";

const factorOutcome = computedColumns({ done: "boolean", budget_allowed: "boolean?", budget_window_started_at: "timestamp?" });

/**
 * A change that needs a current second factor (after the password), in one statement: the account's
 * budget of wrong answers (the same as the sign-in's second step), the TOTP step accepted only if later
 * than the last one, or an unused recovery code marked used (its row lock makes it single-use under
 * races), then the change itself in the same update of the user row.
 */
export async function changeWithSecondFactor(db: Database, c: FactorChange): Promise<FactorChangeOutcome> {
  const now = sql`${c.now}::timestamptz`;
  const uid = sql`${c.userId}::uuid`;
  const owner = sql`u.id = ${uid} AND u.totp_secret = ${c.sealedSecret} AND ${sessionIsLive(c.userId, c.sessionId, c.now)}`;
  const stepFresh = sql`${c.step}::bigint IS NOT NULL AND (u.totp_last_step IS NULL OR u.totp_last_step < ${c.step}::bigint)`;
  const recoveryUnused = sql`r.user_id = ${uid} AND r.code_hash = ${c.recoveryHash}::text AND r.used_at IS NULL`;
  const change =
    c.then.kind === "disable"
      ? TOTP_OFF
      : sql`totp_last_step = CASE WHEN ${c.step}::bigint IS NOT NULL THEN ${c.step}::bigint ELSE u.totp_last_step END`;
  const after =
    c.then.kind === "disable"
      ? sql`DELETE FROM recovery_codes WHERE user_id = (SELECT id FROM changed) AND code_hash IS DISTINCT FROM ${c.recoveryHash}::text`
      : sql`INSERT INTO recovery_codes (user_id, code_hash)
            SELECT ch.id, h FROM changed ch CROSS JOIN unnest(${textArray(c.then.recoveryHashes)}::text[]) AS h`;
  const cleared =
    c.then.kind === "disable"
      ? sql``
      : sql`, cleared AS (DELETE FROM recovery_codes WHERE user_id = (SELECT id FROM changed) AND code_hash IS DISTINCT FROM ${c.recoveryHash}::text)`;
  const result = await db.execute(sql`
    WITH gate AS (${guessGateSql({
      subject: c.userId,
      purpose: "mfa",
      right: sql`EXISTS (SELECT 1 FROM users u WHERE ${owner} AND ${stepFresh}) OR EXISTS (SELECT 1 FROM recovery_codes r WHERE ${recoveryUnused})`,
      guard: sql`EXISTS (SELECT 1 FROM users u WHERE ${owner})`,
      now: c.now,
      budget: c.budget,
    })}
    ), used AS (
      UPDATE recovery_codes r SET used_at = ${now}
      WHERE ${recoveryUnused} AND (SELECT allowed FROM gate)
      RETURNING r.user_id
    ), changed AS (
      UPDATE users u SET ${change}
      WHERE ${owner} AND (SELECT allowed FROM gate) AND (${stepFresh} OR EXISTS (SELECT 1 FROM used))
      RETURNING u.id
    )${cleared}, after AS (${after})
    SELECT EXISTS (SELECT 1 FROM changed) AS done, ${gateColumns}`);
  const o = factorOutcome.decode(result.rows[0]!);
  if (o.done) return "done";
  if (o.budget_allowed === null) return "gone";
  const retryAt = budgetSpentUntil(o, c.budget.windowSeconds);
  return retryAt ? { retryAt } : "wrong_code";
}

/**
 * An admin's reset: TOTP off, recovery codes and open tickets gone, while the caller's session is live and
 * the caller is still an admin (read in the same statement).
 */
export async function resetSecondFactor(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; targetId: string },
): Promise<"reset" | "was_off" | "not_found" | "signed_out" | "forbidden"> {
  const result = await db.execute(sql`
    WITH caller AS (
      SELECT role FROM users WHERE id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
    ), before AS (
      SELECT id, totp_secret IS NOT NULL AS was_enabled FROM users
      WHERE id = ${p.targetId}::uuid AND (SELECT role FROM caller) = ${ADMIN_ROLE}
    ), reset AS (
      UPDATE users SET ${TOTP_OFF}
      WHERE id = (SELECT id FROM before)
    ), codes AS (DELETE FROM recovery_codes WHERE user_id = (SELECT id FROM before)),
    tickets AS (${dropMfaTicketsSql(sql`SELECT id FROM before`)})
    SELECT (SELECT role FROM caller) AS caller_role, (SELECT was_enabled FROM before) AS was_enabled`);
  const o = computedColumns({ caller_role: "text?", was_enabled: "boolean?" }).decode(result.rows[0]!);
  if (o.caller_role === null) return "signed_out";
  if (o.caller_role !== ADMIN_ROLE) return "forbidden";
  if (o.was_enabled === null) return "not_found";
  return o.was_enabled ? "reset" : "was_off";
}
