/**
 * Issue 16, webhook mode: an authentic notification resolves the task waiting for it in ANY phase, matched
 * by its transaction's uid or (before the first result read) by the task's tracking_id; signed ones are
 * the outcome at once, Basic-only ones are confirmed by a status query; forged ones change nothing; a
 * tracking_id shared by several waiting tasks resolves none of them; a store with an index is not scanned.
 */
import { PayCrossWebhookError, type Transaction } from "@paycross/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createPoller,
  MemoryStore,
  type PollerOptions,
  SharedMemoryStore,
  type TaskStore,
} from "../src/index.js";
import { gateway, payment } from "./helpers.js";
import { NEVER_LOOKS, PUB, signed } from "./signed.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: { store?: TaskStore; basic?: boolean; incompleteResolveMs?: number } = {}) {
  const { gw, client } = await gateway({ incompleteResolveMs: opts.incompleteResolveMs ?? 60_000 });
  const webhook: PollerOptions["webhook"] = opts.basic
    ? { shopId: gw.shopId, secretKey: gw.secretKey }
    : { publicKey: PUB };
  const store = opts.store ?? new MemoryStore();
  const poller = createPoller({ client, store, policy: NEVER_LOOKS, webhook });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  const basic = `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`;
  /** The gateway's transaction for a tracking_id, once it has booked it. */
  const booked = async (trackingId: string): Promise<Transaction> => {
    let tx: Transaction | undefined;
    await expect
      .poll(async () => (tx = (await client.transactions.byTrackingId(trackingId)).transactions[0]), {
        timeout: 10_000,
      })
      .toBeDefined();
    return tx!;
  };
  return { gw, client, poller, store, basic, booked };
}

describe("a signed notification resolves a task whose result was never read", () => {
  it("resolves a polling task by tracking_id with no result read (in-process store)", async () => {
    const { poller, booked, gw } = await setup();
    const req = payment("successful");
    const task = await poller.submit("payment", req);
    const waiting = task.result();
    const tx = await booked(req.tracking_id);
    expect(task.state.phase).toBe("polling");
    const handled = await poller.handleNotification(signed(tx));
    expect(handled).toMatchObject({ verifiedBy: "signature", resolved: [task.id] });
    expect(await waiting).toMatchObject({
      kind: "completed",
      transaction: { uid: tx.uid, status: "successful" },
    });
    expect(poller.stats.requests).toBe(0);
    expect(gw.stats.byOperation.getAsyncResult ?? 0).toBe(0);
  });

  it("resolves a polling task on a shared store through its index, without list()", async () => {
    const store = new SharedMemoryStore();
    const list = vi.spyOn(store, "list");
    const { poller, booked } = await setup({ store });
    const req = payment("failed");
    const task = await poller.submit("payment", req);
    const waiting = task.result();
    const tx = await booked(req.tracking_id);
    expect((await poller.handleNotification(signed(tx))).resolved).toEqual([task.id]);
    expect(await waiting).toMatchObject({
      kind: "completed",
      transaction: { uid: tx.uid, status: "failed" },
    });
    expect((await store.get(task.id))?.outcome).toMatchObject({ kind: "completed" });
    expect(list).not.toHaveBeenCalled();
  });

  it("an incomplete transaction starts the follow-up; a later final one ends it", async () => {
    const { poller, booked } = await setup();
    const req = payment("incomplete");
    const task = await poller.submit("payment", req);
    const waiting = task.result();
    const tx = await booked(req.tracking_id);
    expect(tx.status).toBe("incomplete");
    expect((await poller.handleNotification(signed(tx))).resolved).toEqual([]);
    expect(task.state.phase).toBe("follow_up");
    const final = { ...tx, status: "successful" } as Transaction;
    expect((await poller.handleNotification(signed(final))).resolved).toEqual([task.id]);
    expect(await waiting).toMatchObject({
      kind: "completed",
      transaction: { uid: tx.uid, status: "successful" },
    });
  });

  it("a forged or altered notification is refused and changes nothing", async () => {
    const { poller, booked, store } = await setup();
    const req = payment("failed");
    const task = await poller.submit("payment", req);
    const tx = await booked(req.tracking_id);
    const good = signed(tx);
    const altered = good.body.replace('"failed"', '"successful"');
    expect(altered).not.toBe(good.body);
    await expect(poller.handleNotification({ headers: good.headers, body: altered })).rejects.toBeInstanceOf(
      PayCrossWebhookError,
    );
    await expect(poller.handleNotification({ headers: {}, body: good.body })).rejects.toBeInstanceOf(
      PayCrossWebhookError,
    );
    expect(task.state.phase).toBe("polling");
    expect((await store.get(task.id))?.outcome).toBeUndefined();
  });

  it("a tracking_id shared by two waiting tasks resolves neither (which one is unknowable)", async () => {
    const { poller, booked } = await setup();
    const first = payment("successful");
    const a = await poller.submit("payment", first);
    const b = await poller.submit("payment", payment("successful", { tracking_id: first.tracking_id }));
    const tx = await booked(first.tracking_id);
    expect((await poller.handleNotification(signed(tx))).resolved).toEqual([]);
    expect([a.state.phase, b.state.phase]).toEqual(["polling", "polling"]);
  });

  it("a notification of another transaction type with the task's tracking_id is not the task's", async () => {
    const { poller, booked } = await setup();
    const req = payment("successful");
    const task = await poller.submit("payment", req);
    const tx = await booked(req.tracking_id);
    const refund = { ...tx, uid: `${tx.uid}-r`, type: "refund" } as Transaction;
    expect((await poller.handleNotification(signed(refund))).resolved).toEqual([]);
    expect(task.state.phase).toBe("polling");
  });
});

describe("a late notification of an earlier attempt", () => {
  it("a transaction created before the task was submitted does not resolve it by tracking_id", async () => {
    const { poller, booked } = await setup();
    const req = payment("successful");
    const task = await poller.submit("payment", req);
    const tx = await booked(req.tracking_id);
    const earlier = {
      ...tx,
      uid: `${tx.uid}-old`,
      status: "failed",
      created_at: new Date(task.state.submittedAt - 3_600_000).toISOString(),
    } as Transaction;
    expect((await poller.handleNotification(signed(earlier))).resolved).toEqual([]);
    expect(task.state.phase).toBe("polling");
  });

  it("an undated transaction (no created_at) does not resolve it by tracking_id either: it could be that earlier one", async () => {
    const { poller, booked } = await setup();
    const req = payment("successful");
    const task = await poller.submit("payment", req);
    const tx = await booked(req.tracking_id);
    for (const created_at of [undefined, "not a date"]) {
      const undated = { ...tx, uid: `${tx.uid}-old`, status: "failed", created_at } as Transaction;
      expect((await poller.handleNotification(signed(undated))).resolved).toEqual([]);
    }
    expect(task.state.phase).toBe("polling");
    // The same transaction, dated, is the task's: the rule refuses the date's absence, not the match.
    expect((await poller.handleNotification(signed(tx))).resolved).toEqual([task.id]);
  });
});

describe("a Basic-only notification stays a hint confirmed by a status query", () => {
  it("resolves a polling task with the gateway's status, not the body's", async () => {
    const { poller, booked, basic } = await setup({ basic: true });
    const req = payment("successful");
    const task = await poller.submit("payment", req);
    const waiting = task.result();
    const tx = await booked(req.tracking_id);
    const lie = JSON.stringify({ transaction: { ...tx, status: "failed" } });
    const handled = await poller.handleNotification({ headers: { authorization: basic }, body: lie });
    expect(handled).toMatchObject({ verifiedBy: "status_query", resolved: [task.id] });
    expect(await waiting).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(poller.stats.requests).toBe(1); // the confirming status query is counted
  });
});
