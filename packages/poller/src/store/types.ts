import type { TaskState } from "../task.js";

/**
 * Where task states live. A state is written BEFORE its outcome is handed to the caller, so a result the
 * gateway returns once survives a crash. `put` resolves only once the state is durable. A store never
 * lets a write replace a stored outcome with a weaker one: it combines them with `mergeFacts`.
 */
export interface TaskStore {
  /**
   * `dueAt` (shared stores; others ignore it): when a NEW pending task is first due (epoch ms; default
   * now), e.g. after the delay a notification is expected within. An existing task keeps its schedule rules.
   */
  put(state: TaskState, dueAt?: number): Promise<void>;
  get(id: string): Promise<TaskState | undefined>;
  /** Every state, pending and finished (until deleted). */
  list(): Promise<TaskState[]>;
  /** Forget a task (after the caller has acted on its outcome). */
  delete(id: string): Promise<void>;
  close?(): Promise<void>;
  /**
   * Optional indexed lookups (stores that have them spare the poller a full `list()` per notification):
   * the states submitted with this `tracking_id`, and those whose transaction has this `uid` (known after
   * the first result read). MemoryStore, FileStore and SharedMemoryStore keep an index; a database store
   * should answer from an index on those columns (PostgresStore: see the README).
   */
  findByTrackingId?(trackingId: string): Promise<TaskState[]>;
  findByUid?(uid: string): Promise<TaskState[]>;
}

/** The right to poll one task for a while. `token` is a fencing token: it grows with every claim. */
export interface Lease {
  id: string;
  owner: string;
  token: number;
}

export type UpdateResult = "ok" | "fenced" | "deferred";

export interface ClaimedTask {
  state: TaskState;
  lease: Lease;
}

/**
 * A store that several processes (workers) share. A task is polled by whoever holds its lease; a worker
 * that lost its lease (paused, partitioned, killed) cannot overwrite the task's schedule, but the facts it
 * brings from the gateway (a read-once result above all) are always kept.
 *
 * `put` of a pending state makes it due at once (next poll time = now) unless the stored state already
 * carries an outcome; `put` and every write go through `mergeFacts`.
 */
export interface SharedTaskStore extends TaskStore {
  readonly shared: true;
  /**
   * Up to `limit` tasks that are due (next poll time ≤ now), not done, and unleased or whose lease expired;
   * each is leased to `owner` for `leaseMs` with a new, larger fencing token.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedTask[]>;
  /** Extends a lease still held. `false`: the lease was lost (expired and claimed by another, or the task is done). */
  renew(lease: Lease, leaseMs: number): Promise<boolean>;
  /**
   * Writes the state and its next poll time (`null`: not scheduled, e.g. done) and releases the lease.
   * `"fenced"`: the lease was lost; the schedule was not written, but the state's facts were merged in
   * (an `unknown` outcome is not a fact: it is dropped, see `mergeFencedFacts`).
   * `"deferred"`: the state's outcome is `unknown` while an earlier holder that never released the task
   * may still store the read-once result it read (`unknownMustWait`): the task stays pending, its other
   * facts kept, and is due again when that holder's grace has passed.
   * A state of another task than `lease.id` is refused with a `usage` error before anything is written.
   */
  update(lease: Lease, state: TaskState, nextPollAt: number | null): Promise<UpdateResult>;
  /** Merges a state's gateway facts without a lease (e.g. a confirmed notification); returns the stored state. */
  recordFacts(id: string, state: TaskState): Promise<TaskState>;
  /**
   * Calls `listener` whenever any process stores an outcome (a first one, or a result replacing an
   * `unknown`). Resolves to an unsubscribe function once the listener hears every later outcome.
   */
  watch(listener: (id: string) => void): Promise<() => void>;
  /**
   * Optional: `put` of a task that should be new, answering whether it was (`true`: nothing was stored
   * under its id). A poller that watched before creating a task then knows that any outcome it gets
   * will be reported by `watch`, and spares the re-read at `result()`. `false`: merged as `put` does.
   */
  create?(state: TaskState, dueAt?: number): Promise<boolean>;
}

export function isSharedStore(store: TaskStore): store is SharedTaskStore {
  return (store as Partial<SharedTaskStore>).shared === true;
}
