/**
 * The seam between the client and HTTP: Node's http client by default, an undici pool for speed, any
 * fetch-compatible function, a fake in tests. Every transport must (1) never follow a redirect: a 3xx
 * is returned as it is, and (2) stop reading an answer past `maxResponseBytes`, rejecting with
 * `PayCrossResponseTooLargeError`. The client checks both again on what a transport returns.
 */
import { PayCrossResponseTooLargeError } from "../errors.js";

export interface TransportRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
  /** The largest answer body to read, in bytes. Past it: reject with `PayCrossResponseTooLargeError`. */
  maxResponseBytes: number;
}

export interface TransportResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The body as text, read within `maxResponseBytes`. */
  text(): Promise<string>;
  /** Releases an answer whose body will not be read (a redirect). */
  discard?(): void;
  /** Set when the transport saw a redirect it could not stop (a fetch that followed or hid it): its target. */
  redirectedTo?: string | null;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** The error a transport rejects with past the limit; the client adds the request's context. */
export function tooLarge(
  max: number,
  status: number | undefined,
  seen: string,
): PayCrossResponseTooLargeError {
  return new PayCrossResponseTooLargeError({
    message: `the answer is larger than maxResponseBytes (${max} B; ${seen}); it was not read further`,
    responseStatus: status,
    maxResponseBytes: max,
  });
}

/** A declared Content-Length over the limit: refused before a byte of the body is read. */
export function declaredTooLarge(contentLength: string | null | undefined, max: number): boolean {
  if (contentLength == null) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > max;
}

/**
 * A transport over any fetch-compatible function (global fetch, a proxy-aware fetch, a test double).
 * `redirect: "manual"` keeps fetch from re-sending the body to a redirect target; a fetch that follows
 * anyway (`redirected`) or hides the redirect (`opaqueredirect`, status 0) is reported as a redirect.
 */
export function fetchTransport(fetchImpl: typeof fetch = globalThis.fetch): Transport {
  return async (req) => {
    const res = await fetchImpl(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      signal: req.signal,
      redirect: "manual",
    });
    const max = req.maxResponseBytes;
    const followed = res.redirected || res.type === "opaqueredirect";
    return {
      status: res.status,
      headers: res.headers,
      // A redirect that fetch followed or hid is reported as one, whatever status it ended with.
      ...(followed ? { redirectedTo: res.url || null } : {}),
      discard: () => void res.body?.cancel().catch(() => undefined),
      text: async () => {
        if (declaredTooLarge(res.headers.get("content-length"), max)) {
          void res.body?.cancel().catch(() => undefined);
          throw tooLarge(max, res.status, `Content-Length ${res.headers.get("content-length")}`);
        }
        if (!res.body) return "";
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let size = 0;
        let text = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return text + decoder.decode();
          size += value.byteLength;
          if (size > max) {
            await reader.cancel().catch(() => undefined);
            throw tooLarge(max, res.status, `${size} B read`);
          }
          text += decoder.decode(value, { stream: true });
        }
      },
    };
  };
}
