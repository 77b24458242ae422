/**
 * The follow-up phase uses its real age, as polling does: `followUpSince` records when it began and
 * `pollDelay` gets now − followUpSince, so a follow-up slowed by Retry-After reaches its tail by time, not
 * by the look count, and a task that polled for long starts its follow-up at the ramp. States written by
 * 0.1 (no `followUpSince`) still load and follow up (age estimated from `attempt`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Transaction } from "@paycross/client";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, FileStore, pollDelay } from "../src/index.js";
import { type Answer, next, type Step } from "../src/lifecycle.js";
import { olderFollowUp, pendingState } from "./states.js";

const policy = DEFAULT_POLICY;
const env = (now: number) => ({ policy, now, random: () => 0 });
const tx = (status: Transaction["status"]) => ({ uid: "u1", status, type: "payment" }) as Transaction;
const incomplete: Answer = {
  look: "result",
  type: "completed",
  data: { transaction: tx("incomplete") } as never,
};
const stillIncomplete: Answer = { look: "follow_up", type: "transaction", transaction: tx("incomplete") };
const delayOf = (step: Step) => (step.action as { delayMs: number }).delayMs;

describe("the follow-up phase uses its real age", () => {
  it("entering the follow-up records when it began", () => {
    const s = pendingState({ submittedAt: 1_000_000 });
    const step = next(s, incomplete, env(1_005_000));
    expect(step.state).toMatchObject({ phase: "follow_up", followUpSince: 1_005_000, attempt: 1 });
  });

  it("a follow-up slowed by Retry-After gets a tail-sized gap once its real age is past the tail", () => {
    const start = 1_000_000;
    let step = next(pendingState({ submittedAt: start - 10_000 }), incomplete, env(start));
    let now = start + delayOf(step);
    const retry = { look: "follow_up", type: "retry", reason: "429", retryAfterMs: 120_000 } as const;
    step = next(step.state, retry, env(now));
    while (now - start < policy.tailAfterMs + 2 * policy.followUpMaxDelayMs) {
      now += delayOf(step);
      step = next(step.state, stillIncomplete, env(now));
    }
    const age = now - start; // the follow-up's age, not the task's
    expect(delayOf(step)).toBe(Math.max(policy.followUpMaxDelayMs, Math.round(policy.tailGrowth * age)));
    expect(delayOf(step)).toBe(pollDelay(policy, step.state.attempt - 1, "follow_up", { ageMs: age }));
  });

  it("a task that polled for an hour starts its follow-up at the ramp (the phase's age, not the task's)", () => {
    const now = 10_000_000;
    const step = next(pendingState({ submittedAt: now - 3_600_000 }), incomplete, env(now));
    expect(delayOf(step)).toBeLessThanOrEqual(policy.followUpInitialDelayMs);
    const next1 = next(step.state, stillIncomplete, env(now + delayOf(step)));
    expect(delayOf(next1)).toBeLessThanOrEqual(policy.followUpMaxDelayMs);
  });

  it("a follow-up stored by 0.1 (no followUpSince) is estimated from its attempt count, as before", () => {
    const s = olderFollowUp({ attempt: 40 });
    const step = next(s, stillIncomplete, env(Date.now()));
    expect(delayOf(step)).toBe(pollDelay(policy, 40, "follow_up", { random: () => 0 }));
    expect(step.state.followUpSince).toBeUndefined();
  });
});

describe("FileStore loads follow-up states with and without followUpSince", () => {
  const dir = mkdtempSync(join(tmpdir(), "poller-follow-up-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a file written by 0.1 opens; the state loads unchanged; followUpSince round-trips", async () => {
    const path = join(dir, "tasks.jsonl");
    const old = olderFollowUp();
    writeFileSync(path, `${JSON.stringify({ put: old })}\n`); // a line exactly as 0.1 appended it
    const a = await FileStore.open(path);
    expect(await a.get(old.id)).toEqual(old);
    const now = olderFollowUp({ followUpSince: 1_234_567 });
    await a.put(now);
    await a.close();
    const b = await FileStore.open(path);
    expect(await b.get(old.id)).toEqual(old);
    expect((await b.get(now.id))?.followUpSince).toBe(1_234_567);
    await b.close();
  });

  it("a followUpSince that is not a number is refused by name", async () => {
    const path = join(dir, "bad.jsonl");
    writeFileSync(path, `${JSON.stringify({ put: olderFollowUp({ followUpSince: "soon" as never }) })}\n`);
    await expect(FileStore.open(path)).rejects.toThrow(/followUpSince/);
  });
});
