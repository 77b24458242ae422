/**
 * The vendor SDKs' sample answers (spec/test/fixtures, with their provenance in manifest.json), fed
 * through the client's answer handling: each accepted sample gives a typed result, never an
 * invalid-response error.
 */
import { readFileSync } from "node:fs";
import { OPERATIONS } from "@paycross/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, PayCrossValidationError } from "../src/index.js";
import { reply, scriptedServer } from "./server.js";

const dir = new URL("../../../spec/test/fixtures/", import.meta.url);
interface Sample {
  file: string;
  kind: string;
  status?: number;
  operation: string;
  operationId: string;
  expect: unknown;
}
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as { samples: Sample[] };
const responses = manifest.samples.filter((s) => s.kind === "response" && s.expect === "accepted");

let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeAll(async () => {
  server = await scriptedServer();
});
afterAll(() => server.close());

type Fn = (arg: unknown) => Promise<unknown>;

describe("vendor fixture answers through the client", () => {
  it("there are samples to feed", () => expect(responses.length).toBeGreaterThanOrEqual(10));

  it.each(responses.map((s) => [s.file, s] as const))("%s", async (_file, sample) => {
    const body = JSON.parse(readFileSync(new URL(sample.file, dir), "utf8"));
    const client = createClient({ shopId: 1, secretKey: "k", baseUrl: server.url, retry: false });
    server.next(reply(sample.status ?? 200, body));
    if (sample.operation === "asyncResult") {
      expect(await client.async.result("task-1")).toMatchObject({ state: "processing" });
      return;
    }
    const op = OPERATIONS[sample.operation as keyof typeof OPERATIONS];
    const isAsync = sample.operationId === op.asyncOperationId;
    const resource = (isAsync ? client.async : client) as unknown as Record<string, Record<string, Fn>>;
    const call = resource[op.client.resource]![op.client.method]!;
    const result = await call(op.method === "GET" ? "uid-1" : {}).catch((e: unknown) => e);
    if (sample.status === 422) {
      expect(result).toBeInstanceOf(PayCrossValidationError);
      expect(Object.keys((result as PayCrossValidationError).fieldErrors).length).toBeGreaterThan(0);
    } else if (isAsync) {
      expect(result).toMatchObject({ request_id: expect.any(String), response_url: expect.any(String) });
    } else {
      expect(result).toMatchObject({ transaction: { uid: expect.any(String), status: expect.any(String) } });
    }
  });
});
