/** Rows to states and back: every state read from the database is checked before it is trusted. */
import type { TaskState } from "@paycross/poller";
import { PostgresStoreError } from "./errors.js";
import { FACT_KEYS, mergeFacts } from "./shared.js";

export interface Row {
  id: string;
  state: unknown;
  has_outcome?: boolean;
  lease_owner?: string | null;
  fencing_token?: string;
}

const PHASES = ["polling", "follow_up", "done"];

/** Throws `store_corrupt` (a row) or `usage` (an argument) naming the task and the problem, never its body. */
export function checkState(value: unknown, source: "argument" | { row: string }): asserts value is TaskState {
  const v = value as Partial<TaskState> | null;
  const problems: string[] = [];
  if (!v || typeof v !== "object" || Array.isArray(v)) problems.push("not an object");
  else {
    if (v.version !== 1) problems.push("version must be 1");
    if (typeof v.id !== "string" || !v.id) problems.push("id must be a non-empty string");
    if (typeof v.operation !== "string") problems.push("operation must be a string");
    if (typeof v.statusUrl !== "string" || typeof v.responseUrl !== "string")
      problems.push("statusUrl and responseUrl must be strings");
    if (!PHASES.includes(v.phase as string)) problems.push("phase must be polling, follow_up or done");
    if (typeof v.attempt !== "number") problems.push("attempt must be a number");
  }
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

/** The gateway facts of a state as text, in a fixed key order: equal text, equal facts. */
export function factsText(s: TaskState): string {
  return JSON.stringify(FACT_KEYS.map((k) => s[k] ?? null));
}

export const NO_FACTS = JSON.stringify(FACT_KEYS.map(() => null));

/** The values of the id, state, outcome, facts and phase columns for a state. */
export function columns(s: TaskState): [string, string, string | null, string, string] {
  return [s.id, JSON.stringify(s), s.outcome ? JSON.stringify(s.outcome) : null, factsText(s), s.phase];
}

/** The holder's own state, with every fact already stored kept (someone may have recorded one meanwhile). */
export function holderMerge(stored: TaskState, incoming: TaskState): TaskState {
  const facts = mergeFacts(stored, incoming);
  const merged: TaskState = { ...incoming };
  for (const k of FACT_KEYS) {
    if (facts[k] === undefined) delete merged[k];
    else (merged as unknown as Record<string, unknown>)[k] = facts[k];
  }
  if (merged.outcome) merged.phase = "done";
  return merged;
}

/** What the holder's write stores when no merge is needed: its state, `done` once it has an outcome. */
export function normalized(state: TaskState): TaskState {
  return state.outcome && state.phase !== "done" ? { ...state, phase: "done" } : state;
}
