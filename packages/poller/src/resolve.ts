/**
 * What an authentic notification does to the tasks it is about (`lifecycle.next` decides, here it is
 * carried out): a pending task is resolved (`lifecycle.confirmed`), a task that ended `unknown` is
 * corrected to the result the notification proves (`lifecycle.corrected`), here or (shared store) in the
 * store, where `recordFacts` merges it with whatever another process wrote and tells every watcher.
 */
import type { Corrections } from "./corrections.js";
import { type Answer, next } from "./lifecycle.js";
import type { LocalDriver, Task } from "./local.js";
import { notifiedTasks } from "./match.js";
import type { PollPolicy } from "./policy.js";
import type { SharedTaskStore, TaskStore } from "./store/types.js";
import { normalizeState, type TaskState } from "./task.js";

export interface ResolveContext {
  store: TaskStore;
  shared: SharedTaskStore | undefined;
  policy: PollPolicy;
  tasks: Map<string, Task>;
  driver: LocalDriver;
  corrections: Corrections;
  /** Stores a task's state here (store not shared) and reports it. */
  persist: (task: Task) => Promise<void>;
  /** Re-reads a task of a shared store: waiters and `onCorrected` here learn its stored outcome. */
  refresh: (id: string) => Promise<void>;
}

export interface Resolution {
  /** Pending tasks the notification finished. */
  resolved: string[];
  /** Tasks that had ended `unknown` and now hold the result the notification proves. */
  corrected: string[];
}

type Confirmed = Answer & { type: "confirmed" };

export async function resolveByNotification(c: ResolveContext, answer: Confirmed): Promise<Resolution> {
  const out: Resolution = { resolved: [], corrected: [] };
  const mine = c.shared ? undefined : new Map([...c.tasks].map(([id, t]) => [id, t.state]));
  for (const s of await notifiedTasks(c.store, mine, answer.transaction)) {
    const wasDone = s.phase === "done";
    const stored = c.shared ? await recordShared(c, c.shared, s, answer) : await applyLocal(c, s, answer);
    if (stored?.phase !== "done") continue;
    if (!wasDone) out.resolved.push(s.id);
    // Corrected by this notification (not by a result another writer stored first).
    else if (
      stored.outcome?.kind === "completed" &&
      stored.outcome.transaction?.uid === answer.transaction.uid
    )
      out.corrected.push(s.id);
  }
  return out;
}

/** Shared store: the facts go to the store; it answers with what it keeps (undefined: nothing to do). */
async function recordShared(
  c: ResolveContext,
  store: SharedTaskStore,
  s: TaskState,
  answer: Confirmed,
): Promise<TaskState | undefined> {
  const step = next(s, answer, { policy: c.policy, now: Date.now() });
  if (step.action.type === "ignore") return undefined;
  const stored = await store.recordFacts(s.id, step.state);
  if (c.tasks.has(s.id)) await c.refresh(s.id);
  return step.action.type === "done" ? stored : undefined;
}

/** Store not shared: a pending task is driven here; a finished one is corrected in place. */
async function applyLocal(
  c: ResolveContext,
  s: TaskState,
  answer: Confirmed,
): Promise<TaskState | undefined> {
  const task = c.tasks.get(s.id);
  if (s.phase !== "done") {
    if (!task) return undefined; // not driven by this poller
    await c.driver.apply(task, answer);
    return task.state;
  }
  const step = next(s, answer, { policy: c.policy, now: Date.now() });
  if (step.action.type !== "done") return undefined;
  if (!task) {
    // Registered nowhere here (not restored yet): nobody here was told `unknown`, but the fact is kept.
    await c.store.put(step.state);
    return normalizeState((await c.store.get(s.id)) ?? step.state);
  }
  task.state = step.state;
  await c.persist(task);
  task.state = normalizeState((await c.store.get(s.id)) ?? task.state);
  c.corrections.check(s.id, task.state);
  return task.state;
}
