/**
 * A task store many worker processes share. Workers lease due tasks with `FOR UPDATE SKIP LOCKED`; a
 * lease carries a fencing token, so a worker that lost its lease (paused, partitioned, too slow) cannot
 * overwrite the new holder's state, yet what it learned from the gateway is kept: facts are merged into
 * the row inside the same transaction. Storing an outcome notifies every process (`LISTEN/NOTIFY`).
 */
import {
  type ClaimedTask,
  type Lease,
  mergeFacts,
  mergeFencedFacts,
  type SharedTaskStore,
  type TaskState,
} from "@paycross/poller";
import pg from "pg";
import { PostgresStoreError, unavailable } from "./errors.js";
import { Listener } from "./listener.js";
import { migrate } from "./migrations.js";
import { checkState, columns, mergeIsIdentity, NO_FACTS, type Row, stateOf } from "./rows.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/db`. Never repeated in an error or a log. */
  connectionString: string;
  /** The schema holding this store's tables, created by the migrations. Default `paycross`. */
  schema?: string;
  /** Connections this store opens at most (one more while someone `watch`es). Default 10. */
  maxConnections?: number;
  /** Upper bound on any one statement, in ms. Default 30 000. */
  statementTimeoutMs?: number;
  /** How long a call waits for a connection, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Failures in the background (the notification connection dropped, a listener threw). Default: a process warning. */
  onError?: (error: PostgresStoreError) => void;
}

/** The notification connection's application_name, so that an operator can tell it apart. */
export const LISTEN_APP = "paycross-poller-postgres-listen";
const MAX_ID = 1000; // a NOTIFY payload holds at most 8000 bytes; gateway ids are far shorter
const ms = (n: string) => `make_interval(secs => ${n}::float8 / 1000)`;

export class PostgresStore implements SharedTaskStore {
  readonly shared = true as const;
  readonly schema: string;
  private readonly t: string;
  private readonly channel: string;
  private readonly listener: Listener;
  private queries = 0;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    options: PostgresStoreOptions,
    schema: string,
  ) {
    this.schema = schema;
    this.t = `"${schema}".tasks`;
    this.channel = `paycross_tasks_${schema}`;
    const onError = options.onError ?? ((e) => process.emitWarning(e.message, { code: e.code }));
    this.listener = new Listener({
      connect: () => new pg.Client({ ...clientConfig(options), application_name: LISTEN_APP }),
      channel: this.channel,
      replay: (since) => this.doneSince(since),
      onError,
    });
  }

  /** Connects, applies pending migrations, and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = validateOptions(options);
    const pool = new pg.Pool({ ...clientConfig(options), max: options.maxConnections ?? 10 });
    // An idle connection dying (server restart) is reported here; without a handler it would crash the process.
    pool.on("error", () => {});
    const store = new PostgresStore(pool, options, schema);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, schema);
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => {});
      throw unavailable(`opening the store (schema "${schema}")`, e);
    }
    return store;
  }

  /** Statements sent to the server so far (each one a network round trip). */
  get roundTrips(): number {
    return this.queries;
  }

  /** A pending state is due at once, unless a live lease holds the task (its holder schedules it). */
  async put(state: TaskState): Promise<void> {
    checkArgState(state);
    // Fast path, one round trip: a new task. Only an existing row needs the read-merge-write.
    const { rowCount } = await this.query(
      "put",
      `WITH ins AS (
         INSERT INTO ${this.t} (id, state, outcome, facts, phase, next_poll_at)
         VALUES ($1, $2::json, $3::json, $4, $5, CASE WHEN $5 = 'done' THEN NULL ELSE now() END)
         ON CONFLICT (id) DO NOTHING RETURNING id, outcome)
       -- One row per insert (a pending task too), so rowCount tells the fast path was taken; notify only
       -- when the new task already carries an outcome.
       SELECT id, CASE WHEN outcome IS NOT NULL THEN pg_notify($6, id)::text END FROM ins`,
      [...columns(state), this.channel],
    );
    if (rowCount === 1) return;
    await this.transaction("put", async (c) => {
      const row = await this.lockRow(c, state.id);
      const merged = row ? mergeFacts(stateOf(row), state) : state;
      await this.write(c, merged, row, row?.leased ? "keep" : "now");
    });
  }

  async get(id: string): Promise<TaskState | undefined> {
    const { rows } = await this.query<Row>("get", `SELECT id, state FROM ${this.t} WHERE id = $1`, [id]);
    return rows[0] && stateOf(rows[0]);
  }

  async list(): Promise<TaskState[]> {
    const { rows } = await this.query<Row>("list", `SELECT id, state FROM ${this.t} ORDER BY id`);
    return rows.map(stateOf);
  }

  async delete(id: string): Promise<void> {
    await this.query("delete", `DELETE FROM ${this.t} WHERE id = $1`, [id]);
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedTask[]> {
    checkOwner(owner);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new PostgresStoreError("usage", `claim limit must be an integer from 1 to 10000, got ${limit}`);
    checkLeaseMs(leaseMs);
    // A leased row's next_poll_at is its lease expiry: an expired lease is due again, with no extra test.
    const { rows } = await this.query<Row & { fencing_token: string }>(
      "claim",
      `WITH due AS (
         SELECT id FROM ${this.t} WHERE phase <> 'done' AND next_poll_at <= now()
         ORDER BY next_poll_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE ${this.t} t SET lease_owner = $1, lease_expires_at = now() + ${ms("$3")},
         next_poll_at = now() + ${ms("$3")}, fencing_token = t.fencing_token + 1, claimed_at = now(),
         updated_at = now()
       FROM due WHERE t.id = due.id
       RETURNING t.id, t.state, t.fencing_token`,
      [owner, limit, leaseMs],
    );
    return rows.map((r) => ({
      state: stateOf(r),
      lease: { id: r.id, owner, token: Number(r.fencing_token) },
    }));
  }

  async renew(lease: Lease, leaseMs: number): Promise<boolean> {
    checkLease(lease);
    checkLeaseMs(leaseMs);
    const { rowCount } = await this.query(
      "renew",
      `UPDATE ${this.t} SET lease_expires_at = now() + ${ms("$4")},
         next_poll_at = CASE WHEN phase = 'done' THEN NULL ELSE now() + ${ms("$4")} END, updated_at = now()
       WHERE id = $1 AND lease_owner = $2 AND fencing_token = $3`,
      [lease.id, lease.owner, lease.token, leaseMs],
    );
    return rowCount === 1;
  }

  async update(lease: Lease, state: TaskState, nextPollAt: number | null): Promise<"ok" | "fenced"> {
    checkLease(lease);
    checkArgState(state);
    if (state.id !== lease.id)
      throw new PostgresStoreError(
        "usage",
        `update: the state of ${state.id} under the lease of ${lease.id}`,
      );
    if (nextPollAt !== null && !Number.isFinite(nextPollAt))
      throw new PostgresStoreError("usage", `update: nextPollAt must be epoch ms or null, got ${nextPollAt}`);
    if (mergeIsIdentity(state) && (await this.updateFast(lease, state, nextPollAt))) return "ok";
    return this.transaction("update", async (c) => {
      const row = await this.lockRow(c, lease.id);
      if (!row) return "fenced"; // forgotten by its owner: the lease went with it
      const stored = stateOf(row);
      const holds = row.lease_owner === lease.owner && Number(row.fencing_token) === lease.token;
      if (holds) {
        await this.write(c, mergeFacts(stored, state), row, { at: nextPollAt, release: true });
        return "ok";
      }
      const merged = mergeFencedFacts(stored, state);
      if (JSON.stringify(merged) !== JSON.stringify(stored)) await this.write(c, merged, row, "keep");
      return "fenced";
    });
  }

  async recordFacts(id: string, state: TaskState): Promise<TaskState> {
    checkArgState(state);
    if (state.id !== id)
      throw new PostgresStoreError("usage", `recordFacts: the state of ${state.id} for ${id}`);
    return this.transaction("recordFacts", async (c) => {
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
    if (this.closed)
      return Promise.reject(new PostgresStoreError("store_closed", "watch: the store is closed"));
    return this.listener.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener.close();
    await this.pool.end();
  }

  /**
   * The holder's write in one round trip, taken when no outcome is stored and the row's facts are the
   * ones the holder carries, or none (the usual case), so that the merge would return `state` itself.
   */
  private async updateFast(lease: Lease, s: TaskState, nextPollAt: number | null): Promise<boolean> {
    const { rows } = await this.query<{ id: string }>(
      "update",
      `WITH upd AS (
         UPDATE ${this.t} SET state = $4::json, outcome = $5::json, facts = $6, phase = $7,
           next_poll_at = CASE WHEN $7 = 'done' THEN NULL ELSE to_timestamp($8::float8 / 1000) END,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND lease_owner = $2 AND fencing_token = $3 AND outcome IS NULL
           AND (facts = $6 OR facts = $9)
         RETURNING id, outcome)
       SELECT id, CASE WHEN outcome IS NOT NULL THEN pg_notify($10, id) END FROM upd`,
      [
        lease.id,
        lease.owner,
        lease.token,
        ...columns(s).slice(1),
        nextPollAt ?? Date.now(),
        NO_FACTS,
        this.channel,
      ],
    );
    return rows.length === 1;
  }

  /**
   * Writes a merged state. `schedule`: `now` (due at once), `keep` (the holder's schedule and lease stay),
   * or the holder's own next poll time with its lease released. A finished task is never scheduled.
   */
  private async write(
    c: pg.PoolClient,
    state: TaskState,
    row: Row | undefined,
    schedule: "now" | "keep" | { at: number | null; release: true },
  ): Promise<void> {
    const release = typeof schedule === "object";
    // A pending state with no next poll time would never be polled again: due at once instead.
    const at = release ? (schedule.at ?? Date.now()) : 0;
    this.queries++;
    await c.query(
      `INSERT INTO ${this.t} AS t (id, state, outcome, facts, phase, next_poll_at)
       VALUES ($1, $2::json, $3::json, $4, $5, CASE WHEN $5 = 'done' THEN NULL ELSE now() END)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, outcome = excluded.outcome,
         facts = excluded.facts, phase = excluded.phase,
         next_poll_at = CASE WHEN $5 = 'done' THEN NULL WHEN $6::boolean THEN to_timestamp($7::float8 / 1000)
                             WHEN $8::boolean THEN coalesce(t.next_poll_at, now()) ELSE now() END,
         lease_owner = CASE WHEN $6::boolean THEN NULL ELSE t.lease_owner END,
         lease_expires_at = CASE WHEN $6::boolean THEN NULL ELSE t.lease_expires_at END,
         updated_at = now()`,
      [...columns(state), release, at, schedule === "keep"],
    );
    if (state.outcome && row?.has_outcome !== true) {
      this.queries++;
      await c.query("SELECT pg_notify($1, $2)", [this.channel, state.id]);
    }
  }

  private async lockRow(c: pg.PoolClient, id: string): Promise<Row | undefined> {
    this.queries++;
    const { rows } = await c.query<Row>(
      `SELECT id, state, outcome IS NOT NULL AS has_outcome, lease_owner, fencing_token,
         lease_expires_at > now() AS leased
       FROM ${this.t} WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0];
  }

  private async doneSince(since: Date): Promise<string[]> {
    const { rows } = await this.query<{ id: string }>(
      "replay",
      `SELECT id FROM ${this.t} WHERE phase = 'done' AND updated_at >= $1`,
      [since],
    );
    return rows.map((r) => r.id);
  }

  private async query<R extends pg.QueryResultRow>(
    what: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    if (this.closed) throw new PostgresStoreError("store_closed", `${what}: the store is closed`);
    this.queries++;
    try {
      return await this.pool.query<R>(sql, params);
    } catch (e) {
      throw unavailable(what, e);
    }
  }

  private async transaction<T>(what: string, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new PostgresStoreError("store_closed", `${what}: the store is closed`);
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw unavailable(what, e);
    }
    let broken: unknown;
    try {
      this.queries += 2; // BEGIN and COMMIT
      await c.query("BEGIN");
      const result = await body(c);
      await c.query("COMMIT");
      return result;
    } catch (e) {
      broken = e;
      await c.query("ROLLBACK").catch(() => {});
      throw unavailable(what, e);
    } finally {
      // A connection that failed mid-transaction is discarded, not handed to the next caller.
      c.release(broken instanceof PostgresStoreError ? undefined : (broken as Error | undefined));
    }
  }
}

function clientConfig(o: PostgresStoreOptions): pg.ClientConfig {
  return {
    connectionString: o.connectionString,
    statement_timeout: o.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
    application_name: "paycross-poller-postgres",
  };
}

function validateOptions(o: PostgresStoreOptions): string {
  if (!o || typeof o.connectionString !== "string" || !o.connectionString)
    throw new PostgresStoreError("config", "PostgresStore: connectionString must be a non-empty string");
  const schema = o.schema ?? "paycross";
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(schema))
    throw new PostgresStoreError(
      "config",
      `PostgresStore: schema must match [a-z_][a-z0-9_]{0,39}, got ${JSON.stringify(schema)}`,
    );
  for (const [k, v, max] of [
    ["maxConnections", o.maxConnections, 1000],
    ["statementTimeoutMs", o.statementTimeoutMs, 3_600_000],
    ["connectTimeoutMs", o.connectTimeoutMs, 3_600_000],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > max))
      throw new PostgresStoreError(
        "config",
        `PostgresStore: ${k} must be an integer from 1 to ${max}, got ${v}`,
      );
  return schema;
}

function checkArgState(state: TaskState): void {
  checkState(state, "argument");
  checkText("task id", state.id, MAX_ID);
}

function checkOwner(owner: string): void {
  checkText("lease owner", owner, 200);
}

/** A NUL cannot be stored in a text column, and an unpaired surrogate would come back changed. */
function checkText(what: string, v: string, max: number): void {
  if (typeof v !== "string" || !v || v.length > max || v.includes("\0") || /\p{Cs}/u.test(v))
    throw new PostgresStoreError(
      "usage",
      `${what} must be 1 to ${max} characters of well-formed text without NUL`,
    );
}

function checkLeaseMs(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > 3_600_000)
    throw new PostgresStoreError("usage", `leaseMs must be an integer from 1 to 3600000, got ${leaseMs}`);
}

function checkLease(lease: Lease): void {
  if (!lease || typeof lease.id !== "string" || !Number.isSafeInteger(lease.token))
    throw new PostgresStoreError("usage", "lease must be { id, owner, token } as returned by claim");
  checkOwner(lease.owner);
}
