/** The chaos run's fixed parts: a fresh database, the faulty mock gateway, the store and the waiting poller. */
import { createClient } from "@paycross/client";
import { startMockGateway } from "@paycross/mock-gateway";
import { createPoller } from "@paycross/poller";
import pg from "pg";
import { PostgresStore } from "../../src/index.js";
import { freshDatabase } from "../helpers.js";

/** Opens everything; each close is pushed onto `cleanups` (run in reverse by the test's afterAll). */
export async function openChaos(cleanups: Array<() => Promise<unknown>>) {
  const url = await freshDatabase();
  // 5% transient faults on the reads (half 503, half connection resets).
  const gw = await startMockGateway({
    asyncDelayMs: 50,
    incompleteResolveMs: 300,
    faultSeed: 12,
    faults: [
      { kind: "error", status: 503, rate: 0.025, routes: ["getAsyncResult", "getTransaction"] },
      { kind: "reset", rate: 0.025, routes: ["getAsyncResult", "getTransaction"] },
    ],
  });
  cleanups.push(() => gw.close());
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  cleanups.push(() => admin.end());
  const store = await PostgresStore.open({ connectionString: url });
  // A failed read in the waiting process is counted and shown (the poller retries a re-read, then
  // reports it to onError).
  const storeErrors: string[] = [];
  const get = store.get.bind(store);
  store.get = (id) =>
    get(id).catch((e: Error) => {
      storeErrors.push(e.message);
      throw e;
    });
  const client = createClient({ shopId: gw.shopId, secretKey: gw.secretKey, baseUrl: gw.url, retry: false });
  const front = createPoller({ client, store, mode: "client" });
  cleanups.push(() => front.close());
  return { url, gw, admin, store, storeErrors, front };
}
