/**
 * When to ask next. Bounded exponential backoff with jitter; `Retry-After` honoured but clamped, so a huge
 * or malformed value never becomes a busy loop or a timer overflow; never past the caller's deadline.
 */
import { MAX_TIMER_MS, payCrossError } from "@paycross/client";

export interface PollPolicy {
  /** First look after submitting. */
  initialDelayMs: number;
  /** Growth per attempt. */
  multiplier: number;
  /** Cap of the gap between two looks (the worst detection lag, before jitter). */
  maxDelayMs: number;
  /** ± fraction of jitter on each delay (0.2 = ±20%), so thousands of tasks do not ask in lockstep. */
  jitter: number;
  /** `Retry-After` is honoured up to this; longer values are clamped to it. */
  maxRetryAfterMs: number;
  /** Floor for any delay, whatever `Retry-After` said (0 would be a busy loop). */
  minDelayMs: number;
  /** Ask `status_url` first and read the result once it says completed, instead of asking `response_url` directly. */
  checkStatusFirst: boolean;
  /** Follow-up of an `incomplete` transaction: first look and cap. */
  followUpInitialDelayMs: number;
  followUpMaxDelayMs: number;
  /**
   * With a notification expected (the request names a `notification_url` and `webhook` is configured),
   * looks are at least this far apart: the notification resolves the task, polling is the safety net for
   * one that is lost. 0 turns this off.
   */
  notifiedPollDelayMs: number;
}

// Async mode is for slow operations: a first look at 0.5 s and a 1 s cap spend few reads on a task that
// takes seconds, and bound the detection lag at about 1 s (bench/poller-efficiency.mjs measures both).
export const DEFAULT_POLICY: PollPolicy = {
  initialDelayMs: 500,
  multiplier: 2,
  maxDelayMs: 1_000,
  jitter: 0.2,
  maxRetryAfterMs: 30_000,
  minDelayMs: 50,
  checkStatusFirst: false,
  followUpInitialDelayMs: 1_000,
  followUpMaxDelayMs: 5_000,
  notifiedPollDelayMs: 10_000,
};

export function resolvePolicy(partial: Partial<PollPolicy> = {}): PollPolicy {
  const p = { ...DEFAULT_POLICY, ...partial };
  for (const key of [
    "initialDelayMs",
    "maxDelayMs",
    "maxRetryAfterMs",
    "minDelayMs",
    "followUpInitialDelayMs",
    "followUpMaxDelayMs",
    "notifiedPollDelayMs",
  ] as const) {
    if (!Number.isFinite(p[key]) || p[key] < 0)
      throw payCrossError("config", `policy.${key} must be a non-negative number, got ${p[key]}`);
  }
  if (!(p.multiplier >= 1))
    throw payCrossError("config", `policy.multiplier must be >= 1, got ${p.multiplier}`);
  if (!(p.jitter >= 0 && p.jitter < 1))
    throw payCrossError("config", `policy.jitter must be in [0, 1), got ${p.jitter}`);
  return p;
}

/** The delay before attempt `attempt` (0-based) of a phase. */
export function pollDelay(
  policy: PollPolicy,
  attempt: number,
  phase: "polling" | "follow_up",
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const [first, cap] =
    phase === "polling"
      ? [policy.initialDelayMs, policy.maxDelayMs]
      : [policy.followUpInitialDelayMs, policy.followUpMaxDelayMs];
  let delay = Math.min(cap, first * policy.multiplier ** Math.min(attempt, 40));
  delay *= 1 - policy.jitter + 2 * policy.jitter * random();
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs))
    delay = Math.max(delay, Math.min(retryAfterMs, policy.maxRetryAfterMs));
  return Math.min(Math.max(Math.round(delay), policy.minDelayMs), MAX_TIMER_MS);
}
