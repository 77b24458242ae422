export { type CardOutcome, TEST_CARDS } from "./cards.js";
export { type Clock, ManualClock, SkewClock, systemClock } from "./clock.js";
export type { GatewayStats } from "./context.js";
export type { Fault, FaultKind } from "./faults.js";
export {
  DEFAULT_SECRET_KEY,
  DEFAULT_SHOP_ID,
  type MockGateway,
  type MockGatewayOptions,
  startMockGateway,
} from "./server.js";
export { RESULT_RETENTION_MS } from "./state/tasks.js";
export * from "./test-payments.js";
export type { WebhookDelivery, WebhookOptions } from "./webhooks.js";
