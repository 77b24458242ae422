export type { components, operations, paths, webhooks } from "@paycross/spec/types";
export type { AsyncApi, AsyncCallOptions, AsyncResult, AsyncStatus, AsyncTask } from "./async.js";
export {
  type CallOptions,
  type ClientOptions,
  createClient,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RESPONSE_BYTES,
  type PayCrossClient,
  type TransactionResult,
} from "./client.js";
export type { SpanLike, TracerLike } from "./core/tracing.js";
export * from "./deprecated.js";
export {
  type AnyPayCrossError,
  type ClientErrorStatus,
  type ErrorBody,
  type ErrorKind,
  type FieldErrors,
  isPayCrossError,
  PayCrossAbortError,
  PayCrossAuthenticationError,
  PayCrossConfigError,
  PayCrossConnectionError,
  PayCrossError,
  type PayCrossErrorInit,
  PayCrossInvalidResponseError,
  PayCrossLocalError,
  PayCrossNotFoundError,
  PayCrossRateLimitError,
  PayCrossRedirectError,
  PayCrossRejectedError,
  PayCrossResponseTooLargeError,
  PayCrossServerError,
  PayCrossTimeoutError,
  PayCrossUntrustedUrlError,
  PayCrossValidationError,
  PayCrossWebhookError,
  payCrossError,
  type RedirectStatus,
  type ServerErrorStatus,
  type SuccessStatus,
} from "./errors.js";
export { TRANSACTION_OPERATIONS, type TransactionOperationName } from "./operations.js";
export { type Redactor, redact } from "./redact.js";
export type { RetryPolicy } from "./retry.js";
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
  type VerifiedNotification,
  verifyNotification,
} from "./webhook.js";
