import type { paths } from "@paycross/spec/types";
import type { Client as FetchClient } from "openapi-fetch";
import { type AsyncApi, createAsyncApi } from "./async.js";
import { configError, invalidAnswer, type RequestContext } from "./core/fail.js";
import { type CallOptions, HttpCore, type RawResponse, type RetryMode } from "./core/http.js";
import { type TracerLike, tracingObserver } from "./core/tracing.js";
import { createRawClient } from "./raw.js";

export type { CallOptions };

import {
  type Catalogue,
  type CreateMethods,
  eachOperation,
  fillPath,
  OPERATION_HEADERS,
  OPERATIONS,
} from "./operations.js";
import { createRedactor, type Redactor } from "./redact.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
import { defaultTransport } from "./transport/default.js";
import { fetchTransport, type Transport } from "./transport/types.js";
import type {
  BalanceRequest,
  BalanceResponse,
  Transaction,
  TransactionListResponse,
  TransactionResponse,
} from "./types.js";

export const DEFAULT_BASE_URL = "https://gateway.pay-cross.com";

export interface ClientOptions {
  /** Shop id: the HTTP Basic user name. */
  shopId: string | number;
  /** Secret key: the HTTP Basic password. Never logged, never in an error. */
  secretKey: string;
  /** Gateway origin, e.g. a sandbox. Default: the production gateway. */
  baseUrl?: string | undefined;
  /** A fetch-compatible function (proxies, tests); the default is undici's dispatcher on a keep-alive Agent. */
  fetch?: typeof fetch | undefined;
  /** A transport, e.g. `undiciTransport()` from `@paycross/client/undici`. */
  transport?: Transport | undefined;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Extra headers on every request (e.g. `X-API-Version` is set per operation, do not set it here). */
  headers?: Record<string, string> | undefined;
  /** Retry policy, or `false` for none. Only idempotent requests are ever retried. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Other origins that status and result URLs may point to. Credentials are sent there too. */
  trustedOrigins?: string[] | undefined;
  /**
   * OpenTelemetry: one client span per HTTP attempt. Default: the global tracer when
   * `@opentelemetry/api` is installed (no work at all when it is not); a tracer of your own; or `false`.
   */
  tracer?: TracerLike | false | undefined;
  /** The largest answer read, in bytes; past it the read stops with `PayCrossResponseTooLargeError`. Default 4 MiB. */
  maxResponseBytes?: number | undefined;
}

/** 4 MiB: a page of 10 transactions is a few KB; anything near this is not a gateway answer. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Far below V8's longest string, so that no answer can crash the host while being decoded. */
const MAX_RESPONSE_BYTES_LIMIT = 256 * 1024 * 1024;

/** A processed transaction. Its own `status` may be `failed` (a decline) or `incomplete` (3-D Secure). */
export interface TransactionResult {
  transaction: Transaction;
  data: TransactionResponse;
  /** The idempotency key the request was sent with: retry with it after a lost answer. */
  idempotencyKey: string | undefined;
}

/** `payments`, `authorizations`, ..., `credits`: one `create` per transaction operation of the catalogue. */
export type TransactionMethods = CreateMethods<TransactionResult, CallOptions>;

export interface PayCrossClient extends TransactionMethods {
  transactions: {
    /** Status query by uid. */
    get(uid: string, options?: CallOptions): Promise<TransactionResult>;
    /** Status query by tracking_id: up to 10 most recent transactions, newest first. */
    byTrackingId(
      trackingId: string,
      options?: CallOptions,
    ): Promise<{ transactions: Transaction[]; data: TransactionListResponse }>;
  };
  balance: {
    get(
      request?: BalanceRequest,
      options?: CallOptions,
    ): Promise<{ data: BalanceResponse; idempotencyKey: string | undefined }>;
  };
  /** The asynchronous twins and the task status/result calls. */
  async: AsyncApi;
  /** openapi-fetch's typed `GET`/`POST` over the same pipeline (auth, timeouts, idempotency, retries). */
  raw: FetchClient<paths>;
  readonly baseUrl: string;
  /** The redactor this client uses, which knows its secret key: use it for your own logs. */
  readonly redact: Redactor;
}

/** One call through the pipeline: a path on the gateway or an absolute URL already checked. */
export type CallFn = (
  method: "GET" | "POST",
  pathOrUrl: string,
  opts?: CallOptions,
  extra?: {
    /** The inner request: sent as `{"request": ...}`. */
    request?: unknown;
    /** A body already serialized in its envelope (the raw client). */
    payload?: string | undefined;
    headers?: Record<string, string>;
    retry?: RetryMode;
    /** Return every status as data instead of throwing for non-2xx. */
    anyStatus?: boolean;
  },
) => Promise<RawResponse>;

/** An idempotency key is a header value the gateway compares: an empty or blank one would turn it off. */
function checkIdempotencyKey(key: unknown): string {
  if (typeof key !== "string" || key.trim() === "")
    throw configError("idempotencyKey must be a non-empty string (omit it to get a generated UUID)");
  if (!/^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/.test(key))
    throw configError(
      "idempotencyKey must be 1-255 printable ASCII characters without leading or trailing spaces",
    );
  return key;
}

function checkMaxResponseBytes(value: number | undefined): number {
  const n = value ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_RESPONSE_BYTES_LIMIT)
    throw configError(
      `maxResponseBytes must be an integer from 1 to ${MAX_RESPONSE_BYTES_LIMIT}, got ${value}`,
    );
  return n;
}

function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw configError(`baseUrl must use http or https, got ${url.protocol}`);
  if (url.username || url.password)
    throw configError("baseUrl must not carry credentials; use shopId and secretKey");
  return url.href.replace(/\/+$/, "");
}

/** Checks the options and builds the pipeline: nothing is sent with a bad configuration. */
function buildCore(options: ClientOptions): { core: HttpCore; baseUrl: string; redact: Redactor } {
  if (options == null || typeof options !== "object")
    throw configError("createClient needs an options object");
  const shopId = String(options.shopId ?? "").trim();
  if (!shopId) throw configError("shopId is required");
  if (shopId.includes(":")) throw configError("shopId must not contain ':'");
  if (typeof options.secretKey !== "string" || options.secretKey.length === 0)
    throw configError("secretKey is required");
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw configError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  const retry: RetryPolicy =
    options.retry === false ? { ...DEFAULT_RETRY, maxRetries: 0 } : { ...DEFAULT_RETRY, ...options.retry };

  const redact = createRedactor([options.secretKey]);
  const core = new HttpCore({
    transport: options.transport ?? (options.fetch ? fetchTransport(options.fetch) : defaultTransport()),
    authorization: `Basic ${Buffer.from(`${shopId}:${options.secretKey}`).toString("base64")}`,
    headers: { ...options.headers },
    timeoutMs,
    retry,
    redact,
    maxResponseBytes: checkMaxResponseBytes(options.maxResponseBytes),
    observer: options.tracer === false ? undefined : tracingObserver(options.tracer),
  });
  return { core, baseUrl, redact };
}

export function createClient(options: ClientOptions): PayCrossClient {
  return clientFor(options, OPERATIONS);
}

/** CallOptions → one request through the pipeline; POSTs always carry an idempotency key. */
function callThrough(core: HttpCore, baseUrl: string): CallFn {
  return async (method, path, opts = {}, extra = {}) => {
    const url = path.startsWith("http") ? path : baseUrl + path;
    const idempotencyKey =
      method !== "POST"
        ? undefined
        : opts.idempotencyKey === undefined
          ? crypto.randomUUID()
          : checkIdempotencyKey(opts.idempotencyKey);
    const res = await core.send({
      method,
      url,
      payload:
        method === "POST" ? (extra.payload ?? JSON.stringify({ request: extra.request ?? {} })) : undefined,
      headers: { ...extra.headers, ...opts.headers },
      idempotencyKey,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      retry: extra.retry ?? "idempotent",
      maxRetries: opts.maxRetries,
    });
    if (extra.anyStatus || (res.status >= 200 && res.status <= 299)) return res;
    throw core.errorFor(res, method, url);
  };
}

/** Each answer read by the schema the catalogue promises for it. */
function answerReader(redact: Redactor) {
  const ctxOf = (res: RawResponse, method: string, url: string): RequestContext => ({
    method,
    url,
    idempotencyKey: res.idempotencyKey,
    redact,
  });
  const asTransaction = (res: RawResponse, method: string, url: string): TransactionResult => {
    const data = res.body as TransactionResponse | undefined;
    if (
      !data ||
      typeof data !== "object" ||
      typeof data.transaction !== "object" ||
      data.transaction === null
    ) {
      throw invalidAnswer(ctxOf(res, method, url), res, "a transaction");
    }
    return { transaction: data.transaction, data, idempotencyKey: res.idempotencyKey };
  };
  return (schema: string, res: RawResponse, method: string, url: string) => {
    if (schema === "TransactionResponse") return asTransaction(res, method, url);
    const data = res.body as TransactionListResponse | BalanceResponse | undefined;
    if (schema === "TransactionListResponse") {
      if (!data || !Array.isArray((data as TransactionListResponse).transactions))
        throw invalidAnswer(ctxOf(res, method, url), res, "a transactions list");
      return { transactions: (data as TransactionListResponse).transactions, data };
    }
    return { data, idempotencyKey: res.idempotencyKey };
  };
}

/** Seam (exported by `@paycross/client/internal` only): the client of another catalogue, e.g. a test's copy. */
export function clientFor(options: ClientOptions, catalogue: Catalogue): PayCrossClient {
  const { core, baseUrl, redact } = buildCore(options);
  const call = callThrough(core, baseUrl);
  const read = answerReader(redact);
  // Every named method, derived from the catalogue: a GET takes the id its path names, a POST a request.
  const methods = eachOperation((op, name) => {
    const headers = OPERATION_HEADERS[name];
    return async (arg: unknown, opts?: CallOptions) => {
      const path = op.method === "GET" ? fillPath(op.syncPath, arg) : op.syncPath;
      const res = await call(op.method, path, opts, {
        request: arg ?? {},
        ...(headers ? { headers } : {}),
      });
      return read(op.responseSchema, res, op.method, baseUrl + path);
    };
  }, catalogue);

  const client = {
    ...methods,
    async: createAsyncApi({ core, baseUrl, trustedOrigins: options.trustedOrigins ?? [], call, catalogue }),
    raw: createRawClient(baseUrl, call, redact),
    baseUrl,
    redact,
  } as unknown as PayCrossClient;
  return client;
}
