/**
 * The one task-state builder for store tests, here and in @paycross/poller-postgres (which imports this
 * file by relative path, as it does the store contract).
 */
import type { TaskState } from "../src/index.js";

let seq = 0;
/** A pending state as the poller writes it after a submit: a unique id unless `extra` names one. */
export function pendingState(extra: Partial<TaskState> = {}): TaskState {
  const id = extra.id ?? `task-${process.pid}-${Date.now()}-${seq++}`;
  return {
    version: 1,
    id,
    operation: "payment",
    statusUrl: `http://127.0.0.1:1/async/status/${id}`,
    responseUrl: `http://127.0.0.1:1/async/result/${id}`,
    trackingId: `order-${id}`,
    submittedAt: Date.now(),
    phase: "polling",
    attempt: 0,
    ...extra,
  };
}

/** A follow-up state as 0.1 wrote it: no `followUpSince` (when the follow-up began). */
export function olderFollowUp(extra: Partial<TaskState> = {}): TaskState {
  const result = { transaction: { uid: "u1", status: "incomplete", type: "payment" } } as never;
  return pendingState({ phase: "follow_up", attempt: 3, result, ...extra });
}
