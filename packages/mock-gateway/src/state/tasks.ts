/**
 * Asynchronous tasks and the seed's rules:
 * - a task is `processing` until its processing delay has passed, then `completed`;
 * - a 200 result is kept 24 hours after the task was CREATED, then the task is `unknown` (404);
 * - a non-200 result is returned ONCE by the result URL; after that both URLs answer `unknown` (404);
 * - an id the gateway never issued is `unknown`.
 */
import type { Clock } from "../clock.js";
import { uuid } from "./uuid.js";

export const RESULT_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface TaskResult {
  status: number;
  body: unknown;
}

interface Task {
  id: string;
  createdAt: number;
  result: TaskResult | undefined;
  /** A non-200 result was handed out; the task is gone for every later request. */
  consumed: boolean;
}

export type TaskView =
  | { state: "unknown" }
  | { state: "processing" }
  | { state: "completed"; result: TaskResult };

export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.tasks.size;
  }

  create(): string {
    const id = uuid();
    this.tasks.set(id, { id, createdAt: this.clock.now(), result: undefined, consumed: false });
    return id;
  }

  complete(id: string, result: TaskResult): void {
    const task = this.tasks.get(id);
    if (task && !task.result) task.result = result;
  }

  /** What the status URL sees. Reading the status never consumes a result. */
  status(id: string): TaskView {
    const task = this.live(id);
    if (!task) return { state: "unknown" };
    return task.result ? { state: "completed", result: task.result } : { state: "processing" };
  }

  /** What the result URL sees; a non-200 result is consumed by this read. */
  readResult(id: string): TaskView {
    const task = this.live(id);
    if (!task) return { state: "unknown" };
    if (!task.result) return { state: "processing" };
    if (task.result.status !== 200) {
      task.consumed = true;
      this.tasks.delete(id);
    }
    return { state: "completed", result: task.result };
  }

  /** Forgets every task older than the retention period (memory stays bounded under load). */
  sweep(): void {
    const cutoff = this.clock.now() - RESULT_RETENTION_MS;
    for (const [id, task] of this.tasks) {
      if (task.createdAt <= cutoff) this.tasks.delete(id);
    }
  }

  clear(): void {
    this.tasks.clear();
  }

  private live(id: string): Task | undefined {
    const task = this.tasks.get(id);
    if (!task || task.consumed) return undefined;
    if (this.clock.now() - task.createdAt >= RESULT_RETENTION_MS) {
      this.tasks.delete(id);
      return undefined;
    }
    return task;
  }
}
