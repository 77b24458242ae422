/**
 * A shared store's watch, the reads a waiting process makes, and `onCorrected`, in process
 * (SharedMemoryStore). The cross-worker scenarios (a late holder's result, a notification merged after
 * `unknown`) are in read-once-takeover.ts, run on SharedMemoryStore and PostgresStore.
 */
import type { PayCrossError } from "@paycross/client";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Correction,
  createPoller,
  type PollerOptions,
  SharedMemoryStore,
  type SharedTaskStore,
  type TaskState,
} from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const UNKNOWN = { kind: "unknown" as const, reason: "expired_or_already_read" as const, recovered: [] };
const COMPLETED = {
  kind: "completed" as const,
  data: { transaction: { uid: "late-uid", status: "successful" } } as never,
};

/** Stores `outcome` for `id` as a worker elsewhere would (claim, then update under the lease). */
async function storeOutcome(store: SharedTaskStore, id: string, outcome: TaskState["outcome"]) {
  for (const c of await store.claim("worker-elsewhere", 100, 10_000)) {
    const state = c.state.id === id ? { ...c.state, phase: "done" as const, outcome } : c.state;
    expect(await store.update(c.lease, state, Date.now())).toBe("ok"); // others: released as they were
  }
  expect((await store.get(id))!.outcome).toEqual(outcome);
}

async function front(store: SharedTaskStore, extra: Partial<PollerOptions> = {}) {
  const { gw, client } = await gateway();
  const poller = createPoller({ client, store, policy: FAST, mode: "client", ...extra });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  return poller;
}

describe("a shared store's outcomes reach every waiter", () => {
  it("a waiter registered before the store's watch is live still hears an outcome stored meanwhile", async () => {
    const inner = new SharedMemoryStore();
    let live!: () => void;
    const connecting = new Promise<void>((r) => {
      live = r;
    });
    // Like a database LISTEN still connecting when the first result() of a new poller comes.
    const store: SharedTaskStore = Object.create(inner);
    store.watch = async (listener) => {
      await connecting;
      return inner.watch(listener);
    };
    const poller = await front(store);
    const task = await poller.submit("payment", payment());
    const waiting = task.result({ deadline: Date.now() + 5_000 });
    await storeOutcome(inner, task.id, COMPLETED); // a worker elsewhere, before this process listens
    live();
    expect((await waiting).kind).toBe("completed");
  });
});

describe("a waiting process reads each task once, when its outcome is reported", () => {
  it("client mode: one store read per task (none at result(): the watch reports the outcome)", async () => {
    const inner = new SharedMemoryStore();
    let reads = 0;
    const counted: SharedTaskStore = Object.create(inner);
    counted.get = (id) => {
      reads++;
      return inner.get(id);
    };
    const { gw, client } = await gateway();
    const poller = createPoller({ client, store: counted, policy: FAST, mode: "client" });
    const worker = createPoller({ client, store: inner, policy: FAST, mode: "worker", claimIntervalMs: 20 });
    cleanups.push(
      () => gw.close(),
      () => worker.close(),
      () => poller.close(),
    );
    const tasks = await Promise.all(Array.from({ length: 5 }, () => poller.submit("payment", payment())));
    const outcomes = await Promise.all(tasks.map((t) => t.result({ deadline: Date.now() + 20_000 })));
    expect(outcomes.map((o) => o.kind)).toEqual(Array(5).fill("completed"));
    expect(reads).toBe(5);
  });

  it("a submit that finds its task stored already (a replayed request) still reads and resolves it", async () => {
    const inner = new SharedMemoryStore();
    const replayed: SharedTaskStore = Object.create(inner);
    // A previous process submitted the same request and its task was finished before this one's create.
    replayed.create = async (state, dueAt) => {
      await inner.put({ ...state, phase: "done", outcome: COMPLETED });
      return inner.create(state, dueAt);
    };
    const poller = await front(replayed);
    const task = await poller.submit("payment", payment());
    expect((await task.result({ deadline: Date.now() + 5_000 })).kind).toBe("completed");
  });
});

describe("onCorrected: a task reported unknown has a result in the store now", () => {
  it("is called once, with the outcome told and the stored result; a throwing callback is reported", async () => {
    const store = new SharedMemoryStore();
    const seen: Correction[] = [];
    const errors: PayCrossError[] = [];
    const poller = await front(store, {
      onCorrected: (c) => {
        seen.push(c);
        throw new Error("the observer's own bug");
      },
      onError: (e) => errors.push(e),
    });
    const task = await poller.submit("payment", payment());
    const waiting = task.result();
    await storeOutcome(store, task.id, UNKNOWN);
    expect((await waiting).kind).toBe("unknown");
    expect((await task.result()).kind).toBe("unknown"); // told again: still one correction
    await store.recordFacts(task.id, { ...task.state, phase: "done", outcome: COMPLETED });
    await store.recordFacts(task.id, { ...task.state, phase: "done", outcome: COMPLETED }); // no change
    for (let i = 0; i < 250 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      taskId: task.id,
      told: { kind: "unknown" },
      outcome: { kind: "completed" },
    });
    expect(errors.map((e) => e.code)).toEqual(["observer_failed"]);
    expect((await task.result()).kind).toBe("completed"); // the task's outcome is the result now
  });

  it("is not called for a task nobody here was told unknown, nor after forget()", async () => {
    const store = new SharedMemoryStore();
    const seen: Correction[] = [];
    const poller = await front(store, { onCorrected: (c) => seen.push(c) });
    const quiet = await poller.submit("payment", payment()); // nobody waits on it here
    const forgotten = await poller.submit("payment", payment());
    const waiting = forgotten.result();
    await storeOutcome(store, quiet.id, UNKNOWN);
    await storeOutcome(store, forgotten.id, UNKNOWN);
    expect((await waiting).kind).toBe("unknown");
    await poller.forget(forgotten.id);
    for (const t of [quiet, forgotten])
      await store.recordFacts(t.id, { ...t.state, phase: "done", outcome: COMPLETED });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
  });
});
