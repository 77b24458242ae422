import { createClient } from "@paycross/client";
import { ManualClock, type MockGatewayOptions, startMockGateway, TEST_CARDS } from "@paycross/mock-gateway";

export async function gateway(options: MockGatewayOptions = {}) {
  const gw = await startMockGateway({ asyncDelayMs: 30, incompleteResolveMs: 200, ...options });
  const client = createClient({ shopId: gw.shopId, secretKey: gw.secretKey, baseUrl: gw.url, retry: false });
  return { gw, client };
}

export const FAST = {
  initialDelayMs: 20,
  maxDelayMs: 60,
  followUpInitialDelayMs: 20,
  followUpMaxDelayMs: 60,
  minDelayMs: 5,
};

let n = 0;
export const payment = (
  outcome: keyof typeof TEST_CARDS = "successful",
  extra: Record<string, unknown> = {},
) => ({
  amount: 1000 + n++,
  currency: "USD",
  description: "poller test",
  tracking_id: `poll-${n}`,
  duplicate_check: false,
  credit_card: { number: TEST_CARDS[outcome], verification_value: "123", exp_month: "05", exp_year: "2030" },
  ...extra,
});

export { ManualClock };
