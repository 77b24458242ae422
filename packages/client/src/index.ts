export type { AsyncApi, AsyncCallOptions, AsyncResult, AsyncStatus, AsyncTask } from "./async.js";
export {
  type CallOptions,
  type ClientOptions,
  createClient,
  DEFAULT_BASE_URL,
  type PayCrossClient,
  type TransactionResult,
} from "./client.js";
export {
  errorClassForStatus,
  isPayCrossError,
  PayCrossAbortError,
  PayCrossAuthenticationError,
  PayCrossConfigError,
  PayCrossConnectionError,
  PayCrossError,
  PayCrossInvalidResponseError,
  PayCrossNotFoundError,
  PayCrossRateLimitError,
  PayCrossRejectedError,
  PayCrossServerError,
  PayCrossTimeoutError,
  PayCrossUntrustedUrlError,
  PayCrossValidationError,
} from "./errors.js";
export type { components, operations, paths, webhooks } from "./generated/schema.js";
export { TRANSACTION_OPERATIONS, type TransactionOperationName } from "./operations.js";
export { createRedactor, type Redactor, redact } from "./redact.js";
export {
  backoffDelay,
  DEFAULT_RETRY,
  MAX_TIMER_MS,
  parseRetryAfter,
  type RetryPolicy,
  sleep,
} from "./retry.js";
export { type NodeTransportOptions, nodeTransport } from "./transport/node.js";
export {
  fetchTransport,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "./transport/types.js";
export type * from "./types.js";
export {
  type NotificationInput,
  type NotificationVerifier,
  PayCrossWebhookError,
  verifyNotification,
} from "./webhook.js";
