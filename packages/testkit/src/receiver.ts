/**
 * A loopback receiver for webhooks (or any HTTP POST) that a test can wait on without races: every request
 * is recorded, with its ordinal, before it is answered, and `waitFor` looks at what already arrived before
 * it waits, so a delivery that lands before the test starts waiting is never missed.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ReceivedRequest {
  /** 0 for the first request this receiver got, 1 for the second, ... */
  readonly ordinal: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status this receiver answered. */
  readonly status: number;
}

export interface ReceiverOptions {
  /** Status to answer for the n-th request (0-based); default 200 for all. */
  status?: (ordinal: number, request: Omit<ReceivedRequest, "status">) => number;
  /** Bodies over this many bytes are answered 413 and recorded truncated; default 1 MiB. */
  maxBodyBytes?: number;
}

export interface Receiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`; append any path. */
  readonly url: string;
  /** Everything received so far, in arrival order. */
  readonly received: readonly ReceivedRequest[];
  /** Resolves once `count` requests (matching `filter`, if given) have been recorded; rejects after `timeoutMs`. */
  waitFor(
    count: number,
    options?: { timeoutMs?: number; filter?: (r: ReceivedRequest) => boolean },
  ): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const maxBody = options.maxBodyBytes ?? 2 ** 20;
  const received: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
    });
    req.on("end", () => {
      const base = {
        ordinal: received.length,
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const status = size > maxBody ? 413 : (options.status?.(base.ordinal, base) ?? 200);
      // Recorded before the answer leaves: the sender cannot see the answer before the test can see the request.
      received.push({ ...base, status });
      for (const wake of waiters) wake();
      res.writeHead(status, { "content-type": "text/plain" }).end(String(status));
    });
    req.on("error", () => res.destroy());
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    received,
    waitFor(count, { timeoutMs = 10_000, filter = () => true } = {}) {
      const matching = () => received.filter(filter);
      return new Promise((resolve, reject) => {
        const check = () => {
          const now = matching();
          if (now.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(now);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`receiver: ${matching().length} of ${count} expected requests within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
