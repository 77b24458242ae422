/**
 * Every write path stores exactly what the poller's `mergeFacts` says, whichever path ran: the one
 * round-trip update (taken only when the merge would return the writer's state) or the locked merge.
 */
import { mergeFacts, mergeFencedFacts, type TaskState } from "@paycross/poller";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { failedOutcome, freshDatabase, taskState, unknownOutcome } from "./helpers.js";

let store: PostgresStore;
beforeAll(async () => {
  store = await PostgresStore.open({ connectionString: await freshDatabase() });
});
afterAll(() => store.close());

const facts = fc.record(
  {
    candidate: fc.record({
      status: fc.constantFrom(500, 502, null),
      body: fc.constant({ message: "x" }),
      receivedAt: fc.integer({ min: 0, max: 10 }),
    }),
    answeredAt: fc.integer({ min: 0, max: 10 }),
    statusCompleted: fc.boolean(),
    result: fc.constant({ transaction: { uid: "u1", status: "successful" } } as never),
    outcome: fc.constantFrom(failedOutcome(422), failedOutcome(500), unknownOutcome),
  },
  { requiredKeys: [] },
);

const withFacts = (s: TaskState, f: Partial<TaskState>, attempt: number): TaskState => ({
  ...s,
  ...f,
  attempt,
  phase: f.outcome ? "done" : "polling",
});

describe("update stores what mergeFacts (holder) or mergeFencedFacts (lease lost) says (property)", () => {
  it("for any stored and incoming facts, holder and fenced writer alike", async () => {
    await fc.assert(
      fc.asyncProperty(facts, facts, fc.boolean(), fc.boolean(), async (sf, inf, same, holder) => {
        const base = taskState();
        const stored = withFacts(base, sf, 1);
        const incoming = withFacts(base, same ? sf : inf, 2);
        await store.put(stored);
        const before = (await store.get(base.id))!;
        const [claimed] = (await store.claim("w", 100, 60_000)).filter((c) => c.state.id === base.id);
        const lease = claimed ? claimed.lease : { id: base.id, owner: "w", token: 0 };
        const result = await store.update(holder ? lease : { ...lease, token: -1 }, incoming, Date.now());
        const after = (await store.get(base.id))!;
        expect(after).toEqual(
          result === "ok" ? mergeFacts(before, incoming) : mergeFencedFacts(before, incoming),
        );
        expect(result).toBe(holder && claimed ? "ok" : "fenced");
        await store.delete(base.id);
      }),
      { numRuns: 60 },
    );
  });
});
