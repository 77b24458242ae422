/** Checks of options and arguments: a clear `config`/`usage` error before anything reaches the server. */
import type { Lease, TaskState } from "@paycross/poller";
import type pg from "pg";
import { PostgresStoreError } from "./errors.js";
import { checkState, storableText } from "./rows.js";

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
  /**
   * How long after a lease expired unreleased (its worker killed, paused or cut off) that worker may still
   * store a fact it read, such as a read-once result: until then another worker's `unknown` is not final
   * (the task is looked at again). Default 60 000 ms; at least the client's request timeout.
   */
  factGraceMs?: number;
  /** Failures in the background (the notification connection dropped, a listener threw). Default: a process warning. */
  onError?: (error: PostgresStoreError) => void;
}

const MAX_ID = 1000; // a NOTIFY payload holds at most 8000 bytes; gateway ids are far shorter

export function clientConfig(o: PostgresStoreOptions): pg.ClientConfig {
  return {
    connectionString: o.connectionString,
    statement_timeout: o.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
    application_name: "paycross-poller-postgres",
  };
}

/** Returns the schema name. */
export function validateOptions(o: PostgresStoreOptions): string {
  if (!o || typeof o.connectionString !== "string" || !o.connectionString)
    throw new PostgresStoreError("config", "PostgresStore: connectionString must be a non-empty string");
  const schema = o.schema ?? "paycross";
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(schema))
    throw new PostgresStoreError(
      "config",
      `PostgresStore: schema must match [a-z_][a-z0-9_]{0,39}, got ${JSON.stringify(schema)}`,
    );
  for (const [k, v, min, max] of [
    ["maxConnections", o.maxConnections, 1, 1000],
    ["statementTimeoutMs", o.statementTimeoutMs, 1, 3_600_000],
    ["connectTimeoutMs", o.connectTimeoutMs, 1, 3_600_000],
    ["factGraceMs", o.factGraceMs, 0, 86_400_000],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max))
      throw new PostgresStoreError(
        "config",
        `PostgresStore: ${k} must be an integer from ${min} to ${max}, got ${v}`,
      );
  return schema;
}

export function checkArgState(state: TaskState): void {
  checkState(state, "argument");
  checkText("task id", state.id, MAX_ID);
}

export function checkOwner(owner: string): void {
  checkText("lease owner", owner, 200);
}

/** A NUL cannot be stored in a text column, and an unpaired surrogate would come back changed. */
function checkText(what: string, v: string, max: number): void {
  if (!storableText(v, max))
    throw new PostgresStoreError(
      "usage",
      `${what} must be 1 to ${max} characters of well-formed text without NUL`,
    );
}

export function checkLeaseMs(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > 3_600_000)
    throw new PostgresStoreError("usage", `leaseMs must be an integer from 1 to 3600000, got ${leaseMs}`);
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new PostgresStoreError("usage", `claim limit must be an integer from 1 to 10000, got ${limit}`);
}

export function checkLease(lease: Lease): void {
  if (!lease || typeof lease.id !== "string" || !Number.isSafeInteger(lease.token))
    throw new PostgresStoreError("usage", "lease must be { id, owner, token } as returned by claim");
  checkOwner(lease.owner);
}

export function checkUpdate(lease: Lease, state: TaskState, nextPollAt: number | null): void {
  checkLease(lease);
  checkArgState(state);
  if (state.id !== lease.id)
    throw new PostgresStoreError("usage", `update: the state of ${state.id} under the lease of ${lease.id}`);
  if (nextPollAt !== null && !Number.isFinite(nextPollAt))
    throw new PostgresStoreError("usage", `update: nextPollAt must be epoch ms or null, got ${nextPollAt}`);
}
