/**
 * `poller.stats.requests` counts every request the poller sends for its tasks (status and result reads,
 * follow-ups, recovery, notification confirmations), in every mode: it must equal what the gateway saw.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createPoller, MemoryStore, type Poller, SharedMemoryStore } from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The gateway's count of reads (every GET operation: async status/result, status queries). */
const reads = (byOperation: Record<string, number>) =>
  Object.entries(byOperation)
    .filter(([op]) => op.startsWith("get"))
    .reduce((sum, [, n]) => sum + n, 0);

async function runAll(submitter: Poller, n: number) {
  const tasks = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      submitter.submit("payment", payment(i % 2 ? "incomplete" : "successful")),
    ),
  );
  return Promise.all(tasks.map((t) => t.result({ deadline: Date.now() + 20_000 })));
}

describe("stats.requests counts the requests sent, in every mode", () => {
  it("own store (both mode): equals the gateway's reads", async () => {
    const { gw, client } = await gateway();
    const poller = createPoller({ client, store: new MemoryStore(), policy: FAST });
    cleanups.push(
      () => gw.close(),
      () => poller.close(),
    );
    const outcomes = await runAll(poller, 6);
    expect(outcomes.every((o) => o.kind === "completed")).toBe(true);
    expect(poller.stats.requests).toBeGreaterThan(0);
    expect(poller.stats.requests).toBe(reads(gw.stats.byOperation));
  });

  it("worker mode: the worker's count equals the gateway's reads; the client-mode poller sent none", async () => {
    const { gw, client } = await gateway();
    const store = new SharedMemoryStore();
    const worker = createPoller({ client, store, policy: FAST, mode: "worker", claimIntervalMs: 20 });
    const front = createPoller({ client, store, policy: FAST, mode: "client" });
    cleanups.push(
      () => gw.close(),
      () => worker.close(),
      () => front.close(),
    );
    const outcomes = await runAll(front, 6);
    expect(outcomes.every((o) => o.kind === "completed")).toBe(true);
    expect(worker.stats.requests).toBeGreaterThan(0);
    expect(front.stats.requests + worker.stats.requests).toBe(reads(gw.stats.byOperation));
  });
});
