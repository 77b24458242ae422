import { PayCrossLocalError } from "@paycross/client";

export type StoreErrorCode = "store_locked" | "store_corrupt" | "store_closed" | "store_io";

/**
 * A task store cannot be used safely: another process holds it (`store_locked`), its file holds a line
 * that is neither a state nor a deletion (`store_corrupt`), it is closed, or the disk failed (`store_io`).
 * The message names the file, the line or the holder; it never contains task data.
 */
export class PayCrossStoreError extends PayCrossLocalError {
  declare readonly code: StoreErrorCode;
  /** The store's file. */
  readonly path: string | undefined;

  constructor(init: { code: StoreErrorCode; message: string; path?: string; cause?: unknown }) {
    super({ message: init.message, code: init.code, cause: init.cause });
    this.path = init.path;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path };
  }
}
