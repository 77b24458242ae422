// A worker process on a shared PostgresStore, for the workers benchmark: `createPoller({ mode: "worker" })`
// with the poller's defaults (policy, lease 30 s unless LEASE_MS, claim interval 200 ms). Env: PG_URL,
// MOCK_URL, SCHEMA, LEASE_MS. Prints "worker ready" once connected, starts working on SIGUSR1, prints a
// JSON stats line on SIGTERM.
// HANG=1 stands in for a worker that dies holding leases: it claims one batch through the store, prints
// the ids, and does nothing more until the benchmark SIGKILLs it.
import { createPoller } from "@paycross/poller";
import { PostgresStore } from "@paycross/poller-postgres";
import { countingClient } from "../lib/async-load.mjs";

const { PG_URL, MOCK_URL, SCHEMA, LEASE_MS, HANG } = process.env;
const store = await PostgresStore.open({ connectionString: PG_URL, schema: SCHEMA, maxConnections: 8 });
const { client, counter } = countingClient(MOCK_URL);
const go = new Promise((r) => process.once("SIGUSR1", r));
console.log("worker ready");
await go;
if (HANG) {
  for (;;) {
    const claimed = await store.claim(`doomed-${process.pid}`, 50, Number(LEASE_MS ?? 30_000));
    if (claimed.length) {
      console.log(`claimed ${JSON.stringify(claimed.map((c) => c.state.id))}`);
      await new Promise(() => {}); // holds the leases until SIGKILL
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
const poller = createPoller({
  client,
  store,
  mode: "worker",
  concurrency: 32,
  ...(LEASE_MS ? { leaseMs: Number(LEASE_MS) } : {}),
});
process.once("SIGTERM", async () => {
  const { retries } = poller.stats;
  const roundTrips = store.roundTrips;
  await poller.close();
  console.log(JSON.stringify({ reads: counter.reads, retries, roundTrips }));
  process.exit(0);
});
