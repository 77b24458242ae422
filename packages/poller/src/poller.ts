/**
 * The async lifecycle: submit, poll, read the result, follow up `incomplete` transactions, and hand the
 * caller one outcome. This file wires the parts: `lifecycle.ts` decides (pure), `ask.ts` asks (HTTP),
 * `waiters.ts` holds the callers, `scheduler.ts` times the looks, the store keeps every fact BEFORE anyone
 * is told about it.
 */
import type { AsyncCallOptions, NotificationInput, PayCrossClient, PayCrossError } from "@paycross/client";
import { PollerCore } from "./core.js";
import type { Correction } from "./corrections.js";
import type { CheckedNotification, NotificationOptions } from "./notifications.js";
import type { PollPolicy } from "./policy.js";
import type { TaskStore } from "./store/types.js";
import type { SubmitRequests } from "./submit.js";
import type { AsyncOperation, Outcome, ProgressEvent, TaskState } from "./task.js";
import type { TelemetryOptions } from "./telemetry.js";
import type { WaitOptions } from "./waiters.js";

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
   * Failures no caller awaits: a worker's claim, a lease renewal or a state write that failed, a re-read
   * after another process stored an outcome, an `onProgress` that threw. Each is a `PayCrossError` whose
   * `code` names it (`claim_failed`, `renew_failed`, `store_write_failed`, `refresh_failed`,
   * `watch_failed`, `observer_failed`); the poller goes on (with bounded backoff). Default: a process warning.
   */
  onError?: (error: PayCrossError) => void;
  /**
   * A task this poller reported `unknown` has a result in the store now: an authentic notification that
   * came after the 404 `unknown` (any store), or, on a shared store, a worker that stalled past its lease
   * and `factGraceMs` stored the read-once result it held, or a notification was merged just after
   * another worker's `unknown`. Called once per task in every process that told
   * a caller `unknown` and still knows the task (until `forget`). Default: a process warning.
   */
  onCorrected?: (correction: Correction) => void;
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
  /** HTTP requests this poller sent for its tasks in any mode: polls, follow-ups, recovery, notification confirmations (not the submits). */
  requests: number;
  retries: number;
  /** Outcomes handed to callers, by kind. */
  outcomes: Record<Outcome["kind"], number>;
  /** Time from submit to a final outcome stored, over the tasks this poller finished. */
  timeToResultMs: { count: number; mean: number; max: number };
}

export interface NotificationResult extends CheckedNotification {
  /** The pending tasks this notification finished. */
  resolved: string[];
  /**
   * The tasks that had ended `unknown` and hold the result this notification proves now (`onCorrected`
   * is called for those a caller here was told `unknown`).
   */
  corrected: string[];
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
  return new PollerCore(options);
}
