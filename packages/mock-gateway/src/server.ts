/**
 * `startMockGateway`: builds the gateway's state and collaborators and wires them to an HTTP server.
 * The request pipeline is in `pipeline.ts`, the routes in `routes/`, the books in `state/`.
 */
import type { AddressInfo } from "node:net";
import { payCrossError } from "@paycross/client";
import type { Clock } from "./clock.js";
import { buildContext, type GatewayStats } from "./context.js";
import type { Fault, FaultInjector } from "./faults.js";
import { createHttpServer } from "./http/server.js";
import { createHandler } from "./pipeline.js";
import type { WebhookOptions, WebhookSender } from "./webhooks.js";

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
  /**
   * Transactions kept; beyond it the oldest is forgotten (its uid then answers 404, and it can no longer
   * be captured or refunded). Default 100 000, so memory stays bounded under a load test.
   */
  maxTransactions?: number;
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
  checkOptions(options);
  const shopId = options.shopId ?? DEFAULT_SHOP_ID;
  const secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
  let publicUrl = "";
  const ctx = buildContext({
    ...options,
    authorization: `Basic ${Buffer.from(`${shopId}:${secretKey}`).toString("base64")}`,
    publicUrl: () => publicUrl,
    reset: () => gateway.reset(),
  });
  const { clock, manual, scheduler, tasks, webhooks } = ctx;
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
    stats: ctx.stats,
    advance(ms) {
      if (!manual)
        throw payCrossError(
          "usage",
          "advance() needs a ManualClock: startMockGateway({ clock: new ManualClock() })",
        );
      manual.advance(ms);
    },
    reset() {
      ctx.ledger.clear();
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

/** Options that cannot work are refused at start with a `config` error naming them, not at the first request. */
function checkOptions(o: MockGatewayOptions): void {
  const whole = (name: string, v: unknown, min: number, max: number) => {
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max))
      throw payCrossError("config", `${name} must be a whole number from ${min} to ${max}, got ${String(v)}`);
  };
  whole("port", o.port, 0, 65_535);
  whole("incompleteResolveMs", o.incompleteResolveMs, 0, 2_147_483_647);
  whole("requestTimeoutMs", o.requestTimeoutMs, 1, 2_147_483_647);
  whole("maxTransactions", o.maxTransactions, 1, 100_000_000);
  if (typeof o.asyncDelayMs === "number") whole("asyncDelayMs", o.asyncDelayMs, 0, 2_147_483_647);
  if (o.shopId !== undefined && (typeof o.shopId !== "string" || o.shopId === "" || o.shopId.includes(":")))
    throw payCrossError("config", "shopId must be a non-empty string without ':'");
  if (o.secretKey !== undefined && (typeof o.secretKey !== "string" || o.secretKey === ""))
    throw payCrossError("config", "secretKey must be a non-empty string");
  if (o.publicUrl !== undefined && !URL.canParse(o.publicUrl))
    throw payCrossError("config", `publicUrl must be an absolute URL, got ${JSON.stringify(o.publicUrl)}`);
}
