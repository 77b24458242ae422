/**
 * The shared-store contract in one process: several pollers (workers) share tasks through leases with
 * fencing tokens, next poll times and outcome notifications, exactly as they would on PostgreSQL. Survives
 * nothing; meant for tests and for several pollers inside one process.
 */
import { payCrossError } from "@paycross/client";
import { mergeFacts, mergeFencedFacts, outcomeChanged, unknownMustWait } from "../lifecycle.js";
import type { TaskState } from "../task.js";
import { StateTable } from "./state-table.js";
import type { ClaimedTask, Lease, SharedTaskStore, UpdateResult } from "./types.js";

/** A task's lease and schedule; its state is in the table. */
interface Row {
  nextPollAt: number | null;
  owner: string | undefined;
  token: number;
  leaseUntil: number;
  /** An unreleased lease was taken over: its holder may still bring a fact until then (epoch ms). */
  factsPendingUntil: number | null;
}

export interface SharedMemoryStoreOptions {
  /**
   * How long after a lease expired unreleased its holder may still store a fact it read (a read-once
   * result): until then another worker's `unknown` is not final. Default 60 000 ms.
   */
  factGraceMs?: number;
}

export class SharedMemoryStore implements SharedTaskStore {
  readonly shared = true as const;
  private readonly table = new StateTable();
  private readonly rows = new Map<string, Row>();
  private readonly listeners = new Set<(id: string) => void>();
  private tokens = 0;
  private readonly factGraceMs: number;

  constructor(options: SharedMemoryStoreOptions = {}) {
    this.factGraceMs = options.factGraceMs ?? 60_000;
  }

  async create(state: TaskState, dueAt?: number): Promise<boolean> {
    const created = !this.rows.has(state.id);
    await this.put(state, dueAt);
    return created;
  }

  async put(state: TaskState, dueAt?: number): Promise<void> {
    const row = this.rows.get(state.id);
    const merged = mergeFacts(this.table.get(state.id), state);
    const at = row || dueAt === undefined ? Date.now() : dueAt;
    this.write(state.id, merged, merged.phase === "done" ? null : at, row);
  }

  async delete(id: string): Promise<void> {
    this.rows.delete(id);
    this.table.delete(id);
  }

  async get(id: string): Promise<TaskState | undefined> {
    return this.table.get(id);
  }

  async list(): Promise<TaskState[]> {
    return this.table.list();
  }

  async findByTrackingId(trackingId: string): Promise<TaskState[]> {
    return this.table.findByTrackingId(trackingId);
  }

  async findByUid(uid: string): Promise<TaskState[]> {
    return this.table.findByUid(uid);
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedTask[]> {
    const now = Date.now();
    const out: ClaimedTask[] = [];
    for (const [id, row] of this.rows) {
      if (out.length >= limit) break;
      if (row.nextPollAt === null || row.nextPollAt > now) continue;
      if (row.owner !== undefined && row.leaseUntil > now) continue;
      if (row.owner !== undefined)
        row.factsPendingUntil = Math.max(row.factsPendingUntil ?? 0, row.leaseUntil + this.factGraceMs);
      row.owner = owner;
      row.token = ++this.tokens;
      row.leaseUntil = now + leaseMs;
      out.push({ state: this.table.get(id)!, lease: { id, owner, token: row.token } });
    }
    return out;
  }

  async renew(lease: Lease, leaseMs: number): Promise<boolean> {
    const row = this.held(lease);
    if (!row) return false;
    row.leaseUntil = Date.now() + leaseMs;
    return true;
  }

  async update(lease: Lease, state: TaskState, nextPollAt: number | null): Promise<UpdateResult> {
    // As PostgresStore: a state written under another task's lease would move that task's schedule.
    if (state.id !== lease.id)
      throw payCrossError("usage", `update: the state of ${state.id} under the lease of ${lease.id}`);
    const row = this.rows.get(state.id);
    if (!row) return "fenced"; // deleted meanwhile
    const stored = this.table.get(state.id)!;
    if (!this.held(lease)) {
      const merged = mergeFencedFacts(stored, state);
      // A late fact (a kept 5xx) on a task nobody holds: look again now, a 404 next makes it the result.
      const changed = JSON.stringify(merged) !== this.table.text(state.id);
      const at = changed && row.owner === undefined ? Date.now() : row.nextPollAt;
      this.write(state.id, merged, merged.phase === "done" ? null : at, row);
      return "fenced";
    }
    const merged = mergeFacts(stored, state);
    row.owner = undefined;
    row.leaseUntil = 0;
    if (unknownMustWait(stored, merged, row.factsPendingUntil, Date.now())) {
      this.write(state.id, stored, row.factsPendingUntil, row);
      return "deferred";
    }
    this.write(state.id, merged, merged.phase === "done" ? null : nextPollAt, row);
    return "ok";
  }

  async recordFacts(id: string, state: TaskState): Promise<TaskState> {
    if (state.id !== id) throw payCrossError("usage", `recordFacts: the state of ${state.id} for ${id}`);
    const row = this.rows.get(id);
    const merged = mergeFencedFacts(this.table.get(id), state);
    this.write(id, merged, merged.phase === "done" ? null : (row?.nextPollAt ?? Date.now()), row);
    return this.table.get(id)!;
  }

  async watch(listener: (id: string) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private held(lease: Lease): Row | undefined {
    const row = this.rows.get(lease.id);
    // An expired lease nobody took over is still held: no other worker can have read meanwhile.
    if (!row || row.owner !== lease.owner || row.token !== lease.token) return undefined;
    return row;
  }

  private write(id: string, state: TaskState, nextPollAt: number | null, row: Row | undefined): void {
    const before = row !== undefined ? this.table.get(id)?.outcome : undefined;
    this.table.set(state);
    if (row) row.nextPollAt = nextPollAt;
    else
      this.rows.set(id, {
        nextPollAt,
        owner: undefined,
        token: 0,
        leaseUntil: 0,
        factsPendingUntil: null,
      });
    if (outcomeChanged(before, state)) {
      // Asynchronously, as a database notification would arrive.
      for (const l of [...this.listeners])
        queueMicrotask(() => {
          try {
            l(id);
          } catch {
            // A listener's failure is its own.
          }
        });
    }
  }
}
