/**
 * In-process driving of tasks (a store that is not shared): one timer per task in the shared scheduler,
 * armed only while someone waits; each look feeds `lifecycle.next` and carries out its action, storing
 * every new fact before anyone is told.
 */
import type { PayCrossClient } from "@paycross/client";
import { ask, recover } from "./ask.js";
import { type Answer, firstLookAt, next, nextLook } from "./lifecycle.js";
import { answerStatus } from "./outcome.js";
import type { PollPolicy } from "./policy.js";
import type { Scheduler } from "./scheduler.js";
import type { TaskState } from "./task.js";

export interface Task {
  state: TaskState;
  cancelNext: (() => void) | undefined;
  busy: boolean;
}

export interface DriverContext {
  client: PayCrossClient;
  policy: PollPolicy;
  scheduler: Scheduler;
  isWaited: (id: string) => boolean;
  isClosed: () => boolean;
  /** Stores the task's state (durable before it resolves) and reports it. */
  persist: (task: Task) => Promise<void>;
  /** The outcome is stored: hand it to the waiters. */
  finished: (task: Task) => Promise<void>;
  failed: (id: string, error: unknown) => void;
  emit: (id: string, event: import("./task.js").ProgressEvent) => void;
  countRequest: () => void;
  countRetry: () => void;
}

export class LocalDriver {
  constructor(private readonly c: DriverContext) {}

  /** Someone waits for the task: make sure a look is coming. */
  wake(task: Task): void {
    if (task.cancelNext || task.busy) return;
    const s = task.state;
    const p = this.c.policy;
    const first = s.attempt === 0 && s.phase === "polling" ? Math.max(0, firstLookAt(s, p) - Date.now()) : 0;
    this.schedule(task, first);
  }

  /** Nobody waits: no more looks. A request in flight is NOT aborted (it may carry a read-once result). */
  sleep(task: Task): void {
    task.cancelNext?.();
    task.cancelNext = undefined;
  }

  /** Feeds an answer through the lifecycle and carries out what it says. */
  async apply(task: Task, answer: Answer): Promise<void> {
    const { state, action } = next(task.state, answer, { policy: this.c.policy, now: Date.now() });
    task.state = state;
    if (action.type === "done") {
      this.sleep(task);
      return this.c.finished(task);
    }
    if (action.type === "recover") {
      this.c.countRequest();
      this.c.emit(state.id, { type: "request", taskId: state.id, what: "recovery", attempt: 0 });
      return this.apply(task, await recover(this.c.client, task.state));
    }
    if (action.type !== "poll") return;
    if (action.persist) await this.c.persist(task);
    if (action.retry) {
      this.c.countRetry();
      this.c.emit(state.id, {
        type: "retry",
        taskId: state.id,
        reason: action.retry,
        delayMs: action.delayMs,
      });
    }
    this.schedule(task, action.delayMs);
  }

  private schedule(task: Task, delayMs: number): void {
    const id = task.state.id;
    if (this.c.isClosed() || !this.c.isWaited(id) || task.state.phase === "done") return;
    const at = Date.now() + delayMs;
    this.c.emit(id, { type: "scheduled", taskId: id, at });
    task.cancelNext?.();
    task.cancelNext = this.c.scheduler.at(at, () => {
      task.cancelNext = undefined;
      this.c.scheduler.slot(() => this.step(task));
    });
  }

  /** One HTTP request for a task, then the decision of what comes next. */
  private async step(task: Task): Promise<void> {
    const s = task.state;
    if (task.busy || !this.c.isWaited(s.id) || s.phase === "done" || this.c.isClosed()) return;
    task.busy = true;
    try {
      const look = nextLook(s, this.c.policy);
      this.c.countRequest();
      this.c.emit(s.id, { type: "request", taskId: s.id, what: look, attempt: s.attempt });
      const answer = await ask(this.c.client, s, look);
      this.c.emit(s.id, { type: "answer", taskId: s.id, what: look, status: answerStatus(answer) });
      await this.apply(task, answer);
    } catch (e) {
      // Not the task's fault (credentials, configuration): tell the callers; the task stays resumable.
      if (!this.c.isClosed()) this.c.failed(s.id, e);
    } finally {
      task.busy = false;
    }
  }
}
