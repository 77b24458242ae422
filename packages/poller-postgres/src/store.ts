/**
 * A task store many worker processes share. Workers lease due tasks with `FOR UPDATE SKIP LOCKED`; a
 * lease carries a fencing token, so a worker that lost its lease (paused, partitioned, too slow) cannot
 * overwrite the new holder's state, yet what it learned from the gateway is kept: facts are merged into
 * the row inside the same transaction. Storing an outcome notifies every process (`LISTEN/NOTIFY`).
 * The SQL is in sql.ts, the row mapping in rows.ts, the checks in validate.ts.
 */
import {
  type ClaimedTask,
  type Lease,
  mergeFacts,
  mergeFencedFacts,
  outcomeChanged,
  type SharedTaskStore,
  type TaskState,
  type UpdateResult,
  unknownMustWait,
} from "@paycross/poller";
import pg from "pg";
import { Db } from "./db.js";
import { PostgresStoreError, unavailable } from "./errors.js";
import { Listener } from "./listener.js";
import { migrate } from "./migrations.js";
import { columns, mergeIsIdentity, NO_FACTS, type Row, stateOf } from "./rows.js";
import * as sql from "./sql.js";
import {
  checkArgState,
  checkLease,
  checkLeaseMs,
  checkLimit,
  checkOwner,
  checkUpdate,
  clientConfig,
  type PostgresStoreOptions,
  validateOptions,
} from "./validate.js";

export type { PostgresStoreOptions } from "./validate.js";

/** The notification connection's application_name, so that an operator can tell it apart. */
export const LISTEN_APP = "paycross-poller-postgres-listen";

export class PostgresStore implements SharedTaskStore {
  readonly shared = true as const;
  readonly schema: string;
  private readonly t: string;
  private readonly channel: string;
  private readonly listener: Listener;
  private readonly factGraceMs: number;

  private constructor(
    private readonly db: Db,
    options: PostgresStoreOptions,
    schema: string,
  ) {
    this.schema = schema;
    this.t = `"${schema}".tasks`;
    this.channel = `paycross_tasks_${schema}`;
    this.factGraceMs = options.factGraceMs ?? 60_000;
    const onError = reporter(options);
    this.listener = new Listener({
      connect: () => new pg.Client({ ...clientConfig(options), application_name: LISTEN_APP }),
      channel: this.channel,
      replay: async (since) =>
        (await this.db.query<{ id: string }>("replay", sql.doneSince(this.t), [since])).rows.map((r) => r.id),
      onError,
    });
  }

  /** Connects, applies pending migrations, and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = validateOptions(options);
    const pool = new pg.Pool({ ...clientConfig(options), max: options.maxConnections ?? 10 });
    // An idle connection dying (server restart): the pool drops it and the next query opens another.
    // Reported, not thrown: without a handler here it would crash the process.
    const onError = reporter(options);
    pool.on("error", (e) => onError(unavailable("an idle connection", e)));
    const store = new PostgresStore(new Db(pool), options, schema);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, schema);
      } finally {
        client.release();
      }
    } catch (e) {
      // The open failed: the error thrown below says why; ending the pool cannot fail it further.
      await pool.end().catch(() => undefined);
      throw unavailable(`opening the store (schema "${schema}")`, e);
    }
    return store;
  }

  /** Statements sent to the server so far (each one a network round trip). */
  get roundTrips(): number {
    return this.db.queries;
  }

  /** A pending state is due at once, unless a live lease holds the task (its holder schedules it). */
  async put(state: TaskState, dueAt?: number): Promise<void> {
    await this.create(state, dueAt);
  }

  /** `put`, answering whether the task was new (the one-round-trip insert stored it). */
  async create(state: TaskState, dueAt?: number): Promise<boolean> {
    checkArgState(state);
    if (dueAt !== undefined && !Number.isFinite(dueAt))
      throw new PostgresStoreError("usage", `put: dueAt must be epoch ms, got ${dueAt}`);
    // Fast path, one round trip: a new task. Only an existing row needs the read-merge-write.
    const params = [...columns(state), this.channel, dueAt ?? null];
    const { rowCount } = await this.db.query("put", sql.insertNew(this.t), params);
    if (rowCount === 1) return true;
    await this.db.transaction("put", async (c) => {
      const row = await this.lockRow(c, state.id);
      const merged = row ? mergeFacts(stateOf(row), state) : state;
      await this.write(c, merged, row, row?.leased ? "keep" : "now");
    });
    return false;
  }

  async get(id: string): Promise<TaskState | undefined> {
    const { rows } = await this.db.query<Row>("get", `SELECT id, state FROM ${this.t} WHERE id = $1`, [id]);
    return rows[0] && stateOf(rows[0]);
  }

  async list(): Promise<TaskState[]> {
    const { rows } = await this.db.query<Row>("list", `SELECT id, state FROM ${this.t} ORDER BY id`);
    return rows.map(stateOf);
  }

  async delete(id: string): Promise<void> {
    await this.db.query("delete", `DELETE FROM ${this.t} WHERE id = $1`, [id]);
  }

  /** The tasks submitted with this tracking_id, from its index (at most 1000). */
  async findByTrackingId(trackingId: string): Promise<TaskState[]> {
    return this.byKey("tracking_id", trackingId);
  }

  /** The tasks whose transaction has this uid, from its index (at most 1000). */
  async findByUid(uid: string): Promise<TaskState[]> {
    return this.byKey("uid", uid);
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedTask[]> {
    checkOwner(owner);
    checkLimit(limit);
    checkLeaseMs(leaseMs);
    const { rows } = await this.db.query<Row & { fencing_token: string }>("claim", sql.claim(this.t), [
      owner,
      limit,
      leaseMs,
      this.factGraceMs,
    ]);
    return rows.map((r) => ({
      state: stateOf(r),
      lease: { id: r.id, owner, token: Number(r.fencing_token) },
    }));
  }

  async renew(lease: Lease, leaseMs: number): Promise<boolean> {
    checkLease(lease);
    checkLeaseMs(leaseMs);
    const p = [lease.id, lease.owner, lease.token, leaseMs];
    return (await this.db.query("renew", sql.renew(this.t), p)).rowCount === 1;
  }

  async update(lease: Lease, state: TaskState, nextPollAt: number | null): Promise<UpdateResult> {
    checkUpdate(lease, state, nextPollAt);
    // An `unknown` may have to wait (unknownMustWait): only the locked path can tell.
    const fast = mergeIsIdentity(state) && state.outcome?.kind !== "unknown";
    if (fast && (await this.updateFast(lease, state, nextPollAt))) return "ok";
    return this.db.transaction("update", async (c): Promise<UpdateResult> => {
      const row = await this.lockRow(c, lease.id);
      if (!row) return "fenced"; // forgotten by its owner: the lease went with it
      const stored = stateOf(row);
      if (row.lease_owner !== lease.owner || Number(row.fencing_token) !== lease.token) {
        const merged = mergeFencedFacts(stored, state);
        if (JSON.stringify(merged) !== JSON.stringify(stored)) await this.write(c, merged, row, "due");
        return "fenced";
      }
      const merged = mergeFacts(stored, state);
      if (unknownMustWait(stored, merged, row.facts_pending_ms, row.now_ms ?? Date.now())) {
        await this.write(c, stored, row, "pending");
        return "deferred";
      }
      await this.write(c, merged, row, "at", nextPollAt);
      return "ok";
    });
  }

  async recordFacts(id: string, state: TaskState): Promise<TaskState> {
    checkArgState(state);
    if (state.id !== id)
      throw new PostgresStoreError("usage", `recordFacts: the state of ${state.id} for ${id}`);
    return this.db.transaction("recordFacts", async (c) => {
      const row = await this.lockRow(c, id);
      if (!row) {
        // Facts about a task this store does not hold: keep them (they exist nowhere else).
        await this.write(c, state, undefined, "now");
        return state;
      }
      const stored = stateOf(row);
      const merged = mergeFencedFacts(stored, state);
      if (JSON.stringify(merged) === JSON.stringify(stored)) return stored;
      await this.write(c, merged, row, "keep");
      return merged;
    });
  }

  watch(listener: (id: string) => void): Promise<() => void> {
    if (this.db.closed)
      return Promise.reject(new PostgresStoreError("store_closed", "watch: the store is closed"));
    return this.listener.add(listener);
  }

  async close(): Promise<void> {
    if (this.db.closed) return;
    this.db.closed = true;
    await this.listener.close();
    await this.db.end();
  }

  private async byKey(column: "tracking_id" | "uid", value: string): Promise<TaskState[]> {
    if (typeof value !== "string" || !value) return [];
    const { rows } = await this.db.query<Row>(`findBy ${column}`, sql.byKey(this.t, column), [value]);
    return rows.map(stateOf);
  }

  private async updateFast(lease: Lease, s: TaskState, nextPollAt: number | null): Promise<boolean> {
    const params = [
      ...columns(s),
      lease.owner,
      lease.token,
      nextPollAt ?? Date.now(),
      NO_FACTS,
      this.channel,
    ];
    const { rows } = await this.db.query<{ id: string }>("update", sql.updateHeld(this.t), params);
    return rows.length === 1;
  }

  /** Writes a merged state with its schedule (sql.ts `Schedule`); tells every process of a new or corrected outcome. */
  private async write(
    c: pg.PoolClient,
    state: TaskState,
    row: Row | undefined,
    schedule: sql.Schedule,
    at: number | null = null,
  ): Promise<void> {
    // A pending state with no next poll time would never be polled again: due at once instead.
    await this.db.run(c, sql.upsertMerged(this.t), [...columns(state), schedule, at ?? Date.now()]);
    // A first outcome, or a result replacing an `unknown` (waiters told `unknown` must hear of it).
    if (outcomeChanged(row?.has_outcome === true ? stateOf(row).outcome : undefined, state))
      await this.db.run(c, "SELECT pg_notify($1, $2)", [this.channel, state.id]);
  }

  private async lockRow(c: pg.PoolClient, id: string): Promise<Row | undefined> {
    return (await this.db.run<Row>(c, sql.lockRow(this.t), [id])).rows[0];
  }
}

/** `options.onError`, or a process warning; a throwing handler is itself only a warning. */
function reporter(options: PostgresStoreOptions): (e: PostgresStoreError) => void {
  return (e) => {
    try {
      if (options.onError) options.onError(e);
      else process.emitWarning(e.message, { code: e.code });
    } catch (thrown) {
      process.emitWarning(`PostgresStore onError threw while reporting ${e.code}: ${String(thrown)}`);
    }
  };
}
