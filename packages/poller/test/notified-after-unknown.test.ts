/**
 * A verified notification that arrives after a task ended `unknown` (the gateway answered 404: the
 * result expired, or a read-once error was taken elsewhere) corrects the task to the result it proves:
 * the store keeps the result, `onCorrected` is called once in the process that told `unknown`, on a store
 * that is not shared too. Matching is as strict as for a live task, a stored result never changes, and a
 * replayed or repeated notification changes nothing more. Shared stores: read-once-takeover.ts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Transaction } from "@paycross/client";
import { RESULT_RETENTION_MS } from "@paycross/mock-gateway";
import * as fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Correction,
  createPoller,
  DEFAULT_POLICY,
  FileStore,
  MemoryStore,
  type TaskState,
  type TaskStore,
} from "../src/index.js";
import { next } from "../src/lifecycle.js";
import { matchNotification } from "../src/match.js";
import { FAST, gateway, ManualClock, payment } from "./helpers.js";
import { NEVER_LOOKS, PUB, signed } from "./signed.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const STORES: Array<[string, () => Promise<TaskStore>]> = [
  ["MemoryStore", async () => new MemoryStore()],
  [
    "FileStore",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "poller-notified-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return FileStore.open(join(dir, "tasks.jsonl"));
    },
  ],
];

/** A task told `unknown` (its 200 result expired after 24 h) on a poller over `store`. */
async function toldUnknown(store: TaskStore, basic = false) {
  const clock = new ManualClock();
  const { gw, client } = await gateway({ clock, asyncDelayMs: 0 });
  const seen: Correction[] = [];
  const webhook = basic ? { shopId: gw.shopId, secretKey: gw.secretKey } : { publicKey: PUB };
  const poller = createPoller({ client, store, policy: FAST, webhook, onCorrected: (c) => seen.push(c) });
  cleanups.push(
    () => gw.close(),
    () => poller.close(),
  );
  const task = await poller.submit("payment", payment("successful"));
  gw.advance(RESULT_RETENTION_MS);
  const told = await task.result();
  expect(told.kind).toBe("unknown");
  const tx = told.kind === "unknown" ? told.recovered[0] : undefined;
  expect(tx).toMatchObject({ status: "successful", type: "payment" });
  const authorization = `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`;
  return { poller, task, tx: tx!, seen, authorization };
}

describe.each(STORES)("a notification after unknown corrects the task (%s)", (_, open) => {
  it("a signed notification upgrades the stored unknown, onCorrected once, replays change nothing", async () => {
    const store = await open();
    const { poller, task, tx, seen } = await toldUnknown(store);
    const first = signed(tx);
    expect(await poller.handleNotification(first)).toMatchObject({ resolved: [], corrected: [task.id] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      taskId: task.id,
      told: { kind: "unknown" },
      outcome: { kind: "completed", transaction: { uid: tx.uid, status: "successful" } },
    });
    expect((await store.get(task.id))!.outcome).toMatchObject({ kind: "completed" });
    expect(await task.result()).toMatchObject({ kind: "completed", transaction: { uid: tx.uid } });
    // The same notification again, then another delivery of the same fact: nothing more happens.
    expect(await poller.handleNotification(first)).toMatchObject({ duplicate: true, corrected: [] });
    const again = await poller.handleNotification(signed({ ...tx, message: "delivered again" }));
    expect(again).toMatchObject({ duplicate: false, resolved: [], corrected: [] });
    expect(seen).toHaveLength(1);
  });

  it("a Basic-only notification is confirmed by the status query, then corrects the task", async () => {
    const store = await open();
    const { poller, task, tx, seen, authorization } = await toldUnknown(store, true);
    const body = JSON.stringify({ transaction: tx });
    const handled = await poller.handleNotification({ headers: { authorization }, body });
    expect(handled).toMatchObject({ verifiedBy: "status_query", corrected: [task.id] });
    expect(seen.map((c) => c.outcome.kind)).toEqual(["completed"]);
    expect((await store.get(task.id))!.outcome).toMatchObject({ kind: "completed" });
  });
});

describe("a notification after unknown matches as strictly as for a live task", () => {
  const now = Date.now();
  const unknownTask: TaskState = {
    version: 1,
    id: "req-1",
    operation: "payment",
    statusUrl: "https://gw.example/async/status/req-1",
    responseUrl: "https://gw.example/async/result/req-1",
    trackingId: "order-1",
    submittedAt: now,
    phase: "done",
    attempt: 3,
    outcome: { kind: "unknown", reason: "expired_or_already_read", recovered: [] },
  };
  const tx = {
    uid: "uid-1",
    type: "payment",
    status: "successful",
    tracking_id: "order-1",
    created_at: new Date(now).toISOString(),
  } as Transaction;
  const notify = (s: TaskState, t: Transaction) =>
    next(s, { look: "notification", type: "confirmed", transaction: t }, { policy: DEFAULT_POLICY, now });

  it("a final transaction of the task's type and tracking_id, not older than the task, is the result", () => {
    for (const status of ["successful", "failed", "expired", "error"] as const) {
      const step = notify(unknownTask, { ...tx, status });
      expect(step.action.type).toBe("done");
      expect(step.state.outcome).toMatchObject({ kind: "completed", transaction: { uid: "uid-1", status } });
    }
  });

  it("another type, another tracking_id, an older or undated transaction or a status not final change nothing", () => {
    const others: Transaction[] = [
      { ...tx, type: "authorization" },
      { ...tx, tracking_id: "order-2" },
      { ...tx, tracking_id: undefined } as never,
      { ...tx, created_at: new Date(now - 3_600_000).toISOString() },
      // Undated: it could be an earlier attempt's under the same tracking_id, and this answer is final.
      { ...tx, created_at: undefined } as never,
      { ...tx, created_at: "yesterday" },
      { ...tx, status: "incomplete" },
      { ...tx, status: "pending" },
    ];
    for (const t of others) expect(notify(unknownTask, t)).toMatchObject({ action: { type: "ignore" } });
    const untracked = { ...unknownTask, trackingId: undefined };
    expect(notify(untracked, tx).action.type).toBe("ignore");
  });

  it("by tracking_id only a dated transaction matches, live or told unknown: any created_at that is not a date refuses", () => {
    const live: TaskState = { ...unknownTask, phase: "polling", outcome: undefined };
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constant(undefined), fc.integer(), fc.constant(null)),
        (createdAt) => {
          fc.pre(!(typeof createdAt === "string" && Number.isFinite(Date.parse(createdAt))));
          const t = { ...tx, created_at: createdAt } as unknown as Transaction;
          expect(matchNotification(live, t)).toBeUndefined();
          expect(matchNotification(unknownTask, t)).toBeUndefined();
        },
      ),
    );
    expect(matchNotification(live, tx)).toBe("tracking_id");
  });

  it("a stored result stays: a failed or completed task is never rewritten by a notification", () => {
    const failed: TaskState = { ...unknownTask, outcome: { kind: "failed", status: 422, body: {} } };
    const completed: TaskState = {
      ...unknownTask,
      outcome: { kind: "completed", data: { transaction: tx } as never, transaction: tx },
    };
    for (const s of [failed, completed])
      expect(notify(s, { ...tx, uid: "uid-2", status: "failed" })).toMatchObject({
        state: s,
        action: { type: "ignore" },
      });
  });

  it("a tracking_id shared by two tasks told unknown corrects neither", async () => {
    const { gw, client } = await gateway();
    const seen: Correction[] = [];
    const poller = createPoller({
      client,
      policy: FAST,
      webhook: { publicKey: PUB },
      onCorrected: (c) => seen.push(c),
    });
    cleanups.push(
      () => gw.close(),
      () => poller.close(),
    );
    const base = {
      ...unknownTask,
      statusUrl: `${gw.url}/async/status/x`,
      responseUrl: `${gw.url}/async/result/x`,
    };
    for (const id of ["req-a", "req-b"]) {
      const task = await poller.resume({ ...base, id });
      expect((await task.result()).kind).toBe("unknown");
    }
    expect(await poller.handleNotification(signed(tx))).toMatchObject({ corrected: [] });
    expect(seen).toEqual([]);
  });
});

describe("a transaction whose uid a task knows is that task's only", () => {
  const submittedAt = Date.now();
  const retried = {
    uid: "uid-2",
    type: "payment",
    tracking_id: "order-7",
    created_at: new Date(submittedAt).toISOString(),
  } as Transaction;
  const told: TaskState["outcome"] = { kind: "unknown", reason: "expired_or_already_read", recovered: [] };
  const others: Array<[string, Partial<TaskState>]> = [
    ["told unknown", { phase: "done", outcome: told }],
    ["still polling", { phase: "polling" }],
  ];

  it.each(others)("another task with the same tracking_id (%s) is not resolved by it", async (_, other) => {
    const { gw, client } = await gateway();
    const seen: Correction[] = [];
    const webhook = { publicKey: PUB };
    const poller = createPoller({ client, policy: NEVER_LOOKS, webhook, onCorrected: (c) => seen.push(c) });
    cleanups.push(
      () => gw.close(),
      () => poller.close(),
    );
    const state = (id: string, extra: Partial<TaskState>): TaskState => ({
      version: 1,
      id,
      operation: "payment",
      statusUrl: `${gw.url}/async/status/${id}`,
      responseUrl: `${gw.url}/async/result/${id}`,
      trackingId: "order-7",
      submittedAt,
      phase: "polling",
      attempt: 1,
      ...extra,
    });
    const earlier = await poller.resume(state("req-1", other));
    if (other.phase === "done") expect((await earlier.result()).kind).toBe("unknown");
    // The retry (same tracking_id) read its result: `incomplete`, uid-2. Its notification is its own.
    const result = { transaction: { ...retried, status: "incomplete" } } as never;
    await poller.resume(state("req-2", { phase: "follow_up", result }));
    const handled = await poller.handleNotification(signed({ ...retried, status: "successful" }));
    expect(handled).toMatchObject({ resolved: ["req-2"], corrected: [] });
    expect(earlier.state).toMatchObject(other);
    expect(seen).toEqual([]);
  });
});
