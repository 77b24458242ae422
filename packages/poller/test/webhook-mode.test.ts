/**
 * Issue 16, webhook mode end to end: the mock gateway POSTs a signed notification to a loopback receiver
 * that hands it to `handleNotification`. With a notification expected, polling stands down to the
 * safety-net cadence (`notifiedPollDelayMs`), so the notification alone resolves the task (no read); a lost
 * notification is covered by that safety net.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createPoller, DEFAULT_POLICY, type Poller, SharedMemoryStore } from "../src/index.js";
import { next } from "../src/lifecycle.js";
import type { TaskState } from "../src/task.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A loopback receiver that hands every notification to the poller (or drops it: a lost notification). */
async function receiver(target: () => Poller | undefined, drop = false) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const poller = target();
      if (drop || !poller) return void res.writeHead(503).end();
      poller.handleNotification({ headers: req.headers, body: Buffer.concat(chunks) }).then(
        () => res.writeHead(200).end("OK"),
        () => res.writeHead(401).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/paycross`;
}

async function setup(notifiedPollDelayMs: number, drop = false) {
  const { gw, client } = await gateway({ asyncDelayMs: 100 });
  let poller: Poller | undefined;
  const url = await receiver(() => poller, drop);
  poller = createPoller({
    client,
    policy: { ...FAST, notifiedPollDelayMs },
    webhook: { publicKey: gw.webhooks.publicKey },
  });
  cleanups.push(
    () => gw.close(),
    () => poller!.close(),
  );
  return { gw, poller, url };
}

describe("with a notification expected, the notification resolves the task without a read", () => {
  it("outcome from the signed notification; no status or result read at all", async () => {
    const { poller, url } = await setup(60_000);
    const task = await poller.submit("payment", payment("successful", { notification_url: url }));
    expect(task.state.notified).toBe(true);
    const outcome = await task.result({ deadline: Date.now() + 20_000 });
    expect(outcome).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(poller.stats.requests).toBe(0);
  });

  it("a lost notification is covered by the safety-net poll", async () => {
    const { poller, url } = await setup(300, true);
    const task = await poller.submit("payment", payment("failed", { notification_url: url }));
    const outcome = await task.result({ deadline: Date.now() + 20_000 });
    expect(outcome).toMatchObject({ kind: "completed", transaction: { status: "failed" } });
    expect(poller.stats.requests).toBeGreaterThan(0);
  });

  it("without a notification_url (or without webhook) the task polls as usual", async () => {
    const { poller } = await setup(60_000);
    const task = await poller.submit("payment", payment("successful"));
    expect(task.state.notified).toBeUndefined();
    expect(await task.result({ deadline: Date.now() + 20_000 })).toMatchObject({ kind: "completed" });
  });
});

describe("lifecycle: a task expecting a notification polls no faster than notifiedPollDelayMs", () => {
  it("every next look is at least notifiedPollDelayMs away, in both phases", () => {
    const policy = { ...DEFAULT_POLICY, notifiedPollDelayMs: 10_000 };
    const base: TaskState = {
      version: 1,
      id: "r1",
      operation: "payment",
      statusUrl: "http://127.0.0.1/s",
      responseUrl: "http://127.0.0.1/r",
      submittedAt: 0,
      phase: "polling",
      attempt: 0,
      notified: true,
    };
    for (const answer of [
      { look: "result", type: "processing" },
      { look: "result", type: "retry", reason: "429" },
      { look: "follow_up", type: "retry", reason: "network" },
    ] as const) {
      const step = next(base, answer, { policy, now: 1 });
      expect(step.action).toMatchObject({ type: "poll" });
      expect((step.action as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(10_000);
    }
    const plain = next(
      { ...base, notified: undefined },
      { look: "result", type: "processing" },
      { policy, now: 1 },
    );
    expect((plain.action as { delayMs: number }).delayMs).toBeLessThan(10_000);
  });
});

describe("worker mode on a shared store", () => {
  it("a worker does not read a task expecting a notification before the safety-net time", async () => {
    const { gw, client } = await gateway({ asyncDelayMs: 100 });
    const store = new SharedMemoryStore();
    let front: Poller | undefined;
    const url = await receiver(() => front);
    const options = {
      client,
      store,
      policy: { ...FAST, notifiedPollDelayMs: 60_000 },
      webhook: { publicKey: gw.webhooks.publicKey },
      claimIntervalMs: 20,
    };
    const worker = createPoller({ ...options, mode: "worker" });
    front = createPoller({ ...options, mode: "client" });
    cleanups.push(
      () => gw.close(),
      () => worker.close(),
      () => front!.close(),
    );
    const task = await front.submit("payment", payment("successful", { notification_url: url }));
    const outcome = await task.result({ deadline: Date.now() + 20_000 });
    expect(outcome).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(worker.stats.requests + front.stats.requests).toBe(0);
  });
});
