/**
 * The asynchronous twins: submit answers at once with a task; `status()` and `result()` follow it by id
 * or by the absolute URLs the gateway returned. Those URLs only receive the shop's credentials when they
 * point at the configured gateway origin (or one the caller trusts explicitly).
 */
import type { CallFn } from "./client.js";
import { invalidAnswer, type RequestContext } from "./core/fail.js";
import type { CallOptions, HttpCore, RawResponse } from "./core/http.js";
import { classifyResult, classifyStatus } from "./core/read-once.js";
import { type PayCrossError, PayCrossUntrustedUrlError } from "./errors.js";
import {
  type Catalogue,
  type CreateMethods,
  eachOperation,
  fillPath,
  OPERATION_HEADERS,
} from "./operations.js";
import type { Redactor } from "./redact.js";
import type { AsyncResultBody, AsyncTaskAccepted, BalanceRequest } from "./types.js";

/** The same per-call options as every other call (`idempotencyKey` applies to the submit). */
export type AsyncCallOptions = CallOptions;

/** An accepted asynchronous request. Keep `request_id` (or the whole object) to resume after a crash. */
export interface AsyncTask extends AsyncTaskAccepted {
  /** The idempotency key the submit was sent with: resubmitting with it cannot create a second task. */
  idempotencyKey: string | undefined;
}

export type AsyncStatus =
  | { state: "processing"; request_id: string }
  | { state: "completed"; request_id: string; response_url: string }
  /** Never issued, older than 24 hours, or its error result was already read once. */
  | { state: "unknown"; request_id: string };

export type AsyncResult =
  /** Not ready yet (HTTP 425, or a `processing` body). */
  | { state: "processing"; status: number; request_id: string }
  /** The operation's standard answer (HTTP 200), kept by the gateway for 24 hours. */
  | { state: "completed"; status: 200; data: AsyncResultBody }
  /**
   * The operation's error answer. The gateway returns it ONCE: persist it before acting on it.
   * `candidate: true` (any 5xx) means it may instead be a passing failure of a proxy or of the gateway:
   * keep it and look again; a following 404 `unknown` confirms it, a 200 or 425 shows it was transient.
   */
  | { state: "failed"; status: number; candidate: boolean; error: PayCrossError; body: unknown }
  /** HTTP 404 `unknown`: never issued, expired after 24 hours, or an error result already read once. */
  | { state: "unknown"; status: 404; request_id: string };

/** The async twin of every transaction operation of the catalogue. */
export type AsyncTransactionMethods = CreateMethods<AsyncTask, AsyncCallOptions>;

export interface AsyncApi extends AsyncTransactionMethods {
  transactions: {
    get(uid: string, options?: AsyncCallOptions): Promise<AsyncTask>;
    byTrackingId(trackingId: string, options?: AsyncCallOptions): Promise<AsyncTask>;
  };
  balance: { get(request?: BalanceRequest, options?: AsyncCallOptions): Promise<AsyncTask> };
  /** The task's status, by `request_id` or by its `status_url`. */
  status(ref: string, options?: AsyncCallOptions): Promise<AsyncStatus>;
  /** The task's result, by `request_id` or by its `response_url`. */
  result(ref: string, options?: AsyncCallOptions): Promise<AsyncResult>;
  /** The URL `status()` would call, after the origin check. */
  statusUrl(ref: string): string;
  /** The URL `result()` would call, after the origin check. */
  resultUrl(ref: string): string;
}

interface AsyncDeps {
  core: HttpCore;
  baseUrl: string;
  trustedOrigins: string[];
  call: CallFn;
  /** The catalogue the async twins are derived from (the real one unless a test injects a copy). */
  catalogue?: Catalogue;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A task reference (a request_id, or a status/result URL the gateway returned) to the URL to read. A URL
 * outside the gateway origin (and `trustedOrigins`) is refused before anything, credentials above all,
 * is sent there.
 */
function taskUrlResolver(baseUrl: string, trustedOrigins: string[], redact: Redactor) {
  const gatewayOrigin = new URL(baseUrl).origin;
  const trusted = new Set([gatewayOrigin, ...trustedOrigins.map((o) => new URL(o).origin)]);

  return (ref: string, kind: "status" | "result"): string => {
    if (typeof ref !== "string" || ref.trim() === "") {
      throw new PayCrossUntrustedUrlError({
        message: `async ${kind}: expected a request_id or a URL, got ${redact(JSON.stringify(ref) ?? String(ref))}`,
      });
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      let url: URL;
      try {
        url = new URL(ref);
      } catch {
        throw new PayCrossUntrustedUrlError({
          message: `async ${kind}: not a valid URL: ${redact(ref)}`,
        });
      }
      if (!trusted.has(url.origin) || url.username || url.password) {
        throw new PayCrossUntrustedUrlError({
          message: `async ${kind}: ${url.origin} is not the gateway origin ${gatewayOrigin}; refusing to send credentials there (add it to trustedOrigins if it is yours)`,
          url: redact(`${url.origin}${url.pathname}`),
        });
      }
      return url.href;
    }
    if (/[\s/?#]/.test(ref)) {
      throw new PayCrossUntrustedUrlError({
        message: `async ${kind}: ${redact(JSON.stringify(ref))} is neither a request_id nor a URL`,
      });
    }
    return `${baseUrl}/async/${kind}/${encodeURIComponent(ref)}`;
  };
}

const ctxOf = (redact: Redactor, res: RawResponse, method: string, url: string): RequestContext => ({
  method,
  url,
  idempotencyKey: res.idempotencyKey,
  redact,
});

/** Sends a submit and checks the gateway accepted a task: the answer must name it and its two URLs. */
function taskSubmitter(deps: AsyncDeps) {
  return async (
    method: "GET" | "POST",
    path: string,
    request: unknown,
    opts: AsyncCallOptions = {},
    headers?: Record<string, string>,
  ): Promise<AsyncTask> => {
    const res = await deps.call(method, path, opts, { request, ...(headers ? { headers } : {}) });
    const body = res.body;
    if (
      !isObject(body) ||
      typeof body.request_id !== "string" ||
      typeof body.status_url !== "string" ||
      typeof body.response_url !== "string"
    ) {
      const ctx = ctxOf(deps.core.options.redact, res, method, deps.baseUrl + path);
      throw invalidAnswer(ctx, res, "request_id, status_url and response_url");
    }
    return { ...(body as unknown as AsyncTaskAccepted), idempotencyKey: res.idempotencyKey };
  };
}

export function createAsyncApi(deps: AsyncDeps): AsyncApi {
  const { core, baseUrl } = deps;
  const redact = core.options.redact;
  const resolve = taskUrlResolver(baseUrl, deps.trustedOrigins, redact);
  const submit = taskSubmitter(deps);

  // Status and result answers are data in every status (404 unknown, 425, a read-once error), so no
  // status is turned into an exception here.
  const read = (url: string, opts: AsyncCallOptions, retry: "idempotent" | "read-once") =>
    deps.call("GET", url, opts, { retry, anyStatus: true });

  const idFromUrl = (url: string) => decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");

  // The async twin of each catalogue operation: a GET takes the id its path names, a POST a request.
  const methods = eachOperation((op, name) => {
    const headers = OPERATION_HEADERS[name];
    return (arg: unknown, opts?: AsyncCallOptions) =>
      op.method === "GET"
        ? submit("GET", fillPath(op.asyncPath, arg), undefined, opts)
        : submit("POST", op.asyncPath, arg ?? {}, opts, headers);
  }, deps.catalogue);

  return {
    ...(methods as unknown as AsyncTransactionMethods & Pick<AsyncApi, "transactions" | "balance">),
    statusUrl: (ref) => resolve(ref, "status"),
    resultUrl: (ref) => resolve(ref, "result"),

    async status(ref, opts = {}) {
      const url = resolve(ref, "status");
      const res = await read(url, opts, "idempotent");
      const v = classifyStatus(res.status, res.body, idFromUrl(url));
      if (v.state === "error") throw core.errorFor(res, "GET", url);
      if (v.state === "invalid")
        throw invalidAnswer(ctxOf(redact, res, "GET", url), res, "a known task status");
      if (v.state !== "completed") return v;
      const response_url = v.response_url ?? resolve(v.request_id, "result");
      return { state: "completed", request_id: v.request_id, response_url };
    },

    async result(ref, opts = {}) {
      const url = resolve(ref, "result");
      const res = await read(url, opts, "read-once");
      const v = classifyResult(res.status, res.body, idFromUrl(url));
      switch (v.state) {
        case "processing":
        case "unknown":
          return v;
        case "completed":
          return { state: "completed", status: 200, data: v.body as AsyncResultBody };
        case "invalid":
          throw invalidAnswer(ctxOf(redact, res, "GET", url), res, "a JSON object");
        case "not_served":
          throw core.errorFor(res, "GET", url);
        default:
          return {
            state: "failed",
            status: v.status,
            candidate: v.state === "candidate",
            error: core.errorFor(res, "GET", url),
            body: core.options.redact.value(v.body),
          };
      }
    },
  };
}
