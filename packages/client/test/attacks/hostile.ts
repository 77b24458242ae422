/** Hostile loopback servers: each records what reached it and how many bytes it wrote. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ClientOptions,
  createClient,
  fetchTransport,
  nodeTransport,
  type Transport,
} from "../../src/index.js";
import { defaultTransport } from "../../src/transport/default.js";
import { undiciTransport } from "../../src/transport/undici.js";

export interface Hostile {
  url: string;
  origin: string;
  /** Requests received (method, url, body). */
  seen: Array<{ method: string; url: string; body: string; headers: IncomingMessage["headers"] }>;
  /** Body bytes written to clients so far. */
  written: number;
  close(): Promise<void>;
}

export type HostileHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  server: Hostile,
  body: string,
) => void;

export async function hostileServer(handler: HostileHandler): Promise<Hostile> {
  const state: Hostile = { url: "", origin: "", seen: [], written: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      state.seen.push({ method: req.method ?? "", url: req.url ?? "", body, headers: req.headers });
      handler(req, res, state, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.origin = state.url;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

/** Writes `chunk` until the client goes away or `limit` bytes were written. */
export function pour(res: ServerResponse, server: Hostile, chunk: Buffer, limit = Number.POSITIVE_INFINITY) {
  const write = () => {
    while (!res.destroyed && server.written < limit) {
      server.written += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", write);
    }
    if (!res.destroyed) res.end();
  };
  res.on("error", () => undefined);
  write();
}

/** The four ways of sending a request, each a transport the client accepts. */
export const TRANSPORTS: Array<[name: string, make: () => { transport: Transport; close(): Promise<void> }]> =
  [
    ["default (undici dispatch)", () => ({ transport: defaultTransport(), close: async () => undefined })],
    ["node http", () => ({ transport: nodeTransport(), close: async () => undefined })],
    [
      "undici",
      () => {
        const t = undiciTransport();
        return { transport: t, close: () => t.close() };
      },
    ],
    ["fetch", () => ({ transport: fetchTransport(globalThis.fetch), close: async () => undefined })],
  ];

export const SECRET = 'sk_test_"quoted\\back slash/+&=%';

export function clientFor(server: Hostile, transport: Transport, extra: Partial<ClientOptions> = {}) {
  return createClient({
    shopId: 361,
    secretKey: SECRET,
    baseUrl: server.url,
    transport,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  });
}

export const card = {
  number: "4200000000000000",
  verification_value: "987",
  exp_month: "05",
  exp_year: "2030",
};
export const payment = { amount: 100, currency: "USD", description: "attack", credit_card: card };
