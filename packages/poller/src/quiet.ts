/**
 * Tasks a waiting process need not re-read at `result()`. A task this poller submitted, that the shared
 * store created new (nothing under its id) while this poller's watch was live, can only get an outcome
 * the watch reports: until one is heard, a re-read would only find it pending. This spares one store
 * round trip per task in a waiting (client-mode) process.
 */
import type { SharedTaskStore } from "./store/types.js";
import type { TaskState } from "./task.js";

export class QuietTasks {
  /** The store's watch is live (set once its subscription resolved). */
  live = false;
  private readonly quiet = new Set<string>();
  /** Tasks being created → whether an outcome was heard meanwhile. */
  private readonly creating = new Map<string, boolean>();

  has(id: string): boolean {
    return this.quiet.has(id);
  }

  /** An outcome of `id` was reported (or is being read): the next `result()` must read it. */
  heard(id: string): void {
    this.quiet.delete(id);
    if (this.creating.has(id)) this.creating.set(id, true);
  }

  /** Creates the task in `store` (which has `create`); it is quiet if it was new and nothing was heard. */
  async create(store: SharedTaskStore, state: TaskState, dueAt: number | undefined): Promise<void> {
    const live = this.live; // watching since before the write
    this.creating.set(state.id, false);
    try {
      const isNew = await store.create!(state, dueAt);
      if (isNew && live && this.creating.get(state.id) === false) this.quiet.add(state.id);
    } finally {
      this.creating.delete(state.id);
    }
  }
}
