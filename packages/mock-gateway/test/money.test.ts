/**
 * Idempotency before effects: whatever fails while a request is served (rendering, webhooks, timers),
 * a retry with the same RequestID returns the same transaction or the same error, never a second charge.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, harness, payment } from "./helpers.js";

/** The documented depth cap (MAX_JSON_DEPTH), literal so that this file also runs against older code. */
const MAX_JSON_DEPTH = 32;

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(() => h.gw.close());

const balance = async (currency = "USD") =>
  (await h.call("POST", "/balance", { request: { currency } }, { "X-API-Version": "2" })).body.result.amount;

/** A payment body whose additional_data nests `levels` deep, written as text (JSON.stringify overflows). */
const deepPayment = (levels: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ request: payment("successful", { additional_data: "__DEEP__", ...extra }) }).replace(
    '"__DEEP__"',
    `${'{"a":'.repeat(levels)}{}${"}".repeat(levels)}`,
  );

describe("idempotency before effects", { timeout: 60_000 }, () => {
  for (const hook of [false, true]) {
    it(`a body nested 10,000 deep ${hook ? "with" : "without"} a notification_url is refused (422 naming the depth), books nothing on 3 RequestID retries, and later queries still answer`, async () => {
      const extra = hook
        ? { notification_url: "http://127.0.0.1:9/hook", tracking_id: "deep" }
        : { tracking_id: "deep" };
      const body = deepPayment(10_000, extra);
      const before = await balance();
      for (let i = 0; i < 3; i++) {
        const res = await h.call("POST", "/transactions/payments", body, { RequestID: "deep-key" });
        expect(res.status).toBe(422);
        expect(res.body.message).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
      }
      expect(await balance()).toBe(before);
      const list = await h.call("GET", "/v2/transactions/tracking_id/deep");
      expect(list.status).toBe(200);
      expect(list.body.transactions).toEqual([]);
      expect(h.gw.stats.internalErrors ?? 0).toBe(0);
    });
  }

  it(`a body nested ${MAX_JSON_DEPTH} deep (the cap) with a notification_url and a 3-D Secure card is booked once, answered, notified, and resolved by the timer without killing the process`, async () => {
    const body = deepPayment(MAX_JSON_DEPTH - 4, {
      notification_url: "http://127.0.0.1:9/hook",
      tracking_id: "at-cap",
      credit_card: payment("incomplete").credit_card,
    });
    const first = await h.call("POST", "/transactions/payments", body, { RequestID: "cap-key" });
    expect(first.status).toBe(200);
    const again = await h.call("POST", "/transactions/payments", body, { RequestID: "cap-key" });
    expect(again.body.transaction.uid).toBe(first.body.transaction.uid);
    h.clock.advance(1_000);
    const list = await h.call("GET", "/v2/transactions/tracking_id/at-cap");
    expect(list.body.transactions.map((t: { status: string }) => t.status)).toEqual(["successful"]);
    const uid = first.body.transaction.uid;
    // Both notifications were attempted (the receiver port is closed): incomplete, then successful.
    await expect
      .poll(() => new Set(h.gw.webhooks.deliveries.filter((d) => d.uid === uid).map((d) => d.status)), {
        timeout: 30_000,
      })
      .toEqual(new Set(["incomplete", "successful"]));
    expect(h.gw.stats.internalErrors ?? 0).toBe(0);
  });

  it("a RequestID retry after the mock failed while serving returns the same error and creates nothing new", async () => {
    let calls = 0;
    const local = await harness({
      asyncDelayMs: () => {
        calls++;
        throw new Error("asyncDelayMs blew up");
      },
    });
    try {
      const body = { request: payment() };
      const first = await local.call("POST", "/async/transactions/payments", body, { RequestID: "boom" });
      const second = await local.call("POST", "/async/transactions/payments", body, { RequestID: "boom" });
      expect(first.status).toBe(500);
      expect(second).toMatchObject({ status: 500, body: first.body });
      expect(calls).toBe(1);
      expect(local.gw.stats.internalErrors).toBe(1);
    } finally {
      await local.gw.close();
    }
  });

  it("duplicate_check: a refused request leaves no fingerprint, so the retry after its cause is gone is served", async () => {
    const auth = await h.call("POST", "/transactions/authorizations", {
      request: payment("incomplete", { amount: 500, duplicate_check: false }),
    });
    const capture = { request: { parent_uid: auth.body.transaction.uid, amount: 500 } };
    const refused = await h.call("POST", "/transactions/captures", capture);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/status is incomplete/);
    h.clock.advance(1_000);
    const served = await h.call("POST", "/transactions/captures", capture);
    expect(served.status).toBe(200);
    // And a booked capture does block its identical twin within 30 s: one capture, not two.
    const twin = await h.call("POST", "/transactions/captures", capture);
    expect(twin.status).toBe(422);
    expect(twin.body.errors.base[0]).toMatch(/Duplicate request/);
  });
});
