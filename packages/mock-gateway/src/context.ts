/** What the routes share: the gateway's state and collaborators, built once by `startMockGateway`. */
import type { Contract } from "@paycross/spec";
import { INTERNAL_ERROR_MESSAGE } from "./cards.js";
import type { Clock, ManualClock } from "./clock.js";
import type { FaultInjector } from "./faults.js";
import type { IdempotencyStore } from "./idempotency.js";
import type { Ledger } from "./state/ledger.js";
import type { Scheduler } from "./state/scheduler.js";
import type { TaskStore } from "./state/tasks.js";
import type { Answer } from "./types.js";
import type { WebhookSender } from "./webhooks.js";

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
