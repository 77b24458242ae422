/**
 * A fake operation for the cross-layer test, added to COPIES of the spec's catalogue and contract (the
 * originals are not touched). It creates a card transaction (of type `payment`, so that the answers keep
 * the contract's transaction types) under its own paths, operationIds and client resource.
 */
import type * as Catalogue from "@paycross/spec/catalogue";

type SpecModule = typeof import("@paycross/spec");

export const FAKE = {
  name: "fake",
  method: "POST",
  syncOperationId: "createFake",
  asyncOperationId: "createFakeAsync",
  syncPath: "/transactions/fakes",
  asyncPath: "/async/transactions/fakes",
  transactionType: "payment",
  requestSchema: "PaymentRequestEnvelope",
  responseSchema: "TransactionResponse",
  client: { resource: "fakes", method: "create" },
} as const;

/** The catalogue module's exports with `FAKE` added to copies of `OPERATIONS` and `OPERATION_NAMES`. */
export function withFake<M extends Pick<typeof Catalogue, "OPERATIONS" | "OPERATION_NAMES">>(real: M): M {
  return {
    ...real,
    OPERATIONS: { ...real.OPERATIONS, [FAKE.name]: FAKE },
    OPERATION_NAMES: [...real.OPERATION_NAMES, FAKE.name],
  };
}

/** `getContract` answering a copy of the bundled document with the fake's two paths (the payment's, renamed). */
export function withFakeContract(real: SpecModule): Pick<SpecModule, "getContract"> {
  const doc = structuredClone(real.loadDocument());
  const paths = doc.paths as Record<string, { post?: { operationId: string } }>;
  const sync = structuredClone(paths["/transactions/payments"]!);
  const async = structuredClone(paths["/async/transactions/payments"]!);
  sync.post!.operationId = FAKE.syncOperationId;
  async.post!.operationId = FAKE.asyncOperationId;
  paths[FAKE.syncPath] = sync;
  paths[FAKE.asyncPath] = async;
  let contract: ReturnType<SpecModule["getContract"]> | undefined;
  return {
    getContract: () => {
      contract ??= new real.Contract(doc);
      return contract;
    },
  };
}
