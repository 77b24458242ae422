/**
 * In-memory lookup of tasks by `tracking_id` and by transaction `uid`, so that a notification finds its
 * task without reading every state (`list()`). Each store keeps it next to its states.
 */
import { knownUid } from "../match.js";
import type { TaskState } from "../task.js";

export { knownUid };

export class TaskIndex {
  private readonly byTracking = new Map<string, Set<string>>();
  private readonly byUid = new Map<string, Set<string>>();
  private readonly keys = new Map<string, { tracking?: string | undefined; uid?: string | undefined }>();

  set(s: TaskState): void {
    this.remove(s.id);
    const keys = { tracking: s.trackingId, uid: knownUid(s) };
    this.keys.set(s.id, keys);
    if (keys.tracking !== undefined) add(this.byTracking, keys.tracking, s.id);
    if (keys.uid !== undefined) add(this.byUid, keys.uid, s.id);
  }

  remove(id: string): void {
    const keys = this.keys.get(id);
    if (!keys) return;
    this.keys.delete(id);
    if (keys.tracking !== undefined) drop(this.byTracking, keys.tracking, id);
    if (keys.uid !== undefined) drop(this.byUid, keys.uid, id);
  }

  /** The states (read by `read`, which copies them) indexed under `key`; gone ones are skipped. */
  find(by: "tracking_id" | "uid", key: string, read: (id: string) => TaskState | undefined): TaskState[] {
    const ids = by === "uid" ? this.withUid(key) : this.withTrackingId(key);
    return ids.flatMap((id) => read(id) ?? []);
  }

  /** Ids of the tasks submitted with this tracking_id. */
  withTrackingId(trackingId: string): string[] {
    return [...(this.byTracking.get(trackingId) ?? [])];
  }

  /** Ids of the tasks whose transaction has this uid. */
  withUid(uid: string): string[] {
    return [...(this.byUid.get(uid) ?? [])];
  }
}

function add(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids) ids.add(id);
  else map.set(key, new Set([id]));
}

function drop(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  ids?.delete(id);
  if (ids?.size === 0) map.delete(key);
}
