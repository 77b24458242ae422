/**
 * Issue 11, "outcomes are facts", through the real client and the mock gateway: a passing 5xx or a lost
 * answer on the result URL never becomes a task's outcome; a 5xx the gateway really handed out once does.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createPoller, MemoryStore, type Outcome } from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(gwOptions: Parameters<typeof gateway>[0] = {}) {
  const { gw, client } = await gateway(gwOptions);
  const store = new MemoryStore();
  const poller = createPoller({ client, store, policy: FAST, concurrency: 8 });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  return { gw, client, poller, store };
}

const kinds = (outcomes: Outcome[]) =>
  outcomes.map((o) => (o.kind === "completed" ? `completed:${o.transaction?.status}` : `${o.kind}`));

describe("a transient 5xx on the result URL is a candidate, never the outcome", () => {
  for (const status of [500, 502, 503, 504]) {
    it(`paid tasks end completed through 30% transient ${status}s on result URLs`, async () => {
      const { gw, poller } = await setup();
      gw.faults.set([{ kind: "error", status, rate: 0.3, routes: ["getAsyncResult"] }], status);
      const outcomes = await Promise.all(Array.from({ length: 40 }, () => poller.run("payment", payment())));
      expect(kinds(outcomes)).toEqual(Array(40).fill("completed:successful"));
      expect(gw.stats.byOperation.createPaymentAsync).toBe(40);
    });
  }

  it("connection resets on the result URL never end a paid task", async () => {
    const { gw, poller } = await setup();
    gw.faults.set([{ kind: "reset", rate: 0.3, routes: ["getAsyncResult"] }], 7);
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => poller.run("payment", payment())));
    expect(kinds(outcomes)).toEqual(Array(30).fill("completed:successful"));
  });

  it("a 500 the gateway hands out once becomes the result after the following 404", async () => {
    const { gw, poller, store } = await setup();
    const events: string[] = [];
    const task = await poller.submit("payment", payment("error"));
    const outcome = await task.result({
      onProgress: (e) => {
        if (e.type === "answer") events.push(String(e.status));
      },
    });
    expect(outcome).toMatchObject({ kind: "failed", status: 500 });
    expect(events.slice(-2)).toEqual(["500", "404"]);
    expect((await store.get(task.id))?.outcome).toMatchObject({ kind: "failed", status: 500 });
    expect(gw.stats.byOperation.createPaymentAsync).toBe(1);
  });

  it("read-once 500s and transient 500s mixed: each task gets its own truth", async () => {
    const { gw, poller } = await setup();
    gw.faults.set([{ kind: "error", status: 500, rate: 0.2, routes: ["getAsyncResult"] }], 11);
    const cards = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0 ? ("error" as const) : ("successful" as const),
    );
    const outcomes = await Promise.all(cards.map((c) => poller.run("payment", payment(c))));
    expect(kinds(outcomes)).toEqual(cards.map((c) => (c === "error" ? "failed" : "completed:successful")));
  });
});
