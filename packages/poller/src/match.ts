/**
 * Which waiting task a transaction notification is about. A task learns its transaction's `uid` at the
 * first result read; before that only its `tracking_id` (kept from the submission) links the two, and a
 * tracking_id is the merchant's, not unique: it must name a transaction of the type the task's operation
 * creates (a refund's notification is not its payment's), it must carry a `created_at` that does not
 * predate the task (a late notification of an earlier attempt with the same tracking_id is not this one's,
 * and an undated one could be), and the caller drops a tracking_id
 * match that fits more than one waiting task (ambiguous: those tasks keep polling).
 */
import type { Transaction } from "@paycross/client";
import { OPERATIONS } from "@paycross/spec/catalogue";
import type { TaskStore } from "./store/types.js";
import { normalizeState, type TaskState, transactionOf } from "./task.js";

/** How far the gateway's clock may lag ours: a transaction created earlier than that predates the task. */
export const CLOCK_SKEW_MS = 30_000;

export type MatchedBy = "uid" | "tracking_id";

/** The uid of the task's transaction, once a result read (or a notification) made it known. */
export function taskUid(s: TaskState): string | undefined {
  return transactionOf(s.result)?.uid;
}

/**
 * The uid a state knows: its pending result's, or its outcome's transaction. Stores index tasks by it (and
 * by `trackingId`) so that a notification finds its task without reading every state.
 */
export function knownUid(s: TaskState): string | undefined {
  const o = s.outcome;
  return taskUid(s) ?? (o?.kind === "completed" ? o.transaction?.uid : undefined);
}

/**
 * How `tx` is this task's transaction, or undefined when it is not (or the task is finished). A task that
 * ended `unknown` still matches, by the same rules as a polling one: its notification is the one fact
 * that can still tell its fate (`lifecycle.next` upgrades it).
 */
export function matchNotification(s: TaskState, tx: Transaction): MatchedBy | undefined {
  if (s.phase === "done" && s.outcome?.kind !== "unknown") return undefined;
  const known = transactionOf(s.result);
  if (known?.uid !== undefined) {
    // A uid names one transaction: a different type under it is not an answer about this one.
    const sameType = known.type === undefined || tx.type === known.type;
    return known.uid === tx.uid && sameType ? "uid" : undefined;
  }
  if (s.phase === "follow_up" || !s.trackingId || tx.tracking_id !== s.trackingId) return undefined;
  const type = (OPERATIONS as Record<string, { transactionType: string | null }>)[s.operation]
    ?.transactionType;
  if (!type || tx.type !== type) return undefined;
  const created = typeof tx.created_at === "string" ? Date.parse(tx.created_at) : Number.NaN;
  // Undated, it could be an earlier attempt's under the same tracking_id (a late `failed` would end a
  // charged task as failed): only a dated transaction is matched by tracking_id. A pending task keeps
  // polling; a task told `unknown` stays so.
  if (!Number.isFinite(created) || created < s.submittedAt - CLOCK_SKEW_MS) return undefined;
  return "tracking_id";
}

/**
 * The tasks `tx` is about (pending, or ended `unknown`): by uid, or by tracking_id when no task knows
 * that uid already (it is that task's transaction, not another attempt's with the same tracking_id) and
 * exactly one task fits (a tracking_id shared by several says nothing about which one: they keep
 * polling). Found through the store's index where it has one, else by a scan. `local`: the states a
 * poller drives in memory on a store that is not shared (ahead of the store: follow-up looks are not all
 * stored); undefined when shared.
 */
export async function notifiedTasks(
  store: TaskStore,
  local: Map<string, TaskState> | undefined,
  tx: Transaction,
): Promise<TaskState[]> {
  let states: TaskState[];
  if (store.findByUid && store.findByTrackingId) {
    const found = [...(await store.findByUid(tx.uid))];
    if (typeof tx.tracking_id === "string" && tx.tracking_id)
      found.push(...(await store.findByTrackingId(tx.tracking_id)));
    states = [...new Map(found.map((s) => [s.id, s])).values()];
  } else states = local ? [...local.values()] : await store.list();
  const current = states.map((s) => normalizeState(local?.get(s.id) ?? s));
  const byUid = current.filter((s) => matchNotification(s, tx) === "uid");
  // A uid names one transaction: once a task knows it (pending or finished), it is that task's only.
  if (current.some((s) => knownUid(s) === tx.uid)) return byUid;
  const byTracking = current.filter((s) => matchNotification(s, tx) === "tracking_id");
  return byTracking.length === 1 ? byTracking : [];
}
