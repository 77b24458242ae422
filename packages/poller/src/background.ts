/**
 * Failures that happen where no caller awaits (a worker's claim, a re-read after an outcome notification,
 * a lease renewal, an observer's callback) are reported, never dropped: each becomes a `PayCrossError`
 * with a code naming what failed, handed to `options.onError` (default: a process warning). The loop that
 * met it goes on (with a bounded backoff where it retries).
 */
import { isPayCrossError, type PayCrossError, payCrossError } from "@paycross/client";

export type BackgroundErrorCode =
  /** A worker could not claim due tasks (the store is unreachable): it tries again with backoff. */
  | "claim_failed"
  /** A lease could not be renewed while its request was in flight. */
  | "renew_failed"
  /** A task's new state could not be stored after retries (it stays due; its lease will expire). */
  | "store_write_failed"
  /** The state could not be read back after another process stored an outcome (retried, then given up). */
  | "refresh_failed"
  /** A shared store's `watch` could not start: outcomes other processes store are not heard here. */
  | "watch_failed"
  /** An `onProgress` or `onCorrected` callback threw: the task goes on. */
  | "observer_failed";

export type ErrorReporter = (code: BackgroundErrorCode, message: string, cause: unknown) => void;

/** A reporter that never throws: a throwing `onError` is itself reported as a process warning. */
export function reporter(onError: ((error: PayCrossError) => void) | undefined): ErrorReporter {
  return (code, message, cause) => {
    const detail = isPayCrossError(cause)
      ? `: ${cause.message}`
      : cause instanceof Error
        ? `: ${cause.message}`
        : "";
    const error = payCrossError(code, `${message}${detail}`, { cause });
    try {
      if (onError) onError(error);
      else process.emitWarning(error.message, { code });
    } catch (e) {
      process.emitWarning(`poller onError threw while reporting ${code}: ${String(e)}`, { code });
    }
  };
}

/** Bounded exponential backoff: 1×, 2×, 4× ... `baseMs`, at most `maxMs`. */
export function backoff(baseMs: number, failures: number, maxMs = 5_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures, 16));
}
