import { describe, expectTypeOf, it } from "vitest";
import {
  type AsyncResult,
  createClient,
  type PayCrossClient,
  type Transaction,
  type TransactionResult,
  type TransactionStatus,
} from "../src/index.js";
import type { CataloguePathsExist } from "../src/operations.js";

declare const client: PayCrossClient;

describe("types", () => {
  it("type the body of every operation from the spec", () => {
    expectTypeOf(client.payments.create).parameter(0).toHaveProperty("amount").toEqualTypeOf<number>();
    expectTypeOf(client.refunds.create).parameter(0).toHaveProperty("reason").toEqualTypeOf<string>();
    expectTypeOf(client.payments.create).returns.resolves.toEqualTypeOf<TransactionResult>();
    expectTypeOf<TransactionStatus>().toEqualTypeOf<
      "successful" | "failed" | "incomplete" | "expired" | "pending" | "error"
    >();
  });

  it("reject a wrong body field, a missing required field and a wrong type at compile time", () => {
    const card = { token: "t" };
    void client.payments.create({
      // @ts-expect-error `amont` is not a field of a payment
      amont: 1,
      amount: 1,
      currency: "USD",
      description: "x",
      credit_card: card,
    });
    // @ts-expect-error `reason` is required for a refund
    void client.refunds.create({ parent_uid: "u", amount: 1 });
    void client.captures.create({
      parent_uid: "u",
      // @ts-expect-error amount is an integer in minor units, not a string
      amount: "1.00",
    });
    // @ts-expect-error a checkup needs tracking_id
    void client.checkups.create({ amount: 1, currency: "USD", description: "x", credit_card: card });
  });

  it("reject a wrong path or a wrong method on the raw client", () => {
    // @ts-expect-error no such path in the spec
    void client.raw.POST("/transactions/paymnets", { body: {} as never });
    // @ts-expect-error payments are POST only
    void client.raw.GET("/transactions/payments");
    void client.raw.GET("/transactions/{uid}", { params: { path: { uid: "u" } } });
  });

  it("narrow async results by state", () => {
    const r = {} as AsyncResult;
    if (r.state === "completed") expectTypeOf(r.status).toEqualTypeOf<200>();
    if (r.state === "failed") expectTypeOf(r.error.status).toEqualTypeOf<number | undefined>();
    if (r.state === "unknown") expectTypeOf(r.status).toEqualTypeOf<404>();
    expectTypeOf<CataloguePathsExist>().toEqualTypeOf<true>();
  });

  it("expose the transaction type", () => {
    expectTypeOf<TransactionResult["transaction"]>().toEqualTypeOf<Transaction>();
    expectTypeOf(createClient).returns.toEqualTypeOf<PayCrossClient>();
  });
});
