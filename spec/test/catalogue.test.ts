import { describe, expect, it } from "vitest";
import {
  ASYNC_TASK_OPERATIONS,
  Contract,
  OPERATION_CATALOG,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationEntry,
} from "../src/index.js";

const contract = new Contract();
const entries: OperationEntry[] = Object.values(OPERATIONS);
const ref = (name: string) => `#/components/schemas/${name}`;

describe("the operation catalogue", () => {
  it.each(entries.map((e) => [e.name, e] as const))(
    "%s: both operationIds exist in the bundled spec at the catalogue's paths and method",
    (_name, e) => {
      for (const [id, path] of [
        [e.syncOperationId, e.syncPath],
        [e.asyncOperationId, e.asyncPath],
      ] as const) {
        const op = contract.operation(id);
        expect(op.path).toBe(path);
        expect(op.method).toBe(e.method.toLowerCase());
      }
      expect(e.asyncPath).toBe(`/async${e.syncPath}`);
    },
  );

  it.each(entries.map((e) => [e.name, e] as const))(
    "%s: request and response schema names are the ones the spec references",
    (_name, e) => {
      for (const id of [e.syncOperationId, e.asyncOperationId]) {
        const body = contract.operation(id).object.requestBody?.content["application/json"]?.schema;
        expect(body ?? null).toEqual(e.requestSchema === null ? null : { $ref: ref(e.requestSchema) });
      }
      const ok = contract.response(e.syncOperationId, 200)?.content?.["application/json"]?.schema;
      expect(ok).toEqual({ $ref: ref(e.responseSchema) });
      expect(contract.document.components.schemas[e.responseSchema]).toBeDefined();
    },
  );

  it("names each transaction type the spec's TransactionType enum allows, once", () => {
    const allowed = contract.document.components.schemas.TransactionType?.enum as string[];
    const types = entries.map((e) => e.transactionType).filter((t) => t !== null);
    expect(new Set(types).size).toBe(types.length);
    for (const t of types) expect(allowed).toContain(t);
  });

  it("covers every operation of the spec except the async task endpoints", () => {
    const catalogued = new Set(entries.flatMap((e) => [e.syncOperationId, e.asyncOperationId]));
    const uncovered = contract.operations
      .map((o) => o.operationId)
      .filter((id) => !catalogued.has(id as never));
    expect(uncovered.sort()).toEqual([...ASYNC_TASK_OPERATIONS].sort());
    expect(Object.keys(contract.document.webhooks)).toEqual(["transactionNotification"]);
  });

  it("keys each entry by its own name and gives each a distinct client method", () => {
    for (const [key, e] of Object.entries(OPERATIONS)) expect(e.name).toBe(key);
    const methods = entries.map((e) => `${e.client.resource}.${e.client.method}`);
    expect(new Set(methods).size).toBe(methods.length);
    expect(OPERATION_NAMES).toEqual(Object.keys(OPERATIONS));
  });

  it("includes credits in both modes with a token-only card", () => {
    expect(OPERATIONS.credit).toMatchObject({
      syncPath: "/transactions/credits",
      asyncPath: "/async/transactions/credits",
      transactionType: "credit",
      client: { resource: "credits", method: "create" },
    });
  });

  it("still derives the deprecated OPERATION_CATALOG with its old names and 12 entries", () => {
    expect(OPERATION_CATALOG).toHaveLength(12);
    expect(OPERATION_CATALOG.map((o) => o.name)).toContain("statusByUid");
    expect(OPERATION_CATALOG.map((o) => o.name)).toContain("statusByTrackingId");
    expect(OPERATION_CATALOG.find((o) => o.name === "payment")).toEqual({
      name: "payment",
      sync: "createPayment",
      async: "createPaymentAsync",
    });
  });
});
