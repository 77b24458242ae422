import { describe, expect, it } from "vitest";
import { ASYNC_TASK_OPERATIONS, Contract, type MediaTypeObject, OPERATIONS } from "../src/index.js";
import seed from "./seed-examples.json" with { type: "json" };

const contract = new Contract();
const OPERATION_CATALOG = Object.values(OPERATIONS).map((e) => ({
  name: e.name,
  sync: e.syncOperationId,
  async: e.asyncOperationId,
}));
const doc = contract.document;

/** Every example in the document with the schema it illustrates. */
function collectExamples(): Array<{ where: string; schema: Record<string, unknown>; value: unknown }> {
  const found: Array<{ where: string; schema: Record<string, unknown>; value: unknown }> = [];
  const fromMedia = (where: string, media: MediaTypeObject | undefined) => {
    if (!media?.schema) return;
    if (media.example !== undefined) found.push({ where, schema: media.schema, value: media.example });
    for (const [name, ex] of Object.entries(media.examples ?? {}))
      found.push({ where: `${where} (${name})`, schema: media.schema, value: ex.value });
  };
  const items = {
    ...doc.paths,
    ...Object.fromEntries(Object.entries(doc.webhooks).map(([k, v]) => [`webhook ${k}`, v])),
  };
  for (const [path, item] of Object.entries(items)) {
    for (const [method, op] of Object.entries(item)) {
      fromMedia(`${method} ${path} request`, op.requestBody?.content["application/json"]);
      for (const [status, resp] of Object.entries(op.responses)) {
        if ("$ref" in resp) continue;
        fromMedia(`${method} ${path} ${status}`, resp.content?.["application/json"]);
      }
    }
  }
  for (const [name, resp] of Object.entries(doc.components.responses))
    fromMedia(`response ${name}`, resp.content?.["application/json"]);
  return found;
}

describe("the contract", () => {
  it("declares every operation in both modes, with the operationIds the client relies on", () => {
    const ids = new Set(contract.operations.map((o) => o.operationId));
    for (const entry of OPERATION_CATALOG) {
      expect(ids, entry.sync).toContain(entry.sync);
      expect(ids, entry.async).toContain(entry.async);
      const sync = contract.operation(entry.sync);
      const twin = contract.operation(entry.async);
      expect(twin.path).toBe(`/async${sync.path}`);
      expect(twin.method).toBe(sync.method);
    }
    for (const id of ASYNC_TASK_OPERATIONS) expect(ids).toContain(id);
    expect(contract.operations).toHaveLength(OPERATION_CATALOG.length * 2 + ASYNC_TASK_OPERATIONS.length);
  });

  it("has a transaction notification webhook authenticated by Content-Signature", () => {
    const hook = doc.webhooks.transactionNotification?.post;
    expect(hook?.requestBody?.content["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/TransactionResponse",
    });
    expect(JSON.stringify(hook?.parameters)).toContain("Content-Signature");
  });

  it("lists production, a sandbox placeholder that cannot resolve, and the local mock on loopback", () => {
    const servers = (contract.document as unknown as { servers: Array<{ url: string; variables?: object }> })
      .servers;
    expect(servers.map((s) => s.url)).toEqual([
      "https://gateway.pay-cross.com",
      "https://{sandbox_host}",
      "http://127.0.0.1:{port}",
    ]);
    expect(servers[1]?.variables).toMatchObject({ sandbox_host: { default: "sandbox.pay-cross.invalid" } });
    expect(servers[2]?.variables).toMatchObject({ port: { default: "4010" } });
  });

  it("puts the webhook under its own declared Webhooks tag, not under an operation's tag", () => {
    expect(doc.webhooks.transactionNotification?.post?.tags).toEqual(["Webhooks"]);
    expect(doc.tags?.map((t) => t.name)).toContain("Webhooks");
    const operationTags = new Set(contract.operations.flatMap((o) => o.tags));
    expect(operationTags.has("Webhooks")).toBe(false);
  });

  it("links every async operation to the status and result of its task", () => {
    for (const entry of OPERATION_CATALOG) {
      const ok = contract.response(entry.async, 200) as unknown as {
        links: Record<string, { operationId: string }>;
      };
      expect(
        Object.values(ok.links)
          .map((l) => l.operationId)
          .sort(),
      ).toEqual(["getAsyncResult", "getAsyncStatus"]);
    }
  });

  it("shares the request schema between an operation and its async twin", () => {
    for (const entry of OPERATION_CATALOG) {
      expect(contract.operation(entry.async).object.requestBody).toEqual(
        contract.operation(entry.sync).object.requestBody,
      );
      expect(contract.parameters(entry.async)).toEqual(contract.parameters(entry.sync));
    }
  });

  it("requires X-API-Version 2 on the balance query in both modes", () => {
    for (const id of ["getBalance", "getBalanceAsync"]) {
      const header = contract.parameters(id).find((p) => p.name === "X-API-Version");
      expect(header).toMatchObject({ in: "header", required: true, schema: { const: "2" } });
    }
  });

  it("declares the transport refusals (400, 408, 413, 415) on every POST, sync and async, via shared responses", () => {
    const shared = {
      "400": "BadRequest",
      "408": "RequestTimeout",
      "413": "PayloadTooLarge",
      "415": "UnsupportedMediaType",
    };
    const posts = contract.operations.filter((o) => o.method === "post");
    expect(posts).toHaveLength(
      OPERATION_CATALOG.filter((e) => OPERATIONS[e.name as keyof typeof OPERATIONS].method === "POST")
        .length * 2,
    );
    for (const op of posts) {
      const responses = doc.paths[op.path]?.post?.responses ?? {};
      for (const [status, name] of Object.entries(shared))
        expect(responses[status], `${op.operationId} ${status}`).toEqual({
          $ref: `#/components/responses/${name}`,
        });
    }
    for (const name of Object.values(shared)) {
      const media = doc.components.responses[name]?.content?.["application/json"];
      expect(media?.schema, name).toEqual({ $ref: "#/components/schemas/ErrorResponse" });
      expect(media?.example, name).toBeDefined();
    }
  });

  it("accepts the mock's transport and limit refusals as the operation's error bodies", () => {
    const tooLarge = { message: "Request body is larger than 1000000 bytes" };
    const type = {
      message: "Content-Type must be application/json",
      errors: { base: ["Content-Type must be application/json"] },
    };
    const more = {
      message: "x",
      errors: { amount: ["must be greater than 0"], base: ["and 150 more errors not listed"] },
    };
    for (const e of Object.values(OPERATIONS).filter((o) => o.method === "POST")) {
      for (const id of [e.syncOperationId, e.asyncOperationId]) {
        expect(contract.validateResponseBody(id, 413, tooLarge), id).toEqual([]);
        expect(contract.validateResponseBody(id, 415, type), id).toEqual([]);
        expect(contract.validateResponseBody(id, 400, { message: "Request body was cut short" }), id).toEqual(
          [],
        );
        expect(contract.validateResponseBody(id, 422, more), id).toEqual([]);
        expect(contract.validateResponseBody(id, 413, { error: "too big" }), id).not.toEqual([]);
      }
    }
    const limits = Object.keys(
      doc.components.responses.UnprocessableEntity?.content?.["application/json"]?.examples ?? {},
    );
    expect(limits).toEqual(
      expect.arrayContaining(["tooDeep", "tooManyValues", "unsafeInteger", "truncatedErrors"]),
    );
  });

  it("has an example of its request and of its 200 answer on every operation", () => {
    const hasExample = (m: MediaTypeObject | undefined) =>
      m?.example !== undefined || Object.keys(m?.examples ?? {}).length > 0;
    for (const op of contract.operations) {
      const ok = contract.response(op.operationId, 200)?.content?.["application/json"];
      expect(hasExample(ok), `${op.operationId} 200`).toBe(true);
      const body = op.object.requestBody?.content["application/json"];
      if (body) expect(hasExample(body), `${op.operationId} request`).toBe(true);
    }
  });
});

describe("examples", () => {
  const examples = collectExamples();
  it("are many", () => expect(examples.length).toBeGreaterThan(30));
  it.each(examples.map((e) => [e.where, e] as const))("%s validates against its schema", (_where, e) => {
    const issues = contract.validateResponseBodyAgainst(e.schema, e.value);
    expect(issues).toEqual([]);
  });
});

describe("the seed's examples", () => {
  it("validate against the async task schemas", () => {
    expect(contract.validateResponseBody("createPaymentAsync", 200, seed.accepted)).toEqual([]);
    expect(contract.validateResponseBody("getAsyncStatus", 200, seed.statusProcessing)).toEqual([]);
    expect(contract.validateResponseBody("getAsyncStatus", 200, seed.statusCompleted)).toEqual([]);
    for (const body of [seed.unknown, seed.unknownExpired, seed.unknownReadOnce]) {
      expect(contract.validateResponseBody("getAsyncStatus", 404, body)).toEqual([]);
      expect(contract.validateResponseBody("getAsyncResult", 404, body)).toEqual([]);
    }
    expect(contract.validateResponseBody("getAsyncResult", 425, seed.statusProcessing)).toEqual([]);
    expect(contract.validateResponseBody("getAsyncStatus", 500, seed.internalError)).toEqual([]);
  });

  it("appear in the spec as the examples of the async endpoints", () => {
    const values = collectExamples().map((e) => JSON.stringify(e.value));
    for (const body of [
      seed.accepted,
      seed.statusProcessing,
      seed.statusCompleted,
      seed.unknown,
      seed.internalError,
    ])
      expect(values).toContain(JSON.stringify(body));
  });

  it("are told apart from wrong shapes", () => {
    expect(
      contract.validateResponseBody("getAsyncStatus", 200, { status: "completed", request_id: "x" }),
    ).not.toEqual([]);
    expect(
      contract.validateResponseBody("createPaymentAsync", 200, { ...seed.accepted, status: "done" }),
    ).not.toEqual([]);
  });
});

describe("path matching", () => {
  it("prefers literal paths over templated ones and decodes parameters", () => {
    expect(contract.match("POST", "/transactions/payments")).toMatchObject({
      operation: { operationId: "createPayment" },
    });
    expect(contract.match("GET", "/transactions/a%2Fb")).toMatchObject({ params: { uid: "a/b" } });
    expect(contract.match("DELETE", "/transactions/payments")).toEqual({
      operation: undefined,
      pathExists: true,
    });
    expect(contract.match("GET", "/nope")).toEqual({ operation: undefined, pathExists: false });
  });
});
