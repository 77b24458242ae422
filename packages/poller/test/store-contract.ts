/**
 * The contract every task store keeps, as one suite: `describeStoreContract(name, makeStore)` in a test
 * file runs it against a store (MemoryStore, FileStore here; PostgresStore in @paycross/poller-postgres,
 * which imports this file by relative path). Shared-store rules run when the store says `shared: true`.
 */
import { PayCrossError } from "@paycross/client";
import { afterEach, describe, expect, it } from "vitest";
import { isSharedStore, type SharedTaskStore, type TaskState, type TaskStore } from "../src/index.js";
import { pendingState } from "./states.js";

export const failedOutcome = { kind: "failed" as const, status: 422, body: { message: "declined" } };
const completedOutcome = {
  kind: "completed" as const,
  data: { transaction: { uid: "u1", status: "successful" } } as never,
};
const unknownOutcome = {
  kind: "unknown" as const,
  reason: "expired_or_already_read" as const,
  recovered: [],
};

const done = (s: TaskState, outcome: TaskState["outcome"]): TaskState => ({ ...s, phase: "done", outcome });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Make = () => Promise<TaskStore>;

/** Runs the whole contract against the stores `makeStore` opens (each closed after its test). */
export function describeStoreContract(name: string, makeStore: Make): void {
  describe(`TaskStore contract: ${name}`, () => {
    const open: TaskStore[] = [];
    const make = async () => {
      const s = await makeStore();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      while (open.length) await open.pop()!.close?.();
    });
    describe("basic CRUD", () => describeCrud(make));
    describe("gateway facts", () => describeFacts(make));
    describe("lookups", () => describeLookups(make));
    describe("shared stores", () => {
      const shared = async (): Promise<SharedTaskStore | undefined> => {
        const s = await make();
        return isSharedStore(s) ? s : undefined;
      };
      describe("leases", () => describeSharedLeases(shared));
      describe("a lease names its task", () => describeSharedLeaseIds(shared));
      describe("create", () => describeSharedCreate(shared));
      describe("fencing", () => describeSharedFencing(shared));
      describe("facts without a lease", () => describeSharedFacts(shared));
    });
  });
}

/** put, get, list, delete. */
function describeCrud(make: Make): void {
  it("put, get, list and delete round-trip plain copies", async () => {
    const store = await make();
    const a = pendingState();
    await store.put(a);
    const got = (await store.get(a.id))!;
    expect(got).toEqual(a);
    got.attempt = 99;
    expect((await store.get(a.id))!.attempt).toBe(0);
    expect((await store.list()).map((s) => s.id)).toContain(a.id);
    await store.delete(a.id);
    expect(await store.get(a.id)).toBeUndefined();
    expect((await store.list()).map((s) => s.id)).not.toContain(a.id);
  });

  it("a later put of the same task replaces its pending state", async () => {
    const store = await make();
    const a = pendingState();
    await store.put(a);
    await store.put({ ...a, attempt: 3 });
    expect((await store.get(a.id))!.attempt).toBe(3);
  });
}

/** The merge rules (mergeFacts) as every store applies them on put. */
function describeFacts(make: Make): void {
  it("an outcome is never replaced by a pending state (a finished task never goes back)", async () => {
    const store = await make();
    const a = pendingState();
    await store.put(done(a, failedOutcome));
    await store.put({ ...a, attempt: 7 });
    expect(await store.get(a.id)).toMatchObject({ phase: "done", outcome: failedOutcome });
  });

  it("unknown never overwrites a result; a result never overwrites another; a result replaces unknown", async () => {
    const store = await make();
    const a = pendingState();
    await store.put(done(a, failedOutcome));
    await store.put(done(a, unknownOutcome));
    await store.put(done(a, completedOutcome));
    expect((await store.get(a.id))!.outcome).toEqual(failedOutcome);
    const b = pendingState();
    await store.put(done(b, unknownOutcome));
    await store.put(done(b, completedOutcome));
    expect((await store.get(b.id))!.outcome).toEqual(completedOutcome);
  });

  it("a kept 5xx candidate survives a write that did not see the result URL answer since", async () => {
    const store = await make();
    const a = pendingState();
    const candidate = { status: 500, body: { message: "x" }, receivedAt: 2_000 };
    await store.put({ ...a, candidate, answeredAt: 2_000 });
    await store.put({ ...a, attempt: 4, answeredAt: 1_000 });
    expect((await store.get(a.id))!.candidate).toEqual(candidate);
    await store.put({ ...a, attempt: 5, answeredAt: 3_000 }); // the result URL said "still processing" later
    expect((await store.get(a.id))!.candidate).toBeUndefined();
  });
}

/** The optional findByTrackingId / findByUid indexes. */
function describeLookups(make: Make): void {
  it("findByTrackingId and findByUid follow every write of a state", async (ctx) => {
    const store = await make();
    if (!store.findByTrackingId || !store.findByUid) return ctx.skip();
    const a = pendingState();
    const ids = (states: TaskState[]) => states.map((s) => s.id);
    await store.put(a);
    expect(ids(await store.findByTrackingId(a.trackingId!))).toEqual([a.id]);
    expect(await store.findByUid(`uid-${a.id}`)).toEqual([]);
    const result = { transaction: { uid: `uid-${a.id}`, status: "incomplete" } } as never;
    await store.put({ ...a, phase: "follow_up", result });
    expect(ids(await store.findByUid(`uid-${a.id}`))).toEqual([a.id]);
    expect((await store.findByUid(`uid-${a.id}`))[0]!.phase).toBe("follow_up");
    await store.delete(a.id);
    expect(await store.findByTrackingId(a.trackingId!)).toEqual([]);
    expect(await store.findByUid(`uid-${a.id}`)).toEqual([]);
  });
}

type Shared = () => Promise<SharedTaskStore | undefined>;

/** claim, renew, update and put(state, dueAt) on a shared store (each test skips for other stores). */
function describeSharedLeases(shared: Shared): void {
  it("claim leases a due task to one owner at a time, with a growing fencing token", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const a = pendingState();
    await store.put(a);
    // A 1 s lease: the second claim right after must not get it even on a busy machine.
    const first = (await store.claim("w1", 100, 1_000)).filter((c) => c.state.id === a.id);
    expect(first).toHaveLength(1);
    expect(first[0]!.lease).toMatchObject({ id: a.id, owner: "w1" });
    expect((await store.claim("w2", 100, 60)).some((c) => c.state.id === a.id)).toBe(false);
    await sleep(1_100); // the lease expires
    const second = (await store.claim("w2", 100, 10_000)).filter((c) => c.state.id === a.id);
    expect(second).toHaveLength(1);
    expect(second[0]!.lease.token).toBeGreaterThan(first[0]!.lease.token);
    expect(await store.renew(first[0]!.lease, 10_000)).toBe(false);
    expect(await store.renew(second[0]!.lease, 10_000)).toBe(true);
  });

  it("update releases the lease and schedules; a task is not claimed before its time or once done", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const { a, b, la, lb } = await twoClaimed(store);
    expect(await store.update(la, { ...a, attempt: 1 }, Date.now() + 60_000)).toBe("ok");
    expect(await store.update(lb, done(b, failedOutcome), null)).toBe("ok");
    const ids = (await store.claim("w2", 100, 10_000)).map((c) => c.state.id);
    expect(ids).not.toContain(a.id);
    expect(ids).not.toContain(b.id);
    expect((await store.get(a.id))!.attempt).toBe(1);
  });

  it("put(state, dueAt) makes a new task first due at dueAt (a notification expected before)", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const later = pendingState({ notified: true });
    const past = pendingState({ notified: true });
    await store.put(later, Date.now() + 60_000);
    await store.put(past, Date.now() - 1);
    const ids = (await store.claim("w1", 100, 10_000)).map((c) => c.state.id);
    expect(ids).toContain(past.id);
    expect(ids).not.toContain(later.id);
  });
}

/** create (optional): a put that tells whether the task was new. */
function describeSharedCreate(shared: Shared): void {
  it("create answers true for a new task and false for a stored one, which it merges as put does", async (ctx) => {
    const store = await shared();
    if (!store?.create) return ctx.skip();
    const a = pendingState();
    expect(await store.create(a)).toBe(true);
    expect(await store.create(a)).toBe(false);
    const b = pendingState();
    await store.put(done(b, failedOutcome)); // e.g. a replayed submit whose task a previous process finished
    expect(await store.create(b)).toBe(false);
    expect((await store.get(b.id))!.outcome).toEqual(failedOutcome);
    expect((await store.claim("w1", 100, 10_000)).map((c) => c.state.id)).toContain(a.id);
  });
}

/** A lease names one task: a state of another is a caller's bug, refused before anything is written. */
function describeSharedLeaseIds(shared: Shared): void {
  it("update refuses the state of another task under a lease (a usage error, nothing stored)", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const { a, b, la } = await twoClaimed(store);
    const error = await store.update(la, done(b, failedOutcome), null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayCrossError);
    expect(error).toMatchObject({ code: "usage", message: expect.stringContaining(b.id) });
    expect((await store.get(b.id))!.phase).toBe("polling");
    expect((await store.get(a.id))!.phase).toBe("polling");
    // The lease is still a's, untouched by the refused write.
    expect(await store.update(la, done(a, failedOutcome), null)).toBe("ok");
    expect((await store.get(a.id))!.outcome).toEqual(failedOutcome);
  });
}

/** A new task `a`, claimed by w1 for 50 ms (`old`), then taken over by w2 after it expired (`now`). */
/** Two new tasks, both claimed by worker w1: the states and their leases. */
async function twoClaimed(store: SharedTaskStore) {
  const a = pendingState();
  const b = pendingState();
  await store.put(a);
  await store.put(b);
  const claimed = await store.claim("w1", 100, 10_000);
  const leaseOf = (s: TaskState) => claimed.find((c) => c.state.id === s.id)!.lease;
  return { a, b, la: leaseOf(a), lb: leaseOf(b) };
}

async function takenOver(store: SharedTaskStore) {
  const a = pendingState();
  await store.put(a);
  const [old] = (await store.claim("w1", 100, 50)).filter((c) => c.state.id === a.id);
  await sleep(150);
  const [now] = (await store.claim("w2", 100, 10_000)).filter((c) => c.state.id === a.id);
  return { a, old, now };
}

/** Writes by a holder whose lease was taken over. */
function describeSharedFencing(shared: Shared): void {
  it("a fenced update keeps the facts it brings but not its schedule", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const { a, old, now } = await takenOver(store);
    expect(now).toBeDefined();
    expect(await store.update(old!.lease, done(a, failedOutcome), null)).toBe("fenced");
    expect((await store.get(a.id))!.outcome).toEqual(failedOutcome);
    // The new holder's later, weaker write cannot undo the fact.
    await store.update(now!.lease, { ...a, attempt: 2 }, Date.now());
    expect((await store.get(a.id))!.outcome).toEqual(failedOutcome);
  });

  it("a fenced writer's unknown is not stored: the holder may carry the read-once result", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const { a, old, now } = await takenOver(store);
    expect(await store.update(old!.lease, done(a, unknownOutcome), null)).toBe("fenced");
    expect((await store.get(a.id))!.phase).not.toBe("done");
    expect(await store.update(now!.lease, done(a, failedOutcome), null)).toBe("ok");
    expect((await store.get(a.id))!.outcome).toEqual(failedOutcome);
  });

  it("after taking over an unreleased lease, the holder's unknown waits; the late holder's fact wins", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const { a, old, now } = await takenOver(store);
    expect(await store.update(now!.lease, done(a, unknownOutcome), null)).toBe("deferred");
    expect((await store.get(a.id))!.phase).toBe("polling");
    expect((await store.claim("w3", 100, 10_000)).some((c) => c.state.id === a.id)).toBe(false);
    expect(await store.update(old!.lease, done(a, failedOutcome), null)).toBe("fenced");
    expect((await store.get(a.id))!.outcome).toEqual(failedOutcome);
    // Released normally, a lease leaves nothing pending: the next holder's unknown is final.
    const b = pendingState();
    await store.put(b);
    const [first] = (await store.claim("w1", 100, 10_000)).filter((c) => c.state.id === b.id);
    expect(await store.update(first!.lease, b, Date.now())).toBe("ok");
    const [second] = (await store.claim("w2", 100, 10_000)).filter((c) => c.state.id === b.id);
    expect(await store.update(second!.lease, done(b, unknownOutcome), null)).toBe("ok");
    expect((await store.get(b.id))!.outcome).toEqual(unknownOutcome);
  });
}

/** recordFacts and watch. */
function describeSharedFacts(shared: Shared): void {
  it("watch reports a result replacing a stored unknown (waiters told unknown must learn it)", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const seen: string[] = [];
    const stop = await store.watch((id) => seen.push(id));
    try {
      const a = pendingState();
      await store.put(a);
      const [held] = (await store.claim("w1", 100, 10_000)).filter((c) => c.state.id === a.id);
      expect(await store.update(held!.lease, done(a, unknownOutcome), null)).toBe("ok");
      for (let i = 0; i < 100 && !seen.includes(a.id); i++) await sleep(20);
      seen.length = 0; // the unknown was reported; now its correction
      expect((await store.recordFacts(a.id, done(a, completedOutcome))).outcome).toEqual(completedOutcome);
      for (let i = 0; i < 100 && !seen.includes(a.id); i++) await sleep(20);
      expect(seen).toContain(a.id);
    } finally {
      stop();
    }
  });

  it("recordFacts refuses the state of another task (a usage error, nothing stored)", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const a = pendingState();
    const b = pendingState();
    await expect(store.recordFacts(a.id, done(b, failedOutcome))).rejects.toMatchObject({ code: "usage" });
    expect(await store.get(a.id)).toBeUndefined();
    expect(await store.get(b.id)).toBeUndefined();
  });

  it("recordFacts merges without a lease and watch reports stored outcomes", async (ctx) => {
    const store = await shared();
    if (!store) return ctx.skip();
    const seen: string[] = [];
    const stop = await store.watch((id) => seen.push(id));
    try {
      const a = pendingState();
      await store.put(a);
      const merged = await store.recordFacts(a.id, done(a, completedOutcome));
      expect(merged.outcome).toEqual(completedOutcome);
      expect((await store.recordFacts(a.id, done(a, unknownOutcome))).outcome).toEqual(completedOutcome);
      for (let i = 0; i < 100 && !seen.includes(a.id); i++) await sleep(20);
      expect(seen).toContain(a.id);
    } finally {
      stop();
    }
  });
}
