/**
 * The ledger's transactions, in a ring of `max` slots. Each uid carries its slot (the last 8 hex digits
 * of a random UUID), so storing is one array write and finding is an index and a string compare, where
 * a Map of 100,000 uids cost a hash insert, a lookup and a delete per payment, each a cache miss. The
 * newest `max` transactions are kept; a new one overwrites the oldest, whose uid then finds nothing
 * (its slot holds another uid).
 */
import { uuid } from "./uuid.js";

const SLOT_DIGITS = 8;
const UUID_LENGTH = 36;

export class TransactionRing<T extends { uid: string }> {
  private slots: (T | undefined)[] = [];
  private next = 0;
  private count = 0;

  constructor(
    readonly max: number,
    private readonly onEvict?: (evicted: T) => void,
  ) {
    if (!(Number.isInteger(max) && max >= 1 && max < 2 ** 32))
      throw new RangeError(`a ring holds 1 to 2^32 - 1 transactions, not ${max}`);
  }

  get size(): number {
    return this.count;
  }

  /** The uid of the next transaction `add` stores: random, UUID-shaped, its slot in the last 8 digits. */
  nextUid(): string {
    return uuid(this.next);
  }

  /** Stores a transaction whose uid came from the last `nextUid()`, forgetting the oldest when full. */
  add(tx: T): void {
    const slot = this.next;
    if (slotOf(tx.uid) !== slot)
      throw new Error(`mock gateway bug: uid ${tx.uid} was not made for slot ${slot}`);
    const old = this.slots[slot];
    this.slots[slot] = tx;
    this.next = slot + 1 === this.max ? 0 : slot + 1;
    if (old === undefined) this.count++;
    else this.onEvict?.(old);
  }

  /** The transaction with this uid, if it is still kept. Any string is safe to ask about. */
  get(uid: string): T | undefined {
    const slot = slotOf(uid);
    if (slot === -1) return undefined;
    const tx = this.slots[slot];
    return tx !== undefined && tx.uid === uid ? tx : undefined;
  }

  clear(): void {
    this.slots = [];
    this.next = 0;
    this.count = 0;
  }
}

/** The slot a uid names, or -1 when it cannot be one of ours. */
function slotOf(uid: string): number {
  if (typeof uid !== "string" || uid.length !== UUID_LENGTH) return -1;
  const slot = Number.parseInt(uid.slice(UUID_LENGTH - SLOT_DIGITS), 16);
  return Number.isInteger(slot) && slot >= 0 ? slot : -1;
}
