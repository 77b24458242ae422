/** The async twins: submit, status and result by id or URL; a read-once error result reported once. */
import { describe, expect, it } from "vitest";
import {
  PayCrossInvalidResponseError,
  PayCrossUntrustedUrlError,
  PayCrossValidationError,
} from "../src/index.js";
import { paymentRequest, useScriptedGateway } from "./client-harness.js";
import { reply, scriptedServer, tx } from "./server.js";

const { ctx, make } = useScriptedGateway();

describe("async helpers", () => {
  const accepted = (id: string) => ({
    status: "processing",
    request_id: id,
    status_url: `${ctx.server.url}/async/status/${id}`,
    response_url: `${ctx.server.url}/async/result/${id}`,
  });

  it("submit to the /async twin and return the task with its idempotency key", async () => {
    ctx.server.next(reply(200, accepted("t-1")));
    const task = await make().async.authorizations.create(paymentRequest, { idempotencyKey: "k-9" });
    expect(ctx.server.seen[0]?.url).toBe("/async/transactions/authorizations");
    expect(task).toEqual({ ...accepted("t-1"), idempotencyKey: "k-9" });
  });

  it("refuse an answer that is not a task", async () => {
    ctx.server.next(reply(200, { transaction: tx() }));
    await expect(make().async.payments.create(paymentRequest)).rejects.toBeInstanceOf(
      PayCrossInvalidResponseError,
    );
  });

  it("read status and result by id or by the URLs the gateway returned", async () => {
    const c = make();
    ctx.server.next(
      reply(200, { status: "processing", request_id: "t-1" }),
      reply(200, {
        status: "completed",
        request_id: "t-1",
        response_url: `${ctx.server.url}/async/result/t-1`,
      }),
      reply(425, { status: "processing", request_id: "t-1" }),
      reply(200, { transaction: tx() }),
      reply(404, { status: "unknown", request_id: "t-1" }),
      reply(404, { status: "unknown", request_id: "t-1" }),
    );
    expect(await c.async.status("t-1")).toEqual({ state: "processing", request_id: "t-1" });
    expect(await c.async.status(`${ctx.server.url}/async/status/t-1`)).toMatchObject({ state: "completed" });
    expect(await c.async.result("t-1")).toEqual({ state: "processing", status: 425, request_id: "t-1" });
    expect(await c.async.result(`${ctx.server.url}/async/result/t-1`)).toMatchObject({
      state: "completed",
      status: 200,
    });
    expect(await c.async.status("t-1")).toEqual({ state: "unknown", request_id: "t-1" });
    expect(await c.async.result("t-1")).toEqual({ state: "unknown", status: 404, request_id: "t-1" });
    expect(ctx.server.seen.map((s) => s.url)).toEqual([
      "/async/status/t-1",
      "/async/status/t-1",
      "/async/result/t-1",
      "/async/result/t-1",
      "/async/status/t-1",
      "/async/result/t-1",
    ]);
  });

  it("report a non-200 result as failed with its typed error, once", async () => {
    ctx.server.next(
      reply(422, {
        message: "transaction can't be refunded",
        errors: { base: ["transaction can't be refunded"] },
      }),
    );
    const r = await make().async.result("t-2");
    expect(r.state).toBe("failed");
    if (r.state !== "failed") return;
    expect(r.error).toBeInstanceOf(PayCrossValidationError);
    expect(r.body).toEqual({
      message: "transaction can't be refunded",
      errors: { base: ["transaction can't be refunded"] },
    });
  });

  it("refuse a hostile status_url on another origin without sending anything there", async () => {
    const evil = await scriptedServer();
    try {
      const c = make();
      for (const url of [
        `${evil.url}/async/status/t-1`,
        `${ctx.server.url.replace("127.0.0.1", "localhost")}/async/status/t`,
      ]) {
        await expect(c.async.status(url)).rejects.toBeInstanceOf(PayCrossUntrustedUrlError);
      }
      await expect(c.async.result(`${evil.url}/async/result/t-1`)).rejects.toThrow(
        /refusing to send credentials/,
      );
      await expect(c.async.status("https://user:pw@127.0.0.1/async/status/x")).rejects.toBeInstanceOf(
        PayCrossUntrustedUrlError,
      );
      await expect(c.async.status("../../transactions/x")).rejects.toThrow(/neither a request_id nor a URL/);
      expect(evil.seen).toHaveLength(0);
      const trusting = make({ trustedOrigins: [evil.url] });
      evil.next(reply(200, { status: "processing", request_id: "t-1" }));
      expect(await trusting.async.status(`${evil.url}/async/status/t-1`)).toMatchObject({
        state: "processing",
      });
      expect(evil.seen).toHaveLength(1);
    } finally {
      await evil.close();
    }
  });
});
