import type { TaskState } from "../task.js";
import { StateTable } from "./state-table.js";
import type { TaskStore } from "./types.js";

/** Keeps states in this process only: survives nothing, costs nothing. Values are copied in and out. */
export class MemoryStore implements TaskStore {
  private readonly table = new StateTable();

  async put(state: TaskState): Promise<void> {
    this.table.merge(state);
  }
  async delete(id: string): Promise<void> {
    this.table.delete(id);
  }

  async get(id: string): Promise<TaskState | undefined> {
    return this.table.get(id);
  }

  async list(): Promise<TaskState[]> {
    return this.table.list();
  }

  async findByTrackingId(trackingId: string): Promise<TaskState[]> {
    return this.table.findByTrackingId(trackingId);
  }

  async findByUid(uid: string): Promise<TaskState[]> {
    return this.table.findByUid(uid);
  }
}
