import type { TaskState } from "../task.js";

/**
 * Where task states live. A state is written BEFORE its outcome is handed to the caller, so a result the
 * gateway returns once survives a crash. `put` resolves only once the state is durable.
 */
export interface TaskStore {
  put(state: TaskState): Promise<void>;
  get(id: string): Promise<TaskState | undefined>;
  /** Every state, pending and finished (until deleted). */
  list(): Promise<TaskState[]>;
  /** Forget a task (after the caller has acted on its outcome). */
  delete(id: string): Promise<void>;
  close?(): Promise<void>;
}
