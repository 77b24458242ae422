/** Every entry of the one catalogue is reachable through the client, sync and async, on its own path. */
import { OPERATIONS } from "@paycross/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "../src/index.js";
import { OPERATIONS as GENERATED } from "../src/operations.js";
import { reply, scriptedServer, tx } from "./server.js";

let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeEach(async () => {
  server = await scriptedServer();
});
afterEach(() => server.close());

const entries = Object.values(OPERATIONS);
const answerFor = (schema: string) =>
  schema === "TransactionListResponse"
    ? { transactions: [tx()] }
    : schema === "BalanceResponse"
      ? { status: "successful", result: { amount: 1, currency: "USD" } }
      : { transaction: tx() };

describe("the catalogue, through the client", () => {
  it("the generated table is the spec's catalogue (regenerate with pnpm generate)", () => {
    for (const op of entries) {
      const g = GENERATED[op.name as keyof typeof GENERATED];
      expect(g).toMatchObject({
        method: op.method,
        syncPath: op.syncPath,
        asyncPath: op.asyncPath,
        client: op.client,
      });
    }
    expect(Object.keys(GENERATED)).toEqual(Object.keys(OPERATIONS));
  });

  it.each(entries.map((op) => [op.name, op] as const))(
    "%s: sync and async methods send to its paths",
    async (_name, op) => {
      const client = createClient({ shopId: 1, secretKey: "k", baseUrl: server.url, retry: false });
      const { resource, method } = op.client;
      const sync = (client as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[
        resource
      ]?.[method];
      const async = (
        client.async as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>
      )[resource]?.[method];
      expect(typeof sync).toBe("function");
      expect(typeof async).toBe("function");
      const arg = op.method === "GET" ? "id 1" : { amount: 1 };
      const path = (p: string) => p.replace(/\{\w+\}/, "id%201");
      server.next(reply(200, answerFor(op.responseSchema)));
      await sync!(arg);
      server.next(
        reply(200, {
          status: "processing",
          request_id: "t",
          status_url: `${server.url}/s`,
          response_url: `${server.url}/r`,
        }),
      );
      await async!(arg);
      expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        `${op.method} ${path(op.syncPath)}`,
        `${op.method} ${path(op.asyncPath)}`,
      ]);
    },
  );

  it("credits are new: client.credits.create and client.async.credits.create", async () => {
    const client = createClient({ shopId: 1, secretKey: "k", baseUrl: server.url });
    const r = await client.credits.create({
      amount: 100,
      currency: "USD",
      description: "winnings",
      tracking_id: "credit-1",
      credit_card: { token: "tok" },
    } as Parameters<typeof client.credits.create>[0]);
    expect(r.transaction.uid).toBe("uid-1");
    expect(server.seen[0]?.url).toBe("/transactions/credits");
  });
});

describe("a new catalogue entry", () => {
  it("becomes a method by the same derivation the client uses, with no other change", async () => {
    const { eachOperation, OPERATIONS: table } = await import("../src/operations.js");
    const fake = {
      ...table.payment,
      name: "fake",
      syncPath: "/transactions/fakes",
      asyncPath: "/async/transactions/fakes",
      client: { resource: "fakes", method: "create" },
    };
    const copy = { ...table, fake } as unknown as Record<string, typeof table.payment>;
    const methods = eachOperation((op) => `${op.method} ${op.syncPath} | ${op.asyncPath}`, copy);
    expect(methods.fakes?.create).toBe("POST /transactions/fakes | /async/transactions/fakes");
    expect(Object.keys(methods)).toContain("credits");
  });
});
