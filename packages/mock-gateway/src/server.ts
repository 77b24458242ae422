/**
 * `startMockGateway`: builds the gateway's state and collaborators and wires them to an HTTP server.
 * The request pipeline is in `pipeline.ts`, the routes in `routes/`, the books in `state/`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getContract } from "@paycross/spec";
import { type Clock, ManualClock, systemClock } from "./clock.js";
import type { GatewayContext, GatewayStats } from "./context.js";
import { type Fault, FaultInjector } from "./faults.js";
import { send } from "./http/respond.js";
import { IdempotencyStore } from "./idempotency.js";
import { createHandler } from "./pipeline.js";
import { Ledger } from "./state/ledger.js";
import { Scheduler } from "./state/scheduler.js";
import { TaskStore } from "./state/tasks.js";
import { type WebhookOptions, WebhookSender } from "./webhooks.js";

export interface MockGatewayOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback unless told otherwise. */
  host?: string;
  shopId?: string;
  secretKey?: string;
  /** The gateway's clock. Pass a `ManualClock` to jump time in tests. */
  clock?: Clock;
  /** How long an async task stays `processing`. A function decides per request. Default 100 ms. */
  asyncDelayMs?: number | ((operationId: string, request: unknown) => number);
  /** How long a 3-D Secure (`incomplete`) transaction takes to resolve. Default 1000 ms. */
  incompleteResolveMs?: number;
  faults?: Fault[];
  faultSeed?: number;
  /** Enables `/__mock/*` (clock, faults, reset, stats, webhooks). Off by default. */
  admin?: boolean;
  webhooks?: WebhookOptions;
  /** The origin written into status_url/response_url (when behind a proxy). Default: the listening URL. */
  publicUrl?: string;
  /**
   * Time allowed to receive a whole request (headers and body); a client that stops sending gets 408
   * and the socket is closed. Default 30 000 ms; headers alone get at most 10 000 ms.
   */
  requestTimeoutMs?: number;
}

export interface MockGateway {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  readonly port: number;
  readonly shopId: string;
  readonly secretKey: string;
  readonly clock: Clock;
  readonly faults: FaultInjector;
  /** The shop's webhook public key (Base64 DER, as the back office shows it) and the deliveries so far. */
  readonly webhooks: Pick<WebhookSender, "publicKey" | "publicKeyPem" | "deliveries">;
  /** Requests served, by operationId (`unmatched` for unknown paths), and the mock's own failures. */
  readonly stats: GatewayStats;
  /** Moves a ManualClock forward and runs everything due. */
  advance(ms: number): void;
  /** Forgets every transaction, task, token and idempotency key. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_SHOP_ID = "361";
export const DEFAULT_SECRET_KEY = "mock-secret-key-361";
export async function startMockGateway(options: MockGatewayOptions = {}): Promise<MockGateway> {
  const shopId = options.shopId ?? DEFAULT_SHOP_ID;
  const secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
  const clock = options.clock ?? systemClock;
  const manual = clock instanceof ManualClock ? clock : undefined;
  const authorization = `Basic ${Buffer.from(`${shopId}:${secretKey}`).toString("base64")}`;
  const stats: GatewayStats = { requests: 0, byOperation: {}, internalErrors: 0 };
  const incompleteResolveMs = options.incompleteResolveMs ?? 1_000;
  const webhooks = new WebhookSender(authorization, options.webhooks);
  const scheduler = new Scheduler(clock, manual?.passesOnItsOwn ?? true, (e) => {
    stats.internalErrors++;
    stats.lastInternalError = String(e);
  });
  const tasks = new TaskStore(clock);
  let publicUrl = "";
  const ledger: Ledger = new Ledger(clock, () => publicUrl, {
    changed(tx) {
      if (tx.notification_url) webhooks.send(tx.notification_url, ledger.render(tx));
    },
    scheduleResolution(uid, finalStatus) {
      scheduler.at(clock.now() + incompleteResolveMs, () => ledger.resolve(uid, finalStatus));
    },
  });
  const ctx: GatewayContext = {
    contract: getContract().precompile(),
    clock,
    manual,
    ledger,
    tasks,
    scheduler,
    idempotency: new IdempotencyStore(clock),
    faults: new FaultInjector(options.faults ?? [], options.faultSeed ?? 1),
    webhooks,
    stats,
    admin: Boolean(options.admin),
    authorization,
    asyncDelay(operationId, request) {
      const d = options.asyncDelayMs;
      const ms = typeof d === "function" ? d(operationId, request) : (d ?? 100);
      return Number.isFinite(ms) && ms >= 0 ? ms : 0;
    },
    publicUrl: () => publicUrl,
    reset: () => gateway.reset(),
  };
  const unsubscribe = manual?.onAdvance(() => {
    scheduler.runDue();
    tasks.sweep();
  });

  const { server, sockets } = createHttpServer(createHandler(ctx), options.requestTimeoutMs ?? 30_000);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  publicUrl = (options.publicUrl ?? url).replace(/\/+$/, "");

  const gateway: MockGateway = {
    url,
    port: address.port,
    shopId,
    secretKey,
    clock,
    faults: ctx.faults,
    webhooks,
    stats,
    advance(ms) {
      if (!manual)
        throw new Error("advance() needs a ManualClock: startMockGateway({ clock: new ManualClock() })");
      manual.advance(ms);
    },
    reset() {
      ledger.clear();
      tasks.clear();
      ctx.idempotency.clear();
      ctx.faults.set([]);
    },
    async close() {
      unsubscribe?.();
      scheduler.close();
      webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
  return gateway;
}

function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  requestTimeoutMs: number,
): { server: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      keepAliveTimeout: 5_000,
      // A client that sends part of a request and stops gets 408 instead of holding a socket forever.
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(10_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
    },
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        // A bug in the mock must still answer (and say so), never hang the caller.
        if (!res.headersSent) send(res, 500, { message: `mock gateway bug: ${(e as Error).message}` });
        else res.destroy();
      });
    },
  );
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // Malformed framing (Content-Length with Transfer-Encoding, a bad chunk, a bad header): 400, then close.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" && socket.writable) {
      socket.end("HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    } else if (socket.writable) {
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    } else socket.destroy();
  });
  return { server, sockets };
}
