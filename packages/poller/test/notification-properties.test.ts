/**
 * Property: whatever authentic notifications arrive, in any order and for any transactions, a task is
 * never moved backwards: once it knows its transaction's uid no other transaction resolves it, once done
 * its outcome never changes, and only a final status ends it.
 */
import type { Transaction } from "@paycross/client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Answer, next } from "../src/lifecycle.js";
import { taskUid } from "../src/match.js";
import { DEFAULT_POLICY } from "../src/policy.js";
import { isFinalStatus, type TaskState } from "../src/task.js";

const base: TaskState = {
  version: 1,
  id: "req-1",
  operation: "payment",
  statusUrl: "http://127.0.0.1/s",
  responseUrl: "http://127.0.0.1/r",
  trackingId: "order-1",
  submittedAt: Date.parse("2026-01-01T00:00:00Z"),
  phase: "polling",
  attempt: 0,
};

const notification = fc.record({
  uid: fc.constantFrom("tx-a", "tx-b", "tx-c"),
  status: fc.constantFrom("successful", "failed", "incomplete", "pending", "expired", "error"),
  type: fc.constantFrom("payment", "refund", "authorization"),
  tracking_id: fc.constantFrom("order-1", "order-2"),
  created_at: fc.constantFrom("2025-12-31T00:00:00Z", "2026-01-01T00:00:05Z"),
});

describe("notifications never move a task backwards (property)", () => {
  it("uid fixed once known, outcome fixed once done, done only on a final status", () => {
    fc.assert(
      fc.property(fc.array(notification, { maxLength: 30 }), (txs) => {
        let s = base;
        let uid: string | undefined;
        let outcome: string | undefined;
        for (const tx of txs) {
          const answer: Answer = { look: "notification", type: "confirmed", transaction: tx as Transaction };
          const step = next(s, answer, { policy: DEFAULT_POLICY, now: base.submittedAt + 1_000 });
          s = step.state;
          const known = s.phase === "done" ? undefined : taskUid(s);
          if (uid !== undefined && known !== undefined) expect(known).toBe(uid);
          uid ??= known;
          if (outcome !== undefined) expect(JSON.stringify(s.outcome)).toBe(outcome);
          if (s.phase === "done" && outcome === undefined) {
            outcome = JSON.stringify(s.outcome);
            expect(isFinalStatus(tx.status)).toBe(true);
            expect(tx.type).toBe("payment");
            if (uid !== undefined) expect(tx.uid).toBe(uid);
            else expect(tx.tracking_id).toBe("order-1");
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("after unknown, a notification corrects once and only forwards (property)", () => {
  const unknown: TaskState = {
    ...base,
    phase: "done",
    outcome: { kind: "unknown", reason: "expired_or_already_read", recovered: [] },
  };
  const failed: TaskState = { ...base, phase: "done", outcome: { kind: "failed", status: 422, body: {} } };

  it("unknown becomes a result at most once, on a final status of the task's own kind; a result never changes", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(unknown, failed),
        fc.array(notification, { maxLength: 30 }),
        (start, txs) => {
          let s = start;
          let changes = 0;
          for (const tx of txs) {
            const answer: Answer = {
              look: "notification",
              type: "confirmed",
              transaction: tx as Transaction,
            };
            const step = next(s, answer, { policy: DEFAULT_POLICY, now: base.submittedAt + 1_000 });
            expect(step.state.phase).toBe("done");
            if (JSON.stringify(step.state.outcome) !== JSON.stringify(s.outcome)) {
              changes++;
              expect(s.outcome?.kind).toBe("unknown");
              expect(step.state.outcome).toMatchObject({ kind: "completed", transaction: { uid: tx.uid } });
              expect(isFinalStatus(tx.status)).toBe(true);
              expect(tx).toMatchObject({ type: "payment", tracking_id: "order-1" });
              expect(Date.parse(tx.created_at)).toBeGreaterThanOrEqual(base.submittedAt - 30_000);
            }
            s = step.state;
          }
          expect(changes).toBeLessThanOrEqual(start === unknown ? 1 : 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
