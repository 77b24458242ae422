/**
 * The one place each error of a request is built: every message names the method, the redacted URL
 * and what went wrong; bodies are redacted before they are kept.
 */
import {
  errorClassForStatus,
  gatewayMessageOf,
  PayCrossAbortError,
  PayCrossConfigError,
  PayCrossConnectionError,
  type PayCrossError,
  type PayCrossErrorInit,
  PayCrossInvalidResponseError,
  PayCrossRateLimitError,
  PayCrossRedirectError,
  PayCrossResponseTooLargeError,
  PayCrossTimeoutError,
} from "../errors.js";
import type { Redactor } from "../redact.js";
import { parseRetryAfter } from "../retry.js";

/** What every error of one request carries. `url` is raw here: each builder redacts it. */
export interface RequestContext {
  method: string;
  url: string;
  idempotencyKey: string | undefined;
  redact: Redactor;
}

/** An answer as the pipeline keeps it. */
export interface AnswerLike {
  status: number;
  headers: { get(name: string): string | null };
  body: unknown;
}

const where = (ctx: RequestContext) => `${ctx.method} ${ctx.redact(ctx.url)}`;
const base = (ctx: RequestContext) => ({
  method: ctx.method,
  url: ctx.redact(ctx.url),
  idempotencyKey: ctx.idempotencyKey,
});

export function configError(message: string): PayCrossConfigError {
  return new PayCrossConfigError({ message });
}

/** A non-2xx answer, by its status. */
export function statusError(ctx: RequestContext, res: AnswerLike): PayCrossError {
  const body = ctx.redact.value(res.body);
  const ErrorClass = errorClassForStatus(res.status);
  const gatewayMessage = gatewayMessageOf(body);
  return new ErrorClass({
    ...base(ctx),
    status: res.status,
    body,
    retryAfterMs:
      ErrorClass === PayCrossRateLimitError ? parseRetryAfter(res.headers.get("retry-after")) : undefined,
    message: `${where(ctx)} answered ${res.status}${gatewayMessage ? `: ${gatewayMessage}` : ""}`,
  });
}

/** A 2xx that lacks what the contract promises: reported with its real status, not as a fake 5xx. */
export function invalidAnswer(
  ctx: RequestContext,
  res: AnswerLike,
  what: string,
): PayCrossInvalidResponseError {
  return new PayCrossInvalidResponseError({
    ...base(ctx),
    status: res.status,
    body: ctx.redact.value(res.body),
    message: `${where(ctx)} answered ${res.status} without ${what}`,
  });
}

/** A body that is not JSON: a 2xx is an invalid answer, any other status keeps its own class. */
export function notJson(ctx: RequestContext, status: number, contentType: string | null, text: string) {
  const ErrorClass =
    status >= 200 && status < 300 ? PayCrossInvalidResponseError : errorClassForStatus(status);
  return new ErrorClass({
    ...base(ctx),
    status,
    message: `${where(ctx)} answered ${status} with a body that is not JSON (${contentType ?? "no content type"}): ${ctx.redact(text.slice(0, 200))}`,
    body: ctx.redact(text.slice(0, 2_000)),
  });
}

/** A 3xx (or a redirect a fetch implementation followed): never followed, named with its target origin. */
export function redirectError(ctx: RequestContext, status: number | undefined, location: string | null) {
  let target: string | undefined;
  try {
    if (location) target = new URL(location, ctx.url).origin;
  } catch {
    target = undefined;
  }
  const to = target ? `to ${ctx.redact(target)}` : "to an unnamed location";
  return new PayCrossRedirectError({
    ...base(ctx),
    status,
    location: target ? ctx.redact(target) : undefined,
    message: `${where(ctx)} answered ${status ?? "a redirect"} ${to}; redirects are never followed (the request goes only to the gateway)`,
  });
}

export function tooLargeError(ctx: RequestContext, cause: PayCrossResponseTooLargeError) {
  return new PayCrossResponseTooLargeError({
    ...base(ctx),
    responseStatus: cause.responseStatus,
    maxResponseBytes: cause.maxResponseBytes,
    message: `${where(ctx)}: ${cause.message}`,
  });
}

export function abortError(ctx: RequestContext, cause: unknown): PayCrossAbortError {
  return new PayCrossAbortError({ ...base(ctx), message: `${where(ctx)} aborted by the caller`, cause });
}

export function timeoutError(ctx: RequestContext, timeoutMs: number): PayCrossTimeoutError {
  return new PayCrossTimeoutError({ ...base(ctx), message: `${where(ctx)} timed out after ${timeoutMs} ms` });
}

export function connectionError(ctx: RequestContext, cause: unknown): PayCrossConnectionError {
  const reason = ctx.redact(describeCause(cause));
  return new PayCrossConnectionError({
    ...base(ctx),
    message: `${where(ctx)} failed: ${reason}`,
    cause: reason,
  });
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code ?? (cause.cause as { code?: string } | undefined)?.code;
    const inner = cause.cause instanceof Error ? cause.cause.message : "";
    return [code, cause.message, inner].filter(Boolean).join(": ");
  }
  return String(cause);
}

/** The typed error for a status, from parts a sibling package already has (the poller's stored result). */
export function errorForStatus(init: PayCrossErrorInit & { status: number }): PayCrossError {
  return new (errorClassForStatus(init.status))(init);
}
