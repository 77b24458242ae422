/**
 * Callers awaiting `task.result()`: their deadlines, their abort signals (one listener per signal however
 * many tasks share it), their progress callbacks. A waiter leaving never touches the task: it stays
 * resumable, and a request already in flight is not aborted (it may carry a read-once result).
 */
import type { Scheduler } from "./scheduler.js";
import type { Outcome, ProgressEvent, TaskState } from "./task.js";

export interface WaitOptions {
  signal?: AbortSignal | undefined;
  /** Absolute time (epoch ms or Date) after which this wait resolves `timed_out`. */
  deadline?: number | Date | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

interface Waiter {
  id: string;
  resolve: (o: Outcome) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onProgress: ((e: ProgressEvent) => void) | undefined;
  cancelDeadline: (() => void) | undefined;
}

export class Waiters {
  private readonly byTask = new Map<string, Set<Waiter>>();
  private readonly bySignal = new Map<AbortSignal, { waiters: Set<Waiter>; listener: () => void }>();
  private total = 0;

  constructor(
    private readonly scheduler: Scheduler,
    /** The current state of a task (for `timed_out`/`aborted` outcomes). */
    private readonly stateOf: (id: string) => TaskState,
    /** Called when a task gains its first waiter or loses its last. */
    private readonly onChange: (id: string, waited: boolean) => void,
    private readonly count: (kind: Outcome["kind"]) => void,
    /** A caller's `onProgress` threw: reported, never thrown into the poller. */
    private readonly observerFailed: (error: unknown) => void = () => undefined,
  ) {}

  has(id: string): boolean {
    return (this.byTask.get(id)?.size ?? 0) > 0;
  }

  get size(): number {
    return this.total;
  }

  wait(id: string, opts: WaitOptions): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      if (opts.signal?.aborted) {
        this.count("aborted");
        resolve({ kind: "aborted", state: this.stateOf(id) });
        return;
      }
      const w: Waiter = {
        id,
        resolve,
        reject,
        signal: opts.signal,
        onProgress: opts.onProgress,
        cancelDeadline: undefined,
      };
      const set = this.byTask.get(id) ?? new Set<Waiter>();
      this.byTask.set(id, set);
      set.add(w);
      this.total++;
      this.scheduler.setKeepAlive(true);
      const deadline = opts.deadline instanceof Date ? opts.deadline.getTime() : opts.deadline;
      if (deadline !== undefined && Number.isFinite(deadline))
        w.cancelDeadline = this.scheduler.at(deadline, () => this.release(w, "timed_out"));
      if (opts.signal) this.listen(opts.signal, w);
      if (set.size === 1) this.onChange(id, true);
    });
  }

  /** Progress for everyone waiting on `id`. A throwing callback never breaks the poller. */
  emit(id: string, event: ProgressEvent): void {
    for (const w of this.byTask.get(id) ?? []) {
      try {
        w.onProgress?.(event);
      } catch (e) {
        // The caller's callback failed; the task goes on.
        this.observerFailed(e);
      }
    }
  }

  /** Hands `outcome` to everyone waiting on `id`. */
  settle(id: string, outcome: Outcome): void {
    for (const w of [...(this.byTask.get(id) ?? [])]) {
      this.detach(w);
      this.count(outcome.kind);
      w.resolve(outcome);
    }
  }

  /** Rejects everyone waiting on `id` (an error that is not the task's: credentials, configuration). */
  fail(id: string, error: unknown): void {
    for (const w of [...(this.byTask.get(id) ?? [])]) {
      this.detach(w);
      w.reject(error);
    }
  }

  /** Ends every wait with `aborted` (the poller closes). */
  abortAll(): void {
    for (const set of [...this.byTask.values()]) for (const w of [...set]) this.release(w, "aborted");
  }

  private listen(signal: AbortSignal, w: Waiter): void {
    let group = this.bySignal.get(signal);
    if (!group) {
      const g = {
        waiters: new Set<Waiter>(),
        listener: () => {
          for (const waiter of [...g.waiters]) this.release(waiter, "aborted");
        },
      };
      group = g;
      this.bySignal.set(signal, g);
      signal.addEventListener("abort", g.listener, { once: true });
    }
    group.waiters.add(w);
  }

  /** Ends one caller's wait without touching the task. */
  private release(w: Waiter, kind: "timed_out" | "aborted"): void {
    if (!this.byTask.get(w.id)?.has(w)) return;
    this.detach(w);
    this.count(kind);
    w.resolve({ kind, state: this.stateOf(w.id) });
  }

  private detach(w: Waiter): void {
    const set = this.byTask.get(w.id);
    if (!set?.delete(w)) return;
    this.total--;
    w.cancelDeadline?.();
    if (w.signal) {
      const group = this.bySignal.get(w.signal);
      if (group) {
        group.waiters.delete(w);
        if (group.waiters.size === 0) {
          w.signal.removeEventListener("abort", group.listener);
          this.bySignal.delete(w.signal);
        }
      }
    }
    if (set.size === 0) {
      this.byTask.delete(w.id);
      this.onChange(w.id, false);
    }
    this.scheduler.setKeepAlive(this.total > 0);
  }
}
