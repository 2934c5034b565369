import { sql, type SQL } from "drizzle-orm";
import type { CodePurpose } from "../security/one-time-code";
import { computedColumns } from "../db/rows";

/** Wrong guesses an address (or user) may make at its codes of one purpose, whatever codes it was sent. */
export interface GuessBudget {
  /** Who is guessing at: a keyed hash of the address, or of the user for email changes (security/subjects). */
  subject: string;
  maxFailures: number;
  windowSeconds: number;
}

export interface CodeAttempt {
  purpose: CodePurpose;
  /** SQL yielding the code owner's user id: a parameter, or a lookup by email (NULL when there is none). */
  userId: SQL;
  codeHash: string;
  now: Date;
  maxAttempts: number;
  budget: GuessBudget;
  /** Extra condition the attempt needs, e.g. that the caller's session is still live. */
  guard?: SQL;
}

/**
 * The body of a `gate` CTE: one guess at (subject, purpose) under the budget's row lock (an upsert, so the
 * first guess locks too), made only where `guard` holds. It charges a failure unless `right` (judged in the
 * statement's snapshot) and keeps charging past the cap; a window over starts the count again. Returns
 * `allowed` (the budget had room before this guess) and `window_started_at`.
 */
export const guessGateSql = (g: { subject: string; purpose: string; right: SQL; guard: SQL; now: Date; budget: Omit<GuessBudget, "subject"> }): SQL => {
  const now = sql`${g.now}::timestamptz`;
  const windowOver = sql`f.window_started_at <= ${now} - make_interval(secs => ${g.budget.windowSeconds}::int)`;
  const max = sql`${g.budget.maxFailures}::int`;
  return sql`
    INSERT INTO code_failures AS f (subject, purpose, failures, window_started_at)
    SELECT ${g.subject}, ${g.purpose}, CASE WHEN ${g.right} THEN 0 ELSE 1 END, ${now}
    WHERE ${g.guard}
    ON CONFLICT (subject, purpose) DO UPDATE SET
      failures = CASE WHEN ${windowOver} THEN excluded.failures
                      WHEN f.failures >= ${max} THEN f.failures + 1
                      ELSE f.failures + excluded.failures END,
      window_started_at = CASE WHEN ${windowOver} THEN ${now} ELSE f.window_started_at END
    RETURNING f.failures <= ${max} AS allowed, f.window_started_at`;
};

/**
 * The CTEs every code-consuming statement starts with:
 * - `gate`: the guess budget of the subject and purpose, taken under its row lock (an upsert, so the first
 *   guess locks too). It charges this guess unless the code is right, and counts refused guesses as well;
 *   `allowed` is whether the budget had room before it. A guess at an address with no account, or with
 *   no live code, is charged like any other, so the budget runs out the same way for every address.
 * - `attempt`: the counted try at the code itself, only when the gate allowed it. Every try is counted
 *   (up to one past the cap) and the code is consumed only if it is live and matches; Postgres evaluates
 *   this on the locked, newest version of the row, so racing submissions never exceed the cap, never both
 *   succeed, and each learns the code's real state (see codeFailure).
 * `attempt` returns user_id, the code's payload (new_email) and `ok`.
 */
export const codeAttemptCtes = (a: CodeAttempt): SQL => {
  const now = sql`${a.now}::timestamptz`;
  const guard = a.guard ?? sql`true`;
  const live = sql`c.user_id = ${a.userId} AND c.purpose = ${a.purpose} AND c.consumed_at IS NULL`;
  // The one test of a guess: the code matches, is under its cap and unexpired (the gate reads it from the
  // statement's snapshot to decide what to charge; the attempt re-checks it on the locked row).
  const accepted = sql`c.attempts < ${a.maxAttempts}::int AND c.expires_at > ${now} AND c.code_hash = ${a.codeHash}`;
  return sql`
  gate AS (${guessGateSql({
    subject: a.budget.subject,
    purpose: a.purpose,
    right: sql`EXISTS (SELECT 1 FROM one_time_codes c WHERE ${live} AND ${accepted})`,
    guard,
    now: a.now,
    budget: a.budget,
  })}
  ), attempt AS (
    UPDATE one_time_codes c
    SET attempts = LEAST(c.attempts + 1, ${a.maxAttempts}::int + 1),
        consumed_at = CASE WHEN ${accepted} THEN ${now} END
    WHERE ${live} AND ${guard} AND (SELECT allowed FROM gate)
    RETURNING c.user_id, c.new_email, c.consumed_at IS NOT NULL AS ok, c.attempts, c.expires_at
  )`;
};

/** A `gate` CTE's answer, for a statement's final SELECT: budget_allowed and budget_window_started_at. */
export const gateColumns = sql.raw("(SELECT allowed FROM gate) AS budget_allowed, (SELECT window_started_at FROM gate) AS budget_window_started_at");

/** When a spent budget has room again, from gateColumns as decoded; null when it was not spent (or did not run). */
export function budgetSpentUntil(o: { budget_allowed: boolean | null; budget_window_started_at: Date | null }, windowSeconds: number): Date | null {
  if (o.budget_allowed !== false || !o.budget_window_started_at) return null;
  return new Date(o.budget_window_started_at.getTime() + windowSeconds * 1000);
}

/** Columns, for the statement's final SELECT, that codeOutcome decodes and codeFailure() reads. */
export const codeOutcomeColumns = sql`${gateColumns}, (SELECT attempts FROM attempt) AS code_attempts, (SELECT expires_at FROM attempt) AS code_expires_at`;

// NULL budget columns: the gate did not run (the guard failed); NULL code columns: no live code.
export const codeOutcome = computedColumns({
  budget_allowed: "boolean?",
  budget_window_started_at: "timestamp?",
  code_attempts: "integer?",
  code_expires_at: "timestamp?",
});

export type CodeFailure = { kind: "invalid" } | { kind: "expired" } | { kind: "exhausted" } | { kind: "budget_spent"; retryAt: Date };

/** Why a code-consuming statement did not succeed. */
export function codeFailure(o: ReturnType<typeof codeOutcome.decode>, a: Pick<CodeAttempt, "now" | "maxAttempts" | "budget">): CodeFailure {
  const retryAt = budgetSpentUntil(o, a.budget.windowSeconds);
  if (retryAt) return { kind: "budget_spent", retryAt };
  if (o.code_attempts === null || o.code_expires_at === null) return { kind: "invalid" };
  if (o.code_expires_at <= a.now) return { kind: "expired" };
  if (o.code_attempts > a.maxAttempts) return { kind: "exhausted" };
  return { kind: "invalid" };
}

/**
 * Issues a code (voiding any earlier one of the same purpose) for the user `source` selects, with its
 * payload; at most one per `minIntervalSeconds`. `source` yields (user_id, new_email). RETURNING user_id
 * tells whether a code was issued.
 */
export const issueCodeSql = (c: {
  purpose: CodePurpose;
  source: SQL;
  codeHash: string;
  now: Date;
  expiresAt: Date;
  minIntervalSeconds: number;
}): SQL => sql`
  INSERT INTO one_time_codes (user_id, purpose, code_hash, new_email, attempts, created_at, expires_at)
  SELECT src.user_id, ${c.purpose}, ${c.codeHash}, src.new_email, 0, ${c.now}::timestamptz, ${c.expiresAt}::timestamptz
  FROM (${c.source}) AS src
  ON CONFLICT (user_id, purpose) DO UPDATE
    SET code_hash = excluded.code_hash, new_email = excluded.new_email,
        attempts = 0, created_at = excluded.created_at, expires_at = excluded.expires_at, consumed_at = NULL
    WHERE one_time_codes.created_at <= ${c.now}::timestamptz - make_interval(secs => ${c.minIntervalSeconds}::int)
  RETURNING user_id`;
