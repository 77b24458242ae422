import { PayCrossNotFoundError, PayCrossServerError, PayCrossValidationError } from "@paycross/client";
import { OPERATION_NAMES, OPERATIONS, type OperationName } from "@paycross/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { card, expectConforms, type Harness, harness, payment } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.gw.close());

describe("every operation, through @paycross/client, answers as the contract says", () => {
  it("payment, authorization, tokenization, checkup and payout", async () => {
    const { client } = h;
    for (const [op, result] of [
      ["createPayment", await client.payments.create(payment())],
      ["createAuthorization", await client.authorizations.create(payment())],
      ["createTokenization", await client.tokenizations.create(payment())],
      ["createCheckup", await client.checkups.create(payment())],
      [
        "createPayout",
        await client.payouts.create({
          amount: 77,
          currency: "USD",
          description: "Winnings",
          recipient_credit_card: card(),
        }),
      ],
    ] as const) {
      expectConforms(op, 200, result.data);
      expect(result.transaction.status).toBe("successful");
    }
  });

  it("capture, void, refund and chargeback follow the parent chain", async () => {
    const { client } = h;
    const auth = await client.authorizations.create(payment("successful", { amount: 1000 }));
    const capture = await client.captures.create({ parent_uid: auth.transaction.uid, amount: 600 });
    expectConforms("createCapture", 200, capture.data);
    expect(capture.transaction).toMatchObject({
      type: "capture",
      parent_uid: auth.transaction.uid,
      amount: 600,
    });
    const refund = await client.refunds.create({
      parent_uid: capture.transaction.uid,
      amount: 200,
      reason: "returned",
    });
    expectConforms("createRefund", 200, refund.data);
    const chargeback = await client.chargebacks.create({
      parent_uid: capture.transaction.uid,
      amount: 400,
      reason: "fraud",
    });
    expectConforms("createChargeback", 200, chargeback.data);

    const auth2 = await client.authorizations.create(payment("successful", { amount: 300 }));
    const voided = await client.voids.create({ parent_uid: auth2.transaction.uid, amount: 300 });
    expectConforms("createVoid", 200, voided.data);
    expect(voided.transaction.type).toBe("void");
  });

  it("status queries by uid and by tracking_id, and the balance", async () => {
    const { client } = h;
    const paid = await client.payments.create(payment("successful", { tracking_id: "order-q" }));
    const byUid = await client.transactions.get(paid.transaction.uid);
    expectConforms("getTransaction", 200, byUid.data);
    expect(byUid.transaction).toEqual(paid.transaction);
    const byTracking = await client.transactions.byTrackingId("order-q");
    expectConforms("listTransactionsByTrackingId", 200, byTracking.data);
    expect(byTracking.transactions.map((t) => t.uid)).toEqual([paid.transaction.uid]);
    const balance = await client.balance.get({ currency: "USD" });
    expectConforms("getBalance", 200, balance.data);
  });

  it("every catalogue entry is served in both modes, and every answer is the contract's", async () => {
    const { client } = h;
    const paid = await client.payments.create(
      payment("successful", { amount: 5000, tracking_id: "order-every" }),
    );
    const token = (await client.tokenizations.create(payment())).transaction.credit_card?.token;
    const authorized = async () =>
      (await client.authorizations.create(payment("successful", { amount: 5000 }))).transaction;
    const child = async (amount: number) => ({ parent_uid: (await authorized()).uid, amount });
    let n = 0;
    // A fresh amount each time: the sync and async forms of a refund would otherwise be duplicates.
    const paidChild = (amount: number) => ({
      parent_uid: paid.transaction.uid,
      amount: amount + n++,
      reason: "r",
    });
    // One request per catalogue entry: a new entry without one here fails the key check below.
    const requests: Record<
      OperationName,
      () => Promise<{ body?: unknown; params?: Record<string, string> }>
    > = {
      payment: async () => ({ body: payment() }),
      authorization: async () => ({ body: payment() }),
      tokenization: async () => ({ body: payment() }),
      capture: async () => ({ body: await child(10) }),
      void: async () => ({ body: await child(5000) }),
      refund: async () => ({ body: paidChild(10) }),
      credit: async () => ({
        body: { amount: 25 + n++, currency: "USD", description: "c", credit_card: { token } },
      }),
      payout: async () => ({
        body: { amount: 55, currency: "USD", description: "p", recipient_credit_card: card() },
      }),
      checkup: async () => ({ body: payment() }),
      chargeback: async () => ({ body: paidChild(11) }),
      transaction: async () => ({ params: { uid: paid.transaction.uid } }),
      transactionsByTrackingId: async () => ({ params: { tracking_id: "order-every" } }),
      balance: async () => ({ body: { currency: "USD" } }),
    };
    expect(Object.keys(requests).sort()).toEqual([...OPERATION_NAMES].sort());
    for (const name of OPERATION_NAMES) {
      const entry = OPERATIONS[name];
      for (const mode of ["sync", "async"] as const) {
        const { body: built, params = {} } = await requests[name]();
        // The sync and async forms of one request would be refused as duplicates of each other.
        const body = built && name !== "balance" ? { ...built, duplicate_check: false } : built;
        const template = mode === "sync" ? entry.syncPath : entry.asyncPath;
        const path = template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(params[k]!));
        const headers = name === "balance" ? { "X-API-Version": "2" } : undefined;
        const res = await h.call(
          entry.method,
          path,
          body === undefined ? undefined : { request: body },
          headers,
        );
        const operationId = mode === "sync" ? entry.syncOperationId : entry.asyncOperationId;
        expect(res.status, `${operationId} ${JSON.stringify(res.body)}`).toBe(200);
        expectConforms(operationId, 200, res.body);
        if (mode === "sync") {
          if (entry.transactionType) expect(res.body.transaction.type).toBe(entry.transactionType);
          continue;
        }
        expect(res.body.status_url).toBe(`${h.gw.url}/async/status/${res.body.request_id}`);
        expect(res.body.response_url).toBe(`${h.gw.url}/async/result/${res.body.request_id}`);
        h.clock.advance(1_000);
        const result = await h.call("GET", new URL(res.body.response_url).pathname);
        expect(result.status, operationId).toBe(200);
        expectConforms("getAsyncResult", 200, result.body);
        expectConforms(entry.syncOperationId, 200, result.body);
      }
    }
  });
});

describe("credits", () => {
  const tokenOf = async (outcome: Parameters<typeof payment>[0]) =>
    (await h.client.tokenizations.create(payment(outcome))).transaction.credit_card!.token!;
  const credit = (token: string, amount = 40) =>
    h.call("POST", "/transactions/credits", {
      request: {
        amount,
        currency: "EUR",
        description: "credit",
        duplicate_check: false,
        credit_card: { token },
      },
    });

  it("send money to the card behind a token and debit the balance", async () => {
    const local = await harness();
    try {
      const token = (await local.client.tokenizations.create(payment())).transaction.credit_card!.token!;
      const balance = async () =>
        (await local.call("POST", "/balance", { request: { currency: "EUR" } }, { "X-API-Version": "2" }))
          .body.result.amount;
      const before = await balance();
      const res = await local.call("POST", "/transactions/credits", {
        request: { amount: 40, currency: "EUR", description: "credit", credit_card: { token } },
      });
      expect(res.status).toBe(200);
      expectConforms("createCredit", 200, res.body);
      expect(res.body.transaction).toMatchObject({ type: "credit", status: "successful", amount: 40 });
      expect(res.body.transaction.credit_card.token).toBe(token);
      expect(res.body.transaction.credit.status).toBe("successful");
      expect(await balance()).toBe(before - 40);
    } finally {
      await local.gw.close();
    }
  });

  // The internal-error card cannot be tokenized (its tokenization answers 500), so no credit reaches it.
  it("follow the test card behind the token: declined, and no 3-D Secure wait", async () => {
    const declined = await credit(await tokenOf("failed"));
    expect(declined.body.transaction).toMatchObject({ status: "failed", message: "Payment was declined" });
    expectConforms("createCredit", 200, declined.body);
    expect((await credit(await tokenOf("incomplete"))).body.transaction.status).toBe("successful");
  });

  it("refuse an unknown token (422) and a card number instead of a token", async () => {
    const forged = await credit("forged-token");
    expect(forged.status).toBe(422);
    expect(forged.body.errors).toEqual({ credit_card: { token: ["is invalid"] } });
    const byNumber = await h.call("POST", "/transactions/credits", {
      request: { amount: 1, currency: "EUR", description: "x", credit_card: card() },
    });
    expect(byNumber.status).toBe(422);
  });
});

describe("the rules a gateway enforces", () => {
  it("refuses to capture more than was authorized, in total", async () => {
    const auth = await h.client.authorizations.create(payment("successful", { amount: 500 }));
    await h.client.captures.create({ parent_uid: auth.transaction.uid, amount: 300 });
    const err = await h.client.captures
      .create({ parent_uid: auth.transaction.uid, amount: 201 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossValidationError);
    expect(err.fieldErrors).toEqual({ amount: ["must be at most 200"] });
    expectConforms("createCapture", 422, err.body);
  });

  it("refuses to void a captured authorization and to capture a voided one", async () => {
    const a = await h.client.authorizations.create(payment("successful", { amount: 500 }));
    await h.client.captures.create({ parent_uid: a.transaction.uid, amount: 100 });
    await expect(h.client.voids.create({ parent_uid: a.transaction.uid, amount: 500 })).rejects.toThrow(
      /it was captured/,
    );
    const b = await h.client.authorizations.create(payment("successful", { amount: 500 }));
    await h.client.voids.create({ parent_uid: b.transaction.uid, amount: 500 });
    await expect(h.client.captures.create({ parent_uid: b.transaction.uid, amount: 1 })).rejects.toThrow(
      /voided/,
    );
  });

  it("refunds at most what was paid, and only payments and captures", async () => {
    const p = await h.client.payments.create(payment("successful", { amount: 400 }));
    await h.client.refunds.create({ parent_uid: p.transaction.uid, amount: 250, reason: "r" });
    await expect(
      h.client.refunds.create({ parent_uid: p.transaction.uid, amount: 151, reason: "r" }),
    ).rejects.toThrow(/refundable/);
    const a = await h.client.authorizations.create(payment());
    await expect(
      h.client.refunds.create({ parent_uid: a.transaction.uid, amount: 1, reason: "r" }),
    ).rejects.toThrow(/Only a payment or capture/);
    await expect(h.client.captures.create({ parent_uid: p.transaction.uid, amount: 1 })).rejects.toThrow(
      /Only an authorization/,
    );
    await expect(
      h.client.refunds.create({ parent_uid: "no-such-uid", amount: 1, reason: "r" }),
    ).rejects.toMatchObject({
      status: 422,
      fieldErrors: { parent_uid: ["is not found"] },
    });
  });

  it("moves the balance with payments, captures, refunds, chargebacks and payouts", async () => {
    const local = await harness();
    try {
      const c = local.client;
      const before = (await c.balance.get({ currency: "EUR" })).data.result.amount;
      const p = await c.payments.create(payment("successful", { amount: 1000, currency: "EUR" }));
      const a = await c.authorizations.create(payment("successful", { amount: 700, currency: "EUR" }));
      expect((await c.balance.get({ currency: "EUR" })).data.result.amount).toBe(before + 1000);
      await c.captures.create({ parent_uid: a.transaction.uid, amount: 700 });
      await c.refunds.create({ parent_uid: p.transaction.uid, amount: 100, reason: "r" });
      await c.payouts.create({
        amount: 50,
        currency: "EUR",
        description: "p",
        recipient_credit_card: card(),
      });
      expect((await c.balance.get({ currency: "EUR" })).data.result.amount).toBe(
        before + 1000 + 700 - 100 - 50,
      );
    } finally {
      await local.gw.close();
    }
  });

  it("issues card tokens that later payments can use", async () => {
    const tok = await h.client.tokenizations.create(payment());
    const token = tok.transaction.credit_card?.token;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const paid = await h.client.payments.create({
      amount: 321,
      currency: "USD",
      description: "by token",
      credit_card: { token: token! },
    });
    expect(paid.transaction.status).toBe("successful");
    expect(paid.transaction.credit_card?.last_4).toBe("0000");
    await expect(
      h.client.payments.create({
        amount: 322,
        currency: "USD",
        description: "x",
        credit_card: { token: "forged" },
      }),
    ).rejects.toMatchObject({ status: 422, fieldErrors: { credit_card: { token: ["is invalid"] } } });
  });

  it("lists at most 10 transactions by tracking_id, newest first", async () => {
    const uids: string[] = [];
    for (let i = 0; i < 12; i++)
      uids.push(
        (await h.client.payments.create(payment("successful", { tracking_id: "many" }))).transaction.uid,
      );
    const { transactions } = await h.client.transactions.byTrackingId("many");
    expect(transactions.map((t) => t.uid)).toEqual(uids.slice(-10).reverse());
    expect((await h.client.transactions.byTrackingId("nothing-here")).transactions).toEqual([]);
  });

  it("answers 404 for an unknown uid", async () => {
    const err = await h.client.transactions.get("no-such-uid").catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossNotFoundError);
    expectConforms("getTransaction", 404, err.body);
  });
});

describe("test cards", () => {
  it("decline with a message, as a processed transaction (not an HTTP error)", async () => {
    const r = await h.client.payments.create(payment("failed"));
    expect(r.transaction).toMatchObject({ status: "failed", message: "Payment was declined" });
    expect(r.transaction.payment?.status).toBe("failed");
  });

  it("go incomplete with a 3-D Secure redirect, then resolve on the clock", async () => {
    const r = await h.client.payments.create(payment("incomplete", { tracking_id: "three-ds" }));
    expect(r.transaction.status).toBe("incomplete");
    expect(r.transaction.redirect_url).toBe(`${h.gw.url}/process/${r.transaction.uid}`);
    expectConforms("createPayment", 200, r.data);
    h.clock.advance(999);
    expect((await h.client.transactions.get(r.transaction.uid)).transaction.status).toBe("incomplete");
    h.clock.advance(1);
    expect((await h.client.transactions.byTrackingId("three-ds")).transactions[0]?.status).toBe("successful");
    const f = await h.client.payments.create(payment("incomplete_failed"));
    h.clock.advance(1_000);
    expect((await h.client.transactions.get(f.transaction.uid)).transaction.status).toBe("failed");
  });

  it("make the gateway fail internally with a 500", async () => {
    const err = await h.client.payments.create(payment("error")).catch((e) => e);
    expect(err).toBeInstanceOf(PayCrossServerError);
    expect(err.gatewayMessage).toBe("We're sorry, but something went wrong");
    expectConforms("createPayment", 500, err.body);
  });
});
