/**
 * The gateway's operations: each sync operation performed on the ledger, each async twin turned into a
 * task whose result is the same answer, and `RequestID` idempotency around both.
 */
import { OPERATIONS, type OperationEntry } from "@paycross/spec";
import { type GatewayContext, internalError } from "../context.js";
import { KEY_CONFLICT } from "../idempotency.js";
import type { Answer, Json } from "../types.js";
import { processingBody } from "./tasks.js";

/** The catalogue entries by operationId, sync and async alike: the mock serves what the spec lists. */
export function entriesByOperationId(
  catalogue: Readonly<Record<string, OperationEntry>> = OPERATIONS,
): Map<string, OperationEntry> {
  const map = new Map<string, OperationEntry>();
  for (const entry of Object.values(catalogue)) {
    map.set(entry.syncOperationId, entry);
    map.set(entry.asyncOperationId, entry);
  }
  return map;
}

export interface OperationCall {
  operationId: string;
  mode: "sync" | "async";
  body: Json | undefined;
  params: Record<string, string>;
  /** The raw body, fingerprinted for `RequestID`. */
  raw: Uint8Array;
  /** The `RequestID` header (POST only). */
  requestId: string | undefined;
}

export function createOperations(
  ctx: GatewayContext,
  catalogue: Readonly<Record<string, OperationEntry>> = OPERATIONS,
) {
  const { ledger, tasks, scheduler, clock, idempotency } = ctx;
  const byOperationId = entriesByOperationId(catalogue);

  /** The operation's standard answer: the same function serves the sync form and the async task. */
  const perform = (operationId: string, body: Json | undefined, params: Record<string, string>): Answer => {
    const entry = byOperationId.get(operationId);
    if (!entry) return { status: 404, body: { message: "Not found" } };
    const request = (body?.request ?? {}) as Json;
    const type = entry.transactionType;
    if (type === "capture" || type === "void" || type === "refund" || type === "chargeback")
      return ledger.childTransaction(type, request);
    if (type) return ledger.cardTransaction(type, request);
    if (entry.name === "transaction") return ledger.get(params.uid!);
    if (entry.name === "transactionsByTrackingId") return ledger.listByTrackingId(params.tracking_id!);
    if (entry.name === "balance") return ledger.balance(request);
    throw new Error(`the mock has no rule for the query operation ${entry.name}`);
  };

  /** A task completes with the answer, or with the gateway's 500 if the mock itself fails. */
  const submit = (operationId: string, body: Json | undefined, params: Record<string, string>): Answer => {
    const id = tasks.create();
    const delay = ctx.asyncDelay(operationId, body?.request);
    scheduler.at(clock.now() + delay, () => {
      let answer: Answer;
      try {
        answer = perform(operationId, body, params);
      } catch (e) {
        answer = internalError(ctx.stats, e);
      }
      tasks.complete(id, answer);
    });
    if (delay === 0) scheduler.runDue();
    return { status: 200, body: processingBody(id, ctx.publicUrl()) };
  };

  const run = (call: OperationCall): Answer =>
    call.mode === "async"
      ? submit(call.operationId, call.body, call.params)
      : perform(call.operationId, call.body, call.params);

  return {
    perform,
    /** Serves one call; with a `RequestID`, the key and the effect are recorded in one step. */
    serve(call: OperationCall): Answer {
      if (call.requestId === undefined) {
        try {
          return run(call);
        } catch (e) {
          return internalError(ctx.stats, e);
        }
      }
      const seen = idempotency.lookup(call.requestId, call.operationId, call.raw);
      if (seen.kind === "conflict") return KEY_CONFLICT;
      // The first answer, but about a transaction: with its current status.
      if (seen.kind === "replay") return (seen.answer.uid && ledger.current(seen.answer.uid)) || seen.answer;
      return idempotency.perform(
        call.requestId,
        seen.fingerprint,
        () => run(call),
        (e) => internalError(ctx.stats, e),
      );
    },
  };
}
