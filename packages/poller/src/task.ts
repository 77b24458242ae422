/** A task's serializable state and the outcomes a caller can `switch` on. */
import { type AsyncResultBody, type PayCrossError, payCrossError, type Transaction } from "@paycross/client";
import { OPERATION_NAMES, type OperationName } from "@paycross/spec/catalogue";

/** The catalogue's operation names (`@paycross/spec` `OPERATIONS`), `credit` included. */
export const ASYNC_OPERATIONS: readonly OperationName[] = OPERATION_NAMES;
export type AsyncOperation = OperationName;

/** Names written by older versions or other vocabularies, read as the catalogue's. */
const LEGACY_OPERATION_NAMES: Record<string, OperationName> = {
  statusByUid: "transaction",
  statusByTrackingId: "transactionsByTrackingId",
};

/**
 * Everything needed to resume a task in another process. Plain JSON: no card data, no secret
 * (the submit's request body is never stored).
 */
export interface TaskState {
  version: 1;
  /** The gateway's `request_id`. */
  id: string;
  operation: AsyncOperation;
  statusUrl: string;
  responseUrl: string;
  idempotencyKey?: string | undefined;
  /** The request's `tracking_id`: how a lost answer's transaction is found again. */
  trackingId?: string | undefined;
  submittedAt: number;
  /**
   * The request named a `notification_url` and the poller checks notifications: the notification is
   * expected to resolve the task, so polling only backs it up (`policy.notifiedPollDelayMs`).
   */
  notified?: boolean | undefined;
  /** `polling` the task, `follow_up` of an incomplete transaction, `done`. */
  phase: "polling" | "follow_up" | "done";
  /** Attempts in the current phase (drives the backoff). */
  attempt: number;
  /**
   * When the follow-up phase began (epoch ms): its real age decides the follow-up's tail, as the time
   * since `submittedAt` does while polling. Absent in states written by 0.1: the age is then
   * estimated from `attempt`.
   */
  followUpSince?: number | undefined;
  /** `status_url` said completed (with `checkStatusFirst`). */
  statusCompleted?: boolean;
  /**
   * A 5xx answer or a lost answer (network error) on the result URL, kept the moment it happened. It may be
   * the task's read-once result or a passing failure: a following 404 `unknown` makes it the result, a
   * 200/425 proves it passing. See `lifecycle.ts`.
   */
  candidate?: Candidate | undefined;
  /** When the result URL last answered (epoch ms): orders a candidate against a later "still there". */
  answeredAt?: number | undefined;
  /** @deprecated read from states written by 0.1 (a kept 502/504); loaded as `candidate`. */
  errorResult?: { status: number; body: unknown; receivedAt: number };
  /** The 200 result. */
  result?: AsyncResultBody;
  outcome?: StoredOutcome;
}

/** A possible read-once result: a 5xx answer (with its body), or `status: null` when no answer arrived. */
export interface Candidate {
  status: number | null;
  body?: unknown;
  /** Why no answer arrived (network error text, never a secret). */
  reason?: string | undefined;
  receivedAt: number;
}

export type StoredOutcome =
  | { kind: "completed"; data: AsyncResultBody; transaction?: Transaction }
  | { kind: "failed"; status: number; body: unknown }
  | { kind: "unknown"; reason: UnknownReason; recovered: Transaction[] };

export type UnknownReason =
  /** 404 `unknown`: the 200 result is older than 24 hours, or another reader took the read-once error. */
  | "expired_or_already_read"
  /** The result URL's answer was lost on the way (network error), then the gateway said 404 `unknown`. */
  | "lost_in_flight";

/** What `task.result()` resolves to. */
export type Outcome =
  /** The operation's standard answer; `transaction` (if any) is final unless the caller stopped waiting. */
  | { kind: "completed"; data: AsyncResultBody; transaction: Transaction | undefined; state: TaskState }
  /** The gateway's error answer (a non-200 result, returned once and kept in the store). */
  | { kind: "failed"; status: number; body: unknown; error: PayCrossError; state: TaskState }
  /**
   * 404 `unknown` with nothing stored: gone after 24 hours, or read by someone else. `recovered` holds
   * the transactions a follow-up query by `tracking_id` found (empty without a tracking_id).
   */
  | { kind: "unknown"; reason: UnknownReason; recovered: Transaction[]; state: TaskState }
  /** The caller's deadline passed. The task is intact: call `result()` again or `resume(state)`. */
  | { kind: "timed_out"; state: TaskState }
  /** The caller's signal aborted. The task is intact and resumable. */
  | { kind: "aborted"; state: TaskState };

export type ProgressEvent =
  | { type: "request"; taskId: string; what: "status" | "result" | "follow_up" | "recovery"; attempt: number }
  | {
      type: "answer";
      taskId: string;
      what: "status" | "result" | "follow_up" | "recovery";
      status: number | "error";
    }
  | { type: "scheduled"; taskId: string; at: number }
  | { type: "stored"; taskId: string; phase: TaskState["phase"] }
  | { type: "retry"; taskId: string; reason: string; delayMs: number };

const FINAL = new Set(["successful", "failed", "expired", "error"]);
export function isFinalStatus(status: string | undefined): boolean {
  return status !== undefined && FINAL.has(status);
}

export function transactionOf(data: AsyncResultBody | undefined): Transaction | undefined {
  return data && typeof data === "object" && "transaction" in data
    ? (data.transaction as Transaction)
    : undefined;
}

/** Checks a state read from JSON (another process, a file) before trusting it. */
export function assertTaskState(value: unknown): asserts value is TaskState {
  const problems = taskStateProblems(value);
  if (problems.length) throw payCrossError("usage", `invalid task state: ${problems.join("; ")}`);
}

/** What is wrong with a would-be state (empty when nothing is). */
export function taskStateProblems(value: unknown): string[] {
  const v = value as Partial<TaskState> | null;
  const problems: string[] = [];
  if (!v || typeof v !== "object" || Array.isArray(v)) return ["task state must be an object"];
  if (v.version !== 1) problems.push("version must be 1");
  if (typeof v.id !== "string" || !v.id) problems.push("id must be a non-empty string");
  const op = LEGACY_OPERATION_NAMES[v.operation as string] ?? v.operation;
  if (!ASYNC_OPERATIONS.includes(op as AsyncOperation))
    problems.push(`operation must be one of ${ASYNC_OPERATIONS.join(", ")}`);
  if (typeof v.statusUrl !== "string" || typeof v.responseUrl !== "string")
    problems.push("statusUrl and responseUrl must be strings");
  if (!["polling", "follow_up", "done"].includes(v.phase as string))
    problems.push("phase must be polling, follow_up or done");
  if (typeof v.attempt !== "number") problems.push("attempt must be a number");
  if (typeof v.submittedAt !== "number") problems.push("submittedAt must be a number");
  if (v.followUpSince !== undefined && typeof v.followUpSince !== "number")
    problems.push("followUpSince must be a number when present");
  if (v.phase === "done" && (!v.outcome || typeof v.outcome !== "object"))
    problems.push("a done task must carry its outcome");
  if (v.outcome !== undefined && !["completed", "failed", "unknown"].includes(v.outcome?.kind as string))
    problems.push("outcome.kind must be completed, failed or unknown");
  if (v.candidate !== undefined && (typeof v.candidate !== "object" || v.candidate === null))
    problems.push("candidate must be an object");
  return problems;
}

/** Brings a validated state written by an older version to the current shape (a copy). */
export function normalizeState(state: TaskState): TaskState {
  const s = JSON.parse(JSON.stringify(state)) as TaskState;
  s.operation = LEGACY_OPERATION_NAMES[s.operation] ?? s.operation;
  if (s.errorResult) {
    // 0.1 kept only a 502/504 here while polling on, or the failed result next to its outcome.
    if (s.phase !== "done" && !s.candidate) s.candidate = { ...s.errorResult };
    delete s.errorResult;
  }
  return s;
}
