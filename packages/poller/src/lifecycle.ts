/**
 * The task lifecycle as pure functions: what an answer from the gateway means for a task, and how two
 * versions of a task's facts combine. No HTTP, no timers, no store: `poller.ts` executes the actions.
 *
 * The rules that protect money live here:
 * - a 200 result is kept 24 h, a non-200 result is handed out ONCE, then 404 `unknown`;
 * - a 5xx answer or a lost answer on the result URL is only a *candidate*: a following 404 makes it the
 *   task's result, a 200/425 proves it passing (a proxy's 500 must not report a charged card as failed);
 * - an `incomplete` transaction is followed up by uid until final;
 * - an outcome is a fact: `unknown` never overwrites a result, a result never overwrites another.
 */
import type { AsyncResultBody, Transaction } from "@paycross/client";
import { matchNotification } from "./match.js";
import { type PollPolicy, pollDelay } from "./policy.js";
import { type Candidate, isFinalStatus, type StoredOutcome, type TaskState, transactionOf } from "./task.js";

/** Which request the task needs next. */
export type Look = "status" | "result" | "follow_up";

/** What came back from a request, classified (the poller turns HTTP into these). */
export type Answer =
  | { look: "result"; type: "processing" }
  | { look: "result"; type: "completed"; data: AsyncResultBody }
  /** A non-200, non-5xx result (e.g. 422): the read-once error, final at once. */
  | { look: "result"; type: "error"; status: number; body: unknown }
  /** 5xx on the result URL: maybe the task's result, maybe a passing failure. */
  | { look: "result"; type: "server_error"; status: number; body: unknown }
  /** No answer on the result URL (reset, timeout, unreadable): it may have carried the read-once result. */
  | { look: "result"; type: "lost"; reason: string }
  | { look: "result" | "status"; type: "unknown" }
  | { look: "status"; type: "processing" | "completed" }
  | { look: "follow_up"; type: "transaction"; transaction: Transaction }
  /** 429, or a failure of a request that cannot consume a result (status, follow-up, recovery). */
  | { look: Look | "recovery"; type: "retry"; reason: string; retryAfterMs?: number | undefined }
  | { look: "recovery"; type: "recovered"; transactions: Transaction[] }
  /** A transaction from an authentic notification (signed, or confirmed by a status query). */
  | { look: "notification"; type: "confirmed"; transaction: Transaction };

export type Action =
  /** Ask `look` after `delayMs`. `persist`: store the state first (it holds a new fact). */
  | { type: "poll"; look: Look; delayMs: number; persist: boolean; retry?: string | undefined }
  /** Query the transaction by tracking_id, then feed the `recovered` answer back. */
  | { type: "recover" }
  /** The state carries its outcome: store it, then tell the waiters. */
  | { type: "done" }
  /** Nothing changed (e.g. a notification for a finished task). */
  | { type: "ignore" };

export interface Step {
  state: TaskState;
  action: Action;
}

export interface Env {
  policy: PollPolicy;
  now: number;
  random?: () => number;
}

/** When a new task's first look is due: after the initial delay, or after the notified delay when a notification is expected. */
export function firstLookAt(s: TaskState, policy: PollPolicy): number {
  const ms = s.notified ? Math.max(policy.initialDelayMs, policy.notifiedPollDelayMs) : policy.initialDelayMs;
  return s.submittedAt + ms;
}

/** The request a task in `state` needs next. */
export function nextLook(state: TaskState, policy: PollPolicy): Look {
  if (state.phase === "follow_up") return "follow_up";
  return policy.checkStatusFirst && !state.statusCompleted ? "status" : "result";
}

/** The transition: a copy of `state` updated by `answer`, and what to do next. Never mutates `state`. */
export function next(state: TaskState, answer: Answer, env: Env): Step {
  const s = JSON.parse(JSON.stringify(state)) as TaskState;
  if (s.phase === "done")
    return answer.type === "confirmed"
      ? corrected(s, answer.transaction)
      : { state: s, action: { type: "ignore" } };
  const delay = (phase: "polling" | "follow_up", retryAfterMs?: number) =>
    delayOf(s, env, s.attempt++, phase, retryAfterMs, env.random);
  const poll = (persist: boolean, retry?: string, retryAfterMs?: number): Step => {
    const phase = s.phase === "follow_up" ? "follow_up" : "polling";
    const delayMs = delay(phase, retryAfterMs);
    return { state: s, action: { type: "poll", look: nextLook(s, env.policy), delayMs, persist, retry } };
  };
  switch (answer.type) {
    case "processing": {
      // "Later": the next look backs off one step further (the first look already used attempt 0).
      const persist = answer.look === "result" && cleared(s, env.now);
      s.attempt++;
      const delayMs = delayOf(s, env, s.attempt, "polling", undefined, env.random);
      return { state: s, action: { type: "poll", look: nextLook(s, env.policy), delayMs, persist } };
    }
    case "completed":
      if (answer.look === "status") {
        s.statusCompleted = true;
        return { state: s, action: { type: "poll", look: "result", delayMs: 0, persist: false } };
      }
      cleared(s, env.now);
      return completed(s, answer.data, env);
    case "error":
      return finish(s, { kind: "failed", status: answer.status, body: answer.body });
    case "server_error":
      s.candidate = { status: answer.status, body: answer.body, receivedAt: env.now };
      s.answeredAt = env.now;
      return poll(true, `result answered ${answer.status}; looking again before believing it`);
    case "lost":
      // A kept 5xx stays: it is the only answer we hold. If the lost request carried another read-once
      // error, a 404 next still means the task failed (a 200 would have been answered again).
      if (s.candidate?.status == null)
        s.candidate = { status: null, reason: answer.reason, receivedAt: env.now };
      return poll(true, `result answer lost (${answer.reason}); looking again`);
    case "unknown":
      return unknown(s);
    case "transaction":
      return followUp(s, answer.transaction, env);
    case "retry":
      return poll(false, answer.reason, answer.retryAfterMs);
    case "recovered": {
      const reason = s.candidate?.status === null ? "lost_in_flight" : "expired_or_already_read";
      delete s.candidate;
      return finish(s, { kind: "unknown", reason, recovered: answer.transactions });
    }
    case "confirmed":
      return confirmed(s, answer.transaction, env);
  }
}

/**
 * An authentic notification about this task's transaction (checked by the caller with `matchNotification`).
 * Polling: it stands in for the result read (final: the outcome; `incomplete`: the follow-up starts).
 * Following up: only a final status ends it. Never moves a task back; a finished task: `corrected`.
 */
function confirmed(s: TaskState, tx: Transaction, env: Env): Step {
  if (!matchNotification(s, tx)) return { state: s, action: { type: "ignore" } };
  if (s.phase === "follow_up") {
    if (!isFinalStatus(tx.status)) return { state: s, action: { type: "ignore" } };
    return followUp(s, tx, env);
  }
  // The transaction exists, so the operation's answer is a 200: a kept 5xx candidate was passing.
  delete s.candidate;
  return completed(s, { transaction: tx } as AsyncResultBody, env);
}

/**
 * An authentic notification about a task that ended `unknown` (404: the result expired or was read
 * elsewhere): a final status proves the operation's answer, which replaces the `unknown` (`mergeFacts`
 * lets a result replace it; the stores report the change, `onCorrected` tells whoever was told
 * `unknown`). A non-final status does not end anything: the task stays done, the final one will come.
 * Any other finished task stays as it is.
 */
function corrected(s: TaskState, tx: Transaction): Step {
  if (s.outcome?.kind !== "unknown" || !isFinalStatus(tx.status) || !matchNotification(s, tx))
    return { state: s, action: { type: "ignore" } };
  return finish(s, { kind: "completed", data: { transaction: tx } as AsyncResultBody, transaction: tx });
}

/** With a notification expected, polling is only the safety net: looks at least `notifiedPollDelayMs` apart. */
function delayOf(
  s: TaskState,
  env: Env,
  attempt: number,
  phase: "polling" | "follow_up",
  retryAfterMs: number | undefined,
  random: (() => number) | undefined,
): number {
  // The phase's real age decides the tail (a Retry-After or a slow read ages it more than a look); a
  // follow-up stored by an older version has no start time: its age is estimated from `attempt`.
  const since = phase === "polling" ? s.submittedAt : s.followUpSince;
  const ageMs = since === undefined ? undefined : env.now - since;
  const d = pollDelay(env.policy, attempt, phase, { retryAfterMs, random, ageMs });
  return s.notified ? Math.max(d, env.policy.notifiedPollDelayMs) : d;
}

/** The result URL answered "still there": a kept candidate was a passing failure. True if one was dropped. */
function cleared(s: TaskState, now: number): boolean {
  s.answeredAt = now;
  if (!s.candidate) return false;
  delete s.candidate;
  return true;
}

function completed(s: TaskState, data: AsyncResultBody, env: Env): Step {
  s.result = data;
  const tx = transactionOf(data);
  if (tx && !isFinalStatus(tx.status)) {
    // `incomplete` (3-D Secure) or `pending`: keep the result, then follow the transaction itself.
    s.phase = "follow_up";
    s.attempt = 0;
    s.followUpSince = env.now;
    const delayMs = delayOf(s, env, s.attempt++, "follow_up", undefined, env.random);
    return { state: s, action: { type: "poll", look: "follow_up", delayMs, persist: true } };
  }
  return finish(s, { kind: "completed", data, ...(tx ? { transaction: tx } : {}) });
}

function followUp(s: TaskState, transaction: Transaction, env: Env): Step {
  if (!isFinalStatus(transaction.status)) {
    const delayMs = delayOf(s, env, s.attempt++, "follow_up", undefined, env.random);
    return { state: s, action: { type: "poll", look: "follow_up", delayMs, persist: false } };
  }
  const data = { ...(s.result as object), transaction } as AsyncResultBody;
  return finish(s, { kind: "completed", data, transaction });
}

/** 404 `unknown`: a kept 5xx candidate was the read-once result; otherwise look by tracking_id. */
function unknown(s: TaskState): Step {
  const c = s.candidate;
  if (c && c.status !== null) {
    delete s.candidate;
    return finish(s, { kind: "failed", status: c.status, body: c.body });
  }
  if (!s.trackingId) {
    const reason = c ? "lost_in_flight" : "expired_or_already_read";
    delete s.candidate;
    return finish(s, { kind: "unknown", reason, recovered: [] });
  }
  return { state: s, action: { type: "recover" } };
}

function finish(s: TaskState, outcome: StoredOutcome): Step {
  s.phase = "done";
  s.outcome = outcome;
  // The outcome carries the answer now; keeping `result` too would store every transaction twice.
  delete s.result;
  delete s.candidate;
  delete s.errorResult;
  return { state: s, action: { type: "done" } };
}

const strength = (o: StoredOutcome | undefined): number => (!o ? 0 : o.kind === "unknown" ? 1 : 2);

/**
 * Combines what is stored with what a writer brings, keeping every gateway fact: the first result
 * (completed/failed) wins, `unknown` never overwrites a result, a finished task never goes back to
 * pending, a kept 200 result is never dropped, and the newer look at the result URL decides whether a
 * candidate still stands. Pure; every store calls it (in process, or inside a database transaction).
 */
export function mergeFacts(stored: TaskState | undefined, incoming: TaskState): TaskState {
  if (!stored || stored.id !== incoming.id) return incoming;
  const a = strength(stored.outcome);
  const b = strength(incoming.outcome);
  if (a === 2 || (a === 1 && b < 2)) return stored;
  if (b > 0) return incoming;
  // Neither is finished: take the writer's schedule, keep the facts of both.
  const base = !incoming.result && stored.result ? stored : incoming;
  const merged: TaskState = { ...base };
  // A candidate stands unless the result URL answered "still there" after it arrived (either writer saw).
  const answeredAt = Math.max(stored.answeredAt ?? 0, incoming.answeredAt ?? 0);
  const standing = [incoming.candidate, stored.candidate].filter(
    (c): c is Candidate => c !== undefined && c.receivedAt >= answeredAt,
  );
  const candidate = standing.reduce<Candidate | undefined>(
    (best, c) => (!best || c.receivedAt > best.receivedAt ? c : best),
    undefined,
  );
  if (candidate) merged.candidate = candidate;
  else delete merged.candidate;
  if (answeredAt > 0) merged.answeredAt = answeredAt;
  if (stored.statusCompleted || incoming.statusCompleted) merged.statusCompleted = true;
  return merged;
}

/**
 * What a writer whose lease was lost may still change: the gateway's facts it brings (an outcome, a kept
 * candidate, a 200 result), never the schedule of the worker that holds the task now. Its `unknown` is
 * not a fact but the absence of one: the read-once result it missed may be in the hands of the worker
 * that holds the task now, so that worker's own look decides (a stored `unknown` would reach the waiters
 * before the real result replaced it).
 */
export function mergeFencedFacts(stored: TaskState | undefined, incoming: TaskState): TaskState {
  if (incoming.outcome?.kind === "unknown") {
    if (!stored) return incoming;
    const { outcome: _, ...rest } = incoming;
    return mergeFencedFacts(stored, { ...rest, phase: stored.phase === "done" ? "polling" : stored.phase });
  }
  if (!stored || incoming.outcome) return mergeFacts(stored, incoming);
  const facts: TaskState = { ...stored };
  if (incoming.candidate) facts.candidate = incoming.candidate;
  if (incoming.answeredAt !== undefined) facts.answeredAt = incoming.answeredAt;
  if (incoming.result && !stored.result) {
    facts.result = incoming.result;
    facts.phase = incoming.phase;
    facts.attempt = incoming.attempt;
    if (incoming.followUpSince !== undefined) facts.followUpSince = incoming.followUpSince;
  }
  return mergeFacts(stored, facts);
}

/**
 * Whether a holder's write of `unknown` must wait: another worker held the task before and never released
 * it (killed, paused, partitioned), so it may have read the read-once result and not stored it yet. Until
 * `factsPendingUntil` (that lease's expiry plus the store's grace) the store keeps the task pending and
 * looks again then; the late holder's fact, if it comes, wins. Pure; both shared stores call it.
 */
export function unknownMustWait(
  stored: TaskState | undefined,
  merged: TaskState,
  factsPendingUntil: number | null | undefined,
  now: number,
): boolean {
  return (
    merged.outcome?.kind === "unknown" &&
    stored?.outcome === undefined &&
    factsPendingUntil != null &&
    now < factsPendingUntil
  );
}

/**
 * Whether writing `state` over a stored outcome `before` stores a new outcome that every watcher must
 * hear of: the first one, or a result (a late holder's fact, a notification) replacing an `unknown` that
 * waiters may have been told already (`onCorrected`). Pure; both shared stores call it.
 */
export function outcomeChanged(before: StoredOutcome | undefined, state: TaskState): boolean {
  if (!state.outcome) return false;
  return !before || (before.kind === "unknown" && state.outcome.kind !== "unknown");
}
