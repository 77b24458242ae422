/** Every failure is a typed error naming the problem; bad configuration is refused before sending. */
import { describe, expect, it } from "vitest";
import {
  createClient,
  isPayCrossError,
  PayCrossAbortError,
  PayCrossAuthenticationError,
  PayCrossConfigError,
  PayCrossConnectionError,
  PayCrossError,
  PayCrossInvalidResponseError,
  PayCrossNotFoundError,
  PayCrossRateLimitError,
  PayCrossServerError,
  PayCrossTimeoutError,
  PayCrossValidationError,
} from "../src/index.js";
import { paymentRequest, SECRET, useScriptedGateway } from "./client-harness.js";
import { reply, scriptedServer, tx } from "./server.js";

const { ctx, make } = useScriptedGateway();

describe("errors", () => {
  const cases = [
    [401, { message: "Access denied" }, PayCrossAuthenticationError, "rejected"],
    [404, { message: "Record not found" }, PayCrossNotFoundError, "rejected"],
    [
      422,
      { message: "Amount must be greater than 0", errors: { amount: ["must be greater than 0"] } },
      PayCrossValidationError,
      "rejected",
    ],
    [429, { message: "Too many requests" }, PayCrossRateLimitError, "rejected"],
    [500, { message: "We're sorry, but something went wrong" }, PayCrossServerError, "transport"],
  ] as const;
  it.each(cases)(
    "%i becomes %o's class with status, message and idempotency key",
    async (status, body, ErrorClass, kind) => {
      ctx.server.otherwise(reply(status, body, status === 429 ? { "retry-after": "120" } : {}));
      const err = await make({ retry: false })
        .payments.create(paymentRequest, { idempotencyKey: "k-1" })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ErrorClass);
      expect(err).toBeInstanceOf(PayCrossError);
      expect(isPayCrossError(err)).toBe(true);
      expect(err).toMatchObject({ status, kind, idempotencyKey: "k-1", gatewayMessage: body.message });
      expect(err.message).toContain(String(status));
    },
  );

  it("422 exposes the field errors, flat or wrapped in `response`", async () => {
    ctx.server.next(reply(422, { message: "x", errors: { credit_card: { number: ["is invalid"] } } }));
    ctx.server.next(
      reply(422, { response: { message: "y", errors: { amount: ["must be greater than 0"] } } }),
    );
    const c = make();
    const a = await c.payments.create(paymentRequest).catch((e) => e);
    const b = await c.payments.create(paymentRequest).catch((e) => e);
    expect(a.fieldErrors).toEqual({ credit_card: { number: ["is invalid"] } });
    expect(b.fieldErrors).toEqual({ amount: ["must be greater than 0"] });
    expect(b.gatewayMessage).toBe("y");
  });

  it("429 carries retryAfterMs when it is too long to wait", async () => {
    ctx.server.otherwise(reply(429, { message: "slow down" }, { "retry-after": "3600" }));
    const err = await make()
      .payments.create(paymentRequest)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossRateLimitError);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(ctx.server.seen).toHaveLength(1);
  });

  it("an HTML answer is an invalid response, with an excerpt", async () => {
    ctx.server.next((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>Bad gateway</html>");
    });
    const err = await make()
      .payments.create(paymentRequest)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossInvalidResponseError);
    expect(err.message).toMatch(/text\/html.*Bad gateway/);
  });

  it("a 200 without a transaction is an invalid answer, never an undefined transaction", async () => {
    ctx.server.next(reply(200, { something: "else" }));
    const err = await make()
      .payments.create(paymentRequest)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossInvalidResponseError);
    expect(err).toMatchObject({ status: 200, kind: "transport" });
    expect(err.message).toMatch(/answered 200 without a transaction/);
  });

  it("a refused connection is a connection error", async () => {
    const url = ctx.server.url;
    await ctx.server.close();
    const err = await createClient({ shopId: 1, secretKey: SECRET, baseUrl: url, retry: false })
      .transactions.get("x")
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossConnectionError);
    expect(err.kind).toBe("transport");
    ctx.server = await scriptedServer();
  });

  it("a slow answer times out per attempt", async () => {
    ctx.server.otherwise(() => undefined);
    const err = await make({ timeoutMs: 50, retry: false })
      .transactions.get("x")
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossTimeoutError);
    expect(err.message).toMatch(/timed out after 50 ms/);
  });

  it("the caller's AbortSignal aborts at once, without leaving listeners behind", async () => {
    ctx.server.otherwise(() => undefined);
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...a: Parameters<typeof add>) => {
      listeners++;
      add(...a);
    }) as typeof add;
    signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      listeners--;
      remove(...a);
    }) as typeof remove;
    const c = make();
    ctx.server.next(reply(200, { transaction: tx() }));
    await c.transactions.get("x", { signal });
    expect(listeners).toBe(0);
    const pending = c.transactions.get("x", { signal }).catch((e) => e);
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toBeInstanceOf(PayCrossAbortError);
  });

  it("bad configuration is refused, naming the problem", () => {
    expect(() => createClient({ shopId: "", secretKey: "x" })).toThrow(PayCrossConfigError);
    expect(() => createClient({ shopId: 1, secretKey: "" })).toThrow("secretKey is required");
    expect(() => createClient({ shopId: 1, secretKey: "x", baseUrl: "gateway" })).toThrow(
      /absolute http\(s\) URL/,
    );
    expect(() => createClient({ shopId: 1, secretKey: "x", baseUrl: "ftp://x" })).toThrow(/http or https/);
    expect(() => createClient({ shopId: 1, secretKey: "x", timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  it("an empty id is refused before anything is sent", async () => {
    await expect(make().transactions.get("")).rejects.toThrow(/uid must be a non-empty string/);
    expect(ctx.server.seen).toHaveLength(0);
  });
});
