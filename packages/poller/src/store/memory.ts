import type { TaskState } from "../task.js";
import { TableStore } from "./state-table.js";
import type { TaskStore } from "./types.js";

/** Keeps states in this process only: survives nothing, costs nothing. Values are copied in and out. */
export class MemoryStore extends TableStore implements TaskStore {
  async put(state: TaskState): Promise<void> {
    this.table.merge(state);
  }
  async delete(id: string): Promise<void> {
    this.table.delete(id);
  }
}
