/**
 * A transport on an undici dispatcher's `dispatch(options, handler)`: the handler API undici's own
 * `request()` is built on, without its Readable body stream, so a call costs less CPU than a bare
 * `request()`. Every handler callback settles a promise and never throws (an exception there would
 * escape the caller's try/catch). Redirects are never followed; the body is bounded while it streams.
 */
import {
  declaredTooLarge,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  tooLarge,
} from "./types.js";

/** The part of an undici Dispatcher used here (structural: any undici 6 or 7 dispatcher fits). */
export interface DispatcherLike {
  dispatch(options: never, handler: never): boolean;
}

type Abort = (reason?: unknown) => void;

/** Splits `scheme://host[:port]/path?query` without a URL object (undici parses the origin itself). */
export function splitUrl(url: string): { origin: string; path: string } {
  const start = url.indexOf("//");
  const slash = start < 0 ? -1 : url.indexOf("/", start + 2);
  const query = url.indexOf("?", start + 2);
  const cut = slash < 0 || (query >= 0 && query < slash) ? query : slash;
  if (cut < 0) return { origin: url, path: "/" };
  const path = url.slice(cut);
  return { origin: url.slice(0, cut), path: path[0] === "?" ? `/${path}` : path };
}

/** Response headers kept raw; parsed only when a header is asked for (most calls ask for none). */
function rawHeaderGetter(raw: Array<Buffer | string>): TransportResponse["headers"] {
  return {
    get(name: string) {
      const want = name.toLowerCase();
      let out: string | null = null;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        if (String(raw[i]).toLowerCase() !== want) continue;
        const v = String(raw[i + 1]);
        out = out === null ? v : `${out}, ${v}`;
      }
      return out;
    },
  };
}

/** The attempt's deadline passed (the dispatch transport's own timer, set by the pipeline). */
export class DeadlineExceeded extends Error {
  constructor() {
    super("timeout");
  }
}

/**
 * The pipeline's fast path into this transport: the per-attempt timeout and the caller's signal are
 * handled here, by one timer that aborts undici directly, instead of an AbortController per attempt
 * (its signal and listeners cost more than the rest of the pipeline). Not part of the public API.
 */
export const DIRECT_SEND: unique symbol = Symbol("paycross.directSend");
export type DirectSend = (
  req: Omit<TransportRequest, "signal">,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
) => Promise<TransportResponse>;

export function directSendOf(transport: Transport): DirectSend | undefined {
  return (transport as Transport & { [DIRECT_SEND]?: DirectSend })[DIRECT_SEND];
}

export function dispatchTransport(dispatcher: DispatcherLike): Transport {
  const transport: Transport = (req) => send(dispatcher, req, undefined, req.signal);
  const direct: DirectSend = (req, timeoutMs, signal) => send(dispatcher, req, timeoutMs, signal);
  return Object.assign(transport, { [DIRECT_SEND]: direct });
}

function send(
  dispatcher: DispatcherLike,
  req: Omit<TransportRequest, "signal">,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const exchange = new Exchange(req.maxResponseBytes, resolve, reject, signal, timeoutMs);
    const { origin, path } = splitUrl(req.url);
    try {
      // maxRedirections 0: accepted by undici 7, and turns off undici 6's redirects on a shared dispatcher.
      const options = {
        origin,
        path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        maxRedirections: 0,
      };
      dispatcher.dispatch(options as never, exchange as never);
    } catch (error) {
      exchange.onError(error);
    }
  });
}

/**
 * One attempt, as undici's handler: it settles the call's promise at the headers and the body's
 * promise at the end, bounds the body while it streams, and owns the attempt's timer and abort listener.
 */
class Exchange {
  #abort: Abort | null = null;
  #abortReason: unknown;
  #settleBody: ((text: string) => void) | null = null;
  #failBody: ((error: unknown) => void) | null = null;
  #bodyError: unknown;
  #bodyText: string | undefined;
  #status = 0;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onAbort: (() => void) | undefined;

  readonly #max: number;
  readonly #resolve: (response: TransportResponse) => void;
  readonly #reject: (error: unknown) => void;
  readonly #signal: AbortSignal | undefined;

  constructor(
    max: number,
    resolve: (response: TransportResponse) => void,
    reject: (error: unknown) => void,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ) {
    this.#max = max;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    if (signal) {
      this.#onAbort = () => this.#stop(signal.reason);
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
    // Covers the whole attempt, body included: cleared when the body ends or the request fails.
    if (timeoutMs !== undefined)
      this.#timer = setTimeout(() => this.#stop(new DeadlineExceeded()), timeoutMs);
  }

  #stop(reason: unknown): void {
    this.#abortReason = reason;
    this.#abort?.(reason);
  }

  #done(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  #text(): Promise<string> {
    if (this.#bodyText !== undefined) return Promise.resolve(this.#bodyText);
    if (this.#bodyError !== undefined) return Promise.reject(this.#bodyError);
    return new Promise<string>((ok, ko) => {
      this.#settleBody = ok;
      this.#failBody = ko;
    });
  }

  onConnect(a: Abort): void {
    if (this.#abortReason !== undefined) a(this.#abortReason);
    else this.#abort = a;
  }

  onHeaders(statusCode: number, raw: Array<Buffer | string>): boolean {
    if (statusCode < 200) return true; // 1xx: informational, the answer follows
    this.#status = statusCode;
    const headers = rawHeaderGetter(raw);
    const length = headers.get("content-length");
    if (declaredTooLarge(length, this.#max)) {
      this.#abort?.(tooLarge(this.#max, statusCode, `Content-Length ${length}`));
      return false;
    }
    this.#resolve({
      status: statusCode,
      headers,
      discard: () => this.#abort?.(new Error("discarded")),
      text: () => this.#text(),
    });
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#size += chunk.length;
    if (this.#size > this.#max) {
      this.#abort?.(tooLarge(this.#max, this.#status, `${this.#size} B read`));
      return false;
    }
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.#done();
    const chunks = this.#chunks;
    this.#bodyText =
      chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
    this.#settleBody?.(this.#bodyText);
  }

  onError(error: unknown): void {
    this.#done();
    this.#bodyError = error;
    // Before the headers: the call fails; after them: the body read does.
    this.#reject(error);
    this.#failBody?.(error);
  }
}
