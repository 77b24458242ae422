/**
 * Worker mode on a shared store: claim due tasks under a lease, ask the gateway once per claimed task,
 * write the new state and its next poll time under the lease (a fenced write still keeps the facts),
 * renew the lease while a request is in flight. No local timers per task: the store holds the schedule,
 * so a task whose worker died is taken over by another once its lease expires.
 */
import type { PayCrossClient } from "@paycross/client";
import { ask, recover } from "./ask.js";
import { next, nextLook, type Step } from "./lifecycle.js";
import type { PollPolicy } from "./policy.js";
import type { ClaimedTask, SharedTaskStore } from "./store/types.js";
import { normalizeState, type ProgressEvent } from "./task.js";

export interface WorkerOptions {
  client: PayCrossClient;
  store: SharedTaskStore;
  policy: PollPolicy;
  owner: string;
  concurrency: number;
  leaseMs: number;
  claimIntervalMs: number;
  /** Whether the claim timer holds the process open now. */
  keepAlive: () => boolean;
  emit: (id: string, event: ProgressEvent) => void;
  countRequest: () => void;
  countRetry: () => void;
  /** A task's outcome is stored: tell local waiters. */
  finished: (id: string) => void;
  /** An error that is not the task's (credentials, configuration). */
  failed: (id: string, error: unknown) => void;
}

export class Worker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight = 0;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly o: WorkerOptions) {}

  start(): void {
    this.arm(0);
  }

  /** Stops claiming; resolves once the requests in flight have written their answers. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.idle;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    if (!this.o.keepAlive()) this.timer.unref();
  }

  private async tick(): Promise<void> {
    const room = this.o.concurrency - this.inflight;
    let claimed: ClaimedTask[] = [];
    if (room > 0) {
      try {
        claimed = await this.o.store.claim(this.o.owner, room, this.o.leaseMs);
      } catch {
        // The store is unreachable for now: the next tick tries again.
      }
    }
    for (const c of claimed) {
      this.inflight++;
      const done = this.work(c).finally(() => {
        this.inflight--;
      });
      this.idle = Promise.all([this.idle, done]).then(() => undefined);
    }
    // A full claim means more are due: claim again at once.
    this.arm(claimed.length > 0 && claimed.length === room ? 0 : this.o.claimIntervalMs);
  }

  private async work({ state: raw, lease }: ClaimedTask): Promise<void> {
    const { store, policy, leaseMs } = this.o;
    const renew = setInterval(() => void store.renew(lease, leaseMs).catch(() => false), leaseMs / 3);
    renew.unref();
    const state = normalizeState(raw);
    try {
      // A store makes a new task due at once; one expecting a notification waits for it first.
      const firstAt = state.submittedAt + Math.max(policy.initialDelayMs, policy.notifiedPollDelayMs);
      if (state.notified && state.phase === "polling" && state.attempt === 0 && Date.now() < firstAt) {
        await retrying(() => store.update(lease, state, firstAt));
        return;
      }
      const look = nextLook(state, policy);
      this.o.countRequest();
      this.o.emit(state.id, { type: "request", taskId: state.id, what: look, attempt: state.attempt });
      let step: Step = next(state, await ask(this.o.client, state, look), { policy, now: Date.now() });
      if (step.action.type === "recover") {
        this.o.countRequest();
        const answer = await recover(this.o.client, step.state);
        step = next(step.state, answer, { policy, now: Date.now() });
      }
      const a = step.action;
      if (a.type === "poll" && a.retry) {
        this.o.countRetry();
        this.o.emit(state.id, { type: "retry", taskId: state.id, reason: a.retry, delayMs: a.delayMs });
      }
      const at = a.type === "done" ? null : Date.now() + (a.type === "poll" ? a.delayMs : policy.minDelayMs);
      const written = await retrying(() => store.update(lease, step.state, at)); // it may hold a read-once result
      if (written === "deferred") return; // `unknown` must wait for an earlier holder's fact: looked at later
      this.o.emit(state.id, { type: "stored", taskId: state.id, phase: step.state.phase });
      if (a.type === "done") this.o.finished(state.id);
    } catch (e) {
      // Not the task's fault: keep it, look again later, tell whoever waits here.
      await store.update(lease, state, Date.now() + policy.maxRetryAfterMs).catch(() => undefined);
      this.o.failed(state.id, e);
    } finally {
      clearInterval(renew);
    }
  }
}

async function retrying<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}
