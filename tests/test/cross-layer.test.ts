/**
 * Issue 15, "Show it": an operation added to a COPY of the catalogue (and of the contract it names) is
 * picked up by every layer without a line of layer code: the client grows `client.fakes.create` and its
 * async twin, the poller submits and polls a `fake` task, the mock routes both paths, and the conformance
 * suite prepares, sends and covers both requests.
 *
 * How the copy is injected: the poller, the mock and the conformance app read the catalogue (and the mock
 * and conformance the contract) from `@paycross/spec` at run time, so `vi.mock` hands them the copy at
 * that import (vitest inlines the workspace packages' dist files, so the mock reaches inside them). The
 * client bundles a generated table of the catalogue, so it takes the copy through its one seam,
 * `clientFor(options, catalogue)` of `@paycross/client/internal` (`createClient` = the real catalogue).
 */
import { clientFor } from "@paycross/client/internal";
import { runConformance } from "@paycross/conformance";
import { startMockGateway } from "@paycross/mock-gateway";
import { createPoller } from "@paycross/poller";
import { testPayment } from "@paycross/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FAKE } from "./fake-catalogue.js";

vi.mock("@paycross/spec/catalogue", async (importOriginal) => {
  const { withFake } = await import("./fake-catalogue.js");
  return withFake(await importOriginal<typeof import("@paycross/spec/catalogue")>());
});
vi.mock("@paycross/spec", async (importOriginal) => {
  const { withFake, withFakeContract } = await import("./fake-catalogue.js");
  const real = await importOriginal<typeof import("@paycross/spec")>();
  return { ...withFake(real), ...withFakeContract(real) };
});

type Gateway = Awaited<ReturnType<typeof startMockGateway>>;
let gateway: Gateway;
const credentials = {
  shopId: "361",
  secretKey: "b8647b68898b084b836474ed8d61ffe117c9a01168d867f24953b776ddcb134d",
};

beforeAll(async () => {
  gateway = await startMockGateway({ ...credentials, asyncDelayMs: 0 });
});
afterAll(async () => {
  await gateway?.close();
});

async function fakeClient() {
  const { OPERATIONS } = await import("@paycross/spec/catalogue");
  expect(Object.keys(OPERATIONS)).toContain(FAKE.name); // the copy is what the layers see
  // The spec's entries carry their literal types; the client reads any entry of that shape.
  return clientFor({ ...credentials, baseUrl: gateway.url }, OPERATIONS as never);
}
type Fakes = {
  fakes: { create(request: unknown): Promise<{ transaction: { uid: string; type?: string } }> };
};
type AsyncFakes = {
  fakes: { create(request: unknown): Promise<{ request_id: string; status_url: string }> };
};

describe("an operation added to a copy of the catalogue reaches every layer", () => {
  it("client: client.fakes.create posts to the fake sync path, and the mock routes it", async () => {
    const client = (await fakeClient()) as unknown as Fakes;
    expect(typeof client.fakes?.create).toBe("function");
    const before = gateway.stats.byOperation[FAKE.syncOperationId] ?? 0;
    const { transaction } = await client.fakes.create(testPayment());
    expect(transaction.uid).toEqual(expect.any(String));
    expect(gateway.stats.byOperation[FAKE.syncOperationId]).toBe(before + 1);
  });

  it("client: client.async.fakes.create posts to the fake async path, and the mock answers with a task", async () => {
    const client = await fakeClient();
    const api = client.async as unknown as AsyncFakes;
    const task = await api.fakes.create(testPayment());
    expect(task.status_url).toContain(`${gateway.url}/async/status/`);
    expect(gateway.stats.byOperation[FAKE.asyncOperationId]).toBeGreaterThan(0);
  });

  it("client: client.raw reaches the fake path with openapi-fetch's typed runtime", async () => {
    const client = await fakeClient();
    const raw = client.raw as unknown as {
      POST(path: string, init: { body: unknown }): Promise<{ response: Response; data?: unknown }>;
    };
    const { response, data } = await raw.POST(FAKE.syncPath, { body: { request: testPayment() } });
    expect(response.status).toBe(200);
    expect((data as { transaction?: { status?: string } }).transaction?.status).toBe("successful");
  });

  it("poller: a task of the fake operation is submitted through its async twin and polled to its outcome", async () => {
    const poller = createPoller({ client: await fakeClient() });
    const before = gateway.stats.byOperation[FAKE.asyncOperationId] ?? 0;
    try {
      const submit = poller.run as unknown as (op: string, request: unknown) => ReturnType<typeof poller.run>;
      const outcome = await submit(FAKE.name, testPayment());
      expect(outcome.kind).toBe("completed");
      expect(gateway.stats.byOperation[FAKE.asyncOperationId]).toBe(before + 1);
    } finally {
      await poller.close();
    }
  });

  it("conformance: a valid request of the fake operation is prepared and sent in both modes, and covered", async () => {
    const { MOCK_PROFILE } = await import("@paycross/conformance");
    const report = await runConformance({
      target: { baseUrl: gateway.url, shopId: credentials.shopId, secretKey: credentials.secretKey },
      profile: MOCK_PROFILE,
      embedded: true,
      suites: ["contract"],
    });
    const paths = report.exchanges.map((e) => new URL(e.url).pathname);
    expect(paths).toContain(FAKE.syncPath);
    expect(paths).toContain(FAKE.asyncPath);
    const covered = report.results.filter((r) => r.check === "contract.operations_covered");
    expect(covered.length).toBeGreaterThan(0);
    expect(covered.every((r) => r.status === "passed")).toBe(true);
  });
});
