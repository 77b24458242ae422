import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { text } from "node:stream/consumers";

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (req: Seen, res: ServerResponse) => void;

/** A loopback server whose answers a test scripts one by one; it records every request. */
export async function scriptedServer() {
  const seen: Seen[] = [];
  const queue: Handler[] = [];
  let fallback: Handler = (_req, res) => json(res, 200, { transaction: tx() });
  const server = createServer((req, res) => {
    // A request the client aborts mid-body is dropped, never an unhandled rejection.
    text(req).then(
      (body) => {
        const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
        seen.push(s);
        (queue.shift() ?? fallback)(s, res);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    next(...handlers: Handler[]) {
      queue.push(...handlers);
    },
    otherwise(h: Handler) {
      fallback = h;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export const reply =
  (status: number, body: unknown, headers?: Record<string, string>): Handler =>
  (_req, res) =>
    json(res, status, body, headers);

export function tx(extra: Record<string, unknown> = {}) {
  return {
    uid: "uid-1",
    status: "successful",
    type: "payment",
    amount: 100,
    currency: "USD",
    message: "Successfully processed",
    test: true,
    created_at: "2026-11-27T10:00:00.000Z",
    updated_at: "2026-11-27T10:00:00.000Z",
    ...extra,
  };
}
