import { generateKeyPairSync, sign } from "node:crypto";
import { PayCrossUntrustedUrlError, PayCrossWebhookError } from "@paycross/client";
import { RESULT_RETENTION_MS } from "@paycross/mock-gateway";
import { afterEach, describe, expect, it } from "vitest";
import {
  createPoller,
  DEFAULT_POLICY,
  MemoryStore,
  type Outcome,
  type ProgressEvent,
  pollDelay,
} from "../src/index.js";
import { FAST, gateway, ManualClock, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function setup(
  gwOptions: Parameters<typeof gateway>[0] = {},
  pollerOptions: Partial<Parameters<typeof createPoller>[0]> = {},
) {
  const { gw, client } = await gateway(gwOptions);
  const store = new MemoryStore();
  const poller = createPoller({ client, store, policy: FAST, ...pollerOptions });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  return { gw, client, poller, store };
}

describe("outcomes", () => {
  it("completed: one await gives the transaction, with few requests", async () => {
    const { poller, gw } = await setup({ asyncDelayMs: 50 });
    const outcome = await poller.run("payment", payment());
    expect(outcome.kind).toBe("completed");
    if (outcome.kind !== "completed") return;
    expect(outcome.transaction?.status).toBe("successful");
    expect(outcome.state.phase).toBe("done");
    expect(gw.stats.byOperation.getAsyncResult).toBeLessThanOrEqual(4);
    expect(poller.stats.requests).toBe(gw.stats.byOperation.getAsyncResult);
    expect(poller.stats.outcomes.completed).toBe(1);
    expect(poller.stats.timeToResultMs.count).toBe(1);
    expect(poller.stats.timeToResultMs.max).toBeGreaterThan(0);
  });

  it("completed with a declined transaction is still completed (a decline is not an error)", async () => {
    const { poller } = await setup();
    const outcome = await poller.run("payment", payment("failed"));
    expect(outcome).toMatchObject({
      kind: "completed",
      transaction: { status: "failed", message: "Payment was declined" },
    });
  });

  it("every operation runs through the poller", async () => {
    const { poller, client } = await setup();
    const paid = await client.payments.create(payment("successful", { amount: 5000, tracking_id: "p-all" }));
    const auth = await client.authorizations.create(payment("successful", { amount: 5000 }));
    const card = payment().credit_card;
    const outcomes = await Promise.all([
      poller.run("payment", payment()),
      poller.run("authorization", payment()),
      poller.run("tokenization", payment()),
      poller.run("checkup", payment()),
      poller.run("payout", { amount: 10, currency: "USD", description: "p", recipient_credit_card: card }),
      poller.run("capture", { parent_uid: auth.transaction.uid, amount: 10 }),
      poller.run("refund", { parent_uid: paid.transaction.uid, amount: 10, reason: "r" }),
      poller.run("chargeback", { parent_uid: paid.transaction.uid, amount: 10, reason: "r" }),
      poller.run("transaction", paid.transaction.uid),
      poller.run("transactionsByTrackingId", "p-all"),
      poller.run("balance", { currency: "USD" }),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(11).fill("completed"));
    const voidAuth = await client.authorizations.create(payment("successful", { amount: 77 }));
    expect((await poller.run("void", { parent_uid: voidAuth.transaction.uid, amount: 77 })).kind).toBe(
      "completed",
    );
  });

  it("failed: a read-once error reaches the caller exactly once and stays in the store", async () => {
    const { poller, store, client } = await setup();
    const task = await poller.submit("capture", { parent_uid: "missing", amount: 5 });
    const outcome = await task.result();
    expect(outcome.kind).toBe("failed");
    if (outcome.kind !== "failed") return;
    expect(outcome.status).toBe(422);
    expect(outcome.body).toMatchObject({ message: "Parent transaction not found" });
    expect(outcome.error.status).toBe(422);
    // The gateway has forgotten it ...
    expect(await client.async.result(task.id)).toMatchObject({ state: "unknown" });
    // ... the store has not, and asking again answers from the store without a request.
    expect((await store.get(task.id))?.outcome).toMatchObject({ kind: "failed", status: 422 });
    const again = await task.result();
    expect(again).toMatchObject({ kind: "failed", status: 422 });
    const other = createPoller({ client, store, policy: FAST });
    cleanups.push(() => other.close());
    const [restored] = await other.restore();
    expect(await restored?.result()).toMatchObject({ kind: "failed", status: 422 });
  });

  it("failed: an internal gateway error (500 result) is the task's outcome, not retried into oblivion", async () => {
    const { poller } = await setup();
    const outcome = await poller.run("payment", payment("error"));
    expect(outcome).toMatchObject({
      kind: "failed",
      status: 500,
      body: { message: "We're sorry, but something went wrong" },
    });
  });

  it("unknown: after 24 hours the task is gone; the transaction is recovered by tracking_id", async () => {
    const clock = new ManualClock();
    const { poller, gw } = await setup({ clock, asyncDelayMs: 0 });
    const task = await poller.submit("payment", payment("successful", { tracking_id: "expired-order" }));
    gw.advance(RESULT_RETENTION_MS);
    const outcome = await task.result();
    expect(outcome.kind).toBe("unknown");
    if (outcome.kind !== "unknown") return;
    expect(outcome.reason).toBe("expired_or_already_read");
    expect(outcome.recovered.map((t) => t.tracking_id)).toEqual(["expired-order"]);
  });
});

describe("incomplete transactions", () => {
  it("are followed up by status query until final", async () => {
    const { poller, gw } = await setup();
    const events: ProgressEvent[] = [];
    const task = await poller.submit("payment", payment("incomplete"));
    const outcome = await task.result({ onProgress: (e) => events.push(e) });
    expect(outcome).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(events.some((e) => e.type === "request" && e.what === "follow_up")).toBe(true);
    expect(gw.stats.byOperation.getTransaction).toBeGreaterThanOrEqual(1);
  });

  it("end early when an authentic webhook arrives, and forged ones are rejected", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pub = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const { poller, client } = await setup(
      { incompleteResolveMs: 60_000 },
      {
        webhook: { publicKey: pub },
        policy: { ...FAST, followUpInitialDelayMs: 10_000, followUpMaxDelayMs: 10_000 },
      },
    );
    const task = await poller.submit("payment", payment("incomplete"));
    const waiting = task.result();
    await expect.poll(() => task.state.phase, { timeout: 2_000 }).toBe("follow_up");
    const uid = (task.state.result as { transaction: { uid: string } }).transaction.uid;
    const current = (await client.transactions.get(uid)).transaction;
    const body = JSON.stringify({ transaction: { ...current, status: "successful" } });
    const signature = sign("sha256", Buffer.from(body), privateKey).toString("base64");

    await expect(
      poller.handleNotification({
        headers: { "content-signature": signature },
        body: body.replace("successful", "failed"),
      }),
    ).rejects.toBeInstanceOf(PayCrossWebhookError);
    await expect(poller.handleNotification({ headers: {}, body })).rejects.toThrow(/no Content-Signature/);
    expect(task.state.phase).toBe("follow_up");

    const handled = await poller.handleNotification({ headers: { "Content-Signature": signature }, body });
    expect(handled.resolved).toEqual([task.id]);
    expect(await waiting).toMatchObject({ kind: "completed", transaction: { uid, status: "successful" } });
  });
});

describe("polling policy", () => {
  it("honours Retry-After on 429 and keeps the task", async () => {
    const { poller, gw } = await setup();
    gw.faults.set([{ kind: "rateLimit", retryAfter: "1", routes: ["getAsyncResult"], times: 2 }]);
    const events: Array<ProgressEvent & { t: number }> = [];
    const outcome = await poller.run("payment", payment(), {
      onProgress: (e) => events.push({ ...e, t: Date.now() }),
    });
    expect(outcome.kind).toBe("completed");
    const retries = events.filter((e) => e.type === "retry");
    expect(retries).toHaveLength(2);
    for (const r of retries) expect(r.type === "retry" && r.delayMs).toBeGreaterThanOrEqual(1000);
  });

  it("clamps a huge or malformed Retry-After instead of overflowing a timer or spinning", () => {
    const p = { ...DEFAULT_POLICY, maxRetryAfterMs: 2_000, jitter: 0, tailGrowth: 0 };
    expect(pollDelay(p, 0, "polling", 9_999_999_999_999)).toBe(2_000);
    expect(pollDelay(p, 0, "polling", Number.NaN)).toBe(p.initialDelayMs);
    expect(pollDelay(p, 0, "polling", -5)).toBe(p.initialDelayMs);
    expect(pollDelay({ ...p, initialDelayMs: 0 }, 0, "polling", 0)).toBe(p.minDelayMs);
    expect(pollDelay(p, 1000, "polling")).toBe(p.maxDelayMs);
  });

  it("rides out a storm of 5xx answers and connection resets without ending tasks early", async () => {
    const { poller, gw } = await setup({}, { concurrency: 8 });
    gw.faults.set(
      [
        { kind: "error", status: 503, rate: 0.3, routes: ["getAsyncResult"] },
        { kind: "reset", rate: 0.2, routes: ["getAsyncResult"] },
      ],
      99,
    );
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => poller.run("payment", payment())));
    expect(outcomes.map((o) => o.kind)).toEqual(Array(30).fill("completed"));
    expect(poller.stats.retries).toBeGreaterThan(0);
  });

  it("can ask status_url first, then the result once", async () => {
    const { poller, gw } = await setup(
      { asyncDelayMs: 100 },
      { policy: { ...FAST, checkStatusFirst: true } },
    );
    const outcome = await poller.run("payment", payment());
    expect(outcome.kind).toBe("completed");
    expect(gw.stats.byOperation.getAsyncStatus).toBeGreaterThanOrEqual(1);
    expect(gw.stats.byOperation.getAsyncResult).toBe(1);
  });

  it("rejects a bad policy with a PayCrossError code config naming the field", async () => {
    const { client, poller } = await setup();
    expect(() => createPoller({ client, policy: { multiplier: 0.5 } })).toThrow(
      "policy.multiplier must be >= 1",
    );
    expect(() => createPoller({ client, concurrency: 0 })).toThrow(/concurrency/);
    let thrown: unknown;
    try {
      createPoller({ client, policy: { jitter: 2 } });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: "config", kind: "local" });
    await expect(poller.resume({ version: 1 })).rejects.toMatchObject({ code: "usage" });
  });
});

describe("deadlines, aborts and resuming", () => {
  it("a deadline times out the wait, never the task; waiting again finishes it", async () => {
    const { poller } = await setup({ asyncDelayMs: 300 });
    const task = await poller.submit("payment", payment());
    const early = await task.result({ deadline: Date.now() + 50 });
    expect(early.kind).toBe("timed_out");
    expect(early.state.phase).toBe("polling");
    expect((await task.result()).kind).toBe("completed");
  });

  it("a deadline that passes while a read-once result is in flight does not lose the result", async () => {
    const { poller, gw, store } = await setup({ asyncDelayMs: 0 });
    gw.faults.set([{ kind: "latency", latencyMs: 300, routes: ["getAsyncResult"] }]);
    const task = await poller.submit("capture", { parent_uid: "missing", amount: 3 });
    const early = await task.result({ deadline: Date.now() + 150 });
    expect(early.kind).toBe("timed_out");
    // The read was not aborted: its answer reaches the store though nobody waited for it.
    await expect
      .poll(async () => (await store.get(task.id))?.outcome?.kind, { timeout: 2_000 })
      .toBe("failed");
    gw.faults.set([]);
    expect(await task.result()).toMatchObject({ kind: "failed", status: 422 });
    expect(gw.stats.byOperation.getAsyncResult).toBe(1);
  });

  it("an abort ends the wait at once, with one listener per signal however many tasks share it", async () => {
    const { poller } = await setup({ asyncDelayMs: 10_000 });
    const controller = new AbortController();
    let added = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...a: Parameters<typeof add>) => {
      added++;
      add(...a);
    }) as typeof add;
    const tasks = await Promise.all(Array.from({ length: 20 }, () => poller.submit("payment", payment())));
    const waits = tasks.map((t) => t.result({ signal: controller.signal }));
    expect(added).toBe(1);
    setTimeout(() => controller.abort(), 30);
    const outcomes: Outcome[] = await Promise.all(waits);
    expect(new Set(outcomes.map((o) => o.kind))).toEqual(new Set(["aborted"]));
    const aborted = await tasks[0]!.result({ signal: controller.signal });
    expect(aborted.kind).toBe("aborted");
  });

  it("a state serialized to JSON resumes in another poller", async () => {
    const { poller, client, gw } = await setup({ asyncDelayMs: 100 });
    const task = await poller.submit("payment", payment());
    const json = JSON.stringify(task.state);
    await poller.close();
    const other = createPoller({ client, policy: FAST });
    cleanups.push(() => other.close());
    const resumed = await other.resume(json);
    expect(resumed.id).toBe(task.id);
    expect(await resumed.result()).toMatchObject({
      kind: "completed",
      transaction: { status: "successful" },
    });
    expect(gw.stats.byOperation.createPaymentAsync).toBe(1);
  });

  it("refuses a malformed state and a state whose URLs point elsewhere", async () => {
    const { poller } = await setup();
    await expect(poller.resume({ version: 2 })).rejects.toThrow(/invalid task state: version must be 1/);
    const task = await poller.submit("payment", payment());
    const hostile = { ...task.state, statusUrl: "https://evil.test/async/status/x" };
    await expect(poller.resume(hostile)).rejects.toBeInstanceOf(PayCrossUntrustedUrlError);
  });
});

describe("scale", () => {
  it("10,000 concurrent tasks complete with no lost or duplicated outcome", {
    timeout: 120_000,
  }, async () => {
    const { poller, gw, client } = await setup(
      { asyncDelayMs: () => Math.floor(Math.random() * 300) },
      { concurrency: 64, policy: { ...FAST, initialDelayMs: 100, maxDelayMs: 200 } },
    );
    const N = 10_000;
    const submitted: string[] = [];
    const outcomes: Outcome[] = [];
    const card = payment().credit_card;
    // Submit in waves of 200 so the loopback socket pool stays bounded.
    for (let i = 0; i < N; i += 200) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(200, N - i) }, (_, j) =>
          poller.submit("payment", {
            amount: 1 + i + j,
            currency: "USD",
            description: "scale",
            duplicate_check: false,
            credit_card: card,
          }),
        ),
      );
      for (const t of wave) {
        submitted.push(t.id);
        t.result().then((o) => outcomes.push(o));
      }
    }
    await expect.poll(() => outcomes.length, { timeout: 100_000, interval: 200 }).toBe(N);
    expect(new Set(outcomes.map((o) => o.state.id)).size).toBe(N);
    expect(new Set(submitted).size).toBe(N);
    expect(outcomes.every((o) => o.kind === "completed")).toBe(true);
    const amounts = new Set(outcomes.map((o) => (o.kind === "completed" ? o.transaction?.amount : -1)));
    expect(amounts.size).toBe(N);
    expect(gw.stats.byOperation.createPaymentAsync).toBe(N);
    void client;
  });
});
