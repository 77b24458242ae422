/**
 * Worker mode on a shared store: claim due tasks under a lease, ask the gateway once per claimed task,
 * write the new state and its next poll time under the lease (a fenced write still keeps the facts),
 * renew the lease while a request is in flight. No local timers per task: the store holds the schedule,
 * so a task whose worker died is taken over by another once its lease expires.
 */
import type { PayCrossClient } from "@paycross/client";
import { ask, recover } from "./ask.js";
import { backoff, type ErrorReporter } from "./background.js";
import { firstLookAt, next, nextLook, type Step } from "./lifecycle.js";
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
  /** Failures no caller awaits (the poller's `onError`). */
  report: ErrorReporter;
}

export class Worker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight = 0;
  private claimFailures = 0;
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
        this.claimFailures = 0;
      } catch (e) {
        // The store is unreachable for now: reported, and tried again later and later (at most 5 s).
        this.o.report("claim_failed", `worker ${this.o.owner} could not claim due tasks`, e);
        this.arm(backoff(this.o.claimIntervalMs, this.claimFailures++));
        return;
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
    const renewFailed = (e: unknown) =>
      this.o.report("renew_failed", `task ${lease.id}: the lease could not be renewed`, e);
    const renew = setInterval(() => void store.renew(lease, leaseMs).catch(renewFailed), leaseMs / 3);
    renew.unref();
    const state = normalizeState(raw);
    try {
      // A store makes a new task due at once; one expecting a notification waits for it first.
      // (The submitting poller stores it due then already; this covers a put without that time.)
      const firstAt = firstLookAt(state, policy);
      if (state.notified && state.phase === "polling" && state.attempt === 0 && Date.now() < firstAt) {
        await this.retrying(lease.id, () => store.update(lease, state, firstAt));
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
      // It may hold a read-once result: retried for longer than a lease before giving up.
      const written = await this.retrying(lease.id, () => store.update(lease, step.state, at), 12);
      if (written === "deferred") return; // `unknown` must wait for an earlier holder's fact: looked at later
      this.o.emit(state.id, { type: "stored", taskId: state.id, phase: step.state.phase });
      if (a.type === "done") this.o.finished(state.id);
    } catch (e) {
      // Not the task's fault: keep it, look again later, tell whoever waits here.
      await store.update(lease, state, Date.now() + policy.maxRetryAfterMs).catch((w) => {
        this.o.report("store_write_failed", `task ${state.id}: could not be rescheduled`, w);
      });
      this.o.failed(state.id, e);
    } finally {
      clearInterval(renew);
    }
  }

  /** Retries a store write with bounded backoff (0.1 s doubling to 5 s), reporting each failure. */
  private async retrying<T>(id: string, fn: () => Promise<T>, attempts = 5): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (e) {
        if (i + 1 >= attempts) throw e;
        this.o.report("store_write_failed", `task ${id}: write ${i + 1} of ${attempts} failed, retrying`, e);
        await new Promise((r) => setTimeout(r, backoff(100, i)));
      }
    }
  }
}
