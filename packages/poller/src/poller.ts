/**
 * The async lifecycle: submit, poll, read the result, follow up `incomplete` transactions, and hand the
 * caller one outcome. This file wires the parts: `lifecycle.ts` decides (pure), `ask.ts` asks (HTTP),
 * `waiters.ts` holds the callers, `scheduler.ts` times the looks, the store keeps every fact BEFORE anyone
 * is told about it.
 */
import {
  type AsyncCallOptions,
  errorClassForStatus,
  type NotificationInput,
  type PayCrossClient,
  type PayCrossError,
} from "@paycross/client";
import { ask, recover } from "./ask.js";
import { type Answer, next, nextLook } from "./lifecycle.js";
import { type CheckedNotification, NotificationChecker, type NotificationOptions } from "./notifications.js";
import { type PollPolicy, resolvePolicy } from "./policy.js";
import { Scheduler } from "./scheduler.js";
import { MemoryStore } from "./store/memory.js";
import type { TaskStore } from "./store/types.js";
import { type SubmitRequests, submitTask } from "./submit.js";
import {
  type AsyncOperation,
  assertTaskState,
  normalizeState,
  type Outcome,
  type ProgressEvent,
  type StoredOutcome,
  type TaskState,
} from "./task.js";
import { Waiters, type WaitOptions } from "./waiters.js";

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

interface Task {
  state: TaskState;
  cancelNext: (() => void) | undefined;
  busy: boolean;
}

export function createPoller(options: PollerOptions): Poller {
  const { client } = options;
  if (!client || typeof client.async?.status !== "function")
    throw new TypeError("createPoller needs a client from @paycross/client");
  const store: TaskStore = options.store ?? new MemoryStore();
  const policy = resolvePolicy(options.policy);
  const scheduler = new Scheduler(options.concurrency ?? 16);
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

  const waiters: Waiters = new Waiters(
    scheduler,
    (id) => copy(tasks.get(id)!.state),
    (id, waited) => {
      const task = tasks.get(id);
      if (!task) return;
      if (waited && !task.cancelNext && !task.busy) schedule(task, firstDelay(task.state));
      if (!waited) {
        // Nobody waits: ask the gateway no more; the task stays resumable. A request in flight is NOT
        // aborted: it may be reading a result the gateway hands out once, which must reach the store.
        task.cancelNext?.();
        task.cancelNext = undefined;
      }
    },
    (kind) => stats.outcomes[kind]++,
  );

  const emit = (id: string, event: ProgressEvent) => {
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

  const firstDelay = (s: TaskState) =>
    s.attempt === 0 && s.phase === "polling"
      ? Math.max(0, s.submittedAt + policy.initialDelayMs - Date.now())
      : 0;

  const schedule = (task: Task, delayMs: number) => {
    if (closed || !waiters.has(task.state.id) || task.state.phase === "done") return;
    const at = Date.now() + delayMs;
    emit(task.state.id, { type: "scheduled", taskId: task.state.id, at });
    task.cancelNext?.();
    task.cancelNext = scheduler.at(at, () => {
      task.cancelNext = undefined;
      scheduler.slot(() => step(task));
    });
  };

  const finished = async (task: Task) => {
    // The store may hold a stronger fact (another writer): it answers with what it keeps.
    await persist(task);
    task.state = (await store.get(task.state.id)) ?? task.state;
    const took = Date.now() - task.state.submittedAt;
    const t = stats.timeToResultMs;
    t.count++;
    t.mean += (took - t.mean) / t.count;
    t.max = Math.max(t.max, took);
    waiters.settle(task.state.id, toOutcome(task.state));
  };

  /** Feeds an answer through the lifecycle and carries out what it says. */
  const apply = async (task: Task, answer: Answer): Promise<void> => {
    const { state, action } = next(task.state, answer, { policy, now: Date.now() });
    task.state = state;
    if (action.type === "done") return finished(task);
    if (action.type === "recover") {
      stats.requests++;
      emit(state.id, { type: "request", taskId: state.id, what: "recovery", attempt: 0 });
      return apply(task, await recover(client, task.state));
    }
    if (action.type !== "poll") return;
    if (action.persist) await persist(task);
    if (action.retry) {
      stats.retries++;
      emit(state.id, { type: "retry", taskId: state.id, reason: action.retry, delayMs: action.delayMs });
    }
    schedule(task, action.delayMs);
  };

  /** One HTTP request for a task, then the decision of what comes next. */
  const step = async (task: Task): Promise<void> => {
    const s = task.state;
    if (task.busy || !waiters.has(s.id) || s.phase === "done" || closed) return;
    task.busy = true;
    try {
      const look = nextLook(s, policy);
      stats.requests++;
      emit(s.id, { type: "request", taskId: s.id, what: look, attempt: s.attempt });
      const answer = await ask(client, s, look);
      const status = answerStatus(answer);
      emit(s.id, { type: "answer", taskId: s.id, what: look, status });
      await apply(task, answer);
    } catch (e) {
      // Not the task's fault (credentials, configuration): tell the callers; the task stays resumable.
      if (!closed) waiters.fail(s.id, e);
    } finally {
      task.busy = false;
    }
  };

  const register = (state: TaskState): Task => {
    const existing = tasks.get(state.id);
    if (existing) return existing;
    const task: Task = { state, cancelNext: undefined, busy: false };
    tasks.set(state.id, task);
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
      return waiters.wait(task.state.id, opts);
    },
  });

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
      task.state = (await store.get(state.id)) ?? task.state;
      return handle(task);
    },
    async restore() {
      const states = await store.list();
      for (const s of states) assertTaskState(s);
      return states.map((s) => handle(register(normalizeState(s))));
    },
    async handleNotification(input) {
      const checked = await notifications.check(input);
      const resolved: string[] = [];
      if (checked.duplicate) return { ...checked, resolved };
      const answer: Answer = { look: "notification", type: "confirmed", transaction: checked.transaction };
      for (const task of tasks.values()) {
        if (task.state.phase !== "follow_up") continue;
        const before = task.state.phase;
        await apply(task, answer);
        if (before !== task.state.phase) {
          task.cancelNext?.();
          resolved.push(task.state.id);
        }
      }
      return { ...checked, resolved };
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
      scheduler.close();
      await store.close?.();
    },
  };
  return poller;
}

function answerStatus(a: Answer): number | "error" {
  switch (a.type) {
    case "completed":
    case "transaction":
      return 200;
    case "processing":
      return a.look === "result" ? 425 : 200;
    case "unknown":
      return 404;
    case "error":
    case "server_error":
      return a.status;
    default:
      return "error";
  }
}

function toOutcome(state: TaskState): Outcome {
  const o = state.outcome as StoredOutcome;
  const s = JSON.parse(JSON.stringify(state)) as TaskState;
  if (o.kind === "completed")
    return { kind: "completed", data: o.data, transaction: o.transaction, state: s };
  if (o.kind === "failed")
    return {
      kind: "failed",
      status: o.status,
      body: o.body,
      error: errorFor(o.status, o.body, state),
      state: s,
    };
  return { kind: "unknown", reason: o.reason, recovered: o.recovered, state: s };
}

function errorFor(status: number, body: unknown, state: TaskState): PayCrossError {
  const ErrorClass = errorClassForStatus(status);
  const message = (body as { message?: unknown } | null)?.message;
  return new ErrorClass({
    status,
    body,
    method: "GET",
    url: state.responseUrl,
    idempotencyKey: state.idempotencyKey,
    message: `async ${state.operation} ${state.id} failed with ${status}${typeof message === "string" ? `: ${message}` : ""}`,
  });
}
