/**
 * One owner per store file: a lock file beside it, created exclusively, holding who owns it (pid, host,
 * start time). A lock left by a process that no longer runs on this host is stale and taken over; any
 * other lock refuses the open with an error naming the holder. Two writers on one append log would
 * interleave and compact over each other (acknowledged puts and read-once results lost).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { PayCrossStoreError } from "./errors.js";

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(lockPath, "utf8")) as Partial<LockHolder> | null;
    if (h && typeof h.pid === "number" && typeof h.host === "string") return h as LockHolder;
  } catch {
    // Unreadable: a crash between create and write. Treated as stale below.
  }
  return undefined;
}

/** Takes the lock for `path`; returns the function that releases it. */
export function acquireLock(path: string): () => void {
  const lockPath = `${path}.lock`;
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw new PayCrossStoreError({
          code: "store_io",
          message: `cannot create lock file ${lockPath}`,
          path,
          cause: e,
        });
      const holder = readHolder(lockPath);
      const stale = !holder || (holder.host === me.host && holder.pid !== process.pid && !alive(holder.pid));
      if (!stale)
        throw new PayCrossStoreError({
          code: "store_locked",
          path,
          message:
            `FileStore ${path} is in use by pid ${holder.pid} on ${holder.host} since ${holder.startedAt}` +
            (holder.host === me.host ? "" : ` (another host: if that process is gone, delete ${lockPath})`),
        });
      try {
        unlinkSync(lockPath); // stale: its owner is dead; the next attempt creates ours
      } catch {
        // Someone else removed it first; the next attempt decides.
      }
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        if (readHolder(lockPath)?.pid === me.pid) unlinkSync(lockPath);
      } catch {
        // Already gone.
      }
    };
  }
  throw new PayCrossStoreError({
    code: "store_locked",
    path,
    message: `FileStore ${path}: could not take the lock ${lockPath} (contended)`,
  });
}
