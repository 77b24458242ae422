/**
 * The client's view of the one operation catalogue (`OPERATIONS` of @paycross/spec, generated into
 * `src/generated/operations.ts`): which resource and method expose each operation, and how its answer is
 * read. Adding an operation to the catalogue adds its method here, sync and async, with its types.
 */

import type { paths } from "@paycross/spec/types";
import { PayCrossConfigError } from "./errors.js";
import { OPERATIONS } from "./generated/operations.js";
import type { RequestOf } from "./types.js";

export { OPERATIONS };

type Ops = typeof OPERATIONS;
export type OperationName = keyof Ops;

/** The catalogue operations exposed as `client.<resource>.create(request)`: they create a transaction. */
export type CreateOperation = {
  [K in OperationName]: Ops[K]["client"]["method"] extends "create" ? K : never;
}[OperationName];

/** `{ payments: { create(...) }, credits: { create(...) }, ... }`, typed from the catalogue and the spec. */
export type CreateMethods<Result, Options> = {
  [K in CreateOperation as Ops[K]["client"]["resource"]]: {
    create(request: RequestOf<Ops[K]["syncOperationId"]>, options?: Options): Promise<Result>;
  };
};

/** Headers an operation needs beyond the common ones (the balance query is version 2 of its API). */
export const OPERATION_HEADERS: Partial<Record<OperationName, Record<string, string>>> = {
  balance: { "X-API-Version": "2" },
};

/** The catalogue's sync paths are the spec's: checked at compile time. */
export type CataloguePathsExist = Ops[OperationName]["syncPath"] extends keyof paths
  ? Ops[OperationName]["asyncPath"] extends keyof paths
    ? true
    : false
  : false;

/** A path of the catalogue with its one `{param}` filled in, percent-encoded. */
export function fillPath(path: string, id: unknown): string {
  return path.replace(/\{(\w+)\}/, (_m, name: string) => encodeId(id, name));
}

/** A catalogue as the client reads it: the real one, or a copy with more entries (the cross-layer test). */
export type Catalogue = Readonly<Record<string, Ops[OperationName]>>;

/** Each catalogue entry, once, as `[resource, method, entry]`. */
export function eachOperation<T>(
  build: (entry: Ops[OperationName], name: OperationName) => T,
  catalogue: Catalogue = OPERATIONS,
): Record<string, Record<string, T>> {
  const out: Record<string, Record<string, T>> = {};
  for (const name of Object.keys(catalogue) as OperationName[]) {
    const entry = catalogue[name]!;
    out[entry.client.resource] ??= {};
    out[entry.client.resource]![entry.client.method] = build(entry, name);
  }
  return out;
}

/** A path segment, percent-encoded; an empty id is a caller bug, reported before anything is sent. */
export function encodeId(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0)
    throw new PayCrossConfigError({ message: `${what} must be a non-empty string` });
  return encodeURIComponent(value);
}

/**
 * @deprecated Use the catalogue (`OPERATIONS` of @paycross/spec). The transaction POSTs by resource.
 */
export const TRANSACTION_OPERATIONS = Object.fromEntries(
  (Object.keys(OPERATIONS) as OperationName[])
    .filter((n) => OPERATIONS[n].client.method === "create")
    .map((n) => [
      OPERATIONS[n].client.resource,
      { path: OPERATIONS[n].syncPath, operationId: OPERATIONS[n].syncOperationId },
    ]),
) as {
  [K in CreateOperation as Ops[K]["client"]["resource"]]: {
    path: Ops[K]["syncPath"];
    operationId: Ops[K]["syncOperationId"];
  };
};
/** @deprecated Use `OperationName`. */
export type TransactionOperationName = keyof typeof TRANSACTION_OPERATIONS;
