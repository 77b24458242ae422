/**
 * One LISTEN connection per store, shared by every `watch` caller. It reconnects with backoff after a
 * drop; on reconnecting it replays the outcomes stored since its last heartbeat, so a waiter never
 * misses a notification sent while the connection was down.
 */
import type pg from "pg";
import { PostgresStoreError, unavailable } from "./errors.js";

export interface ListenerOptions {
  connect: () => pg.Client;
  channel: string;
  /** Ids of tasks whose outcome was stored at or after `since` (database time). */
  replay: (since: Date) => Promise<string[]>;
  onError: (e: PostgresStoreError) => void;
  /** How often the connection is checked, in ms. */
  heartbeatMs?: number;
}

const MAX_BACKOFF_MS = 5_000;

export class Listener {
  private readonly listeners = new Set<(id: string) => void>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** Database time of the last moment the connection was known to be listening. */
  private aliveAt: Date | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly o: ListenerOptions) {}

  async add(fn: (id: string) => void): Promise<() => void> {
    this.listeners.add(fn);
    try {
      if (!this.client) {
        if (!this.connecting) this.connecting = this.connect();
        await this.connecting;
      }
    } catch (e) {
      this.listeners.delete(fn);
      throw e;
    }
    return () => {
      this.listeners.delete(fn);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    // Closing: a connect that failed was reported when it failed; ending a dead connection has nothing to say.
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const c = this.o.connect();
    c.on("error", (e) => this.lost(c, e)); // reported by lost(); an unhandled 'error' would crash the process
    c.on("end", () => this.lost(c));
    c.on("notification", (m) => {
      if (m.channel === this.o.channel && m.payload) this.emit(m.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${this.o.channel}"`);
      const since = this.aliveAt;
      this.aliveAt = await this.now(c);
      this.client = c;
      this.failures = 0;
      this.heartbeat = setInterval(() => void this.beat(c), this.o.heartbeatMs ?? 5_000);
      this.heartbeat.unref();
      // Outcomes stored while no connection listened (a second of margin for clock granularity).
      if (since) for (const id of await this.o.replay(new Date(since.getTime() - 1_000))) this.emit(id);
    } catch (e) {
      // The failure is thrown below; the half-open connection is only discarded.
      c.removeAllListeners();
      c.on("error", () => undefined);
      await c.end().catch(() => undefined);
      throw unavailable("listening for outcomes", e);
    } finally {
      this.connecting = undefined;
    }
  }

  private async now(c: pg.Client): Promise<Date> {
    const { rows } = await c.query<{ t: Date }>("SELECT now() AS t");
    return rows[0]!.t;
  }

  private async beat(c: pg.Client): Promise<void> {
    try {
      this.aliveAt = await this.now(c);
    } catch (e) {
      this.lost(c, e);
    }
  }

  private lost(c: pg.Client, cause?: unknown): void {
    if (this.client !== c || this.closed) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    // Reported once below with its cause; the dead connection is only discarded.
    c.removeAllListeners();
    c.on("error", () => undefined);
    c.end().catch(() => undefined);
    const why = cause instanceof Error ? ` (${cause.message})` : "";
    this.o.onError(
      new PostgresStoreError(
        "store_unavailable",
        `the notification connection dropped${why}: reconnecting`,
        cause,
      ),
    );
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed) return;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.failures++);
    this.retry = setTimeout(() => {
      if (!this.connecting) this.connecting = this.connect();
      this.connecting.catch((e: PostgresStoreError) => {
        this.o.onError(e);
        this.reconnect();
      });
    }, delay);
    this.retry.unref();
  }

  private emit(id: string): void {
    for (const fn of this.listeners) {
      try {
        fn(id);
      } catch (e) {
        this.o.onError(new PostgresStoreError("usage", `a watch listener threw for task ${id}`, e));
      }
    }
  }
}
