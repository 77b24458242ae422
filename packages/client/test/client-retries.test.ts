/** Retries keep the idempotency key, honour Retry-After and never repeat a read-once result. */
import { describe, expect, it } from "vitest";
import { PayCrossServerError } from "../src/index.js";
import { parseRetryAfter } from "../src/internal.js";
import { paymentRequest, useScriptedGateway } from "./client-harness.js";
import { reply } from "./server.js";

const { ctx, make } = useScriptedGateway();

describe("retries", () => {
  it("retry a POST after a 503 with the same idempotency key, honouring Retry-After", async () => {
    ctx.server.next(
      reply(503, { message: "busy" }, { "retry-after": "0" }),
      reply(502, { message: "bad gateway" }),
    );
    const r = await make().payments.create(paymentRequest);
    expect(r.transaction.uid).toBe("uid-1");
    expect(ctx.server.seen).toHaveLength(3);
    const keys = new Set(ctx.server.seen.map((s) => s.headers.requestid));
    expect(keys.size).toBe(1);
  });

  it("retry after a lost connection with the same key", async () => {
    ctx.server.next((_req, res) => res.socket?.destroy());
    await make().payments.create(paymentRequest);
    expect(ctx.server.seen).toHaveLength(2);
    expect(ctx.server.seen[0]?.headers.requestid).toBe(ctx.server.seen[1]?.headers.requestid);
  });

  it("give up after maxRetries and report the last error", async () => {
    ctx.server.otherwise(reply(500, { message: "down" }));
    const err = await make({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } })
      .transactions.get("x")
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossServerError);
    expect(ctx.server.seen).toHaveLength(3);
  });

  it("never retry when retries are off", async () => {
    ctx.server.otherwise(reply(503, { message: "busy" }));
    await expect(make({ retry: false }).payments.create(paymentRequest)).rejects.toBeInstanceOf(
      PayCrossServerError,
    );
    expect(ctx.server.seen).toHaveLength(1);
  });

  it("never retry a read-once async result that answered 500: it is the task's result", async () => {
    ctx.server.next(reply(500, { message: "We're sorry, but something went wrong" }));
    const r = await make().async.result("task-1");
    expect(r).toMatchObject({ state: "failed", status: 500, candidate: true });
    expect(ctx.server.seen).toHaveLength(1);
  });

  it("parses Retry-After safely", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("1.5")).toBe(1500);
    expect(parseRetryAfter("-1")).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("")).toBeUndefined();
    expect(parseRetryAfter("99999999999")).toBe(2_147_483_647);
    const now = Date.parse("2026-11-27T10:00:00Z");
    expect(parseRetryAfter("Fri, 27 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Fri, 27 Nov 2026 09:00:00 GMT", now)).toBe(0);
  });
});
