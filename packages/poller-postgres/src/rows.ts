/**
 * States to rows and back, and the three ways a write combines with what is stored, all through the
 * poller's one `mergeFacts`. Every state read from the database is checked before it is trusted.
 */
import { knownUid, mergeFacts, type TaskState, taskStateProblems } from "@paycross/poller";
import { PostgresStoreError } from "./errors.js";

export interface Row {
  id: string;
  state: unknown;
  has_outcome?: boolean;
  lease_owner?: string | null;
  fencing_token?: string;
  leased?: boolean;
  /** Until when an earlier, unreleased lease's holder may still bring a fact (epoch ms, database clock). */
  facts_pending_ms?: number | null;
  /** The database's clock at the read (epoch ms). */
  now_ms?: number;
}

/** What the gateway said about a task, besides its outcome: `mergeFacts` keeps these across writers. */
export const PENDING_FACTS = ["result", "candidate", "answeredAt", "statusCompleted", "errorResult"] as const;

/** Throws `store_corrupt` (a row) or `usage` (an argument) naming the task and the problem, never its body. */
export function checkState(value: unknown, source: "argument" | { row: string }): asserts value is TaskState {
  const problems = taskStateProblems(value);
  if (problems.length === 0) return;
  if (source === "argument")
    throw new PostgresStoreError("usage", `invalid task state: ${problems.join("; ")}`);
  throw new PostgresStoreError(
    "store_corrupt",
    `task ${source.row}: stored state is invalid: ${problems.join("; ")}`,
  );
}

export function stateOf(row: Row): TaskState {
  checkState(row.state, { row: row.id });
  if (row.state.id !== row.id)
    throw new PostgresStoreError("store_corrupt", `task ${row.id}: stored state names another id`);
  return row.state;
}

/** The pending facts as text in a fixed key order: equal text, equal facts (JSON.stringify is stable). */
export function factsText(s: TaskState): string {
  return JSON.stringify(PENDING_FACTS.map((k) => s[k] ?? null));
}
export const NO_FACTS = JSON.stringify(PENDING_FACTS.map(() => null));

/** Whether a text column can hold `v` as it is (a NUL cannot be stored, an unpaired surrogate comes back changed). */
export function storableText(v: unknown, max: number): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= max && !v.includes("\0") && !/\p{Cs}/u.test(v);
}

/** A lookup key as a text column holds it; a key it cannot hold (NUL, > 1000 chars) is not indexed. */
const key = (v: string | undefined): string | null => (storableText(v, 1000) ? v : null);

export type Columns = [string, string, string | null, string, string, string | null, string | null];

/** The values of the id, state, outcome, facts, phase, tracking_id and uid columns ($1 to $7). */
export function columns(s: TaskState): Columns {
  const outcome = s.outcome ? JSON.stringify(s.outcome) : null;
  return [s.id, JSON.stringify(s), outcome, factsText(s), s.phase, key(s.trackingId), key(knownUid(s))];
}

/**
 * Whether the holder's write may skip reading the row: with no outcome stored, and stored pending facts
 * either none or exactly the incoming ones, `mergeFacts` returns `incoming` unchanged. Checked here for
 * both cases rather than assumed, so a change in the merge rules turns the shortcut off, never wrong.
 */
export function mergeIsIdentity(incoming: TaskState): boolean {
  const without: TaskState = { ...incoming };
  for (const k of PENDING_FACTS) delete without[k];
  delete without.outcome;
  without.phase = "polling";
  const same = JSON.stringify(incoming);
  return (
    JSON.stringify(mergeFacts(without, incoming)) === same &&
    JSON.stringify(mergeFacts(withoutOutcome(incoming), incoming)) === same
  );
}

function withoutOutcome(s: TaskState): TaskState {
  const c: TaskState = { ...s };
  delete c.outcome;
  if (c.phase === "done") c.phase = "polling";
  return c;
}
