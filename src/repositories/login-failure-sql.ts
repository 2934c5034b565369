import { sql, type SQL } from "drizzle-orm";

/** When failed password checks start locking, and for how long (doubling per further failure). */
export interface LockoutPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
}

export interface PasswordFailureLimits {
  /** The client's network (security/client-network): its own count and its own, long lockout. */
  perNetwork: LockoutPolicy;
  /** Every network together: a short backoff, so no one network can lock the others out for long. */
  accountWide: LockoutPolicy;
  /** A count whose last failure is older than this starts again from one. */
  memorySeconds: number;
}

/** The row of login_failures that counts every network together. */
const ALL_NETWORKS = "*";

/**
 * SQL for the later of the two locks (this network's, all networks') on `subject`: the account's id, or
 * for an address without an account a keyed hash of the address, so both are throttled alike.
 */
export const lockedUntilSql = (subject: SQL, network: string): SQL =>
  sql`(SELECT max(lf.locked_until) FROM login_failures lf WHERE lf.subject = ${subject} AND lf.network IN (${network}, ${ALL_NETWORKS}))`;

/**
 * Counts one failure on one row. Failures that arrive while the row is locked do not count: they were
 * checked before the lock was set (a burst sent in parallel), or are refused anyway, so a burst of twenty
 * locks like five, not like twenty.
 */
const countFailure = (subject: string, network: string, policy: LockoutPolicy, now: Date, memorySeconds: number): SQL => {
  const at = sql`${now}::timestamptz`;
  const forgotten = sql`f.last_failure_at <= ${at} - make_interval(secs => ${memorySeconds}::int)`;
  const locked = sql`f.locked_until > ${at}`;
  return sql`
    INSERT INTO login_failures AS f (subject, network, failures, locked_until, last_failure_at)
    VALUES (${subject}, ${network}, 1, NULL, ${at})
    ON CONFLICT (subject, network) DO UPDATE SET
      failures = CASE WHEN ${locked} THEN f.failures WHEN ${forgotten} THEN 1 ELSE f.failures + 1 END,
      locked_until = CASE
        WHEN ${locked} THEN f.locked_until
        WHEN NOT ${forgotten} AND f.failures + 1 >= ${policy.threshold}::int
          THEN ${at} + make_interval(secs => LEAST(${policy.maxSeconds}::int,
                 ${policy.baseSeconds}::int * power(2, f.failures + 1 - ${policy.threshold}::int)))
        ELSE NULL END,
      last_failure_at = ${at}
    RETURNING f.locked_until`;
};

/** One failed password check, counted for the client's network and for all networks, in one statement. */
export const recordFailureSql = (subject: string, network: string, limits: PasswordFailureLimits, now: Date): SQL => sql`
  WITH per_network AS (${countFailure(subject, network, limits.perNetwork, now, limits.memorySeconds)}),
  account_wide AS (${countFailure(subject, ALL_NETWORKS, limits.accountWide, now, limits.memorySeconds)})
  SELECT 1`;

/** A CTE body that forgets this network's failures (a correct password from it). */
export const forgetNetworkFailuresSql = (subject: SQL, network: string): SQL =>
  sql`DELETE FROM login_failures WHERE subject = ${subject} AND network = ${network}`;

/** A CTE body that forgets every failure of `subject` (the mailbox was proven: verification or reset). */
export const forgetAllFailuresSql = (subject: SQL): SQL => sql`DELETE FROM login_failures WHERE subject = ${subject}`;
