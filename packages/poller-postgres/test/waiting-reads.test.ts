/**
 * What a waiting (client-mode) process costs the database per task: the submit's insert and one read
 * when the outcome is reported (the task was created while this process listened, so `result()` needs
 * no read of its own). The worker is another PostgresStore, as another process would have it.
 */
import { createClient } from "@paycross/client";
import { startMockGateway, testPayment } from "@paycross/mock-gateway";
import { createPoller } from "@paycross/poller";
import { beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { freshDatabase } from "./helpers.js";

const POLICY = { initialDelayMs: 20, maxDelayMs: 60, minDelayMs: 5 };
let url: string;
beforeAll(async () => {
  url = await freshDatabase();
});

describe("a waiting process's store round trips", () => {
  it("two per task: the insert, and the read after the outcome is reported", async () => {
    const gw = await startMockGateway({ asyncDelayMs: 30 });
    const client = createClient({
      shopId: gw.shopId,
      secretKey: gw.secretKey,
      baseUrl: gw.url,
      retry: false,
    });
    const frontStore = await PostgresStore.open({ connectionString: url });
    const workerStore = await PostgresStore.open({ connectionString: url });
    const front = createPoller({ client, store: frontStore, policy: POLICY, mode: "client" });
    const worker = createPoller({
      client,
      store: workerStore,
      policy: POLICY,
      mode: "worker",
      claimIntervalMs: 20,
    });
    try {
      const n = 10;
      const tasks = await Promise.all(
        Array.from({ length: n }, () =>
          front.submit("payment", testPayment("successful", { duplicate_check: false })),
        ),
      );
      const outcomes = await Promise.all(tasks.map((t) => t.result({ deadline: Date.now() + 20_000 })));
      expect(outcomes.map((o) => o.kind)).toEqual(Array(n).fill("completed"));
      // A reconnect of the LISTEN connection would add one replay query: at most, never per task.
      expect(frontStore.roundTrips).toBeLessThanOrEqual(2 * n + 1);
      expect(frontStore.roundTrips).toBeGreaterThanOrEqual(2 * n);
    } finally {
      await front.close();
      await worker.close();
      await gw.close();
    }
  });
});
