// The contract was loosened where the vendor's samples showed it too strict (DECISIONS.md L1-L9). These
// tests pin what must stay strict because it protects a merchant: money, currency, status, the card.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Contract } from "../src/index.js";

const contract = new Contract();
const transaction: Record<string, unknown> = {
  uid: "4107-310b0da80b",
  status: "successful",
  type: "payment",
  amount: 100,
  currency: "USD",
};
const answer = (patch: Record<string, unknown>) =>
  contract.validateResponseBody("createPayment", 200, { transaction: { ...transaction, ...patch } }) ?? [];
const payment = (patch: Record<string, unknown>) =>
  contract.validateRequestBody("createPayment", {
    request: {
      amount: 100,
      currency: "USD",
      description: "Order 1",
      credit_card: { number: "4200000000000000", exp_month: "05", exp_year: "2030" },
      ...patch,
    },
  });

describe("strictness kept after loosening the contract to the vendor's samples", () => {
  it("accepts the five fields every transaction carries, and nothing less", () => {
    expect(answer({})).toEqual([]);
    for (const key of Object.keys(transaction)) {
      const { [key]: _dropped, ...rest } = transaction;
      expect(contract.validateResponseBody("createPayment", 200, { transaction: rest }), key).not.toEqual([]);
    }
  });

  it("amount stays a non-negative integer: never a string, a fraction or null", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.double({ noInteger: true }), fc.constant(null), fc.integer({ max: -1 })),
        (amount) => answer({ amount }).length > 0,
      ),
    );
  });

  it("currency stays three capital letters", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^[A-Z]{3}$/.test(s)),
        (currency) => payment({ currency }).length > 0,
      ),
    );
  });

  it("the transaction status stays a closed enum", () => {
    const known = new Set(["successful", "failed", "incomplete", "expired", "pending", "error"]);
    fc.assert(
      fc.property(
        fc.string().filter((s) => !known.has(s)),
        (status) => answer({ status }).length > 0,
      ),
    );
  });

  it("a request URL is a URL or empty (unset), nothing else", () => {
    expect(payment({ notification_url: "" })).toEqual([]);
    expect(payment({ notification_url: "https://merchant.example/hook" })).toEqual([]);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !/^[a-z][a-z0-9+.-]*:/i.test(s)),
        (url) => payment({ notification_url: url }).length > 0,
      ),
    );
  });

  it("a card is a number with its expiry or a non-empty token: an empty or null token alone is refused", () => {
    expect(payment({ credit_card: { token: "12345" } })).toEqual([]);
    expect(payment({ credit_card: { token: "" } })).not.toEqual([]);
    expect(payment({ credit_card: { token: null } })).not.toEqual([]);
    expect(payment({ credit_card: {} })).not.toEqual([]);
  });

  it("a credit takes a token only, never a card number", () => {
    const credit = (card: unknown) =>
      contract.validateRequestBody("createCredit", {
        request: { amount: 100, currency: "USD", description: "Winnings", credit_card: card },
      });
    expect(credit({ token: "40bd0015" })).toEqual([]);
    expect(credit({ number: "4200000000000000", exp_month: "05", exp_year: "2030" })).not.toEqual([]);
    expect(credit({ token: "" })).not.toEqual([]);
    // A card number or CVV beside the token is refused too: a credit never carries card data.
    expect(credit({ token: "40bd0015", number: "4200000000000000" })).not.toEqual([]);
    expect(credit({ token: "40bd0015", verification_value: "123" })).not.toEqual([]);
  });

  it("additional_data.meta is a map or PHP's empty list, never a list with items", () => {
    expect(payment({ additional_data: { meta: [] } })).toEqual([]);
    expect(payment({ additional_data: { meta: { order: 1 } } })).toEqual([]);
    expect(payment({ additional_data: { meta: ["x"] } })).not.toEqual([]);
  });

  it("test stays a boolean when present", () => {
    expect(answer({ test: true })).toEqual([]);
    for (const test of [1, "true", null]) expect(answer({ test }), String(test)).not.toEqual([]);
  });
});
