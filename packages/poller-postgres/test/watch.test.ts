/** Cross-process wake-up: a waiter on any store instance learns of an outcome stored by any other. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore, PostgresStoreError } from "../src/index.js";
import { LISTEN_APP } from "../src/store.js";
import { failedOutcome, freshDatabase, taskState, until } from "./helpers.js";

let url: string;
let worker: PostgresStore;
let waiter: PostgresStore;
const errors: PostgresStoreError[] = [];
beforeAll(async () => {
  url = await freshDatabase();
  worker = await PostgresStore.open({ connectionString: url });
  waiter = await PostgresStore.open({ connectionString: url, onError: (e) => errors.push(e) });
});
afterAll(async () => {
  await worker.close();
  await waiter.close();
});

const done = (s: ReturnType<typeof taskState>) => ({
  ...s,
  phase: "done" as const,
  outcome: failedOutcome(),
});

describe("watch", () => {
  it("hears every way an outcome is stored: update, fenced update, recordFacts, put", async () => {
    const seen: string[] = [];
    const stop = await waiter.watch((id) => seen.push(id));
    const [u, f, r, p] = [taskState(), taskState(), taskState(), taskState()];
    for (const s of [u, f, r]) await worker.put(s);
    const claimed = await worker.claim("w", 3, 60_000);
    const lease = (id: string) => claimed.find((c) => c.state.id === id)!.lease;
    await worker.update(lease(u.id), done(u), null);
    await worker.update({ ...lease(f.id), token: 0 }, done(f), null); // fenced: the fact is still stored
    await worker.recordFacts(r.id, done(r));
    await worker.put(done(p));
    await until(() => seen.length >= 4, "four notifications");
    expect(new Set(seen)).toEqual(new Set([u.id, f.id, r.id, p.id]));
    stop();
  });

  it("a pending write wakes nobody; a listener that throws is reported, the others still hear", async () => {
    const seen: string[] = [];
    const stopBad = await waiter.watch(() => {
      throw new Error("listener bug");
    });
    const stop = await waiter.watch((id) => seen.push(id));
    const s = taskState();
    await worker.put(s);
    const [c] = await worker.claim("w", 1, 60_000);
    await worker.update(c!.lease, { ...s, attempt: 1 }, Date.now());
    const [c2] = await worker.claim("w", 1, 60_000);
    await worker.update(c2!.lease, done(s), null);
    await until(() => seen.length > 0, "the outcome notification");
    expect(seen).toEqual([s.id]);
    expect(errors.some((e) => e.code === "usage" && e.message.includes(s.id))).toBe(true);
    stop();
    stopBad();
  });

  it("after the connection drops, it reconnects and replays the outcomes stored meanwhile", async () => {
    const seen = new Set<string>();
    const stop = await waiter.watch((id) => seen.add(id));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const lost = taskState();
    await worker.put(lost);
    // Kill the listening connection, then store an outcome before it can be back.
    const killed = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
      [LISTEN_APP],
    );
    expect(killed.rowCount).toBeGreaterThan(0);
    await worker.recordFacts(lost.id, done(lost));
    await until(() => seen.has(lost.id), "the replayed outcome");
    expect(errors.some((e) => e.code === "store_unavailable")).toBe(true);
    // And it listens again.
    const after = taskState();
    await worker.put(done(after));
    await until(() => seen.has(after.id), "a live notification after reconnecting");
    await admin.end();
    stop();
  });

  it("an idle pooled connection that dies is reported to onError, and the next call works", async () => {
    const seen: PostgresStoreError[] = [];
    const s = await PostgresStore.open({
      connectionString: url,
      schema: "idle_drop",
      onError: (e) => seen.push(e),
    });
    await s.get("warm-up"); // one idle connection in the pool now
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'paycross-poller-postgres' AND datname = current_database() AND state = 'idle'
         AND query LIKE '%idle_drop%'`,
    );
    await admin.end();
    await until(() => seen.length > 0, "the idle connection's error reported");
    expect(seen[0]!.code).toBe("store_unavailable");
    expect(seen[0]!.message).toContain("an idle connection");
    expect(seen[0]!.message).not.toContain(url);
    expect(await s.get("warm-up")).toBeUndefined();
    await s.close();
  });

  it("watch on a closed store is store_closed", async () => {
    const s = await PostgresStore.open({ connectionString: url });
    await s.close();
    const e = await s.watch(() => {}).catch((x) => x);
    expect(e).toBeInstanceOf(PostgresStoreError);
    expect(e.code).toBe("store_closed");
  });
});
