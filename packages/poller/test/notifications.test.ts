/**
 * Issue 11, webhooks: a notification is evidence, not truth. Basic-only notifications are confirmed with
 * the gateway before they resolve anything; signed ones must carry a valid signature; replays do nothing;
 * no notification moves a task backwards.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { PayCrossWebhookError } from "@paycross/client";
import { afterEach, describe, expect, it } from "vitest";
import { createPoller, MemoryStore, type PollerOptions } from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const SLOW_FOLLOW_UP = { ...FAST, followUpInitialDelayMs: 60_000, followUpMaxDelayMs: 60_000 };

async function setup(
  incompleteResolveMs: number,
  webhook: (gw: { shopId: string; secretKey: string }) => PollerOptions["webhook"],
) {
  const { gw, client } = await gateway({ incompleteResolveMs });
  const store = new MemoryStore();
  const poller = createPoller({ client, store, policy: SLOW_FOLLOW_UP, webhook: webhook(gw) });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  const basic = `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`;
  return { gw, client, poller, store, basic };
}

async function followingUp(
  poller: ReturnType<typeof createPoller>,
  card: "incomplete" | "incomplete_failed",
) {
  const task = await poller.submit("payment", payment(card));
  const waiting = task.result();
  await expect.poll(() => task.state.phase, { timeout: 10_000 }).toBe("follow_up");
  const tx = (task.state.result as { transaction: Record<string, unknown> & { uid: string } }).transaction;
  return { task, waiting, tx };
}

describe("Basic-only notifications are hints, confirmed by a status query", () => {
  it("a forged 'successful' with valid credentials does not finish a task the gateway has not finished", async () => {
    const { poller, basic, store } = await setup(60_000, (gw) => ({
      shopId: gw.shopId,
      secretKey: gw.secretKey,
    }));
    const { task, tx } = await followingUp(poller, "incomplete_failed");
    const forged = JSON.stringify({ transaction: { ...tx, status: "successful" } });
    const handled = await poller.handleNotification({ headers: { authorization: basic }, body: forged });
    expect(handled).toMatchObject({ verifiedBy: "status_query", duplicate: false, resolved: [] });
    expect(handled.transaction.status).toBe("incomplete"); // the gateway's word, not the body's
    expect(task.state.phase).toBe("follow_up");
    expect((await store.get(task.id))?.outcome).toBeUndefined();
  });

  it("an altered body resolves the task with the gateway's status, not the body's", async () => {
    const { poller, basic } = await setup(300, (gw) => ({ shopId: gw.shopId, secretKey: gw.secretKey }));
    const { task, waiting, tx } = await followingUp(poller, "incomplete_failed");
    await new Promise((r) => setTimeout(r, 600)); // the gateway decides: failed
    const altered = JSON.stringify({ transaction: { ...tx, status: "successful", amount: 1 } });
    const handled = await poller.handleNotification({ headers: { authorization: basic }, body: altered });
    expect(handled.resolved).toEqual([task.id]);
    expect(await waiting).toMatchObject({
      kind: "completed",
      transaction: { uid: tx.uid, status: "failed" },
    });
  });

  it("wrong credentials and a transaction the gateway does not know are refused", async () => {
    const { poller, basic } = await setup(60_000, (gw) => ({ shopId: gw.shopId, secretKey: gw.secretKey }));
    const body = JSON.stringify({ transaction: { uid: "no-such-uid", status: "successful" } });
    await expect(
      poller.handleNotification({ headers: { authorization: "Basic eDp5" }, body }),
    ).rejects.toBeInstanceOf(PayCrossWebhookError);
    await expect(poller.handleNotification({ headers: { authorization: basic }, body })).rejects.toThrow(
      /does not know/,
    );
  });

  it("a replay is answered without effect and without asking the gateway again", async () => {
    const { poller, basic, gw } = await setup(300, (g) => ({ shopId: g.shopId, secretKey: g.secretKey }));
    const { tx } = await followingUp(poller, "incomplete");
    await new Promise((r) => setTimeout(r, 600));
    const body = JSON.stringify({ transaction: { ...tx, status: "successful" } });
    const first = await poller.handleNotification({ headers: { authorization: basic }, body });
    const queries = gw.stats.byOperation.getTransaction ?? 0;
    const results = [];
    for (let i = 0; i < 20; i++)
      results.push(await poller.handleNotification({ headers: { authorization: basic }, body }));
    expect(first.duplicate).toBe(false);
    expect(results.every((r) => r.duplicate && r.resolved.length === 0)).toBe(true);
    expect(gw.stats.byOperation.getTransaction ?? 0).toBe(queries);
  });
});

describe("signed notifications", () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pub = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  const signed = (body: string) => ({
    headers: { "content-signature": sign("sha256", Buffer.from(body), privateKey).toString("base64") },
    body,
  });

  it("need a valid signature over the exact body; an unsigned or altered one is refused", async () => {
    const { poller } = await setup(60_000, () => ({ publicKey: pub }));
    const { task, tx } = await followingUp(poller, "incomplete");
    const body = JSON.stringify({ transaction: { ...tx, status: "successful" } });
    const good = signed(body);
    await expect(
      poller.handleNotification({ headers: good.headers, body: body.replace("successful", "failed") }),
    ).rejects.toBeInstanceOf(PayCrossWebhookError);
    await expect(poller.handleNotification({ headers: {}, body })).rejects.toBeInstanceOf(
      PayCrossWebhookError,
    );
    expect(task.state.phase).toBe("follow_up");
    expect(await poller.handleNotification(good)).toMatchObject({
      verifiedBy: "signature",
      resolved: [task.id],
    });
    expect(await poller.handleNotification(good)).toMatchObject({ duplicate: true, resolved: [] });
  });

  it("never move a finished task backwards, even when authentic", async () => {
    const { poller } = await setup(60_000, () => ({ publicKey: pub }));
    const { task, waiting, tx } = await followingUp(poller, "incomplete");
    await poller.handleNotification(signed(JSON.stringify({ transaction: { ...tx, status: "successful" } })));
    const later = await poller.handleNotification(
      signed(JSON.stringify({ transaction: { ...tx, status: "failed", message: "late" } })),
    );
    expect(later.resolved).toEqual([]);
    expect(await waiting).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(await task.result()).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
  });
});
