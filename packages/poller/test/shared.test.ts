/**
 * Issue 12, worker mode on a shared store (in process, SharedMemoryStore): the same `createPoller` API;
 * workers claim due tasks under leases; a client-mode poller only submits and waits and is resolved by
 * outcomes other pollers store; a dead worker's tasks are taken over; a webhook handled anywhere resolves
 * the waiter wherever it waits.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createPoller, type Outcome, type PollerOptions, SharedMemoryStore } from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function cluster(workers: number, extra: Partial<PollerOptions> = {}, gwOptions = {}) {
  const { gw, client } = await gateway(gwOptions);
  const store = new SharedMemoryStore();
  const ws = Array.from({ length: workers }, () =>
    createPoller({
      client,
      store,
      policy: FAST,
      mode: "worker",
      claimIntervalMs: 20,
      leaseMs: 2_000,
      ...extra,
    }),
  );
  const front = createPoller({ client, store, policy: FAST, mode: "client" });
  cleanups.push(
    () => gw.close(),
    ...ws.map((w) => () => w.close()),
    () => front.close(),
  );
  return { gw, client, store, workers: ws, front };
}

const summary = (o: Outcome) => (o.kind === "completed" ? `completed:${o.transaction?.status}` : o.kind);

describe("worker mode on a shared store", () => {
  it("two workers finish every task a client-mode poller submitted; each right, none twice", async () => {
    const { front, workers, gw } = await cluster(2, {}, {});
    gw.faults.set([{ kind: "error", status: 500, rate: 0.1, routes: ["getAsyncResult"] }], 5);
    const cards = ["successful", "failed", "incomplete", "incomplete_failed", "error"] as const;
    const plan = Array.from({ length: 50 }, (_, i) => cards[i % cards.length]!);
    const outcomes = await Promise.all(plan.map((c) => front.run("payment", payment(c))));
    const expected = {
      successful: "completed:successful",
      failed: "completed:failed",
      incomplete: "completed:successful",
      incomplete_failed: "completed:failed",
      error: "failed",
    };
    expect(outcomes.map(summary)).toEqual(plan.map((c) => expected[c]));
    expect(new Set(outcomes.map((o) => o.state.id)).size).toBe(50);
    expect(front.stats.requests).toBe(0); // the client-mode poller never polls
    // The workers made every read between them (at least one per task). How they share the work is not a
    // rule: one worker's claim can take every due task (it failed once in CI when one worker took all 50).
    expect(workers.reduce((n, w) => n + w.stats.requests, 0)).toBeGreaterThanOrEqual(50);
    expect(gw.stats.byOperation.createPaymentAsync).toBe(50);
  });

  it("tasks leased by a worker that died are taken over once the lease expires", async () => {
    const { front, store, client } = await cluster(0);
    const tasks = await Promise.all(Array.from({ length: 10 }, () => front.submit("payment", payment())));
    const dead = await store.claim("dead-worker", 100, 300); // claimed, then never written: a crash
    expect(dead.length).toBe(10);
    const waiting = Promise.all(tasks.map((t) => t.result()));
    const survivor = createPoller({
      client,
      store,
      policy: FAST,
      mode: "worker",
      claimIntervalMs: 20,
    });
    cleanups.push(() => survivor.close());
    const outcomes = await waiting;
    expect(outcomes.map(summary)).toEqual(Array(10).fill("completed:successful"));
    expect(await store.claim("probe", 100, 10)).toEqual([]); // all done: nothing left to claim
  });

  it("a webhook handled by a worker resolves the waiter of a client-mode poller", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pub = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const slow = { ...FAST, followUpInitialDelayMs: 60_000, followUpMaxDelayMs: 60_000 };
    const { front, workers, store } = await cluster(
      1,
      { webhook: { publicKey: pub }, policy: slow },
      {
        incompleteResolveMs: 60_000,
      },
    );
    const task = await front.submit("payment", payment("incomplete"));
    const waiting = task.result();
    await expect.poll(async () => (await store.get(task.id))?.phase, { timeout: 10_000 }).toBe("follow_up");
    const tx = ((await store.get(task.id))!.result as { transaction: { uid: string } }).transaction;
    const body = JSON.stringify({ transaction: { ...tx, status: "successful" } });
    const headers = { "content-signature": sign("sha256", Buffer.from(body), privateKey).toString("base64") };
    const handled = await workers[0]!.handleNotification({ headers, body });
    expect(handled.resolved).toEqual([task.id]);
    expect(await waiting).toMatchObject({
      kind: "completed",
      transaction: { uid: tx.uid, status: "successful" },
    });
  });
});
