/** The seam between the client and HTTP: global fetch by default, an undici pool for speed, a fake in tests. */
export interface TransportRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A transport over any fetch-compatible function (global fetch, a proxy-aware fetch, a test double). */
export function fetchTransport(fetchImpl: typeof fetch = globalThis.fetch): Transport {
  return (req) =>
    fetchImpl(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      signal: req.signal,
    });
}
