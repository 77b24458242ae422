import createFetchClient, { type Client as FetchClient } from "openapi-fetch";
import { type AsyncApi, createAsyncApi } from "./async.js";
import { PayCrossRejectedError } from "./errors.js";
import type { paths } from "./generated/schema.js";
import { HttpCore, type RawResponse } from "./http.js";
import { TRANSACTION_OPERATIONS, type TransactionOperationName } from "./operations.js";
import { createRedactor, type Redactor } from "./redact.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
import { nodeTransport } from "./transport/node.js";
import { fetchTransport, type Transport } from "./transport/types.js";
import type {
  BalanceRequest,
  BalanceResponse,
  Ok,
  RequestOf,
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
  baseUrl?: string;
  /** A fetch-compatible function (proxies, tests); the default is Node's http client on a keep-alive agent. */
  fetch?: typeof fetch;
  /** A transport, e.g. `undiciTransport()` from `@paycross/client/undici`. */
  transport?: Transport;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. `X-API-Version` is set per operation, do not set it here). */
  headers?: Record<string, string>;
  /** Retry policy, or `false` for none. Only idempotent requests are ever retried. */
  retry?: Partial<RetryPolicy> | false;
  /** Other origins that status and result URLs may point to. Credentials are sent there too. */
  trustedOrigins?: string[];
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The idempotency key (`RequestID` header) for this POST; a UUID is generated when absent. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
  /** Overrides the client's retry count for this call (0: no retry). */
  maxRetries?: number;
}

/** A processed transaction. Its own `status` may be `failed` (a decline) or `incomplete` (3-D Secure). */
export interface TransactionResult {
  transaction: Transaction;
  data: TransactionResponse;
  /** The idempotency key the request was sent with: retry with it after a lost answer. */
  idempotencyKey: string | undefined;
}

type TransactionMethods = {
  [K in TransactionOperationName]: {
    create(
      request: RequestOf<(typeof TRANSACTION_OPERATIONS)[K]["operationId"]>,
      options?: CallOptions,
    ): Promise<TransactionResult>;
  };
};

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

/** A configuration mistake, found before anything is sent. */
export class PayCrossConfigError extends PayCrossRejectedError {}

function configError(message: string): PayCrossConfigError {
  return new PayCrossConfigError({ message });
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

export function createClient(options: ClientOptions): PayCrossClient {
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
    transport: options.transport ?? (options.fetch ? fetchTransport(options.fetch) : nodeTransport()),
    authorization: `Basic ${Buffer.from(`${shopId}:${options.secretKey}`).toString("base64")}`,
    headers: { ...options.headers },
    timeoutMs,
    retry,
    redact,
  });

  const newIdempotencyKey = () => crypto.randomUUID();
  const ensureOk = (res: RawResponse, method: string, url: string) => {
    if (res.status < 200 || res.status > 299) throw core.errorFor(res, method, url);
    return res;
  };

  const post = async (
    path: string,
    request: unknown,
    opts: CallOptions = {},
    extraHeaders?: Record<string, string>,
  ) => {
    const url = baseUrl + path;
    const res = await core.send({
      method: "POST",
      url,
      body: { request },
      headers: { ...extraHeaders, ...opts.headers },
      idempotencyKey: opts.idempotencyKey ?? newIdempotencyKey(),
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      retry: "idempotent",
      maxRetries: opts.maxRetries,
    });
    return ensureOk(res, "POST", url);
  };

  const get = async (path: string, opts: CallOptions = {}) => {
    const url = baseUrl + path;
    const res = await core.send({
      method: "GET",
      url,
      headers: opts.headers,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      retry: "idempotent",
      maxRetries: opts.maxRetries,
    });
    return ensureOk(res, "GET", url);
  };

  const asTransaction = (res: RawResponse, method: string, url: string): TransactionResult => {
    const data = res.body as TransactionResponse | undefined;
    if (
      !data ||
      typeof data !== "object" ||
      typeof data.transaction !== "object" ||
      data.transaction === null
    ) {
      throw core.errorFor({ ...res, status: 502 }, method, url);
    }
    return { transaction: data.transaction, data, idempotencyKey: res.idempotencyKey };
  };

  const transactionMethods = Object.fromEntries(
    Object.entries(TRANSACTION_OPERATIONS).map(([name, op]) => [
      name,
      {
        create: async (request: unknown, opts?: CallOptions) =>
          asTransaction(await post(op.path, request, opts), "POST", baseUrl + op.path),
      },
    ]),
  ) as TransactionMethods;

  const raw = createFetchClient<paths>({
    baseUrl,
    // Every raw call goes through the same pipeline; POSTs get an idempotency key unless they carry one.
    fetch: async (input: Request) => {
      const method = input.method.toUpperCase() === "POST" ? "POST" : "GET";
      const text = method === "POST" ? await input.text() : undefined;
      const headers: Record<string, string> = {};
      input.headers.forEach((v, k) => {
        headers[k] = v;
      });
      const idempotencyKey = headers.requestid ?? (method === "POST" ? newIdempotencyKey() : undefined);
      delete headers.requestid;
      const res = await core.send({
        method,
        url: input.url,
        body: text ? JSON.parse(text) : undefined,
        headers,
        idempotencyKey,
        signal: input.signal,
        retry: method === "GET" && input.url.includes("/async/result/") ? "read-once" : "idempotent",
      });
      const responseHeaders = new Headers({ "content-type": "application/json" });
      if (idempotencyKey) responseHeaders.set("RequestID", idempotencyKey);
      return new Response(res.body === undefined ? null : JSON.stringify(res.body), {
        status: res.status,
        headers: responseHeaders,
      });
    },
  });

  const client: PayCrossClient = {
    ...transactionMethods,
    transactions: {
      get: async (uid, opts) => {
        const path = `/transactions/${encodeId(uid, "uid")}`;
        return asTransaction(await get(path, opts), "GET", baseUrl + path);
      },
      byTrackingId: async (trackingId, opts) => {
        const path = `/v2/transactions/tracking_id/${encodeId(trackingId, "tracking_id")}`;
        const res = await get(path, opts);
        const data = res.body as TransactionListResponse;
        if (!data || !Array.isArray(data.transactions))
          throw core.errorFor({ ...res, status: 502 }, "GET", baseUrl + path);
        return { transactions: data.transactions, data };
      },
    },
    balance: {
      get: async (request = {}, opts) => {
        const res = await post("/balance", request, opts, { "X-API-Version": "2" });
        return { data: res.body as Ok<"getBalance">, idempotencyKey: res.idempotencyKey };
      },
    },
    async: createAsyncApi({
      core,
      baseUrl,
      trustedOrigins: options.trustedOrigins ?? [],
      newIdempotencyKey,
      ensureOk,
    }),
    raw,
    baseUrl,
    redact,
  };
  return client;
}

/** Path segments are percent-encoded; an empty id is a caller bug, reported before anything is sent. */
export function encodeId(value: string, what: string): string {
  if (typeof value !== "string" || value.length === 0)
    throw configError(`${what} must be a non-empty string`);
  return encodeURIComponent(value);
}
