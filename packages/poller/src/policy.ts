/**
 * When to ask next. What the defaults optimise is the p99 detection lag for a given number of reads per
 * task (issue 16): a task completing inside a gap of g waits up to g, so the p99 lag is about the largest
 * gap that 99% of the tasks can complete in. Gaps therefore stay at `maxDelayMs` (a fixed interval, which
 * geometric backoff loses to badly: its gaps grow with every task's age) and only the last percent of
 * tasks, those still pending after `tailAfterMs`, get gaps growing with their age. Jitter shifts the first
 * look of a phase only (the later looks keep that phase), so it spreads tasks without widening any gap.
 * `Retry-After` is honoured but clamped, so a huge or malformed value never becomes a busy loop or a
 * timer overflow.
 */
import { MAX_TIMER_MS, payCrossError } from "@paycross/client";

export interface PollPolicy {
  /** First look after submitting. */
  initialDelayMs: number;
  /** Growth per attempt. */
  multiplier: number;
  /** Cap of the gap between two looks until `tailAfterMs`: the worst detection lag of 99% of the tasks. */
  maxDelayMs: number;
  /**
   * Fraction by which the first look of a phase is made earlier at random (0.2 = up to 20%), so that tasks
   * submitted together do not ask in lockstep; later looks keep the shift, no gap is ever widened.
   */
  jitter: number;
  /**
   * Age after which a task counts as the tail (while polling: its real age since submission, so a long
   * `Retry-After` counts; in the follow-up: estimated from the look count since the phase began): the
   * issue's heavy-tailed model of a gateway (3-D Secure, bank timeouts) has its p99 completion at ~60 s.
   * Set it at or above your gateway's p99 completion time: below it, the p99 lag grows.
   */
  tailAfterMs: number;
  /** In the tail, looks are this fraction of the task's age apart (at least `maxDelayMs`). 0 turns it off. */
  tailGrowth: number;
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

// A first look at 0.8-1 s and then one look a second bound the detection lag of 99% of the tasks at
// about 1 s; a look earlier than the cap would only add reads (bench/suites/poller-policy.mjs and
// bench/README.md derive and measure both against naive fixed intervals).
export const DEFAULT_POLICY: PollPolicy = {
  initialDelayMs: 1_000,
  multiplier: 2,
  maxDelayMs: 1_000,
  jitter: 0.2,
  tailAfterMs: 60_000,
  tailGrowth: 0.1,
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
    "tailAfterMs",
    "tailGrowth",
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

/**
 * The nominal (unjittered) gap before look `attempt` of a phase. `ageMs`: the task's real age, which
 * decides the tail; without it the age is estimated from `attempt` (each look one gap after the last).
 */
function nominal(first: number, cap: number, policy: PollPolicy, attempt: number, ageMs?: number): number {
  // The ramp: first × multiplier^k up to the cap (at most 40 steps).
  let age = 0;
  let k = 0;
  for (; k < Math.min(attempt, 40); k++) {
    const d = Math.min(cap, first * policy.multiplier ** k);
    if (d >= cap) break;
    age += d;
  }
  const ramp = Math.min(cap, first * policy.multiplier ** Math.min(attempt, 40));
  if (!(policy.tailGrowth > 0)) return ramp;
  if (ageMs !== undefined)
    return ageMs < policy.tailAfterMs ? ramp : Math.max(cap, policy.tailGrowth * ageMs);
  if (k === attempt) return ramp;
  // At the cap until the tail begins: age grows by the cap per look (a 0 cap still moves time on).
  const step = Math.max(cap, policy.minDelayMs, 1);
  const capped = Math.max(0, Math.ceil((policy.tailAfterMs - age) / step));
  if (attempt - k < capped) return ramp;
  // In the tail each gap is tailGrowth × age, so the age grows geometrically from where the tail began.
  const tailAge = Math.max(age + capped * step, step);
  const ratio = 1 + policy.tailGrowth;
  const looks = Math.min(attempt - k - capped, 5_000);
  return Math.max(cap, policy.tailGrowth * tailAge * ratio ** looks);
}

export interface PollDelayOptions {
  /** The gateway's `Retry-After` in ms: honoured up to `maxRetryAfterMs`. */
  retryAfterMs?: number | undefined;
  /** Random numbers in [0, 1) for the first look's jitter. Default `Math.random`. */
  random?: (() => number) | undefined;
  /**
   * The phase's real age in ms (the poller passes now − submit time while polling, now − the follow-up's
   * start while following up). It decides the tail: without it the age is estimated from `attempt`,
   * which undercounts after a `Retry-After` or slow reads.
   */
  ageMs?: number | undefined;
}

/** The delay before attempt `attempt` (0-based) of a phase. */
export function pollDelay(
  policy: PollPolicy,
  attempt: number,
  phase: "polling" | "follow_up",
  retryAfterMs?: number,
  random?: () => number,
): number;
export function pollDelay(
  policy: PollPolicy,
  attempt: number,
  phase: "polling" | "follow_up",
  options?: PollDelayOptions,
): number;
export function pollDelay(
  policy: PollPolicy,
  attempt: number,
  phase: "polling" | "follow_up",
  retryAfterOrOptions?: number | PollDelayOptions,
  random?: () => number,
): number {
  const o: PollDelayOptions =
    typeof retryAfterOrOptions === "object" && retryAfterOrOptions !== null
      ? retryAfterOrOptions
      : { retryAfterMs: retryAfterOrOptions, random };
  const [first, cap] =
    phase === "polling"
      ? [policy.initialDelayMs, policy.maxDelayMs]
      : [policy.followUpInitialDelayMs, policy.followUpMaxDelayMs];
  const age = o.ageMs !== undefined && Number.isFinite(o.ageMs) ? Math.max(0, o.ageMs) : undefined;
  let delay = nominal(first, cap, policy, Math.max(0, Math.floor(attempt)), age);
  if (attempt === 0) delay *= 1 - policy.jitter * (o.random ?? Math.random)();
  const retryAfterMs = o.retryAfterMs;
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs))
    delay = Math.max(delay, Math.min(retryAfterMs, policy.maxRetryAfterMs));
  return Math.min(Math.max(Math.round(delay), policy.minDelayMs), MAX_TIMER_MS);
}
