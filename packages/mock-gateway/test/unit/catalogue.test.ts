import { getContract, OPERATIONS, type OperationEntry } from "@paycross/spec";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import type { GatewayContext } from "../../src/context.js";
import { IdempotencyStore } from "../../src/idempotency.js";
import { createOperations, entriesByOperationId } from "../../src/routes/operations.js";
import { Ledger } from "../../src/state/ledger.js";
import { Scheduler } from "../../src/state/scheduler.js";
import { TaskStore } from "../../src/state/tasks.js";
import { card } from "../helpers.js";

/** The routes' context with real books and a manual clock, and nothing on the network. */
function context(): GatewayContext {
  const clock = new ManualClock(Date.UTC(2026, 10, 27));
  const ledger = new Ledger(clock, () => "http://mock.invalid", { changed() {}, scheduleResolution() {} });
  return {
    clock,
    manual: clock,
    ledger,
    tasks: new TaskStore(clock),
    scheduler: new Scheduler(clock, false),
    idempotency: new IdempotencyStore(clock),
    stats: { requests: 0, byOperation: {}, internalErrors: 0 },
    asyncDelay: () => 0,
    publicUrl: () => "http://mock.invalid",
  } as Partial<GatewayContext> as GatewayContext;
}

describe("routing by the catalogue", () => {
  it("every operationId of the contract except the task endpoints is a catalogue entry the mock serves", () => {
    const served = entriesByOperationId();
    const contractIds = getContract()
      .operations.map((o) => o.operationId)
      .filter((id) => id !== "getAsyncStatus" && id !== "getAsyncResult");
    expect([...served.keys()].sort()).toEqual(contractIds.sort());
  });

  it("a fake operation added to a copy of the catalogue is served by the mock's operations layer, sync and async", () => {
    const gift: OperationEntry = {
      ...OPERATIONS.payment,
      name: "gift",
      syncOperationId: "createGift" as OperationEntry["syncOperationId"],
      asyncOperationId: "createGiftAsync" as OperationEntry["asyncOperationId"],
    };
    const ctx = context();
    const ops = createOperations(ctx, { ...OPERATIONS, gift });
    const body = {
      request: {
        amount: 5,
        currency: "USD",
        description: "gift",
        duplicate_check: false,
        credit_card: card(),
      },
    };
    const call = { params: {}, raw: Buffer.from("{}"), requestId: undefined, body } as const;
    const sync = ops.serve({ ...call, operationId: "createGift", mode: "sync" });
    expect(sync).toMatchObject({ status: 200, body: { transaction: { type: "payment", amount: 5 } } });
    const task = ops.serve({ ...call, operationId: "createGiftAsync", mode: "async" });
    expect(task.body.status).toBe("processing");
    expect(ctx.tasks.readResult(task.body.request_id as string)).toMatchObject({
      state: "completed",
      result: { status: 200 },
    });
    // Without the entry, the same operationId is not the mock's to serve.
    expect(createOperations(ctx).serve({ ...call, operationId: "createGift", mode: "sync" }).status).toBe(
      404,
    );
  });
});
