/**
 * The conformance app's only way to talk to a gateway: rate-limited, timed out per request, 429s waited
 * out (never reported as failures), and every exchange recorded redacted for reports, curl and HAR.
 */
import { createRedactor, parseRetryAfter, type Redactor } from "@paycross/client";
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
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  exchange: Exchange;
}

export class TransportFailure extends Error {
  constructor(
    message: string,
    readonly exchange: Exchange,
  ) {
    super(message);
  }
}

const MAX_429_WAITS = 5;
const MAX_RETRY_AFTER_MS = 60_000;

export class Exchanger {
  readonly exchanges: Exchange[] = [];
  readonly redact: Redactor;
  private nextSlot = 0;
  private readonly auth: string;
  private readonly wrongAuth: string;

  constructor(
    readonly target: Target,
    private readonly options: { timeoutMs: number; ratePerSecond: number; keepExchanges: boolean },
  ) {
    this.redact = createRedactor([target.secretKey]);
    this.auth = `Basic ${Buffer.from(`${target.shopId}:${target.secretKey}`).toString("base64")}`;
    this.wrongAuth = `Basic ${Buffer.from(`${target.shopId}:not-the-secret-key`).toString("base64")}`;
  }

  async send(opts: SendOptions): Promise<Answer> {
    for (let waits = 0; ; waits++) {
      const answer = await this.once(opts);
      if (answer.status !== 429 || waits >= MAX_429_WAITS) return answer;
      const wait = Math.min(parseRetryAfter(answer.headers.get("retry-after")) ?? 1_000, MAX_RETRY_AFTER_MS);
      await new Promise((r) => setTimeout(r, Math.max(wait, 100)));
    }
  }

  private async once(opts: SendOptions): Promise<Answer> {
    await this.throttle();
    const url = opts.url ?? this.target.baseUrl + (opts.path ?? "");
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if ((opts.auth ?? "shop") !== "none")
      headers.authorization = opts.auth === "wrong" ? this.wrongAuth : this.auth;
    let body: string | undefined = opts.raw;
    if (body === undefined && opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers["content-type"] ??= "application/json";
    const started = Date.now();
    const exchange: Exchange = {
      method: opts.method,
      url: this.redact(url),
      requestHeaders: this.redactHeaders(headers),
      ...(body !== undefined ? { requestBody: this.redact(body) } : {}),
      status: undefined,
      responseHeaders: {},
      responseBody: "",
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
    };
    if (this.options.keepExchanges) this.exchanges.push(exchange);
    try {
      const res = await fetch(url, {
        method: opts.method,
        headers,
        body: body ?? null,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: "manual",
      });
      const text = await res.text();
      exchange.status = res.status;
      res.headers.forEach((v, k) => {
        exchange.responseHeaders[k] = k === "set-cookie" ? "[REDACTED]" : this.redact(v);
      });
      exchange.responseBody = this.redact(text.slice(0, 64_000));
      exchange.durationMs = Date.now() - started;
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json, exchange };
    } catch (e) {
      exchange.durationMs = Date.now() - started;
      const reason =
        e instanceof Error && e.name === "TimeoutError"
          ? `no answer within ${this.options.timeoutMs} ms`
          : describe(e);
      exchange.error = this.redact(reason);
      throw new TransportFailure(`${opts.method} ${exchange.url}: ${exchange.error}`, exchange);
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
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause as { code?: string; message?: string } | undefined;
    return [e.message, cause?.code, cause?.message].filter(Boolean).join(": ");
  }
  return String(e);
}
