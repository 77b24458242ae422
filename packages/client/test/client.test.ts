import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
  PayCrossUntrustedUrlError,
  PayCrossValidationError,
} from "../src/index.js";
import { parseRetryAfter } from "../src/internal.js";
import { reply, scriptedServer, tx } from "./server.js";

const SECRET = "sk_live_very_secret_key_123";
const PAN = "4200000000000000";
const CVV = "987";
const card = { number: PAN, verification_value: CVV, exp_month: "05", exp_year: "2030", holder: "J D" };
const paymentRequest = { amount: 100, currency: "USD", description: "Order", credit_card: card };

let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeEach(async () => {
  server = await scriptedServer();
});
afterEach(() => server.close());

const make = (extra: Parameters<typeof createClient>[0] extends infer O ? Partial<O> : never = {}) =>
  createClient({
    shopId: 361,
    secretKey: SECRET,
    baseUrl: server.url,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });

describe("requests", () => {
  it("send HTTP Basic auth, JSON headers and the request envelope", async () => {
    const result = await make().payments.create(paymentRequest);
    expect(result.transaction.uid).toBe("uid-1");
    const [req] = server.seen;
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
    expect(server.seen[0]?.headers.requestid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.idempotencyKey).toBe(server.seen[0]?.headers.requestid);
    expect(server.seen[1]?.headers.requestid).toBe("order-1-attempt");
    expect(b.idempotencyKey).toBe("order-1-attempt");
    await c.transactions.get("uid-1");
    expect(server.seen[2]?.headers.requestid).toBeUndefined();
  });

  it("send X-API-Version 2 on the balance query", async () => {
    server.next(reply(200, { status: "successful", result: { amount: 5, currency: "USD" } }));
    const { data } = await make().balance.get({ currency: "USD" });
    expect(data.result.amount).toBe(5);
    expect(server.seen[0]?.headers["x-api-version"]).toBe("2");
  });

  it("percent-encode ids in paths", async () => {
    server.next(reply(200, { transactions: [] }));
    await make().transactions.byTrackingId("order/1 ?#");
    expect(server.seen[0]?.url).toBe("/v2/transactions/tracking_id/order%2F1%20%3F%23");
  });

  it("treat a decline as a processed transaction, not an error", async () => {
    server.next(reply(200, { transaction: tx({ status: "failed", message: "Payment was declined" }) }));
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
    expect(server.seen[0]?.headers.authorization).toMatch(/^Basic /);
    expect(server.seen[0]?.headers.requestid).toBe(response.headers.get("RequestID"));
  });
});

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
      server.otherwise(reply(status, body, status === 429 ? { "retry-after": "120" } : {}));
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
    server.next(reply(422, { message: "x", errors: { credit_card: { number: ["is invalid"] } } }));
    server.next(reply(422, { response: { message: "y", errors: { amount: ["must be greater than 0"] } } }));
    const c = make();
    const a = await c.payments.create(paymentRequest).catch((e) => e);
    const b = await c.payments.create(paymentRequest).catch((e) => e);
    expect(a.fieldErrors).toEqual({ credit_card: { number: ["is invalid"] } });
    expect(b.fieldErrors).toEqual({ amount: ["must be greater than 0"] });
    expect(b.gatewayMessage).toBe("y");
  });

  it("429 carries retryAfterMs when it is too long to wait", async () => {
    server.otherwise(reply(429, { message: "slow down" }, { "retry-after": "3600" }));
    const err = await make()
      .payments.create(paymentRequest)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossRateLimitError);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(server.seen).toHaveLength(1);
  });

  it("an HTML answer is an invalid response, with an excerpt", async () => {
    server.next((_req, res) => {
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
    server.next(reply(200, { something: "else" }));
    const err = await make()
      .payments.create(paymentRequest)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossInvalidResponseError);
    expect(err).toMatchObject({ status: 200, kind: "transport" });
    expect(err.message).toMatch(/answered 200 without a transaction/);
  });

  it("a refused connection is a connection error", async () => {
    const url = server.url;
    await server.close();
    const err = await createClient({ shopId: 1, secretKey: SECRET, baseUrl: url, retry: false })
      .transactions.get("x")
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossConnectionError);
    expect(err.kind).toBe("transport");
    server = await scriptedServer();
  });

  it("a slow answer times out per attempt", async () => {
    server.otherwise(() => undefined);
    const err = await make({ timeoutMs: 50, retry: false })
      .transactions.get("x")
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossTimeoutError);
    expect(err.message).toMatch(/timed out after 50 ms/);
  });

  it("the caller's AbortSignal aborts at once, without leaving listeners behind", async () => {
    server.otherwise(() => undefined);
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
    server.next(reply(200, { transaction: tx() }));
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
    expect(server.seen).toHaveLength(0);
  });
});

describe("retries", () => {
  it("retry a POST after a 503 with the same idempotency key, honouring Retry-After", async () => {
    server.next(
      reply(503, { message: "busy" }, { "retry-after": "0" }),
      reply(502, { message: "bad gateway" }),
    );
    const r = await make().payments.create(paymentRequest);
    expect(r.transaction.uid).toBe("uid-1");
    expect(server.seen).toHaveLength(3);
    const keys = new Set(server.seen.map((s) => s.headers.requestid));
    expect(keys.size).toBe(1);
  });

  it("retry after a lost connection with the same key", async () => {
    server.next((_req, res) => res.socket?.destroy());
    await make().payments.create(paymentRequest);
    expect(server.seen).toHaveLength(2);
    expect(server.seen[0]?.headers.requestid).toBe(server.seen[1]?.headers.requestid);
  });

  it("give up after maxRetries and report the last error", async () => {
    server.otherwise(reply(500, { message: "down" }));
    const err = await make({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } })
      .transactions.get("x")
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossServerError);
    expect(server.seen).toHaveLength(3);
  });

  it("never retry when retries are off", async () => {
    server.otherwise(reply(503, { message: "busy" }));
    await expect(make({ retry: false }).payments.create(paymentRequest)).rejects.toBeInstanceOf(
      PayCrossServerError,
    );
    expect(server.seen).toHaveLength(1);
  });

  it("never retry a read-once async result that answered 500: it is the task's result", async () => {
    server.next(reply(500, { message: "We're sorry, but something went wrong" }));
    const r = await make().async.result("task-1");
    expect(r).toMatchObject({ state: "failed", status: 500, candidate: true });
    expect(server.seen).toHaveLength(1);
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

describe("async helpers", () => {
  const accepted = (id: string) => ({
    status: "processing",
    request_id: id,
    status_url: `${server.url}/async/status/${id}`,
    response_url: `${server.url}/async/result/${id}`,
  });

  it("submit to the /async twin and return the task with its idempotency key", async () => {
    server.next(reply(200, accepted("t-1")));
    const task = await make().async.authorizations.create(paymentRequest, { idempotencyKey: "k-9" });
    expect(server.seen[0]?.url).toBe("/async/transactions/authorizations");
    expect(task).toEqual({ ...accepted("t-1"), idempotencyKey: "k-9" });
  });

  it("refuse an answer that is not a task", async () => {
    server.next(reply(200, { transaction: tx() }));
    await expect(make().async.payments.create(paymentRequest)).rejects.toBeInstanceOf(
      PayCrossInvalidResponseError,
    );
  });

  it("read status and result by id or by the URLs the gateway returned", async () => {
    const c = make();
    server.next(
      reply(200, { status: "processing", request_id: "t-1" }),
      reply(200, { status: "completed", request_id: "t-1", response_url: `${server.url}/async/result/t-1` }),
      reply(425, { status: "processing", request_id: "t-1" }),
      reply(200, { transaction: tx() }),
      reply(404, { status: "unknown", request_id: "t-1" }),
      reply(404, { status: "unknown", request_id: "t-1" }),
    );
    expect(await c.async.status("t-1")).toEqual({ state: "processing", request_id: "t-1" });
    expect(await c.async.status(`${server.url}/async/status/t-1`)).toMatchObject({ state: "completed" });
    expect(await c.async.result("t-1")).toEqual({ state: "processing", status: 425, request_id: "t-1" });
    expect(await c.async.result(`${server.url}/async/result/t-1`)).toMatchObject({
      state: "completed",
      status: 200,
    });
    expect(await c.async.status("t-1")).toEqual({ state: "unknown", request_id: "t-1" });
    expect(await c.async.result("t-1")).toEqual({ state: "unknown", status: 404, request_id: "t-1" });
    expect(server.seen.map((s) => s.url)).toEqual([
      "/async/status/t-1",
      "/async/status/t-1",
      "/async/result/t-1",
      "/async/result/t-1",
      "/async/status/t-1",
      "/async/result/t-1",
    ]);
  });

  it("report a non-200 result as failed with its typed error, once", async () => {
    server.next(
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
        `${server.url.replace("127.0.0.1", "localhost")}/async/status/t`,
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

describe("secrets never leak", () => {
  it("no error message, JSON or stack carries the secret key, the card number or the CVV", async () => {
    const echo = (status: number) => (req: { body: string }, res: import("node:http").ServerResponse) => {
      // A hostile or buggy gateway that echoes the request back inside its error.
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          message: `bad request ${req.body} key=${SECRET} card ${PAN}`,
          errors: { base: [req.body] },
        }),
      );
    };
    const c = make({ retry: false });
    const errors: unknown[] = [];
    for (const status of [401, 404, 422, 429, 500]) {
      server.next(echo(status));
      errors.push(await c.payments.create(paymentRequest).catch((e) => e));
    }
    server.next((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<p>${PAN} ${SECRET} "verification_value":"${CVV}"</p>`);
    });
    errors.push(await c.payments.create(paymentRequest).catch((e) => e));
    server.next(echo(422));
    const failed = await c.async.result("t-1");
    errors.push(
      failed.state === "failed" ? failed.error : undefined,
      failed.state === "failed" ? failed.body : undefined,
    );
    await server.close();
    errors.push(await c.transactions.get("x").catch((e) => e));
    server = await scriptedServer();
    errors.push(
      await createClient({ shopId: 1, secretKey: SECRET, baseUrl: "http://127.0.0.1:1" })
        .async.status(`https://evil.test/${SECRET}`)
        .catch((e) => e),
    );

    expect(errors.filter((e) => e instanceof PayCrossError)).toHaveLength(9);
    for (const e of errors) {
      const text = [e instanceof Error ? `${e.message}\n${e.stack}` : "", JSON.stringify(e), String(e)].join(
        "\n",
      );
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(PAN);
      expect(text).not.toMatch(new RegExp(`"verification_value":"${CVV}"`));
      expect(text).not.toContain(Buffer.from(`361:${SECRET}`).toString("base64"));
    }
    expect(make().redact(`card ${PAN} key ${SECRET}`)).toBe("card ****0000 key [REDACTED]");
  });
});
