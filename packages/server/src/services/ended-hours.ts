/**
 * Hourly aggregates of ended hours, kept in memory per scope (a list of organisations): an hour
 * that has ended never changes, so the overview's 24 h / 7 d charts read only the hours not kept
 * yet. Safe with several servers on one database, for the same reason. At most `maxScopes`
 * scopes are kept, the least recently read dropped first.
 */
export const HOUR_MS = 3_600_000;

export class EndedHours<T> {
  private readonly scopes = new Map<string, Map<number, T>>();

  constructor(
    /** Hours kept before `last` (older ones are dropped at each read). */
    private readonly keepHours: number,
    private readonly maxScopes = 64,
  ) {}

  /**
   * The hours from `since` to `last` (hour starts, both included) of the scope of `orgs`: the kept
   * ones first, then those `fetch` reads from the first hour not kept (given the kept hour just
   * before it, if any); the fetched hours that ended before `now` are kept.
   */
  async read(
    since: number,
    last: number,
    orgs: readonly string[] | undefined,
    now: number,
    startOf: (hour: T) => number,
    fetch: (from: number, before: T | undefined) => Promise<readonly T[]>,
  ): Promise<T[]> {
    const key = orgs === undefined ? '*' : [...orgs].sort().join('\n');
    const kept = this.scopes.get(key) ?? new Map<number, T>();
    let from = since;
    while (from <= last && kept.has(from)) from += HOUR_MS;
    const fresh = from > last ? [] : await fetch(from, kept.get(from - HOUR_MS));
    for (const hour of fresh) if (startOf(hour) + HOUR_MS <= now) kept.set(startOf(hour), hour);
    for (const start of kept.keys())
      if (start < last - this.keepHours * HOUR_MS) kept.delete(start);
    this.scopes.delete(key); // re-inserted last: the map's order is least recently used first
    this.scopes.set(key, kept);
    if (this.scopes.size > this.maxScopes) {
      const oldest = this.scopes.keys().next().value;
      if (oldest !== undefined) this.scopes.delete(oldest);
    }
    const out: T[] = [];
    for (let start = since; start < from; start += HOUR_MS) {
      const hour = kept.get(start);
      if (hour !== undefined) out.push(hour);
    }
    return [...out, ...fresh];
  }
}
