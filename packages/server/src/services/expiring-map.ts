/**
 * A map whose entries each answer until a time of their own, with a cap on its size: what the
 * server's short-lived caches (principals, workflow rows) share. Expired entries are dropped when
 * read; at the cap the map starts over rather than tracking an eviction order.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly until: number }>();

  constructor(private readonly maxEntries: number) {}

  /** The value if it is still valid at `now`. */
  get(key: K, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps `value` for `key` until (not including) `until`. */
  set(key: K, value: V, until: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until });
  }

  clear(): void {
    this.entries.clear();
  }
}
