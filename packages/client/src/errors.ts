/**
 * One base class for every package, a subclass per kind of failure, each with a literal `code`, `kind`
 * and `status` type so that `switch (e.status)` or `e.kind` narrows to the class and its fields.
 * Two families a caller must tell apart:
 * - `transport`: the request may not have been processed (network, timeout, 5xx, unreadable answer);
 *   retry it with the same `idempotencyKey`.
 * - `rejected`: the gateway (or the client, before sending) refused the request; fix the request.
 * `local` errors come from the caller's own side (stores, leases, command-line usage) in sibling packages.
 * A declined card is none of these: it is a processed transaction with `status: "failed"`.
 */
import type { components } from "@paycross/spec/types";
import type { ClientErrorStatus, RedirectStatus, ServerErrorStatus, SuccessStatus } from "./status.js";

export type { ClientErrorStatus, RedirectStatus, ServerErrorStatus, SuccessStatus } from "./status.js";
export type ErrorBody = components["schemas"]["ErrorResponse"];
export type FieldErrors = components["schemas"]["FieldErrors"];
export type ErrorKind = "transport" | "rejected" | "local";

const BRAND = Symbol.for("@paycross/client/PayCrossError");

export interface PayCrossErrorInit {
  message: string;
  /** A short machine-readable name (`config`, `store_locked` ...); each class has its own default. */
  code?: string | undefined;
  status?: number | undefined;
  idempotencyKey?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  body?: unknown;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

export class PayCrossError extends Error {
  /** A short machine-readable name of the failure: `redirect`, `validation`, `store_locked` ... */
  readonly code: string;
  /** `transport`: may not have been processed; `rejected`: refused; `local`: the caller's side. */
  readonly kind: ErrorKind = "transport";
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
    this.code = init.code ?? (new.target as unknown as { defaultCode?: string }).defaultCode ?? "error";
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
      code: this.code,
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

/** No answer at all: what the three ways of getting none (network, clock, caller) have in common. */
abstract class PayCrossNoAnswerError extends PayCrossError {
  declare readonly kind: "transport";
  declare readonly status: undefined;
}
/** The network failed before an answer arrived (refused, reset, DNS). */
export class PayCrossConnectionError extends PayCrossNoAnswerError {
  static readonly defaultCode = "connection";
}
/** No answer within `timeoutMs`. The gateway may still process the request. */
export class PayCrossTimeoutError extends PayCrossNoAnswerError {
  static readonly defaultCode = "timeout";
}
/** The caller's `AbortSignal` fired. */
export class PayCrossAbortError extends PayCrossNoAnswerError {
  static readonly defaultCode = "aborted";
}
/** A 2xx answer that is not what the contract promises (HTML from a proxy, a cut body, a missing field). */
export class PayCrossInvalidResponseError extends PayCrossError {
  static readonly defaultCode = "invalid_response";
  declare readonly kind: "transport";
  declare readonly status: SuccessStatus;
}
/**
 * A 3xx answer. The client never follows a redirect: the request body (a card) must not go anywhere but
 * the gateway. `location` is the target's origin only.
 */
export class PayCrossRedirectError extends PayCrossError {
  static readonly defaultCode = "redirect";
  declare readonly kind: "transport";
  /** Undefined when a fetch implementation followed or hid the redirect itself. */
  declare readonly status: RedirectStatus | undefined;
  /** The redirect target's origin (never its path or query), or undefined when none was given. */
  readonly location: string | undefined;
  constructor(init: PayCrossErrorInit & { location?: string | undefined }) {
    super(init);
    this.location = init.location;
  }
}
/**
 * The answer exceeded `maxResponseBytes`; it was cut off while streaming. The request may have been
 * processed (a read-once async result is then lost: its status is in `responseStatus`).
 */
export class PayCrossResponseTooLargeError extends PayCrossError {
  static readonly defaultCode = "response_too_large";
  declare readonly kind: "transport";
  declare readonly status: undefined;
  /** The status line of the oversized answer. */
  readonly responseStatus: number | undefined;
  readonly maxResponseBytes: number;
  constructor(init: PayCrossErrorInit & { responseStatus?: number | undefined; maxResponseBytes: number }) {
    super(init);
    this.responseStatus = init.responseStatus;
    this.maxResponseBytes = init.maxResponseBytes;
  }
}
/** 5xx: the gateway failed. */
export class PayCrossServerError extends PayCrossError {
  static readonly defaultCode = "server";
  declare readonly kind: "transport";
  declare readonly status: ServerErrorStatus;
}

/** The gateway refused the request (or the client refused to send it). */
export class PayCrossRejectedError extends PayCrossError {
  static readonly defaultCode: string = "rejected";
  override readonly kind = "rejected" as const;
}
/** A status URL or result URL points outside the configured gateway origin. Nothing was sent. */
export class PayCrossUntrustedUrlError extends PayCrossRejectedError {
  static override readonly defaultCode = "untrusted_url";
  declare readonly status: undefined;
}
/** A configuration or argument mistake, found before anything is sent. */
export class PayCrossConfigError extends PayCrossRejectedError {
  static override readonly defaultCode = "config";
  declare readonly status: undefined;
}
/** 401/403: wrong or missing shop id / secret key. */
export class PayCrossAuthenticationError extends PayCrossRejectedError {
  static override readonly defaultCode = "authentication";
  declare readonly status: 401 | 403;
}
/** 404: no such transaction (or task). */
export class PayCrossNotFoundError extends PayCrossRejectedError {
  static override readonly defaultCode = "not_found";
  declare readonly status: 404;
}
/** 422 and other 4xx: invalid request or an operation the gateway does not allow; `fieldErrors` names the fields. */
export class PayCrossValidationError extends PayCrossRejectedError {
  static override readonly defaultCode = "validation";
  declare readonly status: ClientErrorStatus;
  get fieldErrors(): FieldErrors {
    const body = this.body as { errors?: FieldErrors; response?: { errors?: FieldErrors } } | undefined;
    return body?.errors ?? body?.response?.errors ?? {};
  }
}
/** 429: too many requests; `retryAfterMs` says when to try again. */
export class PayCrossRateLimitError extends PayCrossRejectedError {
  static override readonly defaultCode = "rate_limited";
  declare readonly status: 429;
  readonly retryAfterMs: number | undefined;
  constructor(init: PayCrossErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}
/** A notification that failed authentication or is not a transaction. Answer it with 401/400. */
export class PayCrossWebhookError extends PayCrossRejectedError {
  static override readonly defaultCode = "webhook";
  declare readonly status: undefined;
}
/**
 * A coded error of the caller's own side, for sibling packages (`usage`, `store_locked`, `store_corrupt`,
 * `lease_lost` ...): make one with `payCrossError(code, message)` or subclass it.
 */
export class PayCrossLocalError extends PayCrossError {
  static readonly defaultCode: string = "local";
  override readonly kind = "local" as const;
  declare readonly status: undefined;
}

/** Every error class the client and its siblings throw: narrow it by `status`, `kind` or `code`. */
export type AnyPayCrossError =
  | PayCrossConnectionError
  | PayCrossTimeoutError
  | PayCrossAbortError
  | PayCrossInvalidResponseError
  | PayCrossRedirectError
  | PayCrossResponseTooLargeError
  | PayCrossServerError
  | PayCrossUntrustedUrlError
  | PayCrossConfigError
  | PayCrossAuthenticationError
  | PayCrossNotFoundError
  | PayCrossValidationError
  | PayCrossRateLimitError
  | PayCrossWebhookError
  | PayCrossLocalError;

/** `instanceof` across duplicated package copies; narrows to the union so `e.status === 422` gives `fieldErrors`. */
export function isPayCrossError(value: unknown): value is AnyPayCrossError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A coded error for sibling packages: `throw payCrossError("store_locked", "…")`. */
export function payCrossError(
  code: string,
  message: string,
  extra: Omit<PayCrossErrorInit, "code" | "message"> = {},
): PayCrossLocalError {
  return new PayCrossLocalError({ ...extra, code, message });
}

export function gatewayMessageOf(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { message?: unknown; response?: { message?: unknown } };
  const m = b.message ?? b.response?.message;
  return typeof m === "string" ? m : undefined;
}

type HttpErrorClass = new (init: PayCrossErrorInit) => PayCrossError;

/** The error class for an HTTP status that is not a success (3xx are redirects, refused by the client). */
export function errorClassForStatus(status: number): HttpErrorClass {
  if (status === 401 || status === 403) return PayCrossAuthenticationError;
  if (status === 404) return PayCrossNotFoundError;
  if (status === 429) return PayCrossRateLimitError;
  if (status >= 500) return PayCrossServerError;
  if (status >= 400) return PayCrossValidationError;
  if (status >= 300) return PayCrossRedirectError;
  return PayCrossInvalidResponseError;
}
