/** What a database error tells us, without the SQL text and parameters drizzle wraps around it. */
export interface DatabaseErrorInfo {
  /** SQLSTATE, e.g. 23505; absent when the database could not be reached at all. */
  code: string | undefined;
  constraint: string | undefined;
  message: string;
}

// drizzle wraps driver errors in DrizzleQueryError, whose message embeds the query *and its parameters*
// (hashes, codes): only the wrapped cause may ever be inspected or logged.
export function databaseErrorInfo(err: unknown): DatabaseErrorInfo | null {
  if (!(err instanceof Error)) return null;
  const cause = err.name === "DrizzleQueryError" || err.constructor?.name === "DrizzleQueryError" ? err.cause : err;
  if (!(cause instanceof Error)) return null;
  const fields = cause as Error & { code?: unknown; constraint?: unknown };
  const isDriverError = cause.name === "NeonDbError" || cause.constructor?.name === "NeonDbError" || cause !== err;
  if (!isDriverError) return null;
  return {
    code: typeof fields.code === "string" ? fields.code : undefined,
    constraint: typeof fields.constraint === "string" ? fields.constraint : undefined,
    message: cause.message,
  };
}

/** The name of the unique constraint a statement violated, if that is why it failed. */
export function violatedUniqueConstraint(err: unknown): string | null {
  const info = databaseErrorInfo(err);
  return info?.code === "23505" ? (info.constraint ?? null) : null;
}
