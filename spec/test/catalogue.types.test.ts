// Type-level checks of the catalogue against the generated OpenAPI types (run by `tsc` in typecheck and
// by vitest's expectTypeOf at run time, where they are no-ops).
import { describe, expectTypeOf, it } from "vitest";
import type {
  components,
  OperationEntry,
  OperationName,
  OperationRequestBody,
  OperationResponseBody,
  operations,
  paths,
} from "../src/index.js";
import { OPERATIONS } from "../src/index.js";

type Entries = typeof OPERATIONS;
type Method<K extends OperationName> = Lowercase<Entries[K]["method"]>;

/** The operation object the generated `paths` has at the entry's path and method. */
type AtPath<K extends OperationName, P extends "syncPath" | "asyncPath"> =
  Method<K> extends keyof paths[Entries[K][P]] ? paths[Entries[K][P]][Method<K>] : never;

/** true when the path's operation is exactly the catalogue's operationId. */
type Agrees<K extends OperationName> = [AtPath<K, "syncPath">, AtPath<K, "asyncPath">] extends [
  operations[Entries[K]["syncOperationId"]],
  operations[Entries[K]["asyncOperationId"]],
]
  ? [operations[Entries[K]["syncOperationId"]], operations[Entries[K]["asyncOperationId"]]] extends [
      AtPath<K, "syncPath">,
      AtPath<K, "asyncPath">,
    ]
    ? true
    : false
  : false;

type RequestOf<Id extends keyof operations> = operations[Id] extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : null;
type SchemaOrNull<N> = N extends keyof components["schemas"] ? components["schemas"][N] : null;

describe("the catalogue against the generated types", () => {
  it("puts each operationId at its catalogue path and method", () => {
    expectTypeOf<{ [K in OperationName]: Agrees<K> }[OperationName]>().toEqualTypeOf<true>();
  });

  it("names the request schema each operation's body really is", () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    type Matches = {
      [K in OperationName]: Same<
        RequestOf<Entries[K]["syncOperationId"]>,
        SchemaOrNull<Entries[K]["requestSchema"]>
      >;
    }[OperationName];
    expectTypeOf<Matches>().toEqualTypeOf<true>();
  });

  it("refuses a wrong operationId, path or schema name at compile time", () => {
    const good = OPERATIONS.payment satisfies OperationEntry;
    // @ts-expect-error: no such operationId in the generated types
    const badId: OperationEntry = { ...good, syncOperationId: "createPaymnet" };
    // @ts-expect-error: no such path
    const badPath: OperationEntry = { ...good, syncPath: "/transactions/paymnets" };
    // @ts-expect-error: no such schema
    const badSchema: OperationEntry = { ...good, requestSchema: "PaymentRequestEnvelop" };
    expectTypeOf(badId).toEqualTypeOf<OperationEntry>();
    expectTypeOf(badPath).toEqualTypeOf<OperationEntry>();
    expectTypeOf(badSchema).toEqualTypeOf<OperationEntry>();
  });

  it("gives each operation's request and answer types by catalogue name", () => {
    type CreditBody = NonNullable<
      paths["/transactions/credits"]["post"]["requestBody"]
    >["content"]["application/json"];
    expectTypeOf<OperationRequestBody<"credit">>().toEqualTypeOf<CreditBody>();
    expectTypeOf<OperationRequestBody<"transaction">>().toEqualTypeOf<never>();
    expectTypeOf<OperationResponseBody<"balance">>().toEqualTypeOf<
      components["schemas"]["BalanceResponse"]
    >();
    expectTypeOf<OperationRequestBody<"credit">["request"]["credit_card"]>().toEqualTypeOf<
      components["schemas"]["CreditCardTokenRequest"]
    >();
  });
});
