/**
 * The conformance app's only way to talk to a gateway: rate-limited, timed out per request, bounded
 * in size, stopped by the run's budget, 429s waited out (never reported as failures), and every
 * exchange recorded redacted for reports, curl and HAR.
 */
import { parseRetryAfter } from "@paycross/client/internal";
import { createReportRedactor, type TextRedactor } from "./report/redact.js";
import type { Exchange } from "./types.js";

export interface Target {
  baseUrl: string;
  shopId: string;
  secretKey: string;
}

export interface SendOptions {
  method: "GET" | "POST" | "PUT";
  path?: string;
  url?: string;
  /** A value to JSON-encode, or a raw string sent as is (malformed bodies). */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** `wrong` sends wrong credentials, `none` sends no Authorization header. */
  auth?: "shop" | "wrong" | "none";
  /** The operationId, recorded on the exchange. */
  operation?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: unknown;
  exchange: Exchange;
}

/** No HTTP answer: a network error, a DNS failure or the per-request timeout. */
export class TransportFailure extends Error {
  constructor(
    message: string,
    readonly exchange: Exchange,
  ) {
    super(message);
  }
}

/** The run's --max-duration ran out while this request or wait was pending. */
export class BudgetExceeded extends Error {}

const MAX_429_WAITS = 5;
const MAX_RETRY_AFTER_MS = 60_000;
/** Answers are read up to this size; a conformance check never needs more. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ExchangerOptions {
  timeoutMs: number;
  ratePerSecond: number;
  /** Aborted when the run's budget is spent. */
  signal?: AbortSignal;
  /** Public test card numbers and CVV that reports may print in full. */
  testCards?: readonly string[];
  testCvv?: string;
}

/** Sleeps, unless the run's budget runs out first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BudgetExceeded("run budget spent"));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BudgetExceeded("run budget spent"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class Exchanger {
  readonly exchanges: Exchange[] = [];
  /** Requests sent and not yet answered: what a run that ran out of time was waiting for. */
  readonly inFlight = new Set<Exchange>();
  /** Answers whose raw body (before redaction) is not JSON. */
  readonly notJson = new WeakSet<Exchange>();
  readonly redact: TextRedactor;
  private nextSlot = 0;
  private readonly auth: string;
  private readonly wrongAuth: string;

  constructor(
    readonly target: Target,
    private readonly options: ExchangerOptions,
  ) {
    this.redact = createReportRedactor({
      secrets: [target.secretKey],
      shopId: target.shopId,
      testCards: options.testCards ?? [],
      ...(options.testCvv !== undefined ? { testCvv: options.testCvv } : {}),
    });
    this.auth = `Basic ${Buffer.from(`${target.shopId}:${target.secretKey}`).toString("base64")}`;
    this.wrongAuth = `Basic ${Buffer.from(`${target.shopId}:not-the-secret-key`).toString("base64")}`;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  async send(opts: SendOptions): Promise<Answer> {
    for (let waits = 0; ; waits++) {
      const answer = await this.once(opts);
      if (answer.status !== 429 || waits >= MAX_429_WAITS) return answer;
      const wait = Math.min(parseRetryAfter(answer.headers.get("retry-after")) ?? 1_000, MAX_RETRY_AFTER_MS);
      await sleep(Math.max(wait, 100), this.options.signal);
    }
  }

  /** Whether a URL is on the target's origin (credentials go nowhere else). */
  sameOrigin(url: string): boolean {
    try {
      return new URL(url).origin === new URL(this.target.baseUrl).origin;
    } catch {
      return false;
    }
  }

  private headersFor(opts: SendOptions, url: string, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    // The shop's credentials only ever go to the target's own origin.
    if ((opts.auth ?? "shop") !== "none" && this.sameOrigin(url))
      headers.authorization = opts.auth === "wrong" ? this.wrongAuth : this.auth;
    if (hasBody) headers["content-type"] ??= "application/json";
    return headers;
  }

  private async once(opts: SendOptions): Promise<Answer> {
    await this.throttle();
    const url = opts.url ?? this.target.baseUrl + (opts.path ?? "");
    let body: string | undefined = opts.raw;
    if (body === undefined && opts.body !== undefined) body = JSON.stringify(opts.body);
    const headers = this.headersFor(opts, url, body !== undefined);
    const started = Date.now();
    const exchange: Exchange = {
      method: opts.method,
      url: this.redact(url),
      ...(opts.operation ? { operation: opts.operation } : {}),
      requestHeaders: this.redactHeaders(headers),
      ...(body !== undefined ? { requestBody: this.redact(body) } : {}),
      status: undefined,
      responseHeaders: {},
      responseBody: "",
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
    };
    this.exchanges.push(exchange);
    this.inFlight.add(exchange);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
    try {
      const res = await fetch(url, {
        method: opts.method,
        headers,
        body: body ?? null,
        signal,
        redirect: "manual",
      });
      exchange.status = res.status;
      res.headers.forEach((v, k) => {
        exchange.responseHeaders[k] = k === "set-cookie" ? "[REDACTED]" : this.redact(v);
      });
      const text = await readBounded(res);
      exchange.responseBody = this.redact(text.slice(0, 64_000));
      exchange.durationMs = Date.now() - started;
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
        this.notJson.add(exchange);
      }
      return { status: res.status, headers: res.headers, text, json, exchange };
    } catch (e) {
      exchange.durationMs = Date.now() - started;
      if (this.options.signal?.aborted && !timeout.aborted) {
        exchange.error = "abandoned: the run's --max-duration ran out";
        throw new BudgetExceeded(exchange.error);
      }
      if (timeout.aborted) exchange.timedOut = true;
      const stage =
        exchange.status === undefined ? "no answer" : `answered ${exchange.status}, then the body stalled`;
      const reason = timeout.aborted ? `${stage} within ${this.options.timeoutMs} ms` : describe(e, url);
      exchange.error = this.redact(reason);
      throw new TransportFailure(`${opts.method} ${exchange.url}: ${exchange.error}`, exchange);
    } finally {
      this.inFlight.delete(exchange);
    }
  }

  private redactHeaders(h: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = this.redact(v);
    return out;
  }

  private async throttle(): Promise<void> {
    if (!Number.isFinite(this.options.ratePerSecond) || this.options.ratePerSecond <= 0) return;
    const gap = 1000 / this.options.ratePerSecond;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + gap;
    if (slot > now) await sleep(slot - now, this.options.signal);
  }
}

/** The body as text, at most MAX_BODY_BYTES (a hostile or broken target cannot exhaust memory). */
async function readBounded(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A network failure as what it is: DNS, refused, reset, TLS; never "a server error". */
export function describe(e: unknown, url: string): string {
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code;
  let host = url;
  try {
    host = new URL(url).host;
  } catch {}
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `DNS lookup of ${host.replace(/:\d+$/, "")} failed (${code})`;
  if (code === "ECONNREFUSED") return `connection refused by ${host} (ECONNREFUSED)`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return `connection to ${host} was reset (${code})`;
  if (e instanceof Error) return [e.message, code, cause?.message].filter(Boolean).join(": ");
  return String(e);
}
