/**
 * The async lifecycle: submit, poll, read the result, follow up `incomplete` transactions, and hand the
 * caller one outcome. Every state change that matters is written to the store before anyone sees it.
 */
import {
  type AsyncCallOptions,
  type AsyncResult,
  type AsyncTask,
  type BalanceRequest,
  errorClassForStatus,
  isPayCrossError,
  type NotificationInput,
  type NotificationVerifier,
  type PayCrossClient,
  type PayCrossError,
  PayCrossRateLimitError,
  type RequestOf,
  type Transaction,
  verifyNotification,
} from "@paycross/client";
import { type PollPolicy, pollDelay, resolvePolicy } from "./policy.js";
import { Scheduler } from "./scheduler.js";
import { MemoryStore } from "./store/memory.js";
import type { TaskStore } from "./store/types.js";
import {
  type AsyncOperation,
  assertTaskState,
  isFinalStatus,
  type Outcome,
  type ProgressEvent,
  type StoredOutcome,
  type TaskState,
  transactionOf,
} from "./task.js";

export interface SubmitRequests {
  payment: RequestOf<"createPayment">;
  authorization: RequestOf<"createAuthorization">;
  tokenization: RequestOf<"createTokenization">;
  capture: RequestOf<"createCapture">;
  void: RequestOf<"createVoid">;
  refund: RequestOf<"createRefund">;
  payout: RequestOf<"createPayout">;
  checkup: RequestOf<"createCheckup">;
  chargeback: RequestOf<"createChargeback">;
  /** The transaction's uid. */
  transaction: string;
  /** The tracking_id. */
  transactionsByTrackingId: string;
  balance: BalanceRequest;
}

export interface PollerOptions {
  client: PayCrossClient;
  /** Where task states live. Default: in memory. Use `FileStore` to survive a crash. */
  store?: TaskStore;
  policy?: Partial<PollPolicy>;
  /** HTTP requests in flight at once, over all tasks. Default 16. */
  concurrency?: number;
  /** How `handleNotification` authenticates webhooks. */
  webhook?: NotificationVerifier;
  /** Called for every event of every task (observability). Never receives secrets. */
  onProgress?: (event: ProgressEvent) => void;
}

export interface ResultOptions {
  signal?: AbortSignal;
  /** Absolute time (epoch ms or Date) after which this call resolves `timed_out`. */
  deadline?: number | Date;
  onProgress?: (event: ProgressEvent) => void;
}

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

interface Waiter {
  resolve: (o: Outcome) => void;
  reject: (e: unknown) => void;
  deadline: number;
  signal: AbortSignal | undefined;
  onProgress: ((e: ProgressEvent) => void) | undefined;
  cancelDeadline: (() => void) | undefined;
}

interface Task {
  state: TaskState;
  waiters: Set<Waiter>;
  cancelNext: (() => void) | undefined;
  busy: boolean;
}

const RETRYABLE_ERROR_RESULTS = new Set([502, 504]);

export interface Poller {
  submit<Op extends AsyncOperation>(
    operation: Op,
    request: SubmitRequests[Op],
    options?: AsyncCallOptions,
  ): Promise<TaskHandle>;
  run<Op extends AsyncOperation>(
    operation: Op,
    request: SubmitRequests[Op],
    options?: ResultOptions & Pick<AsyncCallOptions, "idempotencyKey">,
  ): Promise<Outcome>;
  /** Takes over a task from its state (e.g. written by another process). */
  resume(state: unknown): Promise<TaskHandle>;
  /** Resumes every task in the store; finished ones answer their stored outcome at once. */
  restore(): Promise<TaskHandle[]>;
  /** Authenticates a transaction notification and ends the follow-up of the matching tasks. */
  handleNotification(input: NotificationInput): Promise<{ transaction: Transaction; resolved: string[] }>;
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
  const policy = resolvePolicy(options.policy);
  const scheduler = new Scheduler(options.concurrency ?? 16);
  const tasks = new Map<string, Task>();
  const stats: PollerStats = {
    requests: 0,
    retries: 0,
    outcomes: { completed: 0, failed: 0, unknown: 0, timed_out: 0, aborted: 0 },
    timeToResultMs: { count: 0, mean: 0, max: 0 },
  };
  // One abort listener per distinct signal, however many tasks share it.
  const bySignal = new Map<AbortSignal, { waiters: Map<Waiter, Task>; listener: () => void }>();
  let waiting = 0;
  let closed = false;

  const emit = (task: Task, event: ProgressEvent) => {
    options.onProgress?.(event);
    for (const w of task.waiters) w.onProgress?.(event);
  };
  const copy = (s: TaskState): TaskState => JSON.parse(JSON.stringify(s)) as TaskState;
  const persist = async (task: Task) => {
    await store.put(task.state);
    emit(task, { type: "stored", taskId: task.state.id, phase: task.state.phase });
  };

  const toOutcome = (state: TaskState): Outcome => {
    const o = state.outcome as StoredOutcome;
    const s = copy(state);
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
  };

  const settle = (task: Task, outcome: Outcome) => {
    for (const w of [...task.waiters]) {
      detach(task, w);
      stats.outcomes[outcome.kind]++;
      w.resolve(outcome);
    }
  };

  const detach = (task: Task, w: Waiter) => {
    if (!task.waiters.delete(w)) return;
    waiting--;
    w.cancelDeadline?.();
    if (w.signal) {
      const group = bySignal.get(w.signal);
      if (group) {
        group.waiters.delete(w);
        if (group.waiters.size === 0) {
          w.signal.removeEventListener("abort", group.listener);
          bySignal.delete(w.signal);
        }
      }
    }
    if (task.waiters.size === 0) {
      // Nobody waits: ask the gateway no more; the task stays resumable. A request already in flight is
      // NOT aborted: it may be reading a result the gateway hands out once, which must reach the store.
      task.cancelNext?.();
      task.cancelNext = undefined;
    }
    scheduler.setKeepAlive(waiting > 0);
  };

  /** Ends one caller's wait without touching the task: it stays resumable. */
  const release = (task: Task, w: Waiter, kind: "timed_out" | "aborted") => {
    if (!task.waiters.has(w)) return;
    detach(task, w);
    stats.outcomes[kind]++;
    w.resolve({ kind, state: copy(task.state) });
  };

  const finish = async (task: Task, outcome: StoredOutcome) => {
    task.state.phase = "done";
    task.state.outcome = outcome;
    // The outcome carries the answer now; keeping `result` too would store every transaction twice.
    delete task.state.result;
    await persist(task); // durable before anyone is told
    const took = Date.now() - task.state.submittedAt;
    const t = stats.timeToResultMs;
    t.count++;
    t.mean += (took - t.mean) / t.count;
    t.max = Math.max(t.max, took);
    const o = toOutcome(task.state);
    settle(task, o);
  };

  const schedule = (task: Task, delayMs: number) => {
    if (closed || task.waiters.size === 0 || task.state.phase === "done") return;
    const at = Date.now() + delayMs;
    emit(task, { type: "scheduled", taskId: task.state.id, at });
    task.cancelNext?.();
    task.cancelNext = scheduler.at(at, () => {
      task.cancelNext = undefined;
      scheduler.slot(() => step(task));
    });
  };

  const retryLater = (task: Task, reason: string, retryAfterMs: number | undefined) => {
    stats.retries++;
    const delay = pollDelay(
      policy,
      task.state.attempt++,
      task.state.phase === "follow_up" ? "follow_up" : "polling",
      retryAfterMs,
    );
    emit(task, { type: "retry", taskId: task.state.id, reason, delayMs: delay });
    schedule(task, delay);
  };

  /** One HTTP request for a task, then the decision of what comes next. */
  const step = async (task: Task): Promise<void> => {
    if (task.busy || task.waiters.size === 0 || task.state.phase === "done" || closed) return;
    task.busy = true;
    const call = { maxRetries: 0 };
    const s = task.state;
    const what =
      s.phase === "follow_up"
        ? "follow_up"
        : policy.checkStatusFirst && !s.statusCompleted
          ? "status"
          : "result";
    try {
      stats.requests++;
      emit(task, { type: "request", taskId: s.id, what, attempt: s.attempt });
      if (what === "follow_up") {
        const uid = transactionOf(s.result)?.uid;
        const { transaction } = await client.transactions.get(uid!, call);
        emit(task, { type: "answer", taskId: s.id, what, status: 200 });
        if (isFinalStatus(transaction.status)) {
          const data = { ...(s.result as object), transaction } as TaskState["result"] & object;
          await finish(task, { kind: "completed", data, transaction });
        } else {
          schedule(task, pollDelay(policy, s.attempt++, "follow_up"));
        }
        return;
      }
      if (what === "status") {
        const st = await client.async.status(s.statusUrl, call);
        emit(task, { type: "answer", taskId: s.id, what, status: st.state === "unknown" ? 404 : 200 });
        if (st.state === "completed") {
          s.statusCompleted = true;
          schedule(task, 0);
        } else if (st.state === "unknown") {
          await unknown(task);
        } else {
          schedule(task, pollDelay(policy, ++s.attempt, "polling"));
        }
        return;
      }
      const r: AsyncResult = await client.async.result(s.responseUrl, call);
      emit(task, { type: "answer", taskId: s.id, what, status: r.status });
      if (r.state === "processing") {
        schedule(task, pollDelay(policy, ++s.attempt, "polling"));
      } else if (r.state === "completed") {
        s.result = r.data;
        const tx = transactionOf(r.data);
        if (tx && !isFinalStatus(tx.status)) {
          // `incomplete` (3-D Secure) or `pending`: keep the result, then follow the transaction itself.
          s.phase = "follow_up";
          s.attempt = 0;
          await persist(task);
          schedule(task, pollDelay(policy, s.attempt++, "follow_up"));
        } else {
          await finish(task, { kind: "completed", data: r.data, ...(tx ? { transaction: tx } : {}) });
        }
      } else if (r.state === "failed") {
        // Returned once by the gateway: into the store before anything else happens.
        s.errorResult = { status: r.status, body: r.body, receivedAt: Date.now() };
        if (RETRYABLE_ERROR_RESULTS.has(r.status)) {
          // Possibly a proxy's answer rather than the task's: look again; a 404 next means this was the result.
          await persist(task);
          retryLater(task, `result answered ${r.status}`, undefined);
        } else {
          await finish(task, { kind: "failed", status: r.status, body: r.body });
        }
      } else {
        await unknown(task);
      }
    } catch (e) {
      if (task.waiters.size === 0 || closed) return; // stopped on purpose
      if (isPayCrossError(e) && e.kind === "transport") {
        retryLater(task, e.message, undefined);
      } else if (e instanceof PayCrossRateLimitError) {
        retryLater(task, "429", e.retryAfterMs);
      } else {
        // Not the task's fault (credentials, configuration): tell the callers; the task stays resumable.
        for (const w of [...task.waiters]) {
          detach(task, w);
          w.reject(e);
        }
      }
    } finally {
      task.busy = false;
    }
  };

  /** 404 unknown: a stored error result is the answer; otherwise look the transaction up by tracking_id. */
  const unknown = async (task: Task) => {
    const s = task.state;
    if (s.errorResult)
      return finish(task, { kind: "failed", status: s.errorResult.status, body: s.errorResult.body });
    let recovered: Transaction[] = [];
    if (s.trackingId) {
      stats.requests++;
      emit(task, { type: "request", taskId: s.id, what: "recovery", attempt: 0 });
      recovered = (await client.transactions.byTrackingId(s.trackingId, { maxRetries: 2 })).transactions;
    }
    return finish(task, { kind: "unknown", reason: "expired_or_already_read", recovered });
  };

  const register = (state: TaskState): Task => {
    const existing = tasks.get(state.id);
    if (existing) return existing;
    const task: Task = {
      state,
      waiters: new Set(),
      cancelNext: undefined,
      busy: false,
    };
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
      return new Promise<Outcome>((resolve, reject) => {
        const deadline =
          opts.deadline instanceof Date
            ? opts.deadline.getTime()
            : (opts.deadline ?? Number.POSITIVE_INFINITY);
        const w: Waiter = {
          resolve,
          reject,
          deadline,
          signal: opts.signal,
          onProgress: opts.onProgress,
          cancelDeadline: undefined,
        };
        if (opts.signal?.aborted) {
          stats.outcomes.aborted++;
          resolve({ kind: "aborted", state: copy(task.state) });
          return;
        }
        task.waiters.add(w);
        waiting++;
        scheduler.setKeepAlive(true);
        if (Number.isFinite(deadline))
          w.cancelDeadline = scheduler.at(deadline, () => release(task, w, "timed_out"));
        if (opts.signal) {
          let group = bySignal.get(opts.signal);
          if (!group) {
            const g = {
              waiters: new Map<Waiter, Task>(),
              listener: () => {
                for (const [waiter, t] of [...g.waiters]) release(t, waiter, "aborted");
              },
            };
            group = g;
            bySignal.set(opts.signal, g);
            opts.signal.addEventListener("abort", g.listener, { once: true });
          }
          group.waiters.set(w, task);
        }
        if (!task.cancelNext && !task.busy) {
          const first =
            task.state.attempt === 0 && task.state.phase === "polling"
              ? Math.max(0, task.state.submittedAt + policy.initialDelayMs - Date.now())
              : 0;
          schedule(task, first);
        }
      });
    },
  });

  const submitters: {
    [Op in AsyncOperation]: (req: SubmitRequests[Op], o: AsyncCallOptions) => Promise<AsyncTask>;
  } = {
    payment: (r, o) => client.async.payments.create(r, o),
    authorization: (r, o) => client.async.authorizations.create(r, o),
    tokenization: (r, o) => client.async.tokenizations.create(r, o),
    capture: (r, o) => client.async.captures.create(r, o),
    void: (r, o) => client.async.voids.create(r, o),
    refund: (r, o) => client.async.refunds.create(r, o),
    payout: (r, o) => client.async.payouts.create(r, o),
    checkup: (r, o) => client.async.checkups.create(r, o),
    chargeback: (r, o) => client.async.chargebacks.create(r, o),
    transaction: (uid, o) => client.async.transactions.get(uid, o),
    transactionsByTrackingId: (id, o) => client.async.transactions.byTrackingId(id, o),
    balance: (r, o) => client.async.balance.get(r, o),
  };

  const poller: Poller = {
    stats,
    async submit(operation, request, opts = {}) {
      const submitter = submitters[operation] as
        | ((r: unknown, o: AsyncCallOptions) => Promise<AsyncTask>)
        | undefined;
      if (!submitter)
        throw new TypeError(
          `unknown operation ${JSON.stringify(operation)}; one of ${Object.keys(submitters).join(", ")}`,
        );
      const accepted = await submitter(request, opts);
      const trackingId =
        operation === "transactionsByTrackingId"
          ? (request as string)
          : typeof request === "object" &&
              request &&
              typeof (request as { tracking_id?: unknown }).tracking_id === "string"
            ? (request as { tracking_id: string }).tracking_id
            : undefined;
      const state: TaskState = {
        version: 1,
        id: accepted.request_id,
        operation,
        statusUrl: accepted.status_url,
        responseUrl: accepted.response_url,
        idempotencyKey: accepted.idempotencyKey,
        trackingId,
        submittedAt: Date.now(),
        phase: "polling",
        attempt: 0,
      };
      const task = register(state);
      await persist(task);
      return handle(task);
    },
    async run(operation, request, opts = {}) {
      const t = await poller.submit(
        operation,
        request,
        opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {},
      );
      return t.result(opts);
    },
    async resume(raw) {
      const state = typeof raw === "string" ? JSON.parse(raw) : raw;
      assertTaskState(state);
      // The URLs must pass the client's origin check now, not at the first poll.
      client.async.statusUrl(state.statusUrl);
      client.async.resultUrl(state.responseUrl);
      const task = register(copy(state));
      await persist(task);
      return handle(task);
    },
    async restore() {
      const states = await store.list();
      return states.map((s) => handle(register(s)));
    },
    async handleNotification(input) {
      const { transaction } = verifyNotification(input, options.webhook ?? {});
      const resolved: string[] = [];
      if (isFinalStatus(transaction.status)) {
        for (const task of tasks.values()) {
          if (task.state.phase !== "follow_up" || transactionOf(task.state.result)?.uid !== transaction.uid)
            continue;
          task.cancelNext?.();
          const data = { ...(task.state.result as object), transaction } as TaskState["result"] & object;
          await finish(task, { kind: "completed", data, transaction });
          resolved.push(task.state.id);
        }
      }
      return { transaction, resolved };
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
      for (const task of tasks.values()) {
        for (const w of [...task.waiters]) release(task, w, "aborted");
      }
      scheduler.close();
      await store.close?.();
    },
  };
  return poller;
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
