/**
 * The request pipeline every call goes through: auth and gateway headers, the idempotency key, a
 * per-attempt timeout, the caller's abort signal, and retries only where a retry cannot double a charge.
 */
import {
  errorClassForStatus,
  gatewayMessageOf,
  PayCrossAbortError,
  PayCrossConnectionError,
  type PayCrossError,
  PayCrossInvalidResponseError,
  PayCrossRateLimitError,
  PayCrossTimeoutError,
} from "./errors.js";
import type { Redactor } from "./redact.js";
import { backoffDelay, parseRetryAfter, type RetryPolicy, sleep } from "./retry.js";
import type { Transport, TransportResponse } from "./transport/types.js";

/**
 * When a request may be retried:
 * - `idempotent`: GETs, and POSTs carrying a `RequestID` (the gateway answers a repeat with the first answer);
 * - `read-once`: the async result URL, whose non-200 answer exists once: retried only when no answer
 *   arrived or the gateway said it did not serve it (429, 503);
 * - `never`.
 */
export type RetryMode = "idempotent" | "read-once" | "never";

/** What a caller can set on one call. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The idempotency key (`RequestID` header) of a POST; a UUID is generated when absent. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
  /** Overrides the client's retry count for this call (0: no retry). */
  maxRetries?: number;
}

/** One call through the pipeline: a path on the gateway or an absolute URL already checked. */
export type CallFn = (
  method: "GET" | "POST",
  pathOrUrl: string,
  opts?: CallOptions,
  extra?: {
    /** The inner request: sent as `{"request": ...}`. */
    request?: unknown;
    /** A body already in its envelope (the raw client). */
    body?: unknown;
    headers?: Record<string, string>;
    retry?: RetryMode;
    /** Return every status as data instead of throwing for non-2xx. */
    anyStatus?: boolean;
  },
) => Promise<RawResponse>;

export interface SendOptions {
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** The `RequestID` header to send: the idempotency key (POSTs). */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  retry: RetryMode;
  /** Overrides the client's `maxRetries` for this call (a poller that schedules its own retries passes 0). */
  maxRetries?: number | undefined;
}

export interface RawResponse {
  status: number;
  headers: TransportResponse["headers"];
  /** The parsed JSON body (`undefined` for an empty body). */
  body: unknown;
  idempotencyKey: string | undefined;
}

export interface HttpCoreOptions {
  transport: Transport;
  authorization: string;
  headers: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
  redact: Redactor;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const READ_ONCE_RETRYABLE_STATUS = new Set([429, 503]);

class TimeoutSignal {
  readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onParentAbort: () => void;
  timedOut = false;
  constructor(
    ms: number,
    private readonly parent: AbortSignal | undefined,
  ) {
    this.onParentAbort = () => this.controller.abort(parent?.reason);
    if (parent) {
      if (parent.aborted) this.controller.abort(parent.reason);
      else parent.addEventListener("abort", this.onParentAbort, { once: true });
    }
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error("timeout"));
    }, ms);
  }
  dispose(): void {
    clearTimeout(this.timer);
    // Without this, every request would leave a listener on a long-lived caller signal (a known leak in other SDKs).
    this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}

export class HttpCore {
  constructor(readonly options: HttpCoreOptions) {}

  async send(opts: SendOptions): Promise<RawResponse> {
    const { retry: policy, redact } = this.options;
    const headers: Record<string, string> = {
      accept: "application/json",
      ...this.options.headers,
      ...opts.headers,
      authorization: this.options.authorization,
    };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers["content-type"] = "application/json";
    }
    if (opts.idempotencyKey) headers.RequestID = opts.idempotencyKey;
    const maxRetries = opts.retry === "never" ? 0 : (opts.maxRetries ?? policy.maxRetries);
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    // Errors are rare: the redacted URL and the error's context are built only when one is thrown.
    const context = () => {
      const url = redact(opts.url);
      return {
        method: opts.method,
        url,
        idempotencyKey: opts.idempotencyKey,
        where: `${opts.method} ${url}`,
      };
    };

    for (let attempt = 0; ; attempt++) {
      const deadline = new TimeoutSignal(timeoutMs, opts.signal);
      let response: TransportResponse;
      let text: string;
      try {
        response = await this.options.transport({
          method: opts.method,
          url: opts.url,
          headers,
          body: payload,
          signal: deadline.controller.signal,
        });
        text = await response.text();
      } catch (cause) {
        deadline.dispose();
        if (opts.signal?.aborted) throw abortError(context(), cause);
        if (attempt < maxRetries) {
          await this.pause(attempt, undefined, opts.signal, context);
          continue;
        }
        const { where, ...ctx } = context();
        if (deadline.timedOut)
          throw new PayCrossTimeoutError({ ...ctx, message: `${where} timed out after ${timeoutMs} ms` });
        const reason = redact(describeCause(cause));
        throw new PayCrossConnectionError({ ...ctx, message: `${where} failed: ${reason}`, cause: reason });
      }
      deadline.dispose();

      const status = response.status;
      const retryable = opts.retry === "read-once" ? READ_ONCE_RETRYABLE_STATUS : RETRYABLE_STATUS;
      if (attempt < maxRetries && retryable.has(status)) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        if (retryAfter === undefined || retryAfter <= policy.maxRetryAfterMs) {
          await this.pause(attempt, retryAfter, opts.signal, context);
          continue;
        }
      }
      let body: unknown;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          const { where, ...ctx } = context();
          const contentType = response.headers.get("content-type") ?? "no content type";
          throw new (status >= 500 ? errorClassForStatus(status) : PayCrossInvalidResponseError)({
            ...ctx,
            status,
            message: `${where} answered ${status} with a body that is not JSON (${contentType}): ${redact(text.slice(0, 200))}`,
            body: redact(text.slice(0, 2_000)),
          });
        }
      }
      return { status, headers: response.headers, body, idempotencyKey: opts.idempotencyKey };
    }
  }

  /** The typed error for a non-2xx answer. */
  errorFor(res: RawResponse, method: string, url: string): PayCrossError {
    const redacted = this.options.redact.value(res.body);
    const ErrorClass = errorClassForStatus(res.status);
    const safeUrl = this.options.redact(url);
    const gatewayMessage = gatewayMessageOf(redacted);
    return new ErrorClass({
      status: res.status,
      idempotencyKey: res.idempotencyKey,
      method,
      url: safeUrl,
      body: redacted,
      retryAfterMs:
        ErrorClass === PayCrossRateLimitError ? parseRetryAfter(res.headers.get("retry-after")) : undefined,
      message: `${method} ${safeUrl} answered ${res.status}${gatewayMessage ? `: ${gatewayMessage}` : ""}`,
    });
  }

  private async pause(
    attempt: number,
    retryAfterMs: number | undefined,
    signal: AbortSignal | undefined,
    context: () => ErrorContext,
  ): Promise<void> {
    const delay = Math.max(retryAfterMs ?? 0, backoffDelay(attempt, this.options.retry));
    try {
      await sleep(delay, signal);
    } catch (cause) {
      throw abortError(context(), cause);
    }
  }
}

interface ErrorContext {
  method: string;
  url: string;
  idempotencyKey: string | undefined;
  where: string;
}

function abortError({ where, ...ctx }: ErrorContext, cause: unknown): PayCrossAbortError {
  return new PayCrossAbortError({ ...ctx, message: `${where} aborted by the caller`, cause });
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code ?? (cause.cause as { code?: string } | undefined)?.code;
    const inner = cause.cause instanceof Error ? cause.cause.message : "";
    return [code, cause.message, inner].filter(Boolean).join(": ");
  }
  return String(cause);
}
