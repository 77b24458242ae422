/**
 * Test cards: the card number decides the outcome, deterministically. The same table is documented in
 * the README and served to the conformance app as the mock's profile.
 */
export type CardOutcome = "successful" | "failed" | "incomplete" | "incomplete_failed" | "error";

export const TEST_CARDS = {
  successful: "4200000000000000",
  failed: "4005550000000019",
  incomplete: "4012001037141112",
  incomplete_failed: "4012001037141120",
  error: "4000000000000507",
} as const satisfies Record<CardOutcome, string>;

const BY_NUMBER = new Map<string, CardOutcome>(
  Object.entries(TEST_CARDS).map(([outcome, number]) => [number, outcome as CardOutcome]),
);

/** Any other well-formed number is approved, as on a sandbox. */
export function outcomeOf(cardNumber: string): CardOutcome {
  return BY_NUMBER.get(cardNumber) ?? "successful";
}

export function brandOf(cardNumber: string): string {
  if (/^4/.test(cardNumber)) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(cardNumber)) return "master";
  if (/^3[47]/.test(cardNumber)) return "amex";
  return "unknown";
}

export const DECLINE_MESSAGE = "Payment was declined";
export const INTERNAL_ERROR_MESSAGE = "We're sorry, but something went wrong";

/** The card number checksum: a number that fails it is refused before anything else. */
export function luhn(number: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = number.length - 1; i >= 0; i--) {
    let d = number.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return number.length >= 12 && sum % 10 === 0;
}
