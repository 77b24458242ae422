/**
 * One base class, a subclass per kind of failure. Two families a caller must tell apart:
 * - `transport`: the request may not have been processed (network, timeout, 5xx, unreadable answer);
 *   retry it with the same `idempotencyKey`.
 * - `rejected`: the gateway refused the request (401, 404, 422, 429); fix the request.
 * A declined card is neither: it is a processed transaction with `status: "failed"`.
 */
import type { components } from "./generated/schema.js";

export type ErrorBody = components["schemas"]["ErrorResponse"];
export type FieldErrors = components["schemas"]["FieldErrors"];

const BRAND = Symbol.for("@paycross/client/PayCrossError");

export interface PayCrossErrorInit {
  message: string;
  status?: number | undefined;
  idempotencyKey?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  body?: unknown;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

export class PayCrossError extends Error {
  /** `transport`: may not have been processed; `rejected`: refused by the gateway. */
  readonly kind: "transport" | "rejected" = "transport";
  /** The HTTP status, when an answer arrived. */
  readonly status: number | undefined;
  /** The idempotency key (`RequestID` header) the request was sent with. Retry with the same one. */
  readonly idempotencyKey: string | undefined;
  readonly method: string | undefined;
  /** The URL, without credentials. */
  readonly url: string | undefined;
  /** The parsed answer, redacted. */
  readonly body: unknown;
  /** The gateway's own message, when it sent one. */
  readonly gatewayMessage: string | undefined;

  constructor(init: PayCrossErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.idempotencyKey = init.idempotencyKey;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
    this.gatewayMessage = gatewayMessageOf(init.body);
    Object.defineProperty(this, BRAND, { value: true });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      status: this.status,
      idempotencyKey: this.idempotencyKey,
      method: this.method,
      url: this.url,
      body: this.body,
    };
  }
}

/** The network failed before an answer arrived (refused, reset, DNS). */
export class PayCrossConnectionError extends PayCrossError {}
/** No answer within `timeoutMs`. The gateway may still process the request. */
export class PayCrossTimeoutError extends PayCrossError {}
/** The caller's `AbortSignal` fired. */
export class PayCrossAbortError extends PayCrossError {}
/** The answer was not the JSON the contract promises (HTML from a proxy, a cut body ...). */
export class PayCrossInvalidResponseError extends PayCrossError {}
/** 5xx: the gateway failed. */
export class PayCrossServerError extends PayCrossError {}
/** A status URL or result URL points outside the configured gateway origin. Nothing was sent. */
export class PayCrossUntrustedUrlError extends PayCrossError {
  override readonly kind = "rejected" as const;
}

/** The gateway refused the request. */
export class PayCrossRejectedError extends PayCrossError {
  override readonly kind = "rejected" as const;
}
/** A configuration or argument mistake, found before anything is sent. */
export class PayCrossConfigError extends PayCrossRejectedError {}
/** 401: wrong or missing shop id / secret key. */
export class PayCrossAuthenticationError extends PayCrossRejectedError {}
/** 404: no such transaction (or task). */
export class PayCrossNotFoundError extends PayCrossRejectedError {}
/** 422: invalid request or an operation the gateway does not allow; `fieldErrors` names the fields. */
export class PayCrossValidationError extends PayCrossRejectedError {
  get fieldErrors(): FieldErrors {
    const body = this.body as { errors?: FieldErrors; response?: { errors?: FieldErrors } } | undefined;
    return body?.errors ?? body?.response?.errors ?? {};
  }
}
/** 429: too many requests; `retryAfterMs` says when to try again. */
export class PayCrossRateLimitError extends PayCrossRejectedError {
  readonly retryAfterMs: number | undefined;
  constructor(init: PayCrossErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** `instanceof` across duplicated package copies. */
export function isPayCrossError(value: unknown): value is PayCrossError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export function gatewayMessageOf(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { message?: unknown; response?: { message?: unknown } };
  const m = b.message ?? b.response?.message;
  return typeof m === "string" ? m : undefined;
}

/** The error class for an HTTP status. */
export function errorClassForStatus(status: number): typeof PayCrossError {
  if (status === 401 || status === 403) return PayCrossAuthenticationError;
  if (status === 404) return PayCrossNotFoundError;
  if (status === 429) return PayCrossRateLimitError;
  if (status >= 500) return PayCrossServerError;
  if (status >= 400) return PayCrossValidationError;
  return PayCrossInvalidResponseError;
}
