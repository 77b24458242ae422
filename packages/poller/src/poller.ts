/**
 * The async lifecycle: submit, poll, read the result, follow up `incomplete` transactions, and hand the
 * caller one outcome. This file wires the parts: `lifecycle.ts` decides (pure), `ask.ts` asks (HTTP),
 * `waiters.ts` holds the callers, `scheduler.ts` times the looks, the store keeps every fact BEFORE anyone
 * is told about it.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { AsyncCallOptions, NotificationInput, PayCrossClient } from "@paycross/client";
import { type Answer, next } from "./lifecycle.js";
import { LocalDriver, type Task } from "./local.js";
import { type CheckedNotification, NotificationChecker, type NotificationOptions } from "./notifications.js";
import { toOutcome } from "./outcome.js";
import { type PollPolicy, resolvePolicy } from "./policy.js";
import { Scheduler } from "./scheduler.js";
import { MemoryStore } from "./store/memory.js";
import { isSharedStore, type TaskStore } from "./store/types.js";
import { type SubmitRequests, submitTask } from "./submit.js";
import {
  type AsyncOperation,
  assertTaskState,
  normalizeState,
  type Outcome,
  type ProgressEvent,
  type TaskState,
} from "./task.js";
import { Telemetry, type TelemetryOptions } from "./telemetry.js";
import { Waiters, type WaitOptions } from "./waiters.js";
import { Worker } from "./worker.js";

export type { SubmitRequests } from "./submit.js";

export interface PollerOptions {
  client: PayCrossClient;
  /** Where task states live. Default: in memory. Use `FileStore` to survive a crash. */
  store?: TaskStore;
  policy?: Partial<PollPolicy>;
  /** HTTP requests in flight at once, over all tasks. Default 16. */
  concurrency?: number;
  /** How `handleNotification` authenticates webhooks, and how long it remembers them to drop replays. */
  webhook?: NotificationOptions;
  /** Called for every event of every task (observability). Never receives secrets. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * With a shared store (`SharedTaskStore`): `"both"` (default) submits, waits and works; `"worker"`
   * only works (claims and polls due tasks, no local waiters needed); `"client"` only submits and waits
   * (some worker elsewhere polls). Ignored with a store that is not shared.
   */
  mode?: "both" | "worker" | "client";
  /** Shared store: how long a claimed task stays leased (renewed while its request is in flight). Default 30 s. */
  leaseMs?: number;
  /** Shared store: how often a worker looks for due tasks. Default 200 ms. */
  claimIntervalMs?: number;
  /**
   * OpenTelemetry spans and metrics. Default: the global tracer and meter when `@opentelemetry/api` is
   * installed (nothing at all when it is not); your own `{ tracer, meter }`; or `false`.
   */
  telemetry?: TelemetryOptions | false;
}

export interface ResultOptions extends WaitOptions {}

export interface TaskHandle {
  readonly id: string;
  /** A copy of the current state: JSON-serializable, resumable with `poller.resume(state)`. */
  readonly state: TaskState;
  result(options?: ResultOptions): Promise<Outcome>;
}

export interface PollerStats {
  /** HTTP requests sent for polling, follow-ups and recovery (not the submits). */
  requests: number;
  retries: number;
  /** Outcomes handed to callers, by kind. */
  outcomes: Record<Outcome["kind"], number>;
  /** Time from submit to a final outcome stored, over the tasks this poller finished. */
  timeToResultMs: { count: number; mean: number; max: number };
}

export interface NotificationResult extends CheckedNotification {
  /** The tasks this notification finished. */
  resolved: string[];
}

export interface Poller {
  submit<Op extends AsyncOperation>(
    operation: Op,
    request: SubmitRequests[Op],
    options?: AsyncCallOptions,
  ): Promise<TaskHandle>;
  run<Op extends AsyncOperation>(
    operation: Op,
    request: SubmitRequests[Op],
    options?: ResultOptions & { idempotencyKey?: string | undefined },
  ): Promise<Outcome>;
  /** Takes over a task from its state (e.g. written by another process). */
  resume(state: unknown): Promise<TaskHandle>;
  /** Resumes every task in the store; finished ones answer their stored outcome at once. */
  restore(): Promise<TaskHandle[]>;
  /**
   * Authenticates a transaction notification and ends the follow-up of the matching tasks. Without a
   * public key the transaction is confirmed with the gateway first (see `NotificationChecker`).
   */
  handleNotification(input: NotificationInput): Promise<NotificationResult>;
  /** Removes a finished task from the store once the caller has acted on it. */
  forget(id: string): Promise<void>;
  readonly stats: PollerStats;
  close(): Promise<void>;
}

export function createPoller(options: PollerOptions): Poller {
  const { client } = options;
  if (!client || typeof client.async?.status !== "function")
    throw new TypeError("createPoller needs a client from @paycross/client");
  const store: TaskStore = options.store ?? new MemoryStore();
  const shared = isSharedStore(store) ? store : undefined;
  const mode = options.mode ?? "both";
  const policy = resolvePolicy(options.policy);
  const concurrency = options.concurrency ?? 16;
  const scheduler = new Scheduler(concurrency);
  const notifications = new NotificationChecker(client, options.webhook);
  const tasks = new Map<string, Task>();
  const stats: PollerStats = {
    requests: 0,
    retries: 0,
    outcomes: { completed: 0, failed: 0, unknown: 0, timed_out: 0, aborted: 0 },
    timeToResultMs: { count: 0, mean: 0, max: 0 },
  };
  let closed = false;
  const copy = (s: TaskState): TaskState => JSON.parse(JSON.stringify(s)) as TaskState;
  const telemetry = options.telemetry === false ? undefined : new Telemetry(options.telemetry);

  const emit = (id: string, event: ProgressEvent) => {
    if (event.type === "request") telemetry?.polled(id, event.what);
    try {
      options.onProgress?.(event);
    } catch {
      // An observer's failure must not change a task's fate.
    }
    waiters.emit(id, event);
  };
  const persist = async (task: Task) => {
    await store.put(task.state);
    emit(task.state.id, { type: "stored", taskId: task.state.id, phase: task.state.phase });
  };
  const recordTime = (s: TaskState) => {
    const took = Date.now() - s.submittedAt;
    const t = stats.timeToResultMs;
    t.count++;
    t.mean += (took - t.mean) / t.count;
    t.max = Math.max(t.max, took);
  };

  const driver = new LocalDriver({
    client,
    policy,
    scheduler,
    isWaited: (id) => waiters.has(id),
    isClosed: () => closed,
    persist,
    async finished(task) {
      // The store may hold a stronger fact (another writer): it answers with what it keeps.
      await persist(task);
      task.state = (await store.get(task.state.id)) ?? task.state;
      recordTime(task.state);
      telemetry?.finished(task.state);
      waiters.settle(task.state.id, toOutcome(task.state));
    },
    failed: (id, e) => waiters.fail(id, e),
    emit,
    countRequest: () => stats.requests++,
    countRetry: () => stats.retries++,
  });

  const waiters: Waiters = new Waiters(
    scheduler,
    (id) => copy(tasks.get(id)!.state),
    (id, waited) => {
      const task = tasks.get(id);
      if (!task || shared) return; // on a shared store the store holds the schedule
      if (waited) driver.wake(task);
      else driver.sleep(task);
    },
    (kind) => stats.outcomes[kind]++,
  );

  /** Shared store: read the task back; if any process stored its outcome, hand it to the waiters here. */
  const refresh = async (id: string) => {
    const stored = await store.get(id);
    const task = tasks.get(id);
    if (!stored || !task) return;
    task.state = normalizeState(stored);
    if (stored.phase !== "done") return;
    telemetry?.finished(task.state);
    waiters.settle(id, toOutcome(task.state));
  };
  const refreshQuietly = (id: string) => void refresh(id).catch(() => undefined);

  const worker =
    shared && mode !== "client"
      ? new Worker({
          client,
          store: shared,
          policy,
          owner: `${hostname()}:${process.pid}:${randomUUID()}`,
          concurrency,
          leaseMs: options.leaseMs ?? 30_000,
          claimIntervalMs: options.claimIntervalMs ?? 200,
          keepAlive: () => mode === "worker" || waiters.size > 0,
          emit,
          countRequest: () => stats.requests++,
          countRetry: () => stats.retries++,
          finished: (id) => {
            const task = tasks.get(id);
            if (task) refreshQuietly(id);
          },
          failed: (id, e) => waiters.fail(id, e),
        })
      : undefined;
  worker?.start();
  const unwatch = shared?.watch((id) => {
    if (waiters.has(id)) refreshQuietly(id);
  });

  const register = (state: TaskState): Task => {
    const existing = tasks.get(state.id);
    if (existing) return existing;
    const task: Task = { state, cancelNext: undefined, busy: false };
    tasks.set(state.id, task);
    telemetry?.started(state);
    return task;
  };

  const handle = (task: Task): TaskHandle => ({
    id: task.state.id,
    get state() {
      return copy(task.state);
    },
    result(opts: ResultOptions = {}) {
      if (task.state.phase === "done") {
        const o = toOutcome(task.state);
        stats.outcomes[o.kind]++;
        return Promise.resolve(o);
      }
      const waiting = waiters.wait(task.state.id, opts);
      // Registered first, then read: an outcome stored in between is not missed.
      if (shared) refreshQuietly(task.state.id);
      return waiting;
    },
  });

  /** Confirmed notification: ends the follow-up of the matching tasks, here or (shared) in the store. */
  const resolveByNotification = async (answer: Answer): Promise<string[]> => {
    const resolved: string[] = [];
    if (shared) {
      for (const s of await shared.list()) {
        if (s.phase !== "follow_up") continue;
        const step = next(normalizeState(s), answer, { policy, now: Date.now() });
        if (step.action.type !== "done") continue;
        await shared.recordFacts(s.id, step.state);
        if (tasks.has(s.id)) await refresh(s.id);
        resolved.push(s.id);
      }
      return resolved;
    }
    for (const task of tasks.values()) {
      if (task.state.phase !== "follow_up") continue;
      await driver.apply(task, answer);
      if ((task.state.phase as TaskState["phase"]) === "done") resolved.push(task.state.id);
    }
    return resolved;
  };

  const poller: Poller = {
    stats,
    async submit(operation, request, opts = {}) {
      const task = register(await submitTask(client, operation, request, opts));
      await persist(task);
      return handle(task);
    },
    async run(operation, request, opts = {}) {
      const { idempotencyKey, ...wait } = opts;
      const t = await poller.submit(operation, request, idempotencyKey ? { idempotencyKey } : {});
      return t.result(wait);
    },
    async resume(raw) {
      const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
      assertTaskState(parsed);
      const state = normalizeState(parsed);
      // The URLs must pass the client's origin check now, not at the first poll.
      client.async.statusUrl(state.statusUrl);
      client.async.resultUrl(state.responseUrl);
      const task = register(state);
      await persist(task);
      task.state = normalizeState((await store.get(state.id)) ?? task.state);
      return handle(task);
    },
    async restore() {
      const states = await store.list();
      for (const s of states) assertTaskState(s);
      return states.map((s) => handle(register(normalizeState(s))));
    },
    async handleNotification(input) {
      const checked = await notifications.check(input);
      if (checked.duplicate) return { ...checked, resolved: [] };
      const answer: Answer = { look: "notification", type: "confirmed", transaction: checked.transaction };
      return { ...checked, resolved: await resolveByNotification(answer) };
    },
    async forget(id) {
      const task = tasks.get(id);
      if (task && task.state.phase !== "done")
        throw new Error(`task ${id} is not finished; only finished tasks can be forgotten`);
      tasks.delete(id);
      await store.delete(id);
    },
    async close() {
      closed = true;
      waiters.abortAll();
      telemetry?.close();
      scheduler.close();
      await worker?.stop();
      (await unwatch)?.();
      await store.close?.();
    },
  };
  return poller;
}
