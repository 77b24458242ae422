/**
 * A durable store in one append-only file, owned by one process at a time (a lock file beside it). Each
 * change is one JSON line, made durable with fdatasync before `put` resolves; writes that arrive together
 * share one append and one sync (group commit). On open the log is replayed and every state validated:
 * a torn LAST line (a crash mid-append) is cut away before anything is appended; any other bad line stops
 * the open with an error naming the file and line, unless `repair` moves bad lines to `<path>.rejected`.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { dirname } from "node:path";
import { normalizeState, type TaskState, taskStateProblems } from "../task.js";
import { PayCrossStoreError } from "./errors.js";
import { acquireLock } from "./file-lock.js";
import { StateTable } from "./state-table.js";
import type { TaskStore } from "./types.js";

type Line = { put: TaskState } | { del: string };

export interface FileStoreOptions {
  /** Move unreadable or invalid lines to `<path>.rejected` instead of refusing to open. Default false. */
  repair?: boolean;
}

export interface OpenReport {
  /** A torn last line (an append cut by a crash, never acknowledged) was cut away. */
  tornTail: boolean;
  /** Lines moved to `<path>.rejected` by `repair`. */
  rejected: number;
}

export class FileStore implements TaskStore {
  private readonly table = new StateTable();
  private handle: FileHandle | undefined;
  private queue: Array<{ line: string; done: () => void; fail: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private lines = 0;
  private broken: unknown;
  private release: (() => void) | undefined;
  /** What `open` found and did. */
  readonly opened: OpenReport = { tornTail: false, rejected: 0 };

  private constructor(readonly path: string) {}

  /** Opens (or creates) the store at `path`, replaying what a previous process wrote. */
  static async open(path: string, options: FileStoreOptions = {}): Promise<FileStore> {
    const store = new FileStore(path);
    store.release = acquireLock(path);
    try {
      if (existsSync(path)) store.replay(options.repair === true);
      store.handle = await open(path, "a");
    } catch (e) {
      store.release();
      throw e;
    }
    return store;
  }

  put(state: TaskState): Promise<void> {
    const merged = this.table.merge(state);
    return this.append({ put: merged });
  }

  delete(id: string): Promise<void> {
    this.table.delete(id);
    return this.append({ del: id });
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

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
    this.release?.();
    this.release = undefined;
  }

  private replay(repair: boolean): void {
    const text = readFileSync(this.path, "utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end < text.length) {
      // The last append was cut by a crash (its put never resolved): cut it away, or the next append
      // would join it and be lost too.
      truncateSync(this.path, Buffer.byteLength(text.slice(0, end)));
      this.opened.tornTail = true;
    }
    const rejected: string[] = [];
    const raws = text.slice(0, end).split("\n");
    raws.pop(); // after the final newline
    raws.forEach((raw, i) => {
      const problem = this.apply(raw);
      if (!problem) return;
      if (!repair)
        throw new PayCrossStoreError({
          code: "store_corrupt",
          path: this.path,
          message: `FileStore ${this.path} line ${i + 1}: ${problem} (open with { repair: true } to move bad lines to ${this.path}.rejected)`,
        });
      rejected.push(raw);
    });
    if (rejected.length > 0) {
      appendFileSync(`${this.path}.rejected`, `${rejected.join("\n")}\n`);
      this.opened.rejected = rejected.length;
    }
    if (rejected.length > 0 || this.lines > 2 * this.table.size + 100) this.compact();
  }

  /** Applies one log line; returns what is wrong with it, if anything. */
  private apply(raw: string): string | undefined {
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      return "not JSON";
    }
    const l = line as Partial<{ put: unknown; del: unknown }> | null;
    if (l && typeof l === "object" && typeof l.del === "string" && l.put === undefined) {
      this.table.delete(l.del);
    } else if (l && typeof l === "object" && l.put !== undefined) {
      const problems = taskStateProblems(l.put);
      if (problems.length) return `invalid task state (${problems.join("; ")})`;
      this.table.merge(normalizeState(l.put as TaskState));
    } else {
      return "neither a put nor a del";
    }
    this.lines++;
    return undefined;
  }

  private append(line: Line): Promise<void> {
    return new Promise<void>((done, fail) => {
      this.queue.push({ line: `${JSON.stringify(line)}\n`, done, fail });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Yield once so that every put of this tick joins the same write.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.broken) throw this.broken;
        if (!this.handle)
          throw new PayCrossStoreError({
            code: "store_closed",
            path: this.path,
            message: `FileStore ${this.path} is closed`,
          });
        await this.handle.appendFile(batch.map((b) => b.line).join(""));
        await this.handle.datasync();
        this.lines += batch.length;
        for (const b of batch) b.done();
      } catch (e) {
        // A failed append may have left a partial line: nothing more is appended after it.
        this.broken ??= new PayCrossStoreError({
          code: "store_io",
          path: this.path,
          message: `FileStore ${this.path}: a write failed; reopen the store`,
          cause: e,
        });
        for (const b of batch) b.fail(e);
      }
    }
    this.flushing = undefined;
  }

  /** Rewrites the log with one line per live task: write, sync, rename, sync the directory. */
  private compact(): void {
    const tmp = `${this.path}.compact`;
    const fd = openSync(tmp, "w");
    try {
      // The stored text as it is: the same line JSON.stringify({ put: state }) would make.
      for (const s of this.table.texts()) writeSync(fd, `{"put":${s}}\n`);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    const dir = openSync(dirname(this.path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.lines = this.table.size;
  }
}
