/**
 * The request pipeline every call goes through: auth and gateway headers, the idempotency key, a
 * per-attempt timeout, the caller's abort signal, a bounded answer, no redirects, and retries only
 * where a retry cannot double a charge.
 */
import { isPayCrossError, type PayCrossError, type PayCrossResponseTooLargeError } from "../errors.js";
import type { Redactor } from "../redact.js";
import { backoffDelay, parseRetryAfter, type RetryPolicy, sleep } from "../retry.js";
import { DeadlineExceeded, directSendOf } from "../transport/dispatch.js";
import { type Transport, type TransportResponse, tooLarge } from "../transport/types.js";
import {
  abortError,
  connectionError,
  notJson,
  type RequestContext,
  redirectError,
  statusError,
  timeoutError,
  tooLargeError,
} from "./fail.js";

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
  /** The idempotency key (`RequestID` header) of a POST; a UUID is generated when absent. Never empty. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
  /** Overrides the client's retry count for this call (0: no retry). */
  maxRetries?: number;
}

export interface SendOptions {
  method: "GET" | "POST";
  url: string;
  /** The body, serialized once by the caller of the pipeline. */
  payload?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** The `RequestID` header to send: the idempotency key (POSTs). A POST without one is never retried. */
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
  /** The body as received (the raw client hands it on as it came, never re-serialized). */
  text: string;
  idempotencyKey: string | undefined;
}

/** Hooks around each attempt (tracing); absent means no work at all. */
export interface AttemptObserver {
  /** Set while the observer is still getting ready (loading an optional module): awaited first. */
  ready?: Promise<void> | undefined;
  /** `false` once ready with nothing to observe (no OpenTelemetry API): then `start` is never called. */
  enabled?: boolean | undefined;
  start(request: {
    method: string;
    url: string;
    attempt: number;
  }): { end(outcome: { status?: number | undefined; error?: unknown }): void } | undefined;
}

export interface HttpCoreOptions {
  transport: Transport;
  authorization: string;
  headers: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
  redact: Redactor;
  maxResponseBytes: number;
  observer?: AttemptObserver | undefined;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const READ_ONCE_RETRYABLE_STATUS = new Set([429, 503]);

class Deadline {
  readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
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

/** One attempt's answer, or what failed before an answer arrived. */
type Attempt =
  | { response: TransportResponse; text: string }
  | { failure: unknown; timedOut: boolean }
  | { redirect: { status: number | undefined; location: string | null } };

export class HttpCore {
  constructor(readonly options: HttpCoreOptions) {}

  async send(opts: SendOptions): Promise<RawResponse> {
    const { retry: policy } = this.options;
    const headers: Record<string, string> = {
      accept: "application/json",
      ...this.options.headers,
      ...opts.headers,
      authorization: this.options.authorization,
    };
    if (opts.payload !== undefined) headers["content-type"] = "application/json";
    if (opts.idempotencyKey) headers.RequestID = opts.idempotencyKey;
    // A POST without a key is never repeated: the gateway could not tell the repeat from a new charge.
    const retryable = opts.retry !== "never" && (opts.method !== "POST" || Boolean(opts.idempotencyKey));
    const maxRetries = retryable ? (opts.maxRetries ?? policy.maxRetries) : 0;
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const ctx: RequestContext = {
      method: opts.method,
      url: opts.url,
      idempotencyKey: opts.idempotencyKey,
      redact: this.options.redact,
    };

    const observer = this.options.observer;
    if (observer?.ready) await observer.ready;
    // One boolean per call when tracing is off or OpenTelemetry is absent.
    const traced = observer !== undefined && observer.enabled !== false;
    for (let attempt = 0; ; attempt++) {
      const span = traced ? observer.start({ method: opts.method, url: opts.url, attempt }) : undefined;
      const got = await this.attempt(opts, headers, timeoutMs);
      if ("redirect" in got) {
        span?.end({ status: got.redirect.status, error: "redirect" });
        throw redirectError(ctx, got.redirect.status, got.redirect.location);
      }
      if ("failure" in got) {
        const { failure } = got;
        span?.end({ error: failure });
        if (opts.signal?.aborted) throw abortError(ctx, failure);
        // The undici entry is a separate bundle: its error classes are copies, so the code decides.
        if (isPayCrossError(failure) && failure.code === "response_too_large")
          throw tooLargeError(ctx, failure as PayCrossResponseTooLargeError);
        if (attempt < maxRetries) {
          await this.pause(attempt, undefined, opts.signal, ctx);
          continue;
        }
        throw got.timedOut ? timeoutError(ctx, timeoutMs) : connectionError(ctx, failure);
      }
      const { response, text } = got;
      const status = response.status;
      span?.end({ status });
      const retryOn = opts.retry === "read-once" ? READ_ONCE_RETRYABLE_STATUS : RETRYABLE_STATUS;
      if (attempt < maxRetries && retryOn.has(status)) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        if (retryAfter === undefined || retryAfter <= policy.maxRetryAfterMs) {
          await this.pause(attempt, retryAfter, opts.signal, ctx);
          continue;
        }
      }
      const body = parseBody(ctx, response, text);
      return { status, headers: response.headers, body, text, idempotencyKey: opts.idempotencyKey };
    }
  }

  /** One attempt: the answer within the deadline and the size limit, or what failed. Never a redirect. */
  private async attempt(
    opts: SendOptions,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<Attempt> {
    const { transport, maxResponseBytes: max } = this.options;
    const req = { method: opts.method, url: opts.url, headers, body: opts.payload, maxResponseBytes: max };
    const direct = directSendOf(transport);
    if (direct) {
      // The default transport keeps the deadline itself: no AbortController per attempt.
      try {
        return await answerOf(await direct(req, timeoutMs, opts.signal), max);
      } catch (failure) {
        return { failure, timedOut: failure instanceof DeadlineExceeded };
      }
    }
    const deadline = new Deadline(timeoutMs, opts.signal);
    try {
      return await answerOf(await transport({ ...req, signal: deadline.controller.signal }), max);
    } catch (failure) {
      return { failure, timedOut: deadline.timedOut };
    } finally {
      deadline.dispose();
    }
  }

  /** The typed error for a non-2xx answer. */
  errorFor(res: RawResponse, method: string, url: string): PayCrossError {
    return statusError({ method, url, idempotencyKey: res.idempotencyKey, redact: this.options.redact }, res);
  }

  private async pause(
    attempt: number,
    retryAfterMs: number | undefined,
    signal: AbortSignal | undefined,
    ctx: RequestContext,
  ): Promise<void> {
    const delay = Math.max(retryAfterMs ?? 0, backoffDelay(attempt, this.options.retry));
    try {
      await sleep(delay, signal);
    } catch (cause) {
      throw abortError(ctx, cause);
    }
  }
}

/** A transport's answer as an attempt: a redirect is reported, the body read and checked against the limit. */
async function answerOf(response: TransportResponse, max: number): Promise<Attempt> {
  const is3xx = response.status >= 300 && response.status < 400;
  if (response.redirectedTo !== undefined || is3xx) {
    response.discard?.();
    const location = response.redirectedTo ?? response.headers.get("location");
    return { redirect: { status: is3xx ? response.status : undefined, location } };
  }
  const text = await response.text();
  // A custom transport may not stream within the limit: the answer is still refused past it.
  if (text.length * 3 > max && Buffer.byteLength(text) > max)
    return { failure: tooLarge(max, response.status, `${Buffer.byteLength(text)} B`), timedOut: false };
  return { response, text };
}

function parseBody(ctx: RequestContext, response: TransportResponse, text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw notJson(ctx, response.status, response.headers.get("content-type"), text);
  }
}
