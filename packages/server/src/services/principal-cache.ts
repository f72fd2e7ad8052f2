/**
 * Authenticated principals by token hash, for a short time. Every API request authenticates, and
 * doing so reads the token, the user, the memberships and the organisations (4 queries, ~0.15 ms
 * of this process's CPU each time); a client sending many requests in a row would repeat them
 * all. Entries live at most {@link PRINCIPAL_CACHE_MS} and never past the token's expiry; any
 * identity change made through this process (a token deleted, a member added, removed or given
 * another role) empties the cache at once. With `replicas: many` a change made by another replica
 * empties it at once too (replicas/cache-invalidation.ts, over Redis); the time bound is what
 * remains when that message is lost (the Redis link was down: it empties every cache on
 * reconnect) or for a server sharing the database without the link.
 */
import type { Principal } from './contracts.js';
import { ExpiringMap } from './expiring-map.js';

/** How long a change made elsewhere (another replica) may take to reach this process's checks. */
export const PRINCIPAL_CACHE_MS = 1_000;
/** Beyond this many distinct tokens in one window the cache starts over (bounded memory). */
const MAX_ENTRIES = 10_000;

export class PrincipalCache {
  private readonly entries = new ExpiringMap<string, Principal>(MAX_ENTRIES);

  get(tokenHash: string, now: number): Principal | undefined {
    return this.entries.get(tokenHash, now);
  }

  set(tokenHash: string, principal: Principal, now: number, tokenExpiresAt: number | null): void {
    const until = Math.min(now + PRINCIPAL_CACHE_MS, tokenExpiresAt ?? Number.POSITIVE_INFINITY);
    this.entries.set(tokenHash, principal, until);
  }

  clear(): void {
    this.entries.clear();
  }
}
