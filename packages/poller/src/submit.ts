/**
 * Submission, derived from the operation catalogue of `@paycross/spec`: each operation is submitted
 * through its async twin at `client.async[resource][method]`, so an operation added to the catalogue
 * (like `credit`) is submittable here without a line of code.
 */
import { type AsyncCallOptions, type AsyncTask, type PayCrossClient, payCrossError } from "@paycross/client";
import {
  OPERATION_NAMES,
  OPERATIONS,
  type OperationName,
  type OperationRequestBody,
} from "@paycross/spec/catalogue";
import type { TaskState } from "./task.js";

type Inner<E> = E extends { request: infer R } ? R : never;

/** What `submit(operation, request)` takes: the request body's `request`, a uid, or a tracking_id. */
export type SubmitRequests = {
  [K in OperationName]: K extends "transaction"
    ? string // the transaction's uid
    : K extends "transactionsByTrackingId"
      ? string // the tracking_id
      : Inner<OperationRequestBody<K>>;
};

type AsyncMethod = (request: unknown, options: AsyncCallOptions) => Promise<AsyncTask>;

function submitterOf(client: PayCrossClient, operation: OperationName): AsyncMethod {
  const { resource, method } = OPERATIONS[operation].client;
  const api = (client.async as unknown as Record<string, Record<string, AsyncMethod> | undefined>)[resource];
  const fn = api?.[method];
  if (typeof fn !== "function")
    throw payCrossError(
      "usage",
      `operation ${operation}: this @paycross/client has no client.async.${resource}.${method}; update @paycross/client`,
    );
  return (request, options) => fn.call(api, request, options);
}

/** Submits `request` through the async twin of `operation` and returns the new task's state. */
export async function submitTask(
  client: PayCrossClient,
  operation: OperationName,
  request: unknown,
  opts: AsyncCallOptions,
  checksNotifications = false,
): Promise<TaskState> {
  if (!OPERATION_NAMES.includes(operation))
    throw payCrossError(
      "usage",
      `unknown operation ${JSON.stringify(operation)}; one of ${OPERATION_NAMES.join(", ")}`,
    );
  const accepted = await submitterOf(client, operation)(request, opts);
  return {
    version: 1,
    id: accepted.request_id,
    operation,
    statusUrl: accepted.status_url,
    responseUrl: accepted.response_url,
    idempotencyKey: accepted.idempotencyKey,
    trackingId: trackingIdOf(operation, request),
    submittedAt: Date.now(),
    ...(checksNotifications && hasNotificationUrl(request) ? { notified: true } : {}),
    phase: "polling",
    attempt: 0,
  };
}

function hasNotificationUrl(request: unknown): boolean {
  const url = (request as { notification_url?: unknown } | null)?.notification_url;
  return typeof request === "object" && typeof url === "string" && url.length > 0;
}

function trackingIdOf(operation: OperationName, request: unknown): string | undefined {
  if (operation === "transactionsByTrackingId") return request as string;
  const id = (request as { tracking_id?: unknown } | null)?.tracking_id;
  return typeof request === "object" && typeof id === "string" ? id : undefined;
}
