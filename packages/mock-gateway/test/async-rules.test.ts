import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULT_RETENTION_MS } from "../src/index.js";
import { expectConforms, type Harness, harness, payment } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await harness({ asyncDelayMs: 500 });
});
afterAll(() => h.gw.close());

const submit = async (body = payment()) => {
  const res = await h.call("POST", "/async/transactions/payments", { request: body });
  expectConforms("createPaymentAsync", res.status, res.body);
  return res.body as { request_id: string; status_url: string; response_url: string };
};
const status = async (id: string) => {
  const res = await h.call("GET", `/async/status/${id}`);
  expectConforms("getAsyncStatus", res.status, res.body);
  return res;
};
const result = async (id: string) => {
  const res = await h.call("GET", `/async/result/${id}`);
  expectConforms("getAsyncResult", res.status, res.body);
  return res;
};

describe("the seed's asynchronous rules", () => {
  it("submit answers processing with request_id and absolute URLs on the gateway's own origin", async () => {
    const task = await submit();
    expect(task).toEqual({
      status: "processing",
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status_url: `${h.gw.url}/async/status/${task.request_id}`,
      response_url: `${h.gw.url}/async/result/${task.request_id}`,
    });
  });

  it("status moves processing → completed and never back; the result answers 425 until then", async () => {
    const task = await submit();
    expect((await status(task.request_id)).body).toEqual({
      status: "processing",
      request_id: task.request_id,
    });
    expect((await result(task.request_id)).status).toBe(425);
    h.clock.advance(499);
    expect((await status(task.request_id)).body.status).toBe("processing");
    h.clock.advance(1);
    const done = await status(task.request_id);
    expect(done.body).toEqual({
      status: "completed",
      request_id: task.request_id,
      response_url: task.response_url,
    });
    for (let i = 0; i < 3; i++) {
      h.clock.advance(60_000);
      expect((await status(task.request_id)).body.status).toBe("completed");
    }
  });

  it("the result is the operation's standard answer, the same as the sync form's", async () => {
    const task = await submit(payment("successful", { tracking_id: "async-shape" }));
    h.clock.advance(500);
    const res = await result(task.request_id);
    expect(res.status).toBe(200);
    expectConforms("createPayment", 200, res.body);
    const sync = await h.call("GET", `/transactions/${res.body.transaction.uid}`);
    expect(res.body.transaction).toEqual(sync.body.transaction);
  });

  it("keeps a 200 result 24 hours after the task was created, then both URLs answer 404 unknown", async () => {
    const task = await submit();
    h.clock.advance(500);
    expect((await result(task.request_id)).status).toBe(200);
    expect((await result(task.request_id)).status).toBe(200);
    h.clock.advance(RESULT_RETENTION_MS - 501);
    expect((await result(task.request_id)).status).toBe(200);
    expect((await status(task.request_id)).body.status).toBe("completed");
    h.clock.advance(1);
    for (const res of [await result(task.request_id), await status(task.request_id)]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ status: "unknown", request_id: task.request_id });
    }
  });

  it("returns a non-200 result once, then 404 unknown on both URLs", async () => {
    const res = await h.call("POST", "/async/transactions/captures", {
      request: { parent_uid: "missing", amount: 5 },
    });
    const id = res.body.request_id as string;
    h.clock.advance(500);
    expect((await status(id)).body.status).toBe("completed");
    const first = await result(id);
    expect(first.status).toBe(422);
    expect(first.body).toMatchObject({
      message: "Parent transaction not found",
      errors: { parent_uid: ["is not found"] },
    });
    for (const again of [await result(id), await status(id), await result(id)]) {
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ status: "unknown", request_id: id });
    }
  });

  it("returns an internal failure (500) once, then 404 unknown", async () => {
    const task = await submit(payment("error"));
    h.clock.advance(500);
    const first = await result(task.request_id);
    expect(first.status).toBe(500);
    expect(first.body).toEqual({ message: "We're sorry, but something went wrong" });
    expect((await result(task.request_id)).status).toBe(404);
  });

  it("answers 404 unknown for an id it never issued, on both URLs", async () => {
    for (const res of [await status("10203"), await result("52168")]) {
      expect(res.status).toBe(404);
      expect(res.body.status).toBe("unknown");
    }
  });

  it("refuses an invalid async request at once (no task), with the sync error", async () => {
    const res = await h.call("POST", "/async/transactions/payments", { request: { amount: -1 } });
    expect(res.status).toBe(422);
    expectConforms("createPaymentAsync", 422, res.body);
  });
});

describe("idempotency (RequestID) and duplicate_check", () => {
  it("a repeated POST with the same RequestID returns the first answer with the current status and creates nothing", async () => {
    const body = { request: payment("incomplete", { tracking_id: "idem-1" }) };
    const first = await h.call("POST", "/transactions/payments", body, { RequestID: "key-1" });
    expect(first.body.transaction.status).toBe("incomplete");
    h.clock.advance(1_000);
    const again = await h.call("POST", "/transactions/payments", body, { RequestID: "key-1" });
    expect(again.body.transaction.uid).toBe(first.body.transaction.uid);
    expect(again.body.transaction.status).toBe("successful");
    const list = await h.call("GET", "/v2/transactions/tracking_id/idem-1");
    expect(list.body.transactions).toHaveLength(1);
  });

  it("the same RequestID with a different request is refused", async () => {
    await h.call("POST", "/transactions/payments", { request: payment() }, { RequestID: "key-2" });
    const other = await h.call(
      "POST",
      "/transactions/payments",
      { request: payment() },
      { RequestID: "key-2" },
    );
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual({ RequestID: ["was already used for a different request"] });
  });

  it("a repeated async submit with the same RequestID returns the same task", async () => {
    const body = { request: payment() };
    const a = await h.call("POST", "/async/transactions/payments", body, { RequestID: "key-3" });
    const b = await h.call("POST", "/async/transactions/payments", body, { RequestID: "key-3" });
    expect(b.body.request_id).toBe(a.body.request_id);
  });

  it("keys expire after 24 hours", async () => {
    const body = { request: payment() };
    const a = await h.call("POST", "/transactions/payments", body, { RequestID: "key-4" });
    h.clock.advance(RESULT_RETENTION_MS);
    const b = await h.call("POST", "/transactions/payments", body, { RequestID: "key-4" });
    expect(b.body.transaction.uid).not.toBe(a.body.transaction.uid);
  });

  it("duplicate_check refuses an identical request within 30 seconds, not after", async () => {
    const body = { request: { ...payment(), duplicate_check: undefined } };
    expect((await h.call("POST", "/transactions/payments", body)).status).toBe(200);
    const dup = await h.call("POST", "/transactions/payments", body);
    expect(dup.status).toBe(422);
    expect(dup.body.errors.base[0]).toMatch(/Duplicate request/);
    h.clock.advance(30_000);
    expect((await h.call("POST", "/transactions/payments", body)).status).toBe(200);
    const off = { request: { ...body.request, duplicate_check: false } };
    expect((await h.call("POST", "/transactions/payments", off)).status).toBe(200);
    expect((await h.call("POST", "/transactions/payments", off)).status).toBe(200);
  });
});

describe("the skew clock", () => {
  it("lets tasks finish in real time and still jumps 24 hours", { timeout: 60_000 }, async () => {
    const { SkewClock, startMockGateway } = await import("../src/index.js");
    const clock = new SkewClock();
    const gw = await startMockGateway({ clock, asyncDelayMs: 20, admin: true });
    try {
      const auth = `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`;
      const get = (p: string) => fetch(gw.url + p, { headers: { authorization: auth } });
      const sub = await fetch(`${gw.url}/async/transactions/payments`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify({ request: payment() }),
      }).then((r) => r.json());
      await expect
        .poll(async () => (await get(`/async/result/${sub.request_id}`)).status, { timeout: 20_000 })
        .toBe(200);
      const before = clock.now();
      gw.advance(RESULT_RETENTION_MS);
      expect(clock.now() - before).toBeGreaterThanOrEqual(RESULT_RETENTION_MS);
      expect((await get(`/async/result/${sub.request_id}`)).status).toBe(404);
    } finally {
      await gw.close();
    }
  });
});
