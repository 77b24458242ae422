/** The chaos run's submitter: every task submitted from the test process, each waiter registered at once. */
import { randomUUID } from "node:crypto";
import { TEST_CARDS } from "@paycross/mock-gateway";
import type { Outcome, Poller, TaskHandle } from "@paycross/poller";

export type Card = keyof typeof TEST_CARDS;

export interface Submission {
  /** Resolves when every task is submitted. */
  submitted: Promise<unknown>;
  /** Each task's outcome promise and task id, by plan index (filled as submits answer). */
  results: Array<Promise<Outcome>>;
  ids: string[];
  /** Live counters: next plan index taken, resubmits of lost answers, waiters resolved. */
  counts: { next: number; resubmits: number; resolved: number };
}

function paymentRequest(i: number, card: Card) {
  return {
    amount: 100 + (i % 900),
    currency: "USD",
    description: `chaos ${i}`,
    tracking_id: `chaos-${process.pid}-${i}`,
    duplicate_check: false,
    credit_card: { number: TEST_CARDS[card], verification_value: "123", exp_month: "05", exp_year: "2030" },
  };
}

/** Submits `plan` (one test card per task) with `inFlight` submits at a time. */
export function submitAll(
  front: Poller,
  plan: readonly Card[],
  inFlight: number,
  waitMs: number,
): Submission {
  const n = plan.length;
  const s: Submission = {
    submitted: Promise.resolve(),
    results: new Array(n),
    ids: new Array(n),
    counts: { next: 0, resubmits: 0, resolved: 0 },
  };
  const submitter = async () => {
    for (let i = s.counts.next++; i < n; i = s.counts.next++) {
      const request = paymentRequest(i, plan[i]!);
      // A submit whose answer was lost is sent again with the same idempotency key: the same task.
      const idempotencyKey = randomUUID();
      let t: TaskHandle | undefined;
      for (let attempt = 1; !t; attempt++) {
        t = await front.submit("payment", request, { idempotencyKey }).catch((e) => {
          if (attempt >= 10) throw e;
          s.counts.resubmits++;
          return undefined;
        });
      }
      s.ids[i] = t.id;
      s.results[i] = t.result({ deadline: Date.now() + waitMs }).finally(() => s.counts.resolved++);
    }
  };
  s.submitted = Promise.all(Array.from({ length: inFlight }, submitter));
  return s;
}
