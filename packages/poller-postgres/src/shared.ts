/**
 * The shared-store contract of COMMON §4 and the facts merge, as this package needs them until
 * `@paycross/poller` exports its own (then these become re-exports of the poller's).
 */
import type { TaskState, TaskStore } from "@paycross/poller";

/** A worker's hold on one task; `token` is the fencing token, higher on every claim. */
export interface Lease {
  id: string;
  owner: string;
  token: number;
}

export interface SharedTaskStore extends TaskStore {
  readonly shared: true;
  /** Leases up to `limit` due tasks that nobody holds (or whose lease expired), oldest due first. */
  claim(owner: string, limit: number, leaseMs: number): Promise<Array<{ state: TaskState; lease: Lease }>>;
  /** Extends a lease; `false` when it was lost (another worker claimed the task). */
  renew(lease: Lease, leaseMs: number): Promise<boolean>;
  /** Writes the holder's state and releases the lease; `fenced` when the lease was lost (facts still kept). */
  update(lease: Lease, state: TaskState, nextPollAt: number | null): Promise<"ok" | "fenced">;
  /** Merges gateway facts without a lease; returns the stored state. */
  recordFacts(id: string, state: TaskState): Promise<TaskState>;
  /** Calls `listener` with a task's id whenever any process stores its outcome. */
  watch(listener: (id: string) => void): Promise<() => void>;
}

/** The fields that hold what the gateway said; a read-once answer exists nowhere else once stored. */
export const FACT_KEYS = ["errorResult", "result", "outcome"] as const;

/**
 * `stored` with `incoming`'s gateway facts merged in: the first stored result of each kind wins, the
 * first outcome wins, and an `unknown` outcome never hides a real one.
 */
export function mergeFacts(stored: TaskState, incoming: TaskState): TaskState {
  const merged: TaskState = { ...stored };
  merged.errorResult = stored.errorResult ?? incoming.errorResult;
  merged.result = stored.result ?? incoming.result;
  const a = stored.outcome;
  const b = incoming.outcome;
  merged.outcome = a && (a.kind !== "unknown" || !b || b.kind === "unknown") ? a : (b ?? a);
  for (const k of FACT_KEYS) if (merged[k] === undefined) delete merged[k];
  if (merged.outcome) merged.phase = "done";
  return merged;
}
