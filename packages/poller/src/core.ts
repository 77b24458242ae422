/**
 * The poller's wiring: `lifecycle.ts` decides (pure), `ask.ts` asks (HTTP), `local.ts` (own store) or
 * `worker.ts` (shared store) carry out the decisions, `waiters.ts` holds the callers, and the store keeps
 * every fact BEFORE anyone is told about it.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type AsyncCallOptions, type PayCrossClient, payCrossError } from "@paycross/client";
import { backoff, type ErrorReporter, reporter } from "./background.js";
import { Corrections } from "./corrections.js";
import { firstLookAt, mergeFacts } from "./lifecycle.js";
import { LocalDriver, type Task } from "./local.js";
import { NotificationChecker } from "./notifications.js";
import { toOutcome } from "./outcome.js";
import { type PollPolicy, resolvePolicy } from "./policy.js";
import type {
  NotificationResult,
  Poller,
  PollerOptions,
  PollerStats,
  ResultOptions,
  SubmitRequests,
  TaskHandle,
} from "./poller.js";
import { QuietTasks } from "./quiet.js";
import { type ResolveContext, resolveByNotification } from "./resolve.js";
import { Scheduler } from "./scheduler.js";
import { MemoryStore } from "./store/memory.js";
import { isSharedStore, type SharedTaskStore, type TaskStore } from "./store/types.js";
import { submitTask } from "./submit.js";
import {
  type AsyncOperation,
  assertTaskState,
  normalizeState,
  type Outcome,
  type ProgressEvent,
  type TaskState,
} from "./task.js";
import { Telemetry } from "./telemetry.js";
import { Waiters } from "./waiters.js";
import { Worker } from "./worker.js";

const copy = (s: TaskState): TaskState => JSON.parse(JSON.stringify(s)) as TaskState;

export class PollerCore implements Poller {
  readonly stats: PollerStats = {
    requests: 0,
    retries: 0,
    outcomes: { completed: 0, failed: 0, unknown: 0, timed_out: 0, aborted: 0 },
    timeToResultMs: { count: 0, mean: 0, max: 0 },
  };
  private readonly client: PayCrossClient;
  private readonly store: TaskStore;
  private readonly shared: SharedTaskStore | undefined;
  private readonly policy: PollPolicy;
  private readonly scheduler: Scheduler;
  private readonly notifications: NotificationChecker;
  private readonly tasks = new Map<string, Task>();
  private readonly telemetry: Telemetry | undefined;
  private readonly waiters: Waiters;
  private readonly corrections: Corrections;
  private readonly driver: LocalDriver;
  private readonly worker: Worker | undefined;
  private readonly unwatch: Promise<() => void> | undefined;
  /** Settles once the store's watch is live (or failed: reported as `watch_failed`). */
  private readonly watching: Promise<unknown>;
  private readonly quiet = new QuietTasks();
  private closed = false;
  private readonly report: ErrorReporter;

  constructor(private readonly options: PollerOptions) {
    const { client } = options;
    if (!client || typeof client.async?.status !== "function")
      throw payCrossError("config", "createPoller needs a client from @paycross/client");
    this.client = client;
    this.report = reporter(options.onError);
    this.store = options.store ?? new MemoryStore();
    this.shared = isSharedStore(this.store) ? this.store : undefined;
    this.policy = resolvePolicy(options.policy);
    this.scheduler = new Scheduler(options.concurrency ?? 16);
    this.notifications = new NotificationChecker(client, options.webhook);
    this.telemetry = options.telemetry === false ? undefined : new Telemetry(options.telemetry);
    this.waiters = new Waiters(
      this.scheduler,
      (id) => copy(this.tasks.get(id)!.state),
      (id, waited) => this.onWaitersChanged(id, waited),
      (kind) => this.stats.outcomes[kind]++,
      (e) => this.report("observer_failed", "a result() onProgress callback threw", e),
    );
    this.corrections = new Corrections(options.onCorrected, (e) =>
      this.report("observer_failed", "the poller's onCorrected callback threw", e),
    );
    this.driver = this.localDriver();
    this.worker = this.shared && options.mode !== "client" ? this.sharedWorker(this.shared) : undefined;
    this.worker?.start();
    this.unwatch = this.shared?.watch((id) => {
      this.quiet.heard(id);
      if (this.waiters.has(id) || this.corrections.watching(id)) this.refreshQuietly(id);
    });
    this.watching = (this.unwatch ?? Promise.resolve()).then(
      () => {
        this.quiet.live = true;
      },
      (e) => this.report("watch_failed", "the store's watch could not start (outcomes go unheard)", e),
    );
    // Methods keep working when taken off the object (`const { run } = poller`).
    for (const m of ["submit", "run", "resume", "restore", "handleNotification", "forget", "close"] as const)
      (this as Record<string, unknown>)[m] = (this[m] as (...a: unknown[]) => unknown).bind(this);
  }

  async submit<Op extends AsyncOperation>(
    operation: Op,
    request: SubmitRequests[Op],
    opts: AsyncCallOptions = {},
  ): Promise<TaskHandle> {
    const task = this.register(
      await submitTask(this.client, operation, request, opts, this.options.webhook !== undefined),
    );
    // Shared store: a task expecting a notification is first due when the notification should have come.
    const s = task.state;
    await this.persist(task, this.shared && s.notified ? firstLookAt(s, this.policy) : undefined, true);
    return this.handle(task);
  }

  async run<Op extends AsyncOperation>(
    operation: Op,
    request: SubmitRequests[Op],
    opts: ResultOptions & { idempotencyKey?: string | undefined } = {},
  ): Promise<Outcome> {
    const { idempotencyKey, ...wait } = opts;
    const t = await this.submit(operation, request, idempotencyKey ? { idempotencyKey } : {});
    return t.result(wait);
  }

  async resume(raw: unknown): Promise<TaskHandle> {
    const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
    assertTaskState(parsed);
    const state = normalizeState(parsed);
    // The URLs must pass the client's origin check now, not at the first poll.
    this.client.async.statusUrl(state.statusUrl);
    this.client.async.resultUrl(state.responseUrl);
    const before = this.tasks.get(state.id)?.state;
    const task = this.register(state);
    // Already driven here: the passed state may carry a stronger fact than memory (facts never go back).
    if (before) task.state = mergeFacts(before, state);
    await this.persist(task);
    task.state = normalizeState((await this.store.get(state.id)) ?? task.state);
    if (before) this.strengthened(task, before);
    return this.handle(task);
  }

  async restore(): Promise<TaskHandle[]> {
    const states = await this.store.list();
    for (const s of states) assertTaskState(s);
    return states.map((s) => this.handle(this.register(normalizeState(s))));
  }

  async handleNotification(input: Parameters<Poller["handleNotification"]>[0]): Promise<NotificationResult> {
    const checked = await this.notifications.check(input);
    if (checked.duplicate) return { ...checked, resolved: [], corrected: [] };
    if (checked.verifiedBy === "status_query") this.stats.requests++; // the confirming status query
    const answer = { look: "notification", type: "confirmed", transaction: checked.transaction } as const;
    return { ...checked, ...(await resolveByNotification(this.resolveContext(), answer)) };
  }

  async forget(id: string): Promise<void> {
    const task = this.tasks.get(id);
    if (task && task.state.phase !== "done")
      throw payCrossError("usage", `task ${id} is not finished; only finished tasks can be forgotten`);
    this.tasks.delete(id);
    this.quiet.heard(id);
    this.corrections.forget(id);
    await this.store.delete(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiters.abortAll();
    this.telemetry?.close();
    this.scheduler.close();
    await this.worker?.stop();
    (await this.unwatch)?.();
    await this.store.close?.();
  }

  private emit(id: string, event: ProgressEvent): void {
    if (event.type === "request") this.telemetry?.polled(id, event.what);
    try {
      this.options.onProgress?.(event);
    } catch (e) {
      // An observer's failure must not change a task's fate; it is reported, not thrown.
      this.report("observer_failed", "the poller's onProgress callback threw", e);
    }
    this.waiters.emit(id, event);
  }

  /** Stores the task's state; `created`: a new task (submit), which a shared store may create. */
  private async persist(task: Task, dueAt?: number, created = false): Promise<void> {
    if (created && this.shared?.create) await this.quiet.create(this.shared, task.state, dueAt);
    else await this.store.put(task.state, dueAt);
    this.emit(task.state.id, { type: "stored", taskId: task.state.id, phase: task.state.phase });
  }

  /** The outcome is stored (by this process or any other): tell the waiters here. */
  private settled(task: Task): void {
    const took = Date.now() - task.state.submittedAt;
    const t = this.stats.timeToResultMs;
    t.count++;
    t.mean += (took - t.mean) / t.count;
    t.max = Math.max(t.max, took);
    this.telemetry?.finished(task.state);
    const outcome = toOutcome(task.state);
    if (this.waiters.has(task.state.id)) this.corrections.tell(task.state.id, outcome);
    this.waiters.settle(task.state.id, outcome);
  }

  /** `resume` merged a state into a task driven here: an outcome it brought goes to whom it concerns. */
  private strengthened(task: Task, before: TaskState): void {
    if (task.state.phase !== "done") return;
    // Done before: only a result replacing `unknown` can have come (mergeFacts).
    if (before.phase === "done") this.corrections.check(task.state.id, task.state);
    else {
      this.driver.sleep(task);
      if (this.waiters.has(task.state.id)) this.settled(task);
    }
  }

  private onWaitersChanged(id: string, waited: boolean): void {
    const task = this.tasks.get(id);
    if (!task || this.shared) return; // on a shared store the store holds the schedule
    if (waited) this.driver.wake(task);
    else this.driver.sleep(task);
  }

  private localDriver(): LocalDriver {
    return new LocalDriver({
      client: this.client,
      policy: this.policy,
      scheduler: this.scheduler,
      isWaited: (id) => this.waiters.has(id),
      isClosed: () => this.closed,
      persist: (task) => this.persist(task),
      finished: async (task) => {
        // The store may hold a stronger fact (another writer): it answers with what it keeps.
        await this.persist(task);
        task.state = (await this.store.get(task.state.id)) ?? task.state;
        this.settled(task);
      },
      failed: (id, e) => this.waiters.fail(id, e),
      emit: (id, e) => this.emit(id, e),
      countRequest: () => this.stats.requests++,
      countRetry: () => this.stats.retries++,
    });
  }

  private sharedWorker(store: SharedTaskStore): Worker {
    const mode = this.options.mode ?? "both";
    return new Worker({
      client: this.client,
      store,
      policy: this.policy,
      owner: `${hostname()}:${process.pid}:${randomUUID()}`,
      concurrency: this.options.concurrency ?? 16,
      leaseMs: this.options.leaseMs ?? 30_000,
      claimIntervalMs: this.options.claimIntervalMs ?? 200,
      keepAlive: () => mode === "worker" || this.waiters.size > 0,
      emit: (id, e) => this.emit(id, e),
      countRequest: () => this.stats.requests++,
      countRetry: () => this.stats.retries++,
      finished: (id) => {
        if (this.tasks.has(id)) this.refreshQuietly(id);
      },
      failed: (id, e) => this.waiters.fail(id, e),
      report: this.report,
    });
  }

  /** Shared store: re-read the task; a stored outcome goes to the waiters here, a corrected `unknown` to onCorrected. */
  private async refresh(id: string): Promise<void> {
    this.quiet.heard(id);
    const stored = await this.store.get(id);
    const task = this.tasks.get(id);
    if (!stored || !task) return;
    task.state = normalizeState(stored);
    this.corrections.check(id, task.state);
    if (stored.phase === "done" && this.waiters.has(id)) this.settled(task);
  }

  /** A re-read nobody awaits (a notification, a worker's outcome): retried with backoff, then reported. */
  private refreshQuietly(id: string, failures = 0): void {
    this.refresh(id).catch((e) => {
      if (this.closed || !(this.waiters.has(id) || this.corrections.watching(id))) return; // nobody to tell
      if (failures >= 4) {
        this.report("refresh_failed", `task ${id}: its stored state could not be read back`, e);
        return;
      }
      setTimeout(() => this.refreshQuietly(id, failures + 1), backoff(100, failures)).unref();
    });
  }

  private resolveContext(): ResolveContext {
    const { store, shared, policy, tasks, driver, corrections } = this;
    const persist = (task: Task) => this.persist(task);
    return { store, shared, policy, tasks, driver, corrections, persist, refresh: (id) => this.refresh(id) };
  }

  private register(state: TaskState): Task {
    const existing = this.tasks.get(state.id);
    if (existing) return existing;
    const task: Task = { state, cancelNext: undefined, busy: false };
    this.tasks.set(state.id, task);
    this.telemetry?.started(state);
    return task;
  }

  private handle(task: Task): TaskHandle {
    const core = this;
    return {
      id: task.state.id,
      get state() {
        return copy(task.state);
      },
      result(opts: ResultOptions = {}) {
        if (task.state.phase === "done") {
          const o = toOutcome(task.state);
          core.stats.outcomes[o.kind]++;
          core.corrections.tell(task.state.id, o);
          return Promise.resolve(o);
        }
        const waiting = core.waiters.wait(task.state.id, opts);
        // Registered and watching first, then read: an outcome stored in between is not missed (a
        // database's LISTEN may still be connecting when the first result() of a new poller comes).
        // A task created here while watching needs no read: its outcome, when stored, is reported.
        if (core.shared && !core.quiet.has(task.state.id))
          void core.watching.then(() => core.refreshQuietly(task.state.id));
        return waiting;
      },
    };
  }
}
