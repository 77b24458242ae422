/**
 * The app's one error family: every error it throws on purpose is a `ConformanceError` (a
 * `PayCrossLocalError`, so a `PayCrossError`, the base every PayCross package shares) with a `code`,
 * and the CLI's exit code is derived from that code alone.
 */
import { PayCrossLocalError } from "@paycross/client";

export const ERROR_CODES = {
  /** A flag, a selection or a file the user named is wrong. */
  usage: 2,
  /** A profile or baseline file is malformed. */
  config: 2,
  /** No HTTP answer from the target (DNS, refused connection, timeout). */
  unreachable: 2,
  /** The target refused the shop's credentials: every check would fail for the same reason. */
  credentials: 2,
} as const;
export type ConformanceErrorCode = keyof typeof ERROR_CODES;

export class ConformanceError extends PayCrossLocalError {
  declare readonly code: ConformanceErrorCode;
  constructor(code: ConformanceErrorCode, message: string, cause?: unknown) {
    super({ message, code, ...(cause === undefined ? {} : { cause }) });
  }
}

/** A bad flag or selection. */
export class UsageError extends ConformanceError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** A malformed profile or baseline. */
export class ProfileError extends ConformanceError {
  constructor(message: string) {
    super("config", message);
  }
}

/** The target gave no HTTP answer at all. */
export class UnreachableError extends ConformanceError {
  constructor(message: string) {
    super("unreachable", message);
  }
}

/** 0 passed, 1 a check failed, 2 usage/config/unreachable/credentials (and any unexpected error). */
export function exitCodeOf(e: unknown): 2 {
  return e instanceof ConformanceError ? ERROR_CODES[e.code] : 2;
}
