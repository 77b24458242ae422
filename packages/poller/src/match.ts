/**
 * Which waiting task a transaction notification is about. A task learns its transaction's `uid` at the
 * first result read; before that only its `tracking_id` (kept from the submission) links the two, and a
 * tracking_id is the merchant's, not unique: it must name a transaction of the type the task's operation
 * creates (a refund's notification is not its payment's), it must not predate the task (a late notification
 * of an earlier attempt with the same tracking_id is not this one's), and the caller drops a tracking_id
 * match that fits more than one waiting task (ambiguous: those tasks keep polling).
 */
import type { Transaction } from "@paycross/client";
import { OPERATIONS } from "@paycross/spec/catalogue";
import { type TaskState, transactionOf } from "./task.js";

/** How far the gateway's clock may lag ours: a transaction created earlier than that predates the task. */
export const CLOCK_SKEW_MS = 30_000;

export type MatchedBy = "uid" | "tracking_id";

/** The uid of the task's transaction, once a result read (or a notification) made it known. */
export function taskUid(s: TaskState): string | undefined {
  return transactionOf(s.result)?.uid;
}

/** How `tx` is this task's transaction, or undefined when it is not (or the task is finished). */
export function matchNotification(s: TaskState, tx: Transaction): MatchedBy | undefined {
  if (s.phase === "done") return undefined;
  const known = transactionOf(s.result);
  if (known?.uid !== undefined) {
    // A uid names one transaction: a different type under it is not an answer about this one.
    const sameType = known.type === undefined || tx.type === known.type;
    return known.uid === tx.uid && sameType ? "uid" : undefined;
  }
  if (s.phase !== "polling" || !s.trackingId || tx.tracking_id !== s.trackingId) return undefined;
  const type = (OPERATIONS as Record<string, { transactionType: string | null }>)[s.operation]
    ?.transactionType;
  if (!type || tx.type !== type) return undefined;
  const created = typeof tx.created_at === "string" ? Date.parse(tx.created_at) : Number.NaN;
  return created < s.submittedAt - CLOCK_SKEW_MS ? undefined : "tracking_id";
}
