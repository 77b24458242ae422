/**
 * A durable store in one append-only file: each change is one JSON line, made durable with fdatasync
 * before `put` resolves. Writes that arrive together share one append and one sync (group commit), so
 * thousands of tasks do not mean thousands of syncs. On open the log is replayed; a torn last line from a
 * crash is ignored; the file is compacted when it holds far more lines than live tasks.
 */
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { mergeFacts } from "../lifecycle.js";
import type { TaskState } from "../task.js";
import type { TaskStore } from "./types.js";

type Line = { put: TaskState } | { del: string };

export class FileStore implements TaskStore {
  private readonly states = new Map<string, TaskState>();
  private handle: FileHandle | undefined;
  private queue: Array<{ line: string; done: () => void; fail: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private lines = 0;

  private constructor(readonly path: string) {}

  /** Opens (or creates) the store at `path`, replaying what a previous process wrote. */
  static async open(path: string): Promise<FileStore> {
    const store = new FileStore(path);
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      for (const raw of text.split("\n")) {
        if (!raw) continue;
        let line: Line;
        try {
          line = JSON.parse(raw) as Line;
        } catch {
          continue; // the torn tail of a write interrupted by a crash
        }
        if ("put" in line) store.states.set(line.put.id, line.put);
        else store.states.delete(line.del);
        store.lines++;
      }
      if (store.lines > 2 * store.states.size + 100) store.compact();
    }
    store.handle = await open(path, "a");
    return store;
  }

  put(state: TaskState): Promise<void> {
    const copy = mergeFacts(this.states.get(state.id), JSON.parse(JSON.stringify(state)) as TaskState);
    this.states.set(copy.id, copy);
    return this.append({ put: copy });
  }

  async get(id: string): Promise<TaskState | undefined> {
    const s = this.states.get(id);
    return s && (JSON.parse(JSON.stringify(s)) as TaskState);
  }

  async list(): Promise<TaskState[]> {
    return [...this.states.values()].map((s) => JSON.parse(JSON.stringify(s)) as TaskState);
  }

  delete(id: string): Promise<void> {
    this.states.delete(id);
    return this.append({ del: id });
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
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
        if (!this.handle) throw new Error(`FileStore ${this.path} is closed`);
        await this.handle.appendFile(batch.map((b) => b.line).join(""));
        await this.handle.datasync();
        this.lines += batch.length;
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.fail(e);
      }
    }
    this.flushing = undefined;
  }

  /** Rewrites the log with one line per live task, atomically (write, sync, rename). */
  private compact(): void {
    const tmp = `${this.path}.compact`;
    const fd = openSync(tmp, "w");
    try {
      for (const s of this.states.values()) writeSync(fd, `${JSON.stringify({ put: s })}\n`);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.lines = this.states.size;
  }
}
