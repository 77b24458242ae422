/**
 * `unknown` told, a result stored later. An `unknown` can be final for the waiters and still be replaced by
 * a result afterwards: an authentic notification that comes after the 404 (any store), or, on a shared
 * store, a worker that stalled past its lease and the store's
 * `factGraceMs` stores the read-once result it read, or a notification's transaction is merged in just
 * after another worker stored `unknown`. The store keeps the result (`mergeFacts`); this remembers which
 * tasks this process told `unknown`, and hands the correction to `onCorrected` when it reads the result.
 */
import { toOutcome } from "./outcome.js";
import type { Outcome, TaskState } from "./task.js";

/** A task this process reported `unknown` has a result in the store now. */
export interface Correction {
  taskId: string;
  /** The `unknown` outcome handed to a caller before. */
  told: Extract<Outcome, { kind: "unknown" }>;
  /** The result the store holds now (`completed` or `failed`): the task's real fate. */
  outcome: Extract<Outcome, { kind: "completed" | "failed" }>;
}

export class Corrections {
  /** Tasks whose `unknown` a caller was told here, until corrected or forgotten. */
  private readonly told = new Map<string, Correction["told"]>();

  constructor(
    private readonly onCorrected: ((c: Correction) => void) | undefined,
    /** `onCorrected` threw: reported, never thrown into the poller. */
    private readonly observerFailed: (error: unknown) => void,
  ) {}

  /** Whether a stored outcome of `id` would correct what this process told. */
  watching(id: string): boolean {
    return this.told.has(id);
  }

  /** A caller was handed `outcome` for task `id`. */
  tell(id: string, outcome: Outcome): void {
    if (outcome.kind === "unknown") this.told.set(id, outcome);
  }

  /** The task's stored state was read: a result after a told `unknown` is a correction (reported once). */
  check(id: string, stored: TaskState): void {
    const told = this.told.get(id);
    if (!told || stored.phase !== "done" || !stored.outcome || stored.outcome.kind === "unknown") return;
    this.told.delete(id);
    const outcome = toOutcome(stored) as Correction["outcome"];
    try {
      if (this.onCorrected) this.onCorrected({ taskId: id, told, outcome });
      // Nobody listens: a money fact must not pass unseen (no task data in the text).
      else
        process.emitWarning(`task ${id} was reported unknown; its stored outcome is now ${outcome.kind}`, {
          code: "outcome_corrected",
        });
    } catch (e) {
      this.observerFailed(e);
    }
  }

  forget(id: string): void {
    this.told.delete(id);
  }
}
