/**
 * Issue 13/15: submission is derived from the catalogue of @paycross/spec; `credit` included; old
 * operation names in stored states are read as the catalogue's.
 */
import { OPERATION_NAMES, OPERATIONS } from "@paycross/spec";
import { afterEach, describe, expect, it } from "vitest";
import { ASYNC_OPERATIONS, createPoller, MemoryStore } from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const { gw, client } = await gateway();
  const poller = createPoller({ client, store: new MemoryStore(), policy: FAST });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  return { gw, client, poller };
}

const hasAsync = (client: unknown, name: keyof typeof OPERATIONS) => {
  const { resource, method } = OPERATIONS[name].client;
  const api = (client as { async: Record<string, Record<string, unknown> | undefined> }).async[resource];
  return typeof api?.[method] === "function";
};

describe("catalogue-driven submission", () => {
  it("the poller's operations are the catalogue's, credit included", () => {
    expect([...ASYNC_OPERATIONS]).toEqual(OPERATION_NAMES);
    expect(ASYNC_OPERATIONS).toContain("credit");
  });

  it("credit: submitted through client.async.credits when the client has it, else a usage error naming it", async () => {
    const { poller, client } = await setup();
    if (hasAsync(client, "credit")) {
      const tokenized = await client.tokenizations.create(payment());
      const token = tokenized.transaction.credit_card?.token ?? "";
      const outcome = await poller.run("credit", {
        amount: 100,
        currency: "USD",
        description: "credit",
        credit_card: { token },
      } as never);
      expect(outcome.kind).toBe("completed");
    } else {
      await expect(poller.submit("credit", {} as never)).rejects.toMatchObject({
        code: "usage",
        message: expect.stringContaining("client.async.credits.create"),
      });
    }
  });

  it("an unknown operation is a usage error listing the catalogue", async () => {
    const { poller } = await setup();
    await expect(poller.submit("refunds" as never, {} as never)).rejects.toMatchObject({
      code: "usage",
      message: expect.stringContaining("one of payment, authorization"),
    });
  });

  it("a state written with an old operation name resumes under the catalogue's name", async () => {
    const { poller, client } = await setup();
    const paid = await client.payments.create(payment());
    const task = await poller.submit("transaction", paid.transaction.uid);
    const legacy = { ...task.state, id: `${task.id}`, operation: "statusByUid" };
    const other = createPoller({ client, policy: FAST });
    cleanups.push(() => other.close());
    const resumed = await other.resume(legacy);
    expect(resumed.state.operation).toBe("transaction");
    expect(await resumed.result()).toMatchObject({ kind: "completed" });
  });
});
