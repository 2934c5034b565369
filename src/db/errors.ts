/** What a database error tells us, without the SQL text and parameters of the statement that failed. */
export interface DatabaseErrorInfo {
  /** SQLSTATE, e.g. 23505; absent when the database could not be reached at all. */
  code: string | undefined;
  constraint: string | undefined;
  message: string;
}

/**
 * Whatever made a statement fail on its way through the driver (db/client.ts wraps it): the database's
 * answer (the driver's NeonDbError, with SQLSTATE and constraint), an unreachable endpoint, a reply it
 * could not read. Its message is the cause's: the statement's parameters (hashes, codes) never go into it.
 */
export class QueryFailed extends Error {
  override readonly name = "QueryFailed";
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export function databaseErrorInfo(err: unknown): DatabaseErrorInfo | null {
  if (!(err instanceof QueryFailed) || !(err.cause instanceof Error)) return null;
  const fields = err.cause as Error & { code?: unknown; constraint?: unknown };
  return {
    code: typeof fields.code === "string" ? fields.code : undefined,
    constraint: typeof fields.constraint === "string" ? fields.constraint : undefined,
    message: err.cause.message,
  };
}

/** The name of the unique constraint a statement violated, if that is why it failed. */
export function violatedUniqueConstraint(err: unknown): string | null {
  const info = databaseErrorInfo(err);
  return info?.code === "23505" ? (info.constraint ?? null) : null;
}
