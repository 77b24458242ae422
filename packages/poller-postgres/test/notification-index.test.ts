/**
 * A notification finds its task through PostgresStore's tracking_id and uid indexes (migration 2), not by
 * reading every row: `list()` is never called, and the task is resolved in the waiting process.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { createPoller } from "@paycross/poller";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { FAST, gateway, payment } from "../../poller/test/helpers.js";
import { PostgresStore } from "../src/index.js";
import { freshDatabase } from "./helpers.js";

let url: string;
beforeAll(async () => {
  url = await freshDatabase();
});
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const webhook = { publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64") };
const signed = (transaction: unknown) => {
  const body = JSON.stringify({ transaction });
  return {
    headers: { "content-signature": sign("sha256", Buffer.from(body), privateKey).toString("base64") },
    body,
  };
};

it("a notification resolves its task by the tracking_id index, without list()", async () => {
  const { gw, client } = await gateway();
  const store = await PostgresStore.open({ connectionString: url });
  // Waits a minute before any look: only the notification can resolve the task in time.
  const policy = { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000 };
  const poller = createPoller({ client, store, policy, webhook, mode: "client" });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  for (let i = 0; i < 20; i++) await poller.submit("payment", payment()); // rows a scan would read
  const req = payment("successful");
  const task = await poller.submit("payment", req);
  const waiting = task.result();
  let tx: unknown;
  await expect
    .poll(async () => (tx = (await client.transactions.byTrackingId(req.tracking_id)).transactions[0]), {
      timeout: 10_000,
    })
    .toBeDefined();
  const list = vi.spyOn(store, "list");
  const byTracking = vi.spyOn(store, "findByTrackingId");
  expect((await poller.handleNotification(signed(tx))).resolved).toEqual([task.id]);
  expect((await waiting).kind).toBe("completed");
  expect(list).not.toHaveBeenCalled();
  expect(byTracking).toHaveBeenCalledWith(req.tracking_id);
});
