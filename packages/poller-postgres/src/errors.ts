import { PayCrossLocalError } from "@paycross/client";

/**
 * - `config`: bad options to `PostgresStore.open` (nothing was connected).
 * - `usage`: a call with bad arguments (a lease of another task, a limit of 0, ...).
 * - `store_closed`: a call after `close()`.
 * - `store_unavailable`: the database could not be reached or a statement failed; the cause says why.
 * - `store_corrupt`: a row holds something that is not a valid task state.
 * - `store_schema`: the database was migrated by a newer version of this package.
 */
export type PostgresStoreErrorCode =
  | "config"
  | "usage"
  | "store_closed"
  | "store_unavailable"
  | "store_corrupt"
  | "store_schema";

/** Every error `PostgresStore` throws. Never carries the connection string, a password or a task's body. */
export class PostgresStoreError extends PayCrossLocalError {
  declare readonly code: PostgresStoreErrorCode;
  constructor(code: PostgresStoreErrorCode, message: string, cause?: unknown) {
    super({ message, code, cause });
  }
}

const BUGS = [TypeError, ReferenceError, RangeError, SyntaxError];

/**
 * Wraps a driver or network error: its message and SQLSTATE are kept, its parameters (task bodies) are
 * not. A programming error is rethrown as it is, never disguised as an unavailable database.
 */
export function unavailable(what: string, cause: unknown): PostgresStoreError {
  if (cause instanceof PostgresStoreError) return cause;
  if (BUGS.some((B) => cause instanceof B)) throw cause;
  const e = cause as { message?: unknown; code?: unknown } | null;
  const detail = typeof e?.message === "string" ? e.message : String(cause);
  const sqlstate = typeof e?.code === "string" ? ` [${e.code}]` : "";
  return new PostgresStoreError("store_unavailable", `${what} failed: ${detail}${sqlstate}`, cause);
}
