/**
 * No swallowed errors: failures no caller awaits reach `onError` as typed PayCrossErrors with a code, and
 * the poller keeps going (a worker whose claims fail goes on claiming; a re-read that fails is retried).
 */
import { isPayCrossError, type PayCrossError } from "@paycross/client";
import { afterEach, describe, expect, it } from "vitest";
import { createPoller, SharedMemoryStore } from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A shared store whose `method` throws the next `times` calls (a database that is briefly unreachable). */
function flaky(method: "claim" | "get", times: number) {
  const store = new SharedMemoryStore();
  const real = store[method].bind(store) as (...a: unknown[]) => Promise<unknown>;
  const state = { left: times, calls: 0 };
  (store as unknown as Record<string, unknown>)[method] = async (...a: unknown[]) => {
    state.calls++;
    if (state.left > 0) {
      state.left--;
      throw new Error(`${method}: connection refused`);
    }
    return real(...a);
  };
  return { store, state };
}

async function setup(store: SharedMemoryStore) {
  const { gw, client } = await gateway();
  const errors: PayCrossError[] = [];
  const onError = (e: PayCrossError) => errors.push(e);
  const worker = createPoller({ client, store, policy: FAST, mode: "worker", claimIntervalMs: 10, onError });
  const front = createPoller({ client, store, policy: FAST, mode: "client", onError });
  cleanups.push(
    () => gw.close(),
    () => worker.close(),
    () => front.close(),
  );
  return { worker, front, errors };
}

describe("background failures are reported, and the poller goes on", () => {
  it("a worker whose claims fail reports claim_failed each time and finishes the task once the store answers", async () => {
    const { store, state } = flaky("claim", 3);
    const { front, errors } = await setup(store);
    const outcome = await front.run("payment", payment("successful"));
    expect(outcome.kind).toBe("completed");
    const claims = errors.filter((e) => e.code === "claim_failed");
    expect(claims).toHaveLength(3);
    expect(claims.every((e) => isPayCrossError(e) && e.message.includes("connection refused"))).toBe(true);
    expect(state.calls).toBeGreaterThan(3);
  });

  it("a re-read after a stored outcome that fails is retried; one that keeps failing is reported", async () => {
    const { store } = flaky("get", 0);
    const { front, errors } = await setup(store);
    const ok = await front.submit("payment", payment("successful"));
    // Two failed reads: the retry resolves the waiter.
    const realGet = store.get.bind(store);
    let fail = 2;
    store.get = async (id) => (fail-- > 0 ? Promise.reject(new Error("get: timeout")) : realGet(id));
    expect((await ok.result()).kind).toBe("completed");
    expect(errors.filter((e) => e.code === "refresh_failed")).toEqual([]);
    // Reads that keep failing: reported once the retries are spent, the waiter times out (no hang).
    const stuck = await front.submit("payment", payment("successful"));
    store.get = async () => Promise.reject(new Error("get: timeout"));
    const outcome = await stuck.result({ deadline: Date.now() + 8_000 });
    expect(outcome.kind).toBe("timed_out");
    const reported = errors.filter((e) => e.code === "refresh_failed");
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.some((e) => e.message.includes(stuck.id))).toBe(true);
  });

  it("an onProgress that throws is reported as observer_failed; the task still completes", async () => {
    const { gw, client } = await gateway();
    const errors: PayCrossError[] = [];
    const poller = createPoller({
      client,
      policy: FAST,
      onProgress: () => {
        throw new Error("observer bug");
      },
      onError: (e) => errors.push(e),
    });
    cleanups.push(
      () => gw.close(),
      () => poller.close(),
    );
    expect((await poller.run("payment", payment())).kind).toBe("completed");
    expect(errors.some((e) => e.code === "observer_failed" && e.message.includes("observer bug"))).toBe(true);
  });
});
