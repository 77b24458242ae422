/** What the routes share: the gateway's state and collaborators, built once by `startMockGateway`. */
import { type Contract, getContract } from "@paycross/spec";
import { INTERNAL_ERROR_MESSAGE } from "./cards.js";
import { type Clock, ManualClock, systemClock } from "./clock.js";
import { FaultInjector } from "./faults.js";
import { IdempotencyStore } from "./idempotency.js";
import type { MockGatewayOptions } from "./server.js";
import { Ledger } from "./state/ledger.js";
import { Scheduler } from "./state/scheduler.js";
import { TaskStore } from "./state/tasks.js";
import type { Answer } from "./types.js";
import { WebhookSender } from "./webhooks.js";

export interface GatewayStats {
  requests: number;
  byOperation: Record<string, number>;
  /** Exceptions inside the mock (its bugs), answered as the gateway's 500 or recorded; never thrown. */
  internalErrors: number;
  lastInternalError?: string;
}

export interface GatewayContext {
  readonly contract: Contract;
  readonly clock: Clock;
  readonly manual: ManualClock | undefined;
  readonly ledger: Ledger;
  readonly tasks: TaskStore;
  readonly scheduler: Scheduler;
  readonly idempotency: IdempotencyStore;
  readonly faults: FaultInjector;
  readonly webhooks: WebhookSender;
  readonly stats: GatewayStats;
  readonly admin: boolean;
  /** The expected `Authorization` header value. */
  readonly authorization: string;
  asyncDelay(operationId: string, request: unknown): number;
  publicUrl(): string;
  reset(): void;
}

/** Counts an exception of the mock itself and gives the answer the gateway gives for its own failures. */
export function internalError(stats: GatewayStats, e: unknown): Answer {
  stats.internalErrors++;
  stats.lastInternalError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { status: 500, body: { message: INTERNAL_ERROR_MESSAGE } };
}

/** The gateway's options that shape its state (documented on `MockGatewayOptions`), and its wiring. */
export interface ContextOptions
  extends Pick<
    MockGatewayOptions,
    | "clock"
    | "asyncDelayMs"
    | "incompleteResolveMs"
    | "maxTransactions"
    | "faults"
    | "faultSeed"
    | "admin"
    | "webhooks"
  > {
  /** The expected `Authorization` header value. */
  authorization: string;
  publicUrl: () => string;
  reset: () => void;
}

/** The gateway's state and collaborators, wired to each other (ledger events → webhooks and timers). */
export function buildContext(o: ContextOptions): GatewayContext {
  const clock = o.clock ?? systemClock;
  const manual = clock instanceof ManualClock ? clock : undefined;
  const stats: GatewayStats = { requests: 0, byOperation: {}, internalErrors: 0 };
  const incompleteResolveMs = o.incompleteResolveMs ?? 1_000;
  const webhooks = new WebhookSender(o.authorization, o.webhooks);
  const scheduler = new Scheduler(clock, manual?.passesOnItsOwn ?? true, (e) => void internalError(stats, e));
  const ledger: Ledger = new Ledger(
    clock,
    o.publicUrl,
    {
      changed(tx) {
        if (tx.notification_url) webhooks.send(tx.notification_url, ledger.render(tx));
      },
      scheduleResolution(uid, finalStatus) {
        scheduler.at(clock.now() + incompleteResolveMs, () => ledger.resolve(uid, finalStatus));
      },
    },
    o.maxTransactions,
  );
  return {
    contract: getContract().precompile(),
    clock,
    manual,
    ledger,
    tasks: new TaskStore(clock),
    scheduler,
    idempotency: new IdempotencyStore(clock),
    faults: new FaultInjector(o.faults ?? [], o.faultSeed ?? 1),
    webhooks,
    stats,
    admin: Boolean(o.admin),
    authorization: o.authorization,
    asyncDelay(operationId, request) {
      const d = o.asyncDelayMs;
      const ms = typeof d === "function" ? d(operationId, request) : (d ?? 100);
      return Number.isFinite(ms) && ms >= 0 ? ms : 0;
    },
    publicUrl: o.publicUrl,
    reset: o.reset,
  };
}
