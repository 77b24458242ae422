import { mergeFacts } from "../lifecycle.js";
import type { TaskState } from "../task.js";
import { TaskIndex } from "./task-index.js";
import type { TaskStore } from "./types.js";

/** Keeps states in this process only: survives nothing, costs nothing. Values are copied in and out. */
export class MemoryStore implements TaskStore {
  private readonly states = new Map<string, string>();
  private readonly index = new TaskIndex();
  async put(state: TaskState): Promise<void> {
    const stored = this.states.get(state.id);
    const merged = mergeFacts(stored === undefined ? undefined : (JSON.parse(stored) as TaskState), state);
    this.states.set(state.id, JSON.stringify(merged));
    this.index.set(merged);
  }
  async get(id: string): Promise<TaskState | undefined> {
    return this.read(id);
  }
  async list(): Promise<TaskState[]> {
    return [...this.states.values()].map((s) => JSON.parse(s) as TaskState);
  }
  async delete(id: string): Promise<void> {
    this.states.delete(id);
    this.index.remove(id);
  }
  async findByTrackingId(trackingId: string): Promise<TaskState[]> {
    return this.index.find("tracking_id", trackingId, (id) => this.read(id));
  }
  async findByUid(uid: string): Promise<TaskState[]> {
    return this.index.find("uid", uid, (id) => this.read(id));
  }
  private read(id: string): TaskState | undefined {
    const s = this.states.get(id);
    return s === undefined ? undefined : (JSON.parse(s) as TaskState);
  }
}
