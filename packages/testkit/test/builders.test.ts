import { TEST_CARDS as MOCK_CARDS } from "@paycross/mock-gateway";
import { describe, expect, it } from "vitest";
import { TEST_CARDS, testCard, testPayment, uniqueTrackingId } from "../src/index.js";

describe("payment builders", () => {
  it("take the test cards from the mock gateway itself", () => {
    expect(TEST_CARDS).toBe(MOCK_CARDS);
    expect(testCard("failed").number).toBe(MOCK_CARDS.failed);
  });

  it("give every payment its own tracking id and amount", () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => uniqueTrackingId()));
    expect(ids.size).toBe(1_000);
    const [a, b] = [testPayment(), testPayment("incomplete", { description: "x" })];
    expect(a.tracking_id).not.toBe(b.tracking_id);
    expect(a.amount).not.toBe(b.amount);
    expect(b).toMatchObject({ description: "x", credit_card: { number: MOCK_CARDS.incomplete } });
  });
});
