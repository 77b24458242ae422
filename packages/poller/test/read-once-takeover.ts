/**
 * Issue 12, the read-once window across processes, driven step by step on any shared store
 * (`describeReadOnceTakeover(name, makeStore)`: SharedMemoryStore here, PostgresStore in
 * @paycross/poller-postgres, which imports this file by relative path).
 *
 * A worker that lost its lease may hold the task's read-once result (it read it, then stalled); the worker
 * that took the task over then hears 404 `unknown`. The rule these tests prove: a waiter anywhere is
 * resolved with the outcome the store ends with, never with an `unknown` that the real result replaces
 * while the old holder can still bring it; and once `unknown` was final and told, a result stored later
 * still reaches every process that told it (`onCorrected`). `openAgain` gives a second process's view.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import type { Transaction } from "@paycross/client";
import { afterEach, describe, expect, it } from "vitest";
import { ask, recover } from "../src/ask.js";
import {
  type ClaimedTask,
  type Correction,
  createPoller,
  DEFAULT_POLICY,
  type Outcome,
  type SharedTaskStore,
  type TaskHandle,
  type TaskState,
  type UpdateResult,
} from "../src/index.js";
import { next } from "../src/lifecycle.js";
import { FAST, gateway, payment } from "./helpers.js";

type Client = Awaited<ReturnType<typeof gateway>>["client"];
export type MakeSharedStore = (options: { factGraceMs: number }) => Promise<SharedTaskStore>;
/** Another view of the same store, as another process has it (PostgresStore: its own pool and LISTEN). */
export type OpenAgain = (store: SharedTaskStore) => Promise<SharedTaskStore>;

async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 20_000) {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Claims the task as `owner` as soon as it is claimable (e.g. once an earlier lease expired). */
async function claimTask(store: SharedTaskStore, owner: string, id: string, leaseMs: number) {
  let got: ClaimedTask | undefined;
  await until(async () => {
    got = (await store.claim(owner, 100, leaseMs)).find((c) => c.state.id === id);
    return got !== undefined;
  }, `${owner} claimed ${id}`);
  return got!;
}

/** A worker's look at the result URL, as the poller's worker makes it: the new state it would write. */
async function look(client: Client, state: TaskState): Promise<TaskState> {
  const env = { policy: DEFAULT_POLICY, now: Date.now() };
  for (;;) {
    const answer = await ask(client, state, "result");
    if (answer.type === "processing") {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    const step = next(state, answer, env);
    if (step.action.type !== "recover") return step.state;
    return next(step.state, await recover(client, step.state), env).state; // 404: by tracking_id
  }
}

/** Watches a waiter without awaiting it. */
function watchResult(task: TaskHandle) {
  const seen: { outcome?: Outcome } = {};
  const done = task.result().then((o) => {
    seen.outcome = o;
    return o;
  });
  return { seen, done };
}

/** The waiter's outcome is `kind`, and it is the outcome the store ends with. */
async function expectAgreed(store: SharedTaskStore, waiter: { done: Promise<Outcome> }, kind: string) {
  const outcome = await waiter.done;
  expect(outcome.kind).toBe(kind);
  if (kind === "failed") expect(outcome).toMatchObject({ status: 500 });
  expect((await store.get(outcome.state.id))!.outcome).toEqual(outcome.state.outcome);
}

/** Resolves once the stored state settled: pending (nothing final yet), or the waiter was told. */
function settledOrPending(store: SharedTaskStore, id: string, seen: { outcome?: Outcome }) {
  return until(
    async () => seen.outcome !== undefined || (await store.get(id))?.phase !== "done",
    "the waiter was told, or the task is still pending",
  );
}

/** One test's pieces: the stores, pollers and gateway it opens are closed after it. */
function harness(makeStore: MakeSharedStore, openAgain: OpenAgain) {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setup(factGraceMs: number, card: "error" | "successful" = "error") {
    const { gw, client } = await gateway();
    const store = await makeStore({ factGraceMs });
    const corrections: Correction[] = [];
    const front = createPoller({
      client,
      store,
      policy: FAST,
      mode: "client",
      onCorrected: (c) => corrections.push(c),
    });
    cleanups.push(
      () => gw.close(),
      () => store.close?.(),
      () => front.close(),
    );
    const task = await front.submit("payment", payment(card));
    return { client, store, front, task, waiter: watchResult(task), corrections };
  }

  /** A second client process waiting on the same task through its own view of the store. */
  async function secondProcess(client: Client, store: SharedTaskStore, state: TaskState) {
    const view = await openAgain(store);
    const corrections: Correction[] = [];
    const poller = createPoller({
      client,
      store: view,
      policy: FAST,
      mode: "client",
      onCorrected: (c) => corrections.push(c),
    });
    cleanups.push(() => poller.close());
    return { corrections, waiter: watchResult(await poller.resume(state)) };
  }

  return { cleanups, setup, secondProcess };
}

type Harness = ReturnType<typeof harness>;

export function describeReadOnceTakeover(
  name: string,
  makeStore: MakeSharedStore,
  openAgain: OpenAgain,
): void {
  describe(`read-once result held by a worker that lost its lease: ${name}`, () => {
    const h = harness(makeStore, openAgain);
    describeTakeover(h);
    describeCorrections(h);
    describeLateNotification(h);
  });
}

/** The waiters are told the outcome the store ends with, never an `unknown` the real result replaces. */
function describeTakeover({ cleanups, setup }: Harness): void {
  it("a waiter is not resolved by the new holder's unknown while the old holder can still store its fact", async () => {
    const { client, store, task, waiter } = await setup(60_000);
    const a = await claimTask(store, "worker-A", task.id, 150);
    // A reads the read-once result (the error card's 500: a candidate until a 404 follows), then stalls.
    const heldByA = await look(client, a.state);
    expect(heldByA.candidate).toMatchObject({ status: 500 });
    // B, a real worker, takes the task over once A's lease expired: the gateway answers 404 now.
    const updates: UpdateResult[] = [];
    const tracked: SharedTaskStore = Object.create(store);
    tracked.update = async (...args) => {
      const r = await store.update(...args);
      updates.push(r);
      return r;
    };
    const b = createPoller({ client, store: tracked, policy: FAST, mode: "worker", claimIntervalMs: 20 });
    cleanups.push(() => b.close());
    await until(() => updates.length > 0, "worker B wrote its look");
    await settledOrPending(store, task.id, waiter.seen);
    expect(waiter.seen.outcome?.kind).toBeUndefined(); // not told `unknown`
    expect(updates[0]).toBe("deferred");
    // A comes back: its lease was lost, its fact is kept; B's next look (404) makes it the result.
    expect(await store.update(a.lease, heldByA, null)).toBe("fenced");
    await expectAgreed(store, waiter, "failed");
  });

  it("the old holder's unknown is not stored while the new holder carries the read-once result", async () => {
    const { client, store, task, waiter } = await setup(60_000);
    const a = await claimTask(store, "worker-A", task.id, 150);
    let b = await claimTask(store, "worker-B", task.id, 60_000); // A stalled before its look
    const heldByB = await look(client, b.state); // B reads the read-once 500, then stalls
    const fromA = await look(client, a.state); // A wakes up: 404 `unknown`
    expect(fromA.outcome).toMatchObject({ kind: "unknown" });
    expect(await store.update(a.lease, fromA, null)).toBe("fenced");
    await settledOrPending(store, task.id, waiter.seen);
    expect(waiter.seen.outcome?.kind).toBeUndefined();
    expect(await store.update(b.lease, heldByB, Date.now())).toBe("ok");
    b = await claimTask(store, "worker-B", task.id, 60_000);
    const final = await look(client, b.state); // 404 after the kept 500: the task failed
    expect(await store.update(b.lease, final, null)).toBe("ok");
    await expectAgreed(store, waiter, "failed");
  });

  it("a holder that never comes back (killed): unknown is final once its grace has passed", async () => {
    const { client, store, task, waiter } = await setup(300);
    const a = await claimTask(store, "worker-A", task.id, 150);
    await look(client, a.state); // A reads the read-once result and dies with it
    const b = createPoller({ client, store, policy: FAST, mode: "worker", claimIntervalMs: 20 });
    cleanups.push(() => b.close());
    await expectAgreed(store, waiter, "unknown");
  });
}

/** An `unknown` told, then a result stored: every process that told it hears the correction (onCorrected). */
function describeCorrections({ cleanups, setup, secondProcess }: Harness): void {
  it("waiters told unknown learn the result a late holder stores after its grace (onCorrected, every process)", async () => {
    const { client, store, task, waiter, corrections } = await setup(300);
    const other = await secondProcess(client, store, task.state);
    const a = await claimTask(store, "worker-A", task.id, 150);
    const heldByA = await look(client, a.state); // A reads the read-once 500, then stalls past its grace
    const b = createPoller({ client, store, policy: FAST, mode: "worker", claimIntervalMs: 20 });
    cleanups.push(() => b.close());
    await expectAgreed(store, waiter, "unknown");
    expect((await other.waiter.done).kind).toBe("unknown");
    // A comes back: its next look (404 after its kept 500) makes the 500 the result; fenced, but kept.
    const lateA = await look(client, heldByA);
    expect(lateA.outcome).toMatchObject({ kind: "failed", status: 500 });
    expect(await store.update(a.lease, lateA, null)).toBe("fenced");
    expect((await store.get(task.id))!.outcome).toMatchObject({ kind: "failed", status: 500 });
    for (const seen of [corrections, other.corrections]) {
      await until(() => seen.length > 0, "the process that told unknown heard the correction");
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        taskId: task.id,
        told: { kind: "unknown" },
        outcome: { kind: "failed", status: 500 },
      });
    }
  });

  it("waiters told unknown learn a notification's result merged just after another worker's unknown", async () => {
    const { client, store, task, waiter, corrections } = await setup(0, "successful");
    const other = await secondProcess(client, store, task.state);
    // A notification handler read the task pending and checked its transaction ...
    const before = (await store.get(task.id))!;
    const tx = { uid: "notified-uid", status: "successful", type: "payment" } as never as Transaction;
    const notified = { ...tx, tracking_id: before.trackingId, created_at: new Date().toISOString() };
    const step = next(
      before,
      { look: "notification", type: "confirmed", transaction: notified },
      {
        policy: DEFAULT_POLICY,
        now: Date.now(),
      },
    );
    expect(step.action.type).toBe("done");
    // ... meanwhile a worker stored `unknown` (the 200 was gone for it) and the waiters were told ...
    const w = await claimTask(store, "worker-W", task.id, 60_000);
    const unknown = { ...w.state, phase: "done" as const, outcome: UNKNOWN };
    expect(await store.update(w.lease, unknown, null)).toBe("ok");
    await expectAgreed(store, waiter, "unknown");
    expect((await other.waiter.done).kind).toBe("unknown");
    // ... then the handler's merge lands: the result replaces the unknown, and both processes hear it.
    expect((await store.recordFacts(task.id, step.state)).outcome).toMatchObject({ kind: "completed" });
    for (const seen of [corrections, other.corrections]) {
      await until(() => seen.length > 0, "the process that told unknown heard the correction");
      expect(seen[0]).toMatchObject({
        taskId: task.id,
        told: { kind: "unknown" },
        outcome: { kind: "completed" },
      });
      expect(seen[0]!.outcome.kind === "completed" && seen[0]!.outcome.transaction?.uid).toBe("notified-uid");
    }
  });
}

/**
 * A notification that comes after `unknown` was final and told everywhere (the 404 came first) is handled
 * by yet another process: the store's `unknown` becomes the result it proves, every process that told
 * `unknown` hears it once, and a second delivery changes nothing.
 */
function describeLateNotification({ cleanups, setup, secondProcess }: Harness): void {
  it("a notification handled after unknown was told corrects the task in every process that told it", async () => {
    const { client, store, task, waiter, corrections } = await setup(0, "successful");
    const other = await secondProcess(client, store, task.state);
    const w = await claimTask(store, "worker-W", task.id, 60_000);
    const unknown = { ...w.state, phase: "done" as const, outcome: UNKNOWN };
    expect(await store.update(w.lease, unknown, null)).toBe("ok");
    await expectAgreed(store, waiter, "unknown");
    expect((await other.waiter.done).kind).toBe("unknown");
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pub = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const handler = createPoller({
      client,
      store,
      policy: FAST,
      mode: "client",
      webhook: { publicKey: pub },
    });
    cleanups.push(() => handler.close());
    const tx = { uid: "late-uid", status: "successful", type: "payment", tracking_id: w.state.trackingId };
    const signed = (t: object) => {
      const body = JSON.stringify({ transaction: { ...t, created_at: new Date().toISOString() } });
      const signature = sign("sha256", Buffer.from(body), privateKey).toString("base64");
      return { headers: { "content-signature": signature }, body };
    };
    expect(await handler.handleNotification(signed(tx))).toMatchObject({ corrected: [task.id] });
    expect((await store.get(task.id))!.outcome).toMatchObject({ kind: "completed" });
    for (const seen of [corrections, other.corrections])
      await until(() => seen.length > 0, "the process that told unknown heard the correction");
    expect(await handler.handleNotification(signed({ ...tx, message: "again" }))).toMatchObject({
      corrected: [],
    });
    await new Promise((r) => setTimeout(r, 100));
    for (const seen of [corrections, other.corrections]) {
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        told: { kind: "unknown" },
        outcome: { transaction: { uid: "late-uid" } },
      });
    }
  });
}

const UNKNOWN = { kind: "unknown" as const, reason: "expired_or_already_read" as const, recovered: [] };
