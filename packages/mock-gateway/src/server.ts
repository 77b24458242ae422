/**
 * The mock gateway's HTTP server: auth, contract validation, idempotency, the sync operations, their
 * async twins and the task endpoints, plus optional admin endpoints (clock, faults, reset).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getContract, type SchemaIssue } from "@paycross/spec";
import { TEST_CARDS } from "./cards.js";
import { type Clock, ManualClock, systemClock } from "./clock.js";
import { type Fault, FaultInjector } from "./faults.js";
import { type Answer, type Json, Ledger, type TransactionType } from "./state/ledger.js";
import { Scheduler } from "./state/scheduler.js";
import { RESULT_RETENTION_MS, TaskStore } from "./state/tasks.js";
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
  /** Requests served, by operationId (`unmatched` for unknown paths). */
  readonly stats: { requests: number; byOperation: Record<string, number> };
  /** Moves a ManualClock forward and runs everything due. */
  advance(ms: number): void;
  /** Forgets every transaction, task, token and idempotency key. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_SHOP_ID = "361";
export const DEFAULT_SECRET_KEY = "mock-secret-key-361";
const MAX_BODY_BYTES = 1_000_000;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

const TYPE_BY_OPERATION: Record<string, TransactionType> = {
  createPayment: "payment",
  createAuthorization: "authorization",
  createTokenization: "tokenization",
  createCapture: "capture",
  createVoid: "void",
  createRefund: "refund",
  createPayout: "payout",
  createCheckup: "checkup",
  createChargeback: "chargeback",
};

interface IdempotencyEntry {
  fingerprint: string;
  expiresAt: number;
  /** The first answer; its `uid` names the transaction a replay shows with its current status. */
  answer: Answer;
}

export async function startMockGateway(options: MockGatewayOptions = {}): Promise<MockGateway> {
  const shopId = options.shopId ?? DEFAULT_SHOP_ID;
  const secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
  const clock = options.clock ?? systemClock;
  const manual = clock instanceof ManualClock ? clock : undefined;
  const contract = getContract().precompile();
  // Header rules of each operation (X-API-Version on the balance query), resolved once.
  const headerRules = new Map(
    contract.operations.map((o) => [
      o.operationId,
      contract
        .parameters(o.operationId)
        .filter((p) => p.in === "header" && p.name !== "RequestID")
        .map((p) => ({
          name: p.name,
          lower: p.name.toLowerCase(),
          required: Boolean(p.required),
          expected: (p.schema as { const?: string }).const,
        })),
    ]),
  );
  const authorization = `Basic ${Buffer.from(`${shopId}:${secretKey}`).toString("base64")}`;
  const expectedAuth = Buffer.from(authorization);
  const faults = new FaultInjector(options.faults ?? [], options.faultSeed ?? 1);
  const webhooks = new WebhookSender(authorization, options.webhooks);
  const scheduler = new Scheduler(clock, manual?.passesOnItsOwn ?? true);
  const tasks = new TaskStore(clock);
  const idempotency = new Map<string, IdempotencyEntry>();
  const stats = { requests: 0, byOperation: {} as Record<string, number> };
  const incompleteResolveMs = options.incompleteResolveMs ?? 1_000;
  let publicUrl = "";

  const ledger = new Ledger(clock, () => publicUrl, {
    changed(tx) {
      if (tx.notification_url) webhooks.send(tx.notification_url, ledger.render(tx));
    },
    scheduleResolution(uid, finalStatus) {
      scheduler.at(clock.now() + incompleteResolveMs, () => ledger.resolve(uid, finalStatus));
    },
  });
  const unsubscribe = manual?.onAdvance(() => {
    scheduler.runDue();
    tasks.sweep();
  });

  const asyncDelay = (operationId: string, request: unknown): number => {
    const d = options.asyncDelayMs;
    const ms = typeof d === "function" ? d(operationId, request) : (d ?? 100);
    return Number.isFinite(ms) && ms >= 0 ? ms : 0;
  };

  /** The operation's standard answer: the same function serves the sync form and the async task. */
  const perform = (operationId: string, body: Json | undefined, params: Record<string, string>): Answer => {
    const request = (body?.request ?? {}) as Json;
    const syncId = operationId.replace(/Async$/, "");
    const type = TYPE_BY_OPERATION[syncId];
    if (type === "capture" || type === "void" || type === "refund" || type === "chargeback")
      return ledger.childTransaction(type, request);
    if (type) return ledger.cardTransaction(type, request);
    if (syncId === "getTransaction") return ledger.get(params.uid!);
    if (syncId === "listTransactionsByTrackingId") return ledger.listByTrackingId(params.tracking_id!);
    if (syncId === "getBalance") return ledger.balance(request);
    return { status: 404, body: { message: "Not found" } };
  };

  const taskUrls = (id: string) => ({
    status_url: `${publicUrl}/async/status/${id}`,
    response_url: `${publicUrl}/async/result/${id}`,
  });

  const submitAsync = (
    operationId: string,
    body: Json | undefined,
    params: Record<string, string>,
  ): Answer => {
    const id = tasks.create();
    const delay = asyncDelay(operationId, body?.request);
    scheduler.at(clock.now() + delay, () => tasks.complete(id, perform(operationId, body, params)));
    if (delay === 0) scheduler.runDue();
    return { status: 200, body: { status: "processing", request_id: id, ...taskUrls(id) } };
  };

  const taskStatus = (id: string): Answer => {
    const view = tasks.status(id);
    if (view.state === "unknown") return { status: 404, body: { status: "unknown", request_id: id } };
    if (view.state === "processing") return { status: 200, body: { status: "processing", request_id: id } };
    return {
      status: 200,
      body: { status: "completed", request_id: id, response_url: taskUrls(id).response_url },
    };
  };

  const taskResult = (id: string): Answer => {
    const view = tasks.readResult(id);
    if (view.state === "unknown") return { status: 404, body: { status: "unknown", request_id: id } };
    if (view.state === "processing")
      return { status: 425, body: { status: "processing", request_id: id, ...taskUrls(id) } };
    return view.result as Answer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? "GET";
    const raw = await readBody(req);

    if (pathname.startsWith("/__mock/")) {
      if (!options.admin) return send(res, 404, { message: "Not found" });
      if (!authorized(req.headers.authorization)) return send(res, 401, { message: "Access denied" });
      const [status, answer] = admin(method, pathname, raw);
      return send(res, status, answer);
    }

    const match = contract.match(method, pathname);
    const operationId = match.operation?.operationId;
    stats.byOperation[operationId ?? "unmatched"] = (stats.byOperation[operationId ?? "unmatched"] ?? 0) + 1;

    for (const fault of faults.draw(operationId, pathname)) {
      if (fault.kind === "latency") await delay(fault.latencyMs ?? 100);
      else if (fault.kind === "reset") return void req.socket.destroy();
      else if (fault.kind === "malformed") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"transaction": {"uid": "trunc');
      } else if (fault.kind === "rateLimit")
        return send(res, 429, { message: "Too many requests" }, { "retry-after": fault.retryAfter ?? "1" });
      else if (fault.kind === "error") {
        const status = fault.status ?? 500;
        return send(
          res,
          status,
          {
            message:
              status === 503 ? "Gateway is temporarily unavailable" : "We're sorry, but something went wrong",
          },
          fault.retryAfter ? { "retry-after": fault.retryAfter } : undefined,
        );
      }
    }

    if (!match.operation) {
      return send(res, 404, {
        message: match.pathExists ? `Method ${method} is not allowed here` : "Not found",
      });
    }
    if (!authorized(req.headers.authorization)) return send(res, 401, { message: "Access denied" });
    // Timers fire a little late; settling what is due now keeps every answer exact to the clock.
    scheduler.runDue();

    const op = match.operation;
    const params = match.params;
    if (op.operationId === "getAsyncStatus") return reply(res, taskStatus(params.request_id!));
    if (op.operationId === "getAsyncResult") return reply(res, taskResult(params.request_id!));

    let body: Json | undefined;
    if (op.method === "post") {
      if (raw === undefined) return send(res, 422, bodyError("Request body is too large"));
      let parsed: unknown;
      try {
        parsed = raw.length === 0 ? undefined : JSON.parse(raw.toString("utf8"));
      } catch {
        return send(res, 422, {
          message: "Request body is not valid JSON",
          errors: { base: ["is not valid JSON"] },
        });
      }
      const issues = contract.validateRequestBody(op.operationId, parsed);
      if (issues.length > 0) return send(res, 422, validationError(issues));
      body = parsed as Json;
    }
    for (const p of headerRules.get(op.operationId) ?? []) {
      const value = req.headers[p.lower];
      const expected = p.expected;
      if (
        (p.required && value === undefined) ||
        (expected !== undefined && value !== undefined && value !== expected)
      ) {
        return send(res, 422, {
          message: `Header ${p.name} must be ${JSON.stringify(expected)}`,
          errors: { [p.name]: [expected ? `must be ${expected}` : "can't be blank"] },
        });
      }
    }

    const isAsync = op.mode === "async";
    const key = op.method === "post" ? headerValue(req.headers.requestid) : undefined;
    if (key !== undefined) {
      const fingerprint = createHash("sha256")
        .update(op.operationId)
        .update("\0")
        .update(raw ?? "")
        .digest("hex");
      const seen = idempotency.get(key);
      if (seen && seen.expiresAt > clock.now()) {
        if (seen.fingerprint !== fingerprint) {
          return send(res, 422, {
            message: "RequestID was already used for a different request",
            errors: { RequestID: ["was already used for a different request"] },
          });
        }
        // The first answer, but about a transaction: with its current status.
        return reply(res, (seen.answer.uid && ledger.current(seen.answer.uid)) || seen.answer);
      }
      const answer = isAsync
        ? submitAsync(op.operationId, body, params)
        : perform(op.operationId, body, params);
      if (idempotency.size > 200_000) pruneIdempotency(idempotency, clock.now());
      idempotency.set(key, { fingerprint, expiresAt: clock.now() + IDEMPOTENCY_TTL_MS, answer });
      return reply(res, answer);
    }
    return reply(
      res,
      isAsync ? submitAsync(op.operationId, body, params) : perform(op.operationId, body, params),
    );
  };

  const authorized = (header: string | undefined): boolean => {
    if (!header) return false;
    const given = Buffer.from(header);
    return given.length === expectedAuth.length && timingSafeEqual(given, expectedAuth);
  };

  const admin = (method: string, pathname: string, raw: Buffer | undefined): [number, Json] => {
    let input: Json = {};
    try {
      input = raw?.length ? (JSON.parse(raw.toString("utf8")) as Json) : {};
    } catch {
      return [400, { message: "admin: body is not valid JSON" }];
    }
    const route = `${method} ${pathname}`;
    if (route === "GET /__mock/clock") return [200, { now: clock.now(), manual: Boolean(manual) }];
    if (route === "POST /__mock/clock") {
      if (!manual)
        return [
          409,
          {
            message: "admin: the gateway runs on the system clock (start it with a manual clock)",
          },
        ];
      const ms = input.advanceMs;
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
        return [400, { message: "admin: advanceMs must be a non-negative number" }];
      manual.advance(ms);
      return [200, { now: clock.now(), manual: true }];
    }
    if (route === "PUT /__mock/faults") {
      try {
        faults.set((input.faults ?? []) as Fault[], typeof input.seed === "number" ? input.seed : undefined);
      } catch (e) {
        return [400, { message: `admin: ${(e as Error).message}` }];
      }
      return [200, { faults: faults.active }];
    }
    if (route === "POST /__mock/reset") {
      gateway.reset();
      return [200, { reset: true }];
    }
    if (route === "GET /__mock/stats")
      return [200, { ...stats, tasks: tasks.size, transactions: ledger.size }];
    if (route === "GET /__mock/webhooks")
      return [200, { publicKey: webhooks.publicKey, deliveries: webhooks.deliveries.slice(-100) }];
    if (route === "GET /__mock/profile")
      return [200, { cards: TEST_CARDS, retentionMs: RESULT_RETENTION_MS }];
    return [404, { message: "admin: no such endpoint" }];
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the mock must still answer (and say so), never hang the caller.
      if (!res.headersSent) send(res, 500, { message: `mock gateway bug: ${(e as Error).message}` });
      else res.destroy();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
  });
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
    faults,
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
      idempotency.clear();
      faults.set([]);
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

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () =>
      resolve(tooLarge ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)),
    );
    req.on("error", () => resolve(Buffer.alloc(0)));
  });
}

function reply(res: ServerResponse, answer: Answer): void {
  send(res, answer.status, answer.body);
}

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length > 0 ? s : undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function pruneIdempotency(map: Map<string, IdempotencyEntry>, now: number): void {
  for (const [k, v] of map) if (v.expiresAt <= now) map.delete(k);
}

function bodyError(message: string): Json {
  return { message, errors: { base: [message] } };
}

/** Ajv's issues in the gateway's shape: `errors` keyed by field (without the `request` envelope). */
export function validationError(issues: SchemaIssue[]): Json {
  const errors: Json = {};
  const messages: string[] = [];
  for (const issue of issues) {
    const path = issue.instancePath.split("/").filter(Boolean).map(unescapePointer);
    let message = issue.message;
    const missing = /must have required property '(.+)'/.exec(message);
    if (missing) {
      path.push(missing[1]!);
      message = "can't be blank";
    }
    if (path[0] === "request" && path.length > 1) path.shift();
    if (path.length === 0) path.push("base");
    // A field can carry its own messages and its children's: its own go under `base` once it has children.
    let node = errors;
    for (const seg of path.slice(0, -1)) {
      const next = node[seg];
      if (Array.isArray(next)) node[seg] = { base: next };
      else if (!next || typeof next !== "object") node[seg] = {};
      node = node[seg] as Json;
    }
    let leaf = path[path.length - 1]!;
    if (node[leaf] && typeof node[leaf] === "object" && !Array.isArray(node[leaf])) {
      node = node[leaf] as Json;
      leaf = "base";
    }
    const list = Array.isArray(node[leaf]) ? (node[leaf] as string[]) : [];
    if (!list.includes(message)) list.push(message);
    node[leaf] = list;
    messages.push(`${path.join(".")} ${message}`);
  }
  return { message: [...new Set(messages)].join(". "), errors };
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}
