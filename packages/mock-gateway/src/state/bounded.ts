/**
 * A Map that keeps at most `max` entries, forgetting the oldest first. The insertion order is kept in a
 * ring of keys: asking the Map itself for its first key (`keys().next()`) walks over every slot freed
 * since its last rehash, which made a full ledger cost ~30 µs per insert instead of ~0.1.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private ring: K[] = [];
  /** The slot of the oldest key once the ring is full. */
  private head = 0;

  constructor(
    readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Stores a value; a new key beyond `max` evicts the oldest one. */
  set(key: K, value: V): void {
    const before = this.map.size;
    this.map.set(key, value); // one hash lookup; an existing key keeps its place in the ring
    if (this.map.size === before) return;
    if (this.ring.length < this.max) {
      this.ring.push(key);
      return;
    }
    const oldest = this.ring[this.head]!;
    this.ring[this.head] = key;
    this.head = (this.head + 1) % this.max;
    const evicted = this.map.get(oldest);
    this.map.delete(oldest);
    if (evicted !== undefined) this.onEvict?.(oldest, evicted);
  }

  clear(): void {
    this.map.clear();
    this.ring = [];
    this.head = 0;
  }
}
