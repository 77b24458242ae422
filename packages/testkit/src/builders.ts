/**
 * Request builders for tests: a card for each test outcome of the mock gateway (the mock's own table, not
 * a copy) and payments whose `tracking_id` and amount are unique per process run, so that a test (or a
 * README example) can be run again at once without tripping the gateway's duplicate check.
 */
import { randomUUID } from "node:crypto";
import { type CardOutcome, TEST_CARDS } from "@paycross/mock-gateway";

export { type CardOutcome, TEST_CARDS };

export interface TestCard {
  number: string;
  verification_value: string;
  holder: string;
  exp_month: string;
  exp_year: string;
}

/** The mock's test card whose number decides `outcome`. */
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

/** A payment (or authorization) request for the mock: unique tracking id and amount, the outcome's card. */
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
