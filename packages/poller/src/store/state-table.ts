/**
 * What the in-process stores (MemoryStore, SharedMemoryStore, FileStore) share: states kept as JSON text,
 * so that every read is a fresh copy and no caller can change a stored state, indexed by tracking_id and
 * uid. Each store holds one privately (composition, not a base class: it stays out of their public types).
 */
import { mergeFacts } from "../lifecycle.js";
import type { TaskState } from "../task.js";
import { TaskIndex } from "./task-index.js";

const parse = (json: string) => JSON.parse(json) as TaskState;

export class StateTable {
  private readonly json = new Map<string, string>();
  private readonly index = new TaskIndex();

  get size(): number {
    return this.json.size;
  }

  /** Merges `state` into the stored one (mergeFacts: first outcome wins), stores and returns the result. */
  merge(state: TaskState): TaskState {
    const merged = mergeFacts(this.get(state.id), state);
    this.set(merged);
    return merged;
  }

  /** Stores `state` as it is (the caller merged it). */
  set(state: TaskState): void {
    this.json.set(state.id, JSON.stringify(state));
    this.index.set(state);
  }

  /** A copy of the stored state. */
  get(id: string): TaskState | undefined {
    const s = this.json.get(id);
    return s === undefined ? undefined : parse(s);
  }

  /** The stored JSON text (to compare or to write out without a copy). */
  text(id: string): string | undefined {
    return this.json.get(id);
  }

  texts(): IterableIterator<string> {
    return this.json.values();
  }

  list(): TaskState[] {
    return [...this.json.values()].map(parse);
  }

  delete(id: string): void {
    this.json.delete(id);
    this.index.remove(id);
  }

  findByTrackingId(trackingId: string): TaskState[] {
    return this.index.find("tracking_id", trackingId, (id) => this.get(id));
  }

  findByUid(uid: string): TaskState[] {
    return this.index.find("uid", uid, (id) => this.get(id));
  }
}
