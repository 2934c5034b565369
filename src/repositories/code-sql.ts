import { sql, type SQL } from "drizzle-orm";
import type { CodePurpose } from "../security/one-time-code";
import { toDateOrNull } from "./user-record";

export interface CodeAttempt {
  purpose: CodePurpose;
  /** SQL yielding the code owner's user id: a parameter, or a lookup by email. */
  userId: SQL;
  codeHash: string;
  now: Date;
  maxAttempts: number;
  /** Extra condition the attempt needs, e.g. that the caller's session is still live. */
  guard?: SQL;
}

/**
 * Two CTEs every code-consuming statement starts with:
 * - `code_before`: the code's state before this statement (to tell expired from exhausted from wrong);
 * - `attempt`: the counted try. It consumes the code only if the hash matches, and its guard
 *   (unconsumed, under the cap, unexpired) is re-checked by Postgres on the locked row, so racing
 *   submissions never exceed the cap and never both succeed.
 * Returns user_id, the code's payload (password_hash, new_email) and `ok`.
 */
export const codeAttemptCtes = (a: CodeAttempt): SQL => sql`
  code_before AS (
    SELECT attempts, expires_at, consumed_at FROM one_time_codes WHERE user_id = ${a.userId} AND purpose = ${a.purpose}
  ), attempt AS (
    UPDATE one_time_codes c
    SET attempts = c.attempts + 1,
        consumed_at = CASE WHEN c.code_hash = ${a.codeHash} THEN ${a.now}::timestamptz END
    WHERE c.user_id = ${a.userId} AND c.purpose = ${a.purpose}
      AND c.consumed_at IS NULL AND c.attempts < ${a.maxAttempts}::int AND c.expires_at > ${a.now}::timestamptz
      AND ${a.guard ?? sql`true`}
    RETURNING c.user_id, c.password_hash, c.new_email, c.consumed_at IS NOT NULL AS ok
  )`;

/** Columns (from `code_before cb`) that codeFailure() reads. */
export const codeStateColumns = sql.raw("cb.attempts AS code_attempts, cb.expires_at AS code_expires_at, cb.consumed_at AS code_consumed_at");

export type CodeFailure = "invalid" | "expired" | "exhausted";

/** Why a code-consuming statement did not succeed, from the code's state before it ran. */
export function codeFailure(row: Record<string, unknown>, now: Date, maxAttempts: number): CodeFailure {
  if (row.code_attempts === null || row.code_attempts === undefined || row.code_consumed_at !== null) return "invalid";
  if (toDateOrNull(row.code_expires_at)! <= now) return "expired";
  if (Number(row.code_attempts) >= maxAttempts) return "exhausted";
  return "invalid";
}

/**
 * Issues a code (voiding any earlier one of the same purpose) for the user `source` selects, with its
 * payload; at most one per `minIntervalSeconds` (0: always). `source` yields (user_id, password_hash,
 * new_email). RETURNING user_id tells whether a code was issued.
 */
export const issueCodeSql = (c: {
  purpose: CodePurpose;
  source: SQL;
  codeHash: string;
  now: Date;
  expiresAt: Date;
  minIntervalSeconds: number;
}): SQL => sql`
  INSERT INTO one_time_codes (user_id, purpose, code_hash, password_hash, new_email, attempts, created_at, expires_at)
  SELECT src.user_id, ${c.purpose}, ${c.codeHash}, src.password_hash, src.new_email, 0, ${c.now}::timestamptz, ${c.expiresAt}::timestamptz
  FROM (${c.source}) AS src
  ON CONFLICT (user_id, purpose) DO UPDATE
    SET code_hash = excluded.code_hash, password_hash = excluded.password_hash, new_email = excluded.new_email,
        attempts = 0, created_at = excluded.created_at, expires_at = excluded.expires_at, consumed_at = NULL
    ${c.minIntervalSeconds > 0 ? sql`WHERE one_time_codes.created_at <= ${c.now}::timestamptz - make_interval(secs => ${c.minIntervalSeconds}::int)` : sql``}
  RETURNING user_id`;
