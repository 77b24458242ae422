/**
 * Request builders over the test cards, for tests and examples against this mock (testkit re-exports
 * them; the mock's own tests use them too, which is why they live here and not in testkit).
 */
import { randomUUID } from "node:crypto";
import { type CardOutcome, TEST_CARDS } from "./cards.js";

export interface TestCard {
  number: string;
  verification_value: string;
  holder: string;
  exp_month: string;
  exp_year: string;
}

/** The test card whose number decides `outcome` (for tests and examples against this mock). */
export function testCard(outcome: CardOutcome = "successful"): TestCard {
  return {
    number: TEST_CARDS[outcome],
    verification_value: "123",
    holder: "John Doe",
    exp_month: "05",
    exp_year: String(new Date().getUTCFullYear() + 4),
  };
}

let seq = 0;
const run = randomUUID().slice(0, 8);

/** A tracking id unique across runs and calls: `<prefix>-<run>-<n>`. */
export function uniqueTrackingId(prefix = "test"): string {
  seq += 1;
  return `${prefix}-${run}-${seq}`;
}

export interface TestPayment {
  amount: number;
  currency: string;
  description: string;
  tracking_id: string;
  test: true;
  credit_card: TestCard;
  [field: string]: unknown;
}

/**
 * A payment (or authorization) request with the outcome's test card and a tracking id and amount unique
 * per run, so that a test or an example can run again at once without tripping the duplicate check.
 */
export function testPayment(outcome: CardOutcome = "successful", extra: Record<string, unknown> = {}) {
  const payment: TestPayment = {
    amount: 100 + (seq % 100_000),
    currency: "USD",
    description: "Test order",
    tracking_id: uniqueTrackingId("order"),
    test: true,
    credit_card: testCard(outcome),
    ...extra,
  };
  return payment;
}
