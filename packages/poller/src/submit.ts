/** Submission: the async twin of each operation, and the task state a fresh submit starts from. */
import type {
  AsyncCallOptions,
  AsyncTask,
  BalanceRequest,
  PayCrossClient,
  RequestOf,
} from "@paycross/client";
import { ASYNC_OPERATIONS, type AsyncOperation, type TaskState } from "./task.js";

export interface SubmitRequests {
  payment: RequestOf<"createPayment">;
  authorization: RequestOf<"createAuthorization">;
  tokenization: RequestOf<"createTokenization">;
  capture: RequestOf<"createCapture">;
  void: RequestOf<"createVoid">;
  refund: RequestOf<"createRefund">;
  payout: RequestOf<"createPayout">;
  checkup: RequestOf<"createCheckup">;
  chargeback: RequestOf<"createChargeback">;
  /** The transaction's uid. */
  transaction: string;
  /** The tracking_id. */
  transactionsByTrackingId: string;
  balance: BalanceRequest;
}

type Submitter = (client: PayCrossClient, request: unknown, o: AsyncCallOptions) => Promise<AsyncTask>;

// Transaction operations share one shape: client.async.<resource>.create(request).
const RESOURCE: Partial<Record<AsyncOperation, string>> = {
  payment: "payments",
  authorization: "authorizations",
  tokenization: "tokenizations",
  capture: "captures",
  void: "voids",
  refund: "refunds",
  payout: "payouts",
  checkup: "checkups",
  chargeback: "chargebacks",
};

function submitterOf(operation: AsyncOperation): Submitter {
  if (operation === "transaction") return (c, uid, o) => c.async.transactions.get(uid as string, o);
  if (operation === "transactionsByTrackingId")
    return (c, id, o) => c.async.transactions.byTrackingId(id as string, o);
  if (operation === "balance") return (c, r, o) => c.async.balance.get(r as BalanceRequest, o);
  const resource = RESOURCE[operation]!;
  return (c, r, o) =>
    (
      c.async as unknown as Record<
        string,
        { create: (r: unknown, o: AsyncCallOptions) => Promise<AsyncTask> }
      >
    )[resource]!.create(r, o);
}

/** Submits `request` through the async twin of `operation` and returns the new task's state. */
export async function submitTask(
  client: PayCrossClient,
  operation: AsyncOperation,
  request: unknown,
  opts: AsyncCallOptions,
): Promise<TaskState> {
  if (!ASYNC_OPERATIONS.includes(operation))
    throw new TypeError(
      `unknown operation ${JSON.stringify(operation)}; one of ${ASYNC_OPERATIONS.join(", ")}`,
    );
  const accepted = await submitterOf(operation)(client, request, opts);
  return {
    version: 1,
    id: accepted.request_id,
    operation,
    statusUrl: accepted.status_url,
    responseUrl: accepted.response_url,
    idempotencyKey: accepted.idempotencyKey,
    trackingId: trackingIdOf(operation, request),
    submittedAt: Date.now(),
    phase: "polling",
    attempt: 0,
  };
}

function trackingIdOf(operation: AsyncOperation, request: unknown): string | undefined {
  if (operation === "transactionsByTrackingId") return request as string;
  const id = (request as { tracking_id?: unknown } | null)?.tracking_id;
  return typeof request === "object" && typeof id === "string" ? id : undefined;
}
