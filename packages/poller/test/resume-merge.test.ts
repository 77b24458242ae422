/**
 * `resume(state)` of a task already driven in this process keeps the stronger fact of the two states (the
 * stores' rule, `mergeFacts`): an outcome where memory has none, a result where memory has `unknown`; a
 * fact in memory is never dropped for a weaker passed state. What the merge brings reaches the waiters
 * here and `onCorrected`.
 */
import { createClient, type Transaction } from "@paycross/client";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { type Correction, createPoller, type PollerOptions, type TaskState } from "../src/index.js";
import { FAST } from "./helpers.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// No request is ever sent: nothing here waits long enough for a look (the first is a minute away).
const BASE_URL = "http://127.0.0.1:9";
const client = createClient({ shopId: "1", secretKey: "not-a-secret", baseUrl: BASE_URL, retry: false });
const NEVER_LOOKS = { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000, followUpInitialDelayMs: 60_000 };

function poller(extra: Partial<PollerOptions> = {}) {
  const p = createPoller({ client, policy: NEVER_LOOKS, telemetry: false, ...extra });
  cleanups.push(() => p.close());
  return p;
}

const tx = (status: Transaction["status"], uid = "uid-1") =>
  ({ uid, status, type: "payment", tracking_id: "order-1" }) as Transaction;
const pending: TaskState = {
  version: 1,
  id: "req-1",
  operation: "payment",
  statusUrl: `${BASE_URL}/async/status/req-1`,
  responseUrl: `${BASE_URL}/async/result/req-1`,
  trackingId: "order-1",
  submittedAt: Date.parse("2026-01-01T00:00:00Z"),
  phase: "polling",
  attempt: 2,
};
const following: TaskState = {
  ...pending,
  phase: "follow_up",
  attempt: 1,
  result: { transaction: tx("incomplete") } as never,
};
const candidate: TaskState = {
  ...pending,
  candidate: { status: 502, body: { message: "bad gateway" }, receivedAt: pending.submittedAt + 5 },
};
const unknown: TaskState = {
  ...pending,
  phase: "done",
  outcome: { kind: "unknown", reason: "expired_or_already_read", recovered: [] },
};
const completed = (status: Transaction["status"], uid = "uid-1"): TaskState => ({
  ...pending,
  phase: "done",
  outcome: {
    kind: "completed",
    data: { transaction: tx(status, uid) } as never,
    transaction: tx(status, uid),
  },
});
const failed: TaskState = { ...pending, phase: "done", outcome: { kind: "failed", status: 422, body: {} } };

const strength = (s: TaskState) => (!s.outcome ? 0 : s.outcome.kind === "unknown" ? 1 : 2);

describe("resume(state) of a task driven here keeps the stronger fact", () => {
  it("an outcome in the passed state is kept where memory has none, and reaches the waiter here", async () => {
    const p = poller();
    const task = await p.resume(pending);
    const waiting = task.result();
    const again = await p.resume(completed("successful"));
    expect(again.state.outcome).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(await waiting).toMatchObject({ kind: "completed", transaction: { uid: "uid-1" } });
  });

  it("a result in the passed state replaces memory's unknown; a caller told unknown hears onCorrected", async () => {
    const seen: Correction[] = [];
    const p = poller({ onCorrected: (c) => seen.push(c) });
    const task = await p.resume(unknown);
    expect((await task.result()).kind).toBe("unknown");
    expect((await p.resume(failed)).state.outcome).toMatchObject({ kind: "failed", status: 422 });
    expect(seen).toMatchObject([{ taskId: "req-1", told: { kind: "unknown" }, outcome: { kind: "failed" } }]);
    expect((await p.resume(unknown)).state.outcome).toMatchObject({ kind: "failed" }); // never back
  });

  it("memory's facts stay when the passed state is weaker (a kept 200 result, a candidate, an outcome)", async () => {
    const p = poller();
    await p.resume(following);
    expect((await p.resume(pending)).state).toMatchObject({ phase: "follow_up", result: following.result });
    const q = poller();
    await q.resume(candidate);
    expect((await q.resume(pending)).state.candidate).toEqual(candidate.candidate);
    const r = poller();
    await r.resume(completed("failed", "uid-first"));
    const other = await r.resume(completed("successful", "uid-second"));
    expect(other.state.outcome).toMatchObject({ transaction: { uid: "uid-first", status: "failed" } });
  });

  it("property: over any pair of states, the outcome kept is the stronger one, the first result wins", async () => {
    const states = [
      pending,
      following,
      candidate,
      unknown,
      completed("successful"),
      completed("expired"),
      failed,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...states), fc.constantFrom(...states), async (a, b) => {
        const p = createPoller({ client, policy: NEVER_LOOKS, telemetry: false, onCorrected: () => {} });
        try {
          await p.resume(a);
          const s = (await p.resume(b)).state;
          expect(strength(s)).toBe(Math.max(strength(a), strength(b)));
          const firstResult = [a, b].find((x) => strength(x) === 2);
          if (firstResult) expect(s.outcome).toEqual(firstResult.outcome);
          else if (!s.outcome && (a.result || b.result)) expect(s.result).toBeDefined();
          if (!s.outcome && (a.candidate || b.candidate)) expect(s.candidate).toBeDefined();
        } finally {
          await p.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
