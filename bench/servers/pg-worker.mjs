// A worker process on a shared PostgresStore, for the workers benchmark. The poller does not drive a
// SharedTaskStore on this commit, so this loop does what a worker does with the project's own parts:
// claim due tasks (lease + fencing token), read each result with @paycross/client, apply the poller's
// pure transition `next()` with its DEFAULT_POLICY, and `update` the row (which releases the lease and,
// for an outcome, NOTIFYs every process). Env: PG_URL, MOCK_URL, OWNER, LEASE_MS; HANG=1 claims one batch,
// prints its ids and stops working (the benchmark then SIGKILLs it, leases held).
// Prints "worker ready" when connected, starts on SIGUSR1, prints a JSON stats line on SIGTERM.
import { createClient } from "@paycross/client";
import { DEFAULT_POLICY, next } from "@paycross/poller";
import { PostgresStore } from "@paycross/poller-postgres";

const { PG_URL, MOCK_URL, SCHEMA, OWNER = `w${process.pid}`, LEASE_MS = "5000", HANG } = process.env;
const leaseMs = Number(LEASE_MS);
const store = await PostgresStore.open({ connectionString: PG_URL, schema: SCHEMA, maxConnections: 8 });
const client = createClient({ shopId: 361, secretKey: "mock-secret-key-361", baseUrl: MOCK_URL });
const stats = { claimed: 0, reads: 0, outcomes: 0, fenced: 0, idle: 0 };
let stop = false;

async function answerFor(state) {
  stats.reads++;
  try {
    const r = await client.async.result(state.responseUrl, { maxRetries: 0 });
    if (r.state === "completed") return { look: "result", type: "completed", data: r.data };
    if (r.state === "failed")
      return r.status >= 500
        ? { look: "result", type: "server_error", status: r.status, body: r.body }
        : { look: "result", type: "error", status: r.status, body: r.body };
    return { look: "result", type: r.state };
  } catch (e) {
    return { look: "result", type: "lost", reason: String(e?.name ?? e) };
  }
}

async function work({ state, lease }) {
  const step = next(state, await answerFor(state), { policy: DEFAULT_POLICY, now: Date.now() });
  const nextPollAt = step.action.type === "poll" ? Date.now() + step.action.delayMs : null;
  if (step.action.type === "done") stats.outcomes++;
  if ((await store.update(lease, step.state, nextPollAt)) === "fenced") stats.fenced++;
}

process.on("SIGTERM", () => {
  stop = true;
});
// Every worker starts on SIGUSR1, so that 1 and 2 workers drain the same backlog from the same moment.
const go = new Promise((r) => process.once("SIGUSR1", r));
console.log("worker ready");
await go;
if (HANG) {
  for (;;) {
    const claimed = await store.claim(OWNER, 50, leaseMs);
    if (claimed.length) {
      console.log(`claimed ${JSON.stringify(claimed.map((c) => c.state.id))}`);
      await new Promise(() => {}); // holds the leases until SIGKILL
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
while (!stop) {
  const claimed = await store.claim(OWNER, 32, leaseMs);
  stats.claimed += claimed.length;
  if (!claimed.length) {
    stats.idle++;
    await new Promise((r) => setTimeout(r, 25));
    continue;
  }
  await Promise.all(claimed.map(work));
}
console.log(JSON.stringify({ ...stats, roundTrips: store.roundTrips }));
await store.close();
process.exit(0);
