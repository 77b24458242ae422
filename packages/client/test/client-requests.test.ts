/** The client's requests: auth, headers, envelope, idempotency keys, paths, the raw client. */
import { describe, expect, it } from "vitest";
import { paymentRequest, SECRET, useScriptedGateway } from "./client-harness.js";
import { reply, tx } from "./server.js";

const { ctx, make } = useScriptedGateway();

describe("requests", () => {
  it("send HTTP Basic auth, JSON headers and the request envelope", async () => {
    const result = await make().payments.create(paymentRequest);
    expect(result.transaction.uid).toBe("uid-1");
    const [req] = ctx.server.seen;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/transactions/payments");
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`361:${SECRET}`).toString("base64")}`);
    expect(req?.headers.accept).toBe("application/json");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req?.body ?? "")).toEqual({ request: paymentRequest });
  });

  it("put an idempotency key on every POST, the caller's or a UUID, and expose it", async () => {
    const c = make();
    const a = await c.payments.create(paymentRequest);
    const b = await c.payments.create(paymentRequest, { idempotencyKey: "order-1-attempt" });
    expect(ctx.server.seen[0]?.headers.requestid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.idempotencyKey).toBe(ctx.server.seen[0]?.headers.requestid);
    expect(ctx.server.seen[1]?.headers.requestid).toBe("order-1-attempt");
    expect(b.idempotencyKey).toBe("order-1-attempt");
    await c.transactions.get("uid-1");
    expect(ctx.server.seen[2]?.headers.requestid).toBeUndefined();
  });

  it("send X-API-Version 2 on the balance query", async () => {
    ctx.server.next(reply(200, { status: "successful", result: { amount: 5, currency: "USD" } }));
    const { data } = await make().balance.get({ currency: "USD" });
    expect(data.result.amount).toBe(5);
    expect(ctx.server.seen[0]?.headers["x-api-version"]).toBe("2");
  });

  it("percent-encode ids in paths", async () => {
    ctx.server.next(reply(200, { transactions: [] }));
    await make().transactions.byTrackingId("order/1 ?#");
    expect(ctx.server.seen[0]?.url).toBe("/v2/transactions/tracking_id/order%2F1%20%3F%23");
  });

  it("treat a decline as a processed transaction, not an error", async () => {
    ctx.server.next(reply(200, { transaction: tx({ status: "failed", message: "Payment was declined" }) }));
    const r = await make().payments.create(paymentRequest);
    expect(r.transaction.status).toBe("failed");
  });

  it("offer openapi-fetch's typed GET/POST over the same pipeline", async () => {
    const c = make();
    const { data, response } = await c.raw.POST("/transactions/payments", {
      body: { request: paymentRequest },
    });
    expect(data?.transaction.uid).toBe("uid-1");
    expect(response.headers.get("RequestID")).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.server.seen[0]?.headers.authorization).toMatch(/^Basic /);
    expect(ctx.server.seen[0]?.headers.requestid).toBe(response.headers.get("RequestID"));
  });
});
