/**
 * The poll policy as a pure function (issue 16): gaps of 99% of the tasks bounded by the cap, the tail's
 * gaps growing with age, jitter that never widens a gap, Retry-After honoured but clamped.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { next, type Step } from "../src/lifecycle.js";
import { DEFAULT_POLICY, type PollPolicy, pollDelay, resolvePolicy } from "../src/policy.js";
import { pendingState } from "./states.js";

const MAX_TIMER_MS = 2_147_483_647;

/** The looks' times (from the phase start) of one task with jitter `u` on its first look. */
function schedule(p: PollPolicy, until: number, u = 0.5): number[] {
  const times: number[] = [];
  let t = 0;
  for (let k = 0; t < until && k < 100_000; k++) {
    t += pollDelay(p, k, "polling", undefined, () => u);
    times.push(t);
  }
  return times;
}

const policies = fc.record({
  initialDelayMs: fc.integer({ min: 0, max: 10_000 }),
  multiplier: fc.double({ min: 1, max: 4, noNaN: true }),
  maxDelayMs: fc.integer({ min: 0, max: 30_000 }),
  jitter: fc.double({ min: 0, max: 0.99, noNaN: true }),
  tailAfterMs: fc.integer({ min: 0, max: 600_000 }),
  tailGrowth: fc.double({ min: 0, max: 2, noNaN: true }),
  minDelayMs: fc.integer({ min: 0, max: 1_000 }),
});

describe("pollDelay", () => {
  it("before the tail, no gap after the first look exceeds maxDelayMs (the p99 lag bound)", () => {
    const p = DEFAULT_POLICY;
    const times = schedule(p, p.tailAfterMs);
    // The age is counted from the nominal first look: the jittered one is up to initial × jitter earlier.
    const tailStarts = p.tailAfterMs - p.initialDelayMs * p.jitter;
    for (let i = 1; i < times.length; i++)
      if (times[i - 1]! < tailStarts) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(p.maxDelayMs);
    expect(times[0]).toBeLessThanOrEqual(p.initialDelayMs);
  });

  it("in the tail, gaps grow with the task's age, at tailGrowth × age, never below the cap", () => {
    const p = DEFAULT_POLICY;
    const times = schedule(p, 24 * 3_600_000, 0);
    const tail = times.filter((t) => t > p.tailAfterMs + p.maxDelayMs);
    expect(tail.length).toBeGreaterThan(10);
    for (let i = 1; i < times.length; i++) {
      const [before, at] = [times[i - 1]!, times[i]!];
      if (before < p.tailAfterMs) continue;
      const gap = at - before;
      expect(gap).toBeGreaterThanOrEqual(p.maxDelayMs);
      // The nominal age runs ahead of the real one by at most the first look's jitter and rounding.
      expect(gap).toBeLessThanOrEqual(Math.max(p.maxDelayMs, p.tailGrowth * before) * 1.05 + 2);
    }
    // A task pending a day is looked at a few hundred times, not 86,400.
    expect(times.length).toBeLessThan(200);
  });

  it("jitter moves the first look earlier only, and no later gap depends on it", () => {
    const p = DEFAULT_POLICY;
    const early = schedule(p, 120_000, 0.999);
    const late = schedule(p, 120_000, 0);
    expect(late[0]).toBe(p.initialDelayMs);
    expect(early[0]).toBeGreaterThanOrEqual(Math.round(p.initialDelayMs * (1 - p.jitter)));
    const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);
    expect(gaps(early).slice(0, 50)).toEqual(gaps(late).slice(0, 50));
  });

  it("any policy, attempt and Retry-After: an integer within [minDelayMs, MAX_TIMER_MS], Retry-After honoured up to maxRetryAfterMs", () => {
    fc.assert(
      fc.property(
        policies,
        fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 2 ** 31 })),
        fc.option(fc.oneof(fc.double(), fc.integer({ min: 0, max: 10_000_000 })), { nil: undefined }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (partial, attempt, retryAfter, u) => {
          const p = resolvePolicy(partial);
          const d = pollDelay(p, attempt, "polling", retryAfter, () => u);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(p.minDelayMs);
          expect(d).toBeLessThanOrEqual(MAX_TIMER_MS);
          if (retryAfter !== undefined && Number.isFinite(retryAfter))
            expect(d).toBeGreaterThanOrEqual(
              Math.min(Math.round(Math.min(retryAfter, p.maxRetryAfterMs)), MAX_TIMER_MS),
            );
        },
      ),
    );
  });

  it("tailGrowth 0 turns the tail off: the cap holds forever", () => {
    const p = { ...DEFAULT_POLICY, tailGrowth: 0 };
    expect(pollDelay(p, 1_000_000, "polling")).toBe(p.maxDelayMs);
    expect(pollDelay(p, 1_000_000, "follow_up")).toBe(p.followUpMaxDelayMs);
  });

  it("a bad tail setting is a config error naming it", () => {
    expect(() => resolvePolicy({ tailGrowth: -1 })).toThrow(/policy\.tailGrowth/);
    expect(() => resolvePolicy({ tailAfterMs: Number.NaN })).toThrow(/policy\.tailAfterMs/);
  });

  it("the tail uses the task's real age: a task that got Retry-After: 120 early gets a tail-sized gap afterwards", () => {
    const policy = DEFAULT_POLICY;
    const submittedAt = 1_000_000;
    const env = (now: number) => ({ policy, now, random: () => 0 });
    let now = submittedAt + policy.initialDelayMs;
    const retry = { look: "result", type: "retry", reason: "429", retryAfterMs: 120_000 } as const;
    let step: Step = next(pendingState({ submittedAt }), retry, env(now));
    expect(step.action).toMatchObject({ type: "poll", delayMs: policy.maxRetryAfterMs }); // clamped
    // "Later" at every look until the task is past the tail: ~30 looks, where the look count says ~60.
    while (now - submittedAt < policy.tailAfterMs + 2 * policy.maxDelayMs) {
      now += (step.action as { delayMs: number }).delayMs;
      step = next(step.state, { look: "result", type: "processing" }, env(now));
    }
    expect(step.state.attempt).toBeLessThan(40);
    const age = now - submittedAt;
    expect((step.action as { delayMs: number }).delayMs).toBe(Math.round(policy.tailGrowth * age));
  });

  it("pollDelay(options): the positional form is unchanged; a real age past tailAfterMs gives tailGrowth × age", () => {
    fc.assert(
      fc.property(
        policies,
        fc.integer({ min: 0, max: 500 }),
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (partial, attempt, retryAfterMs, u, ageMs) => {
          const p = resolvePolicy(partial);
          const random = () => u;
          for (const phase of ["polling", "follow_up"] as const)
            expect(pollDelay(p, attempt, phase, { retryAfterMs, random })).toBe(
              pollDelay(p, attempt, phase, retryAfterMs, random),
            );
          const d = pollDelay(p, attempt + 1, "polling", { ageMs, random });
          const ramp = pollDelay({ ...p, tailGrowth: 0 }, attempt + 1, "polling", { random });
          if (ageMs < p.tailAfterMs || p.tailGrowth === 0) expect(d).toBe(ramp);
          else
            expect(d).toBe(
              Math.min(
                Math.max(Math.round(Math.max(p.maxDelayMs, p.tailGrowth * ageMs)), p.minDelayMs),
                MAX_TIMER_MS,
              ),
            );
        },
      ),
    );
  });
});
