import { createClient } from "@paycross/client";
import {
  type CardOutcome,
  ManualClock,
  type MockGatewayOptions,
  startMockGateway,
  testPayment,
} from "@paycross/mock-gateway";

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

/** A payment with a unique tracking id, on the mock's test card for `outcome` (the one builder, from the mock). */
export const payment = (outcome: CardOutcome = "successful", extra: Record<string, unknown> = {}) =>
  testPayment(outcome, { duplicate_check: false, description: "poller test", ...extra });

export { ManualClock };
